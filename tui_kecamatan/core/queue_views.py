"""What the queue looks like today, read for the counter screen, the home screen, the kiosk and
the waiting-room board: tickets per service, the waiting line in call order, each counter's
current ticket, and the board's calls. Reading only; every change is in core.tickets.

Tickets carry no personal data, so all of it may go to a public board.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import fn

from tui_kecamatan.core import clock
from tui_kecamatan.core.text import REASON_MAX, clean_text
from tui_kecamatan.core.tickets import (
    CALL_ACTIONS,
    CALLED,
    DONE,
    NO_SHOW,
    SERVING,
    WAITING,
    TicketInfo,
    at_counter,
    check_id,
    day_or_today,
    info_from_row,
    protocol_service_ids,
    ticket_query,
)
from tui_kecamatan.db.models import AuditEvent, Counter, Service, Ticket
from tui_kecamatan.errors import InvalidInput, NotFound
from tui_kecamatan.i18n import _

WAITING_LIMIT_MAX = 1000


@dataclass(frozen=True)
class ServiceQueue:
    """Today's queue of one service, for the home screen, the counter screen and the board."""

    code: str
    name: str
    prefix: str
    suspended: bool
    reason: str  # why it is suspended
    urgent_only: bool
    waiting: int
    called: int
    serving: int
    done: int


@dataclass(frozen=True)
class BoardCall:
    """One call shown on the waiting-room board. `sequence` is the audit id of the ticket's latest
    call, so a board tells a new call (or a recall of the same ticket) from one it already showed."""

    code: str
    counter_number: int | None
    counter_name: str
    service_name: str
    call_count: int
    called_at: datetime
    sequence: int


@dataclass(frozen=True)
class BoardState:
    day: date
    last_call: BoardCall | None
    previous: list[BoardCall] = field(default_factory=list)
    waiting: list[ServiceQueue] = field(default_factory=list)
    marker: int = 0  # last_call_marker() when the state was read


def queue_overview(day: date | None = None) -> list[ServiceQueue]:
    """Each active service in display order with the day's ticket counts."""
    day = day_or_today(day)
    counts: dict[tuple[int, str], int] = {}
    query = (
        Ticket.select(Ticket.service, Ticket.status, fn.COUNT(Ticket.id).alias("n"))
        .where(Ticket.day == day)
        .group_by(Ticket.service, Ticket.status)
        .tuples()
    )
    for service_id, status, n in query:
        counts[(service_id, status)] = n
    services = Service.select().where(Service.active == True).order_by(Service.position, Service.id)  # noqa: E712
    return [
        ServiceQueue(
            code=s.code,
            name=s.name,
            prefix=s.prefix,
            suspended=bool(s.suspended),
            reason=clean_text(s.suspended_reason, REASON_MAX) if s.suspended else "",
            urgent_only=bool(s.urgent_only),
            waiting=counts.get((s.id, WAITING), 0),
            called=counts.get((s.id, CALLED), 0),
            serving=counts.get((s.id, SERVING), 0),
            done=counts.get((s.id, DONE), 0),
        )
        for s in services
    ]


def waiting_tickets(day: date | None = None, limit: int = 200) -> list[TicketInfo]:
    """The day's waiting and called tickets in the order call_next takes them (urgent first,
    then by issue time), at most `limit`; `ahead` is filled for the waiting ones."""
    day = day_or_today(day)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise InvalidInput(_("Batas jumlah baris tidak valid."))
    limit = max(1, min(WAITING_LIMIT_MAX, limit))
    rows = (
        ticket_query()
        .where((Ticket.day == day) & (Ticket.status.in_((WAITING, CALLED))))
        .order_by(Ticket.urgent.desc(), Ticket.issued_at, Ticket.id)
        .limit(limit)
    )
    # The rows come in queue order, so the waiting tickets already listed per service are
    # exactly the ones ahead: no query per row.
    seen: dict[int, int] = {}
    protocol_services = protocol_service_ids()
    out = []
    for ticket in rows:
        ahead = 0
        if ticket.status == WAITING:
            ahead = seen.get(ticket.service_id, 0)
            seen[ticket.service_id] = ahead + 1
        out.append(info_from_row(ticket, ahead, protocol_services))
    return out


def counter_current(counter_number: int, day: date | None = None) -> TicketInfo | None:
    """The ticket a counter is calling or serving now, if any."""
    number = check_id(counter_number, _("Nomor loket"))
    counter = Counter.get_or_none(Counter.number == number)
    if counter is None:
        raise NotFound(_("Loket {n} tidak ada.").format(n=number))
    ticket = at_counter(counter.id, day_or_today(day))
    return info_from_row(ticket, 0) if ticket is not None else None


def last_call_marker() -> int:
    """A cheap number that changes with every call and recall today: the audit id of the latest
    one (0 before the first call of the day). The board polls it and redraws when it changes."""
    start, end = clock.local_day_bounds(clock.today())
    value = (
        AuditEvent.select(fn.MAX(AuditEvent.id))
        .where(
            (AuditEvent.at >= start)
            & (AuditEvent.at < end)
            & (AuditEvent.table_name == "ticket")
            & (AuditEvent.action.in_(CALL_ACTIONS))
        )
        .scalar()
    )
    return value or 0


def board_state(day: date | None = None, previous: int = 5) -> BoardState:
    """What the waiting-room board shows: the latest call, the calls before it (one per ticket,
    newest first) and how many wait per service. Codes, counters and services only."""
    day = day_or_today(day)
    previous = max(0, min(20, int(previous)))
    marker = last_call_marker() if day == clock.today() else 0
    rows = list(
        ticket_query()
        .where(
            (Ticket.day == day)
            & Ticket.called_at.is_null(False)
            # A ticket sent back to waiting (transfer, requeue) or cancelled is no longer a call.
            & (Ticket.status.in_((CALLED, SERVING, DONE, NO_SHOW)))
        )
        .order_by(Ticket.called_at.desc(), Ticket.id.desc())
        .limit(previous + 1)
    )
    sequences: dict[int, int] = {}
    if rows:
        query = (
            AuditEvent.select(AuditEvent.record_id, fn.MAX(AuditEvent.id))
            .where(
                (AuditEvent.table_name == "ticket")
                & (AuditEvent.record_id.in_([t.id for t in rows]))
                & (AuditEvent.action.in_(CALL_ACTIONS))
            )
            .group_by(AuditEvent.record_id)
            .tuples()
        )
        sequences = dict(query)
    calls = [
        BoardCall(
            code=t.code,
            counter_number=t.counter.number if t.counter is not None else None,
            counter_name=clean_text(t.counter.name, 40) if t.counter is not None else "",
            service_name=t.service.name,
            call_count=t.call_count,
            called_at=t.called_at,
            sequence=sequences.get(t.id, 0),
        )
        for t in rows
    ]
    return BoardState(
        day=day,
        last_call=calls[0] if calls else None,
        previous=calls[1:],
        waiting=queue_overview(day),
        marker=marker,
    )
