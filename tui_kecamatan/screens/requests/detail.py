"""One request in full: the applicant (NIK masked unless a supervisor reveals it), service, status,
target day, checklist summary and the timeline of every change and contact, with the moves its
state allows on keys. Other screens open it with `RequestDetailScreen(reg_no)`."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from printing.text import format_date
from tui_kecamatan import screens
from tui_kecamatan.core import clock, requests
from tui_kecamatan.core.pickup import COLLECTOR_LABELS
from tui_kecamatan.core.accounts import Role
from tui_kecamatan.core.request_labels import RequestAction
from tui_kecamatan.core.requests import RequestDetail, RequestInfo, TimelineEntry, UrgentCase
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.core.validation import format_phone
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.screens.requests.checklist import ChecklistScreen
from tui_kecamatan.screens.requests.contact import CitizenContact
from tui_kecamatan.screens.requests.print_choice import DocumentPrinting
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.prompt import TextPrompt

A = RequestAction
# The request's actions as core names them, for the screen's keys.
KEY_ACTIONS = {
    "checklist": A.CHECKLIST,
    "process": A.PROCESS,
    "ready": A.READY,
    "pickup": A.PICKUP,
    "cancel": A.CANCEL,
    "reject": A.REJECT,
    "reopen": A.REOPEN,
    "reveal_nik": A.REVEAL_NIK,
}
# Actions only some roles have: hidden from the others rather than greyed out.
ROLE_ACTIONS = {"reject", "reopen", "reveal_nik"}
STATUS_STYLES = {
    "received": "bold",
    "incomplete": "bold $warning",
    "complete": "bold $primary",
    "processing": "bold $accent",
    "ready": "bold $success",
    "picked_up": "bold dim",
    "delivered": "bold dim",
    "cancelled": "bold $error",
    "rejected": "bold $error",
}
CONTACT_DETAIL_MAX = 100
# The request's fields in the order shown: (key, label).
FIELDS = (
    ("name", "Pemohon"),
    ("nik", "NIK"),
    ("service", "Layanan"),
    ("phone", "No. HP/WA"),
    ("created", "Diterima"),
    ("target", "Target"),
    ("items", "Berkas"),
    ("urgent", "Mendesak"),
    ("protocol", "Protokol"),
    ("notes", "Catatan"),
    ("pickup", "Diambil"),
    ("reason", "Alasan"),
)


def local_time(moment: datetime | None) -> str:
    """'Sabtu, 28 November 2026 09:15 WIB' for a local aware time."""
    if moment is None:
        return ""
    return f"{format_date(moment.date())} {moment:%H:%M} {clock.zone_abbreviation()}".rstrip()


def timeline_text(entry: TimelineEntry) -> Content:
    """Who did what in one event of the timeline; people's text stays literal."""
    detail = clean_text(entry.detail, 4000)  # a contact's message collapses onto one line
    if entry.kind == "contact" and len(detail) > CONTACT_DETAIL_MAX:
        detail = detail[: CONTACT_DETAIL_MAX - 1].rstrip() + "…"
    style = "$accent" if entry.kind == "contact" else ""
    parts: list[str | tuple[str, str] | Content] = [(entry.actor or "-", "bold"), " ", (entry.title, style)]
    if detail:
        parts += [": ", detail]
    return Content.assemble(*parts)


class DetailRow(Horizontal):
    """A field of the request: its label, and its value wrapped under itself."""

    DEFAULT_CSS = """
    DetailRow {
        height: auto;
    }
    DetailRow > .label {
        width: 11;
        color: $text-muted;
    }
    DetailRow > .value {
        width: 1fr;
    }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.display = False

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="label", markup=False)
        yield Static("", classes="value", markup=False)

    def show(self, value: Content | None) -> None:
        self.display = value is not None
        if value is not None:
            self.query_one(".value", Static).update(value)


class TimelineRow(Horizontal):
    """One event of the timeline: when, then who and what, wrapped beside the time."""

    DEFAULT_CSS = """
    TimelineRow {
        height: auto;
    }
    TimelineRow > .when {
        width: 17;
        color: $text-muted;
    }
    TimelineRow > .what {
        width: 1fr;
    }
    """

    def __init__(self, entry: TimelineEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        yield Static(f"{self.entry.at:%d-%m-%Y %H:%M}", classes="when", markup=False)
        yield Static(timeline_text(self.entry), classes="what", markup=False)


class RequestDetailScreen(DocumentPrinting, CitizenContact, OfficeScreen):
    """The detail of one request, by registration number (or id).

    `open_checklist` opens the checklist on top once the request is shown, `print_receipt`
    ("a4", "receipt" or "file") prints its receipt or saves it as a PDF, and `home_on_back` makes
    Esc lead home rather than to the screen below: what intake asks for right after saving.
    """

    CSS_PATH = "detail.tcss"
    TITLE = _("Detail permohonan")
    AUTO_FOCUS = "#detail-timeline"
    HELP = _("Semua data satu permohonan dan riwayatnya. Tombol di bawah hanya aktif bila sesuai "
             "dengan status permohonan: periksa berkas, hubungi pemohon, proses, tandai siap diambil, "
             "pengambilan, batalkan atau tolak (dengan alasan), dan cetak. NIK lengkap hanya dapat "
             "ditampilkan oleh supervisor dan tercatat di log audit. Supervisor dapat mengoreksi nama, nomor HP "
             "atau nomor KK pemohon (k) dengan alasan.")
    BINDINGS = [
        Binding("b", "checklist", _("Berkas"), id="checklist"),
        Binding("h", "contact", _("Hubungi"), id="contact"),
        Binding("p", "process", _("Proses"), id="process"),
        Binding("s", "ready", _("Siap diambil"), id="ready"),
        Binding("a", "pickup", _("Ambil"), id="pickup"),
        Binding("c", "cancel", _("Batalkan"), id="cancel"),
        Binding("t", "reject", _("Tolak"), id="reject"),
        Binding("o", "reopen", _("Buka kembali"), id="reopen"),
        Binding("r", "print_receipt", _("Tanda terima"), id="print-receipt"),
        Binding("l", "print_sheet", _("Lembar periksa"), id="print-sheet"),
        Binding("n", "reveal_nik", _("NIK lengkap"), id="reveal-nik"),
        # For operators n answers with core's sentence instead of doing nothing.
        Binding("n", "refuse_reveal", _("NIK lengkap (khusus supervisor)"), show=False),
        Binding("k", "correct", _("Koreksi data"), id="correct"),
        Binding("k", "refuse_correct", _("Koreksi data (khusus supervisor)"), show=False),
    ]

    busy: reactive[bool] = reactive(False, bindings=True)
    """A status move is on its way to core: the moves are greyed out meanwhile."""

    def __init__(self, request_ref: int | str, *, open_checklist: bool = False, print_receipt: str | None = None,
                 home_on_back: bool = False) -> None:
        super().__init__()
        self.request_ref = request_ref
        self.detail: RequestDetail | None = None
        self.urgent_case: UrgentCase | None = None
        self.revealed_nik = ""
        self.phone_display = ""
        self._shown_timeline: tuple[TimelineEntry, ...] | None = None
        self._open_checklist = open_checklist
        self._print_receipt = print_receipt
        self._home_on_back = home_on_back

    def compose(self) -> ComposeResult:
        with Horizontal(id="detail-header"):
            yield Static(Content.assemble((_("Permohonan"), "bold $primary")), id="detail-title")
            yield Static("", id="detail-status")
        with Vertical(id="detail-body"):
            yield Static(_("memuat..."), id="detail-loading", markup=False)
            for key, label in FIELDS:
                yield DetailRow(_(label), id=f"field-{key}")
        with VerticalScroll(id="detail-timeline", can_focus=True) as timeline:
            timeline.border_title = _("Riwayat")
        yield KeyBar()

    def on_mount(self) -> None:
        # Saving as a file asks for a name once the request is loaded (see `refresh_data`), so
        # the question is not hidden under the checklist.
        if self._print_receipt and self._print_receipt != "file":
            self._print_on_opening(self._print_receipt)
            self._print_receipt = None

    @work(group="print")
    async def _print_on_opening(self, media: str) -> None:
        await self.print_document("receipt", self.request_ref, media)

    # --- loading ---------------------------------------------------------------------------

    @work(group="load", exclusive=True)
    async def refresh_data(self) -> None:
        try:
            detail, self.phone_display, self.urgent_case = await self.db(load_request, self.request_ref, self.app.actor)
        except AppError as exc:
            if self.detail is None:
                self.query_one("#detail-loading", Static).update(str(exc))
            raise
        self.detail = detail
        self.request_ref = detail.request.reg_no
        self._show()
        self.refresh_bindings()
        open_checklist, self._open_checklist = self._open_checklist, False
        save_file, self._print_receipt = self._print_receipt == "file", None
        if open_checklist or save_file:
            self._continue_intake(detail, open_checklist, save_file)

    @work(group="intake")
    async def _continue_intake(self, detail: RequestDetail, open_checklist: bool, save_file: bool) -> None:
        """Right after intake: the file name for the receipt's PDF, then the checklist on top
        while the file is written."""
        path = await self.ask_pdf_path("receipt", detail.request.reg_no) if save_file else None
        if open_checklist:
            self._push_checklist(detail)
        await self.save_document_pdf("receipt", detail.request.reg_no, path)

    def _push_checklist(self, detail: RequestDetail) -> None:
        if RequestAction.CHECKLIST.value in detail.allowed_actions:
            self.app.push_screen(ChecklistScreen(detail.request.reg_no))

    def _show(self) -> None:
        detail = self.detail
        if detail is None:
            return
        info = detail.request
        self.query_one("#detail-title", Static).update(Content.assemble(
            (_("Permohonan") + " ", "bold $primary"), (info.reg_no, "bold")))
        status = [(f" {info.status_label} ", f"reverse {STATUS_STYLES.get(info.status, 'bold')}")]
        if info.overdue:
            status += [" ", (f" {_('Lewat target')} ", "reverse bold $error")]
        self.query_one("#detail-status", Static).update(Content.assemble(*status))
        self.query_one("#detail-loading").display = False
        for key, value in self._fields(detail).items():
            self.query_one(f"#field-{key}", DetailRow).show(value)
        self._show_timeline(detail.timeline)

    def _show_timeline(self, timeline: tuple[TimelineEntry, ...]) -> None:
        if timeline == self._shown_timeline:
            return  # another counter's change elsewhere: leave the reader where they scrolled
        self._shown_timeline = timeline
        box = self.query_one("#detail-timeline", VerticalScroll)
        with self.app.batch_update():
            box.remove_children()
            if timeline:
                # Newest first: the latest change is what the desk needs, and it stays in view.
                box.mount_all([TimelineRow(entry) for entry in reversed(timeline)])
            else:
                box.mount(Static(_("Belum ada riwayat."), classes="muted", markup=False))
        box.scroll_home(animate=False)

    def _fields(self, detail: RequestDetail) -> dict[str, Content | None]:
        """Each field's value; None hides the row (no pickup yet, no reason)."""
        info = detail.request
        muted = "dim"
        nik: list = [info.nik_masked]
        if self.revealed_nik:
            nik = [(self.revealed_nik, "bold $warning"), (" " + _("(tercatat di audit)"), muted)]
        target: list = [format_date(info.due_date) if info.due_date else "-"]
        if info.overdue:
            target += ["  ", (_("Lewat target"), "bold $error")]
        if info.ready_at is not None:
            target += ["   ", (_("Siap") + " ", muted), local_time(info.ready_at)]
        fields: dict[str, Content | None] = {
            "name": Content.styled(info.name, "bold"),
            "nik": Content.assemble(*nik, "   ", (_("No. KK") + " ", muted), detail.kk_masked or "-"),
            "service": Content.assemble(info.service_name, "   ", (_("Saluran") + " ", muted), info.channel_label),
            "phone": Content.assemble(self.phone_display or "-", "   ", (_("Desa/Kel.") + " ", muted), info.desa or "-"),
            "created": Content.assemble(local_time(info.created_at), *self._origin(detail)),
            "target": Content.assemble(*target),
            "items": Content.assemble(*self._items_summary(detail)),
            "notes": None,
            "pickup": None,
            "reason": None,
        }
        notes = [(item.text, item.note) for item in detail.items if item.note]
        if notes:
            fields["notes"] = Content("; ").join(Content.assemble(text, ": ", (note, "italic")) for text, note in notes)
        if detail.pickup is not None:
            pickup = detail.pickup
            who = COLLECTOR_LABELS[pickup.kind] if pickup.kind in COLLECTOR_LABELS else pickup.kind
            parts: list = [local_time(pickup.at), ", ", who]
            if pickup.collector_name:
                parts += [": ", pickup.collector_name]
            if pickup.staff:
                parts += [" (", _("petugas"), " ", pickup.staff, ")"]
            fields["pickup"] = Content.assemble(*parts)
        if info.reason and info.status in ("cancelled", "rejected"):
            fields["reason"] = Content(info.reason)
        fields.update(self._urgency(self.urgent_case))
        return fields

    @staticmethod
    def _urgency(case: UrgentCase | None) -> dict[str, Content | None]:
        """Why the request was urgent and who approved it; the health protocol of its ticket,
        each step ticked or not, with who recorded it and when."""
        if case is None:
            return {}
        shown: dict[str, Content | None] = {}
        if case.urgent:
            parts: list = [(_("Ya"), "bold $warning")]
            if case.reason:
                parts += [": ", case.reason]
            parts += ["  ", (_("disetujui") + " ", "dim"), case.approved_by or "-"]
            shown["urgent"] = Content.assemble(*parts)
        if case.protocol:
            steps = [Content.assemble(("[x] " if step.checked else "[ ] ", "bold" if step.checked else "bold $warning"),
                                      step.text) for step in case.protocol]
            recorded = sorted({(step.at, step.staff) for step in case.protocol})
            by = ", ".join(f"{who or '-'} {at:%d-%m-%Y %H:%M}" for at, who in recorded)
            shown["protocol"] = Content.assemble(
                (_("tiket") + f" {case.ticket_code}, " + _("dicatat") + f" {by}: ", "dim"), Content("; ").join(steps))
        return shown

    @staticmethod
    def _origin(detail: RequestDetail) -> list:
        parts: list = []
        if detail.created_by:
            parts += ["  ", _("oleh"), " ", detail.created_by]
        if detail.counter_number is not None:
            parts += [", ", _("Loket {n}").format(n=detail.counter_number)]
        if detail.ticket_code:
            parts += [", ", _("tiket"), " ", detail.ticket_code]
        return parts

    @staticmethod
    def _items_summary(detail: RequestDetail) -> list:
        mandatory = [item for item in detail.items if item.mandatory]
        done = sum(1 for item in mandatory if item.checked)
        parts: list = [_("wajib {done}/{total} lengkap").format(done=done, total=len(mandatory))]
        missing = detail.missing
        if missing:
            listed = "; ".join(f"{n}. {item.text}" for n, item in enumerate(missing, 1))
            parts += ["; ", (_("kurang") + ": ", "bold $warning"), listed]
        return parts

    # --- the revealed NIK lasts while the screen is on top ---------------------------------

    @on(events.ScreenSuspend)
    def _forget_nik(self) -> None:
        if self.revealed_nik:
            self.revealed_nik = ""
            self._show()

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.app.actor
        if action in ("refuse_reveal", "refuse_correct"):
            return actor is None or not actor.can(Role.SUPERVISOR)
        if action == "correct":
            if actor is None or not actor.can(Role.SUPERVISOR):
                return False
            return True if self.detail is not None and not self.busy and self.detail.request.nik_masked else None
        if action in ROLE_ACTIONS and (actor is None or not actor.can(requests.ACTION_ROLES[KEY_ACTIONS[action]])):
            return False
        detail = self.detail
        if action in KEY_ACTIONS:
            if detail is None or self.busy:
                return None
            if action == "reveal_nik" and self.revealed_nik:
                return None
            return True if KEY_ACTIONS[action].value in detail.allowed_actions else None
        if action == "contact":
            return True if detail is not None and self.contact_kind(detail, actor) is not None else None
        if action in ("print_receipt", "print_sheet"):
            return True if detail is not None else None
        return super().check_action(action, parameters)

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """What a greyed-out key says when it is pressed anyway (see KecamatanApp.run_action)."""
        detail = self.detail
        if detail is None:
            return _("Permohonan masih dimuat; coba sebentar lagi.")
        if self.busy:
            return _("Perubahan sebelumnya masih disimpan; tunggu sebentar.")
        info = detail.request
        if action == "reveal_nik":
            return _("NIK lengkap sudah ditampilkan.")
        if action == "correct":
            return _("Data pemohon {reg_no} sudah dihapus karena melewati masa simpan.").format(reg_no=info.reg_no)
        if action == "process" and detail.missing:
            return _("Permohonan {reg_no} belum dapat diproses: {n} berkas wajib masih kurang; tekan b untuk "
                     "memeriksa berkas.").format(reg_no=info.reg_no, n=len(detail.missing))
        if action in KEY_ACTIONS:
            # Core's own sentence for the move in this state.
            return requests.REQUESTS.refusal(KEY_ACTIONS[action], SimpleNamespace(status=info.status, reg_no=info.reg_no))
        if action == "contact":
            return _("Permohonan berstatus {status} tidak perlu dikabarkan; pesan dikirim saat berkas kurang atau "
                     "dokumen siap diambil.").format(status=info.status_label)
        return None

    def _ref(self) -> int | str:
        return self.detail.request.id if self.detail is not None else self.request_ref

    def action_back(self) -> None:
        if self._home_on_back and self.app.can_go_back(self):
            # Opened in place of the intake form (which starts afresh underneath): Esc goes home.
            self.app.pop_screen()
            self.app.open_screen("home")
        else:
            super().action_back()

    def action_checklist(self) -> None:
        if self.detail is not None:
            self.app.push_screen(ChecklistScreen(self.detail.request.reg_no))

    @work(group="contact")
    async def action_contact(self) -> None:
        detail = self.detail
        kind = self.contact_kind(detail, self.app.actor) if detail is not None else None
        if detail is not None and kind is not None:
            await self.contact_citizen(detail.request.id, kind, applicant=detail.request.name)

    def action_process(self) -> None:
        self._move(requests.start_processing)

    def action_ready(self) -> None:
        self._move(requests.mark_ready, offer_message=True)

    def _move(self, move, *args, offer_message: bool = False) -> None:
        """Start a status move unless one is on its way (the keys are greyed out meanwhile)."""
        if self.busy:
            return
        self.busy = True
        self._run_move(move, args, offer_message)

    @work(group="move")
    async def _run_move(self, move, args: tuple, offer_message: bool) -> None:
        """The move in core; its sentence is shown if it refuses, and the request is read again
        either way."""
        try:
            info: RequestInfo = await self.db(move, self.app.actor, self._ref(), *args)
        finally:
            self.busy = False
            self.refresh_data()
        self.notify(_("Permohonan {reg_no} sekarang: {status}.").format(reg_no=info.reg_no, status=info.status_label),
                    markup=False)
        if offer_message:
            await self._offer_ready_message(info)

    async def _offer_ready_message(self, info: RequestInfo) -> None:
        if not info.phone:
            self.notify(_("Pemohon tidak mencantumkan nomor HP/WA; kabari lewat telepon atau saat pemohon "
                          "datang."), severity="warning", timeout=8)
            return
        question = _("Dokumen siap diambil. Kirim pesan ke pemohon lewat WhatsApp?")
        if await self.app.push_screen_wait(ConfirmScreen(question, title=_("Dokumen siap"))):
            await self.contact_citizen(info.id, "ready", applicant=info.name)

    def action_pickup(self) -> None:
        if self.detail is None:
            return
        self.app.push_screen(screens.screen_class("pickup")(reg_no=self.detail.request.reg_no))

    def action_cancel(self) -> None:
        self._decide(requests.cancel_request, _("Batalkan permohonan"), _("Alasan pembatalan"),
                     _("Batalkan permohonan {reg_no} atas nama {name}?"))

    def action_reject(self) -> None:
        self._decide(requests.reject_request, _("Tolak permohonan"), _("Alasan penolakan"),
                     _("Tolak permohonan {reg_no} atas nama {name}?"))

    def action_reopen(self) -> None:
        self._decide(requests.reopen_request, _("Buka kembali permohonan"), _("Alasan membuka kembali"),
                     _("Buka kembali permohonan {reg_no} atas nama {name}?"))

    @work(group="decide", exclusive=True)
    async def _decide(self, move, title: str, asked: str, question: str) -> None:
        """A move that needs a reason: ask it, confirm with the reason shown, then ask core."""
        detail = self.detail
        if detail is None or self.busy:
            return
        info = detail.request
        reason = await self.app.push_screen_wait(TextPrompt(
            title, _("{asked} untuk permohonan {reg_no} (wajib diisi):").format(asked=asked, reg_no=info.reg_no)))
        if reason is None:
            return
        text = question.format(reg_no=info.reg_no, name=info.name) + "\n" + _("Alasan: {reason}").format(reason=reason)
        if await self.app.push_screen_wait(ConfirmScreen(text, title=title, default=False)):
            self._move(move, reason)

    @work(group="print")
    async def action_print_receipt(self) -> None:
        if self.detail is None:
            return
        reg_no = self.detail.request.reg_no
        media = await self.choose_media(_("Cetak tanda terima permohonan {reg_no} di mana?").format(reg_no=reg_no),
                                        title=_("Cetak tanda terima"))
        if media:
            await self.print_document("receipt", reg_no, media)

    @work(group="print")
    async def action_print_sheet(self) -> None:
        if self.detail is not None:
            await self.print_document("checklist", self.detail.request.id)

    @work(group="reveal")
    async def action_reveal_nik(self) -> None:
        if self.detail is None:
            return
        self.revealed_nik = await self.db(requests.reveal_nik, self.app.actor, self.detail.request.id)
        self._show()
        self.refresh_bindings()

    @work(group="correct", exclusive=True)
    async def action_correct(self) -> None:
        detail = self.detail
        if detail is None:
            return
        from tui_kecamatan.screens.requests.correction import CorrectionForm

        info = await self.app.push_screen_wait(CorrectionForm(detail, _correction(self.app.actor, detail.request.id)))
        if info is not None:
            self.notify(_("Data pemohon {reg_no} dikoreksi.").format(reg_no=info.reg_no), markup=False)
            self.refresh_data()

    def action_refuse_correct(self) -> None:
        self.notify(_("Koreksi data pemohon hanya dapat dilakukan supervisor atau admin."), severity="error")

    @work(group="reveal")
    async def action_refuse_reveal(self) -> None:
        """For an operator: core refuses with its sentence (and records nothing)."""
        if self.detail is not None:
            await self.db(requests.reveal_nik, self.app.actor, self.detail.request.id)


def _correction(actor, request_id: int):
    def submit(values: dict) -> RequestInfo:
        return requests.correct_applicant(actor, request_id, **values)
    return submit


def load_request(ref: int | str, actor) -> tuple[RequestDetail, str, UrgentCase]:
    """The request's detail, its phone number written for people and its urgency (with the
    ticket's health protocol), read in one worker."""
    detail = requests.get_request(ref, actor)
    return detail, format_phone(detail.request.phone), requests.urgent_case(detail.request.id)
