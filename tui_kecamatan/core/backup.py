"""Backup, restore and integrity check of the office database, with SQLite's online backup so
the app may stay open while a copy is taken."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from tui_kecamatan.core import audit
from tui_kecamatan.db.models import AuditEvent
from tui_kecamatan.errors import AppError, DatabaseUnavailable, Refused
from tui_kecamatan.i18n import _


def _integrity(connection: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def _summary(connection: sqlite3.Connection) -> str:
    def count(table: str) -> int:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names

    return _("{r} permohonan, {t} antrian, {s} akun").format(r=count("request"), t=count("ticket"), s=count("staff"))


def backup_to(db, target: Path) -> str:
    """Copy the live database to `target` and verify the copy before reporting success."""
    target = Path(target).expanduser()
    if target.exists():
        raise Refused(_("Berkas {path} sudah ada; pilih nama lain agar cadangan lama tidak tertimpa.").format(path=target))
    if not target.parent.is_dir():
        raise Refused(_("Folder {folder} tidak ada.").format(folder=target.parent))
    partial = target.with_name(target.name + ".sebagian")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        destination = sqlite3.connect(str(partial))
        try:
            db.connection().backup(destination)
            problems = _integrity(destination)
            summary = _summary(destination)
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
        if problems:
            raise AppError(_("Salinan di {path} tidak utuh ({problem}); cadangan dibatalkan.").format(path=target, problem=problems[0]))
        os.replace(partial, target)
    except OSError as exc:
        raise AppError(_("Cadangan ke {path} gagal: {error}.").format(path=target, error=exc.strerror or exc)) from None
    finally:
        if partial.exists():
            partial.unlink()
    return _("Cadangan tersimpan dan sudah diperiksa: {path} ({summary}).").format(path=target, summary=summary)


def inspect_backup(source: Path) -> str:
    """Refuse a file that is not a whole database of this application; return its summary."""
    from tui_kecamatan.db.models import APPLICATION_ID
    from tui_kecamatan.db.migrations import LATEST

    source = Path(source).expanduser()
    if not source.is_file():
        raise Refused(_("Berkas cadangan {path} tidak ada.").format(path=source))
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error:
        raise Refused(_("Berkas {path} bukan basis data tui-kecamatan.").format(path=source)) from None
    try:
        app_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise Refused(_("Berkas {path} bukan basis data tui-kecamatan.").format(path=source))
        if version > LATEST:
            raise Refused(_("Berkas {path} berasal dari versi tui-kecamatan yang lebih baru (skema {v}); perbarui aplikasinya dulu.").format(path=source, v=version))
        problems = _integrity(connection)
        if problems:
            raise Refused(_("Berkas {path} rusak ({problem}).").format(path=source, problem=problems[0]))
        return _summary(connection)
    except sqlite3.Error:
        raise Refused(_("Berkas {path} bukan basis data tui-kecamatan.").format(path=source)) from None
    finally:
        connection.close()


def restore_from(db, db_path: Path, source: Path, *, actor=None) -> str:
    """Replace the live database with `source`, keeping the replaced one as a backup file."""
    from tui_kecamatan.db import migrations

    summary = inspect_backup(source)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    keep = Path(db_path).with_name(f"{Path(db_path).name}.sebelum-pulih-{stamp}.bak")
    backup_to(db, keep)
    source_connection = sqlite3.connect(f"file:{Path(source).expanduser()}?mode=ro", uri=True)
    try:
        source_connection.backup(db.connection())
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(_("Pemulihan gagal ({error}); basis data lama tetap ada di {keep}.").format(error=exc, keep=keep)) from None
    finally:
        source_connection.close()
    db.execute_sql("PRAGMA journal_mode=wal")
    migrations.migrate(db, db_path)
    with db.atomic():
        audit.record(actor, "basis_data_dipulihkan", "", None, f"dari {Path(source).name}")
    return _("Basis data dipulihkan dari {src} ({summary}); yang lama disimpan di {keep}.").format(
        src=source, summary=summary, keep=keep)


def check(db) -> tuple[list[str], list[str]]:
    """Integrity and foreign-key check; returns (problems, report lines)."""
    from tui_kecamatan.db import migrations

    connection = db.connection()
    problems = [_("Keutuhan: {p}").format(p=p) for p in _integrity(connection)]
    fk = connection.execute("PRAGMA foreign_key_check").fetchall()
    problems += [_("Rujukan rusak di tabel {t} baris {r}.").format(t=row[0], r=row[1]) for row in fk]
    version = migrations.schema_version(db)
    if version < migrations.LATEST:
        problems.append(_("Skema {v} belum diperbarui ke {latest}; jalankan: tui-kecamatan init.").format(v=version, latest=migrations.LATEST))
    lines = [
        _("Skema: {v} (versi aplikasi mengenal {latest})").format(v=version, latest=migrations.LATEST),
        _("Isi: {summary}, {a} catatan audit").format(summary=_summary(connection), a=AuditEvent.select().count()),
        _("Hasil: {result}").format(result=_("baik") if not problems else _("{n} masalah").format(n=len(problems))),
    ]
    return problems, lines



