"""The home screen after login: today's queue per service, requests by status and arrivals per
hour, refreshed whenever any counter changes something."""

from __future__ import annotations

from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from printing.text import DAY_NAMES, format_date_short
from tui_kecamatan.core import clock, office, stats
from tui_kecamatan.core.accounts import Role
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.widgets.format import short_service_names
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.plain_table import Column, PlainTable


def format_header_time(moment: datetime) -> str:
    """'Sabtu, 28 Nov 2026 09:15 WIB' for a local time."""
    return f"{DAY_NAMES[moment.weekday()]}, {format_date_short(moment.date())} {moment:%H:%M} {clock.zone_abbreviation()}".rstrip()


def _load() -> tuple[office.Profile, stats.HomeFigures]:
    return office.get_profile(), stats.home_figures(clock.today())


def _count(value: int, style: str = "") -> Content:
    return Content.styled(str(value), style) if style and value else Content(str(value))


class HomeScreen(OfficeScreen):
    CSS_PATH = "home.tcss"
    SCREEN_NAME = "home"
    TITLE = _("Layar utama")
    HELP = _("Angka hari ini: nomor antrian per layanan, permohonan menurut status, dan kedatangan "
             "per jam. Angka diperbarui sendiri ketika loket lain bekerja. Pilih pekerjaan dengan "
             "tombol F di bawah, atau Ctrl+P untuk mencari perintah. Bila ada cetakan yang gagal, jumlahnya "
             "tampil di bawah; supervisor membukanya dengan p untuk mencetak ulang atau membuangnya.")
    BINDINGS = [Binding("p", "print_jobs", _("Cetakan gagal"), id="printjobs")]

    def __init__(self) -> None:
        super().__init__()
        self.figures: stats.HomeFigures | None = None
        self.profile: office.Profile | None = None
        self._shown_minute = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="home-header"):
            yield Static("", id="home-office", markup=False)
            yield Static("", id="home-time", markup=False)
        yield Static("", id="home-staff")
        with Horizontal(id="home-body"):
            with Vertical(id="home-left"):
                with Vertical(classes="panel", id="home-queue") as panel:
                    panel.border_title = _("Antrian hari ini")
                    yield PlainTable(
                        [Column(_("Layanan")), Column(_("Tunggu"), 7, "right"), Column(_("Selesai"), 7, "right")],
                        id="home-services",
                    )
                with Vertical(classes="panel", id="home-arrivals") as panel:
                    panel.border_title = _("Kedatangan per jam")
                    yield Sparkline([], id="home-sparkline")
                    yield Static("", id="home-hours", markup=False)
                    yield Static("", id="home-arrivals-summary", markup=False)
            with Vertical(classes="panel", id="home-requests") as panel:
                panel.border_title = _("Permohonan")
                yield PlainTable([Column(_("Status")), Column(_("Jumlah"), 6, "right")], show_header=False,
                                 id="home-request-table")
        yield Static("", id="home-prints", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_staff()
        self._tick()
        self.set_interval(5, self._tick)

    def _tick(self) -> None:
        """Keep the clock to the minute; a new day reloads the figures."""
        now = clock.now_local()
        minute = format_header_time(now)
        if minute == self._shown_minute:
            return
        self._shown_minute = minute
        self.query_one("#home-time", Static).update(minute)
        if self.figures is not None and self.figures.day != now.date():
            self.refresh_data()

    def _show_staff(self) -> None:
        actor = self.app.actor
        if actor is None:
            return
        line = Content.assemble(
            _("Petugas: "),
            (actor.display_name, "bold"),
            f" ({actor.role.label}) - ",
            (_("Loket {n}").format(n=self.app.counter_number), "bold"),
        )
        self.query_one("#home-staff", Static).update(line)

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        self.profile, self.figures = await self.db(_load)
        self._show(self.figures)

    def _name_width(self, figures: stats.HomeFigures) -> int | None:
        """Cells left for a service's name beside its prefix and the two figures (None before
        the table is laid out)."""
        room = self.query_one("#home-services", PlainTable).content_size.width - (7 + 7 + 2)
        prefix = max((len(line.prefix) for line in figures.services), default=1) + 1
        return room - prefix if room > prefix else None

    def on_resize(self) -> None:
        # The names are shortened for the width the table has: narrower, shorter.
        if self.figures is not None:
            self.call_after_refresh(self._show, self.figures)

    def _show(self, figures: stats.HomeFigures) -> None:
        office_line = next(iter(self.query("#home-office").results(Static)), None)
        if office_line is None:
            return  # the screen is being taken down (the app closing) as the figures arrive
        office_line.update(self.profile.name or _("Kantor kecamatan"))
        suspended = _("ditunda")
        rows = []
        names = short_service_names([line.name for line in figures.services], self._name_width(figures))
        for line, short in zip(figures.services, names):
            name = Content.assemble((line.prefix, "bold"), " ", short)
            if line.suspended and not line.waiting:
                waiting = Content.styled(suspended, "$warning")
            else:
                waiting = _count(line.waiting, "$warning" if line.suspended else "")
            rows.append((name, waiting, Content(str(line.done))))
        total = (_("Jumlah"), str(sum(s.waiting for s in figures.services)), str(sum(s.done for s in figures.services)))
        self.query_one("#home-services", PlainTable).set_rows(rows, footer=total)
        self.query_one("#home-request-table", PlainTable).set_rows([
            (_("Diterima"), _count(figures.received)),
            (_("Berkas kurang"), _count(figures.incomplete, "$warning")),
            (_("Berkas lengkap"), _count(figures.complete)),
            (_("Diproses"), _count(figures.processing)),
            (_("Siap diambil"), _count(figures.ready, "bold $success")),
            (_("Lewat target"), _count(figures.overdue, "bold $error")),
            (_("Diambil hari ini"), _count(figures.picked_up_today)),
        ])
        self._show_arrivals(figures)
        self._show_failed_prints(figures.failed_prints)

    def _may_see_prints(self) -> bool:
        return self.app.actor is not None and self.app.actor.can(Role.SUPERVISOR)

    def _show_failed_prints(self, count: int) -> None:
        """A line only while prints failed: the key for a supervisor, a sentence for an operator."""
        line = self.query_one("#home-prints", Static)
        line.display = count > 0
        if self._may_see_prints():
            line.update(_("{n} cetakan gagal belum dicetak ulang; tekan p untuk melihatnya.").format(n=count))
        else:
            line.update(_("{n} cetakan gagal belum dicetak ulang; minta supervisor mencetaknya ulang.").format(n=count))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print_jobs":
            return bool(self.figures and self.figures.failed_prints) and self._may_see_prints()
        return super().check_action(action, parameters)

    def action_print_jobs(self) -> None:
        from tui_kecamatan.screens.admin.printjobs import PrintJobsScreen

        self.app.push_screen(PrintJobsScreen())

    def _show_arrivals(self, figures: stats.HomeFigures) -> None:
        hours = len(figures.arrivals)
        per_hour = 3 if hours <= 13 else 2 if hours <= 20 else 1
        sparkline = self.query_one("#home-sparkline", Sparkline)
        sparkline.styles.width = hours * per_hour
        sparkline.data = [count for count in figures.arrivals for _i in range(per_hour)]
        step = 1 if per_hour == 3 else 2 if per_hour == 2 else 3
        labels = "".join(
            f"{figures.first_hour + index:02d}".ljust(per_hour * step) for index in range(0, hours, step)
        )
        self.query_one("#home-hours", Static).update(labels.rstrip())
        busiest = figures.busiest_hour
        if busiest is None:
            summary = _("Belum ada nomor antrian hari ini.")
        else:
            summary = _("{n} nomor hari ini; tersibuk pukul {hour:02d}.00 ({peak}).").format(
                n=figures.tickets_today, hour=busiest, peak=max(figures.arrivals))
        self.query_one("#home-arrivals-summary", Static).update(summary)
