"""Reports (rekap): a known day and a known month built through core with the clock set, the
figures worked out by hand here and compared with the JSON, the command line's JSON and CSV."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import run_cli
from tui_kecamatan.core import accounts, clock, counters, messages, pickup, reports, requests, tickets
from tui_kecamatan.core import office as office_module
from tui_kecamatan.errors import PermissionDenied

NIK = "3603015501900002"
KK = "3603012005150003"
FAMILY_NIK = "3603011203850001"
DAY = date(2026, 12, 1)  # a Tuesday
SECOND_DAY = date(2026, 12, 7)  # the Monday after
LATER = date(2026, 12, 8)  # the day the reports are read


def at(hour, minute, day=DAY):
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))
    clock.set_now(lambda: moment)


def new_request(operator, code, channel="walk_in", **extra):
    return requests.create_request(operator, service_code=code, nik=NIK, name="Siti Aminah", kk_number=KK,
                                   phone="0812-3456-7890", channel=channel, **extra)


def check_all(operator, info):
    items = requests.get_request(info.id).items
    requests.save_checklist(operator, info.id, [(item.id, True, "") for item in items])


def make_ready(operator, info):
    check_all(operator, info)
    requests.start_processing(operator, info.id)
    requests.mark_ready(operator, info.id)


@pytest.fixture
def office(db, admin, operator, supervisor):
    """The known day: tickets across two services and two counters, requests through their
    lifecycle, pickups of each kind, and the urgent cases; then a second day a week later."""
    office_module.save_profile(admin, office_module.ProfileInput(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang",
        province="Banten", head_name="Drs. H. Ahmad Fauzi, M.Si", head_nip="19700101 200003 1 001"))
    dewi = accounts.create_staff(admin, "dewi", "rahasia-dewi", accounts.Role.OPERATOR, "Dewi")
    counters.add_counter(admin, 2, "Loket 2")
    wahyu = operator

    def issue(hour, minute, code):
        at(hour, minute)
        return tickets.issue_ticket(None, code)

    a1 = issue(8, 0, "KTP")
    a2 = issue(8, 10, "KTP")
    b1 = issue(8, 20, "KK")
    at(8, 30); assert tickets.call_next(wahyu, 1).code == a1.code  # noqa: E702  waited 30
    at(8, 32); tickets.start_serving(wahyu, a1.id)  # noqa: E702
    at(8, 35); assert tickets.call_next(dewi, 2).code == a2.code  # noqa: E702  waited 25
    at(8, 40); tickets.start_serving(dewi, a2.id)  # noqa: E702
    at(8, 42); tickets.finish(wahyu, a1.id)  # noqa: E702  served 10
    at(8, 45); assert tickets.call_next(wahyu, 1).code == b1.code  # noqa: E702  waited 25
    at(8, 50); tickets.mark_no_show(wahyu, b1.id)  # noqa: E702
    at(9, 0); tickets.finish(dewi, a2.id)  # noqa: E702  served 20
    b2 = issue(9, 5, "KK")
    a3 = issue(9, 10, "KTP")
    at(9, 15); assert tickets.call_next(wahyu, 1).code == b2.code  # noqa: E702  waited 10
    at(9, 16); tickets.start_serving(wahyu, b2.id)  # noqa: E702
    b3 = issue(9, 20, "KK")
    at(9, 21); tickets.finish(wahyu, b2.id)  # noqa: E702  served 5
    at(9, 25); tickets.cancel(wahyu, b3.id, "Salah pilih layanan")  # noqa: E702
    at(9, 30); tickets.transfer(wahyu, a3.id, service_code="KK")  # noqa: E702
    at(9, 40); assert tickets.call_next(dewi, 2).code == a3.code  # noqa: E702  waited 30
    at(9, 41); tickets.start_serving(dewi, a3.id)  # noqa: E702
    at(10, 0); tickets.finish(dewi, a3.id)  # noqa: E702  served 19
    at(10, 5)
    approval = accounts.approve_urgent(wahyu, "sari", "rahasia-sari", "Berobat ke luar kota")
    tickets.issue_ticket(wahyu, "REKAM", approval=approval)  # E-001, left waiting

    at(10, 10); r1 = new_request(wahyu, "KK")  # noqa: E702
    make_ready(wahyu, r1)
    at(10, 12); messages.record_contact(wahyu, r1.id, "ready", "Dokumen siap diambil.")  # noqa: E702
    at(10, 20); r2 = new_request(wahyu, "KTP", "whatsapp"); make_ready(wahyu, r2)  # noqa: E702
    at(10, 30); r3 = new_request(wahyu, "KTP"); make_ready(wahyu, r3)  # noqa: E702
    at(10, 40); r4 = new_request(wahyu, "KK")  # noqa: E702  stays incomplete: overdue later
    items = requests.get_request(r4.id).items
    requests.save_checklist(wahyu, r4.id, [(items[0].id, False, "belum ada"), *[(i.id, True, "") for i in items[1:]]])
    at(10, 45); messages.record_contact(wahyu, r4.id, "missing", "Berkas kurang.")  # noqa: E702
    at(10, 50); r5 = new_request(wahyu, "KTP", "whatsapp"); make_ready(wahyu, r5)  # noqa: E702
    at(11, 0); r6 = new_request(wahyu, "KK"); requests.cancel_request(wahyu, r6.id, "Pemohon membatalkan")  # noqa: E702
    at(11, 10); r7 = new_request(wahyu, "KTP")  # noqa: E702
    at(11, 20); requests.reject_request(supervisor, r7.id, "Data tidak sesuai")  # noqa: E702
    at(11, 30); r8 = new_request(wahyu, "KK"); check_all(wahyu, r8); requests.start_processing(wahyu, r8.id)  # noqa: E702
    at(11, 40)
    urgent = new_request(wahyu, "REKAM", approval=accounts.approve_urgent(wahyu, "sari", "rahasia-sari", "Syarat kerja"))
    at(14, 0); pickup.confirm_pickup(wahyu, r1.reg_no, collector_kind="self")  # noqa: E702
    at(14, 10); pickup.confirm_pickup(wahyu, r2.reg_no, collector_kind="family", collector_name="Ahmad Fauzi",  # noqa: E702
                                      collector_nik=FAMILY_NIK)
    at(14, 20); pickup.confirm_pickup(wahyu, r3.reg_no, collector_kind="proxy", collector_name="Budi Santoso",  # noqa: E702
                                      collector_nik=FAMILY_NIK)
    at(14, 30); pickup.confirm_delivery(wahyu, r5.reg_no, "Dokumen dikirim.")  # noqa: E702

    # The second day: one KTP ticket, and r8 ready a day after its due date (Friday 4 December).
    at(9, 0, SECOND_DAY); a = tickets.issue_ticket(None, "KTP")  # noqa: E702
    at(9, 10, SECOND_DAY); tickets.call_next(wahyu, 1)  # noqa: E702  waited 10
    at(9, 12, SECOND_DAY); tickets.start_serving(wahyu, a.id)  # noqa: E702
    at(9, 20, SECOND_DAY); tickets.finish(wahyu, a.id)  # noqa: E702  served 8
    at(10, 0, SECOND_DAY); requests.mark_ready(wahyu, r8.id)  # noqa: E702

    at(9, 0, LATER)
    return {"r4": r4, "urgent": urgent, "dewi": dewi}


def minutes(count, average, median, p90):
    """Durations given in minutes (exact fractions where needed), as the report's whole seconds."""
    return (count, *(None if m is None else round(m * 60) for m in (average, median, p90)))


NONE = minutes(0, None, None, None)


def queue_line(service, issued, served=0, no_show=0, cancelled=0, transferred=0, waiting=NONE, serving=NONE):
    line = {"issued": issued, "served": served, "no_show": no_show, "cancelled": cancelled,
            "transferred": transferred, "service": service}
    for prefix, (count, average, median, p90) in (("wait", waiting), ("service", serving)):
        line.update({f"{prefix}_count": count, f"{prefix}_avg_s": average, f"{prefix}_median_s": median,
                     f"{prefix}_p90_s": p90})
    return line


def request_line(service, walk_in=0, whatsapp=0, completed=0, within=0, percent=None, self_=0, family=0, proxy=0,
                 delivered=0, rejected=0, cancelled=0, overdue=0):
    return {"service": service, "received": walk_in + whatsapp, "walk_in": walk_in,
            "whatsapp": whatsapp, "completed": completed, "on_time": within,
            "on_time_percent": percent, "overdue": overdue, "collected": self_ + family + proxy,
            "collected_self": self_, "collected_family": family,
            "collected_proxy": proxy, "delivered": delivered, "rejected": rejected, "cancelled": cancelled}


def by_service(lines):
    return {line["service"]: {k: v for k, v in line.items() if k != "name"} for line in lines}


def test_the_known_day(office, supervisor):
    data = reports.daily(supervisor, DAY).as_json()
    assert (data["kind"], data["from"], data["to"]) == ("daily", "2026-12-01", "2026-12-01")
    assert (data["office"]["name"], data["office"]["head_nip"]) == ("Kantor Kecamatan Pasar Kemis", "197001012000031001")
    queue = data["queue"]
    lines = by_service(queue["services"])
    # KTP: A-001 (waited 30, served 10), A-002 (25, 20); A-003 went to KK.
    assert lines["KTP"] == queue_line("KTP", 2, served=2, waiting=minutes(2, 27.5, 27.5, 30.0),
                                      serving=minutes(2, 15.0, 15.0, 20.0))
    # KK: B-001 no-show (waited 25), B-002 (10, 5), B-003 cancelled, A-003 transferred in (30, 19).
    assert lines["KK"] == queue_line("KK", 4, served=2, no_show=1, cancelled=1, transferred=1,
                                     waiting=minutes(3, 65 / 3, 25.0, 30.0), serving=minutes(2, 12.0, 12.0, 19.0))
    assert lines["REKAM"] == queue_line("REKAM", 1)
    assert lines["PINDAH_KELUAR"] == queue_line("PINDAH_KELUAR", 0)
    # waits 30 25 25 10 30 -> 24.0, median 25, p90 the 5th of 5; services 10 20 5 19 -> 13.5, 14.5, 20.
    assert by_service([queue["total"]])["TOTAL"] == queue_line(
        "TOTAL", 7, served=4, no_show=1, cancelled=1, transferred=1,
        waiting=minutes(5, 24.0, 25.0, 30.0), serving=minutes(4, 13.5, 14.5, 20.0))
    # 08.00 and 09.00 both have three tickets: the earlier hour is the busiest.
    assert (queue["busiest_hour"], queue["busiest_hour_count"]) == (8, 3)
    assert queue["chart_unit"] == "hour"
    assert [(bar["label"], bar["count"]) for bar in queue["chart"]] == [
        ("07", 0), ("08", 3), ("09", 3), ("10", 1), ("11", 0), ("12", 0), ("13", 0), ("14", 0), ("15", 0), ("16", 0)]
    assert queue["counters"] == [{"key": "1", "name": "Loket 1", "served": 2}, {"key": "2", "name": "Loket 2", "served": 2}]
    assert queue["operators"] == [{"key": "dewi", "name": "Dewi", "served": 2}, {"key": "wahyu", "name": "Wahyu", "served": 2}]

    reqs = data["requests"]
    lines = by_service(reqs["services"])
    assert lines["KTP"] == request_line("KTP", walk_in=2, whatsapp=2, completed=3, within=3, percent=100.0,
                                        family=1, proxy=1, delivered=1, rejected=1)
    # r8 is ready only on the second day.
    assert lines["KK"] == request_line("KK", walk_in=4, completed=1, within=1, percent=100.0, self_=1, cancelled=1,
                                       overdue=1)
    assert lines["REKAM"] == request_line("REKAM", walk_in=1)
    assert by_service([reqs["total"]])["TOTAL"] == request_line(
        "TOTAL", walk_in=7, whatsapp=2, completed=4, within=4, percent=100.0, self_=1, family=1, proxy=1,
        delivered=1, rejected=1, cancelled=1, overdue=1)
    assert (reqs["contacts_missing"], reqs["contacts_ready"]) == (1, 1)
    # Read on Tuesday 8 December: r4, due Friday 4 December (3 working days), is 4 days over.
    assert data["overdue_as_of"] == "2026-12-08"
    assert data["overdue"] == [{"reg_no": office["r4"].reg_no, "service": "KK", "due_date": "2026-12-04",
                                    "days_over": 4}]

    assert data["urgent"]["tickets"] == [{"ref": "E-001", "day": "2026-12-01", "service": "REKAM",
                                          "urgent_reason": "Berobat ke luar kota", "approved_by": "sari"}]
    assert data["urgent"]["requests"] == [{"ref": office["urgent"].reg_no, "day": "2026-12-01", "service": "REKAM",
                                           "urgent_reason": "Syarat kerja", "approved_by": "sari"}]
    assert json.loads(json.dumps(data)) == data
    overdue = [row for row in reports.csv_rows(reports.daily(supervisor, DAY)) if row["bagian"] == "permohonan_terlambat"]
    assert [(row["reg_no"], row["service"], row["days_over"]) for row in overdue] == [(office["r4"].reg_no, "KK", 4)]


def test_a_month_over_two_days(office, admin):
    data = reports.monthly(admin, 2026, 12).as_json()
    assert (data["kind"], data["from"], data["to"]) == ("monthly", "2026-12-01", "2026-12-31")
    queue = data["queue"]
    assert by_service(queue["services"])["KTP"] == queue_line(
        "KTP", 3, served=3, waiting=minutes(3, 65 / 3, 25.0, 30.0), serving=minutes(3, 38 / 3, 10.0, 20.0))
    assert (queue["total"]["issued"], queue["total"]["served"]) == (8, 5)
    assert queue["chart_unit"] == "day" and len(queue["chart"]) == 31
    assert {bar["label"]: bar["count"] for bar in queue["chart"] if bar["count"]} == {"2026-12-01": 7, "2026-12-07": 1}
    assert queue["counters"][0] == {"key": "1", "name": "Loket 1", "served": 3}
    # r8 became ready on 7 December, after its due date of 4 December: 4 of 5 within target.
    total = data["requests"]["total"]
    assert (total["received"], total["completed"], total["on_time"]) == (9, 5, 4)
    assert total["on_time_percent"] == 80.0
    assert by_service(data["requests"]["services"])["KK"]["completed"] == 2

    second = reports.range_report(admin, SECOND_DAY, SECOND_DAY).as_json()
    assert second["kind"] == "range" and second["queue"]["total"]["issued"] == 1
    assert second["requests"]["total"]["received"] == 0 and second["requests"]["total"]["completed"] == 1
    assert second["urgent"] == {"tickets": [], "requests": []}
    # The list of overdue requests is today's, but only of requests received by the period's end.
    assert [row["reg_no"] for row in second["overdue"]] == [office["r4"].reg_no]
    assert reports.range_report(admin, date(2026, 11, 1), date(2026, 11, 30)).as_json()["overdue"] == []


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(db, operator, supervisor):
    at(9, 0)
    approval = accounts.approve_urgent(operator, "sari", "rahasia-sari", '=HYPERLINK("http://contoh.test")')
    tickets.issue_ticket(operator, "REKAM", approval=approval)
    rows = reports.csv_rows(reports.daily(supervisor, DAY))
    urgent = next(row for row in rows if row["bagian"] == "mendesak_tiket")
    assert urgent["urgent_reason"] == '\'=HYPERLINK("http://contoh.test")'
    period = next(row for row in rows if row["bagian"] == "periode")
    assert (period["from"], period["to"]) == (DAY.isoformat(), DAY.isoformat())


def test_an_operator_is_refused(office, operator):
    with pytest.raises(PermissionDenied):
        reports.daily(operator, DAY)
    with pytest.raises(PermissionDenied):
        reports.monthly(office["dewi"], 2026, 12)


def test_command_line_json_and_csv(office, db_path, tmp_path, admin):
    clock.set_now(None)  # the command runs on the real clock: "overdue now" is as of the real today
    expected = reports.monthly(admin, 2026, 12).as_json()
    result = run_cli("--db", str(db_path), "report", "monthly", "--month", "2026-12", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected

    daily = run_cli("--db", str(db_path), "report", "daily", "--date", "2026-12-01", "--json")
    assert json.loads(daily.stdout) == reports.daily(admin, DAY).as_json()

    text = run_cli("--db", str(db_path), "report", "range", "--from", "2026-12-01", "--to", "2026-12-07")
    assert text.returncode == 0, text.stderr
    assert "Rekap 2026-12-01 s.d. 2026-12-07" in text.stdout and "Jam tersibuk: 09.00-09.59 (4 tiket)" in text.stdout
    assert "Terlambat per " in text.stdout and "Kasus mendesak: 2" in text.stdout

    target = tmp_path / "rekap.csv"
    result = run_cli("--db", str(db_path), "report", "daily", "--date", "2026-12-01", "--csv", str(target))
    assert result.returncode == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sections = {row["bagian"] for row in rows}
    assert {"periode", "antrian_layanan", "antrian_grafik", "antrian_loket", "antrian_petugas", "permohonan_layanan",
            "kontak", "mendesak_tiket", "mendesak_permohonan"} <= sections
    total = next(row for row in rows if row["bagian"] == "antrian_layanan" and row["service"] == "TOTAL")
    assert (total["issued"], total["served"], total["wait_avg_s"], total["service_p90_s"]) == ("7", "4", "1440", "1200")
    kk = next(row for row in rows if row["bagian"] == "permohonan_layanan" and row["service"] == "KK")
    assert (kk["received"], kk["on_time_percent"], kk["cancelled"]) == ("4", "100.0", "1")
    urgent = next(row for row in rows if row["bagian"] == "mendesak_tiket")
    assert (urgent["ref"], urgent["urgent_reason"], urgent["approved_by"]) == ("E-001", "Berobat ke luar kota", "sari")

    again = run_cli("--db", str(db_path), "report", "daily", "--date", "2026-12-01", "--csv", str(target))
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1 and "sudah ada" in again.stderr
    assert target.read_bytes() == raw

    # One file per table: each with its own header, the same figures.
    split = tmp_path / "bulan.csv"
    result = run_cli("--db", str(db_path), "report", "daily", "--date", "2026-12-01", "--csv", str(split), "--per-table")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "bulan-permohonan_layanan.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == ["service", "name", "received", "walk_in", "whatsapp", "completed", "on_time",
                              "on_time_percent", "overdue", "collected", "collected_self", "collected_family",
                              "collected_proxy", "delivered", "rejected", "cancelled"]
    assert next(row for row in table if row["service"] == "KK")["received"] == "4"
    with open(tmp_path / "bulan-mendesak_tiket.csv", encoding="utf-8-sig", newline="") as handle:
        assert [row["ref"] for row in csv.DictReader(handle)] == ["E-001"]
    assert len(list(tmp_path.glob("bulan-*.csv"))) == 10
    # The files hold registration numbers and staff names: their owner's only, and audited.
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in tmp_path.glob("*.csv"))


def test_write_csv_adds_the_suffix_refuses_a_missing_folder_and_is_audited(office, supervisor, operator, tmp_path):
    from tui_kecamatan.db.models import AuditEvent
    from tui_kecamatan.errors import InvalidInput

    report = reports.daily(supervisor, DAY)
    [written] = reports.write_csv(supervisor, report, tmp_path / "rekap")
    assert written == str(tmp_path / "rekap.csv")
    event = AuditEvent.select().where(AuditEvent.action == "rekap_disimpan").get()
    assert event.actor == supervisor.username and "daily 2026-12-01 s.d. 2026-12-01 CSV ke" in event.detail
    with pytest.raises(InvalidInput, match="tidak ada"):
        reports.write_csv(supervisor, report, tmp_path / "tidak-ada" / "rekap.csv")
    with pytest.raises(PermissionDenied):
        reports.write_csv(operator, report, tmp_path / "lain.csv")
    # One of the per-table files already there: nothing of the export is written.
    (tmp_path / "bagi-kontak.csv").write_text("milik orang lain")
    with pytest.raises(InvalidInput, match="sudah ada"):
        reports.write_csv(supervisor, report, tmp_path / "bagi.csv", per_table=True)
    assert [p.name for p in tmp_path.glob("bagi-*.csv")] == ["bagi-kontak.csv"]


@pytest.mark.parametrize("args", [
    ("monthly", "--month", "2026-13"),
    ("monthly", "--month", "Desember"),
    ("daily", "--date", "2026-02-30"),
    ("range", "--from", "2026-12-01"),
])
def test_bad_dates_say_one_sentence(db_path, admin, args):
    result = run_cli("--db", str(db_path), "report", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr and result.stdout == ""
