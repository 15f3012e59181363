"""A yes/no question in a dialog: y or the "Ya" button answers True, n, Esc or "Tidak" answers False."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons


class ConfirmScreen(Dialog[bool]):
    """Ask one question; `dismiss(True)` for yes.

    The question is shown literally, so it may contain people's names. Enter presses the
    focused button, which is "Ya" unless `default=False`.

        if await self.app.push_screen_wait(ConfirmScreen(_("Batalkan permohonan ini?"))):
            ...
    """

    DEFAULT_CSS = """
    ConfirmScreen > DialogBox {
        width: 60;
    }
    ConfirmScreen #confirm-question {
        margin: 1 0;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", _("Ya")),
        Binding("n", "answer(False)", _("Tidak")),
    ]
    ESCAPE_VALUE = False

    def __init__(
        self,
        question: str,
        *,
        title: str | None = None,
        yes: str | None = None,
        no: str | None = None,
        default: bool = True,
    ) -> None:
        super().__init__()
        self.question = question
        self.title_text = title if title is not None else _("Konfirmasi")
        self.yes_label = yes or _("Ya (y)")
        self.no_label = no or _("Tidak (n)")
        self.default = default

    def compose(self) -> ComposeResult:
        with DialogBox(classes="-warning") as box:
            box.border_title = self.title_text
            yield Static(self.question, id="confirm-question", markup=False)
            with DialogButtons():
                yield Button(Content(self.yes_label), id="yes", variant="primary", compact=True)
                yield Button(Content(self.no_label), id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
