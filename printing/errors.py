"""The printing layer's one exception, and the hook through which its Indonesian sentences are
translated (printing never imports the application, so the application plugs its `_` in here)."""

from __future__ import annotations

from typing import Callable

_translate: Callable[[str], str] = lambda text: text  # noqa: E731


def set_translator(func: Callable[[str], str] | None) -> None:
    """Route the printing layer's sentences through the application's translation function."""
    global _translate
    _translate = func if func is not None else (lambda text: text)


def _(text: str) -> str:
    """Translate an Indonesian sentence of the printing layer."""
    return _translate(text)


class PrinterError(Exception):
    """A printer could not be used; the message is one sentence naming the printer and the cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
