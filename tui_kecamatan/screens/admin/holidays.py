"""The holidays section of the admin screen: days the office is closed, which working-day
targets of new requests skip."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from printing.text import format_date
from tui_kecamatan.core import services
from tui_kecamatan.core.services import HolidayInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane, Column, RowTable
from tui_kecamatan.screens.admin.dialogs import HolidayForm, HolidayValues


class HolidaysPane(AdminPane):
    BINDINGS = [
        Binding("a", "add", _("Tambah hari libur")),
        Binding("delete,x", "remove", _("Hapus")),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[HolidayInfo] = []
        self.pending: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Hari kantor tutup selain Sabtu dan Minggu. Target penyelesaian permohonan baru "
                       "melewati hari-hari ini."), classes="admin-hint", markup=False)
        yield RowTable([Column("day", _("Tanggal"), 30), Column("name", _("Keterangan"))], id="holidays-table")

    def focus_table(self) -> None:
        self.query_one("#holidays-table", RowTable).focus()

    def reload(self) -> None:
        self.run_db(services.list_holidays, then=self._show, group="admin-holidays", exclusive=True)

    def _show(self, rows: list[HolidayInfo]) -> None:
        self.rows = rows
        table = self.query_one("#holidays-table", RowTable)
        table.set_rows([(row.day.isoformat(), (format_date(row.day), clean_text(row.name, 120))) for row in rows])
        if self.pending is not None:
            table.move_to_key(self.pending)
            self.pending = None
        self.screen.refresh_bindings()

    def selected(self) -> HolidayInfo | None:
        key = self.query_one("#holidays-table", RowTable).current_key()
        return next((row for row in self.rows if row.day.isoformat() == key), None)

    @on(DataTable.RowHighlighted, "#holidays-table")
    def _highlighted(self) -> None:
        self.screen.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return True if self.selected() is not None else None
        return True

    def action_add(self) -> None:
        actor = self.actor

        def submit(v: HolidayValues) -> HolidayInfo:
            return services.add_holiday(actor, v.day, v.name)

        self.app.push_screen(HolidayForm(_("Tambah hari libur"), submit), callback=self._saved)

    def _saved(self, row: HolidayInfo | None) -> None:
        if row is None:
            return
        self.pending = row.day.isoformat()
        self.done(_("Hari libur {day} disimpan.").format(day=format_date(row.day)))

    def action_remove(self) -> None:
        row = self.selected()
        if row is None:
            return
        from tui_kecamatan.widgets.confirm import ConfirmScreen

        question = _("Hapus hari libur {day} ({name})?").format(day=format_date(row.day), name=clean_text(row.name, 80) or "-")
        self.app.push_screen(ConfirmScreen(question, title=_("Hapus hari libur"), default=False),
                             callback=lambda yes: self._remove(row) if yes else None)

    def _remove(self, row: HolidayInfo) -> None:
        self.run_db(services.remove_holiday, self.actor, row.day,
                    then=lambda _none: self.done(_("Hari libur {day} dihapus.").format(day=format_date(row.day))))
