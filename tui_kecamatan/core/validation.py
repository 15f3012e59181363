"""Checking the numbers citizens give at the desk: NIK, KK number and mobile phone.

A NIK (Nomor Induk Kependudukan) is the 16-digit population number on the KTP-el: digits 1-6 are
the region of registration (province, kabupaten/kota, kecamatan), 7-12 the birth date as DDMMYY
with 40 added to the day for women, 13-16 a sequence number. A KK (Kartu Keluarga, family card)
number has the same region prefix. Phone numbers are stored in E.164 form (+6281234567890).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from tui_kecamatan.core import clock
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

# Province codes as Kemendagri assigns them (Kepmendagri 100.1.1-6117/2022, which added the
# four provinces split from Papua in 2022). The NIK uses these codes, not the BPS statistical
# ones (BPS numbers Papua 94 and Papua Barat 91; Kemendagri numbers them 91 and 92).
PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
# Longer than any phone number written by hand, with separators; phonenumbers refuses more
# than 250 characters anyway, and the cap keeps pasted garbage cheap to refuse.
_PHONE_MAX_INPUT = 64

# People write the numbers in groups: "3603 0155 0190 0002", "3603.015501.900002".
_SEPARATORS = re.compile(r"[\s.\-]+")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK says about its holder.

    `birth_date` is None when the six date digits pass the range checks but name no calendar
    day (30 February); `warning` is "" or one sentence when the NIK disagrees with the birth
    date the citizen stated. A warning never blocks the request.
    """

    nik: str
    province_code: str
    province_name: str
    birth_date: date | None
    female: bool
    warning: str = ""


def _clean_number(value: object) -> str:
    """The number without the spaces, dots and dashes people type between groups.

    NFKC turns full-width digits (from some input methods) into ASCII ones.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SEPARATORS.sub("", text)


def _sixteen_digits(value: object, what: str) -> str:
    digits = _clean_number(value)
    subject = what[:1].upper() + what[1:]  # "nomor KK" opens a sentence as "Nomor KK"
    if not digits:
        raise InvalidInput(_("{what} harus diisi.").format(what=subject))
    if not _DIGITS.fullmatch(digits):
        raise InvalidInput(_("{what} hanya boleh berisi angka.").format(what=subject))
    if len(digits) != NIK_LENGTH:
        raise InvalidInput(_("{what} harus 16 angka, bukan {n} angka.").format(what=subject, n=len(digits)))
    return digits


def _check_province(digits: str, what: str) -> str:
    code = digits[:2]
    if code not in PROVINCES:
        raise InvalidInput(_("Kode provinsi {what} ({code}) tidak dikenal.").format(what=what, code=code))
    return code


def century_year(two_digits: int, today: date | None = None) -> int:
    """The four-digit year of a two-digit birth year: later than this year's two digits is 19xx."""
    this_year = (today or clock.today()).year
    if two_digits > this_year % 100:
        return (this_year // 100 - 1) * 100 + two_digits
    return (this_year // 100) * 100 + two_digits


def _format_day(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def validate_nik(value: str, birth_date: date | None = None) -> NikInfo:
    """Check a NIK and decode it; raise InvalidInput with one sentence when it cannot be a NIK.

    `birth_date` is the date the citizen stated, if any: a mismatch gives a warning only,
    because the citizen's documents, not this check, are the authority.
    """
    what = _("NIK")
    digits = _sixteen_digits(value, what)
    code = _check_province(digits, what)
    day = int(digits[6:8])
    month = int(digits[8:10])
    year = int(digits[10:12])
    female = day > FEMALE_DAY_OFFSET
    if female:
        day -= FEMALE_DAY_OFFSET
    if not 1 <= day <= 31:
        raise InvalidInput(
            _("Tanggal lahir dalam NIK tidak valid (angka ke-7 dan ke-8 harus 01-31, atau 41-71 untuk perempuan).")
        )
    if not 1 <= month <= 12:
        raise InvalidInput(_("Bulan lahir dalam NIK tidak valid (angka ke-9 dan ke-10 harus 01-12)."))
    if digits[12:] == "0000":
        raise InvalidInput(_("Nomor urut NIK (4 angka terakhir) tidak boleh 0000."))
    try:
        decoded: date | None = date(century_year(year), month, day)
    except ValueError:
        decoded = None  # in range but not on the calendar, e.g. 31-04

    warning = ""
    if birth_date is not None:
        # Two digits cannot tell 1925 from 2025, so only day, month and year-in-century count.
        if decoded is None:
            warning = _("Tanggal lahir dalam NIK ({day:02d}-{month:02d}-{year:02d}) bukan tanggal yang ada; "
                        "periksa NIK dengan KTP-el atau KK.").format(day=day, month=month, year=year)
        elif (decoded.day, decoded.month, decoded.year % 100) != (birth_date.day, birth_date.month, birth_date.year % 100):
            warning = _("Tanggal lahir dalam NIK ({nik_date}) berbeda dengan tanggal lahir yang diisi "
                        "({stated}); periksa lagi dengan KTP-el atau KK.").format(
                nik_date=_format_day(decoded), stated=_format_day(birth_date))
    return NikInfo(
        nik=digits,
        province_code=code,
        province_name=PROVINCES[code],
        birth_date=decoded,
        female=female,
        warning=warning,
    )


def validate_kk(value: str) -> str:
    """Check a KK (family card) number and return its 16 digits."""
    what = _("nomor KK")
    digits = _sixteen_digits(value, what)
    _check_province(digits, what)
    if set(digits[6:]) == {"0"}:
        raise InvalidInput(_("Nomor KK tidak valid: 10 angka setelah kode wilayah tidak boleh semuanya 0."))
    return digits


def normalize_phone(value: str) -> str:
    """A mobile number in E.164 form (+6281234567890) from what the citizen wrote.

    Accepts 0812-3456-7890, +62 812 3456 7890, 6281234567890 and the like; a number without a
    country code is read as Indonesian; a foreign mobile number (a citizen working abroad) is
    kept with its own country code. WhatsApp needs a mobile number, so a landline is refused.
    """
    import phonenumbers

    text = _clean_phone_text(value)
    if not text:
        raise InvalidInput(_("Nomor HP harus diisi."))
    if len(text) > _PHONE_MAX_INPUT:
        raise InvalidInput(_("Nomor HP terlalu panjang."))
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise InvalidInput(_("Nomor HP {value} tidak dapat dibaca; tulis seperti 0812-3456-7890.").format(value=text)) from None
    if not _is_mobile(number) and text.startswith("62"):
        # "62811000000" also reads as a landline in area 0628; people who write 62 first (as
        # WhatsApp shows numbers) mean the country code.
        try:
            international = phonenumbers.parse("+" + text, "ID")
        except phonenumbers.NumberParseException:
            international = None
        if international is not None and _is_mobile(international):
            number = international
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(_("Nomor HP {value} tidak valid; tulis seperti 0812-3456-7890.").format(value=text))
    if not _is_mobile(number):
        raise InvalidInput(_("Nomor {value} bukan nomor HP; isi nomor HP yang dipakai untuk WhatsApp.").format(value=text))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_mobile(number) -> bool:
    import phonenumbers

    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in kinds


def _clean_phone_text(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    # Control and format characters (a pasted RTL mark, an ESC) are never part of a number,
    # and they must not reach the error sentence either.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    return " ".join(text.split())


def optional_phone(value: str | None) -> str:
    """"" for a blank field, otherwise the number in E.164 form."""
    if value is None or not _clean_phone_text(value):
        return ""
    return normalize_phone(value)


def format_phone(e164: str) -> str:
    """A stored E.164 number for display: '+62 812-3456-7890'; unreadable text comes back as is."""
    if not e164:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def wa_me_link(e164: str) -> str:
    """The WhatsApp click-to-chat link for a stored number: https://wa.me/6281234567890."""
    digits = "".join(ch for ch in (e164 or "") if ch in "0123456789")
    if not digits:
        raise InvalidInput(_("Nomor HP belum diisi, jadi tautan WhatsApp tidak dapat dibuat."))
    return f"https://wa.me/{digits}"


# A day as people type it: 2026-11-28 or 28-11-2026 ('/' and '.' also separate).
_DAY_FORMS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), (1, 2, 3)),  # 2026-11-28
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), (3, 2, 1)),  # 28-11-2026
)


def parse_day(text: str, what: str) -> date | None:
    """A day typed as YYYY-MM-DD or DD-MM-YYYY ('/' and '.' also separate); None when empty.

    A day it cannot read raises InvalidInput naming the field (`what`, e.g. "dari") and how to
    write it, so a form shows the sentence under its fields."""
    from tui_kecamatan.core.text import clean_text

    text = clean_text(text, 20).replace(" ", "")
    if not text:
        return None
    for pattern, (year, month, day) in _DAY_FORMS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(year)), int(match.group(month)), int(match.group(day)))
            except ValueError:
                break
    raise InvalidInput(_("Tanggal {what} \"{text}\" tidak dikenali; tulis TTTT-BB-HH atau HH-BB-TTTT, "
                         "mis. 28-11-2026.").format(what=what, text=text))
