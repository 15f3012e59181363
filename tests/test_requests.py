"""Requests: intake, registration numbers, the checklist, every status move (allowed and refused),
overdue targets over weekends and holidays, search, the JSON shape, and hostile names."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from peewee import fn

from conftest import HOSTILE_NAMES
from tui_kecamatan.core import clock, desa, holidays, pickup, request_labels, request_search, requests, services
from tui_kecamatan.core.request_labels import RequestStatus as S
from tui_kecamatan.core.text import NAME_MAX
from tui_kecamatan.core.workdays import add_working_days, is_overdue
from tui_kecamatan.db.models import AuditEvent, Contact, Pickup, Request, RequestItem
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused

JAKARTA = ZoneInfo("Asia/Jakarta")
NIK = "3603015501900002"  # Banten, woman born 15-01-1990
NIK_2 = "3603011203850001"
KK = "3603012005150003"


def at(year, month, day, hour=9, minute=15):
    moment = datetime(year, month, day, hour, minute, tzinfo=JAKARTA)
    clock.set_now(lambda: moment)
    return moment


def new(actor, **overrides):
    fields = dict(service_code="KK", nik=NIK, name="Siti Aminah", kk_number=KK, phone="0812-3456-7890")
    fields.update(overrides)
    return requests.create_request(actor, **fields)


def check_all(actor, info, checked=True):
    items = requests.get_request(info.id).items
    return requests.save_checklist(actor, info.id, [(item.id, checked, "") for item in items])


def snapshot(request_id):
    """Everything a refused move must leave as it was."""
    row = Request.select().where(Request.id == request_id).dicts().get()
    items = list(RequestItem.select().where(RequestItem.request == request_id).order_by(RequestItem.id).dicts())
    return (
        row,
        items,
        Pickup.select().where(Pickup.request == request_id).count(),
        Contact.select().where(Contact.request == request_id).count(),
        last_audit_id(),
    )


def last_audit_id():
    return AuditEvent.select(fn.MAX(AuditEvent.id)).scalar() or 0


def audit_actions(request_id):
    query = AuditEvent.select().where((AuditEvent.table_name == "request") & (AuditEvent.record_id == request_id))
    return [event.action for event in query.order_by(AuditEvent.id)]


# --- intake ---------------------------------------------------------------------------------


def test_create_request_numbers_copies_berkas_and_sets_the_target(operator):
    at(2026, 11, 27)  # a Friday
    info = new(operator)
    assert info.reg_no == "20261127-0001"
    assert info.status == "received" and info.status_label == "Diterima"
    assert info.nik_masked == "360301******0002"
    assert info.phone == "+6281234567890"
    assert info.due_date == date(2026, 12, 2)  # 3 working days: Mon, Tue, Wed
    detail = requests.get_request(info.reg_no)
    kk = services.get_service("KK")
    assert [item.text for item in detail.items] == [r.text for r in kk.documents]
    assert [item.mandatory for item in detail.items] == [r.mandatory for r in kk.documents]
    assert not any(item.checked for item in detail.items)
    assert audit_actions(info.id) == ["permohonan_dibuat"]
    assert NIK not in repr(detail)


def test_registration_numbers_count_per_local_day(operator):
    at(2026, 11, 27, 23, 58)
    assert new(operator).reg_no == "20261127-0001"
    assert new(operator, nik=NIK_2, name="Budi").reg_no == "20261127-0002"
    at(2026, 11, 28, 0, 1)  # past local midnight, still 27 Nov in UTC
    assert new(operator).reg_no == "20261128-0001"


def test_urgent_only_service_copies_only_documents_not_the_health_protocol(supervisor, operator):
    at(2026, 11, 27)
    with pytest.raises(Refused, match="ditunda"):
        new(operator, service_code="REKAM")
    with pytest.raises(PermissionDenied):
        new(operator, service_code="REKAM", urgent=True)
    info = new(supervisor, service_code="REKAM", urgent=True)
    texts = [item.text for item in requests.get_request(info.id).items]
    rekam = services.get_service("REKAM")
    assert texts == [r.text for r in rekam.requirements if r.kind == "berkas"]
    assert len(texts) < len(rekam.requirements)


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"nik": "123"}, "NIK"),
        ({"nik": "9903015501900002"}, "provinsi"),
        ({"kk_number": ""}, "KK"),
        ({"kk_number": "12345"}, "KK"),
        ({"phone": "021-555-1234"}, "HP"),
        ({"phone": "abc"}, "HP"),
        ({"name": "   "}, "Nama"),
        ({"name": "\x1b\x07\u202e"}, "Nama"),
        ({"channel": "email"}, "Saluran"),
        ({"desa": "Atlantis"}, "Desa"),
    ],
)
def test_intake_validates_again(operator, overrides, words):
    with pytest.raises(InvalidInput, match=words):
        new(operator, **overrides)
    assert Request.select().count() == 0


def test_unknown_service_and_kk_only_where_needed(operator):
    with pytest.raises(NotFound):
        new(operator, service_code="NOPE")
    info = new(operator, service_code="PINDAH_DATANG", kk_number="", phone="", channel="whatsapp")
    assert info.phone == "" and info.channel == "whatsapp"


def test_desa_from_the_active_list(admin, operator):
    gelam = desa.add_desa(admin, "Gelam")
    desa.add_desa(admin, "Sukaasih", "kelurahan")
    assert new(operator, desa="GELAM").desa == "Gelam"
    desa.deactivate_desa(admin, gelam.id)
    with pytest.raises(InvalidInput, match="Gelam"):
        new(operator, desa="Gelam")


def test_citizen_upserted_by_nik_and_prefilled(operator):
    assert requests.citizen_by_nik(NIK) is None
    new(operator, desa="")
    new(operator, name="Siti Aminah Rahayu", phone="", kk_number=KK)
    citizen = requests.citizen_by_nik("3603 0155 0190 0002")
    assert citizen.name == "Siti Aminah Rahayu"
    assert citizen.phone == "+6281234567890"  # left blank the second time: kept
    assert citizen.kk_number == KK


def test_display_account_cannot_take_requests(admin):
    from tui_kecamatan.core import accounts

    board = accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY)
    with pytest.raises(PermissionDenied):
        new(board)


@pytest.mark.parametrize("typed", HOSTILE_NAMES)
def test_hostile_names_stored_without_control_characters(operator, typed):
    info = new(operator, name=typed)
    expected = "".join(ch for ch in typed if unicodedata.category(ch) not in ("Cc", "Cf"))[:NAME_MAX]
    assert info.name == expected
    assert requests.get_request(info.reg_no).request.name == expected
    assert info.as_json()["name"] == expected
    assert requests.citizen_by_nik(NIK).name == expected
    found = request_search.search_requests(expected[:12]).rows
    assert [row.reg_no for row in found] == [info.reg_no]


# --- checklist ------------------------------------------------------------------------------


def test_checklist_moves_between_incomplete_and_complete(operator):
    info = new(operator)
    items = requests.get_request(info.id).items
    mandatory = [item for item in items if item.mandatory]
    first = requests.save_checklist(operator, info.id, [(mandatory[0].id, True, "asli dibawa")])
    assert first.status == "incomplete"
    assert [item.text for item in requests.missing_items(info.id)] == [mandatory[1].text]
    assert requests.save_checklist(operator, info.id, [(mandatory[1].id, True, "")]).status == "complete"
    assert requests.missing_items(info.id) == []
    back = requests.save_checklist(operator, info.id, [(mandatory[0].id, False, "ternyata fotokopi")])
    assert back.status == "incomplete"
    notes = {item.id: item.note for item in requests.get_request(info.id).items}
    assert notes[mandatory[0].id] == "ternyata fotokopi"
    assert audit_actions(info.id).count("daftar_periksa_disimpan") == 3


def test_checklist_refuses_items_of_another_request(operator):
    one, two = new(operator), new(operator, nik=NIK_2, name="Budi")
    foreign = requests.get_request(two.id).items[0].id
    before = snapshot(one.id)
    with pytest.raises(InvalidInput):
        requests.save_checklist(operator, one.id, [(foreign, True, "")])
    assert snapshot(one.id) == before


def test_editing_the_service_later_leaves_the_checklist_intact(admin, operator):
    info = new(operator)
    before = requests.get_request(info.id).items
    kk = services.get_service("KK")
    first, *rest = kk.requirements
    services.edit_requirement(admin, first.id, text="KK lama (asli) dan fotokopinya", mandatory=False)
    services.remove_requirement(admin, rest[-1].id)
    services.add_requirement(admin, "KK", "Surat pengantar RT/RW", position=0)
    services.reorder_requirements(admin, "KK", [r.id for r in reversed(services.get_service("KK").requirements)])
    assert requests.get_request(info.id).items == before
    later = new(operator, nik=NIK_2, name="Budi")
    assert [i.text for i in requests.get_request(later.id).items] == [r.text for r in services.get_service("KK").documents]


# --- every status move ----------------------------------------------------------------------


def reach(status, operator, supervisor, nik=NIK):
    """A request brought to `status` through the real functions."""
    info = new(operator, nik=nik)
    if status is S.RECEIVED:
        return info
    if status is S.INCOMPLETE:
        return check_all(operator, info, checked=False)
    if status is S.CANCELLED:
        return requests.cancel_request(operator, info.id, "Pemohon membatalkan")
    if status is S.REJECTED:
        return requests.reject_request(supervisor, info.id, "Data tidak sesuai")
    check_all(operator, info)
    if status is S.COMPLETE:
        return requests.request_info(info.id)
    requests.start_processing(operator, info.id)
    if status is S.PROCESSING:
        return requests.request_info(info.id)
    requests.mark_ready(operator, info.id)
    if status is S.READY:
        return requests.request_info(info.id)
    if status is S.PICKED_UP:
        pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    else:
        pickup.confirm_delivery(operator, info.reg_no, "Dokumen terlampir.")
    return requests.request_info(info.id)


ACTIONS = ("uncheck", "check", "process", "ready", "pickup", "deliver", "cancel", "reject", "reopen")


def attempt(action, info, operator, supervisor):
    """Call the one function behind `action`."""
    if action == "uncheck":
        return check_all(operator, info, checked=False)
    if action == "check":
        return check_all(operator, info)
    if action == "process":
        return requests.start_processing(operator, info.id)
    if action == "ready":
        return requests.mark_ready(operator, info.id)
    if action == "pickup":
        return pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    if action == "deliver":
        return pickup.confirm_delivery(operator, info.reg_no, "Dokumen terlampir.")
    if action == "cancel":
        return requests.cancel_request(operator, info.id, "Pemohon membatalkan")
    if action == "reject":
        return requests.reject_request(supervisor, info.id, "Data tidak sesuai")
    return requests.reopen_request(supervisor, info.id, "Keputusan ditinjau ulang")


BEFORE_READY = (S.RECEIVED, S.INCOMPLETE, S.COMPLETE, S.PROCESSING)
CHECKLIST = (S.RECEIVED, S.INCOMPLETE, S.COMPLETE)
# (state, action) -> the state it leads to; every pair not listed must be refused.
MOVES = {
    **{(s, "uncheck"): S.INCOMPLETE for s in CHECKLIST},
    **{(s, "check"): S.COMPLETE for s in CHECKLIST},
    (S.COMPLETE, "process"): S.PROCESSING,
    (S.PROCESSING, "ready"): S.READY,
    (S.READY, "pickup"): S.PICKED_UP,
    (S.READY, "deliver"): S.DELIVERED,
    **{(s, "cancel"): S.CANCELLED for s in BEFORE_READY},
    **{(s, "reject"): S.REJECTED for s in BEFORE_READY},
    (S.CANCELLED, "reopen"): S.RECEIVED,
    (S.REJECTED, "reopen"): S.RECEIVED,
    (S.READY, "reopen"): S.PROCESSING,
}
# The lifecycle as (from, to) pairs, plus the supervisor's reopening.
LIFECYCLE = (
    {(S.RECEIVED, S.INCOMPLETE), (S.RECEIVED, S.COMPLETE), (S.INCOMPLETE, S.COMPLETE), (S.COMPLETE, S.INCOMPLETE),
     (S.COMPLETE, S.PROCESSING), (S.PROCESSING, S.READY), (S.READY, S.PICKED_UP), (S.READY, S.DELIVERED)}
    | {(s, S.CANCELLED) for s in BEFORE_READY}
    | {(s, S.REJECTED) for s in BEFORE_READY}
    | {(S.CANCELLED, S.RECEIVED), (S.REJECTED, S.RECEIVED), (S.READY, S.PROCESSING)}
)
AUDIT_ACTION = {
    "uncheck": "daftar_periksa_disimpan",
    "check": "daftar_periksa_disimpan",
    "process": "mulai_diproses",
    "ready": "dokumen_siap",
    "pickup": "dokumen_diambil",
    "deliver": "dokumen_dikirim",
    "cancel": "permohonan_dibatalkan",
    "reject": "permohonan_ditolak",
    "reopen": "permohonan_dibuka_kembali",
}
LABELS = {
    S.RECEIVED: "Diterima", S.INCOMPLETE: "Berkas kurang", S.COMPLETE: "Berkas lengkap", S.PROCESSING: "Diproses",
    S.READY: "Siap diambil", S.PICKED_UP: "Sudah diambil", S.DELIVERED: "Dikirim elektronik",
    S.CANCELLED: "Dibatalkan", S.REJECTED: "Ditolak",
}


def expected_refusal(source, action, info):
    reg, label = info.reg_no, LABELS[source]
    if action in ("check", "uncheck"):
        return f"Permohonan {reg} berstatus {label}; daftar periksa berkas hanya dapat diubah sebelum permohonan diproses."
    if action == "process":
        if source in (S.RECEIVED, S.INCOMPLETE):
            missing = "; ".join(f"{n}. {item.text}" for n, item in enumerate(requests.missing_items(info.id), 1))
            return f"Berkas wajib belum lengkap ({missing}); permohonan {reg} belum dapat diproses."
        return f"Permohonan {reg} berstatus {label}; hanya permohonan dengan berkas lengkap yang dapat mulai diproses."
    if action == "ready":
        return f"Permohonan {reg} berstatus {label}; hanya permohonan yang sedang diproses yang dapat ditandai siap diambil."
    if action in ("pickup", "deliver"):
        done = Pickup.get_or_none(Pickup.request == info.id)
        if done is None:
            return f"Dokumen belum siap diambil (status: {label})."
        from printing.text import format_datetime

        when = format_datetime(clock.to_local(done.at), "WIB")
        if done.collector_kind == "electronic":
            return f"Dokumen sudah dikirim elektronik pada {when}."
        return f"Dokumen sudah diambil pada {when} oleh {done.collector_name}."
    if action == "cancel":
        return f"Permohonan {reg} berstatus {label}; permohonan hanya dapat dibatalkan sebelum dokumennya siap."
    if action == "reject":
        return f"Permohonan {reg} berstatus {label}; permohonan hanya dapat ditolak sebelum dokumennya siap."
    return f"Permohonan {reg} berstatus {label}; hanya permohonan yang dibatalkan, ditolak atau siap diambil yang dapat dibuka kembali."


def test_every_status_pair(operator, supervisor):
    """Every function tried in every state: an allowed move lands with its one audit row, any
    other is refused with its sentence and leaves the request, its checklist, pickups, contacts
    and the audit trail as they were; and the moves that happen are exactly the lifecycle."""
    at(2026, 11, 27)
    happened = set()
    for source in S:
        for action in ACTIONS:
            info = reach(source, operator, supervisor)
            assert info.status == source.value
            before = snapshot(info.id)
            if (source, action) in MOVES:
                attempt(action, info, operator, supervisor)
                target = MOVES[(source, action)]
                assert requests.request_info(info.id).status == target.value, (source, action)
                new_rows = AuditEvent.select().where(AuditEvent.id > before[4]).order_by(AuditEvent.id)
                # Saving the same checklist again is no change, so it writes nothing.
                wanted = [] if source == target else [(AUDIT_ACTION[action], "request", info.id)]
                assert [(e.action, e.table_name, e.record_id) for e in new_rows] == wanted, (source, action)
                if source != target:
                    happened.add((source, target))
            else:
                expected = expected_refusal(source, action, info)
                with pytest.raises(Refused) as caught:
                    attempt(action, info, operator, supervisor)
                assert str(caught.value) == expected, (source, action)
                assert snapshot(info.id) == before, (source, action)
    assert happened == LIFECYCLE


def test_saving_an_unchanged_checklist_writes_nothing(operator):
    info = new(operator)
    incomplete = check_all(operator, info, checked=False)
    mark = last_audit_id()
    assert check_all(operator, incomplete, checked=False).status == "incomplete"
    assert last_audit_id() == mark


def test_processing_refused_while_a_mandatory_item_is_unchecked(operator):
    info = new(operator)
    complete = check_all(operator, info)
    # A checklist out of step with its status (an old database, a hand edit) still blocks.
    first = RequestItem.select().where((RequestItem.request == info.id) & RequestItem.mandatory).order_by(RequestItem.id).first()
    RequestItem.update(checked=False).where(RequestItem.id == first.id).execute()
    before = snapshot(info.id)
    with pytest.raises(Refused, match=r"Berkas wajib belum lengkap \(1\. KK lama"):
        requests.start_processing(operator, complete.id)
    assert snapshot(info.id) == before


def test_reopen_a_ready_request_goes_back_to_processing(operator, supervisor):
    at(2026, 11, 27)
    info = reach(S.READY, operator, supervisor)
    assert requests.request_info(info.id).ready_at is not None
    reopened = requests.reopen_request(supervisor, info.reg_no, "Salah cetak nama")
    assert reopened.status == "processing" and reopened.ready_at is None
    assert audit_actions(info.id)[-1] == "permohonan_dibuka_kembali"


def test_reopen_after_rejection_clears_the_closing(operator, supervisor):
    info = reach(S.REJECTED, operator, supervisor)
    assert info.reason == "Data tidak sesuai" and info.closed_at is not None
    reopened = requests.reopen_request(supervisor, info.id, "Berkas susulan diterima")
    assert reopened.status == "received" and reopened.reason == "" and reopened.closed_at is None


def test_roles_and_reasons(operator, supervisor):
    info = new(operator)
    before = snapshot(info.id)
    with pytest.raises(PermissionDenied):
        requests.reject_request(operator, info.id, "Tidak lengkap")
    with pytest.raises(InvalidInput, match="Alasan"):
        requests.cancel_request(operator, info.id, " \x07 ")
    with pytest.raises(InvalidInput, match="Alasan"):
        requests.reject_request(supervisor, info.id, "")
    cancelled = requests.cancel_request(operator, info.id, "Ganda")
    with pytest.raises(PermissionDenied):
        requests.reopen_request(operator, cancelled.id, "Salah batal")
    assert snapshot(info.id)[1:4] == before[1:4]
    assert requests.get_request(info.id, operator).allowed_actions == ()
    assert requests.get_request(info.id, supervisor).allowed_actions == ("reopen", "reveal_nik")


def test_allowed_actions_follow_state_and_role(operator, supervisor):
    info = new(operator)
    assert requests.get_request(info.id, operator).allowed_actions == ("checklist", "cancel", "contact_missing")
    assert set(requests.get_request(info.id, supervisor).allowed_actions) == {
        "checklist", "cancel", "reject", "contact_missing", "reveal_nik"}
    no_phone = new(operator, nik=NIK_2, name="Budi", phone="")
    assert "contact_missing" not in requests.get_request(no_phone.id, operator).allowed_actions


def test_reveal_nik_is_for_supervisors_and_audited(operator, supervisor):
    info = new(operator)
    with pytest.raises(PermissionDenied):
        requests.reveal_nik(operator, info.id)
    assert requests.reveal_nik(supervisor, info.reg_no) == NIK
    events = AuditEvent.select().where(AuditEvent.action == "nik_ditampilkan")
    assert [(e.actor, e.record_id) for e in events] == [("sari", info.id)]
    assert NIK not in events.get().detail
    timeline = requests.get_request(info.id).timeline
    assert [entry.title for entry in timeline] == ["Permohonan diterima", "NIK lengkap ditampilkan"]


def test_timeline_merges_audit_rows_and_contacts_by_time(operator):
    from tui_kecamatan.core import messages

    at(2026, 11, 27, 9, 0)
    info = new(operator)
    at(2026, 11, 27, 9, 5)
    check_all(operator, info, checked=False)
    at(2026, 11, 27, 9, 10)
    messages.record_contact(operator, info.id, "missing", messages.missing_message(info.id))
    at(2026, 11, 27, 9, 20)
    check_all(operator, info)
    timeline = requests.get_request(info.id).timeline
    assert [(e.kind, e.at.strftime("%H:%M")) for e in timeline] == [
        ("audit", "09:00"), ("audit", "09:05"), ("contact", "09:10"), ("audit", "09:20")]
    assert timeline[2].title == "Pemohon dihubungi: berkas kurang"
    assert "Berkas kurang -> Berkas lengkap" in timeline[3].detail


# --- JSON -----------------------------------------------------------------------------------


def test_request_json_has_exactly_the_design_fields(operator):
    at(2026, 11, 28, 9, 15)
    info = new(operator, channel="whatsapp")
    data = info.as_json()
    assert list(data) == ["reg_no", "service", "status", "nik_masked", "name", "phone", "channel", "created_at"]
    assert data == {
        "reg_no": "20261128-0001",
        "service": "KK",
        "status": "received",
        "nik_masked": "360301******0002",
        "name": "Siti Aminah",
        "phone": "+6281234567890",
        "channel": "whatsapp",
        "created_at": "2026-11-28T09:15:00+07:00",
    }
    import json

    assert json.loads(json.dumps(data)) == data


# --- search ---------------------------------------------------------------------------------


def test_search_pages_in_sql_newest_first(operator):
    names = [f"Pemohon {n}" for n in range(7)]
    for minute, name in enumerate(names):
        at(2026, 11, 27, 10, minute)
        new(operator, name=name)
    seen = []
    for offset in (0, 3, 6):
        page = request_search.search_requests(offset=offset, limit=3)
        assert page.total == 7
        assert page.has_more == (offset < 6)
        seen += [row.name for row in page.rows]
    assert seen == list(reversed(names))
    assert request_search.search_requests(offset=7, limit=3).rows == []


def test_search_text_filters_and_dates(operator, supervisor):
    at(2026, 11, 26, 10)
    first = new(operator, name="Siti Aminah")
    at(2026, 11, 27, 10)
    second = new(operator, nik=NIK_2, name="Budi Santoso", phone="+62 813-1111-2222", service_code="PINDAH_DATANG", kk_number="")
    third = new(operator, nik="3603014107000003", name="Ma'ruf O'Neil 100%", phone="")
    requests.cancel_request(operator, third.id, "Ganda")

    def found(**kwargs):
        return [row.reg_no for row in request_search.search_requests(**kwargs).rows]

    assert found(text=first.reg_no) == [first.reg_no]
    assert found(text="20261127") == [third.reg_no, second.reg_no]
    assert found(text=" 20261127-000 ") == [third.reg_no, second.reg_no]
    assert found(text=NIK_2) == [second.reg_no]
    assert found(text="0813 1111 2222") == [second.reg_no]
    assert found(text="6281311112222") == [second.reg_no]
    assert found(text="aMiNaH") == [first.reg_no]
    assert found(text="o'neil") == [third.reg_no]
    assert found(text="100%") == [third.reg_no]
    assert found(text="%") == [third.reg_no]  # a literal percent sign, not a wildcard
    assert found(text="_") == []
    assert found(status="cancelled") == [third.reg_no]
    assert found(status=["received", "cancelled"], service_code="kk") == [third.reg_no, first.reg_no]
    assert found(service_code="PINDAH_DATANG") == [second.reg_no]
    assert found(date_from=date(2026, 11, 27)) == [third.reg_no, second.reg_no]
    assert found(date_to=date(2026, 11, 26)) == [first.reg_no]
    assert found(date_from=date(2026, 11, 26), date_to=date(2026, 11, 26), text="siti") == [first.reg_no]
    with pytest.raises(InvalidInput):
        request_search.search_requests(status="hilang")


# --- working days and overdue ---------------------------------------------------------------


def test_add_working_days_skips_weekends_and_holidays():
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 1, set()) == date(2026, 11, 30)
    assert add_working_days(friday, 3, set()) == date(2026, 12, 2)
    assert add_working_days(friday, 3, {date(2026, 11, 30), date(2026, 12, 1)}) == date(2026, 12, 4)
    assert add_working_days(friday, 0, set()) == friday
    saturday = date(2026, 11, 28)
    assert add_working_days(saturday, 1, set()) == date(2026, 11, 30)
    assert add_working_days(date(2026, 12, 24), 1, {date(2026, 12, 25)}) == date(2026, 12, 28)
    assert not is_overdue(date(2026, 12, 2), date(2026, 12, 2))
    assert is_overdue(date(2026, 12, 2), date(2026, 12, 3))
    assert not is_overdue(None, date(2026, 12, 3))


def test_overdue_counts_working_days_and_admin_holidays(admin, operator, supervisor):
    holidays.add_holiday(admin, date(2026, 11, 30), "Libur daerah")
    at(2026, 11, 27, 14)  # Friday; Sat, Sun and the Monday holiday do not count
    info = new(operator)
    done = reach(S.READY, operator, supervisor, nik=NIK_2)
    assert info.due_date == date(2026, 12, 3)
    at(2026, 12, 3, 15)
    assert not requests.get_request(info.id).request.overdue
    assert request_search.search_requests(overdue=True).total == 0
    at(2026, 12, 4, 8)
    assert requests.get_request(info.id).request.overdue
    assert not requests.get_request(done.id).request.overdue  # ready in time counts as met
    assert [row.reg_no for row in request_search.search_requests(overdue=True).rows] == [info.reg_no]
    assert request_search.status_counts()["overdue"] == 1
    requests.cancel_request(operator, info.id, "Ditarik pemohon")
    assert not requests.get_request(info.id).request.overdue


def test_status_labels_are_the_screens_words():
    assert {status.value: request_labels.STATUS_LABELS[status.value] for status in S} == {s.value: LABELS[s] for s in S}
    assert S.PROCESSING.label == "Diproses"


def test_unknown_registration_number(db):
    with pytest.raises(NotFound, match="20990101-0001"):
        requests.get_request("20990101-0001")
