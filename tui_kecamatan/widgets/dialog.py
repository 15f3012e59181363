"""The frame of the app's dialogs and the centred row of their buttons, so every dialog looks alike."""

from __future__ import annotations

from textual.containers import Horizontal, Vertical


class DialogBox(Vertical):
    """A dialog's titled frame on the surface colour; the dialog sets `border_title` (and its keys
    in `border_subtitle`) in compose, and its own width in its CSS: `MyDialog > DialogBox { width: 60; }`.

    The class `-warning` frames a question that stops or guards something (a confirmation, a
    password check).
    """

    DEFAULT_CSS = """
    DialogBox {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: $frame $primary;
        border-title-color: $primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
    DialogBox.-warning {
        border: $frame $warning;
        border-title-color: $warning;
    }
    """


class DialogButtons(Horizontal):
    """One line of compact buttons, centred under a dialog's content."""

    DEFAULT_CSS = """
    DialogButtons {
        height: 1;
        align-horizontal: center;
    }
    DialogButtons > Button {
        margin: 0 2;
        min-width: 12;
    }
    """
