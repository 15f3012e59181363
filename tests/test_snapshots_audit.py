"""Pictures of the audit viewer at 80x24 with a fixed clock: a morning's events and the login log
(a login over SSH, failed logins up to the lock). Regenerate with `pytest --snapshot-update` and
look at them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.pilot import make_app, settle, wait_for
from tui_kecamatan.core import accounts, clock, office, requests, tickets
from tui_kecamatan.core.accounts import MAX_FAILURES
from tui_kecamatan.errors import Refused
from tui_kecamatan.screens.audit.viewer import AuditScreen

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 12, 1, 9, 15, tzinfo=WIB)  # Selasa, 1 Des 2026 09:15 WIB
SIZE = (80, 24)


def at(moment: datetime) -> None:
    clock.set_now(lambda: moment)


@pytest.fixture(autouse=True)
def fixed_clock_and_terminal(monkeypatch):
    at(NOW - timedelta(hours=2))
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture
def morning(db, admin, operator, supervisor):
    """From 07:30: logins from two desks, a locked account, tickets and requests."""
    start = datetime(2026, 12, 1, 7, 30, tzinfo=WIB)
    at(start)
    office.save_profile(admin, office.ProfileInput(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang"))
    budi = accounts.create_staff(admin, "budi", "rahasia-budi", accounts.Role.OPERATOR, "Budi Santoso")

    def login(minutes: int, username: str, password: str, where: str) -> None:
        moment = start + timedelta(minutes=minutes)
        at(moment)
        try:
            accounts.authenticate(username, password, now=moment.astimezone(timezone.utc).replace(tzinfo=None),
                                  where=where)
        except Refused:
            pass

    login(15, "wahyu", "rahasia-wahyu", accounts.login_place("loket-1", "192.168.1.21"))
    login(20, "sari", "rahasia-sari", accounts.login_place("loket-2", ""))
    for attempt in range(MAX_FAILURES):
        login(25 + attempt, "budi", f"salah-{attempt}", accounts.login_place("loket-3", "10.8.0.14"))
    for n, (code, minutes) in enumerate([("KTP", 35), ("KK", 41), ("KTP", 48), ("KK", 55)]):
        at(start + timedelta(minutes=minutes))
        tickets.issue_ticket(None, code)
    names = ["Siti Aminah", "[@click=app.quit]Budi[/]", "Ma'ruf O'Neil"]
    for n, name in enumerate(names):
        at(start + timedelta(minutes=60 + 12 * n))
        requests.create_request(operator, service_code="KK", nik=f"360301550190000{n + 2}", name=name,
                                kk_number="3603012005150003")
    at(start + timedelta(minutes=100))
    requests.reject_request(supervisor, "20261201-0002", "Berkas tidak sesuai")
    at(NOW)
    return supervisor


def viewer(logins: bool = False):
    """A run_before that opens the viewer over home and waits for its first page."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: app.screen_stack and type(app.screen).__name__ == "HomeScreen",
                       what="home")
        app.push_screen(AuditScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen) and app.screen.page is not None,
                       what="the first page")
        if logins:
            await pilot.press("l")
            await wait_for(pilot, lambda: app.screen.logins and app.screen.page is not None, what="the login log")
        await settle(pilot)

    return run_before


def test_audit_viewer(snap_compare, db, morning):
    app = make_app(db, actor=morning)
    assert snap_compare(app, terminal_size=SIZE, run_before=viewer())


def test_login_log(snap_compare, db, morning):
    app = make_app(db, actor=morning)
    assert snap_compare(app, terminal_size=SIZE, run_before=viewer(logins=True))
