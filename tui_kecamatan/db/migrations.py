"""Numbered schema migrations. The version is PRAGMA user_version; all pending migrations run in
one transaction after a backup of the existing file; a database newer than the code is refused."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from peewee import SqliteDatabase

from tui_kecamatan.db import audit_chain, models
from tui_kecamatan.errors import DatabaseUnavailable
from tui_kecamatan.i18n import _

AUDIT_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    # REPLACE INTO / INSERT OR REPLACE remove the old row without firing the DELETE trigger.
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_replace BEFORE INSERT ON audit_event
       WHEN EXISTS (SELECT 1 FROM audit_event WHERE id = new.id)
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
)


def _trigger_name(statement: str) -> str:
    return statement.split("IF NOT EXISTS", 1)[1].split()[0]


# What sqlite_master keeps of each trigger: the statement without "IF NOT EXISTS ".
EXPECTED_AUDIT_TRIGGERS = {_trigger_name(s): s.replace("IF NOT EXISTS ", "", 1) for s in AUDIT_TRIGGERS}


def audit_trigger_state(connection) -> tuple[list[str], list[str]]:
    """The audit triggers that are missing, and those whose text is not ours (a trigger replaced
    by one that lets changes through), read from sqlite_master."""
    present = dict(connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({})".format(
            ", ".join("?" * len(EXPECTED_AUDIT_TRIGGERS))),
        tuple(EXPECTED_AUDIT_TRIGGERS)).fetchall())
    missing = [name for name in EXPECTED_AUDIT_TRIGGERS if name not in present]
    changed = [name for name, sql in EXPECTED_AUDIT_TRIGGERS.items() if name in present and present[name] != sql]
    return missing, changed


def _install_audit_triggers(db: SqliteDatabase) -> list[str]:
    """Create the audit triggers that are missing or not ours; return their names."""
    missing, changed = audit_trigger_state(db.connection())
    for name in changed:
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    for statement in AUDIT_TRIGGERS:
        if _trigger_name(statement) in missing + changed:
            db.execute_sql(statement)
    return missing + changed


def ensure_audit_triggers(db: SqliteDatabase) -> list[str]:
    """Put back audit triggers someone dropped or replaced (cheap when all are there: one look at
    sqlite_master), with an audit row saying so; return the names put back."""
    if audit_trigger_state(db.connection()) == ([], []):
        return []
    with db.atomic():
        repaired = _install_audit_triggers(db)
        if repaired:
            audit_chain.append(db, at=datetime.now(timezone.utc).replace(tzinfo=None), staff_id=None, actor="sistem",
                               action="pemicu_audit_dipasang_ulang", table_name="audit_event", record_id=None,
                               detail="pemicu audit dipasang ulang: " + ", ".join(repaired))
    return repaired


def _v1_initial(db: SqliteDatabase) -> None:
    """The whole office schema, the append-only audit triggers and the seed data."""
    from tui_kecamatan.db import seed

    db.create_tables(models.ALL_MODELS)
    for statement in AUDIT_TRIGGERS:
        db.execute_sql(statement)
    seed.seed(db)


# The phone column of the search index holds an Indonesian number's digits in both writings,
# "62857…" and "0857…", so a clerk's partial number matches whichever way it was typed; a
# foreign number keeps its international digits only.
_PHONE_DIGITS = """CASE WHEN {p} = '' THEN ''
    WHEN {p} LIKE '+62%' THEN substr({p}, 2) || ' 0' || substr({p}, 4)
    ELSE replace({p}, '+', '') END"""

# Part of a name, a NIK or a phone number is found through an FTS5 trigram index (any three or
# more characters, ignoring case). It holds no copy of the text (content=''), only the index,
# kept up to date by triggers on every insert, change and removal of a request.
SEARCH_INDEX = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS request_text
       USING fts5(name, nik, phone, content='', tokenize='trigram')""",
    f"""CREATE TRIGGER IF NOT EXISTS request_text_insert AFTER INSERT ON request BEGIN
         INSERT INTO request_text(rowid, name, nik, phone)
         VALUES (new.id, new.name, new.nik, {_PHONE_DIGITS.format(p="new.phone")});
       END""",
    f"""CREATE TRIGGER IF NOT EXISTS request_text_delete AFTER DELETE ON request BEGIN
         INSERT INTO request_text(request_text, rowid, name, nik, phone)
         VALUES ('delete', old.id, old.name, old.nik, {_PHONE_DIGITS.format(p="old.phone")});
       END""",
    f"""CREATE TRIGGER IF NOT EXISTS request_text_update AFTER UPDATE OF name, nik, phone ON request BEGIN
         INSERT INTO request_text(request_text, rowid, name, nik, phone)
         VALUES ('delete', old.id, old.name, old.nik, {_PHONE_DIGITS.format(p="old.phone")});
         INSERT INTO request_text(rowid, name, nik, phone)
         VALUES (new.id, new.name, new.nik, {_PHONE_DIGITS.format(p="new.phone")});
       END""",
)


def _columns(db: SqliteDatabase, table: str) -> set[str]:
    return {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}


def _add_columns(db: SqliteDatabase, table: str, columns: dict[str, str]) -> None:
    """ALTER TABLE ADD COLUMN for each column the table lacks (a new database has them from v1)."""
    present = _columns(db, table)
    for name, definition in columns.items():
        if name not in present:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')


def _v2_desk(db: SqliteDatabase) -> None:
    """Drafts of interrupted forms, the supervisor's approval of urgent cases, and the search
    index for parts of numbers and names."""
    _add_columns(db, "ticket", {
        "urgent_reason": "TEXT NOT NULL DEFAULT ''",
        "approved_by_id": "INTEGER REFERENCES staff (id)",
    })
    _add_columns(db, "request", {
        "reg_seq": "INTEGER NOT NULL DEFAULT 0",
        "urgent": "INTEGER NOT NULL DEFAULT 0",
        "urgent_reason": "TEXT NOT NULL DEFAULT ''",
        "approved_by_id": "INTEGER REFERENCES staff (id)",
    })
    db.execute_sql("UPDATE request SET reg_seq = CAST(substr(reg_no, instr(reg_no, '-') + 1) AS INTEGER) "
                   "WHERE reg_seq = 0")
    db.execute_sql('CREATE INDEX IF NOT EXISTS "request_reg_seq" ON "request" ("reg_seq")')
    db.create_tables([models.Draft])
    for statement in SEARCH_INDEX:
        db.execute_sql(statement)
    db.execute_sql("INSERT INTO request_text(request_text) VALUES ('delete-all')")
    db.execute_sql(f"INSERT INTO request_text(rowid, name, nik, phone) "
                   f"SELECT id, name, nik, {_PHONE_DIGITS.format(p='phone')} FROM request")


def _v3_presence_and_audit_chain(db: SqliteDatabase) -> None:
    """Who is running the app now (`presence`), a hash chain over the audit trail, and the
    trigger refusing REPLACE on audit rows.

    The rows already there get their hashes now, in id order (the UPDATE trigger is dropped and
    put back inside this migration's transaction): the history before the upgrade is sealed as
    it stands at the upgrade."""
    _add_columns(db, "audit_event", {"hash": "VARCHAR(255)"})
    db.create_tables([models.Presence])
    db.execute_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
    audit_chain.seal(db)
    _install_audit_triggers(db)


# Indexes the reports and the audit viewer read through (a new database has them from v1).
_V4_INDEXES = (
    ('request_ready_at', 'request', '"ready_at"'),
    ('request_status_closed_at', 'request', '"status", "closed_at"'),
    ('request_status_due_date', 'request', '"status", "due_date"'),
    ('contact_at', 'contact', '"at"'),
    ('pickup_at', 'pickup', '"at"'),
    ('audit_event_action_at', 'audit_event', '"action", "at"'),
    ('audit_event_staff_id_at', 'audit_event', '"staff_id", "at"'),
)


def _v4_reports(db: SqliteDatabase) -> None:
    """The head of office who signs the reports (name and NIP in the profile), and the indexes
    the reports and the audit viewer read through."""
    _add_columns(db, "office_profile", {
        "head_name": "VARCHAR(255) NOT NULL DEFAULT ''",
        "head_nip": "VARCHAR(255) NOT NULL DEFAULT ''",
    })
    for name, table, columns in _V4_INDEXES:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')


MIGRATIONS: dict[int, Callable[[SqliteDatabase], None]] = {
    1: _v1_initial,
    2: _v2_desk,
    3: _v3_presence_and_audit_chain,
    4: _v4_reports,
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
        ensure_audit_triggers(db)
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
