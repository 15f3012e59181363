"""The desa/kelurahan section of the admin screen: the villages and wards of the kecamatan that
the intake form offers, added, renamed, taken off the list or put back."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import services
from tui_kecamatan.core.services import DesaInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane, Column, RowTable
from tui_kecamatan.screens.admin.dialogs import DesaForm, DesaValues


class DesaPane(AdminPane):
    BINDINGS = [
        Binding("a", "add", _("Tambah desa/kelurahan")),
        Binding("r", "rename", _("Ganti nama")),
        Binding("x", "deactivate", _("Nonaktifkan")),
        Binding("x", "activate", _("Aktifkan kembali")),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[DesaInfo] = []
        self.pending: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Pilihan desa/kelurahan di formulir permohonan. Yang nonaktif tidak muncul lagi di "
                       "formulir; permohonan lama tetap memakai nama yang tercatat."),
                     classes="admin-hint", markup=False)
        yield RowTable([Column("name", _("Nama")), Column("kind", _("Jenis"), 11), Column("status", _("Status"), 10)],
                       id="desa-table")

    def focus_table(self) -> None:
        self.query_one("#desa-table", RowTable).focus()

    def reload(self) -> None:
        self.run_db(services.list_desa, True, then=self._show, group="admin-desa", exclusive=True)

    def _show(self, rows: list[DesaInfo]) -> None:
        self.rows = rows
        table = self.query_one("#desa-table", RowTable)
        table.set_rows([
            (row.id, (
                clean_text(row.name, 120),
                _("Kelurahan") if row.kind == "kelurahan" else _("Desa"),
                Content(_("aktif")) if row.active else Content.styled(_("nonaktif"), "dim"),
            ))
            for row in rows
        ])
        if self.pending is not None:
            table.move_to_key(self.pending)
            self.pending = None
        self.screen.refresh_bindings()

    def selected(self) -> DesaInfo | None:
        key = self.query_one("#desa-table", RowTable).current_key()
        return next((row for row in self.rows if str(row.id) == key), None)

    @on(DataTable.RowHighlighted, "#desa-table")
    def _highlighted(self) -> None:
        self.screen.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.selected()
        if action == "rename":
            return True if row is not None else None
        if action == "deactivate":
            return False if row is not None and not row.active else (True if row is not None else None)
        if action == "activate":
            return row is not None and not row.active
        return True

    def action_add(self) -> None:
        actor = self.actor

        def submit(v: DesaValues) -> DesaInfo:
            return services.add_desa(actor, v.name, v.kind)

        self.app.push_screen(DesaForm(_("Tambah desa/kelurahan"), submit), callback=self._saved)

    def action_rename(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.actor

        def submit(v: DesaValues) -> DesaInfo:
            return services.rename_desa(actor, row.id, v.name)

        title = _("Ganti nama {name}").format(name=clean_text(row.name, 60))
        self.app.push_screen(DesaForm(title, submit, row), callback=self._saved)

    def _saved(self, row: DesaInfo | None) -> None:
        if row is None:
            return
        self.pending = row.id
        self.done(_("Desa/kelurahan {name} disimpan.").format(name=row.name))

    def action_deactivate(self) -> None:
        row = self.selected()
        if row is None:
            return
        from tui_kecamatan.widgets.confirm import ConfirmScreen

        question = _("Nonaktifkan {name}? Desa/kelurahan ini tidak muncul lagi di formulir permohonan.").format(
            name=clean_text(row.name, 80))
        self.app.push_screen(ConfirmScreen(question, default=False),
                             callback=lambda yes: self._set_active(row, False) if yes else None)

    def action_activate(self) -> None:
        row = self.selected()
        if row is not None:
            self._set_active(row, True)

    def _set_active(self, row: DesaInfo, active: bool) -> None:
        word = _("diaktifkan kembali") if active else _("dinonaktifkan")
        self.run_db(services.set_desa_active, self.actor, row.id, active,
                    then=lambda r: self.done(_("{name} {word}.").format(name=r.name, word=word)))
