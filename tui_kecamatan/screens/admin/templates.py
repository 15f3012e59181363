"""The message-templates section of the admin screen: the three texts sent to citizens by
WhatsApp (requirements missing, document ready, document sent), with the placeholders core fills."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui_kecamatan.core import services
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.widgets.form import FormMessage

KIND_TITLES = {
    "missing": "Berkas kurang",
    "ready": "Dokumen siap diambil",
    "sent": "Dokumen dikirim (PDF)",
}


class TemplateEditor(TextArea, inherit_bindings=False):
    """A TextArea without its F5-F7 selection keys, which open screens everywhere else."""

    BINDINGS = [binding for binding in TextArea.BINDINGS
                if not any(key.strip() in ("f5", "f6", "f7") for key in binding.key.split(","))]


def load_templates() -> dict[str, str]:
    return {kind: services.get_template(kind) for kind in services.TEMPLATE_KINDS}


class TemplatesPane(AdminPane):
    BINDINGS = [
        Binding("ctrl+s", "save", _("Simpan templat")),
        Binding("ctrl+r", "reset", _("Kembalikan bawaan")),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.saved: dict[str, str] = {}
        self.drafts: dict[str, str] = {}
        self.kind = services.TEMPLATE_KINDS[0]
        self.saving = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="templates-body"):
            yield OptionList(*[Option(_(KIND_TITLES[kind]), id=kind) for kind in services.TEMPLATE_KINDS],
                             id="templates-kinds")
            yield TemplateEditor(id="templates-editor", soft_wrap=True, show_line_numbers=False)
        placeholders = " · ".join("{" + name + "} " + _(what) for name, what in services.PLACEHOLDERS.items())
        yield Static(Content.assemble((_("Isian: "), "bold"), placeholders), id="templates-placeholders")
        yield FormMessage(id="templates-message")

    def focus_table(self) -> None:
        self.query_one("#templates-kinds", OptionList).focus()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.run_db(load_templates, then=self._loaded, group="admin-templates", exclusive=True)

    def _loaded(self, texts: dict[str, str]) -> None:
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

    def action_save(self) -> None:
        kind = self.kind
        text = self.drafts.get(kind, "")
        self._store(services.set_template, kind, text, _("Templat \"{title}\" disimpan."))

    def action_reset(self) -> None:
        from tui_kecamatan.widgets.confirm import ConfirmScreen

        kind = self.kind
        question = _("Kembalikan templat \"{title}\" ke teks bawaan? Teks yang sekarang hilang.").format(
            title=_(KIND_TITLES[kind]))
        self.app.push_screen(ConfirmScreen(question, default=False),
                             callback=lambda yes: self._store(services.reset_template, kind, None,
                                                              _("Templat \"{title}\" dikembalikan ke teks bawaan."))
                             if yes else None)

    def _store(self, func, kind: str, text: str | None, done: str) -> None:
        self.saving = True
        self.query_one("#templates-message", FormMessage).show(_("menyimpan..."), "busy")
        args = (self.actor, kind) if text is None else (self.actor, kind, text)
        self.screen.run_db(func, *args, then=lambda stored: self._stored(kind, stored, done),
                           failed=self._refused, group="admin-template-save")

    def _stored(self, kind: str, stored: str, done: str) -> None:
        self.saving = False
        self.saved[kind] = stored
        self.drafts[kind] = stored
        if kind == self.kind:
            self._show_kind(kind)
        title = _(KIND_TITLES[kind])
        self.query_one("#templates-message", FormMessage).show(done.format(title=title))
        self.notify(done.format(title=title), markup=False)
        self.screen.refresh_bindings()

    def _refused(self, exc: AppError) -> None:
        self.saving = False
        self.query_one("#templates-message", FormMessage).show(str(exc), "error")
        self.screen.refresh_bindings()
