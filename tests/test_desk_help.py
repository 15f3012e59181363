"""The F1 help at 80x24: the key table scrolls up and down with the arrows, PgUp/PgDn and
Home/End, shows every key down to the last one, and never scrolls sideways."""

from __future__ import annotations

from tests.pilot import make_app, screen_text, settle, wait_for
from tests.test_queue_screen import (  # noqa: F401 - fixed_clock and office_ready are fixtures
    fixed_clock,
    office_ready,
    open_queue,
)
from tui_kecamatan.screens.shell.help import HelpScreen, KeyTable


def visible_keys(app) -> list[str]:
    """The key column of the table rows drawn inside the dialog's frame, top to bottom."""
    keys = []
    for line in screen_text(app).split("\n"):
        inside = line.strip()
        if inside.startswith("│") and inside.endswith("│"):
            cells = inside.strip("│").strip().split()
            if cells:
                keys.append(cells[0])
    return keys


async def test_help_scrolls_up_and_down_and_never_sideways(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_queue(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await settle(pilot)
        table = app.screen.query_one(KeyTable)
        assert app.focused is table
        assert "Tombol" in visible_keys(app) and "f1" in visible_keys(app)
        assert "^c" not in visible_keys(app)  # the last key is below: the list scrolls

        await pilot.press("end")
        await settle(pilot)
        shown = visible_keys(app)
        assert shown[-1] == "^c" and "shift+tab" in shown  # down to the very last key, uncut
        assert table.scroll_x == 0 and "Tombol" not in shown
        await pilot.press("end", "right", "right")  # End again, or arrows sideways: nothing moves
        await settle(pilot)
        assert table.scroll_x == 0 and visible_keys(app) == shown

        bottom = table.scroll_y
        await pilot.press("up")
        await settle(pilot)
        assert table.scroll_y == bottom - 1
        await pilot.press("down")
        await settle(pilot)
        assert table.scroll_y == bottom

        await pilot.press("home")
        await settle(pilot)
        shown = visible_keys(app)
        assert table.scroll_y == 0 and shown[shown.index("Tombol") + 1] == "f1"
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.scroll_y > 1 and "f1" not in visible_keys(app)
        await pilot.press("pageup")
        await settle(pilot)
        assert table.scroll_y == 0
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="help closed")
