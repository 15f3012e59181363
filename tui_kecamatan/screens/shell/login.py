"""Staff login: username and password, checked in a worker, with core's sentences on screen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input, Static

from tui_kecamatan.core import accounts, office
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.widgets.form import FormMessage, FormRow, advance_or_submit
from tui_kecamatan.widgets.keybar import KeyBar


class LoginScreen(AppScreen):
    CSS_PATH = "login.tcss"
    TITLE = _("Masuk")
    AUTO_FOCUS = "#login-username"
    BINDINGS = [Binding("enter", "form_enter", _("Kolom berikutnya"), show=False, priority=True)]
    HELP = _("Masukkan nama pengguna dan kata sandi Anda, lalu tekan Enter. Setelah 5 kali salah, "
             "akun dikunci sampai admin membukanya.")

    def __init__(self) -> None:
        super().__init__()
        self.checking = False

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="login-box") as box:
                box.border_title = _("Masuk")
                yield Static("", id="login-office", markup=False)
                yield Static(_("tui-kecamatan - pelayanan administrasi kependudukan"), id="login-app", markup=False)
                yield FormRow(_("Nama pengguna"), Input(id="login-username", max_length=32))
                yield FormRow(_("Kata sandi"), Input(id="login-password", password=True, max_length=256))
                yield FormMessage(id="login-message")
        yield KeyBar()

    def refresh_data(self) -> None:
        self.run_db(office.get_profile, then=self._show_profile, group="profile", exclusive=True)

    def _show_profile(self, profile: office.Profile) -> None:
        self.query_one("#login-office", Static).update(profile.name)

    def action_form_enter(self) -> None:
        advance_or_submit(self)

    @on(Input.Submitted)
    def _submit(self) -> None:
        if self.checking:
            return
        message = self.query_one(FormMessage)
        username = self.query_one("#login-username", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        if not username:
            message.show(_("Isi nama pengguna."), "error")
            self.query_one("#login-username", Input).focus()
            return
        if not password:
            message.show(_("Isi kata sandi."), "error")
            return
        self.checking = True
        message.show(_("memeriksa..."), "busy")
        self.run_db(accounts.authenticate, username, password, then=self._logged_in, failed=self._refused)

    def _logged_in(self, actor: accounts.Actor) -> None:
        self.checking = False
        if actor.role is accounts.Role.DISPLAY:
            # The read-only account runs the board and the kiosk, never a desk.
            self._refused(_("Akun {name} hanya untuk papan antrian dan kiosk.").format(name=actor.username))
            return
        self.query_one(FormMessage).clear()
        self.app.after_login(actor)

    def _refused(self, exc) -> None:
        self.checking = False
        self.query_one(FormMessage).show(str(exc), "error")
        password = self.query_one("#login-password", Input)
        password.value = ""
        password.focus()
