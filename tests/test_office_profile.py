"""The office profile in core: every field checked with one sentence each, the opening hours
labelled with the station's time zone, and an edited profile reaching WhatsApp texts and the A4
receipt."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest

from tui_kecamatan.core import clock, documents, messages, office, requests, templates
from tui_kecamatan.db.models import AuditEvent, OfficeProfile
from tui_kecamatan.errors import InvalidInput, PermissionDenied

OFFICE = office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                             kabupaten="Kabupaten Tangerang")
HOURS = "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00 WITA"


@pytest.fixture
def station_zone():
    """Set the station's time zone for one test (the app and the CLI do it from the config)."""
    def use(zone: str) -> None:
        clock.configure(zone)

    yield use
    clock.configure("Asia/Jakarta")


def test_every_field_is_saved_and_audited(db, admin):
    saved = office.save_profile(admin, office.ProfileInput(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang",
        province="Banten", address="Jl. Raya Pasar Kemis No. 1", phone="(021) 5921234",
        email="kec.pasarkemis@tangerangkab.go.id", opening_hours=HOURS))
    assert (saved.province, saved.email, saved.opening_hours, saved.configured) == (
        "Banten", "kec.pasarkemis@tangerangkab.go.id", HOURS, True)
    row = OfficeProfile.get()
    assert (row.province, row.address, row.phone, row.email, row.opening_hours) == (
        "Banten", "Jl. Raya Pasar Kemis No. 1", "(021) 5921234", "kec.pasarkemis@tangerangkab.go.id", HOURS)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.actor) == ("profil_kantor_disimpan", "admin")


def test_a_field_left_out_keeps_what_is_saved(db, admin):
    office.save_profile(admin, office.ProfileInput(name=OFFICE.name, kecamatan="Pasar Kemis", kabupaten="Tangerang",
                                                   email="kec@contoh.go.id", opening_hours=HOURS, phone="021 5921234"))
    saved = office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Sukamulya", kecamatan="Sukamulya",
                                                           kabupaten="Tangerang"))
    assert (saved.name, saved.email, saved.opening_hours, saved.phone) == (
        "Kantor Kecamatan Sukamulya", "kec@contoh.go.id", HOURS, "021 5921234")


@pytest.mark.parametrize("field, value, sentence", [
    ("name", "", "Nama kantor wajib diisi."),
    ("name", "AB", "Nama kantor minimal 3 huruf."),
    ("kecamatan", "  ", "Kecamatan wajib diisi."),
    ("kabupaten", "", "Kabupaten/kota wajib diisi."),
    ("province", "P" * 121, "Provinsi terlalu panjang (paling banyak 120 karakter)."),
    ("address", "J" * 301, "Alamat terlalu panjang (paling banyak 300 karakter)."),
    ("phone", "telepon kantor", "Nomor telepon hanya boleh berisi 6-15 angka, spasi, +, -, titik dan tanda kurung."),
    ("phone", "000000", "Nomor telepon 000000 tidak valid; tulis dengan kode wilayah, mis. (021) 5921234."),
    ("email", "kecamatan-at-contoh", "Alamat email tidak valid; tulis seperti kecamatan@contoh.go.id."),
    ("email", "kec@contoh", "Alamat email tidak valid; tulis seperti kecamatan@contoh.go.id."),
    ("email", "a b@contoh.go.id", "Alamat email tidak valid; tulis seperti kecamatan@contoh.go.id."),
    ("opening_hours", "", "Jam layanan wajib diisi."),
    ("opening_hours", "J" * 121, "Jam layanan terlalu panjang (paling banyak 120 karakter)."),
])
def test_a_bad_field_is_refused_with_its_sentence_and_nothing_is_written(db, admin, field, value, sentence):
    office.save_profile(admin, OFFICE)
    before = office.get_profile()
    fields = office.ProfileInput(**{**OFFICE.__dict__, field: value})
    with pytest.raises(InvalidInput) as refused:
        office.save_profile(admin, fields)
    assert str(refused.value) == sentence
    assert office.get_profile() == before
    assert office.profile_problems(fields) == {field: sentence}


def test_every_bad_field_is_named_at_once(db):
    problems = office.profile_problems(office.ProfileInput(name="", kecamatan="", kabupaten="Tangerang",
                                                           email="bukan email", phone="123"))
    assert problems == {
        "name": "Nama kantor wajib diisi.",
        "kecamatan": "Kecamatan wajib diisi.",
        "phone": "Nomor telepon hanya boleh berisi 6-15 angka, spasi, +, -, titik dan tanda kurung.",
        "email": "Alamat email tidak valid; tulis seperti kecamatan@contoh.go.id.",
    }


def test_landlines_and_mobiles_are_office_phones(db):
    for typed in ("(021) 5921234", "021-5555-1234", "(0274) 512345", "0812-3456-7890", "+62 21 5921234"):
        assert office.check_phone(typed) == typed


def test_only_an_admin_saves_the_profile(db, admin, operator):
    with pytest.raises(PermissionDenied):
        office.save_profile(operator, OFFICE)
    assert not office.is_configured()


@pytest.mark.parametrize("zone, label", [("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")])
def test_a_new_office_opens_with_hours_in_the_station_zone(db, admin, station_zone, zone, label):
    station_zone(zone)
    assert office.get_profile().opening_hours == f"Senin-Jumat 08.00-15.00 {label}"
    saved = office.save_profile(admin, OFFICE)  # setup without touching the hours
    assert saved.opening_hours == f"Senin-Jumat 08.00-15.00 {label}"
    station_zone("Asia/Jakarta")  # a saved profile keeps what the office chose
    assert office.get_profile().opening_hours == f"Senin-Jumat 08.00-15.00 {label}"


def test_configured_once_name_kecamatan_and_kabupaten_are_set(db, admin):
    assert not office.is_configured()
    OfficeProfile.update(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis").execute()
    assert not office.is_configured()
    OfficeProfile.update(kabupaten="Tangerang").execute()
    assert office.is_configured() and office.get_profile().configured


def test_profile_json_field_names(db, admin):
    office.save_profile(admin, office.ProfileInput(name=OFFICE.name, kecamatan="Pasar Kemis", kabupaten="Tangerang",
                                                   opening_hours=HOURS))
    assert office.get_profile().as_json() == {
        "name": OFFICE.name, "kecamatan": "Pasar Kemis", "kabupaten": "Tangerang", "province": "", "address": "",
        "phone": "", "email": "", "hours": HOURS, "head_name": "", "head_nip": "", "configured": True,
    }


# --- the edited profile where citizens read it -------------------------------------------------


@pytest.fixture
def request_kk(admin, operator):
    clock.set_now(lambda: datetime(2026, 11, 27, 9, 15, tzinfo=ZoneInfo("Asia/Jakarta")))
    office.save_profile(admin, office.ProfileInput(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang",
        province="Banten", phone="(021) 5921234", email="kec.pasarkemis@tangerangkab.go.id", opening_hours=HOURS))
    return requests.create_request(operator, service_code="KK", nik="3603015501900002", name="Siti Aminah",
                                   kk_number="3603012005150003", phone="0812-3456-7890")


def test_whatsapp_text_tells_the_edited_opening_hours(admin, request_kk):
    text = messages.ready_message(request_kk.id)  # the office's default "ready" template uses {jam}
    assert HOURS in text and "08.00-15.00" not in text
    templates.set_template(admin, "ready", "{kantor} buka {jam}.")
    assert messages.ready_message(request_kk.id) == f"Kantor Kecamatan Pasar Kemis buka {HOURS}."


def test_a4_receipt_prints_the_edited_profile(operator, request_kk, tmp_path):
    written = documents.save_pdf(operator, "receipt", request_kk.reg_no, tmp_path / "tanda-terima.pdf")
    reader = pypdf.PdfReader(io.BytesIO(open(written, "rb").read()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # lines wrap in the box
    assert f"Jam layanan: {HOURS}" in text
    assert "08.00-15.00" not in text
    assert "kec.pasarkemis@tangerangkab.go.id" in text and "(021) 5921234" in text
