"""Printers and failed prints (Cetak): the printers of this station as its config file names them,
each with how it is reached and its last result, and a test page printed on one (t) the way
`tui-kecamatan print test` prints it; under them the documents that did not come out of a
printer and still mean something, printed again one by one or all together, or thrown away after
a question, and the documents another station is sending right now, with who sends them and
since when.

`PrintJobsPane` is a section of the admin screen; `PrintJobsScreen` shows the same section to a
supervisor, opened from the home screen when failed prints exist. Core decides what still
means something (`printjobs.retry_plan`) and checks the role again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from printing import devices
from printing.settings import PrinterSettings
from tui_kecamatan.core import accounts, clock, documents, printjobs  # noqa: F401 - documents registers the A4 kinds
from tui_kecamatan.core.accounts import Role
from tui_kecamatan.core.printjobs import JobRow, PrinterResult
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.errors import PermissionDenied
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.row_table import Column, RowTable


def _being_sent(row: JobRow) -> bool:
    """Another station is sending it right now (not an abandoned attempt)."""
    return row.status == printjobs.SENDING and not row.retry


def _state(row: JobRow) -> Content:
    if _being_sent(row):
        since = f"{row.sending_since:%H:%M}" if row.sending_since else "?"
        return Content.styled(_("sedang dikirim oleh {who} sejak {when}").format(
            who=clean_text(row.sending_by, 40) or _("petugas lain"), when=since), "bold")
    return Content.styled(clean_text(row.error, 300) or _("belum terkirim"), "dim")


# The sections every station has, shown even when its config file leaves them out.
STANDARD_PRINTERS = ("receipt", "a4")


@dataclass(frozen=True)
class PrinterLine:
    """One printer of this station: its config section, its settings (None: not set up)."""

    name: str
    settings: PrinterSettings | None


@dataclass(frozen=True)
class PrintData:
    """What the section shows: the failed prints and the last result of each printer."""

    jobs: list[JobRow]
    results: dict[str, PrinterResult | None]


def connection_text(settings: PrinterSettings | None) -> str:
    """How the printer is reached: 'network 192.168.1.50:9100', 'file /path', 'folder /path',
    'lp antrean', 'usb 0416:5011', 'serial /dev/ttyS0'."""
    if settings is None:
        return _("tidak diatur")
    kind = settings.kind
    if kind == "network":
        return f"network {settings.host}:{settings.port}"
    if kind == "usb":
        return f"usb {settings.vendor_id:04x}:{settings.product_id:04x}"
    if kind in ("serial", "device"):
        return f"{kind} {clean_text(settings.device, 200)}"
    if kind == "cups":
        return f"lp {clean_text(settings.queue, 200)}"
    return f"{kind} {clean_text(settings.path, 300)}"


def _moment(at: datetime) -> str:
    """'09:15' today, '27-11 09:15' on another day of the year, '27-11-2025 09:15' before."""
    today = clock.today()
    if at.date() == today:
        return f"{at:%H:%M}"
    if at.year == today.year:
        return f"{at:%d-%m %H:%M}"
    return f"{at:%d-%m-%Y %H:%M}"


def _short_error(name: str, error: str) -> str:
    """The printer's sentence without its leading 'Printer struk (address)', which the row already shows."""
    error = clean_text(error, 300)
    label = devices.printer_label(name) + " ("
    if error.startswith(label) and ") " in error:
        error = error.split(") ", 1)[1]
    return error


def result_cell(name: str, result: PrinterResult | None) -> Content:
    if result is None:
        return Content.styled(_("belum pernah dipakai"), "dim")
    when = _moment(result.at)
    if result.ok:
        return Content.assemble((_("tercetak"), "bold"), f" {when}")
    return Content.assemble((_("gagal"), "bold $error"), f" {when}: ", (_short_error(name, result.error), "dim"))


def result_sentence(line: PrinterLine, result: PrinterResult | None) -> str:
    """The highlighted printer in full: where it is and what its last print did."""
    label = devices.printer_label(line.name)
    if line.settings is None:
        return printjobs.missing_printer_message(line.name)
    where = _("{printer}: {connection}.").format(printer=label, connection=connection_text(line.settings))
    if result is None:
        return where + " " + _("Belum pernah dipakai untuk mencetak.")
    when = f"{result.at:%d-%m-%Y %H:%M} {clock.zone_abbreviation()}".strip()
    if result.ok:
        return where + " " + _("Terakhir: {what} tercetak {when}.").format(
            what=clean_text(result.label, 80), when=when)
    return where + " " + _("Terakhir: {what} gagal {when}: {error}").format(
        what=clean_text(result.label, 80), when=when, error=_short_error(line.name, result.error))


class PrintJobsPane(AdminPane):
    """This station's printers, then the failed prints, oldest first, under the ones being sent now."""

    DEFAULT_CSS = """
    PrintJobsPane #printers-table {
        height: auto;
        max-height: 5;
    }
    PrintJobsPane #printers-detail {
        height: auto;
        max-height: 3;
        color: $text-muted;
    }
    PrintJobsPane #printjobs-hint {
        margin-top: 1;
    }
    PrintJobsPane #printjobs-table {
        height: 1fr;
        min-height: 3;
    }
    PrintJobsPane #printjobs-detail {
        height: auto;
        max-height: 4;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("t", "test_print", _("Cetak uji")),
        Binding("p", "retry", _("Cetak ulang")),
        Binding("u", "retry_all", _("Cetak ulang semua")),
        Binding("delete,x", "discard", _("Buang")),
    ]

    TABLE = "printjobs-table"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.printers: list[PrinterLine] = []
        self.problem = ""  # the config file's problem, when it was changed and is now wrong
        self.results: dict[str, PrinterResult | None] = {}

    def compose(self) -> ComposeResult:
        yield RowTable([Column(_("Printer"), 14), Column(_("Sambungan"), 28), Column(_("Hasil terakhir"))],
                       id="printers-table")
        yield Static("", id="printers-detail", markup=False)
        yield Static(_("Cetakan gagal yang masih berlaku (nomor antrian yang tidak menunggu lagi, permohonan "
                       "selesai dan tes cetak tidak dicetak ulang):"), id="printjobs-hint", classes="admin-hint",
                     markup=False)
        yield RowTable([Column(_("No."), 6), Column(_("Waktu"), 6), Column(_("Dokumen"), 26), Column(_("Keterangan"))],
                       id=self.TABLE)
        yield Static("", id="printjobs-detail", markup=False)

    # --- loading ---------------------------------------------------------------------------

    def _read_printers(self) -> None:
        """This station's printer sections as its config file says now (a stat of the file)."""
        printers = self.app.config.printers
        names = list(STANDARD_PRINTERS) + sorted(name for name in printers if name not in STANDARD_PRINTERS)
        self.printers = [PrinterLine(name, printers.get(name)) for name in names]
        self.problem = getattr(printers, "problem", "")

    async def load(self) -> None:
        self._read_printers()
        await super().load()

    def fetch(self) -> PrintData:
        names = [line.name for line in self.printers]
        return PrintData(printjobs.attention_jobs(), printjobs.printer_results(names))

    def show(self, data: PrintData) -> None:
        self.results = data.results
        self.query_one("#printers-table", RowTable).set_rows([
            (line.name, (
                devices.printer_label(line.name),
                connection_text(line.settings) if line.settings else Content.styled(_("tidak diatur"), "dim"),
                result_cell(line.name, data.results.get(line.name)),
            ))
            for line in self.printers
        ])
        self._show_printer()
        rows = data.jobs
        self.show_rows(rows, lambda row: (
            f"#{row.id}",
            f"{row.created_at:%H:%M}",
            clean_text(row.label, 80),
            _state(row),
        ))
        self._show_detail()
        if not rows:
            self.query_one("#printjobs-detail", Static).update(_("Tidak ada cetakan yang gagal."))

    def selected_printer(self) -> PrinterLine | None:
        key = self.query_one("#printers-table", RowTable).current_key()
        return next((line for line in self.printers if line.name == key), None)

    @on(DataTable.RowHighlighted, "#printers-table")
    def _show_printer(self) -> None:
        line = self.selected_printer()
        detail = self.query_one("#printers-detail", Static)
        if self.problem:
            detail.update(Content.styled(clean_text(self.problem, 300), "$warning"))
        elif line is None:
            detail.update("")
        else:
            detail.update(result_sentence(line, self.results.get(line.name)))
        self.screen.refresh_bindings()

    @on(DataTable.RowHighlighted, "#printjobs-table")
    def _show_detail(self) -> None:
        row = self.selected()
        detail = self.query_one("#printjobs-detail", Static)
        if row is None:
            detail.update("")
        elif _being_sent(row):
            detail.update(printjobs.sending_sentence(row))
        else:
            when = f"{row.created_at:%d-%m-%Y %H:%M}"
            detail.update(_("#{id} {label}, dicatat {when}, {n} kali dicoba: {error}").format(
                id=row.id, label=clean_text(row.label, 80), when=when, n=row.attempts,
                error=clean_text(row.error, 300) or _("belum terkirim")))

    def key_state(self, action: str, row: JobRow | None, parameters: tuple[object, ...]) -> bool | None:
        if action == "test_print":
            return True if self.why_not(action, parameters) is None else None
        if action in ("retry", "discard"):
            return True if row is not None and not _being_sent(row) else None
        if action == "retry_all":
            return True if any(not _being_sent(r) for r in self.rows or ()) else None
        return True

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action != "test_print":
            return None
        line = self.selected_printer()
        if line is None:
            return _("Pilih printernya dulu di daftar printer.")
        if line.settings is None:
            return printjobs.missing_printer_message(line.name)
        return None

    @work(group="change")
    async def action_test_print(self) -> None:
        """A test page on the highlighted printer: recorded as a job, then sent, as
        `tui-kecamatan print test` does; the result is said and becomes the printer's last."""
        line = self.selected_printer()
        if line is None or self.why_not("test_print", ()) is not None:
            return
        label = devices.printer_label(line.name)
        self.notify(_("Halaman uji dikirim ke {printer}...").format(printer=label), timeout=3, markup=False)
        outcome = await self.db(printjobs.print_test, self.app.config, self.actor, line.name)
        self._say(outcome)
        await self.load()

    @work(group="change")
    async def action_retry(self) -> None:
        row = self.selected()
        if row is None or _being_sent(row):
            return
        self.notify(_("{what} sedang dicetak ulang...").format(what=row.label), timeout=3, markup=False)
        outcome = await self.db(printjobs.retry_job, self.actor, row.id, self.app.config)
        self._say(outcome)
        await self.load()

    @work(group="change")
    async def action_retry_all(self) -> None:
        ids = [row.id for row in self.rows or () if not _being_sent(row)]
        if not ids:
            return
        question = _("Cetak ulang {n} dokumen?").format(n=len(ids))
        if not await self.app.push_screen_wait(_confirm(question)):
            return
        outcomes = await self.db(printjobs.retry_failed, self.app.config, self.actor, only=ids)
        failed = [o for o in outcomes if not o.ok]
        if failed:
            self.notify(_("{ok} dari {n} dokumen tercetak. {error}").format(
                ok=len(outcomes) - len(failed), n=len(outcomes), error=failed[0].message),
                severity="error", markup=False, timeout=12)
        else:
            self.notify(_("{n} dokumen dicetak ulang.").format(n=len(outcomes)), markup=False)
        await self.load()

    @work(group="change")
    async def action_discard(self) -> None:
        row = self.selected()
        if row is None or _being_sent(row):
            return
        question = _("Buang {what} (#{id})? Dokumen ini tidak akan dicetak lagi; catatannya tetap disimpan.").format(
            what=clean_text(row.label, 80), id=row.id)
        if await self.confirm(question, _("Buang cetakan")):
            await self.db(printjobs.discard_job, self.actor, row.id)
            await self.done(_("{what} dibuang dari daftar cetakan gagal.").format(what=clean_text(row.label, 80)))

    def _say(self, outcome: printjobs.PrintOutcome) -> None:
        if outcome.ok:
            self.notify(outcome.message, markup=False)
        else:
            self.notify(outcome.message, title=_("Belum tercetak"), severity="error", markup=False, timeout=12)


def _confirm(question: str):
    from tui_kecamatan.widgets.confirm import ConfirmScreen

    return ConfirmScreen(question, title=_("Cetak ulang"))


class PrintJobsScreen(OfficeScreen):
    """The failed prints for a supervisor (opened from the home screen); others see core's refusal."""

    SCREEN_NAME = "printjobs"
    TITLE = _("Cetakan gagal")
    HELP = _("Di atas: printer komputer ini menurut berkas konfigurasinya, dengan hasil cetak terakhirnya; "
             "t mencetak halaman uji pada printer yang dipilih (Tab pindah ke daftar printer). "
             "Di bawah: cetakan yang gagal dan masih berlaku, yang terlama di atas. p mencetak ulang baris yang dipilih, "
             "u mencetak ulang semuanya, x membuang cetakan (setelah ditanya; catatannya tetap tersimpan). "
             "Cetakan yang sedang dikirim komputer lain ditampilkan dengan nama petugas dan jamnya.")
    DEFAULT_CSS = """
    PrintJobsScreen {
        padding: 0 1;
    }
    PrintJobsScreen #printjobs-title {
        text-style: bold;
        color: $primary;
    }
    PrintJobsScreen PrintJobsPane {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.allowed = False

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        self.allowed = actor is not None and actor.can(Role.SUPERVISOR)
        yield Static(_("Cetakan gagal"), id="printjobs-title", markup=False)
        if not self.allowed:
            try:
                accounts.require(actor, Role.SUPERVISOR)
            except PermissionDenied as exc:
                yield Static(Content.styled(str(exc), "bold $error"), id="printjobs-refused")
        else:
            yield PrintJobsPane(id="pane-printjobs")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.allowed:
            self.call_after_refresh(self.query_one(PrintJobsPane).focus_table)

    def refresh_data(self) -> None:
        if self.allowed:
            self.query_one(PrintJobsPane).reload()
