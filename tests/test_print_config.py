"""Printer settings are read from the config file at each print: a [printers.*] section fixed
while the app runs is used by the next print, without a restart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.pilot import wait_for, wait_notification
from tests.printer_fake import FakePrinter, printed_text
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.config import load_config
from tui_kecamatan.core import clock, office, printjobs
from tui_kecamatan.db.models import PrintJob, Ticket
from tui_kecamatan.screens.queue.queue import QueueScreen
from tui_kecamatan.screens.shell.home import HomeScreen

WIB = timezone(timedelta(hours=7))


def write(path, port: int, *, extra: str = "") -> None:
    path.write_text(f'[ui]\nidle_lock_minutes = 0\n[printers.receipt]\nkind = "network"\nhost = "127.0.0.1"\n'
                    f'port = {port}\ntimeout = 1\n{extra}', encoding="utf-8")


@pytest.fixture
def desk(db, admin):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                                    kabupaten="Kabupaten Tangerang"))
    clock.set_now(lambda: datetime(2026, 11, 28, 9, 15, tzinfo=WIB))
    return db


def test_a_fixed_printer_section_is_used_by_the_next_print(db, operator, tmp_path):
    path = tmp_path / "config.toml"
    with FakePrinter() as good, FakePrinter("refused") as bad:
        write(path, bad.port)
        config = load_config(path)
        first = printjobs.record_job(operator, "ticket", {"office": "Kantor", "code": "A-001", "service": "KK",
                                                          "issued_at": "2026-11-28T09:15:00"})
        assert "menolak sambungan" in printjobs.send_job(first, config).message

        write(path, good.port)  # the admin fixes the port while the program runs
        assert printjobs.retry_failed(config)[0].ok
        assert "A-001" in printed_text(good.received)

        # a mistake in the file is said, not silently printed around
        path.write_text('[printers.receipt]\nkind = "network"\nhots = "127.0.0.1"\n', encoding="utf-8")
        again = printjobs.reprint(operator, first)
        outcome = printjobs.send_job(again, config)
        assert not outcome.ok and "printers.receipt.hots: kunci tidak dikenal" in outcome.message
        write(path, good.port, extra="copies = 2\n")
        assert printjobs.send_job(printjobs.reprint(operator, first), config).ok
    assert printed_text(good.received).count("A-001") == 3  # once, then two copies


async def test_the_queue_reprint_works_after_the_config_is_fixed_without_restart(desk, operator, tmp_path):
    path = tmp_path / "config.toml"
    with FakePrinter() as good, FakePrinter("refused") as bad:
        write(path, bad.port)
        app = KecamatanApp(load_config(path), desk, actor=operator)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
            await pilot.press("f2")
            await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen.view is not None,
                           what="queue")
            await pilot.press("2")
            await wait_notification(pilot, "Nomor B-001 tercatat, tetapi gagal dicetak: ")

            write(path, good.port)  # fixed in the file; the app keeps running
            await pilot.press("p")
            await wait_notification(pilot, "Nomor B-001 dicetak ulang.")
            await wait_for(pilot, lambda: b"B-001" in good.received, what="bytes at the fixed printer")
    ticket = Ticket.get(Ticket.code == "B-001")
    statuses = [job.status for job in PrintJob.select().where(PrintJob.ref_id == ticket.id).order_by(PrintJob.id)]
    assert statuses == ["superseded", "printed"]
