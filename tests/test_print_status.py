"""A network printer that takes bytes but never answers status questions (DLE EOT): the ticket
is printed all the same, the printer is remembered by its address, and the next print does not
ask it again; a printer that answers "paper out" is still refused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from printing import devices, receipt
from tests.printer_fake import FakePrinter, parse_escpos, printed_text
from tui_kecamatan.config import load_config
from tui_kecamatan.core import printjobs
from tui_kecamatan.db.models import AuditEvent, PrintJob, Setting

WIB = timezone(timedelta(hours=7))


def payload(code: str) -> dict:
    return receipt.TicketSlip(office="Kantor Kecamatan Pasar Kemis", code=code, service="Cetak KK",
                              issued_at=datetime(2026, 11, 28, 9, 15, tzinfo=WIB)).to_payload()


def config_for(tmp_path, port: int):
    path = tmp_path / "config.toml"
    path.write_text(f'[printers.receipt]\nkind = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout = 1\n')
    return load_config(path)


def status_questions(data: bytes) -> list[bytes]:
    return [command for command in parse_escpos(data)[1] if command.startswith(b"\x10\x04")]


def test_a_printer_that_never_answers_status_prints_and_is_not_asked_again(db, operator, tmp_path):
    with FakePrinter(answer_status=False) as fake:
        config = config_for(tmp_path, fake.port)
        first = printjobs.record_job(operator, "ticket", payload("B-001"))
        outcome = printjobs.send_job(first, config, actor=operator)
        assert outcome.ok, outcome.message
        assert "tidak menjawab pertanyaan status" in outcome.message
        after_first = fake.wait_until_read(1)
        assert "B-001" in printed_text(after_first)
        assert status_questions(after_first) == [devices.STATUS_PRINTER]  # asked once, then printed anyway

        second = printjobs.record_job(operator, "ticket", payload("B-002"))
        assert printjobs.send_job(second, config, actor=operator).ok
        both = fake.wait_until_read(2)
    second_bytes = both[len(after_first):]
    assert "B-002" in printed_text(second_bytes)
    assert status_questions(second_bytes) == []  # no DLE EOT at all the second time
    assert PrintJob.get_by_id(first).status == PrintJob.get_by_id(second).status == "printed"
    key = f"printer_status_diam:127.0.0.1:{fake.port}"
    assert Setting.get_or_none(Setting.key == key) is not None
    assert AuditEvent.select().where(AuditEvent.action == "printer_status_diam").count() == 1


def test_the_memory_survives_a_restart_and_a_test_page_asks_afresh(db, operator, admin, tmp_path):
    with FakePrinter(answer_status=False) as fake:
        config = config_for(tmp_path, fake.port)
        assert printjobs.send_job(printjobs.record_job(operator, "ticket", payload("B-001")), config).ok
        fake.wait_until_read(1)
    # the same address later answers (the printer was replaced): a normal print still does not
    # ask, the test page does and forgets the memory
    with FakePrinter() as fake2:
        Setting.update(key=f"printer_status_diam:127.0.0.1:{fake2.port}").where(
            Setting.key.startswith("printer_status_diam:")).execute()
        config = load_config(config_for(tmp_path, fake2.port).source)  # read again, as after a restart
        assert printjobs.send_job(printjobs.record_job(operator, "ticket", payload("B-002")), config).ok
        fake2.wait_until_read(1)
        assert status_questions(fake2.received) == []
        assert printjobs.print_test(config, admin).ok
        assert devices.STATUS_PRINTER in status_questions(fake2.received)
    assert Setting.select().where(Setting.key.startswith("printer_status_diam:")).count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "printer_status_menjawab").count() == 1


def test_paper_out_is_still_refused(db, operator, tmp_path):
    with FakePrinter(paper="out") as fake:
        config = config_for(tmp_path, fake.port)
        job_id = printjobs.record_job(operator, "ticket", payload("B-001"))
        outcome = printjobs.send_job(job_id, config)
        data = fake.received
    assert not outcome.ok and "kehabisan kertas" in outcome.message
    assert "B-001" not in printed_text(data)
    assert Setting.select().where(Setting.key.startswith("printer_status_diam:")).count() == 0
