"""Machine-readable codes for printed documents: a Code 128 barcode as bar positions, so a
document draws it as vector rectangles that stay sharp on any printer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Barcode:
    """Bars of a Code 128 symbol in module units, without the quiet zones around it."""

    text: str
    bars: tuple[tuple[int, int], ...]  # (first module, width in modules)
    modules: int


def code128(text: str) -> Barcode | None:
    """The Code 128 bars for `text`, or None when it holds characters Code 128 cannot carry.

    A USB barcode scanner at the pickup desk types the decoded text into the search field, so
    the code carries exactly the registration number printed beside it.
    """
    if not text or any(not 32 <= ord(ch) < 127 for ch in text):
        return None
    from barcode import Code128
    from barcode.errors import BarcodeError

    try:
        pattern = "".join(Code128(text).build())
    except BarcodeError:
        return None
    bars = []
    start = None
    for index, module in enumerate(pattern + "0"):
        if module == "1" and start is None:
            start = index
        elif module != "1" and start is not None:
            bars.append((start, index - start))
            start = None
    return Barcode(text=text, bars=tuple(bars), modules=len(pattern))
