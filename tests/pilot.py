"""The one shared module of Pilot helpers for the UI tests (Textual's `app.run_test()`).

How to wait, cheapest first:
- `settle(pilot)`: until the messages are handled and the workers started by them have ended
  (a refresh, a save, a search). Use it after an action when nothing in particular is awaited.
- `wait_workers(pilot)`: until the app's workers have ended, without polling.
- `wait_for(pilot, condition)` / `wait_text` / `wait_screen` / `wait_notified`: until something a
  person would see is true (short pauses between checks, a clear failure with the screen's text).

How to type:
- `type_into(pilot, "#field", "text")` presses every key: use it where the typing itself is under
  test (checks made as typed, a barcode scanner, key bindings inside a field);
- `fill(pilot, {"#field": "text", ...})` sets the values directly: use it for a form whose typing
  is not what the test is about.

Workers waiting for a dialog's answer (`push_screen_wait`) are not waited for: the dialog is on
screen and the test answers it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

from textual.widgets import Input, Static, TextArea
from textual.worker import Worker, WorkerState

from printing.settings import PrinterSettings
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.config import Config

TIMEOUT = 30.0
"""Seconds before a wait gives up; generous, since the suite runs on busy parallel workers."""

POLL = 0.01
"""Seconds between two checks of a condition (after the screen has handled its messages)."""


# --- the app under test --------------------------------------------------------------------------


def printers(folder: Path) -> dict[str, PrinterSettings]:
    """A receipt printer appending its bytes to a file and an A4 printer saving PDFs in a folder."""
    return {
        "receipt": PrinterSettings(name="receipt", kind="file", path=str(folder / "struk.bin")),
        "a4": PrinterSettings(name="a4", kind="folder", path=str(folder / "a4")),
    }


def file_printer(folder: Path) -> PrinterSettings:
    """A receipt printer appending its bytes to struk.bin in `folder`."""
    return PrinterSettings(name="receipt", kind="file", path=str(folder / "struk.bin"))


def make_config(printer: PrinterSettings | None = None, **settings) -> Config:
    """A station's settings with only a receipt printer (or none); the idle lock off."""
    settings.setdefault("idle_lock_minutes", 0)
    return Config(printers={"receipt": printer} if printer is not None else {}, **settings)


def make_app(db, actor=None, folder: Path | None = None, **settings) -> KecamatanApp:
    """The office app on `db`, signed in as `actor` (None: setup or login first), the idle lock
    off, printing into `folder` when given (see printers())."""
    settings.setdefault("idle_lock_minutes", 0)
    if folder is not None:
        settings.setdefault("printers", printers(folder))
    return KecamatanApp(Config(**settings), db, actor=actor)


# --- what is shown ------------------------------------------------------------------------------


def screen_text(app) -> str:
    """What the terminal shows for the active screen, as plain text: painted as it is now (the
    screen repaints on its own timer, so a change a worker just made may not be painted yet)."""
    screen = app.screen
    screen._on_timer_update()  # lay out and paint what changed, as the next frame would
    return "\n".join(strip.text for strip in screen._compositor.render_strips())


def notifications(app) -> str:
    """The messages of the notifications shown, one a line."""
    return "\n".join(str(n.message) for n in app._notifications)


def message_of(app, selector: str) -> str:
    """The text of a Static on the active screen ("" while the screen is still being built)."""
    found = app.screen.query(selector)
    return str(found.first(Static).render()) if found else ""


# --- waiting -------------------------------------------------------------------------------------


def _awaits_dialog(worker: Worker) -> bool:
    """True when the worker is suspended in push_screen_wait (waiting for a dialog's answer)."""
    task = getattr(worker, "_task", None)
    coro = task.get_coro() if task is not None else None
    seen = 0
    while coro is not None and seen < 50:
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        if code is not None and code.co_name == "push_screen_wait":
            return True
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        seen += 1
    return False


def _busy_workers(app) -> list[Worker]:
    return [worker for worker in app.workers
            if worker.state in (WorkerState.PENDING, WorkerState.RUNNING) and not _awaits_dialog(worker)]


async def wait_workers(pilot, timeout: float = TIMEOUT) -> None:
    """Wait until every worker of the app and its screens has ended (or waits for a dialog)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while busy := _busy_workers(pilot.app):
        remaining = deadline - loop.time()
        if remaining <= 0:
            names = ", ".join(f"{w.name or '?'} ({w.group})" for w in busy)
            raise AssertionError(f"workers still running after {timeout:g} s: {names}\n{screen_text(pilot.app)}")
        waits = [asyncio.ensure_future(worker.wait()) for worker in busy]
        try:
            # A worker waiting behind a dialog started meanwhile is re-checked at least every 0.1 s.
            await asyncio.wait(waits, timeout=min(remaining, 0.1), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
            await asyncio.gather(*waits, return_exceptions=True)


async def settle(pilot, timeout: float = TIMEOUT) -> None:
    """Wait until the screen has handled its messages and no worker is running, repeatedly (a
    worker's end may post messages that start another worker)."""
    for _ in range(20):
        await pilot.pause(0)
        if not _busy_workers(pilot.app):
            await pilot.pause(0)
            if not _busy_workers(pilot.app):
                return
        await wait_workers(pilot, timeout)
    await pilot.pause(0)


async def wait_for(pilot, condition: Callable[[], object], timeout: float = TIMEOUT,
                   what: str = "condition") -> None:
    """Wait until `condition()` is true, checking after each round of messages; then let the
    screen handle the messages the change posted (a widget sizing its new text, say), so the
    test's next look at the screen sees the whole change."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{screen_text(pilot.app)}")
        await pilot.pause(POLL)
    await pilot.pause()  # until the process is idle: the layout and paint that follow are done


async def wait_text(pilot, text: str, timeout: float = TIMEOUT) -> None:
    """Wait until the active screen shows `text`."""
    await wait_for(pilot, lambda: text in screen_text(pilot.app), timeout, repr(text))


async def wait_notified(pilot, text: str, timeout: float = TIMEOUT) -> None:
    """Wait for a notification containing `text` (a toast may wrap a long sentence)."""
    await wait_for(pilot, lambda: any(text in str(n.message) or text in str(n.title) for n in pilot.app._notifications),
                   timeout, f"notification {text!r}")


wait_notification = wait_notified


async def wait_screen(pilot, kind: type, what: str = ""):
    """Wait until the active screen is a `kind`; return it."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), what=what or kind.__name__)
    return pilot.app.screen


async def at_home(pilot):
    """Wait for the home screen with its figures loaded; return it."""
    from tui_kecamatan.screens.shell.home import HomeScreen

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen) and pilot.app.screen.figures is not None,
                   what="home with figures")
    return pilot.app.screen


# --- typing --------------------------------------------------------------------------------------


async def type_into(pilot, selector: str, text: str) -> None:
    """Focus the field and press every key of `text` (for typing that is itself under test)."""
    await wait_for(pilot, lambda: pilot.app.screen.query(selector), what=selector)
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.pause(0)
    await pilot.press(*text)


async def fill(pilot, values: dict[str, object], *, focus: str | None = None) -> None:
    """Set the fields' values directly (Inputs, TextAreas, Selects, checkboxes), in order, as if
    typed; then let the screen handle the change messages. `focus` names a field to focus last."""
    screen = pilot.app.screen
    for selector, value in values.items():
        await wait_for(pilot, lambda selector=selector: screen.query(selector), what=selector)
        field = screen.query_one(selector)
        if isinstance(field, TextArea):
            field.text = str(value)
        else:
            field.value = value
        await pilot.pause(0)
    if focus is not None:
        screen.query_one(focus).focus()
    await pilot.pause(0)
