"""Personal data (Privasi): how long the office keeps applicants' data, anonymising what is past
that period (with a preview, a confirmation and a progress bar), a citizen's own data saved as a
PDF for them, and the backups that still hold data older than the period. Core checks the role
and writes the audit record (core/privacy.py, core/citizen_export.py)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from printing.text import format_date
from tui_kecamatan.core import backup, citizen_export, clock, privacy
from tui_kecamatan.core.privacy import PrivacyOverview
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.widgets.prompt import TextPrompt
from tui_kecamatan.widgets.row_table import Column, RowTable


class PurgeProgress(Message):
    """Requests anonymised so far, posted from the thread that purges."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


def _plan_line(data: PrivacyOverview) -> Content:
    plan = data.preview
    if not plan.requests:
        return Content(_("Tidak ada permohonan yang melewati masa simpan."))
    return Content.styled(_("Melewati masa simpan: {n} permohonan ({c} warga), ditutup {a} s.d. {b}; tekan h untuk "
                            "menganonimkan.").format(n=plan.requests, c=plan.citizens, a=format_date(plan.oldest),
                                                     b=format_date(plan.newest)), "bold $warning")


def export_and_save(actor, nik: str, path: str) -> str:
    """A citizen's data as a PDF in a new file (runs in the worker's thread)."""
    return citizen_export.save_pdf(citizen_export.export_citizen(actor, nik), path)


class PrivacyPane(AdminPane):
    """The retention period, the purge, a citizen's export, and the backups due for deletion."""

    DEFAULT_CSS = """
    PrivacyPane #privacy-status {
        height: auto;
    }
    PrivacyPane #privacy-progress {
        height: 1;
        display: none;
    }
    PrivacyPane.purging #privacy-progress {
        display: block;
    }
    PrivacyPane #privacy-table {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("m", "months", _("Ubah masa simpan")),
        Binding("h", "purge", _("Anonimkan")),
        Binding("w", "export", _("Data seorang warga")),
    ]

    TABLE = "privacy-table"
    purging = reactive(False, bindings=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.overview: PrivacyOverview | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="privacy-status", markup=False)
        yield ProgressBar(id="privacy-progress", show_eta=False)
        yield Static(_("Cadangan yang lebih tua dari masa simpan masih memuat data yang sudah dihapus; hapus "
                       "berkasnya dari folder cadangan:"), classes="admin-hint", markup=False)
        yield RowTable([Column(_("Tanggal"), 17), Column(_("Berkas")), Column(_("Ukuran"), 10, "right")], id=self.TABLE)

    def row_key(self, row: backup.BackupFile) -> str:
        return row.name

    def fetch(self) -> PrivacyOverview:
        return privacy.overview(self.actor, self.app.database.database, self.app.config.backup)

    def show(self, data: PrivacyOverview) -> None:
        self.overview = data
        self.show_rows(data.backups_due, lambda row: (
            f"{row.taken:%d-%m-%Y %H:%M}", Content(row.name), row.size_label))
        self._show_status()

    def _show_status(self, doing: str | None = None) -> None:
        data = self.overview
        if data is None:
            return
        plan = data.preview
        lines = [
            Content(_("Masa simpan data pribadi: {n} bulan. Data pemohon dari permohonan yang ditutup sebelum "
                      "{day} dianonimkan; layanan, tanggal dan status tetap untuk rekap.").format(
                n=plan.months, day=format_date(plan.cutoff))),
            _plan_line(data),
        ]
        if doing:
            lines.append(Content.styled(doing, "bold"))
        elif not data.backups_due:
            lines.append(Content(_("Tidak ada cadangan yang lebih tua dari masa simpan di {folder}.").format(
                folder=data.backup_folder)))
        self.query_one("#privacy-status", Static).update(Content("\n").join(lines))

    def key_state(self, action: str, row: object, parameters: tuple[object, ...]) -> bool | None:
        if action == "purge":
            return None if self.purging or self.overview is None or not self.overview.preview.requests else True
        return None if self.purging else True

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if self.purging:
            return _("Data sedang dianonimkan; tunggu sampai selesai.")
        if action == "purge":
            return _("Tidak ada permohonan yang melewati masa simpan.")
        return None

    # --- the period ----------------------------------------------------------------------------

    @work(group="change")
    async def action_months(self) -> None:
        current = self.overview.preview.months if self.overview else privacy.DEFAULT_RETENTION_MONTHS
        answer = await self.app.push_screen_wait(TextPrompt(
            _("Masa simpan data pribadi"),
            _("Berapa bulan data pemohon disimpan setelah permohonan selesai ({low}-{high})?").format(
                low=privacy.MIN_RETENTION_MONTHS, high=privacy.MAX_RETENTION_MONTHS),
            value=str(current), max_length=4))
        if answer is None:
            return
        months = await self.db(privacy.set_retention, self.actor, answer)
        await self.done(_("Masa simpan data pribadi: {n} bulan.").format(n=months))

    # --- the purge -----------------------------------------------------------------------------

    @work(group="change")
    async def action_purge(self) -> None:
        if self.purging:
            return
        plan = await self.db(privacy.preview, self.actor)
        if not plan.requests:
            await self.done(_("Tidak ada permohonan yang melewati masa simpan."))
            return
        question = _("Anonimkan data pemohon {n} permohonan ({c} warga) yang ditutup {a} s.d. {b}? Nama, NIK, "
                     "nomor KK, nomor HP dan catatannya dihapus dan tidak dapat dikembalikan; layanan, tanggal dan "
                     "status tetap untuk rekap.").format(n=plan.requests, c=plan.citizens, a=format_date(plan.oldest),
                                                         b=format_date(plan.newest))
        if not await self.confirm(question, _("Anonimkan data pribadi")):
            return
        self.purging = True
        self.add_class("purging")
        self.query_one("#privacy-progress", ProgressBar).update(total=plan.requests, progress=0)
        self._show_status(_("Menganonimkan data pemohon…"))
        try:
            result = await self.db(privacy.purge, self.actor, plan.months, progress=self._progress_from_thread)
        finally:
            if not self.taken_down:
                self.purging = False
                self.remove_class("purging")
        await self.done(_("Data pribadi {n} permohonan dan {c} warga dianonimkan.").format(
            n=result.requests, c=result.citizens))

    def _progress_from_thread(self, done: int, total: int) -> None:
        self.post_message(PurgeProgress(done, total))

    @on(PurgeProgress)
    def _progress(self, message: PurgeProgress) -> None:
        if self.purging:
            self.query_one("#privacy-progress", ProgressBar).update(total=message.total, progress=message.done)

    # --- a citizen's own data --------------------------------------------------------------------

    @work(group="change")
    async def action_export(self) -> None:
        nik = await self.app.push_screen_wait(TextPrompt(
            _("Data seorang warga"),
            _("NIK warga yang meminta datanya (16 angka). Semua data yang disimpan tentang NIK itu disusun "
              "dalam satu PDF, tanpa data orang lain; tercatat di jejak audit."), max_length=40))
        if nik is None:
            return
        stamp = f"{clock.now_local():%Y%m%d-%H%M}"
        path = await self.app.push_screen_wait(TextPrompt(
            _("Simpan data warga"), _("Simpan PDF ke berkas (yang sudah ada tidak ditimpa):"),
            value=f"~/data-warga-{stamp}.pdf", max_length=300))
        if path is None:
            return
        written = await self.db(export_and_save, self.actor, nik, path)
        await self.done(_("Data warga disimpan ke {path}.").format(path=written))
