"""`tui-kecamatan ticket`, `request` and `print` as a maintainer or a script uses them: real
processes, a real database file, a printer played by a TCP socket on 127.0.0.1."""

from __future__ import annotations

import json

from conftest import HOSTILE_NAMES, run_cli
from printer_fake import FakePrinter, cuts, printed_text

NIK = "3603015501900002"
KK = "3603012005150003"


def _config(tmp_path, printer: FakePrinter | None = None, copies: int = 1):
    path = tmp_path / "config.toml"
    text = f'[database]\npath = "{tmp_path / "k.db"}"\n'
    if printer is not None:
        text += (f'[printers.receipt]\nkind = "network"\nhost = "{printer.host}"\nport = {printer.port}\n'
                 f"timeout = 1\ncopies = {copies}\n")
    path.write_text(text)
    return str(path)


def _one_sentence(stderr: str) -> None:
    text = stderr.strip()
    assert text and "Traceback" not in text
    assert len(text.splitlines()) == 1, text


def test_ticket_json_fields_and_numbering(tmp_path):
    config = _config(tmp_path)
    first = run_cli("--config", config, "ticket", "kk", "--json")
    assert first.returncode == 0, first.stderr
    ticket = json.loads(first.stdout)
    assert set(ticket) == {"code", "number", "service", "status", "day", "ahead", "printed"}
    assert ticket["code"] == "B-001" and ticket["number"] == 1 and ticket["service"] == "KK"
    assert ticket["status"] == "waiting" and ticket["ahead"] == 0 and ticket["printed"] is False
    second = json.loads(run_cli("--config", config, "ticket", "KK", "--no-print", "--json").stdout)
    assert second["code"] == "B-002" and second["ahead"] == 1


def test_ticket_refused_for_unknown_or_suspended_service(tmp_path):
    config = _config(tmp_path)
    for code in ("XX", "REKAM"):
        result = run_cli("--config", config, "ticket", code)
        assert result.returncode == 1
        _one_sentence(result.stderr)
    assert "ditunda" in run_cli("--config", config, "ticket", "REKAM").stderr


def test_ticket_printed_on_network_printer(tmp_path):
    with FakePrinter() as printer:
        config = _config(tmp_path, printer, copies=2)
        result = run_cli("--config", config, "ticket", "KTP", "--print", "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["printed"] is True
        data = printer.received
    text = printed_text(data)
    assert text.count("A-001") == 2 and "Cetak KTP-el" in text
    assert cuts(data) == 2


def test_ticket_kept_when_printer_refuses_and_retry_prints_it(tmp_path):
    printer = FakePrinter("refused")
    with printer:
        config = _config(tmp_path, printer)
        result = run_cli("--config", config, "ticket", "KK", "--print", "--json")
        assert result.returncode == 3
        assert json.loads(result.stdout)["code"] == "B-001"
        _one_sentence(result.stderr)
        assert "print retry" in result.stderr
        # The number was not lost: the next ticket is B-002.
        assert json.loads(run_cli("--config", config, "ticket", "KK", "--no-print", "--json").stdout)["code"] == "B-002"
        printer.set_mode("read")
        retried = run_cli("--config", config, "print", "retry", "--yes")
        assert retried.returncode == 0, retried.stderr
        assert "B-001" in printed_text(printer.received)
        again = run_cli("--config", config, "print", "retry", "--yes")
        assert again.returncode == 0 and "Tidak ada" in again.stdout


def test_print_test_slip(tmp_path):
    with FakePrinter() as printer:
        config = _config(tmp_path, printer)
        result = run_cli("--config", config, "print", "test")
        assert result.returncode == 0, result.stderr
        assert cuts(printer.received) == 1
    missing = run_cli("--config", _config(tmp_path), "print", "test")
    assert missing.returncode == 3
    _one_sentence(missing.stderr)


def test_request_new_refuses_invalid_nik_and_phone(tmp_path):
    config = _config(tmp_path)
    bad_nik = run_cli("--config", config, "request", "new", "--service", "KK", "--nik", "12345", "--name", "Siti", "--kk", KK)
    assert bad_nik.returncode == 1
    _one_sentence(bad_nik.stderr)
    assert "NIK" in bad_nik.stderr
    bad_phone = run_cli("--config", config, "request", "new", "--service", "KK", "--nik", NIK, "--name", "Siti",
                        "--kk", KK, "--phone", "12")
    assert bad_phone.returncode == 1
    _one_sentence(bad_phone.stderr)
    listed = run_cli("--config", config, "request", "list", "--json")
    assert json.loads(listed.stdout) == []


def test_request_hostile_name_comes_back_as_typed_minus_controls(tmp_path):
    config = _config(tmp_path)
    for name in HOSTILE_NAMES[:5]:
        created = run_cli("--config", config, "request", "new", "--service", "KK", "--nik", NIK, "--name", name,
                          "--kk", KK, "--phone", "0812-3456-7890", "--channel", "whatsapp", "--json")
        assert created.returncode == 0, created.stderr
        reg_no = json.loads(created.stdout)["reg_no"]
        shown = json.loads(run_cli("--config", config, "request", "show", reg_no, "--json").stdout)
        expected = "".join(ch for ch in name if ch not in "\x1b\x07\u202e")
        assert shown["name"] == " ".join(expected.split())
        assert set(shown) == {"reg_no", "service", "status", "nik_masked", "name", "phone", "channel", "created_at"}
        assert shown["nik_masked"] == "360301******0002" and NIK not in created.stdout
        assert shown["phone"] == "+6281234567890" and shown["channel"] == "whatsapp"
    listed = json.loads(run_cli("--config", config, "request", "list", "--status", "received", "--json").stdout)
    assert len(listed) == 5
    missing = run_cli("--config", config, "request", "show", "20000101-9999")
    assert missing.returncode == 1
    _one_sentence(missing.stderr)


def test_request_list_query_finds_parts_of_numbers_and_names(tmp_path):
    config = _config(tmp_path)
    people = [("3603015501900002", "Siti Aminah", "0857-1111-2222"),
              ("3603011203850001", "Budi Santoso", "+62 812 3456 7890"),
              ("3603010707770005", 'Amin "Rais"', "0857-3333-4444")]
    made = []
    for nik, name, phone in people:
        result = run_cli("--config", config, "request", "new", "--service", "KK", "--nik", nik, "--name", name,
                         "--kk", KK, "--phone", phone, "--json")
        assert result.returncode == 0, result.stderr
        made.append(json.loads(result.stdout))
    siti, budi, amin = made

    def listed(*args: str) -> list[dict]:
        result = run_cli("--config", config, "request", "list", *args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    found = listed("--query", "0857 1111")
    assert [row["reg_no"] for row in found] == [siti["reg_no"]]
    assert set(found[0]) >= {"reg_no", "service", "status", "nik_masked", "name", "phone", "channel", "created_at"}
    assert found[0]["name"] == "Siti Aminah" and found[0]["nik_masked"] == "360301******0002"
    assert found[0]["phone"] == "+6285711112222"
    assert [row["reg_no"] for row in listed("--query", "+62 857")] == [amin["reg_no"], siti["reg_no"]]
    assert [row["reg_no"] for row in listed("--query", "0002")] == [budi["reg_no"]]
    assert budi["reg_no"].endswith("-0002")
    assert [row["reg_no"] for row in listed("--query", "12038500")] == [budi["reg_no"]]  # middle of the NIK
    assert [row["reg_no"] for row in listed("--query", "amin")] == [amin["reg_no"], siti["reg_no"]]
    assert [row["reg_no"] for row in listed("--query", '"Rais"')] == [amin["reg_no"]]
    assert listed("--query", "amin", "--status", "ready") == []
    assert [row["reg_no"] for row in listed("--query", "amin", "--status", "received")] == [amin["reg_no"], siti["reg_no"]]
    plain = run_cli("--config", config, "request", "list", "--query", "santo")
    assert plain.returncode == 0, plain.stderr
    assert budi["reg_no"] in plain.stdout and "Budi Santoso" in plain.stdout and siti["reg_no"] not in plain.stdout
    wrong = run_cli("--config", config, "request", "list", "--query", "amin", "--status", "hilang")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
