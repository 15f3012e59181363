"""The office profile (name, kecamatan, kabupaten/kota, address, phone) and the first-run setup."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui_kecamatan.core import accounts, audit
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.text import ADDRESS_MAX, NAME_MAX, clean_text
from tui_kecamatan.db.models import OfficeProfile, database
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

PHONE_MAX = 40
_PHONE_CHARS = re.compile(r"^[0-9+()\-. /]*$")


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


def _row() -> OfficeProfile | None:
    return OfficeProfile.select().order_by(OfficeProfile.id).first()


def _to_profile(row: OfficeProfile | None) -> Profile:
    if row is None:
        return Profile("", "", "", "", "", "", "", "", False)
    return Profile(
        name=clean_text(row.name, NAME_MAX),
        kecamatan=clean_text(row.kecamatan, NAME_MAX),
        kabupaten=clean_text(row.kabupaten, NAME_MAX),
        province=clean_text(row.province, NAME_MAX),
        address=clean_text(row.address, ADDRESS_MAX),
        phone=clean_text(row.phone, PHONE_MAX),
        email=clean_text(row.email, NAME_MAX),
        opening_hours=clean_text(row.opening_hours, NAME_MAX),
        configured=bool(row.configured),
    )


def get_profile() -> Profile:
    """The office profile (an empty one if the row is missing)."""
    return _to_profile(_row())


def is_configured() -> bool:
    """True once the setup screen (or an admin) saved the office profile."""
    row = _row()
    return bool(row and row.configured)


def check_required(value: object, what: str, max_len: int = NAME_MAX) -> str:
    """Clean a required field; `what` names it in the sentence ("Nama kantor")."""
    text = clean_text(value, max_len)
    if not text:
        raise InvalidInput(_("{what} wajib diisi.").format(what=what))
    return text


def check_office_name(value: object) -> str:
    text = check_required(value, _("Nama kantor"))
    if len(text) < 3:
        raise InvalidInput(_("Nama kantor minimal 3 huruf."))
    return text


def check_phone(value: object) -> str:
    """An office phone number as written by the office (landlines allowed); empty is allowed."""
    text = clean_text(value, PHONE_MAX)
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE_CHARS.match(text) or not 6 <= digits <= 15:
        raise InvalidInput(_("Nomor telepon hanya boleh berisi 6-15 angka, spasi, +, -, titik dan tanda kurung."))
    return text


@dataclass(frozen=True)
class ProfileInput:
    """The fields the setup and admin screens edit."""

    name: str
    kecamatan: str
    kabupaten: str
    address: str = ""
    phone: str = ""


def check_profile(fields: ProfileInput) -> ProfileInput:
    """Validate and clean the profile fields; raise InvalidInput with the first problem."""
    return ProfileInput(
        name=check_office_name(fields.name),
        kecamatan=check_required(fields.kecamatan, _("Kecamatan")),
        kabupaten=check_required(fields.kabupaten, _("Kabupaten/kota")),
        address=clean_text(fields.address, ADDRESS_MAX),
        phone=check_phone(fields.phone),
    )


def save_profile(actor: Actor, fields: ProfileInput) -> Profile:
    """Save the office profile (admin only) and mark the office configured."""
    accounts.require(actor, Role.ADMIN)
    fields = check_profile(fields)
    with database.atomic():
        row = _row() or OfficeProfile.create()
        OfficeProfile.update(
            name=fields.name,
            kecamatan=fields.kecamatan,
            kabupaten=fields.kabupaten,
            address=fields.address,
            phone=fields.phone,
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
