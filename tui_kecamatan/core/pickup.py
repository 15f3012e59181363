"""Handing over finished documents (pengambilan): collection at the office by the applicant, a
family member on the same KK or a proxy with a power-of-attorney letter (surat kuasa), or
electronic delivery of the PDF; each happens once, and returns what the proof of collection prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import IntegrityError

from printing.text import format_datetime
from tui_kecamatan.core import audit, clock, office, validation
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.requests import (
    STATUS_LABELS,
    RequestStatus,
    TranslatedLabels,
    compare_and_set_status,
    describe_move,
    request_row,
)
from tui_kecamatan.core.text import clean_name, clean_note, clean_text, mask_nik
from tui_kecamatan.db.models import Contact, Pickup, Request, Service, Staff, database
from tui_kecamatan.errors import InvalidInput, Refused
from tui_kecamatan.i18n import _

MESSAGE_MAX = 4000
COLLECTOR_KINDS = ("self", "family", "proxy")
COLLECTOR_LABELS = TranslatedLabels({
    "self": "Pemohon",
    "family": "Keluarga dalam KK",
    "proxy": "Kuasa (surat kuasa)",
    "electronic": "Dikirim elektronik",
})


@dataclass(frozen=True)
class PickupInfo:
    """A collection as the proof of collection (bukti pengambilan) prints it; NIKs masked."""

    id: int
    request_id: int
    reg_no: str
    service_code: str
    service_name: str
    applicant_name: str
    applicant_nik_masked: str
    kk_masked: str  # the applicant's KK: a family collector must be on it
    collector_kind: str  # self | family | proxy | electronic
    collector_name: str
    collector_nik_masked: str
    proxy_letter: bool  # a surat kuasa was shown and kept
    note: str
    staff_name: str
    at: datetime  # local, aware
    office_name: str
    office_address: str
    office_phone: str

    @property
    def collector_label(self) -> str:
        return COLLECTOR_LABELS[self.collector_kind]


@dataclass(frozen=True)
class PickupView:
    """What the pickup screen shows after a registration number is scanned or typed."""

    request_id: int
    reg_no: str
    name: str
    nik_masked: str
    kk_masked: str
    service_name: str
    status: str
    ready_at: datetime | None  # local, aware
    due_date: date | None
    phone: str
    pickup: PickupInfo | None
    can_collect: bool
    refusal: str  # the sentence that explains why not, "" when it can

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _when(moment: datetime) -> str:
    return format_datetime(clock.to_local(moment), clock.zone_abbreviation())


def _done_sentence(pickup: Pickup) -> str:
    if pickup.collector_kind == "electronic":
        return _("Dokumen sudah dikirim elektronik pada {tanggal}.").format(tanggal=_when(pickup.at))
    return _("Dokumen sudah diambil pada {tanggal} oleh {nama}.").format(tanggal=_when(pickup.at), nama=pickup.collector_name)


def _existing_pickup(row: Request) -> Pickup | None:
    return Pickup.get_or_none(Pickup.request == row.id)


def _refusal(row: Request) -> str:
    """Why the document of this request cannot be handed over now, or ""."""
    pickup = _existing_pickup(row)
    if pickup is not None:
        return _done_sentence(pickup)
    if row.status != RequestStatus.READY.value:
        return _("Dokumen belum siap diambil (status: {status}).").format(status=STATUS_LABELS[row.status])
    return ""


def _lost_race(reg_no: str) -> Pickup | None:
    """The pickup another desk recorded first, if that is why an insert failed."""
    return _existing_pickup(request_row(reg_no))


def _info(pickup: Pickup, row: Request | None = None) -> PickupInfo:
    row = row or Request.get_by_id(pickup.request_id)
    service = Service.get_by_id(row.service_id)
    staff = Staff.get_or_none(Staff.id == pickup.staff_id) if pickup.staff_id else None
    profile = office.get_profile()
    return PickupInfo(
        id=pickup.id,
        request_id=row.id,
        reg_no=row.reg_no,
        service_code=service.code,
        service_name=service.name,
        applicant_name=clean_name(row.name),
        applicant_nik_masked=mask_nik(row.nik),
        kk_masked=mask_nik(row.kk_number) if row.kk_number else "",
        collector_kind=pickup.collector_kind,
        collector_name=clean_name(pickup.collector_name),
        collector_nik_masked=mask_nik(pickup.collector_nik) if pickup.collector_nik else "",
        proxy_letter=pickup.collector_kind == "proxy",
        note=clean_note(pickup.note),
        staff_name=(staff.full_name or staff.username) if staff else "",
        at=clock.to_local(pickup.at),
        office_name=profile.name,
        office_address=profile.address,
        office_phone=profile.phone,
    )


def find_for_pickup(reg_no: str) -> PickupView:
    """The request behind a scanned or typed registration number, and whether it can be handed over."""
    row = request_row(reg_no)
    service = Service.get_by_id(row.service_id)
    pickup = _existing_pickup(row)
    refusal = _refusal(row)
    return PickupView(
        request_id=row.id,
        reg_no=row.reg_no,
        name=row.name,
        nik_masked=mask_nik(row.nik),
        kk_masked=mask_nik(row.kk_number) if row.kk_number else "",
        service_name=service.name,
        status=row.status,
        ready_at=clock.to_local(row.ready_at),
        due_date=row.due_date,
        phone=row.phone,
        pickup=_info(pickup, row) if pickup is not None else None,
        can_collect=not refusal,
        refusal=refusal,
    )


def confirm_pickup(
    actor: Actor,
    reg_no: str,
    *,
    collector_kind: str,
    collector_name: str = "",
    collector_nik: str = "",
    note: str = "",
) -> PickupInfo:
    """Hand the document over: ready -> picked_up, once.

    A family member or a proxy gives a name and a NIK. The office only knows the applicant's KK
    number, so for a family member the KK card is checked by eye and the proof prints the KK
    number (masked) it was checked against; for a proxy the surat kuasa is kept on file. For the
    applicant, the name and NIK of the request are recorded whatever was typed.
    """
    require(actor, Role.OPERATOR)
    kind = str(collector_kind or "").strip().lower()
    if kind not in COLLECTOR_KINDS:
        raise InvalidInput(_("Pengambil harus pemohon sendiri, keluarga dalam KK, atau kuasa."))
    name = clean_name(collector_name)
    nik = ""
    if kind != "self":
        if not name:
            raise InvalidInput(_("Nama pengambil wajib diisi untuk {kind}.").format(kind=COLLECTOR_LABELS[kind].lower()))
        nik = validation.validate_nik(collector_nik).nik
    note = clean_note(note)
    try:
        with database.atomic():
            row = request_row(reg_no)
            refusal = _refusal(row)
            if refusal:
                raise Refused(refusal)
            if kind == "self":
                name, nik = row.name, row.nik
            now = clock.now_utc()
            pickup = Pickup.create(
                request=row.id, collector_kind=kind, collector_name=name, collector_nik=nik, note=note, staff=actor.id, at=now
            )
            compare_and_set_status(row, RequestStatus.READY, status=RequestStatus.PICKED_UP.value, closed_at=now)
            move = describe_move(RequestStatus.READY, RequestStatus.PICKED_UP)
            audit.record(actor, "dokumen_diambil", "request", row.id, f"{move}: {COLLECTOR_LABELS[kind]}, {name} ({mask_nik(nik)})")
    except IntegrityError:
        # Another desk inserted the pickup first (the check above cannot see an uncommitted row
        # on every database); UNIQUE(request) stopped this one.
        existing = _lost_race(reg_no)
        if existing is None:
            raise
        raise Refused(_done_sentence(existing)) from None
    return _info(pickup, Request.get_by_id(row.id))


def confirm_delivery(actor: Actor, reg_no: str, message: str) -> PickupInfo:
    """The PDF was sent to the citizen (WhatsApp): ready -> delivered, with the message recorded."""
    require(actor, Role.OPERATOR)
    message = clean_text(message, MESSAGE_MAX, multiline=True)
    if not message:
        raise InvalidInput(_("Isi pesan yang dikirim bersama dokumen wajib ada."))
    try:
        with database.atomic():
            row = request_row(reg_no)
            refusal = _refusal(row)
            if refusal:
                raise Refused(refusal)
            if not row.phone:
                raise Refused(_("Permohonan {reg_no} tidak mencantumkan nomor HP/WA pemohon; dokumen tidak dapat dikirim elektronik.").format(
                    reg_no=row.reg_no))
            now = clock.now_utc()
            pickup = Pickup.create(request=row.id, collector_kind="electronic", collector_name=row.name, staff=actor.id, at=now)
            contact = Contact.create(
                request=row.id, kind="sent", channel="whatsapp", phone=row.phone, message=message, staff=actor.id, at=now
            )
            compare_and_set_status(row, RequestStatus.READY, status=RequestStatus.DELIVERED.value, closed_at=now)
            move = describe_move(RequestStatus.READY, RequestStatus.DELIVERED)
            audit.record(actor, "dokumen_dikirim", "request", row.id, f"{move}: {row.phone} (kontak {contact.id})")
    except IntegrityError:
        existing = _lost_race(reg_no)
        if existing is None:
            raise
        raise Refused(_done_sentence(existing)) from None
    return _info(pickup, Request.get_by_id(row.id))


def pickup_info(reg_no: str) -> PickupInfo:
    """The recorded collection of a request, to print its proof again."""
    row = request_row(reg_no)
    pickup = _existing_pickup(row)
    if pickup is None:
        raise Refused(_("Dokumen permohonan {reg_no} belum diambil.").format(reg_no=row.reg_no))
    return _info(pickup, row)
