"""Printing a request's documents from its screens: the dialog that picks the A4 or the receipt
printer (or a PDF file), and `DocumentPrinting`, the screen methods that record the job, send it
off the event loop and say how it went."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from tui_kecamatan.core import documents, printjobs
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.db_work import DatabaseWork
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons
from tui_kecamatan.widgets.prompt import TextPrompt

# What each document is called in the "printing..." and failure sentences.
DOCUMENT_LABELS = {
    "receipt": "Tanda terima",
    "checklist": "Daftar periksa berkas",
}


class MediaChoiceScreen(Dialog[str | None]):
    """Ask where to print: "a4" (a key), "receipt" (s key, the receipt printer), "file" (f key,
    an A4 PDF saved to a file the operator names) or None (n, Esc).

    `headline` is shown above the question in bold, e.g. the new registration number.
    """

    DEFAULT_CSS = """
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


# File names offered when a document is saved as a PDF (see pdf_folder for where).
PDF_NAMES = {"receipt": "tanda-terima", "checklist": "daftar-periksa"}


def pdf_folder(config) -> Path:
    """Where a PDF to save is first offered: the A4 printer's folder when this desk's A4 printer
    saves PDFs in a folder that exists (the office keeps its documents there), else the home
    folder."""
    a4 = config.printers.get("a4") if config is not None else None
    if a4 is not None and a4.kind == "folder" and a4.path.strip():
        folder = Path(a4.path.strip()).expanduser()
        if folder.is_dir():
            return folder
    return Path.home()


class DocumentPrinting(DatabaseWork):
    """Printing a request's receipt ("receipt") or checklist sheet ("checklist"), for the request
    screens; mixed in before `OfficeScreen`. The methods are awaited inside the screen's workers:

        @work(group="print")
        async def action_print_sheet(self) -> None:
            await self.print_document("checklist", self.detail.request.id)
    """

    async def choose_media(self, question: str, *, title: str | None = None, headline: str | Content = "") -> str | None:
        """Ask where to print: "a4", "receipt", "file" or None."""
        return await self.app.push_screen_wait(MediaChoiceScreen(question, title=title, headline=headline))

    async def print_document(self, document: str, request_ref, media: str = "a4") -> None:
        """Print the document on `media` ("a4" or "receipt"; the checklist sheet is A4 only) and
        say how it went in a notification; a failed print leaves the request as saved and says
        how to print it again. Media "file" saves the A4 document as a PDF file instead."""
        if media == "file":
            await self.save_document_pdf(document, request_ref, await self.ask_pdf_path(document, request_ref))
            return
        label = _(DOCUMENT_LABELS[document])
        self.notify(_("{what} sedang dicetak...").format(what=label), timeout=3)
        outcome = await self.db(_record_and_send, document, self.app.actor, request_ref, media, self.app.config)
        if outcome.ok:
            self.notify(outcome.message, markup=False)
        else:
            self.notify(str(outcome.as_error()), title=_("{what} belum tercetak").format(what=label),
                        severity="error", markup=False, timeout=12)

    async def ask_pdf_path(self, document: str, request_ref) -> str | None:
        """The file name the operator gives for the document's PDF (a name in the A4 folder, or
        the home folder, is offered), or None when they back out."""
        label = _(DOCUMENT_LABELS[document])
        suggested = str(pdf_folder(self.app.config) / f"{PDF_NAMES[document]}-{request_ref}.pdf")
        return await self.app.push_screen_wait(TextPrompt(
            _("Simpan sebagai PDF"), _("Nama berkas PDF untuk {what}:").format(what=label.lower()), value=suggested,
            empty=_("Isi nama berkasnya terlebih dahulu.")))

    async def save_document_pdf(self, document: str, request_ref, path: str | None) -> None:
        """Save the request's A4 document at `path` (never over an existing file) and say where;
        nothing when there is no path."""
        if not path:
            return
        saved = await self.db(documents.save_pdf, self.app.actor, document, request_ref, path)
        label = _(DOCUMENT_LABELS[document])
        self.notify(_("{what} disimpan di {path}.").format(what=label, path=saved), markup=False, timeout=8)
