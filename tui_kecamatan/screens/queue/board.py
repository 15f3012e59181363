"""The waiting-room board (`tui-kecamatan display`): the last call in large digits with its
counter, the calls before it, how many wait per service, the office and the clock. A new call
(a recall too) rings the bell and, when configured, is spoken in Indonesian with espeak-ng.

Only ticket codes, counters and services appear here: tickets carry no personal data.
"""

from __future__ import annotations

import asyncio
import logging

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from tui_kecamatan.core import announce, clock, office, queue_views
from tui_kecamatan.core.accounts import Actor
from tui_kecamatan.core.queue_views import BoardState, ServiceQueue
from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.screens.queue.dialogs import StaffPasswordDialog
from tui_kecamatan.widgets.block_text import BlockText, fit_scales
from tui_kecamatan.widgets.format import pack_lines, service_name, short_service_name
from tui_kecamatan.widgets.plain_table import Column, PlainTable

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0  # a backstop: changes normally arrive within a second as DataChanged
CLOCK_SECONDS = 1.0
SPEECH_TIMEOUT = 30.0
PREVIOUS_CALLS = 5
# Rows the call panel needs at 80x24 for the number and the counter in the dot font (scale 1),
# the service line and the frames around it; the waiting line gets what is left.
CALL_PANEL_ROWS = 13
WAITING_GAP = 4


def _load() -> tuple[str, BoardState]:
    return office.get_profile().name, queue_views.board_state(previous=PREVIOUS_CALLS)


def counter_label(number: int | None) -> str:
    return _("Loket {n}").format(n=number) if number is not None else _("Loket -")


class BoardScreen(AppScreen):
    """Shown on a screen in the waiting room; nothing on it is typed in or chosen."""

    CSS_PATH = "board.tcss"
    # A public screen: staff keys mean nothing to the waiting room, and no staff idle lock covers it.
    SHOW_KEYS = False
    IDLE_LOCK = False
    TITLE = _("Papan antrian")
    HELP = _("Papan ruang tunggu: nomor yang dipanggil terakhir, panggilan sebelumnya, dan jumlah yang "
             "menunggu per layanan. Papan diperbarui sendiri. Tekan Ctrl+Q untuk menutup papan.")

    def __init__(self) -> None:
        super().__init__()
        self.session_actor: Actor | None = None
        self.state: BoardState | None = None
        self.office_name = ""
        self.watcher = announce.CallWatcher()
        self._speech: list[str] = []
        self._speaking = False
        self._speaker_missing_told = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="board-header"):
            yield Static("", id="board-office", markup=False)
            yield Static("", id="board-clock", markup=False)
        with Horizontal(id="board-main"):
            with Vertical(id="board-now") as now:
                now.border_title = _("Nomor dipanggil")
                # One line of text when the panel is too small even for the smallest dot font.
                yield Static("", id="board-small", markup=False)
                with Center(classes="board-big"):
                    yield BlockText(id="board-big-code")
                with Center(classes="board-big"):
                    yield BlockText(id="board-big-counter")
                yield Static("", id="board-service", markup=False)
            with Vertical(id="board-previous") as previous:
                previous.border_title = _("Sebelumnya")
                yield PlainTable([Column(_("Nomor"), 6), Column(_("Loket"))], show_header=False, id="board-previous-table")
        with Vertical(id="board-waiting") as waiting:
            waiting.border_title = _("Menunggu")
            yield Static("", id="board-waiting-line")
        yield Static(_("Perhatikan nomor Anda. Bila terlewat, sampaikan ke petugas loket."), id="board-hint", markup=False)

    def on_mount(self) -> None:
        config = self.app.config
        self.watcher = announce.CallWatcher(bell=config.board_bell, speak=config.board_speak)
        self._tick()
        self.set_interval(CLOCK_SECONDS, self._tick)
        self.set_interval(POLL_SECONDS, self.refresh_data)
        self._start()

    @work(group="login", exclusive=True)
    async def _start(self) -> None:
        """Show the board for the app's actor, or after a staff login (any account will do)."""
        actor = await StaffPasswordDialog.session_actor(
            self, _("Masuk - papan antrian"),
            _("Masuk dengan akun layar (atau akun petugas) untuk menampilkan papan antrian."))
        if actor is None:
            return
        self.session_actor = actor
        self.refresh_data()
        if self.app.config.board_speak and announce.find_speech_program() is None:
            # Told once, to whoever starts the board, so the missing voice is not a mystery.
            self._speaker_missing_told = True
            self.notify(_("Suara papan aktif, tetapi espeak-ng tidak terpasang; nomor tidak diucapkan."),
                        severity="warning", markup=False)

    def _tick(self) -> None:
        now = clock.now_local()
        zone = clock.zone_abbreviation()
        self.query_one("#board-clock", Static).update(f"{now:%H:%M} {zone}".rstrip())
        if self.state is not None and self.state.day != now.date():
            self.refresh_data()

    # --- data ------------------------------------------------------------------------------

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        if self.session_actor is None:
            return
        try:
            data = await self.db(_load)
        except AppError as exc:
            # The waiting room sees no error: the board keeps what it shows; the next poll tries again.
            log.warning("board refresh failed: %s", exc)
            return
        self._show(data)

    def _show(self, data: tuple[str, BoardState]) -> None:
        name, state = data
        self.office_name = name
        self.state = state
        self.query_one("#board-office", Static).update((name or _("Kantor kecamatan")).upper())
        self._show_last_call(state)
        self._show_previous(state)
        self._show_waiting(state)
        self._announce(self.watcher.update(state))

    def _show_last_call(self, state: BoardState) -> None:
        call = state.last_call
        service = self.query_one("#board-service", Static)
        if call is None:
            service.update(_("Belum ada nomor yang dipanggil hari ini."))
        else:
            service.update(service_name(call.service_name))
        self.call_after_refresh(self._fit_call)

    def _fit_call(self) -> None:
        """Draw the last call in the dot font, as large as the panel allows (every letter A-Z
        has a shape); a panel too small even for dots of one cell gets the call on one line."""
        call = self.state.last_call if self.state is not None else None
        code_text = call.code if call is not None else ""
        counter_text = _("LOKET {n}").format(n=call.counter_number) if call and call.counter_number else ""
        big_code = self.query_one("#board-big-code", BlockText)
        big_counter = self.query_one("#board-big-counter", BlockText)
        big_code.text, big_counter.text = code_text, counter_text
        small = self.query_one("#board-small", Static)
        small.update(Content.assemble((code_text, "bold"), f"  →  {counter_text}" if counter_text else ""))
        width, height = self.query_one("#board-now").content_size
        scales = fit_scales(code_text, counter_text, width, height - 2, smallest=1) if code_text else None
        big = scales is not None
        small.display = bool(code_text) and not big
        for box in self.query(".board-big"):
            box.display = big
        if scales is not None:
            code_scale, counter_scale = scales
            big_code.scale = code_scale
            big_counter.scale = max(1, counter_scale)
            big_counter.display = bool(counter_text)

    def _show_previous(self, state: BoardState) -> None:
        rows = [
            (Content.styled(call.code, "bold"), counter_label(call.counter_number))
            for call in state.previous
        ]
        self.query_one("#board-previous-table", PlainTable).set_rows(rows)

    def _show_waiting(self, state: BoardState) -> None:
        """How many wait per service, each with its ticket letter; when the names would take more
        rows than the call panel can spare, the letters and counts alone."""
        # Urgent-only services are not offered to the waiting room.
        services = [s for s in state.waiting if s.waiting or not s.urgent_only]
        widget = self.query_one("#board-waiting-line", Static)
        if not services:
            widget.update(Content(_("Tidak ada layanan aktif.")))
            return
        width = widget.content_size.width or max(40, self.app.size.width - 6)
        rows = max(1, self.app.size.height - CALL_PANEL_ROWS - 5)  # header, hint, the panel's frame
        lines = pack_lines([self._waiting_item(s, named=True) for s in services], width, WAITING_GAP)
        if len(lines) > rows:
            lines = pack_lines([self._waiting_item(s, named=False) for s in services], width, WAITING_GAP - 1)
        widget.update(Content("\n").join(lines))

    @staticmethod
    def _waiting_item(service: ServiceQueue, *, named: bool) -> Content:
        item = Content.styled(service.prefix, "bold")
        if named:
            item = Content.assemble(item, " ", short_service_name(service.name))
        if service.suspended and not service.waiting:
            return Content.assemble(item, " ", (_("ditutup"), "$warning"))
        return Content.assemble(item, " ", (str(service.waiting), "bold $accent"))

    def on_resize(self) -> None:
        if self.state is not None:
            self._show_waiting(self.state)
            self.call_after_refresh(self._fit_call)

    # --- bell and voice --------------------------------------------------------------------

    def _announce(self, announcement: announce.Announcement) -> None:
        if announcement.is_empty:
            return
        if announcement.ring:
            self.app.bell()
        if announcement.speech:
            self._speech.extend(announcement.speech)
            if not self._speaking:
                self._speaking = True
                self._speak_all()

    @work(group="speech")
    async def _speak_all(self) -> None:
        """Speak the queued sentences one after another, without holding up the event loop."""
        try:
            while self._speech:
                text = self._speech.pop(0)
                program = announce.find_speech_program()
                if program is None:
                    if not self._speaker_missing_told:
                        self._speaker_missing_told = True
                        self.notify(_("espeak-ng tidak ditemukan; nomor tidak dapat diucapkan."),
                                    severity="warning", markup=False)
                    self._speech.clear()
                    return
                try:
                    process = await asyncio.create_subprocess_exec(
                        *announce.speech_command(text, program),
                        stdin=asyncio.subprocess.DEVNULL,
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.DEVNULL,
                    )
                except OSError as exc:
                    log.warning("espeak-ng could not start: %s", exc)
                    self._speech.clear()
                    return
                try:
                    await asyncio.wait_for(process.wait(), SPEECH_TIMEOUT)
                except asyncio.TimeoutError:
                    process.kill()
                    await process.wait()
                except asyncio.CancelledError:
                    # The board is closing: do not leave a voice talking behind it.
                    if process.returncode is None:
                        process.kill()
                    raise
        finally:
            self._speaking = False
