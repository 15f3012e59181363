"""Ticket numbers stay unique and gapless when several processes issue tickets on one file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from conftest import ROOT

# Eight processes fighting for one file: run alone, not beside the parallel workers that would
# stretch their waits for the lock (and be slowed by them).
pytestmark = pytest.mark.serial

PROCESSES = 8
TICKETS_EACH = 50

# Each child opens the shared file, says it is ready, waits for the go signal on stdin so all
# eight start together, then issues its tickets and prints their numbers as JSON. The clock is
# fixed so every child counts on the same local day even if the test runs across midnight.
CHILD = """
import json, sys
from datetime import datetime, timezone
from tui_kecamatan.core import clock, tickets
from tui_kecamatan.db.connection import open_database

clock.set_now(lambda: datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc))
db = open_database(sys.argv[1], create=False)
print("siap", flush=True)
sys.stdin.readline()
numbers = [tickets.issue_ticket(None, "kk").number for _ in range(int(sys.argv[2]))]
db.close()
print(json.dumps(numbers), flush=True)
"""


def test_eight_processes_get_distinct_numbers_one_to_four_hundred(db, db_path):
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db_path), str(TICKETS_EACH)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=str(ROOT),
        )
        for _ in range(PROCESSES)
    ]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "siap", child.stderr.read()
        for child in children:
            child.stdin.write("mulai\n")
            child.stdin.flush()
        results = []
        for child in children:
            out, err = child.communicate(timeout=180)
            assert child.returncode == 0, err
            assert err == ""
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()

    everything = [n for numbers in results for n in numbers]
    assert sorted(everything) == list(range(1, PROCESSES * TICKETS_EACH + 1))
    # Within one process the numbers only grow: each ticket came after the one before it.
    for numbers in results:
        assert numbers == sorted(numbers)

    from tui_kecamatan.db.models import DailyCounter, Ticket

    day = date(2026, 11, 28)
    rows = list(Ticket.select().where(Ticket.day == day).order_by(Ticket.number))
    assert [t.number for t in rows] == list(range(1, 401))
    assert {t.code for t in rows} == {f"B-{n:03d}" for n in range(1, 401)}
    assert DailyCounter.get((DailyCounter.day == day) & (DailyCounter.prefix == "B")).last_number == 400
