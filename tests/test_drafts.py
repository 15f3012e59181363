"""A half-typed intake survives a terminal that went away: kept as a draft while the clerk types,
offered back to the same staff member (and no one else) at their next login, deleted when the
form is saved or discarded. Core rules first, then the desk at 80x24."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, RadioButton, Select

from tests.pilot import at_home, make_app, settle, type_into, wait_for, wait_screen, wait_text
from tests.test_intake_screens import KK, NIK, choose_service, office_ready, open_intake  # noqa: F401
from tui_kecamatan.core import accounts, drafts
from tui_kecamatan.db.models import Draft, Request
from tui_kecamatan.errors import InvalidInput, PermissionDenied
from tui_kecamatan.screens.requests.checklist import ChecklistScreen
from tui_kecamatan.screens.requests.intake import IntakeScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.screens.shell.login import LoginScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen

QUESTION = ("Ada formulir permohonan yang belum selesai (Siti Aminah, Cetak KK, Sabtu, 28 November 2026 09:15 WIB). "
            "Lanjutkan?")


def draft_of(username: str) -> dict | None:
    row = Draft.select().join_from(Draft, Draft.staff.rel_model).where(Draft.staff.rel_model.username == username)
    row = row.first()
    return json.loads(row.data) if row is not None else None


# --- core -----------------------------------------------------------------------------------------


def test_a_draft_holds_only_the_forms_fields_and_belongs_to_its_author(office_ready, admin, operator, supervisor):
    display = accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY)
    kept = drafts.save_draft(operator, drafts.INTAKE, {
        "service_code": "KK", "nik": NIK, "name": "Siti [/b]\x1b[31m Aminah", "channel": "whatsapp",
        "urgent": False, "password": "rahasia", "ticket_id": 7,
    })
    assert kept and Draft.select().count() == 1
    draft = drafts.load_draft(operator, drafts.INTAKE)
    assert draft.data == {"service_code": "KK", "nik": NIK, "name": "Siti [/b][31m Aminah", "channel": "whatsapp"}
    assert draft.service_name == "Cetak KK"
    assert drafts.load_draft(supervisor, drafts.INTAKE) is None  # another person's draft is not theirs
    assert drafts.discard_draft(supervisor, drafts.INTAKE) is False and Draft.select().count() == 1
    # A second save replaces the first (one draft per person and form); an emptied form deletes it.
    drafts.save_draft(operator, drafts.INTAKE, {"name": "Siti"})
    assert drafts.load_draft(operator, drafts.INTAKE).data == {"name": "Siti"} and Draft.select().count() == 1
    assert drafts.save_draft(operator, drafts.INTAKE, {"channel": "walk_in"}) is False
    assert Draft.select().count() == 0
    with pytest.raises(InvalidInput):
        drafts.save_draft(operator, "rahasia", {"name": "x"})
    with pytest.raises(PermissionDenied):
        drafts.save_draft(display, drafts.INTAKE, {"name": "x"})


# --- at the desk ----------------------------------------------------------------------------------


async def type_a_form_then_drop(db, actor) -> None:
    """Type an intake and leave without saving or answering anything: the line dropped."""
    app = make_app(db, actor)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await choose_service(pilot, "KK")
        await type_into(pilot, "#intake-nik", NIK)
        await type_into(pilot, "#intake-name", "Siti Aminah")
        await type_into(pilot, "#intake-kk", KK)
        await pilot.click("#channel-whatsapp")
        await wait_for(pilot, lambda: (draft_of("wahyu") or {}).get("channel") == "whatsapp", what="the draft kept")
    assert Request.select().count() == 0


async def log_in(pilot, username: str, password: str) -> None:
    await wait_screen(pilot, LoginScreen)
    await type_into(pilot, "#login-username", username)
    await pilot.press("enter", *password, "enter")


async def test_a_dropped_intake_is_offered_back_to_its_author_only_and_saving_deletes_it(office_ready, operator,
                                                                                      supervisor):
    await type_a_form_then_drop(office_ready, operator)
    assert draft_of("wahyu") == {"service_code": "KK", "nik": NIK, "name": "Siti Aminah", "kk_number": KK,
                                 "channel": "whatsapp"}

    # Someone else signs in at a desk: nothing is offered, and the draft stays for its author.
    app = make_app(office_ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "sari", "rahasia-sari")
        await at_home(pilot)
        await settle(pilot)
        assert not any(isinstance(screen, ConfirmScreen) for screen in app.screen_stack)
    assert draft_of("wahyu") is not None

    # The author signs in again: asked, and the form comes back as it was typed.
    app = make_app(office_ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        question = await wait_screen(pilot, ConfirmScreen, "the offer of the unfinished form")
        assert question.question == QUESTION
        await pilot.press("y")
        intake = await wait_screen(pilot, IntakeScreen)
        await wait_for(pilot, lambda: intake.query_one("#intake-kk", Input).value == KK, what="the form filled")
        assert intake.query_one("#intake-service", Select).value == "KK"
        assert intake.query_one("#intake-nik", Input).value == NIK
        assert intake.query_one("#intake-name", Input).value == "Siti Aminah"
        assert intake.query_one("#channel-whatsapp", RadioButton).value
        await wait_text(pilot, "Isian yang belum selesai dipulihkan")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ChecklistScreen, "the saved request's checklist")
        await wait_for(pilot, lambda: draft_of("wahyu") is None, what="the draft deleted")
        await settle(pilot)
    row = Request.get()
    assert (row.nik, row.name, row.kk_number, row.channel) == (NIK, "Siti Aminah", KK, "whatsapp")
    assert Draft.select().count() == 0


async def test_declining_the_offer_deletes_the_draft(office_ready, operator):
    await type_a_form_then_drop(office_ready, operator)
    app = make_app(office_ready)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, "wahyu", "rahasia-wahyu")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await wait_screen(pilot, HomeScreen)
        await wait_for(pilot, lambda: draft_of("wahyu") is None, what="the draft deleted")
    assert Draft.select().count() == 0


async def test_quitting_and_answering_to_lose_the_form_deletes_the_draft(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_intake(pilot)
        await type_into(pilot, "#intake-name", "Siti Aminah")
        await wait_for(pilot, lambda: draft_of("wahyu") is not None, what="the draft kept")
        await pilot.press("ctrl+q")
        await wait_screen(pilot, ConfirmScreen, "the question before quitting")
        await pilot.press("n")  # stays: the draft too
        await wait_screen(pilot, IntakeScreen)
        assert draft_of("wahyu") == {"name": "Siti Aminah", "channel": "walk_in"}
        await pilot.press("ctrl+q")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="exit")
    assert Draft.select().count() == 0
