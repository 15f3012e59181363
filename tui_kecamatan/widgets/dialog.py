"""The app's dialogs: one base (centred, Esc backs out, database work through `self.db`), the
titled frame they draw in and the centred row of their buttons, so every dialog looks and
behaves alike."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen

from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.db_work import DatabaseWork

T = TypeVar("T")


class Dialog(DatabaseWork, ModalScreen[T], Generic[T]):
    """Base of every dialog: centred over the screen that opened it; Esc dismisses it with
    `ESCAPE_VALUE` (None unless the dialog says otherwise). The dialog composes a `DialogBox`
    and answers with `self.dismiss(value)`; callers take the value with `push_screen_wait`
    inside a worker, or in a callback.
    """

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    """

    BINDINGS = [Binding("escape", "back_out", _("Batal"))]

    ESCAPE_VALUE: ClassVar[Any] = None

    def action_back_out(self) -> None:
        self.dismiss(self.ESCAPE_VALUE)


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
