"""Queue tickets (antrian): issuing daily-numbered tickets and moving them through their states
at the counters (loket). What the counter screen, the kiosk and the board read is in
core.queue_views.

A ticket moves through these states (`TicketStatus`); the moves are the table `TICKETS` (see
core.transitions):

    waiting -> called -> serving -> done
    called  -> no_show            (after the configured number of unanswered calls)
    no_show -> waiting            (requeue: the citizen came back; place by issue time kept)
    waiting/called -> waiting     (transfer to another service or counter; code and place kept)
    waiting/called -> cancelled   (a reason is required)

Numbers run per service prefix per local day and are never reused. Every change is one
transaction that also writes its audit row; refusals are one Indonesian sentence and leave the
ticket as it was. Tickets carry no personal data, so every view of them may go to a public board.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from peewee import JOIN, fn

from tui_kecamatan.core import accounts, audit, clock
from tui_kecamatan.core.accounts import Actor, Approval, Role, require
from tui_kecamatan.core.text import REASON_MAX, clean_note, clean_text
from tui_kecamatan.core.transitions import Move, RecordKind, Step
from tui_kecamatan.db.models import (
    Counter,
    CounterService,
    HealthCheck,
    Service,
    ServiceRequirement,
    Setting,
    Ticket,
    database,
)
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tui_kecamatan.i18n import _

NO_SHOW_SETTING = "queue.no_show_calls"
DEFAULT_NO_SHOW_CALLS = 3
MAX_NO_SHOW_CALLS = 20
SERVICE_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
TICKET_CODE_RE = re.compile(r"^([A-Z]{1,3})\s*-?\s*0*(\d{1,5})$")

# Audit action names for the queue; the board's call marker reads the first two.
ACTION_ISSUE = "tiket_diambil"
ACTION_CALL = "tiket_dipanggil"
ACTION_RECALL = "tiket_dipanggil_ulang"
ACTION_START = "tiket_dilayani"
ACTION_FINISH = "tiket_selesai"
ACTION_NO_SHOW = "tiket_tidak_hadir"
ACTION_REQUEUE = "tiket_antre_ulang"
ACTION_TRANSFER = "tiket_dipindahkan"
ACTION_CANCEL = "tiket_dibatalkan"
ACTION_PROTOCOL = "tiket_protokol_kesehatan"
CALL_ACTIONS = (ACTION_CALL, ACTION_RECALL)


class TicketStatus(str, Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "waiting": _("Menunggu"),
            "called": _("Dipanggil"),
            "serving": _("Dilayani"),
            "done": _("Selesai"),
            "no_show": _("Tidak hadir"),
            "cancelled": _("Dibatalkan"),
        }[self.value]


WAITING = TicketStatus.WAITING.value
CALLED = TicketStatus.CALLED.value
SERVING = TicketStatus.SERVING.value
DONE = TicketStatus.DONE.value
NO_SHOW = TicketStatus.NO_SHOW.value
CANCELLED = TicketStatus.CANCELLED.value


def status_label(status: str) -> str:
    """The Indonesian word for a stored status ('Menunggu', 'Dipanggil' ...)."""
    try:
        return TicketStatus(status).label
    except ValueError:
        return status


# --- what leaves this module ------------------------------------------------------------------


@dataclass(frozen=True)
class TicketInfo:
    """A ticket as screens, the CLI and printers see it. Times are naive UTC (see core.clock)."""

    id: int
    code: str  # "A-007"; kept through a transfer
    number: int
    prefix: str
    service_code: str
    service_name: str
    status: str  # a TicketStatus value
    day: date  # local day of issue
    ahead: int  # waiting tickets of the same service before this one (0 unless waiting)
    issued_at: datetime
    call_count: int
    counter_number: int | None  # the calling counter, or the counter a waiting ticket was sent to
    urgent: bool
    printed: bool | None = None  # filled in by whoever prints the ticket
    first_called_at: datetime | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    reason: str = ""  # cancel reason or transfer note
    protocol_required: bool = False  # the service has mandatory health-protocol items
    protocol_done: bool = False

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def is_open(self) -> bool:
        """Still in the queue or at a counter (waiting, called or serving)."""
        return self.status in (WAITING, CALLED, SERVING)

    def waited_minutes(self, now: datetime | None = None) -> int:
        """Whole minutes since issue, up to the first call if there was one."""
        end = self.first_called_at if self.status != WAITING and self.first_called_at else (now or clock.now_utc())
        return max(0, int((end - self.issued_at).total_seconds() // 60))

    def as_json(self) -> dict:
        """The CLI's JSON shape: {code, number, service, status, day, ahead, printed}."""
        return {
            "code": self.code,
            "number": self.number,
            "service": self.service_code,
            "status": self.status,
            "day": self.day.isoformat(),
            "ahead": self.ahead,
            "printed": self.printed,
        }


@dataclass(frozen=True)
class ProtocolItem:
    """A health-protocol step of the ticket's service and whether it was checked for the ticket."""

    id: int  # the ServiceRequirement id
    text: str
    mandatory: bool
    checked: bool


# --- helpers ----------------------------------------------------------------------------------


def no_show_calls() -> int:
    """How many unanswered calls make a ticket a no-show (Setting queue.no_show_calls)."""
    row = Setting.get_or_none(Setting.key == NO_SHOW_SETTING)
    try:
        value = int(str(row.value).strip()) if row is not None else DEFAULT_NO_SHOW_CALLS
    except ValueError:
        return DEFAULT_NO_SHOW_CALLS
    return min(MAX_NO_SHOW_CALLS, max(1, value))


def normalise_service_code(value: object) -> str:
    """Service codes are case-insensitive on input and stored upper-case."""
    code = clean_text(value, 40).upper()
    if not SERVICE_CODE_RE.match(code):
        shown = code or _("(kosong)")
        raise InvalidInput(_("Kode layanan '{code}' tidak valid; pakai huruf, angka dan garis bawah, mis. KK.").format(code=shown))
    return code


def check_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(_("{what} tidak valid.").format(what=what))
    return value


def day_or_today(day: date | None) -> date:
    if day is None:
        return clock.today()
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidInput(_("Tanggal tidak valid."))
    return day


def ticket_query():
    return (
        Ticket.select(Ticket, Service, Counter)
        .join(Service)
        .switch(Ticket)
        .join(Counter, JOIN.LEFT_OUTER)
    )


def at_counter(counter_id: int, day: date) -> Ticket | None:
    """The ticket a counter is serving or else calling on `day`, if any."""
    return (
        ticket_query()
        .where((Ticket.day == day) & (Ticket.counter == counter_id) & (Ticket.status.in_((CALLED, SERVING))))
        .order_by(Ticket.status.desc(), Ticket.called_at.desc())  # "serving" sorts before "called"
        .first()
    )


def _load(ticket_id: object) -> Ticket:
    ticket_id = check_id(ticket_id, _("Nomor tiket"))
    ticket = ticket_query().where(Ticket.id == ticket_id).first()
    if ticket is None:
        raise NotFound(_("Tiket {id} tidak ada.").format(id=ticket_id))
    return ticket


def _counter(number: object) -> Counter:
    number = check_id(number, _("Nomor loket"))
    counter = Counter.get_or_none(Counter.number == number)
    if counter is None:
        raise NotFound(_("Loket {n} tidak ada.").format(n=number))
    if not counter.active:
        raise Refused(_("Loket {n} tidak aktif.").format(n=number))
    return counter


def _mandatory_protocol(service_id: int) -> list[ServiceRequirement]:
    return list(
        ServiceRequirement.select()
        .where(
            (ServiceRequirement.service == service_id)
            & (ServiceRequirement.kind == "protokol")
            & (ServiceRequirement.mandatory == True)  # noqa: E712 - peewee expression
        )
        .order_by(ServiceRequirement.position, ServiceRequirement.id)
    )


def _ahead(ticket: Ticket) -> int:
    """Waiting tickets of the same service and day that call_next would take before this one."""
    if ticket.status != WAITING:
        return 0
    earlier = (Ticket.issued_at < ticket.issued_at) | ((Ticket.issued_at == ticket.issued_at) & (Ticket.id < ticket.id))
    before = (Ticket.urgent > ticket.urgent) | ((Ticket.urgent == ticket.urgent) & earlier)
    return (
        Ticket.select()
        .where(
            (Ticket.day == ticket.day)
            & (Ticket.service == ticket.service_id)
            & (Ticket.status == WAITING)
            & (Ticket.id != ticket.id)
            & before
        )
        .count()
    )


def protocol_service_ids() -> set[int]:
    """Ids of the services with at least one mandatory health-protocol step."""
    query = (
        ServiceRequirement.select(ServiceRequirement.service)
        .where((ServiceRequirement.kind == "protokol") & (ServiceRequirement.mandatory == True))  # noqa: E712
        .distinct()
        .tuples()
    )
    return {service_id for (service_id,) in query}


def info_from_row(ticket: Ticket, ahead: int | None = None, protocol_services: set[int] | None = None) -> TicketInfo:
    service = ticket.service
    if protocol_services is None:
        protocol_services = protocol_service_ids()
    counter = ticket.counter
    return TicketInfo(
        id=ticket.id,
        code=ticket.code,
        number=ticket.number,
        prefix=ticket.prefix,
        service_code=service.code,
        service_name=service.name,
        status=ticket.status,
        day=ticket.day,
        ahead=_ahead(ticket) if ahead is None else ahead,
        issued_at=ticket.issued_at,
        call_count=ticket.call_count,
        counter_number=counter.number if counter is not None else None,
        urgent=bool(ticket.urgent),
        first_called_at=ticket.first_called_at,
        called_at=ticket.called_at,
        started_at=ticket.started_at,
        finished_at=ticket.finished_at,
        reason=ticket.reason,
        protocol_required=service.id in protocol_services,
        protocol_done=bool(ticket.protocol_done),
    )


def _reload(ticket_id: int) -> TicketInfo:
    return info_from_row(_load(ticket_id))


def _require_today(ticket: Ticket) -> None:
    """A ticket is valid on the day it was issued; yesterday's leftovers are only closed, never called."""
    if ticket.day != clock.today():
        raise Refused(
            _("Tiket {code} berasal dari {day}; nomor antrian hanya berlaku pada hari diambil.").format(
                code=ticket.code, day=ticket.day.strftime("%d-%m-%Y")
            )
        )


def _issued_today(step: Step) -> None:
    _require_today(step.row)


def _protocol_complete(step: Step) -> None:
    """A service with mandatory health-protocol steps (perekaman KTP-el) is served only after
    `record_health_protocol` recorded all of them checked."""
    ticket = step.row
    done = {item.text for item in _protocol_items(ticket) if item.checked}
    missing = [r.text for r in _mandatory_protocol(ticket.service_id) if r.text not in done]
    if missing:
        raise Refused(
            _("Protokol kesehatan {code} belum lengkap; belum dicentang: {item}.").format(
                code=ticket.code, item=clean_text(missing[0], 200).rstrip(".")
            )
        )


def _code_and_reason(step: Step) -> str:
    return step.row.code + (f": {step.reason}" if step.reason else "")


# The moves of a ticket (see core.transitions). `apply` makes start, finish, no_show, requeue and
# cancel; recall, transfer and the health protocol have steps of their own and take their state
# check and refusal from here. Calling the next ticket starts from no ticket, so it has no row.
TICKETS = RecordKind(
    table="ticket",
    model=Ticket,
    load=_load,
    reload=_reload,
    fields=lambda ticket: {"code": ticket.code},
    status_text=lambda status: status_label(status).lower(),
    conflict="Tiket {code} baru saja diubah di loket lain; muat ulang daftar antrian.",
    detail=_code_and_reason,
    moves={
        "recall": Move(
            frozenset({CALLED}), None, "{code} tidak dapat dipanggil ulang karena statusnya {status}.", ACTION_RECALL
        ),
        "start": Move(
            frozenset({CALLED}), SERVING, "{code} tidak dapat mulai dilayani karena statusnya {status}.", ACTION_START,
            checks=(_issued_today, _protocol_complete),
            values=lambda step: {"started_at": step.now, "staff": step.actor.id},
        ),
        "finish": Move(
            frozenset({SERVING}), DONE, "{code} tidak dapat diselesaikan karena statusnya {status}.", ACTION_FINISH,
            values=lambda step: {"finished_at": step.now},
        ),
        "no_show": Move(
            frozenset({CALLED}), NO_SHOW, "{code} tidak dapat ditandai tidak hadir karena statusnya {status}.", ACTION_NO_SHOW,
            detail=lambda step: f"{step.row.code}: ditandai setelah {step.row.call_count} kali dipanggil",
        ),
        "requeue": Move(
            frozenset({NO_SHOW}), WAITING, "{code} tidak dapat dikembalikan ke antrian karena statusnya {status}.",
            ACTION_REQUEUE,
            checks=(_issued_today,),
            values=lambda step: {"counter": None, "call_count": 0},
        ),
        "transfer": Move(
            frozenset({WAITING, CALLED}), WAITING, "{code} tidak dapat dipindahkan karena statusnya {status}.", ACTION_TRANSFER
        ),
        "cancel": Move(
            frozenset({WAITING, CALLED}), CANCELLED, "{code} tidak dapat dibatalkan karena statusnya {status}.", ACTION_CANCEL,
            reason="Alasan pembatalan wajib diisi.",
            values=lambda step: {"reason": step.reason},
        ),
        "protocol": Move(
            frozenset({WAITING, CALLED}), None, "Protokol kesehatan {code} tidak dapat dicatat karena statusnya {status}.",
            ACTION_PROTOCOL,
        ),
    },
)


def _check(move: str, ticket: Ticket) -> None:
    """Refuse `move` unless the ticket is in a state it starts from, and issued today."""
    TICKETS.check(move, ticket)
    _require_today(ticket)


def _expire(actor: Actor, ticket: Ticket) -> None:
    """A called ticket that used all its calls becomes no_show."""
    TICKETS.compare_and_set(ticket, CALLED, status=NO_SHOW)
    audit.record(actor, ACTION_NO_SHOW, "ticket", ticket.id, f"{ticket.code}: tidak hadir setelah {ticket.call_count} kali dipanggil")


def _active_service(code: str) -> Service:
    service = Service.get_or_none(Service.code == code)
    if service is None:
        raise NotFound(_("Layanan dengan kode {code} tidak ada.").format(code=code))
    if not service.active:
        raise Refused(_("Layanan {name} tidak aktif.").format(name=service.name))
    return service


def _check_service_accepts(service: Service, urgent: bool, actor: Actor | None) -> None:
    """Whether `service` takes a (possibly urgent) ticket from `actor`.

    A suspended service refuses with its reason, unless it is urgent-only (perekaman KTP-el
    during the pandemic): then a supervisor may still give an urgent ticket. An urgent-only
    service never takes a normal ticket.
    """
    name = service.name
    if service.urgent_only and urgent:
        if actor is None or not actor.can(Role.SUPERVISOR):
            raise PermissionDenied(
                _("Nomor mendesak untuk layanan {name} hanya dapat diberikan oleh supervisor.").format(name=name)
            )
        return
    if service.suspended:
        reason = clean_text(service.suspended_reason, REASON_MAX).rstrip(".")
        if reason:
            raise Refused(_("Layanan {name} ditunda: {reason}.").format(name=name, reason=reason))
        raise Refused(_("Layanan {name} ditunda.").format(name=name))
    if service.urgent_only:
        raise Refused(
            _("Layanan {name} hanya untuk keperluan mendesak; minta supervisor memberi nomor mendesak.").format(name=name)
        )


def _next_number(day: date, prefix: str) -> int:
    """The next number of `prefix` on `day`, in the caller's transaction: one
    INSERT ... ON CONFLICT DO UPDATE ... RETURNING, so two desks never get the same number."""
    p = database.param
    cursor = database.execute_sql(
        f"INSERT INTO daily_counter (day, prefix, last_number) VALUES ({p}, {p}, 1) "
        "ON CONFLICT (day, prefix) DO UPDATE SET last_number = daily_counter.last_number + 1 "
        "RETURNING last_number",
        (day.isoformat(), prefix),
    )
    number = cursor.fetchone()[0]
    # A counter row older than the tickets (a partial restore, a hand edit) would make the UNIQUE
    # backstop refuse every ticket of the day; continue after the highest number instead.
    highest = (
        Ticket.select(fn.MAX(Ticket.number)).where((Ticket.day == day) & (Ticket.prefix == prefix)).scalar()
    )
    if highest is not None and highest >= number:
        number = highest + 1
        database.execute_sql(
            f"UPDATE daily_counter SET last_number = {p} WHERE day = {p} AND prefix = {p}",
            (number, day.isoformat(), prefix),
        )
    return number


def format_code(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


# --- issuing ----------------------------------------------------------------------------------


def issue_ticket(actor: Actor | None, service_code: str, *, urgent: bool = False,
                 approval: Approval | None = None) -> TicketInfo:
    """Give the next number of the service for today.

    Anyone may take a normal ticket: the kiosk and board accounts, and `None` for the command
    line without login (audited as "sistem"). An urgent ticket (served first) needs an operator;
    on an urgent-only service (perekaman KTP-el) it needs a supervisor: the actor, or one who
    approved it at the operator's desk (`approval`, from `accounts.approve_urgent`; it implies
    `urgent`). The approving supervisor and the reason are kept on the ticket and in the audit.
    """
    code = normalise_service_code(service_code)
    if approval is not None:
        urgent = True
    if urgent:
        require(actor, Role.OPERATOR)
    with database.atomic():
        service = _active_service(code)
        approved_by = accounts.approver(approval) if approval is not None else None
        if approved_by is None and urgent and service.urgent_only and actor is not None and actor.can(Role.SUPERVISOR):
            approved_by = actor  # a supervisor's own urgent ticket
        _check_service_accepts(service, urgent, approved_by or actor)
        day = clock.today()
        number = _next_number(day, service.prefix)
        reason = approval.reason if approval is not None else ""
        ticket = Ticket.create(
            day=day,
            prefix=service.prefix,
            number=number,
            code=format_code(service.prefix, number),
            service=service,
            status=WAITING,
            urgent=bool(urgent),
            issued_at=clock.now_utc(),
            urgent_reason=reason,
            approved_by=approved_by.id if approved_by is not None else None,
        )
        detail = f"{ticket.code} {service.code}" + (" mendesak" if urgent else "")
        if approval is not None:
            detail += f", disetujui {approved_by.username}: {reason}"
        audit.record(actor, ACTION_ISSUE, "ticket", ticket.id, detail)
        info = _reload(ticket.id)
    return info


# --- at the counter ---------------------------------------------------------------------------


def call_next(actor: Actor, counter_number: int) -> TicketInfo | None:
    """Call the next ticket to a counter; None when nobody is waiting for it.

    The next ticket is today's oldest waiting one, urgent tickets first, among tickets sent to
    this counter by a transfer and tickets of the services the counter serves (CounterService;
    a counter without links serves every service).

    A counter handles one citizen at a time:
    - while it serves a ticket, the call is refused ("Selesaikan dulu A-003 ...");
    - while its called ticket has not used all its calls (Setting queue.no_show_calls), the call
      is refused: the operator recalls it, starts serving, or marks it no-show on purpose, so a
      citizen walking up is never skipped by an impatient key press;
    - once the called ticket has been called that many times without an answer, it becomes
      no_show (it may be requeued later) and the next ticket is called.
    """
    require(actor, Role.OPERATOR)
    with database.atomic():
        counter = _counter(counter_number)
        day = clock.today()
        now = clock.now_utc()
        current = at_counter(counter.id, day)
        if current is not None and current.status == SERVING:
            raise Refused(
                _("Selesaikan dulu {code} di loket {n} sebelum memanggil nomor berikutnya.").format(
                    code=current.code, n=counter.number
                )
            )
        if current is not None:
            limit = no_show_calls()
            if current.call_count < limit:
                raise Refused(
                    _("{code} masih dipanggil di loket {n}; panggil ulang, mulai layani, atau tandai tidak hadir dulu.").format(
                        code=current.code, n=counter.number
                    )
                )
            _expire(actor, current)

        service_ids = [link.service_id for link in CounterService.select().where(CounterService.counter == counter.id)]
        general = Ticket.counter.is_null()
        if service_ids:
            general &= Ticket.service.in_(service_ids)
        candidate = (
            Ticket.select()
            .where((Ticket.day == day) & (Ticket.status == WAITING) & ((Ticket.counter == counter.id) | general))
            .order_by(Ticket.urgent.desc(), Ticket.issued_at, Ticket.id)
            .first()
        )
        if candidate is None:
            return None
        TICKETS.compare_and_set(
            candidate,
            WAITING,
            status=CALLED,
            counter=counter.id,
            staff=actor.id,
            call_count=candidate.call_count + 1,
            first_called_at=candidate.first_called_at or now,
            called_at=now,
        )
        audit.record(actor, ACTION_CALL, "ticket", candidate.id, f"{candidate.code} ke loket {counter.number}")
        info = _reload(candidate.id)
    return info


def recall(actor: Actor, ticket_id: int) -> TicketInfo:
    """Call a called ticket again (call count +1).

    A ticket already called the configured number of times (Setting queue.no_show_calls) is not
    called again: it becomes no_show, and the returned info has status "no_show".
    """
    require(actor, Role.OPERATOR)
    with database.atomic():
        ticket = _load(ticket_id)
        _check("recall", ticket)
        if ticket.call_count >= no_show_calls():
            _expire(actor, ticket)
        else:
            TICKETS.compare_and_set(ticket, CALLED, call_count=ticket.call_count + 1, called_at=clock.now_utc())
            counter = ticket.counter.number if ticket.counter is not None else "-"
            audit.record(actor, ACTION_RECALL, "ticket", ticket.id, f"{ticket.code} ke loket {counter}, panggilan ke-{ticket.call_count + 1}")
        info = _reload(ticket.id)
    return info


def health_protocol_items(ticket_id: int) -> list[ProtocolItem]:
    """The health-protocol steps of the ticket's service and which were checked for it."""
    ticket = _load(ticket_id)
    return _protocol_items(ticket)


def _protocol_items(ticket: Ticket) -> list[ProtocolItem]:
    checked = {
        row.text
        for row in HealthCheck.select().where((HealthCheck.ticket == ticket.id) & (HealthCheck.checked == True))  # noqa: E712
    }
    requirements = (
        ServiceRequirement.select()
        .where((ServiceRequirement.service == ticket.service_id) & (ServiceRequirement.kind == "protokol"))
        .order_by(ServiceRequirement.position, ServiceRequirement.id)
    )
    return [ProtocolItem(r.id, r.text, bool(r.mandatory), r.text in checked) for r in requirements]


def record_health_protocol(actor: Actor, ticket_id: int, checked: list[int]) -> list[ProtocolItem]:
    """Record which health-protocol steps were done for a ticket before it is served.

    `checked` lists the requirement ids (from `health_protocol_items`) that were done; a new
    record replaces the previous one. Ticket.protocol_done is set when every mandatory step is
    checked. Returns the items as recorded.
    """
    require(actor, Role.OPERATOR)
    if isinstance(checked, (str, bytes)) or not hasattr(checked, "__iter__"):
        raise InvalidInput(_("Daftar butir protokol kesehatan tidak valid."))
    ids = {check_id(value, _("Butir protokol kesehatan")) for value in checked}
    with database.atomic():
        ticket = _load(ticket_id)
        _check("protocol", ticket)
        requirements = list(
            ServiceRequirement.select()
            .where((ServiceRequirement.service == ticket.service_id) & (ServiceRequirement.kind == "protokol"))
            .order_by(ServiceRequirement.position, ServiceRequirement.id)
        )
        if not requirements:
            raise Refused(_("Layanan {name} tidak memakai protokol kesehatan.").format(name=ticket.service.name))
        unknown = ids - {r.id for r in requirements}
        if unknown:
            raise InvalidInput(
                _("Butir {id} bukan protokol kesehatan layanan {name}.").format(id=min(unknown), name=ticket.service.name)
            )
        now = clock.now_utc()
        HealthCheck.delete().where(HealthCheck.ticket == ticket.id).execute()
        for requirement in requirements:
            HealthCheck.create(ticket=ticket.id, text=requirement.text, checked=requirement.id in ids, staff=actor.id, at=now)
        mandatory = [r for r in requirements if r.mandatory]
        done = all(r.id in ids for r in mandatory)
        Ticket.update(protocol_done=done).where(Ticket.id == ticket.id).execute()
        audit.record(
            actor, ACTION_PROTOCOL, "ticket", ticket.id,
            f"{ticket.code}: {sum(r.id in ids for r in mandatory)} dari {len(mandatory)} butir wajib"
            + (" (lengkap)" if done else " (belum lengkap)"),
        )
        items = _protocol_items(ticket)
    return items


def start_serving(actor: Actor, ticket_id: int) -> TicketInfo:
    """The called citizen came to the counter. A service with mandatory health-protocol steps
    (perekaman KTP-el) is refused until `record_health_protocol` recorded all of them checked."""
    return TICKETS.apply(actor, "start", ticket_id)


def finish(actor: Actor, ticket_id: int) -> TicketInfo:
    """The citizen was served (also closes a ticket left serving at the end of a past day)."""
    return TICKETS.apply(actor, "finish", ticket_id)


def mark_no_show(actor: Actor, ticket_id: int) -> TicketInfo:
    """The called citizen did not come, whatever the number of calls so far."""
    return TICKETS.apply(actor, "no_show", ticket_id)


def requeue(actor: Actor, ticket_id: int) -> TicketInfo:
    """A no-show citizen came back: the ticket waits again at its old place (issue time kept),
    for any counter of its service, with a fresh count of calls."""
    return TICKETS.apply(actor, "requeue", ticket_id)


def transfer(
    actor: Actor,
    ticket_id: int,
    *,
    service_code: str | None = None,
    counter_number: int | None = None,
    note: str = "",
) -> TicketInfo:
    """Send a waiting or called ticket to another service, to a given counter, or both.

    The ticket keeps its code and issue time, so it takes its place by issue time in the new
    queue; it waits again with a fresh count of calls. A ticket sent to a counter is called only
    by that counter. The target service must take the ticket as `issue_ticket` would.
    """
    require(actor, Role.OPERATOR)
    if service_code is None and counter_number is None:
        raise InvalidInput(_("Pilih layanan atau loket tujuan pemindahan."))
    target_code = normalise_service_code(service_code) if service_code is not None else None
    note = clean_note(note)
    with database.atomic():
        ticket = _load(ticket_id)
        _check("transfer", ticket)
        service = ticket.service
        if target_code is not None:
            service = _active_service(target_code)
            if service.id != ticket.service_id:
                _check_service_accepts(service, bool(ticket.urgent), actor)
        counter = _counter(counter_number) if counter_number is not None else None
        same_service = service.id == ticket.service_id
        same_counter = counter is not None and ticket.counter_id == counter.id
        if ticket.status == WAITING and same_service and (counter is None or same_counter):
            raise Refused(_("{code} sudah berada di antrian tujuan itu.").format(code=ticket.code))
        TICKETS.compare_and_set(
            ticket,
            ticket.status,
            status=WAITING,
            service=service.id,
            counter=counter.id if counter is not None else None,
            call_count=0,
            reason=note,
        )
        where = [service.name] + ([_("loket {n}").format(n=counter.number)] if counter is not None else [])
        audit.record(
            actor, ACTION_TRANSFER, "ticket", ticket.id,
            f"{ticket.code} dari {ticket.service.code} ke {' '.join(where)}" + (f": {note}" if note else ""),
        )
        info = _reload(ticket.id)
    return info


def cancel(actor: Actor, ticket_id: int, reason: str) -> TicketInfo:
    """Cancel a waiting or called ticket; the reason is required and its number is not reused."""
    return TICKETS.apply(actor, "cancel", ticket_id, reason)


# --- reading ------------------------------------------------------------------------------


def ticket_info(ticket_id: int) -> TicketInfo:
    return _reload(ticket_id)


def find_ticket(code: str, day: date | None = None) -> TicketInfo | None:
    """The ticket with a code such as 'A-007' (also 'a7', 'A 007') on a day (today by default)."""
    text = clean_text(code, 20).upper()
    match = TICKET_CODE_RE.match(text)
    if not match:
        raise InvalidInput(_("Nomor antrian '{code}' tidak valid; contoh: A-007.").format(code=text))
    prefix, number = match.group(1), int(match.group(2))
    ticket = (
        ticket_query()
        .where((Ticket.day == day_or_today(day)) & (Ticket.prefix == prefix) & (Ticket.number == number))
        .first()
    )
    return info_from_row(ticket) if ticket is not None else None
