"""Pictures of the search, pickup and admin screens at 80x24 on a fixed clock, reviewed by eye
when they change (pytest --snapshot-update, then look at the SVGs)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input

from test_search_pickup_screens import NOW, OFFICE, fixed_clock, make_ready, new_request
from tests.pilot import make_app, settle, wait_for
from tui_kecamatan.core import office, pickup, requests
from tui_kecamatan.screens.admin.screen import AdminScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.screens.requests.pickup import PickupScreen
from tui_kecamatan.screens.requests.search import SearchScreen

SIZE = (80, 24)


@pytest.fixture
def sample(db, admin, operator):
    """A morning at the desk: requests in several states, one of them long past its target."""
    fixed_clock(NOW - timedelta(days=10))
    late = new_request(operator, "Ahmad Gunawan", 11, service="PINDAH_KELUAR")
    fixed_clock(NOW - timedelta(days=2))
    ready = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    collected = make_ready(operator, new_request(operator, "Rina Kurniawan", 2, service="KTP"))
    fixed_clock(NOW - timedelta(hours=1))
    pickup.confirm_pickup(operator, collected.reg_no, collector_kind="family", collector_name="Dedi Kurniawan",
                          collector_nik="3603011205900003")
    fixed_clock()
    processing = new_request(operator, "Ma'ruf O'Neil", 3)
    requests.save_checklist(operator, processing.id, [(item.id, True, "") for item in requests.items_of(processing.id)])
    requests.start_processing(operator, processing.id)
    incomplete = new_request(operator, "Nur Hasanah", 4, service="PINDAH_DATANG")
    requests.save_checklist(operator, incomplete.id, [(requests.items_of(incomplete.id)[0].id, True, "")])
    new_request(operator, "[bold red]Andi[/bold red] Saputra", 5)
    office.save_profile(admin, OFFICE)
    return {"late": late, "ready": ready, "collected": collected}


def steady(app) -> None:
    """No blinking cursors, so the picture does not depend on when it is taken."""
    for field in app.screen.query(Input):
        field.cursor_blink = False


async def _home(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen) and pilot.app.screen.figures is not None)


def test_search_with_results(snap_compare, db, sample, operator):
    app = make_app(db, operator)

    async def run_before(pilot) -> None:
        await _home(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen) and pilot.app.screen.result_page is not None)
        pilot.app.screen.query_one(DataTable).focus()
        await pilot.press("down")  # the overdue request, described under the list
        await pilot.press("down", "down", "down", "down")
        steady(pilot.app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_pickup_with_a_ready_request(snap_compare, db, sample, operator, tmp_path):
    app = make_app(db, operator, tmp_path)
    reg_no = sample["ready"].reg_no

    async def run_before(pilot) -> None:
        await _home(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickupScreen))
        await pilot.press(*reg_no, "enter")
        await wait_for(pilot, lambda: pilot.app.screen.view is not None)
        steady(pilot.app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_pickup_by_proxy(snap_compare, db, sample, operator, tmp_path):
    app = make_app(db, operator, tmp_path)
    reg_no = sample["ready"].reg_no

    async def run_before(pilot) -> None:
        await _home(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickupScreen))
        await pilot.press(*reg_no, "enter")
        await wait_for(pilot, lambda: pilot.app.screen.view is not None)
        await pilot.press("tab", "right", "right", "enter", *"Budi Santoso", "enter", *"3603011205900003")
        steady(pilot.app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_pickup_refused_after_collection(snap_compare, db, sample, operator, tmp_path):
    app = make_app(db, operator, tmp_path)
    reg_no = sample["collected"].reg_no

    async def run_before(pilot) -> None:
        await _home(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickupScreen))
        await pilot.press(*reg_no, "enter")
        await wait_for(pilot, lambda: pilot.app.screen.view is not None)
        steady(pilot.app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_admin_services(snap_compare, db, sample, admin):
    app = make_app(db, admin)

    async def run_before(pilot) -> None:
        await _home(pilot)
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AdminScreen)
                       and pilot.app.screen.query_one("#services-table", DataTable).row_count == 6)
        await pilot.press("down", "enter")  # Cetak KK's requirement list
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
