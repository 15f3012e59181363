"""What the waiting-room board says when a ticket is called: the Indonesian sentence spoken by
espeak-ng, and which calls are new since the board last looked (a recall counts as a new call).

The sentence reads a code digit by digit ("A-007" -> "A nol nol tujuh") because that is how
the number is printed on the ticket, and the counter as a number word ("loket dua belas"),
because that is how people say it. Nothing here knows about Textual or about sound devices;
the board decides when to ring the bell and starts the speech program.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Iterable

from tui_kecamatan.core.queue_views import BoardCall, BoardState
from tui_kecamatan.i18n import _

SPEECH_PROGRAM = "espeak-ng"
SPEECH_VOICE = "id"
# Words per minute: a little slower than espeak's 175, so a full waiting room catches the number.
SPEECH_RATE = 150
# A board that was away (database busy, machine asleep) does not read out a backlog of calls.
MAX_SPOKEN = 3

DIGIT_WORDS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ((1_000_000_000, "miliar"), (1_000_000, "juta"))


def number_words(n: int) -> str:
    """A whole number as Indonesian words: 2 -> "dua", 11 -> "sebelas", 12 -> "dua belas",
    21 -> "dua puluh satu", 100 -> "seratus", 1000 -> "seribu", 2024 -> "dua ribu dua puluh empat"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("number_words takes an int")
    if n < 0:
        return "minus " + number_words(-n)
    if n < 10:
        return DIGIT_WORDS[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{DIGIT_WORDS[n - 10]} belas"
    if n < 100:
        tens, ones = divmod(n, 10)
        return _join(f"{DIGIT_WORDS[tens]} puluh", ones)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{DIGIT_WORDS[hundreds]} ratus"
        return _join(head, rest)
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = "seribu" if thousands == 1 else f"{number_words(thousands)} ribu"
        return _join(head, rest)
    for size, word in _SCALES:
        if n >= size:
            big, rest = divmod(n, size)
            return _join(f"{number_words(big)} {word}", rest)
    raise AssertionError("unreachable")  # pragma: no cover


def _join(head: str, rest: int) -> str:
    return f"{head} {number_words(rest)}" if rest else head


def spell_code(code: str) -> str:
    """A ticket code as it is read aloud: letters as they are, each digit as its word, separators
    dropped. "A-007" -> "A nol nol tujuh"; "ab-12" -> "A B satu dua"."""
    words = []
    for ch in str(code).upper():
        if ch.isascii() and ch.isdigit():
            words.append(DIGIT_WORDS[int(ch)])
        elif ch.isascii() and ch.isalpha():
            words.append(ch)
    return " ".join(words)


def call_sentence(code: str, counter_number: int | None) -> str:
    """What the board says for a call: "nomor antrian A nol nol tujuh, silakan ke loket dua"."""
    spoken = spell_code(code)
    if counter_number is None:
        return _("nomor antrian {code}").format(code=spoken)
    return _("nomor antrian {code}, silakan ke loket {counter}").format(code=spoken, counter=number_words(counter_number))


def speech_command(text: str, program: str = SPEECH_PROGRAM) -> list[str]:
    """The argument list that speaks `text` in Indonesian (no shell: the text is one argument).

    The sentences start with a word ("nomor ..."), never with "-", so the text cannot be taken
    for an option."""
    return [program, "-v", SPEECH_VOICE, "-s", str(SPEECH_RATE), text]


def find_speech_program() -> str | None:
    """The path of espeak-ng when it is installed and on PATH."""
    return shutil.which(SPEECH_PROGRAM)


@dataclass(frozen=True)
class Announcement:
    """What the board does for the calls it has not announced yet."""

    calls: tuple[BoardCall, ...] = ()  # new calls, oldest first
    ring: bool = False  # ring the terminal bell once
    speech: tuple[str, ...] = ()  # sentences to speak, in order

    @property
    def is_empty(self) -> bool:
        return not self.calls


def new_calls(calls: Iterable[BoardCall | None], after: int) -> list[BoardCall]:
    """The calls whose sequence (audit id of the latest call or recall) is above `after`,
    oldest first."""
    fresh = [call for call in calls if call is not None and call.sequence > after]
    return sorted(fresh, key=lambda call: call.sequence)


class CallWatcher:
    """Remembers the last call announced and tells which calls in a new board state are new.

    The first state only sets the mark: a board that starts in the middle of the day does not
    ring for calls made before it was switched on.
    """

    def __init__(self, *, bell: bool = True, speak: bool = False) -> None:
        self.bell = bell
        self.speak = speak
        self.seen: int | None = None

    def update(self, state: BoardState) -> Announcement:
        calls = [state.last_call, *state.previous]
        highest = max((call.sequence for call in calls if call is not None), default=0)
        if self.seen is None:
            self.seen = highest
            return Announcement()
        fresh = new_calls(calls, self.seen)
        self.seen = max(self.seen, highest)
        if not fresh:
            return Announcement()
        spoken = fresh[-MAX_SPOKEN:] if self.speak else []
        return Announcement(
            calls=tuple(fresh),
            ring=self.bell,
            speech=tuple(call_sentence(call.code, call.counter_number) for call in spoken),
        )
