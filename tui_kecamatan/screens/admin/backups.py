"""Backups (Cadangan): the backup files in the office's backup folder, newest first, with the
folder, the free space on its disk and the day of the last automatic backup; `b` makes a backup
now while the desks go on working, with a progress bar while it copies. Core checks the role,
the free space and the copy, and writes the audit record (core/backup.py)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from printing.text import format_date
from tui_kecamatan.core import backup
from tui_kecamatan.core.backup import BackupFile, BackupOverview
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.widgets.row_table import Column, RowTable


class BackupProgress(Message):
    """Pages copied so far, posted from the thread that copies."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


def _daily_line(data: BackupOverview) -> Content:
    state = data.daily
    if state.running_since is not None:
        return Content(_("Cadangan harian sedang dibuat (sejak {time}).").format(time=f"{state.running_since:%H:%M}"))
    if state.day is None:
        return Content(_("Cadangan harian: belum pernah dibuat (dibuat saat loket pertama membuka aplikasi tiap hari)."))
    return Content(_("Cadangan harian terakhir: {day} ({keep} terbaru disimpan).").format(
        day=format_date(state.day), keep=data.keep))


def _space_line(data: BackupOverview) -> Content:
    floor = _("{n} MB").format(n=data.min_free_mb)
    if data.free is None:
        return Content(_("Ruang kosong di disk: tidak diketahui (batas {floor}).").format(floor=floor))
    line = _("Ruang kosong di disk: {free} (batas {floor}).").format(free=backup.size_label(data.free), floor=floor)
    low = data.free < data.min_free_mb * 1024 * 1024
    return Content.styled(line, "bold $warning") if low else Content(line)


class BackupsPane(AdminPane):
    """The backup folder's backups, newest first, and making one now."""

    DEFAULT_CSS = """
    BackupsPane #backups-status {
        height: auto;
        color: $text-muted;
    }
    BackupsPane #backups-progress {
        height: 1;
        display: none;
    }
    BackupsPane.copying #backups-progress {
        display: block;
    }
    BackupsPane #backups-table {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("b", "backup", _("Cadangkan sekarang")),
        Binding("r", "refresh", _("Muat ulang")),
    ]

    TABLE = "backups-table"
    copying = reactive(False, bindings=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.overview: BackupOverview | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="backups-status", markup=False)
        yield ProgressBar(id="backups-progress", show_eta=False)
        yield RowTable([Column(_("Tanggal"), 17), Column(_("Berkas")), Column(_("Ukuran"), 10, "right")], id=self.TABLE)

    @property
    def folder(self):
        return backup.folder_for(self.app.database.database, self.app.config.backup)

    def row_key(self, row: BackupFile) -> str:
        return row.name

    def fetch(self) -> BackupOverview:
        return backup.overview(self.app.database.database, self.app.config.backup)

    def show(self, data: BackupOverview) -> None:
        self.overview = data
        self.show_rows(data.files, lambda row: (
            f"{row.taken:%d-%m-%Y %H:%M}",
            Content(row.name),
            row.size_label,
        ))
        self._show_status()

    def _show_status(self, doing: str | None = None) -> None:
        data = self.overview
        if data is None:
            return
        lines = [Content(_("Folder: {folder}").format(folder=data.folder)), _space_line(data), _daily_line(data)]
        if doing:
            lines.append(Content.styled(doing, "bold"))
        elif not data.files:
            lines.append(Content(_("Belum ada cadangan di folder ini; tekan b untuk membuatnya sekarang.")))
        self.query_one("#backups-status", Static).update(Content("\n").join(lines))

    # --- making a backup now ---------------------------------------------------------------------

    def key_state(self, action: str, row: BackupFile | None, parameters: tuple[object, ...]) -> bool | None:
        if action == "backup":
            return None if self.copying else True
        return True

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "backup" and self.copying:
            return _("Cadangan sedang dibuat; tunggu sampai selesai.")
        return None

    def action_refresh(self) -> None:
        self.reload()

    @work(group="change")
    async def action_backup(self) -> None:
        if self.copying:
            return
        self.copying = True
        self.add_class("copying")
        bar = self.query_one("#backups-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self._show_status(_("Menyalin basis data…"))
        try:
            result = await self.db(backup.backup_now, self.app.database, self.folder,
                                   progress=self._progress_from_thread, actor=self.actor,
                                   min_free_mb=self.app.config.backup.min_free_mb)
        finally:
            if not self.taken_down:
                self.copying = False
                self.remove_class("copying")
                self._show_status()
        self.pending = result.name
        await self.done(result.sentence)

    def _progress_from_thread(self, done: int, total: int) -> None:
        """Called by the copying thread after each step: handed to the event loop as a message."""
        self.post_message(BackupProgress(done, total))

    @on(BackupProgress)
    def _progress(self, message: BackupProgress) -> None:
        if not self.copying:
            return
        self.query_one("#backups-progress", ProgressBar).update(total=message.total, progress=message.done)
        if message.done >= message.total:
            self._show_status(_("Memeriksa salinan…"))
