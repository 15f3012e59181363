"""A new request (permohonan baru, F3): the applicant's numbers checked as they are typed, a NIK seen
before filling in what the office knows, the ticket served at this counter linked, and after saving
the registration number, the receipt and the checklist."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, Label, RadioSet, Select, Static

from printing.text import format_date
from tui_kecamatan.core import clock, drafts, queue_views, requests, services, validation
from tui_kecamatan.core.accounts import Approval, Role
from tui_kecamatan.core.desa import list_desa
from tui_kecamatan.core.tickets import TicketInfo
from tui_kecamatan.core.requests import CitizenInfo, RequestInfo
from tui_kecamatan.core.services import ServiceInfo
from tui_kecamatan.core.text import NAME_MAX, clean_name
from tui_kecamatan.errors import AppError, InvalidInput, NotFound
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.screens.requests.checklist import ChecklistScreen
from tui_kecamatan.screens.requests.detail import RequestDetailScreen
from tui_kecamatan.widgets.approval import ApprovalDialog
from tui_kecamatan.widgets.choice import Checkbox, ChoiceSet, RadioButton
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.form import CoreCheck, FormMessage, FormRow, advance_or_submit, first_failure
from tui_kecamatan.widgets.keybar import KeyBar

OK_MARK = "✓"
CHANNEL_IDS = {"channel-walk-in": "walk_in", "channel-whatsapp": "whatsapp"}
DRAFT_PAUSE = 1.0
"""Seconds of quiet in the typing before the form is kept as a draft (see core.drafts)."""
# The typed fields of the form and their names in a draft.
DRAFT_INPUTS = {"nik": "#intake-nik", "name": "#intake-name", "kk_number": "#intake-kk", "phone": "#intake-phone"}


@dataclass(frozen=True)
class IntakeChoices:
    """What the form offers, read in one worker: services, desa names and this counter's ticket."""

    services: tuple[ServiceInfo, ...]
    desa: tuple[str, ...]
    ticket: TicketInfo | None
    counter_known: bool


def load_choices(counter_number: int | None) -> IntakeChoices:
    ticket, known = None, False
    if counter_number is not None:
        try:
            ticket = queue_views.counter_current(counter_number)
            known = True
        except NotFound:
            known = False  # this station's counter is not set up: the request is taken without it
    return IntakeChoices(
        services=tuple(services.list_services()),
        desa=tuple(desa.name for desa in list_desa()),
        ticket=ticket,
        counter_known=known,
    )


def nik_summary(info: validation.NikInfo) -> str:
    """"✓ perempuan, lahir 15-01-1990" for a valid NIK."""
    sex = _("perempuan") if info.female else _("laki-laki")
    if info.birth_date is None:
        return f"{OK_MARK} {sex}"
    born = f"{info.birth_date.day:02d}-{info.birth_date.month:02d}-{info.birth_date.year:04d}"
    return f"{OK_MARK} " + _("{sex}, lahir {born}").format(sex=sex, born=born)


def phone_summary(value: str) -> str:
    """"✓ +62 812-3456-7890" for a valid number, "" for an empty field; InvalidInput otherwise."""
    e164 = validation.optional_phone(value)
    return f"{OK_MARK} {validation.format_phone(e164)}" if e164 else ""


def _check_name(value: str) -> None:
    if not clean_name(value):
        raise InvalidInput(_("Nama pemohon wajib diisi."))


class IntakeRow(FormRow):
    """A form row with a gap below it and a hint beside the field that shows the check's result
    (and may wrap to a second line)."""

    DEFAULT_CSS = """
    IntakeRow {
        height: auto;
        margin-bottom: 1;
    }
    IntakeRow > Label {
        width: 12;
    }
    IntakeRow > .hint {
        width: 1fr;
        height: auto;
        margin-left: 2;
        color: $text-muted;
    }
    IntakeRow > .hint.-ok {
        color: $success;
    }
    IntakeRow > .hint.-error {
        color: $error;
    }
    IntakeRow > .hint.-warning {
        color: $warning;
    }
    """

    def __init__(self, label: str, field: Input | Select | RadioSet, *, id: str | None = None,
                 hint: bool = True) -> None:
        super().__init__(label, field, id=id)
        self.with_hint = hint

    def compose(self) -> ComposeResult:
        yield from super().compose()
        if self.with_hint:
            yield Static("", classes="hint", markup=False)

    def set_label(self, label: str) -> None:
        self.label = label
        self.query_one(Label).update(label)

    def hint(self, text: str, kind: str = "") -> None:
        widget = self.query_one(".hint", Static)
        for name in ("ok", "error", "warning"):
            widget.set_class(kind == name, f"-{name}")
        widget.update(text)


class IntakeScreen(OfficeScreen):
    CSS_PATH = "intake.tcss"
    SCREEN_NAME = "intake"
    TITLE = _("Permohonan baru")
    AUTO_FOCUS = "#intake-service"
    HELP = _("Pilih layanan, lalu isi NIK, nama, nomor KK (bila layanan memerlukannya), nomor HP/WA "
             "dan desa/kelurahan pemohon. Angka diperiksa saat diketik; NIK yang pernah datang mengisi "
             "data lamanya. Ctrl+S menyimpan dan memberi No. registrasi, lalu daftar periksa berkas "
             "dibuka; setelah daftar periksa disimpan, tanda terima dapat dicetak. Permohonan mendesak "
             "untuk layanan yang ditunda memerlukan alasan dan persetujuan supervisor. Esc kembali ke "
             "layar utama; isian yang belum disimpan tetap ada saat F3 ditekan lagi, dan bila sambungan "
             "terputus, isian itu ditawarkan lagi saat Anda masuk berikutnya.")
    BINDINGS = [
        Binding("ctrl+s", "save", _("Simpan"), id="save"),
        # Enter moves on before the next keys reach a field: a fast typist's or a barcode
        # scanner's text never spills into the field just left.
        Binding("enter", "form_enter", _("Kolom berikutnya"), show=False, priority=True),
    ]
    # Saving runs in this group: one save at a time, in the order they were asked for; so do the
    # draft's writes, so the last one asked for is the one that stays.
    ORDERED_GROUPS = frozenset({"save", "draft"})

    saving: reactive[bool] = reactive(False, bindings=True)
    """The request is on its way to core (and then its receipt question): Ctrl+S is greyed out."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: IntakeChoices | None = None
        self._looked_up = ""
        self._filling: set[str | None] = set()
        self._draft_timer = None
        self._draft_written = False  # a draft of this form is in the database
        self._draft_closed = False  # the form was discarded on leaving: no more drafts
        self._pending_draft: dict | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="intake-header"):
            yield Static(Content.styled(_("Permohonan baru"), "bold $primary"), id="intake-title")
            yield Static("", id="intake-ticket", markup=False)
        with VerticalScroll(id="intake-form"):
            yield IntakeRow(_("Layanan *"), Select[str]([], prompt=_("pilih layanan"), id="intake-service",
                                                         compact=True), id="row-service")
            yield Static("", id="intake-service-note", markup=False)
            yield IntakeRow(_("NIK *"), Input(id="intake-nik", max_length=24, placeholder=_("16 angka"),
                                              compact=True, validators=[CoreCheck(validation.validate_nik)]),
                            id="row-nik")
            yield IntakeRow(_("Nama *"), Input(id="intake-name", max_length=NAME_MAX, compact=True,
                                               validators=[CoreCheck(_check_name)]), id="row-name", hint=False)
            yield IntakeRow(_("No. KK"), Input(id="intake-kk", max_length=24, placeholder=_("16 angka"),
                                               compact=True, validators=[CoreCheck(self._check_kk)]), id="row-kk")
            yield IntakeRow(_("No. HP/WA"), Input(id="intake-phone", max_length=40, placeholder="0812-3456-7890",
                                                  compact=True, validators=[CoreCheck(validation.optional_phone)]),
                            id="row-phone")
            yield IntakeRow(_("Desa/Kel."), Select[str]([], prompt=_("pilih desa/kelurahan"), id="intake-desa",
                                                        compact=True), id="row-desa", hint=False)
            channel = ChoiceSet(RadioButton(_("Loket"), value=True, id="channel-walk-in"),
                               RadioButton(_("WhatsApp"), id="channel-whatsapp"), id="intake-channel", compact=True)
            yield IntakeRow(_("Saluran"), channel, id="row-channel", hint=False)
            with Vertical(id="row-urgent"):
                yield Checkbox(_("Mendesak (layanan ditunda; persetujuan supervisor)"), id="intake-urgent",
                               compact=True)
        yield FormMessage(id="intake-message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#row-urgent").display = False
        self._show_kk_rule(None)
        self.query_one("#row-phone", IntakeRow).hint(_("untuk pesan WhatsApp"))

    # --- loading ---------------------------------------------------------------------------

    @work(group="load", exclusive=True)
    async def refresh_data(self) -> None:
        choices = await self.db(load_choices, self.app.counter_number)
        first = self.choices is None
        self.choices = choices
        ticket_line = self.query_one("#intake-ticket", Static)
        if choices.ticket is not None:
            ticket_line.update(_("tiket: {code} (Loket {n})").format(code=choices.ticket.code, n=self.app.counter_number))
        else:
            ticket_line.update("")
        if not first:
            return
        service_select = self.query_one("#intake-service", Select)
        service_select.set_options([(self._service_prompt(service), service.code) for service in choices.services])
        if choices.ticket is not None and any(s.code == choices.ticket.service_code for s in choices.services):
            service_select.value = choices.ticket.service_code
        desa_select = self.query_one("#intake-desa", Select)
        desa_select.set_options([(Content(name), name) for name in choices.desa])
        if self._pending_draft is not None:
            data, self._pending_draft = self._pending_draft, None
            self._fill_from_draft(data)

    @staticmethod
    def _service_prompt(service: ServiceInfo) -> Content:
        if service.suspended:
            return Content.assemble(service.name, " ", (_("(ditunda)"), "$warning"))
        return Content(service.name)

    def _service(self) -> ServiceInfo | None:
        code = self.query_one("#intake-service", Select).selection
        if self.choices is None or code is None:
            return None
        return next((service for service in self.choices.services if service.code == code), None)

    # --- checks as typed -------------------------------------------------------------------

    @on(Select.Changed, "#intake-service")
    def _service_changed(self) -> None:
        service = self._service()
        row = self.query_one("#row-service", IntakeRow)
        note = self.query_one("#intake-service-note", Static)
        note.update("")
        if service is None:
            row.hint("")
        elif service.suspended:
            row.hint("")
            note.update(_("Ditunda: {reason}").format(reason=service.suspended_reason or _("layanan ini sedang ditunda.")))
        else:
            row.hint(_("target {n} hari kerja").format(n=service.target_days))
        self.query_one("#row-urgent").display = bool(service and service.suspended and service.urgent_only)
        self._show_kk_rule(service)

    def _show_kk_rule(self, service: ServiceInfo | None) -> None:
        needed = bool(service and service.needs_kk)
        row = self.query_one("#row-kk", IntakeRow)
        row.set_label(_("No. KK *") if needed else _("No. KK"))
        self._judge_kk(self.query_one("#intake-kk", Input).value)

    def _kk_needed(self) -> bool:
        service = self._service()
        return bool(service and service.needs_kk)

    def _check_kk(self, value: str) -> None:
        if self._kk_needed() or value.strip():
            validation.validate_kk(value)

    def _judge_kk(self, value: str) -> None:
        row = self.query_one("#row-kk", IntakeRow)
        if not value.strip():
            row.hint(_("wajib untuk layanan ini") if self._kk_needed() else _("tidak wajib untuk layanan ini"))
            return

        def check(text: str) -> str:
            validation.validate_kk(text)
            return f"{OK_MARK} " + _("nomor KK sah")

        self._judge_number(row, value, check)

    @staticmethod
    def _judge_number(row: IntakeRow, value: str, check) -> None:
        """Count the digits while a 16-digit number is being typed; the sentence after that."""
        digits = "".join(ch for ch in value if not ch.isspace() and ch not in ".-")
        if digits.isdigit() and len(digits) < validation.NIK_LENGTH:
            row.hint(_("{n}/16 angka").format(n=len(digits)))
            return
        try:
            row.hint(check(value), "ok")
        except AppError as exc:
            row.hint(str(exc), "error")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = event.input
        if field.id == "intake-nik":
            row = self.query_one("#row-nik", IntakeRow)
            if not field.value.strip():
                row.hint("")
            else:
                self._judge_number(row, field.value, lambda text: nik_summary(validation.validate_nik(text)))
                self._look_up_citizen(field.value)
        elif field.id == "intake-kk":
            self._judge_kk(field.value)
        elif field.id == "intake-phone":
            row = self.query_one("#row-phone", IntakeRow)
            try:
                summary = phone_summary(field.value)
            except AppError as exc:
                row.hint(str(exc), "error")
            else:
                if summary:
                    row.hint(summary, "ok")
                else:
                    row.hint(_("untuk pesan WhatsApp"))
        if field.id in self._filling:
            self._filling.discard(field.id)  # filled in from an earlier visit: keep saying so
        elif not self.saving:
            self.query_one(FormMessage).clear()
        self._draft_soon()

    def action_form_enter(self) -> None:
        advance_or_submit(self)

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.app.action_focus_next()

    # --- a NIK seen before -----------------------------------------------------------------

    def _look_up_citizen(self, value: str) -> None:
        try:
            nik = validation.validate_nik(value).nik
        except AppError:
            return
        if nik == self._looked_up:
            return
        self._looked_up = nik
        self._fill_in(nik)

    @work(group="citizen", exclusive=True)
    async def _fill_in(self, nik: str) -> None:
        citizen: CitizenInfo | None = await self.db(requests.citizen_by_nik, nik)
        if citizen is None:
            return
        filled = False
        for selector, value in (("#intake-name", citizen.name), ("#intake-kk", citizen.kk_number),
                                ("#intake-phone", validation.format_phone(citizen.phone))):
            field = self.query_one(selector, Input)
            if value and not field.value.strip():
                self._filling.add(field.id)
                field.value = value
                filled = True
        desa = self.query_one("#intake-desa", Select)
        if citizen.desa and desa.is_blank() and self.choices is not None and citizen.desa in self.choices.desa:
            desa.value = citizen.desa
            filled = True
        if filled:
            self.query_one(FormMessage).show(
                _("NIK ini pernah datang: nama, No. KK, No. HP/WA dan desa diisi dari data terakhir; periksa lagi."))

    # --- saving ----------------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        return any(field.value.strip() for field in self.query(Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return None if self.saving or self.choices is None else True
        return super().check_action(action, parameters)

    def _fail(self, selector: str, text: str) -> None:
        self.query_one(FormMessage).show(text, "error")
        self.query_one(selector).focus()

    def action_save(self) -> None:
        if self.saving or self.choices is None:
            return
        service = self._service()
        if service is None:
            self._fail("#intake-service", _("Pilih layanan permohonan."))
            return
        for selector, row_id, what in (("#intake-nik", "#row-nik", _("NIK")), ("#intake-name", None, ""),
                                       ("#intake-kk", "#row-kk", _("No. KK")),
                                       ("#intake-phone", "#row-phone", _("No. HP/WA"))):
            sentence = first_failure(self.query_one(selector, Input))
            if sentence is not None:
                if row_id is None:
                    self._fail(selector, sentence)
                else:
                    # The sentence stands beside the field; below, only which field to fix.
                    self.query_one(row_id, IntakeRow).hint(sentence, "error")
                    self._fail(selector, _("Belum disimpan: perbaiki isian {what}.").format(what=what))
                return
        value = lambda selector: self.query_one(selector, Input).value  # noqa: E731
        channel = self.query_one(RadioSet).pressed_button
        ticket = self.choices.ticket
        urgent = bool(self.query_one("#row-urgent").display and self.query_one("#intake-urgent", Checkbox).value)
        fields = dict(
            service_code=service.code,
            nik=value("#intake-nik"),
            name=value("#intake-name"),
            kk_number=value("#intake-kk"),
            phone=value("#intake-phone"),
            desa=self.query_one("#intake-desa", Select).selection or "",
            channel=CHANNEL_IDS.get(channel.id if channel else "", "walk_in"),
            ticket_id=ticket.id if ticket is not None else None,
            counter_number=self.app.counter_number if self.choices.counter_known else None,
            urgent=urgent,
        )
        # An urgent ticket already carries a supervisor's approval; otherwise one is asked for.
        needs_approval = urgent and not (ticket is not None and ticket.urgent)
        self.saving = True
        self._stop_draft_timer()
        self.query_one(FormMessage).show(_("menyimpan..."), "busy")
        self._save(fields, service.name if needs_approval else None)

    @work(group="save")
    async def _save(self, fields: dict, approve_for: str | None = None) -> None:
        """Save the request (saves run one at a time, first asked first saved); an urgent one
        for a suspended service (`approve_for`, its name) first gets a supervisor's approval."""
        if approve_for is not None:
            approval = await self._ask_approval(approve_for, fields["name"])
            if approval is None:
                self.saving = False
                self.query_one(FormMessage).show(
                    _("Belum disimpan: permohonan mendesak perlu persetujuan supervisor."), "warning")
                return
            fields = {**fields, "approval": approval}
        try:
            info: RequestInfo = await self.db(requests.create_request, self.app.actor, **fields)
        except AppError as exc:
            self.saving = False
            self.query_one(FormMessage).show(str(exc), "error")
            self._keep_draft()  # the typing of the last second, which Ctrl+S caught before its pause
            return
        self._forget_draft()
        self.query_one(FormMessage).show(_("Tersimpan dengan No. registrasi {reg_no}.").format(reg_no=info.reg_no))
        self._saved(info)

    async def _ask_approval(self, service: str, name: str) -> Approval | None:
        actor = self.app.actor
        own = actor is not None and actor.can(Role.SUPERVISOR)
        about = _("{service} sedang ditunda; permohonan atas nama {name} hanya dapat diterima sebagai keperluan "
                  "mendesak. Tulis alasannya.").format(service=service, name=clean_name(name))
        return await self.app.push_screen_wait(ApprovalDialog(about, own=own, title=_("Permohonan mendesak")))

    @work(group="saved")
    async def _saved(self, info: RequestInfo) -> None:
        """Show the new request with its checklist on top, over a form emptied for the next
        citizen; the receipt is offered once the checklist is saved, so it tells what was brought."""
        self.notify(_("Permohonan {name} tersimpan dengan No. registrasi {reg_no}.").format(
            name=info.name, reg_no=info.reg_no), markup=False)
        # The detail takes the form's place: Esc from the checklist leads to the new request, and
        # Esc from there home; the form underneath starts afresh, so F3 finds it empty.
        await self.app.push_screen(RequestDetailScreen(info.reg_no, home_on_back=True))
        await self.app.push_screen(ChecklistScreen(info.reg_no, offer_receipt=True))
        self._start_afresh()

    def _start_afresh(self) -> None:
        """Empty the form as a new one would be, and read this counter's ticket again."""
        with self.app.batch_update():
            for field in self.query(Input):
                field.value = ""
                field.remove_class("-invalid", "-valid")  # nothing typed yet: nothing to judge
            self.query_one("#intake-service", Select).clear()
            self.query_one("#intake-desa", Select).clear()
            self.query_one("#channel-walk-in", RadioButton).value = True
            self.query_one("#intake-urgent", Checkbox).value = False
            self.query_one(FormMessage).clear()
        self._looked_up = ""
        self._filling.clear()
        self.choices = None
        self.saving = False
        self.refresh_data()
        self.query_one("#intake-service").focus()

    # --- the draft kept while typing (core.drafts) -------------------------------------------
    #
    # If the terminal goes away (an SSH line drops) the typed form is in the database, and the
    # same staff member is offered it at their next login (`offer_draft`, from the app's login).
    # It goes when the request is saved, or when leaving with Ctrl+Q/Ctrl+O is answered "yes"
    # (`discard_input`); a forced logout from the lock screen keeps it for its author.

    @on(Select.Changed)
    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    def _chosen(self) -> None:
        self._draft_soon()

    def _draft_soon(self) -> None:
        """Keep the form as a draft after a pause in the typing."""
        if self._draft_closed or self.saving:
            return
        self._stop_draft_timer()
        self._draft_timer = self.set_timer(DRAFT_PAUSE, self._keep_draft)

    def _stop_draft_timer(self) -> bool:
        timer, self._draft_timer = self._draft_timer, None
        if timer is not None:
            timer.stop()
        return timer is not None

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Moving to another field keeps the draft at once."""
        if self._stop_draft_timer():
            self._keep_draft()

    def _keep_draft(self) -> None:
        self._draft_timer = None
        if not self._draft_closed and not self.saving:
            self._store_draft(self._draft_data())

    def _draft_data(self) -> dict:
        """The form's own fields, nothing else; {} while nothing is typed."""
        if not self.has_unsaved_changes():
            return {}
        channel = self.query_one(RadioSet).pressed_button
        data = {name: self.query_one(selector, Input).value for name, selector in DRAFT_INPUTS.items()}
        data.update(
            service_code=self.query_one("#intake-service", Select).selection or "",
            desa=self.query_one("#intake-desa", Select).selection or "",
            channel=CHANNEL_IDS.get(channel.id if channel else "", "walk_in"),
            urgent=bool(self.query_one("#intake-urgent", Checkbox).value),
        )
        return data

    @work(group="draft")
    async def _store_draft(self, data: dict) -> None:
        if self._draft_closed or (not data and not self._draft_written):
            return
        try:
            self._draft_written = await self.db(drafts.save_draft, self.app.actor, drafts.INTAKE, data)
        except AppError:
            # Only a safety copy: the form itself is intact, and saving it says what is wrong.
            return

    @work(group="draft")
    async def _forget_draft(self) -> None:
        """The request is saved: its draft goes (after any write of it still on its way)."""
        self._stop_draft_timer()
        await self.db(drafts.discard_draft, self.app.actor, drafts.INTAKE)
        self._draft_written = False

    async def discard_input(self) -> None:
        """The person chose to leave the typed form (Ctrl+Q or Ctrl+O answered "yes"): the draft
        goes with it. Awaited by the app before the sections are dropped."""
        self._draft_closed = True
        self._stop_draft_timer()
        try:
            async with self._group_lock("draft"):  # after any write still on its way
                await self.db(drafts.discard_draft, self.app.actor, drafts.INTAKE)
        except AppError as exc:
            self.app.show_error(exc)  # leaving goes on; the draft is offered again at the next login
            return
        self._draft_written = False

    @classmethod
    async def offer_draft(cls, app) -> None:
        """At login: a form this staff member left unfinished when their terminal went away is
        offered back; yes opens the form filled with it, no deletes it."""
        draft = await app.db(drafts.load_draft, app.actor, drafts.INTAKE)
        if draft is None:
            return
        when = f"{format_date(draft.updated_at.date())} {draft.updated_at:%H:%M} {clock.zone_abbreviation()}"
        about = ", ".join(part for part in (draft.data.get("name", ""), draft.service_name, when.strip()) if part)
        question = _("Ada formulir permohonan yang belum selesai ({about}). Lanjutkan?").format(about=about)
        if await app.push_screen_wait(ConfirmScreen(question, title=_("Formulir belum selesai"),
                                                    yes=_("Lanjutkan (y)"), no=_("Buang (n)"))):
            await app.switch_mode(cls.SCREEN_NAME)
            screen = app.screen
            if isinstance(screen, cls):
                screen.restore_draft(draft.data)
        else:
            await app.db(drafts.discard_draft, app.actor, drafts.INTAKE)

    def restore_draft(self, data: dict) -> None:
        """Fill the form from a draft (once the services and desa are read)."""
        if self.choices is None:
            self._pending_draft = dict(data)
        else:
            self._fill_from_draft(data)

    def _fill_from_draft(self, data: dict) -> None:
        choices = self.choices
        if choices is None:
            return
        with self.app.batch_update():
            code = data.get("service_code", "")
            if any(service.code == code for service in choices.services):
                self.query_one("#intake-service", Select).value = code
            for name, selector in DRAFT_INPUTS.items():
                field = self.query_one(selector, Input)
                value = str(data.get(name, ""))[: field.max_length or None]
                if value and value != field.value:
                    self._filling.add(field.id)  # keeps the sentence below as the fields fill
                    field.value = value
            if data.get("desa") in choices.desa:
                self.query_one("#intake-desa", Select).value = data["desa"]
            if data.get("channel") == "whatsapp":
                self.query_one("#channel-whatsapp", RadioButton).value = True
            self.query_one("#intake-urgent", Checkbox).value = bool(data.get("urgent"))
        self._draft_written = True
        self.query_one(FormMessage).show(
            _("Isian yang belum selesai dipulihkan; periksa lagi, lalu simpan dengan Ctrl+S."))
        self.query_one("#intake-service").focus()
