"""The counters section of the admin screen: the office's counters (loket), the services each one
calls, and taking a counter out of use or back into it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import counters, services
from tui_kecamatan.core.counters import CounterInfo
from tui_kecamatan.core.services import ServiceInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.admin.dialogs import CounterForm, CounterValues
from tui_kecamatan.widgets.row_table import Column, RowTable


@dataclass(frozen=True)
class CountersData:
    counters: list[CounterInfo]
    services: list[ServiceInfo]
    next_number: int | None


class CountersPane(AdminPane):
    BINDINGS = [
        Binding("a", "add", _("Tambah loket")),
        Binding("e", "edit", _("Ubah loket")),
        Binding("x", "deactivate", _("Nonaktifkan")),
        Binding("x", "activate", _("Aktifkan kembali")),
    ]

    TABLE = "counters-table"
    ROW_ACTIONS = frozenset({"edit"})
    TOGGLES = (("deactivate", "activate", AdminPane.inactive),)
    SET_ACTIVE = counters.set_counter_active

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: CountersData | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Loket tempat petugas memanggil nomor antrian. Loket tanpa pilihan layanan memanggil "
                       "semua layanan. Enter atau e mengubah nama dan layanan loket."),
                     classes="admin-hint", markup=False)
        yield RowTable([
            Column(_("Loket"), 7),
            Column(_("Nama")),
            Column(_("Layanan yang dipanggil")),
            Column(_("Status"), 10),
        ], id="counters-table")
        yield Static("", id="counters-station", markup=False)

    # --- loading ---------------------------------------------------------------------------

    def fetch(self) -> CountersData:
        return CountersData(counters.list_counters(include_inactive=True),
                            services.list_services(include_inactive=True), counters.next_free_number())

    def show(self, data: CountersData) -> None:
        self.data = data
        self.show_rows(data.counters, lambda row: (
            str(row.number),
            clean_text(row.name, counters.NAME_MAX),
            Content(", ".join(row.service_codes)) if row.service_codes else Content.styled(_("semua layanan"), "dim"),
            AdminPane.active_state(row.active),
        ))
        self._show_station()

    def row_key(self, row: CounterInfo) -> int:
        return row.number

    def _show_station(self) -> None:
        """Which counter this computer calls for, and a warning when that counter cannot call."""
        number = getattr(self.app, "counter_number", None)
        line = self.query_one("#counters-station", Static)
        if number is None or self.data is None:
            line.update("")
            return
        mine = next((row for row in self.data.counters if row.number == number), None)
        setting = _("[station] counter di berkas konfigurasi")
        if mine is None:
            line.update(Content.styled(_("Komputer ini memakai loket {n}, yang belum ada: tambahkan loket {n}, "
                                         "atau ubah {setting}.").format(n=number, setting=setting), "bold $warning"))
        elif not mine.active:
            line.update(Content.styled(_("Komputer ini memakai loket {n}, yang nonaktif: aktifkan kembali, "
                                         "atau ubah {setting}.").format(n=number, setting=setting), "bold $warning"))
        else:
            line.update(Content.styled(_("Komputer ini memakai loket {n} ({setting}).").format(n=number, setting=setting),
                                       "dim"))

    @on(DataTable.RowSelected, "#counters-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def key_state(self, action: str, row: CounterInfo | None, parameters: tuple[object, ...]) -> bool | None:
        if action == "add":
            return None if self.data is None or self.data.next_number is None else True
        return True

    # --- actions ---------------------------------------------------------------------------

    @work(group="change")
    async def action_add(self) -> None:
        if self.data is None:
            return
        actor = self.actor

        def submit(v: CounterValues) -> CounterInfo:
            return counters.add_counter(actor, v.number, v.name, v.service_codes)

        form = CounterForm(_("Tambah loket"), submit, self.data.services, number=self.data.next_number)
        await self.open_form(form, self._saved)

    @work(group="change")
    async def action_edit(self) -> None:
        row = self.selected()
        if row is None or self.data is None:
            return
        actor = self.actor

        def submit(v: CounterValues) -> CounterInfo:
            return counters.edit_counter(actor, row.number, name=v.name, service_codes=v.service_codes)

        title = _("Ubah loket {n}: {name}").format(n=row.number, name=clean_text(row.name, 50))
        await self.open_form(CounterForm(title, submit, self.data.services, counter=row), self._saved)

    @staticmethod
    def _saved(row: CounterInfo) -> str:
        calls = ", ".join(row.service_codes) if row.service_codes else _("semua layanan")
        return _("Loket {n} disimpan; memanggil {calls}.").format(n=row.number, calls=calls)

    def deactivate_question(self, row: CounterInfo) -> tuple[str, str | None]:
        question = _("Nonaktifkan loket {n} ({name})? Loket ini tidak dapat memanggil nomor antrian sampai "
                     "diaktifkan kembali; riwayatnya tetap ada.").format(n=row.number, name=clean_text(row.name, 60))
        return question, _("Nonaktifkan loket")

    def activity_changed(self, row: CounterInfo, word: str) -> str:
        return _("Loket {n} {word}.").format(n=row.number, word=word)
