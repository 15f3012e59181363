"""Text at the desk: long service names and requirement texts wrap instead of losing their end
(80x24), short service names stay distinguishable in narrow columns (60x20), and ticked and
unticked boxes differ by their characters, not only by colour."""

from __future__ import annotations

from tui_kecamatan.widgets.choice import Checkbox, RadioButton

from tests.pilot import at_home, make_app, make_config, screen_text, settle, wait_for, wait_screen
from tui_kecamatan.app import KecamatanApp
from tests.test_queue_screen import (  # noqa: F401 - fixed_clock and office_ready are fixtures
    fixed_clock,
    office_ready,
)
from tui_kecamatan.core import queue_views, tickets
from tui_kecamatan.db.models import ServiceRequirement
from tui_kecamatan.screens.queue.dialogs import HealthProtocolDialog
from tui_kecamatan.widgets.format import short_service_name, short_service_names


def protocol_items() -> list[tickets.ProtocolItem]:
    rows = ServiceRequirement.select().where(ServiceRequirement.kind == "protokol").order_by(ServiceRequirement.id)
    return [tickets.ProtocolItem(row.id, row.text, bool(row.mandatory), index == 0) for index, row in enumerate(rows)]


def joined(text: str) -> str:
    """The screen's text with the frame and the line breaks taken out, for text that wraps."""
    words = []
    for line in text.split("\n"):
        words.extend(line.translate(str.maketrans("│▊▎", "   ")).split())
    return " ".join(words)


# --- wrapping ------------------------------------------------------------------------------------


async def test_health_protocol_steps_wrap_with_their_mark_and_wajib(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        app.push_screen(HealthProtocolDialog("E-001", protocol_items()))
        await wait_screen(pilot, HealthProtocolDialog)
        await settle(pilot)
        text = screen_text(app)
        assert "Petugas memakai masker dan sarung tangan; pemohon memakai masker (wajib)" in joined(text)
        assert "…" not in text
        lines = text.split("\n")
        first = next(line for line in lines if "Suhu tubuh petugas" in line)
        assert "[X] Suhu tubuh petugas" in first  # ticked (the first step), by its character
        assert sum("[ ] " in line for line in lines) == 4  # the others are not
        await pilot.press("down", "space")  # tick the second step
        await settle(pilot)
        second = next(line for line in screen_text(app).split("\n") if "Suhu tubuh pemohon" in line)
        assert "[X] Suhu tubuh pemohon" in second
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, HealthProtocolDialog), what="dialog closed")


# --- marks ---------------------------------------------------------------------------------------


async def test_check_boxes_and_radio_buttons_differ_by_their_characters(office_ready, operator):
    from tests.test_intake_screens import open_intake

    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await open_intake(pilot)
        await settle(pilot)
        assert "(•) Loket   ( ) WhatsApp" in screen_text(app)
        app.screen.query_one("#channel-whatsapp", RadioButton).value = True
        await settle(pilot)
        assert "( ) Loket   (•) WhatsApp" in screen_text(app)
        box = Checkbox("Mendesak")
        await app.screen.mount(box)
        await settle(pilot)
        assert box.render().plain.startswith("[ ]")
        box.value = True
        assert box.render().plain.startswith("[X]")


# --- short names ---------------------------------------------------------------------------------


def test_short_service_names_stay_distinct_at_narrow_widths(db):
    names = [service.name for service in queue_views.queue_overview()]
    assert short_service_names(names) == ["KTP-el", "KK", "Pindah keluar", "Pindah datang", "Perekaman KTP-el",
                                          "Pindah antar kecamatan"]
    assert short_service_name("SK pindah keluar") == "Pindah keluar"
    for width in (16, 12, 10, 8, 7, 6):
        short = short_service_names(names, width)
        assert len(set(short)) == len(short), (width, short)
        assert all(len(name) <= width for name in short), (width, short)
    assert short_service_names(names, 10)[2:4] == ["P. keluar", "P. datang"]
    # An office that wrote its own names ("SK pindah ..."): the same.
    own = ["KTP-el", "KK", "SK pindah keluar", "SK pindah datang", "SK pindah antar kecamatan"]
    short = short_service_names(own, 7)
    assert len(set(short)) == len(short) and short[2].startswith("P. k")


async def test_home_at_60_columns_tells_the_move_services_apart(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await at_home(pilot)
        await settle(pilot)
        text = screen_text(app)
        rows = {}
        for line in text.split("\n"):
            cells = line.replace("│", " ").split()
            if len(cells) >= 2 and cells[0] in ("C", "D", "F"):
                rows[cells[0]] = " ".join(cells[1:3])
        assert set(rows) == {"C", "D", "F"}, text
        assert len(set(rows.values())) == 3, rows  # three different names, not "SK pin…" three times
        assert rows["C"].startswith("P. k") and rows["D"].startswith("P. d") and rows["F"].startswith("P. a")


async def test_kiosk_in_two_columns_and_pickup_show_the_whole_service_name(office_ready, admin, operator, tmp_path):
    from tests.test_board_kiosk import open_kiosk
    from tests.test_search_pickup_screens import make_ready, nik, open_pickup, scan
    from tui_kecamatan.core import accounts, requests, services

    # A sixth service at the kiosk puts the buttons in two columns of half the width.
    services.add_service(admin, code="AKTA", name="Surat keterangan kelahiran untuk akta", prefix="G")
    display = accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY, "Layar ruang tunggu")
    app = KecamatanApp(make_config(), office_ready, actor=display, mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_kiosk(pilot)
        await settle(pilot)
        text = screen_text(app)
        assert "5  Pindah antar kecamatan" in text and "6  Kelahiran untuk akta" in text
        assert "…" not in text

    info = requests.create_request(operator, service_code="PINDAH_ANTAR_KEC", nik=nik(1), name="Siti Aminah",
                                   kk_number="3603012005150003")
    make_ready(operator, info)
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        await settle(pilot)
        text = joined(screen_text(app))
        assert "Surat keterangan pindah antar kecamatan No. KK 360301******0003" in text


# --- Textual's own words -------------------------------------------------------------------------


ENGLISH = ("Dismiss", "menu", "No matches", "Scroll", "Cursor", "Select", "Toggle", "Submit", "Exit")


async def test_textual_widgets_speak_indonesian_in_the_keys_and_the_palette(office_ready, operator):
    from textual.widgets import Select

    from tests.test_intake_screens import open_intake
    from tui_kecamatan.screens.shell.help import HelpScreen

    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_intake(pilot)
        screen.query_one("#intake-service", Select).focus()
        await pilot.press("enter")  # the list of services opens
        await wait_for(pilot, lambda: screen.query_one("#intake-service", Select).expanded, what="open list")
        await settle(pilot)
        keys = "\n".join(screen_text(app).split("\n")[-3:])
        assert "esc Tutup pilihan" in keys
        assert not any(word in keys for word in ENGLISH), keys
        await pilot.press("f1")
        await wait_screen(pilot, HelpScreen)
        await settle(pilot)
        assert not any(word in screen_text(app) for word in ENGLISH)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="help closed")

        await pilot.press("escape", "ctrl+p")
        await wait_for(pilot, lambda: "Cari perintah" in screen_text(app), what="the palette")
        await pilot.press(*"qwxzy")
        await wait_for(pilot, lambda: "Tidak ada perintah yang cocok" in screen_text(app), what="no match")
        text = screen_text(app)
        assert not any(word in text for word in ENGLISH), text
