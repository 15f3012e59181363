"""Requests (permohonan): intake, the requirement checklist, the status lifecycle, search, and the
read-only views the request screens and the command line show.

Lifecycle (each move one transaction with its audit row; every other move is refused with a
sentence and leaves the request as it was):

    received -> incomplete <-> complete        through `save_checklist`
    complete -> processing                      `start_processing` (no mandatory item unchecked)
    processing -> ready                         `mark_ready`
    ready -> picked_up | delivered              only through `core.pickup`
    received/incomplete/complete/processing -> cancelled   `cancel_request`, any operator
    received/incomplete/complete/processing -> rejected    `reject_request`, supervisor and up
    cancelled/rejected -> received, ready -> processing    `reopen_request`, supervisor and up

Cancelling is the desk's own correction (the citizen withdraws, a duplicate entry), so an
operator may do it; rejecting is the office's decision that the request cannot be served, and
reopening overrides a closed decision, so both need a supervisor. All three need a reason.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import reduce

from peewee import JOIN, fn

from tui_kecamatan.core import audit, clock, validation
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.services import active_desa_name
from tui_kecamatan.core.text import NAME_MAX, REASON_MAX, clean_name, clean_note, clean_text, mask_nik
from tui_kecamatan.core.workdays import add_working_days, is_overdue, office_holidays
from tui_kecamatan.db.models import (
    AuditEvent,
    Citizen,
    Contact,
    Counter,
    Pickup,
    Request,
    RequestDailyCounter,
    RequestItem,
    Service,
    ServiceRequirement,
    Staff,
    Ticket,
    database,
)
from tui_kecamatan.errors import AppError, InvalidInput, NotFound, PermissionDenied, Refused
from tui_kecamatan.i18n import _

MAX_PAGE = 500
CHANNELS = ("walk_in", "whatsapp")


class RequestStatus(str, Enum):
    RECEIVED = "received"
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    PROCESSING = "processing"
    READY = "ready"
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


class TranslatedLabels(Mapping):
    """Indonesian source words, translated on every lookup so a language switch takes effect."""

    def __init__(self, source: dict[str, str]) -> None:
        self._source = source

    def __getitem__(self, key: str) -> str:
        return _(self._source[getattr(key, "value", key)])

    def __iter__(self):
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)


STATUS_LABELS: Mapping[str, str] = TranslatedLabels({
    "received": "Diterima",
    "incomplete": "Berkas kurang",
    "complete": "Berkas lengkap",
    "processing": "Diproses",
    "ready": "Siap diambil",
    "picked_up": "Sudah diambil",
    "delivered": "Dikirim elektronik",
    "cancelled": "Dibatalkan",
    "rejected": "Ditolak",
})

CHANNEL_LABELS: Mapping[str, str] = TranslatedLabels({"walk_in": "Loket", "whatsapp": "WhatsApp"})

CONTACT_LABELS: Mapping[str, str] = TranslatedLabels({
    "missing": "Pemohon dihubungi: berkas kurang",
    "ready": "Pemohon dihubungi: dokumen siap diambil",
    "sent": "Dokumen dikirim ke pemohon",
})

# Audit actions written on the "request" table, as the timeline names them.
ACTION_LABELS: Mapping[str, str] = TranslatedLabels({
    "permohonan_dibuat": "Permohonan diterima",
    "daftar_periksa_disimpan": "Daftar periksa berkas disimpan",
    "mulai_diproses": "Mulai diproses",
    "dokumen_siap": "Dokumen siap diambil",
    "dokumen_diambil": "Dokumen diambil",
    "dokumen_dikirim": "Dokumen dikirim elektronik",
    "permohonan_dibatalkan": "Permohonan dibatalkan",
    "permohonan_ditolak": "Permohonan ditolak",
    "permohonan_dibuka_kembali": "Permohonan dibuka kembali",
    "nik_ditampilkan": "NIK lengkap ditampilkan",
})

S = RequestStatus
BEFORE_READY = frozenset({S.RECEIVED, S.INCOMPLETE, S.COMPLETE, S.PROCESSING})
CHECKLIST_STATES = frozenset({S.RECEIVED, S.INCOMPLETE, S.COMPLETE})
CLOSED = frozenset({S.PICKED_UP, S.DELIVERED, S.CANCELLED, S.REJECTED})


class RequestAction(str, Enum):
    """What can be done to a request; `allowed_actions` says which apply now."""

    CHECKLIST = "checklist"
    PROCESS = "process"
    READY = "ready"
    PICKUP = "pickup"
    DELIVER = "deliver"
    CANCEL = "cancel"
    REJECT = "reject"
    REOPEN = "reopen"
    CONTACT_MISSING = "contact_missing"
    CONTACT_READY = "contact_ready"
    REVEAL_NIK = "reveal_nik"


A = RequestAction
ACTION_STATES: dict[RequestAction, frozenset[RequestStatus]] = {
    A.CHECKLIST: CHECKLIST_STATES,
    A.PROCESS: frozenset({S.COMPLETE}),
    A.READY: frozenset({S.PROCESSING}),
    A.PICKUP: frozenset({S.READY}),
    A.DELIVER: frozenset({S.READY}),
    A.CANCEL: BEFORE_READY,
    A.REJECT: BEFORE_READY,
    A.REOPEN: frozenset({S.CANCELLED, S.REJECTED, S.READY}),
    A.CONTACT_MISSING: frozenset({S.RECEIVED, S.INCOMPLETE}),
    A.CONTACT_READY: frozenset({S.READY}),
    A.REVEAL_NIK: frozenset(S),
}
ACTION_ROLES: dict[RequestAction, Role] = {
    A.REJECT: Role.SUPERVISOR,
    A.REOPEN: Role.SUPERVISOR,
    A.REVEAL_NIK: Role.SUPERVISOR,
}
REOPEN_TARGET = {S.CANCELLED: S.RECEIVED, S.REJECTED: S.RECEIVED, S.READY: S.PROCESSING}


# --- plain data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInfo:
    """A request as lists, receipts and the JSON output show it (the NIK masked)."""

    id: int
    reg_no: str
    service_code: str
    service_name: str
    status: str
    nik_masked: str
    name: str
    phone: str  # E.164 or ""
    desa: str
    channel: str
    created_at: datetime  # local, aware
    due_date: date | None
    ready_at: datetime | None  # local, aware
    closed_at: datetime | None  # local, aware
    reason: str
    overdue: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel] if self.channel in CHANNEL_LABELS else self.channel


@dataclass(frozen=True)
class ItemInfo:
    """One line of a request's checklist."""

    id: int
    position: int
    text: str
    mandatory: bool
    checked: bool
    note: str


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # local, aware
    kind: str  # audit | contact
    actor: str
    title: str
    detail: str


@dataclass(frozen=True)
class PickupRecord:
    kind: str  # self | family | proxy | electronic
    collector_name: str
    collector_nik_masked: str
    note: str
    staff: str
    at: datetime  # local, aware


@dataclass(frozen=True)
class RequestDetail:
    request: RequestInfo
    kk_masked: str
    ticket_code: str
    counter_number: int | None
    created_by: str
    items: tuple[ItemInfo, ...]
    timeline: tuple[TimelineEntry, ...]
    pickup: PickupRecord | None
    allowed_actions: tuple[str, ...]

    @property
    def missing(self) -> tuple[ItemInfo, ...]:
        return tuple(item for item in self.items if item.mandatory and not item.checked)


@dataclass(frozen=True)
class CitizenInfo:
    """What the intake form fills in for a NIK seen before."""

    nik: str
    name: str
    kk_number: str
    phone: str
    desa: str


@dataclass(frozen=True)
class Page:
    rows: list[RequestInfo]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.rows) < self.total


# --- helpers --------------------------------------------------------------------------------


def _status(row: Request) -> RequestStatus:
    return RequestStatus(row.status)


def _info(row: Request, service: Service | None = None, today: date | None = None) -> RequestInfo:
    service = service or row.service
    status = _status(row)
    return RequestInfo(
        id=row.id,
        reg_no=row.reg_no,
        service_code=service.code,
        service_name=service.name,
        status=status.value,
        nik_masked=mask_nik(row.nik),
        name=row.name,
        phone=row.phone,
        desa=row.desa,
        channel=row.channel,
        created_at=clock.to_local(row.created_at),
        due_date=row.due_date,
        ready_at=clock.to_local(row.ready_at),
        closed_at=clock.to_local(row.closed_at),
        reason=row.reason,
        overdue=status in BEFORE_READY and is_overdue(row.due_date, today or clock.today()),
    )


def request_row(ref: int | str) -> Request:
    """A request by id, or by registration number as typed or scanned."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        row = Request.get_or_none(Request.id == ref)
        shown = str(ref)
    else:
        shown = clean_text(ref, 40).replace(" ", "")
        row = Request.get_or_none(Request.reg_no == shown) if shown else None
    if row is None:
        raise NotFound(_("Permohonan {ref} tidak ditemukan.").format(ref=shown))
    return row


def item_rows(request_id: int) -> list[RequestItem]:
    return list(RequestItem.select().where(RequestItem.request == request_id).order_by(RequestItem.position, RequestItem.id))


def _item_info(item: RequestItem) -> ItemInfo:
    return ItemInfo(item.id, item.position, item.text, bool(item.mandatory), bool(item.checked), item.note)


def _missing_text(items: Iterable[ItemInfo | RequestItem]) -> str:
    return "; ".join(f"{n}. {item.text}" for n, item in enumerate(items, 1))


_REFUSALS = {
    A.CHECKLIST: "Permohonan {reg_no} berstatus {status}; daftar periksa berkas hanya dapat diubah sebelum permohonan diproses.",
    A.PROCESS: "Permohonan {reg_no} berstatus {status}; hanya permohonan dengan berkas lengkap yang dapat mulai diproses.",
    A.READY: "Permohonan {reg_no} berstatus {status}; hanya permohonan yang sedang diproses yang dapat ditandai siap diambil.",
    A.CANCEL: "Permohonan {reg_no} berstatus {status}; permohonan hanya dapat dibatalkan sebelum dokumennya siap.",
    A.REJECT: "Permohonan {reg_no} berstatus {status}; permohonan hanya dapat ditolak sebelum dokumennya siap.",
    A.REOPEN: "Permohonan {reg_no} berstatus {status}; hanya permohonan yang dibatalkan, ditolak atau siap diambil yang dapat dibuka kembali.",
}


def refusal(action: RequestAction, row: Request) -> str:
    """The sentence that explains why `action` does not apply to the request in its state."""
    return _(_REFUSALS[action]).format(reg_no=row.reg_no, status=STATUS_LABELS[row.status])


def _check_state(action: RequestAction, row: Request) -> RequestStatus:
    status = _status(row)
    if status not in ACTION_STATES[action]:
        raise Refused(refusal(action, row))
    return status


def compare_and_set_status(row: Request, expected: RequestStatus, **changes) -> None:
    """Write the move only if nobody moved the request meanwhile (matters on PostgreSQL)."""
    changes.setdefault("updated_at", clock.now_utc())
    done = Request.update(**changes).where((Request.id == row.id) & (Request.status == expected.value)).execute()
    if done != 1:
        raise Refused(_("Permohonan {reg_no} baru saja diubah petugas lain; muat ulang lalu coba lagi.").format(reg_no=row.reg_no))


def _reason(value: object, what: str) -> str:
    reason = clean_text(value, REASON_MAX)
    if not reason:
        raise InvalidInput(_("Alasan {what} wajib diisi.").format(what=what))
    return reason


def describe_move(before: RequestStatus | str, after: RequestStatus | str) -> str:
    """"Diproses -> Siap diambil", for audit details the timeline shows."""
    return f"{STATUS_LABELS[before]} -> {STATUS_LABELS[after]}"


# --- intake ---------------------------------------------------------------------------------


def citizen_by_nik(nik: str) -> CitizenInfo | None:
    """The details last given with this NIK, to fill in the intake form; None when new."""
    digits = "".join(ch for ch in str(nik or "") if ch.isdigit())
    if len(digits) != validation.NIK_LENGTH:
        return None
    row = Citizen.get_or_none(Citizen.nik == digits)
    if row is None:
        return None
    return CitizenInfo(row.nik, row.name, row.kk_number, row.phone, row.desa)


def _check_channel(value: object) -> str:
    channel = str(value or "").strip().lower()
    if channel not in CHANNELS:
        raise InvalidInput(_("Saluran permohonan harus walk_in (loket) atau whatsapp."))
    return channel


def _upsert_citizen(nik: str, name: str, kk_number: str, phone: str, desa: str) -> Citizen:
    now = clock.now_utc()
    citizen = Citizen.get_or_none(Citizen.nik == nik)
    if citizen is None:
        return Citizen.create(nik=nik, name=name, kk_number=kk_number, phone=phone, desa=desa, updated_at=now)
    # Latest name wins; details left blank this time keep what the office already knew.
    changes = {"name": name, "updated_at": now}
    for field, value in (("kk_number", kk_number), ("phone", phone), ("desa", desa)):
        if value:
            changes[field] = value
    Citizen.update(**changes).where(Citizen.id == citizen.id).execute()
    return Citizen.get_by_id(citizen.id)


def _next_reg_no(day: date) -> str:
    """YYYYMMDD-NNNN from the day's counter row, incremented in the caller's transaction."""
    rows = list(
        RequestDailyCounter.insert(day=day, last_number=1)
        .on_conflict(
            conflict_target=[RequestDailyCounter.day],
            update={RequestDailyCounter.last_number: RequestDailyCounter.last_number + 1},
        )
        .returning(RequestDailyCounter.last_number)
        .tuples()
        .execute()
    )
    return f"{day:%Y%m%d}-{rows[0][0]:04d}"


def create_request(
    actor: Actor,
    *,
    service_code: str,
    nik: str,
    name: str,
    kk_number: str = "",
    phone: str = "",
    desa: str = "",
    channel: str = "walk_in",
    ticket_id: int | None = None,
    counter_number: int | None = None,
    urgent: bool = False,
) -> RequestInfo:
    """Take a request at the desk or from WhatsApp and give it its registration number.

    A suspended service is refused, except an urgent-only one (perekaman KTP-el) when the
    linked ticket was marked urgent or a supervisor passes `urgent=True`.
    """
    require(actor, Role.OPERATOR)
    nik = validation.validate_nik(nik).nik
    name = clean_name(name)
    if not name:
        raise InvalidInput(_("Nama pemohon wajib diisi."))
    phone = validation.optional_phone(phone)
    channel = _check_channel(channel)
    kk_given = clean_text(kk_number, 40)
    if urgent and not actor.can(Role.SUPERVISOR):
        raise PermissionDenied(_("Hanya supervisor yang dapat menerima permohonan mendesak untuk layanan yang ditunda."))
    today = clock.today()
    holidays = office_holidays(today)
    with database.atomic():
        service = Service.get_or_none(Service.code == str(service_code or "").strip().upper())
        if service is None or not service.active:
            raise NotFound(_("Layanan {code} tidak ada.").format(code=clean_text(service_code, 40)))
        kk_number = validation.validate_kk(kk_given) if (service.needs_kk or kk_given) else ""
        desa = active_desa_name(desa) if clean_text(desa, NAME_MAX) else ""
        ticket = None
        if ticket_id is not None:
            ticket = Ticket.get_or_none(Ticket.id == ticket_id)
            if ticket is None:
                raise NotFound(_("Tiket antrian itu tidak ada."))
        counter = None
        if counter_number is not None:
            counter = Counter.get_or_none(Counter.number == counter_number)
            if counter is None:
                raise NotFound(_("Loket {n} tidak ada.").format(n=counter_number))
        if service.suspended:
            allowed = service.urgent_only and (urgent or (ticket is not None and ticket.urgent))
            if not allowed:
                if service.suspended_reason:
                    raise Refused(_("Layanan {name} sedang ditunda: {reason}").format(
                        name=service.name, reason=service.suspended_reason.rstrip(".") + "."))
                raise Refused(_("Layanan {name} sedang ditunda.").format(name=service.name))
        citizen = _upsert_citizen(nik, name, kk_number, phone, desa)
        now = clock.now_utc()
        reg_no = _next_reg_no(today)
        row = Request.create(
            reg_no=reg_no,
            service=service.id,
            citizen=citizen.id,
            nik=nik,
            name=name,
            kk_number=kk_number,
            phone=phone,
            desa=desa,
            channel=channel,
            status=S.RECEIVED.value,
            ticket=ticket.id if ticket else None,
            counter=counter.id if counter else None,
            created_by=actor.id,
            created_at=now,
            updated_at=now,
            due_date=add_working_days(today, service.target_days, holidays),
        )
        requirements = (
            ServiceRequirement.select()
            .where((ServiceRequirement.service == service.id) & (ServiceRequirement.kind == "berkas"))
            .order_by(ServiceRequirement.position, ServiceRequirement.id)
        )
        for position, requirement in enumerate(requirements):
            RequestItem.create(request=row.id, position=position, text=requirement.text, mandatory=requirement.mandatory)
        detail = f"{reg_no} {service.code}, {name} ({mask_nik(nik)}), {CHANNEL_LABELS[channel]}"
        if service.suspended:
            detail += ", mendesak"
        audit.record(actor, "permohonan_dibuat", "request", row.id, detail)
        return _info(row, service, today)


# --- checklist ------------------------------------------------------------------------------


def save_checklist(actor: Actor, request_id: int | str, items: Iterable[tuple[int, bool, str]]) -> RequestInfo:
    """Record which requirements the citizen brought; the request becomes complete when every
    mandatory one is checked, incomplete otherwise. Items not listed keep their state."""
    require(actor, Role.OPERATOR)
    wanted = {}
    for entry in items:
        item_id, checked, note = entry
        wanted[int(item_id)] = (bool(checked), clean_note(note))
    with database.atomic():
        row = request_row(request_id)
        before = _check_state(A.CHECKLIST, row)
        current = {item.id: item for item in item_rows(row.id)}
        for item_id in wanted:
            if item_id not in current:
                raise InvalidInput(_("Butir daftar periksa {id} bukan milik permohonan {reg_no}.").format(id=item_id, reg_no=row.reg_no))
        changed = 0
        for item_id, (checked, note) in wanted.items():
            item = current[item_id]
            if bool(item.checked) != checked or item.note != note:
                RequestItem.update(checked=checked, note=note).where(RequestItem.id == item_id).execute()
                item.checked, item.note = checked, note
                changed += 1
        mandatory = [item for item in current.values() if item.mandatory]
        done = sum(1 for item in mandatory if item.checked)
        after = S.COMPLETE if done == len(mandatory) else S.INCOMPLETE
        if after != before:
            compare_and_set_status(row, before, status=after.value)
        elif changed:
            Request.update(updated_at=clock.now_utc()).where(Request.id == row.id).execute()
        if changed or after != before:
            detail = f"berkas wajib {done}/{len(mandatory)}, {changed} butir diubah"
            if after != before:
                detail += f"; {describe_move(before, after)}"
            audit.record(actor, "daftar_periksa_disimpan", "request", row.id, detail)
        return _info(Request.get_by_id(row.id))


def items_of(request_id: int | str) -> list[ItemInfo]:
    row = request_row(request_id)
    return [_item_info(item) for item in item_rows(row.id)]


def missing_items(request_id: int | str) -> list[ItemInfo]:
    """The mandatory requirements not yet checked, in checklist order."""
    return [item for item in items_of(request_id) if item.mandatory and not item.checked]


# --- status moves ---------------------------------------------------------------------------


def start_processing(actor: Actor, request_id: int | str) -> RequestInfo:
    """complete -> processing; refused while a mandatory requirement is unchecked."""
    require(actor, Role.OPERATOR)
    with database.atomic():
        row = request_row(request_id)
        status = _status(row)
        missing = [item for item in item_rows(row.id) if item.mandatory and not item.checked]
        if missing and status in CHECKLIST_STATES:
            raise Refused(_("Berkas wajib belum lengkap ({items}); permohonan {reg_no} belum dapat diproses.").format(
                items=_missing_text(missing), reg_no=row.reg_no))
        _check_state(A.PROCESS, row)
        compare_and_set_status(row, status, status=S.PROCESSING.value)
        audit.record(actor, "mulai_diproses", "request", row.id, describe_move(status, S.PROCESSING))
        return _info(Request.get_by_id(row.id))


def mark_ready(actor: Actor, request_id: int | str) -> RequestInfo:
    """processing -> ready: the document is finished and waits at the office."""
    require(actor, Role.OPERATOR)
    with database.atomic():
        row = request_row(request_id)
        status = _check_state(A.READY, row)
        compare_and_set_status(row, status, status=S.READY.value, ready_at=clock.now_utc())
        audit.record(actor, "dokumen_siap", "request", row.id, describe_move(status, S.READY))
        return _info(Request.get_by_id(row.id))


def cancel_request(actor: Actor, request_id: int | str, reason: str) -> RequestInfo:
    """Any state before ready -> cancelled (the citizen withdraws, a duplicate entry)."""
    require(actor, Role.OPERATOR)
    reason = _reason(reason, _("pembatalan"))
    with database.atomic():
        row = request_row(request_id)
        status = _check_state(A.CANCEL, row)
        compare_and_set_status(row, status, status=S.CANCELLED.value, reason=reason, closed_at=clock.now_utc())
        audit.record(actor, "permohonan_dibatalkan", "request", row.id, f"{describe_move(status, S.CANCELLED)}: {reason}")
        return _info(Request.get_by_id(row.id))


def reject_request(actor: Actor, request_id: int | str, reason: str) -> RequestInfo:
    """Any state before ready -> rejected; the office's decision, so a supervisor's."""
    require(actor, Role.SUPERVISOR)
    reason = _reason(reason, _("penolakan"))
    with database.atomic():
        row = request_row(request_id)
        status = _check_state(A.REJECT, row)
        compare_and_set_status(row, status, status=S.REJECTED.value, reason=reason, closed_at=clock.now_utc())
        audit.record(actor, "permohonan_ditolak", "request", row.id, f"{describe_move(status, S.REJECTED)}: {reason}")
        return _info(Request.get_by_id(row.id))


def reopen_request(actor: Actor, request_id: int | str, reason: str) -> RequestInfo:
    """A supervisor's override: cancelled or rejected -> received (the checklist as it was, the
    original due date kept), or ready -> processing (the document needs redoing)."""
    require(actor, Role.SUPERVISOR)
    reason = _reason(reason, _("membuka kembali permohonan"))
    with database.atomic():
        row = request_row(request_id)
        status = _check_state(A.REOPEN, row)
        target = REOPEN_TARGET[status]
        if target is S.PROCESSING:
            compare_and_set_status(row, status, status=target.value, ready_at=None)
        else:
            compare_and_set_status(row, status, status=target.value, reason="", closed_at=None)
        audit.record(actor, "permohonan_dibuka_kembali", "request", row.id, f"{describe_move(status, target)}: {reason}")
        return _info(Request.get_by_id(row.id))


# --- reading --------------------------------------------------------------------------------


def allowed_actions(status: str | RequestStatus, actor: Actor | None = None, *, has_missing: bool = True, has_phone: bool = True) -> tuple[str, ...]:
    """The actions that apply to a request in `status` (and, given an actor, that the role allows)."""
    status = RequestStatus(status)
    out = []
    for action, states in ACTION_STATES.items():
        if status not in states:
            continue
        if actor is not None and not actor.can(ACTION_ROLES.get(action, Role.OPERATOR)):
            continue
        if action is A.CONTACT_MISSING and not (has_missing and has_phone):
            continue
        if action in (A.CONTACT_READY, A.DELIVER) and not has_phone:
            continue
        out.append(action.value)
    return tuple(out)


def _timeline(row: Request) -> tuple[TimelineEntry, ...]:
    entries: list[tuple[datetime, int, TimelineEntry]] = []
    events = (
        AuditEvent.select()
        .where((AuditEvent.table_name == "request") & (AuditEvent.record_id == row.id))
        .order_by(AuditEvent.id)
    )
    for event in events:
        title = ACTION_LABELS[event.action] if event.action in ACTION_LABELS else event.action
        entries.append((event.at, 0, TimelineEntry(clock.to_local(event.at), "audit", event.actor, title, event.detail)))
    contacts = (
        Contact.select(Contact, Staff)
        .join(Staff, join_type=JOIN.LEFT_OUTER, on=(Contact.staff == Staff.id))
        .where(Contact.request == row.id)
        .order_by(Contact.id)
    )
    for contact in contacts:
        title = CONTACT_LABELS[contact.kind] if contact.kind in CONTACT_LABELS else contact.kind
        who = contact.staff.username if contact.staff_id else ""
        entries.append((contact.at, 1, TimelineEntry(clock.to_local(contact.at), "contact", who, title, contact.message)))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return tuple(entry[2] for entry in entries)


def _pickup_record(row: Request) -> PickupRecord | None:
    pickup = Pickup.get_or_none(Pickup.request == row.id)
    if pickup is None:
        return None
    staff = Staff.get_or_none(Staff.id == pickup.staff_id) if pickup.staff_id else None
    return PickupRecord(
        kind=pickup.collector_kind,
        collector_name=pickup.collector_name,
        collector_nik_masked=mask_nik(pickup.collector_nik) if pickup.collector_nik else "",
        note=pickup.note,
        staff=(staff.full_name or staff.username) if staff else "",
        at=clock.to_local(pickup.at),
    )


def get_request(ref: int | str, actor: Actor | None = None) -> RequestDetail:
    """Everything the request detail shows, with the NIK masked; see `reveal_nik` for the full one."""
    row = request_row(ref)
    service = Service.get_by_id(row.service_id)
    items = tuple(_item_info(item) for item in item_rows(row.id))
    ticket = Ticket.get_or_none(Ticket.id == row.ticket_id) if row.ticket_id else None
    counter = Counter.get_or_none(Counter.id == row.counter_id) if row.counter_id else None
    creator = Staff.get_or_none(Staff.id == row.created_by_id) if row.created_by_id else None
    has_missing = any(item.mandatory and not item.checked for item in items)
    return RequestDetail(
        request=_info(row, service),
        kk_masked=mask_nik(row.kk_number) if row.kk_number else "",
        ticket_code=ticket.code if ticket else "",
        counter_number=counter.number if counter else None,
        created_by=(creator.full_name or creator.username) if creator else "",
        items=items,
        timeline=_timeline(row),
        pickup=_pickup_record(row),
        allowed_actions=allowed_actions(row.status, actor, has_missing=has_missing, has_phone=bool(row.phone)),
    )


def reveal_nik(actor: Actor, request_id: int | str) -> str:
    """The full NIK of the applicant, for a supervisor or admin; every reveal is audited."""
    require(actor, Role.SUPERVISOR)
    with database.atomic():
        row = request_row(request_id)
        audit.record(actor, "nik_ditampilkan", "request", row.id, row.reg_no)
        return row.nik


def _statuses(status: str | RequestStatus | Iterable | None) -> list[str] | None:
    if status is None or status == "":
        return None
    values = [status] if isinstance(status, (str, RequestStatus)) else list(status)
    out = []
    for value in values:
        try:
            out.append(RequestStatus(getattr(value, "value", value)).value)
        except ValueError:
            raise InvalidInput(_("Status {status} tidak dikenal.").format(status=clean_text(value, 40))) from None
    return out


def _text_condition(text: str):
    compact = text.replace(" ", "")
    conditions = [Request.name.contains(text)]
    if re.fullmatch(r"[0-9][0-9-]*", compact):
        conditions.append(Request.reg_no.startswith(compact))
        if len(compact) == validation.NIK_LENGTH and compact.isdigit():
            conditions.append(Request.nik == compact)
    if re.fullmatch(r"\+?[0-9 ().-]{6,}", text):
        try:
            conditions.append(Request.phone == validation.normalize_phone(text))
        except AppError:
            pass  # not a phone number: the other conditions still apply
    return reduce(operator.or_, conditions)


def search_requests(
    text: str = "",
    status: str | Iterable[str] | None = None,
    service_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    offset: int = 0,
    limit: int = 50,
    *,
    overdue: bool = False,
) -> Page:
    """One page of requests, newest first, counted and cut in SQL.

    `text` matches a registration number (whole or its start), a NIK (exact), a phone number
    (in any common writing) or part of the name, ignoring case. Dates are local days of intake.
    `overdue` keeps the requests not yet ready whose target day has passed.
    """
    query = Request.select(Request, Service).join(Service, on=(Request.service == Service.id))
    conditions = []
    text = clean_text(text, 100)
    if text:
        conditions.append(_text_condition(text))
    statuses = _statuses(status)
    if statuses is not None:
        conditions.append(Request.status.in_(statuses))
    if service_code:
        conditions.append(Service.code == str(service_code).strip().upper())
    if date_from is not None:
        conditions.append(Request.created_at >= clock.local_day_bounds(date_from)[0])
    if date_to is not None:
        conditions.append(Request.created_at < clock.local_day_bounds(date_to)[1])
    today = clock.today()
    if overdue:
        conditions.append(Request.status.in_([s.value for s in BEFORE_READY]) & (Request.due_date < today))
    if conditions:
        query = query.where(reduce(operator.and_, conditions))
    total = query.count()
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_PAGE))
    rows = query.order_by(Request.created_at.desc(), Request.id.desc()).offset(offset).limit(limit)
    return Page([_info(row, row.service, today) for row in rows], total, offset, limit)


def status_counts(day: date | None = None) -> dict[str, int]:
    """Requests per status, plus "overdue" and "picked_up_today" (collected or sent on `day`)."""
    day = day or clock.today()
    counts = {s.value: 0 for s in RequestStatus}
    for status, count in Request.select(Request.status, fn.COUNT(Request.id)).group_by(Request.status).tuples():
        counts[status] = count
    counts["overdue"] = (
        Request.select()
        .where(Request.status.in_([s.value for s in BEFORE_READY]) & (Request.due_date < day))
        .count()
    )
    start, end = clock.local_day_bounds(day)
    counts["picked_up_today"] = Pickup.select().where((Pickup.at >= start) & (Pickup.at < end)).count()
    return counts


def request_json(info: RequestInfo) -> dict:
    """The request as the command line's --json prints it (field names fixed by DESIGN.md)."""
    return {
        "reg_no": info.reg_no,
        "service": info.service_code,
        "status": info.status,
        "nik_masked": info.nik_masked,
        "name": info.name,
        "phone": info.phone,
        "channel": info.channel,
        "created_at": info.created_at.isoformat(timespec="seconds"),
    }


def request_info(ref: int | str) -> RequestInfo:
    row = request_row(ref)
    return _info(row)
