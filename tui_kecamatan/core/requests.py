"""Requests (permohonan): intake, the requirement checklist, the status lifecycle, and the views
the request screens and the command line show of one request. Searching is core.request_search;
the states, actions and their labels are core.request_labels.

Lifecycle (each move one transaction with its audit row; every other move is refused with a
sentence and leaves the request as it was). The moves are the table `REQUESTS` (see
core.transitions):

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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN

from tui_kecamatan.core import accounts, audit, clock, validation
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.desa import active_desa_name
from tui_kecamatan.core.request_labels import (
    ACTION_LABELS,
    BEFORE_READY,
    CHANNEL_LABELS,
    CHANNELS,
    CHECKLIST_STATES,
    CONTACT_LABELS,
    STATUS_LABELS,
    RequestAction,
    RequestStatus,
    describe_move,
)
from tui_kecamatan.core.text import NAME_MAX, REASON_MAX, clean_name, clean_note, clean_text, mask_nik
from tui_kecamatan.core.transitions import Move, RecordKind, Step
from tui_kecamatan.core.workdays import add_working_days, is_overdue, office_holidays
from tui_kecamatan.db.models import (
    AuditEvent,
    Citizen,
    Contact,
    Counter,
    HealthCheck,
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
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tui_kecamatan.i18n import _

S = RequestStatus
A = RequestAction


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
    urgent: bool = False  # taken for a suspended service on a supervisor's approval
    urgent_reason: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel] if self.channel in CHANNEL_LABELS else self.channel

    def as_json(self) -> dict:
        """The command line's JSON shape: reg_no, service, status, nik_masked, name, phone,
        channel, created_at; nothing else (no NIK in full, no address)."""
        return {
            "reg_no": self.reg_no,
            "service": self.service_code,
            "status": self.status,
            "nik_masked": self.nik_masked,
            "name": self.name,
            "phone": self.phone,
            "channel": self.channel,
            "created_at": self.created_at.isoformat(timespec="seconds"),
        }


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


# --- helpers --------------------------------------------------------------------------------


def info_from_row(row: Request, service: Service | None = None, today: date | None = None) -> RequestInfo:
    service = service or row.service
    status = RequestStatus(row.status)
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
        urgent=bool(row.urgent),
        urgent_reason=row.urgent_reason,
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


def _reload(request_id: int) -> RequestInfo:
    return info_from_row(Request.get_by_id(request_id))


def _checklist_complete(row: Request) -> None:
    """Before the state check of `process`: a request whose checklist still lacks mandatory items
    is told which ones, rather than only its state."""
    if row.status not in CHECKLIST_STATES:
        return
    missing = [item for item in item_rows(row.id) if item.mandatory and not item.checked]
    if missing:
        raise Refused(_("Berkas wajib belum lengkap ({items}); permohonan {reg_no} belum dapat diproses.").format(
            items=_missing_text(missing), reg_no=row.reg_no))


def _move_and_reason(step: Step) -> str:
    return describe_move(step.source, step.target) + (f": {step.reason}" if step.reason else "")


def _closing(step: Step) -> dict:
    return {"reason": step.reason, "closed_at": step.now}


def _reopening(step: Step) -> dict:
    if step.target == S.PROCESSING.value:
        return {"ready_at": None}  # the document needs redoing
    return {"reason": "", "closed_at": None}  # the checklist as it was, the original due date kept


# The moves of a request (see core.transitions), in the order `allowed_actions` lists them.
# Rows without a target are made by functions with steps of their own: the checklist (its
# state follows the items), pickup and delivery (core.pickup).
REQUESTS = RecordKind(
    table="request",
    model=Request,
    load=request_row,
    reload=_reload,
    fields=lambda row: {"reg_no": row.reg_no},
    status_text=lambda status: STATUS_LABELS[status],
    conflict="Permohonan {reg_no} baru saja diubah petugas lain; muat ulang lalu coba lagi.",
    detail=_move_and_reason,
    touched="updated_at",
    moves={
        A.CHECKLIST: Move(
            CHECKLIST_STATES, None,
            "Permohonan {reg_no} berstatus {status}; daftar periksa berkas hanya dapat diubah sebelum permohonan diproses.",
            "daftar_periksa_disimpan",
        ),
        A.PROCESS: Move(
            frozenset({S.COMPLETE}), S.PROCESSING,
            "Permohonan {reg_no} berstatus {status}; hanya permohonan dengan berkas lengkap yang dapat mulai diproses.",
            "mulai_diproses",
            guard=_checklist_complete,
        ),
        A.READY: Move(
            frozenset({S.PROCESSING}), S.READY,
            "Permohonan {reg_no} berstatus {status}; hanya permohonan yang sedang diproses yang dapat ditandai siap diambil.",
            "dokumen_siap",
            values=lambda step: {"ready_at": step.now},
        ),
        A.PICKUP: Move(
            frozenset({S.READY}), S.PICKED_UP, "Dokumen belum siap diambil (status: {status}).", "dokumen_diambil"
        ),
        A.DELIVER: Move(
            frozenset({S.READY}), S.DELIVERED, "Dokumen belum siap diambil (status: {status}).", "dokumen_dikirim"
        ),
        A.CANCEL: Move(
            BEFORE_READY, S.CANCELLED,
            "Permohonan {reg_no} berstatus {status}; permohonan hanya dapat dibatalkan sebelum dokumennya siap.",
            "permohonan_dibatalkan",
            reason="Alasan pembatalan wajib diisi.",
            values=_closing,
        ),
        A.REJECT: Move(
            BEFORE_READY, S.REJECTED,
            "Permohonan {reg_no} berstatus {status}; permohonan hanya dapat ditolak sebelum dokumennya siap.",
            "permohonan_ditolak",
            role=Role.SUPERVISOR,
            reason="Alasan penolakan wajib diisi.",
            values=_closing,
        ),
        A.REOPEN: Move(
            frozenset({S.CANCELLED, S.REJECTED, S.READY}), {S.CANCELLED: S.RECEIVED, S.REJECTED: S.RECEIVED, S.READY: S.PROCESSING},
            "Permohonan {reg_no} berstatus {status}; hanya permohonan yang dibatalkan, ditolak atau siap diambil yang dapat dibuka kembali.",
            "permohonan_dibuka_kembali",
            role=Role.SUPERVISOR,
            reason="Alasan membuka kembali permohonan wajib diisi.",
            values=_reopening,
        ),
    },
)

# Which actions apply in which states, and who may take them: the moves above, then the actions
# that change no state (contacting the citizen, showing the full NIK).
ACTION_STATES: dict[RequestAction, frozenset[RequestStatus]] = {
    **{action: move.sources for action, move in REQUESTS.moves.items()},
    A.CONTACT_MISSING: frozenset({S.RECEIVED, S.INCOMPLETE}),
    A.CONTACT_READY: frozenset({S.READY}),
    A.REVEAL_NIK: frozenset(S),
}
ACTION_ROLES: dict[RequestAction, Role] = {
    **{action: move.role for action, move in REQUESTS.moves.items() if move.role is not Role.OPERATOR},
    A.REVEAL_NIK: Role.SUPERVISOR,
}


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


def _next_reg_no(day: date) -> tuple[str, int]:
    """YYYYMMDD-NNNN and its daily sequence from the day's counter row, incremented in the
    caller's transaction."""
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
    return f"{day:%Y%m%d}-{rows[0][0]:04d}", rows[0][0]


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
    approval: accounts.Approval | None = None,
) -> RequestInfo:
    """Take a request at the desk or from WhatsApp and give it its registration number.

    A suspended service is refused, except an urgent-only one (perekaman KTP-el) taken as urgent:
    when the linked ticket was an urgent one (its approval is copied), or with `urgent=True` by
    a supervisor or with a supervisor's `approval` (from `accounts.approve_urgent`, which implies
    `urgent`). The request keeps the reason and the approving supervisor.
    """
    require(actor, Role.OPERATOR)
    if approval is not None:
        urgent = True
    nik = validation.validate_nik(nik).nik
    name = clean_name(name)
    if not name:
        raise InvalidInput(_("Nama pemohon wajib diisi."))
    phone = validation.optional_phone(phone)
    channel = _check_channel(channel)
    kk_given = clean_text(kk_number, 40)
    if urgent and approval is None and not actor.can(Role.SUPERVISOR):
        raise PermissionDenied(_("Hanya supervisor yang dapat menerima permohonan mendesak untuk layanan yang ditunda; "
                                 "minta persetujuan supervisor."))
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
        approved_by = accounts.approver(approval) if approval is not None else (actor if urgent else None)
        urgent_reason = approval.reason if approval is not None else ""
        approval_note = f", disetujui {approved_by.username}: {urgent_reason}" if approval is not None else ""
        if service.suspended and not urgent and ticket is not None and ticket.urgent:
            # Taken for an urgent ticket: the ticket's approval stands for the request.
            urgent = True
            urgent_reason = ticket.urgent_reason
            approved_by = Staff.get_or_none(Staff.id == ticket.approved_by_id) if ticket.approved_by_id else None
            if approved_by is not None:
                approval_note = f", disetujui {approved_by.username} (tiket {ticket.code})"
        if service.suspended:
            allowed = service.urgent_only and urgent
            if not allowed:
                if service.suspended_reason:
                    raise Refused(_("Layanan {name} sedang ditunda: {reason}").format(
                        name=service.name, reason=service.suspended_reason.rstrip(".") + "."))
                raise Refused(_("Layanan {name} sedang ditunda.").format(name=service.name))
        citizen = _upsert_citizen(nik, name, kk_number, phone, desa)
        now = clock.now_utc()
        reg_no, reg_seq = _next_reg_no(today)
        row = Request.create(
            reg_no=reg_no,
            reg_seq=reg_seq,
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
            urgent=bool(urgent),
            urgent_reason=urgent_reason,
            approved_by=approved_by.id if approved_by is not None else None,
        )
        requirements = (
            ServiceRequirement.select()
            .where((ServiceRequirement.service == service.id) & (ServiceRequirement.kind == "berkas"))
            .order_by(ServiceRequirement.position, ServiceRequirement.id)
        )
        for position, requirement in enumerate(requirements):
            RequestItem.create(request=row.id, position=position, text=requirement.text, mandatory=requirement.mandatory)
        detail = f"{reg_no} {service.code}, {name} ({mask_nik(nik)}), {CHANNEL_LABELS[channel]}"
        if urgent:
            detail += ", mendesak" + approval_note
        audit.record(actor, "permohonan_dibuat", "request", row.id, detail)
        return info_from_row(row, service, today)


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
        before = REQUESTS.check(A.CHECKLIST, row)
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
            REQUESTS.compare_and_set(row, before, status=after.value)
        elif changed:
            Request.update(updated_at=clock.now_utc()).where(Request.id == row.id).execute()
        if changed or after != before:
            detail = f"berkas wajib {done}/{len(mandatory)}, {changed} butir diubah"
            if after != before:
                detail += f"; {describe_move(before, after)}"
            audit.record(actor, "daftar_periksa_disimpan", "request", row.id, detail)
        return info_from_row(Request.get_by_id(row.id))


def items_of(request_id: int | str) -> list[ItemInfo]:
    row = request_row(request_id)
    return [_item_info(item) for item in item_rows(row.id)]


def missing_items(request_id: int | str) -> list[ItemInfo]:
    """The mandatory requirements not yet checked, in checklist order."""
    return [item for item in items_of(request_id) if item.mandatory and not item.checked]


# --- status moves ---------------------------------------------------------------------------


def start_processing(actor: Actor, request_id: int | str) -> RequestInfo:
    """complete -> processing; refused while a mandatory requirement is unchecked."""
    return REQUESTS.apply(actor, A.PROCESS, request_id)


def mark_ready(actor: Actor, request_id: int | str) -> RequestInfo:
    """processing -> ready: the document is finished and waits at the office."""
    return REQUESTS.apply(actor, A.READY, request_id)


def cancel_request(actor: Actor, request_id: int | str, reason: str) -> RequestInfo:
    """Any state before ready -> cancelled (the citizen withdraws, a duplicate entry)."""
    return REQUESTS.apply(actor, A.CANCEL, request_id, reason)


def reject_request(actor: Actor, request_id: int | str, reason: str) -> RequestInfo:
    """Any state before ready -> rejected; the office's decision, so a supervisor's."""
    return REQUESTS.apply(actor, A.REJECT, request_id, reason)


def reopen_request(actor: Actor, request_id: int | str, reason: str) -> RequestInfo:
    """A supervisor's override: cancelled or rejected -> received (the checklist as it was, the
    original due date kept), or ready -> processing (the document needs redoing)."""
    return REQUESTS.apply(actor, A.REOPEN, request_id, reason)


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
        request=info_from_row(row, service),
        kk_masked=mask_nik(row.kk_number) if row.kk_number else "",
        ticket_code=ticket.code if ticket else "",
        counter_number=counter.number if counter else None,
        created_by=(creator.full_name or creator.username) if creator else "",
        items=items,
        timeline=_timeline(row),
        pickup=_pickup_record(row),
        allowed_actions=allowed_actions(row.status, actor, has_missing=has_missing, has_phone=bool(row.phone)),
    )


@dataclass(frozen=True)
class ProtocolStep:
    """A health-protocol step recorded for the request's ticket: done or not, by whom, when."""

    text: str
    checked: bool
    staff: str
    at: datetime  # local, aware


@dataclass(frozen=True)
class UrgentCase:
    """Why a request was taken as urgent and which supervisor approved it, and the health
    protocol recorded for its ticket (perekaman KTP-el); empty for an ordinary request."""

    urgent: bool
    reason: str
    approved_by: str
    ticket_code: str
    protocol: tuple[ProtocolStep, ...]


def urgent_case(ref: int | str) -> UrgentCase:
    """The urgency and the ticket's health protocol of a request, for its detail."""
    row = request_row(ref)
    approver = Staff.get_or_none(Staff.id == row.approved_by_id) if row.approved_by_id else None
    ticket = Ticket.get_or_none(Ticket.id == row.ticket_id) if row.ticket_id else None
    steps: tuple[ProtocolStep, ...] = ()
    if ticket is not None:
        checks = (
            HealthCheck.select(HealthCheck, Staff)
            .join(Staff, join_type=JOIN.LEFT_OUTER, on=(HealthCheck.staff == Staff.id))
            .where(HealthCheck.ticket == ticket.id)
            .order_by(HealthCheck.id)
        )
        steps = tuple(
            ProtocolStep(check.text, bool(check.checked), check.staff.username if check.staff_id else "",
                         clock.to_local(check.at))
            for check in checks
        )
    return UrgentCase(
        urgent=bool(row.urgent),
        reason=row.urgent_reason,
        approved_by=(approver.full_name or approver.username) if approver else "",
        ticket_code=ticket.code if ticket else "",
        protocol=steps,
    )


def reveal_nik(actor: Actor, request_id: int | str) -> str:
    """The full NIK of the applicant, for a supervisor or admin; every reveal is audited."""
    require(actor, ACTION_ROLES[A.REVEAL_NIK])
    with database.atomic():
        row = request_row(request_id)
        audit.record(actor, "nik_ditampilkan", "request", row.id, row.reg_no)
        return row.nik


# The applicant's details a supervisor may correct, as the timeline names them.
CORRECTABLE = {"name": "nama", "phone": "telepon", "kk_number": "nomor KK"}


def correct_applicant(actor: Actor, request_ref: int | str, *, reason: str, name: str | None = None,
                      phone: str | None = None, kk_number: str | None = None) -> RequestInfo:
    """Correct the applicant's name, phone or KK number on a request and on the citizen's record
    (supervisor and up), with a reason. The audit names the fields changed and the reason, not the
    values: the trail is kept for ever, personal data only for the retention period."""
    require(actor, Role.SUPERVISOR)
    reason = clean_text(reason, REASON_MAX)
    if not reason:
        raise InvalidInput(_("Tulis alasan koreksi data pemohon."))
    given = {"name": name, "phone": phone, "kk_number": kk_number}
    if all(value is None for value in given.values()):
        raise InvalidInput(_("Tidak ada data pemohon yang dikoreksi."))
    values: dict[str, str] = {}
    if name is not None:
        values["name"] = clean_name(name)
        if not values["name"]:
            raise InvalidInput(_("Nama pemohon wajib diisi."))
    if phone is not None:
        values["phone"] = validation.optional_phone(phone)
    if kk_number is not None:
        values["kk_number"] = validation.validate_kk(kk_number) if clean_text(kk_number, 40) else ""
    with database.atomic():
        row = request_row(request_ref)
        if row.nik == "":
            raise Refused(_("Data pemohon {reg_no} sudah dihapus karena melewati masa simpan.").format(reg_no=row.reg_no))
        if "kk_number" in values and not values["kk_number"] and row.service.needs_kk:
            raise InvalidInput(_("Nomor KK harus diisi untuk layanan {service}.").format(service=row.service.name))
        changed = {key: value for key, value in values.items() if getattr(row, key) != value}
        if not changed:
            raise InvalidInput(_("Data yang dikoreksi sama dengan yang tersimpan."))
        Request.update(**changed, updated_at=clock.now_utc()).where(Request.id == row.id).execute()
        Citizen.update(**changed, updated_at=clock.now_utc()).where(Citizen.nik == row.nik).execute()
        fields = ", ".join(CORRECTABLE[key] for key in changed)
        audit.record(actor, "data_pemohon_dikoreksi", "request", row.id, f"{fields}: {reason}")
        return info_from_row(Request.get_by_id(row.id))


def request_info(ref: int | str) -> RequestInfo:
    row = request_row(ref)
    return info_from_row(row)
