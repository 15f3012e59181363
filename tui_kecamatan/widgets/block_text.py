"""Large text for screens seen from across a room (the waiting-room board, the ticket kiosk):
a 5x7 dot font drawn with half blocks, and the scales that fit a given space."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

# A 5x7 dot font (the classic character-LCD shapes) for ticket numbers read from afar,
# drawn with half blocks so one dot is about square. Rows of five bits, top to bottom.
FONT_5X7: dict[str, tuple[str, ...]] = {
    "0": ("01110", "10001", "10001", "10001", "10001", "10001", "01110"),
    "1": ("00100", "01100", "00100", "00100", "00100", "00100", "01110"),
    "2": ("01110", "10001", "00001", "00010", "00100", "01000", "11111"),
    "3": ("11111", "00010", "00100", "00010", "00001", "10001", "01110"),
    "4": ("00010", "00110", "01010", "10010", "11111", "00010", "00010"),
    "5": ("11111", "10000", "11110", "00001", "00001", "10001", "01110"),
    "6": ("00110", "01000", "10000", "11110", "10001", "10001", "01110"),
    "7": ("11111", "00001", "00010", "00100", "01000", "01000", "01000"),
    "8": ("01110", "10001", "10001", "01110", "10001", "10001", "01110"),
    "9": ("01110", "10001", "10001", "01111", "00001", "00010", "01100"),
    "-": ("00000", "00000", "00000", "11111", "00000", "00000", "00000"),
    " ": ("00000",) * 7,
    "A": ("01110", "10001", "10001", "10001", "11111", "10001", "10001"),
    "B": ("11110", "10001", "10001", "11110", "10001", "10001", "11110"),
    "C": ("01110", "10001", "10000", "10000", "10000", "10001", "01110"),
    "D": ("11100", "10010", "10001", "10001", "10001", "10010", "11100"),
    "E": ("11111", "10000", "10000", "11110", "10000", "10000", "11111"),
    "F": ("11111", "10000", "10000", "11110", "10000", "10000", "10000"),
    "G": ("01110", "10001", "10000", "10111", "10001", "10001", "01111"),
    "H": ("10001", "10001", "10001", "11111", "10001", "10001", "10001"),
    "I": ("01110", "00100", "00100", "00100", "00100", "00100", "01110"),
    "J": ("00111", "00010", "00010", "00010", "00010", "10010", "01100"),
    "K": ("10001", "10010", "10100", "11000", "10100", "10010", "10001"),
    "L": ("10000", "10000", "10000", "10000", "10000", "10000", "11111"),
    "M": ("10001", "11011", "10101", "10101", "10001", "10001", "10001"),
    "N": ("10001", "10001", "11001", "10101", "10011", "10001", "10001"),
    "O": ("01110", "10001", "10001", "10001", "10001", "10001", "01110"),
    "P": ("11110", "10001", "10001", "11110", "10000", "10000", "10000"),
    "Q": ("01110", "10001", "10001", "10001", "10101", "10010", "01101"),
    "R": ("11110", "10001", "10001", "11110", "10100", "10010", "10001"),
    "S": ("01111", "10000", "10000", "01110", "00001", "00001", "11110"),
    "T": ("11111", "00100", "00100", "00100", "00100", "00100", "00100"),
    "U": ("10001", "10001", "10001", "10001", "10001", "10001", "01110"),
    "V": ("10001", "10001", "10001", "10001", "10001", "01010", "00100"),
    "W": ("10001", "10001", "10001", "10101", "10101", "10101", "01010"),
    "X": ("10001", "10001", "01010", "00100", "01010", "10001", "10001"),
    "Y": ("10001", "10001", "10001", "01010", "00100", "00100", "00100"),
    "Z": ("11111", "00001", "00010", "00100", "01000", "10000", "11111"),
}
GLYPH_WIDTH = 6  # five dots and a gap
GLYPH_DOTS = 7
_HALF_BLOCKS = {(False, False): " ", (True, False): "\u2580", (False, True): "\u2584", (True, True): "\u2588"}


def block_lines(text: str, scale: int = 1) -> list[str]:
    """`text` in the 5x7 dot font, each dot `scale` columns wide and `scale` half-rows high.

    Characters without a shape (anything but A-Z, 0-9, '-' and space) are left out.
    """
    glyphs = [FONT_5X7[ch] for ch in text.upper() if ch in FONT_5X7]
    if not glyphs:
        return []
    dots = [
        "".join(bit * scale for glyph in glyphs for bit in glyph[row] + "0")[: -scale]  # no gap after the last
        for row in range(GLYPH_DOTS)
        for _ in range(scale)
    ]
    if len(dots) % 2:
        dots.append("0" * len(dots[0]))
    return [
        "".join(_HALF_BLOCKS[(top == "1", bottom == "1")] for top, bottom in zip(dots[i], dots[i + 1]))
        for i in range(0, len(dots), 2)
    ]


def block_size(text: str, scale: int) -> tuple[int, int]:
    """(columns, rows) that `block_lines(text, scale)` takes."""
    count = sum(1 for ch in text.upper() if ch in FONT_5X7)
    if not count:
        return 0, 0
    return count * GLYPH_WIDTH * scale - scale, (GLYPH_DOTS * scale + 1) // 2


class BlockText(Widget):
    """Text in the large dot font, each dot `scale` cells wide; `fit_scales` picks the scale that
    fits a panel (the board uses dots of one cell at 80x24, and one line of plain text only when
    even those do not fit; Textual's Digits are not used: they have no G to Z)."""

    DEFAULT_CSS = """
    BlockText {
        width: auto;
        height: auto;
    }
    """

    text: reactive[str] = reactive("", layout=True)
    scale: reactive[int] = reactive(2, layout=True)

    def render(self) -> Content:
        return Content("\n".join(block_lines(self.text, self.scale)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return block_size(self.text, self.scale)[0]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return block_size(self.text, self.scale)[1]


def fit_scales(code: str, counter: str, width: int, height: int, *, smallest: int = 2) -> tuple[int, int] | None:
    """The largest dot scale for the code (at least `smallest`) and the one for the counter line
    below it that fit in width x height with a blank row between; None when they do not fit."""
    for scale in range(12, smallest - 1, -1):
        code_width, code_rows = block_size(code, scale)
        if code_width > width:
            continue
        if not counter:
            return (scale, 0) if code_rows <= height else None
        for counter_scale in range(scale, 0, -1):
            counter_width, counter_rows = block_size(counter, counter_scale)
            if counter_width <= width and code_rows + 1 + counter_rows <= height:
                return scale, counter_scale
    return None
