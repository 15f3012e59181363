"""The one dialog asking a line of text from the operator: a required reason (cancel, reject,
reopen, suspend), an optional note, or a file name, returned with `dismiss(text)`, or None when
the operator backs out."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Input, Static

from tui_kecamatan.core.text import REASON_MAX, clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons
from tui_kecamatan.widgets.form import FormMessage


class TextPrompt(Dialog[str | None]):
    """Ask for one line of text (a reason, a note, a file name); Enter or "Simpan" answers the
    cleaned text, Esc answers None.

    With `required=True` an empty answer is refused on the spot with the sentence `empty` (by
    default one asking for the reason), so the caller only ever receives text it can pass to core
    (which checks it again).

        reason = await self.app.push_screen_wait(TextPrompt(_("Alasan pembatalan")))
    """

    DEFAULT_CSS = """
    TextPrompt > DialogBox {
        width: 70;
    }
    TextPrompt #prompt-question {
        margin: 1 0 0 0;
    }
    TextPrompt #prompt-input {
        margin: 1 0 0 0;
        width: 1fr;
    }
    TextPrompt #prompt-message {
        margin: 0 0 1 0;
    }
    """

    def __init__(
        self,
        title: str,
        question: str = "",
        *,
        value: str = "",
        required: bool = True,
        max_length: int = REASON_MAX,
        placeholder: str = "",
        empty: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.value = value
        self.required = required
        self.max_length = max_length
        self.placeholder = placeholder
        self.empty = empty

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = self.title_text
            if self.question:
                yield Static(self.question, id="prompt-question", markup=False)
            yield Input(self.value, id="prompt-input", max_length=self.max_length, placeholder=self.placeholder,
                        compact=True)
            yield FormMessage(id="prompt-message")
            with DialogButtons():
                yield Button(Content(_("Simpan (enter)")), id="ok", variant="primary", compact=True)
                yield Button(Content(_("Batal (esc)")), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._answer()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._answer()
        else:
            self.dismiss(None)

    def _answer(self) -> None:
        text = clean_text(self.query_one(Input).value, self.max_length)
        if self.required and not text:
            self.query_one(FormMessage).show(self.empty or _("Isi alasannya terlebih dahulu."), "error")
            self.query_one(Input).focus()
            return
        self.dismiss(text)
