"""F1 help and the command palette: both list what the keys of the current screen do."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import Dialog, DialogBox

KEY_WIDTH = 12
DESCRIPTION_WIDTH = 52
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
        row = KeyRow(app.get_key_display(binding), binding.description, enabled, binding.action, node)
        if (row.key, row.description) in seen:
            continue
        seen.add((row.key, row.description))
        if binding.action in GENERIC_ACTIONS:
            generic.append(row)
        else:
            (own if node is screen else global_ if node is app else widgets).append(row)
    return own + widgets + global_ + generic


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
    HelpScreen DataTable {
        height: auto;
        max-height: 18;
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("f1", "close", _("Tutup"), show=False),
        Binding("q", "close", _("Tutup"), show=False),
    ]

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
            box.border_subtitle = _("esc Tutup")
            if self.about:
                yield Static(self.about.strip(), id="help-about", markup=False)
            table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="help-keys")
            # Fixed widths: the table would otherwise size its columns by the headers alone.
            table.add_column(_("Tombol"), key="key", width=KEY_WIDTH)
            table.add_column(_("Fungsi"), key="description", width=DESCRIPTION_WIDTH)
            for row in self.rows:
                description = Content(row.description)
                if not row.enabled:
                    description = Content.assemble(description, (" " + _("(tidak tersedia sekarang)"), "dim"))
                table.add_row(Content.styled(row.key, "bold $accent"), description)
            yield table

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
        return commands

    async def discover(self) -> Hits:
        for title, key, run in self._commands():
            yield DiscoveryHit(title, run, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, key, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=key)


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
