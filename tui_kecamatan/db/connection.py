"""Opening the office database: SQLite in WAL mode with synchronous FULL, foreign keys, a busy
timeout and IMMEDIATE transactions, created owner-only, and migrated to the code's schema."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path

from peewee import DatabaseError, OperationalError, SqliteDatabase

from tui_kecamatan.db.models import database
from tui_kecamatan.errors import DatabaseUnavailable
from tui_kecamatan.i18n import _

# "TKEC" in the SQLite header: tells our databases from any other SQLite file.
APPLICATION_ID = 0x544B4543
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


def explain(exc: BaseException, path: str | os.PathLike) -> str:
    """One sentence for a SQLite failure on the database file."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return _("Basis data {path} sedang dikunci oleh proses lain; coba lagi sebentar lagi.").format(path=path)
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return _("Berkas {path} bukan basis data tui-kecamatan yang utuh.").format(path=path)
    if "readonly" in text or "read-only" in text:
        return _("Basis data {path} hanya dapat dibaca; periksa izin berkas dan foldernya.").format(path=path)
    if "unable to open" in text:
        return _("Basis data {path} tidak dapat dibuka; periksa folder dan izinnya.").format(path=path)
    if "disk" in text and ("full" in text or "i/o" in text):
        return _("Disk penuh atau rusak saat menulis {path}; tidak ada data yang diubah.").format(path=path)
    return _("Basis data {path} tidak dapat dipakai: {error}.").format(path=path, error=exc)


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
    except (DatabaseError, OperationalError, sqlite3.Error) as exc:
        _close_quietly(db)
        raise DatabaseUnavailable(explain(exc, path)) from None
    return db


def _close_quietly(db: SqliteDatabase) -> None:
    try:
        db.close()
    except Exception:
        pass
