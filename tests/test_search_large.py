"""Search on an office's years of requests: 200,000 of them in a real file, searched from the
screen by part of a phone number and part of a name (what a clerk types with a citizen at the
desk). No timing is asserted: the speed is in benchmarks/ (make bench)."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta

import pytest
from textual.widgets import DataTable

from tests.pilot import make_app
from tests.test_search_pickup_screens import cell_texts, open_search, search_for
from tui_kecamatan.core import clock, office
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.db.models import Service
from tests.test_intake_screens import NOW, OFFICE

ROWS = 200_000
GIVEN = ["Siti", "Budi", "Dewi", "Agus", "Sri", "Joko", "Rina", "Ahmad", "Nur", "Eko", "Wati", "Hendra"]
FAMILY = ["Aminah", "Santoso", "Lestari", "Saputra", "Wahyuni", "Hidayat", "Rahayu", "Kurniawan", "Susanti"]
# The two the test looks for: a name part shared by nobody else, and a phone of one person.
RARE_NAME = "Sulistyowati"
PHONE = "+6285712348765"


def fill_requests(path) -> dict[str, list[str]]:
    """200,000 requests written straight into the file (the search index fills through its
    triggers, as at a desk); returns the registration numbers the searches must find."""
    rng = random.Random(7)
    db = open_database(path)
    service_ids = [s.id for s in Service.select()]
    db.close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = ON")
    start = datetime(2016, 12, 1, 1, 0)
    with connection:
        connection.execute("INSERT INTO citizen (id, nik, name, kk_number, phone, desa, updated_at) "
                           "VALUES (1, '3603015501900002', 'Warga', '', '', '', ?)", (start,))
        rows, expected = [], {"name": [], "phone": []}
        for n in range(ROWS):
            moment = start + timedelta(minutes=25 * n)
            reg_no = f"{moment:%Y%m%d}-{n % 10000:04d}"
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            phone = f"+62812{n:08d}"
            if n in (31_337, 150_001):
                name = f"Ani {RARE_NAME}"
                expected["name"].append(reg_no)
            if n == 99_999:
                phone = PHONE
                expected["phone"].append(reg_no)
            rows.append((reg_no, n % 10000, rng.choice(service_ids), f"3603{n:012d}", name, phone, "walk_in",
                         rng.choice(["received", "processing", "ready", "picked_up"]), moment, moment))
        connection.executemany(
            "INSERT INTO request (reg_no, reg_seq, service_id, citizen_id, nik, name, kk_number, phone, desa, channel, "
            "status, created_at, updated_at, reason, urgent, urgent_reason) "
            "VALUES (?, ?, ?, 1, ?, ?, '', ?, '', ?, ?, ?, ?, '', 0, '')", rows)
    connection.close()
    return expected


@pytest.fixture
def big_office(db_path, admin, operator):
    clock.set_now(lambda: NOW)
    office.save_profile(admin, OFFICE)
    expected = fill_requests(db_path)
    return db_path, expected


async def test_part_of_a_phone_and_part_of_a_name_among_200000_requests(big_office, db, operator):
    _path, expected = big_office
    app = make_app(db, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        table = screen.query_one(DataTable)
        # The clerk types the part of the number the citizen reads out, written the local way.
        await search_for(pilot, screen, "0857-1234-87", typed=True)
        assert cell_texts(table, 0) == expected["phone"]
        await search_for(pilot, screen, "sulistyo", typed=True)
        assert sorted(cell_texts(table, 0)) == sorted(expected["name"])
        assert set(cell_texts(table, 1)) == {f"Ani {RARE_NAME}"}
        # A common part of a name fills the first page, newest first, and says how many in all.
        await search_for(pilot, screen, "aminah")
        assert table.row_count > 10 and all("Aminah" in name for name in cell_texts(table, 1))
