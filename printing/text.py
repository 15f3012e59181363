"""Text rules shared by every document and screen: cleaning people's text, ASCII-safe output for
receipt printers, and Indonesian dates from the project's own table (never the system locale)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTH_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

_KEEP = {"\n", "\t"}


def clean_text(value: object, max_len: int = 200, *, multiline: bool = False) -> str:
    """NFC-normalise, drop control and format characters (Unicode Cc/Cf), trim and cap.

    Newlines and tabs survive only with `multiline`; elsewhere they become spaces.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    out = []
    for ch in text:
        if ch in _KEEP:
            out.append(ch if multiline and ch == "\n" else " ")
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        out.append(ch)
    text = "".join(out)
    if not multiline:
        text = " ".join(text.split())
    else:
        text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return text[:max_len].strip()


def ascii_safe(value: object) -> str:
    """Text a receipt printer's ASCII code page prints: accents dropped, the rest as '?'."""
    text = clean_text(value, max_len=10_000, multiline=True)
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if ch == "\n" or 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def format_date(day: date) -> str:
    """'Sabtu, 28 November 2026'."""
    return f"{DAY_NAMES[day.weekday()]}, {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def format_date_short(day: date) -> str:
    """'28 Nov 2026'."""
    return f"{day.day} {MONTH_SHORT[day.month - 1]} {day.year}"


def format_datetime(moment: datetime, zone: str = "WIB") -> str:
    """'Sabtu, 28 November 2026 09:15 WIB' for a local time."""
    return f"{format_date(moment)} {moment:%H:%M} {zone}".rstrip()


def mask_nik(nik: str) -> str:
    """First 6 and last 4 digits visible: '360301******0002'."""
    nik = "".join(ch for ch in str(nik) if ch.isdigit())
    if len(nik) < 10:
        return "*" * len(nik)
    return nik[:6] + "*" * (len(nik) - 10) + nik[-4:]
