"""Printing a request's documents from its screens: the dialog that picks the A4 or the receipt
printer, and the glue that records the job, sends it off the event loop and says how it went."""

from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_kecamatan.core import documents, printjobs
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.widgets.dialog import DialogBox, DialogButtons

# What each document is called in the "printing..." and failure sentences.
DOCUMENT_LABELS = {
    "receipt": "Tanda terima",
    "checklist": "Daftar periksa berkas",
}


class MediaChoiceScreen(ModalScreen[str | None]):
    """Ask where to print: "a4" (a key), "receipt" (s key, the receipt printer), "file" (f key,
    an A4 PDF saved to a file the operator names) or None (n, Esc).

    `headline` is shown above the question in bold, e.g. the new registration number.
    """

    DEFAULT_CSS = """
    MediaChoiceScreen {
        align: center middle;
    }
    MediaChoiceScreen > DialogBox {
        width: 70;
    }
    MediaChoiceScreen #media-headline {
        margin: 1 0 0 0;
        text-style: bold;
        color: $success;
        content-align: center middle;
        width: 1fr;
    }
    MediaChoiceScreen #media-question {
        margin: 1 0;
    }
    MediaChoiceScreen DialogButtons > Button {
        margin: 0 1;
    }
    """

    BINDINGS = [
        Binding("a", "choose('a4')", _("Cetak di A4")),
        Binding("s", "choose('receipt')", _("Cetak di printer struk")),
        Binding("f", "choose('file')", _("Simpan sebagai berkas PDF")),
        Binding("n", "choose('')", _("Tidak dicetak")),
        Binding("escape", "choose('')", _("Tidak dicetak"), show=False),
        Binding("left", "app.focus_previous", _("Tombol sebelumnya"), show=False),
        Binding("right", "app.focus_next", _("Tombol berikutnya"), show=False),
    ]

    def __init__(self, question: str, *, title: str | None = None, headline: str | Content = "") -> None:
        super().__init__()
        self.question = question
        self.title_text = title if title is not None else _("Cetak")
        self.headline = headline

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = self.title_text
            if self.headline:
                yield Static(Content(self.headline) if isinstance(self.headline, str) else self.headline,
                             id="media-headline")
            yield Static(self.question, id="media-question", markup=False)
            with DialogButtons():
                yield Button(Content(_("A4 (a)")), id="a4", variant="primary", compact=True)
                yield Button(Content(_("Struk (s)")), id="receipt", compact=True)
                yield Button(Content(_("PDF (f)")), id="file", compact=True)
                yield Button(Content(_("Tidak (n)")), id="none", compact=True)

    def on_mount(self) -> None:
        self.query_one("#a4", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose("" if event.button.id == "none" else str(event.button.id))

    def action_choose(self, media: str) -> None:
        self.dismiss(media or None)


def _record_and_send(document: str, actor, request_ref, media: str, config) -> printjobs.PrintOutcome:
    """Record the job (its own short transaction), then send it outside any transaction."""
    if document == "receipt":
        job_id = documents.request_receipt(actor, request_ref, media)
    else:
        job_id = documents.checklist_sheet(actor, request_ref)
    return printjobs.send_job(job_id, config, actor=actor)


# File names offered when a document is saved as a PDF, in the operator's home folder.
PDF_NAMES = {"receipt": "tanda-terima", "checklist": "daftar-periksa"}


def save_request_pdf(screen: AppScreen, document: str, request_ref, after: Callable[[], None] | None = None) -> None:
    """Ask for a file name, then save the request's A4 document there as a PDF (in a worker);
    `after` runs once the dialog is closed, saved or not."""
    from pathlib import Path

    from tui_kecamatan.widgets.prompt import TextPrompt

    label = _(DOCUMENT_LABELS[document])
    suggested = str(Path.home() / f"{PDF_NAMES[document]}-{request_ref}.pdf")

    def chosen(path: str | None) -> None:
        if after is not None:
            after()
        if not path:
            return
        screen.run_db(documents.save_pdf, screen.app.actor, document, request_ref, path,
                      then=lambda saved: screen.notify(_("{what} disimpan di {path}.").format(what=label, path=saved),
                                                       markup=False, timeout=8),
                      group=f"pdf-{document}")

    screen.app.push_screen(TextPrompt(_("Simpan sebagai PDF"), _("Nama berkas PDF untuk {what}:").format(what=label.lower()),
                                        value=suggested), chosen)


def print_request_document(screen: AppScreen, document: str, request_ref, media: str = "a4") -> None:
    """Print the receipt ("receipt", on `media`) or the checklist sheet ("checklist", A4) of a
    request from `screen`, in a thread worker; the outcome is a notification. A failed print
    leaves the request as saved and says how to print it again. Media "file" saves the A4
    document as a PDF file instead."""
    if media == "file":
        save_request_pdf(screen, document, request_ref)
        return
    app = screen.app
    label = _(DOCUMENT_LABELS[document])
    screen.notify(_("{what} sedang dicetak...").format(what=label), timeout=3)

    def done(outcome: printjobs.PrintOutcome) -> None:
        if outcome.ok:
            screen.notify(outcome.message, markup=False)
        else:
            screen.notify(str(outcome.as_error()), title=_("{what} belum tercetak").format(what=label),
                          severity="error", markup=False, timeout=12)

    screen.run_db(_record_and_send, document, app.actor, request_ref, media, app.config, then=done,
                  group=f"print-{document}")
