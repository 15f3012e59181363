"""The office sections keep their state: F2-F9 move between them without losing what was typed or
found, Esc goes back to home without losing it either, and only logging out or quitting (which
would lose it) asks first."""

from __future__ import annotations

from textual.widgets import Input

from tests.pilot import make_app, wait_for, wait_screen
from tests.test_intake_screens import office_ready  # noqa: F401 - a fixture
from tui_kecamatan.screens.queue.queue import QueueScreen
from tui_kecamatan.screens.requests.intake import IntakeScreen
from tui_kecamatan.screens.requests.search import SearchScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.screens.shell.login import LoginScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen

NIK = "3603015501900002"


async def open_section(pilot, key: str, kind: type):
    await pilot.press(key)
    return await wait_screen(pilot, kind)


async def test_a_half_typed_intake_survives_calling_the_next_ticket(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        home = await wait_screen(pilot, HomeScreen)
        intake = await open_section(pilot, "f3", IntakeScreen)
        intake.query_one("#intake-nik", Input).value = NIK
        intake.query_one("#intake-name", Input).value = "Siti Aminah"
        queue = await open_section(pilot, "f2", QueueScreen)
        await pilot.press("f8")
        await pilot.pause()
        again = await open_section(pilot, "f3", IntakeScreen)
        assert again is intake
        assert intake.query_one("#intake-nik", Input).value == NIK
        assert intake.query_one("#intake-name", Input).value == "Siti Aminah"
        # Esc goes home and keeps the form too; the queue screen is the same one as before.
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home, what="home after Esc")
        assert not isinstance(app.screen, ConfirmScreen)
        assert await open_section(pilot, "f2", QueueScreen) is queue
        assert (await open_section(pilot, "f3", IntakeScreen)).query_one("#intake-nik", Input).value == NIK


async def test_search_text_is_kept_across_sections(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_screen(pilot, HomeScreen)
        search = await open_section(pilot, "f4", SearchScreen)
        search.query_one("#search-text", Input).value = "Siti"
        await open_section(pilot, "f5", object)
        assert await open_section(pilot, "f4", SearchScreen) is search
        assert search.query_one("#search-text", Input).value == "Siti"


async def test_logging_out_with_typed_input_asks_first(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_screen(pilot, HomeScreen)
        intake = await open_section(pilot, "f3", IntakeScreen)
        intake.query_one("#intake-nik", Input).value = NIK
        await open_section(pilot, "f2", QueueScreen)
        await pilot.press("ctrl+o")
        confirm = await wait_screen(pilot, ConfirmScreen, "the question before logging out")
        assert "belum disimpan" in confirm.question
        await pilot.press("n")
        await wait_screen(pilot, QueueScreen)
        assert app.actor is operator
        await pilot.press("ctrl+o")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_screen(pilot, LoginScreen)
        assert app.actor is None
        # A new login starts with empty sections: the old form went with the old session.
        assert not any(isinstance(screen, IntakeScreen) for screen in app.screen_stack)


async def test_quitting_with_typed_input_asks_first(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_screen(pilot, HomeScreen)
        intake = await open_section(pilot, "f3", IntakeScreen)
        intake.query_one("#intake-nik", Input).value = NIK
        await pilot.press("ctrl+q")
        await wait_screen(pilot, ConfirmScreen, "the question before quitting")
        await pilot.press("n")
        await wait_screen(pilot, IntakeScreen)
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="exit")


def test_the_interface_language_is_indonesian_only(tmp_path):
    """`[ui] lang = "en"` used to be accepted and change nothing; now it is refused with a sentence
    naming the file, the key and what is allowed, and "id" keeps working for existing files."""
    import pytest

    from tui_kecamatan.config import load_config
    from tui_kecamatan.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text('[ui]\nlang = "id"\n')
    load_config(path)
    path.write_text('[ui]\nlang = "en"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value) == f"{path}: nilai ui.lang salah (yang boleh: id (antarmuka hanya berbahasa Indonesia))."
