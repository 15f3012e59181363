"""The desa/kelurahan section of the admin screen: the villages and wards of the kecamatan that
the intake form offers, added, renamed, taken off the list or put back."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui_kecamatan.core import desa
from tui_kecamatan.core.desa import DesaInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.admin.dialogs import DesaForm, DesaValues
from tui_kecamatan.widgets.row_table import Column, RowTable


class DesaPane(AdminPane):
    BINDINGS = [
        Binding("a", "add", _("Tambah desa/kelurahan")),
        Binding("r", "rename", _("Ganti nama")),
        Binding("x", "deactivate", _("Nonaktifkan")),
        Binding("x", "activate", _("Aktifkan kembali")),
    ]

    TABLE = "desa-table"
    ROW_ACTIONS = frozenset({"rename"})
    TOGGLES = (("deactivate", "activate", AdminPane.inactive),)
    SET_ACTIVE = desa.set_desa_active

    def compose(self) -> ComposeResult:
        yield Static(_("Pilihan desa/kelurahan di formulir permohonan. Yang nonaktif tidak muncul lagi di "
                       "formulir; permohonan lama tetap memakai nama yang tercatat."),
                     classes="admin-hint", markup=False)
        yield RowTable([Column(_("Nama")), Column(_("Jenis"), 11), Column(_("Status"), 10)], id="desa-table")

    def fetch(self) -> list[DesaInfo]:
        return desa.list_desa(True)

    def show(self, rows: list[DesaInfo]) -> None:
        self.show_rows(rows, lambda row: (
            clean_text(row.name, 120),
            _("Kelurahan") if row.kind == "kelurahan" else _("Desa"),
            AdminPane.active_state(row.active),
        ))

    @work(group="change")
    async def action_add(self) -> None:
        actor = self.actor

        def submit(v: DesaValues) -> DesaInfo:
            return desa.add_desa(actor, v.name, v.kind)

        await self.open_form(DesaForm(_("Tambah desa/kelurahan"), submit), self._saved)

    @work(group="change")
    async def action_rename(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.actor

        def submit(v: DesaValues) -> DesaInfo:
            return desa.rename_desa(actor, row.id, v.name)

        title = _("Ganti nama {name}").format(name=clean_text(row.name, 60))
        await self.open_form(DesaForm(title, submit, row), self._saved)

    @staticmethod
    def _saved(row: DesaInfo) -> str:
        return _("Desa/kelurahan {name} disimpan.").format(name=row.name)

    def deactivate_question(self, row: DesaInfo) -> tuple[str, str | None]:
        return _("Nonaktifkan {name}? Desa/kelurahan ini tidak muncul lagi di formulir permohonan.").format(
            name=clean_text(row.name, 80)), None

    def activity_changed(self, row: DesaInfo, word: str) -> str:
        return _("{name} {word}.").format(name=row.name, word=word)
