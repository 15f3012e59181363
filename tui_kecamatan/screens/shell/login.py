"""Staff login: username and password, checked in a worker, with core's sentences on screen."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Static

from tui_kecamatan.core import accounts, office, presence
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.widgets.form import advance_or_submit
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.password import PasswordEntry


def desk_refusal(actor: accounts.Actor) -> str:
    """The read-only account runs the board and the kiosk, never a desk."""
    if actor.role is accounts.Role.DISPLAY:
        return _("Akun {name} hanya untuk papan antrian dan kiosk.").format(name=actor.username)
    return ""


class LoginScreen(AppScreen):
    CSS_PATH = "login.tcss"
    TITLE = _("Masuk")
    AUTO_FOCUS = "#login-username"
    BINDINGS = [Binding("enter", "form_enter", _("Kolom berikutnya"), show=False, priority=True)]
    HELP = _("Masukkan nama pengguna dan kata sandi Anda, lalu tekan Enter. Setelah 5 kali salah, "
             "akun dikunci sampai admin membukanya.")

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="login-box") as box:
                box.border_title = _("Masuk")
                yield Static("", id="login-office", markup=False)
                yield Static(_("tui-kecamatan - pelayanan administrasi kependudukan"), id="login-app", markup=False)
                yield PasswordEntry("login")
        yield KeyBar()

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        profile = await self.db(office.get_profile)
        self.query_one("#login-office", Static).update(profile.name)

    def action_form_enter(self) -> None:
        advance_or_submit(self)

    @on(PasswordEntry.Submitted)
    def _submitted(self, event: PasswordEntry.Submitted) -> None:
        self.sign_in(event.username, event.password)

    @work(exclusive=True, group="sign-in")
    async def sign_in(self, username: str, password: str) -> None:
        # The login log records where the attempt came from: this desk and the SSH client.
        where = accounts.login_place(self.app.station, presence.ssh_client())
        actor = await self.query_one(PasswordEntry).sign_in(username, password, refusal=desk_refusal, where=where)
        if actor is not None:
            self.app.after_login(actor)
