"""The requirement checklist of one request (daftar periksa berkas): the items copied at intake,
ticked with the keyboard, a note per item, saved through core, which decides "Berkas lengkap" or
"Berkas kurang"; a shortfall offers to contact the citizen. Opened right after intake, its first
save offers the request's receipt, which then tells what the citizen brought."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from tui_kecamatan.core import request_labels, requests
from tui_kecamatan.core.requests import ItemInfo, RequestDetail, RequestInfo
from tui_kecamatan.core.text import NOTE_MAX, clean_note
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.screens.requests.contact import CitizenContact
from tui_kecamatan.screens.requests.print_choice import DocumentPrinting
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.prompt import TextPrompt

CHECKED_BOX = "[x]"
EMPTY_BOX = "[ ]"


@dataclass(frozen=True)
class Line:
    """One requirement as the screen holds it until it is saved."""

    id: int
    text: str
    mandatory: bool
    checked: bool
    note: str

    @classmethod
    def of(cls, item: ItemInfo) -> Line:
        return cls(item.id, item.text, item.mandatory, item.checked, item.note)


def missing_summary(lines: list[Line] | tuple[ItemInfo, ...]) -> str:
    """"1. KTP-el pemohon; 2. Fotokopi KK" for the unchecked mandatory items."""
    missing = [line for line in lines if line.mandatory and not line.checked]
    return "; ".join(f"{number}. {line.text}" for number, line in enumerate(missing, 1))


class ChecklistRow(Horizontal):
    """A requirement: the box, the text (wrapped, with its note under it) and the "wajib" mark."""

    DEFAULT_CSS = """
    ChecklistRow {
        height: auto;
        width: 1fr;
        padding: 0 1 0 0;
    }
    ChecklistRow > .box {
        width: 5;
        padding-left: 1;
        color: $text-muted;
    }
    ChecklistRow.-checked > .box {
        color: $success;
        text-style: bold;
    }
    ChecklistRow > Vertical {
        width: 1fr;
        height: auto;
    }
    ChecklistRow .note {
        color: $text-muted;
        text-style: italic;
    }
    ChecklistRow > .mandatory {
        width: 6;
        margin-left: 1;
        color: $warning;
    }
    ChecklistRow.-checked > .mandatory {
        color: $text-muted;
    }
    ChecklistRow.-cursor {
        background: $block-cursor-blurred-background;
    }
    ChecklistView:focus ChecklistRow.-cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    ChecklistView:focus ChecklistRow.-cursor > .box, ChecklistView:focus ChecklistRow.-cursor > .mandatory,
    ChecklistView:focus ChecklistRow.-cursor .note {
        color: $block-cursor-foreground;
    }
    """

    def __init__(self, line: Line, index: int) -> None:
        super().__init__()
        self.line = line
        self.index = index

    def compose(self) -> ComposeResult:
        yield Static("", classes="box", markup=False)
        with Vertical():
            yield Static(Content(self.line.text), classes="text")
            yield Static("", classes="note")
        yield Static(_("wajib") if self.line.mandatory else "", classes="mandatory", markup=False)

    def on_mount(self) -> None:
        self.show(self.line)

    def show(self, line: Line) -> None:
        self.line = line
        self.set_class(line.checked, "-checked")
        self.query_one(".box", Static).update(Content(CHECKED_BOX if line.checked else EMPTY_BOX))
        note = self.query_one(".note", Static)
        note.update(Content.assemble(_("catatan: "), line.note) if line.note else "")
        note.display = bool(line.note)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(ChecklistView.RowClicked(self.index))


class ChecklistView(VerticalScroll, can_focus=True):
    """The requirements of a request as a keyboard checklist: up/down move, space ticks.

    The view holds the unsaved state (`lines`); it posts `Changed` after every tick or note so
    the screen can update its summary. `read_only` keeps the lines as they are.
    """

    DEFAULT_CSS = """
    ChecklistView {
        height: auto;
        max-height: 1fr;
        border: $frame $primary;
        border-title-color: $primary;
        border-title-style: bold;
    }
    ChecklistView:focus {
        border: $frame $accent;
    }
    """

    BINDINGS = [
        Binding("space", "toggle", _("Centang/hapus centang"), id="toggle"),
        Binding("enter", "toggle", _("Centang/hapus centang"), show=False),
        Binding("up", "move(-1)", _("Butir sebelumnya"), show=False),
        Binding("down", "move(1)", _("Butir berikutnya"), show=False),
        Binding("home", "jump(0)", _("Butir pertama"), show=False),
        Binding("end", "jump(-1)", _("Butir terakhir"), show=False),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class Changed(Message):
        """A line was ticked, unticked or given a note."""

    class RowClicked(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []
        self.read_only = False

    def set_lines(self, lines: list[Line], *, read_only: bool = False) -> None:
        """Show `lines` (replacing what is shown), keeping the cursor where it was if it can."""
        rows = self._rows()
        self.lines = list(lines)
        self.read_only = read_only
        if [row.line.id for row in rows] == [line.id for line in self.lines]:
            # The same requirements (a reload after saving): update the rows in place, so the
            # list neither flickers nor loses its scroll position.
            for row, line in zip(rows, self.lines):
                row.show(line)
        else:
            self.remove_children()
            self.mount_all([ChecklistRow(line, index) for index, line in enumerate(self.lines)])
        self.cursor = min(self.cursor, max(0, len(self.lines) - 1))
        self.call_after_refresh(self._show_cursor)

    @property
    def current(self) -> Line | None:
        return self.lines[self.cursor] if self.lines else None

    def _rows(self) -> list[ChecklistRow]:
        return list(self.query_children(ChecklistRow))

    def _show_cursor(self) -> None:
        rows = self._rows()
        for row in rows:
            row.set_class(row.index == self.cursor, "-cursor")
        if 0 <= self.cursor < len(rows):
            self.scroll_to_widget(rows[self.cursor], animate=False)

    def watch_cursor(self) -> None:
        self._show_cursor()

    def update_line(self, index: int, line: Line) -> None:
        self.lines[index] = line
        rows = self._rows()
        if index < len(rows):
            rows[index].show(line)
        self.post_message(self.Changed())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle":
            return None if self.read_only or not self.lines else True
        return True

    def action_toggle(self) -> None:
        line = self.current
        if line is None or self.read_only:
            return
        self.update_line(self.cursor, replace(line, checked=not line.checked))

    def action_move(self, step: int) -> None:
        if self.lines:
            self.cursor = max(0, min(len(self.lines) - 1, self.cursor + step))

    def action_jump(self, index: int) -> None:
        if self.lines:
            self.cursor = index % len(self.lines)

    @on(RowClicked)
    def _row_clicked(self, message: RowClicked) -> None:
        message.stop()
        self.focus()
        if message.index == self.cursor:
            self.action_toggle()
        else:
            self.cursor = message.index


class ChecklistScreen(DocumentPrinting, CitizenContact, OfficeScreen):
    """The checklist of one request, by id or registration number."""

    CSS_PATH = "checklist.tcss"
    TITLE = _("Daftar periksa berkas")
    AUTO_FOCUS = "#checklist"
    HELP = _("Centang berkas yang dibawa pemohon dengan spasi (panah atas/bawah untuk pindah), "
             "tambahkan catatan dengan e, lalu simpan dengan Ctrl+S. Untuk permohonan yang baru diterima, "
             "tanda terima ditawarkan untuk dicetak setelah disimpan. Bila berkas wajib masih kurang, "
             "program menawarkan pesan WhatsApp untuk pemohon.")
    BINDINGS = [
        Binding("ctrl+s", "save", _("Simpan"), id="save"),
        Binding("e", "note", _("Catatan"), id="note"),
        Binding("h", "contact", _("Hubungi (WhatsApp)"), id="contact"),
        Binding("l", "print_sheet", _("Cetak daftar periksa (A4)"), id="print-sheet"),
    ]
    # Saves go to core one after another, in the order they were asked for.
    ORDERED_GROUPS = frozenset({"save"})

    saving: reactive[bool] = reactive(False, bindings=True)
    """The checklist is on its way to core: saving and notes are greyed out meanwhile."""

    def __init__(self, request_ref: int | str, *, offer_receipt: bool = False) -> None:
        """`offer_receipt`: right after intake, the first save offers to print the receipt."""
        super().__init__()
        self.request_ref = request_ref
        self.detail: RequestDetail | None = None
        self.saved: dict[int, tuple[bool, str]] = {}
        self.offer_receipt = offer_receipt

    def compose(self) -> ComposeResult:
        yield Static("", id="checklist-title")
        yield Static("", id="checklist-applicant")
        yield ChecklistView(id="checklist")
        yield Static("", id="checklist-summary")
        yield Static("", id="checklist-message")
        yield KeyBar()

    # --- loading ---------------------------------------------------------------------------

    @work(group="load", exclusive=True)
    async def refresh_data(self) -> None:
        detail = await self.db(requests.get_request, self.request_ref, self.app.actor)
        first = self.detail is None
        self.detail = detail
        info = detail.request
        self.request_ref = info.reg_no
        self.query_one("#checklist-title", Static).update(Content.assemble(
            (_("Daftar periksa berkas"), "bold $primary"), " - ", (info.reg_no, "bold"), " ", info.service_name))
        self.query_one("#checklist-applicant", Static).update(Content.assemble(
            _("Pemohon: "), (info.name, "bold"), "  ", _("NIK "), info.nik_masked, "  ", _("Status: "),
            (info.status_label, "bold")))
        view = self.query_one(ChecklistView)
        view.border_title = _("Persyaratan")
        editable = request_labels.RequestAction.CHECKLIST.value in detail.allowed_actions
        if first or not self.has_unsaved_changes():
            self.saved = {item.id: (item.checked, item.note) for item in detail.items}
            view.set_lines([Line.of(item) for item in detail.items], read_only=not editable)
        else:
            view.read_only = not editable
        if not editable:
            self._say(_("Permohonan berstatus {status}; daftar periksa hanya dapat dilihat.").format(
                status=info.status_label), "warning")
        self._show_summary()
        self.refresh_bindings()

    # --- state -----------------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        view = self.query_one(ChecklistView)
        return any(self.saved.get(line.id) != (line.checked, line.note) for line in view.lines)

    def _say(self, text: str | Content, kind: str = "") -> None:
        message = self.query_one("#checklist-message", Static)
        message.set_class(kind == "error", "-error")
        message.set_class(kind == "warning", "-warning")
        message.set_class(kind == "ok", "-ok")
        message.update(Content(text) if isinstance(text, str) else text)

    def _show_summary(self) -> None:
        lines = self.query_one(ChecklistView).lines
        mandatory = [line for line in lines if line.mandatory]
        done = sum(1 for line in mandatory if line.checked)
        parts = [Content(_("Berkas wajib {done}/{total} dicentang.").format(done=done, total=len(mandatory)))]
        missing = missing_summary(lines)
        if missing:
            parts.append(Content.assemble(" ", (_("Kurang: "), "bold $warning"), missing))
        else:
            parts.append(Content.styled(" " + _("Berkas lengkap."), "bold $success"))
        if self.has_unsaved_changes():
            parts.append(Content.styled(" " + _("(belum disimpan)"), "italic dim"))
        self.query_one("#checklist-summary", Static).update(Content.assemble(*parts))

    @on(ChecklistView.Changed)
    def _changed(self) -> None:
        self._show_summary()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = self.detail.allowed_actions if self.detail else ()
        if action in ("save", "note"):
            return True if request_labels.RequestAction.CHECKLIST.value in allowed and not self.saving else None
        if action == "contact":
            return True if self.detail is not None and self.contact_kind(self.detail, self.app.actor) == "missing" else None
        if action == "print_sheet":
            return True if self.detail is not None else None
        return super().check_action(action, parameters)

    # --- actions ---------------------------------------------------------------------------

    @work(group="note", exclusive=True)
    async def action_note(self) -> None:
        view = self.query_one(ChecklistView)
        line, index = view.current, view.cursor
        if line is None or view.read_only:
            return
        note = await self.app.push_screen_wait(TextPrompt(
            _("Catatan"), line.text, value=line.note, required=False, max_length=NOTE_MAX,
            placeholder=_("mis. dibawa besok, fotokopi kurang jelas")))
        if note is not None and index < len(view.lines) and view.lines[index].id == line.id:
            view.update_line(index, replace(view.lines[index], note=clean_note(note)))
        view.focus()

    def action_save(self) -> None:
        if self.saving or self.detail is None:
            return
        lines = list(self.query_one(ChecklistView).lines)
        self.saving = True
        self._say(_("menyimpan..."), "warning")
        self._save(self.detail.request.id, lines)

    @work(group="save")
    async def _save(self, request_id: int, lines: list[Line]) -> None:
        entries = [(line.id, line.checked, line.note) for line in lines]
        try:
            info: RequestInfo = await self.db(requests.save_checklist, self.app.actor, request_id, entries)
        except AppError as exc:
            self._say(str(exc), "error")
            return
        finally:
            self.saving = False
        self.saved = {line.id: (line.checked, line.note) for line in lines}
        missing = [line for line in lines if line.mandatory and not line.checked]
        if info.status == request_labels.RequestStatus.COMPLETE.value:
            self._say(Content.assemble((_("Tersimpan: "), "bold"), (info.status_label, "bold $success"), ". ",
                                       _("Permohonan dapat diproses.")), "ok")
        else:
            self._say(Content.assemble((_("Tersimpan: "), "bold"), (info.status_label, "bold $warning"), ": ",
                                       str(len(missing)), " ", _("berkas wajib kurang.")), "warning")
        self._show_summary()
        self.refresh_data()
        receipt, self.offer_receipt = self.offer_receipt, False  # offered once, at the first save
        incomplete = info.status == request_labels.RequestStatus.INCOMPLETE.value
        if receipt or incomplete:
            self._after_save(info, len(missing) if incomplete else 0, receipt)

    @work(group="offer", exclusive=True)
    async def _after_save(self, info: RequestInfo, missing: int, receipt: bool) -> None:
        """The receipt (right after intake), then, for missing documents, the message."""
        if receipt:
            headline = Content.assemble(_("No. registrasi: "), (info.reg_no, "bold"))
            question = _("Daftar periksa permohonan {service} atas nama {name} tersimpan: {status}. "
                         "Cetak tanda terima?").format(service=info.service_name, name=info.name,
                                                       status=info.status_label)
            media = await self.choose_media(question, title=_("Cetak tanda terima"), headline=headline)
            if media:
                await self.print_document("receipt", info.reg_no, media)
        if missing:
            await self._offer_contact(info, missing)

    async def _offer_contact(self, info: RequestInfo, missing: int) -> None:
        if not info.phone:
            self._say(_("{n} berkas wajib kurang. Pemohon tidak mencantumkan nomor HP/WA; hubungi lewat telepon "
                        "atau sampaikan saat pemohon datang.").format(n=missing), "warning")
            return
        question = _("{n} berkas wajib kurang. Hubungi pemohon lewat WhatsApp?").format(n=missing)
        if await self.app.push_screen_wait(ConfirmScreen(question, title=_("Berkas kurang"))):
            await self.contact_citizen(info.id, "missing", applicant=info.name)

    @work(group="contact")
    async def action_contact(self) -> None:
        if self.detail is None:
            return
        if self.has_unsaved_changes():
            self._say(_("Simpan daftar periksa dulu (Ctrl+S) agar pesan memuat berkas yang benar-benar kurang."),
                      "warning")
            return
        info = self.detail.request
        await self.contact_citizen(info.id, "missing", applicant=info.name)

    @work(group="print")
    async def action_print_sheet(self) -> None:
        if self.detail is None:
            return
        if self.has_unsaved_changes():
            self._say(_("Simpan daftar periksa dulu (Ctrl+S) agar lembar yang dicetak sesuai."), "warning")
            return
        await self.print_document("checklist", self.detail.request.id)
