"""The failed prints in the app: a line and a key on the home screen while prints failed, the
list for supervisors (from home) and admins (Admin, section 8), printing again and throwing away
after a question, and a job another station is sending shown with its sender and time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.pilot import at_home, make_app, screen_text, settle, wait_for, wait_notified, wait_screen, wait_text
from tests.printer_fake import printed_text
from tui_kecamatan.config import Config
from tui_kecamatan.core import audit, clock, documents, office, printjobs
from tui_kecamatan.db.models import PrintJob, database
from tui_kecamatan.screens.admin.printjobs import PrintJobsScreen
from tui_kecamatan.screens.admin.screen import AdminScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen

WIB = timezone(timedelta(hours=7))


@pytest.fixture
def desk(db, admin, operator):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                                    kabupaten="Kabupaten Tangerang"))
    clock.set_now(lambda: datetime(2026, 11, 28, 9, 15, tzinfo=WIB))
    return db


def failed_ticket(operator, code: str = "KK") -> int:
    """A ticket whose print failed (no printer configured on that station)."""
    issued = documents.issue_ticket(operator, code)
    assert not printjobs.send_job(issued.job_id, Config(), actor=operator).ok
    return issued.job_id


async def test_a_supervisor_sees_the_count_opens_the_list_and_discards_after_a_question(desk, operator, supervisor,
                                                                                        tmp_path):
    job_id = failed_ticket(operator)
    app = make_app(desk, supervisor, folder=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await wait_text(pilot, "1 cetakan gagal belum dicetak ulang; tekan p untuk melihatnya.")
        assert "p Cetakan gagal" in screen_text(app)
        await pilot.press("p")
        await wait_screen(pilot, PrintJobsScreen)
        await wait_text(pilot, f"#{job_id}")
        text = screen_text(app)
        assert "Nomor antrian B-001" in text and "Printer struk belum diatur" in text
        await pilot.press("x")
        await wait_screen(pilot, ConfirmScreen)
        assert "Buang Nomor antrian B-001" in screen_text(app)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert PrintJob.get_by_id(job_id).status == "failed"
        await pilot.press("x")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_notified(pilot, "Nomor antrian B-001 dibuang dari daftar cetakan gagal.")
        await wait_text(pilot, "Tidak ada cetakan yang gagal.")
        await pilot.press("escape")
        await at_home(pilot)
        await wait_for(pilot, lambda: "cetakan gagal" not in screen_text(app), what="the line gone")
        assert "p Cetakan gagal" not in screen_text(app)
    row = PrintJob.get_by_id(job_id)
    assert row.status == "discarded" and row.error.startswith("Dibuang oleh Sari.")
    assert "cetakan_dibuang" in [e.action for e in audit.events_for("print_job", job_id)]


async def test_an_operator_is_told_in_a_sentence_and_has_no_key(desk, operator, tmp_path):
    failed_ticket(operator)
    failed_ticket(operator, "KTP")
    app = make_app(desk, operator, folder=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await wait_text(pilot, "2 cetakan gagal belum dicetak ulang; minta supervisor mencetaknya ulang.")
        assert "p Cetakan gagal" not in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert not isinstance(app.screen, PrintJobsScreen)


async def test_admin_section_prints_again_and_names_a_job_being_sent(desk, operator, admin, tmp_path):
    job_id = failed_ticket(operator)
    sending = documents.issue_ticket(operator, "KTP").job_id
    with database.atomic():  # another station is sending this one now
        PrintJob.update(status="sending", attempts=1, printed_at=clock.now_utc()).where(PrintJob.id == sending).execute()
        audit.record(operator, "cetakan_dikirim", "print_job", sending, "ticket ke printer receipt")
    app = make_app(desk, admin, folder=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await pilot.press("f9")
        await wait_screen(pilot, AdminScreen)
        await pilot.press("8")
        await wait_text(pilot, "sedang dikirim oleh Wahyu sejak 09:15")
        text = screen_text(app)
        assert text.index(f"#{sending}") < text.index(f"#{job_id}")
        assert "Cetak" in text.splitlines()[0]  # the eighth section's tab fits at 80 columns
        # the job being sent cannot be printed or thrown away from here
        assert app.screen.query_one("#pane-cetak").check_action("retry", ()) is None
        await pilot.press("down")
        await wait_text(pilot, f"#{job_id} Nomor antrian B-001, dicatat 28-11-2026 09:15, 1 kali dicoba")
        await pilot.press("p")
        await wait_notified(pilot, "Nomor antrian dicetak di Printer struk")
        await wait_for(pilot, lambda: f"#{job_id}" not in screen_text(app), what="the printed job gone")
    assert PrintJob.get_by_id(job_id).status == "printed"
    assert "B-001" in printed_text((tmp_path / "struk.bin").read_bytes())
    assert PrintJob.get_by_id(sending).status == "sending"
