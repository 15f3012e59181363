"""Messages to citizens written from the office's templates (requirements missing, document ready,
document sent), their wa.me links, and the record of a message the operator confirms was sent.

The office has no WhatsApp gateway: the screen copies the text (OSC 52) and shows the link; only
after the operator says the message went out is the contact recorded. No NIK ever goes in a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from tui_kecamatan.core import audit, clock, office, templates, validation
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.request_labels import CONTACT_LABELS, STATUS_LABELS, RequestAction, RequestStatus
from tui_kecamatan.core.requests import ACTION_STATES, item_rows, request_row
from tui_kecamatan.core.text import clean_name, clean_text, mask_nik
from tui_kecamatan.db.models import Contact, Request, Service, database
from tui_kecamatan.errors import InvalidInput, Refused
from tui_kecamatan.i18n import _

MESSAGE_MAX = 4000
CONTACT_KINDS = ("missing", "ready", "sent")
# The states in which each kind of message makes sense to record.
CONTACT_STATES = {
    "missing": ACTION_STATES[RequestAction.CONTACT_MISSING],
    "ready": ACTION_STATES[RequestAction.CONTACT_READY],
    "sent": frozenset({RequestStatus.DELIVERED}),
}
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
# Any run of exactly 16 digits is a NIK or a KK number: masked even if a name or note carried one.
_SIXTEEN = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


@dataclass(frozen=True)
class ContactDraft:
    """A message ready to copy, with the link that opens the chat."""

    request_id: int
    reg_no: str
    kind: str
    phone: str  # E.164, "" when the applicant gave none
    phone_display: str
    text: str
    link: str  # "" without a phone number


@dataclass(frozen=True)
class ContactInfo:
    id: int
    request_id: int
    kind: str
    phone: str
    message: str
    staff: str
    at: datetime  # local, aware

    @property
    def label(self) -> str:
        return CONTACT_LABELS[self.kind]


def office_name_and_hours() -> tuple[str, str]:
    """The office's name and opening hours as the templates' {kantor} and {jam}."""
    profile = office.get_profile()
    if profile.name:
        name = profile.name
    elif profile.kecamatan:
        name = _("Kantor Kecamatan {name}").format(name=profile.kecamatan)
    else:
        name = _("kantor kecamatan")
    return name, profile.opening_hours


def _render(kind: str, row: Request, daftar: str = "") -> str:
    service = Service.get_by_id(row.service_id)
    office, hours = office_name_and_hours()
    values = {
        "nama": clean_name(row.name),
        "layanan": clean_text(service.name, 200),
        "reg_no": row.reg_no,
        "daftar": daftar,
        "kantor": office,
        "jam": hours,
    }
    try:
        text = templates.get_template(kind).format(**values)
    except (KeyError, IndexError, ValueError):
        # A template stored before the checks existed: fall back to the built-in one.
        from tui_kecamatan.db.seed import TEMPLATES

        text = TEMPLATES[f"template.{kind}"].format(**values)
    text = _SIXTEEN.sub(lambda match: mask_nik(match.group()), text)
    return clean_text(text, MESSAGE_MAX, multiline=True)


def missing_message(request_id: int | str) -> str:
    """The "requirements missing" text, listing exactly the unchecked mandatory items, numbered."""
    row = request_row(request_id)
    missing = [item for item in item_rows(row.id) if item.mandatory and not item.checked]
    if not missing:
        raise Refused(_("Tidak ada berkas wajib yang kurang pada permohonan {reg_no}.").format(reg_no=row.reg_no))
    daftar = "\n".join(f"{number}. {clean_text(item.text, 300)}" for number, item in enumerate(missing, 1))
    return _render("missing", row, daftar)


def ready_message(request_id: int | str) -> str:
    """The "document ready, come and collect it" text."""
    return _render("ready", request_row(request_id))


def sent_message(request_id: int | str) -> str:
    """The text that goes with the PDF sent for printing at home."""
    return _render("sent", request_row(request_id))


def _e164(phone: str) -> str:
    phone = clean_text(phone, 40)
    return phone if _E164.match(phone) else validation.normalize_phone(phone)


def contact_link(phone_e164: str, text: str) -> str:
    """https://wa.me/<E.164 digits>?text=<the message, URL-encoded>."""
    return validation.wa_me_link(_e164(phone_e164)) + "?text=" + quote(text, safe="")


def draft(request_id: int | str, kind: str) -> ContactDraft:
    """The message of `kind` for a request with its wa.me link, for the contact dialog."""
    if kind not in CONTACT_KINDS:
        raise InvalidInput(_("Jenis pesan harus missing, ready atau sent."))
    row = request_row(request_id)
    text = {"missing": missing_message, "ready": ready_message, "sent": sent_message}[kind](row.id)
    link = contact_link(row.phone, text) if row.phone else ""
    return ContactDraft(row.id, row.reg_no, kind, row.phone, validation.format_phone(row.phone), text, link)


def record_contact(actor: Actor, request_id: int | str, kind: str, message: str) -> ContactInfo:
    """Record a message the operator confirms was sent by WhatsApp."""
    require(actor, Role.OPERATOR)
    if kind not in CONTACT_KINDS:
        raise InvalidInput(_("Jenis pesan harus missing, ready atau sent."))
    message = clean_text(message, MESSAGE_MAX, multiline=True)
    if not message:
        raise InvalidInput(_("Isi pesan yang dikirim wajib ada."))
    with database.atomic():
        row = request_row(request_id)
        if RequestStatus(row.status) not in CONTACT_STATES[kind]:
            raise Refused(_("Permohonan {reg_no} berstatus {status}; pesan \"{label}\" tidak sesuai untuk status itu.").format(
                reg_no=row.reg_no, status=STATUS_LABELS[row.status], label=CONTACT_LABELS[kind]))
        if not row.phone:
            raise Refused(_("Permohonan {reg_no} tidak mencantumkan nomor HP/WA pemohon.").format(reg_no=row.reg_no))
        contact = Contact.create(
            request=row.id, kind=kind, channel="whatsapp", phone=row.phone, message=message, staff=actor.id, at=clock.now_utc()
        )
        audit.record(actor, "kontak_dicatat", "contact", contact.id, f"{row.reg_no}: {kind}")
        return ContactInfo(contact.id, row.id, kind, row.phone, message, actor.display_name, clock.to_local(contact.at))


def contacts_of(request_id: int | str) -> list[ContactInfo]:
    row = request_row(request_id)
    out = []
    for contact in Contact.select().where(Contact.request == row.id).order_by(Contact.id):
        staff = contact.staff.full_name or contact.staff.username if contact.staff_id else ""
        out.append(ContactInfo(contact.id, row.id, contact.kind, contact.phone, contact.message, staff, clock.to_local(contact.at)))
    return out
