"""The one password form of the app: a name and a password to sign in with (login, the lock
screen, the staff/supervisor check of the board, kiosk and queue), or a new password typed twice
(the first admin at setup, a new staff account, an admin setting a password).

Signing in is a form of its own: Enter moves from the name to the password, and Enter in the
password posts `PasswordEntry.Submitted` once both are filled. The screen checks them in a
worker, since argon2 is slow and must never run on the event loop, and answers with `accept()`
or `refuse(sentence)`:

    @on(PasswordEntry.Submitted)
    def _submitted(self, event: PasswordEntry.Submitted) -> None:
        self.sign_in(event.username, event.password)

    @work(group="sign-in", exclusive=True)
    async def sign_in(self, username: str, password: str) -> None:
        actor = await self.query_one(PasswordEntry).sign_in(username, password)
        if actor is not None:
            ...

A new password is part of a larger form (`own_message=False`): the form's own Enter handling
and sentence line serve it, and its save reads `new_password()`.
"""

from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input

from tui_kecamatan.core import accounts
from tui_kecamatan.core.accounts import Actor
from tui_kecamatan.errors import AppError, InvalidInput
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.form import CoreCheck, FormMessage, FormRow

USERNAME_MAX = 32
PASSWORD_MAX = 256


class PasswordEntry(Vertical):
    """Name and password rows (`FormRow`s), an optional repeat row, and a `FormMessage` line.

    The fields are named after `prefix`: `#<prefix>-username`, `#<prefix>-password`,
    `#<prefix>-password2` and `#<prefix>-message`.

    - `ask_name=False` when the account is known (the lock screen) or asked elsewhere in the form;
    - `new=True` asks the password twice and checks it as core does (`accounts.check_password`);
      setting `new` to False later hides the repeat row (setup, when an admin account exists);
    - `own_message=False` leaves Enter and the sentence to the larger form the fields are part of;
    - `check_as_typed=True` gives the password fields validators with core's sentences, for forms
      that show them as they are typed.
    """

    DEFAULT_CSS = """
    PasswordEntry {
        height: auto;
        width: 1fr;
    }
    """

    new: reactive[bool] = reactive(False, init=False)
    checking: reactive[bool] = reactive(False, init=False, bindings=True)
    """True from Enter until the screen answers with `accept()` or `refuse()`; Enter waits."""

    class Submitted(Message):
        """Enter in the password with both fields filled; `username` is "" when not asked."""

        def __init__(self, entry: PasswordEntry, username: str, password: str) -> None:
            super().__init__()
            self.entry = entry
            self.username = username
            self.password = password

        @property
        def control(self) -> PasswordEntry:
            return self.entry

    def __init__(
        self,
        prefix: str,
        *,
        ask_name: bool = True,
        new: bool = False,
        name_label: str | None = None,
        label: str | None = None,
        repeat_label: str | None = None,
        placeholder: str = "",
        own_message: bool = True,
        check_as_typed: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.prefix = prefix
        self.ask_name = ask_name
        self.set_reactive(PasswordEntry.new, new)
        self.has_repeat = new
        self.name_label = name_label or _("Nama pengguna")
        self.label = label or _("Kata sandi")
        self.repeat_label = repeat_label or _("Ulangi kata sandi")
        self.placeholder = placeholder
        self.own_message = own_message
        self.check_as_typed = check_as_typed

    def compose(self) -> ComposeResult:
        p = self.prefix
        if self.ask_name:
            yield FormRow(self.name_label, Input(id=f"{p}-username", max_length=USERNAME_MAX), id=f"{p}-username-row")
        checks = [CoreCheck(self._check_password)] if self.check_as_typed else []
        yield FormRow(self.label, Input(id=f"{p}-password", password=True, max_length=PASSWORD_MAX,
                                        placeholder=self.placeholder, validators=checks), id=f"{p}-password-row")
        if self.has_repeat:
            checks = [CoreCheck(self._check_repeat)] if self.check_as_typed else []
            yield FormRow(self.repeat_label, Input(id=f"{p}-password2", password=True, max_length=PASSWORD_MAX,
                                                   validators=checks), id=f"{p}-repeat-row")
        if self.own_message:
            yield FormMessage(id=f"{p}-message")

    # --- the fields ------------------------------------------------------------------------

    def _field(self, name: str) -> Input:
        return self.query_one(f"#{self.prefix}-{name}", Input)

    @property
    def username_field(self) -> Input:
        return self._field("username")

    @property
    def password_field(self) -> Input:
        return self._field("password")

    @property
    def username(self) -> str:
        return self.username_field.value.strip() if self.ask_name else ""

    @property
    def password(self) -> str:
        return self.password_field.value

    def fields(self) -> list[Input]:
        """The fields shown now, in order."""
        return [row.field for row in self.query(FormRow) if row.display and isinstance(row.field, Input)]

    def watch_new(self, new: bool) -> None:
        if self.has_repeat:
            self.query_one(f"#{self.prefix}-repeat-row").display = new

    def clear_password(self) -> None:
        for field in self.query(Input):
            if field.password:
                field.value = ""

    # --- checks ----------------------------------------------------------------------------

    def _check_password(self, value: str) -> None:
        if self.new:
            accounts.check_password(value)
        elif not value:
            raise InvalidInput(_("Isi kata sandi."))

    def _check_repeat(self, value: str) -> None:
        if self.new and value != self.password:
            raise InvalidInput(_("Kedua kata sandi tidak sama."))

    def new_password(self) -> str:
        """The new password typed twice, checked as core checks it; raises InvalidInput with the
        sentence otherwise."""
        password = self.password
        self._check_password(password)
        self._check_repeat(self._field("password2").value if self.has_repeat else password)
        return password

    @on(Input.Changed)
    def _recheck_repeat(self, event: Input.Changed) -> None:
        """The repeat is judged again whenever the password above it changes."""
        if self.check_as_typed and self.has_repeat and event.input is self.password_field:
            repeat = self._field("password2")
            if repeat.value:
                repeat.validate(repeat.value)

    # --- signing in ------------------------------------------------------------------------

    def say(self, sentence: str, kind: str = "info") -> None:
        """Show a sentence on the form's own line."""
        self.query_one(FormMessage).show(sentence, kind)

    def watch_checking(self, checking: bool) -> None:
        if checking and self.own_message:
            self.say(_("memeriksa..."), "busy")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not self.own_message:
            return  # the larger form's Enter handling decides
        event.stop()
        fields = self.fields()
        if event.input in fields[:-1]:
            fields[fields.index(event.input) + 1].focus()
            return
        if self.checking:
            return
        if self.ask_name and not self.username:
            self.say(_("Isi nama pengguna."), "error")
            self.username_field.focus()
            return
        if not self.password:
            # When the account is known, the person at the desk is asked for their own password.
            self.say(_("Isi kata sandi.") if self.ask_name else _("Ketik kata sandi Anda."), "error")
            self.password_field.focus()
            return
        self.checking = True
        self.post_message(self.Submitted(self, self.username, self.password))

    async def sign_in(self, username: str, password: str, refusal: Callable[[Actor], str] | None = None,
                      where: str = "") -> Actor | None:
        """Check the name and password with `accounts.authenticate` through the screen's
        `self.db` (argon2 runs off the event loop). Returns the account, or None after showing
        why not: core's sentence, or `refusal(actor)` when that names a reason the account may
        not be used here. `where` (accounts.login_place) goes into the login's audit row."""
        try:
            actor = await self.screen.db(accounts.authenticate, username, password, where=where)
        except AppError as exc:
            self.refuse(str(exc))
            return None
        reason = refusal(actor) if refusal is not None else ""
        if reason:
            self.refuse(reason)
            return None
        self.accept()
        return actor

    def accept(self) -> None:
        """The password was right: the sentence goes and the typed password with it."""
        self.checking = False
        self.say("")
        self.clear_password()

    def refuse(self, sentence: str) -> None:
        """Show why the attempt failed; the password is cleared for the next try."""
        self.checking = False
        self.say(sentence, "error")
        self.clear_password()
        self.password_field.focus()
