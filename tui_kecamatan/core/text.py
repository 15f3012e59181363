"""Cleaning text that came from a person, on the way in and again on the way out."""

from __future__ import annotations

from printing.text import clean_text, mask_nik

NAME_MAX = 120
NOTE_MAX = 500
REASON_MAX = 300
ADDRESS_MAX = 300

__all__ = ["clean_text", "mask_nik", "clean_name", "clean_note", "NAME_MAX", "NOTE_MAX", "REASON_MAX"]


def clean_name(value: object) -> str:
    return clean_text(value, NAME_MAX)


def clean_note(value: object) -> str:
    return clean_text(value, NOTE_MAX)
