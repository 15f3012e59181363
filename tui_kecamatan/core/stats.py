"""The figures on the home screen: today's queue per service, requests by status, arrivals per hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import fn

from tui_kecamatan.core import clock
from tui_kecamatan.core.text import clean_name
from tui_kecamatan.db.models import Pickup, Request, Service, Ticket

# Statuses in which a request is still the office's work and can run past its target date.
OPEN_STATUSES = ("received", "incomplete", "complete", "processing")
# Office hours the arrivals chart always covers, so a quiet morning still shows its empty hours.
FIRST_HOUR = 7
LAST_HOUR = 16


@dataclass(frozen=True)
class ServiceLine:
    """Today's tickets of one service."""

    prefix: str
    name: str
    waiting: int
    in_service: int  # called or being served
    done: int
    suspended: bool


@dataclass(frozen=True)
class HomeFigures:
    day: date
    services: tuple[ServiceLine, ...]
    received: int
    incomplete: int
    complete: int
    processing: int
    ready: int
    overdue: int
    picked_up_today: int
    first_hour: int
    arrivals: tuple[int, ...]  # tickets issued per local hour, from first_hour on
    failed_prints: int = 0  # print jobs waiting to be printed again (printjobs.failed_count)

    @property
    def tickets_today(self) -> int:
        return sum(self.arrivals)

    @property
    def busiest_hour(self) -> int | None:
        if not any(self.arrivals):
            return None
        return self.first_hour + self.arrivals.index(max(self.arrivals))


def _ticket_counts(day: date) -> dict[tuple[int, str], int]:
    query = (
        Ticket.select(Ticket.service, Ticket.status, fn.COUNT(Ticket.id).alias("n"))
        .where(Ticket.day == day)
        .group_by(Ticket.service, Ticket.status)
        .tuples()
    )
    return {(service_id, status): n for service_id, status, n in query}


def _arrivals(day: date) -> tuple[int, tuple[int, ...]]:
    hours: dict[int, int] = {}
    for (issued_at,) in Ticket.select(Ticket.issued_at).where(Ticket.day == day).tuples():
        local = clock.to_local(issued_at)
        if local is not None:
            hours[local.hour] = hours.get(local.hour, 0) + 1
    first = min([FIRST_HOUR, *hours])
    last = max([LAST_HOUR, *hours])
    return first, tuple(hours.get(hour, 0) for hour in range(first, last + 1))


def home_figures(day: date | None = None) -> HomeFigures:
    """Everything the home screen shows for the local `day` (today by default)."""
    day = day or clock.today()
    counts = _ticket_counts(day)
    services = []
    for service in Service.select().where(Service.active).order_by(Service.position, Service.id):
        get = lambda *statuses: sum(counts.get((service.id, s), 0) for s in statuses)  # noqa: E731
        services.append(
            ServiceLine(
                prefix=clean_name(service.prefix),
                name=clean_name(service.name),
                waiting=get("waiting"),
                in_service=get("called", "serving"),
                done=get("done"),
                suspended=bool(service.suspended),
            )
        )
    by_status = dict(
        Request.select(Request.status, fn.COUNT(Request.id)).group_by(Request.status).tuples()
    )
    overdue = (
        Request.select()
        .where(Request.status.in_(OPEN_STATUSES) & Request.due_date.is_null(False) & (Request.due_date < day))
        .count()
    )
    start, end = clock.local_day_bounds(day)
    # An electronic delivery is "Dikirim elektronik", not a collection at the desk.
    picked_up = (
        Pickup.select()
        .where((Pickup.at >= start) & (Pickup.at < end) & (Pickup.collector_kind != "electronic"))
        .count()
    )
    first_hour, arrivals = _arrivals(day)
    from tui_kecamatan.core import printjobs  # loaded on first use: the printing modules come with it

    return HomeFigures(
        day=day,
        services=tuple(services),
        received=by_status.get("received", 0),
        incomplete=by_status.get("incomplete", 0),
        complete=by_status.get("complete", 0),
        processing=by_status.get("processing", 0),
        ready=by_status.get("ready", 0),
        overdue=overdue,
        picked_up_today=picked_up,
        first_hour=first_hour,
        arrivals=arrivals,
        failed_prints=printjobs.failed_count(),
    )
