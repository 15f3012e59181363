"""The reports screen (F6) at 80x24 over the known day and month of tests/test_reports.py (read on
Tuesday 8 December 2026): the figures a supervisor sees, moving between days and months, the
range dialog, the CSV and PDF files, printing on the A4 printer, the audit trail, and the
refusal an operator gets."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import Input

from printing.settings import PrinterSettings
from test_reports import DAY, at, office  # noqa: F401 - office is a fixture
from tests.pilot import (fill, make_app, notifications, screen_text, settle, wait_for, wait_notified, wait_screen,
                         wait_text)
from tui_kecamatan.core import accounts, reports, tickets
from tui_kecamatan.core import office as office_module
from tui_kecamatan.screens.reports.dialogs import RangeDialog, SaveFileDialog
from tui_kecamatan.screens.reports.screen import ReportsScreen
from tui_kecamatan.screens.shell.home import HomeScreen
from tui_kecamatan.widgets.bar_chart import BarChart

SIZE = (80, 24)


async def open_reports(pilot) -> ReportsScreen:
    await wait_screen(pilot, HomeScreen)
    await pilot.press("f6")
    screen = await wait_screen(pilot, ReportsScreen)
    await wait_for(pilot, lambda: screen.report is not None and not screen.computing, what="the report")
    return screen


async def shown(pilot, screen: ReportsScreen, kind: str, first: str) -> None:
    """Wait until the report of `kind` from `first` (ISO day) is on screen."""
    await wait_for(pilot, lambda: screen.report is not None and not screen.computing
                   and (screen.report.kind, screen.report.date_from.isoformat()) == (kind, first),
                   what=f"{kind} report from {first}")


async def body_text(pilot, screen: ReportsScreen) -> str:
    """Everything the screen shows from the top of the report to its end, a page at a time with
    PageDown as a person reads it (without the scroll bar's column); back at the top afterwards."""
    body = screen.query_one("#reports-body")
    scrollbar = body.region.right - 1

    def page() -> str:
        return "\n".join(line[:scrollbar] for line in screen_text(pilot.app).splitlines())

    await pilot.press("home")
    await pilot.pause()
    pages = [page()]
    while body.scroll_y < body.max_scroll_y:
        await pilot.press("pagedown")
        await pilot.pause()
        pages.append(page())
    await pilot.press("home")
    await pilot.pause()
    return "\n".join(pages)


def line_with(text: str, start: str, after: str = "") -> list[str]:
    """The words of the first line of `text` that starts (after spaces) with `start`, looking
    from the heading `after` on."""
    if after:
        assert after in text, f"{after!r} not on screen:\n{text}"
        text = text[text.index(after):]
    for line in text.splitlines():
        if line.strip().startswith(start):
            return line.split()
    raise AssertionError(f"no line starting with {start!r} in\n{text}")


async def press_until(pilot, screen: ReportsScreen, key: str, times: int) -> None:
    for _press in range(times):
        await pilot.press(key)




async def test_the_known_day_shows_its_figures(office, db, supervisor):
    app = make_app(db, supervisor)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        # Today first (Tuesday 8 December, no tickets yet), then a week back, a key a day.
        assert "Rekap harian — Selasa, 8 Desember 2026" in screen_text(app)
        assert "Belum ada nomor antrian pada periode ini." in screen_text(app)
        for _day in range(7):
            await pilot.press("left_square_bracket")
        await shown(pilot, screen, "daily", DAY.isoformat())
        text = await body_text(pilot, screen)

    assert "Rekap harian — Selasa, 1 Desember 2026" in text
    assert "Kantor Kecamatan Pasar Kemis" in text
    # The chart: a bar per office hour, its count on top, the hours under the bars.
    assert line_with(text, "07", after="Nomor antrian diambil per jam")[:4] == ["07", "08", "09", "10"]
    assert line_with(text, "3", after="Nomor antrian diambil per jam") == ["3", "3"]
    assert "Jam tersibuk: 08.00-08.59, 3 nomor antrian diambil." in text
    # Queue: taken, served, no-show, cancelled, transferred; then waiting and serving minutes.
    assert line_with(text, "KTP-el", after="Antrian per layanan") == ["KTP-el", "2", "2", "0", "0", "0"]
    assert line_with(text, "KK", after="Antrian per layanan") == ["KK", "4", "2", "1", "1", "1"]
    assert line_with(text, "TOTAL", after="Antrian per layanan") == ["TOTAL", "7", "4", "1", "1", "1"]
    assert line_with(text, "KTP-el", after="Tunggu ──") == ["KTP-el", "27.5", "27.5", "30.0", "15.0", "15.0", "20.0"]
    assert line_with(text, "TOTAL", after="Tunggu ──") == ["TOTAL", "24.0", "25.0", "30.0", "13.5", "14.5", "20.0"]
    assert line_with(text, "Loket 1", after="Dilayani") == ["Loket", "1", "2", "Dewi", "2"]
    assert line_with(text, "Loket 2", after="Dilayani") == ["Loket", "2", "2", "Wahyu", "2"]
    # Requests: in (walk-in, WhatsApp), ready (on time, %), overdue; collected, sent, rejected, cancelled.
    assert line_with(text, "KTP-el", after="Permohonan per layanan") == [
        "KTP-el", "4", "2", "2", "3", "3", "100.0", "0"]
    assert line_with(text, "KK", after="Permohonan per layanan") == ["KK", "4", "4", "0", "1", "1", "100.0", "1"]
    assert line_with(text, "KTP-el", after="Kirim elektronik") == ["KTP-el", "2", "1", "1", "0"]
    assert line_with(text, "TOTAL", after="Kirim elektronik") == ["TOTAL", "3", "1", "1", "1"]
    assert "Diambil oleh: pemohon 1 · keluarga dalam KK 1 · kuasa 1" in text
    assert "Pemohon dihubungi (WhatsApp): berkas kurang 1 · dokumen siap 1" in text
    # Overdue as of today, and the urgent cases with who approved them.
    assert "Lewat target per Selasa, 8 Desember 2026: 1 permohonan" in text
    assert line_with(text, office["r4"].reg_no) == [office["r4"].reg_no, "KK", "4", "Des", "2026", "lewat", "4", "hari"]
    assert "Kasus mendesak" in text
    assert line_with(text, "E-001") == ["E-001", "1", "Des", "2026", "Perekaman", "KTP-el", "disetujui", "oleh", "sari"]
    assert "Alasan: Berobat ke luar kota" in text and "Alasan: Syarat kerja" in text


async def test_months_and_days_move_with_the_keys(office, db, admin):
    app = make_app(db, admin)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        # Tomorrow has no figures yet: the key says so and the day stays.
        await pilot.press("right_square_bracket")
        await wait_notified(pilot, "hari esok belum punya angka")
        assert screen.period.first.isoformat() == "2026-12-08"

        await pilot.press("b")
        await shown(pilot, screen, "monthly", "2026-12-01")
        text = await body_text(pilot, screen)
        assert "Rekap bulanan — Desember 2026" in text
        assert line_with(text, "TOTAL", after="Antrian per layanan") == ["TOTAL", "8", "5", "1", "1", "1"]
        assert line_with(text, "KTP-el", after="Tunggu ──")[:4] == ["KTP-el", "21.7", "25.0", "30.0"]
        # r8 was ready on 7 December, after its target: 4 of 5 on time.
        assert line_with(text, "TOTAL", after="Permohonan per layanan") == [
            "TOTAL", "9", "7", "2", "5", "4", "80.0", "1"]
        # The month's chart: one bar a day, 31 of them in 78 columns, the days under them.
        chart = screen.query_one("#reports-chart", BarChart)
        assert len(chart.bars) == 31 and chart.outer_size.width <= 78
        assert line_with(text, "1 2 3 4 5 6 7 8 9 10", after="Nomor antrian diambil per hari")
        assert line_with(text, "7", after="Nomor antrian diambil per hari") == ["7"]

        await pilot.press("t")
        await wait_notified(pilot, "Rekap bulan ini sudah tampil.")
        await pilot.press("left")  # the arrow keys move the period too
        await shown(pilot, screen, "monthly", "2026-11-01")
        assert "Rekap bulanan — November 2026" in screen_text(app)
        assert "Belum ada nomor antrian pada periode ini." in screen_text(app)
        await pilot.press("right_square_bracket")
        await shown(pilot, screen, "monthly", "2026-12-01")

        # Daily from a past month starts at its first day; t comes back to today.
        await pilot.press("left_square_bracket")
        await shown(pilot, screen, "monthly", "2026-11-01")
        await pilot.press("h")
        await shown(pilot, screen, "daily", "2026-11-01")
        assert "Rekap harian — Minggu, 1 November 2026" in screen_text(app)
        await pilot.press("h")
        await wait_notified(pilot, "Rekap harian sudah tampil")
        await pilot.press("t")
        await shown(pilot, screen, "daily", "2026-12-08")


async def test_a_range_is_asked_in_a_dialog_that_shows_cores_refusal(office, db, supervisor):
    app = make_app(db, supervisor)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("r")
        dialog = await wait_screen(pilot, RangeDialog)
        await fill(pilot, {"#range-from": "2026-13-01", "#range-to": "2026-12-01"})
        await pilot.press("ctrl+s")
        await wait_text(pilot, 'Tanggal awal "2026-13-01" tidak dikenali')

        await fill(pilot, {"#range-from": "2026-12-07", "#range-to": "2026-12-01"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Tanggal awal rekap harus sebelum atau sama dengan tanggal akhir." in
                       str(dialog.query_one("#range-to-error").render()), what="core's sentence under the field")
        assert "Tanggal awal rekap harus sebelum" in screen_text(app)
        assert app.screen is dialog

        await fill(pilot, {"#range-from": "01-12-2026", "#range-to": "2026-12-07"}, focus="#range-to")
        await pilot.press("enter")
        await wait_screen(pilot, ReportsScreen)
        await shown(pilot, screen, "range", "2026-12-01")
        text = await body_text(pilot, screen)
        assert "Rekap rentang — 1 Des 2026 s.d. 7 Des 2026" in text
        assert line_with(text, "TOTAL", after="Antrian per layanan") == ["TOTAL", "8", "5", "1", "1", "1"]
        assert "Jam tersibuk: 09.00-09.59, 4 nomor antrian diambil." in text
        # A range does not step; the key says what to do instead.
        await pilot.press("left_square_bracket")
        await wait_notified(pilot, "Rekap rentang tidak bergeser")
        assert screen.period.kind == "range"


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def as_text(rows: list[dict]) -> list[dict]:
    return [{key: "" if value is None else str(value) for key, value in row.items()} for row in rows]


async def test_csv_export_writes_the_report_and_never_overwrites(office, db, supervisor, tmp_path):
    home = Path.home()
    app = make_app(db, supervisor)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        await press_until(pilot, screen, "left_square_bracket", 7)
        await shown(pilot, screen, "daily", DAY.isoformat())

        await pilot.press("e")
        await wait_screen(pilot, SaveFileDialog)
        assert app.screen.query_one("#save-path", Input).value == "~/rekap-harian-2026-12-01.csv"
        await pilot.press("enter")
        target = home / "rekap-harian-2026-12-01.csv"
        await wait_notified(pilot, f"Rekap disimpan di {target}.")
        assert read_csv(target) == as_text(reports.csv_rows(reports.daily(supervisor, DAY)))
        written = target.read_bytes()

        # The same name again: one sentence under the field, the file as it was.
        await pilot.press("e")
        dialog = await wait_screen(pilot, SaveFileDialog)
        await pilot.press("enter")
        await wait_text(pilot, "sudah ada; pilih nama lain")
        assert app.screen is dialog and target.read_bytes() == written

        # One file per table, in another folder.
        await fill(pilot, {"#save-path": str(tmp_path / "desember")})
        await pilot.press("tab", "right")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ReportsScreen)
        await wait_notified(pilot, f"10 berkas rekap disimpan di {tmp_path}")
        assert len(list(tmp_path.glob("desember-*.csv"))) == 10
        assert read_csv(tmp_path / "desember-mendesak_tiket.csv") == as_text(
            reports.csv_table_rows(reports.daily(supervisor, DAY), "mendesak_tiket"))


async def test_an_operator_pressing_f6_is_told_who_may_see_reports(office, db, operator):
    app = make_app(db, operator)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        home = await wait_screen(pilot, HomeScreen)
        await pilot.press("f6")
        await wait_notified(pilot, "Rekap hanya untuk supervisor dan admin.")
        await settle(pilot)
        assert app.screen is home


async def test_the_report_follows_what_the_desks_do(office, db, supervisor):
    app = make_app(db, supervisor)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_reports(pilot)
        assert "Belum ada nomor antrian pada periode ini." in screen_text(app)
        tickets.issue_ticket(None, "KTP")  # at 09.00 on the day shown, as a kiosk would
        await wait_text(pilot, "Jam tersibuk: 09.00-09.59, 1 nomor antrian diambil.")


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


async def test_the_report_is_saved_as_a_pdf_and_printed_on_the_a4_printer(office, db, supervisor, tmp_path):
    home = Path.home()
    app = make_app(db, supervisor, folder=tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        await press_until(pilot, screen, "left_square_bracket", 7)
        await shown(pilot, screen, "daily", DAY.isoformat())

        await pilot.press("s")
        dialog = await wait_screen(pilot, SaveFileDialog)
        assert dialog.query_one("#save-path", Input).value == "~/rekap-harian-2026-12-01.pdf"
        assert not dialog.query("#save-kind")  # a PDF is one file
        await pilot.press("enter")
        target = home / "rekap-harian-2026-12-01.pdf"
        await wait_notified(pilot, f"Rekap disimpan di {target}.")
        text = pdf_text(target)
        assert "Selasa, 1 Desember 2026" in text and "Kantor Kecamatan Pasar Kemis" in text
        saved = target.read_bytes()
        await pilot.press("s")
        dialog = await wait_screen(pilot, SaveFileDialog)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "sudah ada" in str(dialog.query_one("#save-path-error").render()),
                       what="the refusal under the file name")
        assert app.screen is dialog and target.read_bytes() == saved
        await pilot.press("escape")
        await wait_screen(pilot, ReportsScreen)

        await pilot.press("c")
        await wait_for(pilot, lambda: list((tmp_path / "a4").glob("*.pdf")), what="the report in the A4 folder")
        printed = next((tmp_path / "a4").glob("*.pdf"))
        await wait_notified(pilot, str(printed))
        assert "Selasa, 1 Desember 2026" in pdf_text(printed)


async def test_a_report_the_printer_refuses_says_so_and_how_to_print_it_again(office, db, supervisor, tmp_path):
    not_a_folder = tmp_path / "bukan-folder"
    not_a_folder.write_text("sebuah berkas")
    app = make_app(db, supervisor, printers={"a4": PrinterSettings(name="a4", kind="folder", path=str(not_a_folder))})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_reports(pilot)
        await pilot.press("c")
        await wait_notified(pilot, "Rekap belum tercetak")
        message = notifications(app)
        assert "tidak dapat ditulisi" in message and "tui-kecamatan print retry" in message


async def test_j_opens_the_audit_trail_and_esc_comes_back(office, db, supervisor):
    from tui_kecamatan.screens.audit.viewer import AuditScreen

    app = make_app(db, supervisor)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("j")
        await wait_screen(pilot, AuditScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="the report again")


async def test_names_and_reasons_typed_by_people_are_shown_literally(db, admin, supervisor):
    office_module.save_profile(admin, office_module.ProfileInput(
        name="Kantor [b]Kecamatan[/b] Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang"))
    at(9, 0)
    budi = accounts.create_staff(admin, "budi", "rahasia-budi", accounts.Role.OPERATOR, "[@click=app.quit]Budi[/]")
    ticket = tickets.issue_ticket(None, "KTP")
    at(9, 5); tickets.call_next(budi, 1); tickets.start_serving(budi, ticket.id)  # noqa: E702
    at(9, 10); tickets.finish(budi, ticket.id)  # noqa: E702
    approval = accounts.approve_urgent(budi, "sari", "rahasia-sari", "[bold red]Sakit[/bold red] keras")
    tickets.issue_ticket(budi, "REKAM", approval=approval)
    app = make_app(db, supervisor)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        text = await body_text(pilot, screen)
        assert "Kantor [b]Kecamatan[/b] Pasar Kemis" in text
        assert "[@click=app.quit]Budi[/]" in text
        assert "Alasan: [bold red]Sakit[/bold red] keras" in text
        assert app.is_running
