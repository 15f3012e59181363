"""Reading the audit trail: who did what, when, to which record, newest first, a page at a time;
and the login log (logins and failed logins with the station and SSH client they came from).
For supervisors and admins; nothing here writes.

Pages are cut in SQL with a keyset on (at, id), newest first: a page starts below the row whose
id the caller passes as `before_id`, so a page never moves when newer events arrive, and every
filter is answered from an index of migration 4 (audit_event(action, at), (staff_id, at),
(table_name, record_id), (at)); the table is never read as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from peewee import Tuple

from tui_kecamatan.core import clock, validation
from tui_kecamatan.core.accounts import PLACE_SEPARATOR, Actor, Role, require
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db.models import ALL_MODELS, AuditEvent, Contact, Request, Staff, Ticket, database
from tui_kecamatan.errors import InvalidInput, NotFound
from tui_kecamatan.i18n import _

PAGE_SIZE = 50
PAGE_MAX = 200
LOGIN_OK = "masuk"
LOGIN_FAILED = "gagal_masuk"
LOGIN_ACTIONS = (LOGIN_OK, LOGIN_FAILED)

# Actions whose words read better written out than with the underscores replaced.
_ACTION_WORDS = {
    "nik_ditampilkan": "NIK lengkap ditampilkan",
    "pdf_disimpan": "PDF disimpan",
    "gagal_masuk": "gagal masuk",
    "tiket_protokol_kesehatan": "protokol kesehatan tiket dicatat",
    "pemicu_audit_dipasang_ulang": "pemicu audit dipasang ulang",
}

# Tables as the office calls them, for records that have no number of their own.
_TABLE_WORDS = {
    "request": "permohonan", "ticket": "antrian", "staff": "akun", "print_job": "cetakan", "contact": "kontak",
    "service": "layanan", "counter": "loket", "desa": "desa", "setting": "pengaturan", "holiday": "libur",
    "office_profile": "profil kantor", "audit_event": "jejak audit", "pickup": "pengambilan",
}

_REG_NO = re.compile(r"^(\d{8})-(\d{1,4})$")
_TICKET = re.compile(r"^([A-Za-z]{1,3})-?(\d{1,4})(?:\s+(\S+))?$")
_TABLE_ID = re.compile(r"^([a-z_]+)\s*[:#]\s*(\d{1,12})$")


def action_label(action: str) -> str:
    """'permohonan_dibuat' as 'permohonan dibuat'."""
    return _(_ACTION_WORDS[action]) if action in _ACTION_WORDS else clean_text(action, 60).replace("_", " ")


def table_label(table: str) -> str:
    return _(_TABLE_WORDS[table]) if table in _TABLE_WORDS else clean_text(table, 40)


@dataclass(frozen=True)
class Event:
    """One audit row as the viewer shows it."""

    id: int
    at: datetime  # naive UTC
    actor: str  # the username at the time, "sistem", or "cli:<user>" for the command line
    staff_name: str  # the account's full name, "" without an account
    action: str
    table_name: str
    record_id: int | None
    record_label: str  # "20261201-0004" (a request, or a contact with it), "A-007 28-11-2026", "wahyu", "layanan #3", ""
    detail: str
    hash: str

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def record_key(self) -> str:
        """The record as the filter takes it back: "request:5", "staff:2", "" for none."""
        if not self.table_name:
            return ""
        return self.table_name if self.record_id is None else f"{self.table_name}:{self.record_id}"

    @property
    def local_at(self) -> datetime:
        return clock.to_local(self.at)


@dataclass(frozen=True)
class EventPage:
    rows: tuple[Event, ...]
    before_id: int | None  # where this page starts (None: the newest)
    next_before_id: int | None  # `before_id` of the next, older page; None on the last page

    @property
    def has_more(self) -> bool:
        return self.next_before_id is not None


@dataclass(frozen=True)
class LoginEvent:
    """A login or a failed one, with where it came from (as far as the app knew)."""

    id: int
    at: datetime  # naive UTC
    username: str
    full_name: str
    result: str  # masuk | gagal | dikunci (the failure that locked the account)
    attempt: int | None  # the failure's number since the last good login
    station: str  # the desk's name ("loket-1"), "" when not recorded
    client: str  # the SSH client's address, "" on a console or when not recorded
    detail: str

    @property
    def result_label(self) -> str:
        if self.result == "masuk":
            return _("masuk")
        if self.result == "dikunci":
            return _("dikunci")
        return _("gagal ke-{n}").format(n=self.attempt) if self.attempt else _("gagal")

    @property
    def local_at(self) -> datetime:
        return clock.to_local(self.at)


@dataclass(frozen=True)
class LoginPage:
    rows: tuple[LoginEvent, ...]
    before_id: int | None
    next_before_id: int | None

    @property
    def has_more(self) -> bool:
        return self.next_before_id is not None


@dataclass(frozen=True)
class StaffName:
    username: str
    full_name: str
    active: bool


# --- reading the filters ---------------------------------------------------------------------


def _day(value: date | str | None, what: str) -> date | None:
    """A day given as a date or typed as YYYY-MM-DD or DD-MM-YYYY; None when empty."""
    if value is None or isinstance(value, date):
        return value
    return validation.parse_day(value, what)


def _period(date_from, date_to) -> tuple[datetime | None, datetime | None]:
    """The naive-UTC [start, end) of the local days from `date_from` to `date_to` inclusive."""
    first = _day(date_from, _("dari"))
    last = _day(date_to, _("sampai"))
    if first and last and first > last:
        raise InvalidInput(_("Tanggal \"dari\" jatuh setelah tanggal \"sampai\"."))
    start = clock.local_day_bounds(first)[0] if first else None
    end = clock.local_day_bounds(last)[1] if last else None
    return start, end


def _limit(limit: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= PAGE_MAX:
        raise InvalidInput(_("Jumlah baris satu halaman harus 1 sampai {n}.").format(n=PAGE_MAX))
    return limit


def _staff_id(staff: str | int | None) -> int | None:
    if staff is None or staff == "":
        return None
    if isinstance(staff, int) and not isinstance(staff, bool):
        row = Staff.get_or_none(Staff.id == staff)
    else:
        row = Staff.get_or_none(Staff.username == clean_text(staff, 40).lower())
    if row is None:
        raise NotFound(_("Petugas {name} tidak ada.").format(name=clean_text(staff, 40)))
    return row.id


def _known_tables() -> set[str]:
    return {model._meta.table_name for model in ALL_MODELS}


def _ticket_record(prefix: str, number: int, day_text: str | None, date_from) -> list[tuple[str, list[int]]]:
    """A ticket code names a ticket of one day: the day typed after it, else the "dari" day
    asked for, else today."""
    day = _day(day_text, _("nomor antrian")) if day_text else _day(date_from, _("dari")) or clock.today()
    ticket = Ticket.get_or_none((Ticket.day == day) & (Ticket.prefix == prefix.upper()) & (Ticket.number == number))
    if ticket is None:
        raise NotFound(_("Nomor antrian {code} tanggal {day} tidak ada.").format(
            code=f"{prefix.upper()}-{number:03d}", day=day.strftime("%d-%m-%Y")))
    return [("ticket", [ticket.id])]


def _record(record: str | None, date_from=None) -> list[tuple[str, list[int]]]:
    """The (table, ids) a record filter stands for; [] when there is none.

    A registration number is its request and the contacts recorded for it; a ticket code
    ("A-007", "A-007 28-11-2026") that ticket; "tabel:id" ("staff:3") that row."""
    text = clean_text(record, 60) if record is not None else ""
    if not text:
        return []
    match = _REG_NO.match(text)
    if match:
        reg_no = f"{match.group(1)}-{int(match.group(2)):04d}"
        request = Request.get_or_none(Request.reg_no == reg_no)
        if request is None:
            raise NotFound(_("Permohonan {reg_no} tidak ada.").format(reg_no=reg_no))
        contacts = [row.id for row in Contact.select(Contact.id).where(Contact.request == request.id)]
        return [("request", [request.id])] + ([("contact", contacts)] if contacts else [])
    match = _TABLE_ID.match(text.lower())
    if match:
        table = match.group(1)
        if table not in _known_tables():
            raise InvalidInput(_("Tabel {table} tidak ada; yang ada: {tables}.").format(
                table=table, tables=", ".join(sorted(_known_tables()))))
        return [(table, [int(match.group(2))])]
    match = _TICKET.match(text)
    if match:
        return _ticket_record(match.group(1), int(match.group(2)), match.group(3), date_from)
    raise InvalidInput(_("Catatan \"{text}\" tidak dikenali; tulis No. registrasi (20261201-0004), nomor antrian "
                         "(A-007 atau A-007 28-11-2026) atau tabel:id (staff:3).").format(text=text))


# --- the pages -------------------------------------------------------------------------------


def _below(before_id: int | None):
    """Rows older than the row `before_id` in the order (at, id) descending."""
    if before_id is None:
        return None
    if not isinstance(before_id, int) or isinstance(before_id, bool):
        raise InvalidInput(_("Halaman yang diminta tidak dikenali."))
    cursor = AuditEvent.alias("cursor")
    return Tuple(AuditEvent.at, AuditEvent.id) < cursor.select(cursor.at, cursor.id).where(cursor.id == before_id)


def _page_query(conditions: list, before_id: int | None, limit: int):
    below = _below(before_id)
    where = [c for c in conditions + [below] if c is not None]
    query = AuditEvent.select().order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
    for condition in where:
        query = query.where(condition)
    return query


def _read_pages(branches: list[list], before_id: int | None, limit: int) -> tuple[list[AuditEvent], int | None]:
    """Each branch's conditions read as one indexed query of `limit` + 1 rows, merged newest
    first; the rows of the page and the next page's `before_id`."""
    rows: dict[int, AuditEvent] = {}
    for conditions in branches:
        for row in _page_query(conditions, before_id, limit):
            rows[row.id] = row
    ordered = sorted(rows.values(), key=lambda row: (row.at, row.id), reverse=True)
    page = ordered[:limit]
    next_before = page[-1].id if len(ordered) > limit and page else None
    return page, next_before


def _labels(rows: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """What each (table, id) of the page is called: registration numbers, ticket codes with
    their day, usernames; one query per kind of record."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row.table_name and row.record_id is not None:
            wanted.setdefault(row.table_name, set()).add(row.record_id)
    labels: dict[tuple[str, int], str] = {}
    if wanted.get("request"):
        for rid, reg_no in Request.select(Request.id, Request.reg_no).where(Request.id.in_(wanted["request"])).tuples():
            labels[("request", rid)] = reg_no
    if wanted.get("ticket"):
        query = Ticket.select(Ticket.id, Ticket.code, Ticket.day).where(Ticket.id.in_(wanted["ticket"])).tuples()
        for tid, code, day in query:
            labels[("ticket", tid)] = f"{code} {day:%d-%m-%Y}"
    if wanted.get("contact"):  # a contact is known by its request
        query = (Contact.select(Contact.id, Request.reg_no).join(Request)
                 .where(Contact.id.in_(wanted["contact"])).tuples())
        for cid, reg_no in query:
            labels[("contact", cid)] = reg_no
    if wanted.get("staff"):
        for sid, username in Staff.select(Staff.id, Staff.username).where(Staff.id.in_(wanted["staff"])).tuples():
            labels[("staff", sid)] = username
    for table, ids in wanted.items():
        for rid in ids:
            labels.setdefault((table, rid), f"{table_label(table)} #{rid}")
    return labels


def _full_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(Staff.select(Staff.id, Staff.full_name).where(Staff.id.in_(ids)).tuples())


def _events(rows: list[AuditEvent]) -> list[Event]:
    labels = _labels(rows)
    names = _full_names({row.staff_id for row in rows if row.staff_id is not None})
    found = []
    for row in rows:
        if row.table_name and row.record_id is not None:
            label = labels[(row.table_name, row.record_id)]
        else:
            label = table_label(row.table_name) if row.table_name else ""
        found.append(Event(
            id=row.id, at=row.at, actor=clean_text(row.actor, 60), staff_name=clean_text(names.get(row.staff_id, ""), 80),
            action=clean_text(row.action, 60), table_name=clean_text(row.table_name, 40), record_id=row.record_id,
            record_label=clean_text(label, 60), detail=clean_text(row.detail, 500), hash=clean_text(row.hash or "", 64),
        ))
    return found


def search_events(actor: Actor, *, staff: str | int | None = None, action: str | None = None,
                  record: str | None = None, date_from: date | str | None = None, date_to: date | str | None = None,
                  before_id: int | None = None, limit: int = PAGE_SIZE) -> EventPage:
    """A page of audit events, newest first, filtered by who did it (a staff username), the
    action, the record (see `_record`) and local days; `before_id` is the `next_before_id` of
    the page before."""
    require(actor, Role.SUPERVISOR)
    limit = _limit(limit)
    start, end = _period(date_from, date_to)
    conditions = []
    staff_id = _staff_id(staff)
    if staff_id is not None:
        conditions.append(AuditEvent.staff == staff_id)
    action = clean_text(action, 60) if action else ""
    if action:
        conditions.append(AuditEvent.action == action)
    if start is not None:
        conditions.append(AuditEvent.at >= start)
    if end is not None:
        conditions.append(AuditEvent.at < end)
    targets = _record(record, date_from)
    if targets:
        matches = [(AuditEvent.table_name == table) & (AuditEvent.record_id.in_(ids)) for table, ids in targets]
        anyof = matches[0]
        for match in matches[1:]:
            anyof = anyof | match
        conditions.append(anyof)
    rows, next_before = _read_pages([conditions], before_id, limit)
    return EventPage(tuple(_events(rows)), before_id, next_before)


def event(actor: Actor, event_id: int) -> Event:
    """One audit event with everything it holds."""
    require(actor, Role.SUPERVISOR)
    row = AuditEvent.get_or_none(AuditEvent.id == event_id)
    if row is None:
        raise NotFound(_("Catatan audit no. {id} tidak ada.").format(id=event_id))
    return _events([row])[0]


def actions(actor: Actor) -> list[str]:
    """The actions the trail holds, for the filter: one index seek per action (a loose scan of
    audit_event(action, at)), never a pass over every row."""
    require(actor, Role.SUPERVISOR)
    sql = (
        "WITH RECURSIVE found(action) AS ("
        " SELECT MIN(action) FROM audit_event"
        " UNION ALL"
        " SELECT (SELECT MIN(action) FROM audit_event WHERE action > found.action) FROM found"
        " WHERE found.action IS NOT NULL"
        ") SELECT action FROM found WHERE action IS NOT NULL"
    )
    return [clean_text(row[0], 60) for row in database.execute_sql(sql)]


def staff_names(actor: Actor) -> list[StaffName]:
    """Every staff account, for the filter (disabled ones too: their past acts are in the trail)."""
    require(actor, Role.SUPERVISOR)
    query = Staff.select(Staff.username, Staff.full_name, Staff.active).order_by(Staff.username).tuples()
    return [StaffName(clean_text(u, 40), clean_text(f, 80), bool(a)) for u, f, a in query]


# --- the login log ---------------------------------------------------------------------------


def parse_place(detail: str) -> tuple[str, str, str]:
    """A login row's detail split into (what happened, station, SSH client); see
    accounts.login_place for how it is written."""
    detail = detail or ""
    if PLACE_SEPARATOR in detail:
        base, _sep, tail = detail.rpartition(PLACE_SEPARATOR)
    elif detail.startswith(("stasiun ", "ssh ")):
        base, tail = "", detail
    else:
        return detail, "", ""
    station = client = ""
    for part in tail.split("; "):
        if part.startswith("stasiun "):
            station = part[len("stasiun "):]
        elif part.startswith("ssh "):
            client = part[len("ssh "):]
    return base, station, client


_ATTEMPT = re.compile(r"percobaan ke-(\d+)")


def _login_event(row: AuditEvent, accounts: dict[int, tuple[str, str]]) -> LoginEvent:
    base, station, client = parse_place(row.detail)
    if row.action == LOGIN_OK:
        username, full_name = accounts.get(row.staff_id, (row.actor, ""))
        result, attempt = "masuk", None
    else:
        username, full_name = accounts.get(row.record_id, (base.partition(":")[0], ""))
        found = _ATTEMPT.search(base)
        attempt = int(found.group(1)) if found else None
        result = "dikunci" if "(dikunci)" in base else "gagal"
    return LoginEvent(
        id=row.id, at=row.at, username=clean_text(username, 40), full_name=clean_text(full_name, 80), result=result,
        attempt=attempt, station=clean_text(station, 60), client=clean_text(client, 60), detail=clean_text(row.detail, 500),
    )


def login_log(actor: Actor, *, staff: str | int | None = None, date_from: date | str | None = None,
              date_to: date | str | None = None, before_id: int | None = None, limit: int = PAGE_SIZE) -> LoginPage:
    """Logins (`masuk`) and failed logins (`gagal_masuk`, the one that locked the account marked
    `dikunci`) newest first, with the station and SSH client recorded with them. `staff` is the
    account logged into (a failed login has no actor, only the account it tried)."""
    require(actor, Role.SUPERVISOR)
    limit = _limit(limit)
    start, end = _period(date_from, date_to)
    period = [c for c in (AuditEvent.at >= start if start else None, AuditEvent.at < end if end else None) if c is not None]
    staff_id = _staff_id(staff)
    if staff_id is None:
        branches = [[AuditEvent.action == action, *period] for action in LOGIN_ACTIONS]
    else:
        branches = [
            [AuditEvent.action == LOGIN_OK, AuditEvent.staff == staff_id, *period],
            [AuditEvent.table_name == "staff", AuditEvent.record_id == staff_id, AuditEvent.action == LOGIN_FAILED, *period],
        ]
    rows, next_before = _read_pages(branches, before_id, limit)
    ids = {row.staff_id if row.action == LOGIN_OK else row.record_id for row in rows} - {None}
    accounts = {sid: (u, f) for sid, u, f in Staff.select(Staff.id, Staff.username, Staff.full_name)
                .where(Staff.id.in_(ids)).tuples()} if ids else {}
    return LoginPage(tuple(_login_event(row, accounts) for row in rows), before_id, next_before)
