"""The admin's small forms in dialogs: a service, a requirement line, a desa/kelurahan and a
holiday. Each saves through a core function in a worker and stays open showing core's sentence
when core refuses, so a typo costs one correction, not a retyped form."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Generic, TypeVar

from peewee import DatabaseError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet

from tui_kecamatan.core import services
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.errors import AppError, DatabaseUnavailable, InvalidInput
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.form import FormMessage, FormRow

T = TypeVar("T")


class FormDialog(ModalScreen[T], Generic[T]):
    """A titled form; Ctrl+S (or Enter in its last field) saves by calling `submit(values)` in a
    worker, and the dialog answers core's result. Esc answers None.

    Subclasses yield their fields in `fields()` and read them in `values()`.
    """

    DEFAULT_CSS = """
    FormDialog {
        align: center middle;
    }
    FormDialog > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: $frame $primary;
        border-title-color: $primary;
        border-title-style: bold;
        background: $surface;
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
    FormDialog #form-buttons {
        height: 1;
        margin-bottom: 1;
        align-horizontal: center;
    }
    FormDialog Button {
        margin: 0 2;
        min-width: 12;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", _("Simpan")),
        Binding("escape", "cancel", _("Batal")),
    ]

    def __init__(self, title: str, submit: Callable[[Any], T]) -> None:
        super().__init__()
        self.title_text = title
        self.submit = submit
        self.saving = False

    def fields(self) -> ComposeResult:
        """The form's rows; every dialog defines its own."""
        raise TypeError(f"{type(self).__name__} must define fields()")

    def values(self) -> Any:
        """The typed values for `submit`; raise InvalidInput for what the form itself checks."""
        raise TypeError(f"{type(self).__name__} must define values()")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(self.title_text)  # may hold a name typed by a person
            yield from self.fields()
            yield FormMessage(id="form-message")
            with Horizontal(id="form-buttons"):
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
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

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
        self.run_worker(lambda: self._save_in_thread(values), thread=True, group="save", exclusive=True)

    def _save_in_thread(self, values: Any) -> None:
        database = self.app.database
        try:
            with database.connection_context():
                result = self.submit(values)
        except AppError as exc:
            self.app.call_from_thread(self._refused, exc)
        except (DatabaseError, sqlite3.Error) as exc:
            from tui_kecamatan.db.connection import explain

            self.app.call_from_thread(self._refused, DatabaseUnavailable(explain(exc, database.database)))
        else:
            self.app.call_from_thread(self.dismiss, result)

    def _refused(self, exc: AppError) -> None:
        self.saving = False
        self.query_one(FormMessage).show(str(exc), "error")


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
        with RadioSet(id="requirement-kind", compact=True):
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

    def __init__(self, title: str, submit: Callable[[DesaValues], Any], desa: services.DesaInfo | None = None) -> None:
        super().__init__(title, submit)
        self.desa = desa

    def fields(self) -> ComposeResult:
        yield FormRow(_("Nama"), Input(self.desa.name if self.desa else "", id="desa-name", max_length=120))
        if self.desa is None:
            with RadioSet(id="desa-kind", compact=True):
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
        from tui_kecamatan.screens.search import parse_day

        text = self.query_one("#holiday-day", Input).value
        day = parse_day(text, _("libur"))
        if day is None:
            raise InvalidInput(_("Tanggal libur wajib diisi."))
        return HolidayValues(day, self.query_one("#holiday-name", Input).value)
