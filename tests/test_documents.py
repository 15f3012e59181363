"""Documents built from office records: print jobs recorded with the record, and A4 documents
saved as PDF files the operator names, read back with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tui_kecamatan.core import documents, pickup, requests
from tui_kecamatan.db.models import AuditEvent, PrintJob, Ticket
from tui_kecamatan.errors import InvalidInput

NIK = "3603015501900002"


def _ready_request(operator):
    info = requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminah",
                                   kk_number="3603012005150003", phone="081234567890")
    items = requests.items_of(info.id)
    requests.save_checklist(operator, info.id, [(item.id, True, "") for item in items])
    requests.start_processing(operator, info.id)
    requests.mark_ready(operator, info.id)
    return info


def _text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_ticket_and_its_print_job_commit_together(db, operator):
    issued = documents.issue_ticket(operator, "KK")
    job = PrintJob.get_by_id(issued.job_id)
    assert job.kind == "ticket" and job.ref_id == issued.ticket.id and job.status == "pending"
    assert "B-001" in job.payload
    without = documents.issue_ticket(operator, "KK", printing=False)
    assert without.job_id is None and without.ticket.code == "B-002"
    assert Ticket.select().count() == 2


def test_saved_pdfs_hold_the_request_and_never_the_full_nik(db, operator, tmp_path):
    info = _ready_request(operator)
    receipt = documents.save_pdf(operator, "receipt", info.id, tmp_path / "tanda-terima")
    assert receipt.endswith(".pdf")
    text = _text(tmp_path / "tanda-terima.pdf")
    assert info.reg_no in text and "360301******0002" in text and NIK not in text
    assert "KTP-el pemohon" in text
    checklist = documents.save_pdf(operator, "checklist", info.reg_no, tmp_path / "periksa.pdf")
    assert info.reg_no in _text(tmp_path / "periksa.pdf") and checklist.endswith("periksa.pdf")
    pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    documents.save_pdf(operator, "proof", info.reg_no, tmp_path / "bukti.pdf")
    proof = _text(tmp_path / "bukti.pdf")
    assert info.reg_no in proof and NIK not in proof
    saved = AuditEvent.select().where(AuditEvent.action == "pdf_disimpan").count()
    assert saved == 3


def test_saving_refuses_to_overwrite_or_write_into_a_missing_folder(db, operator, tmp_path):
    info = _ready_request(operator)
    existing = tmp_path / "ada.pdf"
    existing.write_bytes(b"jangan ditimpa")
    with pytest.raises(InvalidInput, match="sudah ada"):
        documents.save_pdf(operator, "receipt", info.id, existing)
    assert existing.read_bytes() == b"jangan ditimpa"
    with pytest.raises(InvalidInput, match="tidak ada"):
        documents.save_pdf(operator, "receipt", info.id, tmp_path / "tidak-ada" / "x.pdf")
    with pytest.raises(InvalidInput):
        documents.save_pdf(operator, "receipt", info.id, "  ")
