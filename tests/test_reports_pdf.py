"""The report (rekap) on A4: the known day and month of tests/test_reports.py printed, read back
with pypdf and compared with figures worked out here by hand; saving (never overwriting),
printing on the A4 printer, a failed print retried from the command line, and `report --pdf`."""

from __future__ import annotations

import io
import json
import logging
import math
import os
import stat
import warnings
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest

from conftest import HOSTILE_NAMES, run_cli
from test_reports import DAY, at, new_request, office  # noqa: F401 - `office` is the known day's fixture
from tui_kecamatan.core import accounts, clock, printjobs, report_documents, reports
from tui_kecamatan.db.models import AuditEvent, PrintJob
from tui_kecamatan.errors import InvalidInput, PermissionDenied

HEAD = "Drs. H. Ahmad Fauzi, M.Si"
QUEUE_HEADING = "Diambil Dilayani Tidak datang Batal Pindah Rerata Median P90 Rerata Median P90"
OVERDUE_HEADING = "No No. registrasi Layanan Target"


def pages_of(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def lines_of(pages: list[str]) -> list[str]:
    return [line.strip() for page in pages for line in page.splitlines()]


def flat(text: str) -> str:
    """The text with every run of spaces and line breaks as one space (a heading cell that
    wraps is read back over two lines)."""
    return " ".join(text.split())


# Figures worked out by hand from the minutes the fixture's story gives, written as the report
# prints them: minutes with one decimal and a decimal comma.
def shown(minutes: float) -> str:
    return f"{minutes:.1f}".replace(".", ",")


def mean(values):
    return sum(values) / len(values)


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def p90(values):  # nearest rank
    return sorted(values)[math.ceil(0.9 * len(values)) - 1]


def durations(values) -> str:
    return " ".join(shown(f(values)) for f in (mean, median, p90))


def test_the_known_day_on_paper(office, supervisor, tmp_path):
    report = reports.daily(supervisor, DAY)
    path = report_documents.save_report_pdf(supervisor, report, tmp_path / "rekap-harian")
    assert path == str(tmp_path / "rekap-harian.pdf")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    pages = pages_of(Path(path).read_bytes())
    lines = lines_of(pages)
    total_pages = len(pages)
    assert total_pages >= 2
    for number, text in enumerate(pages, 1):
        assert f"Halaman {number} dari {total_pages}" in text
    assert "REKAP HARIAN LAYANAN" in pages[0] and "Selasa, 1 Desember 2026" in pages[0]
    assert "Rekap Harian Layanan — Selasa, 1 Desember 2026" in pages[1]  # the running header

    # Queue. KTP: A-001 waited 30 and was served 10 minutes, A-002 25 and 20.
    ktp_wait, ktp_serve = [30, 25], [10, 20]
    assert f"Cetak KTP-el 2 2 0 0 0 {durations(ktp_wait)} {durations(ktp_serve)}" in lines
    # KK: B-001 waited 25 (no-show), B-002 10 and 5, A-003 (transferred in) 30 and 19; B-003 cancelled.
    kk_wait, kk_serve = [25, 10, 30], [5, 19]
    assert f"Cetak KK 4 2 1 1 1 {durations(kk_wait)} {durations(kk_serve)}" in lines
    assert "Perekaman KTP-el 1 0 0 0 0 - - - - - -" in lines
    waits, serves = ktp_wait + kk_wait, ktp_serve + kk_serve
    assert f"TOTAL 7 4 1 1 1 {durations(waits)} {durations(serves)}" in lines
    assert "TOTAL 7 4 1 1 1 24,0 25,0 30,0 13,5 14,5 20,0" in lines  # the same, read off the paper
    assert "Jam tersibuk: 08.00–08.59 (3 tiket)." in lines
    # The chart's hours under the axis, the counts of 08, 09 and 10 above their bars.
    assert "07 08 09 10 11 12 13 14 15 16" in lines and "Tiket diambil per jam" in lines
    assert any(line.split() == ["Tiket", "3", "3"] for line in lines) and "1" in lines
    assert ["Loket 1 2", "Loket 2 2"] == [line for line in lines if line.startswith("Loket ") and line[-1].isdigit()]
    assert "Dewi 2" in lines and "Wahyu 2" in lines

    # Requests. KTP: r2, r3, r5, r7 received (two by WhatsApp), r2, r3, r5 ready that day and on
    # time; r2 collected by family, r3 by proxy, r5 sent as a PDF, r7 rejected.
    assert "Cetak KTP-el 4 2 2 3 3 100,0 0 0 1 1 1 1 0" in lines
    # KK: r1, r4, r6, r8 at the counter; r1 ready and collected by the applicant, r4 overdue, r6 cancelled.
    assert "Cetak KK 4 4 0 1 1 100,0 1 1 0 0 0 0 1" in lines
    assert "TOTAL 9 7 2 4 4 100,0 1 1 1 1 1 1 1" in lines
    assert "Pemohon dihubungi: berkas kurang 1, dokumen siap 1." in lines

    # Overdue on Tuesday 8 December: r4, due Friday 4 December, 4 days over.
    r4 = office["r4"].reg_no
    assert "C. Permohonan terlambat per Selasa, 8 Desember 2026" in lines
    assert f"1 {r4} Cetak KK 4 Des 2026 4" in lines
    # Urgent cases with their reasons as typed and who approved them.
    assert "1 Tiket E-001 1 Des 2026 Perekaman KTP-el Berobat ke luar kota sari" in lines
    assert f"2 Permohonan {office['urgent'].reg_no} 1 Des 2026 Perekaman KTP-el Syarat kerja sari" in lines

    # The sign-off closes the last page.
    last = pages[-1].splitlines()
    signoff = ["Pasar Kemis, 8 Desember 2026", "Camat Pasar Kemis,", HEAD, "NIP. 19700101 200003 1 001"]
    at_sign = last.index(signoff[0])
    assert last[at_sign:at_sign + 4] == signoff

    detail = AuditEvent.select().where(AuditEvent.action == "rekap_disimpan").get().detail
    assert detail == f"daily 2026-12-01 s.d. 2026-12-01 ke {path}"


def test_saving_never_overwrites_and_needs_a_folder(office, supervisor, tmp_path):
    report = reports.daily(supervisor, DAY)
    existing = tmp_path / "rekap.pdf"
    existing.write_bytes(b"jangan ditimpa")
    for target in (existing, tmp_path / "rekap"):
        with pytest.raises(InvalidInput, match="sudah ada; pilih nama lain"):
            report_documents.save_report_pdf(supervisor, report, target)
    assert existing.read_bytes() == b"jangan ditimpa"
    with pytest.raises(InvalidInput, match="tidak ada"):
        report_documents.save_report_pdf(supervisor, report, tmp_path / "tidak-ada" / "rekap.pdf")
    with pytest.raises(InvalidInput, match="Tulis nama berkas"):
        report_documents.save_report_pdf(supervisor, report, "  ")
    assert not AuditEvent.select().where(AuditEvent.action == "rekap_disimpan").exists()


def test_an_operator_is_refused(office, operator, supervisor, tmp_path):
    report = reports.monthly(supervisor, 2026, 12)
    with pytest.raises(PermissionDenied):
        report_documents.save_report_pdf(operator, report, tmp_path / "rekap.pdf")
    with pytest.raises(PermissionDenied):
        report_documents.print_report(operator, report)
    assert not (tmp_path / "rekap.pdf").exists() and PrintJob.select().count() == 0


def test_a_month_with_many_overdue_requests_runs_over_pages_with_its_headings(office, operator, supervisor, tmp_path):
    # 120 more requests received on the known day, none of them ever completed.
    at(15, 0)
    more = [new_request(operator, "KK" if n % 2 else "PINDAH_KELUAR").reg_no for n in range(120)]
    at(9, 0, date(2026, 12, 8))
    report = reports.monthly(supervisor, 2026, 12)
    assert len(report.overdue) == 121
    pages = pages_of(Path(report_documents.save_report_pdf(supervisor, report, tmp_path / "bulan")).read_bytes())
    assert len(pages) >= 4
    for number, text in enumerate(pages, 1):
        assert f"Halaman {number} dari {len(pages)}" in text
    assert "REKAP BULANAN" in pages[0] and "Desember 2026" in pages[0]
    assert QUEUE_HEADING in flat(pages[0])
    # Every page the overdue list runs over starts its part of the list with the heading.
    with_rows = [text for text in pages if any(reg in text for reg in more)]
    assert len(with_rows) >= 3
    for text in map(flat, with_rows):
        assert OVERDUE_HEADING in text
        assert text.index(OVERDUE_HEADING) < min(text.index(reg) for reg in more if reg in text)
    everything = "\n".join(pages)
    assert all(everything.count(reg) == 1 for reg in more)
    # Overdue since the target of 1 working day (Wednesday 2 December) or 3 (Friday 4 December).
    lines = lines_of(pages)
    assert f"{more[0]} Surat keterangan pindah keluar 2 Des 2026 6" in " ".join(lines)
    assert any(line.endswith(f"{more[1]} Cetak KK 4 Des 2026 4") for line in lines)
    # The month's chart: the days of December, 128 tickets... no: 7 on the 1st and 1 on the 7th.
    assert "Tiket diambil per hari" in lines
    assert " ".join(str(d) for d in range(1, 32)) in lines
    assert "hari tersibuk: Selasa, 1 Desember 2026 (7 tiket)" in everything
    assert "Camat Pasar Kemis," in pages[-1] and "NIP. 19700101 200003 1 001" in pages[-1]


def _config(tmp_path, a4_folder: Path):
    from tui_kecamatan.config import load_config

    path = tmp_path / "config.toml"
    path.write_text(f'[printers.a4]\nkind = "folder"\npath = "{a4_folder}"\n', encoding="utf-8")
    return str(path), load_config(str(path))


def test_printed_on_the_a4_printer_as_saved(office, supervisor, tmp_path):
    report = reports.daily(supervisor, DAY)
    saved = Path(report_documents.save_report_pdf(supervisor, report, tmp_path / "disimpan.pdf")).read_bytes()
    _path, config = _config(tmp_path, tmp_path / "a4")
    job_id = report_documents.print_report(supervisor, report)
    job = PrintJob.get_by_id(job_id)
    assert (job.kind, job.printer, job.status) == ("report_a4", "a4", "pending")
    outcome = printjobs.send_job(job_id, config, actor=supervisor)
    assert outcome.ok, outcome.message
    printed = tmp_path / "a4" / "rekap-harian-2026-12-01.pdf"
    assert outcome.message == f"Rekap layanan (A4): {printed}."
    # The same moment on the clock: the printer gets the very same document.
    assert printed.read_bytes() == saved
    assert PrintJob.get_by_id(job_id).status == "printed"


def test_a_failed_print_waits_and_print_retry_prints_it(office, supervisor, tmp_path, db_path):
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("sebuah berkas")
    config_path, config = _config(tmp_path, blocker / "a4")
    report = reports.monthly(supervisor, 2026, 12)
    job_id = report_documents.print_report(supervisor, report)
    outcome = printjobs.send_job(job_id, config, actor=supervisor)
    assert not outcome.ok and "tidak dapat ditulisi" in outcome.message
    waiting = printjobs.failed_jobs()
    assert [(row.id, row.label, row.retry) for row in waiting] == [(job_id, "Rekap layanan (A4)", True)]

    # The next day the folder is fixed; the report is still printed when retried.
    clock.set_now(None)
    folder = tmp_path / "a4-baru"
    Path(config_path).write_text(f'[printers.a4]\nkind = "folder"\npath = "{folder}"\n', encoding="utf-8")
    listed = run_cli("--db", str(db_path), "--config", config_path, "print", "list", "--failed", "--json")
    assert [(row["id"], row["kind"], row["retry"]) for row in json.loads(listed.stdout)] == [(job_id, "report_a4", True)]
    result = run_cli("--db", str(db_path), "--config", config_path, "print", "retry", "--yes")
    assert result.returncode == 0, result.stderr
    printed = folder / "rekap-bulanan-2026-12.pdf"
    assert f"Rekap layanan (A4): {printed}." in result.stdout
    pages = pages_of(printed.read_bytes())
    assert "REKAP BULANAN" in pages[0] and "TOTAL 8 5 1 1 1" in "\n".join(pages)
    assert HEAD in pages[-1]
    assert PrintJob.get_by_id(job_id).status == "printed"


def test_command_line_pdf(office, db_path, tmp_path, admin):
    target = tmp_path / "rekap-desember.pdf"
    result = run_cli("--db", str(db_path), "report", "monthly", "--month", "2026-12", "--pdf", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Rekap disimpan ke {target}.\n" and result.stderr == ""
    raw = target.read_bytes()
    pages = pages_of(raw)
    assert "REKAP BULANAN" in pages[0] and "TOTAL 8 5 1 1 1" in "\n".join(pages)
    assert "Camat Pasar Kemis," in pages[-1]

    again = run_cli("--db", str(db_path), "report", "daily", "--date", "2026-12-01", "--pdf", str(target))
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.strip().splitlines() == [f"Berkas {target} sudah ada; pilih nama lain."]
    assert target.read_bytes() == raw

    # With --json the JSON stays alone on stdout; with --csv both files are written.
    day = tmp_path / "harian"
    both = run_cli("--db", str(db_path), "report", "daily", "--date", "2026-12-01", "--json", "--pdf", str(day))
    assert both.returncode == 0, both.stderr
    assert json.loads(both.stdout)["queue"]["total"]["issued"] == 7
    assert both.stderr == f"Rekap disimpan ke {day}.pdf.\n"
    assert "TOTAL 7 4 1 1 1 24,0 25,0 30,0 13,5 14,5 20,0" in lines_of(pages_of((tmp_path / "harian.pdf").read_bytes()))
    table = tmp_path / "rentang.csv"
    pdf = tmp_path / "rentang.pdf"
    both = run_cli("--db", str(db_path), "report", "range", "--from", "2026-12-01", "--to", "2026-12-07",
                   "--csv", str(table), "--pdf", str(pdf))
    assert both.returncode == 0, both.stderr
    assert both.stdout.splitlines() == [f"Rekap disimpan ke {table}.", f"Rekap disimpan ke {pdf}."]
    assert "Rekap Layanan — 1 Desember 2026 s.d. 7 Desember 2026" in "\n".join(pages_of(pdf.read_bytes()))


def test_before_the_office_is_set_up_the_sign_off_is_left_to_write_by_hand(db, supervisor, operator, tmp_path):
    at(9, 0)
    reason = "[@click=app.quit]x[/] Siti [/b] {nb} \x1b[31m\u202e"
    approval = accounts.approve_urgent(operator, "sari", "rahasia-sari", reason)
    from tui_kecamatan.core import tickets

    tickets.issue_ticket(operator, "REKAM", approval=approval)
    pages = pages_of(Path(report_documents.save_report_pdf(
        supervisor, reports.daily(supervisor, DAY), tmp_path / "r.pdf")).read_bytes())
    everything = "\n".join(pages)
    assert "[@click=app.quit]x[/] Siti [/b] {nb} [31m" in everything  # literally, without the controls
    assert "\x1b" not in everything and "\u202e" not in everything
    last = pages[-1].splitlines()
    at_sign = last.index("." * 24 + ", 1 Desember 2026")  # the place to write by hand
    assert last[at_sign + 1] == "Kepala Kantor,"
    assert set(last[at_sign + 2]) == {"."} and last[at_sign + 3].startswith("NIP. ....")


def recap_with(name: str) -> dict:
    """A report's JSON with `name` wherever a person's text is printed."""
    line = {"service": "KK", "name": name, "issued": 3, "served": 2, "no_show": 1, "cancelled": 0, "transferred": 0,
            "wait_avg_s": 600, "wait_median_s": 600, "wait_p90_s": 900, "service_avg_s": 300, "service_median_s": 300,
            "service_p90_s": 300, "received": 2, "walk_in": 1, "whatsapp": 1, "completed": 1, "on_time": 1,
            "on_time_percent": 100.0, "overdue": 1, "collected_self": 1, "collected_family": 0, "collected_proxy": 0,
            "delivered": 0, "rejected": 0, "cancelled_requests": 0}
    case = {"ref": "E-001", "day": "2026-12-01", "service": "KK", "urgent_reason": name, "approved_by": name}
    return {
        "kind": "daily", "from": "2026-12-01", "to": "2026-12-01",
        "office": {"name": name, "kecamatan": name, "kabupaten": name, "head_name": name, "head_nip": name},
        "queue": {"services": [line], "total": {**line, "service": "TOTAL"}, "busiest_hour": 9,
                  "busiest_hour_count": 3, "chart_unit": "hour", "chart": [{"label": "09", "count": 3}],
                  "counters": [{"key": "1", "name": name, "served": 2}],
                  "operators": [{"key": "wahyu", "name": name, "served": 2}]},
        "requests": {"services": [line], "total": {**line, "service": "TOTAL"}, "contacts_missing": 0,
                     "contacts_ready": 1},
        "overdue_as_of": "2026-12-08",
        "overdue": [{"reg_no": "20261201-0004", "service": "KK", "due_date": "2026-12-04", "days_over": 4}],
        "urgent": {"tickets": [case], "requests": []},
    }


@pytest.mark.parametrize("name", HOSTILE_NAMES + ["محمد عبد الله", "王小明", "{nb} Halaman"])
def test_any_text_typed_by_a_person_prints_as_typed(name, caplog):
    from printing import a4

    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning from fpdf2 fails the test
        pdf = a4.recap_pdf(a4.OfficeLetterhead(name=name, kecamatan=name),
                           a4.RecapData(report=recap_with(name)), printed_at=datetime(2026, 12, 8, 9, 0))
    assert not [r for r in caplog.records if r.name.startswith(("fpdf", "printing"))]
    pages = pages_of(pdf)
    everything = "\n".join(pages)
    assert "\x1b" not in everything and "\x07" not in everything and "\u202e" not in everything
    for number, text in enumerate(pages, 1):
        assert f"Halaman {number} dari {len(pages)}" in text
    if name.startswith("[") or name.startswith("{nb}") or "'" in name:
        urgent = next(line for line in lines_of(pages) if line.startswith("1 Tiket E-001 1 Des 2026 "))
        assert f" {name} " in urgent  # the reason, in the widest column, as typed
    if name == "A" * 300:  # cut at the printing cap, wrapped, never over the margin
        assert "A" * 200 in flat(everything).replace(" ", "")
