"""The A4 page every document shares: letterhead, running header, footer with the printed time
and page numbers, and the blocks documents are built from (fields, sections, tables, barcode,
signature spaces)."""

from __future__ import annotations

import functools
import secrets
from datetime import datetime

from printing.errors import _
from printing.text import clean_text, format_datetime, mask_nik

from .data import OfficeLetterhead
from .fonts import FontKit

LEFT = 18.0
RIGHT = 18.0
TOP = 14.0
BOTTOM = 20.0  # room for the footer
NAME_MAX = 200
TEXT_MAX = 300
NOTE_MAX = 500
GREY_FILL = (232, 232, 232)
DARK_GREY = (90, 90, 90)


def person(value: object, max_len: int = NAME_MAX, *, multiline: bool = False) -> str:
    """Text that came from a person, cleaned again right before it is printed."""
    return clean_text(value, max_len, multiline=multiline)


def masked(value: object) -> str:
    """A masked NIK or KK number as given; an unmasked one slipped in by mistake is masked here."""
    text = clean_text(value, 40)
    digits = "".join(ch for ch in text if ch.isdigit())
    if "*" not in text and len(digits) >= 10:
        return mask_nik(digits)
    return text


def new_document(office: OfficeLetterhead, *, title: str, reference: str = "",
                 printed_at: datetime | None = None):
    """An empty A4 portrait document with the office's fonts, footer and metadata."""
    return _document_class()(office, title=title, reference=reference,
                             printed_at=printed_at or datetime.now())


@functools.cache
def _document_class():
    from fpdf import FPDF
    from fpdf.enums import Align, XPos, YPos

    class A4Document(FPDF):
        """FPDF with the office letterhead, a footer on every page and glyph-safe text."""

        def __init__(self, office: OfficeLetterhead, *, title: str, reference: str,
                     printed_at: datetime) -> None:
            super().__init__(orientation="P", unit="mm", format="A4")
            self.office = office
            self.doc_title = title
            self.reference = reference
            self.printed_at = printed_at
            self.zone = person(office.zone, 8)
            # A random alias: a person's name that happens to read "{nb}" must print as typed.
            self.alias_nb_pages("{nb" + secrets.token_hex(4) + "}")
            self.set_margins(LEFT, TOP, RIGHT)
            self.set_auto_page_break(True, margin=BOTTOM)
            self.kit = FontKit(self)
            self.set_title(person(title))
            self.set_author(person(office.name))
            self.set_lang("id")
            self.set_draw_color(0)
            self.set_text_color(0)
            self.set_line_width(0.2)

        def normalize_text(self, text: str) -> str:
            # Every string drawn, measured or wrapped passes here: characters no loaded font
            # has become '?', so fpdf2 never fails or warns about a missing glyph.
            return super().normalize_text(self.kit.printable(text, self.current_font))

        # --- page furniture ------------------------------------------------------------------

        def font(self, size: float, bold: bool = False) -> None:
            self.set_font(self.kit.family, "B" if bold else "", size)

        def header(self) -> None:
            if self.page_no() == 1:
                return
            self.font(8)
            self.set_text_color(*DARK_GREY)
            running = " - ".join(part for part in (person(self.office.name), self.doc_title) if part)
            self.cell(0, 4, running, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
            self.ln(3)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_draw_color(*DARK_GREY)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.set_draw_color(0)
            self.ln(1.5)
            self.font(8)
            self.set_text_color(*DARK_GREY)
            y = self.get_y()
            printed = _("Dicetak {waktu}").format(waktu=format_datetime(self.printed_at, self.zone))
            self.cell(self.epw * 0.42, 4, printed)
            if self.reference:
                self.set_xy(self.l_margin + self.epw * 0.42, y)
                self.cell(self.epw * 0.33, 4, self.reference, align=Align.C)
            # Measured with the real page number so the total (an alias until output) sits
            # right-aligned within a character.
            template = _("Halaman {halaman} dari {jumlah}")
            shown = template.format(halaman=self.page_no(), jumlah=self.page_no())
            width = self.get_string_width(shown) + 1
            self.set_xy(self.w - self.r_margin - width, y)
            self.cell(width, 4, template.format(halaman=self.page_no(), jumlah=self.str_alias_nb_pages))
            self.set_text_color(0)

        # --- blocks --------------------------------------------------------------------------

        def letterhead(self) -> None:
            office = self.office
            name = person(office.name) or person(f"{_('Kecamatan')} {person(office.kecamatan)}")
            self.font(15, True)
            self.multi_cell(0, 7, name.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            region = []
            kecamatan = person(office.kecamatan)
            if kecamatan and kecamatan.lower() not in name.lower():
                region.append(f"{_('Kecamatan')} {kecamatan}")
            region += [person(office.kabupaten), person(office.province)]
            lines = [
                ", ".join(part for part in region if part),
                person(office.address, TEXT_MAX),
                "  \u00b7  ".join(part for part in (
                    _("Telp. {telepon}").format(telepon=person(office.phone)) if person(office.phone) else "",
                    _("Email {email}").format(email=person(office.email)) if person(office.email) else "",
                ) if part),
            ]
            self.font(9)
            for line in lines:
                if line:
                    self.multi_cell(0, 4.4, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(1.5)
            y = self.get_y()
            self.set_line_width(0.7)
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.set_line_width(0.2)
            self.line(self.l_margin, y + 1.1, self.w - self.r_margin, y + 1.1)
            self.set_y(y + 4)

        def title_block(self, title: str, subtitle: str = "") -> None:
            self.font(13, True)
            self.multi_cell(0, 6.5, title.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if subtitle:
                self.font(10)
                self.multi_cell(0, 5, subtitle, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(3)

        def section(self, label: str) -> None:
            self.ensure_space(18)
            self.ln(1.5)
            self.font(10, True)
            self.set_fill_color(*GREY_FILL)
            self.cell(0, 6, " " + label, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            # fpdf2 tables take a non-default fill colour as their cells' background
            self.set_fill_color(0)
            self.ln(1.2)

        def field_row(self, items: list[tuple[str, str]], *,
                      label_widths: tuple[float, ...] = (40, 28)) -> None:
            """Two short fields side by side; a long value still wraps inside its own half."""
            items = [item for item in items if item[1]]
            if len(items) < 2:
                for label, value in items:
                    self.field(label, value)
                return
            self.ensure_space(6)
            top = self.get_y()
            half = self.epw / 2
            bottom = top
            for index, (label, value) in enumerate(items[:2]):
                self.set_xy(self.l_margin + index * half, top)
                self.field(label, value, width=half - 3, label_width=label_widths[index])
                bottom = max(bottom, self.get_y())
            self.set_xy(self.l_margin, bottom)

        def field(self, label: str, value: str, *, bold: bool = False, label_width: float = 40,
                  width: float | None = None, size: float = 10) -> None:
            """A 'label : value' line; a long value wraps under itself, never over the margin."""
            x = self.get_x()
            width = self.epw - (x - self.l_margin) if width is None else width
            self.ensure_space(6)
            y = self.get_y()
            self.font(size)
            self.set_text_color(*DARK_GREY)
            self.cell(label_width, 5.5, label)
            self.set_text_color(0)
            self.font(size, bold)
            self.set_xy(x + label_width, y)
            self.multi_cell(width - label_width, 5.5, value or "-", align=Align.L, new_x=XPos.LEFT,
                            new_y=YPos.NEXT)
            self.set_x(x)

        def paragraph(self, text: str, size: float = 9.5, *, bold: bool = False, height: float = 4.8) -> None:
            self.font(size, bold)
            self.multi_cell(0, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        def numbered(self, items: list[str], size: float = 9.5) -> None:
            self.font(size)
            for number, text in enumerate(items, 1):
                self.ensure_space(10)
                y = self.get_y()
                self.cell(7, 4.8, f"{number}.")
                self.set_xy(self.l_margin + 7, y)
                self.multi_cell(self.epw - 7, 4.8, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(0.6)

        def barcode(self, code, x: float, y: float, *, module: float = 0.33, height: float = 13) -> float:
            """Draw a Code 128 symbol with its quiet zones at (x, y); return its full width."""
            quiet = 10 * module
            self.set_fill_color(0)
            for start, width in code.bars:
                self.rect(x + quiet + start * module, y, width * module, height, style="F")
            return code.modules * module + 2 * quiet

        def reg_no_block(self, label: str, reg_no: str) -> None:
            """The registration number large on the left and as a barcode on the right, so a
            USB scanner at the pickup desk reads it off the paper."""
            from printing.codes import code128

            top = self.get_y()
            code = code128(reg_no)
            module = 0.33
            code_width = (code.modules + 20) * module if code else 0
            left_width = self.epw - code_width - 4
            self.font(9)
            self.set_text_color(*DARK_GREY)
            self.cell(left_width, 5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
            self.font(18, True)
            self.multi_cell(left_width, 8, reg_no or "-", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            bottom = self.get_y()
            if code:
                x = self.w - self.r_margin - code_width
                self.barcode(code, x, top, module=module, height=12)
                self.set_xy(x, top + 12.5)
                self.font(9)
                self.cell(code_width, 4.5, reg_no, align=Align.C)
                bottom = max(bottom, top + 17)
            self.set_xy(self.l_margin, bottom + 1.5)

        def due_box(self, text: str, note: str = "") -> None:
            self.ensure_space(16)
            self.ln(2)
            self.font(12, True)
            self.set_line_width(0.4)
            self.multi_cell(0, 8, text, border=1, align=Align.C, padding=(1, 2),
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_line_width(0.2)
            if note:
                self.ln(1)
                self.paragraph(note, 9)

        def signatures(self, parties: list[tuple[str, str]], *, gap: float = 18,
                       beside: list[tuple[str, bool]] = ()) -> None:
            """Signature spaces side by side: role above, the name in brackets under the line.
            A single party signs on the right half, where an Indonesian letter is signed, and
            `beside` (text, bold) lines may fill the left half. The block never splits over
            two pages."""
            column = self.epw / max(len(parties), 2)
            first = self.l_margin + (self.epw - column * len(parties))
            height = 0.0
            for role, name in parties:
                self.font(10)
                role_lines = len(self.multi_cell(column, 5, role, dry_run=True, output="LINES"))
                self.font(10, True)
                name_lines = len(self.multi_cell(column, 5, name or " ", dry_run=True, output="LINES"))
                height = max(height, 5 * role_lines + gap + 1 + 5 * name_lines)
            self.ensure_space(height + 5)
            self.ln(3)
            top = self.get_y()
            bottom = top
            if beside and first > self.l_margin:
                for text, bold in beside:
                    self.font(9.5, bold)
                    self.multi_cell(first - self.l_margin - 4, 4.8, text, align=Align.L,
                                    new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                bottom = self.get_y()
            for index, (role, name) in enumerate(parties):
                x = first + index * column
                self.set_xy(x, top)
                self.font(10)
                self.multi_cell(column, 5, role, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
                line_y = self.get_y() + gap
                self.line(x + 12, line_y, x + column - 12, line_y)
                self.set_xy(x, line_y + 1)
                self.font(10, True)
                self.multi_cell(column, 5, name or " ", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
                bottom = max(bottom, self.get_y())
            self.set_xy(self.l_margin, bottom + 2)

        def ruled_lines(self, label: str, count: int = 3) -> None:
            self.ensure_space(8 + 8 * count)
            self.font(9.5)
            self.cell(0, 5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_draw_color(*DARK_GREY)
            for _line in range(count):
                y = self.get_y() + 7
                self.line(self.l_margin, y, self.w - self.r_margin, y)
                self.set_y(y)
            self.set_draw_color(0)
            self.ln(2)

        def ensure_space(self, height: float) -> None:
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()

        def table_font_faces(self):
            from fpdf.fonts import FontFace

            heading = FontFace(family=self.kit.family, emphasis="BOLD", size_pt=9, fill_color=GREY_FILL)
            bold = FontFace(family=self.kit.family, emphasis="BOLD")
            return heading, bold

    return A4Document
