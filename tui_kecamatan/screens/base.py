"""The base classes of the app's screens: global keys, database work through `self.db`, errors
shown as one sentence, and refreshing when the database changed in any process.

An office screen subclasses `OfficeScreen`, implements `refresh_data()` (an `@work(exclusive=True)`
async method that awaits `self.db(...)` and updates its widgets), and gets the navigation keys, F1 help, the command
palette entries for its own bindings, and a refresh whenever another counter changes something.
The keys show in a `KeyBar` at the bottom, added when the screen composes no footer of its own.
Borders in a screen's stylesheet use `$frame` (round; square on the Linux console; ascii when
`ui.ascii_borders` is set): `border: $frame $primary;`.

A screen for the public (the waiting-room board, the ticket kiosk) opts out of what only staff
need: `SHOW_KEYS = False` (no key bar), `IDLE_LOCK = False` (no idle lock while it is open), and
`allow_quit()` / `allow_palette()` answering False to keep Ctrl+Q and Ctrl+P from the app.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from tui_kecamatan.core import accounts
from tui_kecamatan.core.accounts import Role
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.db_work import DatabaseWork

class DataChanged(Message):
    """The database changed, in this process or another; screens refresh what they show."""

    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class AppScreen(DatabaseWork, Screen, inherit_bindings=False):
    """Base of every screen of the app, the setup, login and lock screens included.

    Textual's own screen keys are replaced by the same keys with Indonesian descriptions.
    """

    BINDINGS = [
        Binding("f1", "help", _("Bantuan"), id="help"),
        Binding("tab", "app.focus_next", _("Kolom berikutnya"), show=False),
        Binding("shift+tab", "app.focus_previous", _("Kolom sebelumnya"), show=False),
        Binding("ctrl+c", "screen.copy_text", _("Salin teks terpilih"), show=False),
    ]

    SHOW_KEYS: ClassVar[bool] = True
    """Show the keys in a KeyBar (added unless the screen composes a footer of its own)."""
    IDLE_LOCK: ClassVar[bool] = True
    """Lock the desk after `ui.idle_lock_minutes` without input while this screen is open."""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._seen_generation = -1

    @on(events.Mount)
    def _add_keybar(self) -> None:
        """Every screen shows its keys: a screen that composed no footer gets the KeyBar."""
        from textual.widgets import Footer

        from tui_kecamatan.widgets.keybar import KeyBar

        if self.SHOW_KEYS and not self.query(KeyBar) and not self.query(Footer):
            self.mount(KeyBar())

    def allow_quit(self) -> bool:
        """Whether the app's Ctrl+Q quits while this screen is on top. A screen that answers False
        gets the key for its own binding, if it has one."""
        return True

    def allow_palette(self) -> bool:
        """Whether Ctrl+P opens the command palette while this screen is on top."""
        return True

    # --- refreshing ------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Load what the screen shows; called when it is first shown, after a change in the
        database, and when it comes back to the top with changes it missed. Screens that show
        database figures override it."""

    @on(events.ScreenResume)
    def _refresh_on_resume(self) -> None:
        generation = getattr(self.app, "data_generation", 0)
        if generation != self._seen_generation:
            self._seen_generation = generation
            self.refresh_data()

    @on(DataChanged)
    def _refresh_on_change(self, message: DataChanged) -> None:
        self._seen_generation = message.generation
        self.refresh_data()

    # --- keys ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from tui_kecamatan.screens.shell.help import HelpScreen

        self.app.push_screen(HelpScreen.for_screen(self))


class OfficeScreen(AppScreen):
    """Base of the screens behind the login: navigation keys, Esc back, and switching staff."""

    BINDINGS = [
        Binding("f2", "open('queue')", _("Antrian"), id="queue"),
        Binding("f3", "open('intake')", _("Permohonan baru"), id="intake"),
        Binding("f4", "open('search')", _("Cari"), id="search"),
        Binding("f5", "open('pickup')", _("Pengambilan"), id="pickup"),
        Binding("f6", "open('reports')", _("Rekap"), id="reports"),
        Binding("f9", "open('admin')", _("Admin"), id="admin"),
        # For other roles F9 answers with a sentence instead of doing nothing.
        Binding("f9", "refuse_admin", _("Admin (khusus admin)"), show=False),
        Binding("escape", "back", _("Kembali"), id="back"),
        Binding("ctrl+o", "logout", _("Ganti petugas"), show=False, id="logout"),
        Binding("f12", "lock", _("Kunci layar"), show=False, id="lock"),
    ]

    # The registry name of this screen, so its own key does not open it a second time.
    SCREEN_NAME = ""

    @property
    def actor(self) -> accounts.Actor | None:
        return self.app.actor

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.app.actor
        is_admin = actor is not None and actor.can(Role.ADMIN)
        if action == "open" and self.SCREEN_NAME and parameters == (self.SCREEN_NAME,):
            return False  # the screen's own key is left out of its footer
        if action == "open" and parameters == ("admin",):
            return is_admin
        if action == "refuse_admin":
            return not is_admin
        if action == "back":
            return self.app.can_go_back(self)
        return True

    def has_unsaved_changes(self) -> bool:
        """Forms return True while they hold typed data that leaving would lose."""
        return False

    def action_open(self, name: str) -> None:
        if name == self.SCREEN_NAME:
            return
        self.app.open_screen(name)

    def action_refuse_admin(self) -> None:
        try:
            accounts.require(self.app.actor, Role.ADMIN)
        except AppError as exc:
            self.show_error(exc)

    def action_back(self) -> None:
        self.app.go_back(self)

    def action_logout(self) -> None:
        self.app.logout()

    def action_lock(self) -> None:
        self.app.lock()
