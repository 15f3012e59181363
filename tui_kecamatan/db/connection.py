"""Opening the office database: SQLite in WAL mode with synchronous FULL, foreign keys, a busy
timeout and IMMEDIATE transactions, created owner-only, and migrated to the code's schema."""

from __future__ import annotations

import os
import sqlite3
import stat
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
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    return True


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
    db = make_database(path)
    try:
        db.connect(reuse_if_open=True)
        app_id = db.execute_sql("PRAGMA application_id").fetchone()[0]
        version = db.execute_sql("PRAGMA user_version").fetchone()[0]
        tables = db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (version or tables):
            raise DatabaseUnavailable(_("Berkas {path} adalah basis data SQLite lain, bukan milik tui-kecamatan.").format(path=path))
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
