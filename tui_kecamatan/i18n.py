"""The single translation function every user-facing string goes through.

The source strings are Indonesian, the language of the office. A catalogue for another language
maps an Indonesian string to its translation; a missing entry falls back to Indonesian.
"""

from __future__ import annotations

_catalogues: dict[str, dict[str, str]] = {"id": {}}
_lang = "id"


def set_language(lang: str) -> None:
    global _lang
    _lang = lang if lang in _catalogues else "id"


def register_catalogue(lang: str, entries: dict[str, str]) -> None:
    _catalogues.setdefault(lang, {}).update(entries)


def _(text: str) -> str:
    """Translate an Indonesian interface string into the configured language."""
    return _catalogues.get(_lang, {}).get(text, text)
