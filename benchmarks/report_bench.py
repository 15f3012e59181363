"""Time the reports on a busy office's month: about 9,000 tickets and 9,000 requests in the month
measured, inside a database that also holds the months before it.

    .venv/bin/python benchmarks/report_bench.py [--per-month 9000] [--months 3] [--runs 7]

The data is written straight into the tables (bulk inserts, one transaction per table) with the
spread of a real office: working days only, arrivals from 07.30 to 15.00, most tickets served,
some no-shows, cancellations and transfers; requests through their whole lifecycle with due
dates, some late, pickups of each kind, contacts, urgent cases. It then times, in this process,
`reports.monthly` for the last month, `reports.daily` for its busiest day and a range report over
every month, and, as whole processes, `tui-kecamatan report monthly --json`. Each figure is the
minimum, median and maximum of the runs after one warm-up. Tests never assert on time.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAST_MONTH = (2026, 11)
CHANNELS = ("walk_in",) * 4 + ("whatsapp",)
TICKET_STATES = ("done",) * 86 + ("no_show",) * 8 + ("cancelled",) * 4 + ("waiting",) * 2
REQUEST_STATES = (("picked_up",) * 50 + ("delivered",) * 8 + ("ready",) * 14 + ("processing",) * 12
                  + ("incomplete",) * 6 + ("received",) * 4 + ("rejected",) * 3 + ("cancelled",) * 3)
COLLECTORS = ("self",) * 6 + ("family",) * 3 + ("proxy",)


def _figures(samples: list[float]) -> str:
    values = sorted(v * 1000 for v in samples)
    return f"min {values[0]:.0f} ms, median {statistics.median(values):.0f} ms, max {values[-1]:.0f} ms"


def _months(last: tuple[int, int], count: int) -> list[tuple[int, int]]:
    year, month = last
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def _working_days(year: int, month: int) -> list[date]:
    day = date(year, month, 1)
    days = []
    while day.month == month:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _utc(day: date, minutes_after_midnight: float) -> datetime:
    """A local (WIB, UTC+7) moment on `day`, stored as naive UTC like the app stores it."""
    return datetime(day.year, day.month, day.day) + timedelta(minutes=minutes_after_midnight) - timedelta(hours=7)


def build(path: Path, per_month: int, months: int, seed: int = 7) -> dict:
    """Fill a new office database; return the numbers written."""
    from tui_kecamatan.core import accounts, counters
    from tui_kecamatan.db.connection import open_database
    from tui_kecamatan.db.models import Service

    db = open_database(path)
    admin = accounts.create_staff(None, "budi", "rahasia-budi", accounts.Role.ADMIN, "Budi")
    operators = [accounts.create_staff(admin, f"petugas{n}", "rahasia-petugas", accounts.Role.OPERATOR, f"Petugas {n}")
                 for n in range(1, 5)]
    for number in range(2, 5):
        counters.add_counter(admin, number, f"Loket {number}")
    services = [(s.id, s.prefix) for s in Service.select().where(Service.active == True)]  # noqa: E712
    staff_ids = [o.id for o in operators]
    counter_ids = [row[0] for row in db.execute_sql("SELECT id FROM counter").fetchall()]
    db.close()

    rng = random.Random(seed)
    counts = {}
    ticket_rows, request_rows, citizen_rows = [], [], []
    ticket_id = request_id = 0
    for year, month in _months(LAST_MONTH, months):
        days = _working_days(year, month)
        for index in range(per_month):
            day = days[index * len(days) // per_month]
            service_id, prefix = rng.choice(services)
            arrival = 450 + rng.random() * 450  # 07.30 - 15.00
            state = rng.choice(TICKET_STATES)
            called = arrival + rng.uniform(2, 60) if state != "waiting" else None
            started = called + rng.uniform(0.5, 3) if state == "done" else None
            finished = started + rng.uniform(3, 25) if state == "done" else None
            ticket_id += 1
            ticket_rows.append((
                ticket_id, day.isoformat(), prefix, index + 1, f"{prefix}-{index + 1:03d}", service_id, state,
                _utc(day, arrival), called and _utc(day, called), called and _utc(day, called),
                1 if called else 0, started and _utc(day, started), finished and _utc(day, finished),
                rng.choice(counter_ids) if called else None, rng.choice(staff_ids) if called else None,
            ))
        for index in range(per_month):
            day = days[index * len(days) // per_month]
            created = 480 + rng.random() * 420
            request_id += 1
            state = rng.choice(REQUEST_STATES)
            due = day + timedelta(days=rng.choice((3, 5, 7, 14)))
            ready = None
            if state in ("ready", "picked_up", "delivered"):
                ready_day = day + timedelta(days=rng.choice((1, 2, 3, 4, 5, 6, 8, 10)))
                ready = _utc(ready_day, 600)
            closed = ready + timedelta(days=rng.randint(0, 6)) if state in ("picked_up", "delivered") else None
            if state in ("rejected", "cancelled"):
                closed = _utc(day + timedelta(days=rng.randint(0, 3)), 700)
            nik = f"3603{request_id:012d}"
            citizen_rows.append((request_id, nik, f"Warga {request_id}", _utc(day, created)))
            request_rows.append((
                request_id, f"{day:%Y%m%d}-{index + 1:04d}", index + 1, service_id, request_id, nik,
                f"Warga {request_id}", f"+62812{request_id:08d}", rng.choice(CHANNELS), state,
                _utc(day, created), _utc(day, created), due.isoformat(), ready, closed,
            ))
    from tui_kecamatan.db.models import Citizen, Contact, Pickup, Request, Ticket, database

    db = open_database(path)
    ticket_fields = ("id", "day", "prefix", "number", "code", "service", "status", "issued_at", "first_called_at",
                     "called_at", "call_count", "started_at", "finished_at", "counter", "staff")
    request_fields = ("id", "reg_no", "reg_seq", "service", "citizen", "nik", "name", "phone", "channel", "status",
                      "created_at", "updated_at", "due_date", "ready_at", "closed_at")
    pickups, contacts = [], []
    for row in request_rows:
        rid, state, created, ready, closed = row[0], row[9], row[10], row[13], row[14]
        if state in ("picked_up", "delivered"):
            kind = "electronic" if state == "delivered" else rng.choice(COLLECTORS)
            pickups.append({"request": rid, "collector_kind": kind, "collector_name": "Pengambil", "at": closed})
        if state == "incomplete" or rng.random() < 0.3:
            contacts.append({"request": rid, "kind": "missing", "at": created + timedelta(hours=1)})
        if ready is not None:
            contacts.append({"request": rid, "kind": "ready", "at": ready + timedelta(minutes=30)})

    def insert(model, rows) -> None:
        for start in range(0, len(rows), 500):
            model.insert_many(rows[start:start + 500]).execute()

    with database.atomic():
        insert(Ticket, [dict(zip(ticket_fields, row)) for row in ticket_rows])
        insert(Citizen, [dict(zip(("id", "nik", "name", "updated_at"), row)) for row in citizen_rows])
        insert(Request, [dict(zip(request_fields, row)) for row in request_rows])
        insert(Pickup, pickups)
        insert(Contact, contacts)
    db.close()
    # The audit rows of transfers, through the app so the hash chain stays whole.
    from tui_kecamatan.core import audit

    db = open_database(path)
    moved = rng.sample(range(1, ticket_id + 1), ticket_id // 30)
    with database.atomic():
        for tid in moved:
            audit.record(None, "tiket_dipindahkan", "ticket", tid, "ke layanan lain")
    db.close()
    counts.update(tickets=ticket_id, requests=request_id, pickups=len(pickups), contacts=len(contacts), audit=len(moved))
    return counts


def time_in_process(path: Path, runs: int) -> None:
    from tui_kecamatan.core import accounts, reports
    from tui_kecamatan.db.connection import open_database

    db = open_database(path)
    actor = accounts.authenticate("budi", "rahasia-budi")
    year, month = LAST_MONTH
    first_month = _months(LAST_MONTH, 12)[0]
    busiest = max(_working_days(year, month))
    cases = (
        (f"monthly report {year}-{month:02d}", lambda: reports.monthly(actor, year, month)),
        (f"daily report {busiest}", lambda: reports.daily(actor, busiest)),
        ("range report over a year", lambda: reports.range_report(
            actor, date(*first_month, 1), date(year, month, 30))),
    )
    for label, call in cases:
        call()  # warm-up: the page cache, as on a desk that has been open a while
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            call()
            samples.append(time.perf_counter() - start)
        print(f"{label} (in process): {_figures(samples)}")
    total = reports.monthly(actor, year, month).queue.total
    print(f"  the month holds {total.issued} tickets; "
          f"{reports.monthly(actor, year, month).requests.total.received} requests received")
    db.close()


def time_command(path: Path, runs: int) -> None:
    year, month = LAST_MONTH
    argv = [sys.executable, "-m", "tui_kecamatan", "--db", str(path), "report", "monthly",
            "--month", f"{year}-{month:02d}", "--json"]
    env = {**os.environ, "TUI_KECAMATAN_CONFIG": os.devnull}
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env)
        samples.append(time.perf_counter() - start)
    print(f"`tui-kecamatan report monthly --json` (whole process): {_figures(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-month", type=int, default=9000, help="tickets and requests per month")
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, {platform.platform()}, {date.today()}")
    folder = Path(tempfile.mkdtemp(prefix="tui-kecamatan-report-bench-"))
    os.environ.setdefault("TUI_KECAMATAN_TEST_FAST_HASH", "1")
    path = folder / "kantor.db"
    start = time.perf_counter()
    counts = build(path, args.per_month, args.months)
    print(f"built {counts} in {time.perf_counter() - start:.1f} s; file {path.stat().st_size / 2**20:.1f} MiB")
    time_in_process(path, args.runs)
    time_command(path, args.runs)


if __name__ == "__main__":
    main()
