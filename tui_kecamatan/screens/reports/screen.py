"""Reports (F6, Rekap) for supervisors and admins: the figures of a day, a month or a range of days
(core/reports.py), a bar chart of the tickets taken, the tables of the queue and the requests,
the overdue list and the urgent cases; saved as CSV or an A4 PDF, or printed on the A4 printer.

Every figure shown is one of `Report.as_json()`; nothing is computed here but its layout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from datetime import date, timedelta
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from printing.text import MONTH_NAMES, MONTH_SHORT, format_date, format_date_short
from tui_kecamatan.core import clock, printjobs, reports
from tui_kecamatan.core.reports import Report
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.screens.reports.dialogs import RangeDialog, SaveFileDialog
from tui_kecamatan.widgets.bar_chart import BarChart, ChartBar
from tui_kecamatan.widgets.format import short_service_name, short_service_names
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.plain_table import Column, PlainTable

DAILY, MONTHLY, RANGE = "daily", "monthly", "range"
KIND_LABELS = {DAILY: _("harian"), MONTHLY: _("bulanan"), RANGE: _("rentang")}
FILE_WORDS = {DAILY: "harian", MONTHLY: "bulanan", RANGE: "rentang"}  # in file names, never translated
BUSY_AFTER_SECONDS = 1.0  # a refresh of the period on screen says "Menghitung rekap…" after this
# Widths of the figures' columns (the service name takes what is left).
TIME_COLUMNS = (9, 7, 6)


@dataclass(frozen=True)
class Period:
    """The days a report covers: one day, a calendar month, or a range (both ends included)."""

    kind: str
    first: date
    last: date

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(DAILY, day, day)

    @classmethod
    def month(cls, day: date) -> Period:
        first = day.replace(day=1)
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return cls(MONTHLY, first, following - timedelta(days=1))

    @classmethod
    def of(cls, report: Report) -> Period:
        return cls(report.kind, report.date_from, report.date_to)

    def step(self, n: int) -> Period:
        """The day or month `n` before (negative) or after this one."""
        if self.kind == MONTHLY:
            index = self.first.year * 12 + self.first.month - 1 + n
            return Period.month(date(index // 12, index % 12 + 1, 1))
        return Period.day(self.first + timedelta(days=n))

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def around(self, day: date, kind: str) -> Period:
        """The period of `kind` holding `day` when this one does, else its first day."""
        anchor = day if self.contains(day) else self.first
        return Period.month(anchor) if kind == MONTHLY else Period.day(anchor)


def period_title(period: Period) -> str:
    """"Rekap harian — Selasa, 1 Desember 2026", "Rekap bulanan — Desember 2026"."""
    if period.kind == DAILY:
        span = format_date(period.first)
    elif period.kind == MONTHLY:
        span = f"{MONTH_NAMES[period.first.month - 1]} {period.first.year}"
    else:
        span = _("{first} s.d. {last}").format(first=format_date_short(period.first), last=format_date_short(period.last))
    return _("Rekap {kind} — {span}").format(kind=KIND_LABELS[period.kind], span=span)


def file_stem(period: Period) -> str:
    """"rekap-harian-2026-12-01", "rekap-bulanan-2026-12", "rekap-rentang-2026-12-01-2026-12-07"."""
    if period.kind == DAILY:
        span = period.first.isoformat()
    elif period.kind == MONTHLY:
        span = f"{period.first:%Y-%m}"
    else:
        span = f"{period.first.isoformat()}-{period.last.isoformat()}"
    return f"rekap-{FILE_WORDS[period.kind]}-{span}"


def chart_bars(report: Report) -> list[ChartBar]:
    """The chart's bars: per hour ("08") in a day, per day of the month ("1", listed as "1 Des")."""
    if report.queue.chart_unit == "hour":
        return [ChartBar(bar.label, bar.count, f"{bar.label}.00") for bar in report.queue.chart]
    bars = []
    for bar in report.queue.chart:
        day = date.fromisoformat(bar.label)
        bars.append(ChartBar(str(day.day), bar.count, f"{day.day} {MONTH_SHORT[day.month - 1]}"))
    return bars


def time_groups() -> str:
    """The two groups over the time columns, "── Tunggu ──" and "── Lama layan ──", as wide as
    their three columns (the line is right-aligned over the table)."""
    span = sum(TIME_COLUMNS) + len(TIME_COLUMNS) - 1
    return " ".join(f" {title} ".center(span, "─") for title in (_("Tunggu"), _("Lama layan")))


def _text(value: str, limit: int = 120) -> Content:
    """Text a person typed (a name, a reason), cleaned again and shown literally."""
    return Content(clean_text(value, limit))


class ReportsScreen(OfficeScreen):
    CSS_PATH = "reports.tcss"
    SCREEN_NAME = "reports"
    TITLE = _("Rekap")
    AUTO_FOCUS = "#reports-body"
    HELP = _("Rekap antrian dan permohonan, untuk supervisor dan admin. [ dan ] (atau panah kiri dan kanan) "
             "pindah ke hari atau bulan sebelumnya dan berikutnya; panah atas dan bawah, PageUp dan PageDown "
             "menggulir. Tanggal rentang ditulis TTTT-BB-HH. Menit tunggu: sejak nomor diambil sampai dipanggil; "
             "lama layan: sejak mulai dilayani sampai selesai; P90: 9 dari 10 orang tidak lebih lama. Permohonan "
             "selesai: dokumen siap pada periode itu, tepat waktu bila siap paling lambat pada tanggal target. "
             "Lewat target dihitung per hari ini.")
    BINDINGS = [
        Binding("h", "show_kind('daily')", _("Harian"), id="report-daily"),
        Binding("b", "show_kind('monthly')", _("Bulanan"), id="report-monthly"),
        Binding("r", "show_range", _("Rentang"), id="report-range"),
        Binding("left_square_bracket", "step(-1)", _("Sebelumnya"), key_display="[", id="report-previous"),
        Binding("right_square_bracket", "step(1)", _("Berikutnya"), key_display="]", id="report-next"),
        Binding("left", "step(-1)", _("Sebelumnya"), show=False),
        Binding("right", "step(1)", _("Berikutnya"), show=False),
        Binding("t", "today", _("Hari ini"), id="report-today"),
        Binding("e", "save_csv", _("Simpan CSV"), id="report-csv"),
        Binding("s", "save_pdf", _("Simpan PDF"), id="report-pdf"),
        Binding("c", "print_report", _("Cetak A4"), id="report-print"),
        Binding("j", "audit", _("Jejak audit"), id="report-audit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period = Period.day(clock.today())  # what was asked for last
        self.report: Report | None = None  # what is on screen
        self.computing = False
        self._asked = 0  # counts the reports asked for: only the newest one's answer is shown
        self._stale = False  # the data changed while a report was computed

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="reports-title", markup=False)
        with Horizontal(id="reports-subtitle"):
            yield Static("", id="reports-office", markup=False)
            yield Static("", id="reports-status", markup=False)
        with VerticalScroll(id="reports-body"):
            yield Static("", id="reports-chart-title", classes="reports-heading", markup=False)
            yield BarChart(rows=6, empty=_("Belum ada nomor antrian pada periode ini."),
                           counts_title=_("Jumlah per tanggal:"), id="reports-chart")
            yield Static("", id="reports-busiest", markup=False)

            yield Static(_("Antrian per layanan"), classes="reports-heading", markup=False)
            yield PlainTable([Column(_("Layanan")), Column(_("Ambil"), 5, "right"), Column(_("Dilayani"), 8, "right"),
                              Column(_("Tidak hadir"), 11, "right"), Column(_("Batal"), 5, "right"),
                              Column(_("Pindah"), 6, "right")], id="reports-queue")
            yield Static(time_groups(), id="reports-times-groups", markup=False)
            time_columns = [Column(header, width, "right") for header, width in
                            zip((_("Rata-rata"), _("Median"), _("P90")), TIME_COLUMNS)]
            yield PlainTable([Column(_("Menit")), *time_columns, *time_columns], id="reports-times")
            yield Static(_("Tunggu: sejak nomor diambil sampai dipanggil. Lama layan: sejak mulai dilayani sampai "
                           "selesai. P90: 9 dari 10 orang tidak lebih lama."), classes="reports-note", markup=False)
            with Horizontal(id="reports-served"):
                yield PlainTable([Column(_("Loket")), Column(_("Dilayani"), 8, "right")], id="reports-counters")
                yield PlainTable([Column(_("Petugas")), Column(_("Dilayani"), 8, "right")], id="reports-operators")

            yield Static(_("Permohonan per layanan"), classes="reports-heading", markup=False)
            yield PlainTable([Column(_("Layanan")), Column(_("Masuk"), 5, "right"), Column(_("Loket"), 5, "right"),
                              Column(_("WA"), 3, "right"), Column(_("Selesai"), 7, "right"),
                              Column(_("Tepat waktu"), 11, "right"), Column("%", 5, "right"),
                              Column(_("Lewat target"), 12, "right")], id="reports-requests")
            yield PlainTable([Column(_("Layanan")), Column(_("Diambil"), 7, "right"),
                              Column(_("Kirim elektronik"), 16, "right"), Column(_("Ditolak"), 7, "right"),
                              Column(_("Batal"), 5, "right")], id="reports-closed")
            yield Static("", id="reports-collected", markup=False)
            yield Static("", id="reports-contacts", markup=False)
            yield Static(_("Masuk: permohonan baru (di loket atau lewat WhatsApp). Selesai: dokumen siap diambil "
                           "pada periode ini; tepat waktu bila siap paling lambat pada tanggal target."),
                         classes="reports-note", markup=False)

            yield Static("", id="reports-overdue-title", classes="reports-heading", markup=False)
            yield PlainTable([Column(_("No. registrasi"), 14), Column(_("Layanan")), Column(_("Target"), 11),
                              Column(_("Lewat"), 13, "right")], id="reports-overdue")
            yield Static("", id="reports-overdue-none", classes="reports-note", markup=False)

            yield Static(_("Kasus mendesak"), classes="reports-heading", markup=False)
            yield Static("", id="reports-urgent", markup=False)
        yield KeyBar()

    # --- computing -------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """First shown, or the data changed: the period asked for is computed again (once more
        after the one running, never piling up while the office is busy)."""
        if self.computing:
            self._stale = True
            return
        self.show_period(self.period, quiet=self.report is not None and Period.of(self.report) == self.period)

    def show_period(self, period: Period, *, quiet: bool = False) -> None:
        """Compute and show `period`; a report still being computed for an older press is dropped.

        A new period is said at once (its title, "Menghitung rekap…", the old figures dimmed);
        the same period computed again after a change at a desk (`quiet`) keeps its figures as
        they are and says it is computing only when that takes more than a second."""
        self.period = period
        self._asked += 1
        self._stale = False
        self.computing = True
        self.query_one("#reports-title", Static).update(period_title(period))
        if quiet:
            self.set_timer(BUSY_AFTER_SECONDS, partial(self._say_computing, self._asked))
        else:
            self._say_computing(self._asked)
        self.refresh_bindings()
        self.compute(period, self._asked)

    def _say_computing(self, asked: int) -> None:
        if self.computing and asked == self._asked and self.is_attached:
            self.query_one("#reports-status", Static).update(_("Menghitung rekap…"))
            self.query_one("#reports-body").add_class("-computing")

    @work(exclusive=True, group="report")
    async def compute(self, period: Period, asked: int) -> None:
        actor = self.app.actor
        try:
            if period.kind == DAILY:
                report = await self.db(reports.daily, actor, period.first)
            elif period.kind == MONTHLY:
                report = await self.db(reports.monthly, actor, period.first.year, period.first.month)
            else:
                report = await self.db(reports.range_report, actor, period.first, period.last)
        except Exception:  # core's refusal (one notification) or worse: the screen stops waiting
            if asked == self._asked and self.is_attached:
                self._done_computing()
                self.query_one("#reports-status", Static).update(_("Rekap tidak dapat dihitung."))
            raise
        if asked != self._asked:
            return
        self._done_computing()
        self.show_report(report)
        if self._stale:
            self.refresh_data()

    def _done_computing(self) -> None:
        self.computing = False
        self.query_one("#reports-status", Static).update("")
        self.query_one("#reports-body").remove_class("-computing")
        self.refresh_bindings()

    # --- showing ---------------------------------------------------------------------------

    def show_report(self, report: Report) -> None:
        self.report = report
        period = Period.of(report)
        self.query_one("#reports-title", Static).update(period_title(period))
        self.query_one("#reports-office", Static).update(_text(report.office.get("name", ""), 200))
        self._show_queue(report)
        self._show_requests(report)
        self._show_overdue(report)
        self._show_urgent(report)
        self.refresh_bindings()

    def _service_names(self, report: Report) -> dict[str, str]:
        """Service names by code, as listed in the report."""
        lines = [*report.queue.services, *report.requests.services]
        return {line.service: short_service_name(line.name) for line in lines}

    def _show_queue(self, report: Report) -> None:
        queue = report.queue
        daily = queue.chart_unit == "hour"
        self.query_one("#reports-chart-title", Static).update(
            _("Nomor antrian diambil per jam") if daily else _("Nomor antrian diambil per hari"))
        self.query_one("#reports-chart", BarChart).show(chart_bars(report))
        busiest = self.query_one("#reports-busiest", Static)
        busiest.display = queue.busiest_hour is not None  # without tickets the chart says so
        if queue.busiest_hour is not None:
            busiest.update(_("Jam tersibuk: {hour:02d}.00-{hour:02d}.59, {n} nomor antrian diambil.").format(
                hour=queue.busiest_hour, n=queue.busiest_hour_count))

        names = short_service_names([line.name for line in queue.services], 30)
        self.query_one("#reports-queue", PlainTable).set_rows(
            [(name, str(line.issued), str(line.served), str(line.no_show), str(line.cancelled), str(line.transferred))
             for line, name in zip(queue.services, names)],
            footer=(_("TOTAL"), str(queue.total.issued), str(queue.total.served), str(queue.total.no_show),
                    str(queue.total.cancelled), str(queue.total.transferred)))

        def times(line) -> tuple[str, ...]:
            return tuple(reports.minutes(value) for value in (
                line.wait_avg_s, line.wait_median_s, line.wait_p90_s,
                line.service_avg_s, line.service_median_s, line.service_p90_s))

        self.query_one("#reports-times", PlainTable).set_rows(
            [(name, *times(line)) for line, name in zip(queue.services, names)],
            footer=(_("TOTAL"), *times(queue.total)))

        nobody = [(_("Belum ada yang dilayani"), "")]
        self.query_one("#reports-counters", PlainTable).set_rows(
            [(_text(s.name or _("Loket {n}").format(n=s.key), 60), str(s.served)) for s in queue.counters] or nobody)
        self.query_one("#reports-operators", PlainTable).set_rows(
            [(_text(s.name or s.key, 80), str(s.served)) for s in queue.operators] or nobody)

    def _show_requests(self, report: Report) -> None:
        reqs = report.requests
        names = short_service_names([line.name for line in reqs.services], 30)

        def flow(line) -> tuple[str, ...]:
            return (str(line.received), str(line.walk_in), str(line.whatsapp), str(line.completed),
                    str(line.on_time), reports.percent(line.on_time_percent), str(line.overdue))

        def closed(line) -> tuple[str, ...]:
            return str(line.collected), str(line.delivered), str(line.rejected), str(line.cancelled)

        self.query_one("#reports-requests", PlainTable).set_rows(
            [(name, *flow(line)) for line, name in zip(reqs.services, names)], footer=(_("TOTAL"), *flow(reqs.total)))
        self.query_one("#reports-closed", PlainTable).set_rows(
            [(name, *closed(line)) for line, name in zip(reqs.services, names)],
            footer=(_("TOTAL"), *closed(reqs.total)))
        total = reqs.total
        self.query_one("#reports-collected", Static).update(
            _("Diambil oleh: pemohon {a} · keluarga dalam KK {b} · kuasa {c}").format(
                a=total.collected_self, b=total.collected_family, c=total.collected_proxy))
        self.query_one("#reports-contacts", Static).update(
            _("Pemohon dihubungi (WhatsApp): berkas kurang {m} · dokumen siap {r}").format(
                m=reqs.contacts_missing, r=reqs.contacts_ready))

    def _show_overdue(self, report: Report) -> None:
        self.query_one("#reports-overdue-title", Static).update(
            _("Lewat target per {day}: {n} permohonan").format(day=format_date(report.overdue_as_of),
                                                             n=report.requests.total.overdue))
        names = self._service_names(report)
        table = self.query_one("#reports-overdue", PlainTable)
        table.set_rows([(o.reg_no, names.get(o.service, o.service), format_date_short(o.due_date),
                         _("lewat {n} hari").format(n=o.days_over)) for o in report.overdue])
        table.display = bool(report.overdue)
        none = self.query_one("#reports-overdue-none", Static)
        none.display = not report.overdue
        none.update(_("Tidak ada permohonan dari periode ini yang lewat target dan belum siap."))

    def _show_urgent(self, report: Report) -> None:
        cases = [*report.urgent.tickets, *report.urgent.requests]
        if not cases:
            self.query_one("#reports-urgent", Static).update(_("Tidak ada kasus mendesak pada periode ini."))
            return
        names = self._service_names(report)
        lines = []
        for case in cases:
            approver = Content(clean_text(case.approved_by, 40)) if case.approved_by else Content(_("tidak tercatat"))
            lines.append(Content.assemble(
                (case.ref, "bold"), "  ", format_date_short(case.day), "  ", names.get(case.service, case.service),
                "  ", _("disetujui oleh "), approver))
            reason = _text(case.urgent_reason, 300) if clean_text(case.urgent_reason, 300) else Content(
                _("tidak tercatat"))
            lines.append(Content.assemble("  ", _("Alasan: "), reason))
        self.query_one("#reports-urgent", Static).update(Content("\n").join(lines))

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if allowed is not True:
            return allowed
        return None if self.why_not(action, parameters) else True

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """What a greyed-out key says when it is pressed anyway (see KecamatanApp.run_action)."""
        period, today = self.period, clock.today()
        if action == "show_kind":
            if parameters == (DAILY,) and period.kind == DAILY:
                return _("Rekap harian sudah tampil; [ dan ] pindah hari, t kembali ke hari ini.")
            if parameters == (MONTHLY,) and period.kind == MONTHLY:
                return _("Rekap bulanan sudah tampil; [ dan ] pindah bulan, t kembali ke bulan ini.")
        elif action == "step":
            if period.kind == RANGE:
                return _("Rekap rentang tidak bergeser; tekan r untuk tanggal lain, h untuk harian atau b untuk "
                         "bulanan.")
            if parameters and int(parameters[0]) > 0 and period.last >= today:
                if period.kind == MONTHLY:
                    return _("Rekap ini sudah sampai bulan ini; bulan depan belum punya angka.")
                return _("Rekap ini sudah sampai hari ini; hari esok belum punya angka.")
        elif action == "today":
            if period.kind == DAILY and period.first == today:
                return _("Rekap hari ini sudah tampil.")
            if period.kind == MONTHLY and period.contains(today):
                return _("Rekap bulan ini sudah tampil.")
        elif action in ("save_csv", "save_pdf", "print_report"):
            if self.report is None or Period.of(self.report) != self.period:
                return _("Rekap masih dihitung; tunggu sampai angkanya tampil.")
        return None

    def action_show_kind(self, kind: str) -> None:
        self.show_period(self.period.around(clock.today(), kind))

    def action_step(self, n: int) -> None:
        if self.period.kind != RANGE:
            self.show_period(self.period.step(n))

    def action_today(self) -> None:
        today = clock.today()
        self.show_period(Period.month(today) if self.period.kind == MONTHLY else Period.day(today))

    @work(group="dialog", exclusive=True)
    async def action_show_range(self) -> None:
        report = await self.app.push_screen_wait(RangeDialog(self.period.first, self.period.last))
        if report is None:
            return
        # The dialog computed it: a report still running for an older press is not shown.
        self._asked += 1
        self.period = Period.of(report)
        self._done_computing()
        self.show_report(report)

    # --- saving and printing ---------------------------------------------------------------

    @work(group="dialog", exclusive=True)
    async def action_save_csv(self) -> None:
        report = self.report
        if report is None:
            return
        stem = file_stem(Period.of(report))

        actor = self.app.actor

        def save(path: str, per_table: bool) -> list[str]:
            return reports.write_csv(actor, report, path, per_table=per_table)

        written = await self.app.push_screen_wait(SaveFileDialog(
            _("Simpan rekap sebagai CSV"),
            _("Berkas CSV (UTF-8) untuk dibuka di spreadsheet. Satu berkas memuat semua tabel dengan kolom "
              "bagian; satu berkas per tabel menambahkan nama tabel pada nama berkas. Berkas yang sudah ada tidak "
              "ditimpa."),
            f"~/{stem}.csv", save, per_table_choice=True))
        if written:
            self._say_saved(written)

    @work(group="dialog", exclusive=True)
    async def action_save_pdf(self) -> None:
        report = self.report
        if report is None:
            return
        from tui_kecamatan.core.report_documents import save_report_pdf

        actor = self.app.actor

        def save(path: str, _per_table: bool) -> list[str]:
            return [save_report_pdf(actor, report, path)]

        written = await self.app.push_screen_wait(SaveFileDialog(
            _("Simpan rekap sebagai PDF"),
            _("Rekap pada kertas A4, dengan tempat tanda tangan kepala kantor. Berkas yang sudah ada tidak ditimpa."),
            f"~/{file_stem(Period.of(report))}.pdf", save))
        if written:
            self._say_saved(written)

    def _say_saved(self, written: list[str]) -> None:
        if len(written) == 1:
            self.notify(_("Rekap disimpan di {path}.").format(path=written[0]), markup=False, timeout=10)
            return
        names = [Path(path).name for path in written]
        common = os.path.commonprefix(names)
        tables = ", ".join(name[len(common):].removesuffix(".csv") for name in names)
        self.notify(_("{n} berkas rekap disimpan di {folder}, bernama {common}<tabel>.csv untuk tabel {tables}.").format(
            n=len(written), folder=Path(written[0]).parent, common=common, tables=tables), markup=False, timeout=15)

    @work(group="print")
    async def action_print_report(self) -> None:
        report = self.report
        if report is None:
            return
        from tui_kecamatan.core.report_documents import print_report

        self.notify(_("Rekap sedang dicetak..."), timeout=3)
        job_id = await self.db(print_report, self.app.actor, report)
        outcome = await self.db(printjobs.send_job, job_id, self.app.config, actor=self.app.actor)
        if outcome.ok:
            self.notify(outcome.message, markup=False)
        else:
            self.notify(str(outcome.as_error()), title=_("Rekap belum tercetak"), severity="error", markup=False,
                        timeout=12)

    def action_audit(self) -> None:
        from tui_kecamatan.screens.audit.viewer import AuditScreen

        self.app.push_screen(AuditScreen())
