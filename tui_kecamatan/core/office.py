"""The office profile (name, kecamatan, kabupaten/kota, province, address, phone, email, opening
hours, and the head of office who signs reports) as documents, messages and screens show it, its
checks, and the first-run setup."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields as dataclass_fields, replace

from tui_kecamatan.core import accounts, audit, clock
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.text import ADDRESS_MAX, NAME_MAX, clean_text
from tui_kecamatan.db.models import OfficeProfile, database
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

PHONE_MAX = 40
EMAIL_MAX = 120
HOURS_MAX = 120
NIP_DIGITS = 18
_PHONE_CHARS = re.compile(r"^[0-9+()\-. /]*$")
# A working address as people write it: one @, a name before it, a domain with a dot after it.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# Longer text is refused rather than cut: a cut name on every receipt is worse than a sentence.
_INPUT_SLACK = 1000


def default_opening_hours() -> str:
    """The opening hours a new office starts with, labelled with this station's time zone
    (WIB, WITA or WIT from `[station] timezone`)."""
    zone = clock.zone_abbreviation()
    return _("Senin-Jumat 08.00-15.00 {zone}").format(zone=zone).strip()


@dataclass(frozen=True)
class Profile:
    """The office as documents and screens show it; `configured` is false before setup."""

    name: str
    kecamatan: str
    kabupaten: str
    province: str
    address: str
    phone: str
    email: str
    opening_hours: str
    configured: bool
    head_name: str = ""  # the head of office (camat) who signs reports
    head_nip: str = ""

    def as_json(self) -> dict:
        """The profile under the field names of `tui-kecamatan office show --json` (stable)."""
        return {
            "name": self.name,
            "kecamatan": self.kecamatan,
            "kabupaten": self.kabupaten,
            "province": self.province,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "hours": self.opening_hours,
            "head_name": self.head_name,
            "head_nip": self.head_nip,
            "configured": self.configured,
        }


def _row() -> OfficeProfile | None:
    return OfficeProfile.select().order_by(OfficeProfile.id).first()


def _is_set(row: OfficeProfile | None) -> bool:
    """The office counts as configured once its name, kecamatan and kabupaten/kota are set."""
    return bool(row is not None and clean_text(row.name, NAME_MAX) and clean_text(row.kecamatan, NAME_MAX)
                and clean_text(row.kabupaten, NAME_MAX))


def _to_profile(row: OfficeProfile | None) -> Profile:
    if row is None:
        return Profile("", "", "", "", "", "", "", default_opening_hours(), False)
    configured = _is_set(row)
    return Profile(
        name=clean_text(row.name, NAME_MAX),
        kecamatan=clean_text(row.kecamatan, NAME_MAX),
        kabupaten=clean_text(row.kabupaten, NAME_MAX),
        province=clean_text(row.province, NAME_MAX),
        address=clean_text(row.address, ADDRESS_MAX),
        phone=clean_text(row.phone, PHONE_MAX),
        email=clean_text(row.email, EMAIL_MAX),
        # The database seeds a placeholder without knowing the station's zone; until the office is
        # set up, its hours are this station's default.
        opening_hours=clean_text(row.opening_hours, HOURS_MAX) if configured else default_opening_hours(),
        configured=configured,
        head_name=clean_text(row.head_name, NAME_MAX),
        head_nip=clean_text(row.head_nip, NIP_DIGITS),
    )


def get_profile() -> Profile:
    """The office profile (an empty one if the row is missing)."""
    return _to_profile(_row())


def is_configured() -> bool:
    """True once the office's name, kecamatan and kabupaten/kota are saved (setup, the admin
    screen or `tui-kecamatan office set`)."""
    return _is_set(_row())


# --- checks: one Indonesian sentence per bad field ------------------------------------------------


def _clean(value: object, what: str, max_len: int) -> str:
    text = clean_text(value, max_len + _INPUT_SLACK)
    if len(text) > max_len:
        raise InvalidInput(_("{what} terlalu panjang (paling banyak {n} karakter).").format(what=what, n=max_len))
    return text


def check_required(value: object, what: str, max_len: int = NAME_MAX) -> str:
    """Clean a required field; `what` names it in the sentence ("Nama kantor")."""
    text = _clean(value, what, max_len)
    if not text:
        raise InvalidInput(_("{what} wajib diisi.").format(what=what))
    return text


def check_office_name(value: object) -> str:
    text = check_required(value, _("Nama kantor"))
    if len(text) < 3:
        raise InvalidInput(_("Nama kantor minimal 3 huruf."))
    return text


def check_kecamatan(value: object) -> str:
    return check_required(value, _("Kecamatan"))


def check_kabupaten(value: object) -> str:
    return check_required(value, _("Kabupaten/kota"))


def check_province(value: object) -> str:
    return _clean(value, _("Provinsi"), NAME_MAX)


def check_address(value: object) -> str:
    return _clean(value, _("Alamat"), ADDRESS_MAX)


def check_phone(value: object) -> str:
    """An office phone number as written by the office (landlines allowed); empty is allowed.

    Kept as the office writes it ("(021) 5921234"), but it must be a number that exists in the
    Indonesian numbering plan (or abroad, with its country code)."""
    text = _clean(value, _("Nomor telepon"), PHONE_MAX)
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE_CHARS.match(text) or not 6 <= digits <= 15:
        raise InvalidInput(_("Nomor telepon hanya boleh berisi 6-15 angka, spasi, +, -, titik dan tanda kurung."))
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(_("Nomor telepon {value} tidak valid; tulis dengan kode wilayah, mis. (021) 5921234.").format(
            value=text))
    return text


def check_email(value: object) -> str:
    """The office's email address; empty is allowed."""
    text = _clean(value, _("Alamat email"), EMAIL_MAX)
    if text and not _EMAIL.match(text):
        raise InvalidInput(_("Alamat email tidak valid; tulis seperti kecamatan@contoh.go.id."))
    return text


def check_hours(value: object) -> str:
    """The opening hours as printed on receipts and told in messages ("Senin-Jumat 08.00-15.00 WIB")."""
    return check_required(value, _("Jam layanan"), HOURS_MAX)


def check_head_name(value: object) -> str:
    """The head of office's name with titles as it is signed ("Drs. H. Ahmad Fauzi, M.Si"); empty
    is allowed (the report then leaves the line to be written by hand)."""
    return _clean(value, _("Nama kepala kantor"), NAME_MAX)


def check_head_nip(value: object) -> str:
    """The NIP of a civil servant: 18 digits, written with or without spaces; empty is allowed."""
    text = _clean(value, _("NIP"), NIP_DIGITS + 20)
    digits = text.replace(" ", "")
    if digits and (not digits.isdigit() or len(digits) != NIP_DIGITS):
        raise InvalidInput(_("NIP harus {n} angka, mis. 197001012000031001.").format(n=NIP_DIGITS))
    return digits


CHECKS = {
    "name": check_office_name,
    "kecamatan": check_kecamatan,
    "kabupaten": check_kabupaten,
    "province": check_province,
    "address": check_address,
    "phone": check_phone,
    "email": check_email,
    "opening_hours": check_hours,
    "head_name": check_head_name,
    "head_nip": check_head_nip,
}
"""Each field of ProfileInput and its check, in the order of the forms."""


@dataclass(frozen=True)
class ProfileInput:
    """The fields the setup and admin screens and `office set` edit. A field left None keeps what
    is saved (the station's default opening hours on a new office)."""

    name: str | None
    kecamatan: str | None
    kabupaten: str | None
    address: str | None = None
    phone: str | None = None
    province: str | None = None
    email: str | None = None
    opening_hours: str | None = None
    head_name: str | None = None
    head_nip: str | None = None


def profile_input(profile: Profile) -> ProfileInput:
    """The saved profile as form values."""
    return ProfileInput(name=profile.name, kecamatan=profile.kecamatan, kabupaten=profile.kabupaten,
                        address=profile.address, phone=profile.phone, province=profile.province,
                        email=profile.email, opening_hours=profile.opening_hours,
                        head_name=profile.head_name, head_nip=profile.head_nip)


def complete(fields: ProfileInput, current: Profile) -> ProfileInput:
    """`fields` with every field left None taken from `current`."""
    saved = profile_input(current)
    return replace(fields, **{f.name: getattr(saved, f.name) for f in dataclass_fields(fields)
                              if getattr(fields, f.name) is None})


def profile_problems(fields: ProfileInput) -> dict[str, str]:
    """Every bad field with its sentence (empty when all are right); None fields are not judged."""
    problems = {}
    for key, check in CHECKS.items():
        value = getattr(fields, key)
        if value is None:
            continue
        try:
            check(value)
        except InvalidInput as exc:
            problems[key] = str(exc)
    return problems


def check_profile(fields: ProfileInput) -> ProfileInput:
    """Validate and clean the profile fields; raise InvalidInput with the first problem."""
    return ProfileInput(**{key: (check(getattr(fields, key)) if getattr(fields, key) is not None else None)
                           for key, check in CHECKS.items()})


def save_profile(actor: Actor, fields: ProfileInput) -> Profile:
    """Save the office profile (admin only); fields left None keep their saved value. Nothing
    is written when a field is wrong."""
    accounts.require(actor, Role.ADMIN)
    check_profile(fields)  # what was typed is refused before the write lock is taken
    with database.atomic():
        row = _row() or OfficeProfile.create()
        # A new office given only some fields still needs its name, kecamatan and kabupaten/kota.
        fields = check_profile(complete(fields, _to_profile(row)))
        OfficeProfile.update(
            name=fields.name,
            kecamatan=fields.kecamatan,
            kabupaten=fields.kabupaten,
            province=fields.province,
            address=fields.address,
            phone=fields.phone,
            email=fields.email,
            opening_hours=fields.opening_hours,
            head_name=fields.head_name,
            head_nip=fields.head_nip,
            configured=True,
        ).where(OfficeProfile.id == row.id).execute()
        audit.record(actor, "profil_kantor_disimpan", "office_profile", row.id, fields.name)
        return _to_profile(OfficeProfile.get_by_id(row.id))


def first_setup(fields: ProfileInput, username: str, full_name: str, password: str) -> Actor:
    """First run: create the first admin account and save the office profile.

    The profile is checked before the account is created, so a bad field leaves nothing behind.
    """
    fields = check_profile(fields)
    if not clean_text(full_name, NAME_MAX):
        raise InvalidInput(_("{what} wajib diisi.").format(what=_("Nama lengkap")))
    admin = accounts.create_staff(None, username, password, Role.ADMIN, full_name)
    save_profile(admin, fields)
    return admin


def setup_with_existing_admin(fields: ProfileInput, username: str, password: str) -> Actor:
    """Save the profile when accounts exist already (made with `tui-kecamatan init --admin`):
    an admin proves who they are with their password first."""
    fields = check_profile(fields)
    actor = accounts.authenticate(username, password)
    accounts.require(actor, Role.ADMIN)
    save_profile(actor, fields)
    return actor
