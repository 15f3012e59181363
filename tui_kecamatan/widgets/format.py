"""Formatting helpers several screens share: service names as the screen shows them, and items
packed onto lines without breaking one.

Service names are typed by an admin, so they are cleaned again on their way to the screen and
shown literally (as `Content`, never markup).
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from textual.content import Content

from tui_kecamatan.core.text import NAME_MAX, clean_text

# Words many service names start with; a narrow column leaves them out.
_SHARED_OPENINGS = ("surat keterangan ", "sk ", "cetak ")


def service_name(name: str) -> str:
    """A service name cleaned again on its way to the screen."""
    return clean_text(name, NAME_MAX)


def short_service_name(name: str) -> str:
    """A service name without the words many names share, for narrow lines and columns:
    "Cetak KTP-el" -> "KTP-el", "Surat keterangan pindah keluar" -> "Pindah keluar"."""
    text = service_name(name)
    for opening in _SHARED_OPENINGS:
        if text.lower().startswith(opening) and len(text) > len(opening):
            rest = text[len(opening):]
            return rest[:1].upper() + rest[1:]
    return text


def short_service_names(names: Sequence[str], width: int | None = None) -> list[str]:
    """The short names of services listed together, each at most `width` cells, still telling
    them apart: a first word several names share is cut to its initial when a name is too long
    ("Pindah keluar", "Pindah datang" -> "P. keluar", "P. datang"), then the end gives way."""
    short = [short_service_name(name) for name in names]
    if width is None or all(Content(name).cell_length <= width for name in short):
        return short
    openings = Counter(name.split(" ", 1)[0].lower() for name in short if " " in name)
    fitted = []
    for name in short:
        head, _space, rest = name.partition(" ")
        if Content(name).cell_length > width and rest and openings[head.lower()] > 1:
            name = f"{head[:1]}. {rest}"
        fitted.append(Content(name).truncate(max(1, width), ellipsis=True).plain)
    return fitted


def pack_line(items: list[Content], width: int, gap: int = 2) -> Content:
    """Items side by side, `gap` cells apart, starting a new line only between items, never
    inside one (an item wider than `width` gets a line of its own)."""
    return Content("\n").join(pack_lines(items, width, gap))


def pack_lines(items: list[Content], width: int, gap: int = 2) -> list[Content]:
    """The lines of `pack_line`, for a caller that counts them; at least one (empty) line."""
    lines: list[Content] = []
    line = Content("")
    for item in items:
        if line.cell_length and line.cell_length + gap + item.cell_length > width:
            lines.append(line)
            line = item
        else:
            line = line + " " * gap + item if line.cell_length else item
    lines.append(line)
    return lines
