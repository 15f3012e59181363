"""The printers of this station in the admin screen (section 8, Cetak): each printer of the
config file with how it is reached and its last result, a test page printed on one (t) as
`tui-kecamatan print test` prints it, and a printer that refuses shown as failed with its
sentence while the failed documents stay in the list."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from tests.pilot import at_home, message_of, screen_text, settle, wait_for, wait_notified, wait_screen, wait_text
from tests.printer_fake import FakePrinter, printed_text
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.config import load_config
from tui_kecamatan.core import clock, documents, office, printjobs
from tui_kecamatan.db.models import PrintJob
from tui_kecamatan.screens.admin.screen import AdminScreen

WIB = timezone(timedelta(hours=7))


@pytest.fixture
def desk(db, admin, operator):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                                    kabupaten="Kabupaten Tangerang"))
    clock.set_now(lambda: datetime(2026, 11, 28, 9, 15, tzinfo=WIB))
    return db


def station(tmp_path, printer: FakePrinter | None, *, a4: bool = True):
    """This station's config file: the receipt printer on the fake's port, the A4 printer a folder."""
    lines = []
    if printer is not None:
        lines += ["[printers.receipt]", 'kind = "network"', f'host = "{printer.host}"', f"port = {printer.port}",
                  "timeout = 1.0", ""]
    if a4:
        lines += ["[printers.a4]", 'kind = "folder"', f'path = "{tmp_path / "a4"}"', ""]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    config = load_config(path, db=tmp_path / "kecamatan.db")
    config.idle_lock_minutes = 0
    return config


async def open_printers(pilot):
    await at_home(pilot)
    await pilot.press("f9")
    await wait_screen(pilot, AdminScreen)
    await pilot.press("8")
    await wait_text(pilot, "Hasil terakhir")
    await settle(pilot)


def detail(app) -> str:
    """The sentence under the printers about the highlighted one."""
    return " ".join(message_of(app, "#printers-detail").split())


def printer_row(app, label: str) -> str:
    return next(line for line in screen_text(app).splitlines() if line.strip().startswith(label))


async def test_a_test_page_reaches_the_receipt_printer_and_becomes_its_last_result(desk, admin, tmp_path):
    with FakePrinter("read") as printer:
        config = station(tmp_path, printer)
        app = KecamatanApp(config, desk, actor=admin)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await open_printers(pilot)
            assert printer_row(app, "Printer struk").split()[2:5] == [
                "network", f"{printer.host}:{printer.port}", "belum"]
            assert "folder /" in printer_row(app, "Printer A4")
            assert "t Cetak uji" in screen_text(app)
            await pilot.press("t")  # the cursor of the printers starts on the receipt printer
            await wait_notified(pilot, f"Tes cetak dicetak di Printer struk ({printer.host}:{printer.port}).")
            received = printer.wait_until_read()
            await wait_for(pilot, lambda: "tercetak 09:15" in printer_row(app, "Printer struk"), what="the result")
            assert "Terakhir: Tes cetak tercetak 28-11-2026 09:15 WIB." in detail(app)
            # the A4 printer, a folder: its full path in the sentence under the printers
            await pilot.press("shift+tab")
            await pilot.press("down")
            await wait_for(pilot, lambda: detail(app).startswith(f"Printer A4: folder {tmp_path / 'a4'}. Belum pernah"),
                           what="the A4 printer's sentence")
            await pilot.press("t")  # the A4 printer's own test page, a PDF in its folder
            await wait_for(pilot, lambda: "tercetak 09:15" in printer_row(app, "Printer A4"), what="the A4 result")
    text = printed_text(received)
    assert "Tes cetak berhasil" in text and "Kantor Kecamatan Pasar Kemis" in text
    [page] = list((tmp_path / "a4").glob("*.pdf"))
    a4_text = " ".join(p.extract_text() for p in PdfReader(page).pages)
    assert "HALAMAN UJI PRINTER A4" in a4_text and "Kantor Kecamatan Pasar Kemis" in a4_text
    jobs = printjobs.list_jobs()
    assert sorted((job.kind, job.printer, job.status, job.staff) for job in jobs) == [
        ("test", "a4", "printed", "admin"), ("test", "receipt", "printed", "admin")]


async def test_a_printer_that_refuses_shows_failed_and_nothing_is_lost(desk, admin, operator, tmp_path):
    with FakePrinter("refused") as printer:
        config = station(tmp_path, printer)
        ticket = documents.issue_ticket(operator, "KK")
        assert not printjobs.send_job(ticket.job_id, config, actor=operator).ok
        app = KecamatanApp(config, desk, actor=admin)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await open_printers(pilot)
            row = printer_row(app, "Printer struk")
            assert "gagal 09:15: menolak sambungan" in row
            assert "Terakhir: Nomor antrian B-001 gagal 28-11-2026 09:15 WIB: menolak sambungan" in detail(app)
            await pilot.press("t")
            await wait_notified(pilot, f"Printer struk ({printer.host}:{printer.port}) menolak sambungan")
            await wait_for(pilot, lambda: "Terakhir: Tes cetak gagal 28-11-2026 09:15 WIB: menolak sambungan; pastikan "
                                          "printer menyala" in detail(app), what="the failed test page")
            assert "gagal 09:15: menolak sambungan" in printer_row(app, "Printer struk")
            # the ticket that failed before is still waiting in the failed list
            assert f"#{ticket.job_id}" in screen_text(app) and "Nomor antrian B-001" in screen_text(app)
            printer.set_mode("read")  # the printer is switched on again: the ticket prints from the list
            await pilot.press("p")
            await wait_notified(pilot, "Nomor antrian dicetak di Printer struk")
            await wait_for(pilot, lambda: "tercetak 09:15" in printer_row(app, "Printer struk"), what="printed")
            await wait_text(pilot, "Tidak ada cetakan yang gagal.")
        assert "B-001" in printed_text(printer.wait_until_read())
    test_job = next(job for job in printjobs.list_jobs() if job.kind == "test")
    assert test_job.status == "failed" and "menolak sambungan" in test_job.error
    assert PrintJob.get_by_id(ticket.job_id).status == "printed"


async def test_a_printer_left_out_of_the_config_says_so_and_prints_nothing(desk, admin, tmp_path):
    config = station(tmp_path, None, a4=False)
    app = KecamatanApp(config, desk, actor=admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_printers(pilot)
        assert "tidak diatur" in printer_row(app, "Printer struk")
        assert "tidak diatur" in printer_row(app, "Printer A4")
        await pilot.press("t")
        await wait_notified(pilot, "Printer struk belum diatur (bagian [printers.receipt] di berkas konfigurasi).")
        await settle(pilot)
    assert printjobs.list_jobs() == []


def test_the_last_result_is_the_newest_attempt_of_each_printer(desk, admin, operator, tmp_path):
    """A failed document printed again later counts by its newest attempt, not by its number."""
    with FakePrinter("refused") as printer:
        config = station(tmp_path, printer)
        first = documents.issue_ticket(operator, "KK").job_id
        assert not printjobs.send_job(first, config, actor=operator).ok
        printer.set_mode("read")
        clock.set_now(lambda: datetime(2026, 11, 28, 9, 20, tzinfo=WIB))
        second = documents.issue_ticket(operator, "KK").job_id
        assert printjobs.send_job(second, config, actor=operator).ok
        results = printjobs.printer_results(["receipt", "a4"])
        assert results["a4"] is None
        assert (results["receipt"].job_id, results["receipt"].ok) == (second, True)
        printer.stop()  # switched off: the port refuses from now on
        clock.set_now(lambda: datetime(2026, 11, 28, 9, 30, tzinfo=WIB))
        outcome = printjobs.retry_job(admin, first, config)
    assert not outcome.ok
    last = printjobs.printer_results(["receipt"])["receipt"]
    assert (last.job_id, last.ok, f"{last.at:%H:%M}") == (first, False, "09:30")
    assert last.label == "Nomor antrian B-001" and last.error == outcome.message
