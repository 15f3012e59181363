"""Numbered schema migrations. The version is PRAGMA user_version; all pending migrations run in
one transaction after a backup of the existing file; a database newer than the code is refused."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Callable

from peewee import SqliteDatabase

from tui_kecamatan.db import models
from tui_kecamatan.errors import DatabaseUnavailable
from tui_kecamatan.i18n import _

AUDIT_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
)


def _v1_initial(db: SqliteDatabase) -> None:
    """The whole office schema, the append-only audit triggers and the seed data."""
    from tui_kecamatan.db import seed

    db.create_tables(models.ALL_MODELS)
    for statement in AUDIT_TRIGGERS:
        db.execute_sql(statement)
    seed.seed(db)


MIGRATIONS: dict[int, Callable[[SqliteDatabase], None]] = {
    1: _v1_initial,
}
LATEST = max(MIGRATIONS)


def schema_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def refuse_newer(db: SqliteDatabase, path: os.PathLike | str) -> None:
    version = schema_version(db)
    if version > LATEST:
        raise DatabaseUnavailable(
            _("Basis data {path} berasal dari versi tui-kecamatan yang lebih baru (skema {version}, "
              "versi ini hanya mengenal sampai {latest}); perbarui aplikasinya.").format(
                path=path, version=version, latest=LATEST))


def backup_before_migration(db: SqliteDatabase, path: Path, version: int) -> Path:
    """Copy the database with SQLite's online backup before changing its schema."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.sebelum-v{version}-{stamp}.bak")
    import sqlite3

    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    destination = sqlite3.connect(str(target))
    try:
        db.connection().backup(destination)
    finally:
        destination.close()
    return target


def migrate(db: SqliteDatabase, path: os.PathLike | str) -> int:
    """Bring the database to LATEST; return the version it had before."""
    refuse_newer(db, path)
    before = schema_version(db)
    if before == LATEST:
        return before
    if before > 0:
        backup_before_migration(db, Path(path), before)
    with db.atomic():  # BEGIN IMMEDIATE: a second process waits, then sees the new version
        current = schema_version(db)
        for version in range(current + 1, LATEST + 1):
            MIGRATIONS[version](db)
        if current < LATEST:
            db.execute_sql(f"PRAGMA user_version = {int(LATEST)}")
            db.execute_sql(f"PRAGMA application_id = {int(models.APPLICATION_ID)}")
    return before
