"""The search (F4) and pickup (F5) screens as a person at the desk uses them at 80x24: finding
requests by name, number and status, paging, opening the detail, handing documents over to the
applicant, a family member or a proxy, refusals, electronic delivery, and people's text shown
literally."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from textual.widgets import DataTable, Input, RadioButton, Select, Static

from tests.conftest import HOSTILE_NAMES
from tests.pilot import at_home, fill, make_app, screen_text, settle, wait_for, wait_text
from tui_kecamatan.core import clock, office, requests
from tui_kecamatan.core.text import clean_name
from tui_kecamatan.db.models import AuditEvent, Contact, Pickup, PrintJob, Request
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.screens.requests.pickup import PickupScreen
from tui_kecamatan.screens.requests.search import SearchScreen
from tui_kecamatan.core.validation import parse_day
from tui_kecamatan.errors import InvalidInput

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)  # a Saturday morning
OFFICE = office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                             kabupaten="Kabupaten Tangerang", address="Jl. Raya Pasar Kemis No. 1",
                             phone="(021) 5921234")
KK_NUMBER = "3603012005150003"


# --- helpers (also used by the admin and snapshot tests) ---------------------------------------


def nik(n: int, female: bool = True) -> str:
    """A valid NIK of Kabupaten Tangerang, different for each n."""
    day = 15 + (40 if female else 0)
    return f"360301{day:02d}0190{n:04d}"


def new_request(actor, name: str, n: int, *, service: str = "KK", phone: str = "081234567890"):
    return requests.create_request(actor, service_code=service, nik=nik(n), name=name,
                                   kk_number=KK_NUMBER, phone=phone)


def make_ready(actor, info):
    items = requests.items_of(info.id)
    requests.save_checklist(actor, info.id, [(item.id, True, "") for item in items])
    requests.start_processing(actor, info.id)
    return requests.mark_ready(actor, info.id)


def fixed_clock(moment: datetime = NOW) -> None:
    clock.set_now(lambda: moment)


@pytest.fixture
def office_ready(db, admin, operator):
    fixed_clock()
    office.save_profile(admin, OFFICE)
    return db


def cell_texts(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


async def open_search(pilot) -> SearchScreen:
    await at_home(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen) and pilot.app.screen.result_page is not None,
                   what="search results")
    return pilot.app.screen


async def search_for(pilot, screen: SearchScreen, text: str, *, typed: bool = False) -> None:
    """Put `text` in the search field (pressing every key when `typed`) and wait for its results."""
    field = screen.query_one("#search-text", Input)
    field.focus()
    field.value = ""
    if typed:
        await pilot.press(*text)
    else:
        await fill(pilot, {"#search-text": text})
    await wait_for(pilot, lambda: screen.result_page is not None and not screen.searching
                   and field.value == text and _shown_text(screen) == text, what=f"results for {text!r}")


def _shown_text(screen: SearchScreen) -> str:
    return screen.shown_criteria.text if screen.shown_criteria else ""


async def open_pickup(pilot) -> PickupScreen:
    await at_home(pilot)
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickupScreen), what="pickup screen")
    return pilot.app.screen


async def scan(pilot, screen: PickupScreen, reg_no: str) -> None:
    """What a USB barcode scanner does: type the number into the focused field and press Enter."""
    await wait_for(pilot, lambda: pilot.app.focused is screen.query_one("#pickup-reg", Input), what="focus in number")
    await pilot.press(*reg_no, "enter")
    await wait_for(pilot, lambda: screen.view is not None and screen.view.reg_no == reg_no
                   or "tidak ditemukan" in screen_text(pilot.app), what=f"request {reg_no}")


# --- search --------------------------------------------------------------------------------------


def test_days_are_read_in_both_orders_and_refused_with_a_sentence():
    assert parse_day("2026-11-28", "dari") == parse_day("28-11-2026", "dari") == parse_day("28/11/2026", "dari")
    assert parse_day("  ", "dari") is None
    with pytest.raises(InvalidInput, match="tidak dikenali; tulis TTTT-BB-HH atau HH-BB-TTTT"):
        parse_day("31-02-2026", "dari")
    with pytest.raises(InvalidInput, match="\"kemarin\""):
        parse_day("kemarin", "sampai")


async def test_search_by_part_of_a_name_and_by_registration_number(office_ready, operator):
    siti = new_request(operator, "Siti Aminah", 1)
    new_request(operator, "Budi Santoso", 2)
    new_request(operator, "Aminah Lubis", 3, service="KTP")
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        assert pilot.app.focused is screen.query_one("#search-text", Input)
        await wait_text(pilot, "1-3 dari 3")
        await search_for(pilot, screen, "amin", typed=True)  # results come as typed
        table = screen.query_one(DataTable)
        assert sorted(cell_texts(table, 1)) == ["Aminah Lubis", "Siti Aminah"]
        await wait_text(pilot, "1-2 dari 2")
        for heading in ("No. registrasi", "Nama", "Layanan", "Status", "Tanggal"):
            assert heading in screen_text(app)
        await search_for(pilot, screen, siti.reg_no)
        assert cell_texts(table, 0) == [siti.reg_no]
        text = screen_text(app)
        assert "Siti Aminah" in text and "Diterima" in text and "28-11-2026" in text
        assert "NIK 360301******0001" in text and nik(1) not in text  # masked, never in full
        await search_for(pilot, screen, nik(2))  # a whole NIK finds its requests, shown masked
        assert cell_texts(table, 1) == ["Budi Santoso"]
        below_the_field = screen_text(app).split("\n", 1)[1]
        assert nik(2) not in below_the_field and "NIK 360301******0002" in below_the_field
        await search_for(pilot, screen, "0812-3456-7890")  # the phone, written any common way
        assert table.row_count == 3
        await search_for(pilot, screen, "tidak ada orangnya")
        await wait_text(pilot, "Tidak ada permohonan yang cocok.")



async def test_search_by_parts_of_numbers(office_ready, operator):
    """The office's day at the desk: a citizen reads out part of a phone number, the last digits
    of the receipt, or part of the NIK; typed with spaces or "+62" as it is said."""
    fixed_clock(NOW - timedelta(days=1))
    rina = new_request(operator, "Rina Kemarin", 1, phone="0857-1111-2222")          # ...-0001
    dedi = requests.create_request(operator, service_code="KK", nik=nik(2, female=False), name="Dedi Kemarin",
                                   kk_number=KK_NUMBER, phone="")                      # ...-0002
    fixed_clock()
    eko = new_request(operator, "Eko Hari Ini", 3, phone="+62 857 3333 4444")         # ...-0001
    fitri = new_request(operator, "Fitri Hari Ini", 4)                                # ...-0002
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await wait_text(pilot, "Sebagian No. registrasi, NIK, No. HP atau nama (mis. 0045, 0857)")
        table = screen.query_one(DataTable)
        await search_for(pilot, screen, "0857 1111", typed=True)
        assert cell_texts(table, 1) == ["Rina Kemarin"]
        await wait_text(pilot, "1-1 dari 1")
        await search_for(pilot, screen, "+62 857", typed=True)  # both writings of the same numbers
        assert cell_texts(table, 0) == [eko.reg_no, rina.reg_no]
        await search_for(pilot, screen, "0002", typed=True)  # the receipt's daily part, every day
        assert cell_texts(table, 0) == [fitri.reg_no, dedi.reg_no]
        await wait_text(pilot, "1-2 dari 2")
        await search_for(pilot, screen, "150190", typed=True)  # the middle of Dedi's NIK
        assert cell_texts(table, 1) == ["Dedi Kemarin"]
        text = screen_text(app)
        assert "NIK 360301******0002" in text and nik(2, female=False) not in text.split("\n", 1)[1]
        await search_for(pilot, screen, "hari", typed=True)  # part of a name
        assert cell_texts(table, 1) == ["Fitri Hari Ini", "Eko Hari Ini"]
        await search_for(pilot, screen, '"Hari', typed=True)  # a stray quote is only a character
        await wait_text(pilot, "Tidak ada permohonan yang cocok.")
        assert app.is_running

async def test_status_filter_and_overdue(office_ready, operator):
    ready = make_ready(operator, new_request(operator, "Rina Siap", 1))
    new_request(operator, "Dedi Baru", 2)
    # Taken two weeks ago and still not processed: past its target day.
    fixed_clock(NOW - timedelta(days=14))
    late = new_request(operator, "Eko Terlambat", 3)
    fixed_clock()
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await wait_text(pilot, "1-3 dari 3")
        status = screen.query_one("#search-status", Select)
        status.value = "ready"
        await wait_text(pilot, "1-1 dari 1")
        assert cell_texts(screen.query_one(DataTable), 0) == [ready.reg_no]
        assert "Siap diambil" in screen_text(app)
        status.value = "overdue"
        await wait_for(pilot, lambda: cell_texts(screen.query_one(DataTable), 0) == [late.reg_no], what="overdue row")
        assert cell_texts(screen.query_one(DataTable), 3) == ["Lewat target"]
        assert "lewat target" in screen_text(app)  # the line under the table: status and target day
        status.clear()
        await wait_text(pilot, "1-3 dari 3")


async def test_dates_filter_and_wrong_date_is_explained(office_ready, operator):
    fixed_clock(NOW - timedelta(days=3))
    old = new_request(operator, "Lama Sekali", 1)
    fixed_clock()
    new_request(operator, "Baru Saja", 2)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await wait_text(pilot, "1-2 dari 2")
        date_to = screen.query_one("#search-to", Input)
        date_to.focus()
        await pilot.press(*"26-11-2026")
        await wait_text(pilot, "1-1 dari 1")
        assert cell_texts(screen.query_one(DataTable), 0) == [old.reg_no]
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"20x")
        await wait_text(pilot, "tidak dikenali; tulis TTTT-BB-HH atau HH-BB-TTTT")
        date_to.value = "2026-11-28"
        screen.query_one("#search-from", Input).value = "2026-11-28"
        await wait_for(pilot, lambda: "tidak dikenali" not in screen_text(app)
                       and cell_texts(screen.query_one(DataTable), 1) == ["Baru Saja"], what="today's request")
        await wait_text(pilot, "1-1 dari 1")


async def test_paging_50_at_a_time(office_ready, operator):
    for n in range(1, 121):
        new_request(operator, f"Warga Nomor {n:03d}", n, phone="")
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await wait_text(pilot, "1-50 dari 120")
        table = screen.query_one(DataTable)
        assert table.row_count == 50
        first_page = cell_texts(table, 0)
        await pilot.press("pagedown")
        await wait_text(pilot, "51-100 dari 120")
        second_page = cell_texts(table, 0)
        assert not set(first_page) & set(second_page)
        table.focus()  # n and b work from the list, where letters are not typed into a field
        await pilot.press("n")
        await wait_text(pilot, "101-120 dari 120")
        assert table.row_count == 20
        await pilot.press("b")
        await wait_text(pilot, "51-100 dari 120")
        await pilot.press("pageup")
        await wait_text(pilot, "1-50 dari 120")
        assert cell_texts(table, 0) == first_page


async def test_enter_opens_the_request_detail(office_ready, operator):
    from tui_kecamatan.screens.requests.detail import RequestDetailScreen

    siti = new_request(operator, "Siti Aminah", 1)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await search_for(pilot, screen, "Siti")
        await pilot.press("enter")  # from the search field: to the list
        assert app.focused is screen.query_one(DataTable)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestDetailScreen), what="request detail")
        await wait_text(pilot, siti.reg_no)


async def test_search_follows_changes_made_elsewhere(office_ready, operator):
    info = new_request(operator, "Siti Aminah", 1)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await wait_text(pilot, "1-1 dari 1")
        await asyncio.to_thread(lambda: requests.cancel_request(operator, info.id, "pemohon membatalkan"))
        await wait_for(pilot, lambda: cell_texts(screen.query_one(DataTable), 3) == ["Dibatalkan"], what="refresh")


async def test_page_keys_pressed_while_a_page_loads_all_count(office_ready, operator):
    for n in range(1, 121):
        new_request(operator, f"Warga Nomor {n:03d}", n, phone="")
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await wait_text(pilot, "1-50 dari 120")
        screen.query_one(DataTable).focus()
        screen.searching = True  # as while another desk's change has the page fetched again
        await pilot.press("n")
        await wait_text(pilot, "51-100 dari 120")
        await pilot.press("n", "n")  # one page on, then one too far: the last page stays
        await wait_text(pilot, "101-120 dari 120")
        await pilot.press("b")
        await wait_text(pilot, "51-100 dari 120")


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
async def test_hostile_names_are_shown_literally_in_search(office_ready, operator, hostile):
    new_request(operator, hostile, 1)
    shown = clean_name(hostile)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await wait_text(pilot, "1-1 dari 1")
        assert app.is_running
        table = screen.query_one(DataTable)
        cell = cell_texts(table, 1)[0]
        assert shown.startswith(cell.rstrip("…"))
        info = str(screen.query_one("#search-info", Static).render())
        if len(shown) < 60:
            assert shown in screen_text(app)
            assert info.splitlines()[0] == f"{shown} · Cetak KK"
        else:
            assert info.startswith("AAAAAAAAAA")


# --- pickup --------------------------------------------------------------------------------------


async def test_pickup_by_the_applicant_records_and_prints_the_proof(office_ready, operator, tmp_path):
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        text = screen_text(app)
        assert "Siti Aminah" in text and "NIK 360301******0001" in text and "Cetak KK" in text
        assert "Siap diambil sejak Sabtu, 28 November 2026 09:15 WIB" in text
        assert nik(1) not in text
        await pilot.press("enter")  # the scanner's second Enter, or the operator's
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await wait_text(pilot, "Konfirmasi pengambilan")
        question = app.screen.question
        assert "\n  Siti Aminah\n  pemohon sendiri\n" in question and "printer struk" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: "dicetak" in str(screen.query_one("#pickup-outcome", Static).render()),
                       what="print outcome")
        assert screen.query_one("#pickup-reg", Input).value == ""  # ready for the next scan
        assert app.focused is screen.query_one("#pickup-reg", Input)
    row = Request.get(Request.reg_no == info.reg_no)
    assert row.status == "picked_up"
    pickup_row = Pickup.get(Pickup.request == row.id)
    assert (pickup_row.collector_kind, pickup_row.collector_name) == ("self", "Siti Aminah")
    job = PrintJob.get(PrintJob.ref_id == row.id, PrintJob.kind == "proof_slip")
    assert job.status == "printed"
    printed = (tmp_path / "struk.bin").read_bytes()
    assert info.reg_no.encode() in printed and b"Siti Aminah" in printed


async def test_pickup_by_a_proxy_with_name_and_nik_on_a4(office_ready, operator, tmp_path):
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        await pilot.press("ctrl+t")  # proof on A4
        await wait_text(pilot, "printer A4")
        await pilot.press("tab")  # to the collector choice
        await pilot.press("right", "right", "enter")  # Kuasa (surat kuasa)
        await wait_for(pilot, lambda: app.focused is screen.query_one("#pickup-name-input", Input), what="name field")
        await wait_text(pilot, "Surat kuasa asli wajib diterima dan disimpan")
        await pilot.press(*"Budi Kuasa", "enter")
        await pilot.press(*"36030112")
        await wait_text(pilot, "NIK harus 16 angka, bukan 8 angka.")
        await pilot.press("enter")  # refused on the spot: the NIK is not complete
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press(*"05900003")
        await wait_text(pilot, "✓ NIK laki-laki, lahir 12-05-1990")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await wait_text(pilot, "Konfirmasi pengambilan")
        question = app.screen.question
        assert "\n  Budi Kuasa\n  kuasa dengan surat kuasa, NIK 360301******0003\n" in question
        assert "Surat kuasa asli sudah diterima dan disimpan." in question and "printer A4" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: "Bukti pengambilan (A4)" in str(screen.query_one("#pickup-outcome", Static).render()),
                       what="A4 outcome")
    row = Request.get(Request.reg_no == info.reg_no)
    pickup_row = Pickup.get(Pickup.request == row.id)
    assert (pickup_row.collector_kind, pickup_row.collector_name, pickup_row.collector_nik) == (
        "proxy", "Budi Kuasa", "3603011205900003")
    assert row.status == "picked_up"
    assert PrintJob.get(PrintJob.ref_id == row.id).kind == "proof_a4"
    assert list((tmp_path / "a4").glob("bukti-pengambilan-*.pdf"))


async def test_second_pickup_is_refused_with_when_and_who(office_ready, operator, tmp_path):
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    from tui_kecamatan.core import pickup

    pickup.confirm_pickup(operator, info.reg_no, collector_kind="family", collector_name="Ani Keluarga",
                          collector_nik=nik(7))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        await wait_for(pilot, lambda: str(screen.query_one("#pickup-state", Static).render()) ==
                       "Dokumen sudah diambil pada Sabtu, 28 November 2026 09:15 WIB oleh Ani Keluarga.", what="refusal")
        assert screen.query_one("#pickup-collector").disabled
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "sudah diambil" in screen_text(app)
        # The proof can be printed again for a collected document.
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "dicetak" in str(screen.query_one("#pickup-outcome", Static).render()),
                       what="reprint outcome")
    assert Pickup.select().count() == 1
    assert PrintJob.select().where(PrintJob.kind == "proof_slip").count() == 1


async def test_not_ready_request_is_refused(office_ready, operator, tmp_path):
    info = new_request(operator, "Dedi Belum", 1)
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        await wait_text(pilot, "Dokumen belum siap diambil (status: Diterima).")
        await wait_text(pilot, "Target selesai")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press(*"20991231-9999", "enter")  # the field was selected: the scan replaces it
        await wait_text(pilot, "Permohonan 20991231-9999 tidak ditemukan.")
    assert Request.get(Request.reg_no == info.reg_no).status == "received"
    assert Pickup.select().count() == 0



async def test_pickup_by_a_part_of_the_number(office_ready, operator, tmp_path):
    """The citizen has lost the receipt and says "nomor 2" or the end of the phone number: the one
    request ready to collect is found, the field shows its whole number, and Enter goes on."""
    fixed_clock(NOW - timedelta(days=1))
    new_request(operator, "Rina Kemarin", 1, phone="0857-1111-2222")
    yesterday_2 = make_ready(operator, new_request(operator, "Dedi Kemarin", 2, phone="0812-9999-0000"))
    fixed_clock()
    new_request(operator, "Eko Hari Ini", 3, phone="0857-3333-4444")
    new_request(operator, "Fitri Hari Ini", 4, phone="0857-5555-6666")  # today's 0002, not ready
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        field = screen.query_one("#pickup-reg", Input)
        await wait_for(pilot, lambda: app.focused is field, what="focus in number")
        await pilot.press(*"0002", "enter")
        await wait_for(pilot, lambda: screen.view is not None and screen.view.reg_no == yesterday_2.reg_no,
                       what="the ready request numbered 0002")
        assert field.value == yesterday_2.reg_no
        await wait_text(pilot, "Siap diambil sejak Jumat, 27 November 2026 09:15 WIB")
        assert "Dedi Kemarin" in screen_text(app)
        await pilot.press(*"0857", "enter")  # several, none ready: the sentence says so
        await wait_text(pilot, "Ada 3 permohonan cocok, tidak satu pun siap diambil; ketik nomor lengkap.")
        assert screen.view is None
        await pilot.press(*"9999 0000", "enter")  # the end of Dedi's phone, spoken with a space
        await wait_for(pilot, lambda: screen.view is not None and field.value == yesterday_2.reg_no,
                       what="found by the phone")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        assert f"(No. registrasi {yesterday_2.reg_no})" in app.screen.question
        await pilot.press("y")
        await wait_for(pilot, lambda: "diserahkan kepada" in str(screen.query_one("#pickup-outcome", Static).render()),
                       what="outcome")
    assert Request.get(Request.reg_no == yesterday_2.reg_no).status == "picked_up"

async def test_family_pickup_needs_a_name_and_cancelling_changes_nothing(office_ready, operator, tmp_path):
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        screen.query_one("#kind-family", RadioButton).value = True
        await wait_text(pilot, "Cocokkan pengambil dengan KK pemohon (No. KK 360301******0003).")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Nama pengambil wajib diisi.")
        await pilot.press(*"Ani", "enter", *nik(9), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen, what="back on pickup")
    assert Request.get(Request.reg_no == info.reg_no).status == "ready"
    assert Pickup.select().count() == 0


async def test_pickup_screen_opens_prefilled(office_ready, operator, tmp_path):
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_home(pilot)
        app.push_screen(PickupScreen(info.reg_no))
        await wait_text(pilot, "Siap diambil sejak")
        assert app.screen.query_one("#pickup-reg", Input).value == info.reg_no


async def test_electronic_delivery_records_the_contact(office_ready, operator, tmp_path):
    from tui_kecamatan.screens.requests.contact import ContactScreen

    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactScreen), what="message dialog")
        text = screen_text(app)
        assert "https://wa.me/6281234567890?text=" in text and "A4 80 gram" in text
        assert "Siti Aminah" in app.clipboard
        await pilot.press("s")
        await wait_for(pilot, lambda: "dikirim elektronik" in str(screen.query_one("#pickup-outcome", Static).render()),
                       what="delivered")
    row = Request.get(Request.reg_no == info.reg_no)
    assert row.status == "delivered"
    contact = Contact.get(Contact.request == row.id)
    assert contact.kind == "sent" and contact.phone == "+6281234567890" and "PDF" in contact.message
    assert Pickup.get(Pickup.request == row.id).collector_kind == "electronic"
    assert AuditEvent.select().where(AuditEvent.action == "dokumen_dikirim").count() == 1


async def test_printer_failure_keeps_the_pickup_and_says_how_to_reprint(office_ready, operator, tmp_path):
    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator)  # no printer configured at all
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await wait_text(pilot, "printer struk - belum diatur di konfigurasi")
        await scan(pilot, screen, info.reg_no)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Pengambilan tetap tercatat" in str(screen.query_one("#pickup-outcome", Static).render()),
                       what="failure sentence")
    assert Request.get(Request.reg_no == info.reg_no).status == "picked_up"
    assert PrintJob.get(PrintJob.kind == "proof_slip").status == "failed"


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
async def test_hostile_names_are_shown_literally_in_pickup(office_ready, operator, tmp_path, hostile):
    info = make_ready(operator, new_request(operator, hostile, 1))
    shown = clean_name(hostile)
    app = make_app(office_ready, operator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await scan(pilot, screen, info.reg_no)
        name_line = str(screen.query_one("#pickup-name", Static).render())
        assert name_line.startswith(shown[:60])
        if len(shown) < 50:
            assert shown in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        assert app.is_running
        await pilot.press("y")
        await wait_for(pilot, lambda: "diserahkan kepada" in str(screen.query_one("#pickup-outcome", Static).render()),
                       what="outcome")
        assert app.is_running
    assert Pickup.get().collector_name == shown


async def test_a_scanner_burst_of_number_and_enter_finds_the_request(office_ready, operator):
    """A USB scanner delivers the whole number and Enter at once, faster than the field takes
    them: the lookup must still see the whole number."""
    from textual import events

    info = make_ready(operator, new_request(operator, "Siti Aminah", 1))
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pickup(pilot)
        await wait_for(pilot, lambda: pilot.app.focused is screen.query_one("#pickup-reg", Input), what="focus in number")
        for character in info.reg_no:
            app.post_message(events.Key(character, character))
        app.post_message(events.Key("enter", "\r"))
        await wait_for(pilot, lambda: screen.view is not None and screen.view.reg_no == info.reg_no,
                       what="the scanned request")
        assert "Ketik atau pindai" not in screen_text(app)
        assert "Siti Aminah" in screen_text(app)
