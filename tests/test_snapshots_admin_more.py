"""Pictures of the admin screen at 80x24 on a fixed clock: the review of the national holidays
and cuti bersama before they are saved, and the Cetak section with this station's printers and
their last results above the failed prints. Regenerate with `pytest --snapshot-update` and look."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.pilot import at_home, settle, wait_for, wait_screen, wait_text
from printing.settings import PrinterSettings
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.config import Config
from tui_kecamatan.core import clock, documents, holidays, office, printjobs, requests
from tui_kecamatan.screens.admin.holiday_dialogs import NationalHolidaysForm
from tui_kecamatan.screens.admin.screen import AdminScreen

WIB = timezone(timedelta(hours=7))
SIZE = (80, 24)
# A device file no test machine has: the receipt printer "unplugged", with the same sentence every run.
UNPLUGGED = PrinterSettings(name="receipt", kind="file", path="/dev/usb/lp9")


@pytest.fixture(autouse=True)
def fixed_terminal(monkeypatch):
    # TERM picks the theme and frame (see app.choose_theme); the pictures must not depend on it.
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture
def office_ready(db, admin):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                                    kabupaten="Kabupaten Tangerang"))
    return db


def _config(**printers) -> Config:
    return Config(printers=printers, idle_lock_minutes=0)


def test_national_holidays_review(snap_compare, office_ready, admin):
    clock.set_now(lambda: datetime(2026, 1, 5, 9, 15, tzinfo=WIB))
    holidays.add_holiday(admin, date(2026, 1, 1), "Tahun Baru Masehi")
    holidays.add_holiday(admin, date(2026, 3, 20), "Libur lebaran kantor")
    app = KecamatanApp(_config(), office_ready, actor=admin)

    async def run_before(pilot) -> None:
        await at_home(pilot)
        await pilot.press("f9")
        await wait_screen(pilot, AdminScreen)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await wait_text(pilot, "Lanjut (enter)")
        await pilot.press("enter")
        await wait_screen(pilot, NationalHolidaysForm)
        await pilot.press("down", "down", "space")  # untick Tahun Baru Imlek
        await wait_text(pilot, "22 dari 23 hari akan disimpan.")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_printers_and_failed_prints(snap_compare, office_ready, admin, operator, tmp_path):
    """The A4 printer printed a receipt at 09:05; the receipt printer, unplugged, failed a ticket at 09:15."""
    clock.set_now(lambda: datetime(2026, 11, 28, 9, 5, tzinfo=WIB))
    request = requests.create_request(operator, service_code="KK", nik="3603015501900002", name="Siti Aminah",
                                      kk_number="3603012005150003")
    a4_job = documents.request_receipt(operator, request.reg_no, "a4")
    folder = PrinterSettings(name="a4", kind="folder", path=str(tmp_path / "a4"))
    assert printjobs.send_job(a4_job, _config(a4=folder), actor=operator).ok
    clock.set_now(lambda: datetime(2026, 11, 28, 9, 15, tzinfo=WIB))
    ticket = documents.issue_ticket(operator, "KK")
    assert not printjobs.send_job(ticket.job_id, _config(receipt=UNPLUGGED), actor=operator).ok
    lp = PrinterSettings(name="a4", kind="cups", queue="A4-Kantor")
    app = KecamatanApp(_config(receipt=UNPLUGGED, a4=lp), office_ready, actor=admin)

    async def run_before(pilot) -> None:
        await at_home(pilot)
        await pilot.press("f9")
        await wait_screen(pilot, AdminScreen)
        await pilot.press("8")
        await wait_text(pilot, "tercetak 09:05")
        await wait_for(pilot, lambda: "Nomor antrian B-001" in str(app.screen.query_one("#printjobs-detail").render()),
                       what="the failed ticket")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
