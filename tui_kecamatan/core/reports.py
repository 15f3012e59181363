"""Reports (rekap) for the head of office and the supervisors: the queue, the requests and the
urgent cases of a local day, a month or a range of days, computed in SQL.

Definitions (days are local, `clock.local_day_bounds`; the period is [date_from, date_to], both
included):

Queue, over the tickets issued in the period (`Ticket.day`), per the service each ticket is in
now (a transferred ticket counts under the service it was sent to):
- issued: every ticket; served: status done; no_show, cancelled: that status now;
- transferred: tickets moved at least once (an audit row `tiket_dipindahkan`);
- waiting time (wait_*): issued_at to first_called_at, over tickets that were called;
- service time (service_*): started_at to finished_at, over served tickets;
  each as count, average, median and 90th percentile (nearest rank), in whole seconds;
- busiest hour: the local hour with most tickets issued (the earliest on a tie) and its count;
- chart: tickets issued per local hour (daily; office hours 07-16 always shown) or per day;
- counters and operators: served tickets per counter and per staff member who called them.

Requests, per service:
- received: created in the period, by channel (walk_in, whatsapp);
- completed: the document became ready in the period (`ready_at` in the period; a request
  reopened after ready loses its ready time and counts again when it is ready again). A
  document collected later stays completed in the period it became ready;
- on_time: completed with the local day of `ready_at` on or before `due_date`; on_time_percent
  is of completed (null when nothing was completed);
- collected self/family/proxy and delivered (electronically): pickups recorded in the period;
- rejected, cancelled: requests in that state now, closed in the period;
- overdue: the service's count of the overdue list below;
- contacts: messages recorded in the period, by kind (missing documents, ready);
- overdue (the report's list): requests received by the end of the period, still open today and past their due
  date today (for a past period "now" is still today: it is the list to act on), with the
  calendar days since the due date.

Urgent: tickets issued and requests received in the period marked urgent, with the reason and
the approving supervisor as recorded.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
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
class Durations:
    count: int
    avg_s: int | None
    median_s: int | None
    p90_s: int | None


@dataclass(frozen=True)
class QueueLine:
    service: str  # service code, or "TOTAL"
    name: str
    issued: int
    served: int
    no_show: int
    cancelled: int
    transferred: int
    wait_count: int
    wait_avg_s: int | None
    wait_median_s: int | None
    wait_p90_s: int | None
    service_count: int
    service_avg_s: int | None
    service_median_s: int | None
    service_p90_s: int | None


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
    walk_in: int
    whatsapp: int
    completed: int
    on_time: int
    on_time_percent: float | None
    overdue: int
    collected: int  # self + family + proxy
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
    kind: str  # daily | monthly | range
    date_from: date
    date_to: date
    office: dict  # office.Profile.as_json() when the report was made
    queue: QueueFigures
    requests: RequestFigures
    overdue_as_of: date
    overdue: tuple[Overdue, ...]
    urgent: UrgentFigures

    def as_json(self) -> dict:
        """Every figure under stable snake_case names (docs/architecture.md, "Report JSON")."""
        return {
            "kind": self.kind,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "office": dict(self.office),
            "queue": _plain(asdict(self.queue)),
            "requests": _plain(asdict(self.requests)),
            "overdue_as_of": self.overdue_as_of.isoformat(),
            "overdue": _plain([asdict(o) for o in self.overdue]),
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


def _build(kind: str, first: date, last: date) -> Report:
    from tui_kecamatan.core import office

    start, _end = clock.local_day_bounds(first)
    _start, end = clock.local_day_bounds(last)
    offset = _offset_modifier(first)
    services = list(Service.select().order_by(Service.position, Service.id))
    today = clock.today()
    overdue = _overdue(end, today)
    return Report(
        kind=kind,
        date_from=first,
        date_to=last,
        office=office.get_profile().as_json(),
        queue=_queue(services, first, last, offset, daily=kind == "daily"),
        requests=_requests(services, start, end, offset, overdue),
        overdue_as_of=today,
        overdue=overdue,
        urgent=_urgent(first, last, start, end),
    )


def _offset_modifier(day: date) -> str:
    """The SQLite date modifier from stored UTC to local time ("+420 minutes" for WIB); the
    Indonesian zones keep one offset all year."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=clock.zone())
    minutes = int(moment.utcoffset().total_seconds() // 60)
    return f"{minutes:+d} minutes"


# --- durations --------------------------------------------------------------------------------


def _seconds_expr(begin, finish):
    return (fn.julianday(finish) - fn.julianday(begin)) * 86400.0


def _round(value: float) -> int:
    return int(math.floor(value + 0.5))


def _summary(count: int, total: float | None, values: list[float]) -> Durations:
    if not count:
        return Durations(0, None, None, None)
    values = sorted(values)
    n = len(values)
    middle = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    p90 = values[max(0, math.ceil(0.9 * n) - 1)]
    return Durations(count, _round((total or 0.0) / count), _round(middle), _round(p90))


def _durations(where, begin, finish) -> tuple[dict[int, tuple[int, float]], dict[int, list[float]]]:
    """Per service id: (count, sum) in SQL, and the durations themselves for the percentiles."""
    expr = _seconds_expr(begin, finish)
    sums = {
        service_id: (n, total)
        for service_id, n, total in Ticket.select(Ticket.service, fn.COUNT(Ticket.id), fn.SUM(expr))
        .where(where).group_by(Ticket.service).tuples()
    }
    values: dict[int, list[float]] = {}
    for service_id, seconds in Ticket.select(Ticket.service, expr).where(where).tuples():
        values.setdefault(service_id, []).append(seconds)
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

        def durations(sums, values) -> Durations:
            n = sum(sums.get(sid, (0, 0.0))[0] for sid in ids)
            total = sum(sums.get(sid, (0, 0.0))[1] or 0.0 for sid in ids)
            return _summary(n, total, [v for sid in ids for v in values.get(sid, [])])

        wait, serve = durations(waiting_sums, waiting_values), durations(serving_sums, serving_values)
        return QueueLine(code, name, count(None), count("done"), count("no_show"), count("cancelled"),
                         sum(transferred.get(sid, 0) for sid in ids),
                         wait.count, wait.avg_s, wait.median_s, wait.p90_s,
                         serve.count, serve.avg_s, serve.median_s, serve.p90_s)

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


def _requests(services: list[Service], start: datetime, end: datetime, offset: str,
              overdue: tuple[Overdue, ...]) -> RequestFigures:
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
        self_, family, proxy = of(collected, "self"), of(collected, "family"), of(collected, "proxy")
        return RequestLine(
            code, name, walk_in + whatsapp, walk_in, whatsapp, done, good,
            round(100.0 * good / done, 1) if done else None,
            sum(1 for o in overdue if code in (TOTAL, o.service)),
            self_ + family + proxy, self_, family, proxy, of(collected, "electronic"),
            of(closed, "rejected"), of(closed, "cancelled"),
        )

    used = {key[0] for table in (received, collected, closed) for key in table} | set(completed)
    lines = tuple(line(s.code, s.name, [s.id]) for s in services if s.active or s.id in used)
    total = line(TOTAL, _("Semua layanan"), [s.id for s in services])
    return RequestFigures(lines, total, contacts.get(("missing",), 0), contacts.get(("ready",), 0))


def _overdue(end: datetime, today: date) -> tuple[Overdue, ...]:
    """Requests received before `end`, still open and past their due date today."""
    return tuple(
        Overdue(reg_no, code, due, (today - due).days)
        for reg_no, code, due in Request.select(Request.reg_no, Service.code, Request.due_date).join(Service)
        .where(Request.status.in_([s.value for s in BEFORE_READY]) & (Request.created_at < end)
               & Request.due_date.is_null(False) & (Request.due_date < today))
        .order_by(Request.due_date, Request.reg_no).tuples()
    )


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

def csv_tables(report: Report) -> dict[str, list[dict]]:
    """The report as tables, by section name (bagian): periode, antrian_layanan, antrian_grafik,
    antrian_loket, antrian_petugas, permohonan_layanan, permohonan_terlambat, kontak,
    mendesak_tiket, mendesak_permohonan. Columns are the JSON names; every row of a table has the
    same columns, so an empty table still has its header (`csv_columns`)."""
    queue, reqs = report.queue, report.requests
    urgent = ("ref", "day", "service", "urgent_reason", "approved_by")
    return {
        "periode": [{"kind": report.kind, "from": report.date_from.isoformat(), "to": report.date_to.isoformat(),
                     "office": report.office.get("name", ""), "overdue_as_of": report.overdue_as_of.isoformat()}],
        "antrian_layanan": [asdict(line) for line in (*queue.services, queue.total)],
        "antrian_grafik": [asdict(bar) for bar in queue.chart],
        "antrian_loket": [asdict(s) for s in queue.counters],
        "antrian_petugas": [asdict(s) for s in queue.operators],
        "permohonan_layanan": [asdict(line) for line in (*reqs.services, reqs.total)],
        "permohonan_terlambat": [asdict(o) for o in report.overdue],
        "kontak": [{"kind": "missing", "count": reqs.contacts_missing}, {"kind": "ready", "count": reqs.contacts_ready}],
        "mendesak_tiket": [{key: getattr(c, key) for key in urgent} for c in report.urgent.tickets],
        "mendesak_permohonan": [{key: getattr(c, key) for key in urgent} for c in report.urgent.requests],
    }


_TABLE_COLUMNS = {
    "periode": ("kind", "from", "to", "office", "overdue_as_of"),
    "antrian_layanan": tuple(f.name for f in fields(QueueLine)),
    "antrian_grafik": tuple(f.name for f in fields(Bar)),
    "antrian_loket": tuple(f.name for f in fields(Served)),
    "antrian_petugas": tuple(f.name for f in fields(Served)),
    "permohonan_layanan": tuple(f.name for f in fields(RequestLine)),
    "permohonan_terlambat": tuple(f.name for f in fields(Overdue)),
    "kontak": ("kind", "count"),
    "mendesak_tiket": ("ref", "day", "service", "urgent_reason", "approved_by"),
    "mendesak_permohonan": ("ref", "day", "service", "urgent_reason", "approved_by"),
}


def csv_columns(section: str) -> tuple[str, ...]:
    """The header of one section's CSV table."""
    return _TABLE_COLUMNS[section]


# One file for every table: the section column first, then every column of any table once.
CSV_COLUMNS = ("bagian", *dict.fromkeys(column for columns in _TABLE_COLUMNS.values() for column in columns))


def csv_rows(report: Report) -> list[dict]:
    """The report as rows of one table: the column `bagian` names the section of each row; the
    other columns stay empty where a section has no such figure."""
    return [{column: _cell({"bagian": section, **row}.get(column)) for column in CSV_COLUMNS}
            for section, rows in csv_tables(report).items() for row in rows]


def csv_table_rows(report: Report, section: str) -> list[dict]:
    """The rows of one section, cells made safe for a spreadsheet."""
    return [{column: _cell(row.get(column)) for column in csv_columns(section)}
            for row in csv_tables(report)[section]]


def write_csv(actor: Actor, report: Report, path, *, per_table: bool = False) -> list[str]:
    """Write the report as CSV, UTF-8 with a BOM (a spreadsheet on the office PC then reads the
    characters right): one file, or with `per_table` one file per section named
    `<stem>-<bagian>.csv` beside it. ".csv" is added when missing; "~" is the home folder. Files
    are new (never over an existing one) and readable by their owner only, since they hold
    registration numbers and staff names; audited. Returns the paths written."""
    import csv
    import io
    from pathlib import Path

    from tui_kecamatan.core import audit, files
    from tui_kecamatan.db.models import database

    require(actor, Role.SUPERVISOR)
    target = files.new_file_path(path, ".csv") if not per_table else None
    if per_table:
        # The name is the stem of the tables' files; each of them must be new.
        stem = files.new_file_path(path, ".csv")
        outputs = [(files.new_file_path(stem.with_name(f"{stem.stem}-{section}.csv"), ".csv"), csv_columns(section),
                    csv_table_rows(report, section)) for section in _TABLE_COLUMNS]
    else:
        outputs = [(target, CSV_COLUMNS, csv_rows(report))]
    written: list[str] = []
    try:
        for file, columns, rows in outputs:
            buffer = io.StringIO(newline="")
            writer = csv.DictWriter(buffer, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(rows)
            written.append(files.write_new_file(file, buffer.getvalue().encode("utf-8-sig")))
    except InvalidInput:
        # Nothing half done is left: the files of this export written so far go again.
        for done in written:
            Path(done).unlink(missing_ok=True)
        raise
    with database.atomic():
        audit.record(actor, "rekap_disimpan", "report", None,
                     f"{report.kind} {report.date_from.isoformat()} s.d. {report.date_to.isoformat()} "
                     f"CSV ke {', '.join(written)}")
    return written


# A spreadsheet runs a cell that starts with one of these as a formula: text typed by a person
# (an urgent reason, a name) gets a leading apostrophe so it is shown, never run.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def minutes(seconds: int | None) -> str:
    """Seconds shown as minutes with one decimal ("12.5"), "-" when there is no figure."""
    return "-" if seconds is None else f"{seconds / 60:.1f}"


def percent(value: float | None) -> str:
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
                   f"{line.transferred:>7}{minutes(line.wait_avg_s):>8}{minutes(line.wait_median_s):>7}"
                   f"{minutes(line.wait_p90_s):>6}{minutes(line.service_avg_s):>7}")
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
        out.append(f"{line.service[:16]:<17}{line.received:>6}{line.walk_in:>6}{line.whatsapp:>5}"
                   f"{line.completed:>8}{line.on_time:>6}{percent(line.on_time_percent):>7}"
                   f"{line.collected:>6}{line.delivered:>6}{line.rejected:>6}{line.cancelled:>6}")
    total = reqs.total
    out.append(_("Diambil: pemohon {a}, keluarga {b}, kuasa {c}. Pemohon dihubungi: berkas kurang {m}, dokumen siap {r}.")
               .format(a=total.collected_self, b=total.collected_family, c=total.collected_proxy,
                       m=reqs.contacts_missing, r=reqs.contacts_ready))
    out += ["", _("Terlambat per {day}: {n} permohonan").format(day=report.overdue_as_of.isoformat(), n=len(report.overdue))]
    out += [f"  {o.reg_no:<15}{o.service:<17}{_('lewat {n} hari').format(n=o.days_over)}" for o in report.overdue]
    cases = [*report.urgent.tickets, *report.urgent.requests]
    out += ["", _("Kasus mendesak: {n}").format(n=len(cases))]
    out += [f"  {c.ref:<15}{c.service:<10}{c.approved_by or '-':<12}{c.urgent_reason}" for c in cases]
    return out
