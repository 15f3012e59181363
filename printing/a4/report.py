"""The report (rekap) of a day, a month or a range of days on A4: the office letterhead, the
queue and request tables with their totals, a bar chart of tickets per hour or per day drawn on
the page, the overdue list, the urgent cases with their reasons, and the head of office's
sign-off. It is printed from the report's JSON (the names docs/architecture.md keeps stable under
"Reports"), so a recorded print job holds everything needed to print it again."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from printing.errors import _
from printing.text import MONTH_NAMES, MONTH_SHORT, format_date, format_date_short

from .data import OfficeLetterhead, _Payload
from .layout import DARK_GREY, GREY_FILL, NAME_MAX, TEXT_MAX, new_document, person

KINDS = ("daily", "monthly", "range")
NIP_DIGITS = 18
BAR_FILL = (84, 112, 150)  # a blue that still reads as a mid grey on a black-and-white laser
GRID = (200, 200, 200)
CHART_HEIGHT = 46.0  # mm of the plot area
CHART_MAX_DAYS = 62  # a longer range is drawn per month
SIGNOFF_GAP = 22.0  # mm left for the signature and the stamp
HEAD_SIZE = 6.5  # pt of the tables' headings
BODY_SIZE = 8.0
PAD = (0.8, 1.0)  # vertical, horizontal cell padding in mm
LINE = 3.7  # mm per line of a table cell


@dataclass(kw_only=True)
class RecapData(_Payload):
    """A report as printed. `report` is the report's JSON (kind, from, to, office, queue,
    requests, overdue_as_of, overdue, urgent); `signed_on` dates the sign-off (the day the report
    was made, its `overdue_as_of`, when None)."""

    report: dict
    signed_on: date | None = None


# --- words and numbers --------------------------------------------------------------------------


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _period_dates(report: dict) -> tuple[date, date]:
    first, last = _day(report["from"]), _day(report["to"])
    if first is None or last is None:
        raise ValueError("report period")
    return first, last


def recap_title(report: dict) -> tuple[str, str]:
    """(heading, period) of a report: ("Rekap Harian Layanan", "Selasa, 1 Desember 2026"),
    ("Rekap Bulanan", "Desember 2026") or ("Rekap Layanan", "1 Desember 2026 s.d. ...")."""
    first, last = _period_dates(report)
    kind = report.get("kind")
    if kind == "daily" or (kind not in KINDS and first == last):
        return _("Rekap Harian Layanan"), format_date(first)
    if kind == "monthly":
        return _("Rekap Bulanan"), f"{MONTH_NAMES[first.month - 1]} {first.year}"
    return _("Rekap Layanan"), _("{awal} s.d. {akhir}").format(awal=_long_date(first), akhir=_long_date(last))


def full_title(report: dict, dash: str = "\u2014") -> str:
    """'Rekap Harian Layanan — Selasa, 1 Desember 2026'."""
    heading, period = recap_title(report)
    return f"{heading} {dash} {period}"


def recap_file_name(report: dict) -> str:
    """'rekap-harian-2026-12-01', 'rekap-bulanan-2026-12', 'rekap-2026-12-01-sd-2026-12-07'."""
    first, last = _period_dates(report)
    if report.get("kind") == "daily":
        return f"rekap-harian-{first.isoformat()}"
    if report.get("kind") == "monthly":
        return f"rekap-bulanan-{first:%Y-%m}"
    return f"rekap-{first.isoformat()}-sd-{last.isoformat()}"


def _long_date(day: date) -> str:
    """'1 Desember 2026'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def format_nip(value: object) -> str:
    """A civil servant's NIP as it is written under a signature: '19700101 200003 1 001'
    (birth date, appointment month, sex, number); anything else as typed."""
    text = person(value, 40)
    digits = text.replace(" ", "")
    if len(digits) == NIP_DIGITS and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return text


def _number(value: object) -> str:
    """Whole numbers with Indonesian thousands dots ('1.234'); '-' when there is none."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return "-"
    return f"{int(value):,}".replace(",", ".")


def _decimal(value: float) -> str:
    whole, _dot, frac = f"{value:,.1f}".partition(".")
    return f"{whole.replace(',', '.')},{frac}"


def _minutes(seconds: object) -> str:
    """Whole seconds as minutes with one decimal and a decimal comma ('27,5'); '-' for none."""
    if seconds is None or isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return "-"
    return _decimal(seconds / 60)


def _percent(value: object) -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return "-"
    return _decimal(float(value))


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return max(int(value), 0)


def _lines(section: dict) -> list[dict]:
    """A table's lines, then its TOTAL line."""
    lines = [line for line in section.get("services", []) if isinstance(line, dict)]
    total = section.get("total")
    return lines + ([total] if isinstance(total, dict) else [])


def _service_label(line: dict) -> str:
    if line.get("service") == "TOTAL":
        return "TOTAL"
    return person(line.get("name")) or person(line.get("service"), 40)


# --- the document --------------------------------------------------------------------------------


def recap_pdf(office: OfficeLetterhead, data: RecapData, *, printed_at: datetime | None = None) -> bytes:
    """The report as PDF bytes over as many A4 pages as it needs."""
    report = data.report
    if not isinstance(report, dict):
        raise TypeError("report")
    pdf = _build(office, data, printed_at, keep_end_together=False)
    if pdf.signoff_alone:
        # The sign-off would stand alone on the last page: take the last section over with it.
        for font in pdf.fonts.values():  # the discarded draft's font files (output() closes them)
            if callable(getattr(font, "close", None)):
                font.close()
        pdf = _build(office, data, printed_at, keep_end_together=True)
    return bytes(pdf.output())


def _build(office: OfficeLetterhead, data: RecapData, printed_at: datetime | None, *, keep_end_together: bool):
    report = data.report
    printed_at = printed_at or datetime.now()
    heading, period = recap_title(report)
    pdf = new_document(office, title=full_title(report), reference=period, printed_at=printed_at)
    pdf.set_creation_date(printed_at)  # the same job printed at the same moment gives the same bytes
    pdf.signoff_alone = False
    pdf.add_page()
    pdf.letterhead()
    pdf.title_block(heading, period)
    queue = report.get("queue") or {}
    requests = report.get("requests") or {}
    names = {line.get("service"): _service_label(line)
             for section in (queue, requests) for line in section.get("services", []) if isinstance(line, dict)}

    _at_a_glance(pdf, queue, requests, report.get("overdue") or [])

    _service_section(pdf, _("A. Antrian"), _queue_layout(_lines(queue)), _lines(queue), 14)
    _note(pdf, _("Waktu dalam menit. Menunggu: sejak nomor diambil sampai dipanggil pertama kali; "
                 "dilayani: sejak mulai dilayani sampai selesai. P90: 9 dari 10 tiket tidak lebih lama dari ini."))
    _busiest(pdf, queue)
    _chart(pdf, queue)
    _served(pdf, queue.get("counters") or [], queue.get("operators") or [])

    _service_section(pdf, _("B. Permohonan"), _request_layout(_lines(requests)), _lines(requests), 22)
    total = requests.get("total") or {}
    _note(pdf, _("Masuk: diterima dalam periode ini. Selesai: dokumen siap dalam periode ini; tepat waktu bila "
                 "siap paling lambat pada tanggal target. Terlambat: masih diproses dan sudah lewat target."))
    pdf.ln(1)
    pdf.paragraph(_("Diambil: pemohon sendiri {a}, keluarga {b}, kuasa {c}; dikirim sebagai PDF {d}.").format(
        a=_number(total.get("collected_self")), b=_number(total.get("collected_family")),
        c=_number(total.get("collected_proxy")), d=_number(total.get("delivered"))), 9)
    pdf.paragraph(_("Pemohon dihubungi: berkas kurang {m}, dokumen siap {r}.").format(
        m=_number(requests.get("contacts_missing")), r=_number(requests.get("contacts_ready"))), 9)

    sections = [
        lambda: _overdue(pdf, report, names),
        lambda: _urgent(pdf, report.get("urgent") or {}, names),
    ]
    for index, draw in enumerate(sections):
        if keep_end_together and index == len(sections) - 1 and pdf.get_y() > pdf.t_margin + 20:
            pdf.add_page()
        draw()
    _signoff(pdf, report, data.signed_on)
    return pdf


def _note(pdf, text: str) -> None:
    pdf.ln(0.8)
    pdf.set_text_color(*DARK_GREY)
    pdf.paragraph(text, 7.5, height=3.6)
    pdf.set_text_color(0)


def _at_a_glance(pdf, queue: dict, requests: dict, overdue: list) -> None:
    """The figures the head of office reads first, large, in one boxed row."""
    qt, rt = queue.get("total") or {}, requests.get("total") or {}
    on_time = rt.get("on_time_percent")
    figures = [
        (_("Tiket diambil"), _number(qt.get("issued"))),
        (_("Tiket dilayani"), _number(qt.get("served"))),
        (_("Permohonan masuk"), _number(rt.get("received"))),
        (_("Dokumen selesai"), _number(rt.get("completed"))),
        (_("Tepat waktu"), f"{_percent(on_time)}%" if on_time is not None else "-"),
        (_("Terlambat kini"), _number(len(overdue))),
    ]
    width = pdf.epw / len(figures)
    pdf.ensure_space(16)
    top = pdf.get_y()
    pdf.set_draw_color(*DARK_GREY)
    pdf.rect(pdf.l_margin, top, pdf.epw, 14)
    for index, (label, value) in enumerate(figures):
        x = pdf.l_margin + index * width
        if index:
            pdf.line(x, top, x, top + 14)
        pdf.set_xy(x, top + 1.5)
        pdf.font(7)
        pdf.set_text_color(*DARK_GREY)
        pdf.cell(width, 3.5, label, align="C")
        pdf.set_text_color(0)
        pdf.set_xy(x, top + 5.5)
        pdf.font(13, True)
        pdf.cell(width, 7, value, align="C")
    pdf.set_draw_color(0)
    pdf.set_xy(pdf.l_margin, top + 16)


# --- tables --------------------------------------------------------------------------------------


def _faces(pdf, head: float = HEAD_SIZE, body: float = BODY_SIZE):
    from fpdf.fonts import FontFace

    heading = FontFace(family=pdf.kit.family, emphasis="BOLD", size_pt=head, fill_color=GREY_FILL)
    total = FontFace(family=pdf.kit.family, emphasis="BOLD", size_pt=body, fill_color=GREY_FILL)
    return heading, total


def _line(body: float) -> float:
    return LINE * body / BODY_SIZE


# Font sizes (body, headings) a table of services tries in turn until its figures fit beside a
# service column of at least FIRST_MIN mm: large offices have five-digit months.
TABLE_SIZES = ((BODY_SIZE, HEAD_SIZE), (7.0, 6.0), (6.2, 5.4))
FIRST_MIN = 30.0


def _widths(pdf, titles: list[str], values: list[list[str]], body: float, head: float) -> list[float]:
    """Column widths in mm: every column after the first as wide as its widest heading word or
    (bold) value needs; the first, the service, takes what is left."""
    pad = 2 * PAD[1] + 0.8
    widths = []
    for column, title in enumerate(titles):
        pdf.set_font(pdf.kit.family, "B", head)
        need = max((pdf.get_string_width(word) for word in title.split()), default=0.0)
        pdf.set_font(pdf.kit.family, "B", body)
        need = max([need, *(pdf.get_string_width(row[column]) for row in values if column < len(row))])
        widths.append(max(need + pad, 6.0))
    return [pdf.epw - sum(widths), *widths]


def _grouped_fit(pdf, groups: list[tuple[str, list[str]]], rows: list[list[str]]) -> tuple[list[float], float, float]:
    """(widths, body size, heading size) of a table of services: the largest type that fits."""
    titles = [title for _group, columns in groups for title in (columns or [_group])]
    for body, head in TABLE_SIZES:
        widths = _widths(pdf, titles, [row[1:] for row in rows], body, head)
        if widths[0] >= FIRST_MIN:
            return widths, body, head
    # Still too wide: the figures keep their room, the service names wrap in what is left.
    widths[0] = max(widths[0], 12.0)
    scale = pdf.epw / sum(widths)
    return [w * scale for w in widths], body, head


def _grouped_height(pdf, groups: list[tuple[str, list[str]]], rows: list[list[str]]) -> float:
    """The table's height: two heading rows of up to two lines each, then the rows."""
    widths, body, _head = _grouped_fit(pdf, groups, rows)
    return 4 * _line(body) + 4 * PAD[0] + _table_height(pdf, widths, rows, bold_last=True, body=body)


def _grouped_table(pdf, groups: list[tuple[str, list[str]]], rows: list[list[str]], *, first_title: str,
                   total_last: bool) -> None:
    """A table with two heading rows: the first names groups of columns (a group of one spans
    both rows), the second the columns; the first column is the service. The headings repeat on
    every page the table runs over, and the last row is bold when it is the TOTAL."""
    from fpdf.enums import TableCellFillMode

    titles = [title for _group, columns in groups for title in (columns or [_group])]
    widths, body, head = _grouped_fit(pdf, groups, rows)
    heading, total = _faces(pdf, head, body)
    pdf.font(body)
    aligns = ["LEFT"] + ["RIGHT"] * len(titles)
    with pdf.table(col_widths=widths, width=pdf.epw, text_align=aligns, headings_style=heading,
                   line_height=_line(body), padding=PAD, num_heading_rows=2, repeat_headings=1,
                   cell_fill_mode=TableCellFillMode.NONE, v_align="MIDDLE") as table:
        top = table.row()
        top.cell(first_title, rowspan=2, align="LEFT")
        for group, columns in groups:
            if columns:
                top.cell(group, colspan=len(columns), align="CENTER")
            else:
                top.cell(group, rowspan=2, align="CENTER")
        second = table.row()
        for _group, columns in groups:
            for title in columns:
                second.cell(title, align="CENTER")
        for index, values in enumerate(rows):
            is_total = total_last and index == len(rows) - 1
            row = table.row(style=total if is_total else None)
            for value in values:
                row.cell(value)


def _queue_layout(lines: list[dict]) -> tuple[list, list[list[str]]]:
    rows = [[_service_label(line), _number(line.get("issued")), _number(line.get("served")),
             _number(line.get("no_show")), _number(line.get("cancelled")), _number(line.get("transferred")),
             _minutes(line.get("wait_avg_s")), _minutes(line.get("wait_median_s")), _minutes(line.get("wait_p90_s")),
             _minutes(line.get("service_avg_s")), _minutes(line.get("service_median_s")),
             _minutes(line.get("service_p90_s"))] for line in lines]
    groups = [
        (_("Tiket"), [_("Diambil"), _("Dilayani"), _("Tidak datang"), _("Batal"), _("Pindah")]),
        (_("Menunggu (menit)"), [_("Rerata"), _("Median"), _("P90")]),
        (_("Dilayani (menit)"), [_("Rerata"), _("Median"), _("P90")]),
    ]
    return groups, rows


def _request_layout(lines: list[dict]) -> tuple[list, list[list[str]]]:
    rows = [[_service_label(line), _number(line.get("received")), _number(line.get("walk_in")),
             _number(line.get("whatsapp")), _number(line.get("completed")), _number(line.get("on_time")),
             _percent(line.get("on_time_percent")), _number(line.get("overdue")),
             _number(line.get("collected_self")), _number(line.get("collected_family")),
             _number(line.get("collected_proxy")), _number(line.get("delivered")), _number(line.get("rejected")),
             _number(line.get("cancelled"))] for line in lines]
    groups = [
        (_("Masuk"), [_("Jumlah"), _("Loket"), _("WA")]),
        (_("Selesai"), [_("Jumlah"), _("Tepat waktu"), "%"]),
        (_("Terlambat"), []),
        (_("Diambil"), [_("Pemohon"), _("Keluarga"), _("Kuasa")]),
        (_("Dikirim PDF"), []),
        (_("Ditolak"), []),
        (_("Batal"), []),
    ]
    return groups, rows


def _service_section(pdf, title: str, layout: tuple[list, list[list[str]]], lines: list[dict], after: float) -> None:
    """A section with its table of services, kept on one page with `after` mm of what follows
    when they fit on one."""
    groups, rows = layout
    _keep_together(pdf, 12 + _grouped_height(pdf, groups, rows) + after)
    pdf.section(title)
    _grouped_table(pdf, groups, rows, first_title=_("Layanan"),
                   total_last=bool(lines) and lines[-1].get("service") == "TOTAL")


def _simple_table(pdf, titles: list[str], rows: list[list[str]], aligns: list[str], *, flexible: int,
                  caps: dict[int, float] | None = None, width: float | None = None, align: str = "LEFT") -> None:
    """A table with one heading row repeated on every page; each column as wide as its widest
    heading word or value (up to its cap, wrapping beyond it), the `flexible` one takes the rest."""
    from fpdf.enums import TableCellFillMode

    width = width or pdf.epw
    widths = _fitted_widths(pdf, titles, rows, flexible, caps or {}, width)
    heading, _total = _faces(pdf)
    pdf.font(BODY_SIZE)
    with pdf.table(col_widths=widths, width=width, text_align=aligns, headings_style=heading,
                   line_height=LINE, padding=PAD, repeat_headings=1, align=align,
                   cell_fill_mode=TableCellFillMode.NONE, v_align="MIDDLE") as table:
        row = table.row()
        for title in titles:
            row.cell(title, align="CENTER")
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def _fitted_widths(pdf, titles: list[str], rows: list[list[str]], flexible: int, caps: dict[int, float],
                   width: float) -> list[float]:
    pad = 2 * PAD[1] + 0.8
    widths = []
    for column, title in enumerate(titles):
        pdf.set_font(pdf.kit.family, "B", HEAD_SIZE)
        need = max((pdf.get_string_width(word) for word in title.split()), default=0.0)
        pdf.set_font(pdf.kit.family, "", BODY_SIZE)
        need = max([need, *(pdf.get_string_width(row[column]) for row in rows if column < len(row))])
        widths.append(min(need + pad, caps.get(column, width)))
    widths[flexible] = 0.0
    widths[flexible] = max(width - sum(widths), width * 0.2)
    scale = width / sum(widths)
    return [w * scale for w in widths]


def _table_height(pdf, widths: list[float], rows: list[list[str]], *, bold_last: bool = False,
                  body: float = BODY_SIZE) -> float:
    """How tall the body rows of a table will be, measured with the cells' own wrapping."""
    total, line = 0.0, _line(body)
    for index, values in enumerate(rows):
        pdf.set_font(pdf.kit.family, "B" if bold_last and index == len(rows) - 1 else "", body)
        lines = max((len(pdf.multi_cell(max(w - 2 * PAD[1], 1), line, value or " ", dry_run=True, output="LINES"))
                     for w, value in zip(widths, values)), default=1)
        total += lines * line + 2 * PAD[0]
    return total


def _keep_together(pdf, height: float) -> None:
    """Start a new page unless `height` fits in what is left of this one, when it fits on a page."""
    if height <= pdf.page_break_trigger - pdf.t_margin - 12:
        pdf.ensure_space(height)


def _served(pdf, counters: list, operators: list) -> None:
    """Served tickets per counter and per operator, two small tables side by side."""
    tables = [
        (_("Loket"), [(person(s.get("name")) or person(s.get("key"), 40), _number(s.get("served")))
                      for s in counters if isinstance(s, dict)]),
        (_("Petugas"), [(person(s.get("name")) or person(s.get("key"), 40), _number(s.get("served")))
                        for s in operators if isinstance(s, dict)]),
    ]
    tables = [(title, rows) for title, rows in tables if rows]
    if not tables:
        return
    half = (pdf.epw - 6) / 2
    heights = []
    for title, rows in tables:
        widths = _fitted_widths(pdf, [title, _("Dilayani")], [list(row) for row in rows], 0, {}, half)
        heights.append(LINE + 2 * PAD[0] + _table_height(pdf, widths, [list(row) for row in rows]))
    side_by_side = max(heights) <= pdf.page_break_trigger - pdf.t_margin - 20
    _keep_together(pdf, 8 + (max(heights) if side_by_side else heights[0]))
    pdf.ln(2)
    pdf.font(9, True)
    pdf.cell(0, 5, _("Tiket dilayani per loket dan per petugas"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(0.5)
    top, bottom = pdf.get_y(), pdf.get_y()
    for index, (title, rows) in enumerate(tables):
        if side_by_side:
            pdf.set_y(top)
        _simple_table(pdf, [title, _("Dilayani")], [list(row) for row in rows], ["LEFT", "RIGHT"], flexible=0,
                      width=half, align="LEFT" if index == 0 else "RIGHT")
        bottom = max(bottom, pdf.get_y())
        if not side_by_side:
            pdf.ln(2)
    if side_by_side:
        pdf.set_y(bottom)


def _overdue(pdf, report: dict, names: dict) -> None:
    as_of = _day(report.get("overdue_as_of"))
    label = _("C. Permohonan terlambat per {tanggal}").format(tanggal=format_date(as_of)) if as_of else \
        _("C. Permohonan terlambat")
    overdue = [o for o in report.get("overdue") or [] if isinstance(o, dict)]
    _keep_together(pdf, 30 + 5.4 * min(len(overdue), 3))  # never the heading alone at a page's foot
    pdf.section(label)
    rows = []
    for number, item in enumerate(overdue, 1):
        due = _day(item.get("due_date"))
        rows.append([str(number), person(item.get("reg_no"), 40), names.get(item.get("service")) or
                     person(item.get("service"), 40), format_date_short(due) if due else "-",
                     _number(item.get("days_over"))])
    if not rows:
        pdf.paragraph(_("Tidak ada permohonan yang melewati target."), 9)
        return
    _note(pdf, _("Permohonan yang diterima sampai akhir periode, belum selesai dan sudah melewati tanggal "
                 "target; lewat dihitung dalam hari kalender."))
    pdf.ln(1)
    _simple_table(pdf, [_("No"), _("No. registrasi"), _("Layanan"), _("Target selesai"), _("Lewat (hari)")], rows,
                  ["RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT"], flexible=2)


def _urgent(pdf, urgent: dict, names: dict) -> None:
    cases = [(_("Tiket"), c) for c in urgent.get("tickets") or [] if isinstance(c, dict)]
    cases += [(_("Permohonan"), c) for c in urgent.get("requests") or [] if isinstance(c, dict)]
    _keep_together(pdf, 24 + 5.4 * min(len(cases), 3))
    pdf.section(_("D. Kasus mendesak"))
    if not cases:
        pdf.paragraph(_("Tidak ada kasus mendesak."), 9)
        return
    rows = []
    for number, (kind, case) in enumerate(cases, 1):
        day = _day(case.get("day"))
        rows.append([str(number), kind, person(case.get("ref"), 40), format_date_short(day) if day else "-",
                     names.get(case.get("service")) or person(case.get("service"), 40),
                     person(case.get("urgent_reason"), TEXT_MAX) or "-", person(case.get("approved_by"), 60) or "-"])
    _simple_table(pdf, [_("No"), _("Jenis"), _("Nomor"), _("Tanggal"), _("Layanan"), _("Alasan"), _("Disetujui")],
                  rows, ["RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"], flexible=5,
                  caps={2: 30, 4: 36, 6: 26})


# --- the chart -----------------------------------------------------------------------------------


def _busiest(pdf, queue: dict) -> None:
    hour = queue.get("busiest_hour")
    parts = []
    if isinstance(hour, int) and not isinstance(hour, bool) and 0 <= hour <= 23:
        parts.append(_("Jam tersibuk: {jam:02d}.00\u2013{jam:02d}.59 ({n} tiket)").format(
            jam=hour, n=_number(queue.get("busiest_hour_count"))))
    if queue.get("chart_unit") == "day":
        bars = [(bar.get("label"), _count(bar.get("count"))) for bar in queue.get("chart") or [] if isinstance(bar, dict)]
        if bars and max(n for _label, n in bars) > 0:
            label, n = max(bars, key=lambda bar: bar[1])  # the first day wins a tie
            day = _day(label)
            if day is not None:
                parts.append(_("hari tersibuk: {hari} ({n} tiket)").format(hari=format_date(day), n=_number(n)))
    if parts:
        pdf.ln(1)
        pdf.paragraph("; ".join(parts) + ".", 9)


def _nice_step(top: int) -> int:
    """A tick step of 1, 2 or 5 times a power of ten giving at most five steps up to `top`."""
    if top <= 5:
        return 1
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def _chart_bars(queue: dict) -> tuple[list[tuple[str, int, str]], str, str]:
    """(label, count, month mark) per bar, the axis title and the chart's title."""
    raw = [(str(bar.get("label", "")), _count(bar.get("count"))) for bar in queue.get("chart") or []
           if isinstance(bar, dict)]
    if queue.get("chart_unit") != "day":
        return [(label, n, "") for label, n in raw], _("Jam"), _("Tiket diambil per jam")
    days = [(_day(label), n) for label, n in raw]
    if any(day is None for day, _n in days):
        return [(label, n, "") for label, n in raw], _("Tanggal"), _("Tiket diambil per hari")
    if len(days) > CHART_MAX_DAYS:
        months: dict[tuple[int, int], int] = {}
        for day, n in days:
            months[(day.year, day.month)] = months.get((day.year, day.month), 0) + n
        bars = [(f"{MONTH_SHORT[m - 1]} {y}", n, "") for (y, m), n in months.items()]
        return bars, _("Bulan"), _("Tiket diambil per bulan")
    spans_months = len({(day.year, day.month) for day, _n in days}) > 1
    bars = []
    for index, (day, n) in enumerate(days):
        mark = f"{MONTH_SHORT[day.month - 1]} {day.year}" if spans_months and (index == 0 or day.day == 1) else ""
        bars.append((str(day.day), n, mark))
    return bars, _("Tanggal"), _("Tiket diambil per hari")


def _chart(pdf, queue: dict) -> None:
    """A bar chart drawn with lines and rectangles: a y axis with gridlines at round counts, one
    bar per hour or day with its count above it, and the hours or days under the axis."""
    bars, axis_title, title = _chart_bars(queue)
    if not bars:
        return
    marks = any(mark for _label, _n, mark in bars)
    pdf.ensure_space(CHART_HEIGHT + 26 + (4 if marks else 0))
    pdf.ln(2)
    pdf.font(9, True)
    pdf.cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
    highest = max(n for _label, n, _mark in bars)
    pdf.font(6.5, True)
    widest = max(pdf.get_string_width(_number(n)) for _label, n, _mark in bars)
    x1 = pdf.w - pdf.r_margin
    upright = widest <= (x1 - pdf.l_margin - 12) / len(bars) * 0.98
    # Figures written upwards need room above the tallest bar, inside the 5 mm under the title.
    reach = highest if upright else highest * CHART_HEIGHT / max(CHART_HEIGHT + 4 - widest - 1, 10)
    step = _nice_step(math.ceil(reach))
    top_value = max(step * math.ceil(reach / step), step)
    pdf.font(6.5)
    label_width = pdf.get_string_width(_number(top_value)) + 2
    x0 = pdf.l_margin + max(label_width, 6) + 1
    y_top = pdf.get_y() + 5
    y_base = y_top + CHART_HEIGHT

    # gridlines and the y axis's labels
    pdf.set_line_width(0.1)
    for value in range(0, top_value + 1, step):
        y = y_base - CHART_HEIGHT * value / top_value
        if value:
            pdf.set_draw_color(*GRID)
            pdf.line(x0, y, x1, y)
        pdf.set_text_color(*DARK_GREY)
        pdf.set_xy(pdf.l_margin, y - 1.6)
        pdf.cell(x0 - pdf.l_margin - 1.2, 3.2, _number(value), align="R")
    pdf.set_text_color(*DARK_GREY)
    pdf.set_xy(pdf.l_margin, y_top - 5)
    pdf.cell(x0 - pdf.l_margin + 10, 3.2, _("Tiket"), align="L")

    # the bars, their counts above them
    slot = (x1 - x0) / len(bars)
    bar_width = slot * 0.68
    pdf.set_fill_color(*BAR_FILL)
    for index, (_label, n, _mark) in enumerate(bars):
        if n <= 0:
            continue
        height = CHART_HEIGHT * n / top_value
        x = x0 + index * slot + (slot - bar_width) / 2
        pdf.rect(x, y_base - height, bar_width, height, style="F")
    pdf.set_fill_color(0)  # fpdf2 tables would take any other fill colour as their background
    pdf.set_text_color(0)
    pdf.font(6.5, True)
    for index, (_label, n, _mark) in enumerate(bars):
        if n <= 0:
            continue
        centre = x0 + index * slot + slot / 2
        top_of_bar = y_base - CHART_HEIGHT * n / top_value
        text = _number(n)
        if upright:
            pdf.set_xy(centre - slot / 2, top_of_bar - 3.4)
            pdf.cell(slot, 3.2, text, align="C")
        else:  # too narrow for the figure: written upwards from the top of the bar
            with pdf.rotation(90, centre, top_of_bar - 0.8):
                pdf.text(centre, top_of_bar - 0.8 + 0.9, text)

    # the axes
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    pdf.line(x0, y_base, x1, y_base)
    pdf.line(x0, y_top - 1, x0, y_base)
    pdf.set_line_width(0.2)

    # the labels under the axis: every one when they fit, else every second or fifth
    pdf.font(6.5)
    widest = max(pdf.get_string_width(label) for label, _n, _mark in bars) + 0.8
    every = next((k for k in (1, 2, 5, 7, 10, 15, 30) if widest <= slot * k), len(bars))
    for index, (label, _n, mark) in enumerate(bars):
        centre = x0 + index * slot + slot / 2
        if index % every == 0 or (every > 1 and index == len(bars) - 1 and (len(bars) - 1) % every >= every / 2):
            pdf.set_xy(centre - slot * every / 2, y_base + 0.8)
            pdf.cell(slot * every, 3.2, label, align="C")
        if mark:
            pdf.set_draw_color(*DARK_GREY)
            pdf.line(x0 + index * slot, y_base, x0 + index * slot, y_base + 7.6)
            pdf.set_draw_color(0)
            pdf.set_text_color(*DARK_GREY)
            pdf.set_xy(x0 + index * slot + 0.6, y_base + 4.2)
            pdf.cell(30, 3.2, mark, align="L")
            pdf.set_text_color(0)
    below = y_base + 4.4 + (4 if marks else 0)
    pdf.set_text_color(*DARK_GREY)
    pdf.set_xy(x0, below)
    pdf.cell(x1 - x0, 3.4, axis_title, align="C")
    pdf.set_text_color(0)
    if highest == 0:
        pdf.font(9)
        pdf.set_xy(x0, y_top + CHART_HEIGHT / 2 - 3)
        pdf.cell(x1 - x0, 6, _("Tidak ada tiket dalam periode ini."), align="C")
    pdf.set_xy(pdf.l_margin, below + 5)


# --- the sign-off --------------------------------------------------------------------------------


def _signoff(pdf, report: dict, signed_on: date | None) -> None:
    """Place and date, the head of office's title, room to sign, the name and the NIP, on the
    right half; never split over two pages. A name or NIP not on record is a dotted line to
    write on by hand."""
    office = report.get("office") if isinstance(report.get("office"), dict) else {}
    kecamatan = person(office.get("kecamatan"))
    place = kecamatan or person(office.get("kabupaten"))
    day = signed_on or _day(report.get("overdue_as_of")) or _day(report.get("to"))
    when = _long_date(day) if day else ""
    dated = f"{place or '.' * 24}, {when}" if when else place
    role = _("Camat {kecamatan}").format(kecamatan=kecamatan) if kecamatan else _("Kepala Kantor")
    name = person(office.get("head_name"), NAME_MAX)
    nip = format_nip(office.get("head_nip"))
    dots = "." * 48

    column = pdf.epw * 0.46
    x = pdf.l_margin + pdf.epw - column
    pdf.font(10, True)
    name_lines = len(pdf.multi_cell(column, 5, name or dots, dry_run=True, output="LINES"))
    height = 5 * 2 + SIGNOFF_GAP + 5 * name_lines + 5 + 6
    page = pdf.page_no()
    at_top_already = pdf.get_y() <= pdf.t_margin + 12
    pdf.ensure_space(height)
    if pdf.page_no() != page and not at_top_already:
        pdf.signoff_alone = True
    pdf.ln(6)
    pdf.set_x(x)
    pdf.font(10)
    pdf.multi_cell(column, 5, dated, align="C", new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(column, 5, role + ",", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_y(pdf.get_y() + SIGNOFF_GAP)
    pdf.set_x(x)
    if name:
        pdf.set_font(pdf.kit.family, "BU", 10)
        pdf.multi_cell(column, 5, name, align="C", new_x="LEFT", new_y="NEXT")
    else:
        pdf.font(10)
        pdf.multi_cell(column, 5, dots, align="C", new_x="LEFT", new_y="NEXT")
    pdf.font(10)
    pdf.multi_cell(column, 5, _("NIP. {nip}").format(nip=nip or "." * 36), align="C", new_x="LMARGIN",
                   new_y="NEXT")
