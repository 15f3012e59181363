"""Dialogs of the queue screens: moving a ticket, the reason for a cancellation, the
health-protocol checklist before perekaman KTP-el, a ticket number to put back in the queue,
and a staff password check for the board and the kiosk.

Each dialog is a `ModalScreen[T]` that dismisses with its value, or None when left with Esc.
Text from people (service names, protocol items, reasons) is shown literally.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass

from peewee import DatabaseError
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tui_kecamatan.core import accounts
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.queue import ProtocolItem, ServiceQueue, TicketInfo
from tui_kecamatan.core.text import NAME_MAX, NOTE_MAX, REASON_MAX, clean_text
from tui_kecamatan.errors import AppError, DatabaseUnavailable
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import DialogBox, DialogButtons
from tui_kecamatan.widgets.form import FormMessage, FormRow

# The frame is the shared DialogBox (70 columns unless a dialog says otherwise).
DIALOG_CSS = """
{cls} {{
    align: center middle;
}}
{cls} .dialog-about {{
    margin: 1 0;
}}
"""


def _css(cls: str, extra: str = "") -> str:
    return DIALOG_CSS.format(cls=cls) + extra


# --- transfer ---------------------------------------------------------------------------------


# The option id of "keep the service"; service codes are upper-case, so it never clashes.
KEEP_SERVICE = "keep"


@dataclass(frozen=True)
class TransferChoice:
    """Where a ticket goes: another service, a given counter, or both."""

    service_code: str | None
    counter_number: int | None
    note: str = ""


class TransferDialog(ModalScreen[TransferChoice | None]):
    """Pick the service (or keep it) and optionally the counter a ticket is sent to."""

    DEFAULT_CSS = _css("TransferDialog", """
    TransferDialog OptionList {
        height: auto;
        max-height: 9;
        margin-bottom: 1;
    }
    """)
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Pindahkan")),
        Binding("escape", "cancel", _("Batal")),
    ]
    AUTO_FOCUS = "#transfer-services"

    def __init__(self, ticket: TicketInfo, services: list[ServiceQueue]) -> None:
        super().__init__()
        self.ticket = ticket
        self.services = [s for s in services if s.code != ticket.service_code]

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = _("Pindahkan {code}").format(code=self.ticket.code)
            box.border_subtitle = _("ctrl+s Pindahkan  esc Batal")
            yield Static(
                Content.assemble(_("Sekarang: "), (clean_text(self.ticket.service_name, NAME_MAX), "bold"), " - ",
                                 _("pilih layanan tujuan:")),
                classes="dialog-about",
            )
            keep = Content.assemble(_("Layanan tetap"), " (", clean_text(self.ticket.service_name, NAME_MAX), ")")
            options = [Option(keep, id=KEEP_SERVICE)]
            for service in self.services:
                label = Content.assemble((service.prefix, "bold"), " ", clean_text(service.name, NAME_MAX))
                if service.suspended:
                    label = Content.assemble(label, (" " + _("(ditunda)"), "$warning"))
                options.append(Option(label, id=service.code))
            yield OptionList(*options, id="transfer-services")
            yield FormRow(_("Ke loket"), Input(placeholder=_("kosong = loket mana saja"), max_length=4,
                                               restrict=r"[0-9]*", id="transfer-counter"))
            yield FormRow(_("Catatan"), Input(max_length=NOTE_MAX, id="transfer-note"))
            yield FormMessage(id="transfer-message")

    def on_mount(self) -> None:
        self.query_one("#transfer-services", OptionList).highlighted = 0

    @on(OptionList.OptionSelected, "#transfer-services")
    def _service_chosen(self) -> None:
        self.query_one("#transfer-counter", Input).focus()

    @on(Input.Submitted, "#transfer-counter")
    def _counter_done(self) -> None:
        self.query_one("#transfer-note", Input).focus()

    @on(Input.Submitted, "#transfer-note")
    def _note_done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        options = self.query_one("#transfer-services", OptionList)
        index = options.highlighted
        chosen = options.get_option_at_index(index).id if index is not None else KEEP_SERVICE
        code = "" if chosen == KEEP_SERVICE else chosen
        counter_text = self.query_one("#transfer-counter", Input).value.strip()
        if not code and not counter_text:
            self.query_one(FormMessage).show(_("Pilih layanan atau loket tujuan pemindahan."), "error")
            options.focus()
            return
        counter = int(counter_text) if counter_text else None
        if counter is not None and counter < 1:
            self.query_one(FormMessage).show(_("Nomor loket tidak valid."), "error")
            self.query_one("#transfer-counter", Input).focus()
            return
        note = clean_text(self.query_one("#transfer-note", Input).value, NOTE_MAX)
        self.dismiss(TransferChoice(code or None, counter, note))

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- a reason ---------------------------------------------------------------------------------


class ReasonDialog(ModalScreen[str | None]):
    """Ask for a required reason (a cancellation); Enter returns it, Esc returns None."""

    DEFAULT_CSS = _css("ReasonDialog")
    BINDINGS = [Binding("escape", "cancel", _("Batal"))]
    AUTO_FOCUS = "#reason-input"

    def __init__(self, title: str, question: str, *, required_message: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.required_message = required_message or _("Alasan wajib diisi.")

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = self.title_text
            box.border_subtitle = _("enter Lanjut  esc Batal")
            yield Static(self.question, classes="dialog-about", markup=False)
            yield FormRow(_("Alasan"), Input(max_length=REASON_MAX, id="reason-input"))
            yield FormMessage(id="reason-message")

    @on(Input.Submitted, "#reason-input")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = clean_text(event.value, REASON_MAX)
        if not reason:
            self.query_one(FormMessage).show(self.required_message, "error")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- a ticket number --------------------------------------------------------------------------


class TicketCodeDialog(ModalScreen[str | None]):
    """Ask for a ticket number such as A-007 (to put a no-show back in the queue)."""

    DEFAULT_CSS = _css("TicketCodeDialog")
    BINDINGS = [Binding("escape", "cancel", _("Batal"))]
    AUTO_FOCUS = "#code-input"

    def __init__(self, title: str, question: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = self.title_text
            box.border_subtitle = _("enter Lanjut  esc Batal")
            yield Static(self.question, classes="dialog-about", markup=False)
            yield FormRow(_("Nomor antrian"), Input(self.value, placeholder="A-007", max_length=12, id="code-input"))
            yield FormMessage(id="code-message")

    @on(Input.Submitted, "#code-input")
    def _submitted(self, event: Input.Submitted) -> None:
        code = clean_text(event.value, 12).upper()
        if not code:
            self.query_one(FormMessage).show(_("Ketik nomor antriannya, mis. A-007."), "error")
            return
        self.dismiss(code)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- health protocol --------------------------------------------------------------------------


class HealthProtocolDialog(ModalScreen[list[int] | None]):
    """The health-protocol checklist of a ticket (perekaman KTP-el): space ticks a step,
    Ctrl+S records the ticked steps and returns their ids."""

    DEFAULT_CSS = _css("HealthProtocolDialog", """
    HealthProtocolDialog > DialogBox {
        width: 76;
    }
    HealthProtocolDialog SelectionList {
        height: auto;
        max-height: 12;
    }
    HealthProtocolDialog DialogButtons {
        margin-top: 1;
    }
    HealthProtocolDialog DialogButtons > Button {
        min-width: 14;
    }
    """)
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Simpan & mulai layani")),
        Binding("escape", "cancel", _("Batal")),
    ]
    AUTO_FOCUS = "SelectionList"

    def __init__(self, code: str, items: list[ProtocolItem]) -> None:
        super().__init__()
        self.code = code
        self.items = items

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = _("Protokol kesehatan - {code}").format(code=self.code)
            box.border_subtitle = _("spasi Centang  ctrl+s Simpan  esc Batal")
            yield Static(_("Centang setiap langkah yang sudah dilakukan sebelum perekaman dimulai."),
                         classes="dialog-about", markup=False)
            selections = []
            for item in self.items:
                label = Content(clean_text(item.text, 300))
                if item.mandatory:
                    label = Content.assemble(label, (" " + _("(wajib)"), "dim"))
                selections.append(Selection(label, item.id, item.checked))
            yield SelectionList[int](*selections, id="protocol-items")
            with DialogButtons():
                yield Button(Content(_("Simpan (ctrl+s)")), id="protocol-save", variant="primary", compact=True)
                yield Button(Content(_("Batal (esc)")), id="protocol-cancel", compact=True)

    @on(Button.Pressed, "#protocol-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#protocol-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_submit(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- staff password ---------------------------------------------------------------------------


class StaffPasswordDialog(ModalScreen[Actor | None]):
    """A username and password checked with `accounts.authenticate`; the account must hold
    `min_role`. Failed attempts count against the account like any login.

    `cancellable=False` leaves no way out but the right password (Ctrl+Q still quits the app),
    for the login that starts the board or the kiosk. `guard_keys=True` also keeps Ctrl+Q and
    the command palette away, for the dialog that closes the kiosk: citizens stand at it.
    An unattended dialog that can be cancelled closes itself after `idle_seconds`.
    """

    DEFAULT_CSS = _css("StaffPasswordDialog", """
    StaffPasswordDialog > DialogBox {
        width: 64;
    }
    """)
    BINDINGS = [Binding("escape", "cancel", _("Batal"))]
    AUTO_FOCUS = "#staff-username"

    def __init__(
        self,
        title: str,
        about: str,
        *,
        min_role: Role = Role.DISPLAY,
        refusal: str | None = None,
        cancellable: bool = True,
        guard_keys: bool = False,
        idle_seconds: float = 60.0,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.min_role = min_role
        self.refusal = refusal or _("Akun ini tidak berwenang untuk tindakan ini.")
        self.cancellable = cancellable
        self.guard_keys = guard_keys
        self.idle_seconds = idle_seconds
        self.checking = False
        self._idle: Timer | None = None

    def compose(self) -> ComposeResult:
        with DialogBox(classes="-warning") as box:
            box.border_title = self.title_text
            if self.cancellable:
                box.border_subtitle = _("enter Lanjut  esc Batal")
            yield Static(self.about, classes="dialog-about", markup=False)
            yield FormRow(_("Nama pengguna"), Input(id="staff-username", max_length=32))
            yield FormRow(_("Kata sandi"), Input(id="staff-password", password=True, max_length=256))
            yield FormMessage(id="staff-message")

    def on_mount(self) -> None:
        self._restart_idle()

    # The app asks the screen on top before it quits or opens the palette (AppScreen.allow_quit).
    def allow_quit(self) -> bool:
        return not self.guard_keys

    def allow_palette(self) -> bool:
        return not self.guard_keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.cancellable
        return True

    def on_key(self, event: events.Key) -> None:
        self._restart_idle()

    def _restart_idle(self) -> None:
        if not self.cancellable or self.idle_seconds <= 0:
            return
        if self._idle is not None:
            self._idle.stop()
        self._idle = self.set_timer(self.idle_seconds, self.action_cancel)

    @on(Input.Submitted, "#staff-username")
    def _username_done(self) -> None:
        self.query_one("#staff-password", Input).focus()

    @on(Input.Submitted, "#staff-password")
    def _submit(self) -> None:
        if self.checking:
            return
        message = self.query_one(FormMessage)
        username = self.query_one("#staff-username", Input).value.strip()
        password = self.query_one("#staff-password", Input).value
        if not username:
            message.show(_("Isi nama pengguna."), "error")
            self.query_one("#staff-username", Input).focus()
            return
        if not password:
            message.show(_("Isi kata sandi."), "error")
            return
        self.checking = True
        message.show(_("memeriksa..."), "busy")
        self._check(username, password)

    @work(group="staff-check", exclusive=True)
    async def _check(self, username: str, password: str) -> None:
        database = self.app.database

        def authenticate() -> Actor:
            try:
                with database.connection_context():
                    return accounts.authenticate(username, password)
            except (DatabaseError, sqlite3.Error) as exc:
                from tui_kecamatan.db.connection import explain

                raise DatabaseUnavailable(explain(exc, database.database)) from None

        try:
            actor = await asyncio.to_thread(authenticate)
        except AppError as exc:
            self._refused(str(exc))
            return
        if not actor.can(self.min_role):
            self._refused(self.refusal)
            return
        self.checking = False
        self.dismiss(actor)

    def _refused(self, sentence: str) -> None:
        self.checking = False
        self.query_one(FormMessage).show(sentence, "error")
        password = self.query_one("#staff-password", Input)
        password.value = ""
        password.focus()

    def action_cancel(self) -> None:
        if self.cancellable and self.is_current:
            self.dismiss(None)
