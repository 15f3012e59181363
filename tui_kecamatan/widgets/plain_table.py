"""A small read-only table drawn as text: fixed columns, one flexible column, no cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

from textual.content import Content
from textual.geometry import Size
from textual.style import Style as VisualStyle
from textual.widget import Widget

Cell = Union[str, Content]


@dataclass(frozen=True)
class Column:
    header: str
    width: int | None = None  # None: this column takes the width the others leave
    align: str = "left"  # left | right


class PlainTable(Widget):
    """Figures in columns that fit the widget's width; long text ends in an ellipsis.

    A `str` cell is shown literally (people's text is safe in it); pass `Content` to style a
    cell, e.g. `Content.styled("ditunda", "$warning")`. Muted text needs the stylesheet: a
    Content style cannot use `$text-muted` (an "auto" colour), hence the header's component class.
    """

    COMPONENT_CLASSES = {"plain-table--header"}

    DEFAULT_CSS = """
    PlainTable {
        height: auto;
    }
    PlainTable > .plain-table--header {
        color: $text-muted;
        text-style: bold;
    }
    """

    def __init__(self, columns: Sequence[Column], *, show_header: bool = True, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = tuple(columns)
        self.show_header = show_header
        self.rows: list[tuple[Cell, ...]] = []
        self.footer: tuple[Cell, ...] | None = None

    def set_rows(self, rows: Sequence[Sequence[Cell]], footer: Sequence[Cell] | None = None) -> None:
        self.rows = [tuple(row) for row in rows]
        self.footer = tuple(footer) if footer is not None else None
        self.refresh(layout=True)

    def _widths(self, width: int) -> list[int]:
        gaps = len(self.columns) - 1
        fixed = sum(c.width or 0 for c in self.columns)
        flexible = [c for c in self.columns if c.width is None]
        spare = max(0, width - fixed - gaps)
        share = spare // len(flexible) if flexible else 0
        return [c.width if c.width is not None else share for c in self.columns]

    def _line(self, cells: Sequence[Cell], widths: list[int], style: str | VisualStyle = "") -> Content:
        parts: list[Content] = []
        for column, width, cell in zip(self.columns, widths, cells):
            content = cell if isinstance(cell, Content) else Content(str(cell))
            content = content.truncate(width, ellipsis=True)
            pad = max(0, width - content.cell_length)
            parts.append(content.pad_left(pad) if column.align == "right" else content.pad_right(pad))
        line = Content(" ").join(parts)
        return line.stylize(style) if style else line

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return int(self.show_header) + len(self.rows) + (1 if self.footer is not None else 0)

    def render(self) -> Content:
        widths = self._widths(self.content_size.width)
        lines: list[Content] = []
        if self.show_header:
            header_style = self.get_visual_style("plain-table--header")
            lines.append(self._line([c.header for c in self.columns], widths, header_style))
        lines.extend(self._line(row, widths) for row in self.rows)
        if self.footer is not None:
            lines.append(self._line(self.footer, widths, "bold"))
        return Content("\n").join(lines)
