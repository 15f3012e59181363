"""Database failures as one sentence for the person at the desk: the only module that knows
what SQLite's and peewee's errors mean."""

from __future__ import annotations

import os
import sqlite3

from peewee import DatabaseError

from tui_kecamatan.i18n import _

# What a database call may raise besides the project's own AppError.
DATABASE_ERRORS = (DatabaseError, sqlite3.Error)


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
