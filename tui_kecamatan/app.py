"""The Textual application: applies the per-machine config, watches the database for changes
made by any process, locks an idle desk, and moves between the screens named in
`tui_kecamatan.screens.SCREENS` (add a screen there, in one line)."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time

from peewee import SqliteDatabase
from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from tui_kecamatan import screens
from tui_kecamatan.config import Config
from tui_kecamatan.core import accounts, clock, office
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.i18n import _, set_language
from tui_kecamatan.screens.base import DataChanged, OfficeScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.screens.shell.help import OfficeCommands, OfficePalette
from tui_kecamatan.screens.shell.lock import LockScreen

# The first screen of each way the program starts; "office" picks setup, login or home.
MODE_SCREENS = {"display": "board", "kiosk": "kiosk"}
# Names people write for the 16-colour theme, and what Textual calls it.
THEME_ALIASES = {"textual-ansi": "ansi-dark", "ansi": "ansi-dark"}
DEFAULT_THEME = "textual-dark"
DATA_POLL_SECONDS = 0.5


class DatabaseChanged(Message):
    """PRAGMA data_version moved: some connection, in any process, committed a change."""


class StartScreen(Message):
    """Open the first screen, chosen off the event loop."""

    def __init__(self, screen_name: str) -> None:
        super().__init__()
        self.screen_name = screen_name


def _screen_allows(screen: Screen | None, hook: str) -> bool:
    """Ask the screen on top (AppScreen.allow_quit / allow_palette); other screens, such as
    Textual's own, allow everything."""
    answer = getattr(screen, hook, None)
    return answer() if callable(answer) else True


def choose_theme(wanted: str, available: set[str], term: str | None) -> str:
    """The theme to use: aliases resolved, unknown names replaced by the default, and the default
    replaced by ansi-dark on the Linux console, which has 16 colours."""
    name = THEME_ALIASES.get(wanted, wanted)
    if name not in available:
        name = DEFAULT_THEME
    if name == DEFAULT_THEME and term == "linux":
        name = "ansi-dark"
    return name


def frame_style(ascii_borders: bool, term: str | None) -> str:
    """The border of panels and dialogs ($frame): ascii when configured; square on the Linux
    console, whose fonts have the old PC box corners but not the rounded ones."""
    if ascii_borders:
        return "ascii"
    return "solid" if term == "linux" else "round"


class KecamatanApp(App[int]):
    """tui-kecamatan. Session state: `actor`, `config`, `counter_number`, `database`."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-kecamatan"
    COMMANDS = {OfficeCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", _("Keluar"), priority=True, id="quit"),
        Binding("ctrl+p", "command_palette", _("Perintah"), priority=True, id="palette"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, config: Config, db: SqliteDatabase, *, actor: Actor | None = None, mode: str = "office") -> None:
        set_language(config.lang)
        clock.configure(config.timezone)
        self.config = config
        self.frame_border = frame_style(config.ascii_borders, os.environ.get("TERM"))  # read during App.__init__
        super().__init__()
        self.database = db
        self.actor = actor
        self.mode = mode
        self.counter_number = config.counter
        self.idle_lock_seconds: float = config.idle_lock_minutes * 60  # 0 = never lock
        self.data_generation = 0
        self._last_input = time.monotonic()
        self._stop_watching = threading.Event()

    # --- start -----------------------------------------------------------------------------

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        variables["frame"] = self.frame_border
        return variables

    def on_mount(self) -> None:
        wanted = self.config.theme
        self.theme = choose_theme(wanted, set(self.available_themes), os.environ.get("TERM"))
        if THEME_ALIASES.get(wanted, wanted) not in self.available_themes:
            self.notify(_("Tema {theme} tidak dikenal; memakai {used}.").format(theme=wanted, used=self.theme), markup=False)
        self.set_interval(0.25, self._check_idle)
        self._watch_data_version()
        if self.mode in MODE_SCREENS:
            self.post_message(StartScreen(MODE_SCREENS[self.mode]))
        else:
            self._choose_first_screen()

    @work(thread=True, group="start")
    def _choose_first_screen(self) -> None:
        with self.database.connection_context():
            ready = office.is_configured() and accounts.count_staff() > 0
        self.post_message(StartScreen("home" if ready and self.actor else "login" if ready else "setup"))

    @on(StartScreen)
    def _start(self, message: StartScreen) -> None:
        screen_class = screens.screen_class(message.screen_name)
        if screen_class is None:
            title = screens.title(message.screen_name)
            self.exit(1, return_code=1, message=_("{title} belum tersedia di versi ini.").format(title=title))
            return
        self.push_screen(screen_class())

    # --- changes made by any process -------------------------------------------------------

    @work(thread=True, group="data-version", exit_on_error=False)
    def _watch_data_version(self) -> None:
        """Poll PRAGMA data_version on a connection of its own: it changes whenever another
        connection commits, whichever process that connection belongs to."""
        path = self.database.database
        if not path or path == ":memory:":
            return
        worker = get_current_worker()
        connection = sqlite3.connect(path, timeout=2, check_same_thread=False)
        try:
            last = None
            while not worker.is_cancelled and not self._stop_watching.is_set():
                try:
                    version = connection.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    version = last  # busy or briefly unavailable: try again next round
                if last is not None and version != last:
                    self.post_message(DatabaseChanged())
                last = version
                self._stop_watching.wait(DATA_POLL_SECONDS)
        finally:
            connection.close()

    @on(DatabaseChanged)
    def _database_changed(self) -> None:
        self.data_generation += 1
        self.screen.post_message(DataChanged(self.data_generation))

    async def action_quit(self) -> None:
        self._stop_watching.set()
        await super().action_quit()

    def action_help_quit(self) -> None:
        self.notify(_("Tekan Ctrl+Q untuk keluar."))

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(OfficePalette(placeholder=_("Cari perintah…"), id="--command-palette"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The screen on top decides (see AppScreen.allow_quit): the kiosk keeps both keys from
        # citizens, the lock screen keeps the palette from whoever finds the desk.
        top = self.screen_stack[-1] if self.screen_stack else None
        if action in ("quit", "help_quit"):
            return _screen_allows(top, "allow_quit")
        if action == "command_palette":
            return _screen_allows(top, "allow_palette")
        return True

    # --- idle lock -------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollUp, events.MouseScrollDown)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    @property
    def is_locked(self) -> bool:
        return any(isinstance(screen, LockScreen) for screen in self.screen_stack)

    @property
    def idle_lock_applies(self) -> bool:
        """False while a screen that opts out of the idle lock (the board, the kiosk) is open."""
        return all(getattr(screen, "IDLE_LOCK", True) for screen in self.screen_stack)

    def _check_idle(self) -> None:
        if self.actor is None or self.idle_lock_seconds <= 0 or self.is_locked or not self.idle_lock_applies:
            return
        if time.monotonic() - self._last_input >= self.idle_lock_seconds:
            self.lock()

    def lock(self) -> None:
        """Cover everything with the lock screen; the screens below keep their state."""
        if self.actor is not None and not self.is_locked:
            self.push_screen(LockScreen())

    # --- navigation ------------------------------------------------------------------------

    def open_screen(self, name: str) -> None:
        """Open a screen by registry name on top of home (F2-F9 and the command palette)."""
        if name == "admin" and not (self.actor and self.actor.can(Role.ADMIN)):
            self.notify(_("Menu admin hanya untuk petugas berperan admin."), severity="error")
            return
        screen_class = screens.screen_class(name)
        if screen_class is None:
            self.notify(_("{title} belum tersedia di versi ini.").format(title=screens.title(name)), severity="warning")
            return
        self._navigate(screen_class)

    @work(group="navigate", exclusive=True)
    async def _navigate(self, screen_class) -> None:
        if not await self._may_leave():
            return
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.push_screen(screen_class())

    async def _may_leave(self) -> bool:
        current = self.screen
        if isinstance(current, OfficeScreen) and current.has_unsaved_changes():
            question = _("Tinggalkan layar ini? Isian yang belum disimpan akan hilang.")
            return bool(await self.push_screen_wait(ConfirmScreen(question)))
        return True

    def can_go_back(self, screen) -> bool:
        return screen is self.screen and len(self.screen_stack) > 2

    @work(group="navigate", exclusive=True)
    async def go_back(self, screen) -> None:
        if self.can_go_back(screen) and await self._may_leave():
            await self.pop_screen()

    def after_login(self, actor: Actor) -> None:
        self.actor = actor
        self._last_input = time.monotonic()
        self._replace_all("home")

    def show_login(self) -> None:
        self._replace_all("login")

    def logout(self) -> None:
        self.actor = None
        self._replace_all("login")

    @work(group="navigate", exclusive=True)
    async def _replace_all(self, name: str) -> None:
        screen_class = screens.screen_class(name)
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.switch_screen(screen_class())


def run_app(config: Config, db: SqliteDatabase, *, actor: Actor | None = None, mode: str = "office") -> int:
    """Run the app until the user quits; return the exit status."""
    if mode != "office":
        name = MODE_SCREENS.get(mode, mode)
        if screens.screen_class(name) is None:
            print(_("{title} belum tersedia di versi ini.").format(title=screens.title(name)), file=sys.stderr)
            return 1
    app = KecamatanApp(config, db, actor=actor, mode=mode)
    app.run()
    return app.return_code or 0
