"""The one way screens and dialogs reach the database: an `async` Textual worker that awaits
`self.db(core_function, *args)`.

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        view = await self.db(load_view, self.app.counter_number)
        self.query_one(QueueTable).show(view)

`db()` runs the function in a thread inside the database's connection context and returns its
plain result; a refusal from core, or a database failure turned into a sentence by the db
package, is raised as an AppError. An AppError that a worker does not catch itself is shown as
one error notification, and the worker ends there (the event loop never waits on the database).

Groups say how workers of one kind relate:
- `exclusive=True` keeps only the newest (a refresh, a search as typed);
- a group named in `ORDERED_GROUPS` runs its workers one after another, in the order they were
  started (issuing tickets, saving forms): no press is lost and none overtakes another;
- any other group runs its workers side by side.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable, ClassVar, TypeVar

from tui_kecamatan.db.connection import run_in_connection
from tui_kecamatan.errors import AppError

T = TypeVar("T")


class DatabaseWork:
    """Mixed into the app's screens and dialogs (and the app itself) before the Textual class."""

    ORDERED_GROUPS: ClassVar[frozenset[str]] = frozenset()
    """Worker groups whose workers run one at a time, first started first."""

    async def db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `work(*args, **kwargs)` in a thread inside a connection context; return its plain
        result or raise its AppError.

        When the screen has gone (the app closing, or the screen dismissed) by the time the
        answer comes, the worker ends there, cancelled: there is nothing left to show it on."""
        result = await asyncio.to_thread(run_in_connection, self.app.database, work, *args, **kwargs)
        if self.taken_down:
            raise asyncio.CancelledError()
        return result

    @property
    def taken_down(self) -> bool:
        """The node is gone or going (a screen dismissed, logging out, the app quitting):
        Textual marks the whole tree as pruning and removes the children first, so what a
        worker brings back from the database has nowhere to go."""
        return not self.is_attached or any(getattr(self, flag, False) for flag in ("_pruning", "_closing", "_closed"))

    def show_error(self, exc: AppError | str) -> None:
        """One sentence in an error notification, shown literally."""
        self.notify(str(exc), severity="error", markup=False, timeout=8)

    def run_worker(self, work, *args: Any, thread: bool = False, **kwargs: Any):
        if thread:
            raise TypeError("screens run database work as async workers awaiting self.db()")
        group = kwargs.get("group", args[1] if len(args) > 1 else "default")
        return super().run_worker(self._guarded(work, group), *args, **kwargs)

    def _guarded(self, work, group: str):
        """The worker's body, with its AppError shown and its turn kept in an ordered group."""

        async def run() -> Any:
            lock = self._group_lock(group) if group in self.ORDERED_GROUPS else None
            if lock is not None:
                await lock.acquire()  # asyncio.Lock wakes its waiters first come, first served
            try:
                result = work() if callable(work) else work
                if inspect.isawaitable(result):
                    result = await result
                return result
            except AppError as exc:
                if self.is_attached:
                    self.show_error(exc)
                return None
            finally:
                if lock is not None:
                    lock.release()

        return run

    def _group_lock(self, group: str) -> asyncio.Lock:
        locks = self.__dict__.setdefault("_ordered_group_locks", {})
        if group not in locks:
            locks[group] = asyncio.Lock()
        return locks[group]
