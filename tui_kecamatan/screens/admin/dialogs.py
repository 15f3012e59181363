"""The admin's small forms in dialogs: a service, a requirement line, a desa/kelurahan, a
holiday, a counter, the office profile, a staff account (new, or its name and role) and a new
password. Each saves through
a core function in a worker and stays open showing core's sentence when core refuses, so a typo
costs one correction, not a retyped form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button, Input, Label, RadioSet, Static
from textual.widgets.selection_list import Selection

from tui_kecamatan.core import accounts, counters, office, services
from tui_kecamatan.core.desa import DesaInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.core.validation import parse_day
from tui_kecamatan.errors import AppError, InvalidInput
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons
from tui_kecamatan.widgets.choice import Checkbox, ChoiceSet, RadioButton, SelectionList
from tui_kecamatan.widgets.form import (
    CoreCheck,
    FieldError,
    FormMessage,
    FormRow,
    recheck_field_errors,
    show_field_errors,
)
from tui_kecamatan.widgets.password import PasswordEntry

T = TypeVar("T")


class FormDialog(Dialog[T], Generic[T]):
    """A titled form; Ctrl+S (or Enter in its last field) saves by calling `submit(values)`
    through `self.db` in a worker, and the dialog answers core's result. Esc answers None.

    Subclasses yield their fields in `fields()` and read them in `values()`. While a save runs
    the form is busy: Ctrl+S is greyed out and another press does nothing, and saves run in the
    ordered group "save", so a form is never saved twice at once.
    """

    DEFAULT_CSS = """
    FormDialog > DialogBox {
        width: 72;
        padding: 1 1 0 1;
    }
    FormDialog FormRow > Label {
        width: 18;
    }
    FormDialog Checkbox, FormDialog RadioSet {
        margin-left: 18;
    }
    FormDialog RadioSet {
        layout: horizontal;
        height: 1;
        width: auto;
    }
    FormDialog RadioButton {
        width: auto;
        margin-right: 2;
    }
    FormDialog FormMessage {
        margin-top: 1;
    }
    FormDialog .form-note {
        color: $text-muted;
        margin-left: 18;
        height: auto;
    }
    FormDialog .field-label {
        width: 18;
        color: $text-muted;
    }
    FormDialog #form-buttons {
        margin-bottom: 1;
    }
    """

    BINDINGS = [Binding("ctrl+s", "save", _("Simpan"))]
    ORDERED_GROUPS = frozenset({"save"})

    saving = reactive(False, bindings=True)

    def __init__(self, title: str, submit: Callable[[Any], T]) -> None:
        super().__init__()
        self.title_text = title
        self.submit = submit

    def fields(self) -> ComposeResult:
        """The form's rows; every dialog defines its own."""
        raise TypeError(f"{type(self).__name__} must define fields()")

    def values(self) -> Any:
        """The typed values for `submit`; raise InvalidInput for what the form itself checks."""
        raise TypeError(f"{type(self).__name__} must define values()")

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = Content(self.title_text)  # may hold a name typed by a person
            yield from self.fields()
            yield FormMessage(id="form-message")
            with DialogButtons(id="form-buttons"):
                yield Button(Content(_("Simpan (ctrl+s)")), id="form-save", variant="primary", compact=True)
                yield Button(Content(_("Batal (esc)")), id="form-cancel", compact=True)

    def _inputs(self) -> list[Input]:
        return [field for field in self.query(Input) if not field.disabled]

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = self._inputs()
        if event.input is inputs[-1]:
            self.action_save()
        else:
            inputs[inputs.index(event.input) + 1].focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_back_out()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and self.saving:
            return None
        return True

    def action_save(self) -> None:
        if self.saving:
            return
        message = self.query_one(FormMessage)
        try:
            values = self.values()
        except InvalidInput as exc:
            message.show(str(exc), "error")
            return
        self.saving = True
        message.show(_("menyimpan..."), "busy")
        self.save(values)

    @work(group="save")
    async def save(self, values: Any) -> None:
        """Save through core; answer its result, or stay open with its sentence under the form."""
        try:
            result = await self.db(self.submit, values)
        except AppError as exc:
            self.saving = False
            self.query_one(FormMessage).show(str(exc), "error")
        else:
            self.dismiss(result)


# --- services ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceValues:
    code: str
    name: str
    prefix: str
    target_days: int
    needs_kk: bool
    urgent_only: bool


def _whole_number(text: str, what: str) -> int:
    text = clean_text(text, 10)
    if not text.isdigit():
        raise InvalidInput(_("{what} harus berupa angka.").format(what=what))
    return int(text)


class ServiceForm(FormDialog):
    """Add a service, or edit one (`service` given)."""

    AUTO_FOCUS = "#service-code"

    def __init__(self, title: str, submit: Callable[[ServiceValues], Any], service: services.ServiceInfo | None = None) -> None:
        super().__init__(title, submit)
        self.service = service

    def fields(self) -> ComposeResult:
        s = self.service
        yield FormRow(_("Kode"), Input(s.code if s else "", id="service-code", max_length=30,
                                       placeholder=_("huruf besar, mis. AKTA")))
        yield FormRow(_("Nama layanan"), Input(s.name if s else "", id="service-name", max_length=120))
        yield FormRow(_("Awalan antrian"), Input(s.prefix if s else "", id="service-prefix", max_length=1,
                                                 placeholder=_("satu huruf")))
        yield FormRow(_("Target (hari kerja)"), Input(str(s.target_days) if s else "3", id="service-target",
                                                      max_length=3, type="integer"))
        yield Checkbox(_("Perlu nomor KK"), s.needs_kk if s else False, id="service-kk", compact=True)
        yield Checkbox(_("Hanya mendesak saat ditunda"), s.urgent_only if s else False, id="service-urgent", compact=True)

    def values(self) -> ServiceValues:
        target = self.query_one("#service-target", Input).value
        return ServiceValues(
            code=self.query_one("#service-code", Input).value,
            name=self.query_one("#service-name", Input).value,
            prefix=self.query_one("#service-prefix", Input).value,
            target_days=_whole_number(target, _("Target penyelesaian")),
            needs_kk=self.query_one("#service-kk", Checkbox).value,
            urgent_only=self.query_one("#service-urgent", Checkbox).value,
        )


# --- requirements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementValues:
    text: str
    mandatory: bool
    kind: str  # berkas | protokol


class RequirementForm(FormDialog):
    AUTO_FOCUS = "#requirement-text"

    def __init__(self, title: str, submit: Callable[[RequirementValues], Any],
                 requirement: services.RequirementInfo | None = None) -> None:
        super().__init__(title, submit)
        self.requirement = requirement

    def fields(self) -> ComposeResult:
        r = self.requirement
        yield FormRow(_("Persyaratan"), Input(r.text if r else "", id="requirement-text", max_length=services.REQUIREMENT_MAX))
        yield Checkbox(_("Wajib"), r.mandatory if r else True, id="requirement-mandatory", compact=True)
        kind = r.kind if r else "berkas"
        with ChoiceSet(id="requirement-kind", compact=True):
            yield RadioButton(_("Berkas"), value=kind == "berkas", id="kind-berkas", compact=True)
            yield RadioButton(_("Protokol kesehatan"), value=kind == "protokol", id="kind-protokol", compact=True)

    def values(self) -> RequirementValues:
        pressed = self.query_one("#requirement-kind", RadioSet).pressed_button
        kind = pressed.id.removeprefix("kind-") if pressed is not None and pressed.id else "berkas"
        return RequirementValues(
            text=self.query_one("#requirement-text", Input).value,
            mandatory=self.query_one("#requirement-mandatory", Checkbox).value,
            kind=kind,
        )


# --- desa / kelurahan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DesaValues:
    name: str
    kind: str  # desa | kelurahan


class DesaForm(FormDialog):
    """Add a desa/kelurahan, or rename one (`desa` given: the kind stays)."""

    AUTO_FOCUS = "#desa-name"

    def __init__(self, title: str, submit: Callable[[DesaValues], Any], desa: DesaInfo | None = None) -> None:
        super().__init__(title, submit)
        self.desa = desa

    def fields(self) -> ComposeResult:
        yield FormRow(_("Nama"), Input(self.desa.name if self.desa else "", id="desa-name", max_length=120))
        if self.desa is None:
            with ChoiceSet(id="desa-kind", compact=True):
                yield RadioButton(_("Desa"), value=True, id="kind-desa", compact=True)
                yield RadioButton(_("Kelurahan"), id="kind-kelurahan", compact=True)

    def values(self) -> DesaValues:
        kind = self.desa.kind if self.desa else "desa"
        if self.desa is None:
            pressed = self.query_one("#desa-kind", RadioSet).pressed_button
            kind = pressed.id.removeprefix("kind-") if pressed is not None and pressed.id else "desa"
        return DesaValues(self.query_one("#desa-name", Input).value, kind)


# --- holidays ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayValues:
    day: date
    name: str


class HolidayForm(FormDialog):
    AUTO_FOCUS = "#holiday-day"

    def fields(self) -> ComposeResult:
        yield FormRow(_("Tanggal"), Input(id="holiday-day", max_length=10, placeholder=_("HH-BB-TTTT")))
        yield FormRow(_("Keterangan"), Input(id="holiday-name", max_length=120, placeholder=_("mis. Hari Raya Idulfitri")))

    def values(self) -> HolidayValues:
        text = self.query_one("#holiday-day", Input).value
        day = parse_day(text, _("libur"))
        if day is None:
            raise InvalidInput(_("Tanggal libur wajib diisi."))
        return HolidayValues(day, self.query_one("#holiday-name", Input).value)


# --- counters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterValues:
    number: int
    name: str
    service_codes: tuple[str, ...]  # empty: the counter calls every service


def service_choice(service: services.ServiceInfo) -> Content:
    """A service as a line of a counter's service list: queue letter, name and its state."""
    line = Content.assemble((service.prefix, "bold"), " ", clean_text(service.name, 80))
    if not service.active:
        return Content.assemble(line, (" " + _("(nonaktif)"), "dim"))
    if service.suspended:
        return Content.assemble(line, (" " + _("(ditunda)"), "$warning"))
    return line


class CounterForm(FormDialog):
    """Add a counter (`number` is offered), or edit one (`counter` given: its number stays).

    The services it calls are ticked in a list; none ticked means every service.
    """

    DEFAULT_CSS = """
    CounterForm #counter-services-row {
        height: auto;
        margin-top: 1;
    }
    CounterForm #counter-services-box {
        height: auto;
    }
    CounterForm #counter-services {
        height: auto;
        max-height: 9;
    }
    CounterForm #counter-services-box .form-note {
        margin-left: 0;
    }
    """

    def __init__(self, title: str, submit: Callable[[CounterValues], Any], choices: list[services.ServiceInfo],
                 counter: counters.CounterInfo | None = None, number: int | None = None) -> None:
        super().__init__(title, submit)
        self.counter = counter
        self.number = number
        # Active services, and any retired one the counter still calls so it can be unticked.
        calls = set(counter.service_codes) if counter else set()
        self.choices = [s for s in choices if s.active or s.code in calls]
        self.AUTO_FOCUS = "#counter-name" if counter else "#counter-number"

    def fields(self) -> ComposeResult:
        c = self.counter
        if c is None:
            yield FormRow(_("Nomor loket"), Input(str(self.number or ""), id="counter-number", max_length=2,
                                                  type="integer", placeholder=_("1-99")))
        yield FormRow(_("Nama loket"), Input(c.name if c else "", id="counter-name", max_length=counters.NAME_MAX,
                                             placeholder=_("kosong: Loket <nomor>")))
        calls = set(c.service_codes) if c else set()
        with Horizontal(id="counter-services-row"):
            yield Label(_("Layanan"), classes="field-label")
            with Vertical(id="counter-services-box"):
                yield SelectionList(
                    *[Selection(service_choice(s), s.code, s.code in calls) for s in self.choices],
                    id="counter-services", compact=True)
                yield Static(_("Tab ke daftar, Spasi mencentang. Tanpa centang: loket memanggil semua layanan."),
                             classes="form-note", markup=False)

    def on_mount(self) -> None:
        # Highlighted before it is first focused, so a Space typed right after Tab ticks a line.
        choices = self.query_one("#counter-services", SelectionList)
        if choices.option_count:
            choices.highlighted = 0

    def values(self) -> CounterValues:
        if self.counter is not None:
            number = self.counter.number
        else:
            number = counters.check_number(self.query_one("#counter-number", Input).value)
        selected = set(self.query_one("#counter-services", SelectionList).selected)
        codes = tuple(s.code for s in self.choices if s.code in selected)
        return CounterValues(number, self.query_one("#counter-name", Input).value, codes)


# --- office profile ------------------------------------------------------------------------------


PROFILE_FIELDS = {
    "name": ("office-name", _("Nama kantor *"), office.NAME_MAX),
    "kecamatan": ("office-kecamatan", _("Kecamatan *"), office.NAME_MAX),
    "kabupaten": ("office-kabupaten", _("Kabupaten/Kota *"), office.NAME_MAX),
    "province": ("office-province", _("Provinsi"), office.NAME_MAX),
    "address": ("office-address", _("Alamat"), office.ADDRESS_MAX),
    "phone": ("office-phone", _("Telepon"), office.PHONE_MAX),
    "email": ("office-email", _("Email"), office.EMAIL_MAX),
    "opening_hours": ("office-hours", _("Jam layanan *"), office.HOURS_MAX),
    "head_name": ("office-head-name", _("Kepala kantor"), office.NAME_MAX),
    "head_nip": ("office-head-nip", _("NIP kepala"), office.NIP_DIGITS + 4),
}
"""The office profile's fields in the form: ProfileInput field -> (input id, label, longest text)."""


class ProfileForm(FormDialog):
    """Every field of the office profile as tickets, receipts, messages and the home screen show
    it. Each field core would refuse shows core's sentence right under it, all of them at once
    when saving, and the sentence goes as soon as the field is right. The fields scroll when
    their sentences make the form taller than the terminal."""

    DEFAULT_CSS = """
    ProfileForm #profile-fields {
        height: auto;
        max-height: 13;
    }
    ProfileForm FieldError {
        margin-left: 18;
    }
    """

    AUTO_FOCUS = "#office-name"

    def __init__(self, title: str, submit: Callable[[office.ProfileInput], Any], profile: office.Profile,
                 focus: str | None = None) -> None:
        super().__init__(title, submit)
        self.profile = profile
        if focus:
            self.AUTO_FOCUS = f"#{PROFILE_FIELDS[focus][0]}" if focus in PROFILE_FIELDS else f"#office-{focus}"

    def fields(self) -> ComposeResult:
        with VerticalScroll(id="profile-fields", can_focus=False):
            for key, (field_id, label, max_length) in PROFILE_FIELDS.items():
                yield FormRow(label, Input(getattr(self.profile, key), id=field_id, max_length=max_length,
                                              validators=[CoreCheck(office.CHECKS[key])],
                                              validate_on=["changed", "submitted"]))
                yield FieldError(field_id)
        yield Static(_("Kolom bertanda * wajib diisi. Profil ini tercetak di tiket, tanda terima dan bukti "
                       "pengambilan, dan masuk ke pesan WhatsApp."), classes="form-note", markup=False)

    @on(Input.Changed)
    def _checked_as_typed(self, event: Input.Changed) -> None:
        recheck_field_errors(self._inputs(), event.input)

    def action_save(self) -> None:
        if self.saving:
            return
        first = show_field_errors(self._inputs())
        if first is not None:
            self.query_one(FormMessage).clear()
            first.focus()
            return
        super().action_save()

    def values(self) -> office.ProfileInput:
        return office.ProfileInput(**{key: self.query_one(f"#{field_id}", Input).value
                                      for key, (field_id, _label, _max) in PROFILE_FIELDS.items()})


# --- staff accounts ------------------------------------------------------------------------------


ROLE_CHOICES = (
    (accounts.Role.OPERATOR, "Operator"),
    (accounts.Role.SUPERVISOR, "Supervisor"),
    (accounts.Role.ADMIN, "Admin"),
    (accounts.Role.DISPLAY, "Layar"),
)


@dataclass(frozen=True)
class StaffValues:
    username: str
    full_name: str
    role: accounts.Role
    password: str


def _new_password_entry(prefix: str, label: str | None = None) -> PasswordEntry:
    """The password typed twice, checked as core checks it (the hash is made by core)."""
    return PasswordEntry(prefix, ask_name=False, new=True, label=label, own_message=False,
                         placeholder=_("minimal {n} karakter").format(n=accounts.MIN_PASSWORD))


class StaffForm(FormDialog):
    """A new staff account: username, full name, role and the password typed twice."""

    DEFAULT_CSS = """
    StaffForm #staff-role-row {
        height: 1;
    }
    StaffForm #staff-role {
        margin-left: 0;
        width: 1fr;
    }
    StaffForm #staff-role > RadioButton {
        width: auto;
        margin-right: 1;
    }
    StaffForm .staff-username-row {
        height: 1;
    }
    """

    AUTO_FOCUS = "#staff-username"

    def fields(self) -> ComposeResult:
        yield FormRow(_("Nama pengguna"), Input(id="staff-username", max_length=32,
                                                placeholder=_("huruf kecil, mis. wahyu")))
        yield FormRow(_("Nama lengkap"), Input(id="staff-fullname", max_length=120))
        yield from _role_row(accounts.Role.OPERATOR)
        yield _new_password_entry("staff")
        yield Static(ROLE_NOTE, classes="form-note", markup=False)

    def values(self) -> StaffValues:
        username = accounts.check_username(self.query_one("#staff-username", Input).value)
        password = self.query_one(PasswordEntry).new_password()
        return StaffValues(username, self.query_one("#staff-fullname", Input).value, _chosen_role(self), password)


ROLE_NOTE = _("Supervisor juga membuka rekap dan NIK lengkap; admin juga pengaturan; layar hanya untuk "
              "papan antrian dan kiosk.")


def _role_row(current: accounts.Role) -> ComposeResult:
    """The role as radio buttons on one line, `current` chosen."""
    with Horizontal(id="staff-role-row"):
        yield Label(_("Peran"), classes="field-label")
        with ChoiceSet(id="staff-role", compact=True):
            for role, label in ROLE_CHOICES:
                yield RadioButton(_(label), value=role is current, id=f"role-{role.value}", compact=True)


def _chosen_role(form: FormDialog) -> accounts.Role:
    pressed = form.query_one("#staff-role", RadioSet).pressed_button
    return accounts.Role(pressed.id.removeprefix("role-") if pressed is not None and pressed.id else "operator")


@dataclass(frozen=True)
class StaffChange:
    full_name: str
    role: accounts.Role


class StaffEditForm(FormDialog):
    """An account's full name and role; the username stays (it is how the account signs in and
    how the audit trail names it)."""

    DEFAULT_CSS = StaffForm.DEFAULT_CSS.replace("StaffForm", "StaffEditForm")

    AUTO_FOCUS = "#staff-fullname"

    def __init__(self, title: str, submit: Callable[[StaffChange], Any], staff: accounts.StaffRow) -> None:
        super().__init__(title, submit)
        self.staff = staff

    def fields(self) -> ComposeResult:
        try:
            role = accounts.Role(self.staff.role)
        except ValueError:
            role = accounts.Role.OPERATOR
        with Horizontal(classes="staff-username-row"):
            yield Label(_("Nama pengguna"), classes="field-label")
            yield Static(self.staff.username, id="staff-username-shown", markup=False)
        yield FormRow(_("Nama lengkap"), Input(clean_text(self.staff.full_name, 120), id="staff-fullname", max_length=120))
        yield from _role_row(role)
        yield Static(ROLE_NOTE, classes="form-note", markup=False)

    def values(self) -> StaffChange:
        return StaffChange(self.query_one("#staff-fullname", Input).value, _chosen_role(self))


class PasswordForm(FormDialog):
    """A new password for an account, typed twice; a locked account is opened with it."""

    AUTO_FOCUS = "#new-password"

    def fields(self) -> ComposeResult:
        yield _new_password_entry("new", _("Kata sandi baru"))
        yield Static(_("Akun yang dikunci ikut dibuka. Beri tahu petugasnya kata sandi ini secara langsung."),
                     classes="form-note", markup=False)

    def values(self) -> str:
        return self.query_one(PasswordEntry).new_password()
