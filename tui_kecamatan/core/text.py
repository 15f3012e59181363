"""Cleaning text that came from a person, on the way in and again on the way out.

`clean_text` (and `clean_name`, `clean_note`) is for text that is stored: control and format
characters are dropped and whitespace collapsed. `terminal_text` is for text echoed back on a
terminal line (a command's argument in an error, a path, an exception's message): nothing is
dropped, but every character that could move the cursor, change colours, set the window title,
reverse the reading direction or start a new line is shown as a visible escape (`\\x1b`,
`\\u202e`, `\\n`), so the line says exactly what was typed and stays one line.
"""

from __future__ import annotations

import unicodedata

from printing.text import clean_text, mask_nik

NAME_MAX = 120
NOTE_MAX = 500
REASON_MAX = 300
ADDRESS_MAX = 300
ECHO_MAX = 120  # one argument echoed in a message
LINE_MAX = 1000  # a whole message on one terminal line

__all__ = [
    "clean_text", "mask_nik", "clean_name", "clean_note", "terminal_text", "unsafe_character", "control_character",
    "character_name",
    "NAME_MAX", "NOTE_MAX", "REASON_MAX", "ECHO_MAX", "LINE_MAX",
]

# Categories never written raw to a terminal: controls (C0, DEL, C1), format characters (the
# bidi embeddings, overrides and isolates U+202A-U+202E, U+2066-U+2069, the marks U+200E/U+200F,
# zero-width characters), line and paragraph separators, lone surrogates (undecodable bytes of a
# file name), private use and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# What a configured value (a path, a device, a name) may never hold: controls, format characters
# (bidi), line and paragraph separators.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_NAMES = {"\0": "NUL", "\x1b": "ESC", "\x07": "BEL", "\x7f": "DEL", "\n": "baris baru", "\r": "CR", "\t": "tab"}
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def clean_name(value: object) -> str:
    return clean_text(value, NAME_MAX)


def clean_note(value: object) -> str:
    return clean_text(value, NOTE_MAX)


def unsafe_character(value: str) -> str | None:
    """The first character of `value` a terminal would act on instead of showing, or None."""
    for ch in value:
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            return ch
    return None


def control_character(value: str) -> str | None:
    """The first control, format (bidi) or line-separator character of `value`, or None."""
    for ch in value:
        if unicodedata.category(ch) in _CONTROL_CATEGORIES:
            return ch
    return None


def character_name(ch: str) -> str:
    """'NUL', 'ESC', 'baris baru' ... or 'U+202E': a character named for a sentence."""
    return _NAMES.get(ch, f"U+{ord(ch):04X}")


def _escape(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal_text(value: object, max_len: int = ECHO_MAX) -> str:
    """`value` made safe for one terminal line: unsafe characters (see `unsafe_character`) shown
    as escapes, and text longer than `max_len` characters cut with "…".

    Idempotent: the result passed through again comes back unchanged (when it was not cut).
    """
    text = "" if value is None else str(value)
    if unsafe_character(text) is not None:
        text = "".join(_escape(ch) if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in text)
    if len(text) > max_len:
        text = text[: max(0, max_len - 1)] + "…"
    return text
