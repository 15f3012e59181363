"""A supervisor's approval of an urgent case, given in place at an operator's desk: the reason,
then the supervisor's own name and password (checked by core as for a login, failed attempts
counted against the supervisor's account). A supervisor at their own desk gives only the reason.

    approval = await self.app.push_screen_wait(ApprovalDialog(question, own=actor.can(Role.SUPERVISOR)))
    if approval is not None:
        await self.db(tickets.issue_ticket, actor, code, approval=approval)

The dialog answers with an `accounts.Approval` for core to check again where it is used, or None
when left with Esc. The form the operator was typing stays as it was underneath.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from tui_kecamatan.core import accounts
from tui_kecamatan.core.accounts import Approval
from tui_kecamatan.core.text import REASON_MAX, clean_text
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import Dialog, DialogBox
from tui_kecamatan.widgets.form import FormMessage, FormRow, advance_or_submit
from tui_kecamatan.widgets.password import PasswordEntry

NO_REASON = _("Isi alasan mendesak.")


class ApprovalDialog(Dialog[Approval | None]):
    """Ask for a supervisor's approval of an urgent case described by `about`.

    `own=True` when the actor is a supervisor (or admin) themselves: only the reason is asked.
    """

    DEFAULT_CSS = """
    ApprovalDialog > DialogBox {
        width: 70;
    }
    ApprovalDialog .dialog-about {
        margin: 1 0;
    }
    ApprovalDialog #approval-reason-row {
        margin-bottom: 1;
    }
    ApprovalDialog FormRow > Label {
        width: 16;
    }
    ApprovalDialog #approval-message {
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Setujui"), show=False),
        # Before the next keys reach a field: a fast typist's Enter never spills into the field left.
        Binding("enter", "form_enter", _("Kolom berikutnya"), show=False, priority=True),
    ]
    AUTO_FOCUS = "#approval-reason"

    def __init__(self, about: str, *, own: bool = False, title: str | None = None, reason: str = "") -> None:
        super().__init__()
        self.about = about
        self.own = own
        self.title_text = title or _("Persetujuan supervisor")
        self.reason = reason

    def compose(self) -> ComposeResult:
        with DialogBox(classes="-warning") as box:
            box.border_title = self.title_text
            box.border_subtitle = _("enter Lanjut  esc Batal")
            yield Static(self.about, classes="dialog-about", markup=False)
            yield FormRow(_("Alasan mendesak"), Input(self.reason, id="approval-reason", max_length=REASON_MAX,
                                                     placeholder=_("mis. syarat daftar kerja, berobat ke luar negeri")),
                          id="approval-reason-row")
            if self.own:
                yield FormMessage(id="approval-message")
            else:
                yield Static(Content.styled(_("Supervisor yang menyetujui mengetik nama dan kata sandinya:"), "dim"))
                yield PasswordEntry("approval", name_label=_("Supervisor"))

    # --- the fields ------------------------------------------------------------------------

    def _reason(self) -> str:
        return clean_text(self.query_one("#approval-reason", Input).value, REASON_MAX)

    def _say(self, sentence: str, kind: str = "error") -> None:
        if self.own:
            self.query_one("#approval-message", FormMessage).show(sentence, kind)
        else:
            self.query_one(PasswordEntry).say(sentence, kind)

    def action_form_enter(self) -> None:
        # The fields are judged on submitting: keys typed before this Enter may still be queued.
        advance_or_submit(self)

    @on(Input.Submitted, "#approval-reason")
    def _reason_entered(self, event: Input.Submitted) -> None:
        """Enter in the reason, the last field of a supervisor's own approval."""
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        """Ctrl+S: as Enter in the last field."""
        if self.own:
            reason = self._reason()
            if not reason:
                self._say(NO_REASON)
                return
            self._approve_own(reason)
            return
        entry = self.query_one(PasswordEntry)
        if entry.checking:
            return
        if not entry.username:
            entry.say(_("Isi nama pengguna."), "error")
            entry.username_field.focus()
        elif not entry.password:
            entry.say(_("Isi kata sandi."), "error")
            entry.password_field.focus()
        else:
            entry.checking = True
            entry.post_message(PasswordEntry.Submitted(entry, entry.username, entry.password))

    # --- checking --------------------------------------------------------------------------

    @on(PasswordEntry.Submitted)
    def _submitted(self, event: PasswordEntry.Submitted) -> None:
        event.stop()
        reason = self._reason()
        if not reason:
            event.entry.checking = False
            event.entry.say(NO_REASON, "error")
            self.query_one("#approval-reason", Input).focus()
            return
        self._approve(event.username, event.password, reason)

    @work(group="approve", exclusive=True)
    async def _approve(self, username: str, password: str, reason: str) -> None:
        """The password (argon2, slow) is checked by core off the event loop; a refusal stays
        in the dialog with core's sentence."""
        entry = self.query_one(PasswordEntry)
        try:
            approval = await self.db(accounts.approve_urgent, self.app.actor, username, password, reason)
        except AppError as exc:
            entry.refuse(str(exc))
            return
        entry.accept()
        self.dismiss(approval)

    @work(group="approve", exclusive=True)
    async def _approve_own(self, reason: str) -> None:
        try:
            approval = await self.db(accounts.approve_own, self.app.actor, reason)
        except AppError as exc:
            self._say(str(exc))
            return
        self.dismiss(approval)
