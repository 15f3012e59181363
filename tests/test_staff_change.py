"""An admin changes an account's full name and role: in core (audited, the last active admin keeps
the role, the change bites at once), from the admin screen at 80x24, and from the command line."""

from __future__ import annotations

import pytest

from test_admin_more import choose_row, column, on_admin, open_section, table
from tests.conftest import run_cli
from tests.pilot import make_app, message_of, screen_text, wait_for, wait_text
from test_search_pickup_screens import OFFICE, fixed_clock
from tui_kecamatan.core import accounts, office
from tui_kecamatan.core.accounts import Role
from tui_kecamatan.db.models import AuditEvent, Staff
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tui_kecamatan.screens.admin.dialogs import StaffEditForm


def test_admin_changes_role_and_full_name_audited(db, admin, operator):
    row = accounts.change_staff(admin, "wahyu", role=Role.SUPERVISOR, full_name="  Wahyu\x07 Hidayat ")
    assert (row.username, row.full_name, row.role) == ("wahyu", "Wahyu Hidayat", "supervisor")
    staff = Staff.get(Staff.username == "wahyu")
    assert (staff.full_name, staff.role) == ("Wahyu Hidayat", "supervisor")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.actor, event.detail) == (
        "akun_diubah", "admin", "wahyu (role: supervisor; full_name: Wahyu Hidayat)")
    # The account holds the new role at once, in a session opened before.
    accounts.require(operator, Role.OPERATOR)
    assert accounts.authenticate("wahyu", "rahasia-wahyu").role is Role.SUPERVISOR


def test_a_role_given_as_text_and_nothing_to_change(db, admin, operator):
    assert accounts.change_staff(admin, "wahyu", role="display").role == "display"
    before = AuditEvent.select().count()
    assert accounts.change_staff(admin, "wahyu", role="display", full_name="Wahyu").full_name == "Wahyu"
    assert AuditEvent.select().count() == before  # nothing changed, nothing recorded
    with pytest.raises(InvalidInput, match="Peran 'raja' tidak dikenal"):
        accounts.change_staff(admin, "wahyu", role="raja")
    with pytest.raises(NotFound):
        accounts.change_staff(admin, "tidakada", full_name="X")


def test_the_last_active_admin_keeps_the_admin_role(db, admin, operator):
    with pytest.raises(Refused) as refused:
        accounts.change_staff(admin, "admin", role=Role.OPERATOR)
    assert str(refused.value) == "Akun admin adalah admin aktif terakhir; jadikan akun lain admin dulu."
    assert Staff.get(Staff.username == "admin").role == "admin"
    # A disabled second admin does not count; an active one does.
    accounts.create_staff(admin, "kedua", "rahasia-kedua", Role.ADMIN, "Admin Kedua")
    accounts.disable(admin, "kedua")
    with pytest.raises(Refused):
        accounts.change_staff(admin, "admin", role=Role.SUPERVISOR)
    accounts.enable(admin, "kedua")
    assert accounts.change_staff(admin, "admin", role=Role.SUPERVISOR).role == "supervisor"
    # The former admin lost the right to change accounts at once.
    with pytest.raises(PermissionDenied):
        accounts.change_staff(admin, "wahyu", full_name="Wahyu")


def test_only_an_admin_changes_accounts(db, admin, operator, supervisor):
    with pytest.raises(PermissionDenied):
        accounts.change_staff(supervisor, "wahyu", role=Role.ADMIN)
    assert Staff.get(Staff.username == "wahyu").role == "operator"


@pytest.fixture
def office_ready(db, admin, operator):
    fixed_clock()
    office.save_profile(admin, OFFICE)
    return db


async def test_admin_screen_changes_name_and_role_of_a_row(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 2)
        await wait_text(pilot, "Ubah nama/peran")
        await choose_row(pilot, "#staff-table", 1, "wahyu")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, StaffEditForm), what="staff edit form")
        await wait_text(pilot, "Ubah akun wahyu")
        assert app.focused.id == "staff-fullname" and app.focused.value == "Wahyu"
        await pilot.press("ctrl+u", *"Wahyu Hidayat", "tab", "right", "enter")  # the role: Supervisor
        await pilot.press("ctrl+s")
        await on_admin(pilot)
        await wait_for(pilot, lambda: column(app, "#staff-table", 2)[1] == "supervisor", what="role listed")
        assert column(app, "#staff-table", 1)[1] == "Wahyu Hidayat"
        assert table(app, "#staff-table").current_key() == "wahyu"
        await wait_text(pilot, "Akun wahyu disimpan: Wahyu Hidayat, supervisor.")
    assert (Staff.get(Staff.username == "wahyu").role, Staff.get(Staff.username == "wahyu").full_name) == (
        "supervisor", "Wahyu Hidayat")


async def test_enter_on_the_last_admin_shows_cores_refusal_in_the_form(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 2)
        await choose_row(pilot, "#staff-table", 0, "admin")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StaffEditForm), what="staff edit form")
        app.screen.query_one("#role-operator").value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: message_of(app, "#form-message") == (
            "Akun admin adalah admin aktif terakhir; jadikan akun lain admin dulu."), what="core's refusal")
        assert isinstance(app.screen, StaffEditForm)
        assert "Nama pengguna" in screen_text(app) and "admin" in screen_text(app)
        await pilot.press("escape")
        await on_admin(pilot)
    assert Staff.get(Staff.username == "admin").role == "admin"


def test_cli_user_set(tmp_path):
    db_path = tmp_path / "k.db"
    assert run_cli("--db", str(db_path), "init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n").returncode == 0
    added = run_cli("--db", str(db_path), "user", "add", "wahyu", "--role", "operator", "--password-stdin",
                    input="rahasia-wahyu\n")
    assert added.returncode == 0, added.stderr
    changed = run_cli("--db", str(db_path), "user", "set", "wahyu", "--role", "supervisor", "--full-name", "Wahyu Hidayat")
    assert changed.returncode == 0, changed.stderr
    assert "wahyu" in changed.stdout
    listed = run_cli("--db", str(db_path), "user", "list", "--json")
    assert '"full_name": "Wahyu Hidayat"' in listed.stdout and '"role": "supervisor"' in listed.stdout
    last = run_cli("--db", str(db_path), "user", "set", "budi", "--role", "operator")
    assert last.returncode == 1 and "admin aktif terakhir" in last.stderr
    assert len(last.stderr.strip().splitlines()) == 1
    nothing = run_cli("--db", str(db_path), "user", "set", "wahyu")
    assert nothing.returncode == 2
