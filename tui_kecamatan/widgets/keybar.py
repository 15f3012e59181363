"""A footer that wraps the screen's keys onto as many lines as they need, so every key shows at 80 columns."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from tui_kecamatan.widgets.format import pack_lines

GAP = 2


class KeyBar(Widget):
    """The keys of the active screen (bindings with `show=True`), key then description.

    Unlike Textual's Footer, which scrolls sideways when the keys do not fit, this bar wraps
    them, so an 80-column terminal still shows every key. Disabled keys are dimmed.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh(layout=True)

    def _items(self) -> list[Content]:
        seen: set[str] = set()
        items: list[Content] = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append(self._item(binding, enabled))
        return items

    def _item(self, binding: Binding, enabled: bool) -> Content:
        key = self.app.get_key_display(binding)
        item = Content.assemble((key, "bold $footer-key-foreground"), " ", binding.description)
        return item if enabled else item.stylize("dim")

    def _lines(self, width: int) -> list[Content]:
        return pack_lines(self._items(), width, GAP)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_size.width))
