"""A small read-only table drawn as text: fixed columns, one flexible column, no cursor; and the
columns and cell fitting it shares with `widgets.row_table.RowTable` (the same, with a row cursor)."""

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


def column_widths(columns: Sequence[Column], room: int, minimum: int = 0) -> list[int]:
    """The columns' widths in `room` cells: fixed widths as given, the flexible columns sharing
    what is left equally (at least `minimum` each)."""
    fixed = sum(c.width or 0 for c in columns)
    flexible = [c for c in columns if c.width is None]
    share = max(minimum, (room - fixed) // len(flexible)) if flexible else 0
    return [c.width if c.width is not None else share for c in columns]


def fit_cell(cell: Cell, width: int, align: str = "left", pad: bool = True) -> Content:
    """A cell shown literally (a `str` becomes `Content`), cut with an ellipsis at `width`, and
    padded to it on the side `align` leaves free when `pad`."""
    content = cell if isinstance(cell, Content) else Content(str(cell))
    content = content.truncate(max(0, width), ellipsis=True)
    if not pad:
        return content
    spare = max(0, width - content.cell_length)
    return content.pad_left(spare) if align == "right" else content.pad_right(spare)


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
        fixed = sum(c.width or 0 for c in self.columns)
        gaps = len(self.columns) - 1
        return column_widths(self.columns, max(fixed, width - gaps))

    def _line(self, cells: Sequence[Cell], widths: list[int], style: str | VisualStyle = "") -> Content:
        parts = [fit_cell(cell, width, column.align) for column, width, cell in zip(self.columns, widths, cells)]
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
