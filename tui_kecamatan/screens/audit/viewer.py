"""The audit trail for supervisors and admins (Jejak audit): who did what, when, to which record,
newest first, a page at a time from SQL; filters for the staff member, the action, the record and
local days; one event in full in a dialog; and the login log (logins, failed logins and locks,
with the station and SSH client). Read only: an audit is never changed. Core checks the role
(`core.audit_view`), so an operator who reaches the screen sees core's refusal."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import DataTable, Input, Label, Select, Static

from printing.text import format_date_short
from tui_kecamatan.core import audit_view, clock
from tui_kecamatan.core.audit_view import Event, EventPage, LoginEvent, LoginPage
from tui_kecamatan.errors import AppError, PermissionDenied
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.audit.event import AuditEventDialog
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.widgets.keybar import KeyBar
from tui_kecamatan.widgets.row_table import Column, RowTable

PAGE_SIZE = 50

EVENT_COLUMNS = (Column(_("Waktu"), 12), Column(_("Petugas"), 11), Column(_("Aksi"), 21), Column(_("Catatan"), 17),
                 Column(_("Rincian")))
LOGIN_COLUMNS = (Column(_("Waktu"), 12), Column(_("Petugas"), 14), Column(_("Hasil"), 12), Column(_("Stasiun"), 14),
                 Column(_("Klien SSH")))


@dataclass(frozen=True)
class Filters:
    """The filters as typed; core reads and checks them (a wrong day is its sentence)."""

    staff: str | None = None
    action: str | None = None
    record: str = ""
    date_from: str = ""
    date_to: str = ""


def short_time(row: Event | LoginEvent) -> str:
    """'01-12 09:15', local."""
    return f"{clock.to_local(row.at):%d-%m %H:%M}"


def detail_cell(row: Event) -> str:
    """The detail for its narrow column: without the record's own number in front, which the
    Catatan column already shows ("20261201-0002 KK, Siti" as "KK, Siti")."""
    detail = row.detail
    label = row.record_label.split(" ")[0] if row.table_name in ("request", "ticket", "contact", "staff") else ""
    if label and detail.startswith(label):
        detail = detail[len(label):].lstrip(" :")
    return detail or "-"


def _result_cell(row: LoginEvent) -> Content:
    if row.result == "dikunci":
        return Content.styled(row.result_label, "bold $error")
    if row.result == "gagal":
        return Content.styled(row.result_label, "$warning")
    return Content(row.result_label)


class AuditTable(RowTable):
    """The events of the page; Enter opens the highlighted one in full."""

    BINDINGS = [Binding("enter", "select_cursor", _("Rincian"), key_display="enter")]


class AuditScreen(OfficeScreen):
    CSS_PATH = "audit.tcss"
    TITLE = _("Jejak audit")
    AUTO_FOCUS = "#audit-table"
    HELP = _("Jejak audit mencatat setiap perubahan: siapa, kapan, apa, dan pada catatan mana; yang terbaru di atas. "
             "Saring menurut petugas dan aksi (pilih dari daftar), catatan (No. registrasi 20261201-0004, nomor "
             "antrian A-007 atau A-007 28-11-2026, atau tabel:id seperti staff:3) dan tanggal Dari/Sampai "
             "(TTTT-BB-HH atau HH-BB-TTTT); saringan ketikan berlaku setelah Enter. Enter pada baris membuka "
             "catatan lengkap. l berganti ke log masuk: setiap masuk, gagal masuk dan akun dikunci, dengan "
             "stasiun (loket komputer) dan alamat klien SSH bila lewat SSH. PageDown/n dan PageUp/p berpindah "
             "halaman. Hanya untuk supervisor dan admin; isinya tidak dapat diubah.")
    BINDINGS = [
        Binding("l", "show_logins(True)", _("Log masuk"), id="logins"),
        Binding("l", "show_logins(False)", _("Semua kegiatan"), id="events"),
        Binding("pagedown", "page(1)", _("Halaman berikut"), key_display="PgDn", priority=True),
        Binding("n", "page(1)", _("Halaman berikut"), show=False),
        Binding("pageup", "page(-1)", _("Halaman sebelumnya"), key_display="PgUp", priority=True),
        Binding("p", "page(-1)", _("Halaman sebelumnya"), show=False),
    ]

    logins: reactive[bool] = reactive(False, init=False, bindings=True)
    """Showing the login log instead of every event."""

    def __init__(self) -> None:
        super().__init__()
        self.page: EventPage | LoginPage | None = None
        self.cursors: list[int | None] = [None]  # where each page so far starts; the last is shown
        self.applied = Filters()
        self.refused = ""  # core's refusal for this account, once it said so
        self._lists_loaded = False

    def compose(self) -> ComposeResult:
        yield Static("", id="audit-title", markup=False)
        with Horizontal(classes="audit-row"):
            yield Label(_("Petugas"), classes="audit-label")
            yield Select([], prompt=_("Semua petugas"), id="audit-staff", compact=True)
            yield Label(_("Aksi"), classes="audit-label audit-label-mid")
            yield Select([], prompt=_("Semua aksi"), id="audit-action", compact=True)
        with Horizontal(classes="audit-row"):
            yield Label(_("Catatan"), classes="audit-label")
            yield Input(id="audit-record", max_length=40, compact=True, placeholder=_("No. registrasi, A-007, staff:3"))
            yield Label(_("Dari"), classes="audit-label audit-label-mid")
            yield Input(id="audit-from", max_length=10, compact=True, placeholder=_("HH-BB-TTTT"))
            yield Label(_("Sampai"), classes="audit-label audit-label-mid")
            yield Input(id="audit-to", max_length=10, compact=True, placeholder=_("HH-BB-TTTT"))
        yield Static("", id="audit-message", markup=False)
        yield AuditTable(EVENT_COLUMNS, id="audit-table")
        yield AuditTable(LOGIN_COLUMNS, id="audit-logins")
        yield Static("", id="audit-info", markup=False)
        yield Static("", id="audit-page", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#audit-logins").display = False
        self._show_title()

    def _table(self) -> AuditTable:
        """The table of the view shown: every event, or the login log."""
        return self.query_one("#audit-logins" if self.logins else "#audit-table", AuditTable)

    # --- loading ---------------------------------------------------------------------------

    def refresh_data(self) -> None:
        if not self._lists_loaded:
            self._load_lists()
        self._load(self.applied, self.cursors[-1])

    @work(group="lists", exclusive=True)
    async def _load_lists(self) -> None:
        """The choices of the Petugas and Aksi filters."""
        try:
            staff = await self.db(audit_view.staff_names, self.app.actor)
            found = await self.db(audit_view.actions, self.app.actor)
        except PermissionDenied:
            return  # the page's own load says it
        self._lists_loaded = True
        self.query_one("#audit-staff", Select).set_options(
            [(Content(f"{row.username} - {row.full_name}" if row.full_name else row.username), row.username)
             for row in staff])
        self.query_one("#audit-action", Select).set_options(
            [(Content(audit_view.action_label(action)), action) for action in found])

    @work(group="load", exclusive=True)
    async def _load(self, filters: Filters, before_id: int | None, focus_rows: bool = False) -> None:
        """One page for `filters` from `before_id`; the newest load only."""
        actor = self.app.actor
        try:
            if self.logins:
                page = await self.db(audit_view.login_log, actor, staff=filters.staff, date_from=filters.date_from,
                                     date_to=filters.date_to, before_id=before_id, limit=PAGE_SIZE)
            else:
                page = await self.db(audit_view.search_events, actor, staff=filters.staff, action=filters.action,
                                     record=filters.record, date_from=filters.date_from, date_to=filters.date_to,
                                     before_id=before_id, limit=PAGE_SIZE)
        except PermissionDenied as exc:
            self.refused = str(exc)
            self._say(self.refused)
            self.page = None
            self._table().set_rows([])
            self.query_one("#audit-page", Static).update("")
            self.refresh_bindings()
            return
        except AppError as exc:
            # A filter core cannot read: its sentence, and the rows shown stay as they were.
            self._say(str(exc))
            return
        if filters == self._filters():
            self._say("")  # a refresh under a filter core refused keeps that sentence
        self.applied = filters
        self._show(page)
        if focus_rows:
            self._table().focus()

    def _filters(self) -> Filters:
        staff = self.query_one("#audit-staff", Select).value
        action = self.query_one("#audit-action", Select).value
        return Filters(
            staff=staff if isinstance(staff, str) else None,
            action=action if isinstance(action, str) and not self.logins else None,
            record="" if self.logins else self.query_one("#audit-record", Input).value,
            date_from=self.query_one("#audit-from", Input).value,
            date_to=self.query_one("#audit-to", Input).value,
        )

    def apply_filters(self, focus_rows: bool = False) -> None:
        """Search again from the first page with the filters on screen; `focus_rows` moves to
        the rows once the filters were right."""
        self.cursors = [None]
        self._load(self._filters(), None, focus_rows)

    # --- showing ---------------------------------------------------------------------------

    def _say(self, sentence: str) -> None:
        message = self.query_one("#audit-message", Static)
        message.update(sentence)
        message.display = bool(sentence)

    def _show_title(self) -> None:
        what = _("log masuk: masuk, gagal masuk, akun dikunci") if self.logins else _("semua kegiatan")
        self.query_one("#audit-title", Static).update(Content.assemble((_("Jejak audit"), "bold"), " · ", what))

    def _show(self, page: EventPage | LoginPage) -> None:
        self.page = page
        table = self._table()
        if isinstance(page, LoginPage):
            table.set_rows([(row.id, (short_time(row), row.username, _result_cell(row), row.station or "-",
                                      row.client or "-")) for row in page.rows])
        else:
            table.set_rows([(row.id, (short_time(row), row.actor, row.action_label, row.record_label or "-",
                                      detail_cell(row))) for row in page.rows])
        self.query_one("#audit-page", Static).update(self._page_line(page))
        self._show_info()
        self.refresh_bindings()

    def _page_line(self, page: EventPage | LoginPage) -> Content:
        number = len(self.cursors)
        if not page.rows:
            if number == 1:
                return Content(_("Tidak ada catatan yang cocok."))
            return Content(_("Halaman {n}: tidak ada catatan lagi.").format(n=number))
        more = _("ada halaman berikutnya") if page.has_more else _("halaman terakhir")
        line = Content(_("Halaman {n} · {more}").format(n=number, more=more))
        hints = []
        if page.has_more:
            hints.append(_("PgDn/n berikut"))
        if number > 1:
            hints.append(_("PgUp/p sebelumnya"))
        if hints:
            line = Content.assemble(line, ("   " + "  ".join(hints), "dim"))
        return line

    def _highlighted(self) -> Event | LoginEvent | None:
        if self.page is None:
            return None
        key = self._table().current_key()
        return next((row for row in self.page.rows if str(row.id) == key), None)

    @on(DataTable.RowHighlighted)
    def _show_info(self) -> None:
        """The highlighted row under the table: when exactly and who, then its detail."""
        row = self._highlighted()
        info = self.query_one("#audit-info", Static)
        if row is None:
            info.update("")
            return
        local = clock.to_local(row.at)
        when = f"{format_date_short(local)} {local:%H:%M:%S}"
        if isinstance(row, LoginEvent):
            who = row.username + (f" ({row.full_name})" if row.full_name else "")
            first = Content.assemble((f"#{row.id}", "bold"), f" · {when} · {who} · ", row.result_label)
            second = Content(row.detail)
        else:
            who = row.actor + (f" ({row.staff_name})" if row.staff_name and row.staff_name != row.actor else "")
            first = Content.assemble((f"#{row.id}", "bold"), f" · {when} · {who} · {row.action_label}")
            second = Content(row.detail or "-")
        info.update(Content.assemble(first, "\n", second))

    # --- events ----------------------------------------------------------------------------

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        self.apply_filters()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.apply_filters(focus_rows=True)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """A typed filter left without Enter still applies once the field is left."""
        if isinstance(event.widget, Input) and self._filters() != self.applied:
            self.apply_filters()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value if event.row_key is not None else None
        if key:
            self.open_event(int(key))

    @work(group="open", exclusive=True)
    async def open_event(self, event_id: int) -> None:
        found = await self.db(audit_view.event, self.app.actor, event_id)
        await self.app.push_screen_wait(AuditEventDialog(found))

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_logins":
            if self.refused:
                return False
            return bool(parameters and parameters[0]) != self.logins
        if action == "page":
            if self._in_select() or self.refused:
                return False
            step = parameters[0] if parameters else 1
            if step == 1:
                return True if self.page is not None and self.page.has_more else None
            return True if len(self.cursors) > 1 else None
        return super().check_action(action, parameters)

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "page":
            step = parameters[0] if parameters else 1
            return _("Ini halaman terakhir.") if step == 1 else _("Ini halaman pertama.")
        return None

    def _in_select(self) -> bool:
        """True while a filter's list is open: its keys move within the list."""
        focused = self.focused
        return focused is not None and any(isinstance(node, Select) and node.expanded
                                           for node in focused.ancestors_with_self)

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        if step == 1:
            if not self.page.has_more:
                return
            self.cursors.append(self.page.next_before_id)
        else:
            if len(self.cursors) < 2:
                return
            self.cursors.pop()
        self._load(self.applied, self.cursors[-1])
        self._table().move_cursor(row=0, animate=False)

    def action_show_logins(self, logins: bool) -> None:
        self.logins = logins

    def watch_logins(self, logins: bool) -> None:
        for selector in ("#audit-action", "#audit-record"):
            self.query_one(selector).disabled = logins
        self.query_one("#audit-table").display = not logins
        self.query_one("#audit-logins").display = logins
        self.page = None
        self._table().set_rows([])
        self.query_one("#audit-info", Static).update("")
        self._show_title()
        self.apply_filters()
        self._table().focus()
