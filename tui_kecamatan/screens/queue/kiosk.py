"""The ticket kiosk (`tui-kecamatan kiosk`): a citizen presses a service's number on the keypad,
the ticket is issued and printed, and its number stays large on the screen for a few seconds
(or, when the printer fails, with the advice to write it down). Every press counts: people
pressing one after another get their tickets issued and printed in the order they pressed.
Closing the kiosk needs the password of a supervisor or an admin; no navigation key of the
office screens works here."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Grid, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, ContentSwitcher, Static

from tui_kecamatan.core import documents, office, printjobs, queue_views
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.queue_views import ServiceQueue
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.screens.queue.dialogs import StaffPasswordDialog
from tui_kecamatan.widgets.block_text import BlockText, fit_scales
from tui_kecamatan.widgets.format import service_name, short_service_name

SHOW_TICKET_SECONDS = 8.0
SHOW_REFUSAL_SECONDS = 5.0
NUMBER_KEYS = 9
# Keypad keys with Num Lock off arrive as navigation keys; 5 sends nothing usable.
KEYPAD_ALIASES = {1: "end", 2: "down", 3: "pagedown", 4: "left", 6: "right", 7: "home", 8: "up", 9: "pageup"}
RECEIPT_PRINTER = "receipt"


def offered_services(services: list[ServiceQueue]) -> list[ServiceQueue]:
    """The services a citizen can choose at the kiosk, numbered 1..9 in this order: urgent-only
    services are given by a supervisor at a counter, never at the kiosk."""
    return [s for s in services if not s.urgent_only][:NUMBER_KEYS]


def _load() -> tuple[str, list[ServiceQueue]]:
    return office.get_profile().name, queue_views.queue_overview()


def _keys(number: int) -> str:
    alias = KEYPAD_ALIASES.get(number)
    return f"{number},{alias}" if alias else str(number)


class KioskScreen(AppScreen):
    CSS_PATH = "kiosk.tcss"
    # Citizens press keys here all day: no staff keys shown, no staff idle lock in their way.
    SHOW_KEYS = False
    IDLE_LOCK = False
    TITLE = _("Kiosk antrian")
    HELP = _("Kiosk ambil nomor antrian. Warga menekan angka layanan. Esc atau Ctrl+Q menutup kiosk "
             "dengan kata sandi supervisor atau admin.")

    BINDINGS = [
        *[Binding(_keys(n), f"take({n})", _("Ambil nomor layanan {n}").format(n=n), show=False)
          for n in range(1, NUMBER_KEYS + 1)],
        Binding("escape,ctrl+q", "leave", _("Tutup kiosk (petugas)"), show=False),
    ]

    # Presses are served one at a time in the order they came, each ticket issued and then
    # printed before the next: a queue of citizens gets its tickets in the order it pressed.
    ORDERED_GROUPS = frozenset({"issue"})

    def __init__(self) -> None:
        super().__init__()
        self.session_actor: Actor | None = None
        self.services: list[ServiceQueue] = []
        self.shown_code = ""
        self.pending = 0  # presses taken and not yet served
        self._back_timer: Timer | None = None
        self._buttons_key: tuple = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="kiosk-office", markup=False)
        yield Static(_("Ambil nomor antrian"), id="kiosk-title", markup=False)
        with ContentSwitcher(initial="kiosk-menu", id="kiosk-switcher"):
            with Vertical(id="kiosk-menu"):
                yield Static(_("Tekan angka layanan yang Anda perlukan:"), id="kiosk-prompt", markup=False)
                yield Grid(id="kiosk-services")
            with Vertical(id="kiosk-ticket"):
                yield Static("", id="kiosk-ticket-label", markup=False)
                with Center():
                    yield BlockText(id="kiosk-code")
                yield Static("", id="kiosk-ticket-service", markup=False)
                yield Static("", id="kiosk-ticket-ahead", markup=False)
                yield Static("", id="kiosk-ticket-message", markup=False)

    # --- the kiosk keeps staff keys away -----------------------------------------------------

    def allow_quit(self) -> bool:
        return False  # Ctrl+Q reaches the kiosk's own binding, which asks for a supervisor

    def allow_palette(self) -> bool:
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("help", "copy_text"):
            return False
        return True

    # --- start -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._start()

    @work(group="login", exclusive=True)
    async def _start(self) -> None:
        """Open the kiosk for the app's actor, or after a staff login (any account will do)."""
        actor = await StaffPasswordDialog.session_actor(
            self, _("Masuk - kiosk antrian"),
            _("Masuk dengan akun layar (atau akun petugas) untuk membuka kiosk antrian."))
        if actor is not None:
            self.session_actor = actor
            self.refresh_data()

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        if self.session_actor is None:
            return
        try:
            data = await self.db(_load)
        except AppError:
            return  # citizens see no database sentence; the menu stays as it was
        self._show(data)

    def _show(self, data: tuple[str, list[ServiceQueue]]) -> None:
        name, services = data
        self.query_one("#kiosk-office", Static).update(name or _("Kantor kecamatan"))
        self.services = offered_services(services)
        key = tuple((s.code, s.name, s.suspended, s.reason, s.waiting) for s in self.services)
        if key != self._buttons_key:
            self._buttons_key = key
            self._build_buttons(list(self.services))

    @work(group="buttons", exclusive=True)
    async def _build_buttons(self, services: list[ServiceQueue]) -> None:
        grid = self.query_one("#kiosk-services", Grid)
        await grid.remove_children()
        two_columns = len(services) > 5
        grid.set_class(two_columns, "-two-columns")
        # Half the width in two columns: the short names ("Pindah antar kecamatan") still fit.
        name_of = short_service_name if two_columns else service_name
        buttons = []
        for number, service in enumerate(services, start=1):
            if service.suspended:
                reason = service.reason.rstrip(".")
                label = Content.assemble((f"{number}  ", "bold $accent"), name_of(service.name), "\n   ",
                                         (_("ditutup") + (f": {reason}" if reason else ""), "bold"))
            else:
                waiting = _("{n} menunggu").format(n=service.waiting)
                label = Content.assemble((f"{number}  ", "bold $accent"), (name_of(service.name), "bold"), "\n   ", waiting)
            button = Button(label, name=str(number), classes="kiosk-service")
            button.can_focus = False  # Enter must never take a ticket for whatever had focus
            button.set_class(service.suspended, "-closed")
            buttons.append(button)
        if not buttons:
            buttons.append(Static(_("Belum ada layanan yang dapat dipilih."), markup=False))
        await grid.mount_all(buttons)

    # --- taking a ticket ---------------------------------------------------------------------

    @on(Button.Pressed, ".kiosk-service")
    def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_take(int(event.button.name or 0))

    def action_take(self, number: int) -> None:
        if self.session_actor is None or not 1 <= number <= len(self.services):
            return
        # The service is taken as the menu shows it now: a later refresh cannot change the choice.
        self.pending += 1
        if self.pending == 1:
            self._show_panel(_("Memproses..."), "", "", "", "")
        self._take(self.services[number - 1])

    @work(group="issue")
    async def _take(self, service: ServiceQueue) -> None:
        """Issue the citizen's ticket, show it large and print it; a refusal or a printer failure
        is told in words a citizen understands. The group runs the presses in order."""
        try:
            printing = RECEIPT_PRINTER in self.app.config.printers
            try:
                issued = await self.db(documents.issue_ticket, self.session_actor, service.code, urgent=False,
                                       printing=printing)
            except AppError as exc:
                self._show_panel(_("Maaf"), "", "", "", str(exc), "error")
                self._return_later(SHOW_REFUSAL_SECONDS)
                return
            ticket = issued.ticket
            ahead = (_("{n} orang di depan Anda").format(n=ticket.ahead) if ticket.ahead
                     else _("Tidak ada antrian di depan Anda"))
            name = service_name(ticket.service_name)
            if issued.job_id is None:
                self._show_panel(_("Nomor antrian Anda"), ticket.code, name, ahead, _("Silakan catat nomor Anda."),
                                 "warning")
                self._return_later(SHOW_TICKET_SECONDS)
                return
            self._show_panel(_("Nomor antrian Anda"), ticket.code, name, ahead, _("Mencetak tiket..."))
            try:
                outcome = await self.db(printjobs.send_job, issued.job_id, self.app.config, actor=self.session_actor)
                printed = outcome.ok
            except AppError:
                printed = False
            if printed:
                self._set_message(_("Silakan ambil tiket Anda"), "ok")
            else:
                self._set_message(_("Printer bermasalah, catat nomor Anda"), "error")
            self._return_later(SHOW_TICKET_SECONDS)
        finally:
            self.pending -= 1

    def _show_panel(self, label: str, code: str, service: str, ahead: str, message: str, kind: str = "") -> None:
        self.query_one("#kiosk-ticket-label", Static).update(label)
        big = self.query_one("#kiosk-code", BlockText)
        big.text = code
        big.display = bool(code)
        self.call_after_refresh(self._fit_code)
        self.query_one("#kiosk-ticket-service", Static).update(service)
        self.query_one("#kiosk-ticket-ahead", Static).update(ahead)
        self._set_message(message, kind)
        self.shown_code = code
        self.query_one("#kiosk-switcher", ContentSwitcher).current = "kiosk-ticket"
        if self._back_timer is not None:
            self._back_timer.stop()
            self._back_timer = None

    def _fit_code(self) -> None:
        """The number as large as the panel allows, leaving room for the lines around it."""
        big = self.query_one("#kiosk-code", BlockText)
        width, height = self.query_one("#kiosk-ticket").content_size
        scales = fit_scales(big.text, "", width - 2, height - 8, smallest=1)
        big.scale = scales[0] if scales is not None else 1

    def _set_message(self, message: str, kind: str = "") -> None:
        widget = self.query_one("#kiosk-ticket-message", Static)
        widget.update(message)
        for name in ("ok", "error", "warning"):
            widget.set_class(kind == name, f"-{name}")

    def _return_later(self, seconds: float) -> None:
        if self._back_timer is not None:
            self._back_timer.stop()
        self._back_timer = self.set_timer(seconds, self._back_to_menu)

    def _back_to_menu(self) -> None:
        self._back_timer = None
        self.shown_code = ""
        self.query_one("#kiosk-switcher", ContentSwitcher).current = "kiosk-menu"
        self.refresh_data()

    # --- leaving -----------------------------------------------------------------------------

    def action_leave(self) -> None:
        self._leave_flow()

    @work(group="kiosk-leave", exclusive=True)
    async def _leave_flow(self) -> None:
        dialog = StaffPasswordDialog(
            _("Tutup kiosk"),
            _("Kiosk hanya dapat ditutup oleh supervisor atau admin. Masukkan nama pengguna dan kata sandi."),
            min_role=Role.SUPERVISOR,
            refusal=_("Hanya supervisor atau admin yang dapat menutup kiosk."),
            guard_keys=True,
        )
        actor = await self.app.push_screen_wait(dialog)
        if actor is None:
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            await self.app.action_quit()
