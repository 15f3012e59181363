"""`print retry` prints only what still means something, asks first, and says what another
station is sending; `print list` shows the recorded jobs. Real database file, real processes,
a network printer played on 127.0.0.1."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import ROOT, run_cli
from tests.printer_fake import FakePrinter, printed_text
from tui_kecamatan.core import audit, clock, documents, office, printjobs, requests, tickets
from tui_kecamatan.db.models import PrintJob, database

WIB = timezone(timedelta(hours=7))
NIK = "3603015501900002"


@pytest.fixture
def desk(db, admin, operator):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                                    kabupaten="Kabupaten Tangerang"))
    clock.set_now(lambda: datetime(2026, 11, 28, 9, 15, tzinfo=WIB))
    return db


def write_config(tmp_path, port: int) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[printers.receipt]\nkind = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout = 1\n'
                    f'[printers.a4]\nkind = "folder"\npath = "{tmp_path}"\n', encoding="utf-8")
    return str(path)


def cli(db_path, config: str, *args: str, input: str | None = None):
    return run_cli("--db", str(db_path), "--config", config, *args, input=input)


def status(job_id: int) -> str:
    return PrintJob.get_by_id(job_id).status


def issue_failed_ticket(operator, config, code: str = "KK") -> tuple[int, int]:
    issued = documents.issue_ticket(operator, code)
    assert not printjobs.send_job(issued.job_id, config, actor=operator).ok
    return issued.ticket.id, issued.job_id


def test_a_day_at_the_desk_retry_prints_nothing_that_no_longer_means_anything(desk, operator, tmp_path):
    from tui_kecamatan.config import load_config

    with FakePrinter("refused") as fake:
        config = load_config(write_config(tmp_path, fake.port))
        # the ticket's first print fails, and so does a test page
        ticket_id, first = issue_failed_ticket(operator, config)
        test_page = printjobs.print_test(config, operator).job_id
        # the printer is back: the queue screen's p reprints the ticket
        fake.set_mode("read")
        again = documents.reprint_ticket(operator, ticket_id)
        assert printjobs.send_job(again, config, actor=operator).ok
        # the citizen does not come when called
        tickets.call_next(operator, 1)
        tickets.mark_no_show(operator, ticket_id)
        printed_before = fake.received

        outcomes = printjobs.retry_failed(config, operator)
        assert outcomes == []
        assert fake.received == printed_before  # not one byte more

    assert printed_text(printed_before).count("B-001") == 1
    first_row = PrintJob.get_by_id(first)
    assert first_row.status == "superseded" and f"cetakan #{again}" in first_row.error
    test_row = PrintJob.get_by_id(test_page)
    assert test_row.status == "discarded" and "Halaman uji hanya dicetak sekali" in test_row.error
    assert "cetakan_digantikan" in [e.action for e in audit.events_for("print_job", first)]
    assert "cetakan_dibuang" in [e.action for e in audit.events_for("print_job", test_page)]
    # nothing was deleted, and nothing is offered again
    assert PrintJob.select().count() == 3
    assert printjobs.failed_jobs() == [] and printjobs.failed_count() == 0


def test_a_waiting_ticket_is_retried_on_its_day_only(desk, operator, tmp_path):
    from tui_kecamatan.config import load_config

    with FakePrinter("refused") as fake:
        config = load_config(write_config(tmp_path, fake.port))
        _ticket, job_id = issue_failed_ticket(operator, config)
        assert [row.id for row in printjobs.failed_jobs()] == [job_id]
        clock.set_now(lambda: datetime(2026, 11, 29, 8, 0, tzinfo=WIB))  # the next morning
        fake.set_mode("read")
        assert printjobs.failed_jobs() == []
        assert printjobs.retry_failed(config, operator) == []
        assert fake.received == b""
    row = PrintJob.get_by_id(job_id)
    assert row.status == "discarded" and "milik hari lain (28 Nov 2026)" in row.error


def test_a_requests_documents_are_retried_while_it_is_open(desk, operator, supervisor, tmp_path):
    from tui_kecamatan.config import load_config

    with FakePrinter("refused") as fake:
        config = load_config(write_config(tmp_path, fake.port))
        kept = requests.create_request(operator, service_code="KK", nik=NIK, name="Siti Aminah", kk_number="3603012005150003")
        closed = requests.create_request(operator, service_code="KK", nik="3603011201800003", name="Budi Santoso",
                                          kk_number="3603012005150004")
        jobs = {}
        for info in (kept, closed):
            jobs[info.reg_no] = documents.request_receipt(operator, info.reg_no, "receipt")
            assert not printjobs.send_job(jobs[info.reg_no], config).ok
        requests.cancel_request(supervisor, closed.id, "pemohon membatalkan")
        fake.set_mode("read")
        plan = printjobs.retry_plan()
        assert [row.ref for row in plan.to_print] == [kept.reg_no]
        assert [(row.ref, new) for row, new in plan.to_drop] == [(closed.reg_no, "discarded")]
        outcomes = printjobs.retry_failed(config, operator)
        text = printed_text(fake.received)
    assert [o.job_id for o in outcomes if o.ok] == [jobs[kept.reg_no]]
    assert kept.reg_no in text and closed.reg_no not in text
    assert status(jobs[closed.reg_no]) == "discarded"
    assert "sudah dibatalkan" in PrintJob.get_by_id(jobs[closed.reg_no]).error


# --- the command line --------------------------------------------------------------------------


def test_retry_lists_then_refuses_without_a_terminal_and_prints_with_yes(desk, db_path, operator, tmp_path):
    from tui_kecamatan.config import load_config

    with FakePrinter("refused") as fake:
        config_path = write_config(tmp_path, fake.port)
        config = load_config(config_path)
        _ticket, job_id = issue_failed_ticket(operator, config)
        fake.set_mode("read")
        clock.set_now(None)  # the child processes live in real time: make the ticket today's
        ticket_today(job_id)

        refused = cli(db_path, config_path, "print", "retry", input="")
        assert refused.returncode == 2
        assert refused.stderr.strip().count("\n") == 0 and "--yes" in refused.stderr
        assert f"#{job_id}  Nomor antrian B-001" in refused.stdout and "menolak sambungan" in refused.stdout
        assert fake.received == b"" and status(job_id) == "failed"

        done = cli(db_path, config_path, "print", "retry", "--yes")
        assert done.returncode == 0, done.stderr
        assert "Nomor antrian dicetak di Printer struk" in done.stdout
        assert "B-001" in printed_text(fake.received)
    assert status(job_id) == "printed"


def ticket_today(job_id: int) -> None:
    """Move the job's ticket to today's local date (the child process runs on the real clock)."""
    from tui_kecamatan.db.models import Ticket

    job = PrintJob.get_by_id(job_id)
    Ticket.update(day=clock.today()).where(Ticket.id == job.ref_id).execute()


def _retry_on_a_terminal(db_path, config_path: str, answer: str) -> tuple[int, str]:
    master, slave = pty.openpty()
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "tui_kecamatan", "--db", str(db_path), "--config", config_path,
                             "print", "retry"], stdin=slave, stdout=slave, stderr=slave, cwd=str(ROOT), env=env)
    os.close(slave)
    output = b""
    while b"[y/T]" not in output:
        chunk = os.read(master, 1024)
        assert chunk, output
        output += chunk
    os.write(master, answer.encode() + b"\n")
    while True:
        try:
            chunk = os.read(master, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    code = proc.wait(timeout=60)
    os.close(master)
    return code, output.decode("utf-8", "replace")


def test_retry_asks_in_indonesian_on_a_terminal(desk, db_path, operator, tmp_path):
    from tui_kecamatan.config import load_config

    with FakePrinter("refused") as fake:
        config_path = write_config(tmp_path, fake.port)
        _ticket, job_id = issue_failed_ticket(operator, load_config(config_path))
        fake.set_mode("read")
        clock.set_now(None)
        ticket_today(job_id)

        code, output = _retry_on_a_terminal(db_path, config_path, "t")
        assert code == 0 and "Cetak ulang 1 dokumen? [y/T]" in output and "Tidak ada yang dicetak." in output
        assert fake.received == b"" and status(job_id) == "failed"

        code, output = _retry_on_a_terminal(db_path, config_path, "y")
        assert code == 0, output
        assert "B-001" in printed_text(fake.received)
    assert status(job_id) == "printed"


def test_a_job_being_sent_is_named_with_its_sender_and_time(desk, db_path, operator, tmp_path):
    # a station was killed while sending: for two minutes the job is still "on its way"
    clock.set_now(None)
    job_id = printjobs.record_job(operator, "ticket", {"code": "A-004"}, ref_table="", ref_id=None)
    started = clock.now_utc()
    with database.atomic():
        PrintJob.update(status="sending", attempts=1, printed_at=started).where(PrintJob.id == job_id).execute()
        audit.record(operator, "cetakan_dikirim", "print_job", job_id, "ticket ke printer receipt")
    since = clock.to_local(started)
    config_path = write_config(tmp_path, 9)

    retry = cli(db_path, config_path, "print", "retry")
    assert retry.returncode == 0, retry.stderr
    assert f"Cetakan #{job_id} (Nomor antrian A-004) sedang dikirim oleh Wahyu sejak {since:%H:%M} WIB" in retry.stdout
    assert "Tidak ada cetakan yang gagal" not in retry.stdout

    listing = cli(db_path, config_path, "print", "list", "--failed")
    assert f"dikirim oleh Wahyu sejak {since:%H:%M}" in listing.stdout

    shown = json.loads(cli(db_path, config_path, "print", "list", "--json").stdout)
    assert shown[0]["status"] == "sending" and shown[0]["sending_by"] == "Wahyu"
    assert shown[0]["sending_since"][:16] == since.isoformat(timespec="seconds")[:16]
    assert status(job_id) == "sending"  # left alone


def test_print_list_json_newest_first_with_limit_and_failed(desk, db_path, operator, tmp_path):
    from tui_kecamatan.config import load_config

    with FakePrinter() as fake:
        config_path = write_config(tmp_path, fake.port)
        config = load_config(config_path)
        printed = documents.issue_ticket(operator, "KTP")
        assert printjobs.send_job(printed.job_id, config, actor=operator).ok
    _ticket, failed = issue_failed_ticket(operator, config)  # the printer is gone now

    rows = json.loads(cli(db_path, config_path, "print", "list", "--json").stdout)
    assert [row["id"] for row in rows] == [failed, printed.job_id]
    assert set(rows[0]) == {"id", "kind", "printer", "ref", "status", "attempts", "error", "created_at",
                            "printed_at", "staff", "sending_by", "sending_since", "retry"}
    assert rows[1]["ref"] == "A-001" and rows[1]["status"] == "printed" and rows[1]["printed_at"]
    assert rows[1]["staff"] == "wahyu" and rows[1]["kind"] == "ticket" and rows[1]["printer"] == "receipt"
    assert rows[0]["status"] == "failed" and rows[0]["error"].startswith("Printer struk (127.0.0.1:")
    assert rows[0]["printed_at"] is None and rows[0]["attempts"] == 1

    assert [r["id"] for r in json.loads(cli(db_path, config_path, "print", "list", "--json", "--limit", "1").stdout)] == [failed]
    assert [r["id"] for r in json.loads(cli(db_path, config_path, "print", "list", "--failed", "--json").stdout)] == [failed]
    text = cli(db_path, config_path, "print", "list").stdout
    assert text.splitlines()[0].startswith(f"#{failed}") and "Nomor antrian B-001" in text
