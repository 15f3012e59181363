"""Fonts of an A4 document: the bundled DejaVu Sans, system fonts found at run time for the
scripts DejaVu lacks, and a logged fallback to the PDF core font when the bundled files are gone;
`FontKit.printable` turns any text into characters one of the loaded fonts can draw."""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
import unicodedata
from pathlib import Path

log = logging.getLogger(__name__)

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "fonts"
REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"
FAMILY = "dejavu"
CORE_FAMILY = "helvetica"
MISSING = "?"

# Folders searched for fonts covering scripts DejaVu Sans lacks (CJK, Devanagari, Thai ...).
FONT_DIRS: list[str] = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"),
]

# File names (lower case) of fonts worth trying, best first. Regular weights only: bold text
# borrows the regular face, which reads better than a '?'.
FALLBACK_PATTERNS: tuple[str, ...] = (
    "notosanscjk*-regular.ttc",
    "notosanscjk*-regular.otf",
    "notosans*cjk*-regular.*",
    "notosans-regular.ttf",
    "notosans*-regular.ttf",
    "notosans*-regular.otf",
    "notonaskharabic-regular.ttf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
    "lohit-*.ttf",
    "freesans.ttf",
    "freeserif.ttf",
    "msyh.ttc",
    "simsun.ttc",
    "nirmala.ttf",
    "mangal.ttf",
    "arialuni.ttf",
    "unifont*.otf",
    "unifont*.ttf",
)
_SKIP_WORDS = ("emoji", "color")  # colour bitmap fonts do not embed as outlines

# Dashes and curly quotes the documents' own words use, as the core font can print them.
_LATIN1_PUNCTUATION = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                                     "\u201c": '"', "\u201d": '"'})

_lock = threading.Lock()
_candidates: list[Path] | None = None
_cmaps: dict[Path, frozenset[int]] = {}
_warned_core = False


def _find_candidates() -> list[Path]:
    """Font files matching FALLBACK_PATTERNS, in pattern order; looked up once per process."""
    global _candidates
    if _candidates is not None:
        return _candidates
    found: dict[str, Path] = {}
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                found.setdefault(name.lower(), Path(dirpath) / name)
    ordered: list[Path] = []
    for pattern in FALLBACK_PATTERNS:
        for name in sorted(found):
            path = found[name]
            if path in ordered or any(word in name for word in _SKIP_WORDS):
                continue
            if fnmatch.fnmatchcase(name, pattern):
                ordered.append(path)
    _candidates = ordered
    return ordered


def _cmap_of(path: Path) -> frozenset[int]:
    """Code points a font file maps; an unreadable file maps none."""
    cached = _cmaps.get(path)
    if cached is not None:
        return cached
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), lazy=True, fontNumber=0)
        try:
            cmap = frozenset(font["cmap"].getBestCmap() or ())
        finally:
            font.close()
    except Exception as exc:  # a broken system font must not stop a print
        log.info("font %s skipped: %s", path, exc)
        cmap = frozenset()
    _cmaps[path] = cmap
    return cmap


def reset_cache() -> None:
    """Forget the fonts found so far (after fonts were installed, or in tests)."""
    global _candidates, _warned_core
    with _lock:
        _candidates = None
        _cmaps.clear()
        _warned_core = False


class FontKit:
    """The fonts loaded into one document and the glyphs they cover."""

    def __init__(self, pdf) -> None:
        global _warned_core
        self.pdf = pdf
        self.fallbacks: list[str] = []  # family names of system fonts added to this document
        self._fallback_cmaps: list[frozenset[int]] = []
        self._tried: set[Path] = set()
        self._decided: dict[int, str] = {}
        regular = BUNDLED_DIR / REGULAR_FILE
        bold = BUNDLED_DIR / BOLD_FILE
        self.unicode = False
        if regular.is_file() and bold.is_file():
            try:
                pdf.add_font(FAMILY, "", str(regular))
                pdf.add_font(FAMILY, "B", str(bold))
                self.unicode = True
            except Exception as exc:  # a damaged font file falls back like a missing one
                log.warning("bundled font unusable (%s): %s", regular.parent, exc)
        if self.unicode:
            self.family = FAMILY
            # The family itself is a fallback too: bold text then borrows the rare glyph only
            # the regular face has, instead of printing '?'.
            self._base_cmap = frozenset(pdf.fonts[FAMILY].cmap) | frozenset(pdf.fonts[FAMILY + "B"].cmap)
            pdf.set_fallback_fonts([FAMILY], exact_match=False)
        else:
            self.family = CORE_FAMILY
            with _lock:
                first = not _warned_core
                _warned_core = True
            if first:
                log.warning(
                    "DejaVu Sans not found in %s: A4 documents use Helvetica and print only "
                    "Latin-1 characters (others as '?')", BUNDLED_DIR)

    def printable(self, text: str, current_font) -> str:
        """`text` with every character a loaded font cannot draw replaced by '?', loading a
        system font first when one covers it; control and format characters are dropped."""
        if not text:
            return text
        if not self.unicode:
            return self._latin1(text)
        cmap = getattr(current_font, "cmap", None) or {}
        out = []
        for ch in text:
            if ch == "\n" or ord(ch) in cmap:
                out.append(ch)
                continue
            out.append(self._decide(ch))
        return "".join(out)

    def _decide(self, ch: str) -> str:
        code = ord(ch)
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return ""
        if code in self._base_cmap or any(code in cmap for cmap in self._fallback_cmaps):
            return ch
        if code not in self._decided:
            self._decided[code] = ch if self._load_fallback_for(code) else MISSING
        return self._decided[code]

    def _load_fallback_for(self, code: int) -> bool:
        with _lock:
            candidates = _find_candidates()
            for path in candidates:
                if path in self._tried:
                    continue
                if code not in _cmap_of(path):
                    continue
                self._tried.add(path)
                family = f"fallback{len(self.fallbacks) + 1}"
                try:
                    self.pdf.add_font(family, "", str(path))
                except Exception as exc:  # fpdf2 cannot embed every font format
                    log.info("fallback font %s not usable: %s", path, exc)
                    _cmaps[path] = frozenset()
                    continue
                self.fallbacks.append(family)
                self._fallback_cmaps.append(frozenset(self.pdf.fonts[family].cmap))
                self.pdf.set_fallback_fonts([FAMILY, *self.fallbacks], exact_match=False)
                log.info("font %s added for U+%04X", path, code)
                return True
        return False

    @staticmethod
    def _latin1(text: str) -> str:
        out = []
        for ch in unicodedata.normalize("NFC", text).translate(_LATIN1_PUNCTUATION):
            if ch == "\n":
                out.append(ch)
            elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
                continue
            elif ord(ch) < 256:
                out.append(ch)
            else:
                # 'Ş' still reads as 'S'; a letter with no Latin-1 base becomes '?'
                base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
                out.append(base if base and all(32 <= ord(c) < 256 for c in base) else MISSING)
        return "".join(out)
