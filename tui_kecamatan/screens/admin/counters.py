"""The counters section of the admin screen: the office's counters (loket), the services each one
calls, and taking a counter out of use or back into it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import counters, services
from tui_kecamatan.core.counters import CounterInfo
from tui_kecamatan.core.services import ServiceInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane, Column, RowTable
from tui_kecamatan.screens.admin.dialogs import CounterForm, CounterValues


@dataclass(frozen=True)
class CountersData:
    counters: list[CounterInfo]
    services: list[ServiceInfo]
    next_number: int | None


def load_counters() -> CountersData:
    return CountersData(counters.list_counters(include_inactive=True), services.list_services(include_inactive=True),
                        counters.next_free_number())


class CountersPane(AdminPane):
    BINDINGS = [
        Binding("a", "add", _("Tambah loket")),
        Binding("e", "edit", _("Ubah loket")),
        Binding("x", "deactivate", _("Nonaktifkan")),
        Binding("x", "activate", _("Aktifkan kembali")),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: CountersData | None = None
        self.pending: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Loket tempat petugas memanggil nomor antrian. Loket tanpa pilihan layanan memanggil "
                       "semua layanan. Enter atau e mengubah nama dan layanan loket."),
                     classes="admin-hint", markup=False)
        yield RowTable([
            Column("number", _("Loket"), 7),
            Column("name", _("Nama")),
            Column("services", _("Layanan yang dipanggil")),
            Column("status", _("Status"), 10),
        ], id="counters-table")
        yield Static("", id="counters-station", markup=False)

    def focus_table(self) -> None:
        self.query_one("#counters-table", RowTable).focus()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.run_db(load_counters, then=self._show, group="admin-counters", exclusive=True)

    def _show(self, data: CountersData) -> None:
        self.data = data
        table = self.query_one("#counters-table", RowTable)
        table.set_rows([
            (row.number, (
                str(row.number),
                clean_text(row.name, counters.NAME_MAX),
                Content(", ".join(row.service_codes)) if row.service_codes else Content.styled(_("semua layanan"), "dim"),
                Content(_("aktif")) if row.active else Content.styled(_("nonaktif"), "dim"),
            ))
            for row in data.counters
        ])
        if self.pending is not None:
            table.move_to_key(self.pending)
            self.pending = None
        self._show_station()
        self.screen.refresh_bindings()

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

    def selected(self) -> CounterInfo | None:
        if self.data is None:
            return None
        key = self.query_one("#counters-table", RowTable).current_key()
        return next((row for row in self.data.counters if str(row.number) == key), None)

    @on(DataTable.RowHighlighted, "#counters-table")
    def _highlighted(self) -> None:
        self.screen.refresh_bindings()

    @on(DataTable.RowSelected, "#counters-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.selected()
        if action == "add":
            return None if self.data is None else (self.data.next_number is not None or None)
        if action == "edit":
            return True if row is not None else None
        if action == "deactivate":
            return False if row is not None and not row.active else (True if row is not None else None)
        if action == "activate":
            return row is not None and not row.active
        return True

    # --- actions ---------------------------------------------------------------------------

    def action_add(self) -> None:
        if self.data is None:
            return
        actor = self.actor

        def submit(v: CounterValues) -> CounterInfo:
            return counters.add_counter(actor, v.number, v.name, v.service_codes)

        form = CounterForm(_("Tambah loket"), submit, self.data.services, number=self.data.next_number)
        self.app.push_screen(form, callback=self._saved)

    def action_edit(self) -> None:
        row = self.selected()
        if row is None or self.data is None:
            return
        actor = self.actor

        def submit(v: CounterValues) -> CounterInfo:
            return counters.edit_counter(actor, row.number, name=v.name, service_codes=v.service_codes)

        title = _("Ubah loket {n}: {name}").format(n=row.number, name=clean_text(row.name, 50))
        self.app.push_screen(CounterForm(title, submit, self.data.services, counter=row), callback=self._saved)

    def _saved(self, row: CounterInfo | None) -> None:
        if row is None:
            return
        self.pending = row.number
        calls = ", ".join(row.service_codes) if row.service_codes else _("semua layanan")
        self.done(_("Loket {n} disimpan; memanggil {calls}.").format(n=row.number, calls=calls))

    def action_deactivate(self) -> None:
        row = self.selected()
        if row is None:
            return
        from tui_kecamatan.widgets.confirm import ConfirmScreen

        question = _("Nonaktifkan loket {n} ({name})? Loket ini tidak dapat memanggil nomor antrian sampai "
                     "diaktifkan kembali; riwayatnya tetap ada.").format(n=row.number, name=clean_text(row.name, 60))
        self.app.push_screen(ConfirmScreen(question, title=_("Nonaktifkan loket"), default=False),
                             callback=lambda yes: self._set_active(row, False) if yes else None)

    def action_activate(self) -> None:
        row = self.selected()
        if row is not None:
            self._set_active(row, True)

    def _set_active(self, row: CounterInfo, active: bool) -> None:
        word = _("diaktifkan kembali") if active else _("dinonaktifkan")
        self.run_db(counters.set_counter_active, self.actor, row.number, active,
                    then=lambda r: self.done(_("Loket {n} {word}.").format(n=r.number, word=word)))
