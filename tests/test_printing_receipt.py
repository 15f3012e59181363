"""Receipt documents and printer connections, checked on the bytes a printer would receive."""

from __future__ import annotations

import json
import locale
import os
import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from printing import devices, receipt
from printing.errors import PrinterError
from printing.settings import PrinterSettings
from printing.text import ascii_safe
from tests.conftest import HOSTILE_NAMES
from tests.printer_fake import FakePrinter, cuts, parse_escpos, printed_lines, printed_text

WIB = timezone(timedelta(hours=7))
SATURDAY = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)


def ticket(**changes) -> receipt.TicketSlip:
    values = dict(office="Kantor Kecamatan Pasar Kemis", code="A-007", service="Cetak KTP-el",
                  issued_at=SATURDAY, zone="WIB", ahead=3)
    values.update(changes)
    return receipt.TicketSlip(**values)


def proof(name: str = "Siti Aminah", collector: str = "Budi Santoso") -> receipt.ProofSlip:
    return receipt.ProofSlip(
        office="Kantor Kecamatan Pasar Kemis", reg_no="20261128-0045", service="Cetak KK", name=name,
        nik="3603015501900002", collector_kind="proxy", collector_name=collector,
        collector_nik="3603011201800003", collected_at=datetime(2026, 12, 2, 10, 30, tzinfo=WIB), staff="Wahyu",
    )


def receipt_slip(name: str = "Siti Aminah", missing=("Surat keterangan hilang dari kepolisian",)) -> receipt.ReceiptSlip:
    return receipt.ReceiptSlip(
        office="Kantor Kecamatan Pasar Kemis", reg_no="20261128-0045", service="Cetak KK", name=name,
        nik="3603015501900002", received_at=SATURDAY, complete=not missing, missing=tuple(missing),
        expected=date(2026, 12, 2), contact="Telp. 021-5555-1234, Senin-Jumat 08.00-15.00 WIB",
    )


def file_settings(tmp_path, **changes) -> PrinterSettings:
    values = dict(name="receipt", kind="file", path=str(tmp_path / "struk.bin"), width=32)
    values.update(changes)
    return PrinterSettings(**values)


def all_documents(settings: PrinterSettings, name: str = "Siti Aminah") -> dict[str, bytes]:
    return {
        "ticket": receipt.render_ticket(ticket(service=name), settings),
        "test": receipt.render_test(receipt.PrinterTestSlip(office=name, printed_at=SATURDAY), settings),
        "proof": receipt.render_proof(proof(name=name, collector=name), settings),
        "receipt": receipt.render_receipt(receipt_slip(name=name, missing=(name,)), settings),
    }


# --- documents over a network printer -------------------------------------------------------


def test_ticket_reaches_a_network_printer_with_number_service_date_and_a_cut():
    with FakePrinter() as fake:
        settings = fake.settings()
        devices.send(settings, receipt.render_ticket(ticket(), settings))
        data = fake.received

    text = printed_text(data)
    assert "A-007" in text
    assert "Cetak KTP-el" in text
    assert "Sabtu, 28 November 2026" in text
    assert "09:15 WIB" in text
    assert "3 orang menunggu di depan Anda" in text
    assert "Simpan nomor ini." in text
    assert "Kantor Kecamatan Pasar Kemis" in text
    commands = parse_escpos(data)[1]
    # the printer was asked for its status before the ticket and once after it
    assert commands[0] == devices.STATUS_PRINTER and commands[1] == devices.STATUS_PAPER
    assert commands[-1] == devices.STATUS_PRINTER
    assert commands[-2].startswith(b"\x1dV")
    # the number is printed double size
    assert any(columns == 10 and line == "A-007" for line, columns in printed_lines(data))


def test_refused_port_fails_with_one_sentence_naming_the_printer():
    with FakePrinter("refused") as fake:
        settings = fake.settings()
        with pytest.raises(PrinterError) as caught:
            devices.send(settings, receipt.render_ticket(ticket(), settings))
    message = str(caught.value)
    assert message.startswith(f"Printer struk (127.0.0.1:{fake.port}) menolak sambungan")
    assert message.endswith(".") and "\n" not in message


def test_printer_that_accepts_but_never_reads_fails():
    # a long document (two copies, a long address) is more than the printer's side buffers:
    # without a reader it never leaves this computer
    with FakePrinter("silent") as fake:
        settings = fake.settings(copies=2)
        data = receipt.render_ticket(ticket(address="Jl. Raya Pasar Kemis No. 1 " * 18), settings)
        with pytest.raises(PrinterError) as caught:
            devices.send(settings, data)
        assert fake.connection_count == 1
    assert str(caught.value) == f"Printer struk (127.0.0.1:{fake.port}) tidak menjawab dalam 1 detik."


def test_printer_that_never_answers_status_still_prints():
    # it reads every byte but ignores DLE EOT: no refusal, the ticket comes out
    with FakePrinter(answer_status=False) as fake:
        settings = fake.settings()
        delivery = devices.send(settings, receipt.render_ticket(ticket(), settings))
        data = fake.wait_until_read()
    assert delivery == devices.Delivery(status_answered=False)
    text, commands = parse_escpos(data)
    assert "A-007" in text and cuts(data) == 1
    # asked once before the ticket, never again after it
    assert [c for c in commands if c.startswith(b"\x10\x04")] == [devices.STATUS_PRINTER]


def test_printer_answering_status_is_reported_as_answering():
    with FakePrinter() as fake:
        settings = fake.settings()
        assert devices.send(settings, receipt.render_ticket(ticket(), settings)).status_answered is True
        assert devices.send(settings.__class__(**{**settings.__dict__, "status": False}),
                            receipt.render_ticket(ticket(), settings)).status_answered is None


def test_status_off_asks_no_status_question():
    # a printer that never answers status questions: one question would wait out the timeout
    with FakePrinter(answer_status=False) as fake:
        settings = fake.settings(status=False)
        devices.send(settings, receipt.render_ticket(ticket(), settings))
        data = fake.wait_until_read()
    text, commands = parse_escpos(data)
    assert "A-007" in text and cuts(data) == 1
    assert not [command for command in commands if command.startswith(b"\x10\x04")]  # no DLE EOT at all


def test_blocked_send_fails_even_without_status_questions():
    # a full send buffer must not block forever: nothing reads on the other side
    with FakePrinter("silent") as fake:
        settings = fake.settings(status=False, timeout=0.5)
        with pytest.raises(PrinterError) as caught:
            devices.send(settings, b"\x1b@" + b"x" * (16 * 1024 * 1024))
        first = fake.unread(8)
    assert "tidak menjawab dalam 0,5 detik" in str(caught.value)
    # the job itself went first: the wait that failed was the send, not a status question
    assert first == b"\x1b@" + b"x" * 6


def test_printer_without_paper_gets_nothing_and_says_so():
    with FakePrinter(paper="out") as fake:
        settings = fake.settings()
        with pytest.raises(PrinterError) as caught:
            devices.send(settings, receipt.render_ticket(ticket(), settings))
        data = fake.received
    assert "kehabisan kertas" in str(caught.value)
    assert "A-007" not in printed_text(data)


def test_two_copies_are_two_tickets_each_cut():
    with FakePrinter() as fake:
        one = fake.settings()
        two = fake.settings(copies=2)
        single = printed_text(receipt.render_ticket(ticket(), one))
        devices.send(two, receipt.render_ticket(ticket(), two))
        data = fake.received
    text = printed_text(data)
    assert text == single * 2
    assert text.count("A-007") == 2
    assert cuts(data) == 2


def test_query_status_reports_paper_and_an_unreachable_printer():
    with FakePrinter(paper="low") as fake:
        status = devices.query_status(fake.settings())
    assert status.online is True and status.paper == "low"
    assert "hampir habis" in status.message
    with FakePrinter("refused") as fake:
        status = devices.query_status(fake.settings())
    assert status.online is False
    assert "menolak sambungan" in status.message


# --- layout ---------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [32, 48])
def test_no_line_is_wider_than_the_paper(tmp_path, width):
    long_name = "Nurhayati binti Muhammad Abdurrahman Al-Fatih Sulistyaningsih " * 5
    for name in [long_name, *HOSTILE_NAMES]:
        for kind, data in all_documents(file_settings(tmp_path, width=width), name).items():
            for line, columns in printed_lines(data):
                assert columns <= width, (kind, line)


def test_hostile_names_print_ascii_safe_without_control_bytes_of_their_own(tmp_path):
    settings = file_settings(tmp_path)
    allowed = {b"\x1b@", b"\x1ba", b"\x1bt", b"\x1b!", b"\x1bE", b"\x1bd", b"\x1dV", b"\x1d(", b"\x1dk",
               b"\x1dh", b"\x1dw", b"\x1df", b"\x1dH"}
    for name in HOSTILE_NAMES:
        cleaned = all_documents(settings, ascii_safe(name))
        for kind, data in all_documents(settings, name).items():
            # the name's ESC and BEL bytes are gone: the stream is that of its ASCII-safe form
            assert data == cleaned[kind], (kind, name)
            text, commands = parse_escpos(data)  # raises on any byte that is neither text nor a command
            assert {command[:2] for command in commands} <= allowed, (kind, name)
            assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
            assert ascii_safe(name).split()[0][:14] in text, (kind, name)


def test_masked_nik_only(tmp_path):
    settings = file_settings(tmp_path)
    for data in (receipt.render_proof(proof(), settings), receipt.render_receipt(receipt_slip(), settings)):
        text = printed_text(data)
        assert "360301******0002" in text
        assert "3603015501900002" not in text
    assert "360301******0003" in printed_text(receipt.render_proof(proof(), settings))


def test_slips_hold_what_the_desk_needs(tmp_path):
    settings = file_settings(tmp_path)
    text = printed_text(receipt.render_proof(proof(), settings))
    for expected in ("BUKTI PENGAMBILAN DOKUMEN", "20261128-0045", "Cetak KK", "Siti Aminah",
                     "Kuasa (surat kuasa)", "Budi Santoso", "Rabu, 2 Desember 2026", "10:30 WIB", "Wahyu"):
        assert expected in text, expected

    data = receipt.render_receipt(receipt_slip(), settings)
    text = " ".join(printed_text(data).split())
    for expected in ("TANDA TERIMA PERMOHONAN", "20261128-0045", "Berkas kurang",
                     "Surat keterangan hilang dari kepolisian", "Rabu, 2 Desember 2026",
                     "Bawa tanda terima ini saat mengambil dokumen; bila diwakilkan, bawa surat kuasa."):
        assert expected in text, expected
    # the registration number as a CODE128 barcode a scanner reads at pickup
    assert any(c.startswith(b"\x1dkI") and c.endswith(b"{B20261128-0045") for c in parse_escpos(data)[1])

    text = printed_text(receipt.render_receipt(receipt_slip(missing=()), settings))
    assert "Berkas lengkap" in text


def test_test_slip_names_the_printer_and_rules_the_width(tmp_path):
    settings = file_settings(tmp_path, width=48, copies=2)
    data = receipt.render_test(receipt.PrinterTestSlip(office="Kantor Kecamatan", printed_at=SATURDAY), settings)
    text = printed_text(data)
    assert "Tes cetak berhasil" in text
    assert "receipt" in text and "file" in text and "48 kolom" in text
    assert "....+....1....+....2....+....3....+....4....+..." in text.splitlines()
    assert cuts(data) == 1  # a test page is printed once


def test_ticket_without_cutter_or_cut_only_feeds(tmp_path):
    no_cut = receipt.render_ticket(ticket(), file_settings(tmp_path, cut=False))
    assert cuts(no_cut) == 0
    assert parse_escpos(no_cut)[1][-1] == b"\x1bd\x06"
    # the POS-5890 profile has no cutter and no built-in QR: it feeds, and the QR is an image
    small = receipt.render_ticket(ticket(), file_settings(tmp_path, profile="POS-5890"))
    commands = parse_escpos(small)[1]
    assert cuts(small) == 0
    assert any(c.startswith(b"\x1dv0") for c in commands)
    assert "A-007" in printed_text(small)


def test_ticket_qr_follows_the_setting(tmp_path):
    with_qr = parse_escpos(receipt.render_ticket(ticket(), file_settings(tmp_path, qr=True)))[1]
    without = parse_escpos(receipt.render_ticket(ticket(), file_settings(tmp_path, qr=False)))[1]
    assert b"\x1d(k\x08\x001P0A-007" in with_qr
    assert not any(c.startswith(b"\x1d(k") for c in without)


def test_nobody_waiting_is_said_plainly(tmp_path):
    text = printed_text(receipt.render_ticket(ticket(ahead=0), file_settings(tmp_path)))
    assert "Tidak ada antrian di depan Anda" in text


def test_dates_are_indonesian_whatever_the_locale(tmp_path, monkeypatch):
    for variable in ("LANG", "LC_ALL", "LC_TIME"):
        monkeypatch.setenv(variable, "en_US.UTF-8")
    saved = locale.setlocale(locale.LC_TIME)
    for name in ("en_US.UTF-8", "C.UTF-8", "C"):
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    try:
        settings = file_settings(tmp_path, width=48)
        expected = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
        monday = datetime(2026, 1, 5, 8, 0, tzinfo=WIB)
        for offset, day_name in enumerate(expected):
            moment = monday + timedelta(days=offset)
            text = printed_text(receipt.render_ticket(ticket(issued_at=moment), settings))
            assert f"{day_name}, {moment.day} Januari 2026 08:00 WIB" in text
        text = printed_text(receipt.render_ticket(ticket(issued_at=datetime(2026, 8, 17, 9, 0, tzinfo=WIB)), settings))
        assert "Senin, 17 Agustus 2026 09:00 WIB" in text
        assert "Monday" not in text and "August" not in text
    finally:
        locale.setlocale(locale.LC_TIME, saved)


# --- payloads -------------------------------------------------------------------------------


def test_payloads_round_trip_as_json_with_masked_nik():
    for document in (ticket(), proof(), receipt_slip(),
                     receipt.PrinterTestSlip(office="Kantor", printed_at=SATURDAY)):
        payload = json.loads(json.dumps(document.to_payload()))
        again = type(document).from_payload(payload)
        for field_name in payload:
            if "nik" not in field_name:
                assert getattr(again, field_name) == getattr(document, field_name), field_name
    payload = proof().to_payload()
    assert payload["nik"] == "360301******0002" and payload["collector_nik"] == "360301******0003"
    assert receipt_slip().to_payload()["missing"] == ["Surat keterangan hilang dari kepolisian"]


def test_incomplete_payload_is_one_sentence():
    with pytest.raises(PrinterError) as caught:
        receipt.TicketSlip.from_payload({"office": "Kantor", "code": "A-001"})
    assert str(caught.value) == "Data cetakan tidak lengkap: service, issued_at tidak ada."
    with pytest.raises(PrinterError):
        receipt.TicketSlip.from_payload({"office": "K", "code": "A", "service": "S", "issued_at": "kemarin"})


def test_unknown_profile_is_reported(tmp_path):
    with pytest.raises(PrinterError) as caught:
        receipt.render_ticket(ticket(), file_settings(tmp_path, profile="TIDAK-ADA"))
    assert "profil 'TIDAK-ADA' tidak dikenal" in str(caught.value)


# --- other connections ----------------------------------------------------------------------


def test_file_printer_appends(tmp_path):
    settings = file_settings(tmp_path)
    first = receipt.render_ticket(ticket(code="A-001"), settings)
    second = receipt.render_ticket(ticket(code="A-002"), settings)
    devices.send(settings, first)
    devices.send(settings, second)
    data = (tmp_path / "struk.bin").read_bytes()
    assert data == first + second
    assert cuts(data) == 2


def test_file_printer_in_a_missing_folder_fails_with_its_path(tmp_path):
    settings = file_settings(tmp_path, path=str(tmp_path / "tidak-ada" / "struk.bin"))
    with pytest.raises(PrinterError) as caught:
        devices.send(settings, b"x")
    assert str(caught.value).startswith(f"Printer struk ({tmp_path / 'tidak-ada' / 'struk.bin'})")


def test_device_printer_not_connected_and_connected(tmp_path):
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    settings = PrinterSettings(name="receipt", kind="device", device=str(fifo), timeout=1.0)
    with pytest.raises(PrinterError) as caught:  # nobody at the other end of the device
        devices.send(settings, b"x")
    assert str(caught.value) == f"Printer struk ({fifo}) tidak terhubung."

    received = bytearray()
    opened = threading.Event()

    def printer() -> None:
        with open(fifo, "rb") as handle:
            opened.set()
            while chunk := handle.read(4096):
                received.extend(chunk)

    reader = threading.Thread(target=printer, daemon=True)
    reader.start()
    data = receipt.render_ticket(ticket(), file_settings(tmp_path))
    # the reader may not have opened the FIFO yet; retry briefly like an operator would
    for _attempt in range(50):
        try:
            devices.send(settings, data)
            break
        except PrinterError:
            opened.wait(0.1)
    reader.join(timeout=5)
    assert bytes(received) == data


def test_unknown_kind_is_refused():
    settings = PrinterSettings(name="receipt", kind="folder", path="/tmp")
    with pytest.raises(PrinterError) as caught:
        devices.send(settings, b"x")
    assert "tidak dapat mencetak struk" in str(caught.value)
