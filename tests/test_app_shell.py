"""The app shell as a person at the desk meets it: setup, login, home, help, the palette, the idle
lock, navigation between screens, and figures that follow changes made by other processes."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta, timezone

import pytest
from textual.widgets import Input, Static

from tests.conftest import HOSTILE_NAMES, ROOT
from tests.pilot import at_home, fill, make_app, message_of, screen_text, settle, type_into, wait_for, wait_screen, wait_text
from tui_kecamatan import screens
from tui_kecamatan.app import choose_theme, frame_style
from tui_kecamatan.core import accounts, clock, office, stats
from tui_kecamatan.core.text import clean_name
from tui_kecamatan.db.models import OfficeProfile, Pickup, Request, Service, Staff, Ticket
from tui_kecamatan.errors import InvalidInput, PermissionDenied, Refused
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.screens.shell.help import HelpScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.screens.shell.lock import LockScreen
from tui_kecamatan.screens.shell.login import LoginScreen
from tui_kecamatan.screens.shell.setup import SetupScreen
from tui_kecamatan.widgets.plain_table import PlainTable

OFFICE = office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                             kabupaten="Kabupaten Tangerang", address="Jl. Raya Pasar Kemis No. 1",
                             phone="(021) 5921234")


# --- helpers -----------------------------------------------------------------------------------


async def wait_login_message(pilot, text: str) -> None:
    await wait_for(pilot, lambda: text in message_of(pilot.app, "#login-message"), what=repr(text))


async def log_in(pilot, username: str, password: str) -> None:
    """Fill the login form and press Enter in the password (the typing itself is tested by
    test_e2e_tmux and the setup test)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LoginScreen) and pilot.app.screen.query("#login-password"),
                   what="login screen")
    await fill(pilot, {"#login-username": username, "#login-password": password}, focus="#login-password")
    await pilot.press("enter")


@pytest.fixture
def ready(db, admin, operator):
    """An office that went through setup: profile saved, an admin and an operator."""
    office.save_profile(admin, OFFICE)
    return db


class QueueStandIn(OfficeScreen):
    """A registered screen with typed-but-unsaved work, to exercise navigation."""

    SCREEN_NAME = "queue"

    def compose(self):
        yield Static("Layar antrian pengganti", id="standin")
        yield Input(id="standin-input")

    def has_unsaved_changes(self) -> bool:
        return bool(self.query_one("#standin-input", Input).value)


# --- core pieces behind the shell --------------------------------------------------------------


def test_profile_is_checked_and_saved_by_an_admin_only(db, admin, operator):
    assert not office.is_configured()
    with pytest.raises(InvalidInput, match="Nama kantor"):
        office.save_profile(admin, office.ProfileInput(name="", kecamatan="x", kabupaten="y"))
    with pytest.raises(InvalidInput, match="Nomor telepon"):
        office.save_profile(admin, office.ProfileInput(name="Kantor", kecamatan="x", kabupaten="y", phone="call me"))
    with pytest.raises(PermissionDenied):
        office.save_profile(operator, OFFICE)
    assert not office.is_configured()
    saved = office.save_profile(admin, office.ProfileInput(
        name="  Kantor\x07 Kecamatan  Pasar Kemis ", kecamatan="Pasar Kemis", kabupaten="Tangerang", phone="0812-3456-7890"))
    assert saved.name == "Kantor Kecamatan Pasar Kemis" and saved.configured
    assert office.is_configured() and office.get_profile().phone == "0812-3456-7890"


def test_first_setup_leaves_nothing_behind_when_the_profile_is_wrong(db):
    with pytest.raises(InvalidInput):
        office.first_setup(office.ProfileInput(name="", kecamatan="x", kabupaten="y"), "admin", "Admin", "rahasia-admin")
    assert accounts.count_staff() == 0
    actor = office.first_setup(OFFICE, "admin", "Admin Kantor", "rahasia-admin")
    assert actor.role is accounts.Role.ADMIN and office.is_configured()
    with pytest.raises(PermissionDenied):
        office.first_setup(OFFICE, "kedua", "Admin Kedua", "rahasia-kedua")


def _ticket(service, number, status, issued_local, day):
    issued = issued_local.astimezone(timezone.utc).replace(tzinfo=None)
    return Ticket.create(day=day, prefix=service.prefix, number=number, code=f"{service.prefix}-{number:03d}",
                         service=service, status=status, issued_at=issued)


def _request(n, status, service, due, created):
    from tui_kecamatan.db.models import Citizen

    citizen = Citizen.create(nik=f"36030155019{n:05d}", name=f"Warga {n}", updated_at=created)
    return Request.create(reg_no=f"20261128-{n:04d}", service=service, citizen=citizen, nik=citizen.nik,
                          name=citizen.name, status=status, created_at=created, updated_at=created, due_date=due)


def test_home_figures_count_today_by_service_status_and_local_hour(db):
    wib = timezone(timedelta(hours=7))
    day = date(2026, 11, 28)
    clock.set_now(lambda: datetime(2026, 11, 28, 10, 0, tzinfo=wib))
    ktp = Service.get(Service.code == "KTP")
    kk = Service.get(Service.code == "KK")
    _ticket(ktp, 1, "done", datetime(2026, 11, 28, 8, 5, tzinfo=wib), day)
    _ticket(ktp, 2, "waiting", datetime(2026, 11, 28, 8, 40, tzinfo=wib), day)
    _ticket(ktp, 3, "called", datetime(2026, 11, 28, 9, 1, tzinfo=wib), day)
    _ticket(kk, 1, "waiting", datetime(2026, 11, 28, 18, 30, tzinfo=wib), day)  # after hours
    _ticket(kk, 1, "waiting", datetime(2026, 11, 27, 9, 0, tzinfo=wib), date(2026, 11, 27))  # yesterday
    created = datetime(2026, 11, 20, 2, 0)
    _request(1, "received", ktp, date(2026, 11, 27), created)  # overdue
    _request(2, "processing", kk, date(2026, 11, 30), created)
    _request(3, "ready", kk, date(2026, 11, 25), created)  # ready is not overdue
    picked = _request(4, "picked_up", kk, date(2026, 11, 25), created)
    Pickup.create(request=picked, collector_kind="self", at=datetime(2026, 11, 28, 2, 30))

    figures = stats.home_figures(day)
    by_prefix = {line.prefix: line for line in figures.services}
    assert (by_prefix["A"].waiting, by_prefix["A"].in_service, by_prefix["A"].done) == (1, 1, 1)
    assert (by_prefix["B"].waiting, by_prefix["B"].done) == (1, 0)
    assert by_prefix["E"].suspended and not by_prefix["A"].suspended
    assert (figures.received, figures.processing, figures.ready, figures.overdue, figures.picked_up_today) == (1, 1, 1, 1, 1)
    assert figures.first_hour == 7 and len(figures.arrivals) == 12  # 07..18 local
    assert figures.arrivals[8 - 7] == 2 and figures.arrivals[9 - 7] == 1 and figures.arrivals[18 - 7] == 1
    assert figures.busiest_hour == 8 and figures.tickets_today == 4


def test_theme_choice():
    themes = {"textual-dark", "textual-light", "ansi-dark"}
    assert choose_theme("textual-ansi", themes, "xterm-256color") == "ansi-dark"
    assert choose_theme("textual-dark", themes, "linux") == "ansi-dark"
    assert choose_theme("textual-light", themes, "linux") == "textual-light"
    assert choose_theme("no-such-theme", themes, "xterm") == "textual-dark"
    assert (frame_style(True, "linux"), frame_style(False, "linux"), frame_style(False, "xterm")) == ("ascii", "solid", "round")


# --- setup -------------------------------------------------------------------------------------


async def test_setup_creates_office_and_admin_then_shows_login(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen) and app.screen.loaded, what="setup")
        await type_into(pilot, "#admin-username", "AB")
        await wait_for(pilot, lambda: "Nama pengguna harus" in message_of(app, "#admin-username-error"))
        await pilot.press("backspace", "backspace", *"admin")
        await wait_for(pilot, lambda: message_of(app, "#admin-username-error") == "")
        await pilot.press("ctrl+s")  # the office name is still empty
        await wait_for(pilot, lambda: "Nama kantor wajib diisi." in message_of(app, "#office-name-error"))
        assert app.focused.id == "office-name"
        # Enter on the opening hours keeps the hours offered for this station's time zone.
        await pilot.press(*"Kantor Kecamatan Pasar Kemis", "enter", *"Pasar Kemis", "enter", *"Kabupaten Tangerang",
                          "enter", *"Banten", "enter", *"Jl. Raya No. 1", "enter", *"(021) 5921234", "enter",
                          *"kec@contoh.go.id", "enter", "enter")
        assert app.focused.id == "admin-username"
        await pilot.press("enter", *"Admin Kantor", "enter", *"rahasia-admin", "enter", *"rahasia-admiN")
        await wait_for(pilot, lambda: "Kedua kata sandi tidak sama." in message_of(app, "#admin-password2-error"))
        await pilot.press("backspace", "n", "enter")  # Enter on the last field saves
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login after setup")
        await wait_text(pilot, "Kantor Kecamatan Pasar Kemis")
    profile = office.get_profile()
    assert profile.configured and profile.kabupaten == "Kabupaten Tangerang" and profile.phone == "(021) 5921234"
    assert (profile.province, profile.email, profile.opening_hours) == ("Banten", "kec@contoh.go.id", "Senin-Jumat 08.00-15.00 WIB")
    assert accounts.authenticate("admin", "rahasia-admin").role is accounts.Role.ADMIN


async def test_setup_with_existing_admin_asks_for_their_password(db, admin):
    app = make_app(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen) and app.screen.existing_admin, what="setup")
        await wait_text(pilot, "Masuk sebagai admin")
        await fill(pilot, {"#office-name": OFFICE.name, "#office-kecamatan": OFFICE.kecamatan,
                           "#office-kabupaten": OFFICE.kabupaten, "#admin-username": "admin",
                           "#admin-password": "salah-sekali"}, focus="#admin-password")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "sisa 4 percobaan" in message_of(app, "#setup-message"))
        assert not office.is_configured()
        await pilot.press(*"rahasia-admin", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login")
    assert office.is_configured()


# --- login -------------------------------------------------------------------------------------


async def test_wrong_password_says_how_many_attempts_are_left(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "bukan-sandinya")
        await wait_login_message(pilot, "Nama pengguna atau kata sandi salah; sisa 4 percobaan")
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#login-password", Input).value == ""


async def test_login_waits_then_locks_after_five_failures(ready):
    # Each look at the clock is a minute later, so the growing delay never blocks an attempt.
    minutes = itertools.count()  # next() on a count is atomic, so worker threads may share it
    clock.set_now(lambda: datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc) + timedelta(minutes=next(minutes)))
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "salah-1")
        for attempt in range(2, 6):
            await wait_for(pilot, lambda: f"sisa {6 - attempt} percobaan" in message_of(app, "#login-message"))
            await pilot.press(*f"salah-{attempt}", "enter")
        await wait_login_message(pilot, "Akun wahyu dikunci setelah 5 kali gagal masuk; minta admin membukanya.")
        await pilot.press(*"rahasia-wahyu", "enter")  # the right password no longer helps
        await settle(pilot)
        await wait_login_message(pilot, "dikunci setelah 5 kali")
        assert app.actor is None
    assert Staff.get(Staff.username == "wahyu").locked


async def test_quick_retry_is_told_to_wait(ready):
    clock.set_now(lambda: datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc))
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "salah-1")
        await wait_login_message(pilot, "sisa 4 percobaan")
        await pilot.press(*"salah-2", "enter")
        await wait_login_message(pilot, "sisa 3 percobaan")
        await pilot.press(*"rahasia-wahyu", "enter")
        await wait_login_message(pilot, "Terlalu banyak percobaan; tunggu 2 detik lagi.")


async def test_display_account_cannot_work_a_desk(ready, admin):
    accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY, "Papan")
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "layar", "rahasia-layar")
        await wait_login_message(pilot, "Akun layar hanya untuk papan antrian dan kiosk.")
        assert isinstance(app.screen, LoginScreen) and app.actor is None


async def test_login_shows_home_with_office_staff_and_counter(ready):
    clock.set_now(lambda: datetime(2026, 11, 28, 2, 15, tzinfo=timezone.utc))
    app = make_app(ready, counter=3)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await wait_text(pilot, "Kantor Kecamatan Pasar Kemis")
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        await at_home(pilot)
        text = screen_text(app)
        assert "Kantor Kecamatan Pasar Kemis" in text
        assert "Sabtu, 28 Nov 2026 09:15 WIB" in text
        assert "Petugas: Wahyu (operator) - Loket 3" in text
        for word in ("Diterima", "Berkas kurang", "Berkas lengkap", "Diproses", "Siap diambil", "Lewat target",
                     "Diambil hari ini", "ditunda", "Kedatangan per jam"):
            assert word in text
        assert app.actor.username == "wahyu" and app.counter_number == 3


# --- help, palette, keys -----------------------------------------------------------------------


def help_rows(app) -> dict[str, str]:
    """The help dialog's keys and what they do, as listed."""
    return {str(row.query(".help-key").first(Static).render()): str(row.query(".help-description").first(Static).render())
            for row in app.screen.query(".help-row")}


async def test_f1_lists_every_key_of_the_screen_and_escape_closes(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "admin", "rahasia-admin")
        home = await at_home(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        rows = help_rows(app)
        assert rows["f1"] == "Bantuan" and rows["f2"] == "Antrian" and rows["f3"] == "Permohonan baru"
        assert rows["f9"] == "Admin" and rows["f4"] == "Cari"
        assert rows["^o"] == "Ganti petugas"  # hidden from the footer, listed in help
        assert rows["^q"] == "Keluar" and rows["^p"] == "Perintah"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home, what="home again")


async def test_footer_shows_the_navigation_keys_at_80_columns(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "admin", "rahasia-admin")
        await at_home(pilot)
        await settle(pilot)
        text = screen_text(app)
        for item in ("f1 Bantuan", "f2 Antrian", "f3 Permohonan baru", "f4 Cari", "f5 Pengambilan", "f6 Rekap",
                     "f9 Admin", "^q Keluar", "^p Perintah"):
            assert item in text, item


async def test_command_palette_runs_the_screen_actions(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "admin", "rahasia-admin")
        await at_home(pilot)
        await pilot.press("ctrl+p")
        await wait_text(pilot, "Cari perintah")
        await pilot.press(*"bantu")
        await wait_text(pilot, "f1")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help from the palette")


async def test_the_reports_key_opens_reports_for_an_admin_and_says_who_may_to_an_operator(ready):
    from tui_kecamatan.screens.reports.screen import ReportsScreen

    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "admin", "rahasia-admin")
        await at_home(pilot)
        await pilot.press("f6")
        await wait_screen(pilot, ReportsScreen)
        await wait_text(pilot, "Rekap harian")
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        home = await at_home(pilot)
        await pilot.press("f6")
        await wait_text(pilot, "Rekap hanya untuk supervisor dan admin.")
        assert app.screen is home


async def test_admin_key_is_refused_for_an_operator(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        home = await at_home(pilot)
        assert "f9 Admin" not in screen_text(app)
        await pilot.press("f9")
        await wait_text(pilot, "hanya untuk peran admin")
        assert app.screen is home


async def test_esc_goes_home_keeping_the_section_and_a_screen_with_typed_work_asks_before_closing(ready, monkeypatch):
    monkeypatch.setitem(screens.SCREENS, "queue", f"{__name__}:QueueStandIn")
    monkeypatch.delitem(screens.SCREENS, "intake", raising=False)
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        home = await at_home(pilot)
        assert "esc Kembali" not in screen_text(app)  # home is where Esc leads
        await pilot.press("f2")
        await wait_text(pilot, "Layar antrian pengganti")
        section = app.screen
        assert "esc Kembali" in screen_text(app)
        await type_into(pilot, "#standin-input", "A-001")
        # Esc leaves the section for home without a question: the section keeps what was typed.
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home, what="home after Esc")
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.screen is section, what="the same queue section")
        assert section.query_one("#standin-input", Input).value == "A-001"
        # A screen opened inside the section, holding typed work, asks before Esc closes it.
        await app.push_screen(QueueStandIn())
        await type_into(pilot, "#standin-input", "B-002")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        await wait_text(pilot, "Tinggalkan layar ini?")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, QueueStandIn) and app.screen is not section)
        assert app.screen.query_one("#standin-input", Input).value == "B-002"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is section, what="the section after confirming")
        assert section.query_one("#standin-input", Input).value == "A-001"


async def test_ctrl_q_quits(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await type_into(pilot, "#login-username", "wah")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, what="exit")
    assert app.return_code == 0


# --- idle lock ---------------------------------------------------------------------------------


async def test_idle_lock_covers_the_screen_and_the_password_unlocks_it(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        home = await at_home(pilot)
        app.idle_lock_seconds = 0.3
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen), what="lock")
        await wait_text(pilot, "Layar terkunci")
        text = screen_text(app)
        assert "Layar terkunci" in text and "Wahyu (operator)" in text
        assert "Petugas:" not in text  # the home screen below is covered
        await pilot.press("f2")  # navigation keys do nothing while locked
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"salah-sandi", "enter")
        await wait_for(pilot, lambda: "Kata sandi salah; sisa 4 percobaan" in message_of(app, "#lock-message"))
        app.idle_lock_seconds = 0
        await pilot.press(*"rahasia-wahyu", "enter")
        await wait_for(pilot, lambda: app.screen is home, what="the same home screen")
        assert app.actor.username == "wahyu"


async def test_ctrl_q_quits_from_the_lock_screen(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        await at_home(pilot)
        await pilot.press("f12")  # leaving the desk: lock it now
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, what="exit")


async def test_switching_staff_from_the_lock_screen_returns_to_login(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        await at_home(pilot)
        app.lock()
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login")
        assert app.actor is None
        assert not any(isinstance(screen, (HomeScreen, LockScreen)) for screen in app.screen_stack)


async def test_too_many_wrong_passwords_on_the_lock_screen_return_to_login(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        await at_home(pilot)
        app.lock()
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: message_of(app, "#lock-message") == "Ketik kata sandi Anda.")
        for attempt in range(1, accounts.MAX_FAILURES):
            await pilot.press(*f"salah-{attempt}", "enter")
            await wait_for(pilot, lambda: f"sisa {accounts.MAX_FAILURES - attempt} percobaan" in message_of(app, "#lock-message"))
            assert app.screen.query_one("#lock-password", Input).value == ""
        await pilot.press(*"salah-lagi", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login")
        await wait_text(pilot, "Terlalu banyak kata sandi salah; silakan masuk lagi.")
        assert app.actor is None
    # The lock screen's tries are its own: the account itself is not locked by them.
    assert not Staff.get(Staff.username == "wahyu").locked


async def test_passwords_are_checked_off_the_event_loop(ready, monkeypatch):
    """argon2 takes a noticeable while: login and unlock verify in a worker thread, so the screen
    keeps answering keys meanwhile."""
    import threading

    checked_on: list[str] = []

    def recording(original):
        def check(*args, **kwargs):
            checked_on.append(threading.current_thread().name)
            return original(*args, **kwargs)
        return check

    monkeypatch.setattr(accounts, "authenticate", recording(accounts.authenticate))
    monkeypatch.setattr(accounts, "verify_password", recording(accounts.verify_password))
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        home = await at_home(pilot)
        app.lock()
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press(*"rahasia-wahyu", "enter")
        await wait_for(pilot, lambda: app.screen is home, what="home after unlocking")
    assert len(checked_on) == 2
    assert threading.main_thread().name not in checked_on


async def test_new_password_entry_checks_as_core_does(db):
    """The password typed twice, as the admin's staff and password forms and setup ask it."""
    from textual.app import App

    from tui_kecamatan.widgets.password import PasswordEntry

    class Form(App):
        def compose(self):
            yield PasswordEntry("new", ask_name=False, new=True, own_message=False)

    app = Form()
    async with app.run_test(size=(80, 10)) as pilot:
        entry = app.query_one(PasswordEntry)
        fields = entry.fields()
        assert [field.id for field in fields] == ["new-password", "new-password2"]
        fields[0].value, fields[1].value = "pendek", "pendek"
        with pytest.raises(InvalidInput, match="minimal 8 karakter"):
            entry.new_password()
        fields[0].value, fields[1].value = "rahasia-baru", "rahasia-bari"
        with pytest.raises(InvalidInput, match="Kedua kata sandi tidak sama."):
            entry.new_password()
        fields[1].value = "rahasia-baru"
        assert entry.new_password() == "rahasia-baru"
        entry.new = False  # signing in with an existing password: asked once, never judged for strength
        await pilot.pause()
        assert [field.id for field in entry.fields()] == ["new-password"]
        fields[0].value = "pendek"
        assert entry.new_password() == "pendek"


# --- changes from other processes --------------------------------------------------------------


CHANGER = textwrap.dedent("""
    import sys
    from datetime import date
    from tui_kecamatan.core import clock
    from tui_kecamatan.db.connection import open_database
    from tui_kecamatan.db.models import Service, Ticket, Request, database

    db = open_database(sys.argv[1])
    what = sys.argv[2]
    with database.atomic():
        if what == "ticket":
            service = Service.get(Service.code == "KTP")
            Ticket.create(day=date.fromisoformat(sys.argv[3]), prefix="A", number=1, code="A-001",
                          service=service, status="waiting", issued_at=clock.now_utc())
        else:
            Request.update(status="ready").where(Request.reg_no == sys.argv[3]).execute()
    db.close()
""")


def _change_in_another_process(db_path, *args: str) -> None:
    result = subprocess.run([sys.executable, "-c", CHANGER, str(db_path), *args], capture_output=True, text=True,
                            cwd=str(ROOT), timeout=60)
    assert result.returncode == 0, result.stderr


def _services_text(app) -> str:
    return str(app.screen.query_one("#home-services", PlainTable).render())


def _requests_text(app) -> str:
    return str(app.screen.query_one("#home-request-table", PlainTable).render())


async def test_home_follows_changes_made_by_another_process(ready, db_path):
    from tui_kecamatan.db.models import Citizen

    created = clock.now_utc()
    citizen = Citizen.create(nik="3603015501900002", name="Siti", updated_at=created)
    Request.create(reg_no="20261128-0001", service=Service.get(Service.code == "KK"), citizen=citizen,
                   nik=citizen.nik, name="Siti", status="processing", created_at=created, updated_at=created)
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        home = await at_home(pilot)
        first_row = lambda: _services_text(app).splitlines()[1].split()  # noqa: E731
        assert first_row()[-2:] == ["0", "0"]
        assert "Siap diambil" in _requests_text(app)
        await asyncio.to_thread(_change_in_another_process, db_path, "ticket", clock.today().isoformat())
        await wait_for(pilot, lambda: first_row()[-2:] == ["1", "0"], what="the new ticket on home")
        assert home.figures.tickets_today == 1
        await asyncio.to_thread(_change_in_another_process, db_path, "request", "20261128-0001")
        await wait_for(pilot, lambda: home.figures.ready == 1 and home.figures.processing == 0, what="ready request")
        ready_line = next(line for line in _requests_text(app).splitlines() if line.startswith("Siap diambil"))
        assert ready_line.split()[-1] == "1"


# --- people's text -----------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
async def test_people_text_is_shown_literally(db, hostile):
    admin = accounts.create_staff(None, "admin", "rahasia-admin", accounts.Role.ADMIN, hostile)
    OfficeProfile.update(name=hostile, kecamatan="Pasar Kemis", kabupaten="Tangerang", configured=True).execute()
    shown = clean_name(hostile)
    app = make_app(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await wait_for(pilot, lambda: message_of(app, "#login-office") == shown, what="office name on login")
        if len(shown) < 50:
            await wait_text(pilot, shown)
        await log_in(pilot, "admin", "rahasia-admin")
        await at_home(pilot)
        assert app.is_running and app.actor == admin
        assert message_of(app, "#home-office") == shown
        staff_line = message_of(app, "#home-staff")
        assert staff_line.startswith(f"Petugas: {shown} (admin)")
        text = screen_text(app)
        if len(shown) < 40:
            assert shown in text
        else:
            assert "AAAA…" in text  # cut to the width, never wrapped over the figures


async def test_setup_takes_hostile_office_name_literally(db):
    hostile = "[@click=app.quit]Kantor[/] \x1b[31mKecamatan\x07"
    app = make_app(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen) and app.screen.loaded)
        await fill(pilot, {"#office-name": hostile, "#office-kecamatan": "Pasar Kemis", "#office-kabupaten": "Tangerang",
                           "#admin-username": "admin", "#admin-fullname": "Siti [/b] Aminah",
                           "#admin-password": "rahasia-admin", "#admin-password2": "rahasia-admin"})
        await wait_text(pilot, "[@click=app.quit]Kantor[/]")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await wait_text(pilot, "[@click=app.quit]Kantor[/] [31mKecamatan")
        assert app.is_running
    assert office.get_profile().name == "[@click=app.quit]Kantor[/] [31mKecamatan"
    assert Staff.get(Staff.username == "admin").full_name == "Siti [/b] Aminah"


async def test_ascii_borders_setting_draws_ascii_frames(ready):
    app = make_app(ready, ascii_borders=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "admin", "rahasia-admin")
        await at_home(pilot)
        assert app.screen.query_one("#home-queue").styles.border_top[0] == "ascii"
        assert "╭" not in screen_text(app) and "+-" in screen_text(app)


async def test_refused_requests_reach_the_screen_as_one_sentence(ready):
    app = make_app(ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        home = await at_home(pilot)

        def refuse():
            raise Refused("Permohonan ini sudah diambil pada 28-11-2026.")

        async def work() -> None:
            await home.db(refuse)

        home.run_worker(work, group="test")
        await wait_text(pilot, "Permohonan ini sudah diambil pada 28-11-2026.")
        assert app.is_running


def test_database_work_must_return_plain_data(db):
    from tui_kecamatan.db.connection import run_in_connection

    with pytest.raises(TypeError):
        run_in_connection(db, Service.select)
    with pytest.raises(TypeError):
        run_in_connection(db, lambda: list(Service.select()))
    assert ("KTP", "Cetak KTP-el") in run_in_connection(db, lambda: [(s.code, s.name) for s in Service.select()])
