"""Recorded print jobs: recorded first, sent outside the transaction, marked printed or failed
with the printer's sentence, and printed again once the printer is back."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from printing import receipt
from printing.settings import printer_settings
from tests.printer_fake import FakePrinter, cuts, printed_text
from tui_kecamatan.config import Config, load_config
from tui_kecamatan.core import accounts, audit, clock, printjobs
from tui_kecamatan.db.models import OfficeProfile, PrintJob, database
from tui_kecamatan.errors import NotFound, PermissionDenied, PrintFailed

WIB = timezone(timedelta(hours=7))


def config_for(tmp_path, fake: FakePrinter | None = None, **receipt_keys) -> Config:
    """A real configuration file with a [printers.receipt] section, read by load_config."""
    lines = []
    if fake is not None or receipt_keys:
        keys = {"kind": "network", "host": "127.0.0.1", "port": fake.port if fake else 9100, "timeout": 1}
        keys.update(receipt_keys)
        lines.append("[printers.receipt]")
        for key, value in keys.items():
            lines.append(f"{key} = {json.dumps(value)}")
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(path)


def ticket_payload(code: str = "A-007") -> dict:
    return receipt.TicketSlip(
        office="Kantor Kecamatan Pasar Kemis", code=code, service="Cetak KTP-el",
        issued_at=datetime(2026, 11, 28, 9, 15, tzinfo=WIB), zone="WIB", ahead=2,
    ).to_payload()


def job(job_id: int) -> PrintJob:
    return PrintJob.get_by_id(job_id)


def test_ticket_job_prints_and_is_marked_printed(db, operator, tmp_path):
    with FakePrinter() as fake:
        config = config_for(tmp_path, fake)
        job_id = printjobs.record_job(operator, "ticket", ticket_payload(), ref_table="ticket", ref_id=7)
        assert job(job_id).status == "pending"
        outcome = printjobs.send_job(job_id, config, actor=operator)
        data = fake.received

    assert outcome == printjobs.PrintOutcome(job_id, True, f"Nomor antrian dicetak di Printer struk (127.0.0.1:{fake.port}).")
    text = printed_text(data)
    assert "A-007" in text and "Cetak KTP-el" in text and "Sabtu, 28 November 2026" in text
    assert "2 orang menunggu di depan Anda" in text
    assert cuts(data) == 1
    row = job(job_id)
    assert (row.status, row.attempts, row.error) == ("printed", 1, "")
    assert row.printed_at is not None and row.staff_id == operator.id
    assert [e.action for e in audit.events_for("print_job", job_id)] == ["cetakan_dicatat", "cetakan_dikirim", "cetakan_dicetak"]
    assert printjobs.jobs_for("ticket", 7)[0].label == "Nomor antrian A-007"


def test_refused_printer_fails_the_job_and_retry_prints_it_when_back(db, operator, tmp_path):
    with FakePrinter("refused") as fake:
        config = config_for(tmp_path, fake)
        job_id = printjobs.record_job(operator, "ticket", ticket_payload())
        outcome = printjobs.send_job(job_id, config, actor=operator)
        assert not outcome.ok
        assert outcome.message.startswith(f"Printer struk (127.0.0.1:{fake.port}) menolak sambungan")
        row = job(job_id)
        assert (row.status, row.attempts, row.error) == ("failed", 1, outcome.message)
        assert [r.id for r in printjobs.failed_jobs()] == [job_id]

        fake.set_mode("read")  # the printer is switched back on
        outcomes = printjobs.retry_failed(config, actor=operator)
        data = fake.received

    assert [(o.job_id, o.ok) for o in outcomes] == [(job_id, True)]
    assert "A-007" in printed_text(data)
    row = job(job_id)
    assert (row.status, row.attempts, row.error) == ("printed", 2, "")
    assert printjobs.failed_jobs() == []
    actions = [e.action for e in audit.events_for("print_job", job_id)]
    assert actions == ["cetakan_dicatat", "cetakan_dikirim", "cetakan_gagal", "cetakan_dikirim",
                       "cetakan_dicetak"]


def test_silent_printer_fails_the_job_with_its_message(db, operator, tmp_path):
    # a printer that takes the connection and never reads: the document (larger than what the
    # printer's side buffers) never leaves this computer
    big = ticket_payload() | {"address": "Jl. Raya Pasar Kemis No. 1 " * 18}
    with FakePrinter("silent") as fake:
        config = config_for(tmp_path, fake, copies=2)
        job_id = printjobs.record_job(operator, "ticket", big)
        outcome = printjobs.send_job(job_id, config)
        assert outcome.message == f"Printer struk (127.0.0.1:{fake.port}) tidak menjawab dalam 1 detik."
        assert job(job_id).error == outcome.message

        fake.set_mode("read")
        assert [o.ok for o in printjobs.retry_failed(config)] == [True]
        assert "A-007" in printed_text(fake.received)
    assert job(job_id).status == "printed"


def test_missing_printer_section_fails_but_keeps_the_record(db, operator, tmp_path):
    config = config_for(tmp_path)
    job_id = printjobs.record_job(operator, "ticket", ticket_payload())
    outcome = printjobs.send_job(job_id, config)
    message = "Printer struk belum diatur (bagian [printers.receipt] di berkas konfigurasi)."
    assert outcome == printjobs.PrintOutcome(job_id, False, message)
    assert (job(job_id).status, job(job_id).error) == ("failed", message)
    error = outcome.as_error()
    assert isinstance(error, PrintFailed) and error.exit_code == 3
    assert str(error).startswith(message) and "tui-kecamatan print retry" in str(error)


def test_job_commits_with_the_callers_transaction(db, operator, tmp_path):
    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        with database.atomic():
            printjobs.record_job(operator, "ticket", ticket_payload())
            raise Undo
    assert PrintJob.select().count() == 0

    with database.atomic():
        job_id = printjobs.record_job(operator, "ticket", ticket_payload())
        with pytest.raises(RuntimeError):  # never print while holding the write lock
            printjobs.send_job(job_id, config_for(tmp_path))
    assert job(job_id).status == "pending" and job(job_id).attempts == 0


def test_two_copies_from_the_config(db, operator, tmp_path):
    with FakePrinter() as fake:
        config = config_for(tmp_path, fake, copies=2)
        assert printjobs.send_job(printjobs.record_job(operator, "ticket", ticket_payload()), config).ok
        data = fake.received
    assert printed_text(data).count("A-007") == 2
    assert cuts(data) == 2


def test_retry_sends_oldest_first_and_stops_at_a_printer_still_down(db, operator, tmp_path, monkeypatch):
    start = datetime(2026, 11, 28, 9, 0, tzinfo=WIB)
    ids = []
    for minute, code in enumerate(["A-001", "A-002", "A-003"]):
        clock.set_now(lambda m=minute: start + timedelta(minutes=m))
        ids.append(printjobs.record_job(operator, "ticket", ticket_payload(code)))
    clock.set_now(lambda: start + timedelta(minutes=10))
    with FakePrinter("refused") as fake:
        config = config_for(tmp_path, fake)
        # newest first on purpose: retry must still print in the order the tickets were issued
        for job_id in reversed(ids):
            assert not printjobs.send_job(job_id, config).ok
        outcomes = printjobs.retry_failed(config)
        assert [o.job_id for o in outcomes] == ids and not any(o.ok for o in outcomes)
        # only the oldest waited for the printer; the others were not tried again
        assert [job(i).attempts for i in ids] == [2, 1, 1]

        fake.set_mode("read")
        assert [o.ok for o in printjobs.retry_failed(config)] == [True, True, True]
        text = printed_text(fake.received)
    assert text.index("A-001") < text.index("A-002") < text.index("A-003")


def test_job_left_pending_by_a_stopped_program_is_retried(db, operator, tmp_path):
    start = datetime(2026, 11, 28, 9, 0, tzinfo=WIB)
    clock.set_now(lambda: start)
    job_id = printjobs.record_job(operator, "ticket", ticket_payload())
    assert printjobs.failed_jobs() == []  # just recorded: its sender is still at work
    clock.set_now(lambda: start + printjobs.STALE_PENDING + timedelta(seconds=1))
    assert [r.id for r in printjobs.failed_jobs()] == [job_id]
    with FakePrinter() as fake:
        assert [o.ok for o in printjobs.retry_failed(config_for(tmp_path, fake))] == [True]
    assert job(job_id).status == "printed"


def test_printed_job_is_not_printed_twice_but_can_be_reprinted(db, operator, tmp_path):
    with FakePrinter() as fake:
        config = config_for(tmp_path, fake)
        job_id = printjobs.record_job(operator, "ticket", ticket_payload())
        assert printjobs.send_job(job_id, config).ok
        again = printjobs.send_job(job_id, config)
        assert again.ok and "sudah dicetak" in again.message
        assert printed_text(fake.received).count("A-007") == 1

        copy_id = printjobs.reprint(operator, job_id)
        assert copy_id != job_id
        assert printjobs.send_job(copy_id, config).ok
        assert printed_text(fake.received).count("A-007") == 2
    assert job(job_id).attempts == 1
    assert [e.action for e in audit.events_for("print_job", copy_id)] == ["cetak_ulang", "cetakan_dikirim", "cetakan_dicetak"]


def test_print_test_on_a_file_printer(db, admin, tmp_path):
    OfficeProfile.update(name="Kantor Kecamatan Pasar Kemis").execute()
    clock.set_now(lambda: datetime(2026, 11, 28, 2, 15, tzinfo=timezone.utc))
    out = tmp_path / "struk.bin"
    config = config_for(tmp_path, kind="file", path=str(out))
    outcome = printjobs.print_test(config, admin)
    assert outcome.ok, outcome.message
    text = printed_text(out.read_bytes())
    assert "Tes cetak berhasil" in text and "Kantor Kecamatan Pasar Kemis" in text
    assert "Sabtu, 28 November 2026" in text and "09:15 WIB" in text
    assert job(outcome.job_id).kind == "test" and job(outcome.job_id).status == "printed"


def test_roles(db, admin, operator, tmp_path):
    display = accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY)
    config = config_for(tmp_path, kind="file", path=str(tmp_path / "s.bin"))
    # the kiosk account issues tickets, so it may record and send their jobs
    job_id = printjobs.record_job(display, "ticket", ticket_payload())
    assert printjobs.send_job(job_id, config, actor=display).ok
    with pytest.raises(PermissionDenied):
        printjobs.retry_failed(config, actor=display)
    with pytest.raises(PermissionDenied):
        printjobs.reprint(display, job_id)
    with pytest.raises(PermissionDenied):
        printjobs.print_test(config, display)
    with pytest.raises(NotFound):
        printjobs.send_job(9999, config)


def test_unknown_kind_and_a4_without_a_deliverer_fail_with_a_sentence(db, operator, tmp_path):
    config = config_for(tmp_path, kind="file", path=str(tmp_path / "s.bin"))
    job_id = printjobs.record_job(operator, "laporan_aneh", {"x": 1})
    outcome = printjobs.send_job(job_id, config)
    assert not outcome.ok and "tidak mengenal jenis cetakan" in outcome.message
    assert job(job_id).status == "failed"

    config.printers["a4"] = printer_settings("a4", {"kind": "folder", "path": str(tmp_path)})
    missing_a4 = printjobs.record_job(operator, "ticket", ticket_payload(), printer="a4")
    outcome = printjobs.send_job(missing_a4, config)
    assert not outcome.ok  # a ticket renderer exists for receipt printers only
    assert job(missing_a4).error == outcome.message


def test_a4_renderer_and_deliverer_plug_in(db, operator, tmp_path, monkeypatch):
    monkeypatch.setattr(printjobs, "_renderers", dict(printjobs._renderers))
    monkeypatch.setattr(printjobs, "_deliverers", dict(printjobs._deliverers))
    delivered: list[tuple[bytes, str, str]] = []

    def deliver(data, settings, name):
        delivered.append((data, settings.kind, name))
        return f"{tmp_path}/{name}.pdf" if name.startswith("rekap") else None

    def render(payload, settings):
        data = b"%PDF-1.7 " + payload["day"].encode()
        return printjobs.Rendered(data, f"rekap-{payload['day']}") if payload.get("named") else data

    printjobs.register_renderer("report", render, media="a4", label="Rekap harian")
    printjobs.register_deliverer("a4", deliver)
    config = config_for(tmp_path)
    config.printers["a4"] = printer_settings("a4", {"kind": "folder", "path": str(tmp_path)})

    first = printjobs.record_job(operator, "report", {"day": "2026-11-28"}, printer="a4")
    outcome = printjobs.send_job(first, config)
    assert outcome.ok and outcome.message == f"Rekap harian dicetak di Printer A4 ({tmp_path})."
    second = printjobs.record_job(operator, "report", {"day": "2026-11-29", "named": True}, printer="a4")
    outcome = printjobs.send_job(second, config)
    assert outcome.ok and outcome.message == f"Rekap harian: {tmp_path}/rekap-2026-11-29.pdf."
    assert delivered == [(b"%PDF-1.7 2026-11-28", "folder", f"report-{first}"),
                         (b"%PDF-1.7 2026-11-29", "folder", "rekap-2026-11-29")]

    def broken(data, settings, name):
        raise PrintFailed("Printer A4 (A4_Kantor) menolak pekerjaan cetak: lp gagal.")

    printjobs.register_deliverer("a4", broken)
    job_id = printjobs.record_job(operator, "report", {"day": "2026-11-29"}, printer="a4")
    outcome = printjobs.send_job(job_id, config)
    assert outcome.message == "Printer A4 (A4_Kantor) menolak pekerjaan cetak: lp gagal."
    assert job(job_id).status == "failed"


def test_payload_must_be_json(db, operator):
    from tui_kecamatan.errors import InvalidInput

    with pytest.raises(InvalidInput):
        printjobs.record_job(operator, "ticket", {"at": datetime.now()})
    assert PrintJob.select().count() == 0


_SENDER = """
import json, sys, time
from pathlib import Path
from tui_kecamatan.config import load_config
from tui_kecamatan.core import printjobs
from tui_kecamatan.db.connection import open_database

db_path, config_path, go, job_id, ready = sys.argv[1:]
open_database(db_path)
config = load_config(config_path)
Path(ready).touch()
deadline = time.monotonic() + 20
while not Path(go).exists() and time.monotonic() < deadline:
    time.sleep(0.005)
outcome = printjobs.send_job(int(job_id), config)
print(json.dumps({"ok": outcome.ok, "message": outcome.message}))
"""


def test_two_stations_sending_one_job_print_it_once(db, db_path, operator, tmp_path):
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    # a slow printer keeps the first sender busy while the second one arrives
    with FakePrinter(answer_delay=0.4) as fake:
        config_for(tmp_path, fake, timeout=3)
        job_id = printjobs.record_job(operator, "ticket", ticket_payload())
        go = tmp_path / "go"
        senders = [
            subprocess.Popen([sys.executable, "-c", _SENDER, str(db_path), str(tmp_path / "config.toml"), str(go),
                              str(job_id), str(tmp_path / f"ready-{n}")],
                             cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(2)
        ]
        deadline = time.monotonic() + 30
        while not all((tmp_path / f"ready-{n}").exists() for n in range(2)) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()  # both start together
        results = []
        for sender in senders:
            out, err = sender.communicate(timeout=60)
            assert sender.returncode == 0, err
            results.append(json.loads(out))
        data = fake.received

    assert printed_text(data).count("A-007") == 1
    assert sum(result["ok"] for result in results) >= 1
    row = job(job_id)
    assert (row.status, row.attempts) == ("printed", 1)
