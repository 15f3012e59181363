"""The holidays section of the admin screen: days the office is closed, which working-day
targets of new requests skip: the national holidays and cuti bersama of a year filled in from
the `holidays` package after a review (n), and local days added and removed by hand."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from printing.text import format_date
from tui_kecamatan.core import holidays
from tui_kecamatan.core.holidays import HolidayInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.admin.dialogs import HolidayForm, HolidayValues
from tui_kecamatan.screens.admin.holiday_dialogs import NationalHolidaysForm, NationalYearDialog
from tui_kecamatan.widgets.row_table import Column, RowTable


class HolidaysPane(AdminPane):
    BINDINGS = [
        Binding("n", "national", _("Isi libur nasional")),
        Binding("a", "add", _("Tambah hari libur")),
        Binding("delete,x", "remove", _("Hapus")),
    ]

    TABLE = "holidays-table"
    ROW_ACTIONS = frozenset({"remove"})

    def compose(self) -> ComposeResult:
        yield Static(_("Hari kantor tutup selain Sabtu dan Minggu: libur nasional, cuti bersama dan libur "
                       "setempat. Target penyelesaian permohonan baru melewati hari-hari ini."),
                     classes="admin-hint", markup=False)
        yield RowTable([Column(_("Tanggal"), 30), Column(_("Keterangan"))], id="holidays-table")

    def fetch(self) -> list[HolidayInfo]:
        return holidays.list_holidays()

    def show(self, rows: list[HolidayInfo]) -> None:
        self.show_rows(rows, lambda row: (format_date(row.day), clean_text(row.name, 120)))

    def row_key(self, row: HolidayInfo) -> str:
        return row.day.isoformat()

    @work(group="change")
    async def action_add(self) -> None:
        actor = self.actor

        def submit(v: HolidayValues) -> HolidayInfo:
            return holidays.add_holiday(actor, v.day, v.name)

        await self.open_form(HolidayForm(_("Tambah hari libur"), submit),
                             lambda row: _("Hari libur {day} disimpan.").format(day=format_date(row.day)))

    @work(group="change")
    async def action_national(self) -> None:
        """The year, then its national holidays and cuti bersama to review; only what the admin
        left ticked is saved."""
        chosen = await self.app.push_screen_wait(NationalYearDialog(holidays.default_national_year()))
        if chosen is None:
            return
        actor, year = self.actor, chosen.year

        def submit(days: tuple) -> tuple[int, tuple]:
            return holidays.save_national(actor, year, days), days

        saved = await self.app.push_screen_wait(NationalHolidaysForm(chosen, submit))
        if saved is None:
            return
        added, days = saved
        if days:
            self.pending = min(days).isoformat()  # the cursor on the first day saved
        await self.done(_("{n} hari libur nasional dan cuti bersama {year} disimpan.").format(n=added, year=year))

    @work(group="change")
    async def action_remove(self) -> None:
        row = self.selected()
        if row is None:
            return
        question = _("Hapus hari libur {day} ({name})?").format(day=format_date(row.day), name=clean_text(row.name, 80) or "-")
        if await self.confirm(question, _("Hapus hari libur")):
            await self.db(holidays.remove_holiday, self.actor, row.day)
            await self.done(_("Hari libur {day} dihapus.").format(day=format_date(row.day)))
