"""The A4 documents of the office, each returned as PDF bytes: request receipt (tanda terima),
requirement checklist (daftar periksa berkas), proof of collection (bukti pengambilan) and
tabular reports (rekap harian / bulanan)."""

from __future__ import annotations

from datetime import datetime

from printing.errors import _
from printing.text import format_date, format_datetime

from .data import (
    ChecklistSheetData,
    OfficeLetterhead,
    PickupProofData,
    ReportColumn,
    ReportData,
    RequestReceiptData,
    RequirementLine,
)
from .layout import GREY_FILL, NOTE_MAX, TEXT_MAX, masked, new_document, person

# The personal-data notice at the foot of the receipt (the office's template, filled in).
NOTICE_MAX = 1000

_ALIGN = {"L": "LEFT", "C": "CENTER", "R": "RIGHT"}


def request_receipt_pdf(office: OfficeLetterhead, data: RequestReceiptData, *,
                        printed_at: datetime | None = None) -> bytes:
    """The request receipt (tanda terima) handed to the applicant."""
    pdf = _request_document(office, _("Tanda terima permohonan"), data.reg_no, data.service_name, printed_at)
    zone = pdf.zone

    pdf.field(_("Layanan"), person(data.service_name), bold=True)
    pdf.field(_("Tanggal diterima"), format_datetime(data.created_at, zone))
    pdf.field_row([(_("Saluran"), person(data.channel_label)), (_("Status"), person(data.status_label))])

    pdf.section(_("Pemohon"))
    pdf.field(_("Nama"), person(data.applicant_name), bold=True)
    pdf.field_row([(_("NIK"), masked(data.nik_masked)), (_("No. KK"), masked(data.kk_masked))])
    pdf.field_row([(_("No. HP/WA"), person(data.phone, 40)), (_("Desa/Kel."), person(data.desa))])

    lines = [RequirementLine.coerce(line) for line in data.requirements]
    if lines:
        pdf.section(_("Persyaratan"))
        _requirement_table(pdf, lines)
    missing = [line for line in lines if line.mandatory and not line.checked]

    if data.due_date is not None:
        due = _("Perkiraan selesai: {tanggal}").format(tanggal=format_date(data.due_date))
    else:
        due = _("Perkiraan selesai: diberitahukan petugas setelah berkas lengkap")
    note = ""
    if missing:
        note = _("Masih {jumlah} persyaratan wajib yang belum ada. Permohonan diproses setelah berkas "
                 "dilengkapi; petugas akan menghubungi Anda.").format(jumlah=len(missing))
    pdf.due_box(due, note)

    pdf.section(_("Ketentuan pengambilan"))
    pdf.numbered([
        _("Simpan tanda terima ini dan bawa saat mengambil dokumen; nomor registrasi dipindai "
          "di loket."),
        _("Dokumen diambil oleh pemohon sendiri dengan menunjukkan KTP-el asli."),
        _("Anggota keluarga yang tercantum dalam KK yang sama boleh mengambil dengan membawa "
          "KK dan KTP-el pengambil."),
        _("Orang lain hanya dapat mengambil dengan surat kuasa yang ditandatangani pemohon, "
          "disertai KTP-el asli penerima kuasa dan fotokopi KTP-el pemohon."),
        _("Petugas akan menghubungi Anda lewat WhatsApp atau telepon bila berkas kurang atau "
          "dokumen sudah siap diambil."),
        _("Pengurusan dokumen kependudukan tidak dipungut biaya."),
    ])
    pdf.signatures([(_("Petugas penerima"), _bracket(person(data.staff_name)))], gap=15,
                   beside=_contact_lines(office))
    notice = person(data.notice, NOTICE_MAX)
    if notice:
        pdf.ln(3)
        pdf.ensure_space(14)
        pdf.paragraph(_("Pelindungan data pribadi"), size=8, bold=True, height=4)
        pdf.paragraph(notice, size=8, height=3.8)
    return bytes(pdf.output())


def checklist_pdf(office: OfficeLetterhead, data: ChecklistSheetData, *,
                  printed_at: datetime | None = None) -> bytes:
    """The requirement checklist (daftar periksa berkas): boxes to tick by hand and signatures."""
    pdf = _request_document(office, _("Daftar periksa berkas"), data.reg_no, data.service_name, printed_at)
    pdf.field(_("Layanan"), person(data.service_name), bold=True)
    pdf.field(_("Tanggal diterima"), format_datetime(data.created_at, pdf.zone))
    pdf.field(_("Pemohon"), person(data.applicant_name), bold=True)
    pdf.field(_("NIK"), masked(data.nik_masked))
    if person(data.kk_masked):
        pdf.field(_("No. KK"), masked(data.kk_masked))
    if person(data.phone):
        pdf.field(_("No. HP/WA"), person(data.phone, 40))
    if person(data.desa):
        pdf.field(_("Desa/Kel."), person(data.desa))

    pdf.section(_("Persyaratan"))
    pdf.paragraph(_("Beri tanda pada kotak Ada atau Belum untuk setiap berkas yang diperiksa."), 9)
    pdf.ln(1.5)
    _checkbox_table(pdf, [RequirementLine.coerce(line) for line in data.requirements])
    pdf.ln(3)
    pdf.ruled_lines(_("Catatan pemeriksaan:"), 3)
    pdf.signatures([
        (_("Pemohon"), _bracket(person(data.applicant_name))),
        (_("Petugas pemeriksa"), _bracket(person(data.staff_name))),
    ])
    return bytes(pdf.output())


def pickup_proof_pdf(office: OfficeLetterhead, data: PickupProofData, *,
                     printed_at: datetime | None = None) -> bytes:
    """The proof of collection (bukti pengambilan), signed by the collector and the staff."""
    pdf = _request_document(office, _("Bukti pengambilan dokumen"), data.reg_no, data.service_name, printed_at)
    pdf.field(_("Layanan"), person(data.service_name), bold=True)
    pdf.field(_("Waktu pengambilan"), format_datetime(data.at, pdf.zone))

    pdf.section(_("Pemohon"))
    pdf.field(_("Nama"), person(data.applicant_name), bold=True)
    pdf.field(_("NIK"), masked(data.nik_masked))

    pdf.section(_("Pengambil"))
    pdf.field(_("Diambil oleh"), person(data.collector_kind_label), bold=True)
    pdf.field(_("Nama"), person(data.collector_name) or person(data.applicant_name), bold=True)
    pdf.field(_("NIK"), masked(data.collector_nik_masked) or masked(data.nik_masked))
    if person(data.note):
        pdf.field(_("Catatan"), person(data.note, NOTE_MAX))
    pdf.ln(3)
    statements = [_("Dokumen tersebut di atas telah diserahkan oleh petugas dan diterima oleh "
                    "pengambil dalam keadaan baik; data pada dokumen telah diperiksa bersama.")]
    if data.collector_kind == "proxy":
        statements.append(_("Pengambilan dengan surat kuasa: surat kuasa asli dan fotokopi KTP-el "
                            "pemberi serta penerima kuasa disimpan bersama bukti ini."))
    elif data.collector_kind == "family":
        statements.append(_("Pengambil adalah anggota keluarga dalam KK yang sama dengan pemohon; "
                            "KK dan KTP-el pengambil telah diperiksa."))
    for statement in statements:
        pdf.paragraph(statement, 9.5)
        pdf.ln(1)
    _contact(pdf, office)
    collector = person(data.collector_name) or person(data.applicant_name)
    pdf.signatures([
        (_("Yang menerima (pengambil)"), _bracket(collector)),
        (_("Yang menyerahkan (petugas)"), _bracket(person(data.staff_name))),
    ])
    return bytes(pdf.output())


def report_pdf(office: OfficeLetterhead, report: ReportData, *,
               printed_at: datetime | None = None) -> bytes:
    """A report table over as many pages as it needs, the heading row repeated on each page."""
    from fpdf.enums import TableCellFillMode

    title = person(report.title, TEXT_MAX)
    pdf = new_document(office, title=title, reference=person(report.period), printed_at=printed_at)
    pdf.add_page()
    pdf.letterhead()
    pdf.title_block(title, person(report.subtitle, TEXT_MAX))
    if person(report.period):
        pdf.field(_("Periode"), person(report.period), bold=True)
        pdf.ln(2)
    columns = [ReportColumn.coerce(column) for column in report.columns]
    if not columns:
        pdf.paragraph(_("Tidak ada data."))
        return bytes(pdf.output())
    heading, bold = pdf.table_font_faces()
    weights = [max(float(column.weight), 0.1) for column in columns]
    aligns = [_ALIGN.get(str(column.align).upper()[:1], "LEFT") for column in columns]
    pdf.font(9)
    with pdf.table(col_widths=weights, width=pdf.epw, text_align=aligns, headings_style=heading,
                   line_height=5, padding=(1, 1.5), repeat_headings=1,
                   cell_fill_mode=TableCellFillMode.NONE) as table:
        row = table.row()
        for column in columns:
            row.cell(person(column.title))
        if not report.rows:
            row = table.row()
            row.cell(_("Tidak ada data."), colspan=len(columns))
        for values in report.rows:
            row = table.row()
            for value in _fit(values, len(columns)):
                row.cell(_cell_text(value))
        if report.totals is not None:
            row = table.row(style=bold.replace(fill_color=GREY_FILL))
            for value in _fit(report.totals, len(columns)):
                row.cell(_cell_text(value))
    return bytes(pdf.output())


# --- pieces -----------------------------------------------------------------------------------


def _request_document(office: OfficeLetterhead, title: str, reg_no: str, service_name: str,
                      printed_at: datetime | None):
    """The first page every request document shares: letterhead, title with the service, and
    the registration number large with its barcode; the running reference repeats the number."""
    reg_no = person(reg_no, 40)
    pdf = new_document(office, title=title, reference=_("No. registrasi {nomor}").format(nomor=reg_no),
                       printed_at=printed_at)
    pdf.add_page()
    pdf.letterhead()
    pdf.title_block(title, person(service_name))
    pdf.reg_no_block(_("No. registrasi"), reg_no)
    return pdf


def _bracket(name: str) -> str:
    """'( name )' under a signature line, dots to write on when the name is unknown; a very long
    name is shortened there (it is printed in full above) so the signature block stays small."""
    if not name:
        return "( ................................ )"
    if len(name) > 60:
        name = name[:59].rstrip() + "\u2026"
    return f"(\u00a0{name}\u00a0)"


def _fit(values, count: int) -> list:
    values = list(values)[:count]
    return values + [""] * (count - len(values))


def _cell_text(value: object) -> str:
    """Integers with Indonesian thousands dots (1.234); everything else as cleaned text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        whole, _dot, frac = f"{value:,.1f}".partition(".")
        return f"{whole.replace(',', '.')},{frac}"
    return person(value, TEXT_MAX)


def _requirement_table(pdf, lines: list[RequirementLine]) -> None:
    heading, bold = pdf.table_font_faces()
    pdf.font(9)
    with pdf.table(col_widths=(9, 80, 21, 19, 45), width=pdf.epw, line_height=4.8, padding=(1, 1.5),
                   text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT"), headings_style=heading) as table:
        row = table.row()
        for title in (_("No"), _("Persyaratan"), _("Sifat"), _("Status"), _("Catatan")):
            row.cell(title)
        for number, line in enumerate(lines, 1):
            row = table.row()
            row.cell(str(number))
            row.cell(person(line.text, TEXT_MAX))
            row.cell(_("Wajib") if line.mandatory else _("Opsional"))
            missing = line.mandatory and not line.checked
            row.cell(_("Ada") if line.checked else _("Belum"), style=bold if missing else None)
            row.cell(person(line.note, NOTE_MAX))


def _checkbox_table(pdf, lines: list[RequirementLine]) -> None:
    from fpdf.fonts import FontFace

    heading, _bold = pdf.table_font_faces()
    # Ballot boxes from the font; the core-font fallback has none, so brackets stand in.
    if pdf.kit.unicode:
        empty, ticked = "\u2610", "\u2611"
    else:
        empty, ticked = "[   ]", "[ X ]"
    box = FontFace(family=pdf.kit.family, size_pt=15 if pdf.kit.unicode else 10)
    pdf.font(9)
    with pdf.table(col_widths=(9, 77, 20, 15, 15, 38), width=pdf.epw, line_height=5, padding=(1.2, 1.5),
                   text_align=("RIGHT", "LEFT", "LEFT", "CENTER", "CENTER", "LEFT"),
                   headings_style=heading, min_row_height=10) as table:
        row = table.row()
        for title in (_("No"), _("Persyaratan"), _("Sifat"), _("Ada"), _("Belum"), _("Catatan")):
            row.cell(title)
        for number, line in enumerate(lines, 1):
            row = table.row()
            row.cell(str(number))
            row.cell(person(line.text, TEXT_MAX))
            row.cell(_("Wajib") if line.mandatory else _("Opsional"))
            row.cell(ticked if line.checked else empty, style=box)
            row.cell(empty, style=box)
            row.cell(person(line.note, NOTE_MAX))


def _contact_lines(office: OfficeLetterhead) -> list[tuple[str, bool]]:
    """The office's contact and opening hours as (text, bold) lines."""
    lines = []
    if person(office.phone):
        lines.append((_("Informasi: telepon/WhatsApp {telepon}").format(telepon=person(office.phone)), False))
    if person(office.email):
        lines.append((_("Email: {email}").format(email=person(office.email)), False))
    if person(office.opening_hours):
        lines.append((_("Jam layanan: {jam}").format(jam=person(office.opening_hours)), True))
    return lines


def _contact(pdf, office: OfficeLetterhead) -> None:
    lines = _contact_lines(office)
    if lines:
        pdf.ln(2)
    for text, bold in lines:
        pdf.paragraph(text, 9.5, bold=bold)
