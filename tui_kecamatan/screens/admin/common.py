"""Pieces the admin sections share: a table of fixed-width columns filled from plain rows, and the
base of a section that loads through the screen's database worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable, Sequence, Union

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable

from tui_kecamatan.core.accounts import Actor
from tui_kecamatan.errors import AppError

Cell = Union[str, Content]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int | None = None  # None: the column takes what the others leave


class RowTable(DataTable):
    """A row-cursor table with fixed columns and one flexible column, filled from plain rows.

    Cells are shown literally (`str` becomes `Content`); each column keeps a one-space gap, and
    long text ends in an ellipsis instead of widening the table past the terminal.
    """

    DEFAULT_CSS = """
    RowTable {
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, columns: Sequence[Column], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.spec = tuple(columns)
        self.rows_shown: list[tuple[Hashable, tuple[Cell, ...]]] = []
        self._built_width = -1

    def _widths(self) -> list[int]:
        width = self.size.width or 78
        fixed = sum(c.width or 0 for c in self.spec)
        flexible = [c for c in self.spec if c.width is None]
        share = max(8, (width - 1 - fixed) // len(flexible)) if flexible else 0
        return [c.width if c.width is not None else share for c in self.spec]

    def _build(self) -> None:
        self._built_width = self.size.width
        self.clear(columns=True)
        for column, width in zip(self.spec, self._widths()):
            header = Content.styled(column.header, "bold").truncate(width - 1, ellipsis=True)
            self.add_column(header, width=width, key=column.key)

    def set_rows(self, rows: Sequence[tuple[Hashable, Sequence[Cell]]]) -> None:
        """Show `rows` as (key, cells); the cursor stays on the same key when it is still there."""
        keep = self.current_key()
        self.rows_shown = [(key, tuple(cells)) for key, cells in rows]
        if self._built_width != self.size.width or not self.columns:
            self._build()
        else:
            self.clear()
        widths = self._widths()
        for key, cells in self.rows_shown:
            shown = []
            for cell, width in zip(cells, widths):
                content = cell if isinstance(cell, Content) else Content(str(cell))
                shown.append(content.truncate(width - 1, ellipsis=True))
            self.add_row(*shown, key=str(key))
        keys = [str(key) for key, _cells in self.rows_shown]
        if keep is not None and str(keep) in keys:
            self.move_cursor(row=keys.index(str(keep)), animate=False)

    def on_resize(self) -> None:
        if self.size.width != self._built_width and self.rows_shown:
            self.set_rows(self.rows_shown)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value if key is not None else None

    def move_to_key(self, key: Hashable) -> None:
        keys = [str(k) for k, _cells in self.rows_shown]
        if str(key) in keys:
            self.move_cursor(row=keys.index(str(key)), animate=False)


class AdminPane(Vertical):
    """One section of the admin screen. `reload()` loads its rows; changes go through core in
    the screen's database worker, and core's refusal is shown as its sentence."""

    @property
    def actor(self) -> Actor | None:
        return self.app.actor

    def reload(self) -> None:
        """Load the section's rows; subclasses implement it."""

    def run_db(self, work: Callable[..., Any], *args: Any, then: Callable[[Any], None] | None = None,
               **kwargs: Any) -> None:
        self.screen.run_db(work, *args, then=then, **kwargs)

    def show_error(self, exc: AppError | str) -> None:
        self.notify(str(exc), severity="error", markup=False, timeout=8)

    def done(self, message: str) -> None:
        """A change was saved: say so and show the rows as they are now."""
        self.notify(message, markup=False)
        self.reload()

    def focus_table(self) -> None:
        """Put the focus on the section's main table (when the section's tab is opened)."""
