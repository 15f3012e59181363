"""The database file: creation, migration with backup, refusal of foreign or newer files, the
pragmas, owner-only permissions, the append-only audit table, and two processes starting at once."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import datetime
import time
from pathlib import Path

import peewee
import pytest

from tui_kecamatan.db import migrations
from tui_kecamatan.db.connection import EmptyDatabaseFile, open_database
from tui_kecamatan.db.models import APPLICATION_ID
from tui_kecamatan.db.models import AuditEvent, Counter, OfficeProfile, Service, ServiceRequirement, Staff
from tui_kecamatan.errors import DatabaseUnavailable

ROOT = Path(__file__).resolve().parent.parent
SERVICE_CODES = {"KK", "KTP", "REKAM", "PINDAH_KELUAR", "PINDAH_DATANG", "PINDAH_ANTAR_KEC"}


def header(path: Path) -> tuple[int, int]:
    """(user_version, application_id) read with a plain connection."""
    connection = sqlite3.connect(str(path))
    try:
        return (
            connection.execute("PRAGMA user_version").fetchone()[0],
            connection.execute("PRAGMA application_id").fetchone()[0],
        )
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bak"))


def assert_seeded() -> None:
    services = {s.code: s for s in Service.select()}
    assert set(services) == SERVICE_CODES
    rekam = services["REKAM"]
    assert rekam.suspended and rekam.urgent_only
    assert rekam.suspended_reason
    protocol = [r.text for r in ServiceRequirement.select().where((ServiceRequirement.service == rekam) & (ServiceRequirement.kind == "protokol"))]
    assert len(protocol) == 5
    assert any("Suhu tubuh pemohon" in text for text in protocol)
    assert not any(s.suspended or s.urgent_only for code, s in services.items() if code != "REKAM")
    # Every service has a list, and only REKAM carries protocol items.
    for code, service in services.items():
        assert ServiceRequirement.select().where(ServiceRequirement.service == service).count() >= 3, code
    assert ServiceRequirement.select().where(ServiceRequirement.kind == "protokol").count() == 5
    assert len({s.prefix for s in services.values()}) == 6
    assert Counter.select().count() == 1
    profiles = list(OfficeProfile.select())
    assert len(profiles) == 1 and profiles[0].configured is False
    assert Staff.select().count() == 0


# --- migrating from nothing -------------------------------------------------------------------


def _empty_sqlite_file(path: Path) -> None:
    """A valid SQLite file (header written) with no tables and user_version 0."""
    connection = sqlite3.connect(str(path))
    connection.execute("CREATE TABLE scratch (x)")
    connection.execute("DROP TABLE scratch")
    connection.commit()
    connection.close()
    assert path.stat().st_size > 0
    assert header(path) == (0, 0)


@pytest.mark.parametrize("start", ["missing", "zero_bytes", "empty_sqlite"])
def test_version_zero_migrates_to_latest_with_the_seed(tmp_path, start):
    path = tmp_path / "kecamatan.db"
    if start == "zero_bytes":
        path.touch()
    elif start == "empty_sqlite":
        _empty_sqlite_file(path)
    if start != "missing":
        # An existing file without tables may be the wrong path: it is taken only when asked.
        with pytest.raises(EmptyDatabaseFile):
            open_database(path)
    db = open_database(path, adopt_empty=start != "missing")
    try:
        assert migrations.schema_version(db) == migrations.LATEST
        assert_seeded()
    finally:
        db.close()
    assert header(path) == (migrations.LATEST, APPLICATION_ID)
    assert backups(tmp_path) == []  # nothing worth keeping before version 1


def test_reopening_an_up_to_date_database_changes_nothing(db_path):
    open_database(db_path).close()
    db = open_database(db_path)
    try:
        assert Service.select().count() == 6
        assert Counter.select().count() == 1
        assert OfficeProfile.select().count() == 1
    finally:
        db.close()
    assert backups(db_path.parent) == []


# --- newer, foreign and broken files --------------------------------------------------------------


@pytest.mark.parametrize("migrate", [True, False])
def test_database_newer_than_the_code_is_refused_and_left_unchanged(db_path, migrate):
    open_database(db_path).close()
    connection = sqlite3.connect(str(db_path))
    connection.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    connection.close()
    before = digest(db_path)

    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(db_path, migrate=migrate)
    assert "lebih baru" in str(caught.value)
    assert str(db_path) in str(caught.value)

    assert digest(db_path) == before
    assert header(db_path) == (migrations.LATEST + 1, APPLICATION_ID)
    assert backups(db_path.parent) == []


def test_another_programs_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "kasir.db"
    connection = sqlite3.connect(str(path))
    connection.execute("CREATE TABLE penjualan (id INTEGER PRIMARY KEY, total INTEGER)")
    connection.execute("INSERT INTO penjualan (total) VALUES (15000)")
    connection.commit()
    connection.close()
    before = digest(path)

    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(path)
    assert str(caught.value) == f"Berkas {path} adalah basis data SQLite lain, bukan milik tui-kecamatan."

    # Not switched to WAL, no tables of ours added.
    assert digest(path) == before
    connection = sqlite3.connect(str(path))
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in connection.execute("SELECT name FROM sqlite_master")] == ["penjualan"]
    connection.close()


def test_a_text_file_is_refused_with_one_sentence(tmp_path):
    path = tmp_path / "catatan.db"
    path.write_text("Daftar antrian hari ini\nA-001 Budi\n" * 20, encoding="utf-8")
    before = digest(path)
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(path)
    message = str(caught.value)
    assert message == f"Berkas {path} bukan basis data tui-kecamatan yang utuh."
    assert digest(path) == before


def test_missing_database_without_create_names_the_command(tmp_path):
    path = tmp_path / "belum-ada.db"
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(path, create=False)
    assert "tui-kecamatan init" in str(caught.value)
    assert not path.exists()


def test_missing_folder_is_refused_unless_asked_to_create_it(tmp_path):
    path = tmp_path / "tidak-ada" / "kecamatan.db"
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(path)
    assert "--db" in str(caught.value)
    assert not path.parent.exists()


# --- migration with backup ----------------------------------------------------------------------


CURRENT = migrations.LATEST
NEXT = CURRENT + 1


def _add_next_version(monkeypatch, step):
    monkeypatch.setattr(migrations, "MIGRATIONS", {**migrations.MIGRATIONS, NEXT: step})
    monkeypatch.setattr(migrations, "LATEST", NEXT)


def test_backup_is_written_before_migrating_an_older_version(db_path, monkeypatch):
    db = open_database(db_path)
    from tui_kecamatan.core import accounts

    accounts.create_staff(None, "admin", "rahasia-admin", accounts.Role.ADMIN)
    db.close()
    seen_at_migration: list[list[Path]] = []

    def v2(database):
        seen_at_migration.append(backups(db_path.parent))
        database.execute_sql("CREATE TABLE catatan_v2 (id INTEGER PRIMARY KEY, isi TEXT)")

    _add_next_version(monkeypatch, v2)
    db = open_database(db_path)
    try:
        assert migrations.schema_version(db) == NEXT
        assert Staff.select().count() == 1
    finally:
        db.close()

    made = backups(db_path.parent)
    assert len(made) == 1
    assert made[0].name.startswith(f"kecamatan.db.sebelum-v{CURRENT}-")
    assert seen_at_migration == [made]  # it existed when the migration ran
    assert stat.S_IMODE(made[0].stat().st_mode) == 0o600
    # The backup is the version-1 database with its data, without the new table.
    backup = sqlite3.connect(str(made[0]))
    assert backup.execute("PRAGMA user_version").fetchone()[0] == CURRENT
    assert backup.execute("SELECT username FROM staff").fetchall() == [("admin",)]
    assert backup.execute("SELECT count(*) FROM sqlite_master WHERE name = 'catatan_v2'").fetchone()[0] == 0
    backup.close()
    assert header(db_path) == (NEXT, APPLICATION_ID)


def test_failed_migration_leaves_the_old_version_whole(db_path, monkeypatch):
    open_database(db_path).close()

    def broken_v2(database):
        database.execute_sql("CREATE TABLE catatan_v2 (id INTEGER PRIMARY KEY)")
        database.execute_sql("INSERT INTO tabel_yang_tidak_ada VALUES (1)")

    _add_next_version(monkeypatch, broken_v2)
    with pytest.raises(DatabaseUnavailable):
        open_database(db_path)
    connection = sqlite3.connect(str(db_path))
    assert connection.execute("PRAGMA user_version").fetchone()[0] == CURRENT
    assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'catatan_v2'").fetchone()[0] == 0
    assert connection.execute("SELECT count(*) FROM service").fetchone()[0] == 6
    connection.close()
    assert len(backups(db_path.parent)) == 1


# --- settings and permissions -------------------------------------------------------------------


def test_pragmas_on_every_connection(db):
    def pragmas() -> tuple:
        return tuple(db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"))

    assert pragmas()[:3] == ("wal", 2, 1)
    assert pragmas()[3] > 0
    # Workers query from threads, each with its own connection: the same settings there.
    in_thread: list[tuple] = []
    worker = threading.Thread(target=lambda: (in_thread.append(pragmas()), db.close()))
    worker.start()
    worker.join()
    assert in_thread[0][:3] == ("wal", 2, 1)


def test_foreign_keys_are_enforced(db):
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            ServiceRequirement.create(service=9999, text="tidak ada layanannya")


def test_file_is_owner_only_and_new_folder_too(tmp_path):
    path = tmp_path / "data" / "tui-kecamatan" / "kecamatan.db"
    db = open_database(path, create_folder=True)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        # SQLite gives the WAL and shared-memory files the database file's permissions.
        for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert extra.exists()
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600
    finally:
        db.close()


def test_audit_table_is_append_only(db):
    event = AuditEvent.create(at=datetime(2026, 11, 28, 2, 0), actor="sistem", action="uji")
    assert AuditEvent.select().count() == 1

    with pytest.raises(peewee.IntegrityError, match="append-only"):
        AuditEvent.update(action="diubah").where(AuditEvent.id == event.id).execute()
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        AuditEvent.delete().where(AuditEvent.id == event.id).execute()

    # Also for anyone going round the application with the sqlite3 module.
    raw = sqlite3.connect(db.database)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE audit_event SET detail = 'dihapus'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit_event")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # REPLACE skips the DELETE trigger
        raw.execute(f"REPLACE INTO audit_event (id, at, actor, action) VALUES ({event.id}, '2026-11-28 02:00:00', 'x', 'y')")
    raw.execute("INSERT INTO audit_event (at, actor, action, table_name, detail) VALUES ('2026-11-28 02:01:00', 'sistem', 'uji2', '', '')")
    raw.commit()
    raw.close()
    assert [e.action for e in AuditEvent.select().order_by(AuditEvent.id)] == ["uji", "uji2"]


# --- two processes at once ---------------------------------------------------------------------

ROUNDS = 6
WORKERS = 6

_OPENER = """
import sys, time
from pathlib import Path
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.db.models import Service
folder, name, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for round in range(rounds):
    (folder / f"siap-{round}-{name}").touch()
    while not (folder / f"mulai-{round}").exists():
        time.sleep(0.0005)
    db = open_database(folder / f"kecamatan-{round}.db")
    print(Service.select().count(), flush=True)
    db.close()
"""


def test_processes_opening_a_new_file_at_once_all_succeed_and_seed_once(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen([sys.executable, "-c", _OPENER, str(tmp_path), str(n), str(ROUNDS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
        for n in range(WORKERS)
    ]
    # Each round starts on a new file once every process is waiting for it, so they collide.
    for round in range(ROUNDS):
        ready = [tmp_path / f"siap-{round}-{n}" for n in range(WORKERS)]
        while not all(flag.exists() for flag in ready) and all(worker.poll() is None for worker in workers):
            time.sleep(0.005)
        (tmp_path / f"mulai-{round}").touch()
    results = [worker.communicate(timeout=60) for worker in workers]
    for worker, (out, err) in zip(workers, results):
        assert worker.returncode == 0, err
        assert out.split() == ["6"] * ROUNDS
    for round in range(ROUNDS):
        db = open_database(tmp_path / f"kecamatan-{round}.db")
        try:
            assert_seeded()
            assert migrations.schema_version(db) == migrations.LATEST
        finally:
            db.close()


def test_upgrading_a_schema_3_database_adds_the_head_of_office_and_the_report_indexes(tmp_path, monkeypatch):
    path = tmp_path / "lama.db"
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", {v: f for v, f in migrations.MIGRATIONS.items() if v <= 3})
        m.setattr(migrations, "LATEST", 3)
        old = open_database(path)
        # Schema 3 had neither the head of office nor the report indexes.
        for name, _table, _columns in migrations._V4_INDEXES:
            old.execute_sql(f'DROP INDEX "{name}"')
        old.execute_sql("ALTER TABLE office_profile DROP COLUMN head_name")
        old.execute_sql("ALTER TABLE office_profile DROP COLUMN head_nip")
        old.execute_sql("UPDATE office_profile SET name = 'Kantor Kecamatan Pasar Kemis'")
        old.close()
    db = open_database(path)
    try:
        assert migrations.schema_version(db) == migrations.LATEST
        indexes = {row[0] for row in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {name for name, _table, _columns in migrations._V4_INDEXES} <= indexes
        assert db.execute_sql("SELECT name, head_name, head_nip FROM office_profile").fetchall() == [
            ("Kantor Kecamatan Pasar Kemis", "", "")]
    finally:
        db.close()
    assert list(tmp_path.glob("lama.db.sebelum-v3-*.bak"))
