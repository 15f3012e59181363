"""The idle lock: covers the desk after a while without a key press and asks the same staff
member's password; the screens below keep their state."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center
from textual.content import Content
from textual.widgets import Input, Static

from tui_kecamatan.core import accounts
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.widgets.dialog import DialogBox
from tui_kecamatan.widgets.form import FormMessage, FormRow
from tui_kecamatan.widgets.keybar import KeyBar

# Wrong passwords on the lock screen before it gives the desk back to the login screen, where
# failures are counted against the account.
MAX_TRIES = accounts.MAX_FAILURES


class LockScreen(AppScreen):
    """Opaque, so nothing of the work below shows while the desk is unattended."""

    TITLE = _("Layar terkunci")
    AUTO_FOCUS = "#lock-password"
    HELP = _("Layar dikunci karena papan ketik tidak disentuh. Ketik kata sandi Anda lalu Enter "
             "untuk melanjutkan, atau Ctrl+O agar petugas lain dapat masuk.")
    DEFAULT_CSS = """
    LockScreen {
        align: center middle;
    }
    LockScreen #lock-box {
        width: 60;
        background: $background;  /* a full screen, not a dialog over one: no surface colour */
        padding: 1 2;
    }
    LockScreen #lock-who {
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    LockScreen #lock-hint {
        color: $text-muted;
        margin-bottom: 1;
    }
    """
    BINDINGS = [
        Binding("ctrl+o", "switch_staff", _("Ganti petugas")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0
        self.checking = False

    def allow_palette(self) -> bool:
        return False  # the palette would run the commands of the screens this one covers

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        with Center():
            with DialogBox(id="lock-box", classes="-warning") as box:
                box.border_title = _("Layar terkunci")
                who = Content.assemble(
                    actor.display_name if actor else "", f" ({actor.role.label})" if actor else ""
                )
                yield Static(who, id="lock-who")
                yield Static(_("Ketik kata sandi Anda untuk melanjutkan."), id="lock-hint", markup=False)
                yield FormRow(_("Kata sandi"), Input(password=True, id="lock-password"))
                yield FormMessage(id="lock-message")
        yield KeyBar()

    @on(Input.Submitted, "#lock-password")
    def _submit(self, event: Input.Submitted) -> None:
        if self.checking or self.app.actor is None:
            return
        password = event.value
        if not password:
            self.query_one(FormMessage).show(_("Ketik kata sandi Anda."), "error")
            return
        self.checking = True
        self.query_one(FormMessage).show(_("memeriksa..."), "busy")
        self.run_db(accounts.verify_password, self.app.actor, password, then=self._checked, failed=self._failed)

    def _checked(self, ok: bool) -> None:
        self.checking = False
        field = self.query_one("#lock-password", Input)
        field.value = ""
        if ok:
            self.dismiss()
            return
        self.tries += 1
        if self.tries >= MAX_TRIES:
            self.app.logout()
            self.app.notify(_("Terlalu banyak kata sandi salah; silakan masuk lagi."), severity="error")
            return
        left = MAX_TRIES - self.tries
        self.query_one(FormMessage).show(
            _("Kata sandi salah; sisa {n} percobaan sebelum kembali ke layar masuk.").format(n=left), "error"
        )
        field.focus()

    def _failed(self, exc) -> None:
        self.checking = False
        self.query_one(FormMessage).show(str(exc), "error")

    def action_switch_staff(self) -> None:
        self.app.logout()
