"""The waiting-room board (`tui-kecamatan display`): the last call in large digits with its
counter, the calls before it, how many wait per service, the office and the clock. A new call
(a recall too) rings the bell and, when configured, is spoken in Indonesian with espeak-ng.

Only ticket codes, counters and services appear here: tickets carry no personal data.
"""

from __future__ import annotations

import asyncio
import logging

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Digits, Static

from tui_kecamatan.core import announce, clock, office, queue
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.queue import BoardState
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import AppScreen
from tui_kecamatan.screens.queue.queue import pack_line, service_name, short_service_label
from tui_kecamatan.screens.queue.dialogs import StaffPasswordDialog
from tui_kecamatan.widgets.block_text import BlockText, fit_scales
from tui_kecamatan.widgets.plain_table import Column, PlainTable

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0  # a backstop: changes normally arrive within a second as DataChanged
CLOCK_SECONDS = 1.0
SPEECH_TIMEOUT = 30.0
PREVIOUS_CALLS = 5


def _load() -> tuple[str, BoardState]:
    return office.get_profile().name, queue.board_state(previous=PREVIOUS_CALLS)


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
                with Center(id="board-small"):
                    with Horizontal(id="board-call"):
                        yield Digits("", id="board-code")
                        yield Static("", id="board-arrow", markup=False)
                        yield Static(_("LOKET"), id="board-counter-word", markup=False)
                        yield Digits("", id="board-counter")
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
        if self.app.actor is not None:
            self._start(self.app.actor)
        else:
            dialog = StaffPasswordDialog(
                _("Masuk - papan antrian"),
                _("Masuk dengan akun layar (atau akun petugas) untuk menampilkan papan antrian."),
                min_role=Role.DISPLAY,
                cancellable=False,
            )
            self.app.push_screen(dialog, self._start)

    def _start(self, actor: Actor | None) -> None:
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

    def refresh_data(self) -> None:
        if self.session_actor is None:
            return
        self.run_db(_load, then=self._show, failed=self._unavailable, group="board", exclusive=True)

    def _unavailable(self, exc) -> None:
        # The board keeps what it shows; the next poll tries again.
        log.warning("board refresh failed: %s", exc)

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
        code = self.query_one("#board-code", Digits)
        counter = self.query_one("#board-counter", Digits)
        service = self.query_one("#board-service", Static)
        if call is None:
            code.update("")
            counter.update("")
            self.query_one("#board-arrow", Static).update("")
            self.query_one("#board-counter-word").display = False
            service.update(_("Belum ada nomor yang dipanggil hari ini."))
            return
        code.update(call.code)
        self.query_one("#board-arrow", Static).update("→" if call.counter_number is not None else "")
        self.query_one("#board-counter-word").display = call.counter_number is not None
        counter.update(str(call.counter_number) if call.counter_number is not None else "")
        service.update(service_name(call.service_name))
        self.call_after_refresh(self._fit_call)

    def _fit_call(self) -> None:
        """Draw the last call in the dot font when the panel has room for it at twice the size
        of a dot or more; at 80x24 the 3-row Digits are what fits."""
        call = self.state.last_call if self.state is not None else None
        panel = self.query_one("#board-now")
        width, height = panel.content_size
        code_text = call.code if call is not None else ""
        counter_text = _("LOKET {n}").format(n=call.counter_number) if call and call.counter_number else ""
        scales = fit_scales(code_text, counter_text, width, height - 2) if code_text else None
        big = scales is not None
        self.query_one("#board-small").display = not big
        for box in self.query(".board-big"):
            box.display = big
        if scales is not None:
            code_scale, counter_scale = scales
            big_code = self.query_one("#board-big-code", BlockText)
            big_code.text, big_code.scale = code_text, code_scale
            big_counter = self.query_one("#board-big-counter", BlockText)
            big_counter.text, big_counter.scale = counter_text, max(1, counter_scale)
            big_counter.display = bool(counter_text)

    def _show_previous(self, state: BoardState) -> None:
        rows = [
            (Content.styled(call.code, "bold"), counter_label(call.counter_number))
            for call in state.previous
        ]
        self.query_one("#board-previous-table", PlainTable).set_rows(rows)

    def _show_waiting(self, state: BoardState) -> None:
        parts = []
        for service in state.waiting:
            if service.urgent_only and not service.waiting:
                continue  # urgent-only services are not offered to the waiting room
            label = short_service_label(service.name)
            if service.suspended and not service.waiting:
                parts.append(Content.assemble(label, " ", (_("ditutup"), "$warning")))
            else:
                parts.append(Content.assemble(label, " ", (str(service.waiting), "bold $accent")))
        widget = self.query_one("#board-waiting-line", Static)
        width = widget.content_size.width or max(40, self.app.size.width - 6)
        line = pack_line(parts, width, gap=4) if parts else Content(_("Tidak ada layanan aktif."))
        widget.update(line)

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
                self.run_worker(self._speak_all(), group="speech")

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
