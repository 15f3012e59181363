"""Messages to citizens: the missing-items text, ready and sent texts from the templates, the
wa.me link, and the recorded contact; never a NIK in the text."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from conftest import HOSTILE_NAMES
from tui_kecamatan.core import clock, messages, requests, services, templates
from tui_kecamatan.db.models import AuditEvent, Contact, OfficeProfile
from tui_kecamatan.errors import InvalidInput, PermissionDenied, Refused

NIK = "3603015501900002"
KK = "3603012005150003"


@pytest.fixture
def request_kk(operator):
    clock.set_now(lambda: datetime(2026, 11, 27, 9, 15, tzinfo=ZoneInfo("Asia/Jakarta")))
    OfficeProfile.update(name="Kantor Kecamatan Pasar Kemis", opening_hours="Senin-Jumat 08.00-15.00 WIB").execute()
    return requests.create_request(
        operator, service_code="KK", nik=NIK, name="Siti Aminah", kk_number=KK, phone="0812-3456-7890"
    )


def tick(request_id, *texts):
    items = requests.get_request(request_id).items
    return [(item.id, item.text in texts, "") for item in items]


def test_missing_message_lists_exactly_the_unchecked_mandatory_items(operator, request_kk):
    items = requests.get_request(request_kk.id).items
    mandatory = [item.text for item in items if item.mandatory]
    optional = [item.text for item in items if not item.mandatory]
    requests.save_checklist(operator, request_kk.id, tick(request_kk.id, mandatory[0]))
    text = messages.missing_message(request_kk.id)
    listed = [line for line in text.splitlines() if line[:1].isdigit()]
    assert listed == [f"1. {mandatory[1]}"]
    assert mandatory[0] not in text
    assert not any(o in text for o in optional)
    assert "Siti Aminah" in text and request_kk.reg_no in text and "Cetak KK" in text
    assert "Kantor Kecamatan Pasar Kemis" in text
    assert NIK not in text and KK not in text


def test_missing_message_numbers_every_missing_item(request_kk):
    mandatory = [item.text for item in requests.get_request(request_kk.id).items if item.mandatory]
    text = messages.missing_message(request_kk.reg_no)
    assert [line for line in text.splitlines() if line[:1].isdigit()] == [f"{n}. {t}" for n, t in enumerate(mandatory, 1)]


def test_no_nik_even_when_a_name_or_item_carries_one(admin, operator):
    services.add_requirement(admin, "KK", f"Fotokopi KTP {NIK}", position=0)
    info = requests.create_request(operator, service_code="KK", nik=NIK, name=f"Budi {NIK}", kk_number=KK, phone="081234567890")
    for text in (messages.missing_message(info.id), messages.ready_message(info.id), messages.sent_message(info.id)):
        assert NIK not in text
        assert "360301******0002" in text


def test_nothing_missing_is_refused(operator, request_kk):
    requests.save_checklist(operator, request_kk.id, tick(request_kk.id, *[i.text for i in requests.get_request(request_kk.id).items]))
    with pytest.raises(Refused, match="Tidak ada berkas wajib"):
        messages.missing_message(request_kk.id)


def test_ready_and_sent_follow_the_office_templates(admin, request_kk):
    templates.set_template(admin, "ready", "Halo {nama}: {layanan} {reg_no} siap. {kantor} ({jam})")
    assert messages.ready_message(request_kk.id) == (
        f"Halo Siti Aminah: Cetak KK {request_kk.reg_no} siap. Kantor Kecamatan Pasar Kemis (Senin-Jumat 08.00-15.00 WIB)"
    )
    assert "A4 80 gram" in messages.sent_message(request_kk.id)


@pytest.mark.parametrize("typed", HOSTILE_NAMES)
def test_hostile_names_in_messages(operator, typed):
    info = requests.create_request(operator, service_code="PINDAH_DATANG", nik=NIK, name=typed, phone="081234567890")
    text = messages.missing_message(info.id)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert f"Yth. {requests.get_request(info.id).request.name}," in text


def test_contact_link_carries_the_e164_number_and_the_text():
    text = "Yth. Siti,\nBerkas kurang: 1. KK & KTP-el? 100% #penting"
    link = messages.contact_link("+6281234567890", text)
    base, _sep, query = link.partition("?text=")
    assert base == "https://wa.me/6281234567890"
    assert unquote(query) == text
    assert " " not in link and "\n" not in link and "&" not in query and "#" not in query
    assert messages.contact_link("0812-3456-7890", "x") == "https://wa.me/6281234567890?text=x"
    with pytest.raises(InvalidInput):
        messages.contact_link("021-555-1234", "x")


def test_draft_for_the_contact_dialog(request_kk):
    draft = messages.draft(request_kk.id, "missing")
    assert draft.phone == "+6281234567890"
    assert draft.phone_display == "+62 812-3456-7890"
    assert draft.link == messages.contact_link(draft.phone, draft.text)
    assert unquote(draft.link.partition("?text=")[2]) == draft.text


def test_record_contact_after_the_operator_confirms(operator, request_kk):
    text = messages.missing_message(request_kk.id)
    contact = messages.record_contact(operator, request_kk.id, "missing", text)
    row = Contact.get_by_id(contact.id)
    assert (row.kind, row.phone, row.message, row.staff_id) == ("missing", "+6281234567890", text, operator.id)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.table_name, event.record_id) == ("kontak_dicatat", "contact", contact.id)
    assert [c.kind for c in messages.contacts_of(request_kk.id)] == ["missing"]
    timeline = requests.get_request(request_kk.id).timeline
    assert timeline[-1].kind == "contact" and timeline[-1].detail == text


def test_record_contact_refusals(admin, operator, request_kk):
    from tui_kecamatan.core import accounts

    with pytest.raises(Refused, match="Siap diambil|Diterima"):
        messages.record_contact(operator, request_kk.id, "ready", "Dokumen siap.")
    with pytest.raises(InvalidInput):
        messages.record_contact(operator, request_kk.id, "missing", " \x07 ")
    with pytest.raises(InvalidInput):
        messages.record_contact(operator, request_kk.id, "lain", "Halo")
    board = accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY)
    with pytest.raises(PermissionDenied):
        messages.record_contact(board, request_kk.id, "missing", "Halo")
    no_phone = requests.create_request(operator, service_code="PINDAH_DATANG", nik="3603011203850001", name="Budi")
    with pytest.raises(Refused, match="nomor HP"):
        messages.record_contact(operator, no_phone.id, "missing", "Halo")
    assert messages.draft(no_phone.id, "missing").link == ""
    assert Contact.select().count() == 0
