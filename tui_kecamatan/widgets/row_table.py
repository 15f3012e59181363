"""A table of rows with a row cursor, filled from plain rows: the lists a screen lets the operator
move through and act on (the admin sections' services, counters, staff...)."""

from __future__ import annotations

from typing import Hashable, Sequence

from textual.content import Content
from textual.widgets import DataTable

from tui_kecamatan.widgets.plain_table import Cell, Column, column_widths, fit_cell

__all__ = ["Cell", "Column", "RowTable"]


class RowTable(DataTable):
    """A row-cursor table with fixed columns and flexible ones (`width=None`), filled from rows of
    (key, cells).

    Cells are shown literally (`str` becomes `Content`; pass `Content` to style one); each
    column's width includes a one-space gap, and long text ends in an ellipsis instead of
    widening the table past the terminal. The columns follow the table's width when it changes.

        table = RowTable([Column(_("Kode"), 8), Column(_("Nama"))], id="services-table")
        table.set_rows([(service.id, (service.code, service.name)) for service in rows])
        table.current_key()  # the highlighted row's key, as a str
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
        return column_widths(self.spec, (self.size.width or 78) - 1, minimum=8)

    def _build(self) -> None:
        self._built_width = self.size.width
        self.clear(columns=True)
        for column, width in zip(self.spec, self._widths()):
            header = Content.styled(column.header, "bold").truncate(width - 1, ellipsis=True)
            self.add_column(header, width=width)

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
            shown = [fit_cell(cell, width - 1, column.align, pad=column.align == "right")
                     for column, width, cell in zip(self.spec, widths, cells)]
            self.add_row(*shown, key=str(key))
        if keep is not None:
            self.move_to_key(keep)

    def on_resize(self) -> None:
        if self.size.width != self._built_width and self.rows_shown:
            self.set_rows(self.rows_shown)

    def current_key(self) -> str | None:
        """The highlighted row's key (as a str), or None when the table is empty."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value if key is not None else None

    def move_to_key(self, key: Hashable) -> None:
        """Put the cursor on the row with `key`, when it is shown."""
        keys = [str(k) for k, _cells in self.rows_shown]
        if str(key) in keys:
            self.move_cursor(row=keys.index(str(key)), animate=False)
