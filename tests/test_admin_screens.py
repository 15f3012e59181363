"""The admin screen (F9) at 80x24: services and their requirement lists, suspending a service,
desa/kelurahan, holidays and message templates, each change saved through core with its audit
record, core's refusals shown as its sentence, and the screen refused to other roles."""

from __future__ import annotations

from datetime import date

import pytest
from textual import events
from textual.widgets import DataTable, Input

from test_search_pickup_screens import fixed_clock
from textual.css.query import NoMatches

from tests.pilot import at_home, fill, make_app, screen_text, settle, wait_for, wait_text
from tests.conftest import HOSTILE_NAMES
from tui_kecamatan.core import desa, office, services
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db.models import AuditEvent, Desa, Holiday, Service, ServiceRequirement, Setting
from tui_kecamatan.screens.admin.screen import AdminScreen
from tui_kecamatan.screens.admin.dialogs import FormDialog
from tui_kecamatan.screens.admin.templates import TemplateEditor
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.prompt import TextPrompt
from test_search_pickup_screens import OFFICE


@pytest.fixture
def office_ready(db, admin, operator):
    fixed_clock()
    office.save_profile(admin, OFFICE)
    return db


def audit_actions() -> list[str]:
    return [event.action for event in AuditEvent.select().order_by(AuditEvent.id)]


def press_at_once(app, *keys: str) -> None:
    """Keys arriving together, as from a fast typist: none waits for what the one before started."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def key_state(app, key: str) -> bool | None:
    """True when the key works now, False when shown greyed out, None when not offered at all."""
    active = app.screen.active_bindings.get(key)
    return None if active is None else active.enabled


def table(app, selector: str) -> DataTable:
    return app.screen.query_one(selector, DataTable)


def column(app, selector: str, index: int) -> list[str]:
    """The table's column as text; empty while the table is not on the active screen (a dialog
    still closing), so a wait on it keeps waiting."""
    try:
        t = table(app, selector)
    except NoMatches:
        return []
    return [str(t.get_row_at(row)[index]) for row in range(t.row_count)]


async def open_admin(pilot) -> AdminScreen:
    await at_home(pilot)
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AdminScreen), what="admin screen")
    count = Service.select().count()
    await wait_for(pilot, lambda: table(pilot.app, "#services-table").row_count == count
                   and pilot.app.focused is table(pilot.app, "#services-table"), what="services listed")
    return pilot.app.screen


async def choose_service(pilot, code: str) -> None:
    codes = column(pilot.app, "#services-table", 0)
    services_table = table(pilot.app, "#services-table")
    services_table.focus()
    services_table.move_cursor(row=codes.index(code))
    await wait_text(pilot, "Persyaratan " + services.get_service(code).name)


async def open_requirements(pilot, code: str) -> None:
    """F9, the service `code`, then Enter to its requirement list (which gets the keys)."""
    await open_admin(pilot)
    await choose_service(pilot, code)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.focused is table(pilot.app, "#requirements-table"), what="requirements")


async def test_operator_pressing_f9_is_refused(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        home = await at_home(pilot)
        await pilot.press("f9")
        await wait_text(pilot, "Tindakan ini hanya untuk peran admin ke atas.")
        assert app.screen is home
        # Even opened directly, the screen shows core's refusal and nothing to change.
        app.push_screen(AdminScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen), what="admin screen")
        await wait_text(pilot, "Tindakan ini hanya untuk peran admin ke atas.")
        assert not app.screen.query(DataTable)


async def test_services_are_listed_with_prefix_target_and_status(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        text = screen_text(app)
        for word in ("Layanan", "Desa", "Libur", "Templat", "Kode", "Awalan", "Target",
                     "Cetak KTP-el", "Ditunda", "a Tambah layanan", "t Tunda"):
            assert word in text, word
        assert column(app, "#services-table", 0)[:2] == ["KTP", "KK"]
        await choose_service(pilot, "REKAM")
        await wait_text(pilot, "Ditunda: ")
        await wait_text(pilot, "l Lanjutkan")
        assert "t Tunda" not in screen_text(app) and key_state(app, "t") is None


async def test_add_a_requirement_to_a_service(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_requirements(pilot, "KK")
        await wait_text(pilot, "a Tambah persyaratan")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="requirement form")
        await pilot.press("ctrl+s")  # empty: core's sentence, the dialog stays
        await wait_text(pilot, "Teks persyaratan wajib diisi.")
        await fill(pilot, {"#requirement-text": "Surat pengantar RT/RW"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen), what="back on admin")
        await wait_for(pilot, lambda: "Surat pengantar RT/RW" in column(app, "#requirements-table", 1), what="new row")
        assert table(app, "#requirements-table").cursor_row == 4  # on the new line, at the end
    kk = Service.get(Service.code == "KK")
    row = ServiceRequirement.get(ServiceRequirement.text == "Surat pengantar RT/RW")
    assert row.service_id == kk.id and row.mandatory and row.kind == "berkas" and row.position == 4
    event = AuditEvent.get(AuditEvent.action == "persyaratan_ditambah")
    assert event.actor == "admin" and "Surat pengantar RT/RW" in event.detail


async def test_requirement_mandatory_order_and_removal(office_ready, admin):
    first_text = services.get_service("KK").requirements[0].text
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_requirements(pilot, "KK")
        await wait_text(pilot, "w Wajib/tidak")
        assert key_state(app, "ctrl+up") is False  # the first line cannot go up
        assert key_state(app, "ctrl+down") is True
        await pilot.press("w")
        await wait_for(pilot, lambda: column(app, "#requirements-table", 2)[0:1] == ["tidak"], what="requirements-table")
        await pilot.press("d")  # move down (ctrl+down also)
        await wait_for(pilot, lambda: column(app, "#requirements-table", 1)[1:2] == [first_text], what="requirements-table")
        assert table(app, "#requirements-table").cursor_row == 1
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm removal")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen))
        assert first_text in column(app, "#requirements-table", 1)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm removal")
        await pilot.press("y")
        await wait_for(pilot, lambda: first_text not in column(app, "#requirements-table", 1), what="removed")
    assert not ServiceRequirement.select().where(ServiceRequirement.text == first_text).exists()
    actions = audit_actions()
    assert {"persyaratan_diubah", "persyaratan_dihapus"} <= set(actions)


async def test_suspend_a_service_with_a_reason_then_resume(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        await choose_service(pilot, "KK")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="reason dialog")
        await pilot.press("enter")  # a reason is required
        await wait_text(pilot, "Isi alasannya terlebih dahulu.")
        await fill(pilot, {"#prompt-input": "Blangko KK habis"})
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen))
        await wait_text(pilot, "Ditunda: Blangko KK habis")
        assert column(app, "#services-table", 5)[1] == "Ditunda"
        kk = Service.get(Service.code == "KK")
        assert kk.suspended and kk.suspended_reason == "Blangko KK habis"
        await pilot.press("l")
        await wait_for(pilot, lambda: column(app, "#services-table", 5)[1:2] == ["aktif"], what="services-table")
    assert not Service.get(Service.code == "KK").suspended
    assert audit_actions()[-2:] == ["layanan_ditunda", "layanan_dilanjutkan"]


async def test_add_and_edit_a_service_with_core_refusals_in_the_form(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="service form")
        await fill(pilot, {"#service-code": "AKTA", "#service-name": "Akta kelahiran", "#service-prefix": "A"})
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Awalan antrian A sudah dipakai layanan Cetak KTP-el.")
        field = app.screen.query_one("#service-prefix", Input)
        field.value = "G"
        app.screen.query_one("#service-target", Input).value = "5"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen), what="back on admin")
        await wait_for(pilot, lambda: "AKTA" in column(app, "#services-table", 0), what="new service")
        assert table(app, "#services-table").current_key() == str(Service.get(Service.code == "AKTA").id)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="edit form")
        assert app.screen.query_one("#service-name", Input).value == "Akta kelahiran"
        app.screen.query_one("#service-name", Input).value = "Akta kelahiran (pengantar)"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Akta kelahiran (pengantar)" in column(app, "#services-table", 1), what="renamed")
    akta = Service.get(Service.code == "AKTA")
    assert (akta.prefix, akta.target_days, akta.name) == ("G", 5, "Akta kelahiran (pengantar)")
    assert {"layanan_ditambah", "layanan_diubah"} <= set(audit_actions())


async def test_desa_add_rename_and_deactivate(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.focused is table(app, "#desa-table"), what="desa list")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="desa form")
        await fill(pilot, {"#desa-name": "Gelam Jaya"})
        await pilot.press("enter")  # Enter in the last field saves
        await wait_for(pilot, lambda: column(app, "#desa-table", 0) == ["Gelam Jaya"], what="desa-table")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="rename form")
        app.screen.query_one("#desa-name", Input).value = "Gelam"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: column(app, "#desa-table", 0) == ["Gelam"], what="desa-table")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: column(app, "#desa-table", 2) == ["nonaktif"], what="desa-table")
        await wait_text(pilot, "x Aktifkan kembali")
    desa = Desa.get()
    assert (desa.name, desa.active) == ("Gelam", False)
    assert {"desa_ditambah", "desa_diubah", "desa_dinonaktifkan"} <= set(audit_actions())


async def test_holidays_add_and_remove(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: app.focused is table(app, "#holidays-table"), what="holiday list")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="holiday form")
        await fill(pilot, {"#holiday-day": "31-02-2027", "#holiday-name": "Libur"}, focus="#holiday-name")
        await pilot.press("enter")
        await wait_text(pilot, "tidak dikenali")
        app.screen.query_one("#holiday-day", Input).value = "25-12-2026"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormDialog), what="the form closed")
        await wait_for(pilot, lambda: column(app, "#holidays-table", 0) == ["Jumat, 25 Desember 2026"], what="the new holiday")
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="the question closed")
        await wait_for(pilot, lambda: table(app, "#holidays-table").row_count == 0, what="the holiday removed")
    assert not Holiday.select().where(Holiday.day == date(2026, 12, 25)).exists()
    assert {"libur_ditambah", "libur_dihapus"} <= set(audit_actions())


async def test_templates_are_checked_by_core_and_saved(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: "{daftar}" in app.screen.query_one(TemplateEditor).text, what="template text")
        editor = app.screen.query_one(TemplateEditor)
        editor.focus()
        editor.load_text("Yth. {nama}, berkas {kurang} belum ada.")
        await wait_text(pilot, "Belum disimpan")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Isian {kurang} tidak dikenal")
        editor.load_text("Yth. {nama}, berkas berikut belum ada:\n{daftar}")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Templat \"Berkas kurang\" disimpan.")
        assert not app.screen.has_unsaved_changes()
    assert Setting.get(Setting.key == "template.missing").value == "Yth. {nama}, berkas berikut belum ada:\n{daftar}"
    assert "templat_diubah" in audit_actions()


async def test_unsaved_template_is_kept_and_confirmed_before_logging_out(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        admin_screen = await open_admin(pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: "{daftar}" in app.screen.query_one(TemplateEditor).text, what="template text")
        app.screen.query_one(TemplateEditor).load_text("Teks baru {daftar}")
        await wait_text(pilot, "Belum disimpan")
        app.screen.query_one("#templates-kinds").focus()
        # Esc goes home and F9 comes back to the text as it was typed.
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AdminScreen), what="home")
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("f9")
        await wait_for(pilot, lambda: app.screen is admin_screen, what="admin again")
        assert app.screen.query_one(TemplateEditor).text == "Teks baru {daftar}"
        await wait_text(pilot, "Belum disimpan")
        # Logging out would lose it: asked first.
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="logout confirmation")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is admin_screen)
    assert not Setting.select().where(Setting.value == "Teks baru {daftar}").exists()


@pytest.mark.parametrize("hostile", HOSTILE_NAMES[:4])
async def test_hostile_requirement_and_desa_text_is_shown_literally(office_ready, admin, hostile):
    services.add_requirement(admin, "KTP", hostile)
    desa.add_desa(admin, hostile)
    shown = clean_text(hostile, 300)
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        await wait_for(pilot, lambda: shown in column(app, "#requirements-table", 1), what="hostile requirement")
        assert shown in screen_text(app)
        await pilot.press("2")
        await wait_for(pilot, lambda: column(app, "#desa-table", 0) == [shown], what="hostile desa")
        assert shown in screen_text(app) and app.is_running


async def test_hostile_service_name_in_form_title_and_search_filter(office_ready, admin):
    hostile = "[@click=app.quit]Akta[/] [bold]lahir"
    services.add_service(admin, code="AKTA", name=hostile, prefix="G")
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_admin(pilot)
        await choose_service(pilot, "AKTA")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="edit form")
        await wait_text(pilot, f"Ubah layanan {hostile}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen))
        await pilot.press("f4")
        from tui_kecamatan.screens.requests.search import SearchScreen
        from textual.widgets import Select

        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen._services_loaded, what="search")
        app.screen.query_one("#search-service", Select).value = "AKTA"
        await wait_text(pilot, "Layanan [@click=app.quit]Akta[/]")  # cut to the filter's width
        assert app.is_running


async def test_a_double_enter_in_a_form_saves_it_once(office_ready, admin):
    """A requirement line may be added twice on purpose, so only the form keeps a second Enter,
    pressed while the first is saving, from adding it twice."""
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_requirements(pilot, "KK")
        await wait_text(pilot, "a Tambah persyaratan")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog), what="requirement form")
        app.screen.query_one("#requirement-text", Input).value = "Surat pengantar RT/RW"
        press_at_once(app, "enter", "enter")  # Enter in the last field saves; the second comes while saving
        await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen), what="back on admin")
        await wait_for(pilot, lambda: "Surat pengantar RT/RW" in column(app, "#requirements-table", 1), what="new row")
        await settle(pilot)
    assert ServiceRequirement.select().where(ServiceRequirement.text == "Surat pengantar RT/RW").count() == 1
    assert audit_actions().count("persyaratan_ditambah") == 1


async def test_changes_pressed_in_a_row_run_in_order(office_ready, admin):
    """Two presses of w: the second waits for the first and sees its result, so the line is
    mandatory again (run side by side, both would have made it optional)."""
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_requirements(pilot, "KK")
        await wait_text(pilot, "w Wajib/tidak")
        assert column(app, "#requirements-table", 2)[0] == "wajib"
        press_at_once(app, "w", "w")
        await wait_for(pilot, lambda: audit_actions().count("persyaratan_diubah") == 2, what="two changes")
        await wait_for(pilot, lambda: column(app, "#requirements-table", 2)[0:1] == ["wajib"], what="mandatory again")
    first = services.get_service("KK").requirements[0]
    assert first.mandatory
