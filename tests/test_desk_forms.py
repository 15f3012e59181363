"""Forms at the desk, at 80x24: a sentence about a wrong field goes as soon as the field is
right (and not before), on the pickup screen through the shared FormMessage."""

from __future__ import annotations

from textual.widgets import Input, RadioButton

from tests.pilot import make_app, screen_text, settle, wait_for, wait_text
from tests.test_search_pickup_screens import (  # noqa: F401 - office_ready is a fixture
    make_ready,
    new_request,
    nik,
    office_ready,
    open_pickup,
    scan,
)
from tui_kecamatan.widgets.form import FormMessage


def note(app) -> FormMessage:
    return app.screen.query_one("#pickup-note", FormMessage)


async def test_pickup_sentences_go_once_their_field_is_right(office_ready, operator, tmp_path):
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        screen.query_one("#kind-family", RadioButton).value = True
        await wait_text(pilot, "Cocokkan pengambil dengan KK pemohon")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Nama pengambil wajib diisi.")
        assert app.focused is screen.query_one("#pickup-name-input", Input)

        # Another field typed: the name is still missing, so the sentence stays.
        screen.query_one("#pickup-nik-input", Input).value = nik(9)
        await settle(pilot)
        assert "Nama pengambil wajib diisi." in screen_text(app)

        await pilot.press(*"Ani")
        await wait_for(pilot, lambda: "Nama pengambil wajib diisi." not in screen_text(app), what="the sentence gone")
        assert "NIK perempuan" in screen_text(app)  # what to check is shown again

        # A wrong NIK: its sentence stays while it is still wrong, and goes once it is right.
        nik_field = screen.query_one("#pickup-nik-input", Input)
        nik_field.value = "3603"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: note(app).has_class("-error"), what="the NIK sentence")
        wrong = str(note(app).render())
        assert "16" in wrong and app.focused is nik_field
        await pilot.press("0")
        await settle(pilot)
        assert note(app).has_class("-error")
        nik_field.value = nik(9)
        await wait_for(pilot, lambda: not note(app).has_class("-error"), what="the NIK sentence gone")
        assert wrong not in screen_text(app)


async def test_a_sentence_shown_as_a_field_gets_the_focus_follows_that_field(office_ready, operator, tmp_path):
    """Without naming the field, FormMessage takes the field the form sends the focus to."""
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        screen.query_one("#kind-proxy", RadioButton).value = True
        await settle(pilot)
        name = screen.query_one("#pickup-name-input", Input)
        note(app).show("Nama kuasa wajib diisi.", "error")
        name.focus()
        await settle(pilot)
        assert note(app).subject is name
        await pilot.press("B")
        await wait_for(pilot, lambda: "Nama kuasa wajib diisi." not in screen_text(app), what="the sentence gone")


# --- saving a PDF ------------------------------------------------------------------------------


async def test_save_as_pdf_starts_in_the_a4_folder(office_ready, operator, tmp_path):
    from textual.widgets import Input as TextInput

    from tests.pilot import wait_notified, wait_screen
    from tests.test_desk_keys import open_detail
    from tui_kecamatan.screens.requests.print_choice import MediaChoiceScreen
    from tui_kecamatan.widgets.prompt import TextPrompt

    info = new_request(operator, "Siti Aminah", 1)
    folder = tmp_path / "a4"
    folder.mkdir()
    app = make_app(office_ready, operator, tmp_path)  # an A4 printer saving PDFs in tmp_path/a4
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await pilot.press("r")
        await wait_screen(pilot, MediaChoiceScreen)
        await pilot.press("f")
        prompt = await wait_screen(pilot, TextPrompt)
        offered = prompt.query_one(TextInput).value
        assert offered == str(folder / f"tanda-terima-{info.reg_no}.pdf")
        await pilot.press("enter")
        await wait_notified(pilot, "disimpan di")
    saved = folder / f"tanda-terima-{info.reg_no}.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
