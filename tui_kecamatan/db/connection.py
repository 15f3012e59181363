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

from peewee import Model, Query, SqliteDatabase

from tui_kecamatan.db.errors import DATABASE_ERRORS, explain
from tui_kecamatan.db.models import APPLICATION_ID, database
from tui_kecamatan.errors import DatabaseUnavailable
from tui_kecamatan.i18n import _

T = TypeVar("T")
BUSY_TIMEOUT_SECONDS = float(os.environ.get("TUI_KECAMATAN_BUSY_TIMEOUT", "5"))


def make_database(path: str | os.PathLike) -> SqliteDatabase:
    """A peewee database object with the office's settings (not yet connected)."""
    return SqliteDatabase(
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


def _prepare_file(path: Path, *, create_folder: bool) -> bool:
    """Check the folder and file before SQLite touches them; return True for a new database."""
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
        mode = path.stat().st_mode
        if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise DatabaseUnavailable(_("Basis data {path} hanya dapat dibaca; periksa izin berkas.").format(path=path))
        return path.stat().st_size == 0
    if not os.access(folder, os.W_OK):
        raise DatabaseUnavailable(_("Folder {folder} tidak dapat ditulis; periksa izinnya.").format(folder=folder))
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False  # another station created it a moment ago; SQLite's locks take it from here
    os.close(fd)
    return True


def _inspect(path: Path) -> tuple[int, int, int]:
    """The application id, schema version and object count, read with a plain connection.

    The office's pragmas are applied only after this: `journal_mode=wal` is stored in the file,
    so connecting with them would change another program's database before refusing it.
    """
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
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
) -> SqliteDatabase:
    """Open (and by default create and migrate) the database at `path` and bind the models to it.

    Raises DatabaseUnavailable with one sentence when the file cannot be used.
    """
    from tui_kecamatan.db import migrations

    path = Path(path).expanduser()
    if not create and not path.exists():
        raise DatabaseUnavailable(_("Basis data {path} tidak ada; jalankan dulu: tui-kecamatan init.").format(path=path))
    _prepare_file(path, create_folder=create_folder)
    try:
        app_id, version, tables = _inspect(path)
        if app_id != APPLICATION_ID and (version or tables):
            raise DatabaseUnavailable(_("Berkas {path} adalah basis data SQLite lain, bukan milik tui-kecamatan.").format(path=path))
        _switch_to_wal(path)
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(explain(exc, path)) from None
    db = make_database(path)
    try:
        db.connect(reuse_if_open=True)
        database.initialize(db)
        if migrate:
            migrations.migrate(db, path)
        else:
            migrations.refuse_newer(db, path)
    except DatabaseUnavailable:
        _close_quietly(db)
        raise
    except DATABASE_ERRORS as exc:
        _close_quietly(db)
        raise DatabaseUnavailable(explain(exc, path)) from None
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
        raise DatabaseUnavailable(explain(exc, db.database)) from None
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
