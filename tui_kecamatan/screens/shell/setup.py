"""First run: the office profile and the first admin account, checked as they are typed and
again by core when saved. Every wrong field shows its own sentence under it at once."""

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
from tui_kecamatan.widgets.form import (
    CoreCheck,
    FieldError,
    FormMessage,
    FormRow,
    advance_or_submit,
    recheck_field_errors,
    show_field_errors,
)
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.password import PasswordEntry

# The office profile's fields in the form: (ProfileInput field, input id, label, longest text).
OFFICE_FIELDS = (
    ("name", "office-name", _("Nama kantor *"), office.NAME_MAX),
    ("kecamatan", "office-kecamatan", _("Kecamatan *"), office.NAME_MAX),
    ("kabupaten", "office-kabupaten", _("Kabupaten/Kota *"), office.NAME_MAX),
    ("province", "office-province", _("Provinsi"), office.NAME_MAX),
    ("address", "office-address", _("Alamat"), office.ADDRESS_MAX),
    ("phone", "office-phone", _("Telepon"), office.PHONE_MAX),
    ("email", "office-email", _("Email"), office.EMAIL_MAX),
    ("opening_hours", "office-hours", _("Jam layanan *"), office.HOURS_MAX),
)
PLACEHOLDERS = {
    "name": _("Kantor Kecamatan ..."),
    "province": _("mis. Banten"),
    "phone": _("mis. (021) 5921234"),
    "email": _("mis. kecamatan@contoh.go.id"),
}


class SetupScreen(AppScreen):
    """Shown while the office profile is not saved or no account exists.

    On a new database it creates the first admin; when accounts exist already (made with
    `tui-kecamatan init --admin`), an admin signs in with their password to save the profile.
    """

    CSS_PATH = "setup.tcss"
    TITLE = _("Pengaturan awal")
    AUTO_FOCUS = "#office-name"
    HELP = _("Isi profil kantor seperti yang akan tercetak di tiket dan tanda terima, lalu buat "
             "akun admin pertama. Enter atau Tab pindah ke kolom berikutnya; Ctrl+S menyimpan. Kolom "
             "yang belum benar diberi kalimat merah di bawahnya.")
    BINDINGS = [
        Binding("ctrl+s", "save", _("Simpan"), id="save"),
        Binding("enter", "form_enter", _("Kolom berikutnya"), show=False, priority=True),
    ]

    saving = reactive(False, bindings=True)

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False
        self.existing_admin = False
        self.summary_shown = False  # the line at the bottom counts the wrong fields

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
                for key, field_id, label, max_length in OFFICE_FIELDS:
                    yield FormRow(label, Input(
                        id=field_id, max_length=max_length, placeholder=PLACEHOLDERS.get(key, ""),
                        validators=[CoreCheck(office.CHECKS[key])]))
                    yield FieldError(field_id)
            with Vertical(classes="panel", id="setup-admin") as panel:
                panel.border_title = _("Akun admin pertama")
                yield FormRow(_("Nama pengguna *"), Input(
                    id="admin-username", max_length=32, placeholder=_("huruf kecil, mis. admin"),
                    validators=[CoreCheck(accounts.check_username)]))
                yield FieldError("admin-username")
                yield FormRow(_("Nama lengkap *"), Input(
                    id="admin-fullname", max_length=120,
                    validators=[CoreCheck(lambda value: office.check_required(value, _("Nama lengkap")))]),
                    id="row-fullname")
                yield FieldError("admin-fullname")
                yield PasswordEntry("admin", ask_name=False, new=True, label=_("Kata sandi *"),
                                    repeat_label=_("Ulangi kata sandi *"), own_message=False, check_as_typed=True)
        yield FormMessage(id="setup-message")
        yield KeyBar()

    async def on_mount(self) -> None:
        # The password rows belong to the shared PasswordEntry; their sentences go right under them.
        entry = self.query_one(PasswordEntry)
        await entry.mount(FieldError("admin-password"), after="#admin-password-row")
        await entry.mount(FieldError("admin-password2"), after="#admin-repeat-row")

    # --- checks as typed -------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        left = recheck_field_errors(self._fields(), event.input)
        message = self.query_one(FormMessage)
        if self.saving:
            return
        if self.summary_shown:
            if left:
                message.show(self._summary(left), "error")
            else:
                message.clear()
                self.summary_shown = False
        elif event.value:
            # Core's refusal (a wrong password) stays until the person types again; a password
            # emptied after that refusal leaves it on screen.
            message.clear()

    @staticmethod
    def _summary(count: int) -> str:
        if count == 1:
            return _("Ada 1 kolom yang perlu diperbaiki; lihat kalimat merah di bawahnya.")
        return _("Ada {n} kolom yang perlu diperbaiki; lihat kalimat merah di bawah masing-masing.").format(n=count)

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
        for key, field_id, _label, _max in OFFICE_FIELDS:
            # A new office's opening hours come labelled with this station's time zone.
            value = getattr(profile, key)
            field = self.query_one(f"#{field_id}", Input)
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
        for error in self.query(FieldError):
            if error.field_id in ("admin-fullname", "admin-password2"):  # rows no longer asked
                error.show(None)
        self.query_one(PasswordEntry).new = False  # their own password, asked once
        self.query_one("#admin-username", Input).placeholder = ""

    def action_save(self) -> None:
        if self.saving:
            return
        message = self.query_one(FormMessage)
        fields = self._fields()
        first = show_field_errors(fields)
        if first is not None:
            left = sum(error.shown for error in self.query(FieldError))
            message.show(self._summary(left), "error")
            self.summary_shown = True
            first.focus()
            return
        self.summary_shown = False
        self.saving = True
        message.show(_("menyimpan..."), "busy")
        self.save()

    @work(group="save")
    async def save(self) -> None:
        value = lambda field_id: self.query_one(f"#{field_id}", Input).value  # noqa: E731
        fields = office.ProfileInput(**{key: value(field_id) for key, field_id, _label, _max in OFFICE_FIELDS})
        entry = self.query_one(PasswordEntry)
        try:
            if self.existing_admin:
                actor = await self.db(office.setup_with_existing_admin, fields, value("admin-username"), entry.password)
            else:
                actor = await self.db(office.first_setup, fields, value("admin-username"), value("admin-fullname"),
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
