"""The office-profile section of the admin screen: the office's name, kecamatan, kabupaten/kota,
address and phone as tickets, receipts and the home screen show them, edited in a form."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import office
from tui_kecamatan.core.text import ADDRESS_MAX, NAME_MAX, clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane, Column, RowTable
from tui_kecamatan.screens.admin.dialogs import ProfileForm

# The profile's fields in the order of the form: (key, label, longest text shown).
FIELDS = (
    ("name", "Nama kantor", NAME_MAX),
    ("kecamatan", "Kecamatan", NAME_MAX),
    ("kabupaten", "Kabupaten/Kota", NAME_MAX),
    ("address", "Alamat", ADDRESS_MAX),
    ("phone", "Telepon", office.PHONE_MAX),
)


class OfficePane(AdminPane):
    BINDINGS = [
        Binding("e", "edit", _("Ubah profil")),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile: office.Profile | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Profil kantor tercetak di tiket, tanda terima dan bukti pengambilan, dan tampil di layar "
                       "utama serta papan antrian. Enter pada sebuah baris membuka formulirnya di kolom itu."),
                     classes="admin-hint", markup=False)
        yield RowTable([Column("field", _("Kolom"), 16), Column("value", _("Isi"))], id="office-table")
        yield Static("", id="office-address-full", markup=False)

    def focus_table(self) -> None:
        self.query_one("#office-table", RowTable).focus()

    def reload(self) -> None:
        self.run_db(office.get_profile, then=self._show, group="admin-office", exclusive=True)

    def _show(self, profile: office.Profile) -> None:
        self.profile = profile
        self.query_one("#office-table", RowTable).set_rows([
            (key, (_(label), clean_text(getattr(profile, key), limit) or Content.styled("-", "dim")))
            for key, label, limit in FIELDS
        ])
        self._show_address()
        self.screen.refresh_bindings()

    def _show_address(self) -> None:
        """A long address is cut in the table; it is shown whole, wrapped, under it."""
        shown = self.query_one("#office-address-full", Static)
        address = clean_text(self.profile.address, ADDRESS_MAX) if self.profile else ""
        table = self.query_one("#office-table", RowTable)
        room = max(0, (table.size.width or 78) - 16 - 2)
        if len(address) > room:
            shown.update(Content.assemble((_("Alamat lengkap: "), "bold"), address))
        else:
            shown.update("")

    def on_resize(self) -> None:
        self._show_address()

    @on(DataTable.RowSelected, "#office-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit(event.row_key.value if event.row_key is not None else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return True if self.profile is not None else None
        return True

    def action_edit(self, focus: str | None = None) -> None:
        if self.profile is None:
            return
        actor = self.actor

        def submit(fields: office.ProfileInput) -> office.Profile:
            return office.save_profile(actor, fields)

        form = ProfileForm(_("Ubah profil kantor"), submit, self.profile, focus=focus)
        self.app.push_screen(form, callback=self._saved)

    def _saved(self, profile: office.Profile | None) -> None:
        if profile is None:
            return
        self.done(_("Profil kantor disimpan: {name}.").format(name=profile.name))
