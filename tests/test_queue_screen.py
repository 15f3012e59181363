"""The queue screen at a counter (F2), driven with the keyboard at 80x24 on a real database file:
taking numbers and printing them, calling, recalling, no-shows, serving, transfers, cancelling,
reprinting, the health protocol, printer failures, and changes made by other processes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import Input, OptionList, SelectionList, Static

from conftest import HOSTILE_NAMES, ROOT
from printer_fake import FakePrinter, printed_text
from tests.pilot import (
    file_printer,
    make_config,
    notifications,
    screen_text,
    settle,
    wait_for,
    wait_notification,
    wait_text,
)
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.core import clock, office, tickets
from tui_kecamatan.core.text import clean_name
from tui_kecamatan.db.models import Counter, PrintJob, Service, Setting, Ticket
from tui_kecamatan.screens.queue.dialogs import HealthProtocolDialog, TransferDialog
from tui_kecamatan.screens.queue.queue import QueueScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.widgets.approval import ApprovalDialog
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.format import pack_line, short_service_name
from tui_kecamatan.widgets.prompt import TextPrompt

WIB = timezone(timedelta(hours=7))
OFFICE = office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                             kabupaten="Kabupaten Tangerang", address="Jl. Raya Pasar Kemis No. 1")


# --- helpers shared by the queue, board and kiosk tests ------------------------------------------


@pytest.fixture
def fixed_clock(db):
    """Saturday 28 November 2026, 09:15 WIB; tests move it with .tick()."""

    class Clock:
        def __init__(self) -> None:
            self.now = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)

        def __call__(self) -> datetime:
            return self.now

        def tick(self, minutes: float = 1) -> None:
            self.now += timedelta(minutes=minutes)

    fake = Clock()
    clock.set_now(fake)
    return fake


@pytest.fixture
def office_ready(db, admin, fixed_clock):
    office.save_profile(admin, OFFICE)
    return db


async def open_queue(pilot) -> QueueScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), what="home")
    await pilot.press("f2")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, QueueScreen) and pilot.app.screen.view is not None,
                   what="queue screen with data")
    return pilot.app.screen


def ticket_row(code: str) -> Ticket:
    prefix, number = code.split("-")
    return Ticket.get((Ticket.prefix == prefix) & (Ticket.number == int(number)))


def header(app) -> str:
    return str(app.screen.query_one("#queue-current", Static).render())


# --- small pieces ----------------------------------------------------------------------------


def test_short_labels_and_packed_lines():
    assert short_service_name("Cetak KTP-el") == "KTP-el"
    assert short_service_name("Surat keterangan pindah keluar") == "Pindah keluar"
    assert short_service_name("Perekaman KTP-el") == "Perekaman KTP-el"
    assert short_service_name("Cetak") == "Cetak"
    from textual.content import Content

    packed = pack_line([Content("1 KTP-el"), Content("2 KK"), Content("3 Pindah keluar")], 16)
    assert packed.plain.split("\n") == ["1 KTP-el  2 KK", "3 Pindah keluar"]


# --- taking numbers ----------------------------------------------------------------------------


async def test_number_key_issues_a_ticket_and_prints_it(office_ready, operator, tmp_path):
    printer = file_printer(tmp_path)
    app = KecamatanApp(make_config(printer), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot)
        # The service keys are drawn once the services are read, a moment after the screen opens.
        await wait_for(pilot, lambda: all(part in screen_text(app) for part in (
            "Antrian - Loket 1", "1 KTP-el", "2 KK", "Perekaman KTP-el (mendesak)")), what="the service keys")
        await pilot.press("2")
        await wait_text(pilot, "B-001")
        await wait_for(pilot, lambda: PrintJob.select().where(PrintJob.status == "printed").count() == 1,
                       what="the ticket printed")
        assert "menunggu" in screen_text(app) and "Nomor B-001 (Cetak KK) diambil" in notifications(app)
        assert screen.target_ticket().code == "B-001"  # the new ticket is selected for p
    ticket = ticket_row("B-001")
    assert ticket.status == "waiting" and ticket.service.code == "KK"
    job = PrintJob.get(PrintJob.ref_id == ticket.id)
    assert job.kind == "ticket" and job.ref_table == "ticket"
    assert "B-001" in printed_text((tmp_path / "struk.bin").read_bytes())


async def test_quick_number_keys_issue_and_print_every_ticket_in_the_order_pressed(office_ready, operator, monkeypatch,
                                                                                  tmp_path):
    from tui_kecamatan.core import documents

    real_issue = documents.issue_ticket
    delays = iter([0.4, 0.0, 0.2, 0.0, 0.1])  # the first presses are the slowest to reach the database

    def slow_issue(*args, **kwargs):
        import time

        time.sleep(next(delays, 0.0))
        return real_issue(*args, **kwargs)

    monkeypatch.setattr(documents, "issue_ticket", slow_issue)
    app = KecamatanApp(make_config(file_printer(tmp_path)), office_ready, actor=operator)
    said: list[str] = []  # every notification, in order (only the last two stay on screen)
    monkeypatch.setattr(app, "notify", lambda message, **kwargs: (said.append(str(message)),
                                                                  KecamatanApp.notify(app, message, **kwargs)))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("1", "2", "1", "3", "2")  # faster than any of them is issued
        await wait_for(pilot, lambda: PrintJob.select().where(PrintJob.status == "printed").count() == 5,
                       what="five tickets printed")
        await settle(pilot)
        told = [line for line in said if "diambil" in line]
        assert [line.split()[1] for line in told] == ["A-001", "B-001", "A-002", "C-001", "B-002"]
    issued = [(t.service.code, t.code) for t in Ticket.select().order_by(Ticket.id)]
    assert issued == [("KTP", "A-001"), ("KK", "B-001"), ("KTP", "A-002"), ("PINDAH_KELUAR", "C-001"),
                      ("KK", "B-002")]
    printed = printed_text((tmp_path / "struk.bin").read_bytes())
    places = [printed.find(code) for code in ("A-001", "B-001", "A-002", "C-001", "B-002")]
    assert -1 not in places and places == sorted(places)  # the tickets come out of the printer in order


async def test_without_a_receipt_printer_the_ticket_is_issued_and_the_desk_is_told(office_ready, operator):
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("1")
        await wait_text(pilot, "A-001")
        await wait_notification(pilot, "Nomor A-001 tidak dicetak karena printer struk belum diatur.")
    assert PrintJob.select().count() == 0
    assert ticket_row("A-001").status == "waiting"


async def test_a_suspended_service_is_shown_and_refused_with_its_reason(office_ready, admin, operator):
    from tui_kecamatan.core import services

    services.suspend_service(admin, "KK", "Blanko KK habis")
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await wait_text(pilot, "2 KK ditunda")
        await pilot.press("2")
        await wait_notification(pilot, "Layanan Cetak KK ditunda: Blanko KK habis.")
    assert Ticket.select().count() == 0


async def test_perekaman_is_urgent_only_and_needs_a_supervisors_approval(office_ready, operator, supervisor):
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await open_queue(pilot)
        await pilot.press("5")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalDialog), what="the supervisor's approval")
        await pilot.press("escape")  # no approval: no ticket
        await wait_for(pilot, lambda: app.screen is queue)
    assert Ticket.select().count() == 0

    app = KecamatanApp(make_config(), office_ready, actor=supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("5")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalDialog), what="the reason")
        await wait_text(pilot, "keperluan mendesak. Tulis alasannya")
        await pilot.press(*"berobat", "enter")
        await wait_text(pilot, "E-001")
    ticket = ticket_row("E-001")
    assert ticket.urgent and ticket.status == "waiting" and ticket.urgent_reason == "berobat"


# --- at the counter ----------------------------------------------------------------------------


async def test_call_next_recall_no_show_and_requeue(office_ready, operator, fixed_clock):
    Setting.update(value="2").where(Setting.key == tickets.NO_SHOW_SETTING).execute()
    tickets.issue_ticket(None, "KTP")
    fixed_clock.tick(3)
    tickets.issue_ticket(None, "KK")
    fixed_clock.tick(10)
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot)
        await wait_text(pilot, "belum ada nomor dipanggil")
        assert "menunggu 13 mnt" in screen_text(app) and "menunggu 10 mnt" in screen_text(app)
        assert screen.check_action("recall", ()) is None  # nothing called yet: greyed out
        await pilot.press("f8")
        await wait_for(pilot, lambda: "dipanggil: A-001 (1x)" in header(app), what="A-001 called")
        assert screen.check_action("call_next", ()) is None  # A-001 still has a call left
        await pilot.press("r")
        await wait_for(pilot, lambda: "dipanggil: A-001 (2x)" in header(app), what="recall counted")
        await wait_text(pilot, "dipanggil di loket 1 (2x)")
        await pilot.press("r")  # the configured two calls are used up
        await wait_for(pilot, lambda: "belum ada nomor dipanggil" in header(app), what="A-001 no-show")
        await wait_notification(pilot, "A-001 tidak hadir setelah 2 kali dipanggil")
        assert ticket_row("A-001").status == "no_show"

        await pilot.press("f8")
        await wait_for(pilot, lambda: "dipanggil: B-001 (1x)" in header(app), what="B-001 called")
        await pilot.press("n")
        await wait_for(pilot, lambda: ticket_row("B-001").status == "no_show", what="B-001 marked no-show")

        await pilot.press("u")  # the citizen of B-001 came back
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="requeue dialog")
        field = app.screen.query_one("#prompt-input", Input)
        assert field.value == "B-001"
        assert field.placeholder == "ketik nomor, mis. A-007"  # an instruction, not a filled-in number
        await pilot.press("enter")
        await wait_notification(pilot, "B-001 kembali ke antrian.")
        await wait_text(pilot, "B-001")
    assert ticket_row("B-001").status == "waiting" and ticket_row("B-001").call_count == 0


async def test_calling_after_the_last_call_makes_a_no_show_and_calls_the_next(office_ready, operator):
    Setting.update(value="1").where(Setting.key == tickets.NO_SHOW_SETTING).execute()
    tickets.issue_ticket(None, "KTP")
    tickets.issue_ticket(None, "KTP")
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: "dipanggil: A-001 (1x)" in header(app), what="A-001 called")
        await pilot.press("f8")
        await wait_for(pilot, lambda: "dipanggil: A-002 (1x)" in header(app), what="A-002 called")
        await wait_notification(pilot, "A-001 ditandai tidak hadir.")
    assert ticket_row("A-001").status == "no_show"


async def test_start_and_finish(office_ready, operator):
    tickets.issue_ticket(None, "KK")
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot)
        assert screen.check_action("finish", ()) is None
        await pilot.press("f8")
        await wait_for(pilot, lambda: "dipanggil: B-001" in header(app), what="called")
        await pilot.press("s")
        await wait_for(pilot, lambda: "dilayani: B-001" in header(app), what="serving")
        assert screen.check_action("call_next", ()) is None  # finish first
        await pilot.press("d")
        await wait_for(pilot, lambda: "belum ada nomor dipanggil" in header(app), what="done")
        await wait_notification(pilot, "B-001 selesai dilayani.")
        await wait_text(pilot, "Tidak ada nomor yang menunggu.")
    assert ticket_row("B-001").status == "done"


async def test_perekaman_needs_the_health_protocol_before_serving(office_ready, operator, supervisor):
    tickets.issue_ticket(supervisor, "REKAM", urgent=True)
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: "dipanggil: E-001" in header(app), what="E-001 called")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, HealthProtocolDialog), what="protocol checklist")
        await wait_text(pilot, "Suhu tubuh pemohon diperiksa")
        await pilot.press("space", "ctrl+s")  # only the first step: refused, not served
        await wait_notification(pilot, "Protokol kesehatan E-001 belum lengkap")
        assert ticket_row("E-001").status == "called"
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, HealthProtocolDialog), what="protocol checklist again")
        items = app.screen.query_one(SelectionList)
        assert len(items.selected) == 1  # what was recorded comes back ticked
        for _ in range(items.option_count - 1):
            await pilot.press("down", "space")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "dilayani: E-001" in header(app), what="serving after the protocol")
    ticket = ticket_row("E-001")
    assert ticket.status == "serving" and ticket.protocol_done


async def test_transfer_to_another_service_and_to_another_counter(office_ready, operator):
    Counter.create(number=2, name="Loket 2")
    tickets.issue_ticket(None, "KTP")
    tickets.issue_ticket(None, "KTP")
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: "dipanggil: A-001" in header(app), what="A-001 called")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferDialog), what="transfer dialog")
        await wait_text(pilot, "Pindahkan A-001")
        await pilot.press("enter", "enter", "enter")  # keep the service, no counter: refused in place
        await wait_text(pilot, "Pilih layanan atau loket tujuan pemindahan.")
        options = app.screen.query_one(OptionList)
        kk = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "KK")
        options.focus()
        await pilot.pause()
        for _ in range(kk - (options.highlighted or 0)):
            await pilot.press("down")
        await pilot.press("enter", "enter", *"dokumen KK", "enter")
        await wait_notification(pilot, "A-001 dipindahkan ke Cetak KK.")
        await wait_for(pilot, lambda: "belum ada nomor dipanggil" in header(app), what="header cleared")
        moved = ticket_row("A-001")
        assert moved.service.code == "KK" and moved.status == "waiting" and moved.reason == "dokumen KK"

        # A-002 is selected with the cursor and sent to counter 2, same service.
        table = app.screen.query_one("#queue-table")
        table.move_cursor(row=table.get_row_index(str(ticket_row("A-002").id)))
        await pilot.pause()
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferDialog), what="transfer dialog")
        await pilot.press("enter", *"2", "enter", "enter")
        await wait_notification(pilot, "A-002 dipindahkan ke Cetak KTP-el, loket 2.")
        await wait_text(pilot, "ke loket 2")
    assert ticket_row("A-002").counter.number == 2


async def test_cancel_asks_for_a_reason_and_a_confirmation(office_ready, operator):
    tickets.issue_ticket(None, "KK")
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="reason dialog")
        await pilot.press("enter")
        await wait_text(pilot, "Alasan pembatalan wajib diisi.")
        await pilot.press(*"warga pulang", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await wait_text(pilot, "Batalkan nomor B-001? Alasan: warga pulang")
        await pilot.press("n")  # not confirmed: nothing changes
        await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen), what="back on the queue")
        assert ticket_row("B-001").status == "waiting"
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="reason dialog")
        await pilot.press(*"warga pulang", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("y")
        await wait_notification(pilot, "Nomor B-001 dibatalkan.")
        await wait_text(pilot, "Tidak ada nomor yang menunggu.")
    ticket = ticket_row("B-001")
    assert ticket.status == "cancelled" and ticket.reason == "warga pulang"


async def test_reprint_records_a_new_job(office_ready, operator, tmp_path):
    printer = file_printer(tmp_path)
    app = KecamatanApp(make_config(printer), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await pilot.press("1")
        await wait_for(pilot, lambda: PrintJob.select().where(PrintJob.status == "printed").count() == 1,
                       what="first print")
        await pilot.press("p")
        await wait_notification(pilot, "Nomor A-001 dicetak ulang.")
    jobs = list(PrintJob.select().where(PrintJob.ref_id == ticket_row("A-001").id).order_by(PrintJob.id))
    assert len(jobs) == 2 and all(job.status == "printed" for job in jobs)
    assert printed_text((tmp_path / "struk.bin").read_bytes()).count("A-001") >= 2


async def test_a_printer_failure_is_told_at_once_and_the_ticket_stays(office_ready, operator, tmp_path):
    with FakePrinter("refused") as fake:
        app = KecamatanApp(make_config(fake.settings()), office_ready, actor=operator)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_queue(pilot)
            await pilot.press("2")
            await wait_notification(pilot, "Nomor B-001 tercatat, tetapi gagal dicetak: ")
            assert "Tekan p untuk mencetak ulang." in notifications(app)
            await wait_text(pilot, "B-001")
            # The printer comes back; p prints the ticket that failed.
            fake.set_mode("read")
            await pilot.press("p")
            await wait_notification(pilot, "Nomor B-001 dicetak ulang.")
            await wait_for(pilot, lambda: b"B-001" in fake.received, what="bytes at the printer")
    ticket = ticket_row("B-001")
    assert ticket.status == "waiting"
    statuses = [job.status for job in PrintJob.select().where(PrintJob.ref_id == ticket.id).order_by(PrintJob.id)]
    assert statuses == ["superseded", "printed"]  # the reprint stands for the failed print: retry will not print it again


# --- other counters ----------------------------------------------------------------------------


OTHER_COUNTER = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from tui_kecamatan.core import accounts, clock, queue_views, tickets
    from tui_kecamatan.db.connection import open_database

    clock.set_now(lambda: datetime.fromisoformat(sys.argv[2]))
    db = open_database(sys.argv[1], create=False)
    actor = accounts.Actor(None, "loket2", "Loket 2", accounts.Role.OPERATOR)
    for step in sys.argv[3:]:
        if step == "issue":
            tickets.issue_ticket(None, "KK")
        elif step == "call":
            tickets.call_next(actor, 2)
        elif step == "recall":
            tickets.recall(actor, queue_views.counter_current(2).id)
    db.close()
""")


def act_in_another_process(db_path, now: datetime, *steps: str) -> None:
    """A second counter, as a separate process on the same database file."""
    result = subprocess.run([sys.executable, "-c", OTHER_COUNTER, str(db_path), now.isoformat(), *steps],
                            capture_output=True, text=True, cwd=str(ROOT), timeout=120)
    assert result.returncode == 0, result.stderr


async def test_the_list_follows_other_counters(office_ready, db_path, operator, fixed_clock):
    Counter.create(number=2, name="Loket 2")
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await wait_text(pilot, "Tidak ada nomor yang menunggu.")
        await asyncio.to_thread(act_in_another_process, db_path, fixed_clock.now, "issue")
        await wait_text(pilot, "B-001")
        await asyncio.to_thread(act_in_another_process, db_path, fixed_clock.now, "call")
        await wait_text(pilot, "dipanggil di loket 2 (1x)")
        assert "belum ada nomor dipanggil" in header(app)  # another counter's call is not ours


# --- people's text -------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
async def test_service_names_and_reasons_are_shown_literally(office_ready, operator, hostile):
    Service.update(name=hostile).where(Service.code == "KK").execute()
    tickets.issue_ticket(None, "KK")
    shown = clean_name(hostile)
    app = KecamatanApp(make_config(), office_ready, actor=operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot)
        assert app.is_running
        assert screen.view.tickets[0].service_name == hostile
        text = screen_text(app)
        if len(shown) < 20:
            assert shown in text
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="reason dialog")
        app.screen.query_one(Input).value = "[b]alasan[/b] [@click=app.quit]x[/]"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await wait_text(pilot, "Alasan: [b]alasan[/b]")
        assert "[@click=app.quit]x[/]" in screen_text(app)
        await pilot.press("y")
        await wait_notification(pilot, "dibatalkan")
        assert app.is_running
