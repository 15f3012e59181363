"""F1 help and the command palette: both list what the keys of the current screen do."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon
from textual.widgets.option_list import Option
from textual.content import Content
from textual.screen import Screen
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import Dialog, DialogBox
from tui_kecamatan.widgets.keybar import key_description

KEY_WIDTH = 12
# Keys every screen has; listed in F1 help but left out of the palette, where they mean nothing.
GENERIC_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text"}
PALETTE_ACTIONS = {"command_palette", "app.command_palette"}


@dataclass(frozen=True)
class KeyRow:
    key: str
    description: str
    enabled: bool
    action: str
    namespace: object


def screen_keys(screen: Screen) -> list[KeyRow]:
    """Every key of `screen` and of the app, hidden ones included: the screen's own first, the
    keys every screen has (Tab, Ctrl+C) last.

    Keys of the focused widget appear only when the widget shows them (an input's cursor keys
    are left out); keys a screen disables right now are marked.
    """
    app = screen.app
    own: list[KeyRow] = []
    widgets: list[KeyRow] = []
    global_: list[KeyRow] = []
    generic: list[KeyRow] = []
    seen: set[tuple[str, str]] = set()
    for _key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
        if not binding.description or binding.system:
            continue
        if node is not screen and node is not app and not binding.show:
            continue
        row = KeyRow(app.get_key_display(binding), key_description(binding.description), enabled, binding.action, node)
        if (row.key, row.description) in seen:
            continue
        seen.add((row.key, row.description))
        if binding.action in GENERIC_ACTIONS:
            generic.append(row)
        else:
            (own if node is screen else global_ if node is app else widgets).append(row)
    return own + widgets + global_ + generic


class KeyTable(VerticalScroll, can_focus=True):
    """The keys in two columns that fit the dialog: a long description wraps under itself. It
    scrolls up and down only (arrows, PgUp/PgDn, Home/End), never sideways."""

    DEFAULT_CSS = """
    KeyTable {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
    }
    KeyTable > .help-header {
        height: 1;
        color: $text-muted;
        text-style: bold;
    }
    KeyTable > .help-row {
        height: auto;
    }
    KeyTable .help-key {
        width: 12;
        color: $accent;
        text-style: bold;
    }
    KeyTable .help-description {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("up", "line(-1)", _("Gulir ke atas"), show=False),
        Binding("down", "line(1)", _("Gulir ke bawah"), show=False),
        Binding("pageup", "page(-1)", _("Halaman sebelumnya"), show=False),
        Binding("pagedown", "page(1)", _("Halaman berikutnya"), show=False),
        Binding("home", "edge(0)", _("Ke awal"), show=False),
        Binding("end", "edge(1)", _("Ke akhir"), show=False),
    ]

    def __init__(self, rows: list[KeyRow], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static(Content(_("Tombol").ljust(KEY_WIDTH) + _("Fungsi")), classes="help-header")
        for row in self.rows:
            description = Content(row.description)
            if not row.enabled:
                description = Content.assemble(description, (" " + _("(tidak tersedia sekarang)"), "dim"))
            with Horizontal(classes="help-row"):
                yield Static(Content(row.key), classes="help-key")
                yield Static(description, classes="help-description")

    # Up and down only, at once (Textual's End also scrolls sideways once at the bottom).
    def action_line(self, step: int) -> None:
        self.scroll_to(y=self.scroll_y + step, animate=False)

    def action_page(self, step: int) -> None:
        self.scroll_to(y=self.scroll_y + step * max(1, self.scrollable_content_region.height - 1), animate=False)

    def action_edge(self, end: int) -> None:
        self.scroll_to(y=self.max_scroll_y if end else 0, animate=False)

    def action_scroll_left(self) -> None:
        return  # never sideways, whatever asks (a mouse wheel with Shift)

    def action_scroll_right(self) -> None:
        return


class HelpScreen(Dialog[None]):
    """The keys of the screen below, in a table; Esc, F1 or q closes it."""

    DEFAULT_CSS = """
    HelpScreen > DialogBox {
        width: 72;
    }
    HelpScreen #help-about {
        margin-bottom: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("f1", "close", _("Tutup"), show=False),
        Binding("q", "close", _("Tutup"), show=False),
    ]
    AUTO_FOCUS = "#help-keys"

    def __init__(self, rows: list[KeyRow], title: str, about: str = "") -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title
        self.about = about

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        title = getattr(screen, "TITLE", None) or screen.title or ""
        about = getattr(screen, "HELP", None) or ""
        return cls(screen_keys(screen), str(title), str(about))

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = _("Bantuan") + (f" - {self.title_text}" if self.title_text else "")
            box.border_subtitle = _("↑↓ PgUp PgDn Gulir  esc Tutup")
            if self.about:
                yield Static(self.about.strip(), id="help-about", markup=False)
            yield KeyTable(self.rows, id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)


class OfficeCommands(Provider):
    """The command palette (Ctrl+P): every key of the current screen and the app, by name."""

    def _commands(self) -> list[tuple[str, str, object]]:
        commands = []
        for row in screen_keys(self.screen):
            if not row.enabled or row.action in GENERIC_ACTIONS | PALETTE_ACTIONS:
                continue
            run = partial(self.app.run_action, row.action, row.namespace)
            commands.append((row.description, row.key, run))
        # A screen with a key of its own for one of them (the reports' j) lists it once.
        listed = {title for title, _key, _run in commands}
        commands += [command for command in self._office_commands() if command[0] not in listed]
        return commands

    def _office_commands(self) -> list[tuple[str, str, object]]:
        """Screens without a key of their own, for the roles they are meant for (core checks
        the role again): the audit trail for supervisors and admins."""
        from tui_kecamatan.core.accounts import Role
        from tui_kecamatan.screens.base import OfficeScreen

        actor = getattr(self.app, "actor", None)
        if not isinstance(self.screen, OfficeScreen) or actor is None or not actor.can(Role.SUPERVISOR):
            return []
        if type(self.screen).__name__ == "AuditScreen":
            return []
        return [(_("Jejak audit"), "", partial(open_audit, self.app))]

    async def discover(self) -> Hits:
        for title, key, run in self._commands():
            yield DiscoveryHit(title, run, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, key, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=key)


def open_audit(app) -> None:
    """The audit trail over the current screen (Esc goes back to it)."""
    from tui_kecamatan.screens.audit.viewer import AuditScreen

    app.push_screen(AuditScreen())


class OfficePalette(CommandPalette):
    """Textual's command palette with a prompt sign every terminal has, the Linux console
    included (it has no emoji)."""

    DEFAULT_CSS = """
    OfficePalette SearchIcon {
        color: $accent;
    }
    """

    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's 'No matches found', said in the interface's words."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("Tidak ada perintah yang cocok"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
