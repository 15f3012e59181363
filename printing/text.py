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


# Typographic punctuation a phone or word processor puts in names and addresses, as ASCII.
_PUNCTUATION = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2022": "-", "\u00b7": ".", "\u00a0": " ", "\u00ab": '"', "\u00bb": '"',
})
# Pictures and their modifiers (emoji, skin tones, variation selectors, keycaps): a receipt
# printer has nothing to print for them, so they are dropped rather than marked.
_DROPPED = ("So", "Sk", "Mn", "Me")


def _ascii_word(word: str) -> str:
    """One word as ASCII: accents dropped, pictures dropped, every run of other characters (a
    script the printer lacks) marked by one '?'; "" when nothing printable is left."""
    out: list[str] = []
    marked = printable = False
    for ch in unicodedata.normalize("NFKD", word.translate(_PUNCTUATION)):
        if 32 <= ord(ch) < 127:
            out.append(ch)
            marked, printable = False, True
        elif unicodedata.combining(ch) or unicodedata.category(ch) in _DROPPED:
            continue
        elif not marked:
            out.append("?")
            marked = True
    return "".join(out) if printable else ""


def ascii_safe(value: object) -> str:
    """Text a receipt printer's ASCII code page prints: accents and pictures (emoji) dropped, a
    run of other characters replaced once by '?' inside a word, and a word with nothing
    printable left out, so no line or word of question marks ever reaches the paper.

    Idempotent: the result passed through again comes back unchanged.
    """
    text = clean_text(value, max_len=10_000, multiline=True)
    lines = []
    for line in text.split("\n"):
        words = [kept for kept in (_ascii_word(word) for word in line.split(" ")) if kept]
        if words or not line.strip():
            lines.append(" ".join(words))
    return "\n".join(lines)


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
