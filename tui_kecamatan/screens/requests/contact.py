"""The contact-back dialog: the message written from the office's template, copied to the clipboard
with OSC 52, the wa.me link shown as text, and the contact recorded once the operator says the
message went out (the office has no WhatsApp gateway)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from tui_kecamatan.core import messages, requests
from tui_kecamatan.core.messages import ContactDraft, ContactInfo
from tui_kecamatan.core.request_labels import RequestAction
from tui_kecamatan.core.requests import RequestDetail
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.db_work import DatabaseWork
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons

TITLES = {
    "missing": "Hubungi pemohon: berkas kurang",
    "ready": "Hubungi pemohon: dokumen siap diambil",
    "sent": "Hubungi pemohon: dokumen dikirim",
}


class ContactScreen(Dialog[bool]):
    """Show a drafted message; answers True when the operator confirms it was sent (s key),
    False when the dialog is closed without sending (Esc).

    Without a phone number there is no link and nothing to confirm: the dialog says the citizen
    must be told by telephone or at a visit, and "Sudah terkirim" stays unavailable, as core
    records only WhatsApp messages sent to a number.
    """

    DEFAULT_CSS = """
    ContactScreen > DialogBox {
        width: 78;
    }
    ContactScreen #contact-to {
        text-style: bold;
    }
    ContactScreen #contact-text {
        height: auto;
        max-height: 9;
        border: $frame $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    ContactScreen #contact-text:focus {
        border: $frame $accent;
    }
    ContactScreen #contact-link-label {
        color: $text-muted;
    }
    ContactScreen #contact-link {
        height: auto;
        max-height: 3;
        color: $accent;
    }
    ContactScreen #contact-status {
        color: $text-muted;
        margin: 0 0 1 0;
    }
    ContactScreen #contact-status.-warning {
        color: $warning;
        text-style: bold;
    }
    ContactScreen DialogButtons > Button {
        margin: 0 1;
        min-width: 10;
    }
    """

    BINDINGS = [
        Binding("s", "sent", _("Sudah terkirim")),
        Binding("c", "copy_text", _("Salin pesan")),
        Binding("l", "copy_link", _("Salin tautan")),
        Binding("left", "app.focus_previous", _("Tombol sebelumnya"), show=False),
        Binding("right", "app.focus_next", _("Tombol berikutnya"), show=False),
    ]
    ESCAPE_VALUE = False  # Esc closes the dialog without sending

    def __init__(self, draft: ContactDraft, applicant: str = "") -> None:
        super().__init__()
        self.draft = draft
        self.applicant = applicant

    @property
    def has_phone(self) -> bool:
        return bool(self.draft.phone and self.draft.link)

    def compose(self) -> ComposeResult:
        draft = self.draft
        with DialogBox() as box:
            box.border_title = _(TITLES.get(draft.kind, "Hubungi (WhatsApp)"))
            box.border_subtitle = _("No. registrasi {reg_no}").format(reg_no=draft.reg_no)
            if self.has_phone:
                to = Content.assemble(_("Kepada: "), draft.phone_display or draft.phone)
                if self.applicant:
                    to = Content.assemble(to, " (", self.applicant, ")")
            else:
                to = Content.assemble(_("Kepada: "), self.applicant) if self.applicant else Content(_("Kepada: -"))
            yield Static(to, id="contact-to")
            with VerticalScroll(id="contact-text", can_focus=True) as text_box:
                text_box.border_title = _("Pesan")
                yield Static(draft.text, markup=False)
            if self.has_phone:
                yield Static(_("Tautan WhatsApp (buka di peramban atau WhatsApp Web):"), id="contact-link-label",
                             markup=False)
                with VerticalScroll(id="contact-link"):
                    yield Static(draft.link, markup=False, id="contact-link-text")
            yield Static("", id="contact-status", markup=False)
            with DialogButtons():
                yield Button(Content(_("Sudah terkirim (s)")), id="sent", variant="primary", compact=True,
                             disabled=not self.has_phone)
                yield Button(Content(_("Salin pesan (c)")), id="copy", compact=True)
                if self.has_phone:
                    yield Button(Content(_("Salin tautan (l)")), id="link", compact=True)
                yield Button(Content(_("Tutup (esc)")), id="close", compact=True)

    def on_mount(self) -> None:
        status = self.query_one("#contact-status", Static)
        self.app.copy_to_clipboard(self.draft.text)
        if self.has_phone:
            status.update(_("Pesan sudah disalin (OSC 52): tempel di WhatsApp, kirim, lalu tekan s."))
            self.query_one("#sent", Button).focus()
        else:
            status.update(_("Pemohon tidak mencantumkan nomor HP/WA: sampaikan pesan ini lewat telepon "
                            "atau saat pemohon datang ke kantor."))
            status.add_class("-warning")
            self.query_one("#copy", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sent", "copy_link") and not self.has_phone:
            return None
        return True

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"sent": self.action_sent, "copy": self.action_copy_text, "link": self.action_copy_link,
         "close": self.action_back_out}[str(event.button.id)]()

    def action_sent(self) -> None:
        if self.has_phone:
            self.dismiss(True)

    def action_copy_text(self) -> None:
        self.app.copy_to_clipboard(self.draft.text)
        self.query_one("#contact-status", Static).update(_("Pesan disalin lagi ke clipboard."))

    def action_copy_link(self) -> None:
        if self.has_phone:
            self.app.copy_to_clipboard(self.draft.link)
            self.query_one("#contact-status", Static).update(_("Tautan WhatsApp disalin ke clipboard."))


class CitizenContact(DatabaseWork):
    """Contacting the citizen about a request, for the request screens; mixed in before
    `OfficeScreen` and awaited inside the screen's workers."""

    async def contact_citizen(self, request_ref: int | str, kind: str, *, applicant: str = "") -> ContactInfo | None:
        """Draft the `kind` message for a request, show the dialog, and record the contact when
        the operator confirms it was sent; the recorded contact, or None when nothing was sent.
        Refusals (wrong state, nothing missing) come as core's sentence."""
        draft: ContactDraft = await self.db(messages.draft, request_ref, kind)
        if not await self.app.push_screen_wait(ContactScreen(draft, applicant)):
            return None
        contact: ContactInfo = await self.db(messages.record_contact, self.app.actor, draft.request_id, draft.kind,
                                             draft.text)
        self.notify(_("Kontak tercatat: {label}.").format(label=contact.label), markup=False)
        return contact

    @staticmethod
    def contact_kind(detail: RequestDetail, actor) -> str | None:
        """The message that fits the request now ("missing" or "ready"), or None.

        A request without a phone number still gets its message (to read out on the telephone);
        the dialog then explains why nothing can be recorded.
        """
        allowed = requests.allowed_actions(detail.request.status, actor, has_missing=bool(detail.missing),
                                           has_phone=True)
        if RequestAction.CONTACT_MISSING.value in allowed:
            return "missing"
        if RequestAction.CONTACT_READY.value in allowed:
            return "ready"
        return None
