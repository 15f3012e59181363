"""A footer that wraps the screen's keys onto as many lines as they need, so every key shows at 80 columns."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.format import pack_lines

GAP = 2

# What Textual's own widgets call their keys (Select's open menu, the command palette, an input,
# a table...), in the words of the interface. The key bar, the F1 help and the command palette
# show a key's description through `key_description`, so these never appear in English.
TEXTUAL_KEYS = {
    "Dismiss menu": "Tutup pilihan", "Show menu": "Buka pilihan", "Exit the command palette": "Tutup perintah",
    "Next command": "Perintah berikutnya", "Previous command": "Perintah sebelumnya", "Next page": "Halaman berikutnya",
    "Previous page": "Halaman sebelumnya", "Go to top": "Ke awal", "Go to bottom": "Ke akhir", "Open link": "Buka tautan",
    "Submit": "Kirim", "Select": "Pilih", "Select all": "Pilih semua", "Toggle": "Centang/hapus centang",
    "Toggle option": "Centang/hapus centang", "Press button": "Tekan tombol", "Next option": "Pilihan berikutnya",
    "Previous option": "Pilihan sebelumnya", "Next tab": "Tab berikutnya", "Previous tab": "Tab sebelumnya",
    "Focus Next": "Kolom berikutnya", "Focus Previous": "Kolom sebelumnya", "Quit": "Keluar",
    "Copy": "Salin", "Copy selected text": "Salin teks terpilih", "Cut": "Potong", "Cut selected text": "Potong teks terpilih",
    "Paste": "Tempel", "Paste text from the clipboard": "Tempel dari papan klip", "Undo": "Batalkan ketikan",
    "Redo": "Ulangi ketikan", "Up": "Ke atas", "Down": "Ke bawah", "First": "Pertama", "Last": "Terakhir",
    "Top": "Ke awal", "Bottom": "Ke akhir", "Home": "Ke awal", "End": "Ke akhir",
    "Page Up": "Halaman sebelumnya", "Page Down": "Halaman berikutnya", "Page up": "Halaman sebelumnya",
    "Page down": "Halaman berikutnya", "Page Left": "Geser ke kiri", "Page Right": "Geser ke kanan",
    "Scroll Up": "Gulir ke atas", "Scroll Down": "Gulir ke bawah", "Scroll Left": "Gulir ke kiri",
    "Scroll Right": "Gulir ke kanan", "Scroll Home": "Gulir ke awal", "Scroll End": "Gulir ke akhir",
    "Cursor up": "Kursor ke atas", "Cursor down": "Kursor ke bawah", "Cursor left": "Kursor ke kiri",
    "Cursor right": "Kursor ke kanan", "Cursor Up": "Kursor ke atas", "Cursor Down": "Kursor ke bawah",
    "Move cursor left": "Kursor ke kiri", "Move cursor right or accept the completion suggestion": "Kursor ke kanan",
    "Go to start": "Ke awal baris", "Go to end": "Ke akhir baris", "Delete character left": "Hapus huruf di kiri",
    "Delete character right": "Hapus huruf di kanan", "Delete all to the left": "Hapus semua di kiri",
    "Delete all to the right": "Hapus semua di kanan", "Delete left to start of word": "Hapus kata di kiri",
    "Delete right to start of word": "Hapus kata di kanan", "Delete line": "Hapus baris",
    "Expand or collapse all": "Buka/tutup semua", "Toggle collapsible": "Buka/tutup",
}


def key_description(description: str) -> str:
    """A key's description as the interface shows it (Textual's English ones in Indonesian)."""
    return _(TEXTUAL_KEYS[description]) if description in TEXTUAL_KEYS else description


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

    def on_resize(self) -> None:
        """Notifications stand just above the keys, so they never cover one."""
        for rack in self.screen.query("#textual-toastrack"):
            rack.styles.margin = (0, 0, self.outer_size.height, 0)

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
        item = Content.assemble((key, "bold $footer-key-foreground"), " ", key_description(binding.description))
        return item if enabled else item.stylize("dim")

    def _lines(self, width: int) -> list[Content]:
        return pack_lines(self._items(), width, GAP)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_size.width))
