"""The intake (F3), checklist and contact-back screens as a person at the desk uses them at 80x24:
numbers checked as typed, refusals that save nothing, a saved request with its registration
number and checklist, the receipt offered once the checklist is saved, the WhatsApp message for
missing requirements, and people's text shown literally."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import Input, Select

from tests.conftest import HOSTILE_NAMES
from tests.pilot import (at_home, fill, make_app, screen_text, settle, type_into, wait_for, wait_notified, wait_screen,
                         wait_text)
from tui_kecamatan.core import clock, office, requests, tickets
from tui_kecamatan.core.text import clean_name
from tui_kecamatan.db.models import Citizen, Contact, PrintJob, Request, RequestItem
from tui_kecamatan.screens.requests.checklist import ChecklistScreen, ChecklistView
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.screens.requests.contact import ContactScreen
from tui_kecamatan.screens.requests.intake import IntakeScreen
from tui_kecamatan.widgets.prompt import TextPrompt
from tui_kecamatan.screens.requests.detail import RequestDetailScreen
from tui_kecamatan.screens.requests.print_choice import MediaChoiceScreen
from tui_kecamatan.widgets.approval import ApprovalDialog
from tui_kecamatan.widgets.password import PasswordEntry

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)  # a Saturday morning
OFFICE = office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                             kabupaten="Kabupaten Tangerang", address="Jl. Raya Pasar Kemis No. 1",
                             phone="(021) 5921234")
NIK = "3603015501900002"  # Banten, a woman born 15-01-1990
KK = "3603012005150003"
PHONE = "0812-3456-7890"
E164 = "+6281234567890"


# --- helpers (the detail and snapshot tests use them too) --------------------------------------


async def open_intake(pilot) -> IntakeScreen:
    await at_home(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen) and pilot.app.screen.choices is not None,
                   what="intake form")
    return pilot.app.screen


async def choose_service(pilot, code: str) -> None:
    select = pilot.app.screen.query_one("#intake-service", Select)
    select.value = code
    await pilot.pause()


def hint(app, row: str) -> str:
    return str(app.screen.query_one(f"#{row} .hint").render())


def new_request(actor, name: str = "Siti Aminah", *, service: str = "KK", phone: str = PHONE, nik: str = NIK):
    return requests.create_request(actor, service_code=service, nik=nik, name=name, kk_number=KK, phone=phone)


@pytest.fixture
def office_ready(db, admin, operator):
    clock.set_now(lambda: NOW)
    office.save_profile(admin, OFFICE)
    return db


# --- intake -------------------------------------------------------------------------------------


async def test_numbers_are_checked_as_typed_and_a_bad_nik_saves_nothing(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "KK")
        await wait_text(pilot, "No. KK *")  # the service needs the KK number
        await type_into(pilot, "#intake-nik", "3603")
        assert hint(app, "row-nik") == "4/16 angka"
        await pilot.press(*"019901900002")  # day 99 cannot be a birth day
        await wait_text(pilot, "Tanggal lahir dalam NIK tidak valid")
        await type_into(pilot, "#intake-name", "Siti Aminah")
        await type_into(pilot, "#intake-kk", KK)
        assert hint(app, "row-kk") == "✓ nomor KK sah"
        await type_into(pilot, "#intake-phone", "0812-34")
        await wait_text(pilot, "Nomor HP 0812-34 tidak valid")
        await pilot.press("ctrl+s")
        message = str(app.screen.query_one("#intake-message").render())
        assert message == "Belum disimpan: perbaiki isian NIK."
        assert hint(app, "row-nik").startswith("Tanggal lahir dalam NIK tidak valid")
        assert app.focused.id == "intake-nik"
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
    assert Request.select().count() == 0 and Citizen.select().count() == 0


async def test_a_missing_name_and_a_bad_phone_are_refused_on_saving(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "PINDAH_DATANG")  # no KK number needed
        await wait_text(pilot, "tidak wajib untuk layanan ini")
        await type_into(pilot, "#intake-nik", NIK)
        await wait_text(pilot, "✓ perempuan, lahir 15-01-1990")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Nama pemohon wajib diisi.")
        assert app.focused.id == "intake-name"
        await pilot.press(*"Siti Aminah")
        await type_into(pilot, "#intake-phone", "021-5921234")  # a landline
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Belum disimpan: perbaiki isian No. HP/WA.")
        assert "bukan nomor HP" in hint(app, "row-phone")
        assert app.focused.id == "intake-phone"
    assert Request.select().count() == 0


async def test_core_refuses_a_suspended_service_and_nothing_is_saved(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "REKAM")
        await wait_text(pilot, "Ditunda: Perekaman KTP-el ditunda kecuali mendesak")
        await wait_text(pilot, "Mendesak")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": "Siti Aminah", "#intake-kk": KK})
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Layanan Perekaman KTP-el sedang ditunda")
        await pilot.click("#intake-urgent")  # urgent needs a supervisor's approval: asked in place
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ApprovalDialog, "the supervisor's approval")
        await pilot.press("escape")
        await wait_text(pilot, "Belum disimpan: permohonan mendesak perlu persetujuan supervisor.")
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.query_one("#intake-name", Input).value == "Siti Aminah"
    assert Request.select().count() == 0


async def test_a_valid_request_is_saved_linked_to_the_ticket_and_its_receipt_printed(office_ready, operator, tmp_path):
    ticket = tickets.issue_ticket(None, "KK")
    tickets.call_next(operator, 1)
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_intake(pilot)
        await wait_text(pilot, f"tiket: {ticket.code} (Loket 1)")
        assert screen.query_one("#intake-service", Select).value == "KK"  # the ticket's service
        await type_into(pilot, "#intake-nik", NIK)
        await pilot.press("enter", *"Siti Aminah", "enter", *KK, "enter", *PHONE)
        await wait_text(pilot, "✓ +62 812-3456-7890")
        await pilot.click("#channel-whatsapp")
        await pilot.press("ctrl+s")
        checklist = await wait_screen(pilot, ChecklistScreen, "the checklist after saving")
        await wait_notified(pilot, "tersimpan dengan No. registrasi 20261128-0001")
        row = Request.get()
        assert row.reg_no == "20261128-0001"
        await wait_text(pilot, "Daftar periksa berkas - 20261128-0001 Cetak KK")
        assert isinstance(app.screen_stack[-2], RequestDetailScreen)
        assert checklist.detail.request.reg_no == row.reg_no
        await pilot.press("ctrl+s")  # nothing brought yet: the receipt is offered after the checklist
        dialog = await wait_screen(pilot, MediaChoiceScreen, "the receipt question")
        await wait_text(pilot, "No. registrasi: 20261128-0001")
        question = str(dialog.query_one("#media-question").render())
        assert question == ("Daftar periksa permohonan Cetak KK atas nama Siti Aminah tersimpan: Berkas kurang. "
                            "Cetak tanda terima?")
        await pilot.press("a")
        await wait_for(pilot, lambda: PrintJob.select().where(PrintJob.status == "printed").count() == 1,
                       what="the receipt printed")
        await wait_screen(pilot, ConfirmScreen, "the offer to contact, after the receipt")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is checklist)
        await pilot.press("escape")
        await wait_screen(pilot, RequestDetailScreen, "the new request's detail")
        await pilot.press("escape")
        await at_home(pilot)
    row = Request.get()
    assert (row.nik, row.name, row.kk_number, row.phone, row.channel) == (NIK, "Siti Aminah", KK, E164, "whatsapp")
    assert row.ticket_id == ticket.id and row.counter.number == 1 and row.created_by.username == "wahyu"
    assert RequestItem.select().where(RequestItem.request == row.id).count() == 4
    assert (tmp_path / "a4" / "tanda-terima-20261128-0001.pdf").read_bytes().startswith(b"%PDF")


async def test_the_receipt_can_go_to_the_receipt_printer_or_nowhere(office_ready, operator, tmp_path):
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for name, key in (("Siti Aminah", "s"), ("Budi Santoso", "n")):
            screen = await open_intake(pilot)
            # The second time, the form saved before is empty again for the next citizen.
            assert not any(field.value for field in screen.query(Input))
            assert screen.query_one("#intake-service", Select).is_blank()
            await choose_service(pilot, "PINDAH_DATANG")
            await fill(pilot, {"#intake-nik": NIK if key == "s" else "3603011203850001", "#intake-name": name})
            await pilot.press("ctrl+s")
            checklist = await wait_screen(pilot, ChecklistScreen)
            await pilot.press("ctrl+s")
            await wait_screen(pilot, MediaChoiceScreen)
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen is checklist)
            await pilot.press("escape")
            await wait_screen(pilot, RequestDetailScreen)
            await pilot.press("escape")
        await wait_for(pilot, lambda: (tmp_path / "struk.bin").exists() and PrintJob.select().count() == 1,
                       what="one receipt slip")
    assert b"20261128-0001" in (tmp_path / "struk.bin").read_bytes()
    assert PrintJob.get().kind == "receipt_slip" and Request.select().count() == 2


async def test_a_supervisor_takes_an_urgent_request_for_a_suspended_service(office_ready, supervisor):
    app = make_app(office_ready, supervisor, counter=5)  # a station whose counter is not set up
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_intake(pilot)
        assert "tiket:" not in screen_text(app)
        await choose_service(pilot, "REKAM")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": "Siti Aminah", "#intake-kk": KK})
        await pilot.click("#intake-urgent")
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, ApprovalDialog, "the reason, for a supervisor's own request")
        assert not dialog.query(PasswordEntry)  # no second password for a supervisor
        await pilot.press("enter")  # a reason is required
        await wait_text(pilot, "Isi alasan mendesak.")
        await pilot.press(*"syarat melamar kerja", "enter")
        await wait_screen(pilot, ChecklistScreen)
    row = Request.get()
    assert row.service.code == "REKAM" and row.counter is None and row.ticket is None
    assert (row.urgent, row.urgent_reason, row.approved_by.username) == (True, "syarat melamar kerja", "sari")


async def test_a_nik_seen_before_fills_in_what_the_office_knows(office_ready, operator):
    requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminah", kk_number=KK, phone=PHONE)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_intake(pilot)
        await type_into(pilot, "#intake-nik", NIK)
        await wait_for(pilot, lambda: screen.query_one("#intake-name", Input).value == "Siti Aminah", what="name")
        assert screen.query_one("#intake-kk", Input).value == KK
        assert screen.query_one("#intake-phone", Input).value == "+62 812-3456-7890"
        await wait_text(pilot, "NIK ini pernah datang")


async def test_escape_goes_home_and_keeps_the_typed_form_for_later(office_ready, operator):
    """The form is a section of its own: Esc goes home without a question and loses nothing
    (logging out or quitting with typed input asks first: see test_sections)."""
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_intake(pilot)
        assert "esc Kembali" in screen_text(app)
        await type_into(pilot, "#intake-name", "Siti")
        await pilot.press("escape")
        await at_home(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.screen is screen, what="the same form")
        assert screen.query_one("#intake-name", Input).value == "Siti"


async def test_a_double_ctrl_s_saves_the_request_once(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "PINDAH_DATANG")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": "Siti Aminah"})
        screen = app.screen
        screen.action_save()  # Ctrl+S twice in a row, as a quick double press reaches the form
        screen.action_save()
        checklist = await wait_screen(pilot, ChecklistScreen)
        await settle(pilot)
        assert app.screen is checklist and sum(isinstance(s, ChecklistScreen) for s in app.screen_stack) == 1
    assert Request.select().count() == 1


async def test_saves_run_one_at_a_time_in_the_order_they_were_asked_for(office_ready, operator):
    """Two saves started back to back (the first one slow to reach the database) are saved in
    the order asked: the first gets the first registration number."""
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_intake(pilot)
        original = screen.db
        delays = [0.5, 0.0]

        async def slow_first(work, *args, **kwargs):
            if getattr(work, "__name__", "") == "create_request":
                await asyncio.sleep(delays.pop(0))
            return await original(work, *args, **kwargs)

        screen.db = slow_first

        def fields(nik: str, name: str) -> dict:
            return dict(service_code="PINDAH_DATANG", nik=nik, name=name, kk_number="", phone="", desa="",
                        channel="walk_in", ticket_id=None, counter_number=None, urgent=False)

        screen._save(fields(NIK, "Siti Aminah"))
        screen._save(fields("3603011203850001", "Budi Santoso"))
        await wait_for(pilot, lambda: Request.select().count() == 2, what="both requests saved")
    assert {row.name: row.reg_no for row in Request.select()} == {"Siti Aminah": "20261128-0001",
                                                                   "Budi Santoso": "20261128-0002"}


@pytest.mark.parametrize("hostile", [HOSTILE_NAMES[0], HOSTILE_NAMES[1], HOSTILE_NAMES[3], HOSTILE_NAMES[4]])
async def test_hostile_names_are_taken_and_shown_literally(office_ready, operator, hostile):
    shown = clean_name(hostile)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "PINDAH_DATANG")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": hostile})
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ChecklistScreen)
        await wait_text(pilot, f"Pemohon: {shown}")
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, MediaChoiceScreen)
        question = str(dialog.query_one("#media-question").render())
        assert f"atas nama {shown} tersimpan" in question
        await pilot.press("n")
        await wait_screen(pilot, ChecklistScreen)
        assert app.is_running
    assert Request.get().name == shown


# --- checklist and contact ----------------------------------------------------------------------


async def open_checklist(pilot, ref) -> ChecklistScreen:
    await at_home(pilot)
    pilot.app.push_screen(ChecklistScreen(ref))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChecklistScreen) and pilot.app.screen.detail is not None,
                   what="checklist")
    # The rows are drawn a moment after the request is read.
    await wait_for(pilot, lambda: "[ ]" in screen_text(pilot.app) or "[x]" in screen_text(pilot.app),
                   what="the checklist's rows")
    return pilot.app.screen


async def test_incomplete_checklist_offers_the_whatsapp_message_then_completes_later(office_ready, operator):
    info = new_request(operator)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_checklist(pilot, info.reg_no)
        text = screen_text(app)
        assert "Daftar periksa berkas - 20261128-0001 Cetak KK" in text
        assert "[ ] KK lama (asli) atau KK yang rusak" in text and "wajib" in text
        await pilot.press("space")  # KK lama
        await pilot.press("down", "down", "e")  # a note on "KTP-el pemohon", left unchecked
        await wait_screen(pilot, TextPrompt, "the note dialog")
        await pilot.press(*"dibawa besok", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_text(pilot, "catatan: dibawa besok")
        assert "(belum disimpan)" in screen_text(app)
        await pilot.press("ctrl+s")
        confirm = await wait_screen(pilot, ConfirmScreen, "the offer to contact")
        assert "1 berkas wajib kurang. Hubungi pemohon lewat WhatsApp?" in screen_text(app)
        assert Request.get().status == "incomplete"
        await pilot.press("y")
        dialog = await wait_screen(pilot, ContactScreen, "the contact dialog")
        assert confirm is not app.screen
        draft = dialog.draft
        assert "1. KTP-el pemohon" in draft.text and "KK lama" not in draft.text
        assert NIK not in draft.text and NIK not in screen_text(app)
        assert app.clipboard == draft.text  # copied with OSC 52
        text = screen_text(app)
        assert "Kepada: +62 812-3456-7890 (Siti Aminah)" in text
        assert "https://wa.me/6281234567890?text=" in text
        assert Contact.select().count() == 0  # nothing recorded before the operator says so
        await pilot.press("s")
        await wait_for(pilot, lambda: Contact.select().count() == 1, what="the contact recorded")
        await wait_notified(pilot, "Kontak tercatat: Pemohon dihubungi: berkas kurang.")
        contact = Contact.get()
        assert (contact.kind, contact.phone, contact.message, contact.staff.username) == ("missing", E164, draft.text, "wahyu")

        # The citizen comes back with the missing document.
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("space")
        await wait_text(pilot, "Berkas lengkap.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: Request.get().status == "complete", what="complete")
        await wait_text(pilot, "Tersimpan: Berkas lengkap")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)  # nothing to contact about now
    items = {item.text: (item.checked, item.note) for item in RequestItem.select()}
    assert items["KTP-el pemohon"] == (True, "dibawa besok")
    assert items["KK lama (asli) atau KK yang rusak"] == (True, "")


async def test_without_a_phone_the_message_is_for_a_telephone_call_and_nothing_is_recorded(office_ready, operator):
    info = new_request(operator, phone="")
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_checklist(pilot, info.reg_no)
        await pilot.press("space", "ctrl+s")
        await wait_text(pilot, "Pemohon tidak mencantumkan nomor HP/WA")
        assert Request.get().status == "incomplete"
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("h")
        dialog = await wait_screen(pilot, ContactScreen)
        await wait_text(pilot, "lewat telepon")
        assert "wa.me" not in screen_text(app) and "1. KTP-el pemohon" in dialog.draft.text
        await pilot.press("s")  # unavailable without a number
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("escape")
        await wait_screen(pilot, ChecklistScreen)
    assert Contact.select().count() == 0


async def test_unsaved_ticks_are_confirmed_before_leaving_and_the_sheet_prints(office_ready, operator, tmp_path):
    info = new_request(operator)
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_checklist(pilot, info.reg_no)
        await pilot.press("space", "l")
        await wait_text(pilot, "Simpan daftar periksa dulu")
        await pilot.press("escape")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("space", "l")  # back as it was saved: the sheet can print
        await wait_for(pilot, lambda: (tmp_path / "a4" / "daftar-periksa-20261128-0001.pdf").exists(),
                       what="the checklist sheet")
        await pilot.press("escape")
        await at_home(pilot)
    assert PrintJob.get().kind == "checklist_a4" and Request.get().status == "received"


async def test_a_processed_request_shows_its_checklist_read_only(office_ready, operator):
    info = new_request(operator)
    requests.save_checklist(operator, info.id, [(item.id, True, "") for item in requests.items_of(info.id)])
    requests.start_processing(operator, info.id)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_checklist(pilot, info.id)
        await wait_text(pilot, "daftar periksa hanya dapat dilihat")
        await pilot.press("down", "space", "ctrl+s")
        await settle(pilot)
        assert all(line.checked for line in screen.query_one(ChecklistView).lines)
    assert Request.get().status == "processing"


async def test_the_receipt_can_be_saved_as_a_pdf_after_the_checklist(office_ready, operator, tmp_path):
    target = tmp_path / "tanda-terima-siti.pdf"
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "PINDAH_DATANG")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": "Siti Aminah"})
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ChecklistScreen)
        await pilot.press("ctrl+s")
        await wait_screen(pilot, MediaChoiceScreen)
        await pilot.press("f")
        dialog = await wait_screen(pilot, TextPrompt, "the file name question")
        assert dialog.query_one(Input).value.endswith("tanda-terima-20261128-0001.pdf")
        await fill(pilot, {"#prompt-input": ""})
        await pilot.press("enter")  # no name: asked for one, nothing saved
        await wait_text(pilot, "Isi nama berkasnya terlebih dahulu.")
        await fill(pilot, {"#prompt-input": str(target)})
        await pilot.press("enter")
        await wait_for(pilot, target.exists, what="the saved PDF")
        await wait_screen(pilot, ChecklistScreen, "the checklist after the file name")
    assert target.read_bytes().startswith(b"%PDF") and PrintJob.select().count() == 0


async def test_the_receipt_is_offered_once_after_the_checklist_and_says_what_was_brought(office_ready, operator,
                                                                                        tmp_path):
    """The receipt question comes when the checklist is saved, not when the intake is: the slip
    of a citizen who brought everything says so, instead of listing every document as missing."""
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "KK")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": "Siti Aminah", "#intake-kk": KK})
        await pilot.press("ctrl+s")
        checklist = await wait_screen(pilot, ChecklistScreen, "the checklist right after saving")
        await wait_for(pilot, lambda: checklist.query_one(ChecklistView).lines, what="the checklist's rows")
        assert not any(isinstance(screen, MediaChoiceScreen) for screen in app.screen_stack)
        for line in checklist.query_one(ChecklistView).lines:
            if line.mandatory:
                await pilot.press("space")
            await pilot.press("down")
        await wait_text(pilot, "Berkas lengkap.")
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, MediaChoiceScreen, "the receipt question")
        assert "tersimpan: Berkas lengkap. Cetak tanda terima?" in str(dialog.query_one("#media-question").render())
        await pilot.press("s")
        await wait_for(pilot, lambda: PrintJob.select().where(PrintJob.status == "printed").count() == 1,
                       what="the receipt slip printed")
        await wait_for(pilot, lambda: app.screen is checklist)
        # A later save of the checklist does not offer the receipt again.
        await pilot.press("e")
        await wait_screen(pilot, TextPrompt)
        await pilot.press(*"asli dilihat", "enter")
        await wait_for(pilot, lambda: app.screen is checklist)
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Tersimpan: Berkas lengkap")
        await settle(pilot)
        assert app.screen is checklist
    slip = (tmp_path / "struk.bin").read_bytes()
    assert b"Persyaratan: Berkas lengkap" in slip and b"Berkas kurang" not in slip
    assert PrintJob.select().count() == 1 and Request.get().status == "complete"


async def save_with_channel_keys(db, actor, *keys: str) -> str:
    """Fill an intake, move in the channel choice with `keys`, save with Ctrl+S; the saved channel."""
    before = Request.select().count()
    app = make_app(db, actor)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "KK")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": "Siti Aminah", "#intake-kk": KK})
        app.screen.query_one("#intake-channel").focus()
        await settle(pilot)
        await pilot.press(*keys, "ctrl+s")
        await wait_for(pilot, lambda: Request.select().count() == before + 1, what="the saved request")
    return Request.select().order_by(Request.id.desc()).get().channel


async def test_the_arrow_keys_choose_the_channel_as_they_move(office_ready, operator):
    """Right on "Loket" then Ctrl+S saves a WhatsApp request: moving the highlight chooses."""
    assert await save_with_channel_keys(office_ready, operator, "right") == "whatsapp"
    assert await save_with_channel_keys(office_ready, operator, "right", "left") == "walk_in"
