"""Retention: applicants' data of requests closed past the office's period is anonymised, and
nothing else changes: not a younger request, not a figure of any report."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import run_cli
from tui_kecamatan.core import clock, documents, messages, pickup, privacy, reports, request_search, requests
from tui_kecamatan.db.models import Citizen, Contact, Draft, Pickup, PrintJob, Request, RequestItem, database
from tui_kecamatan.errors import InvalidInput, PermissionDenied

OLD_NIK = "3603015501900002"  # Siti: every request of hers is old
KEPT_NIK = "3603016603910004"  # Rina: closed 23 months ago, inside the period
BOTH_NIK = "3603011707920005"  # Joko: one old request, one open now
COLLECTOR_NIK = "3603011203850001"
OLD_DAY = date(2024, 3, 5)
KEPT_DAY = date(2025, 1, 14)
TODAY = date(2026, 12, 8)


def at(day: date, hour: int = 10, minute: int = 0) -> None:
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))
    clock.set_now(lambda: moment)


def lifecycle(operator, nik: str, name: str, day: date, code: str = "KTP"):
    """A request received, completed, ready, its contacts made, a receipt printed, collected."""
    at(day, 9)
    info = requests.create_request(operator, service_code=code, nik=nik, name=name, kk_number="3603012005150003",
                                   phone="0812-3456-7890")
    items = requests.get_request(info.id).items
    requests.save_checklist(operator, info.id, [(item.id, True, f"dilihat {name}") for item in items])
    documents.request_receipt(operator, info.id)
    requests.start_processing(operator, info.id)
    requests.mark_ready(operator, info.id)
    messages.record_contact(operator, info.id, "ready", f"Bapak/Ibu {name}, dokumen Anda siap diambil.")
    at(day, 14)
    pickup.confirm_pickup(operator, info.reg_no, collector_kind="family", collector_name="Ahmad Fauzi",
                          collector_nik=COLLECTOR_NIK)
    return info


@pytest.fixture
def office(db, operator, supervisor):
    old = lifecycle(operator, OLD_NIK, "Siti Aminah", OLD_DAY)
    at(OLD_DAY, 15)
    cancelled = requests.create_request(operator, service_code="KK", nik=OLD_NIK, name="Siti Aminah",
                                        kk_number="3603012005150003", phone="0812-3456-7890")
    requests.cancel_request(operator, cancelled.id, "Siti Aminah pindah domisili")
    kept = lifecycle(operator, KEPT_NIK, "Rina Wati", KEPT_DAY)
    joko_old = lifecycle(operator, BOTH_NIK, "Joko Susilo", OLD_DAY, code="KK")
    at(date(2026, 12, 1))
    joko_new = requests.create_request(operator, service_code="KTP", nik=BOTH_NIK, name="Joko Susilo",
                                       kk_number="3603012005150003", phone="0813-1111-2222")
    at(TODAY)
    return {"old": old, "cancelled": cancelled, "kept": kept, "joko_old": joko_old, "joko_new": joko_new}


def every_report(actor) -> list[dict]:
    return [
        reports.daily(actor, OLD_DAY).as_json(), reports.monthly(actor, 2024, 3).as_json(),
        reports.monthly(actor, 2025, 1).as_json(), reports.range_report(actor, date(2024, 1, 1), date(2024, 12, 31)).as_json(),
        reports.range_report(actor, date(2025, 12, 9), TODAY).as_json(),
    ]


def raw_bytes(db_path) -> bytes:
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_the_period_is_kept_in_the_database_and_checked(db, admin, operator):
    assert privacy.retention_months() == 24
    assert privacy.set_retention(admin, "36") == 36 and privacy.retention_months() == 36
    with pytest.raises(InvalidInput, match="Masa simpan harus 6-240 bulan."):
        privacy.set_retention(admin, "tiga")
    with pytest.raises(PermissionDenied):
        privacy.set_retention(operator, 24)
    assert privacy.cutoff_day(24, date(2026, 12, 8)) == date(2024, 12, 8)
    assert privacy.cutoff_day(1, date(2026, 3, 31)) == date(2026, 2, 28)


def test_purge_anonymises_exactly_the_requests_past_the_limit(office, admin, supervisor, db_path):
    before = every_report(supervisor)
    assert OLD_NIK.encode() in raw_bytes(db_path)

    plan = privacy.preview(admin)
    # Siti's two requests and Joko's old one; Rina's closed 23 months ago stays.
    assert (plan.requests, plan.citizens, plan.oldest, plan.newest) == (3, 2, OLD_DAY, OLD_DAY)
    assert plan.cutoff == date(2024, 12, 8)
    steps = []
    result = privacy.purge(admin, progress=lambda done, total: steps.append((done, total)))
    assert (result.requests, result.citizens) == (3, 1) and steps == [(3, 3)]

    for key in ("old", "cancelled", "joko_old"):
        row = Request.get_by_id(office[key].id)
        assert (row.name, row.nik, row.kk_number, row.phone, row.reason) == (privacy.ANONYMOUS, "", "", "", "")
        assert row.status in ("picked_up", "cancelled") and row.service.code in ("KTP", "KK")
        assert all(item.note == "" for item in RequestItem.select().where(RequestItem.request == row.id))
        assert all((c.phone, c.message) == ("", "") for c in Contact.select().where(Contact.request == row.id))
        assert all(job.payload == "" for job in PrintJob.select().where(
            (PrintJob.ref_table == "request") & (PrintJob.ref_id == row.id)))
    picked = Pickup.get(Pickup.request == office["old"].id)
    assert (picked.collector_kind, picked.collector_name, picked.collector_nik) == ("family", "", "")
    # Younger ones are untouched, and so is the citizen who still has one.
    kept = Request.get_by_id(office["kept"].id)
    assert (kept.name, kept.nik) == ("Rina Wati", KEPT_NIK)
    assert Pickup.get(Pickup.request == kept.id).collector_nik == COLLECTOR_NIK
    assert Request.get_by_id(office["joko_new"].id).nik == BOTH_NIK
    assert Citizen.get_or_none(Citizen.nik == BOTH_NIK) is not None
    assert Citizen.get_or_none(Citizen.nik == OLD_NIK) is None

    assert every_report(supervisor) == before
    assert OLD_NIK.encode() not in raw_bytes(db_path)
    # The search finds nothing of her any more, and a second purge has nothing to do.
    assert [row.reg_no for row in request_search.search_requests(text=OLD_NIK[-8:]).rows] == []
    assert [row.reg_no for row in request_search.search_requests(text="Siti Aminah").rows] == []
    assert privacy.preview(admin).requests == 0
    assert privacy.purge(admin).requests == 0


def test_drafts_older_than_the_period_go(db, admin, operator):
    at(OLD_DAY)
    from tui_kecamatan.core import drafts

    drafts.save_draft(operator, "intake", {"nik": OLD_NIK, "name": "Siti Aminah"})
    at(TODAY)
    drafts.save_draft(admin, "intake", {"nik": KEPT_NIK, "name": "Rina Wati"})
    assert privacy.purge(admin).drafts == 1
    assert [d.staff.username for d in Draft.select()] == [admin.username]


def test_an_operator_or_supervisor_cannot_purge(office, operator, supervisor):
    for actor in (operator, supervisor):
        with pytest.raises(PermissionDenied):
            privacy.preview(actor)
        with pytest.raises(PermissionDenied):
            privacy.purge(actor)


def test_command_line_previews_asks_and_purges(office, db_path, admin):
    clock.set_now(None)
    refused = run_cli("--db", str(db_path), "purge", "--older-than", "24", input="")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert Request.get_by_id(office["old"].id).nik == OLD_NIK
    bad = run_cli("--db", str(db_path), "purge", "--older-than", "dua")
    assert bad.returncode == 1 and bad.stderr.strip() == "Masa simpan harus 6-240 bulan."
    done = run_cli("--db", str(db_path), "purge", "--older-than", "24", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["requests"], data["citizens"], data["purged"]) == (3, 1, True)
    again = run_cli("--db", str(db_path), "purge", "--older-than", "24", "--yes")
    assert again.returncode == 0 and "tidak ada yang dihapus" in again.stdout
