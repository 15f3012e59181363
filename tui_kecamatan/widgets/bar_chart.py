"""A bar chart drawn in terminal characters: one column of block characters per bar, its count
on top and its label under it, readable without colour (heights and numbers, never hues).

    chart = BarChart(rows=6, empty=_("Belum ada nomor antrian."))
    chart.show([ChartBar("08", 3), ChartBar("09", 3), ChartBar("10", 1)])

The bars share the widget's width: up to `max_slot` cells each (the bar and a gap). When a count
is wider than its bar's room (31 days in 78 columns), the counts leave the bars: a scale on the
left gives the tallest bar's count, and the counts that are not zero follow under the chart
("1 Des: 112"), so every figure is still written out. Bars too many for one row (a range of
months) continue on further rows drawn to the same scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from tui_kecamatan.widgets.format import pack_lines

# Eighths of a cell, from empty to full.
BLOCKS = " ▁▂▃▄▅▆▇█"
MIN_SLOT = 2  # a one-cell bar and a one-cell gap


@dataclass(frozen=True)
class ChartBar:
    label: str  # under the bar: "08", "1"
    count: int
    name: str = ""  # in the list of counts when they do not fit on the bars ("1 Des"); the label if empty


@dataclass(frozen=True)
class _Plan:
    slot: int  # cells per bar, gap included
    bar_width: int
    axis: int  # cells of the scale on the left (0 when the counts stand on the bars)
    per_row: int  # bars per row of the chart

    @property
    def counts_on_bars(self) -> bool:
        return self.axis == 0


def eighths(count: int, top: int, rows: int) -> int:
    """The height of a bar in eighths of a cell: in proportion to the tallest, and at least one
    eighth for any count above zero (a small count never looks like none)."""
    if count <= 0 or top <= 0:
        return 0
    return max(1, round(count / top * rows * 8))


def _plan(counts: Sequence[int], width: int, max_slot: int) -> _Plan:
    n = max(1, len(counts))
    widest = max((len(str(c)) for c in counts), default=1)
    slot = min(max_slot, width // n)
    if slot >= MIN_SLOT and widest <= slot - 1:
        return _Plan(slot, _bar_width(slot), 0, n)
    axis = len(str(max(counts, default=0))) + 1
    room = max(MIN_SLOT, width - axis)
    slot = min(max_slot, room // n)
    if slot >= MIN_SLOT:
        return _Plan(slot, _bar_width(slot), axis, n)
    return _Plan(MIN_SLOT, 1, axis, max(1, room // MIN_SLOT))


def _bar_width(slot: int) -> int:
    """The bar's cells within its slot: a two-cell gap when the slot is wide, one otherwise."""
    return slot - 2 if slot >= 5 else slot - 1


def _centred(start: int, room: int, text: str, slot: int) -> int:
    """Where `text` starts to sit centred over a bar of `room` cells at `start`, kept inside
    its slot with the slot's last cell free."""
    position = start + max(0, (room - len(text)) // 2)
    return max(start, min(position, start + slot - 1 - len(text)))


class BarChart(Widget):
    """Counts as vertical bars with their labels under them (see the module docstring)."""

    COMPONENT_CLASSES = {"bar-chart--bar", "bar-chart--count", "bar-chart--zero", "bar-chart--label", "bar-chart--empty"}

    DEFAULT_CSS = """
    BarChart {
        height: auto;
    }
    BarChart > .bar-chart--bar {
        color: $primary;
    }
    BarChart > .bar-chart--count {
        text-style: bold;
    }
    BarChart > .bar-chart--zero {
        color: $text-muted;
    }
    BarChart > .bar-chart--label {
        color: $text-muted;
    }
    BarChart > .bar-chart--empty {
        color: $text-muted;
    }
    """

    def __init__(self, *, rows: int = 6, empty: str = "", counts_title: str = "", max_slot: int = 8,
                 id: str | None = None, classes: str | None = None) -> None:
        """`rows`: the tallest bar's height in lines; `empty`: the sentence shown when every
        count is zero; `counts_title`: the words before the list of counts (when they do not
        fit on the bars), e.g. "Jumlah per tanggal:"."""
        super().__init__(id=id, classes=classes)
        self.rows = max(1, rows)
        self.empty = empty
        self.counts_title = counts_title
        self.max_slot = max(MIN_SLOT, max_slot)
        self.bars: tuple[ChartBar, ...] = ()
        self._cache: tuple[int, list[Content]] | None = None

    def show(self, bars: Sequence[ChartBar]) -> None:
        self.bars = tuple(bars)
        self._cache = None
        self.refresh(layout=True)

    @property
    def counts_on_bars(self) -> bool:
        """Whether, at the widget's width now, each count stands on its bar."""
        return _plan([bar.count for bar in self.bars], self.content_size.width or 78, self.max_slot).counts_on_bars

    # --- drawing ---------------------------------------------------------------------------

    def lines(self, width: int) -> list[Content]:
        """The chart's lines at `width` cells."""
        if self._cache is not None and self._cache[0] == width:
            return self._cache[1]
        lines = self._draw(max(MIN_SLOT + 1, width))
        self._cache = (width, lines)
        return lines

    def _draw(self, width: int) -> list[Content]:
        counts = [bar.count for bar in self.bars]
        top = max(counts, default=0)
        if top <= 0:
            return [Content.styled(self.empty, self.get_visual_style("bar-chart--empty"))] if self.empty else []
        plan = _plan(counts, width, self.max_slot)
        lines: list[Content] = []
        for first in range(0, len(self.bars), plan.per_row):
            if lines:
                lines.append(Content(""))
            lines.extend(self._draw_row(self.bars[first:first + plan.per_row], top, plan))
        if not plan.counts_on_bars:
            lines.append(Content(""))
            lines.extend(self._count_list(width))
        return lines

    def _draw_row(self, bars: Sequence[ChartBar], top: int, plan: _Plan) -> list[Content]:
        bar_style = self.get_visual_style("bar-chart--bar")
        count_style = self.get_visual_style("bar-chart--count")
        zero_style = self.get_visual_style("bar-chart--zero")
        label_style = self.get_visual_style("bar-chart--label")
        height = self.rows + (1 if plan.counts_on_bars else 0)
        width = plan.axis + plan.slot * len(bars)
        grid: list[list[tuple[str, object]]] = [[(" ", None)] * width for _row in range(height)]
        labels: list[tuple[str, object]] = [(" ", None)] * width

        def put(row: list, start: int, text: str, style) -> None:
            for offset, char in enumerate(text):
                if 0 <= start + offset < len(row):
                    row[start + offset] = (char, style)

        if not plan.counts_on_bars:
            scale = str(top).rjust(plan.axis - 1)
            put(grid[0], 0, scale, label_style)
            put(grid[height - 1], 0, "0".rjust(plan.axis - 1), label_style)
        last_label_end = -2
        for index, bar in enumerate(bars):
            start = plan.axis + index * plan.slot
            level = eighths(bar.count, top, self.rows)
            for row in range(height):
                above = (height - 1 - row) * 8  # eighths below this line
                if level >= above + 8:
                    put(grid[row], start, BLOCKS[8] * plan.bar_width, bar_style)
                elif level > above:
                    put(grid[row], start, BLOCKS[level - above] * plan.bar_width, bar_style)
            if plan.counts_on_bars:
                text = str(bar.count)
                row = height - 1 - math.ceil(level / 8)
                put(grid[row], _centred(start, plan.bar_width, text, plan.slot), text,
                    count_style if bar.count else zero_style)
            label = bar.label[: max(1, plan.slot * 2)]
            position = _centred(start, plan.bar_width, label, plan.slot) if len(label) < plan.slot else start
            if position >= last_label_end + 2:
                put(labels, position, label, label_style)
                last_label_end = position + len(label) - 1
        return [self._join(row) for row in (*grid, labels)]

    @staticmethod
    def _join(cells: Sequence[tuple[str, object]]) -> Content:
        """One line from (character, style) cells, runs of one style joined."""
        parts: list[tuple[str, object]] = []
        for char, style in cells:
            if parts and parts[-1][1] is style:
                parts[-1] = (parts[-1][0] + char, style)
            else:
                parts.append((char, style))
        return Content.assemble(*((text, style) if style is not None else text for text, style in parts)).rstrip()

    def _count_list(self, width: int) -> list[Content]:
        """The counts that are not zero, written out: "1 Des: 7   7 Des: 1"."""
        label_style = self.get_visual_style("bar-chart--label")
        items = [Content.assemble((f"{bar.name or bar.label}:", label_style), " ", (str(bar.count), "bold"))
                 for bar in self.bars if bar.count]
        if self.counts_title:
            items.insert(0, Content(self.counts_title))
        return pack_lines(items, width, 3)

    # --- Textual ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._cache = None  # the lines hold the styles of the theme they were drawn in
        super().notify_style_update()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))
