"""The first-run setup form at 80x24: every field of the office profile, every wrong field's
sentence at once under its own field, sentences that go as the field is put right, every field
reached with Tab, and the opening hours offered in the station's time zone."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.pilot import fill, make_app, message_of, screen_text, wait_for
from tui_kecamatan.core import accounts, clock, office
from tui_kecamatan.screens.shell.login import LoginScreen
from tui_kecamatan.screens.shell.setup import SetupScreen
from tui_kecamatan.widgets.form import FieldError

FIELDS_IN_ORDER = [
    ("office-name", "Nama kantor *"), ("office-kecamatan", "Kecamatan *"), ("office-kabupaten", "Kabupaten/Kota *"),
    ("office-province", "Provinsi"), ("office-address", "Alamat"), ("office-phone", "Telepon"),
    ("office-email", "Email"), ("office-hours", "Jam layanan *"), ("admin-username", "Nama pengguna *"),
    ("admin-fullname", "Nama lengkap *"), ("admin-password", "Kata sandi *"), ("admin-password2", "Ulangi kata sandi *"),
]


@pytest.fixture
def restore_zone():
    yield
    clock.configure("Asia/Jakarta")


async def on_setup(pilot) -> SetupScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen) and app.screen.loaded, what="setup")
    return app.screen


def error_of(app, field_id: str) -> str:
    return message_of(app, f"#{field_id}-error")


def right_under(app, field_id: str) -> bool:
    """The field's sentence is on the line right under the field, where a person looks for it."""
    field = app.screen.query_one(f"#{field_id}", Input)
    error = app.screen.query_one(f"#{field_id}-error", FieldError)
    return error.display and error.region.y == field.region.y + 1 and error.region.height >= 1


async def test_every_wrong_field_is_shown_at_once_under_its_field_and_goes_as_it_is_put_right(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_setup(pilot)
        await fill(pilot, {"#office-kecamatan": "Pasar Kemis", "#office-kabupaten": "Kabupaten Tangerang",
                           "#office-email": "kecamatan-at-contoh", "#admin-username": "admin",
                           "#admin-fullname": "Admin Kantor", "#admin-password": "rahasia-admin",
                           "#admin-password2": "rahasia-lain"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: error_of(app, "office-name") == "Nama kantor wajib diisi.", what="name error")
        assert error_of(app, "office-email") == "Alamat email tidak valid; tulis seperti kecamatan@contoh.go.id."
        assert error_of(app, "admin-password2") == "Kedua kata sandi tidak sama."
        for field_id in ("office-name", "office-email", "admin-password2"):
            assert right_under(app, field_id), field_id
        # Right fields say nothing.
        assert [e.field_id for e in app.screen.query(FieldError) if e.display] == [
            "office-name", "office-email", "admin-password2"]
        assert "Ada 3 kolom yang perlu diperbaiki" in message_of(app, "#setup-message")
        assert app.focused.id == "office-name" and "Nama kantor wajib diisi." in screen_text(app)
        assert not office.is_configured() and accounts.count_staff() == 0

        # Typing the name puts it right: its sentence goes at once, the others stay.
        await pilot.press(*"Kantor Kecamatan Pasar Kemis")
        await wait_for(pilot, lambda: not app.screen.query_one("#office-name-error").display, what="name error gone")
        assert error_of(app, "office-email") and error_of(app, "admin-password2")
        assert "Ada 2 kolom" in message_of(app, "#setup-message")
        # The password the repeat is compared with changes: the repeat turns right, and its sentence goes.
        app.screen.query_one("#admin-password", Input).focus()
        await pilot.press("ctrl+u", *"rahasia-lain")
        await wait_for(pilot, lambda: not app.screen.query_one("#admin-password2-error").display, what="repeat ok")
        app.screen.query_one("#office-email", Input).focus()
        await pilot.press("ctrl+u", *"kec@contoh.go.id")
        await wait_for(pilot, lambda: not app.screen.query_one("#office-email-error").display, what="email ok")
        assert message_of(app, "#setup-message") == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login after setup")
    profile = office.get_profile()
    assert (profile.name, profile.email, profile.configured) == ("Kantor Kecamatan Pasar Kemis", "kec@contoh.go.id", True)
    assert accounts.authenticate("admin", "rahasia-lain").role is accounts.Role.ADMIN


async def test_a_sentence_shows_as_a_field_is_typed_wrong(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_setup(pilot)
        app.screen.query_one("#office-phone", Input).focus()
        await pilot.press(*"telp")
        await wait_for(pilot, lambda: "Nomor telepon hanya boleh" in error_of(app, "office-phone"), what="phone error")
        assert right_under(app, "office-phone")
        await pilot.press("ctrl+u", *"(021) 5921234")
        await wait_for(pilot, lambda: not app.screen.query_one("#office-phone-error").display, what="phone ok")


async def test_every_field_is_reached_with_tab_and_shown_at_80x24(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_setup(pilot)
        await pilot.press("ctrl+s")  # every required field's sentence makes the form taller than the screen
        await wait_for(pilot, lambda: error_of(app, "office-name"), what="errors")
        app.screen.query_one("#office-name", Input).focus()
        await pilot.pause()
        for index, (field_id, label) in enumerate(FIELDS_IN_ORDER):
            if index:
                await pilot.press("tab")
            await wait_for(pilot, lambda field_id=field_id: app.focused is not None and app.focused.id == field_id,
                           what=field_id)
            await wait_for(pilot, lambda label=label: any(line.lstrip("│ ").startswith(label)
                                                          for line in screen_text(app).splitlines()),
                           what=f"{label} on screen")


async def test_opening_hours_are_offered_in_the_station_zone_and_saved_as_typed(db, restore_zone):
    app = make_app(db, timezone="Asia/Makassar")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_setup(pilot)
        hours = app.screen.query_one("#office-hours", Input)
        assert hours.value == "Senin-Jumat 08.00-15.00 WITA"
        assert "Senin-Jumat 08.00-15.00 WITA" in screen_text(app)
        await fill(pilot, {"#office-name": "Kantor Kecamatan Mariso", "#office-kecamatan": "Mariso",
                           "#office-kabupaten": "Kota Makassar", "#office-province": "Sulawesi Selatan",
                           "#office-address": "Jl. Nuri No. 1", "#office-phone": "(0411) 871234",
                           "#office-email": "kec.mariso@makassarkota.go.id",
                           "#office-hours": "Senin-Jumat 07.30-16.00 WITA", "#admin-username": "admin",
                           "#admin-fullname": "Admin Kantor", "#admin-password": "rahasia-admin",
                           "#admin-password2": "rahasia-admin"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login after setup")
    assert office.get_profile().as_json() == {
        "name": "Kantor Kecamatan Mariso", "kecamatan": "Mariso", "kabupaten": "Kota Makassar",
        "province": "Sulawesi Selatan", "address": "Jl. Nuri No. 1", "phone": "(0411) 871234",
        "email": "kec.mariso@makassarkota.go.id", "hours": "Senin-Jumat 07.30-16.00 WITA", "head_name": "", "head_nip": "",
        "configured": True,
    }
