"""Conditions over the trigram search index `request_text` (made by migration 2, kept by triggers):
part of a name, or digits inside a NIK or a phone number, as a condition on request ids that
SQLite answers from the index. The index's SQL stays here; callers combine the conditions with
peewee."""

from __future__ import annotations

from peewee import SQL, Expression

from tui_kecamatan.db.models import Request

# A trigram index finds nothing shorter than one trigram.
MIN_LENGTH = 3


def phrase(text: str) -> str:
    """`text` as one FTS5 string: inside double quotes every character is literal, a double
    quote is written twice."""
    return '"' + text.replace('"', '""') + '"'


def _ids_matching(columns: str, text: str) -> SQL:
    return SQL("(SELECT rowid FROM request_text WHERE request_text MATCH ?)", [f"{columns} : {phrase(text)}"])


def name_contains(text: str) -> Expression:
    """Requests whose name contains `text` (at least MIN_LENGTH characters), ignoring case."""
    return Request.id.in_(_ids_matching("name", text))


def digits_in(digits: str, *, nik: bool) -> Expression:
    """Requests whose phone number (and, with `nik`, whose NIK) contains `digits` (at least
    MIN_LENGTH of them); a phone is indexed as "62857..." and as "0857...", so either writing
    matches."""
    return Request.id.in_(_ids_matching("{nik phone}" if nik else "phone", digits))
