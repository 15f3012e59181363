"""Dialogs of the reports screen: the two days of a range report, and the file a report is saved
to (CSV, one file or one per table; or the A4 PDF).

Both do their work themselves, through `self.db` in a worker, and stay open showing core's
sentence under the field it is about, so a wrong day or a file that exists costs one correction.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Label, RadioSet, Static

from tui_kecamatan.core import reports
from tui_kecamatan.core.reports import Report
from tui_kecamatan.core.validation import parse_day
from tui_kecamatan.errors import AppError, InvalidInput
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.choice import ChoiceSet, RadioButton
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons
from tui_kecamatan.widgets.form import FieldError, FormMessage, FormRow, advance_or_submit

PATH_MAX = 500

_FORM_CSS = """
    {name} > DialogBox {{
        width: 74;
        padding: 1 1 0 1;
    }}
    {name} FormRow > Label, {name} .field-label {{
        width: 14;
        color: $text-muted;
    }}
    {name} FieldError {{
        margin-left: 14;
    }}
    {name} .dialog-about {{
        margin-bottom: 1;
    }}
    {name} FormMessage {{
        margin: 1 0 0 0;
    }}
    {name} DialogButtons {{
        margin-bottom: 1;
    }}
"""


# --- range ------------------------------------------------------------------------------------


class RangeDialog(Dialog[Report | None]):
    """Ask the first and last day of a range report and compute it; answers the Report, or None
    when the person backs out. A day it cannot read, and core's refusal (a reversed or too long
    range), are shown under the field they are about."""

    DEFAULT_CSS = _FORM_CSS.format(name="RangeDialog")

    BINDINGS = [
        Binding("ctrl+s", "submit", _("Tampilkan")),
        # Enter moves on before the next keys are handed out, so quick typing never spills
        # the second day into the first field.
        Binding("enter", "advance", _("Kolom berikutnya"), show=False, priority=True),
    ]

    def __init__(self, first: date, last: date) -> None:
        super().__init__()
        self.first = first
        self.last = last

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = _("Rekap rentang tanggal")
            yield Static(_("Tulis tanggal awal dan akhir (TTTT-BB-HH), keduanya ikut dihitung; paling panjang "
                           "{n} hari.").format(n=reports.MAX_RANGE_DAYS), classes="dialog-about", markup=False)
            yield FormRow(_("Dari"), Input(self.first.isoformat(), id="range-from", max_length=10,
                                           placeholder=_("TTTT-BB-HH")))
            yield FieldError("range-from")
            yield FormRow(_("Sampai"), Input(self.last.isoformat(), id="range-to", max_length=10,
                                             placeholder=_("TTTT-BB-HH")))
            yield FieldError("range-to")
            yield FormMessage(id="range-message")
            with DialogButtons():
                yield Button(Content(_("Tampilkan (enter)")), id="range-ok", variant="primary", compact=True)
                yield Button(Content(_("Batal (esc)")), id="range-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#range-from", Input).focus()

    def action_advance(self) -> None:
        advance_or_submit(self)

    @on(Input.Submitted)
    def _last(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id:
            self.query_one(f"#{event.input.id}-error", FieldError).show(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "range-ok":
            self.action_submit()
        else:
            self.action_back_out()

    def action_submit(self) -> None:
        days: list[date] = []
        wrong = None
        for field_id, what in (("range-from", _("awal")), ("range-to", _("akhir"))):
            field = self.query_one(f"#{field_id}", Input)
            error = self.query_one(f"#{field_id}-error", FieldError)
            try:
                day = parse_day(field.value, what)
                if day is None:
                    raise InvalidInput(_("Isi tanggal {what} rekap.").format(what=what))
            except InvalidInput as exc:
                error.show(str(exc))
                wrong = wrong or field
                continue
            error.show(None)
            days.append(day)
        if wrong is not None:
            wrong.focus()
            return
        self.query_one(FormMessage).show(_("Menghitung rekap…"), "busy")
        self.compute(days[0], days[1])

    @work(exclusive=True, group="range")
    async def compute(self, first: date, last: date) -> None:
        """The newest press only; core refuses a reversed or too long range in its sentence."""
        try:
            report = await self.db(reports.range_report, self.app.actor, first, last)
        except InvalidInput as exc:
            self.query_one(FormMessage).clear()
            self.query_one("#range-to-error", FieldError).show(str(exc))
            self.query_one("#range-to", Input).focus()
            return
        except AppError as exc:
            self.query_one(FormMessage).show(str(exc), "error")
            return
        self.dismiss(report)


# --- saving to a file -------------------------------------------------------------------------


class SaveFileDialog(Dialog[list[str] | None]):
    """Ask where to save a report and save it: `save(path, per_table)` runs through `self.db` and
    returns the paths written, which the dialog answers (None when the person backs out). Core's
    refusal (a file that exists: nothing is overwritten) shows under the file name. With
    `per_table_choice` the person also chooses one file or one file per table (CSV)."""

    DEFAULT_CSS = _FORM_CSS.format(name="SaveFileDialog") + """
    SaveFileDialog #save-kind-row {
        height: 1;
        margin-top: 1;
    }
    SaveFileDialog #save-kind {
        layout: horizontal;
        height: 1;
        width: auto;
    }
    SaveFileDialog #save-kind > RadioButton {
        width: auto;
        margin-right: 2;
    }
    """

    BINDINGS = [Binding("ctrl+s", "submit", _("Simpan"))]

    def __init__(self, title: str, about: str, path: str, save: Callable[[str, bool], list[str]], *,
                 per_table_choice: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.path = path
        self.save = save
        self.per_table_choice = per_table_choice
        self.saving = False

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = self.title_text
            yield Static(self.about, classes="dialog-about", markup=False)
            yield FormRow(_("Nama berkas"), Input(self.path, id="save-path", max_length=PATH_MAX))
            yield FieldError("save-path")
            if self.per_table_choice:
                with Horizontal(id="save-kind-row"):
                    yield Label(_("Bentuk"), classes="field-label")
                    with ChoiceSet(id="save-kind", compact=True):
                        yield RadioButton(_("Satu berkas"), value=True, id="kind-one", compact=True)
                        yield RadioButton(_("Satu berkas per tabel"), id="kind-tables", compact=True)
            yield FormMessage(id="save-message")
            with DialogButtons():
                yield Button(Content(_("Simpan (enter)")), id="save-ok", variant="primary", compact=True)
                yield Button(Content(_("Batal (esc)")), id="save-cancel", compact=True)

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @property
    def per_table(self) -> bool:
        if not self.per_table_choice:
            return False
        pressed = self.query_one("#save-kind", RadioSet).pressed_button
        return pressed is not None and pressed.id == "kind-tables"

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Input.Changed)
    def _typed(self) -> None:
        self.query_one("#save-path-error", FieldError).show(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save-ok":
            self.action_submit()
        else:
            self.action_back_out()

    def action_submit(self) -> None:
        if self.saving:
            return  # a second Enter while the file is written would find it there
        path = self.query_one("#save-path", Input).value
        if not path.strip():
            self.query_one("#save-path-error", FieldError).show(_("Tulis nama berkasnya terlebih dahulu."))
            return
        self.saving = True
        self.query_one(FormMessage).show(_("menyimpan..."), "busy")
        self.write(path, self.per_table)

    @work(group="save")
    async def write(self, path: str, per_table: bool) -> None:
        try:
            written = await self.db(self.save, path, per_table)
        except AppError as exc:
            self.saving = False
            self.query_one(FormMessage).clear()
            self.query_one("#save-path-error", FieldError).show(str(exc))
            self.query_one("#save-path", Input).focus()
            return
        self.dismiss(written)
