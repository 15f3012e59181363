"""Finding requests (F4): one search field for part of a registration number, NIK, phone number
or name, filters for status, service and intake dates, and results paged from SQL, 50 at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Select, Static

from printing.text import format_date_short
from tui_kecamatan.core import services
from tui_kecamatan.core.request_labels import STATUS_LABELS
from tui_kecamatan.core.request_search import Page, search_requests
from tui_kecamatan.core.requests import RequestInfo
from tui_kecamatan.core.text import clean_name, clean_text
from tui_kecamatan.errors import AppError, InvalidInput
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.screens.requests.detail import RequestDetailScreen
from tui_kecamatan.core.validation import parse_day
from tui_kecamatan.widgets.format import short_service_name
from tui_kecamatan.widgets.keybar import KeyBar

PAGE_SIZE = 50
DEBOUNCE_SECONDS = 0.3
OVERDUE = "overdue"  # the status filter's extra choice: not ready yet and past the target day


@dataclass(frozen=True)
class Criteria:
    """What the search asks for, checked and ready for `search_requests`."""

    text: str = ""
    status: str | None = None
    overdue: bool = False
    service_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def status_cell(info: RequestInfo) -> Content:
    if info.overdue:
        return Content.styled(_("Lewat target"), "bold $error")
    label = STATUS_LABELS[info.status]
    if info.status == "ready":
        return Content.styled(label, "bold $success")
    if info.status == "incomplete":
        return Content.styled(label, "$warning")
    if info.status in ("cancelled", "rejected"):
        return Content.styled(label, "dim")
    return Content(label)


def page_label(page: Page) -> str:
    """"1-50 dari 312"."""
    if not page.total:
        return _("Tidak ada permohonan yang cocok.")
    if not page.rows:
        return _("Tidak ada lagi hasil ({n} permohonan).").format(n=page.total)
    first = page.offset + 1
    last = page.offset + len(page.rows)
    return _("{first}-{last} dari {total}").format(first=first, last=last, total=page.total)


class ResultsTable(DataTable):
    """The result rows; PageUp/PageDown belong to the screen, which turns SQL pages."""

    BINDINGS = [
        Binding("enter", "select_cursor", _("Buka rincian"), id="open", key_display="enter"),
    ]


class SearchScreen(OfficeScreen):
    CSS_PATH = "search.tcss"
    SCREEN_NAME = "search"
    TITLE = _("Cari permohonan")
    AUTO_FOCUS = "#search-text"
    HELP = _("Ketik nomor registrasi atau nomor urutnya saja (0045 atau 45), sebagian NIK atau nomor HP "
             "(0857 1111, +62 857; spasi dan tanda hubung boleh), atau sebagian nama; hasil muncul sendiri. "
             "Saring menurut status, layanan dan tanggal permohonan (TTTT-BB-HH atau HH-BB-TTTT). "
             "Enter membuka rincian permohonan; PageDown/n dan PageUp/b berpindah halaman.")
    BINDINGS = [
        Binding("pagedown", "page(1)", _("Halaman berikut"), show=False, priority=True),
        Binding("n", "page(1)", _("Halaman berikut"), show=False),
        Binding("pageup", "page(-1)", _("Halaman sebelumnya"), show=False, priority=True),
        Binding("b", "page(-1)", _("Halaman sebelumnya"), show=False),
        Binding("down", "focus_results", _("Ke daftar hasil"), show=False),
        Binding("ctrl+l", "clear", _("Kosongkan pencarian"), show=False),
    ]

    searching: reactive[bool] = reactive(False, bindings=True)
    """A search is on its way: the page keys wait for its rows."""

    def __init__(self) -> None:
        super().__init__()
        self.result_page: Page | None = None
        self.shown_criteria: Criteria | None = None  # what the rows on screen were searched with
        self.page_offset = 0
        self._timer: Timer | None = None
        self._services_loaded = False
        self._table_width = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row-text", classes="search-row"):
            yield Label(_("Cari"), classes="search-label")
            yield Input(id="search-text", max_length=100, compact=True,
                        placeholder=_("Sebagian No. registrasi, NIK, No. HP atau nama (mis. 0045, 0857)"))
        with Horizontal(classes="search-row"):
            yield Label(_("Status"), classes="search-label")
            options = [(STATUS_LABELS[key], key) for key in STATUS_LABELS] + [(_("Lewat target"), OVERDUE)]
            yield Select(options, prompt=_("Semua status"), id="search-status", compact=True)
            yield Label(_("Layanan"), classes="search-label search-label-mid")
            yield Select([], prompt=_("Semua layanan"), id="search-service", compact=True)
        with Horizontal(classes="search-row"):
            yield Label(_("Dari"), classes="search-label")
            yield Input(id="search-from", max_length=10, compact=True, placeholder=_("HH-BB-TTTT"))
            yield Label(_("Sampai"), classes="search-label search-label-mid")
            yield Input(id="search-to", max_length=10, compact=True, placeholder=_("HH-BB-TTTT"))
        yield Static("", id="search-message", markup=False)
        yield ResultsTable(id="search-results", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield Static("", id="search-info", markup=False)
        yield Static("", id="search-page", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self._build_columns()

    # --- columns ---------------------------------------------------------------------------

    def _widths(self) -> tuple[int, int, int, int, int]:
        """Column widths (each with its one-space gap) for the table's current width."""
        table = self.query_one(ResultsTable)
        width = table.size.width or (self.app.size.width - 2)
        reg, service, status, day = 15, 15, 19, 11
        name = max(12, width - 1 - reg - service - status - day)
        return reg, name, service, status, day

    def _build_columns(self) -> None:
        table = self.query_one(ResultsTable)
        widths = self._widths()
        self._table_width = table.size.width
        table.clear(columns=True)
        headers = (_("No. registrasi"), _("Nama"), _("Layanan"), _("Status"), _("Tanggal"))
        for key, header, width in zip(("reg", "name", "service", "status", "day"), headers, widths):
            table.add_column(Content.styled(header, "bold").truncate(width - 1, ellipsis=True), width=width, key=key)

    def on_resize(self, event: events.Resize) -> None:
        table = self.query_one(ResultsTable)
        if table.size.width != self._table_width:
            self._build_columns()
            if self.result_page is not None:
                self._fill(self.result_page)

    # --- searching -------------------------------------------------------------------------

    def _criteria(self) -> Criteria:
        """The filters as typed; raises InvalidInput with the sentence for a wrong date."""
        text = self.query_one("#search-text", Input).value
        status_value = self.query_one("#search-status", Select).value
        service_value = self.query_one("#search-service", Select).value
        date_from = parse_day(self.query_one("#search-from", Input).value, _("dari"))
        date_to = parse_day(self.query_one("#search-to", Input).value, _("sampai"))
        if date_from and date_to and date_from > date_to:
            raise InvalidInput(_("Tanggal \"dari\" jatuh setelah tanggal \"sampai\"."))
        status = status_value if isinstance(status_value, str) else None
        return Criteria(
            text=clean_text(text, 100),
            status=None if status == OVERDUE else status,
            overdue=status == OVERDUE,
            service_code=service_value if isinstance(service_value, str) else None,
            date_from=date_from,
            date_to=date_to,
        )

    def search(self, offset: int = 0) -> None:
        """Run the search for the filters on screen, from `offset`, in a worker."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        message = self.query_one("#search-message", Static)
        try:
            criteria = self._criteria()
        except InvalidInput as exc:
            message.update(str(exc))
            message.display = True
            return
        message.update("")
        message.display = False
        self.searching = True
        self.page_offset = max(0, offset)
        self.query_one("#search-page", Static).update(_("mencari..."))
        self._run_search(criteria, self.page_offset)

    @work(group="search", exclusive=True)
    async def _run_search(self, criteria: Criteria, offset: int) -> None:
        """The newest search only: an older one still running is dropped."""
        try:
            page = await self.db(search_requests, criteria.text, criteria.status, criteria.service_code,
                                 criteria.date_from, criteria.date_to, offset, PAGE_SIZE, overdue=criteria.overdue)
        except AppError:
            self.searching = False
            self.query_one("#search-page", Static).update("")
            raise
        self._show_page(page, criteria)

    def _schedule(self) -> None:
        """Search a moment after the last key, so typing a name does not query on every letter."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self.search(0))

    def refresh_data(self) -> None:
        if not self._services_loaded:
            self._load_services()
        self.search(self.page_offset)

    @work(group="services", exclusive=True)
    async def _load_services(self) -> None:
        rows: list[services.ServiceInfo] = await self.db(services.list_services, True)
        self._services_loaded = True
        select = self.query_one("#search-service", Select)
        select.set_options([(Content(clean_text(row.name, 80)), row.code) for row in rows])

    def _show_page(self, page: Page, criteria: Criteria) -> None:
        self.searching = False
        self.shown_criteria = criteria
        if not page.rows and page.total and page.offset:
            # The page emptied under us (requests changed elsewhere): show the last one there is.
            self.search(max(0, (page.total - 1) // PAGE_SIZE * PAGE_SIZE))
            return
        self.result_page = page
        self.page_offset = page.offset
        self._fill(page)
        self.query_one("#search-page", Static).update(self._page_line(page))
        self.refresh_bindings()

    def _page_line(self, page: Page) -> Content:
        line = Content(page_label(page))
        hints = []
        if page.has_more:
            hints.append(_("PgDn/n berikut"))
        if page.offset > 0:
            hints.append(_("PgUp/b sebelumnya"))
        if hints:
            line = Content.assemble(line, ("   " + "  ".join(hints), "dim"))
        return line

    def _fill(self, page: Page) -> None:
        table = self.query_one(ResultsTable)
        keep = self._highlighted_reg_no()
        widths = self._widths()
        table.clear()
        for info in page.rows:
            cells = (
                Content(info.reg_no),
                Content(clean_name(info.name)),
                Content(short_service_name(info.service_name)),
                status_cell(info),
                Content(info.created_at.strftime("%d-%m-%Y")),
            )
            table.add_row(*(cell.truncate(width - 1, ellipsis=True) for cell, width in zip(cells, widths)),
                          key=info.reg_no)
        if keep is not None:
            for index, info in enumerate(page.rows):
                if info.reg_no == keep:
                    table.move_cursor(row=index, animate=False)
                    break
        self._show_info()

    def _highlighted(self) -> RequestInfo | None:
        if self.result_page is None or not self.result_page.rows:
            return None
        row = self.query_one(ResultsTable).cursor_row
        return self.result_page.rows[row] if 0 <= row < len(self.result_page.rows) else None

    def _highlighted_reg_no(self) -> str | None:
        info = self._highlighted()
        return info.reg_no if info is not None else None

    def _show_info(self) -> None:
        """The highlighted request in full under the table: name and service, masked NIK, status
        and target day."""
        info = self._highlighted()
        panel = self.query_one("#search-info", Static)
        if info is None:
            panel.update("")
            return
        first = Content.assemble((clean_name(info.name), "bold"), " · ", clean_text(info.service_name, 80))
        second: list[Content | str] = [_("NIK {nik}").format(nik=info.nik_masked), " · ", STATUS_LABELS[info.status]]
        if info.due_date is not None and info.status in ("received", "incomplete", "complete", "processing"):
            target = _("target {day}").format(day=format_date_short(info.due_date))
            if info.overdue:
                second += [", ", Content.styled(_("lewat target") + f" ({target})", "bold $error")]
            else:
                second += [", ", target]
        panel.update(Content.assemble(first, "\n", *second))

    @on(DataTable.RowHighlighted, "#search-results")
    def _highlight(self) -> None:
        self._show_info()

    # --- events ----------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._schedule()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.search(0)
        self.action_focus_results()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.search(0)

    @on(DataTable.RowSelected, "#search-results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        reg_no = event.row_key.value if event.row_key is not None else None
        if reg_no:
            self.open_detail(str(reg_no))

    def open_detail(self, reg_no: str) -> None:
        self.app.push_screen(RequestDetailScreen(reg_no))

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            # Counted from the page last asked for, so a key pressed while a search (or a refresh
            # after another desk's change) is running still turns the page.
            page = self.result_page
            if page is None or self._in_select():
                return False
            step = parameters[0] if parameters else 1
            return self.page_offset + PAGE_SIZE < page.total if step == 1 else self.page_offset > 0
        if action == "focus_results":
            return self.result_page is not None and bool(self.result_page.rows) and not isinstance(self.focused, DataTable)
        return super().check_action(action, parameters)

    def _in_select(self) -> bool:
        """True while a filter's list has the focus: its keys move within the list."""
        focused = self.focused
        return focused is not None and any(isinstance(node, Select) for node in focused.ancestors_with_self)

    def action_page(self, step: int) -> None:
        if self.result_page is None:
            return
        self.search(max(0, self.page_offset + step * PAGE_SIZE))
        self.query_one(ResultsTable).move_cursor(row=0, animate=False)

    def action_focus_results(self) -> None:
        if self.result_page is not None and self.result_page.rows:
            self.query_one(ResultsTable).focus()

    def action_clear(self) -> None:
        for selector in ("#search-text", "#search-from", "#search-to"):
            self.query_one(selector, Input).value = ""
        self.query_one("#search-status", Select).clear()
        self.query_one("#search-service", Select).clear()
        self.query_one("#search-text", Input).focus()
        self.search(0)
