"""Opening the office database: SQLite in WAL mode with synchronous FULL, foreign keys, a busy
timeout and IMMEDIATE transactions, created owner-only, and migrated to the code's schema."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from peewee import ConnectionContext, Model, Query, SqliteDatabase

from tui_kecamatan.db import health
from tui_kecamatan.db.errors import DATABASE_ERRORS, disk_full_sentence, is_disk_full
from tui_kecamatan.db.models import APPLICATION_ID, database
from tui_kecamatan.errors import DatabaseUnavailable
from tui_kecamatan.i18n import _

T = TypeVar("T")
BUSY_TIMEOUT_SECONDS = float(os.environ.get("TUI_KECAMATAN_BUSY_TIMEOUT", "5"))


class _SentenceContext(ConnectionContext):
    """peewee's connection context, except that a SQLite failure leaving it becomes one sentence
    (DatabaseUnavailable, see health.explain_failure), so every command and every screen's
    database work says what went wrong in the same words."""

    __slots__ = ()

    def __enter__(self):
        try:
            return super().__enter__()
        except DATABASE_ERRORS as exc:
            raise DatabaseUnavailable(health.explain_failure(exc, self.db.database)) from None

    def __exit__(self, exc_type, exc_val, exc_tb):
        super().__exit__(exc_type, exc_val, exc_tb)
        if exc_val is not None and isinstance(exc_val, DATABASE_ERRORS):
            raise DatabaseUnavailable(health.explain_failure(exc_val, self.db.database)) from None


class OfficeDatabase(SqliteDatabase):
    """SqliteDatabase with two guards: no transaction begins on a database marked damaged
    (db/health.py), and a failed COMMIT keeps its own error.

    When COMMIT fails on a full disk SQLite has already rolled the transaction back; peewee's
    ROLLBACK after it would fail with "no transaction is active" and hide the real cause."""

    def begin(self, *args, **kwargs):
        health.refuse_if_damaged(self.database)
        return super().begin(*args, **kwargs)

    def rollback(self):
        if not self.is_closed() and not self.connection().in_transaction:
            return  # SQLite rolled back on its own (a failed COMMIT on a full disk)
        return super().rollback()

    def connection_context(self):
        return _SentenceContext(self)


def make_database(path: str | os.PathLike) -> SqliteDatabase:
    """A peewee database object with the office's settings (not yet connected)."""
    return OfficeDatabase(
        str(path),
        pragmas={
            "journal_mode": "wal",
            "synchronous": "full",
            "foreign_keys": 1,
            "busy_timeout": int(BUSY_TIMEOUT_SECONDS * 1000),
        },
        timeout=BUSY_TIMEOUT_SECONDS,
        lock_type="IMMEDIATE",
        check_same_thread=False,
    )


class EmptyDatabaseFile(DatabaseUnavailable):
    """The path holds a file without a single table (0 bytes, or only SQLite's header): perhaps
    the wrong path, so it becomes the office database only when asked (`adopt_empty`)."""

    def __init__(self, path: Path) -> None:
        super().__init__(_("Berkas {path} kosong (belum berisi tabel); bila memang ini basis data kantor, "
                           "jalankan: tui-kecamatan init --yes.").format(path=path))
        self.path = path


OWNER_ONLY = 0o600
SIDE_SUFFIXES = ("-wal", "-shm")


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):
        return str(uid)


def _make_owner_only(path: Path) -> None:
    """The database and its -wal and -shm readable by their owner only (0600), whatever modes
    they had; a file this user cannot fix is refused with its name.

    A database without the owner's write bit stays as it is (refused as read-only elsewhere):
    that may be on purpose. Running as root, a side file of another user is given to the
    database's owner, as SQLite itself does for the files it creates."""
    me = os.geteuid()
    owner = path.stat().st_uid
    for name in (path, *(Path(f"{path}{suffix}") for suffix in SIDE_SUFFIXES)):
        try:
            info = name.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):
            raise DatabaseUnavailable(_("{path} bukan berkas biasa; hapus atau pindahkan dulu.").format(path=name))
        mode = stat.S_IMODE(info.st_mode)
        if me != 0 and info.st_uid != me:
            if name == path:
                raise DatabaseUnavailable(_("Basis data {path} milik pengguna lain ({user}, mode {mode:04o}); jalankan "
                                            "sebagai pemiliknya atau perbaiki izinnya.").format(
                    path=name, user=_owner_name(info.st_uid), mode=mode))
            raise DatabaseUnavailable(_("Berkas {path} milik pengguna lain ({user}, mode {mode:04o}); hapus atau "
                                        "perbaiki izinnya.").format(path=name, user=_owner_name(info.st_uid), mode=mode))
        if name == path and not mode & stat.S_IWUSR:
            continue
        try:
            if me == 0 and name != path and info.st_uid != owner:
                os.chown(name, owner, path.stat().st_gid)
            if mode != OWNER_ONLY:
                os.chmod(name, OWNER_ONLY)
        except OSError as exc:
            raise DatabaseUnavailable(_("Izin berkas {path} (mode {mode:04o}) tidak dapat diubah ke 0600: {error}.").format(
                path=name, mode=mode, error=exc.strerror or exc)) from None


def _prepare_file(path: Path, *, create_folder: bool) -> bool:
    """Check the folder and file before SQLite touches them, make them owner-only; return True
    when this call created the file (a new database)."""
    folder = path.parent
    if not folder.exists():
        if not create_folder:
            raise DatabaseUnavailable(_("Folder {folder} tidak ada; buat dulu foldernya atau pilih jalur lain dengan --db.").format(folder=folder))
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    elif not folder.is_dir():
        raise DatabaseUnavailable(_("{folder} bukan folder.").format(folder=folder))
    if path.exists():
        if path.is_dir():
            raise DatabaseUnavailable(_("{path} adalah folder, bukan berkas basis data.").format(path=path))
        _make_owner_only(path)
        mode = path.stat().st_mode
        if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise DatabaseUnavailable(_("Basis data {path} hanya dapat dibaca; periksa izin berkas.").format(path=path))
        return False
    if not os.access(folder, os.W_OK):
        raise DatabaseUnavailable(_("Folder {folder} tidak dapat ditulis; periksa izinnya.").format(folder=folder))
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY)
    except FileExistsError:
        return False  # another station created it a moment ago; SQLite's locks take it from here
    os.close(fd)
    return True


def _still_empty(path: Path) -> bool:
    """Whether a file without tables stays so: one created in the last moments may be another
    station's new database, whose first migration is about to commit."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            fresh = time.time() - path.stat().st_mtime < BUSY_TIMEOUT_SECONDS
        except OSError:
            return False
        if not fresh or time.monotonic() >= deadline:
            return True
        time.sleep(0.1)
        app_id, version, tables = _inspect(path)
        if app_id or version or tables:
            return False


def _readonly_uri(path: Path, **params: str) -> str:
    from urllib.parse import quote

    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"file:{quote(str(path.absolute()))}?{query}"


def open_database_readonly(path: str | os.PathLike) -> SqliteDatabase:
    """Open the office database for an inspection (`check`) without writing to it or leaving
    files behind, and bind the models to it.

    While desks have it open (its -wal and -shm exist) it is read with `mode=ro`; otherwise its
    owner opens it normally but query-only, so SQLite removes the -wal and -shm again when it
    closes; anyone else reads it as immutable (nothing else has it open).
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise DatabaseUnavailable(_("Basis data {path} tidak ada; jalankan dulu: tui-kecamatan init.").format(path=path))
    if path.is_dir():
        raise DatabaseUnavailable(_("{path} adalah folder, bukan berkas basis data.").format(path=path))
    in_use = all(Path(f"{path}{suffix}").exists() for suffix in SIDE_SUFFIXES)
    owner = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    if owner:
        _make_owner_only(path)
    if in_use:
        name, uri = _readonly_uri(path, mode="ro"), True
    elif owner:
        name, uri = str(path), False
    else:
        name, uri = _readonly_uri(path, mode="ro", immutable="1"), True
    try:
        app_id, version, tables = _inspect_readonly(name, uri)
    except DATABASE_ERRORS as exc:
        raise DatabaseUnavailable(health.explain_failure(exc, path)) from None
    if app_id != APPLICATION_ID:
        if version or tables:
            raise DatabaseUnavailable(_("Berkas {path} adalah basis data SQLite lain, bukan milik tui-kecamatan.").format(path=path))
        raise EmptyDatabaseFile(path)
    db = SqliteDatabase(name, uri=uri, pragmas={"query_only": 1, "foreign_keys": 1,
                                                 "busy_timeout": int(BUSY_TIMEOUT_SECONDS * 1000)},
                        timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    from tui_kecamatan.db import migrations

    return _bind(db, path, lambda: migrations.refuse_newer(db, path))


def _inspect_readonly(name: str, uri: bool) -> tuple[int, int, int]:
    return _inspect(name, uri=uri, query_only=True)


def _inspect(path: Path | str, *, uri: bool = False, query_only: bool = False) -> tuple[int, int, int]:
    """The application id, schema version and object count, read with a plain connection.

    The office's pragmas are applied only after this: `journal_mode=wal` is stored in the file,
    so connecting with them would change another program's database before refusing it.
    """
    connection = sqlite3.connect(str(path), uri=uri, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        if query_only:
            connection.execute("PRAGMA query_only = 1")
        # One read transaction: another process's first migration commits the tables and the
        # application id together, and separate reads could see one without the other.
        connection.execute("BEGIN")
        app_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        connection.execute("COMMIT")
    finally:
        connection.close()
    return app_id, version, tables


def _switch_to_wal(path: Path) -> None:
    """Put the file in WAL mode, waiting while another process holds it.

    Changing the journal mode needs the file to itself, and SQLite answers "locked" at once
    rather than calling the busy handler (waiting could deadlock), so the wait is done here.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.01
    while True:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                connection.execute("PRAGMA journal_mode = wal")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                raise
        finally:
            connection.close()
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def open_database(
    path: str | os.PathLike,
    *,
    create: bool = True,
    create_folder: bool = False,
    migrate: bool = True,
    adopt_empty: bool = False,
) -> SqliteDatabase:
    """Open (and by default create and migrate) the database at `path` and bind the models to it.

    Raises DatabaseUnavailable with one sentence when the file cannot be used, and
    EmptyDatabaseFile for an existing file without tables unless `adopt_empty`.
    """
    from tui_kecamatan.db import migrations

    path = Path(path).expanduser()
    if not create and not path.exists():
        raise DatabaseUnavailable(_("Basis data {path} tidak ada; jalankan dulu: tui-kecamatan init.").format(path=path))
    try:
        created = _prepare_file(path, create_folder=create_folder)
    except OSError as exc:
        if is_disk_full(exc):
            raise DatabaseUnavailable(disk_full_sentence(path)) from None
        raise
    try:
        app_id, version, tables = _inspect(path)
        if app_id != APPLICATION_ID and (version or tables):
            raise DatabaseUnavailable(_("Berkas {path} adalah basis data SQLite lain, bukan milik tui-kecamatan.").format(path=path))
        if not (created or adopt_empty or app_id or version or tables) and _still_empty(path):
            raise EmptyDatabaseFile(path)
        _switch_to_wal(path)
    except DATABASE_ERRORS as exc:
        raise DatabaseUnavailable(health.explain_failure(exc, path)) from None
    db = make_database(path)
    return _bind(db, path, lambda: migrations.migrate(db, path) if migrate else migrations.refuse_newer(db, path))


def _bind(db: SqliteDatabase, path: Path, check: Callable[[], object]) -> SqliteDatabase:
    """Connect `db`, point the models at it and run `check` (the schema's version, a migration);
    on failure close it again and say why in one sentence."""
    try:
        db.connect(reuse_if_open=True)
        database.initialize(db)
        check()
    except DatabaseUnavailable:
        _close_quietly(db)
        raise
    except DATABASE_ERRORS as exc:
        _close_quietly(db)
        raise DatabaseUnavailable(health.explain_failure(exc, path)) from None
    return db


def _close_quietly(db: SqliteDatabase) -> None:
    try:
        db.close()
    except Exception:
        pass


def run_in_connection(db: SqliteDatabase, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `work(*args, **kwargs)` inside `db.connection_context()` and return its plain result.

    This is the one place where a database failure becomes a sentence: SQLite and peewee errors
    are raised as DatabaseUnavailable (an AppError); AppErrors from core pass through unchanged.
    Lazy peewee objects are refused, since they would query the database later, from the event
    loop.
    """
    try:
        with db.connection_context():
            result = work(*args, **kwargs)
    except DATABASE_ERRORS as exc:
        raise DatabaseUnavailable(health.explain_failure(exc, db.database)) from None
    sample = result[0] if isinstance(result, (list, tuple)) and result else result
    if isinstance(sample, (Query, Model)):
        raise TypeError("database work must return plain data (dataclasses, tuples), not peewee objects")
    return result


class DataVersionWatcher:
    """Calls `changed()` whenever PRAGMA data_version moves, from a daemon thread of its own.

    It polls on a connection of its own: data_version changes whenever another connection
    commits, whichever process that connection belongs to. `changed` must be safe to call from
    another thread (Textual's `post_message` is).
    """

    def __init__(self, path: str, changed: Callable[[], None], *, interval: float) -> None:
        self.path = path
        self.changed = changed
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if not self.path or self.path == ":memory:":
            return
        self._thread = threading.Thread(target=self._run, name="data-version", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=2, check_same_thread=False)
        try:
            last = None
            while not self._stop.is_set():
                try:
                    version = connection.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    version = last  # busy or briefly unavailable: try again next round
                if last is not None and version != last:
                    self.changed()
                last = version
                self._stop.wait(self.interval)
        finally:
            connection.close()
