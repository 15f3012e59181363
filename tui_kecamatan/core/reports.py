"""Reports (rekap) for the head of office and the supervisors: the queue, the requests and the
urgent cases of a local day, a month or a range of days, computed in SQL.

Definitions (days are local, `clock.local_day_bounds`; the period is [date_from, date_to], both
included):

Queue, over the tickets issued in the period (`Ticket.day`), per the service each ticket is in
now (a transferred ticket counts under the service it was sent to):
- issued: every ticket; served: status done; no_show, cancelled: that status now;
- transferred: tickets moved at least once (an audit row `tiket_dipindahkan`);
- waiting minutes: issued_at to first_called_at, over tickets that were called;
- service minutes: started_at to finished_at, over served tickets;
  each as count, average, median and 90th percentile (nearest rank), rounded to 0.1 minute;
- busiest hour: the local hour with most tickets issued (the earliest on a tie) and its count;
- chart: tickets issued per local hour (daily; office hours 07-16 always shown) or per day;
- counters and operators: served tickets per counter and per staff member who called them.

Requests, per service:
- received: created in the period, by channel (walk_in, whatsapp);
- completed: the document became ready in the period (`ready_at` in the period; a request
  reopened after ready loses its ready time and counts again when it is ready again). A
  document collected later stays completed in the period it became ready;
- completed_within_target: completed with the local day of `ready_at` on or before `due_date`;
  the percentage is of completed (null when nothing was completed);
- collected self/family/proxy and delivered (electronically): pickups recorded in the period;
- rejected, cancelled: requests in that state now, closed in the period;
- contacts: messages recorded in the period, by kind (missing documents, ready);
- overdue_now: requests received by the end of the period, still open today and past their due
  date today (for a past period "now" is still today: it is the list to act on), with the
  calendar days since the due date.

Urgent: tickets issued and requests received in the period marked urgent, with the reason and
the approving supervisor as recorded.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN, Case, fn

from tui_kecamatan.core import clock
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.request_labels import BEFORE_READY
from tui_kecamatan.core.stats import FIRST_HOUR, LAST_HOUR
from tui_kecamatan.core.tickets import ACTION_TRANSFER
from tui_kecamatan.db.models import AuditEvent, Contact, Counter, Pickup, Request, Service, Staff, Ticket
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

MAX_RANGE_DAYS = 366
TOTAL = "TOTAL"


@dataclass(frozen=True)
class Minutes:
    count: int
    average: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class QueueLine:
    service: str  # service code, or "TOTAL"
    name: str
    issued: int
    served: int
    no_show: int
    cancelled: int
    transferred: int
    waiting_minutes: Minutes
    service_minutes: Minutes


@dataclass(frozen=True)
class Bar:
    label: str  # "09" (hour) or "2026-12-01" (day)
    count: int


@dataclass(frozen=True)
class Served:
    key: str  # counter number or staff username
    name: str
    served: int


@dataclass(frozen=True)
class QueueFigures:
    services: tuple[QueueLine, ...]
    total: QueueLine
    busiest_hour: int | None
    busiest_hour_count: int
    chart_unit: str  # hour | day
    chart: tuple[Bar, ...]
    counters: tuple[Served, ...]
    operators: tuple[Served, ...]


@dataclass(frozen=True)
class RequestLine:
    service: str
    name: str
    received: int
    received_walk_in: int
    received_whatsapp: int
    completed: int
    completed_within_target: int
    completed_within_target_percent: float | None
    collected_self: int
    collected_family: int
    collected_proxy: int
    delivered: int
    rejected: int
    cancelled: int


@dataclass(frozen=True)
class Overdue:
    reg_no: str
    service: str
    due_date: date
    days_over: int


@dataclass(frozen=True)
class RequestFigures:
    services: tuple[RequestLine, ...]
    total: RequestLine
    contacts_missing: int
    contacts_ready: int
    overdue_as_of: date
    overdue_now: tuple[Overdue, ...]


@dataclass(frozen=True)
class UrgentCase:
    ref: str  # ticket code or registration number
    day: date
    service: str
    urgent_reason: str
    approved_by: str  # username, "" when none was recorded


@dataclass(frozen=True)
class UrgentFigures:
    tickets: tuple[UrgentCase, ...]
    requests: tuple[UrgentCase, ...]


@dataclass(frozen=True)
class Report:
    period: str  # daily | monthly | range
    date_from: date
    date_to: date
    queue: QueueFigures
    requests: RequestFigures
    urgent: UrgentFigures

    def as_json(self) -> dict:
        """Every figure under stable snake_case names (docs/architecture.md, "Report JSON")."""
        return {
            "period": self.period,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "queue": _plain(asdict(self.queue)),
            "requests": _plain(asdict(self.requests)),
            "urgent": _plain(asdict(self.urgent)),
        }


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- the periods ------------------------------------------------------------------------------


def daily(actor: Actor, day: date | None = None) -> Report:
    """The report of one local day (today by default)."""
    require(actor, Role.SUPERVISOR)
    day = day or clock.today()
    return _build("daily", day, day)


def monthly(actor: Actor, year: int, month: int) -> Report:
    """The report of a calendar month."""
    require(actor, Role.SUPERVISOR)
    if not (1 <= int(month) <= 12) or not (2000 <= int(year) <= 9998):
        raise InvalidInput(_("Bulan rekap tidak valid; contoh: 2026-11."))
    first = date(int(year), int(month), 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return _build("monthly", first, last)


def range_report(actor: Actor, date_from: date, date_to: date) -> Report:
    """The report of any range of local days, both ends included (at most a year)."""
    require(actor, Role.SUPERVISOR)
    if date_from > date_to:
        raise InvalidInput(_("Tanggal awal rekap harus sebelum atau sama dengan tanggal akhir."))
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise InvalidInput(_("Rentang rekap paling panjang {n} hari.").format(n=MAX_RANGE_DAYS))
    return _build("range", date_from, date_to)


def _build(period: str, first: date, last: date) -> Report:
    start, _end = clock.local_day_bounds(first)
    _start, end = clock.local_day_bounds(last)
    offset = _offset_modifier(first)
    services = list(Service.select().order_by(Service.position, Service.id))
    return Report(
        period=period,
        date_from=first,
        date_to=last,
        queue=_queue(services, first, last, offset, daily=period == "daily"),
        requests=_requests(services, start, end, offset),
        urgent=_urgent(first, last, start, end),
    )


def _offset_modifier(day: date) -> str:
    """The SQLite date modifier from stored UTC to local time ("+420 minutes" for WIB); the
    Indonesian zones keep one offset all year."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=clock.zone())
    minutes = int(moment.utcoffset().total_seconds() // 60)
    return f"{minutes:+d} minutes"


# --- durations --------------------------------------------------------------------------------


def _minutes_expr(begin, finish):
    return (fn.julianday(finish) - fn.julianday(begin)) * 1440.0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 1)


def _minutes(count: int, total: float | None, values: list[float]) -> Minutes:
    if not count:
        return Minutes(0, None, None, None)
    values = sorted(values)
    n = len(values)
    middle = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    p90 = values[max(0, math.ceil(0.9 * n) - 1)]
    return Minutes(count, _round((total or 0.0) / count), _round(middle), _round(p90))


def _durations(where, begin, finish) -> tuple[dict[int, tuple[int, float]], dict[int, list[float]]]:
    """Per service id: (count, sum) in SQL, and the durations themselves for the percentiles."""
    expr = _minutes_expr(begin, finish)
    sums = {
        service_id: (n, total)
        for service_id, n, total in Ticket.select(Ticket.service, fn.COUNT(Ticket.id), fn.SUM(expr))
        .where(where).group_by(Ticket.service).tuples()
    }
    values: dict[int, list[float]] = {}
    for service_id, minutes in Ticket.select(Ticket.service, expr).where(where).tuples():
        values.setdefault(service_id, []).append(minutes)
    return sums, values


# --- queue ------------------------------------------------------------------------------------


def _queue(services: list[Service], first: date, last: date, offset: str, *, daily: bool) -> QueueFigures:
    in_period = (Ticket.day >= first) & (Ticket.day <= last)
    statuses: dict[tuple[int, str], int] = {
        (service_id, status): n
        for service_id, status, n in Ticket.select(Ticket.service, Ticket.status, fn.COUNT(Ticket.id))
        .where(in_period).group_by(Ticket.service, Ticket.status).tuples()
    }
    moved = AuditEvent.select(AuditEvent.record_id).where(
        (AuditEvent.table_name == "ticket") & (AuditEvent.action == ACTION_TRANSFER))
    transferred = dict(
        Ticket.select(Ticket.service, fn.COUNT(Ticket.id)).where(in_period & Ticket.id.in_(moved))
        .group_by(Ticket.service).tuples()
    )
    waiting_sums, waiting_values = _durations(in_period & Ticket.first_called_at.is_null(False), Ticket.issued_at,
                                              Ticket.first_called_at)
    serving_sums, serving_values = _durations(
        in_period & (Ticket.status == "done") & Ticket.started_at.is_null(False) & Ticket.finished_at.is_null(False),
        Ticket.started_at, Ticket.finished_at,
    )

    def line(code: str, name: str, ids: list[int]) -> QueueLine:
        def count(status: str | None) -> int:
            return sum(n for (sid, st), n in statuses.items() if sid in ids and (status is None or st == status))

        def minutes(sums, values) -> Minutes:
            n = sum(sums.get(sid, (0, 0.0))[0] for sid in ids)
            total = sum(sums.get(sid, (0, 0.0))[1] or 0.0 for sid in ids)
            return _minutes(n, total, [v for sid in ids for v in values.get(sid, [])])

        return QueueLine(code, name, count(None), count("done"), count("no_show"), count("cancelled"),
                         sum(transferred.get(sid, 0) for sid in ids),
                         minutes(waiting_sums, waiting_values), minutes(serving_sums, serving_values))

    used = {sid for sid, _status in statuses}
    lines = tuple(line(s.code, s.name, [s.id]) for s in services if s.active or s.id in used)
    total = line(TOTAL, _("Semua layanan"), [s.id for s in services])

    hour = fn.strftime("%H", Ticket.issued_at, offset)
    per_hour = {int(h): n for h, n in Ticket.select(hour, fn.COUNT(Ticket.id)).where(in_period).group_by(hour).tuples()}
    busiest = max(sorted(per_hour), key=lambda h: per_hour[h]) if per_hour else None
    if daily:
        low, high = min([FIRST_HOUR, *per_hour]), max([LAST_HOUR, *per_hour])
        chart = tuple(Bar(f"{h:02d}", per_hour.get(h, 0)) for h in range(low, high + 1))
    else:
        per_day = {
            (d if isinstance(d, date) else date.fromisoformat(str(d))): n
            for d, n in Ticket.select(Ticket.day, fn.COUNT(Ticket.id)).where(in_period).group_by(Ticket.day).tuples()
        }
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        chart = tuple(Bar(d.isoformat(), per_day.get(d, 0)) for d in days)

    served = in_period & (Ticket.status == "done")
    counters = tuple(
        Served(str(number), name, n)
        for number, name, n in Ticket.select(Counter.number, Counter.name, fn.COUNT(Ticket.id))
        .join(Counter).where(served).group_by(Counter.id).order_by(Counter.number).tuples()
    )
    operators = tuple(
        Served(username, full_name, n)
        for username, full_name, n in Ticket.select(Staff.username, Staff.full_name, fn.COUNT(Ticket.id))
        .join(Staff, on=(Ticket.staff == Staff.id)).where(served).group_by(Staff.id).order_by(Staff.username).tuples()
    )
    return QueueFigures(lines, total, busiest, per_hour.get(busiest, 0) if busiest is not None else 0,
                        "hour" if daily else "day", chart, counters, operators)


# --- requests ---------------------------------------------------------------------------------


def _requests(services: list[Service], start: datetime, end: datetime, offset: str) -> RequestFigures:
    def grouped(query) -> dict[tuple, int]:
        return {tuple(row[:-1]): row[-1] for row in query.tuples()}

    received = grouped(
        Request.select(Request.service, Request.channel, fn.COUNT(Request.id))
        .where((Request.created_at >= start) & (Request.created_at < end)).group_by(Request.service, Request.channel)
    )
    within = Case(None, [(fn.date(Request.ready_at, offset) <= Request.due_date, 1)], 0)
    completed = {
        sid: (n, good or 0)
        for sid, n, good in Request.select(Request.service, fn.COUNT(Request.id), fn.SUM(within))
        .where((Request.ready_at >= start) & (Request.ready_at < end)).group_by(Request.service).tuples()
    }
    collected = grouped(
        Pickup.select(Request.service, Pickup.collector_kind, fn.COUNT(Pickup.id)).join(Request)
        .where((Pickup.at >= start) & (Pickup.at < end)).group_by(Request.service, Pickup.collector_kind)
    )
    closed = grouped(
        Request.select(Request.service, Request.status, fn.COUNT(Request.id))
        .where(Request.status.in_(("rejected", "cancelled")) & (Request.closed_at >= start) & (Request.closed_at < end))
        .group_by(Request.service, Request.status)
    )
    contacts = grouped(
        Contact.select(Contact.kind, fn.COUNT(Contact.id)).where((Contact.at >= start) & (Contact.at < end))
        .group_by(Contact.kind)
    )

    def line(code: str, name: str, ids: list[int]) -> RequestLine:
        def of(table: dict, key: str) -> int:
            return sum(table.get((sid, key), 0) for sid in ids)

        done = sum(completed.get(sid, (0, 0))[0] for sid in ids)
        good = sum(completed.get(sid, (0, 0))[1] for sid in ids)
        walk_in, whatsapp = of(received, "walk_in"), of(received, "whatsapp")
        return RequestLine(
            code, name, walk_in + whatsapp, walk_in, whatsapp, done, good,
            round(100.0 * good / done, 1) if done else None,
            of(collected, "self"), of(collected, "family"), of(collected, "proxy"), of(collected, "electronic"),
            of(closed, "rejected"), of(closed, "cancelled"),
        )

    used = {key[0] for table in (received, collected, closed) for key in table} | set(completed)
    lines = tuple(line(s.code, s.name, [s.id]) for s in services if s.active or s.id in used)
    total = line(TOTAL, _("Semua layanan"), [s.id for s in services])

    today = clock.today()
    overdue = tuple(
        Overdue(reg_no, code, due, (today - due).days)
        for reg_no, code, due in Request.select(Request.reg_no, Service.code, Request.due_date).join(Service)
        .where(Request.status.in_([s.value for s in BEFORE_READY]) & (Request.created_at < end)
               & Request.due_date.is_null(False) & (Request.due_date < today))
        .order_by(Request.due_date, Request.reg_no).tuples()
    )
    return RequestFigures(lines, total, contacts.get(("missing",), 0), contacts.get(("ready",), 0), today, overdue)


# --- urgent cases -----------------------------------------------------------------------------


def _urgent(first: date, last: date, start: datetime, end: datetime) -> UrgentFigures:
    approver = Staff.alias()
    tickets = tuple(
        UrgentCase(code, day if isinstance(day, date) else date.fromisoformat(str(day)), service, reason, username or "")
        for code, day, service, reason, username in Ticket.select(
            Ticket.code, Ticket.day, Service.code, Ticket.urgent_reason, approver.username)
        .join(Service).switch(Ticket).join(approver, JOIN.LEFT_OUTER, on=(Ticket.approved_by == approver.id))
        .where((Ticket.day >= first) & (Ticket.day <= last) & (Ticket.urgent == True))  # noqa: E712
        .order_by(Ticket.issued_at, Ticket.id).tuples()
    )
    requests = tuple(
        UrgentCase(reg_no, clock.to_local(created).date(), service, reason, username or "")
        for reg_no, created, service, reason, username in Request.select(
            Request.reg_no, Request.created_at, Service.code, Request.urgent_reason, approver.username)
        .join(Service).switch(Request).join(approver, JOIN.LEFT_OUTER, on=(Request.approved_by == approver.id))
        .where((Request.created_at >= start) & (Request.created_at < end) & (Request.urgent == True))  # noqa: E712
        .order_by(Request.created_at, Request.id).tuples()
    )
    return UrgentFigures(tickets, requests)


# --- exports ----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "bagian", "from", "to", "service", "name", "issued", "served", "no_show", "cancelled", "transferred",
    "waiting_count", "waiting_average", "waiting_median", "waiting_p90",
    "service_count", "service_average", "service_median", "service_p90",
    "received", "received_walk_in", "received_whatsapp", "completed", "completed_within_target",
    "completed_within_target_percent", "collected_self", "collected_family", "collected_proxy", "delivered",
    "rejected", "label", "count", "reg_no", "ref", "day", "due_date", "days_over", "urgent_reason", "approved_by",
)


def csv_rows(report: Report) -> list[dict]:
    """The report as rows of one table: the column `bagian` names the section of each row
    (antrian_layanan, antrian_grafik, antrian_loket, antrian_petugas, permohonan_layanan,
    permohonan_terlambat, kontak, mendesak_tiket, mendesak_permohonan, periode); the other
    columns are the JSON names and stay empty where a section has no such figure."""
    rows: list[dict] = [{"bagian": "periode", "label": report.period, "from": report.date_from.isoformat(),
                         "to": report.date_to.isoformat()}]
    queue, reqs = report.queue, report.requests
    for line in (*queue.services, queue.total):
        row = {key: value for key, value in asdict(line).items() if not isinstance(value, dict)}
        for prefix, minutes in (("waiting", line.waiting_minutes), ("service", line.service_minutes)):
            row.update({f"{prefix}_{key}": value for key, value in asdict(minutes).items()})
        rows.append({"bagian": "antrian_layanan", **row})
    rows += [{"bagian": "antrian_grafik", "label": bar.label, "count": bar.count} for bar in queue.chart]
    rows += [{"bagian": "antrian_loket", "label": s.key, "name": s.name, "served": s.served} for s in queue.counters]
    rows += [{"bagian": "antrian_petugas", "label": s.key, "name": s.name, "served": s.served} for s in queue.operators]
    rows += [{"bagian": "permohonan_layanan", **asdict(line)} for line in (*reqs.services, reqs.total)]
    rows += [{"bagian": "permohonan_terlambat", "reg_no": o.reg_no, "service": o.service, "due_date": o.due_date.isoformat(),
              "days_over": o.days_over} for o in reqs.overdue_now]
    rows += [{"bagian": "kontak", "label": kind, "count": n}
             for kind, n in (("missing", reqs.contacts_missing), ("ready", reqs.contacts_ready))]
    for section, cases in (("mendesak_tiket", report.urgent.tickets), ("mendesak_permohonan", report.urgent.requests)):
        rows += [{"bagian": section, "ref": c.ref, "day": c.day.isoformat(), "service": c.service,
                  "urgent_reason": c.urgent_reason, "approved_by": c.approved_by} for c in cases]
    return [{column: _cell(row.get(column)) for column in CSV_COLUMNS} for row in rows]


# A spreadsheet runs a cell that starts with one of these as a formula: text typed by a person
# (an urgent reason, a name) gets a leading apostrophe so it is shown, never run.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def text_lines(report: Report) -> list[str]:
    """A readable summary for the terminal, in a few aligned tables."""
    queue, reqs = report.queue, report.requests
    span = report.date_from.isoformat() if report.date_from == report.date_to else \
        f"{report.date_from.isoformat()} s.d. {report.date_to.isoformat()}"
    out = [_("Rekap {span}").format(span=span), "", _("Antrian")]
    out.append(f"{_('Layanan'):<17}{_('Ambil'):>6}{_('Layani'):>7}{_('Absen'):>6}{_('Batal'):>6}{_('Pindah'):>7}"
               f"{_('Tunggu'):>8}{_('Median'):>7}{_('P90'):>6}{_('Layan'):>7}")
    for line in (*queue.services, queue.total):
        out.append(f"{line.service[:16]:<17}{line.issued:>6}{line.served:>7}{line.no_show:>6}{line.cancelled:>6}"
                   f"{line.transferred:>7}{_figure(line.waiting_minutes.average):>8}{_figure(line.waiting_minutes.median):>7}"
                   f"{_figure(line.waiting_minutes.p90):>6}{_figure(line.service_minutes.average):>7}")
    out.append(_("(menit: tunggu = ambil sampai dipanggil, layan = rata-rata lama dilayani)"))
    if queue.busiest_hour is not None:
        out.append(_("Jam tersibuk: {hour:02d}.00-{hour:02d}.59 ({n} tiket)").format(hour=queue.busiest_hour,
                                                                              n=queue.busiest_hour_count))
    for title, served in ((_("Dilayani per loket"), queue.counters), (_("Dilayani per petugas"), queue.operators)):
        if served:
            out.append(title + ": " + ", ".join(f"{s.name or s.key} {s.served}" for s in served))
    out += ["", _("Permohonan")]
    out.append(f"{_('Layanan'):<17}{_('Masuk'):>6}{_('Loket'):>6}{_('WA'):>5}{_('Selesai'):>8}{_('Tepat'):>6}{'%':>7}"
               f"{_('Ambil'):>6}{_('Kirim'):>6}{_('Tolak'):>6}{_('Batal'):>6}")
    for line in (*reqs.services, reqs.total):
        collected = line.collected_self + line.collected_family + line.collected_proxy
        out.append(f"{line.service[:16]:<17}{line.received:>6}{line.received_walk_in:>6}{line.received_whatsapp:>5}"
                   f"{line.completed:>8}{line.completed_within_target:>6}{_figure(line.completed_within_target_percent):>7}"
                   f"{collected:>6}{line.delivered:>6}{line.rejected:>6}{line.cancelled:>6}")
    total = reqs.total
    out.append(_("Diambil: pemohon {a}, keluarga {b}, kuasa {c}. Pemohon dihubungi: berkas kurang {m}, dokumen siap {r}.")
               .format(a=total.collected_self, b=total.collected_family, c=total.collected_proxy,
                       m=reqs.contacts_missing, r=reqs.contacts_ready))
    out += ["", _("Terlambat per {day}: {n} permohonan").format(day=reqs.overdue_as_of.isoformat(), n=len(reqs.overdue_now))]
    out += [f"  {o.reg_no:<15}{o.service:<17}{_('lewat {n} hari').format(n=o.days_over)}" for o in reqs.overdue_now]
    cases = [*report.urgent.tickets, *report.urgent.requests]
    out += ["", _("Kasus mendesak: {n}").format(n=len(cases))]
    out += [f"  {c.ref:<15}{c.service:<10}{c.approved_by or '-':<12}{c.urgent_reason}" for c in cases]
    return out
