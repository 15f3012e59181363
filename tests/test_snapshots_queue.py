"""Pictures of the counter's queue screen, the waiting-room board and the kiosk at 80x24 on a
fixed clock (Saturday 28 November 2026, 09:15 WIB), to be looked at when they change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from test_queue_screen import (  # noqa: F401 - fixed_clock and office_ready are fixtures
    fixed_clock,
    office_ready,
)
from tests.pilot import file_printer, make_config, wait_for, wait_text
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.core import accounts, queue_views, tickets
from tui_kecamatan.db.models import Counter
from tui_kecamatan.screens.queue.board import BoardScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.screens.queue.kiosk import KioskScreen
from tui_kecamatan.screens.queue.queue import QueueScreen

SIZE = (80, 24)


@pytest.fixture
def busy_morning(office_ready, operator, supervisor, fixed_clock):
    """Nine tickets over the morning; counter 2 called the urgent one, counter 1 called A-001 twice."""
    Counter.create(number=2, name="Loket 2")
    start = fixed_clock.now
    fixed_clock.now = start - timedelta(minutes=45)
    for code in ["KTP", "KK", "KTP", "PINDAH_KELUAR", "KK", "KTP", "PINDAH_DATANG", "KTP"]:
        tickets.issue_ticket(None, code)
        fixed_clock.tick(4)
    tickets.issue_ticket(supervisor, "REKAM", urgent=True)
    fixed_clock.now = start - timedelta(minutes=5)
    tickets.call_next(operator, 2)
    tickets.call_next(operator, 1)
    tickets.recall(operator, queue_views.counter_current(1).id)
    fixed_clock.now = start
    return office_ready


@pytest.fixture
def display(admin):
    return accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY, "Layar ruang tunggu")


def test_queue_screen(snap_compare, busy_morning, operator):
    app = KecamatanApp(make_config(), busy_morning, actor=operator)

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen.view is not None,
                       what="queue")
        await wait_text(pilot, "dipanggil: A-001 (2x)")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_board(snap_compare, busy_morning, display):
    app = KecamatanApp(make_config(board_bell=False), busy_morning, actor=display, mode="display")

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.state is not None,
                       what="board")
        await wait_text(pilot, "Sebelumnya")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_kiosk_menu(snap_compare, busy_morning, display):
    app = KecamatanApp(make_config(), busy_morning, actor=display, mode="kiosk")

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, KioskScreen) and app.screen.services, what="kiosk")
        await wait_text(pilot, "Cetak KTP-el")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_kiosk_ticket(snap_compare, busy_morning, display, tmp_path, monkeypatch):
    from tui_kecamatan.screens.queue import kiosk

    monkeypatch.setattr(kiosk, "SHOW_TICKET_SECONDS", 600)
    app = KecamatanApp(make_config(file_printer(tmp_path)), busy_morning, actor=display, mode="kiosk")

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, KioskScreen) and app.screen.services, what="kiosk")
        await wait_text(pilot, "Cetak KTP-el")
        await pilot.press("2")
        await wait_text(pilot, "Silakan ambil tiket Anda")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
