"""A4 documents read back with pypdf, fonts for any script, and delivery to lp or a folder."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import subprocess
import sys
import warnings
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest

from printing import a4
from printing.a4 import fonts
from printing.errors import PrinterError
from printing.settings import printer_settings
from printing.text import mask_nik
from tests.conftest import HOSTILE_NAMES, ROOT


FULL_NIK = "3603015501900002"
FULL_KK = "3603012005150003"
A4_POINTS = (595.28, 841.89)
SCRIPT_NAMES = [
    "محمد عبد الله",  # Arabic
    "王小明",  # Chinese
    "देवनागरी नमस्ते",  # Devanagari
    "Budi 😀🇮🇩",  # emoji
    "Ngô Bảo Châu Şükrü Łukasz",
    "{nb} Halaman",  # fpdf2's default page-count alias must print as typed
]
REQUIREMENTS = [
    ("KK lama (asli)", True, True, ""),
    ("Surat keterangan hilang dari kepolisian", True, False, "menyusul lewat WhatsApp"),
    ("KTP-el pemohon", True, True, ""),
    ("Fotokopi akta kelahiran", False, False, ""),
]


@pytest.fixture(autouse=True)
def _fresh_font_cache():
    fonts.reset_cache()
    yield
    fonts.reset_cache()


def office() -> a4.OfficeLetterhead:
    return a4.OfficeLetterhead(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang",
        province="Banten", address="Jl. Raya Pasar Kemis No. 1", phone="(021) 5921234",
        email="kec.pasarkemis@example.go.id", opening_hours="Senin-Jumat 08.00-15.00 WIB")


def receipt(name: str = "Siti Aminah", **changes) -> a4.RequestReceiptData:
    values = dict(
        reg_no="20261128-0045", service_name="Cetak KK", applicant_name=name,
        nik_masked=mask_nik(FULL_NIK), kk_masked=mask_nik(FULL_KK), phone="+62 812-3456-7890",
        desa="Gelam", channel_label="Loket", created_at=datetime(2026, 11, 28, 9, 15),
        due_date=date(2026, 11, 30), requirements=list(REQUIREMENTS), status_label="Berkas kurang",
        staff_name="Wahyu")
    values.update(changes)
    return a4.RequestReceiptData(**values)


def checklist(name: str = "Siti Aminah") -> a4.ChecklistSheetData:
    return a4.ChecklistSheetData(
        reg_no="20261128-0045", service_name="Cetak KK", applicant_name=name,
        nik_masked=mask_nik(FULL_NIK), created_at=datetime(2026, 11, 28, 9, 15),
        requirements=list(REQUIREMENTS), staff_name="Wahyu", desa="Gelam")


def proof(name: str = "Siti Aminah", collector: str = "Budi Santoso") -> a4.PickupProofData:
    return a4.PickupProofData(
        reg_no="20261128-0045", service_name="Cetak KK", applicant_name=name,
        nik_masked=mask_nik(FULL_NIK), collector_kind_label="Kuasa (surat kuasa)",
        collector_name=collector, collector_nik_masked=mask_nik("3603021203850011"),
        at=datetime(2026, 12, 2, 10, 5), staff_name="Wahyu", note="Surat kuasa asli dilampirkan",
        collector_kind="proxy")


def report(rows: int, name: str = "Pemohon") -> a4.ReportData:
    return a4.ReportData(
        title="Rekap harian permohonan", subtitle="Semua layanan", period="Sabtu, 28 November 2026",
        columns=[a4.ReportColumn(title="No", weight=0.5, align="R"),
                 a4.ReportColumn(title="No. registrasi", weight=1.6),
                 a4.ReportColumn(title="Pemohon", weight=3), "Layanan",
                 a4.ReportColumn(title="Jumlah", align="R")],
        rows=[[i, f"20261128-{i:04d}", f"{name} {i}", "Cetak KK", 1000 * i] for i in range(1, rows + 1)],
        totals=["", "", "Jumlah", "", sum(1000 * i for i in range(1, rows + 1))])


def read(pdf: bytes):
    assert pdf.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(pdf).pages)


def assert_a4(pdf: bytes) -> None:
    for page in read(pdf).pages:
        box = page.mediabox
        assert abs(float(box.width) - A4_POINTS[0]) <= 1
        assert abs(float(box.height) - A4_POINTS[1]) <= 1


# --- documents ------------------------------------------------------------------------------


def test_receipt_shows_number_masked_nik_service_requirements_and_due_date():
    pdf = a4.request_receipt_pdf(office(), receipt(), printed_at=datetime(2026, 11, 28, 9, 20))
    text = text_of(pdf)
    assert_a4(pdf)
    assert "20261128-0045" in text
    assert "360301******0002" in text and FULL_NIK not in text
    assert "360301******0003" in text and FULL_KK not in text
    assert "Cetak KK" in text
    for requirement, *_ in REQUIREMENTS:
        assert requirement in text
    assert "Surat keterangan hilang dari kepolisian Wajib Belum menyusul lewat WhatsApp" in text
    assert "Fotokopi akta kelahiran Opsional Belum" in text
    assert "Perkiraan selesai: Senin, 30 November 2026" in text
    # the count reads as words, not as a list number ("... belum ada: 1.")
    assert "Masih 1 persyaratan wajib yang belum ada." in " ".join(text.split())
    assert "surat kuasa" in text
    assert "Jam layanan: Senin-Jumat 08.00-15.00 WIB" in text
    assert "Dicetak Sabtu, 28 November 2026 09:20 WIB" in text
    assert "Halaman 1 dari 1" in text
    assert len(read(pdf).pages) == 1


def test_an_unmasked_nik_given_by_mistake_is_masked_on_paper():
    pdf = a4.request_receipt_pdf(office(), receipt(nik_masked=FULL_NIK, kk_masked=FULL_KK))
    text = text_of(pdf)
    assert FULL_NIK not in text and FULL_KK not in text
    assert "360301******0002" in text


def test_checklist_and_pickup_proof_carry_boxes_and_signature_names():
    sheet = a4.checklist_pdf(office(), checklist())
    text = text_of(sheet)
    assert_a4(sheet)
    assert "DAFTAR PERIKSA BERKAS" in text and "20261128-0045" in text
    assert text.count("\u2610") >= len(REQUIREMENTS)  # empty boxes to tick by hand
    assert "( Siti Aminah )" in text and "( Wahyu )" in text

    collected = a4.pickup_proof_pdf(office(), proof())
    text = text_of(collected)
    assert_a4(collected)
    assert "BUKTI PENGAMBILAN DOKUMEN" in text
    assert "Kuasa (surat kuasa)" in text and "Budi Santoso" in text
    assert "360302******0011" in text and "3603021203850011" not in text
    assert "Rabu, 2 Desember 2026 10:05 WIB" in text
    assert "( Budi Santoso )" in text and "( Wahyu )" in text


@pytest.mark.parametrize("name", HOSTILE_NAMES + SCRIPT_NAMES)
def test_any_name_prints_without_error_or_warning(name, caplog):
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning from fpdf2 fails the test
        documents = [
            a4.request_receipt_pdf(office(), receipt(name)),
            a4.checklist_pdf(office(), checklist(name)),
            a4.pickup_proof_pdf(office(), proof(name, collector=name)),
            a4.report_pdf(office(), report(3, name)),
        ]
    assert not [r for r in caplog.records if r.name.startswith(("fpdf", "printing"))]
    for pdf in documents:
        text = text_of(pdf)
        assert_a4(pdf)
        assert "20261128-00" in text
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    receipt_text = text_of(documents[0])
    if name.startswith("["):
        assert name in receipt_text  # markup printed literally
    if name == "A" * 300:
        # wrapped, never cut off at the margin: the printing cap of 200 characters is all there
        assert "A" * 200 in receipt_text.replace("\n", "").replace(" ", "")
    if name.startswith("{nb}"):
        assert "{nb} Halaman" in receipt_text


def test_report_paginates_with_heading_on_every_page_and_page_count():
    pdf = a4.report_pdf(office(), report(150), printed_at=datetime(2026, 11, 28, 17, 0))
    pages = read(pdf).pages
    assert len(pages) >= 3
    assert_a4(pdf)
    total = len(pages)
    for number, page in enumerate(pages, 1):
        text = page.extract_text()
        assert "No No. registrasi Pemohon Layanan Jumlah" in text
        assert f"Halaman {number} dari {total}" in text
    everything = text_of(pdf)
    for i in (1, 75, 150):
        assert f"20261128-{i:04d}" in everything
    assert "Jumlah 11.325.000" in pages[-1].extract_text()


def test_empty_report_says_so():
    text = text_of(a4.report_pdf(office(), report(0)))
    assert "Tidak ada data." in text


def test_payload_round_trip_prints_the_same_document():
    data = receipt()
    payload = json.loads(json.dumps(data.to_payload()))
    again = a4.RequestReceiptData.from_payload(payload)
    assert again == data
    assert again.requirements[1] == a4.RequirementLine(
        text="Surat keterangan hilang dari kepolisian", mandatory=True, checked=False,
        note="menyusul lewat WhatsApp")
    assert again.created_at == datetime(2026, 11, 28, 9, 15) and again.due_date == date(2026, 11, 30)
    moment = datetime(2026, 11, 28, 9, 20)
    assert text_of(a4.request_receipt_pdf(office(), again, printed_at=moment)) == \
        text_of(a4.request_receipt_pdf(office(), data, printed_at=moment))


@pytest.mark.needs_tools("pdftoppm", "zbarimg")  # poppler-utils, zbar-tools
def test_barcode_on_the_receipt_scans_as_the_registration_number(tmp_path):
    (tmp_path / "receipt.pdf").write_bytes(a4.request_receipt_pdf(office(), receipt()))
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(tmp_path / "receipt.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    page = next(tmp_path.glob("page*.png"))
    result = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["20261128-0045"]


def test_registration_number_without_code128_characters_still_prints():
    pdf = a4.request_receipt_pdf(office(), receipt(reg_no="2026-ÄÖ"))
    assert "2026-ÄÖ" in text_of(pdf)


# --- fonts ----------------------------------------------------------------------------------


def _font_with(path: Path, family: str, chars: str) -> None:
    """A tiny TrueType font whose glyphs are boxes for `chars`."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(empty: bool = False):
        pen = TTGlyphPen(None)
        if not empty:
            pen.moveTo((100, 0))
            pen.lineTo((100, 700))
            pen.lineTo((500, 700))
            pen.lineTo((500, 0))
            pen.closePath()
        return pen.glyph()

    names = [".notdef", "space"] + [f"g{ord(ch):04X}" for ch in chars]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x20: "space", **{ord(ch): f"g{ord(ch):04X}" for ch in chars}})
    builder.setupGlyf({name: box(empty=name == "space") for name in names})
    builder.setupHorizontalMetrics({name: (600, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


def test_system_font_fills_in_a_script_dejavu_lacks_and_the_rest_becomes_question_marks(
        tmp_path, monkeypatch, caplog):
    font_dir = tmp_path / "fonts"
    font_dir.mkdir()
    _font_with(font_dir / "NotoSansTestDeva-Regular.ttf", "TestDeva", "कख")
    monkeypatch.setattr(fonts, "FONT_DIRS", [str(font_dir)])
    caplog.set_level(logging.WARNING)
    pdf = a4.request_receipt_pdf(office(), receipt("Siti कख \U00013000"))
    assert not [r for r in caplog.records if r.name.startswith("fpdf")]
    text = text_of(pdf)
    assert "Siti कख ?" in text  # the hieroglyph is in no font here
    fonts_used = {str(font.get("/BaseFont")) for page in read(pdf).pages
                  for font in page["/Resources"]["/Font"].values()}
    assert any("TestDeva" in name for name in fonts_used)


def test_without_the_bundled_font_documents_fall_back_to_helvetica_with_one_warning(
        tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(fonts, "BUNDLED_DIR", tmp_path / "gone")
    caplog.set_level(logging.WARNING, logger="printing.a4.fonts")
    first = a4.request_receipt_pdf(office(), receipt("Śiti Ñoño 王小明 😀"))
    second = a4.checklist_pdf(office(), checklist("Śiti Ñoño 王小明"))
    warned = [r for r in caplog.records if r.name == "printing.a4.fonts"]
    assert len(warned) == 1 and "Helvetica" in warned[0].getMessage()
    text = text_of(first)
    assert "Siti Ñoño ??? ?" in text
    assert "20261128-0045" in text and "360301******0002" in text
    assert "[ X ]" in text_of(second)  # ticked box without a box glyph


def test_importing_the_a4_package_loads_neither_fpdf_nor_the_application():
    heavy = ("fpdf", "PIL", "barcode", "qrcode", "fontTools", "tui_kecamatan")
    code = ("import sys, printing.a4; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- delivery -------------------------------------------------------------------------------


def test_folder_delivery_never_overwrites(tmp_path):
    folder = tmp_path / "out" / "a4"
    settings = printer_settings("a4", {"kind": "folder", "path": str(folder)})
    first = a4.deliver_pdf(settings, b"%PDF-first", "../../Tanda terima 20261128/0045.pdf")
    second = a4.deliver_pdf(settings, b"%PDF-second", "../../Tanda terima 20261128/0045.pdf")
    (folder / "third.pdf").write_bytes(b"kept")
    third = a4.deliver_pdf(settings, b"%PDF-third", "third")
    assert len({first, second, third}) == 3
    assert Path(first).read_bytes() == b"%PDF-first"
    assert Path(second).read_bytes() == b"%PDF-second"
    assert Path(third).read_bytes() == b"%PDF-third"
    assert (folder / "third.pdf").read_bytes() == b"kept"
    assert all(Path(p).parent == folder and p.endswith(".pdf") for p in (first, second, third))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(Path(first).stat().st_mode) == 0o600


def test_folder_that_cannot_be_written_raises_one_sentence(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = printer_settings("a4", {"kind": "folder", "path": str(blocker / "a4")})
    with pytest.raises(PrinterError) as caught:
        a4.deliver_pdf(settings, b"%PDF-x", "x.pdf")
    assert caught.value.message.startswith(f"Folder PDF {blocker / 'a4'} tidak dapat ditulisi")


def _fake_lp(bindir: Path, body: str) -> None:
    bindir.mkdir(exist_ok=True)
    script = bindir / "lp"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)


def test_cups_delivery_sends_the_bytes_to_lp_on_stdin(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    _fake_lp(bindir, f"""printf '%s\\n' "$@" > {tmp_path}/args.txt
/bin/cat > {tmp_path}/job.pdf
echo "request id is A4_Kantor-7 (0 file(s))"
""")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    settings = printer_settings("a4", {"kind": "cups", "queue": "A4_Kantor"})
    pdf = a4.request_receipt_pdf(office(), receipt())
    result = a4.deliver_pdf(settings, pdf, "tanda-terima-20261128-0045.pdf")
    assert result.startswith("dikirim ke A4_Kantor")
    assert (tmp_path / "job.pdf").read_bytes() == pdf
    args = (tmp_path / "args.txt").read_text().split("\n")[:-1]
    assert args[:4] == ["-d", "A4_Kantor", "-t", "tanda-terima-20261128-0045"]
    assert args[-1] == "-"


def test_cups_refusal_raises_the_sentence_with_lps_message(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    _fake_lp(bindir, """/bin/cat > /dev/null
echo "lp: The printer or class does not exist." >&2
exit 1
""")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    settings = printer_settings("a4", {"kind": "cups", "queue": "A4_Kantor"})
    with pytest.raises(PrinterError) as caught:
        a4.deliver_pdf(settings, b"%PDF-x", "x.pdf")
    assert str(caught.value) == ("Printer A4 (A4_Kantor) menolak pekerjaan: "
                                 "lp: The printer or class does not exist.")


def test_missing_lp_says_to_install_cups(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    settings = printer_settings("a4", {"kind": "cups", "queue": "A4_Kantor"})
    with pytest.raises(PrinterError) as caught:
        a4.deliver_pdf(settings, b"%PDF-x", "x.pdf")
    assert caught.value.message == "Perintah lp tidak ada; pasang CUPS (cups-client)."
