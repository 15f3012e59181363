"""A citizen's access request: the export holds their records and no other citizen's NIK or name."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from conftest import run_cli
from test_privacy_purge import BOTH_NIK, COLLECTOR_NIK, KEPT_NIK, OLD_NIK, at, lifecycle
from tui_kecamatan.core import citizen_export, clock, requests
from tui_kecamatan.db.models import AuditEvent
from tui_kecamatan.errors import NotFound, PermissionDenied
from datetime import date

DAY = date(2026, 11, 10)


@pytest.fixture
def office(db, operator, supervisor):
    siti = lifecycle(operator, OLD_NIK, "Siti Aminah", DAY)  # collected by her brother Ahmad Fauzi
    rina = lifecycle(operator, KEPT_NIK, "Rina Wati", DAY)
    joko = lifecycle(operator, BOTH_NIK, "Joko Susilo", DAY, code="KK")
    at(date(2026, 11, 11))
    requests.reveal_nik(supervisor, siti.id)
    return {"siti": siti, "rina": rina, "joko": joko}


def test_the_export_holds_her_records_and_nobody_else(office, admin, supervisor):
    data = citizen_export.export_citizen(admin, OLD_NIK)
    assert data["citizen"]["name"] == "Siti Aminah" and data["citizen"]["nik"] == OLD_NIK
    [request] = data["requests"]
    assert (request["reg_no"], request["status"], request["service"]) == (office["siti"].reg_no, "picked_up", "KTP")
    assert request["checklist"] and all(item["checked"] for item in request["checklist"])
    assert [c["kind"] for c in request["contacts"]] == ["ready"]
    # Her brother collected it: his kind and masked NIK, never his name or full NIK.
    assert request["pickup"]["collector_kind"] == "family"
    assert request["pickup"]["collector_nik_masked"] == "360301******0001" and request["pickup"]["collector_name"] == ""
    assert [r["by"] for r in data["nik_revealed"]] == [supervisor.username]
    assert {e["action"] for e in data["audit"]} >= {"permohonan_dibuat", "dokumen_diambil", "nik_ditampilkan"}
    text = json.dumps(data)
    for other in (KEPT_NIK, BOTH_NIK, COLLECTOR_NIK, "Rina Wati", "Joko Susilo", "Ahmad Fauzi"):
        assert other not in text, other
    event = AuditEvent.select().where(AuditEvent.action == "data_warga_diekspor").get()
    assert event.actor == admin.username and OLD_NIK not in event.detail


def test_only_an_admin_exports_and_an_unknown_nik_is_one_sentence(office, supervisor, admin):
    with pytest.raises(PermissionDenied):
        citizen_export.export_citizen(supervisor, OLD_NIK)
    with pytest.raises(NotFound, match="Tidak ada data tersimpan untuk NIK 360301"):
        citizen_export.export_citizen(admin, "3603015502900009")


def test_command_line_json_and_pdf(office, db_path, tmp_path):
    clock.set_now(None)
    result = run_cli("--db", str(db_path), "export-citizen", OLD_NIK, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["requests"][0]["reg_no"] == office["siti"].reg_no
    target = tmp_path / "siti.pdf"
    result = run_cli("--db", str(db_path), "export-citizen", OLD_NIK, "--pdf", str(target))
    assert result.returncode == 0, result.stderr
    pages = PdfReader(target).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "DATA PRIBADI YANG DISIMPAN KANTOR" in text and OLD_NIK in text and office["siti"].reg_no in text
    assert "Ahmad Fauzi" not in text and "Rina Wati" not in text
    again = run_cli("--db", str(db_path), "export-citizen", OLD_NIK, "--pdf", str(target))
    assert again.returncode == 1 and "sudah ada" in again.stderr
    bad = run_cli("--db", str(db_path), "export-citizen", "12345")
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
