"""A supervisor corrects an applicant's name, phone or KK number, with a reason, audited and on
the request's timeline."""

from __future__ import annotations

import pytest

from tests.test_intake_screens import office_ready  # noqa: F401 - a fixture
from tui_kecamatan.core import privacy, requests
from tui_kecamatan.db.models import AuditEvent, Citizen, Request
from tui_kecamatan.errors import InvalidInput, PermissionDenied, Refused

NIK = "3603015501900002"


@pytest.fixture
def request_info(db, operator):
    return requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminh",
                                   kk_number="3603012005150003", phone="0812-3456-7890")


def test_a_supervisor_corrects_name_and_phone_with_a_reason(request_info, supervisor):
    info = requests.correct_applicant(supervisor, request_info.reg_no, reason="Salah ketik saat penerimaan",
                                      name="Siti Aminah", phone="0813 9999 1111")
    assert (info.name, info.phone) == ("Siti Aminah", "+6281399991111")
    citizen = Citizen.get(Citizen.nik == NIK)
    assert (citizen.name, citizen.phone) == ("Siti Aminah", "+6281399991111")
    event = AuditEvent.select().where(AuditEvent.action == "data_pemohon_dikoreksi").get()
    assert (event.actor, event.record_id, event.detail) == (supervisor.username, request_info.id,
                                                            "nama, telepon: Salah ketik saat penerimaan")
    # The audit keeps which fields and why, never the values themselves.
    assert "Siti" not in event.detail and "0813" not in event.detail
    timeline = requests.get_request(request_info.id).timeline
    assert any(entry.title == "Data pemohon dikoreksi" and "Salah ketik" in entry.detail for entry in timeline)


def test_refusals_leave_the_record_as_it_was(request_info, supervisor, operator):
    before = Request.get_by_id(request_info.id).__data__.copy()
    with pytest.raises(PermissionDenied):
        requests.correct_applicant(operator, request_info.id, reason="salah", name="Siti Aminah")
    with pytest.raises(InvalidInput, match="Tulis alasan koreksi"):
        requests.correct_applicant(supervisor, request_info.id, reason="  ", name="Siti Aminah")
    with pytest.raises(InvalidInput, match="Nomor KK harus diisi untuk layanan"):
        requests.correct_applicant(supervisor, request_info.id, reason="salah", kk_number="")
    with pytest.raises(InvalidInput, match="sama dengan yang tersimpan"):
        requests.correct_applicant(supervisor, request_info.id, reason="salah", name="Siti Aminh")
    with pytest.raises(InvalidInput):
        requests.correct_applicant(supervisor, request_info.id, reason="salah", phone="bukan nomor")
    assert Request.get_by_id(request_info.id).__data__ == before
    assert not AuditEvent.select().where(AuditEvent.action == "data_pemohon_dikoreksi").exists()


def test_a_purged_request_cannot_be_corrected(request_info, supervisor):
    Request.update(nik="", name=privacy.ANONYMOUS).where(Request.id == request_info.id).execute()
    with pytest.raises(Refused, match="sudah dihapus"):
        requests.correct_applicant(supervisor, request_info.id, reason="salah", name="Siti Aminah")


# --- at the desk ---------------------------------------------------------------------------------


async def test_a_supervisor_corrects_from_the_detail_and_sees_it_in_the_timeline(office_ready, supervisor):
    from tests.pilot import make_app, screen_text, wait_for, wait_notified, wait_screen, wait_text
    from tests.test_intake_screens import new_request
    from tests.test_request_detail_screen import open_detail
    from tui_kecamatan.screens.requests.correction import CorrectionForm

    info = new_request(supervisor)
    app = make_app(office_ready, supervisor)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("k")
        form = await wait_screen(pilot, CorrectionForm)
        assert form.query_one("#correct-name").value == "Siti Aminah"
        # No reason: core's sentence under the form, nothing saved.
        form.query_one("#correct-name").value = "Siti Aminah Lubis"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Tulis alasan koreksi data pemohon.")
        form.query_one("#correct-reason").value = "Nama sesuai KTP-el"
        await pilot.press("ctrl+s")
        await wait_notified(pilot, f"Data pemohon {info.reg_no} dikoreksi.")
        await wait_text(pilot, "Data pemohon dikoreksi")
        assert "Siti Aminah Lubis" in screen_text(app) and "Nama sesuai KTP-el" in screen_text(app)
    assert Request.get_by_id(info.id).name == "Siti Aminah Lubis"


async def test_an_operator_pressing_k_is_told_who_may(office_ready, operator):
    from tests.pilot import make_app, wait_notified
    from tests.test_intake_screens import new_request
    from tests.test_request_detail_screen import open_detail

    info = new_request(operator)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("k")
        await wait_notified(pilot, "Koreksi data pemohon hanya dapat dilakukan supervisor atau admin.")
    assert Request.get_by_id(info.id).name == "Siti Aminah"
