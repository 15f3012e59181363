"""Failed prints (Cetakan gagal): the documents that did not come out of a printer and still mean
something, printed again one by one or all together, or thrown away after a question; and the
documents another station is sending right now, with who sends them and since when.

`PrintJobsPane` is a section of the admin screen; `PrintJobsScreen` shows the same list to a
supervisor, opened from the home screen when failed prints exist. Core decides what still
means something (`printjobs.retry_plan`) and checks the role again.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import accounts, documents, printjobs  # noqa: F401 - documents registers the A4 kinds
from tui_kecamatan.core.accounts import Role
from tui_kecamatan.core.printjobs import JobRow
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


class PrintJobsPane(AdminPane):
    """The failed prints, oldest first, under the ones being sent now."""

    DEFAULT_CSS = """
    PrintJobsPane #printjobs-table {
        height: 1fr;
    }
    PrintJobsPane #printjobs-detail {
        height: auto;
        max-height: 4;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("p", "retry", _("Cetak ulang")),
        Binding("u", "retry_all", _("Cetak ulang semua")),
        Binding("delete,x", "discard", _("Buang")),
    ]

    TABLE = "printjobs-table"

    def compose(self) -> ComposeResult:
        yield Static(_("Cetakan yang gagal dan masih berlaku. Nomor antrian yang tidak menunggu lagi, permohonan "
                       "yang sudah selesai dan tes cetak tidak dicetak ulang."), classes="admin-hint", markup=False)
        yield RowTable([Column(_("No."), 6), Column(_("Waktu"), 6), Column(_("Dokumen"), 26), Column(_("Keterangan"))],
                       id=self.TABLE)
        yield Static("", id="printjobs-detail", markup=False)

    def fetch(self) -> list[JobRow]:
        return printjobs.attention_jobs()

    def show(self, rows: list[JobRow]) -> None:
        self.show_rows(rows, lambda row: (
            f"#{row.id}",
            f"{row.created_at:%H:%M}",
            clean_text(row.label, 80),
            _state(row),
        ))
        self._show_detail()
        if not rows:
            self.query_one("#printjobs-detail", Static).update(_("Tidak ada cetakan yang gagal."))

    @on(DataTable.RowHighlighted)
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
        if action in ("retry", "discard"):
            return True if row is not None and not _being_sent(row) else None
        if action == "retry_all":
            return True if any(not _being_sent(r) for r in self.rows or ()) else None
        return True

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
    HELP = _("Cetakan yang gagal dan masih berlaku, yang terlama di atas. p mencetak ulang baris yang dipilih, "
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
