"""Pictures of the request screens at 80x24 on a fixed clock: intake with a refused NIK, the
checklist with a shortfall, the contact-back dialog, and the request detail."""

from __future__ import annotations

from textual.widgets import Input

from tests.pilot import fill, make_app, screen_text, settle, wait_for
from tests.test_intake_screens import (
    KK,
    NOW,
    new_request,
    office_ready,  # noqa: F401 - a fixture
)
from tui_kecamatan.core import clock, messages, requests
from tui_kecamatan.screens.requests.checklist import ChecklistScreen
from tui_kecamatan.screens.requests.contact import ContactScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.screens.requests.intake import IntakeScreen
from tui_kecamatan.screens.requests.detail import RequestDetailScreen

SIZE = (80, 24)


async def _steady(pilot) -> None:
    """No blinking cursor in the picture, and nothing still on its way."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


async def _at_home(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), what="home")


def _partly_checked(actor):
    info = new_request(actor)
    items = requests.items_of(info.id)
    requests.save_checklist(actor, info.id, [(items[0].id, True, ""), (items[2].id, False, "dibawa besok")])
    return info


def test_intake_with_a_refused_nik(snap_compare, office_ready, operator):
    async def run_before(pilot) -> None:
        await _at_home(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen) and pilot.app.screen.choices is not None)
        await fill(pilot, {"#intake-service": "KK", "#intake-name": "Siti Aminah", "#intake-kk": KK,
                           "#intake-phone": "0812-3456-7890", "#intake-nik": "3603019901900002"})
        await pilot.press("ctrl+s")
        await _steady(pilot)

    assert snap_compare(make_app(office_ready, operator), terminal_size=SIZE, run_before=run_before)


def test_checklist_with_a_missing_requirement(snap_compare, office_ready, operator):
    info = _partly_checked(operator)

    async def run_before(pilot) -> None:
        await _at_home(pilot)
        pilot.app.push_screen(ChecklistScreen(info.reg_no))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChecklistScreen) and "[x]" in screen_text(pilot.app))
        await pilot.press("down")
        await _steady(pilot)

    assert snap_compare(make_app(office_ready, operator), terminal_size=SIZE, run_before=run_before)


def test_contact_dialog(snap_compare, office_ready, operator):
    info = _partly_checked(operator)

    async def run_before(pilot) -> None:
        await _at_home(pilot)
        pilot.app.push_screen(ChecklistScreen(info.reg_no))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChecklistScreen) and "[x]" in screen_text(pilot.app))
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ContactScreen))
        await _steady(pilot)

    assert snap_compare(make_app(office_ready, operator), terminal_size=SIZE, run_before=run_before)


def test_request_detail(snap_compare, office_ready, operator):
    info = _partly_checked(operator)
    clock.set_now(lambda: NOW.replace(hour=10, minute=2))
    messages.record_contact(operator, info.id, "missing", messages.draft(info.id, "missing").text)

    async def run_before(pilot) -> None:
        await _at_home(pilot)
        pilot.app.push_screen(RequestDetailScreen(info.reg_no))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestDetailScreen)
                       and "Pemohon dihubungi" in screen_text(pilot.app), what="the detail with its timeline")
        await _steady(pilot)

    assert snap_compare(make_app(office_ready, operator), terminal_size=SIZE, run_before=run_before)
