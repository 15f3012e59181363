"""The printing layer's one exception, and the marker its Indonesian sentences go through
(printing never imports the application, so it has its own, like the application's `i18n._`)."""

from __future__ import annotations


def _(text: str) -> str:
    """An Indonesian sentence of the printing layer."""
    return text


class PrinterError(Exception):
    """A printer could not be used; the message is one sentence naming the printer and the cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
