"""The audit trail against more than the application: changes made with a plain sqlite3
connection (REPLACE, dropped triggers, rows changed, removed or slipped in) are refused or found
by `tui-kecamatan check`, which names the first broken row and prints the chain's latest hash;
`init` puts the triggers back; an older database's history is sealed by the upgrade; the command
line is audited under the real user; and wrong passwords tried in parallel wait as one would."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tui_kecamatan.core import accounts, audit, clock
from tui_kecamatan.core.accounts import MAX_FAILURES, Role
from tui_kecamatan.db import migrations
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.db.models import AuditEvent, Staff

T0 = datetime(2026, 11, 28, 2, 0, 0)  # naive UTC, as stored
TRIGGERS = ["audit_event_no_update", "audit_event_no_delete", "audit_event_no_replace"]


def chain_as_documented(path: Path) -> list[tuple[int, str, str | None]]:
    """The chain recomputed the way docs/deployment.md tells anyone to: (id, expected, stored)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out, previous = [], ""
        for *fields, stored in connection.execute(
                "SELECT id, at, staff_id, actor, action, table_name, record_id, detail, hash "
                "FROM audit_event ORDER BY id"):
            expected = hashlib.sha256(json.dumps([previous, *fields], separators=(",", ":")).encode()).hexdigest()
            out.append((fields[0], expected, stored))
            previous = stored
        return out
    finally:
        connection.close()


def raw(path: Path) -> sqlite3.Connection:
    """Someone going round the application: the sqlite3 module, autocommit."""
    return sqlite3.connect(str(path), isolation_level=None)


def check(path: Path) -> subprocess.CompletedProcess:
    result = run_cli("--db", str(path), "check")
    assert "Traceback" not in result.stdout + result.stderr
    return result


def row(path: Path, row_id: int) -> tuple:
    connection = sqlite3.connect(str(path))
    try:
        return connection.execute("SELECT id, at, actor, action, detail, hash FROM audit_event WHERE id = ?", (row_id,)).fetchone()
    finally:
        connection.close()


@pytest.fixture
def trail(db, db_path):
    """A database with eight audit rows written by the application over a morning (row 5 is
    wahyu's login at 01:09 UTC, 08:09 in Jakarta)."""
    moments = iter(range(100))
    clock.set_now(lambda: datetime(2026, 11, 28, 1, 0, tzinfo=timezone.utc) + timedelta(minutes=next(moments)))
    admin = accounts.create_staff(None, "admin", "rahasia-admin", Role.ADMIN, "Admin Kantor")
    for name in ("wahyu", "sari", "dedi"):
        accounts.create_staff(admin, name, f"rahasia-{name}", Role.OPERATOR, name.title())
    for name in ("wahyu", "sari"):
        accounts.authenticate(name, f"rahasia-{name}")
    accounts.disable(admin, "dedi")
    audit.record(admin, "uji_ñama", "", None, "Ça marche — 日本 \"kutip\" \\ garis")
    clock.set_now(None)
    assert AuditEvent.select().count() == 8
    return db_path


# --- a sound database ----------------------------------------------------------------------------


def test_check_on_a_sound_database_prints_the_latest_hash_anyone_can_recompute(trail):
    result = check(trail)
    assert result.returncode == 0, result.stderr
    chain = chain_as_documented(trail)
    assert all(expected == stored for _, expected, stored in chain)
    last_id, last_hash = chain[-1][0], chain[-1][2]
    assert len(last_hash) == 64
    # Row 8 was written at 2026-11-28 01:13 UTC, 08:13 in Jakarta.
    assert f"Rantai audit utuh: 8 catatan, hash terakhir {last_hash[:8]}…{last_hash[-4:]} (no. {last_id}, 2026-11-28 08:13 WIB)" in result.stdout
    assert f"Hash terakhir lengkap: {last_hash}" in result.stdout
    assert "Pemicu audit: lengkap" in result.stdout
    assert "Hasil: baik" in result.stdout
    assert result.stderr == ""


def test_each_new_row_extends_the_chain_and_the_printed_hash_stays_in_it(trail):
    printed = check(trail).stdout.split("Hash terakhir lengkap: ")[1].split()[0]
    accounts.authenticate("wahyu", "rahasia-wahyu")
    later = check(trail)
    assert later.returncode == 0
    chain = chain_as_documented(trail)
    assert chain[7][2] == printed  # the printed hash is still row 8's: nothing before was rewritten
    assert f"Hash terakhir lengkap: {chain[8][2]}" in later.stdout and chain[8][2] != printed


# --- REPLACE and UPSERT ------------------------------------------------------------------------

COLUMNS = "id, at, staff_id, actor, action, table_name, record_id, detail, hash"
FORGED = "(1, '2026-11-28 01:00:00', NULL, 'sistem', 'dipalsukan', '', NULL, 'ditulis ulang', NULL)"


@pytest.mark.parametrize("statement", [
    f"REPLACE INTO audit_event ({COLUMNS}) VALUES {FORGED}",
    f"INSERT OR REPLACE INTO audit_event ({COLUMNS}) VALUES {FORGED}",
    f"INSERT INTO audit_event ({COLUMNS}) VALUES {FORGED} ON CONFLICT(id) DO UPDATE SET detail = excluded.detail",
    f"INSERT OR IGNORE INTO audit_event ({COLUMNS}) VALUES {FORGED}",
    "UPDATE OR REPLACE audit_event SET id = 1 WHERE id = 2",
], ids=["replace", "insert-or-replace", "upsert", "insert-or-ignore", "update-or-replace"])
def test_rewriting_a_row_by_replace_or_upsert_is_refused(trail, statement):
    before = row(trail, 1), row(trail, 2)
    connection = raw(trail)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(statement)
    finally:
        connection.close()
    assert (row(trail, 1), row(trail, 2)) == before
    assert check(trail).returncode == 0


def test_a_plain_insert_of_a_new_id_still_works_for_the_application(trail):
    # The REPLACE trigger refuses an existing id only: the application keeps appending.
    accounts.authenticate("sari", "rahasia-sari")
    assert AuditEvent.select().count() == 9
    assert check(trail).returncode == 0


# --- triggers dropped ----------------------------------------------------------------------------


def test_dropped_triggers_are_named_by_check_and_put_back_by_init(trail):
    connection = raw(trail)
    for name in TRIGGERS[:2]:
        connection.execute(f"DROP TRIGGER {name}")
    connection.close()

    result = check(trail)
    assert result.returncode == 1
    assert ("Pemicu audit hilang: audit_event_no_update, audit_event_no_delete; catatan audit dapat diubah "
            "atau dihapus. Pasang lagi dengan: tui-kecamatan init.") in result.stderr
    assert "Hasil: 1 masalah" in result.stdout
    assert "baik" not in result.stdout

    again = run_cli("--db", str(trail), "init")
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    connection = raw(trail)
    try:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert set(TRIGGERS) <= names
        repair = connection.execute("SELECT actor, action, detail FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
        assert repair == ("sistem", "pemicu_audit_dipasang_ulang",
                          "pemicu audit dipasang ulang: audit_event_no_update, audit_event_no_delete")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM audit_event WHERE id = 1")
    finally:
        connection.close()
    after = check(trail)
    assert after.returncode == 0, after.stderr
    assert "Rantai audit utuh: 9 catatan" in after.stdout


def test_a_trigger_replaced_by_one_that_lets_changes_through_is_found_and_put_back(trail):
    connection = raw(trail)
    connection.execute("DROP TRIGGER audit_event_no_delete")
    connection.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event WHEN 0 "
                       "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
    connection.close()
    result = check(trail)
    assert result.returncode == 1
    assert "Pemicu audit diganti: audit_event_no_delete;" in result.stderr

    # Opening the database to write (here: any command that writes) puts it back.
    opened = open_database(trail)
    opened.close()
    connection = raw(trail)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM audit_event WHERE id = 1")
    finally:
        connection.close()
    assert check(trail).returncode == 0


# --- the chain names the first broken row ---------------------------------------------------------


def _drop_triggers_and(path: Path, *statements: str) -> None:
    connection = raw(path)
    try:
        for name in TRIGGERS:
            connection.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


def _broken(result) -> str:
    assert result.returncode == 1
    assert "Rantai audit: PUTUS (" in result.stdout
    assert "Rantai audit utuh" not in result.stdout and "Hash terakhir" not in result.stdout
    assert "baik" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("Rantai audit putus")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_row_changed_behind_the_apps_back_is_named(trail):
    _drop_triggers_and(trail, "UPDATE audit_event SET detail = 'wahyu: tidak pernah masuk' WHERE id = 5")
    line = _broken(check(trail))
    assert line == ("Rantai audit putus di catatan no. 5 (2026-11-28 08:09 WIB, masuk): isinya tidak cocok dengan "
                    "hash-nya; catatan itu atau yang tepat sebelumnya diubah, dihapus atau disisipkan di luar aplikasi.")


def test_a_row_changed_with_its_hash_recomputed_breaks_the_next_one(trail):
    # Someone who knows the recipe recomputes row 5's hash: row 6 no longer follows from it.
    connection = raw(trail)
    connection.execute("DROP TRIGGER audit_event_no_update")
    previous = connection.execute("SELECT hash FROM audit_event WHERE id = 4").fetchone()[0]
    fields = list(connection.execute("SELECT id, at, staff_id, actor, action, table_name, record_id, detail "
                                     "FROM audit_event WHERE id = 5").fetchone())
    fields[7] = "diubah"
    forged = hashlib.sha256(json.dumps([previous, *fields], separators=(",", ":")).encode()).hexdigest()
    connection.execute("UPDATE audit_event SET detail = 'diubah', hash = ? WHERE id = 5", (forged,))
    connection.close()
    line = _broken(check(trail))
    assert line.startswith("Rantai audit putus di catatan no. 6 (2026-11-28 08:11 WIB, masuk): isinya tidak cocok")


def test_a_removed_row_breaks_the_chain_at_the_next_one(trail):
    _drop_triggers_and(trail, "DELETE FROM audit_event WHERE id IN (4, 5)")
    line = _broken(check(trail))
    assert line == ("Rantai audit putus di catatan no. 6 (2026-11-28 08:11 WIB, masuk): catatan no. 4 sampai 5 "
                    "tidak ada lagi, jadi dihapus di luar aplikasi.")


def test_the_first_row_removed_is_found_too(trail):
    _drop_triggers_and(trail, "DELETE FROM audit_event WHERE id = 1")
    line = _broken(check(trail))
    assert line.startswith("Rantai audit putus di catatan no. 2 (2026-11-28 08:03 WIB, akun_dibuat): catatan no. 1 tidak ada lagi")


def test_a_row_slipped_in_without_a_hash_is_named_even_with_the_triggers_in_place(trail):
    connection = raw(trail)
    connection.execute("INSERT INTO audit_event (at, actor, action, table_name, detail) "
                       "VALUES ('2026-11-28 03:00:00', 'admin', 'akun_dibuat', 'staff', 'mallory (admin)')")
    connection.close()
    result = check(trail)
    assert "Pemicu audit: lengkap" in result.stdout
    line = _broken(result)
    assert line == ("Rantai audit putus di catatan no. 9 (2026-11-28 10:00 WIB, akun_dibuat): catatan itu tidak "
                    "punya hash, jadi ditambahkan di luar aplikasi.")


def test_a_row_slipped_in_with_a_wrong_hash_is_named_and_later_breaks_counted(trail):
    _drop_triggers_and(trail, "UPDATE audit_event SET detail = 'x' WHERE id = 3", "UPDATE audit_event SET actor = 'y' WHERE id = 7")
    connection = raw(trail)
    connection.execute(f"INSERT INTO audit_event ({COLUMNS}) VALUES (9, '2026-11-28 03:00:00', NULL, 'sistem', "
                       f"'uji', '', NULL, '', '{'0' * 64}')")
    connection.close()
    result = check(trail)
    line = _broken(result)
    assert line.startswith("Rantai audit putus di catatan no. 3 (")
    assert "Selain itu 2 catatan audit lain juga tidak cocok dengan rantainya." in result.stderr


def test_text_that_is_not_utf8_is_reported_without_a_traceback(trail):
    _drop_triggers_and(trail, "UPDATE audit_event SET detail = CAST(x'ff00fe' AS TEXT) WHERE id = 4")
    result = check(trail)
    assert result.returncode == 1
    assert "Rantai audit tidak dapat dibaca lagi setelah catatan no. 3; basis data mungkin rusak." in result.stderr


# --- an older database's history is sealed by the upgrade ----------------------------------------


def test_upgrading_a_schema_2_database_seals_its_history(tmp_path, monkeypatch):
    path = tmp_path / "lama.db"
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", {v: f for v, f in migrations.MIGRATIONS.items() if v <= 2})
        m.setattr(migrations, "LATEST", 2)
        old = open_database(path)
        # Schema 2 had no hash column, no presence table and no REPLACE trigger.
        old.execute_sql("DROP TRIGGER audit_event_no_replace")
        old.execute_sql("DROP TABLE presence")
        old.execute_sql("ALTER TABLE audit_event DROP COLUMN hash")
        for minute, (actor, action, detail) in enumerate([
            ("budi", "akun_dibuat", "budi (admin)"),
            ("budi", "masuk", ""),
            ("budi", "permohonan_dibuat", "Siti Aminah — KTP-el"),
            ("sistem", "gagal_masuk", "wahyu: percobaan ke-1"),
        ]):
            old.execute_sql("INSERT INTO audit_event (at, staff_id, actor, action, table_name, record_id, detail) "
                            "VALUES (?, NULL, ?, ?, 'staff', 1, ?)", (f"2026-11-2{minute} 02:00:00", actor, action, detail))
        old.close()
    assert run_cli("--db", str(path), "check").returncode == 1  # not yet upgraded

    new = open_database(path)
    try:
        assert migrations.schema_version(new) == migrations.LATEST
    finally:
        new.close()
    chain = chain_as_documented(path)
    assert [r[0] for r in chain] == [1, 2, 3, 4]
    assert all(stored is not None and expected == stored for _, expected, stored in chain)
    result = check(path)
    assert result.returncode == 0, result.stderr
    assert f"Rantai audit utuh: 4 catatan, hash terakhir {chain[-1][2][:8]}…" in result.stdout
    # The triggers are back after the migration's own fill.
    connection = raw(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("UPDATE audit_event SET detail = 'x' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(f"REPLACE INTO audit_event ({COLUMNS}) VALUES {FORGED}")
    finally:
        connection.close()
    assert list(tmp_path.glob("lama.db.sebelum-v2-*.bak"))


# --- the command line's name ---------------------------------------------------------------------


def test_the_command_line_is_audited_under_the_real_user_not_USER(tmp_path):
    path = tmp_path / "k.db"
    assert run_cli("--db", str(path), "init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n").returncode == 0
    fake = {"USER": "kepala_kantor", "LOGNAME": "kepala_kantor", "USERNAME": "kepala_kantor", "LNAME": "kepala_kantor"}
    added = run_cli("--db", str(path), "user", "add", "mallory", "--role", "admin", "--password-stdin",
                    input="rahasia-mallory\n", env=fake)
    assert added.returncode == 0, added.stderr
    connection = sqlite3.connect(str(path))
    try:
        actor = connection.execute("SELECT actor FROM audit_event WHERE action = 'akun_dibuat' ORDER BY id DESC").fetchone()[0]
    finally:
        connection.close()
    assert actor == f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    assert actor != "cli:kepala_kantor"


# --- wrong passwords in parallel -----------------------------------------------------------------

_ATTEMPT = """
import sys, time
from datetime import datetime
from pathlib import Path
from tui_kecamatan.core import accounts
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.errors import AppError
path, name, start = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
db = open_database(path, create=False)
(path.parent / f"siap-{name}").touch()
while not start.exists():
    time.sleep(0.001)
try:
    accounts.authenticate("wahyu", "salah-" + name, now=datetime.fromisoformat(sys.argv[4]))
    print("masuk")
except AppError as exc:
    print(exc)
"""


def _attempt_in_parallel(db_path: Path, count: int, now: datetime) -> list[str]:
    start = db_path.parent / f"mulai-{now:%H%M%S}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen([sys.executable, "-c", _ATTEMPT, str(db_path), f"{now:%H%M%S}-{n}", str(start), now.isoformat()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
        for n in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(list(db_path.parent.glob(f"siap-{now:%H%M%S}-*"))) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    start.touch()
    answers = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0 and "Traceback" not in err, err
        answers.append(out.strip())
    return answers


@pytest.mark.real_hasher  # a password check that takes a while: all of them are under way at once
def test_parallel_wrong_passwords_wait_as_one_station_would(db, db_path):
    admin = accounts.create_staff(None, "admin", "rahasia-admin", Role.ADMIN, "Admin")
    wahyu = accounts.create_staff(admin, "wahyu", "rahasia-wahyu", Role.OPERATOR, "Wahyu")

    # Eight processes at the same instant, from a clean count: one station could make two
    # attempts (the first failure costs no wait, the second one two seconds), and so can eight.
    answers = _attempt_in_parallel(db_path, 8, T0)
    told_to_wait = [a for a in answers if re.fullmatch(r"Terlalu banyak percobaan; tunggu \d+ detik lagi\.", a)]
    wrong = [a for a in answers if a.startswith("Nama pengguna atau kata sandi salah; sisa ")]
    assert len(wrong) == 2 and len(told_to_wait) == 6, answers
    row = Staff.get_by_id(wahyu.id)
    assert (row.failed_logins, row.locked) == (2, False)
    assert AuditEvent.select().where(AuditEvent.action == "gagal_masuk").count() == 2

    # After the two seconds, one more attempt gets through, then four seconds...
    answers = _attempt_in_parallel(db_path, 8, T0 + timedelta(seconds=2))
    assert sum(a.startswith("Nama pengguna atau kata sandi salah") for a in answers) == 1, answers
    assert Staff.get_by_id(wahyu.id).failed_logins == 3
    assert AuditEvent.select().where(AuditEvent.action == "gagal_masuk").count() == 3

    # ... and the lock after five failures still holds, however many try at once.
    answers = _attempt_in_parallel(db_path, 8, T0 + timedelta(minutes=1))
    answers += _attempt_in_parallel(db_path, 8, T0 + timedelta(minutes=2))
    row = Staff.get_by_id(wahyu.id)
    assert (row.failed_logins, row.locked) == (MAX_FAILURES, True)
    assert AuditEvent.select().where(AuditEvent.action == "gagal_masuk").count() == MAX_FAILURES
    assert sum("dikunci setelah 5 kali" in a for a in answers) >= 1
    assert check(db_path).returncode == 0


# --- the deployment guide's recipe ---------------------------------------------------------------


def _guide_snippet() -> str:
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    start = text.index("    import hashlib, json, sqlite3, sys\n")
    end = text.index("\n", text.index('    print("printed hash matches"', start))
    return "\n".join(line[4:] for line in text[start:end].splitlines()) + "\n"


def test_the_guides_snippet_verifies_a_printed_hash_and_catches_a_rewritten_history(trail, tmp_path):
    script = tmp_path / "verify.py"
    script.write_text(_guide_snippet(), encoding="utf-8")
    printed = check(trail).stdout.split("Hash terakhir lengkap: ")[1].split()[0]
    accounts.authenticate("wahyu", "rahasia-wahyu")  # history goes on after the printout

    def verify(number: int, digest: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(script), str(trail), str(number), digest],
                              capture_output=True, text=True, timeout=60)

    assert verify(8, printed).stdout.strip() == "printed hash matches"
    assert verify(7, printed).stdout.strip() == "printed hash NOT found at that row"

    # Someone rewrites row 3 and recomputes every hash after it: the chain is whole again, but
    # row 8 no longer has the printed hash.
    connection = raw(trail)
    connection.execute("DROP TRIGGER audit_event_no_update")
    connection.execute("UPDATE audit_event SET detail = 'sari (admin)' WHERE id = 3")
    previous = ""
    for row_id, *fields in connection.execute(
            "SELECT id, id, at, staff_id, actor, action, table_name, record_id, detail FROM audit_event ORDER BY id").fetchall():
        previous = hashlib.sha256(json.dumps([previous, *fields], separators=(",", ":")).encode()).hexdigest()
        connection.execute("UPDATE audit_event SET hash = ? WHERE id = ?", (previous, row_id))
    connection.close()
    assert verify(8, printed).stdout.strip() == "printed hash NOT found at that row"
    assert "Rantai audit utuh: 9 catatan" in check(trail).stdout  # only the printed copy tells

    connection = raw(trail)
    connection.execute("UPDATE audit_event SET detail = 'lagi' WHERE id = 5")
    connection.close()
    assert verify(8, printed).returncode == 1 and "chain broken at row 5" in verify(8, printed).stderr


def test_text_slipped_into_a_row_reaches_the_terminal_cleaned(trail):
    connection = raw(trail)
    connection.execute("INSERT INTO audit_event (at, actor, action, table_name, detail) "
                       "VALUES ('2026-11-28\x1b[2J 03:00', 'x', 'hapus\x1b]0;judul\x07\u202e\nbaris', 'staff', '')")
    connection.close()
    result = check(trail)
    output = result.stdout + result.stderr
    assert not any(ch in output for ch in "\x1b\x07\u202e")
    line = _broken(result)
    assert line.startswith("Rantai audit putus di catatan no. 9 (2026-11-28[2J 03:00, hapus]0;judul baris): ")
