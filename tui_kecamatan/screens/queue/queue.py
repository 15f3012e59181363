"""The queue at a counter (F2): numbers taken for walk-in citizens and printed, today's waiting
and called tickets, and the counter's work on them: call, recall, serve, finish, no-show,
requeue, transfer, cancel and reprint."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import AsyncIterator

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from tui_kecamatan.core import clock, documents, printjobs, queue_views, tickets
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.queue_views import ServiceQueue
from tui_kecamatan.core.tickets import CALLED, NO_SHOW, SERVING, WAITING, TicketInfo, no_show_calls
from tui_kecamatan.errors import AppError, NotFound
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.screens.queue.dialogs import HealthProtocolDialog, TransferDialog
from tui_kecamatan.widgets.approval import ApprovalDialog
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.format import pack_line, service_name, short_service_name
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.prompt import TextPrompt

PAGE = 200  # rows of the waiting list; a day's queue is far shorter
NUMBER_KEYS = 9
MINUTE_REFRESH_SECONDS = 30
RECEIPT_PRINTER = "receipt"
TICKET_CODE_MAX = 12
COLUMNS = (("code", _("Nomor")), ("service", _("Layanan")), ("issued", _("Ambil")), ("note", _("Keterangan")))
COLUMN_WIDTHS = (7, 22, 5)  # the note column takes the rest


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
    services = queue_views.queue_overview()
    waiting = queue_views.waiting_tickets(limit=PAGE)
    try:
        current = queue_views.counter_current(counter_number)
        problem = ""
    except AppError as exc:
        current, problem = None, str(exc)
    return QueueView(services, waiting, current, problem, no_show_calls(), clock.now_utc())


def _requeue_by_code(actor: Actor, code: str) -> TicketInfo:
    ticket = tickets.find_ticket(code)
    if ticket is None:
        raise NotFound(_("Nomor antrian {code} tidak ada hari ini.").format(code=code))
    return tickets.requeue(actor, ticket.id)


def _record_protocol_and_start(actor: Actor, ticket_id: int, checked: list[int]) -> TicketInfo:
    tickets.record_health_protocol(actor, ticket_id, checked)
    return tickets.start_serving(actor, ticket_id)


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

    # Number keys issue tickets one at a time in the order they were pressed, and tickets print
    # in the order they were issued; the counter's own steps follow one another too.
    ORDERED_GROUPS = frozenset({"issue", "print", "counter"})

    busy = reactive(False, bindings=True)
    """A change at the counter is under way: the keys for the counter's own ticket grey out."""

    def __init__(self) -> None:
        super().__init__()
        self.view: QueueView | None = None
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

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        self._show(await self.db(load_view, self.counter_number))

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
            label = Content.assemble((str(number), "bold $accent"), " ", short_service_name(service.name))
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
        return code, Content(short_service_name(ticket.service_name)), Content(f"{issued:%H:%M}"), note

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
        allowed = super().check_action(action, parameters)
        if allowed is not True:
            return allowed
        view = self.view
        if action == "issue":
            count = len(view.services) if view is not None else 0
            return bool(parameters) and int(parameters[0]) <= count
        current = view.current if view is not None else None
        target = self.target_ticket() if action in ("transfer", "cancel_ticket", "reprint") else None
        calling = current is not None and current.status == CALLED and not self.busy
        applies = {
            # A called ticket keeps the counter until its calls are used up (then F8 gives up on it).
            "call_next": view is not None and not view.counter_problem and not self.busy and (
                current is None or (current.status != SERVING and current.call_count >= view.no_show_calls)),
            "recall": calling,
            "start": calling,
            "no_show": calling,
            "finish": current is not None and current.status == SERVING and not self.busy,
            "transfer": target is not None and target.status in (WAITING, CALLED),
            "cancel_ticket": target is not None and target.status in (WAITING, CALLED),
            "reprint": target is not None,
        }
        if action not in applies:
            return True
        return True if applies[action] else None  # None: shown, greyed out

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """What a greyed-out key says when it is pressed anyway (see KecamatanApp.run_action)."""
        view = self.view
        if view is None:
            return _("Daftar antrian masih dimuat; coba sebentar lagi.")
        if self.busy:
            return _("Perubahan sebelumnya masih disimpan; tunggu sebentar.")
        current = view.current
        nothing_called = _("Belum ada nomor yang dipanggil ke loket ini; tekan F8 untuk memanggil nomor berikutnya.")
        if action == "call_next":
            if view.counter_problem:
                return view.counter_problem
            if current is not None and current.status == SERVING:
                return _("Nomor {code} sedang dilayani; tekan d (Selesai) sebelum memanggil nomor berikutnya.").format(
                    code=current.code)
            if current is not None:
                return _("Nomor {code} baru dipanggil {n} dari {most} kali: panggil ulang (r), mulai layani (s) atau "
                         "tandai tidak hadir (n) sebelum memanggil nomor berikutnya.").format(
                    code=current.code, n=current.call_count, most=view.no_show_calls)
        if action in ("recall", "start", "no_show", "finish"):
            if current is None:
                return nothing_called
            if current.status == SERVING:
                return _("Nomor {code} sudah dilayani; tekan d bila pelayanannya selesai.").format(code=current.code)
            return _("Nomor {code} belum mulai dilayani; tekan s untuk mulai melayani.").format(code=current.code)
        if action in ("transfer", "cancel_ticket", "reprint"):
            target = self.target_ticket()
            if target is None:
                return _("Belum ada nomor antrian di daftar untuk dipilih.")
            return _("Nomor {code} berstatus {status}; hanya nomor yang menunggu atau dipanggil yang dapat dipindahkan "
                     "atau dibatalkan.").format(code=target.code, status=target.status_label.lower())
        return None

    # --- issuing ---------------------------------------------------------------------------

    def action_issue(self, number: int) -> None:
        if self.view is None or not 1 <= number <= min(NUMBER_KEYS, len(self.view.services)):
            return
        self._issue(self.view.services[number - 1])

    @work(group="issue")
    async def _issue(self, service: ServiceQueue) -> None:
        """One press of a number key; the group keeps presses in order and loses none."""
        urgent = service.urgent_only
        actor = self.actor
        approval = None
        if urgent and actor is not None:
            # A supervisor approves in place: at an operator's desk with their own name and
            # password, at their own desk with the reason only. Core checks the approval again.
            own = actor.can(Role.SUPERVISOR)
            about = _("{name} hanya untuk keperluan mendesak. Tulis alasannya; nomor mendesak dilayani lebih dulu.")
            approval = await self.app.push_screen_wait(ApprovalDialog(
                about.format(name=service_name(service.name)), own=own, title=_("Nomor mendesak")))
            if approval is None:
                return
        printing = RECEIPT_PRINTER in self.app.config.printers
        issued = await self.db(documents.issue_ticket, actor, service.code, urgent=urgent, printing=printing,
                               approval=approval)
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
        self._print(ticket, issued.job_id)

    @work(group="print")
    async def _print(self, ticket: TicketInfo, job_id: int | None = None) -> None:
        """Send a ticket's print job to the receipt printer; without a job, record a reprint first."""
        reprint = job_id is None
        if job_id is None:
            job_id = await self.db(documents.reprint_ticket, self.actor, ticket.id)
        outcome = await self.db(printjobs.send_job, job_id, self.app.config, actor=self.actor)
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
        if RECEIPT_PRINTER not in self.app.config.printers:
            self.show_error(printjobs.missing_printer_message(RECEIPT_PRINTER))
            return
        self._print(ticket)

    # --- the counter's own ticket ----------------------------------------------------------

    @asynccontextmanager
    async def _changing(self) -> AsyncIterator[None]:
        """Around one change at the counter: busy while it runs; after a refusal (shown by the
        worker) the list is read again, since what was refused may have changed elsewhere."""
        self.busy = True
        try:
            yield
        except AppError:
            self.refresh_data()
            raise
        finally:
            self.busy = False

    def _acted(self, sentence: str, info: TicketInfo | None = None, *, select: bool = False) -> None:
        if select and info is not None:
            self._select_after_refresh = info.id
        if sentence:
            self.notify(sentence, markup=False)
        self.refresh_data()

    def _current(self) -> TicketInfo | None:
        return self.view.current if self.view is not None else None

    def action_call_next(self) -> None:
        previous = self._current()
        gave_up = previous if previous is not None and previous.status == CALLED else None
        self.busy = True  # greyed out at once, so a second press is not taken as another call
        self._call_next(gave_up)

    @work(group="counter")
    async def _call_next(self, gave_up: TicketInfo | None) -> None:
        async with self._changing():
            info = await self.db(tickets.call_next, self.actor, self.counter_number)
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
        current = self._current()
        if current is not None:
            self.busy = True
            self._recall(current)

    @work(group="counter")
    async def _recall(self, current: TicketInfo) -> None:
        async with self._changing():
            info = await self.db(tickets.recall, self.actor, current.id)
        if info.status == NO_SHOW:
            self.last_no_show = info.code
            self._acted(_("{code} tidak hadir setelah {n} kali dipanggil; tekan F8 untuk nomor berikutnya.").format(
                code=info.code, n=info.call_count))
        else:
            self._acted(_("Memanggil ulang {code} ({n}x).").format(code=info.code, n=info.call_count))

    def action_start(self) -> None:
        current = self._current()
        if current is not None:
            self.busy = True
            self._start(current)

    @work(group="counter")
    async def _start(self, current: TicketInfo) -> None:
        """Start serving; perekaman KTP-el first asks for its health-protocol checklist."""
        async with self._changing():
            if current.protocol_required and not current.protocol_done:
                items = await self.db(tickets.health_protocol_items, current.id)
                checked = await self.app.push_screen_wait(HealthProtocolDialog(current.code, items))
                if checked is None:
                    return
                info = await self.db(_record_protocol_and_start, self.actor, current.id, checked)
            else:
                info = await self.db(tickets.start_serving, self.actor, current.id)
        self._acted(_("Mulai melayani {code}.").format(code=info.code))

    def action_finish(self) -> None:
        current = self._current()
        if current is not None:
            self.busy = True
            self._finish(current)

    @work(group="counter")
    async def _finish(self, current: TicketInfo) -> None:
        async with self._changing():
            info = await self.db(tickets.finish, self.actor, current.id)
        self._acted(_("{code} selesai dilayani.").format(code=info.code))

    def action_no_show(self) -> None:
        current = self._current()
        if current is not None:
            self.busy = True
            self._no_show(current)

    @work(group="counter")
    async def _no_show(self, current: TicketInfo) -> None:
        async with self._changing():
            info = await self.db(tickets.mark_no_show, self.actor, current.id)
        self.last_no_show = info.code
        self._acted(_("{code} ditandai tidak hadir; tekan u bila warganya datang lagi.").format(code=info.code))

    # --- any ticket --------------------------------------------------------------------------

    def action_requeue(self) -> None:
        self._requeue(self.last_no_show)

    @work(group="counter")
    async def _requeue(self, offered: str) -> None:
        code = await self.app.push_screen_wait(TextPrompt(
            _("Kembalikan ke antrian"),
            _("Nomor yang tidak hadir dapat kembali ke antrian di tempatnya semula. Nomor antrian warga:"),
            value=offered,
            max_length=TICKET_CODE_MAX,
            placeholder=_("ketik nomor, mis. A-007"),
            empty=_("Ketik nomor antriannya, mis. A-007."),
        ))
        if not code:
            return
        async with self._changing():
            info = await self.db(_requeue_by_code, self.actor, code.upper())
        self._acted(_("{code} kembali ke antrian.").format(code=info.code), info, select=True)

    def action_transfer(self) -> None:
        ticket = self.target_ticket()
        if ticket is not None and self.view is not None:
            self._transfer(ticket, self.view.services)

    @work(group="counter")
    async def _transfer(self, ticket: TicketInfo, services: list[ServiceQueue]) -> None:
        choice = await self.app.push_screen_wait(TransferDialog(ticket, services))
        if choice is None:
            return
        async with self._changing():
            info = await self.db(tickets.transfer, self.actor, ticket.id, service_code=choice.service_code,
                                 counter_number=choice.counter_number, note=choice.note)
        where = service_name(info.service_name)
        if info.counter_number:
            where = _("{service}, loket {n}").format(service=where, n=info.counter_number)
        self._acted(_("{code} dipindahkan ke {where}.").format(code=info.code, where=where), info, select=True)

    def action_cancel_ticket(self) -> None:
        ticket = self.target_ticket()
        if ticket is not None:
            self._cancel(ticket)

    @work(group="counter")
    async def _cancel(self, ticket: TicketInfo) -> None:
        reason = await self.app.push_screen_wait(TextPrompt(
            _("Batalkan {code}").format(code=ticket.code),
            _("Nomor {code} ({service}) akan dibatalkan; nomornya tidak dipakai lagi. Tulis alasannya:").format(
                code=ticket.code, service=service_name(ticket.service_name)),
            empty=_("Alasan pembatalan wajib diisi."),
        ))
        if not reason:
            return
        question = _("Batalkan nomor {code}? Alasan: {reason}").format(code=ticket.code, reason=reason)
        if not await self.app.push_screen_wait(ConfirmScreen(question, title=_("Batalkan nomor antrian"), default=False)):
            return
        async with self._changing():
            info = await self.db(tickets.cancel, self.actor, ticket.id, reason)
        self._acted(_("Nomor {code} dibatalkan.").format(code=info.code))
