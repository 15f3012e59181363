"""NIK, KK and phone checks: worked examples from the desk, and properties over any input."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_kecamatan.core import clock
from tui_kecamatan.core.validation import (
    PROVINCES,
    NikInfo,
    century_year,
    format_phone,
    normalize_phone,
    optional_phone,
    validate_kk,
    validate_nik,
    wa_me_link,
)
from tui_kecamatan.errors import InvalidInput

# The autouse environment fixture only sets variables; reusing it across examples is harmless.
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TODAY = datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB


@pytest.fixture(autouse=True)
def _fixed_clock():
    clock.set_now(lambda: TODAY)


def assert_one_sentence(message: str) -> None:
    assert message.endswith("."), message
    assert "\n" not in message
    assert re.search(r"[.!?]\s+[A-Z]", message[:-1]) is None, message


def refused(func, *args) -> str:
    with pytest.raises(InvalidInput) as caught:
        func(*args)
    message = str(caught.value)
    assert_one_sentence(message)
    return message


# --- NIK: examples ----------------------------------------------------------------------------


def test_female_nik_from_the_intake_screen():
    info = validate_nik("3603015501900002")
    assert info == NikInfo(
        nik="3603015501900002",
        province_code="36",
        province_name="Banten",
        birth_date=date(1990, 1, 15),
        female=True,
        warning="",
    )


def test_male_nik():
    info = validate_nik("3201011505870001")
    assert info.birth_date == date(1987, 5, 15)
    assert info.female is False
    assert info.province_name == "Jawa Barat"


@pytest.mark.parametrize("typed", ["3603 0155 0190 0002", "3603.015501.900002", "3603-0155-0190-0002", " 3603015501900002 ", "3603015501900002".translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})])
def test_nik_written_in_groups_or_full_width_is_read(typed):
    assert validate_nik(typed).nik == "3603015501900002"


@pytest.mark.parametrize("typed", ["360301550190000", "36030155019000021", "3603"])
def test_nik_of_the_wrong_length_is_refused(typed):
    message = refused(validate_nik, typed)
    assert "16 angka" in message
    assert str(len(typed)) in message


@pytest.mark.parametrize("typed", ["36030155019000O2", "3603015501900002a", "NIK3603015501900002", "3603/0155/0190/0002"])
def test_nik_with_letters_or_other_signs_is_refused(typed):
    assert "hanya boleh berisi angka" in refused(validate_nik, typed)


@pytest.mark.parametrize("typed", ["", "   ", None, " - . "])
def test_blank_nik_is_refused(typed):
    assert refused(validate_nik, typed) == "NIK harus diisi."


@pytest.mark.parametrize("code", ["99", "00", "20", "37", "97", "10"])
def test_unknown_province_is_refused_and_named(code):
    assert refused(validate_nik, code + "03015501900002") == f"Kode provinsi NIK ({code}) tidak dikenal."


def test_the_newer_papua_provinces_are_known():
    names = {code: validate_nik(code + "01011501900001").province_name for code in ("91", "92", "93", "94", "95", "96")}
    assert names == {
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }
    assert len(PROVINCES) == 38


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_impossible_day_is_refused(day):
    assert refused(validate_nik, f"360301{day}01900002").startswith("Tanggal lahir dalam NIK tidak valid")


@pytest.mark.parametrize(("day", "expected", "female"), [("01", 1, False), ("31", 31, False), ("41", 1, True), ("71", 31, True)])
def test_day_limits_and_the_female_offset(day, expected, female):
    info = validate_nik(f"360301{day}01900002")
    assert info.birth_date == date(1990, 1, expected)
    assert info.female is female


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_impossible_month_is_refused(month):
    assert refused(validate_nik, f"36030115{month}900002").startswith("Bulan lahir dalam NIK tidak valid")


def test_sequence_number_0000_is_refused():
    assert "0000" in refused(validate_nik, "3603015501900000")


def test_day_in_range_but_not_on_the_calendar_gives_no_date():
    info = validate_nik("3603013102900002")  # 31 February
    assert info.birth_date is None
    assert info.female is False
    assert "bukan tanggal yang ada" in validate_nik("3603017102900002", date(1990, 2, 28)).warning


def test_century_follows_the_current_year():
    assert validate_nik("3603011511260001").birth_date == date(2026, 11, 15)
    assert validate_nik("3603011511270001").birth_date == date(1927, 11, 15)
    assert validate_nik("3603010101000001").birth_date == date(2000, 1, 1)
    assert century_year(99, date(2026, 1, 1)) == 1999
    assert century_year(27, date(2027, 1, 1)) == 2027
    assert century_year(27, date(2101, 1, 1)) == 2027


def test_birth_date_mismatch_warns_but_never_blocks():
    info = validate_nik("3603015501900002", date(1990, 1, 16))
    assert info.nik == "3603015501900002"
    assert info.birth_date == date(1990, 1, 15)
    assert info.warning == (
        "Tanggal lahir dalam NIK (15-01-1990) berbeda dengan tanggal lahir yang diisi (16-01-1990); "
        "periksa lagi dengan KTP-el atau KK."
    )
    assert_one_sentence(info.warning)


def test_matching_birth_date_gives_no_warning_even_across_the_century():
    assert validate_nik("3603015501900002", date(1990, 1, 15)).warning == ""
    # Two digits cannot tell 1926 from 2026: a 100-year-old citizen is not warned.
    assert validate_nik("3603011511260001", date(1926, 11, 15)).warning == ""


# --- KK -----------------------------------------------------------------------------------------


def test_kk_number_from_the_intake_screen():
    assert validate_kk("3603012005150003") == "3603012005150003"
    assert validate_kk("3603 0120 0515 0003") == "3603012005150003"


def test_kk_number_checks():
    assert "16 angka" in refused(validate_kk, "360301200515000")
    assert refused(validate_kk, "9903012005150003") == "Kode provinsi nomor KK (99) tidak dikenal."
    assert "tidak boleh semuanya 0" in refused(validate_kk, "3603010000000000")
    assert "hanya boleh berisi angka" in refused(validate_kk, "36030120051500O3")
    assert refused(validate_kk, "") == "Nomor KK harus diisi."


# --- phone ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890", "+62-812-3456-7890", "(0812) 3456 7890", "\u200e0812 3456 7890"])
def test_mobile_numbers_in_every_usual_form(typed):
    assert normalize_phone(typed) == "+6281234567890"


def test_display_form_and_whatsapp_link():
    assert format_phone("+6281234567890") == "+62 812-3456-7890"
    assert wa_me_link("+6281234567890") == "https://wa.me/6281234567890"
    assert format_phone("") == ""
    assert format_phone("bukan nomor") == "bukan nomor"
    assert "diisi" in refused(wa_me_link, "")


@pytest.mark.parametrize("typed", ["021-5551234", "(021) 555 1234"])
def test_landline_is_refused_because_whatsapp_needs_a_mobile(typed):
    assert "bukan nomor HP" in refused(normalize_phone, typed)


@pytest.mark.parametrize("typed", ["abc", "0812", "62", "+62 812", "08123456789012345", "0812-3456-7890 atau 0813", "9" * 300])
def test_not_a_mobile_number_is_refused(typed):
    refused(normalize_phone, typed)


def test_blank_phone_is_refused_but_optional_phone_allows_it():
    assert refused(normalize_phone, "") == "Nomor HP harus diisi."
    assert optional_phone("") == ""
    assert optional_phone("   ") == ""
    assert optional_phone(None) == ""
    assert optional_phone(" 0812-3456-7890 ") == "+6281234567890"
    with pytest.raises(InvalidInput):
        optional_phone("021-5551234")


def test_refusal_never_repeats_control_characters():
    message = refused(normalize_phone, "\x1b[31m0812\x07")
    assert "\x1b" not in message and "\x07" not in message


# --- properties ---------------------------------------------------------------------------------


def clean(text: str) -> str:
    """The cleaning the rules describe: NFKC, then spaces, dots and dashes removed."""
    return re.sub(r"[\s.\-]+", "", unicodedata.normalize("NFKC", text))


@st.composite
def valid_niks(draw):
    province = draw(st.sampled_from(sorted(PROVINCES)))
    region = draw(st.text("0123456789", min_size=4, max_size=4))
    # The two-digit year covers exactly the hundred years ending this year.
    born = draw(st.dates(min_value=date(1927, 1, 1), max_value=date(2026, 11, 28)))
    female = draw(st.booleans())
    sequence = draw(st.integers(1, 9999))
    day = born.day + (40 if female else 0)
    nik = f"{province}{region}{day:02d}{born.month:02d}{born.year % 100:02d}{sequence:04d}"
    return nik, province, born, female


def with_separators(digits: str, data) -> str:
    out = []
    for ch in digits:
        out.append(ch)
        out.append(data.draw(st.sampled_from(["", "", "", " ", ".", "-"])))
    return "".join(out)


@PROPERTY
@given(valid_niks(), st.data())
def test_any_nik_built_from_valid_parts_round_trips(case, data):
    nik, province, born, female = case
    clock.set_now(lambda: TODAY)
    info = validate_nik(with_separators(nik, data))
    assert info.nik == nik
    assert info.province_code == province
    assert info.province_name == PROVINCES[province]
    assert info.birth_date == born
    assert info.female is female
    assert info.warning == ""
    assert validate_nik(nik, born).warning == ""


@PROPERTY
@given(st.one_of(st.text(), st.text(alphabet="0123456789 .-", max_size=40), st.text(alphabet="0123456789１２O", max_size=20)))
def test_anything_that_is_not_sixteen_digits_is_refused_with_invalid_input(text):
    try:
        info = validate_nik(text)
    except InvalidInput as exc:
        assert_one_sentence(str(exc))
        return
    # Accepted: then the input really was 16 digits with separators, and the NIK is those digits.
    assert re.fullmatch(r"[0-9]{16}", clean(text))
    assert info.nik == clean(text)


@PROPERTY
@given(st.integers(0, 40).filter(lambda n: n != 16), st.data())
def test_digit_strings_of_any_other_length_are_refused(length, data):
    digits = data.draw(st.text("0123456789", min_size=length, max_size=length))
    with pytest.raises(InvalidInput):
        validate_nik(with_separators(digits, data))
    with pytest.raises(InvalidInput):
        validate_kk(with_separators(digits, data))


@PROPERTY
@given(st.text(max_size=80))
def test_kk_never_raises_anything_but_invalid_input(text):
    try:
        result = validate_kk(text)
    except InvalidInput:
        return
    assert re.fullmatch(r"[0-9]{16}", result)


MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "823", "851", "852", "853", "855", "856", "857", "858",
                   "817", "818", "819", "859", "877", "878", "831", "832", "838", "895", "896", "897", "898", "899",
                   "881", "882", "887", "888", "889"]


@st.composite
def typed_mobiles(draw):
    national = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(st.text("0123456789", min_size=6, max_size=9))
    form = draw(st.sampled_from(["0", "+62", "62", "+62 ", "+62-"]))
    return national, form + national


@PROPERTY
@given(st.one_of(st.text(max_size=100), st.text(alphabet="+0123456789 -().", max_size=25)))
def test_normalize_phone_raises_only_invalid_input_on_any_text(text):
    try:
        result = normalize_phone(text)
    except InvalidInput as exc:
        assert_one_sentence(str(exc))
        return
    assert re.fullmatch(r"\+[1-9][0-9]{6,14}", result)
    assert normalize_phone(result) == result


@PROPERTY
@given(typed_mobiles())
def test_normalize_phone_is_idempotent_and_agrees_across_forms(case):
    national, typed = case
    try:
        result = normalize_phone(typed)
    except InvalidInput:
        # A length the numbering plan does not allow; the plain national form is refused too.
        with pytest.raises(InvalidInput):
            normalize_phone("0" + national)
        return
    assert result == "+62" + national
    assert normalize_phone(result) == result
    assert normalize_phone(format_phone(result)) == result
    assert wa_me_link(result) == "https://wa.me/62" + national
