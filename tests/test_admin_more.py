"""The admin screen's counters, office profile and staff sections at 80x24, used from the
keyboard on a real database: what the admin sees, what lands in the database, core's refusals
shown as its sentence, and people's text shown literally."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input, SelectionList

from test_search_pickup_screens import OFFICE, fixed_clock
from textual.css.query import NoMatches

from tests.pilot import at_home, fill, make_app, screen_text, wait_for, wait_text
from tests.conftest import HOSTILE_NAMES
from tui_kecamatan.core import accounts, clock, counters, office
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db.models import AuditEvent, Counter, CounterService, OfficeProfile, Staff
from tui_kecamatan.errors import PermissionDenied, Refused
from tui_kecamatan.screens.admin.screen import AdminScreen
from tui_kecamatan.screens.admin.dialogs import CounterForm, PasswordForm, ProfileForm, StaffForm
from tui_kecamatan.widgets.confirm import ConfirmScreen


@pytest.fixture
def office_ready(db, admin, operator):
    fixed_clock()
    office.save_profile(admin, OFFICE)
    return db


def audit_actions() -> list[str]:
    return [event.action for event in AuditEvent.select().order_by(AuditEvent.id)]


def table(app, selector: str) -> DataTable:
    return app.screen.query_one(selector, DataTable)


def column(app, selector: str, index: int) -> list[str]:
    """The table's column as text; empty while the table is not on the active screen (a dialog
    still closing), so a wait on it keeps waiting."""
    try:
        t = table(app, selector)
    except NoMatches:
        return []
    return [str(t.get_row_at(row)[index]) for row in range(t.row_count)]


def key_state(app, key: str) -> bool | None:
    """True when the key works now, False when shown greyed out, None when not offered at all."""
    active = app.screen.active_bindings.get(key)
    return None if active is None else active.enabled


async def open_section(pilot, number: str, selector: str, rows: int) -> AdminScreen:
    """F9 from home, then the section's number key; wait until its list is shown and focused."""
    await at_home(pilot)
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AdminScreen), what="admin screen")
    await pilot.press(number)
    await wait_for(pilot, lambda: table(pilot.app, selector).row_count == rows
                   and pilot.app.focused is table(pilot.app, selector), what=f"{selector} listed")
    return pilot.app.screen


async def choose_row(pilot, selector: str, index: int, key: str) -> None:
    t = table(pilot.app, selector)
    keys = [t.coordinate_to_cell_key((row, 0)).row_key.value for row in range(t.row_count)]
    t.move_cursor(row=keys.index(key))
    await pilot.pause()


async def on_admin(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AdminScreen), what="back on admin")


# --- counters ------------------------------------------------------------------------------------


async def test_add_counter_2_calling_only_kk(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "5", "#counters-table", 1)
        text = screen_text(app)
        for words in ("Loket", "Profil", "Petugas", "Layanan yang dipanggil", "semua layanan", "a Tambah loket",
                      "Komputer ini memakai loket 1"):
            assert words in text, words
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, CounterForm), what="counter form")
        assert app.screen.query_one("#counter-number", Input).value == "2"  # the first free number
        await pilot.press("tab", "tab")  # past the name (empty: "Loket 2") to the services
        services_list = app.screen.query_one("#counter-services", SelectionList)
        assert app.focused is services_list
        await pilot.press("down", "space")  # KTP is first, KK second
        assert services_list.selected == ["KK"]
        await pilot.press("ctrl+s")
        await on_admin(pilot)
        await wait_for(pilot, lambda: column(app, "#counters-table", 0) == ["1", "2"], what="counters-table")
        assert column(app, "#counters-table", 1)[1] == "Loket 2"
        assert column(app, "#counters-table", 2) == ["semua layanan", "KK"]
        assert table(app, "#counters-table").current_key() == "2"
        await wait_text(pilot, "Loket 2 disimpan; memanggil KK.")
    row = Counter.get(Counter.number == 2)
    assert (row.name, row.active) == ("Loket 2", True)
    assert [link.service.code for link in CounterService.select().where(CounterService.counter == row.id)] == ["KK"]
    assert audit_actions()[-1] == "loket_ditambah"


async def test_a_taken_number_keeps_the_form_open_with_cores_sentence(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "5", "#counters-table", 1)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, CounterForm), what="counter form")
        number = app.screen.query_one("#counter-number", Input)
        number.value = "1"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Loket 1 sudah ada.")
        number.value = "0"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Nomor loket harus angka 1 sampai 99.")
        assert isinstance(app.screen, CounterForm)
        await pilot.press("escape")
        await on_admin(pilot)
    assert Counter.select().count() == 1


async def test_edit_counter_services_then_deactivate_and_reactivate(office_ready, admin):
    counters.add_counter(admin, 2, "Loket KK", ["KK"])
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "5", "#counters-table", 2)
        await choose_row(pilot, "#counters-table", 1, "2")
        await pilot.press("enter")  # Enter on a counter edits it
        await wait_for(pilot, lambda: isinstance(app.screen, CounterForm), what="edit form")
        await wait_text(pilot, "Ubah loket 2: Loket KK")
        assert not app.screen.query("#counter-number")  # the number stays
        name = app.screen.query_one("#counter-name", Input)
        assert name.value == "Loket KK"
        name.value = "Loket KK dan KTP-el"
        services_list = app.screen.query_one("#counter-services", SelectionList)
        assert services_list.selected == ["KK"]
        services_list.focus()
        await pilot.press("space")  # the first line: KTP
        await pilot.press("ctrl+s")
        await on_admin(pilot)
        await wait_for(pilot, lambda: column(app, "#counters-table", 2)[1:2] == ["KTP, KK"], what="counters-table")
        assert column(app, "#counters-table", 1)[1] == "Loket KK dan KTP-el"

        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        assert "Nonaktifkan loket 2 (Loket KK dan KTP-el)?" in screen_text(app)
        await pilot.press("n")
        await on_admin(pilot)
        assert Counter.get(Counter.number == 2).active
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: column(app, "#counters-table", 3)[1:2] == ["nonaktif"], what="counters-table")
        await wait_text(pilot, "x Aktifkan kembali")
        assert not Counter.get(Counter.number == 2).active
        await pilot.press("x")  # back into use: no question
        await wait_for(pilot, lambda: column(app, "#counters-table", 3)[1:2] == ["aktif"], what="counters-table")
        # The last counter in use is refused by core, in its own words.
        await choose_row(pilot, "#counters-table", 0, "1")
        counters.set_counter_active(admin, 2, False)
        await wait_for(pilot, lambda: column(app, "#counters-table", 3)[1:2] == ["nonaktif"], what="change seen")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        await pilot.press("y")
        await wait_text(pilot, "Loket 1 adalah loket aktif terakhir;")  # a toast: wrapped
    assert Counter.get(Counter.number == 1).active
    codes = {link.service.code for link in CounterService.select().join(Counter).where(Counter.number == 2)}
    assert codes == {"KK", "KTP"}
    assert audit_actions()[-4:] == ["loket_diubah", "loket_dinonaktifkan", "loket_diaktifkan", "loket_dinonaktifkan"]


async def test_the_station_counter_missing_is_pointed_out(office_ready, admin):
    app = make_app(office_ready, admin)
    app.counter_number = 4
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "5", "#counters-table", 1)
        await wait_text(pilot, "Komputer ini memakai loket 4, yang belum ada: tambahkan loket 4")


# --- office profile -------------------------------------------------------------------------------


async def test_edit_profile_with_errors_on_the_field_then_home_shows_the_new_name(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "6", "#office-table", 10)
        assert column(app, "#office-table", 0) == ["Nama kantor", "Kecamatan", "Kabupaten/Kota", "Provinsi", "Alamat",
                                                   "Telepon", "Email", "Jam layanan", "Kepala kantor", "NIP kepala"]
        assert column(app, "#office-table", 1)[:3] == ["Kantor Kecamatan Pasar Kemis", "Pasar Kemis", "Kabupaten Tangerang"]
        assert column(app, "#office-table", 1)[7] == "Senin-Jumat 08.00-15.00 WIB"
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileForm), what="profile form")
        form = app.screen
        name = form.query_one("#office-name", Input)
        phone = form.query_one("#office-phone", Input)
        email = form.query_one("#office-email", Input)
        assert app.focused is name and name.value == "Kantor Kecamatan Pasar Kemis"
        name.value = ""
        phone.value = "telepon kantor"
        email.value = "kecamatan-at-contoh"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Nama kantor wajib diisi.")
        await wait_text(pilot, "Nomor telepon hanya boleh berisi 6-15 angka")
        # Each sentence stands right under its own field, and the first wrong field has the focus.
        lines = screen_text(app).splitlines()
        row_of = lambda text: next(i for i, line in enumerate(lines) if text in line)  # noqa: E731
        assert row_of("Nama kantor wajib diisi.") == row_of("Nama kantor *") + 1
        assert row_of("Nomor telepon hanya boleh") == row_of("Telepon") + 1
        assert app.focused is name and isinstance(app.screen, ProfileForm)
        # The email's sentence is further down the scrolled fields, under its own row.
        email.scroll_visible(animate=False)
        await wait_text(pilot, "Alamat email tidak valid")
        lines = screen_text(app).splitlines()
        assert row_of("Alamat email tidak valid") == row_of("Email ") + 1
        name.focus()
        await pilot.press(*"Kantor Kecamatan Sukamulya")
        await wait_for(pilot, lambda: "Nama kantor wajib diisi." not in screen_text(app), what="error cleared as typed")
        phone.value = "(021) 599-1234"
        email.value = "kec.sukamulya@contoh.go.id"
        form.query_one("#office-kecamatan", Input).value = "Sukamulya"
        form.query_one("#office-province", Input).value = "Banten"
        form.query_one("#office-hours", Input).value = "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00 WIB"
        form.query_one("#office-head-name", Input).value = "Drs. H. Ahmad Fauzi, M.Si"
        form.query_one("#office-head-nip", Input).value = "19700101 200003 1 001"
        await pilot.press("ctrl+s")
        await on_admin(pilot)
        await wait_for(pilot, lambda: column(app, "#office-table", 1)[0:1] == ["Kantor Kecamatan Sukamulya"], what="office-table")
        assert column(app, "#office-table", 1)[7] == "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00 WIB"
        await pilot.press("escape")
        await at_home(pilot)
        await wait_text(pilot, "Kantor Kecamatan Sukamulya")
    row = OfficeProfile.get()
    assert (row.name, row.kecamatan, row.kabupaten, row.province, row.phone, row.email, row.opening_hours) == (
        "Kantor Kecamatan Sukamulya", "Sukamulya", "Kabupaten Tangerang", "Banten", "(021) 599-1234",
        "kec.sukamulya@contoh.go.id", "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00 WIB")
    assert (row.head_name, row.head_nip) == ("Drs. H. Ahmad Fauzi, M.Si", "197001012000031001")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.actor, event.detail) == ("profil_kantor_disimpan", "admin", "Kantor Kecamatan Sukamulya")


async def test_enter_on_a_profile_line_opens_the_form_at_that_field(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "6", "#office-table", 10)
        await choose_row(pilot, "#office-table", 4, "address")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileForm), what="profile form")
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#office-address", Input), what="address focused")
        await pilot.press("escape")
        await on_admin(pilot)
        # The last line, the head of office's NIP, opens the form scrolled to its field.
        await choose_row(pilot, "#office-table", 9, "head_nip")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileForm), what="profile form")
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#office-head-nip", Input), what="NIP focused")
        await wait_text(pilot, "NIP kepala")
        await pilot.press("escape")
        await on_admin(pilot)
    assert OfficeProfile.get().address == OFFICE.address


# --- staff ----------------------------------------------------------------------------------------


async def test_add_an_operator_account_that_can_log_in(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 2)
        assert column(app, "#staff-table", 0) == ["admin", "wahyu"]
        assert column(app, "#staff-table", 2) == ["admin", "operator"]
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, StaffForm), what="staff form")
        await fill(pilot, {"#staff-username": "Budi", "#staff-fullname": "Budi Santoso"})
        await pilot.press("enter", "enter")  # Enter skips the role: operator
        assert app.focused is app.screen.query_one("#staff-password", Input)
        await fill(pilot, {"#staff-password": "sandi-budi-1", "#staff-password2": "sandi-budi-2"})
        await pilot.press("enter", "enter")
        await wait_text(pilot, "Kedua kata sandi tidak sama.")
        app.screen.query_one("#staff-password2", Input).value = "sandi-budi-1"
        await pilot.press("ctrl+s")
        await on_admin(pilot)
        await wait_for(pilot, lambda: "budi" in column(app, "#staff-table", 0), what="new account listed")
        assert table(app, "#staff-table").current_key() == "budi"
        index = column(app, "#staff-table", 0).index("budi")
        assert [column(app, "#staff-table", i)[index] for i in (1, 2, 3, 4)] == [
            "Budi Santoso", "operator", "aktif", "belum pernah"]
        await wait_text(pilot, "Akun budi (operator) dibuat.")
    actor = accounts.authenticate("budi", "sandi-budi-1")
    assert (actor.username, actor.full_name, actor.role) == ("budi", "Budi Santoso", accounts.Role.OPERATOR)
    assert AuditEvent.get(AuditEvent.action == "akun_dibuat", AuditEvent.detail == "budi (operator)").actor == "admin"


async def test_add_a_supervisor_and_a_taken_username(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 2)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, StaffForm), what="staff form")
        form = app.screen
        await fill(pilot, {"#staff-username": "wahyu", "#staff-fullname": "Wahyu Dua",
                           "#staff-password": "sandi-rahasia", "#staff-password2": "sandi-rahasia"})
        await pilot.press("tab", "tab")
        await pilot.press("right", "enter")  # in the role choice: Supervisor
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Nama pengguna wahyu sudah dipakai.")
        form.query_one("#staff-username", Input).value = "sari"
        await pilot.press("ctrl+s")
        await on_admin(pilot)
        await wait_for(pilot, lambda: "sari" in column(app, "#staff-table", 0), what="new account listed")
    assert Staff.get(Staff.username == "sari").role == "supervisor"


async def test_unlock_a_locked_account(office_ready, admin, operator):
    moment = clock.now_utc()
    for attempt in range(accounts.MAX_FAILURES):
        with pytest.raises(Refused):
            accounts.authenticate("wahyu", f"salah-{attempt}", now=moment + timedelta(minutes=attempt))
    assert Staff.get(Staff.username == "wahyu").locked
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 2)
        assert column(app, "#staff-table", 3) == ["aktif", "dikunci"]
        assert key_state(app, "b") is False  # on the admin's own row: nothing to open
        await choose_row(pilot, "#staff-table", 1, "wahyu")
        assert key_state(app, "b") is True
        await pilot.press("b")
        await wait_for(pilot, lambda: column(app, "#staff-table", 3) == ["aktif", "aktif"], what="staff-table")
        await wait_text(pilot, "Akun wahyu dibuka;")
    row = Staff.get(Staff.username == "wahyu")
    assert (row.locked, row.failed_logins) == (False, 0)
    assert audit_actions()[-1] == "akun_dibuka"
    assert accounts.authenticate("wahyu", "rahasia-wahyu") == operator


async def test_disable_with_confirm_enable_again_and_never_oneself(office_ready, admin, operator):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 2)
        await pilot.press("x")  # on the admin's own account: core's sentence, no question
        await wait_text(pilot, "Anda tidak dapat menonaktifkan akun")
        assert isinstance(app.screen, AdminScreen)
        await choose_row(pilot, "#staff-table", 1, "wahyu")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        assert "Nonaktifkan akun wahyu (Wahyu)?" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: column(app, "#staff-table", 3)[1:2] == ["nonaktif"], what="staff-table")
        assert not Staff.get(Staff.username == "wahyu").active
        with pytest.raises(Refused, match="dinonaktifkan"):
            accounts.authenticate("wahyu", "rahasia-wahyu")
        await wait_text(pilot, "x Aktifkan kembali")
        await pilot.press("x")
        await wait_for(pilot, lambda: column(app, "#staff-table", 3)[1:2] == ["aktif"], what="staff-table")
    assert Staff.get(Staff.username == "admin").active
    assert accounts.authenticate("wahyu", "rahasia-wahyu") == operator
    assert audit_actions()[-3:] == ["akun_dinonaktifkan", "akun_diaktifkan", "masuk"]


async def test_reset_a_password(office_ready, admin, operator):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 2)
        await choose_row(pilot, "#staff-table", 1, "wahyu")
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, PasswordForm), what="password form")
        await wait_text(pilot, "Ganti kata sandi wahyu")
        await fill(pilot, {"#new-password": "pendek", "#new-password2": "pendek"})
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Kata sandi minimal 8 karakter.")
        form = app.screen
        form.query_one("#new-password", Input).value = "sandi-baru-wahyu"
        form.query_one("#new-password2", Input).value = "sandi-baru-wahyu"
        await pilot.press("ctrl+s")
        await on_admin(pilot)
        await wait_text(pilot, "Kata sandi wahyu diganti.")
    assert audit_actions()[-1] == "kata_sandi_diganti"
    with pytest.raises(Refused):
        accounts.authenticate("wahyu", "rahasia-wahyu")
    assert accounts.authenticate("wahyu", "sandi-baru-wahyu") == operator


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
async def test_hostile_names_are_shown_literally(office_ready, admin, hostile):
    accounts.create_staff(admin, "tamu", "rahasia-tamu", accounts.Role.OPERATOR, hostile)
    counters.add_counter(admin, 2, hostile[:60])
    full = clean_text(hostile, 120)
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_section(pilot, "7", "#staff-table", 3)
        index = column(app, "#staff-table", 0).index("tamu")
        cell = column(app, "#staff-table", 1)[index]
        # The cell holds the name as typed, cut with an ellipsis only where the column ends.
        assert cell == full or (cell.endswith("…") and full.startswith(cell[:-1]) and len(cell) > 15)
        assert cell in screen_text(app)
        await choose_row(pilot, "#staff-table", index, "tamu")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        assert f"Nonaktifkan akun tamu ({clean_text(hostile, 60)})?" in app.screen.question
        assert clean_text(hostile, 60)[:20] in screen_text(app)
        await pilot.press("n")
        await on_admin(pilot)
        await pilot.press("5")
        await wait_for(pilot, lambda: table(app, "#counters-table").row_count == 2, what="counters")
        shown, expected = column(app, "#counters-table", 1)[1], clean_text(hostile[:60], 60)
        assert shown == expected or (shown.endswith("…") and expected.startswith(shown[:-1]) and len(shown) > 15)
        assert shown in screen_text(app)
        assert app.is_running


# --- core: re-enabling an account ----------------------------------------------------------------


def test_enable_is_for_admins_refuses_an_active_account_and_is_audited(admin, operator, supervisor):
    accounts.disable(admin, "wahyu")
    with pytest.raises(PermissionDenied):
        accounts.enable(supervisor, "wahyu")
    accounts.enable(admin, "wahyu")
    assert Staff.get(Staff.username == "wahyu").active
    with pytest.raises(Refused, match="Akun wahyu sudah aktif."):
        accounts.enable(admin, "wahyu")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.actor, event.detail, event.record_id) == ("akun_diaktifkan", "admin", "wahyu", operator.id)
