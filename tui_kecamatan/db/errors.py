"""Database failures as one sentence for the person at the desk: the only module that knows
what SQLite's and peewee's errors mean.

`explain` is the plain translation. `db.health.explain_failure` adds what needs the file system
around the database (the damage marker, the newest backups) and is what the connection uses."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from peewee import DatabaseError

from tui_kecamatan.i18n import _

# What a database call may raise besides the project's own AppError. Python's sqlite3 raises
# UnicodeDecodeError when a damaged schema puts bytes that are not UTF-8 into an error message
# or a text column; the application only ever writes UTF-8, so it means damage too.
DATABASE_ERRORS = (DatabaseError, sqlite3.Error, UnicodeDecodeError)

SQLITE_HEADER = b"SQLite format 3\x00"
# Below this much free space an I/O error on the database's disk is taken for a full disk.
NEARLY_FULL_BYTES = 1024 * 1024


def _text(exc: BaseException) -> str:
    return str(exc).lower()


def is_disk_full(exc: BaseException, path: str | os.PathLike | None = None) -> bool:
    """SQLite's "database or disk is full", an OS "no space left", or an I/O error on a disk
    with (almost) no free space left."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = _text(exc)
    if "full" in text and ("disk" in text or "database" in text):
        return True
    if "i/o" in text and path is not None:
        free = free_space(Path(path).expanduser().parent)
        return free is not None and free < NEARLY_FULL_BYTES
    return False


def looks_damaged(exc: BaseException, path: str | os.PathLike | None = None) -> bool:
    """Whether the error says the file's pages are damaged (not merely locked, full or foreign).

    "file is not a database" counts as damage only when the file still starts with SQLite's
    header: a text file or a picture renamed to .db is foreign, not damaged."""
    if isinstance(exc, UnicodeDecodeError):
        return True
    text = _text(exc)
    if "malformed" in text or "corrupt" in text:
        return True
    if "not a database" in text and path is not None:
        return read_header(path)[:16] == SQLITE_HEADER
    return False


def read_header(path: str | os.PathLike) -> bytes:
    """The first 100 bytes of the file (SQLite's header), or b"" when it cannot be read."""
    try:
        with open(Path(path).expanduser(), "rb") as handle:
            return handle.read(100)
    except OSError:
        return b""


def free_space(folder: str | os.PathLike) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def size_text(count: int) -> str:
    """A size as people read it: 980 KB, 3,4 MB, 12,1 GB (decimal comma)."""
    if count < 1024 * 1024:
        return _("{n} KB").format(n=count // 1024)
    if count < 1024 ** 3:
        return _("{n} MB").format(n=f"{count / 1024 ** 2:.1f}".replace(".", ","))
    return _("{n} GB").format(n=f"{count / 1024 ** 3:.1f}".replace(".", ","))


def disk_full_sentence(path: str | os.PathLike, *, backup: bool = False) -> str:
    """The disk holding `path` is full: where, how much is left, and that nothing was saved."""
    path = Path(path).expanduser()
    folder = path.absolute().parent
    free = free_space(folder)
    left = size_text(free) if free is not None else _("tidak diketahui")
    if backup:
        return _("Disk penuh: cadangan {path} tidak dapat ditulis (sisa ruang di {folder}: {free}), jadi tidak ada "
                 "cadangan yang disimpan; kosongkan ruang di disk itu atau pilih disk lain.").format(
            path=path, folder=folder, free=left)
    return _("Disk penuh: basis data {path} tidak dapat ditulis (sisa ruang di {folder}: {free}), jadi perubahan "
             "ini tidak disimpan; kosongkan ruang di disk itu lalu ulangi.").format(path=path, folder=folder, free=left)


def damaged_sentence(path: str | os.PathLike, backups: list[Path] | None = None) -> str:
    """The database is damaged: nothing is written to it, and it is restored from a backup,
    the newest ones named when they are known."""
    path = Path(path).expanduser()
    folder = path.absolute().parent
    if backups:
        where = ", ".join(str(b) for b in backups)
        return _("Basis data {path} rusak, jadi tidak ada yang disimpan ke sana; pulihkan dari cadangan dengan: "
                 "tui-kecamatan restore BERKAS (cadangan terbaru: {backups}).").format(path=path, backups=where)
    return _("Basis data {path} rusak, jadi tidak ada yang disimpan ke sana; pulihkan dari cadangan terakhir "
             "dengan: tui-kecamatan restore BERKAS (tidak ada cadangan yang diketahui di {folder}).").format(
        path=path, folder=folder)


def explain(exc: BaseException, path: str | os.PathLike) -> str:
    """One sentence for a SQLite failure on the database file."""
    text = _text(exc)
    if is_disk_full(exc, path):
        return disk_full_sentence(path)
    if looks_damaged(exc, path):
        return damaged_sentence(path)
    if "locked" in text or "busy" in text:
        return _("Basis data {path} sedang dikunci oleh proses lain; coba lagi sebentar lagi.").format(path=path)
    if "not a database" in text or "encrypted" in text:
        return _("Berkas {path} bukan basis data tui-kecamatan yang utuh.").format(path=path)
    if "readonly" in text or "read-only" in text:
        return _("Basis data {path} hanya dapat dibaca; periksa izin berkas dan foldernya.").format(path=path)
    if "unable to open" in text:
        return _("Basis data {path} tidak dapat dibuka; periksa folder dan izinnya.").format(path=path)
    if "i/o" in text:
        return _("Disk tempat {path} rusak atau terputus (kesalahan baca/tulis); tidak ada yang disimpan, periksa "
                 "disknya.").format(path=path)
    return _("Basis data {path} tidak dapat dipakai: {error}.").format(path=path, error=exc)
