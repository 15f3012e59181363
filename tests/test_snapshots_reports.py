"""Pictures of the reports screen (F6) at 80x24 over the known day and month of tests/test_reports.py,
read on a fixed clock (Tuesday 8 December 2026, 09.00 WIB): the daily report of 1 December, the
month of December, and the month in 16 colours. Regenerate with `pytest --snapshot-update` on
this file and look at the SVGs."""

from __future__ import annotations

import pytest

from test_reports import office  # noqa: F401 - a fixture: the known day and the second day, read a week later
from tests.pilot import make_app, settle, wait_for
from tui_kecamatan.screens.reports.screen import ReportsScreen
from tui_kecamatan.screens.shell.home import HomeScreen

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def fixed_terminal(monkeypatch):
    # TERM picks the theme and frame (see app.choose_theme); the pictures must not depend on it.
    monkeypatch.setenv("TERM", "xterm-256color")


def report_of(kind: str, first: str, *keys: str):
    """A run_before that opens F6, presses `keys`, and waits for that report on screen."""

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportsScreen) and pilot.app.screen.report)
        for key in keys:
            await pilot.press(key)

        def shown() -> bool:
            screen = pilot.app.screen
            report = screen.report
            return (not screen.computing and report is not None
                    and (report.kind, report.date_from.isoformat()) == (kind, first))

        await wait_for(pilot, shown, what=f"the {kind} report from {first}")
        await settle(pilot)

    return run_before


def test_daily_report(snap_compare, db, office, supervisor):
    app = make_app(db, supervisor)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=report_of("daily", "2026-12-01", *["left_square_bracket"] * 7))


def test_monthly_report(snap_compare, db, office, admin):
    app = make_app(db, admin)
    assert snap_compare(app, terminal_size=SIZE, run_before=report_of("monthly", "2026-12-01", "b"))


def test_monthly_report_in_16_colours(snap_compare, db, office, admin):
    app = make_app(db, admin, theme="ansi-dark", ascii_borders=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=report_of("monthly", "2026-12-01", "b"))
