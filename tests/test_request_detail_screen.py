"""The request detail as a person at the desk uses it at 80x24: the applicant with the NIK masked
(revealed and audited for a supervisor only), status, target day, timeline, and every move its
state allows, with core's sentence for a move that no longer applies."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import datetime

import pytest
from textual.screen import Screen
from textual.widgets import Static

from tests.conftest import HOSTILE_NAMES, ROOT
from tests.pilot import fill, make_app, screen_text, settle, wait_for, wait_notified, wait_screen, wait_text
from tests.test_intake_screens import (
    E164,
    NIK,
    WIB,
    new_request,
    office_ready,  # noqa: F401 - a fixture
)
from tui_kecamatan import screens
from tui_kecamatan.core import clock, messages, requests
from tui_kecamatan.core.text import clean_name
from tui_kecamatan.db.models import AuditEvent, Contact, PrintJob, Request
from tui_kecamatan.screens.requests.checklist import ChecklistScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.screens.requests.contact import ContactScreen
from tui_kecamatan.screens.shell.help import HelpScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.widgets.prompt import TextPrompt
from tui_kecamatan.screens.requests.detail import RequestDetailScreen
from tui_kecamatan.screens.requests.print_choice import MediaChoiceScreen


async def open_detail(pilot, ref) -> RequestDetailScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), what="home")
    pilot.app.push_screen(RequestDetailScreen(ref))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestDetailScreen) and pilot.app.screen.detail is not None,
                   what="request detail")
    # The fields and the timeline (which starts with the intake) are drawn a moment later.
    await wait_text(pilot, "Permohonan diterima")
    return pilot.app.screen


def check_all(actor, info) -> None:
    requests.save_checklist(actor, info.id, [(item.id, True, "") for item in requests.items_of(info.id)])


def status_of(info) -> str:
    return Request.get_by_id(info.id).status


def bindings_shown(app) -> str:
    return screen_text(app).split("\n")[-5:]


async def test_detail_shows_the_applicant_masked_the_target_and_the_timeline(office_ready, operator):
    info = new_request(operator)
    items = requests.items_of(info.id)
    requests.save_checklist(operator, info.id, [(items[0].id, True, ""), (items[2].id, False, "dibawa besok")])
    draft = messages.draft(info.id, "missing")
    messages.record_contact(operator, info.id, "missing", draft.text)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        shown = ("Permohonan 20261128-0001", "Berkas kurang", "Siti Aminah", "360301******0002",
                 "Cetak KK", "+62 812-3456-7890", "Sabtu, 28 November 2026 09:15 WIB",
                 "oleh Wahyu", "Rabu, 2 Desember 2026", "wajib 1/2 lengkap", "1. KTP-el pemohon",
                 "KTP-el pemohon: dibawa besok",
                 "28-11-2026 09:15", "Permohonan diterima", "Daftar periksa berkas disimpan",
                 "Pemohon dihubungi: berkas kurang")
        # The fields and the timeline are drawn a moment after the request is read.
        await wait_for(pilot, lambda: all(expected in screen_text(app) for expected in shown), what="the whole detail")
        text = screen_text(app)
        for expected in shown:
            assert expected in text, expected
        assert NIK not in text and "Lewat target" not in text
        keys = "\n".join(bindings_shown(app))
        for key in ("b Berkas", "h Hubungi", "c Batalkan", "r Tanda terima", "l Lembar periksa"):
            assert key in keys, key
        for hidden in ("t Tolak", "o Buka kembali", "n NIK lengkap"):  # a supervisor's keys
            assert hidden not in keys, hidden


async def test_an_overdue_request_is_marked(office_ready, operator):
    info = new_request(operator)
    clock.set_now(lambda: datetime(2026, 12, 7, 9, 0, tzinfo=WIB))
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await wait_text(pilot, "Lewat target")
        assert "Rabu, 2 Desember 2026  Lewat target" in screen_text(app)


async def test_processing_then_ready_offers_the_ready_message(office_ready, operator):
    info = new_request(operator)
    check_all(operator, info)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_detail(pilot, info.reg_no)
        await wait_text(pilot, "Berkas lengkap")
        assert screen.check_action("ready", ()) is None  # greyed out: not processing yet
        await pilot.press("s")
        await settle(pilot)
        assert status_of(info) == "complete"
        await pilot.press("p")
        await wait_for(pilot, lambda: status_of(info) == "processing", what="processing")
        await wait_text(pilot, "Mulai diproses")
        await wait_text(pilot, " Diproses ")
        await pilot.press("s")
        confirm = await wait_screen(pilot, ConfirmScreen, "the offer of the ready message")
        assert status_of(info) == "ready"
        question = str(confirm.query_one("#confirm-question", Static).render())
        assert question == "Dokumen siap diambil. Kirim pesan ke pemohon lewat WhatsApp?"
        await pilot.press("y")
        dialog = await wait_screen(pilot, ContactScreen, "the ready message")
        assert "sudah selesai dan dapat diambil" in dialog.draft.text and NIK not in dialog.draft.text
        await wait_text(pilot, "https://wa.me/6281234567890?text=")
        await pilot.press("s")
        await wait_for(pilot, lambda: Contact.select().count() == 1, what="the contact recorded")
        await wait_screen(pilot, RequestDetailScreen)
        await wait_text(pilot, "Pemohon dihubungi: dokumen siap diambil")
        await wait_text(pilot, "Siap diambil")
    contact = Contact.get()
    assert (contact.kind, contact.phone) == ("ready", E164)


async def test_a_move_that_no_longer_applies_shows_core_sentence_and_changes_nothing(office_ready, operator):
    info = new_request(operator)
    check_all(operator, info)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_detail(pilot, info.reg_no)
        assert screen.check_action("process", ()) is True
        # Another counter cancels the request before this screen hears of it.
        screen.refresh_data = lambda: None
        requests.cancel_request(operator, info.id, "pemohon membatalkan")
        audit_rows = AuditEvent.select().count()
        await pilot.press("p")
        await wait_notified(pilot, "Permohonan 20261128-0001 berstatus Dibatalkan; hanya permohonan dengan berkas "
                                   "lengkap yang dapat mulai diproses.")
        assert status_of(info) == "cancelled" and AuditEvent.select().count() == audit_rows


async def test_cancel_asks_a_reason_and_a_confirmation(office_ready, operator):
    info = new_request(operator)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_detail(pilot, info.reg_no)
        await pilot.press("c")
        await wait_screen(pilot, TextPrompt)
        await pilot.press("enter")  # empty
        await wait_text(pilot, "Isi alasannya terlebih dahulu.")
        await pilot.press(*"[b]duplikat[/b] dari 0002", "enter")
        confirm = await wait_screen(pilot, ConfirmScreen)
        question = str(confirm.query_one("#confirm-question", Static).render())
        assert question == "Batalkan permohonan 20261128-0001 atas nama Siti Aminah?\nAlasan: [b]duplikat[/b] dari 0002"
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        assert status_of(info) == "received"
        await pilot.press("c")
        await wait_screen(pilot, TextPrompt)
        await pilot.press(*"pemohon membatalkan", "enter")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: status_of(info) == "cancelled", what="cancelled")
        await wait_text(pilot, "Alasan     pemohon membatalkan")
        await wait_text(pilot, "Permohonan dibatalkan")
        assert screen.check_action("reopen", ()) is False  # an operator cannot reopen
        await pilot.press("escape")
        await wait_screen(pilot, HomeScreen)
    assert Request.get_by_id(info.id).reason == "pemohon membatalkan"


async def test_a_supervisor_rejects_and_reopens(office_ready, supervisor):
    info = new_request(supervisor)
    app = make_app(office_ready, supervisor)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        assert "t Tolak" in "\n".join(bindings_shown(app))
        await pilot.press("t")
        await wait_screen(pilot, TextPrompt)
        await pilot.press(*"bukan warga kecamatan ini", "enter")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: status_of(info) == "rejected", what="rejected")
        await wait_text(pilot, "Ditolak")
        await pilot.press("o")
        await wait_screen(pilot, TextPrompt)
        await pilot.press(*"salah wilayah", "enter")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: status_of(info) == "received", what="reopened")
        await wait_text(pilot, "Permohonan dibuka kembali")


async def test_a_supervisor_reveals_the_nik_audited_until_leaving(office_ready, supervisor):
    info = new_request(supervisor)
    app = make_app(office_ready, supervisor)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        assert NIK not in screen_text(app)
        await pilot.press("n")
        await wait_text(pilot, NIK)
        assert "(tercatat di audit)" in screen_text(app)
        reveal = AuditEvent.get(AuditEvent.action == "nik_ditampilkan")
        assert (reveal.actor, reveal.record_id, reveal.detail) == ("sari", info.id, info.reg_no)
        await pilot.press("f1")
        await wait_screen(pilot, HelpScreen)
        await pilot.press("escape")
        await wait_screen(pilot, RequestDetailScreen)
        await wait_text(pilot, "360301******0002")
        assert NIK not in screen_text(app)


async def test_an_operator_asking_for_the_nik_gets_core_sentence_and_no_audit(office_ready, operator):
    info = new_request(operator)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("n")
        await wait_notified(pilot, "Tindakan ini hanya untuk peran supervisor ke atas.")
        assert NIK not in screen_text(app)
    assert AuditEvent.select().where(AuditEvent.action == "nik_ditampilkan").count() == 0


async def test_the_checklist_opens_from_the_detail_and_prints_go_to_the_printers(office_ready, operator, tmp_path):
    info = new_request(operator)
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("b")
        await wait_screen(pilot, ChecklistScreen)
        await pilot.press("space", "down", "down", "space", "ctrl+s")
        await wait_for(pilot, lambda: status_of(info) == "complete", what="complete")
        await pilot.press("escape")
        await wait_screen(pilot, RequestDetailScreen)
        await wait_text(pilot, "wajib 2/2 lengkap")
        await pilot.press("r")
        await wait_screen(pilot, MediaChoiceScreen)
        await pilot.press("a")
        await wait_screen(pilot, RequestDetailScreen)
        await pilot.press("l")
        await wait_for(pilot, lambda: PrintJob.select().where(PrintJob.status == "printed").count() == 2,
                       what="two documents printed")
    assert {job.kind for job in PrintJob.select()} == {"receipt_a4", "checklist_a4"}
    assert (tmp_path / "a4" / "tanda-terima-20261128-0001.pdf").exists()
    assert (tmp_path / "a4" / "daftar-periksa-20261128-0001.pdf").exists()


async def test_a_failed_print_says_how_to_print_again(office_ready, operator):
    info = new_request(operator)
    app = make_app(office_ready, operator)  # no printers configured
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("l")
        await wait_notified(pilot, "Printer A4 belum diatur")
        await wait_notified(pilot, "cetak ulang dengan: tui-kecamatan print retry.")
    assert PrintJob.get().status == "failed" and status_of(info) == "received"


class PickupStandIn(Screen):
    """A pickup screen as registered by its own module, to see what the detail hands it."""

    def __init__(self, reg_no: str | None = None) -> None:
        super().__init__()
        self.reg_no = reg_no

    def compose(self):
        yield Static(f"Pengambilan {self.reg_no}", markup=False)


async def test_pickup_opens_with_the_registration_number(office_ready, operator, monkeypatch):
    monkeypatch.setitem(screens.SCREENS, "pickup", f"{__name__}:PickupStandIn")
    info = new_request(operator)
    check_all(operator, info)
    requests.start_processing(operator, info.id)
    requests.mark_ready(operator, info.id)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("a")
        pickup = await wait_screen(pilot, PickupStandIn)
        assert pickup.reg_no == "20261128-0001"


CHANGER = textwrap.dedent("""
    import sys
    from tui_kecamatan.core import accounts, requests
    from tui_kecamatan.db.connection import open_database

    db = open_database(sys.argv[1])
    actor = accounts.Actor(None, "sari", "Sari", accounts.Role.SUPERVISOR)
    requests.start_processing(actor, sys.argv[2])
    db.close()
""")


async def test_the_detail_follows_a_change_made_by_another_process(office_ready, operator, db_path):
    info = new_request(operator)
    check_all(operator, info)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await wait_text(pilot, "Berkas lengkap")

        def change() -> None:
            result = subprocess.run([sys.executable, "-c", CHANGER, str(db_path), info.reg_no], capture_output=True,
                                    text=True, cwd=str(ROOT), timeout=60)
            assert result.returncode == 0, result.stderr

        await asyncio.to_thread(change)
        await wait_text(pilot, " Diproses ")
        await wait_text(pilot, "Mulai diproses")


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
async def test_hostile_names_are_shown_literally(office_ready, operator, hostile):
    info = new_request(operator, name=hostile)
    shown = clean_name(hostile)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_detail(pilot, info.reg_no)
        value = str(screen.query_one("#field-name .value", Static).render())
        assert value == shown
        if len(shown) < 60:
            assert f"Pemohon    {shown}" in screen_text(app)
        assert app.is_running


async def test_the_receipt_is_saved_as_a_pdf_file_the_operator_names(office_ready, operator, tmp_path):
    from io import BytesIO

    from pypdf import PdfReader

    info = new_request(operator)
    target = tmp_path / "kirim-wa" / "tanda-terima-siti.pdf"
    target.parent.mkdir()
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("r")
        await wait_screen(pilot, MediaChoiceScreen)
        await pilot.press("f")
        await wait_screen(pilot, TextPrompt)
        await fill(pilot, {"#prompt-input": str(target)})
        await pilot.press("enter")
        await wait_for(pilot, target.exists, what="the PDF file")
        await wait_notified(pilot, "disimpan di")
        # A second save to the same name is refused with a sentence and the file is kept.
        before = target.read_bytes()
        await pilot.press("r")
        await wait_screen(pilot, MediaChoiceScreen)
        await pilot.press("f")
        await wait_screen(pilot, TextPrompt)
        await fill(pilot, {"#prompt-input": str(target)})
        await pilot.press("enter")
        await wait_notified(pilot, "sudah ada")
    assert target.read_bytes() == before
    text = PdfReader(BytesIO(before)).pages[0].extract_text()
    assert info.reg_no in text and "360301******0002" in text and NIK not in text
    assert PrintJob.select().count() == 0, "saving a file is not a print job"
