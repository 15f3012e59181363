"""The Textual application: applies the per-machine config, watches the database for changes
made by any process, locks an idle desk, and moves between the screens named in
`tui_kecamatan.screens.SCREENS` (add a screen there, in one line)."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.screen import Screen
from textual.worker import WorkerFailed

from tui_kecamatan import logs, screens
from tui_kecamatan.config import Config
from tui_kecamatan.core import accounts, backup, clock, office, presence
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.db import health
from tui_kecamatan.db.connection import DataVersionWatcher
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import DataChanged, OfficeScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.screens.shell.help import OfficeCommands, OfficePalette
from tui_kecamatan.screens.shell.lock import LockScreen
from tui_kecamatan.widgets.db_work import DatabaseWork

# The first screen of each way the program starts; "office" picks setup, login or home.
MODE_SCREENS = {"display": "board", "kiosk": "kiosk"}
# Names people write for the 16-colour theme, and what Textual calls it.
THEME_ALIASES = {"textual-ansi": "ansi-dark", "ansi": "ansi-dark"}
DEFAULT_THEME = "textual-dark"
DATA_POLL_SECONDS = 0.5
# The office sections, each a mode of its own after login (see "sections" below).
HOME = "home"
LOGIN = "login"
SECTIONS = (HOME, "queue", "intake", "search", "pickup", "reports", "admin")
UNUSED_KEYS = ("f7", "f8", "f10", "f11")
# Notifications on screen at once; more would cover the queue list and the keys.
MAX_NOTIFICATIONS = 2
SEVERITY_RANK = {"information": 0, "warning": 1, "error": 2}
# A damaged database is said on the first screen and stays there (until a restore and restart).
DAMAGE_NOTICE_SECONDS = 24 * 3600


def _office_ready() -> bool:
    return office.is_configured() and accounts.count_staff() > 0


def notification_kind(notification: Notification) -> tuple[str, str]:
    """Notifications of one kind replace each other: the same severity and title or, without a
    title, the same sentence (the same refusal said twice shows once)."""
    return notification.severity, str(notification.title or notification.message)


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


class KecamatanApp(DatabaseWork, App[int]):
    """tui-kecamatan. Session state: `actor`, `config`, `counter_number`, `database`."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-kecamatan"
    COMMANDS = {OfficeCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", _("Keluar"), priority=True, id="quit"),
        Binding("ctrl+p", "command_palette", _("Perintah"), priority=True, id="palette"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        # Function keys no office screen binds: pressed by habit, they say so instead of nothing.
        *[Binding(key, f"unused_key('{key}')", "", show=False) for key in UNUSED_KEYS],
    ]

    def __init__(self, config: Config, db: Any, *, actor: Actor | None = None, mode: str = "office",
                 daily_backup: bool = False) -> None:
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
        self._watcher: DataVersionWatcher | None = None
        self._sections: list[str] = []  # the modes registered after login
        self.unexpected_error: BaseException | None = None  # what ended the app, if anything did
        self._daily_backup_due = daily_backup  # run_app: the day's automatic backup after the first screen

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
        self._check_database()
        self.keep_presence()
        self.set_interval(presence.REFRESH_SECONDS, self.keep_presence_row)
        if self.mode in MODE_SCREENS:
            self.post_message(StartScreen(MODE_SCREENS[self.mode]))
        else:
            self._choose_first_screen()

    @work(group="health")
    async def _check_database(self) -> None:
        """A quick check of the database file beside the first screen (not before it): damage
        is said at once and stays on screen; writes are refused until a restore (db/health.py)."""
        damage = await self.db(health.startup_check, self.database.database)
        if damage:
            self.notify(damage, severity="error", markup=False, timeout=DAMAGE_NOTICE_SECONDS)

    @work(group="start")
    async def _choose_first_screen(self) -> None:
        ready = await self.db(_office_ready)
        if ready and self.actor is not None:
            await self._open_sections()
            self.call_after_refresh(self.backup_daily)
        else:
            self.post_message(StartScreen("login" if ready else "setup"))

    @on(StartScreen)
    def _start(self, message: StartScreen) -> None:
        self.push_screen(screens.screen_class(message.screen_name)())
        self.call_after_refresh(self.backup_daily)

    # --- changes made by any process -------------------------------------------------------

    def _watch_data_version(self) -> None:
        """Tell the active screen whenever any connection, in any process, commits a change."""
        self._watcher = DataVersionWatcher(self.database.database, lambda: self.post_message(DatabaseChanged()),
                                           interval=DATA_POLL_SECONDS)
        self._watcher.start()

    # --- who is working (restore waits for them, the admin screen lists them) ------------------

    @property
    def station(self) -> str:
        """This desk's name in the list of sessions and in the login log ("loket-1")."""
        return f"loket-{self.counter_number}"

    @work(group="presence", exclusive=True)
    async def keep_presence(self) -> None:
        """Record this desk, board or kiosk as running, with who is logged in: at start, and at
        each login and logout."""
        kind = {"display": "board", "kiosk": "kiosk"}.get(self.mode, "app")
        station = self.station if kind == "app" else ""
        actor = self.actor
        try:
            await self.db(presence.register, kind, station=station, actor=actor.username if actor else "",
                          staff_id=actor.id if actor else None)
        except AppError:
            # Not worth a notification at the desk every half minute: the work itself says
            # when the database cannot be used.
            logging.getLogger(__name__).warning("this desk's presence was not recorded", exc_info=True)

    @work(group="presence", exclusive=True)
    async def keep_presence_row(self) -> None:
        """Put this desk's row back if a restore took it away (a read, and a write only then)."""
        try:
            await self.db(presence.keep)
        except AppError:
            logging.getLogger(__name__).warning("this desk's presence was not checked", exc_info=True)

    @work(group="daily-backup")
    async def backup_daily(self) -> None:
        """The day's automatic backup (core/backup.daily_backup) once the first screen is up, by
        whichever desk opens the app first that day: silent when made, a warning when skipped or
        failed; the desk never waits for it."""
        if not self._daily_backup_due:
            return
        self._daily_backup_due = False
        if not await self.db(_office_ready):
            return
        try:
            outcome = await self.db(backup.daily_backup, self.database, self.database.database, self.config.backup)
        except AppError as exc:
            outcome = _("Cadangan harian gagal: {reason}").format(reason=exc)
        if isinstance(outcome, str):
            self.notify(outcome, severity="warning", markup=False, timeout=20)

    @on(DatabaseChanged)
    def _database_changed(self) -> None:
        self.data_generation += 1
        if self.screen_stack:  # a change committed elsewhere while this app is still starting
            self.screen.post_message(DataChanged(self.data_generation))

    async def action_quit(self) -> None:
        self._quit_after_asking()

    @work(group="navigate", exclusive=True)
    async def _quit_after_asking(self) -> None:
        if await self._may_discard_input():
            self.exit()

    async def _on_exit_app(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        await super()._on_exit_app()

    # --- unexpected errors -------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An exception nothing caught: its traceback goes to the log, never to the terminal.

        A worker's (a database call, a print) is one error notification, and the desk goes on.
        Any other ends the app without a traceback; `run_app` then says so in one sentence with
        the log's path. Under Pilot the first one is still raised when the test ends, so a test
        never passes over it."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        logs.log_unexpected(cause, "the app")
        if self._exception is None:
            self._exception = cause  # type: ignore[assignment]
        if isinstance(error, WorkerFailed) and self.is_running and not self._exit:
            self.notify(logs.unexpected_sentence(cause), severity="error", markup=False, timeout=15)
            return
        if self.unexpected_error is None:
            self.unexpected_error = cause
        self._exception_event.set()
        self._return_code = 1
        self._close_messages_no_wait()

    @on(Notify)
    def _make_room(self, event: Notify) -> None:
        """Before Textual shows a new notification: the older one of its kind goes, and at most
        MAX_NOTIFICATIONS stay, the least severe and oldest leaving first."""
        new = event.notification
        kept = []
        for shown in list(self._notifications):
            if notification_kind(shown) == notification_kind(new):
                self._unnotify(shown, refresh=False)
            else:
                kept.append(shown)
        kept.sort(key=lambda shown: (SEVERITY_RANK.get(shown.severity, 0), shown.raised_at))
        for shown in kept[: max(0, len(kept) - (MAX_NOTIFICATIONS - 1))]:
            self._unnotify(shown, refresh=False)

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
        if action == "unused_key":
            # Only on the office screens, and only where the screen has no key of its own for it
            # (a key of its own that cannot act now answers for itself, see run_action).
            key = str(parameters[0]) if parameters else ""
            return isinstance(top, OfficeScreen) and not any(
                key in bindings.key_to_bindings for node, bindings in top._modal_binding_chain if node is not self)
        return True

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Textual's run_action, except that a key its screen greys out (check_action answering
        None) says why in the screen's sentence (`why_not(action, parameters)`), not nothing."""
        target, name, parameters = self._parse_action(action, self if default_namespace is None else default_namespace,
                                                      namespaces)
        if target.check_action(name, parameters) is None:
            why_not = getattr(target, "why_not", None)
            sentence = why_not(name, parameters) if callable(why_not) else None
            if sentence:
                self.notify(sentence, severity="warning", markup=False)
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def action_unused_key(self, key: str) -> None:
        if key == "f8":
            sentence = _("F8 memanggil nomor antrian berikutnya di layar Antrian; buka layar itu dengan F2.")
        else:
            sentence = _("Tombol {key} tidak dipakai di layar ini; tombol yang dapat dipakai tertulis di baris bawah.").format(
                key=key.upper())
        self.notify(sentence, severity="warning", markup=False)

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

    # --- sections ---------------------------------------------------------------------------
    #
    # After login each office section (home, and what F2-F9 open) is a Textual mode with a stack
    # of its own, so moving between sections keeps each one as it was left: a half-typed intake
    # survives F2 to call the next ticket and F3 back, and so do search results and the queue.
    # Setup, the first login, the board and the kiosk stay in Textual's default mode.

    def open_screen(self, name: str) -> None:
        """Show a section by registry name (F2-F9 and the command palette), as it was left."""
        if name == "admin" and not (self.actor and self.actor.can(Role.ADMIN)):
            self.notify(_("Menu admin hanya untuk petugas berperan admin."), severity="error")
            return
        if name == "reports" and not (self.actor and self.actor.can(Role.SUPERVISOR)):
            self.notify(_("Rekap hanya untuk supervisor dan admin."), severity="error")
            return
        if name not in self._sections:
            self.notify(_("{title} belum tersedia di versi ini.").format(title=screens.title(name)), severity="warning")
            return
        self.switch_mode(name)

    def can_go_back(self, screen) -> bool:
        """Esc goes back within a section, then from a section to home."""
        if screen is not self.screen:
            return False
        return len(self.screen_stack) > 1 or self.current_mode in self._sections and self.current_mode != HOME

    @work(group="navigate", exclusive=True)
    async def go_back(self, screen) -> None:
        if not self.can_go_back(screen):
            return
        if len(self.screen_stack) > 1:
            if await self._may_leave(self.screen):
                await self.pop_screen()
        else:
            self.switch_mode(HOME)

    async def _may_leave(self, screen) -> bool:
        """Closing a screen that holds typed input asks first."""
        if isinstance(screen, OfficeScreen) and screen.has_unsaved_changes():
            question = _("Tinggalkan layar ini? Isian yang belum disimpan akan hilang.")
            return bool(await self.push_screen_wait(ConfirmScreen(question)))
        return True

    async def _may_discard_input(self) -> bool:
        """Before logging out or quitting: ask when any section still holds typed input."""
        unsaved = [screen for screen in self._section_screens()
                   if isinstance(screen, OfficeScreen) and screen.has_unsaved_changes()]
        if unsaved:
            question = _("Masih ada isian yang belum disimpan. Tetap keluar? Isian itu akan hilang.")
            if not await self.push_screen_wait(ConfirmScreen(question)):
                return False
            for screen in unsaved:  # a form kept as a draft (intake) lets it go as well
                discard = getattr(screen, "discard_input", None)
                if discard is not None:
                    await discard()
        return True

    def _section_screens(self) -> list[Screen]:
        return [screen for mode in self._sections for screen in self._screen_stacks.get(mode, ())]

    async def _open_sections(self) -> None:
        """Register a mode for every section this version has, and show home."""
        for name in SECTIONS:
            if name not in self._sections and screens.screen_class(name) is not None:
                self.add_mode(name, screens.screen_class(name))
                self._sections.append(name)
        await self.switch_mode(HOME)
        if LOGIN in self._modes:
            await self.remove_mode(LOGIN)  # the login screen of the last logout

    async def _show_login(self) -> None:
        """The login screen, with every section's screens (and what they held) dropped.

        Textual cannot switch back to its default mode, so after a logout the login screen has a
        mode of its own, removed again at the next login."""
        if not self._sections:
            login = screens.screen_class("login")()
            await (self.switch_screen(login) if len(self.screen_stack) > 1 else self.push_screen(login))
            return
        self.add_mode(LOGIN, screens.screen_class("login"))
        await self.switch_mode(LOGIN)
        for name in self._sections:
            await self.remove_mode(name)
        self._sections.clear()

    def after_login(self, actor: Actor) -> None:
        self.actor = actor
        self.keep_presence()
        self._last_input = time.monotonic()
        self._enter_sections()

    @work(group="navigate", exclusive=True)
    async def _enter_sections(self) -> None:
        await self._open_sections()
        # A form this person was typing when their terminal went away is offered back.
        intake = screens.screen_class("intake") if "intake" in self._sections else None
        if intake is not None and hasattr(intake, "offer_draft"):
            await intake.offer_draft(self)

    @work(group="navigate", exclusive=True)
    async def show_login(self) -> None:
        await self._show_login()

    @work(group="navigate", exclusive=True)
    async def logout(self, ask: bool = True) -> None:
        """Back to the login screen; with `ask`, typed input in any section is confirmed first
        (the lock screen's forced logout does not ask: the person at the desk is not the one who
        typed)."""
        if ask and not await self._may_discard_input():
            return
        self.actor = None
        self.keep_presence()
        await self._show_login()


def run_app(config: Config, db: Any, *, actor: Actor | None = None, mode: str = "office") -> int:
    """Run the app until the user quits; return the exit status. An unexpected error that ended
    it is raised as one sentence (its traceback is in the log)."""
    logs.setup_logging()
    app = KecamatanApp(config, db, actor=actor, mode=mode, daily_backup=True)
    app.run()
    if app.unexpected_error is not None:
        raise AppError(logs.unexpected_sentence(app.unexpected_error))
    return app.return_code or 0
