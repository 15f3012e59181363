"""The national holidays and cuti bersama of a year from the `holidays` package: the list as the
admin reviews it, saving only the chosen days without touching local ones, the working-day
targets that skip them, and the review in the admin screen at 80x24."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.pilot import at_home, make_app, screen_text, settle, wait_for, wait_notified, wait_screen, wait_text
from tui_kecamatan.core import clock, holidays, office, requests
from tui_kecamatan.db.models import AuditEvent, Holiday
from tui_kecamatan.errors import InvalidInput, PermissionDenied
from tui_kecamatan.screens.admin.holiday_dialogs import NationalHolidaysForm, NationalYearDialog
from tui_kecamatan.screens.admin.screen import AdminScreen

WIB = timezone(timedelta(hours=7))
NIK = "3603015501900002"
KK = "3603012005150003"


@pytest.fixture(autouse=True)
def january_2026():
    clock.set_now(lambda: datetime(2026, 1, 5, 9, 0, tzinfo=WIB))


def saved() -> dict[date, str]:
    return {row.day: row.name for row in Holiday.select()}


def national_audit_rows() -> list:
    return list(AuditEvent.select().where(AuditEvent.action == "libur_nasional_ditambah"))


def test_the_2026_list_holds_the_cuti_bersama_of_idul_fitri_and_independence_day(db):
    days = {item.day: item for item in holidays.national_holidays(2026)}
    lebaran = days[date(2026, 3, 20)]
    assert lebaran.name == "Cuti Bersama Hari Raya Idul Fitri"
    assert lebaran.kind == "cuti bersama" and not lebaran.already_saved
    merdeka = days[date(2026, 8, 17)]
    assert merdeka.name == "Hari Kemerdekaan Republik Indonesia" and merdeka.kind == "libur nasional"
    assert list(days) == sorted(days) and all(day.year == 2026 for day in days)


def test_a_day_already_saved_is_marked_with_its_own_name(db, admin):
    holidays.add_holiday(admin, date(2026, 3, 20), "Libur lebaran kantor")
    holidays.add_holiday(admin, date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia")
    days = {item.day: item for item in holidays.national_holidays(2026)}
    assert days[date(2026, 3, 20)].already_saved and days[date(2026, 3, 20)].saved_name == "Libur lebaran kantor"
    assert days[date(2026, 8, 17)].already_saved and days[date(2026, 8, 17)].saved_name == ""
    assert not days[date(2026, 1, 1)].already_saved


def test_saving_adds_only_the_chosen_days_and_leaves_local_ones_alone(db, admin):
    holidays.add_holiday(admin, date(2026, 3, 20), "Libur lebaran kantor")  # also a cuti bersama
    holidays.add_holiday(admin, date(2026, 4, 21), "Hari jadi kabupaten")  # local only
    chosen = [date(2026, 3, 20), date(2026, 3, 23), date(2026, 8, 17)]
    assert holidays.save_national(admin, 2026, chosen) == 2
    assert saved() == {
        date(2026, 3, 20): "Libur lebaran kantor",
        date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
        date(2026, 4, 21): "Hari jadi kabupaten",
        date(2026, 8, 17): "Hari Kemerdekaan Republik Indonesia",
    }
    rows = national_audit_rows()
    assert len(rows) == 1 and rows[0].detail == "2026: 2 hari (2026-03-23, 2026-08-17)"
    assert rows[0].actor == "admin"
    # a second run adds nothing and writes nothing
    assert holidays.save_national(admin, 2026, chosen) == 0
    assert len(saved()) == 4 and len(national_audit_rows()) == 1


def test_a_day_not_on_the_national_list_is_refused_and_nothing_is_saved(db, admin):
    with pytest.raises(InvalidInput, match="Tanggal 21-04-2026 bukan libur nasional atau cuti bersama tahun 2026."):
        holidays.save_national(admin, 2026, [date(2026, 8, 17), date(2026, 4, 21)])
    assert saved() == {}


def test_an_operator_is_refused(db, operator):
    with pytest.raises(PermissionDenied):
        holidays.save_national(operator, 2026, [date(2026, 8, 17)])
    assert saved() == {}


def test_a_year_outside_the_range_is_refused_with_one_sentence(db):
    with pytest.raises(InvalidInput) as refused:
        holidays.national_holidays(2031)
    assert str(refused.value) == "Libur nasional dapat diisi untuk tahun 2025 sampai 2029."
    with pytest.raises(InvalidInput, match="Tahun harus berupa angka"):
        holidays.check_year("dua ribu")


def test_the_coming_year_is_offered_from_october():
    assert holidays.default_national_year(date(2026, 1, 5)) == 2026
    assert holidays.default_national_year(date(2026, 10, 1)) == 2027


def test_a_due_date_skips_cuti_bersama_and_local_days(db, admin, operator):
    """KK takes 3 working days. Taken on Tuesday 17 March 2026 it would be due Friday 20 March;
    with Nyepi and its cuti bersama (18, 19), the Idul Fitri cuti bersama (20, 23, 24) and a
    local day (26) it is due Monday 30 March."""
    clock.set_now(lambda: datetime(2026, 3, 17, 9, 0, tzinfo=WIB))
    before = requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminah", kk_number=KK)
    assert before.due_date == date(2026, 3, 20)
    all_days = [item.day for item in holidays.national_holidays(2026)]
    holidays.save_national(admin, 2026, all_days)
    holidays.add_holiday(admin, date(2026, 3, 26), "Hari jadi kabupaten")
    after = requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminah", kk_number=KK)
    assert after.due_date == date(2026, 3, 30)


def test_the_package_is_not_imported_when_the_app_starts():
    code = ("import sys, tui_kecamatan.app, tui_kecamatan.cli, tui_kecamatan.core.holidays, "
            "tui_kecamatan.screens.admin.screen\nprint('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the admin screen ------------------------------------------------------------------------------


@pytest.fixture
def office_ready(db, admin):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                                    kabupaten="Kabupaten Tangerang"))
    return db


async def open_holidays(pilot):
    await at_home(pilot)
    await pilot.press("f9")
    await wait_screen(pilot, AdminScreen)
    await pilot.press("3")
    await settle(pilot)


async def test_the_review_list_saves_what_stays_ticked(office_ready, db, admin, tmp_path):
    holidays.add_holiday(admin, date(2026, 1, 1), "Tahun Baru Masehi")
    holidays.add_holiday(admin, date(2026, 4, 21), "Hari jadi kabupaten")
    offered = len(holidays.national_holidays(2026)) - 1  # 1 January is saved already
    app = make_app(db, admin, folder=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_holidays(pilot)
        assert "n Isi libur nasional" in screen_text(app)
        await pilot.press("n")
        dialog = await wait_screen(pilot, NationalYearDialog)
        assert dialog.query_one("#national-year").value == "2026"
        await pilot.press("enter")
        form = await wait_screen(pilot, NationalHolidaysForm)
        text = screen_text(app)
        assert "Libur nasional dan cuti bersama 2026" in text
        assert "[ ] Kam 1 Jan 2026  Tahun Baru Masehi (sudah tercatat)" in text
        assert "[X] Jum 16 Jan 2026 Isra Mikraj Nabi Muhammad" in text
        assert f"{offered} dari {offered} hari akan disimpan." in text
        # the highlight starts on the first day not saved yet: untick Isra Mikraj
        await pilot.press("space")
        await wait_text(pilot, "[ ] Jum 16 Jan 2026 Isra Mikraj Nabi Muhammad")
        assert f"{offered - 1} dari {offered} hari akan disimpan." in screen_text(app)
        assert form.is_attached
        await pilot.press("enter")  # Enter saves (Space ticks)
        await wait_notified(pilot, f"{offered - 1} hari libur nasional dan cuti bersama 2026 disimpan.")
        await wait_screen(pilot, AdminScreen)
        await wait_text(pilot, "Jumat, 20 Maret 2026")
        text = screen_text(app)
        assert "Cuti Bersama Hari Raya Idul Fitri" in text and "Isra Mikraj" not in text
    days = saved()
    assert date(2026, 1, 16) not in days
    assert days[date(2026, 3, 20)] == "Cuti Bersama Hari Raya Idul Fitri"
    assert days[date(2026, 4, 21)] == "Hari jadi kabupaten"
    assert len(days) == 2 + offered - 1
    assert national_audit_rows()[0].detail.startswith(f"2026: {offered - 1} hari (2026-02-16, ")


async def test_esc_on_the_review_saves_nothing_and_a_wrong_year_is_said_in_place(office_ready, db, admin, tmp_path):
    app = make_app(db, admin, folder=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_holidays(pilot)
        await pilot.press("n")
        dialog = await wait_screen(pilot, NationalYearDialog)
        dialog.query_one("#national-year").value = ""
        await pilot.press(*"2031", "enter")
        await wait_text(pilot, "Libur nasional dapat diisi untuk tahun 2025 sampai 2029.")
        await pilot.press(*["backspace"] * 4, *"2027", "enter")
        await wait_screen(pilot, NationalHolidaysForm)
        await wait_text(pilot, "Libur nasional dan cuti bersama 2027")
        await pilot.press("escape")
        await wait_screen(pilot, AdminScreen)
        await settle(pilot)
        assert not any("disimpan" in str(n.message) for n in app._notifications)
    assert saved() == {} and national_audit_rows() == []


async def test_nothing_ticked_is_refused_in_the_form(office_ready, db, admin, tmp_path):
    app = make_app(db, admin, folder=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_holidays(pilot)
        await pilot.press("n")
        await wait_screen(pilot, NationalYearDialog)
        await pilot.press("enter")
        form = await wait_screen(pilot, NationalHolidaysForm)
        form.query_one("#national-days").deselect_all()
        await wait_text(pilot, f"0 dari {len(form.days)} hari akan disimpan.")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Tidak ada hari yang dicentang")
        await wait_for(pilot, lambda: app.screen is form, what="the form still open")
    assert saved() == {}
