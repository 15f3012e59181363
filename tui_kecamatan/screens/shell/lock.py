"""The idle lock: covers the desk after a while without a key press and asks the same staff
member's password; the screens below keep their state."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center
from textual.content import Content
from textual.widgets import Static

from tui_kecamatan.core import accounts
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.widgets.dialog import DialogBox
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.password import PasswordEntry

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
                yield PasswordEntry("lock", ask_name=False)
        yield KeyBar()

    @on(PasswordEntry.Submitted)
    def _submitted(self, event: PasswordEntry.Submitted) -> None:
        self.check_password(event.password)

    @work(exclusive=True, group="unlock")
    async def check_password(self, password: str) -> None:
        entry = self.query_one(PasswordEntry)
        actor = self.app.actor
        if actor is None:
            return
        try:
            ok = await self.db(accounts.verify_password, actor, password)
        except AppError as exc:
            entry.refuse(str(exc))
            return
        if ok:
            entry.accept()
            self.dismiss()
            return
        self.tries += 1
        if self.tries >= MAX_TRIES:
            entry.accept()
            self.app.logout(ask=False)
            self.app.notify(_("Terlalu banyak kata sandi salah; silakan masuk lagi."), severity="error")
            return
        left = MAX_TRIES - self.tries
        entry.refuse(_("Kata sandi salah; sisa {n} percobaan sebelum kembali ke layar masuk.").format(n=left))

    def action_switch_staff(self) -> None:
        self.app.logout()
