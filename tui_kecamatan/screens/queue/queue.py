"""The queue at a counter (F2): numbers taken for walk-in citizens and printed, today's waiting
and called tickets, and the counter's work on them: call, recall, serve, finish, no-show,
requeue, transfer, cancel and reprint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import clock, documents, printjobs, queue
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.queue import CALLED, NO_SHOW, SERVING, WAITING, ServiceQueue, TicketInfo
from tui_kecamatan.core.text import NAME_MAX, clean_text
from tui_kecamatan.errors import AppError, NotFound
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.screens.queue.dialogs import (
    HealthProtocolDialog,
    ReasonDialog,
    TicketCodeDialog,
    TransferChoice,
    TransferDialog,
)
from tui_kecamatan.widgets.keybar import KeyBar

PAGE = 200  # rows of the waiting list; a day's queue is far shorter
NUMBER_KEYS = 9
MINUTE_REFRESH_SECONDS = 30
RECEIPT_PRINTER = "receipt"
COLUMNS = (("code", _("Nomor")), ("service", _("Layanan")), ("issued", _("Ambil")), ("note", _("Keterangan")))
COLUMN_WIDTHS = (7, 22, 5)  # the note column takes the rest


def service_name(name: str) -> str:
    """A service name (typed by an admin) cleaned again on its way to the screen."""
    return clean_text(name, NAME_MAX)


def short_service_label(name: str) -> str:
    """A service name without the words many names share, for narrow lines:
    "Cetak KTP-el" -> "KTP-el", "Surat keterangan pindah keluar" -> "Pindah keluar"."""
    text = service_name(name)
    for prefix in ("surat keterangan ", "cetak "):
        if text.lower().startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            return text[:1].upper() + text[1:]
    return text


def pack_line(items: list[Content], width: int, gap: int = 2) -> Content:
    """Items side by side, starting a new line only between items, never inside one."""
    lines: list[Content] = []
    line = Content("")
    for item in items:
        if line.cell_length and line.cell_length + gap + item.cell_length > width:
            lines.append(line)
            line = item
        else:
            line = line + " " * gap + item if line.cell_length else item
    lines.append(line)
    return Content("\n").join(lines)


def receipt_printer_configured(config) -> bool:
    return RECEIPT_PRINTER in getattr(config, "printers", {})


def print_failed_sentence(code: str, message: str) -> str:
    """The notification for a ticket that was issued but not printed."""
    return _("Nomor {code} tercatat, tetapi gagal dicetak: {error}. Tekan p untuk mencetak ulang.").format(
        code=code, error=message.rstrip(". "))


@dataclass(frozen=True)
class QueueView:
    """Everything the counter screen shows, read in one worker."""

    services: list[ServiceQueue]
    tickets: list[TicketInfo]
    current: TicketInfo | None  # what this counter is calling or serving
    counter_problem: str  # why the counter cannot work ("Loket 3 tidak ada."), or ""
    no_show_calls: int
    read_at: datetime  # naive UTC, for "menunggu N mnt"


def load_view(counter_number: int) -> QueueView:
    services = queue.queue_overview()
    tickets = queue.waiting_tickets(limit=PAGE)
    try:
        current = queue.counter_current(counter_number)
        problem = ""
    except AppError as exc:
        current, problem = None, str(exc)
    return QueueView(services, tickets, current, problem, queue.no_show_calls(), clock.now_utc())


def _requeue_by_code(actor: Actor, code: str) -> TicketInfo:
    ticket = queue.find_ticket(code)
    if ticket is None:
        raise NotFound(_("Nomor antrian {code} tidak ada hari ini.").format(code=code))
    return queue.requeue(actor, ticket.id)


def _record_protocol_and_start(actor: Actor, ticket_id: int, checked: list[int]) -> TicketInfo:
    queue.record_health_protocol(actor, ticket_id, checked)
    return queue.start_serving(actor, ticket_id)


class QueueScreen(OfficeScreen):
    CSS_PATH = "queue.tcss"
    SCREEN_NAME = "queue"
    TITLE = _("Antrian")
    HELP = _("Tekan angka layanan (1-9) untuk memberi nomor antrian kepada warga yang datang; tiketnya "
             "dicetak di printer struk. F8 memanggil nomor berikutnya ke loket ini. Panggil ulang, mulai "
             "layani, selesai dan tidak hadir berlaku untuk nomor yang sedang dipanggil di loket ini; "
             "pindahkan, batalkan dan cetak ulang berlaku untuk nomor yang dipilih di daftar.")

    BINDINGS = [
        Binding("f8", "call_next", _("Panggil berikut"), id="call-next"),
        Binding("r", "recall", _("Panggil ulang"), id="recall"),
        Binding("s", "start", _("Mulai layani"), id="start"),
        Binding("d", "finish", _("Selesai"), id="finish"),
        Binding("n", "no_show", _("Tidak hadir"), id="no-show"),
        Binding("u", "requeue", _("Kembalikan ke antrian"), show=False, id="requeue"),
        Binding("t", "transfer", _("Pindahkan"), id="transfer"),
        Binding("c", "cancel_ticket", _("Batalkan"), id="cancel"),
        Binding("p", "reprint", _("Cetak ulang"), id="reprint"),
        *[
            Binding(str(n), f"issue({n})", _("Ambil nomor layanan {n}").format(n=n), show=False)
            for n in range(1, NUMBER_KEYS + 1)
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: QueueView | None = None
        self.busy = False
        self.last_no_show = ""  # the code offered when a citizen comes back (u)
        self._select_after_refresh: int | None = None
        self._tickets: dict[int, TicketInfo] = {}
        self._note_width = 0

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="queue-header"):
            yield Static("", id="queue-title", markup=False)
            yield Static("", id="queue-current")
        yield Static("", id="queue-take")
        with Vertical(classes="panel", id="queue-list") as panel:
            panel.border_title = _("Menunggu")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="queue-table")
            yield Static(_("Tidak ada nomor yang menunggu."), id="queue-empty", classes="muted", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#queue-title", Static).update(self.title_text)
        self.set_interval(MINUTE_REFRESH_SECONDS, self.refresh_data)

    def on_resize(self) -> None:
        if self.view is not None:
            self._show_take_line(self.view)
            self._show_tickets(self.view)

    def _set_columns(self, table: DataTable) -> None:
        """Fixed column widths, the last one taking what is left (cells are Content, which the
        table does not measure)."""
        width = table.size.width or max(40, self.app.size.width - 6)
        note = max(16, width - sum(COLUMN_WIDTHS) - 2 * (len(COLUMN_WIDTHS) + 1) - 2)
        if table.columns and self._note_width == note:
            return
        self._note_width = note
        table.clear(columns=True)
        for (key, label), column_width in zip(COLUMNS, (*COLUMN_WIDTHS, note)):
            table.add_column(label, key=key, width=column_width)

    @property
    def counter_number(self) -> int:
        return int(getattr(self.app, "counter_number", 1) or 1)

    @property
    def title_text(self) -> str:
        return _("Antrian - Loket {n}").format(n=self.counter_number)

    # --- data ------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.run_db(load_view, self.counter_number, then=self._show, group="queue-view", exclusive=True)

    def _show(self, view: QueueView) -> None:
        self.view = view
        self._show_current(view)
        self._show_take_line(view)
        self._show_tickets(view)
        self.refresh_bindings()

    def _show_current(self, view: QueueView) -> None:
        widget = self.query_one("#queue-current", Static)
        current = view.current
        if view.counter_problem:
            widget.update(Content.styled(view.counter_problem, "bold $error"))
        elif current is None:
            widget.update(Content.styled(_("belum ada nomor dipanggil"), "dim"))
        elif current.status == SERVING:
            widget.update(Content.assemble(_("dilayani: "), (current.code, "bold $success")))
        else:
            widget.update(Content.assemble(
                _("dipanggil: "), (current.code, "bold $accent"), f" ({current.call_count}x)"))

    def _show_take_line(self, view: QueueView) -> None:
        parts: list[Content] = [Content.styled(_("Ambil nomor:"), "bold")]
        for number, service in enumerate(view.services[:NUMBER_KEYS], start=1):
            label = Content.assemble((str(number), "bold $accent"), " ", short_service_label(service.name))
            if service.urgent_only:
                label = Content.assemble(label, (" " + _("(mendesak)"), "$warning"))
            elif service.suspended:
                label = Content.assemble(label, (" " + _("ditunda"), "$warning"))
            parts.append(label)
        widget = self.query_one("#queue-take", Static)
        width = widget.content_size.width or max(40, self.app.size.width - 2)
        widget.update(pack_line(parts, width))

    def _show_tickets(self, view: QueueView) -> None:
        table = self.query_one("#queue-table", DataTable)
        keep = self._select_after_refresh or self._selected_id()
        if keep is None and view.current is not None:
            keep = view.current.id  # first look: the counter's own ticket
        self._select_after_refresh = None
        old_row = table.cursor_row
        self._set_columns(table)
        table.clear()
        self._tickets = {ticket.id: ticket for ticket in view.tickets}
        for ticket in view.tickets:
            table.add_row(*self._cells(ticket, view.read_at), key=str(ticket.id))
        waiting = sum(1 for t in view.tickets if t.status == WAITING)
        panel = self.query_one("#queue-list")
        panel.border_title = _("Menunggu ({n})").format(n=waiting)
        self.query_one("#queue-empty").display = not view.tickets
        table.display = bool(view.tickets)
        if view.tickets:
            row = table.get_row_index(str(keep)) if keep in self._tickets else min(old_row, table.row_count - 1)
            table.move_cursor(row=max(0, row), animate=False)
        self._show_selection()

    def _cells(self, ticket: TicketInfo, now: datetime) -> tuple[Content, ...]:
        issued = clock.to_local(ticket.issued_at)
        if ticket.status == CALLED:
            where = _("dipanggil di loket {n}").format(n=ticket.counter_number) if ticket.counter_number else _("dipanggil")
            note = Content.styled(f"{where} ({ticket.call_count}x)", "bold $accent")
            code = Content.styled(ticket.code, "bold $accent")
        else:
            note = Content(_("menunggu {n:>2} mnt").format(n=ticket.waited_minutes(now)))
            if ticket.counter_number:
                note = Content.assemble(note, ", ", _("ke loket {n}").format(n=ticket.counter_number))
            code = Content.styled(ticket.code, "bold")
        if ticket.urgent:
            # Urgent tickets go first; the code in the warning colour says why.
            code = Content.styled(ticket.code, "bold $warning")
            if ticket.status == WAITING:
                note = Content.assemble((_("mendesak") + ", ", "bold $warning"), note)
        return code, Content(short_service_label(ticket.service_name)), Content(f"{issued:%H:%M}"), note

    def _selected_id(self) -> int | None:
        table = self.query_one("#queue-table", DataTable)
        if not self._tickets or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # the cursor is outside the rows while the table is being refilled
            return None
        return int(key.value) if key.value is not None else None

    def target_ticket(self) -> TicketInfo | None:
        """The ticket that transfer, cancel and reprint act on: the selected row, or the
        counter's current ticket when the list is empty."""
        selected = self._selected_id()
        if selected is not None and selected in self._tickets:
            return self._tickets[selected]
        return self.view.current if self.view is not None else None

    @on(DataTable.RowHighlighted, "#queue-table")
    def _row_highlighted(self) -> None:
        self._show_selection()
        self.refresh_bindings()

    def _show_selection(self) -> None:
        panel = self.query_one("#queue-list")
        ticket = self.target_ticket()
        if ticket is None:
            panel.border_subtitle = ""
            return
        detail = ticket.status_label.lower()
        if ticket.status == WAITING:
            detail = _("{n} di depannya").format(n=ticket.ahead)
        subtitle = Content.assemble(_("dipilih: "), (ticket.code, "bold"), " ", detail)
        if ticket.reason:
            subtitle = Content.assemble(subtitle, " - ", ticket.reason)
        panel.border_subtitle = subtitle

    # --- which keys apply ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open" and parameters == (self.SCREEN_NAME,):
            return False  # F2 is this screen
        allowed = super().check_action(action, parameters)
        if allowed is not True:
            return allowed
        view = self.view
        current = view.current if view is not None else None
        if action == "issue":
            count = len(view.services) if view is not None else 0
            return bool(parameters) and int(parameters[0]) <= count
        if action == "call_next":
            if view is None or view.counter_problem or self.busy:
                return None
            if current is not None and (current.status == SERVING or current.call_count < view.no_show_calls):
                return None
            return True
        if action in ("recall", "start", "no_show"):
            return True if current is not None and current.status == CALLED and not self.busy else None
        if action == "finish":
            return True if current is not None and current.status == SERVING and not self.busy else None
        if action in ("transfer", "cancel_ticket"):
            target = self.target_ticket()
            return True if target is not None and target.status in (WAITING, CALLED) else None
        if action == "reprint":
            return True if self.target_ticket() is not None else None
        return True

    # --- issuing ---------------------------------------------------------------------------

    def action_issue(self, number: int) -> None:
        if self.view is None or not 1 <= number <= min(NUMBER_KEYS, len(self.view.services)):
            return
        service = self.view.services[number - 1]
        actor = self.actor
        if service.urgent_only:
            if actor is not None and actor.can(Role.SUPERVISOR):
                question = _("{name} hanya untuk keperluan mendesak. Tandai mendesak?").format(
                    name=service_name(service.name))
                self.app.push_screen(ConfirmScreen(question, title=_("Nomor mendesak")),
                                     partial(self._urgent_answered, service.code))
                return
            # An operator is refused by core, with the sentence that names who may do it.
            self._issue(service.code, urgent=True)
            return
        self._issue(service.code, urgent=False)

    def _urgent_answered(self, code: str, yes: bool | None) -> None:
        if yes:
            self._issue(code, urgent=True)

    def _issue(self, code: str, *, urgent: bool) -> None:
        printing = receipt_printer_configured(self.app.config)
        self.run_db(documents.issue_ticket, self.actor, code, urgent=urgent, printing=printing,
                    then=self._issued, group="issue")

    def _issued(self, issued: documents.IssuedTicket) -> None:
        ticket = issued.ticket
        ahead = _("{n} orang di depannya").format(n=ticket.ahead) if ticket.ahead else _("tidak ada yang di depannya")
        self.notify(_("Nomor {code} ({service}) diambil; {ahead}.").format(
            code=ticket.code, service=service_name(ticket.service_name), ahead=ahead), markup=False)
        self._select_after_refresh = ticket.id
        self.refresh_data()
        if issued.job_id is None:
            self.notify(_("Nomor {code} tidak dicetak karena printer struk belum diatur.").format(code=ticket.code),
                        severity="warning", markup=False)
            return
        self._send_print(issued.job_id, ticket)

    def _send_print(self, job_id: int, ticket: TicketInfo, *, reprint: bool = False) -> None:
        self.run_db(printjobs.send_job, job_id, self.app.config, actor=self.actor,
                    then=partial(self._printed, ticket, reprint), group="print")

    def _printed(self, ticket: TicketInfo, reprint: bool, outcome: printjobs.PrintOutcome) -> None:
        if outcome.ok:
            if reprint:
                self.notify(_("Nomor {code} dicetak ulang.").format(code=ticket.code), markup=False)
            return
        if self.view is not None and ticket.id in self._tickets:
            table = self.query_one("#queue-table", DataTable)
            table.move_cursor(row=table.get_row_index(str(ticket.id)), animate=False)
        else:
            self._select_after_refresh = ticket.id
        self.notify(print_failed_sentence(ticket.code, outcome.message), severity="error", markup=False, timeout=15)

    def action_reprint(self) -> None:
        ticket = self.target_ticket()
        if ticket is None:
            return
        if not receipt_printer_configured(self.app.config):
            self.show_error(printjobs.missing_printer_message(RECEIPT_PRINTER))
            return
        self.run_db(documents.reprint_ticket, self.actor, ticket.id,
                    then=lambda job_id: self._send_print(job_id, ticket, reprint=True), group="issue")

    # --- the counter's own ticket ----------------------------------------------------------

    def _acted(self, sentence: str, info: TicketInfo | None = None, *, select: bool = False) -> None:
        self.busy = False
        if select and info is not None:
            self._select_after_refresh = info.id
        if sentence:
            self.notify(sentence, markup=False)
        self.refresh_data()

    def _failed(self, exc: AppError) -> None:
        self.busy = False
        self.show_error(exc)
        self.refresh_data()

    def _run_action(self, work, *args, then, **kwargs) -> None:
        self.busy = True
        self.refresh_bindings()
        self.run_db(work, *args, then=then, failed=self._failed, group="counter", **kwargs)

    def action_call_next(self) -> None:
        view = self.view
        previous = view.current if view is not None else None
        gave_up = previous if previous is not None and previous.status == CALLED else None
        self._run_action(queue.call_next, self.actor, self.counter_number, then=partial(self._called, gave_up))

    def _called(self, gave_up: TicketInfo | None, info: TicketInfo | None) -> None:
        sentences = []
        if gave_up is not None:
            self.last_no_show = gave_up.code
            sentences.append(_("{code} ditandai tidak hadir.").format(code=gave_up.code))
        if info is None:
            sentences.append(_("Tidak ada nomor yang menunggu untuk loket {n}.").format(n=self.counter_number))
        else:
            sentences.append(_("Memanggil {code} ke loket {n}.").format(code=info.code, n=self.counter_number))
        self._acted(" ".join(sentences), info, select=True)

    def action_recall(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is not None:
            self._run_action(queue.recall, self.actor, current.id, then=self._recalled)

    def _recalled(self, info: TicketInfo) -> None:
        if info.status == NO_SHOW:
            self.last_no_show = info.code
            self._acted(_("{code} tidak hadir setelah {n} kali dipanggil; tekan F8 untuk nomor berikutnya.").format(
                code=info.code, n=info.call_count))
        else:
            self._acted(_("Memanggil ulang {code} ({n}x).").format(code=info.code, n=info.call_count))

    def action_start(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is None:
            return
        if current.protocol_required and not current.protocol_done:
            self.run_db(queue.health_protocol_items, current.id, then=partial(self._ask_protocol, current))
            return
        self._run_action(queue.start_serving, self.actor, current.id, then=self._started)

    def _ask_protocol(self, ticket: TicketInfo, items) -> None:
        self.app.push_screen(HealthProtocolDialog(ticket.code, items), partial(self._protocol_answered, ticket))

    def _protocol_answered(self, ticket: TicketInfo, checked: list[int] | None) -> None:
        if checked is None:
            return
        self._run_action(_record_protocol_and_start, self.actor, ticket.id, checked, then=self._started)

    def _started(self, info: TicketInfo) -> None:
        self._acted(_("Mulai melayani {code}.").format(code=info.code))

    def action_finish(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is not None:
            self._run_action(queue.finish, self.actor, current.id,
                             then=lambda info: self._acted(_("{code} selesai dilayani.").format(code=info.code)))

    def action_no_show(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is not None:
            self._run_action(queue.mark_no_show, self.actor, current.id, then=self._no_show)

    def _no_show(self, info: TicketInfo) -> None:
        self.last_no_show = info.code
        self._acted(_("{code} ditandai tidak hadir; tekan u bila warganya datang lagi.").format(code=info.code))

    # --- any ticket --------------------------------------------------------------------------

    def action_requeue(self) -> None:
        dialog = TicketCodeDialog(
            _("Kembalikan ke antrian"),
            _("Nomor yang tidak hadir dapat kembali ke antrian di tempatnya semula. Nomor antrian warga:"),
            self.last_no_show,
        )
        self.app.push_screen(dialog, self._requeue_code)

    def _requeue_code(self, code: str | None) -> None:
        if code:
            self._run_action(_requeue_by_code, self.actor, code,
                             then=lambda info: self._acted(
                                 _("{code} kembali ke antrian.").format(code=info.code), info, select=True))

    def action_transfer(self) -> None:
        ticket = self.target_ticket()
        if ticket is None or self.view is None:
            return
        self.app.push_screen(TransferDialog(ticket, self.view.services), partial(self._transfer_to, ticket))

    def _transfer_to(self, ticket: TicketInfo, choice: TransferChoice | None) -> None:
        if choice is None:
            return
        self._run_action(queue.transfer, self.actor, ticket.id, service_code=choice.service_code,
                         counter_number=choice.counter_number, note=choice.note, then=self._transferred)

    def _transferred(self, info: TicketInfo) -> None:
        where = service_name(info.service_name)
        if info.counter_number:
            where = _("{service}, loket {n}").format(service=where, n=info.counter_number)
        self._acted(_("{code} dipindahkan ke {where}.").format(code=info.code, where=where), info, select=True)

    def action_cancel_ticket(self) -> None:
        ticket = self.target_ticket()
        if ticket is not None:
            self._cancel_flow(ticket)

    @work(group="cancel-dialog", exclusive=True)
    async def _cancel_flow(self, ticket: TicketInfo) -> None:
        reason = await self.app.push_screen_wait(ReasonDialog(
            _("Batalkan {code}").format(code=ticket.code),
            _("Nomor {code} ({service}) akan dibatalkan; nomornya tidak dipakai lagi. Tulis alasannya:").format(
                code=ticket.code, service=service_name(ticket.service_name)),
            required_message=_("Alasan pembatalan wajib diisi."),
        ))
        if not reason:
            return
        question = _("Batalkan nomor {code}? Alasan: {reason}").format(code=ticket.code, reason=reason)
        if not await self.app.push_screen_wait(ConfirmScreen(question, title=_("Batalkan nomor antrian"), default=False)):
            return
        self._run_action(queue.cancel, self.actor, ticket.id, reason,
                         then=lambda info: self._acted(_("Nomor {code} dibatalkan.").format(code=info.code)))
