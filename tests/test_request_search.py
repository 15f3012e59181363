"""Search without whole numbers: the daily part of a registration number, digits of a phone
number or a NIK however they are written, part of a name through the trigram index, combined
with the filters and paged newest first; the plans SQLite chooses for them; and a database made
before the index existed, found by parts once it is opened again."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from peewee import SQL, Select, fn

from tui_kecamatan.core import clock, request_search, requests
from tui_kecamatan.db import migrations
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.db.models import Request, database

JAKARTA = ZoneInfo("Asia/Jakarta")
KK = "3603012005150003"

# Valid NIKs of Kabupaten Tangerang; their middle parts (birth dates) differ.
NIK_SITI = "3603015501900002"
NIK_BUDI = "3603011203850001"
NIK_AMIN = "3603010707770005"
NIK_ANI = "3603014402990004"
NIK_DEWI = "3603016308010003"


def at(day: int, hour: int = 9, minute: int = 0) -> None:
    moment = datetime(2026, 12, day, hour, minute, tzinfo=JAKARTA)
    clock.set_now(lambda: moment)


def new(actor, name: str, nik: str, phone: str = "", service_code: str = "KK"):
    return requests.create_request(actor, service_code=service_code, nik=nik, name=name, kk_number=KK, phone=phone)


def found(text: str = "", **filters) -> list[str]:
    return [row.reg_no for row in request_search.search_requests(text, **filters).rows]


@pytest.fixture
def desk(operator):
    """Three days at the desk: two requests on the 1st, three on the 2nd, one on the 3rd."""
    at(1, 9)
    siti = new(operator, "Siti Aminah", NIK_SITI, "0857-1111-2222")      # 20261201-0001
    at(1, 10)
    budi = new(operator, "Budi Santoso", NIK_BUDI, "0812-3456-7890")     # 20261201-0002
    at(2, 9)
    amin = new(operator, "Amin Rais", NIK_AMIN, "+62 857 9999 0000")     # 20261202-0001
    at(2, 10)
    ani = new(operator, "Ani", NIK_ANI, service_code="KTP")              # 20261202-0002
    at(2, 11)
    dewi = new(operator, 'Dewi "Ayu" Lestari', NIK_DEWI, "0813-5555-0857")  # 20261202-0003
    at(3, 9)
    siti_again = new(operator, "Siti Aminah", NIK_SITI, "0857-1111-2222")  # 20261203-0001
    return {"siti": siti, "budi": budi, "amin": amin, "ani": ani, "dewi": dewi, "siti_again": siti_again}


def reg(desk, *names: str) -> list[str]:
    return [desk[name].reg_no for name in names]


# --- each form of a query ----------------------------------------------------------------------


def test_daily_part_of_the_registration_number_finds_every_day_newest_first(desk):
    assert desk["ani"].reg_no == "20261202-0002" and desk["budi"].reg_no == "20261201-0002"
    assert found("0002") == reg(desk, "ani", "budi")
    assert found("2") == reg(desk, "ani", "budi")
    assert found("02") == found("002") == found("-0002") == reg(desk, "ani", "budi")
    assert found("0003") == reg(desk, "dewi")
    assert found("0009") == []


def test_whole_registration_number_and_its_start_still_work(desk):
    assert found("20261202-0002") == reg(desk, "ani")
    assert found(" 20261202-0002 ") == reg(desk, "ani")
    assert found("20261202") == reg(desk, "dewi", "ani", "amin")
    assert found("20261202-000") == reg(desk, "dewi", "ani", "amin")
    assert found("2026120") == reg(desk, "siti_again", "dewi", "ani", "amin", "budi", "siti")


def test_part_of_a_phone_number_in_any_writing(desk):
    # Siti's number is +6285711112222 (twice), Amin's +6285799990000, Dewi's +6281355550857.
    assert found("0857") == reg(desk, "siti_again", "dewi", "amin", "siti")  # Dewi's ends in 0857
    assert found("11112222") == reg(desk, "siti_again", "siti")
    assert found("0857 1111") == reg(desk, "siti_again", "siti")
    assert found("0857-1111") == reg(desk, "siti_again", "siti")
    assert found("+62 857") == reg(desk, "siti_again", "amin", "siti")  # "62857" only: not Dewi's
    assert found("+62 857-1111-2222") == found("6285711112222") == reg(desk, "siti_again", "siti")
    assert found("085799990000") == reg(desk, "amin")
    assert found("2222") == reg(desk, "siti_again", "siti")
    assert found("0857 0000") == []


def test_part_of_a_nik_in_the_middle(desk):
    assert found("12038500") == reg(desk, "budi")  # NIK 360301 120385 0001
    assert found("55019") == reg(desk, "siti_again", "siti")
    assert found(NIK_AMIN) == reg(desk, "amin")
    # Four digits are a daily part or a phone's end, never part of a NIK: every local NIK
    # starts with 3603.
    assert found("3603") == []


def test_part_of_a_name_short_and_long(desk):
    assert found("amin") == reg(desk, "siti_again", "amin", "siti")  # Aminah, Amin
    assert found("AMINAH") == reg(desk, "siti_again", "siti")
    assert found("ah Sa") == []
    assert found("i Ami") == reg(desk, "siti_again", "siti")
    assert found("An") == reg(desk, "ani", "budi")  # shorter than a trigram: Ani, Santoso
    assert found("x") == []


def test_a_double_quote_in_the_query_is_text_not_syntax(desk):
    assert found('"Ayu"') == reg(desk, "dewi")
    assert found('Dewi "Ay') == reg(desk, "dewi")
    assert found('"') == reg(desk, "dewi")
    for text in ('a"b', '""', '" OR name : "', 'NEAR("x" "y")', "Siti*", "{nik} : 1", "name:amin"):
        assert found(text) == []


def test_filters_combine_with_a_partial_query_and_pages_count_it(desk, operator):
    requests.cancel_request(operator, desk["siti"].id, "Ganda")
    assert found("0857", status="cancelled") == reg(desk, "siti")
    assert found("0857", status="received") == reg(desk, "siti_again", "dewi", "amin")
    assert found("0002", service_code="KTP") == reg(desk, "ani")
    assert found("amin", date_from=date(2026, 12, 2), date_to=date(2026, 12, 2)) == reg(desk, "amin")
    at(20)  # long past the targets of everything not yet ready
    assert found("2222", overdue=True) == reg(desk, "siti_again")
    first = request_search.search_requests("0857", offset=0, limit=3)
    second = request_search.search_requests("0857", offset=3, limit=3)
    assert (first.total, second.total) == (4, 4)
    assert first.has_more and not second.has_more
    assert [row.reg_no for row in first.rows + second.rows] == reg(desk, "siti_again", "dewi", "amin", "siti")


def test_the_index_follows_changes_to_a_request(desk):
    with database.atomic():
        Request.update(name="Siti Rahmawati", phone="+6281977776666").where(Request.id == desk["siti"].id).execute()
    assert found("rahma") == reg(desk, "siti")
    assert found("7777") == reg(desk, "siti")
    assert found("11112222") == reg(desk, "siti_again")


# --- the plans: indexes, not a scan of the request table ---------------------------------------


def _plan(text: str, **filters) -> list[str]:
    query = request_search.search_query(text, **filters)
    # The page, and its count as peewee's count() writes it.
    count = Select([query.order_by().select(SQL("1")).alias("_wrapped")], [fn.COUNT(SQL("1"))]).bind(database)
    details = []
    for shown in (query.offset(50).limit(50), count):
        sql, params = shown.sql()
        details += [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    return details


def _scans_of_request(details: list[str]) -> list[str]:
    """Lines of a plan that read the whole request table ("SCAN t1", "SCAN request ...")."""
    return [line for line in details if line.startswith("SCAN") and "VIRTUAL TABLE" not in line]


@pytest.mark.parametrize("text", ["0857", "0857 1111", "+62 857", "12038500", "0002", "2",
                                  "20261202-0002", "20261202", "amin", 'Dewi "Ay'])
def test_partial_queries_are_answered_from_indexes(desk, text):
    details = _plan(text)
    assert _scans_of_request(details) == [], details
    assert not any("SCAN request" in line and "VIRTUAL TABLE" not in line for line in details)


def test_the_plans_name_the_indexes_they_use(desk):
    assert any("request_text VIRTUAL TABLE" in line for line in _plan("0857"))
    assert any("request_text VIRTUAL TABLE" in line for line in _plan("amin"))
    assert any("request_reg_seq" in line for line in _plan("0002"))
    assert any("request_reg_no" in line for line in _plan("20261202-0002"))
    # A filter on top keeps the plan on an index too.
    assert _scans_of_request(_plan("0857", status="received")) == []
    # The test can fail: a name shorter than a trigram is read row by row.
    assert _scans_of_request(_plan("An"))


# --- a database made before the index ----------------------------------------------------------


def test_requests_of_a_schema_1_database_are_found_by_parts_after_the_upgrade(db_path, monkeypatch):
    from tui_kecamatan.core import accounts

    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS", {1: migrations._v1_initial})
        patched.setattr(migrations, "LATEST", 1)
        old = open_database(db_path)
        assert migrations.schema_version(old) == 1
        accounts.create_staff(None, "admin", "rahasia-admin", accounts.Role.ADMIN)
        service_id = old.execute_sql("SELECT id FROM service WHERE code = 'KK'").fetchone()[0]
        old.execute_sql("INSERT INTO citizen (nik, name, kk_number, phone, desa, updated_at) "
                        "VALUES (?, 'Siti Aminah', '', '', '', '2026-11-27 02:00:00')", [NIK_SITI])
        citizen_id = old.execute_sql("SELECT id FROM citizen").fetchone()[0]
        rows = [("20261127-0001", NIK_SITI, "Siti Aminah", "+6285711112222", "2026-11-27 02:00:00"),
                ("20261127-0002", NIK_BUDI, "Budi Santoso", "", "2026-11-27 03:00:00"),
                ("20261128-0002", NIK_AMIN, "Amin Rais", "+6281234567890", "2026-11-28 02:00:00")]
        for reg_no, nik, name, phone, created in rows:
            old.execute_sql(
                "INSERT INTO request (reg_no, reg_seq, service_id, citizen_id, nik, name, kk_number, phone, desa, "
                "channel, status, created_at, updated_at, reason, urgent, urgent_reason) "
                "VALUES (?, 0, ?, ?, ?, ?, '', ?, '', 'walk_in', 'received', ?, ?, '', 0, '')",
                [reg_no, service_id, citizen_id, nik, name, phone, created, created])
        assert old.execute_sql("SELECT count(*) FROM request WHERE reg_seq = 0").fetchone()[0] == 3
        assert not old.execute_sql("SELECT name FROM sqlite_master WHERE name = 'request_text'").fetchall()
        old.close()

    db = open_database(db_path)  # the real migrations: 2 fills reg_seq and the index
    try:
        assert migrations.schema_version(db) == migrations.LATEST
        assert dict(db.execute_sql("SELECT reg_no, reg_seq FROM request").fetchall()) == {
            "20261127-0001": 1, "20261127-0002": 2, "20261128-0002": 2}
        assert found("0002") == ["20261128-0002", "20261127-0002"]
        assert found("0857 1111") == ["20261127-0001"]
        assert found("+62 812") == ["20261128-0002"]
        assert found("12038500") == ["20261127-0002"]
        assert found("santo") == ["20261127-0002"]
        assert _scans_of_request(_plan("0857")) == []
    finally:
        db.close()
    # The index is kept by triggers in the file itself, for any process that writes.
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("UPDATE request SET name = 'Budi Hartono' WHERE reg_no = '20261127-0002'")
        connection.commit()
        ids = connection.execute("SELECT rowid FROM request_text WHERE request_text MATCH 'name : \"harto\"'").fetchall()
        assert ids == connection.execute("SELECT id FROM request WHERE reg_no = '20261127-0002'").fetchall()
    finally:
        connection.close()


def test_every_request_is_in_the_index_once(desk):
    indexed = database.execute_sql("SELECT count(*) FROM request_text").fetchone()[0]
    assert indexed == Request.select().count() == 6


# --- the pickup desk's look-up -----------------------------------------------------------------


def _ready(actor, info):
    items = requests.items_of(info.id)
    requests.save_checklist(actor, info.id, [(item.id, True, "") for item in items])
    requests.start_processing(actor, info.id)
    return requests.mark_ready(actor, info.id)


def test_pickup_look_up_by_a_part_prefers_the_request_ready_to_collect(desk, operator):
    from tui_kecamatan.core import pickup
    from tui_kecamatan.errors import NotFound, Refused

    assert pickup.find_for_pickup(desk["ani"].reg_no).reg_no == desk["ani"].reg_no  # whole, as scanned
    _ready(operator, desk["budi"])
    view = pickup.find_for_pickup("0002")  # Ani's 0002 is not ready, Budi's is
    assert (view.reg_no, view.can_collect) == (desk["budi"].reg_no, True)
    assert pickup.find_for_pickup("34567890").reg_no == desk["budi"].reg_no  # the end of his phone
    # One match at all, not ready: shown with the reason it cannot be collected.
    view = pickup.find_for_pickup("0003")
    assert view.reg_no == desk["dewi"].reg_no and not view.can_collect
    assert view.refusal.startswith("Dokumen belum siap diambil")
    with pytest.raises(Refused, match=r"^Ada 4 permohonan cocok, tidak satu pun siap diambil; ketik nomor lengkap\.$"):
        pickup.find_for_pickup("0857")
    _ready(operator, desk["siti"])
    _ready(operator, desk["siti_again"])
    with pytest.raises(Refused, match=r"^Ada 2 permohonan siap diambil yang cocok; ketik nomor registrasi lengkap\.$"):
        pickup.find_for_pickup("11112222")
    with pytest.raises(NotFound, match=r"^Permohonan 20991231-9999 tidak ditemukan\.$"):
        pickup.find_for_pickup("20991231-9999")
    with pytest.raises(NotFound):
        pickup.find_for_pickup("   ")
