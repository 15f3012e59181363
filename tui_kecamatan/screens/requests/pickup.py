"""Handing over finished documents (F5): the registration number scanned or typed, the request
and whether it can be collected, who collects it, then the pickup recorded and its proof printed;
or the PDF sent by WhatsApp instead (Dikirim elektronik)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, Label, RadioSet, Static

from printing.text import format_date_short, format_datetime
from tui_kecamatan.core import clock, documents, messages, pickup, printjobs, validation
from tui_kecamatan.core.messages import ContactDraft
from tui_kecamatan.core.pickup import COLLECTOR_LABELS, PickupInfo, PickupView
from tui_kecamatan.core.text import clean_name, clean_text, mask_nik
from tui_kecamatan.errors import AppError, InvalidInput
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.screens.requests.contact import ContactScreen
from tui_kecamatan.widgets.choice import RadioButton
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.form import CoreCheck, FormMessage, field_is_right
from tui_kecamatan.widgets.keybar import KeyBar

KINDS = ("self", "family", "proxy")
MEDIA_LABELS = {"receipt": "printer struk", "a4": "printer A4"}
# The collector as the middle of a sentence ("... kepada Budi (kuasa dengan surat kuasa)").
KIND_PHRASES = {"self": "pemohon sendiri", "family": "keluarga dalam KK", "proxy": "kuasa dengan surat kuasa",
                "electronic": "dikirim elektronik"}


def typed_reg_no(value: str) -> str:
    """A registration number as typed or scanned: cleaned, spaces dropped."""
    return clean_text(value, 40).replace(" ", "")


def ready_line(view: PickupView) -> Content:
    """"Siap diambil sejak Rabu, 2 Desember 2026 10:15 WIB", or the refusal sentence."""
    if not view.can_collect:
        line = Content.styled(view.refusal, "bold $error")
        if view.pickup is None and view.due_date is not None and view.status in ("received", "incomplete", "complete", "processing"):
            target = _("Target selesai {day}.").format(day=format_date_short(view.due_date))
            line = Content.assemble(line, " ", (target, "dim"))
        return line
    if view.ready_at is not None:
        when = format_datetime(view.ready_at, clock.zone_abbreviation())
        return Content.styled(_("Siap diambil sejak {when}").format(when=when), "bold $success")
    return Content.styled(_("Siap diambil"), "bold $success")


@dataclass(frozen=True)
class Collector:
    """Who collects, as checked on screen before core checks it again."""

    kind: str
    name: str
    nik: str


@dataclass(frozen=True)
class HandedOver:
    info: PickupInfo
    job_id: int | None
    error: str  # why the proof could not be recorded, "" when it was


def hand_over(actor, reg_no: str, collector: Collector, media: str) -> HandedOver:
    """Record the pickup, then the print job of its proof (each its own transaction)."""
    info = pickup.confirm_pickup(actor, reg_no, collector_kind=collector.kind,
                                 collector_name=collector.name, collector_nik=collector.nik)
    try:
        job_id = documents.pickup_proof(actor, info.reg_no, media)
    except AppError as exc:
        # The document is handed over already; a proof that could not be recorded is printed
        # again from this screen (ctrl+r), so the pickup is not reported as failed.
        return HandedOver(info, None, str(exc))
    return HandedOver(info, job_id, "")


def reprint_proof(actor, reg_no: str, media: str) -> int:
    return documents.pickup_proof(actor, reg_no, media)


class PickupScreen(OfficeScreen):
    CSS_PATH = "pickup.tcss"
    SCREEN_NAME = "pickup"
    TITLE = _("Pengambilan dokumen")
    AUTO_FOCUS = "#pickup-reg"
    HELP = _("Pindai barcode pada tanda terima (atau ketik nomor registrasi, bagian hariannya seperti "
             "0045, atau sebagian No. HP/NIK) lalu Enter. Bila dokumen "
             "siap, pilih pengambil: pemohon sendiri, keluarga dalam KK, atau kuasa dengan surat kuasa "
             "(isi nama dan NIK). Enter atau Ctrl+S mencatat pengambilan dan mencetak bukti "
             "pengambilan; Ctrl+T memilih printer struk atau A4. F7 mengirim dokumen lewat WhatsApp "
             "sebagai PDF. Ctrl+R mencetak ulang bukti dokumen yang sudah diambil.")
    BINDINGS = [
        # A priority binding, so Enter in the number field shows in the footer and a scanner's
        # Enter is handled the same way wherever the focus is among the fields.
        Binding("enter", "enter", _("Konfirmasi & cetak bukti"), id="confirm", priority=True,
                key_display="enter"),
        Binding("ctrl+s", "confirm", _("Konfirmasi & cetak bukti"), show=False),
        Binding("ctrl+t", "toggle_media", _("Struk/A4"), id="media"),
        Binding("f7", "deliver", _("Dikirim elektronik"), id="deliver"),
        Binding("ctrl+r", "reprint", _("Cetak ulang bukti"), id="reprint"),
    ]
    # The fields where Enter means "go on": look up, next field, confirm.
    FIELDS = ("pickup-reg", "pickup-name-input", "pickup-nik-input")

    busy: reactive[bool] = reactive(False, bindings=True)
    """A pickup or delivery is being recorded: the keys that change something are greyed out."""

    def __init__(self, reg_no: str | None = None) -> None:
        super().__init__()
        self.initial_reg_no = reg_no or ""
        self.view: PickupView | None = None
        self.media = "receipt"
        self.looking_up = ""
        self._confirming = False  # the confirmation question is open (or about to be)

    def compose(self) -> ComposeResult:
        yield Static(_("Pengambilan dokumen"), id="pickup-title", markup=False)
        with Horizontal(id="pickup-reg-row"):
            yield Label(_("No. registrasi"), classes="pickup-label")
            yield Input(self.initial_reg_no, id="pickup-reg", max_length=40, compact=True)
            yield Static(_("pindai atau ketik, lalu Enter"), id="pickup-reg-hint", markup=False)
        with Vertical(id="pickup-request", classes="panel") as panel:
            panel.border_title = _("Permohonan")
            yield Static("", id="pickup-name", markup=False)
            yield Static("", id="pickup-details", markup=False)
            yield Static("", id="pickup-state", markup=False)
        with Vertical(id="pickup-collector", classes="panel") as panel:
            panel.border_title = _("Pengambil")
            with RadioSet(id="pickup-kind", compact=True):
                for index, kind in enumerate(KINDS):
                    yield RadioButton(COLLECTOR_LABELS[kind], value=index == 0, id=f"kind-{kind}", compact=True)
            with Horizontal(id="pickup-person"):
                yield Label(_("Nama"), classes="pickup-label")
                yield Input(id="pickup-name-input", max_length=120, compact=True)
                yield Label(_("NIK"), classes="pickup-label-mid")
                yield Input(id="pickup-nik-input", max_length=24, compact=True,
                            validators=[CoreCheck(validation.validate_nik)])
            yield FormMessage(id="pickup-note")
        yield Static("", id="pickup-media", markup=False)
        yield Static("", id="pickup-outcome", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_view()
        self._show_media()
        if self.initial_reg_no:
            self.look_up(self.initial_reg_no)

    # --- state helpers ---------------------------------------------------------------------

    @property
    def kind(self) -> str:
        pressed = self.query_one("#pickup-kind", RadioSet).pressed_button
        return pressed.id.removeprefix("kind-") if pressed is not None and pressed.id else "self"

    def _reg_input(self) -> Input:
        return self.query_one("#pickup-reg", Input)

    def _loaded_matches_input(self) -> bool:
        return self.view is not None and typed_reg_no(self._reg_input().value) == self.view.reg_no

    def has_unsaved_changes(self) -> bool:
        if self.view is None or not self.view.can_collect:
            return False
        return any(self.query_one(selector, Input).value.strip() for selector in ("#pickup-name-input", "#pickup-nik-input"))

    # --- looking up ------------------------------------------------------------------------

    def look_up(self, value: str, *, quiet: bool = False) -> None:
        reg_no = typed_reg_no(value)
        if not reg_no:
            self._outcome(_("Ketik atau pindai nomor registrasi."), "error")
            return
        self.looking_up = reg_no
        if not quiet:
            self.query_one("#pickup-state", Static).update(Content.styled(_("mencari..."), "$warning"))
        self._look_up(reg_no, quiet)

    @work(group="lookup", exclusive=True)
    async def _look_up(self, reg_no: str, quiet: bool) -> None:
        try:
            view = await self.db(pickup.find_for_pickup, reg_no)
        except AppError as exc:
            self._not_found(reg_no, exc)  # the sentence stands where the request would
            return
        self._found(reg_no, view, quiet=quiet)

    def _found(self, reg_no: str, view: PickupView, *, quiet: bool = False) -> None:
        if self.looking_up == reg_no:
            self.looking_up = ""
        if typed_reg_no(self._reg_input().value) != reg_no:
            return  # the field changed meanwhile (a new scan, or the screen was reset)
        if view.reg_no != reg_no:
            # Found by a part of the number: the field shows the whole one, so Enter confirms it.
            self._reg_input().value = view.reg_no
        changed = self.view is None or self.view.reg_no != view.reg_no
        self.view = view
        if changed:
            self._reset_collector()
        self._show_view()
        if not quiet:
            # The next scan replaces the number instead of being appended to it.
            self._reg_input().select_all()
        self.refresh_bindings()

    def _not_found(self, reg_no: str, exc: AppError) -> None:
        if self.looking_up == reg_no:
            self.looking_up = ""
        if typed_reg_no(self._reg_input().value) != reg_no:
            return
        self.view = None
        self._show_view()
        self.query_one("#pickup-state", Static).update(Content.styled(str(exc), "bold $error"))
        self._reg_input().select_all()
        self.refresh_bindings()

    def refresh_data(self) -> None:
        # Another desk may have handed the document over meanwhile: show it as it is now.
        if self.view is not None and not self.busy and self._loaded_matches_input():
            self.look_up(self.view.reg_no, quiet=True)

    # --- showing ---------------------------------------------------------------------------

    def _show_view(self) -> None:
        view = self.view
        name = self.query_one("#pickup-name", Static)
        details = self.query_one("#pickup-details", Static)
        state = self.query_one("#pickup-state", Static)
        if view is None:
            name.update(Content.styled(_("Belum ada permohonan."), "dim"))
            details.update(Content.styled(
                _("Pindai barcode tanda terima atau ketik nomor registrasi, lalu Enter."), "dim"))
            state.update("")
        else:
            name.update(Content.assemble((clean_name(view.name), "bold"), ("  " + view.reg_no, "dim")))
            parts = [_("NIK {nik}").format(nik=view.nik_masked), "  ", clean_text(view.service_name, 80)]
            if view.kk_masked:
                parts += ["  ", _("No. KK {kk}").format(kk=view.kk_masked)]
            details.update(Content.assemble(*parts))
            state.update(ready_line(view))
        collect = view is not None and view.can_collect and not self.busy
        self.query_one("#pickup-collector").disabled = not collect
        self._show_person_fields()

    def _show_person_fields(self) -> None:
        kind = self.kind
        needs_person = kind != "self"
        for selector in ("#pickup-name-input", "#pickup-nik-input"):
            self.query_one(selector, Input).disabled = not needs_person
        self.query_one("#pickup-person").set_class(not needs_person, "-inactive")
        self._show_note()

    def _show_note(self, problem: str = "", field: Input | None = None) -> None:
        """The line under the collector: a problem with what was typed (until that field is
        right), or what to check."""
        note = self.query_one("#pickup-note", FormMessage)
        view = self.view
        if problem:
            note.show(problem, "error", field=field)
            return
        subject = note.subject
        if subject is not None and not subject.disabled and not field_is_right(subject):
            return  # the problem stays until its field is right
        if view is None or not view.can_collect:
            note.clear()
            return
        kind = self.kind
        nik_field = self.query_one("#pickup-nik-input", Input)
        nik_text = nik_field.value.strip()
        if kind != "self" and nik_text:
            try:
                info = validation.validate_nik(nik_text)
            except InvalidInput as exc:
                note.show(Content.styled(str(exc), "$warning"))
                return
            sex = _("perempuan") if info.female else _("laki-laki")
            born = info.birth_date.strftime("%d-%m-%Y") if info.birth_date else "?"
            checked = Content.styled("✓ " + _("NIK {sex}, lahir {born}").format(sex=sex, born=born), "$success")
            reminder = self._reminder(kind, view)
            note.show(Content.assemble(checked, "  ", (reminder, "dim")) if reminder else checked)
            return
        note.show(Content.styled(self._reminder(kind, view), "dim"))

    @staticmethod
    def _reminder(kind: str, view: PickupView) -> str:
        if kind == "proxy":
            return _("Surat kuasa asli wajib diterima dan disimpan bersama berkas permohonan.")
        if kind == "family":
            if view.kk_masked:
                return _("Cocokkan pengambil dengan KK pemohon (No. KK {kk}).").format(kk=view.kk_masked)
            return _("Cocokkan pengambil dengan KK pemohon.")
        return _("Dokumen diserahkan kepada pemohon sendiri; cocokkan wajah dengan KTP-el.")

    def _show_media(self) -> None:
        label = _(MEDIA_LABELS[self.media])
        line = Content.assemble(_("Bukti pengambilan dicetak di "), (label, "bold"))
        printer = "a4" if self.media == "a4" else "receipt"
        if printer not in self.app.config.printers:
            line = Content.assemble(line, (" - " + _("belum diatur di konfigurasi"), "$warning"))
        self.query_one("#pickup-media", Static).update(line)

    def _outcome(self, text: str, kind: str = "info") -> None:
        style = {"error": "bold $error", "ok": "$success", "busy": "$warning", "info": ""}[kind]
        widget = self.query_one("#pickup-outcome", Static)
        widget.update(Content.styled(text, style) if style else Content(text))

    def _reset_collector(self) -> None:
        self.query_one("#kind-self", RadioButton).value = True
        for selector in ("#pickup-name-input", "#pickup-nik-input"):
            self.query_one(selector, Input).value = ""

    def _reset(self) -> None:
        """Ready for the next scan: the number field empty and focused."""
        self.view = None
        self._reset_collector()
        reg_input = self._reg_input()
        reg_input.value = ""
        self._show_view()
        reg_input.focus()
        self.refresh_bindings()

    # --- events ----------------------------------------------------------------------------

    def action_enter(self) -> None:
        """Enter in the number field looks the number up, or confirms the request it shows;
        in the name field it moves on to the NIK; in the NIK field it confirms.

        A barcode scanner types the number and Enter in one burst: this priority binding runs
        before the field has taken the keys queued ahead of the Enter, so the work waits in the
        field's own queue, behind those keys.
        """
        if self.focused is not None:
            self.focused.call_later(self._enter_now)
        else:
            self._enter_now()

    def _enter_now(self) -> None:
        focused = self.focused.id if self.focused is not None else None
        if self.busy:
            return
        if self.looking_up and self.looking_up == typed_reg_no(self._reg_input().value):
            return  # a second Enter while this number is still being looked up
        if focused == "pickup-name-input":
            self.query_one("#pickup-nik-input", Input).focus()
        elif focused == "pickup-nik-input":
            self.action_confirm()
        elif self._loaded_matches_input() and self.view is not None and self.view.can_collect:
            self.action_confirm()
        else:
            self.look_up(self._reg_input().value)

    @on(Input.Changed, "#pickup-reg")
    def _reg_changed(self) -> None:
        self.refresh_bindings()

    @on(Input.Changed, "#pickup-name-input")
    @on(Input.Changed, "#pickup-nik-input")
    def _person_changed(self) -> None:
        self._show_note()

    @on(RadioSet.Changed, "#pickup-kind")
    def _kind_changed(self) -> None:
        self._show_person_fields()
        if self.kind != "self" and self.view is not None and self.view.can_collect:
            self.query_one("#pickup-name-input", Input).focus()

    # --- confirming ------------------------------------------------------------------------

    def _collector(self) -> Collector | None:
        """The collector on screen, or None after showing what is missing."""
        kind = self.kind
        if kind == "self":
            return Collector("self", "", "")
        name_field = self.query_one("#pickup-name-input", Input)
        nik_field = self.query_one("#pickup-nik-input", Input)
        name = clean_name(name_field.value)
        if not name:
            self._show_note(_("Nama pengambil wajib diisi."), name_field)
            name_field.focus()
            return None
        try:
            nik = validation.validate_nik(nik_field.value).nik
        except InvalidInput as exc:
            self._show_note(str(exc), nik_field)
            nik_field.focus()
            return None
        return Collector(kind, name, nik)

    def _question(self, view: PickupView, collector: Collector) -> str:
        if collector.kind == "self":
            name, how = clean_name(view.name), _(KIND_PHRASES["self"])
        else:
            name = collector.name
            how = _("{kind}, NIK {nik}").format(kind=_(KIND_PHRASES[collector.kind]), nik=mask_nik(collector.nik))
        lines = [
            _("Serahkan dokumen {service} (No. registrasi {reg_no}) kepada:").format(
                service=clean_text(view.service_name, 80), reg_no=view.reg_no),
            "  " + name,
            "  " + how,
            "",
        ]
        if collector.kind == "proxy":
            lines.append(_("Surat kuasa asli sudah diterima dan disimpan."))
        lines.append(_("Bukti pengambilan dicetak di {printer}.").format(printer=_(MEDIA_LABELS[self.media])))
        return "\n".join(lines)

    def action_confirm(self) -> None:
        if self.busy or self._confirming:
            return
        if not self._loaded_matches_input():
            value = self._reg_input().value
            if typed_reg_no(value):
                self.look_up(value)
            else:
                self._outcome(_("Ketik atau pindai nomor registrasi."), "error")
                self._reg_input().focus()
            return
        view = self.view
        assert view is not None
        if not view.can_collect:
            self.show_error(view.refusal)
            return
        collector = self._collector()
        if collector is None:
            return
        self._confirming = True
        self._confirm(view, collector)

    @work(group="pickup")
    async def _confirm(self, view: PickupView, collector: Collector) -> None:
        """Ask, then record the pickup and print its proof."""
        try:
            yes = await self.app.push_screen_wait(ConfirmScreen(self._question(view, collector),
                                                                title=_("Konfirmasi pengambilan")))
        finally:
            self._confirming = False
        if not yes:
            return
        self._start_recording()
        try:
            done: HandedOver = await self.db(hand_over, self.app.actor, view.reg_no, collector, self.media)
        except AppError as exc:
            self._hand_over_failed(exc)
            return
        info = done.info
        summary = _("{reg_no} diserahkan kepada {name} ({kind}).").format(
            reg_no=info.reg_no, name=info.collector_name, kind=_(KIND_PHRASES.get(info.collector_kind, info.collector_kind)))
        self.notify(summary, title=_("Pengambilan tercatat"), markup=False)
        self.busy = False
        self._reset()
        if done.job_id is None:
            self._outcome(summary + " " + done.error, "error")
            self.show_error(done.error)
            return
        await self._print(done.job_id, info.reg_no, summary)

    def _start_recording(self) -> None:
        self.busy = True
        self._show_view()
        self._outcome(_("memproses..."), "busy")

    def _hand_over_failed(self, exc: AppError) -> None:
        self.busy = False
        self._outcome(str(exc), "error")
        self.show_error(exc)
        if self.view is not None:
            self.look_up(self.view.reg_no, quiet=True)
        self._show_view()

    # --- printing --------------------------------------------------------------------------

    async def _print(self, job_id: int, reg_no: str, summary: str = "") -> None:
        """Send the proof's print job and say how it went on the outcome line."""
        prefix = (summary + " ") if summary else ""
        self._outcome(prefix + _("Mencetak bukti pengambilan..."), "busy")
        try:
            outcome: printjobs.PrintOutcome = await self.db(printjobs.send_job, job_id, self.app.config,
                                                            actor=self.app.actor)
        except AppError as exc:
            self._print_failed(str(exc), reg_no, prefix)
            return
        if outcome.ok:
            self._outcome(prefix + outcome.message, "ok")
        else:
            self._print_failed(outcome.message, reg_no, prefix)

    def _print_failed(self, message: str, reg_no: str, prefix: str) -> None:
        how = _("Pengambilan tetap tercatat; cetak ulang: ketik {reg_no}, Enter, lalu Ctrl+R.").format(reg_no=reg_no)
        self._outcome(prefix + message + " " + how, "error")
        self.notify(message + " " + how, severity="error", markup=False, timeout=12)

    def action_toggle_media(self) -> None:
        self.media = "a4" if self.media == "receipt" else "receipt"
        self._show_media()

    def action_reprint(self) -> None:
        view = self.view
        if view is None or view.pickup is None or self.busy:
            return
        self._reprint(view.reg_no, self.media)

    @work(group="print")
    async def _reprint(self, reg_no: str, media: str) -> None:
        self._outcome(_("Mencatat cetak ulang bukti {reg_no}...").format(reg_no=reg_no), "busy")
        job_id = await self.db(reprint_proof, self.app.actor, reg_no, media)
        await self._print(job_id, reg_no)

    # --- electronic delivery ---------------------------------------------------------------

    @work(group="deliver", exclusive=True)
    async def action_deliver(self) -> None:
        view = self.view
        if view is None or not view.can_collect or self.busy:
            return
        if not view.phone:
            self.show_error(_("Permohonan {reg_no} tidak mencantumkan nomor HP/WA pemohon; dokumen tidak dapat dikirim elektronik.").format(
                reg_no=view.reg_no))
            return
        draft: ContactDraft = await self.db(messages.draft, view.reg_no, "sent")
        if not await self.app.push_screen_wait(ContactScreen(draft, clean_name(view.name))):
            return
        self._start_recording()
        try:
            info: PickupInfo = await self.db(pickup.confirm_delivery, self.app.actor, draft.reg_no, draft.text)
        except AppError as exc:
            self._hand_over_failed(exc)
            return
        self.busy = False
        summary = _("{reg_no} dikirim elektronik ke {phone}.").format(reg_no=info.reg_no, phone=draft.phone_display or draft.phone)
        self.notify(summary, title=_("Dikirim elektronik"), markup=False)
        self._reset()
        self._outcome(summary, "ok")

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.view
        if action == "enter":
            focused = self.focused.id if self.focused is not None else None
            if focused not in self.FIELDS:
                return False  # Enter belongs to the collector choice and other widgets
            return None if self.busy else True
        if action == "confirm":
            if self.busy:
                return None
            return True if view is None or not self._loaded_matches_input() or view.can_collect else None
        if action == "deliver":
            return None if self.busy or view is None or not view.can_collect or not view.phone else True
        if action == "reprint":
            if view is None or view.pickup is None or view.pickup.collector_kind == "electronic":
                return False
            return None if self.busy else True
        return super().check_action(action, parameters)
