"""Receipt-printer documents as ESC/POS bytes: queue ticket, printer test slip, proof of
collection (bukti pengambilan) and request receipt (tanda terima), laid out for 32 columns
(58 mm paper) or 48 (80 mm) in ASCII-safe text.

Each document is a frozen dataclass of plain values. `to_payload()` turns it into the JSON dict a
print job stores, `from_payload()` rebuilds it, and `render_*` produces the bytes for every
configured copy, each ending with a paper cut (or a feed when the printer has no cutter).
"""

from __future__ import annotations

import contextlib
import io
import textwrap
import threading
import typing
from dataclasses import MISSING, dataclass, fields
from datetime import date, datetime

from printing.devices import device_label, make_dummy
from printing.errors import PrinterError, _
from printing.settings import PrinterSettings
from printing.text import ascii_safe, clean_text, format_date, format_datetime, mask_nik

PAYLOAD_TEXT_MAX = 500

# python-escpos prints notes to stdout (barcode renderer, image width); stdout belongs to the
# terminal UI, so rendering swaps it out, one document at a time.
_RENDER_LOCK = threading.Lock()


# --- payload conversion ---------------------------------------------------------------------


class _Document:
    """JSON payload conversion shared by the document dataclasses."""

    def to_payload(self) -> dict:
        """The JSON-serialisable dict a print job stores; people's text cleaned and capped."""
        out: dict = {}
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if isinstance(value, (datetime, date)):
                value = value.isoformat()
            elif isinstance(value, str):
                value = clean_text(value, PAYLOAD_TEXT_MAX)
            elif isinstance(value, tuple):
                value = [clean_text(v, PAYLOAD_TEXT_MAX) for v in value]
            out[item.name] = value
        return out

    @classmethod
    def from_payload(cls, payload: dict):
        """Rebuild the document from a stored payload; unknown keys are ignored."""
        if not isinstance(payload, dict):
            raise PrinterError(_("Data cetakan rusak: bukan objek JSON."))
        hints = typing.get_type_hints(cls)
        values = {}
        for item in fields(cls):  # type: ignore[arg-type]
            if item.name not in payload:
                continue
            values[item.name] = _convert(item.name, hints[item.name], payload[item.name])
        try:
            return cls(**values)
        except TypeError:
            missing = [
                f.name for f in fields(cls)  # type: ignore[arg-type]
                if f.name not in values and f.default is MISSING and f.default_factory is MISSING
            ]
            raise PrinterError(_("Data cetakan tidak lengkap: {keys} tidak ada.").format(keys=", ".join(missing))) from None


def _convert(name: str, kind, value):
    args = typing.get_args(kind)
    if value is None and type(None) in args:
        return None
    if args and type(None) in args:
        kind = next(a for a in args if a is not type(None))
    try:
        if kind is datetime:
            return datetime.fromisoformat(str(value))
        if kind is date:
            return date.fromisoformat(str(value)[:10])
        if kind is bool:
            return bool(value)
        if kind is int:
            return int(value)
        if typing.get_origin(kind) is tuple:
            return tuple(str(v) for v in (value or ()))
        return "" if value is None else str(value)
    except (TypeError, ValueError):
        raise PrinterError(_("Data cetakan rusak: nilai {key} tidak terbaca.").format(key=name)) from None


# --- documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketSlip(_Document):
    """A queue ticket (nomor antrian). `issued_at` is the local wall time, `zone` its name (WIB)."""

    office: str
    code: str  # "A-007"
    service: str
    issued_at: datetime
    zone: str = "WIB"
    ahead: int = 0  # tickets of the same service waiting before this one
    address: str = ""


@dataclass(frozen=True)
class PrinterTestSlip(_Document):
    """A printer test page; the printer's name, kind and width come from its settings."""

    office: str
    printed_at: datetime
    zone: str = "WIB"


COLLECTOR_KINDS = ("self", "family", "proxy", "electronic")


@dataclass(frozen=True)
class ProofSlip(_Document):
    """Proof of collection (bukti pengambilan). NIKs may be given in full: they are stored and
    printed masked."""

    office: str
    reg_no: str
    service: str
    name: str
    nik: str
    collector_kind: str  # self | family | proxy | electronic
    collector_name: str
    collector_nik: str
    collected_at: datetime
    zone: str = "WIB"
    staff: str = ""
    note: str = ""

    def to_payload(self) -> dict:
        payload = super().to_payload()
        payload["nik"] = _masked(self.nik)
        payload["collector_nik"] = _masked(self.collector_nik)
        return payload


@dataclass(frozen=True)
class ReceiptSlip(_Document):
    """The short receipt-printer form of the tanda terima (request receipt)."""

    office: str
    reg_no: str  # "20261128-0045"
    service: str
    name: str
    nik: str
    received_at: datetime
    zone: str = "WIB"
    complete: bool = False
    missing: tuple[str, ...] = ()  # names of the requirements still missing
    expected: date | None = None
    contact: str = ""  # office phone / WhatsApp / hours
    notice: str = ""  # why the personal data is held and for how long

    def to_payload(self) -> dict:
        payload = super().to_payload()
        payload["nik"] = _masked(self.nik)
        return payload


def _masked(nik: str) -> str:
    """A NIK masked once: a full number is masked, an already masked one kept as it is."""
    text = ascii_safe(nik)
    if "*" in text:
        return "".join(ch for ch in text if ch.isdigit() or ch == "*")
    return mask_nik(text)


def collector_label(kind: str) -> str:
    return {
        "self": _("Pemohon sendiri"),
        "family": _("Keluarga dalam KK"),
        "proxy": _("Kuasa (surat kuasa)"),
        "electronic": _("Dikirim elektronik"),
    }.get(kind, kind)


# --- layout ---------------------------------------------------------------------------------


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in ascii_safe(text).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return lines


class _Slip:
    """Writes lines no wider than the paper onto a python-escpos printer object."""

    def __init__(self, printer, settings: PrinterSettings) -> None:
        self.p = printer
        self.settings = settings
        self.width = settings.width

    def _lines(self, lines: list[str], *, align: str, bold: bool = False) -> None:
        self.p.set(align=align, bold=bold)
        for line in lines:
            self.p.text(line.rstrip() + "\n")
        if bold:
            self.p.set(bold=False)
        if align != "left":
            self.p.set(align="left")

    def center(self, text: str, *, bold: bool = False) -> None:
        if text.strip():
            self._lines(_wrap(text, self.width), align="center", bold=bold)

    def left(self, text: str, *, bold: bool = False, indent: int = 0) -> None:
        lines = _wrap(text, self.width - indent)
        self._lines([" " * indent + line for line in lines], align="left", bold=bold)

    def item(self, text: str) -> None:
        """A bullet whose continuation lines hang under its text."""
        lines = _wrap(text, self.width - 2)
        self._lines(["- " + lines[0]] + ["  " + line for line in lines[1:]], align="left")

    def big(self, text: str) -> None:
        """Double width and height: half as many columns."""
        self.p.set(align="center", bold=True, double_width=True, double_height=True)
        for line in _wrap(text, self.width // 2):
            self.p.text(line + "\n")
        self.p.set(align="left", bold=False, normal_textsize=True)

    def rule(self, char: str = "-") -> None:
        self.p.text(char * self.width + "\n")

    def blank(self, count: int = 1) -> None:
        self.p.text("\n" * count)

    def pairs(self, rows: list[tuple[str, str]]) -> None:
        """'Label : value' rows with aligned values; a value too long for its column goes under
        its label instead of being squeezed."""
        rows = [(ascii_safe(label), ascii_safe(value)) for label, value in rows]
        label_width = min(max(len(label) for label, _v in rows), self.width // 2 - 2)
        value_width = self.width - label_width - 2
        for label, value in rows:
            if len(label) <= label_width and len(value) <= value_width:
                self.p.text(f"{label:<{label_width}}: {value}".rstrip() + "\n")
                continue
            self.left(label + ":")
            self.left(value, indent=2)

    def moment(self, moment: datetime, zone: str, *, label: str = "") -> None:
        """A day and time in Indonesian ('Sabtu, 28 November 2026 09:15 WIB'), on one line when
        it fits the paper, else the date and then the time; a label goes on the line above."""
        if label:
            self.left(label + ":")
        full = format_datetime(moment, zone)
        if len(full) <= self.width:
            self.center(full)
        else:
            self.center(format_date(moment))
            self.center(f"{moment:%H:%M} {zone}".strip())

    def qr(self, content: str) -> None:
        content = ascii_safe(content)
        if not content:
            return
        self.p.set(align="center")
        if self.p.profile.supports("qrCode"):
            self.p.qr(content, size=6, native=True)
            self.p.text("\n")
        else:
            self.p.qr(content, size=5, center=True)
        self.p.set(align="left")

    def barcode(self, content: str) -> None:
        """A CODE128 barcode a USB scanner at the pickup counter can read."""
        content = "".join(ch for ch in ascii_safe(content) if ch.isalnum() or ch in "-/")
        if not content:
            return
        self.p.set(align="center")
        # 58 mm heads are 384 dots wide; a module of 2 dots keeps a 13-character number on paper
        self.p.barcode("{B" + content, "CODE128", height=60, width=2, pos="OFF", function_type="B")
        self.p.text("\n")
        self.p.set(align="left")

    def signatures(self, left: tuple[str, str], right: tuple[str, str]) -> None:
        """Two signature blocks side by side: a title, room to sign, a line and the name."""
        gap = 2
        column = (self.width - gap) // 2

        def row(a: str, b: str) -> None:
            self.p.text((f"{a[:column]:<{column}}" + " " * gap + b[:column]).rstrip() + "\n")

        row(ascii_safe(left[0]), ascii_safe(right[0]))
        self.blank(3)
        row("-" * column, "-" * column)
        row(ascii_safe(left[1]), ascii_safe(right[1]))

    def finish(self) -> None:
        if self.settings.cut:
            self.p.cut()  # feeds first; a profile without a cutter only feeds
        else:
            self.p.print_and_feed(6)


def _render(settings: PrinterSettings, build, *, copies: int | None = None) -> bytes:
    with _RENDER_LOCK, contextlib.redirect_stdout(io.StringIO()):
        printer = make_dummy(settings)
        printer.hw("INIT")  # forget whatever style an earlier job left behind
        slip = _Slip(printer, settings)
        build(slip)
        slip.finish()
        document = printer.output
    count = settings.copies if copies is None else copies
    return document * max(1, count)


def _ahead_text(ahead: int) -> str:
    if ahead <= 0:
        return _("Tidak ada antrian di depan Anda")
    return _("{n} orang menunggu di depan Anda").format(n=ahead)


# --- documents as bytes ---------------------------------------------------------------------


def render_ticket(ticket: TicketSlip, settings: PrinterSettings) -> bytes:
    """Office, the big number, the service, the day and time, how many wait ahead, optional QR."""

    def build(s: _Slip) -> None:
        s.center(ticket.office, bold=True)
        s.center(ticket.address)
        s.rule()
        s.center(_("Nomor antrian"))
        s.blank()
        s.big(ticket.code)
        s.blank()
        s.center(ticket.service, bold=True)
        s.moment(ticket.issued_at, ticket.zone)
        s.blank()
        s.center(_ahead_text(ticket.ahead))
        if settings.qr:
            s.qr(ticket.code)
        s.center(_("Simpan nomor ini."))

    return _render(settings, build)


def _ruler(width: int) -> str:
    marks = []
    for column in range(1, width + 1):
        if column % 10 == 0:
            marks.append(str(column // 10 % 10))
        elif column % 5 == 0:
            marks.append("+")
        else:
            marks.append(".")
    return "".join(marks)


def render_test(slip: PrinterTestSlip, settings: PrinterSettings) -> bytes:
    """One test page (never repeated for copies): the printer, a width ruler, the time, and a QR
    when QR printing is on."""

    def build(s: _Slip) -> None:
        s.center(slip.office, bold=True)
        s.center(_("Tes cetak"), bold=True)
        s.rule()
        s.pairs([
            (_("Printer"), settings.name),
            (_("Jenis"), settings.kind),
            (_("Alamat"), device_label(settings)),
            (_("Lebar"), _("{n} kolom").format(n=settings.width)),
            (_("Profil"), settings.profile or _("bawaan")),
            (_("Salinan"), str(settings.copies)),
        ])
        s.blank()
        s.left(_("Penggaris lebar:"))
        s.p.text(_ruler(s.width) + "\n")
        s.p.text(("1234567890" * (s.width // 10 + 1))[: s.width] + "\n")
        s.blank()
        s.moment(slip.printed_at, slip.zone)
        if settings.qr:
            s.qr("TES-CETAK")
        s.center(_("Tes cetak berhasil"), bold=True)

    return _render(settings, build, copies=1)


def render_proof(slip: ProofSlip, settings: PrinterSettings) -> bytes:
    """Bukti pengambilan: the request, who collected it, when, the officer, and signatures."""

    def build(s: _Slip) -> None:
        s.center(slip.office, bold=True)
        s.center(_("BUKTI PENGAMBILAN DOKUMEN"), bold=True)
        s.rule()
        s.pairs([
            (_("No. registrasi"), slip.reg_no),
            (_("Layanan"), slip.service),
            (_("Pemohon"), slip.name),
            (_("NIK"), _masked(slip.nik)),
        ])
        s.rule()
        rows = [(_("Pengambil"), collector_label(slip.collector_kind))]
        if slip.collector_kind != "self":
            rows.append((_("Nama"), slip.collector_name))
            if slip.collector_nik:
                rows.append((_("NIK"), _masked(slip.collector_nik)))
        rows.append((_("Petugas"), slip.staff))
        s.pairs(rows)
        if slip.note:
            s.left(_("Catatan: {note}").format(note=slip.note))
        s.moment(slip.collected_at, slip.zone, label=_("Diambil"))
        s.blank()
        if slip.collector_kind != "electronic":
            collector = slip.name if slip.collector_kind == "self" else slip.collector_name
            s.signatures((_("Petugas"), slip.staff), (_("Pengambil"), collector))
            s.blank()
        s.center(_("Dokumen telah diterima dalam keadaan baik."))

    return _render(settings, build)


def render_receipt(slip: ReceiptSlip, settings: PrinterSettings) -> bytes:
    """Tanda terima (short form): the registration number as text and barcode, the applicant,
    requirement status, the expected date and the pickup rules."""

    def build(s: _Slip) -> None:
        s.center(slip.office, bold=True)
        s.center(_("TANDA TERIMA PERMOHONAN"), bold=True)
        s.rule()
        s.center(_("No. registrasi"))
        s.center(slip.reg_no, bold=True)
        s.barcode(slip.reg_no)
        s.pairs([
            (_("Layanan"), slip.service),
            (_("Pemohon"), slip.name),
            (_("NIK"), _masked(slip.nik)),
        ])
        s.moment(slip.received_at, slip.zone, label=_("Diterima"))
        s.rule()
        if slip.complete and not slip.missing:
            s.left(_("Persyaratan: Berkas lengkap"))
        else:
            s.left(_("Persyaratan: Berkas kurang"))
            for item in slip.missing:
                s.item(item)
        if slip.expected is not None:
            s.left(_("Perkiraan selesai:"))
            s.center(format_date(slip.expected), bold=True)
        s.rule()
        s.left(_("Bawa tanda terima ini saat mengambil dokumen; bila diwakilkan, bawa surat kuasa."))
        if slip.contact:
            s.left(_("Info: {contact}").format(contact=slip.contact))
        if settings.qr:
            s.qr(slip.reg_no)
        if slip.notice:
            s.rule()
            s.left(slip.notice)

    return _render(settings, build)


RENDERERS = {
    "ticket": (TicketSlip, render_ticket),
    "test": (PrinterTestSlip, render_test),
    "proof_slip": (ProofSlip, render_proof),
    "receipt_slip": (ReceiptSlip, render_receipt),
}
"""Job kind -> (document class, render function), for the print-job registry."""


def render_payload(kind: str, payload: dict, settings: PrinterSettings) -> bytes:
    """Render a stored payload of one of the kinds above."""
    document_class, render = RENDERERS[kind]
    return render(document_class.from_payload(payload), settings)
