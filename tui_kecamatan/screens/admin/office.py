"""The office-profile section of the admin screen: the office's name, kecamatan, kabupaten/kota,
province, address, phone, email and opening hours as tickets, receipts, messages and the home
screen show them, edited in a form."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import office
from tui_kecamatan.core.text import ADDRESS_MAX, NAME_MAX, clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.admin.dialogs import ProfileForm
from tui_kecamatan.widgets.row_table import Column, RowTable

# The profile's fields in the order of the form: (key, label, longest text shown).
FIELDS = (
    ("name", _("Nama kantor"), NAME_MAX),
    ("kecamatan", _("Kecamatan"), NAME_MAX),
    ("kabupaten", _("Kabupaten/Kota"), NAME_MAX),
    ("province", _("Provinsi"), NAME_MAX),
    ("address", _("Alamat"), ADDRESS_MAX),
    ("phone", _("Telepon"), office.PHONE_MAX),
    ("email", _("Email"), office.EMAIL_MAX),
    ("opening_hours", _("Jam layanan"), office.HOURS_MAX),
    ("head_name", _("Kepala kantor"), NAME_MAX),
    ("head_nip", _("NIP kepala"), office.NIP_DIGITS),
)


class OfficePane(AdminPane):
    BINDINGS = [
        Binding("e", "edit", _("Ubah profil")),
    ]

    TABLE = "office-table"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile: office.Profile | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Profil kantor tercetak di tiket, tanda terima dan bukti pengambilan, masuk ke pesan "
                       "WhatsApp, dan tampil di layar utama serta papan antrian. Enter pada sebuah baris membuka "
                       "formulirnya di kolom itu."),
                     classes="admin-hint", markup=False)
        yield RowTable([Column(_("Kolom"), 16), Column(_("Isi"))], id="office-table")
        yield Static("", id="office-address-full", markup=False)

    def fetch(self) -> office.Profile:
        return office.get_profile()

    def show(self, profile: office.Profile) -> None:
        self.profile = profile
        self.show_rows(FIELDS, lambda field: (
            field[1], clean_text(getattr(profile, field[0]), field[2]) or Content.styled("-", "dim")))
        self._show_address()

    def row_key(self, field: tuple[str, str, int]) -> str:
        return field[0]

    def _show_address(self) -> None:
        """A long address is cut in the table; it is shown whole, wrapped, under it."""
        shown = self.query_one("#office-address-full", Static)
        address = clean_text(self.profile.address, ADDRESS_MAX) if self.profile else ""
        table = self.table()
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

    def key_state(self, action: str, row: object, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return True if self.profile is not None else None
        return True

    @work(group="change")
    async def action_edit(self, focus: str | None = None) -> None:
        if self.profile is None:
            return
        actor = self.actor

        def submit(fields: office.ProfileInput) -> office.Profile:
            return office.save_profile(actor, fields)

        form = ProfileForm(_("Ubah profil kantor"), submit, self.profile, focus=focus)
        await self.open_form(form, lambda profile: _("Profil kantor disimpan: {name}.").format(name=profile.name),
                             keep=False)
