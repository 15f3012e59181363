"""Characters a receipt printer cannot print (emoji, other scripts) on the bytes it receives:
dropped, or marked once inside a word, never a line or a word of question marks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from printing import receipt
from printing.settings import PrinterSettings
from printing.text import ascii_safe
from tests.printer_fake import FakePrinter, printed_lines, printed_text

WIB = timezone(timedelta(hours=7))
OFFICE_WITH_EMOJI = "Kantor Kecamatan Pasar Kemis \U0001F3DB\ufe0f"


def ticket(office: str, **changes) -> receipt.TicketSlip:
    values = dict(office=office, code="A-007", service="Cetak KTP-el",
                  issued_at=datetime(2026, 11, 28, 9, 15, tzinfo=WIB), ahead=0)
    values.update(changes)
    return receipt.TicketSlip(**values)


# 32 characters before the emoji: on 58 mm paper its marks used to wrap onto a line of their own
OFFICE_FILLING_THE_LINE = "Kantor Kecamatan Pasar Kemis Tgr \U0001F3DB\ufe0f"


@pytest.mark.parametrize("width", [32, 48])
@pytest.mark.parametrize("office", [OFFICE_WITH_EMOJI, OFFICE_FILLING_THE_LINE])
def test_an_emoji_in_the_office_name_leaves_no_question_marks_on_the_ticket(width, office):
    from printing import devices

    with FakePrinter() as fake:
        settings = fake.settings(width=width)
        devices.send(settings, receipt.render_ticket(ticket(office), settings))
        data = fake.received
    lines = [line.strip() for line, _columns in printed_lines(data)]
    assert "?" not in printed_text(data)
    assert not [line for line in lines if line and set(line) <= set("? ")]
    # the name itself is all there, and the next line is the rule under it
    assert lines[0] == ascii_safe(office) and lines[1].startswith("-----")


def test_the_receipt_slip_has_no_line_of_question_marks():
    settings = PrinterSettings(name="receipt", kind="file", path="/dev/null", width=32)
    data = receipt.render_receipt(receipt.ReceiptSlip(
        office=OFFICE_FILLING_THE_LINE, reg_no="20261128-0045", service="Cetak KK", name="Siti Aminah",
        nik="3603015501900002", received_at=datetime(2026, 11, 28, 9, 15)), settings)
    lines = [line.strip() for line, _columns in printed_lines(data)]
    assert lines[0] == "Kantor Kecamatan Pasar Kemis Tgr"
    assert "?" not in printed_text(data)


def test_every_slip_drops_emoji_and_marks_another_script_once(tmp_path):
    settings = PrinterSettings(name="receipt", kind="file", path=str(tmp_path / "s.bin"), width=32)
    name = "Siti \U0001F469\u200d\U0001F467 Aminah \u2764\ufe0f"
    slips = {
        "ticket": receipt.render_ticket(ticket(OFFICE_WITH_EMOJI, service="Cetak KK \U0001F4C4"), settings),
        "receipt": receipt.render_receipt(receipt.ReceiptSlip(
            office=OFFICE_WITH_EMOJI, reg_no="20261128-0045", service="Cetak KK", name=name,
            nik="3603015501900002", received_at=datetime(2026, 11, 28, 9, 15), missing=("KK lama \U0001F4C4",),
        ), settings),
        "proof": receipt.render_proof(receipt.ProofSlip(
            office=OFFICE_WITH_EMOJI, reg_no="20261128-0045", service="Cetak KK", name=name,
            nik="3603015501900002", collector_kind="proxy", collector_name="Budi \u5c71\u7530 Mu\u5c71ad",
            collector_nik="3603011201800003", collected_at=datetime(2026, 12, 2, 10, 30), staff="Wahyu \U0001F600",
        ), settings),
    }
    for kind, data in slips.items():
        text = printed_text(data)
        lines = [line.strip() for line, _c in printed_lines(data)]
        assert not [line for line in lines if "?" in line and set(line) <= set("?: ")], kind
        assert "??" not in text, kind
        assert "Siti Aminah" in text or kind == "ticket", kind
    proof_text = printed_text(slips["proof"])
    # a word wholly in another script is left out; inside a word, one mark for the whole run
    assert "Budi Mu?ad" in proof_text
    assert "Wahyu" in proof_text and "Wahyu ?" not in proof_text


def test_ascii_safe_keeps_what_prints_and_is_stable():
    cases = {
        OFFICE_WITH_EMOJI: "Kantor Kecamatan Pasar Kemis",
        "Jos\u00e9 M\u00fcller": "Jose Muller",
        "\u201cSiti\u201d \u2013 Aminah\u2026": '"Siti" - Aminah...',
        "Mu\u5c71\u7530ad": "Mu?ad",
        "Alamat:\n\U0001F3E0\nJl. Melati": "Alamat:\nJl. Melati",
        "Siti ?": "Siti ?",
    }
    for given, expected in cases.items():
        assert ascii_safe(given) == expected
        assert ascii_safe(expected) == expected
