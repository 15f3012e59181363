"""Handing over finished documents (pengambilan): collection at the office by the applicant, a
family member on the same KK or a proxy with a power-of-attorney letter (surat kuasa), or
electronic delivery of the PDF; each happens once, and returns what the proof of collection prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from peewee import IntegrityError

from printing.text import format_datetime
from tui_kecamatan.core import audit, clock, office, request_search, validation
from tui_kecamatan.core.accounts import Actor, require
from tui_kecamatan.core.request_labels import STATUS_LABELS, RequestAction, RequestStatus, TranslatedLabels, describe_move
from tui_kecamatan.core.requests import REQUESTS, request_row
from tui_kecamatan.core.text import clean_name, clean_note, clean_text, mask_nik
from tui_kecamatan.db.models import Contact, Pickup, Request, Service, Staff, database
from tui_kecamatan.errors import InvalidInput, NotFound, Refused
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
    if row.status not in REQUESTS.moves[RequestAction.PICKUP].sources:
        return REQUESTS.refusal(RequestAction.PICKUP, row)
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


def _only_match(ref: str, not_found: NotFound) -> Request:
    """The one request a part of a number points to (the daily part "0045", digits of the phone
    or NIK, as the search finds them): the one ready to collect, or the only match at all."""
    text = clean_text(ref, 40)
    if not text:
        raise not_found
    ready = request_search.search_requests(text, RequestStatus.READY.value, limit=1)
    page = ready if ready.total else request_search.search_requests(text, limit=1)
    if page.total == 1:
        return Request.get_by_id(page.rows[0].id)
    if not page.total:
        raise not_found
    if ready.total:
        raise Refused(_("Ada {n} permohonan siap diambil yang cocok; ketik nomor registrasi lengkap.").format(n=page.total))
    raise Refused(_("Ada {n} permohonan cocok, tidak satu pun siap diambil; ketik nomor lengkap.").format(n=page.total))


def find_for_pickup(reg_no: str) -> PickupView:
    """The request behind a scanned or typed registration number, or a part of one (see
    `_only_match`), and whether it can be handed over."""
    try:
        row = request_row(reg_no)
    except NotFound as exc:
        row = _only_match(reg_no, exc)
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
    require(actor, REQUESTS.moves[RequestAction.PICKUP].role)
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

    def record(row: Request, now: datetime) -> tuple[Pickup, str]:
        given_name, given_nik = (row.name, row.nik) if kind == "self" else (name, nik)
        pickup = Pickup.create(
            request=row.id, collector_kind=kind, collector_name=given_name, collector_nik=given_nik, note=note,
            staff=actor.id, at=now,
        )
        return pickup, f"{COLLECTOR_LABELS[kind]}, {given_name} ({mask_nik(given_nik)})"

    return _hand_over(actor, reg_no, RequestAction.PICKUP, record)


def confirm_delivery(actor: Actor, reg_no: str, message: str) -> PickupInfo:
    """The PDF was sent to the citizen (WhatsApp): ready -> delivered, with the message recorded."""
    require(actor, REQUESTS.moves[RequestAction.DELIVER].role)
    message = clean_text(message, MESSAGE_MAX, multiline=True)
    if not message:
        raise InvalidInput(_("Isi pesan yang dikirim bersama dokumen wajib ada."))

    def record(row: Request, now: datetime) -> tuple[Pickup, str]:
        if not row.phone:
            raise Refused(_("Permohonan {reg_no} tidak mencantumkan nomor HP/WA pemohon; dokumen tidak dapat dikirim elektronik.").format(
                reg_no=row.reg_no))
        pickup = Pickup.create(request=row.id, collector_kind="electronic", collector_name=row.name, staff=actor.id, at=now)
        contact = Contact.create(
            request=row.id, kind="sent", channel="whatsapp", phone=row.phone, message=message, staff=actor.id, at=now
        )
        return pickup, f"{row.phone} (kontak {contact.id})"

    return _hand_over(actor, reg_no, RequestAction.DELIVER, record)


def _hand_over(
    actor: Actor, reg_no: str, action: RequestAction, record: Callable[[Request, datetime], tuple[Pickup, str]]
) -> PickupInfo:
    """What a pickup and a delivery share, in one transaction: refuse unless the document waits
    and was not handed over yet, write the record (`record` returns it with its audit detail),
    move the request (`REQUESTS` row `action`) and audit the move."""
    move = REQUESTS.moves[action]
    try:
        with database.atomic():
            row = request_row(reg_no)
            refusal = _refusal(row)
            if refusal:
                raise Refused(refusal)
            now = clock.now_utc()
            pickup, detail = record(row, now)
            source, target = row.status, move.target_from(row.status)
            REQUESTS.compare_and_set(row, source, status=target, closed_at=now)
            audit.record(actor, move.audit_action, "request", row.id, f"{describe_move(source, target)}: {detail}")
    except IntegrityError:
        # Another desk inserted the pickup first (the check above cannot see an uncommitted row
        # on every database); UNIQUE(request) stopped this one.
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
