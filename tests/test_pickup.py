"""Pickup: who may collect, the sentences for too early and already collected, electronic
delivery, and two desks confirming the same pickup at once in two real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import HOSTILE_NAMES, ROOT
from printing.text import format_datetime
from tui_kecamatan.core import clock, pickup, requests
from tui_kecamatan.core.text import NAME_MAX
from tui_kecamatan.db.models import AuditEvent, Contact, Pickup, Request
from tui_kecamatan.errors import InvalidInput, NotFound, Refused

NIK = "3603015501900002"
KK = "3603012005150003"
FAMILY_NIK = "3603011203850001"


def at(year, month, day, hour=9, minute=15):
    moment = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))
    clock.set_now(lambda: moment)


def ready_request(operator, phone="0812-3456-7890"):
    info = requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminah", kk_number=KK, phone=phone)
    items = requests.get_request(info.id).items
    requests.save_checklist(operator, info.id, [(item.id, True, "") for item in items])
    requests.start_processing(operator, info.id)
    requests.mark_ready(operator, info.id)
    return requests.request_info(info.id)


def state(request_id):
    row = Request.get_by_id(request_id)
    return row.status, row.closed_at, Pickup.select().where(Pickup.request == request_id).count()


def test_applicant_collects(operator):
    at(2026, 12, 2, 10, 30)
    info = ready_request(operator)
    proof = pickup.confirm_pickup(operator, info.reg_no, collector_kind="self", collector_name="ignored")
    assert proof.collector_kind == "self" and proof.collector_label == "Pemohon"
    assert proof.collector_name == "Siti Aminah"
    assert proof.applicant_nik_masked == proof.collector_nik_masked == "360301******0002"
    assert proof.kk_masked == "360301******0003"
    assert proof.staff_name == "Wahyu"
    assert proof.at.strftime("%Y-%m-%d %H:%M %z") == "2026-12-02 10:30 +0700"
    row = Request.get_by_id(info.id)
    assert row.status == "picked_up" and row.closed_at is not None
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.table_name, event.record_id) == ("dokumen_diambil", "request", info.id)
    assert NIK not in event.detail and NIK not in repr(proof)
    assert pickup.pickup_info(info.reg_no) == proof


def test_family_and_proxy_need_a_name_and_a_nik(operator):
    info = ready_request(operator)
    before = state(info.id)
    for kind in ("family", "proxy"):
        with pytest.raises(InvalidInput, match="Nama pengambil"):
            pickup.confirm_pickup(operator, info.reg_no, collector_kind=kind, collector_nik=FAMILY_NIK)
        with pytest.raises(InvalidInput, match="NIK"):
            pickup.confirm_pickup(operator, info.reg_no, collector_kind=kind, collector_name="Ahmad")
        with pytest.raises(InvalidInput, match="NIK"):
            pickup.confirm_pickup(operator, info.reg_no, collector_kind=kind, collector_name="Ahmad", collector_nik="1234")
    with pytest.raises(InvalidInput):
        pickup.confirm_pickup(operator, info.reg_no, collector_kind="tetangga", collector_name="Ahmad", collector_nik=FAMILY_NIK)
    assert state(info.id) == before
    proof = pickup.confirm_pickup(
        operator, info.reg_no, collector_kind="family", collector_name="Ahmad Fauzi", collector_nik="3603 0112 0385 0001",
        note="Suami, KK diperiksa",
    )
    assert (proof.collector_kind, proof.collector_name, proof.collector_nik_masked) == ("family", "Ahmad Fauzi", "360301******0001")
    assert not proof.proxy_letter and proof.note == "Suami, KK diperiksa"
    assert Pickup.get(Pickup.request == info.id).collector_nik == FAMILY_NIK


def test_proxy_with_letter(operator):
    info = ready_request(operator)
    proof = pickup.confirm_pickup(operator, info.reg_no, collector_kind="proxy", collector_name="Dedi", collector_nik=FAMILY_NIK)
    assert proof.proxy_letter and proof.collector_label == "Kuasa (surat kuasa)"


def test_not_ready_is_refused_with_the_status(operator):
    info = requests.create_request(operator, service_code="KK", nik=NIK, name="Siti", kk_number=KK)
    items = requests.get_request(info.id).items
    requests.save_checklist(operator, info.id, [(item.id, True, "") for item in items])
    requests.start_processing(operator, info.id)
    before = state(info.id)
    with pytest.raises(Refused) as caught:
        pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    assert str(caught.value) == "Dokumen belum siap diambil (status: Diproses)."
    assert state(info.id) == before
    view = pickup.find_for_pickup(info.reg_no)
    assert not view.can_collect and view.refusal == "Dokumen belum siap diambil (status: Diproses)."


def test_second_pickup_names_when_and_who(operator):
    at(2026, 11, 28, 9, 15)
    info = ready_request(operator)
    pickup.confirm_pickup(operator, info.reg_no, collector_kind="family", collector_name="Ahmad", collector_nik=FAMILY_NIK)
    at(2026, 11, 30, 8, 0)
    before = state(info.id)
    with pytest.raises(Refused) as caught:
        pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    assert str(caught.value) == "Dokumen sudah diambil pada Sabtu, 28 November 2026 09:15 WIB oleh Ahmad."
    assert state(info.id) == before
    view = pickup.find_for_pickup(f"  {info.reg_no}\n")  # as a barcode scanner types it
    assert view.status_label == "Sudah diambil" and view.pickup.collector_name == "Ahmad"
    assert view.refusal == str(caught.value)


def test_find_for_pickup_of_a_ready_request(operator):
    info = ready_request(operator)
    view = pickup.find_for_pickup(info.reg_no)
    assert view.can_collect and view.refusal == "" and view.pickup is None
    assert (view.name, view.nik_masked, view.service_name, view.status_label) == (
        "Siti Aminah", "360301******0002", "Cetak KK", "Siap diambil")
    with pytest.raises(NotFound):
        pickup.find_for_pickup("20990101-0001")


def test_electronic_delivery(operator):
    at(2026, 12, 1, 13, 0)
    info = ready_request(operator)
    proof = pickup.confirm_delivery(operator, info.reg_no, "Yth. Siti,\nDokumen terlampir.")
    assert proof.collector_kind == "electronic"
    row = Request.get_by_id(info.id)
    assert row.status == "delivered" and row.closed_at is not None
    contact = Contact.get(Contact.request == info.id)
    assert (contact.kind, contact.phone, contact.message) == ("sent", "+6281234567890", "Yth. Siti,\nDokumen terlampir.")
    with pytest.raises(Refused) as caught:
        pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    assert str(caught.value) == "Dokumen sudah dikirim elektronik pada Selasa, 1 Desember 2026 13:00 WIB."


def test_delivery_needs_a_phone_and_a_message(operator):
    info = ready_request(operator, phone="")
    before = state(info.id)
    with pytest.raises(InvalidInput):
        pickup.confirm_delivery(operator, info.reg_no, "  ")
    with pytest.raises(Refused, match="nomor HP"):
        pickup.confirm_delivery(operator, info.reg_no, "Dokumen terlampir.")
    assert state(info.id) == before and Contact.select().count() == 0


@pytest.mark.parametrize("typed", HOSTILE_NAMES)
def test_hostile_collector_names(operator, typed):
    info = ready_request(operator)
    proof = pickup.confirm_pickup(operator, info.reg_no, collector_kind="proxy", collector_name=typed, collector_nik=FAMILY_NIK)
    expected = "".join(ch for ch in typed if unicodedata.category(ch) not in ("Cc", "Cf"))[:NAME_MAX]
    assert proof.collector_name == expected
    assert Pickup.get(Pickup.request == info.id).collector_name == expected
    assert requests.get_request(info.id).pickup.collector_name == expected


def test_unique_row_turns_a_lost_race_into_the_already_collected_sentence(operator, monkeypatch):
    """On a database where the other desk's uncommitted row is invisible to the check, the
    UNIQUE pickup row stops the second confirmation; it must still read as a sentence."""
    at(2026, 11, 28, 9, 15)
    info = ready_request(operator)
    Pickup.create(request=info.id, collector_kind="proxy", collector_name="Dedi", collector_nik=FAMILY_NIK,
                  staff=operator.id, at=clock.now_utc())
    calls = []

    def blind(row):
        calls.append(row.id)
        return ""  # the check sees nothing, as under a concurrent transaction

    monkeypatch.setattr(pickup, "_refusal", blind)
    with pytest.raises(Refused) as caught:
        pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    assert calls == [info.id]
    assert str(caught.value) == "Dokumen sudah diambil pada Sabtu, 28 November 2026 09:15 WIB oleh Dedi."
    assert Request.get_by_id(info.id).status == "ready"  # the losing transaction changed nothing
    assert Pickup.select().count() == 1


CONFIRM = r"""
import json, sys, time
from pathlib import Path
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.core import pickup
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.errors import AppError

db_path, reg_no, folder, me, staff_id = sys.argv[1:6]
open_database(db_path)
folder = Path(folder)
(folder / f"ready-{me}").touch()
deadline = time.monotonic() + 60
while not (folder / "go").exists():
    if time.monotonic() > deadline:
        print(json.dumps({"ok": False, "error": "no start signal"}))
        sys.exit(2)
    time.sleep(0.0005)
actor = Actor(int(staff_id), "wahyu", "Wahyu", Role.OPERATOR)
try:
    info = pickup.confirm_pickup(actor, reg_no, collector_kind="family", collector_name=f"Pengambil {me}",
                                 collector_nik="3603011203850001")
    print(json.dumps({"ok": True, "name": info.collector_name}))
except AppError as exc:
    print(json.dumps({"ok": False, "error": str(exc)}))
"""


def test_two_processes_confirm_the_same_pickup_at_once(operator, db_path, tmp_path):
    info = ready_request(operator)
    folder = tmp_path / "barrier"
    folder.mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONFIRM, str(db_path), info.reg_no, str(folder), name, str(operator.id)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
        )
        for name in ("A", "B")
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((folder / f"ready-{name}").exists() for name in ("A", "B")):
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            assert time.monotonic() < deadline, "the processes never got ready"
            time.sleep(0.01)
        (folder / "go").touch()  # both are spinning on this file: they start together
        outputs = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    results = [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]
    winners = [r for r in results if r["ok"]]
    losers = [r for r in results if not r["ok"]]
    assert len(winners) == 1 and len(losers) == 1, results
    stored = Pickup.get(Pickup.request == info.id)
    assert stored.collector_name == winners[0]["name"]
    when = format_datetime(clock.to_local(stored.at), clock.zone_abbreviation())
    assert losers[0]["error"] == f"Dokumen sudah diambil pada {when} oleh {winners[0]['name']}."
    assert Request.get_by_id(info.id).status == "picked_up"
    taken = AuditEvent.select().where((AuditEvent.action == "dokumen_diambil") & (AuditEvent.record_id == info.id))
    assert taken.count() == 1
