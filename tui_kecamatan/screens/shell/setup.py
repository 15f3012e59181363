"""First run: the office profile and the first admin account, checked as they are typed and
again by core when saved."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Input, Static

from tui_kecamatan.core import accounts, office
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.widgets.form import CoreCheck, FormMessage, FormRow, advance_or_submit, first_failure
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.password import PasswordEntry


def _required(what: str):
    return CoreCheck(lambda value: office.check_required(value, what))


class SetupScreen(AppScreen):
    """Shown while the office profile is not saved or no account exists.

    On a new database it creates the first admin; when accounts exist already (made with
    `tui-kecamatan init --admin`), an admin signs in with their password to save the profile.
    """

    CSS_PATH = "setup.tcss"
    TITLE = _("Pengaturan awal")
    AUTO_FOCUS = "#office-name"
    HELP = _("Isi profil kantor seperti yang akan tercetak di tiket dan tanda terima, lalu buat "
             "akun admin pertama. Enter pindah ke kolom berikutnya; Ctrl+S menyimpan.")
    BINDINGS = [
        Binding("ctrl+s", "save", _("Simpan"), id="save"),
        Binding("enter", "form_enter", _("Kolom berikutnya"), show=False, priority=True),
    ]

    saving = reactive(False, bindings=True)

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False
        self.existing_admin = False

    def compose(self) -> ComposeResult:
        yield Static(_("Pengaturan awal kantor"), id="setup-title", markup=False)
        yield Static(
            _("Isi profil kantor dan buat akun admin pertama. Kolom bertanda * wajib diisi."),
            id="setup-hint",
            markup=False,
        )
        with VerticalScroll(id="setup-form"):
            with Vertical(classes="panel", id="setup-office") as panel:
                panel.border_title = _("Profil kantor")
                yield FormRow(_("Nama kantor *"), Input(
                    id="office-name", max_length=120, placeholder=_("Kantor Kecamatan ..."),
                    validators=[CoreCheck(office.check_office_name)]))
                yield FormRow(_("Kecamatan *"), Input(
                    id="office-kecamatan", max_length=120, validators=[_required(_("Kecamatan"))]))
                yield FormRow(_("Kabupaten/Kota *"), Input(
                    id="office-kabupaten", max_length=120, validators=[_required(_("Kabupaten/kota"))]))
                yield FormRow(_("Alamat"), Input(id="office-address", max_length=300))
                yield FormRow(_("Telepon"), Input(
                    id="office-phone", max_length=40, validators=[CoreCheck(office.check_phone)]))
            with Vertical(classes="panel", id="setup-admin") as panel:
                panel.border_title = _("Akun admin pertama")
                yield FormRow(_("Nama pengguna *"), Input(
                    id="admin-username", max_length=32, placeholder=_("huruf kecil, mis. admin"),
                    validators=[CoreCheck(accounts.check_username)]))
                yield FormRow(_("Nama lengkap *"), Input(
                    id="admin-fullname", max_length=120, validators=[_required(_("Nama lengkap"))]),
                    id="row-fullname")
                yield PasswordEntry("admin", ask_name=False, new=True, label=_("Kata sandi *"),
                                    repeat_label=_("Ulangi kata sandi *"), own_message=False, check_as_typed=True)
            yield FormMessage(id="setup-message")
        yield KeyBar()

    # --- checks as typed -------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if not event.value:
            # An emptied field (or a password cleared after a refusal) is judged on saving, so
            # core's sentence stays on screen.
            return
        result = event.validation_result
        message = self.query_one(FormMessage)
        if result is not None and not result.is_valid:
            message.show(result.failure_descriptions[0], "error")
        elif not self.saving:
            message.clear()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and self.saving:
            return None  # shown, greyed out, while the save runs
        return True

    def action_form_enter(self) -> None:
        advance_or_submit(self)

    @on(Input.Submitted)
    def _last_field_submitted(self) -> None:
        self.action_save()

    def _fields(self) -> list[Input]:
        return [field for field in self.query(Input) if field.display and field.parent.display]

    # --- loading and saving ----------------------------------------------------------------

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        if self.loaded:
            return
        profile, staff_count = await self.db(_load)
        self.loaded = True
        for field_id, value in (
            ("#office-name", profile.name),
            ("#office-kecamatan", profile.kecamatan),
            ("#office-kabupaten", profile.kabupaten),
            ("#office-address", profile.address),
            ("#office-phone", profile.phone),
        ):
            field = self.query_one(field_id, Input)
            if value and not field.value:
                field.value = value
        if staff_count:
            self._use_existing_admin()

    def _use_existing_admin(self) -> None:
        """Accounts exist: ask an admin's username and password instead of a new account."""
        self.existing_admin = True
        self.query_one("#setup-admin").border_title = _("Masuk sebagai admin")
        self.query_one("#setup-hint", Static).update(
            _("Akun sudah ada. Isi profil kantor, lalu masuk dengan akun admin untuk menyimpannya."))
        self.query_one("#row-fullname").display = False
        self.query_one(PasswordEntry).new = False  # their own password, asked once
        self.query_one("#admin-username", Input).placeholder = ""

    def action_save(self) -> None:
        if self.saving:
            return
        message = self.query_one(FormMessage)
        for field in self._fields():
            if not field.validators:
                continue
            failure = first_failure(field)
            if failure is not None:
                message.show(failure, "error")
                field.focus()
                return
        self.saving = True
        message.show(_("menyimpan..."), "busy")
        self.save()

    @work(group="save")
    async def save(self) -> None:
        value = lambda field_id: self.query_one(field_id, Input).value  # noqa: E731
        fields = office.ProfileInput(
            name=value("#office-name"),
            kecamatan=value("#office-kecamatan"),
            kabupaten=value("#office-kabupaten"),
            address=value("#office-address"),
            phone=value("#office-phone"),
        )
        entry = self.query_one(PasswordEntry)
        try:
            if self.existing_admin:
                actor = await self.db(office.setup_with_existing_admin, fields, value("#admin-username"), entry.password)
            else:
                actor = await self.db(office.first_setup, fields, value("#admin-username"), value("#admin-fullname"),
                                      entry.new_password())
        except AppError as exc:
            self.query_one(FormMessage).show(str(exc), "error")
            if self.existing_admin:
                entry.clear_password()
            return
        finally:
            self.saving = False
        self.app.notify(_("Profil kantor tersimpan. Silakan masuk dengan akun {name}.").format(name=actor.username),
                        markup=False)
        self.app.show_login()


def _load() -> tuple[office.Profile, int]:
    return office.get_profile(), accounts.count_staff()
