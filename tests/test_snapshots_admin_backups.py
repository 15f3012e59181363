"""A picture of the admin's Cadangan section (F9, 0) at 80x24 with a fixed clock: two automatic
backups and one made by hand, newest first. The folder and the free space shown are those of an
office server, not of the test's temporary folder. Regenerate with `pytest --snapshot-update`
and look at it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.pilot import make_app, settle, wait_for
from tui_kecamatan.config import BackupSettings
from tui_kecamatan.core import backup, clock, office
from tui_kecamatan.db.connection import run_in_connection
from tui_kecamatan.screens.admin.backups import BackupsPane
from tui_kecamatan.screens.admin.screen import AdminScreen
from tui_kecamatan.screens.shell.home import HomeScreen

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)
SIZE = (80, 24)
SERVER_FOLDER = Path("/var/lib/tui-kecamatan/cadangan")
SERVER_FREE = 52_400 * 1024 * 1024


@pytest.fixture(autouse=True)
def fixed_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture
def backups(db, db_path, admin, monkeypatch):
    office.save_profile(admin, office.ProfileInput(
        name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang"))
    for moment in (datetime(2026, 11, 26, 7, 58, tzinfo=WIB), datetime(2026, 11, 27, 8, 3, tzinfo=WIB)):
        clock.set_now(lambda moment=moment: moment)
        run_in_connection(db, backup.daily_backup, db, db_path, BackupSettings(min_free_mb=0))
    clock.set_now(lambda: datetime(2026, 11, 28, 9, 2, tzinfo=WIB))
    run_in_connection(db, backup.backup_now, db, backup.folder_for(db_path), actor=admin, min_free_mb=0)
    clock.set_now(lambda: NOW)
    real = backup.overview
    monkeypatch.setattr(backup, "overview", lambda path, settings: replace(
        real(path, settings), folder=SERVER_FOLDER, free=SERVER_FREE))
    return admin


def test_admin_backups(snap_compare, db, backups):
    app = make_app(db, backups)

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen) and pilot.app.screen.figures is not None)
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AdminScreen))
        await pilot.press("0")
        pane = pilot.app.screen.query_one(BackupsPane)
        await wait_for(pilot, lambda: pane.table().row_count == 3 and pilot.app.focused is pane.table())
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
