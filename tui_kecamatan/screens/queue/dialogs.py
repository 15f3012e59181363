"""Dialogs of the queue screens: moving a ticket, the health-protocol checklist before
perekaman KTP-el, and a staff password check for the board and the kiosk. (A reason or a ticket
number is asked with the shared `widgets.prompt.TextPrompt`.)

Each dialog is a `widgets.dialog.Dialog` that dismisses with its value, or None when left with Esc.
Text from people (service names, protocol items) is shown literally.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tui_kecamatan.core import accounts
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.queue_views import ServiceQueue
from tui_kecamatan.core.tickets import ProtocolItem, TicketInfo
from tui_kecamatan.core.text import NOTE_MAX, clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.choice import SelectionList
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons
from tui_kecamatan.widgets.form import FormMessage, FormRow
from tui_kecamatan.widgets.format import service_name
from tui_kecamatan.widgets.password import PasswordEntry


# --- transfer ---------------------------------------------------------------------------------


# The option id of "keep the service"; service codes are upper-case, so it never clashes.
KEEP_SERVICE = "keep"


@dataclass(frozen=True)
class TransferChoice:
    """Where a ticket goes: another service, a given counter, or both."""

    service_code: str | None
    counter_number: int | None
    note: str = ""


class TransferDialog(Dialog[TransferChoice | None]):
    """Pick the service (or keep it) and optionally the counter a ticket is sent to."""

    DEFAULT_CSS = """
    TransferDialog .dialog-about {
        margin: 1 0;
    }
    TransferDialog OptionList {
        height: auto;
        max-height: 9;
        margin-bottom: 1;
    }
    """
    BINDINGS = [Binding("ctrl+s", "submit", _("Pindahkan"))]
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
                Content.assemble(_("Sekarang: "), (service_name(self.ticket.service_name), "bold"), " - ",
                                 _("pilih layanan tujuan:")),
                classes="dialog-about",
            )
            keep = Content.assemble(_("Layanan tetap"), " (", service_name(self.ticket.service_name), ")")
            options = [Option(keep, id=KEEP_SERVICE)]
            for service in self.services:
                label = Content.assemble((service.prefix, "bold"), " ", service_name(service.name))
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


# --- health protocol --------------------------------------------------------------------------


class HealthProtocolDialog(Dialog[list[int] | None]):
    """The health-protocol checklist of a ticket (perekaman KTP-el): space ticks a step,
    Ctrl+S records the ticked steps and returns their ids."""

    DEFAULT_CSS = """
    HealthProtocolDialog .dialog-about {
        margin: 1 0;
    }
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
    """
    BINDINGS = [Binding("ctrl+s", "submit", _("Simpan & mulai layani"))]
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
            yield SelectionList(*selections, id="protocol-items")
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
        self.dismiss(None)

    def action_submit(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))


# --- staff password ---------------------------------------------------------------------------


class StaffPasswordDialog(Dialog[Actor | None]):
    """A username and password checked with `accounts.authenticate`; the account must hold
    `min_role`. Failed attempts count against the account like any login.

    `cancellable=False` leaves no way out but the right password (Ctrl+Q still quits the app),
    for the login that starts the board or the kiosk. `guard_keys=True` also keeps Ctrl+Q and
    the command palette away, for the dialog that closes the kiosk: citizens stand at it.
    An unattended dialog that can be cancelled closes itself after `idle_seconds`.
    """

    DEFAULT_CSS = """
    StaffPasswordDialog > DialogBox {
        width: 64;
    }
    StaffPasswordDialog .dialog-about {
        margin: 1 0;
    }
    """
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
        self._idle: Timer | None = None

    @classmethod
    async def session_actor(cls, screen, title: str, about: str) -> Actor | None:
        """The account a public screen (the board, the kiosk) runs for: the app's own, or any
        account that logs in here, since there is no way out but the right password."""
        if screen.app.actor is not None:
            return screen.app.actor
        return await screen.app.push_screen_wait(cls(title, about, min_role=Role.DISPLAY, cancellable=False))

    def compose(self) -> ComposeResult:
        with DialogBox(classes="-warning") as box:
            box.border_title = self.title_text
            if self.cancellable:
                box.border_subtitle = _("enter Lanjut  esc Batal")
            yield Static(self.about, classes="dialog-about", markup=False)
            yield PasswordEntry("staff")

    def on_mount(self) -> None:
        self._restart_idle()

    # The app asks the screen on top before it quits or opens the palette (AppScreen.allow_quit).
    def allow_quit(self) -> bool:
        return not self.guard_keys

    def allow_palette(self) -> bool:
        return not self.guard_keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back_out":
            return self.cancellable
        return True

    def on_key(self, event: events.Key) -> None:
        self._restart_idle()

    def _restart_idle(self) -> None:
        if not self.cancellable or self.idle_seconds <= 0:
            return
        if self._idle is not None:
            self._idle.stop()
        self._idle = self.set_timer(self.idle_seconds, self.action_back_out)

    @on(PasswordEntry.Submitted)
    def _submitted(self, event: PasswordEntry.Submitted) -> None:
        self._check(event.username, event.password)

    @work(group="staff-check", exclusive=True)
    async def _check(self, username: str, password: str) -> None:
        """Verify the password (argon2, slow) off the event loop; a refusal stays in the dialog."""
        actor = await self.query_one(PasswordEntry).sign_in(
            username, password, refusal=lambda actor: "" if actor.can(self.min_role) else self.refusal)
        if actor is not None:
            self.dismiss(actor)

    def action_back_out(self) -> None:
        if self.cancellable and self.is_current:
            self.dismiss(None)
