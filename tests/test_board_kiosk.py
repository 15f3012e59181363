"""The waiting-room board and the ticket kiosk at 80x24 on a real database file: calls made by
another process reach the board (bell and espeak-ng included), the kiosk issues and prints
tickets, closes only for a supervisor, and neither ever shows a citizen's name or NIK."""

from __future__ import annotations

import asyncio
import os
import re
import stat
from datetime import date, datetime

import pytest
from textual.widgets import Input

from conftest import HOSTILE_NAMES
from printer_fake import FakePrinter, printed_text
from test_queue_screen import (  # noqa: F401 - fixed_clock and office_ready are fixtures
    act_in_another_process,
    fixed_clock,
    office_ready,
)
from tests.pilot import file_printer, make_config, notifications, screen_text, settle, wait_for, wait_text
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.core import accounts, announce, queue_views, requests, services, tickets
from tui_kecamatan.core.queue_views import BoardCall, BoardState
from tui_kecamatan.core.text import clean_name
from tui_kecamatan.db.models import Counter, PrintJob, Ticket
from tui_kecamatan.screens.queue import kiosk as kiosk_module
from tui_kecamatan.screens.queue.board import BoardScreen
from tui_kecamatan.screens.queue.kiosk import KioskScreen, offered_services
from tui_kecamatan.screens.queue.dialogs import StaffPasswordDialog
from tui_kecamatan.widgets.block_text import BlockText

SPEAKER = """#!/bin/sh
# Plays espeak-ng: writes its arguments, one a line, to the file named in SPEECH_LOG.
for arg in "$@"; do printf '%s\\n' "$arg" >> "$SPEECH_LOG"; done
printf -- '--\\n' >> "$SPEECH_LOG"
"""


@pytest.fixture
def display(admin):
    return accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY, "Layar ruang tunggu")


@pytest.fixture
def counter_two(db):
    return Counter.create(number=2, name="Loket 2")


def board_code(app) -> str:
    """The call drawn large on the board (empty while nothing is drawn)."""
    big = app.screen.query_one("#board-big-code", BlockText)
    return big.text if big.display else ""


def board_counter(app) -> str:
    big = app.screen.query_one("#board-big-counter", BlockText)
    return big.text.removeprefix("LOKET ") if big.display else ""


async def log_in_dialog(pilot, username: str, password: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StaffPasswordDialog), what="staff dialog")
    dialog = pilot.app.screen
    dialog.query_one("#staff-username", Input).focus()
    await pilot.pause()
    await pilot.press(*username, "enter", *password, "enter")


# --- board -------------------------------------------------------------------------------------


async def test_board_asks_for_a_login_then_shows_calls_made_by_another_process(
        office_ready, display, counter_two, db_path, fixed_clock):
    app = KecamatanApp(make_config(), office_ready, mode="display")
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_dialog(pilot, "layar", "salah-sandi")
        await wait_text(pilot, "Nama pengguna atau kata sandi salah")
        await pilot.press(*"rahasia-layar", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.state is not None,
                       what="the board")
        await wait_text(pilot, "Belum ada nomor yang dipanggil hari ini.")
        text = screen_text(app)
        assert "KANTOR KECAMATAN PASAR KEMIS" in text and "09:15 WIB" in text

        await asyncio.to_thread(act_in_another_process, db_path, fixed_clock.now, "issue", "issue", "call")
        await wait_for(pilot, lambda: board_code(app) == "B-001" and board_counter(app) == "2", what="B-001 to 2")
        await wait_text(pilot, "Cetak KK")
        await wait_for(pilot, lambda: len(bells) == 1, what="the bell")
        assert "KK 1" in screen_text(app)  # B-002 still waits

        await asyncio.to_thread(act_in_another_process, db_path, fixed_clock.now, "recall")
        await wait_for(pilot, lambda: len(bells) == 2, what="the bell for the recall")

        fixed_clock.tick(2)
        await asyncio.to_thread(act_in_another_process, db_path, fixed_clock.now, "issue")
        tickets.finish(accounts.SYSTEM, tickets.start_serving(accounts.SYSTEM, ticket_id("B-001")).id)
        await asyncio.to_thread(act_in_another_process, db_path, fixed_clock.now, "call")
        await wait_for(pilot, lambda: board_code(app) == "B-002", what="B-002 on the board")
        await wait_text(pilot, "B-001  Loket 2")  # the previous call
        await wait_for(pilot, lambda: len(bells) == 3, what="the bell for B-002")

        await pilot.press("escape")  # nothing happens on the board
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen) and app.is_running


def waiting_panel(app) -> dict[str, str]:
    """The waiting panel at the bottom of the board as read from the screen: each service's
    ticket letter and what is shown after it (its waiting count, or "ditutup")."""
    lines = screen_text(app).splitlines()
    top = max(i for i, line in enumerate(lines) if "Menunggu" in line)
    shown: dict[str, str] = {}
    for line in lines[top + 1:]:
        inner = line.strip().strip("│|").strip()
        if not inner or set(inner) <= set("─╰╯+-"):
            break  # the panel's bottom frame
        for item in re.split(r" {3,}", inner):
            words = item.split()
            shown[words[0]] = words[-1]
    return shown


@pytest.mark.parametrize("size, named, dots", [((80, 24), False, True), ((120, 40), True, True), ((50, 20), False, False)])
async def test_the_board_shows_every_ticket_letter_a_to_z_and_draws_calls_past_f(
        office_ready, admin, operator, display, size, named, dots):
    letters = [chr(code) for code in range(ord("G"), ord("Z") + 1)]
    for letter in letters:
        services.add_service(admin, code=f"LAYANAN_{letter}", name=f"Surat keterangan layanan {letter}", prefix=letter)
    tickets.issue_ticket(None, "LAYANAN_W")
    for index, letter in enumerate("ABCD" + "F" + "".join(letters)):
        code = next(s.code for s in queue_views.queue_overview() if s.prefix == letter)
        for _ in range(index % 3 + 1):
            tickets.issue_ticket(None, code)
    tickets.call_next(operator, 1)  # W-001, the oldest
    offered = {s.prefix: str(s.waiting) for s in queue_views.queue_overview() if s.waiting or not s.urgent_only}
    assert len(offered) == 25 and "E" not in offered  # perekaman is urgent-only: not offered to the room

    app = KecamatanApp(make_config(board_bell=False), office_ready, actor=display, mode="display")
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.state is not None,
                       what="the board")
        await wait_for(pilot, lambda: waiting_panel(app) == offered, what="every letter with its count")
        if dots:
            await wait_for(pilot, lambda: board_code(app) == "W-001" and board_counter(app) == "1", what="W-001 drawn")
        else:  # too small for the dot font: the call on one line
            await wait_text(pilot, "W-001  →  LOKET 1")
        text = screen_text(app)
        assert "layanan W" in text  # the service of the call (on two lines in a narrow panel)
        assert ("Layanan W" in text) is named  # names in the waiting panel only where they fit
        # The W is drawn in the dot font, not left blank as Textual's Digits would.
        assert ("▀" in text or "█" in text) is dots


def ticket_id(code: str) -> int:
    prefix, number = code.split("-")
    return Ticket.get((Ticket.prefix == prefix) & (Ticket.number == int(number))).id


async def test_the_board_speaks_new_calls_with_espeak(office_ready, display, counter_two, db_path, fixed_clock,
                                                      tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    speaker = folder / "espeak-ng"
    speaker.write_text(SPEAKER)
    speaker.chmod(speaker.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "speech.log"
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SPEECH_LOG", str(log))
    app = KecamatanApp(make_config(board_speak=True, board_bell=False), office_ready, actor=display, mode="display")
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.state is not None,
                       what="the board")
        await asyncio.to_thread(act_in_another_process, db_path, fixed_clock.now, "issue", "call")
        await wait_for(pilot, lambda: log.exists() and "--" in log.read_text(), what="espeak-ng run")
    lines = log.read_text().splitlines()
    assert lines[-2] == "nomor antrian B nol nol satu, silakan ke loket dua"
    assert lines[:2] == ["-v", "id"]
    assert not bells  # the bell is off in this config


# --- kiosk -------------------------------------------------------------------------------------


async def open_kiosk(pilot) -> KioskScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, KioskScreen) and pilot.app.screen.services,
                   what="kiosk with services")
    await wait_text(pilot, "Tekan angka layanan")
    return pilot.app.screen


def test_urgent_only_services_are_not_offered_at_the_kiosk(db):
    codes = [s.code for s in offered_services(queue_views.queue_overview())]
    assert codes == ["KTP", "KK", "PINDAH_KELUAR", "PINDAH_DATANG", "PINDAH_ANTAR_KEC"]


async def test_kiosk_issues_prints_and_shows_the_number_large(office_ready, display, tmp_path, monkeypatch):
    monkeypatch.setattr(kiosk_module, "SHOW_TICKET_SECONDS", 0.5)
    app = KecamatanApp(make_config(file_printer(tmp_path)), office_ready, mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_dialog(pilot, "layar", "rahasia-layar")
        screen = await open_kiosk(pilot)
        text = screen_text(app)
        assert "1  Cetak KTP-el" in text and "2  Cetak KK" in text and "Perekaman" not in text
        await pilot.press("2")
        await wait_for(pilot, lambda: screen.query_one("#kiosk-code", BlockText).text == "B-001", what="B-001 large")
        await wait_text(pilot, "Silakan ambil tiket Anda")
        await wait_text(pilot, "Nomor antrian Anda")
        await wait_text(pilot, "Tekan angka layanan")  # back to the menu after a moment
        await pilot.press("down")  # keypad 2 with Num Lock off
        await wait_for(pilot, lambda: screen.query_one("#kiosk-code", BlockText).text == "B-002", what="B-002")
    assert [t.code for t in Ticket.select().order_by(Ticket.id)] == ["B-001", "B-002"]
    assert PrintJob.select().where(PrintJob.status == "printed").count() == 2
    assert "B-001" in printed_text((tmp_path / "struk.bin").read_bytes())


async def test_kiosk_serves_a_burst_of_presses_in_the_order_pressed(office_ready, display, tmp_path, monkeypatch):
    from tui_kecamatan.core import documents

    real_issue = documents.issue_ticket
    delays = iter([0.4, 0.0, 0.2, 0.0, 0.1])  # the first presses are the slowest to reach the database

    def slow_issue(*args, **kwargs):
        import time

        time.sleep(next(delays, 0.0))
        return real_issue(*args, **kwargs)

    monkeypatch.setattr(documents, "issue_ticket", slow_issue)
    app = KecamatanApp(make_config(file_printer(tmp_path)), office_ready, actor=display, mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kiosk(pilot)
        await pilot.press("1", "2", "1", "3", "2")  # a queue of people, faster than one ticket is issued
        await wait_for(pilot, lambda: PrintJob.select().where(PrintJob.status == "printed").count() == 5,
                       what="five tickets printed")
        await settle(pilot)
        assert screen.query_one("#kiosk-code", BlockText).text == "B-002"  # the last one stays on screen
    issued = [(t.service.code, t.code) for t in Ticket.select().order_by(Ticket.id)]
    assert issued == [("KTP", "A-001"), ("KK", "B-001"), ("KTP", "A-002"), ("PINDAH_KELUAR", "C-001"),
                      ("KK", "B-002")]
    printed = printed_text((tmp_path / "struk.bin").read_bytes())
    places = [printed.find(code) for code in ("A-001", "B-001", "A-002", "C-001", "B-002")]
    assert -1 not in places and places == sorted(places)  # the printer gives them out in the same order


async def test_kiosk_printer_failure_keeps_the_number_on_screen(office_ready, display):
    with FakePrinter("refused") as fake:
        app = KecamatanApp(make_config(fake.settings()), office_ready, actor=display, mode="kiosk")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_kiosk(pilot)
            await pilot.press("1")
            await wait_text(pilot, "Printer bermasalah, catat nomor Anda")
            assert screen.query_one("#kiosk-code", BlockText).text == "A-001"
    assert Ticket.get().status == "waiting"
    assert PrintJob.get().status == "failed"


async def test_kiosk_shows_closed_services_and_refuses_them(office_ready, admin, display):
    services.suspend_service(admin, "KK", "Blanko KK habis")
    app = KecamatanApp(make_config(), office_ready, actor=display, mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_kiosk(pilot)
        await wait_text(pilot, "ditutup: Blanko KK habis")
        await pilot.press("2")
        await wait_text(pilot, "Layanan Cetak KK ditunda: Blanko KK habis.")
    assert Ticket.select().count() == 0


async def test_leaving_the_kiosk_needs_a_supervisor(office_ready, display, operator, supervisor):
    app = KecamatanApp(make_config(), office_ready, actor=display, mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_kiosk(pilot)
        for key in ("f2", "f9", "f1", "ctrl+p"):  # no staff key reaches a citizen
            await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, KioskScreen)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, StaffPasswordDialog), what="the closing dialog")
        await pilot.press("ctrl+q", "ctrl+p")  # the dialog does not quit either
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, StaffPasswordDialog)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, KioskScreen), what="back to the kiosk")

        await pilot.press("escape")
        await log_in_dialog(pilot, "wahyu", "rahasia-wahyu")
        await wait_text(pilot, "Hanya supervisor atau admin yang dapat menutup kiosk.")
        await pilot.press(*"salah-sekali", "enter")
        await wait_text(pilot, "Nama pengguna atau kata sandi salah")
        assert app.is_running
        dialog = app.screen
        dialog.query_one("#staff-username", Input).value = ""
        await log_in_dialog(pilot, "sari", "rahasia-sari")
        await wait_for(pilot, lambda: not app.is_running, what="the kiosk closed")


# --- no personal data --------------------------------------------------------------------------


NIK = "3603015501900002"


@pytest.fixture
def citizens_in_queue(office_ready, operator, counter_two):
    """Tickets linked to requests of citizens with distinctive names; one is called."""
    names = ["Zubaidah Nurjanah Qisthi", HOSTILE_NAMES[1]]
    for index, name in enumerate(names):
        ticket = tickets.issue_ticket(None, "KK")
        requests.create_request(operator, service_code="KK", nik=NIK[:-1] + str(index + 2), name=name,
                                kk_number="3603012005150003", ticket_id=ticket.id)
    tickets.call_next(operator, 2)
    return [clean_name(name) for name in names]


def assert_no_personal_data(text: str, names: list[str]) -> None:
    for name in names:
        assert name not in text
        assert name.split()[0] not in text
    assert "3603015501900" not in text and "360301******" not in text


async def test_board_and_kiosk_never_show_names_or_nik(office_ready, citizens_in_queue, display, tmp_path):
    app = KecamatanApp(make_config(), office_ready, actor=display, mode="display")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.state is not None,
                       what="the board")
        await wait_for(pilot, lambda: board_code(app) == "B-001", what="the call")
        assert_no_personal_data(screen_text(app), citizens_in_queue)

    app = KecamatanApp(make_config(file_printer(tmp_path)), office_ready, actor=display, mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kiosk(pilot)
        assert_no_personal_data(screen_text(app), citizens_in_queue)
        await pilot.press("2")
        await wait_for(pilot, lambda: screen.query_one("#kiosk-code", BlockText).text == "B-003", what="B-003")
        await wait_text(pilot, "Silakan ambil tiket Anda")
        assert_no_personal_data(screen_text(app) + notifications(app), citizens_in_queue)


# --- what the board says -----------------------------------------------------------------------


@pytest.mark.parametrize("number, words", [
    (0, "nol"), (1, "satu"), (7, "tujuh"), (9, "sembilan"), (10, "sepuluh"), (11, "sebelas"),
    (12, "dua belas"), (19, "sembilan belas"), (20, "dua puluh"), (21, "dua puluh satu"),
    (99, "sembilan puluh sembilan"), (100, "seratus"), (101, "seratus satu"), (111, "seratus sebelas"),
    (250, "dua ratus lima puluh"), (1000, "seribu"), (1012, "seribu dua belas"),
    (2026, "dua ribu dua puluh enam"), (11000, "sebelas ribu"), (100000, "seratus ribu"),
    (1_000_000, "satu juta"), (3_200_015, "tiga juta dua ratus ribu lima belas"),
])
def test_numbers_in_indonesian_words(number, words):
    assert announce.number_words(number) == words


def test_codes_are_spelled_digit_by_digit_and_the_counter_as_a_number():
    assert announce.spell_code("A-007") == "A nol nol tujuh"
    assert announce.spell_code("ab 120") == "A B satu dua nol"
    assert announce.call_sentence("A-007", 2) == "nomor antrian A nol nol tujuh, silakan ke loket dua"
    assert announce.call_sentence("B-019", 12) == "nomor antrian B nol satu sembilan, silakan ke loket dua belas"
    assert announce.call_sentence("C-100", None) == "nomor antrian C satu nol nol"
    assert announce.speech_command("nomor antrian A nol nol satu", "/usr/bin/espeak-ng") == [
        "/usr/bin/espeak-ng", "-v", "id", "-s", "150", "nomor antrian A nol nol satu"]
    with pytest.raises(TypeError):
        announce.number_words(True)


def _call(code: str, counter: int, sequence: int) -> BoardCall:
    return BoardCall(code=code, counter_number=counter, counter_name=f"Loket {counter}", service_name="Cetak KK",
                     call_count=1, called_at=datetime(2026, 11, 28, 2, 0), sequence=sequence)


def _state(*calls: BoardCall) -> BoardState:
    return BoardState(day=date(2026, 11, 28), last_call=calls[0] if calls else None, previous=list(calls[1:]))


def test_the_watcher_rings_for_new_calls_and_recalls_only():
    watcher = announce.CallWatcher(bell=True, speak=True)
    first = watcher.update(_state(_call("A-001", 1, 10)))
    assert first.is_empty and not first.ring  # calls made before the board started are not announced
    assert watcher.update(_state(_call("A-001", 1, 10))).is_empty
    recall = watcher.update(_state(_call("A-001", 1, 14)))  # the same ticket called again
    assert recall.ring and recall.speech == ("nomor antrian A nol nol satu, silakan ke loket satu",)
    several = watcher.update(_state(_call("B-002", 2, 30), _call("A-002", 1, 25), _call("A-001", 1, 14)))
    assert [c.code for c in several.calls] == ["A-002", "B-002"]  # oldest first, each once
    assert several.speech == ("nomor antrian A nol nol dua, silakan ke loket satu",
                              "nomor antrian B nol nol dua, silakan ke loket dua")
    backlog = watcher.update(_state(*[_call(f"C-{n:03d}", 3, 100 - n) for n in range(1, 7)]))
    assert len(backlog.calls) == 6 and len(backlog.speech) == announce.MAX_SPOKEN
    assert backlog.speech[-1].startswith("nomor antrian C nol nol satu")  # the newest call is spoken last

    quiet = announce.CallWatcher(bell=False, speak=False)
    quiet.update(_state())
    news = quiet.update(_state(_call("A-001", 1, 3)))
    assert not news.is_empty and not news.ring and news.speech == ()


def test_the_dot_font_and_when_it_is_used():
    from tui_kecamatan.widgets.block_text import block_lines, block_size, fit_scales

    lines = block_lines("A-1", 1)
    assert len(lines) == 4 and {len(line) for line in lines} == {17}
    assert block_size("A-1", 1) == (17, 4) and block_size("A-007", 2) == (58, 7)
    assert block_lines("?", 3) == [] and block_size("", 2) == (0, 0)
    two = block_lines("1", 2)
    assert len(two) == 7 and two[0].strip() == "\u2588\u2588"  # the top dot of the 1, two cells wide
    # The board panel at 80x24 (47x12) is too narrow for dots of two cells: it draws dots of one cell.
    assert fit_scales("A-007", "LOKET 1", 47, 12) is None
    assert fit_scales("W-007", "LOKET 1", 47, 12, smallest=1) == (1, 1)
    assert fit_scales("A-007", "LOKET 1", 76, 28) == (2, 1)
    assert fit_scales("A-007", "LOKET 12", 200, 60)[0] >= 4


async def test_the_kiosk_is_never_idle_locked(office_ready, display):
    from tui_kecamatan.screens.shell.lock import LockScreen

    app = KecamatanApp(make_config(), office_ready, actor=display, mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_kiosk(pilot)
        app.idle_lock_seconds = 0.2
        # Several idle periods pass: a citizen must never meet the staff lock screen.
        await pilot.pause(1.0)
        assert isinstance(app.screen, KioskScreen)
        assert not any(isinstance(screen, LockScreen) for screen in app.screen_stack)
        assert not app.idle_lock_applies
