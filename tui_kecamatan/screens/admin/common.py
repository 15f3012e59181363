"""The base of the admin screen's sections: loading through `self.db` in a worker, the section's
main table of rows, and the state of its keys worked out in one place."""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Hashable, Sequence

from textual import on, work
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable

from tui_kecamatan.core.accounts import Actor
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.db_work import DatabaseWork
from tui_kecamatan.widgets.dialog import Dialog
from tui_kecamatan.widgets.row_table import Cell, RowTable


class AdminPane(DatabaseWork, Vertical):
    """One section of the admin screen.

    A section implements `fetch()`, run in a thread through `self.db` (core calls only, plain
    data back), and `show(data)`, usually with `show_rows`; `reload()` runs both as the
    section's refresh worker. A change is an action
    decorated `@work(group="change")`: the changes of a section run one after another, in the
    order they were asked for, each seeing the rows the one before it left (`done()` reloads
    before the next starts). Core checks the role again and writes the audit record; its refusal
    is shown as its sentence by the worker.

    The usual changes have one helper each: `open_form` (a form dialog that saves through
    core), `confirm` (a yes/no question, "no" focused) and the pair `action_deactivate` /
    `action_activate` for a section whose rows are taken out of use (`SET_ACTIVE`).

    Keys: `ROW_ACTIONS` act on the highlighted row (greyed out while there is none); each of
    `TOGGLES` is a pair of actions of which one applies to a row, e.g. take it out of use and
    put it back: (first, second, whether the second applies); only the one that applies is
    shown, and the first is greyed out while no row is highlighted. Anything else is decided by
    `key_state`.
    """

    ORDERED_GROUPS = frozenset({"change"})

    TABLE: ClassVar[str] = ""
    """The id of the section's main RowTable, whose highlighted row `selected()` answers."""
    ROW_ACTIONS: ClassVar[frozenset[str]] = frozenset()
    TOGGLES: ClassVar[tuple[tuple[str, str, Callable[[Any], bool]], ...]] = ()
    SET_ACTIVE: ClassVar[Callable[..., Any] | None] = None
    """Core's `set_..._active(actor, key, active)` behind "deactivate" and "activate"."""

    @staticmethod
    def active_state(active: bool) -> Content:
        """A row's state in a Status column: in use, or dimmed when taken out of use."""
        return Content(_("aktif")) if active else Content.styled(_("nonaktif"), "dim")

    @staticmethod
    def inactive(row: Any) -> bool:
        """A row taken out of use: the second of the pair "Nonaktifkan" / "Aktifkan kembali"."""
        return not row.active

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Any] | None = None  # None until loaded
        self.pending: Hashable | None = None  # the key to put the cursor on once the rows are shown

    @property
    def actor(self) -> Actor | None:
        return self.app.actor

    # --- loading ---------------------------------------------------------------------------

    def fetch(self) -> Any:
        """The section's plain data from core; runs in a thread (through `self.db`)."""
        raise TypeError(f"{type(self).__name__} must define fetch()")

    def show(self, data: Any) -> None:
        """Show what `fetch` returned; every section defines it."""
        raise TypeError(f"{type(self).__name__} must define show()")

    async def load(self) -> None:
        data = await self.db(self.fetch)
        if not self.taken_down:
            self.show(data)

    @work(exclusive=True, group="load")
    async def reload(self) -> None:
        await self.load()

    async def done(self, message: str) -> None:
        """A change was saved: say so and show the rows as they are now."""
        self.notify(message, markup=False)
        await self.load()

    async def open_form(self, form: Dialog[Any], saved: Callable[[Any], str], *, keep: bool = True) -> Any | None:
        """Open `form` and wait; once core saved it, say `saved(result)` and show the rows with
        the cursor on the saved one (`keep`). None when the operator backed out."""
        result = await self.app.push_screen_wait(form)
        if result is not None:
            if keep:
                self.pending = self.row_key(result)
            await self.done(saved(result))
        return result

    async def confirm(self, question: str, title: str | None = None) -> bool:
        """Ask before a change that takes something away; "no" has the focus."""
        return bool(await self.app.push_screen_wait(ConfirmScreen(question, title=title, default=False)))

    # --- taking rows out of use --------------------------------------------------------------

    def deactivate_question(self, row: Any) -> tuple[str, str | None]:
        """The question (and its title) asked before taking `row` out of use."""
        raise TypeError(f"{type(self).__name__} must define deactivate_question()")

    def activity_changed(self, row: Any, word: str) -> str:
        """The sentence once `row` (as core returned it) was taken out of use or put back."""
        raise TypeError(f"{type(self).__name__} must define activity_changed()")

    @work(group="change")
    async def action_deactivate(self) -> None:
        row = self.selected()
        if row is not None and await self.confirm(*self.deactivate_question(row)):
            await self._set_active(row, False)

    @work(group="change")
    async def action_activate(self) -> None:
        row = self.selected()
        if row is not None:
            await self._set_active(row, True)

    async def _set_active(self, row: Any, active: bool) -> None:
        word = _("diaktifkan kembali") if active else _("dinonaktifkan")
        changed = await self.db(type(self).SET_ACTIVE, self.actor, self.row_key(row), active)
        await self.done(self.activity_changed(changed, word))

    # --- the section's table ---------------------------------------------------------------

    def table(self) -> RowTable:
        return self.query_one(f"#{self.TABLE}", RowTable)

    def focus_table(self) -> None:
        """Put the focus on the section's main table (when the section's tab is opened)."""
        self.table().focus()

    def row_key(self, row: Any) -> Hashable:
        return row.id

    def show_rows(self, rows: Sequence[Any], cells: Callable[[Any], Sequence[Cell]]) -> None:
        """Show `rows` in the main table, one line of `cells(row)` each; the cursor goes to the
        pending row, if any, and the keys follow."""
        self.rows = list(rows)
        table = self.table()
        table.set_rows([(self.row_key(row), cells(row)) for row in self.rows])
        if self.pending is not None:
            table.move_to_key(self.pending)
            self.pending = None
        self.screen.refresh_bindings()

    def selected(self) -> Any | None:
        """The row under the main table's cursor."""
        if not self.TABLE or not self.rows:
            return None
        key = self.table().current_key()
        return next((row for row in self.rows if str(self.row_key(row)) == key), None)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self.screen.refresh_bindings()

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.selected()
        if action in self.ROW_ACTIONS:
            return True if row is not None else None
        for first, second, second_applies in self.TOGGLES:
            if action in (first, second):
                if row is None:
                    return None if action == first else False
                return second_applies(row) == (action == second)
        return self.key_state(action, row, parameters)

    def key_state(self, action: str, row: Any | None, parameters: tuple[object, ...]) -> bool | None:
        """The state of a key not covered by `ROW_ACTIONS` and `TOGGLES`: True works, None shows it
        greyed out, False leaves it out."""
        return True
