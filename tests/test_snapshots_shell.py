"""Pictures of the shell at 80x24 with a fixed clock: setup, login, home (also in 16 colours with
ASCII borders) and F1 help. Regenerate with `pytest --snapshot-update` and look at them."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.pilot import make_app, settle, wait_for
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.core import clock, office
from tui_kecamatan.db.models import Citizen, Pickup, Request, Service, Ticket
from tui_kecamatan.screens.shell.help import HelpScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.screens.shell.login import LoginScreen
from tui_kecamatan.screens.shell.setup import SetupScreen

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)  # Sabtu, 28 Nov 2026 09:15 WIB
DAY = NOW.date()
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def fixed_clock_and_terminal(monkeypatch):
    clock.set_now(lambda: NOW)
    # TERM picks the theme and frame (see app.choose_theme); the pictures must not depend on it.
    monkeypatch.setenv("TERM", "xterm-256color")


def _app(db, actor=None, **settings) -> KecamatanApp:
    return make_app(db, actor, **settings)


def until(condition):
    """A run_before that waits for the screen to hold its data, then for its workers and repaint."""

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: condition(pilot.app), what="the screen's data")
        await settle(pilot)

    return run_before


def _home_ready(app) -> bool:
    return isinstance(app.screen, HomeScreen) and app.screen.figures is not None


@pytest.fixture
def busy_office(db, admin, operator):
    """A morning at the office: tickets since 07:30, requests in every open state."""
    office.save_profile(admin, office.ProfileInput(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang"))
    services = {s.code: s for s in Service.select()}
    plan = [("KTP", 14, 9), ("KK", 9, 5), ("PINDAH_KELUAR", 3, 1), ("PINDAH_DATANG", 2, 2), ("PINDAH_ANTAR_KEC", 1, 0)]
    minute = 0
    for code, total, done in plan:
        service = services[code]
        for number in range(1, total + 1):
            minute = (minute + 7) % 105
            issued = datetime(2026, 11, 28, 7, 30, tzinfo=WIB) + timedelta(minutes=minute)
            Ticket.create(day=DAY, prefix=service.prefix, number=number, code=f"{service.prefix}-{number:03d}",
                          service=service, status="done" if number <= done else "waiting",
                          issued_at=issued.astimezone(timezone.utc).replace(tzinfo=None))
    created = datetime(2026, 11, 20, 2, 0)
    statuses = ["received"] * 4 + ["incomplete"] * 2 + ["complete"] * 3 + ["processing"] * 6 + ["ready"] * 5
    for n, status in enumerate(statuses + ["picked_up"] * 3, start=1):
        citizen = Citizen.create(nik=f"36031555019{n:05d}", name=f"Warga {n}", updated_at=created)
        due = date(2026, 11, 25) if n in (2, 5) else date(2026, 12, 2)
        request = Request.create(reg_no=f"20261120-{n:04d}", service=services["KK"], citizen=citizen,
                                 nik=citizen.nik, name=citizen.name, status=status, created_at=created,
                                 updated_at=created, due_date=due)
        if status == "picked_up":
            Pickup.create(request=request, collector_kind="self", at=datetime(2026, 11, 28, 1, 30))
    return operator


def test_setup_screen(snap_compare, db):
    app = _app(db)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=until(lambda a: isinstance(a.screen, SetupScreen) and a.screen.loaded))


def test_login_screen_after_a_wrong_password(snap_compare, db, admin):
    office.save_profile(admin, office.ProfileInput(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang"))
    app = _app(db)

    async def wrong_password(pilot) -> None:
        await until(lambda a: isinstance(a.screen, LoginScreen) and a.screen.query("#login-username"))(pilot)
        await pilot.press(*"admin", "enter", *"bukan-ini", "enter")
        await until(lambda a: "sisa 4" in str(a.screen.query_one("#login-message").render()))(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=wrong_password)


def test_home_screen(snap_compare, db, busy_office):
    app = _app(db, actor=busy_office)
    assert snap_compare(app, terminal_size=SIZE, run_before=until(_home_ready))


def test_home_screen_in_16_colours_with_ascii_borders(snap_compare, db, busy_office):
    app = _app(db, actor=busy_office, theme="ansi-dark", ascii_borders=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=until(_home_ready))


def test_help_over_home(snap_compare, db, busy_office):
    app = _app(db, actor=busy_office)

    async def open_help(pilot) -> None:
        await until(_home_ready)(pilot)
        await pilot.press("f1")
        await until(lambda a: isinstance(a.screen, HelpScreen))(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)
