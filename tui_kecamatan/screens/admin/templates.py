"""The message-templates section of the admin screen: the three texts sent to citizens by
WhatsApp (requirements missing, document ready, document sent), with the placeholders core fills."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui_kecamatan.core import templates
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.widgets.form import FormMessage

KIND_TITLES = {
    "missing": "Berkas kurang",
    "ready": "Dokumen siap diambil",
    "sent": "Dokumen dikirim (PDF)",
    "notice": "Pemberitahuan data pribadi",
}


class TemplateEditor(TextArea, inherit_bindings=False):
    """A TextArea without its F5-F7 selection keys, which open screens everywhere else."""

    BINDINGS = [binding for binding in TextArea.BINDINGS
                if not any(key.strip() in ("f5", "f6", "f7") for key in binding.key.split(","))]


class TemplatesPane(AdminPane):
    BINDINGS = [
        Binding("ctrl+s", "save", _("Simpan templat")),
        Binding("ctrl+r", "reset", _("Kembalikan bawaan")),
    ]

    saving = reactive(False, bindings=True)
    """A template is being stored: both keys are greyed out until core answers."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.saved: dict[str, str] = {}
        self.drafts: dict[str, str] = {}
        self.kind = templates.TEMPLATE_KINDS[0]

    def compose(self) -> ComposeResult:
        with Horizontal(id="templates-body"):
            yield OptionList(*[Option(_(KIND_TITLES[kind]), id=kind) for kind in templates.TEMPLATE_KINDS],
                             id="templates-kinds")
            yield TemplateEditor(id="templates-editor", soft_wrap=True, show_line_numbers=False)
        placeholders = " · ".join("{" + name + "} " + _(what) for name, what in templates.PLACEHOLDERS.items())
        yield Static(Content.assemble((_("Isian: "), "bold"), placeholders), id="templates-placeholders")
        yield FormMessage(id="templates-message")

    def focus_table(self) -> None:
        self.query_one("#templates-kinds", OptionList).focus()

    # --- loading ---------------------------------------------------------------------------

    def fetch(self) -> dict[str, str]:
        return {kind: templates.get_template(kind) for kind in templates.TEMPLATE_KINDS}

    def show(self, texts: dict[str, str]) -> None:
        for kind, text in texts.items():
            # A text being edited here stays as typed; the others follow what is stored.
            if self.drafts.get(kind, self.saved.get(kind)) == self.saved.get(kind):
                self.drafts[kind] = text
        self.saved = dict(texts)
        self._show_kind(self.kind)
        kinds = self.query_one("#templates-kinds", OptionList)
        if kinds.highlighted is None:
            kinds.highlighted = 0

    def _show_kind(self, kind: str) -> None:
        self.kind = kind
        editor = self.query_one("#templates-editor", TemplateEditor)
        text = self.drafts.get(kind, "")
        if editor.text != text:
            editor.load_text(text)
        editor.border_title = _(KIND_TITLES[kind])
        self._show_state()

    def _show_state(self) -> None:
        if self.saving:
            return
        message = self.query_one("#templates-message", FormMessage)
        if self.is_edited(self.kind):
            message.show(_("Belum disimpan: Ctrl+S menyimpan, Ctrl+R mengembalikan teks bawaan."), "busy")
        else:
            message.show(_("Tersimpan. Pilih templat di kiri, ubah teksnya di kanan."))

    def is_edited(self, kind: str) -> bool:
        return kind in self.drafts and kind in self.saved and self.drafts[kind] != self.saved[kind]

    def has_unsaved_changes(self) -> bool:
        return any(self.is_edited(kind) for kind in self.drafts)

    # --- events ----------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#templates-kinds")
    def _kind_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.kind:
            self._show_kind(event.option.id)

    @on(OptionList.OptionSelected, "#templates-kinds")
    def _kind_selected(self) -> None:
        self.query_one("#templates-editor", TemplateEditor).focus()

    @on(TextArea.Changed, "#templates-editor")
    def _edited(self, event: TextArea.Changed) -> None:
        if self.saved:
            self.drafts[self.kind] = event.text_area.text
            self._show_state()
            self.screen.refresh_bindings()

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return None if self.saving or not self.is_edited(self.kind) else True
        if action == "reset":
            return None if self.saving else True
        return True

    @work(group="change")
    async def action_save(self) -> None:
        kind = self.kind
        if not self.is_edited(kind):
            return  # a second Ctrl+S, queued behind the save that stored this text
        text = self.drafts.get(kind, "")
        await self._store(kind, _("Templat \"{title}\" disimpan."), templates.set_template, text)

    @work(group="change")
    async def action_reset(self) -> None:
        kind = self.kind
        question = _("Kembalikan templat \"{title}\" ke teks bawaan? Teks yang sekarang hilang.").format(
            title=_(KIND_TITLES[kind]))
        if await self.confirm(question):
            await self._store(kind, _("Templat \"{title}\" dikembalikan ke teks bawaan."), templates.reset_template)

    async def _store(self, kind: str, done: str, change, *text: str) -> None:
        """Store a template through core; core's refusal stays under the editor."""
        message = self.query_one("#templates-message", FormMessage)
        self.saving = True
        message.show(_("menyimpan..."), "busy")
        try:
            stored = await self.db(change, self.actor, kind, *text)
        except AppError as exc:
            self.saving = False
            message.show(str(exc), "error")
            return
        self.saving = False
        if self.taken_down:
            return
        self.saved[kind] = stored
        self.drafts[kind] = stored
        if kind == self.kind:
            self._show_kind(kind)
        title = _(KIND_TITLES[kind])
        message.show(done.format(title=title))
        self.notify(done.format(title=title), markup=False)
