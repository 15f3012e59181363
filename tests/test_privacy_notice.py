"""The request receipt, on A4 and on the slip, tells the citizen why their data is held and for
how long, from the template the admin edits."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.pilot import file_printer
from tui_kecamatan.core import documents, privacy, requests, templates
from tui_kecamatan.errors import InvalidInput

NIK = "3603015501900002"


@pytest.fixture
def info(db, operator):
    return requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminah",
                                   kk_number="3603012005150003", phone="0812-3456-7890")


def a4_text(operator, info, path) -> str:
    documents.save_pdf(operator, "receipt", info.reg_no, path)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def slip_text(info, tmp_path) -> str:
    from printing.receipt import render_payload

    data = render_payload("receipt_slip", documents._receipt_slip_payload(info.reg_no), file_printer(tmp_path))
    return " ".join(data.decode("ascii", "replace").split())


def test_both_receipts_carry_the_notice_with_the_office_period(info, operator, admin, tmp_path):
    text = a4_text(operator, info, tmp_path / "a.pdf")
    assert "Pelindungan data pribadi" in text and "disimpan 24 bulan setelah permohonan selesai" in text
    assert "disimpan 24 bulan setelah permohonan selesai" in slip_text(info, tmp_path)

    privacy.set_retention(admin, 36)
    templates.set_template(admin, "notice", "Data Anda dipakai untuk permohonan ini saja, {masa_simpan} bulan, oleh {kantor}.")
    text = a4_text(operator, info, tmp_path / "b.pdf")
    assert "Data Anda dipakai untuk permohonan ini saja, 36 bulan" in text
    assert "disimpan 24 bulan" not in text
    assert "Data Anda dipakai untuk permohonan ini saja, 36 bulan" in slip_text(info, tmp_path)


def test_the_notice_template_is_checked(db, admin):
    with pytest.raises(InvalidInput, match="Isian {nama} tidak dikenal"):
        templates.set_template(admin, "notice", "Data {nama} disimpan.")
    with pytest.raises(InvalidInput, match="paling panjang 800 karakter"):
        templates.set_template(admin, "notice", "x" * 801)
    assert "{masa_simpan}" in templates.get_template("notice")
