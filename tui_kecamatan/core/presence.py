"""Who is running the app or a long command on the office database right now: each process keeps
one row (kind, machine, pid, station, SSH client, staff) while it runs, so `restore` can name who
would lose their work and the admin screen can show who is connected.

A row of this machine counts as gone when its process no longer exists (a desk killed without a
clean exit); a row of another machine (the office database is on one machine, so only a copy
reached over a network share would have them) when it has not been written for STALE_SECONDS.
Rows are written at start, login, logout and exit, and again only when missing (`keep`): every
commit wakes every desk's screen, so presence must not commit every half minute. Rows are bookkeeping, not
office data: they are not audited and any process may write its own row, logged in or not.
Times here are the machine's real UTC clock, not the office clock tests may move.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tui_kecamatan.core import clock
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db.models import Presence, Staff, database
from tui_kecamatan.i18n import _

KINDS = ("app", "board", "kiosk", "cli")
REFRESH_SECONDS = 30
STALE_SECONDS = 120

_KIND_LABELS = {
    "app": "aplikasi",
    "board": "layar tunggu",
    "kiosk": "anjungan",
    "cli": "baris perintah",
}

# What this process registered last, so a refresh can put the row back after a restore
# replaced the database underneath it.
_mine: dict[str, object] = {}


@dataclass(frozen=True)
class PresenceInfo:
    """One running process as the admin screen and `restore` show it."""

    kind: str
    host: str
    pid: int
    station: str
    client: str
    staff: str  # the staff username, or "" when nobody is logged in
    actor: str
    started_at: datetime  # naive UTC
    last_seen: datetime  # naive UTC
    is_self: bool

    @property
    def kind_label(self) -> str:
        return _(_KIND_LABELS.get(self.kind, self.kind))

    @property
    def who(self) -> str:
        return self.staff or self.actor or self.kind_label

    @property
    def where(self) -> str:
        return self.station or self.host

    @property
    def origin(self) -> str:
        """The SSH client's address, or the machine and process id when it runs on a console."""
        return self.client or f"{self.host}, pid {self.pid}"

    def describe(self) -> str:
        """'wahyu di loket-1 (192.168.1.20)'."""
        return _("{who} di {where} ({origin})").format(who=self.who, where=self.where, origin=self.origin)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def host_name() -> str:
    return clean_text(socket.gethostname(), 60) or "?"


def ssh_client(environ: dict[str, str] | None = None) -> str:
    """The address an SSH session comes from (SSH_CLIENT "ip port port", or SSH_CONNECTION)."""
    environ = os.environ if environ is None else environ
    for name in ("SSH_CLIENT", "SSH_CONNECTION"):
        parts = (environ.get(name) or "").split()
        if parts:
            return clean_text(parts[0], 60)
    return ""


def terminal_name() -> str:
    """The terminal of standard input ("pts/3", "tty1"), or "" without one."""
    for fd in (0, 1, 2):
        try:
            name = os.ttyname(fd)
        except OSError:
            continue
        return clean_text(name.removeprefix("/dev/"), 30)
    return ""


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine still runs (a zombie does not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def _gone(row: Presence, now: datetime, host: str) -> bool:
    """A process of this machine is here while it lives (its row is not rewritten to say so:
    every write would wake every desk's screen); one of another machine while it has been seen
    within STALE_SECONDS."""
    if row.host == host:
        return not pid_alive(row.pid)
    return row.last_seen < now - timedelta(seconds=STALE_SECONDS)


def _staff_id(staff_id: int | None) -> int | None:
    # A restore may have brought back a database without this account.
    if staff_id is None or not Staff.select().where(Staff.id == staff_id).exists():
        return None
    return staff_id


def register(kind: str, *, station: str = "", actor: str = "", staff_id: int | None = None) -> None:
    """Record (or refresh) this process's row; rows of processes that are gone are removed."""
    if kind not in KINDS:
        raise ValueError(f"unknown presence kind {kind!r}")
    _mine.update(kind=kind, station=station, actor=actor, staff_id=staff_id)
    now = _now()
    host = host_name()
    fields = {
        "kind": kind,
        "station": clean_text(station, 60),
        "client": ssh_client(),
        "staff": _staff_id(staff_id),
        "actor": clean_text(actor, 60),
        "last_seen": now,
    }
    with database.atomic():
        (Presence.insert(host=host, pid=os.getpid(), started_at=now, **fields)
         .on_conflict(conflict_target=[Presence.host, Presence.pid], update=fields)
         .execute())
        gone = [row.id for row in Presence.select() if _gone(row, now, host)]
        if gone:
            Presence.delete().where(Presence.id.in_(gone)).execute()


_KEEP = object()


def refresh(*, actor: object = _KEEP, staff_id: object = _KEEP) -> None:
    """Record who is now logged in in this process's row (at login and logout)."""
    if not _mine:
        return
    if actor is not _KEEP:
        _mine["actor"] = actor
    if staff_id is not _KEEP:
        _mine["staff_id"] = staff_id
    register(str(_mine["kind"]), station=str(_mine["station"]), actor=str(_mine["actor"]),
             staff_id=_mine["staff_id"])  # type: ignore[arg-type]


def keep() -> None:
    """Every REFRESH_SECONDS: write this process's row again only when it is missing (a restore
    replaced the database underneath it). Nothing is written otherwise, so the other desks'
    screens are not woken."""
    if not _mine:
        return
    if not Presence.select().where((Presence.host == host_name()) & (Presence.pid == os.getpid())).exists():
        refresh()


def leave() -> None:
    """Remove this process's row (at a clean exit)."""
    _mine.clear()
    Presence.delete().where((Presence.host == host_name()) & (Presence.pid == os.getpid())).execute()


def active(exclude_self: bool = True) -> list[PresenceInfo]:
    """The processes running now, longest running first."""
    now = _now()
    host = host_name()
    me = (host, os.getpid())
    names = dict(Staff.select(Staff.id, Staff.username).tuples())
    found = []
    for row in Presence.select().order_by(Presence.started_at, Presence.id):
        if _gone(row, now, host):
            continue
        is_self = (row.host, row.pid) == me
        if exclude_self and is_self:
            continue
        staff = names.get(row.staff_id, "") if row.staff_id is not None else ""
        found.append(PresenceInfo(
            kind=row.kind, host=clean_text(row.host, 60), pid=row.pid, station=clean_text(row.station, 60),
            client=clean_text(row.client, 60), staff=clean_text(staff, 40), actor=clean_text(row.actor, 60),
            started_at=row.started_at, last_seen=row.last_seen, is_self=is_self,
        ))
    return found


def busy_sentence(others: list[PresenceInfo]) -> str:
    """Why `restore` waits: who is still working, in one sentence."""
    return _("Aplikasi masih dipakai: {who}; tutup dulu atau ulangi dengan --force.").format(
        who=", ".join(row.describe() for row in others))


def local_time(stored: datetime) -> datetime:
    """A stored UTC time in the office's zone, for showing."""
    return stored.replace(tzinfo=timezone.utc).astimezone(clock.zone())
