"""Staff accounts: the first admin, role checks inside core, failed logins with an increasing
delay and a lock that holds across processes, and the audit row behind every change."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tui_kecamatan.core import accounts, audit
from tui_kecamatan.core.accounts import MAX_FAILURES, Role
from tui_kecamatan.db.models import AuditEvent, Staff
from tui_kecamatan.errors import InvalidInput, PermissionDenied, Refused

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 28, 2, 0, 0)  # naive UTC, as stored

# The other tests here hash with the cheap argon2id of conftest (the rules under test do not
# depend on the cost); the ones below are about hashing itself.


def _parameters(hashed: str) -> str:
    return hashed.split("$")[3]  # $argon2id$v=19$m=...,t=...,p=...$salt$hash


@pytest.mark.real_hasher
def test_real_hasher_is_argon2id_with_the_library_defaults(db):
    from argon2 import PasswordHasher

    defaults = PasswordHasher()
    accounts.create_staff(None, "admin", "rahasia-admin", Role.ADMIN, "Admin")
    hashed = staff("admin").password_hash
    assert hashed.startswith("$argon2id$v=19$")
    assert _parameters(hashed) == f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}"
    assert accounts.authenticate("admin", "rahasia-admin").username == "admin"


@pytest.mark.real_hasher
def test_the_fast_test_hash_needs_its_own_variable_set_to_1_exactly(monkeypatch):
    defaults = accounts._hasher()
    for value in ("0", "yes"):
        monkeypatch.setenv(accounts.TEST_FAST_HASH_ENV, value)
        assert _parameters(accounts.hash_password("rahasia-admin")) == _parameters(defaults.hash("x"))
    monkeypatch.setenv(accounts.TEST_FAST_HASH_ENV, "1")
    assert _parameters(accounts.hash_password("rahasia-admin")) == "m=8,t=1,p=1"


def test_a_cheap_hash_still_verifies_with_the_real_hasher(db):
    accounts.create_staff(None, "admin", "rahasia-admin", Role.ADMIN, "Admin")
    hashed = staff("admin").password_hash
    assert _parameters(hashed) == "m=8,t=1,p=1"  # conftest's hasher, for every test not marked
    accounts.use_hasher(None)  # the office's hasher reads the parameters from the stored hash
    assert accounts.authenticate("admin", "rahasia-admin").username == "admin"
    with pytest.raises(Refused):
        accounts.authenticate("admin", "salah-sandi")


def staff(username: str) -> Staff:
    return Staff.get(Staff.username == username)


def actions(username: str) -> list[str]:
    return [row.action for row in audit.events_for("staff", staff(username).id)]


def login_fails(username: str, password: str, now: datetime) -> str:
    with pytest.raises(Refused) as caught:
        accounts.authenticate(username, password, now=now)
    return str(caught.value)


# --- creating accounts --------------------------------------------------------------------------


def test_first_account_is_an_admin_created_without_an_actor(db):
    admin = accounts.create_staff(None, "Admin", "rahasia-admin", Role.ADMIN, "Admin Kantor")
    assert admin.username == "admin" and admin.role is Role.ADMIN and admin.id is not None
    row = staff("admin")
    assert row.password_hash.startswith("$argon2id$")
    assert "rahasia-admin" not in row.password_hash
    event = AuditEvent.get(AuditEvent.action == "akun_dibuat")
    assert (event.actor, event.staff_id, event.table_name, event.record_id) == ("admin", admin.id, "staff", admin.id)
    assert event.detail == "admin (admin)"


def test_first_account_must_be_an_admin(db):
    with pytest.raises(Refused):
        accounts.create_staff(None, "wahyu", "rahasia-wahyu", Role.OPERATOR)
    assert Staff.select().count() == 0
    assert AuditEvent.select().count() == 0


def test_second_account_needs_an_admin(admin):
    with pytest.raises(PermissionDenied):
        accounts.create_staff(None, "wahyu", "rahasia-wahyu", Role.OPERATOR)
    operator = accounts.create_staff(admin, "wahyu", "rahasia-wahyu", Role.OPERATOR, "Wahyu")
    with pytest.raises(PermissionDenied) as caught:
        accounts.create_staff(operator, "budi", "rahasia-budi", Role.OPERATOR)
    assert str(caught.value) == "Tindakan ini hanya untuk peran admin ke atas."
    assert [s.username for s in Staff.select().order_by(Staff.id)] == ["admin", "wahyu"]
    created = AuditEvent.get((AuditEvent.action == "akun_dibuat") & (AuditEvent.record_id == operator.id))
    assert (created.actor, created.staff_id) == ("admin", admin.id)


def test_account_input_is_checked(admin):
    with pytest.raises(InvalidInput):
        accounts.create_staff(admin, "a", "rahasia-panjang", Role.OPERATOR)
    with pytest.raises(InvalidInput):
        accounts.create_staff(admin, "[@click=app.quit]x[/]", "rahasia-panjang", Role.OPERATOR)
    with pytest.raises(InvalidInput) as caught:
        accounts.create_staff(admin, "budi", "pendek", Role.OPERATOR)
    assert "8" in str(caught.value)
    with pytest.raises(InvalidInput):
        accounts.create_staff(admin, "budi", "rahasia-budi", "kepala")
    with pytest.raises(Refused):
        accounts.create_staff(admin, "ADMIN", "rahasia-lain", Role.OPERATOR)
    assert Staff.select().count() == 1


def test_hostile_full_name_is_cleaned(admin):
    accounts.create_staff(admin, "nurani", "rahasia-nurani", Role.OPERATOR, "Nur\x1b[31m\x07ani \u202eX")
    assert staff("nurani").full_name == "Nur[31mani X"


# --- logging in ---------------------------------------------------------------------------------


def test_correct_password_logs_in_and_is_audited(operator):
    actor = accounts.authenticate("  Wahyu ", "rahasia-wahyu", now=T0)
    assert actor == operator
    assert staff("wahyu").last_login_at == T0
    event = AuditEvent.get(AuditEvent.action == "masuk")
    assert (event.actor, event.staff_id, event.record_id) == ("wahyu", operator.id, operator.id)


def test_unknown_user_gets_the_same_sentence_without_a_count(operator):
    assert login_fails("tidak-ada", "rahasia-wahyu", T0) == "Nama pengguna atau kata sandi salah."
    assert AuditEvent.select().where(AuditEvent.action == "gagal_masuk").count() == 0


def test_wrong_password_tells_the_attempts_left_and_is_audited(operator):
    message = login_fails("wahyu", "salah-sandi", T0)
    assert message == f"Nama pengguna atau kata sandi salah; sisa {MAX_FAILURES - 1} percobaan sebelum akun dikunci."
    assert f"sisa {MAX_FAILURES - 2} percobaan" in login_fails("wahyu", "salah-lagi", T0)
    row = staff("wahyu")
    assert (row.failed_logins, row.last_failed_at, row.locked) == (2, T0, False)
    failed = list(AuditEvent.select().where(AuditEvent.action == "gagal_masuk").order_by(AuditEvent.id))
    assert [(e.actor, e.staff_id, e.record_id) for e in failed] == [("sistem", None, operator.id)] * 2
    assert [e.detail for e in failed] == ["wahyu: percobaan ke-1", "wahyu: percobaan ke-2"]


def test_delay_grows_with_each_failure_and_a_waiting_attempt_counts_nothing(operator):
    now = T0
    login_fails("wahyu", "salah", now)
    waits = []
    for failures in range(2, MAX_FAILURES):
        login_fails("wahyu", "salah", now)  # failure number `failures`, allowed at `now`
        assert staff("wahyu").failed_logins == failures
        # Straight after, even the right password is not even checked.
        message = login_fails("wahyu", "rahasia-wahyu", now)
        wait = int(message.split("tunggu ")[1].split(" detik")[0])
        assert message == f"Terlalu banyak percobaan; tunggu {wait} detik lagi."
        waits.append(wait)
        # One second before the end it still holds, and says so.
        assert "tunggu 1 detik" in login_fails("wahyu", "rahasia-wahyu", now + timedelta(seconds=wait - 1))
        assert staff("wahyu").failed_logins == failures
        now += timedelta(seconds=wait)
    assert waits == [2, 4, 8]
    assert AuditEvent.select().where(AuditEvent.action == "gagal_masuk").count() == MAX_FAILURES - 1
    # Once the wait is over the right password works and the count starts again.
    assert accounts.authenticate("wahyu", "rahasia-wahyu", now=now) == operator
    row = staff("wahyu")
    assert (row.failed_logins, row.last_failed_at) == (0, None)


def test_lock_after_max_failures_until_an_admin_unlocks(admin, operator):
    now = T0
    for attempt in range(1, MAX_FAILURES + 1):
        message = login_fails("wahyu", f"salah-{attempt}", now)
        now += timedelta(minutes=1)
    assert message == f"Akun wahyu dikunci setelah {MAX_FAILURES} kali gagal masuk; minta admin membukanya."
    assert staff("wahyu").locked is True
    assert AuditEvent.select().where(AuditEvent.action == "gagal_masuk").order_by(AuditEvent.id.desc()).get().detail.endswith("(dikunci)")
    # Locked means locked: the right password, a day later, changes nothing.
    assert login_fails("wahyu", "rahasia-wahyu", now + timedelta(days=1)) == message
    assert staff("wahyu").failed_logins == MAX_FAILURES
    assert not accounts.verify_password(operator, "rahasia-wahyu")

    accounts.unlock(admin, "wahyu")
    row = staff("wahyu")
    assert (row.locked, row.failed_logins, row.last_failed_at) == (False, 0, None)
    event = AuditEvent.get(AuditEvent.action == "akun_dibuka")
    assert (event.actor, event.staff_id, event.record_id) == ("admin", admin.id, operator.id)
    assert accounts.authenticate("wahyu", "rahasia-wahyu", now=now) == operator


def test_disabled_account_is_refused(admin, operator):
    accounts.disable(admin, "wahyu")
    assert login_fails("wahyu", "rahasia-wahyu", T0) == "Akun wahyu dinonaktifkan; hubungi admin."
    assert not accounts.verify_password(operator, "rahasia-wahyu")
    event = AuditEvent.get(AuditEvent.action == "akun_dinonaktifkan")
    assert (event.actor, event.record_id) == ("admin", operator.id)
    with pytest.raises(Refused):
        accounts.disable(admin, "wahyu")
    with pytest.raises(Refused):
        accounts.disable(admin, "admin")  # oneself, and the last active admin


def test_lock_made_elsewhere_during_the_password_check_wins(operator, db, monkeypatch):
    """Another station locks the account while argon2 is still checking this attempt."""
    real_verify = accounts._verify

    def verify_while_another_station_locks(hashed, password):
        other = sqlite3.connect(db.database)
        other.execute("UPDATE staff SET locked = 1, failed_logins = ? WHERE username = 'wahyu'", (MAX_FAILURES,))
        other.commit()
        other.close()
        return real_verify(hashed, password)

    monkeypatch.setattr(accounts, "_verify", verify_while_another_station_locks)
    assert "dikunci" in login_fails("wahyu", "rahasia-wahyu", T0)
    row = staff("wahyu")
    assert (row.locked, row.failed_logins, row.last_login_at) == (True, MAX_FAILURES, None)
    assert AuditEvent.select().where(AuditEvent.action == "masuk").count() == 0


# --- passwords ----------------------------------------------------------------------------------


def test_password_change_is_audited_and_takes_effect(admin, operator):
    accounts.set_password(operator, "wahyu", "sandi-baru-wahyu")  # one's own
    assert accounts.authenticate("wahyu", "sandi-baru-wahyu", now=T0) == operator
    login_fails("wahyu", "rahasia-wahyu", T0)
    accounts.set_password(admin, "wahyu", "dari-admin-123")  # an admin for anyone
    assert accounts.authenticate("wahyu", "dari-admin-123", now=T0) == operator
    changes = list(AuditEvent.select().where(AuditEvent.action == "kata_sandi_diganti").order_by(AuditEvent.id))
    assert [(e.actor, e.record_id) for e in changes] == [("wahyu", operator.id), ("admin", operator.id)]
    with pytest.raises(InvalidInput):
        accounts.set_password(operator, "wahyu", "pendek")


# --- roles inside core ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DISPLAY, Role.OPERATOR, Role.SUPERVISOR])
def test_only_an_admin_manages_staff(admin, role):
    other = accounts.create_staff(admin, "budi", "rahasia-budi", Role.OPERATOR)
    weak = accounts.create_staff(admin, "layar", "rahasia-layar", role)
    for minute in range(MAX_FAILURES):
        login_fails("budi", "salah-sandi", T0 + timedelta(minutes=minute))
    assert staff("budi").locked
    before = AuditEvent.select().count()

    with pytest.raises(PermissionDenied):
        accounts.create_staff(weak, "baru", "rahasia-baru", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        accounts.create_staff(weak, "baru", "rahasia-baru", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        accounts.unlock(weak, "budi")
    with pytest.raises(PermissionDenied):
        accounts.disable(weak, "budi")
    with pytest.raises(PermissionDenied):
        accounts.set_password(weak, "budi", "sandi-curian")
    with pytest.raises(PermissionDenied):
        accounts.set_password(weak, "admin", "sandi-curian")

    assert AuditEvent.select().count() == before
    row = staff("budi")
    assert row.locked and row.active
    assert not Staff.select().where(Staff.username == "baru").exists()
    assert accounts.authenticate("admin", "rahasia-admin", now=T0) == admin
    assert other.role is Role.OPERATOR


def test_role_ranks(db, admin):
    display = accounts.create_staff(admin, "layar", "rahasia-layar", Role.DISPLAY)
    supervisor = accounts.create_staff(admin, "sari", "rahasia-sari", Role.SUPERVISOR)
    assert supervisor.can(Role.OPERATOR) and supervisor.can(Role.SUPERVISOR) and not supervisor.can(Role.ADMIN)
    assert not display.can(Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        accounts.require(None, Role.DISPLAY)
    assert accounts.require(supervisor, Role.OPERATOR) is supervisor


def test_disabled_or_demoted_account_loses_rights_in_an_open_session(db, admin):
    supervisor = accounts.create_staff(admin, "sari", "rahasia-sari", Role.SUPERVISOR)
    assert accounts.require(supervisor, Role.SUPERVISOR) is supervisor
    Staff.update(role="operator").where(Staff.username == "sari").execute()
    with pytest.raises(PermissionDenied):
        accounts.require(supervisor, Role.SUPERVISOR)
    assert accounts.require(supervisor, Role.OPERATOR) is supervisor
    accounts.disable(admin, "sari")
    with pytest.raises(PermissionDenied, match="dinonaktifkan"):
        accounts.require(supervisor, Role.OPERATOR)


# --- lockout across processes -------------------------------------------------------------------

# A login station: reads "username<TAB>password<TAB>iso time" lines, answers one JSON line each.
_STATION = """
import json, sys
from datetime import datetime
from tui_kecamatan.core import accounts
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.errors import AppError
db = open_database(sys.argv[1], create=False)
for line in sys.stdin:
    username, password, when = line.rstrip("\\n").split("\\t")
    try:
        actor = accounts.authenticate(username, password, now=datetime.fromisoformat(when))
        answer = {"ok": True, "username": actor.username}
    except AppError as exc:
        answer = {"ok": False, "error": str(exc)}
    print(json.dumps(answer), flush=True)
"""


class Station:
    """Another computer at the office: its own OS process on the same database file."""

    def __init__(self, db_path: Path):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", _STATION, str(db_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT),
        )

    def login(self, username: str, password: str, now: datetime) -> dict:
        self.process.stdin.write(f"{username}\t{password}\t{now.isoformat()}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        assert self.process.returncode == 0, self.process.stderr.read()


def test_failures_from_two_processes_add_up_and_a_third_sees_the_lock(operator, db_path):
    first, second = Station(db_path), Station(db_path)
    try:
        answers = []
        for attempt in range(MAX_FAILURES):
            station = first if attempt % 2 == 0 else second
            # A minute apart: past any delay, so each attempt is counted.
            answers.append(station.login("wahyu", f"salah-{attempt}", T0 + timedelta(minutes=attempt)))
    finally:
        first.close()
        second.close()

    assert [a["ok"] for a in answers] == [False] * MAX_FAILURES
    # Each station's count includes the other's failures.
    for attempt, answer in enumerate(answers[:-1]):
        assert f"sisa {MAX_FAILURES - attempt - 1} percobaan" in answer["error"]
    assert "dikunci" in answers[-1]["error"]

    third = Station(db_path)
    try:
        answer = third.login("wahyu", "rahasia-wahyu", T0 + timedelta(days=1))
    finally:
        third.close()
    assert answer == {"ok": False, "error": f"Akun wahyu dikunci setelah {MAX_FAILURES} kali gagal masuk; minta admin membukanya."}

    row = staff("wahyu")
    assert (row.failed_logins, row.locked) == (MAX_FAILURES, True)
    assert actions("wahyu") == ["akun_dibuat"] + ["gagal_masuk"] * MAX_FAILURES
