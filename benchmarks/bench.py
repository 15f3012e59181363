"""Measure what an old office PC feels: command start-up, ticket issuing with synchronous FULL,
a search page over a large request table, and the memory of a running app.

    .venv/bin/python benchmarks/bench.py [--rows 100000] [--runs 5]

Prints one line per figure (minimum, median, maximum over the runs) and the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _figures(samples: list[float], unit: str, scale: float = 1.0) -> str:
    values = sorted(v * scale for v in samples)
    return f"min {values[0]:.1f} {unit}, median {statistics.median(values):.1f} {unit}, max {values[-1]:.1f} {unit}"


def startup(runs: int, db: Path) -> None:
    for label, argv in (("--version", ["--version"]), ("check", ["--db", str(db), "check"])):
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tui_kecamatan", *argv], check=True, capture_output=True, cwd=ROOT)
            samples.append(time.perf_counter() - start)
        print(f"start-up `tui-kecamatan {label}`: {_figures(samples, 'ms', 1000)}")


def issuing(runs: int, db: Path) -> None:
    from tui_kecamatan.core import tickets

    count = 200
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(count):
            tickets.issue_ticket(None, "KK")
        samples.append((time.perf_counter() - start) / count)
    print(f"issue one ticket (own transaction, synchronous FULL): {_figures(samples, 'ms', 1000)}")


def search(runs: int, rows: int) -> None:
    from tui_kecamatan.core import clock, request_search
    from tui_kecamatan.db.models import Citizen, Request, Service, database

    service = Service.get(Service.code == "KK")
    now = clock.now_utc()
    with database.atomic():
        citizen = Citizen.create(nik="3603015501900002", name="Siti Aminah", updated_at=now)
        batch = []
        for index in range(rows):
            moment = now - timedelta(minutes=index)
            batch.append({
                "reg_no": f"{moment:%Y%m%d}-{index:07d}", "service": service.id, "citizen": citizen.id,
                "nik": f"3603015501{index:06d}", "name": f"Pemohon Contoh {index}", "phone": f"+62812{index:08d}",
                "status": ("received", "processing", "ready", "picked_up")[index % 4],
                "created_at": moment, "updated_at": moment,
            })
            if len(batch) == 500:
                Request.insert_many(batch).execute()
                batch.clear()
        if batch:
            Request.insert_many(batch).execute()
    for label, kwargs in (
        ("first page, no filter", {}),
        ("part of a name", {"text": "Contoh 4242"}),
        ("registration number", {"text": f"{now:%Y%m%d}-0000042"}),
        ("status filter, page 20", {"status": "ready", "offset": 950}),
    ):
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            request_search.search_requests(limit=50, **kwargs)
            samples.append(time.perf_counter() - start)
        print(f"search over {rows} requests, {label}: {_figures(samples, 'ms', 1000)}")


def app_memory(db: Path) -> None:
    code = (
        "import asyncio, resource\n"
        "from tui_kecamatan.config import load_config\n"
        "from tui_kecamatan.db.connection import open_database\n"
        "from tui_kecamatan.core import demo\n"
        "from tui_kecamatan.app import KecamatanApp\n"
        f"db = open_database({str(db)!r})\n"
        "actor = demo.build_demo(tickets_per_day=10, requests_total=40)\n"
        "async def main():\n"
        "    app = KecamatanApp(load_config(), db, actor=actor)\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause(1.0)\n"
        "asyncio.run(main())\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    print(f"peak memory of the app on the home screen: {int(result.stdout.split()[-1]) / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    folder = Path(tempfile.mkdtemp(prefix="tui-kecamatan-bench-"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    from tui_kecamatan.db.connection import open_database

    db_path = folder / "bench.db"
    open_database(db_path).close()
    startup(args.runs, db_path)
    open_database(db_path)
    issuing(args.runs, db_path)
    search(args.runs, args.rows)
    app_memory(folder / "app.db")
    print(f"max RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
