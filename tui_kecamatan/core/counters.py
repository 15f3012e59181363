"""The office's counters (loket), kept by the admin: their numbers and names, which services each
one calls, and taking a counter out of use or back into it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from tui_kecamatan.core import audit, clock
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.tickets import CALLED, SERVING, WAITING
from tui_kecamatan.core.text import clean_name, clean_text
from tui_kecamatan.db.models import Counter, CounterService, Service, Ticket, database
from tui_kecamatan.errors import InvalidInput, NotFound, Refused
from tui_kecamatan.i18n import _

MIN_NUMBER = 1
MAX_NUMBER = 99
NAME_MAX = 60


@dataclass(frozen=True)
class CounterInfo:
    """A counter as the admin screen and the desks see it.

    `service_codes` are the services it calls, in the office's service order; empty means the
    counter calls every service.
    """

    id: int
    number: int
    name: str
    active: bool
    service_codes: tuple[str, ...]

    @property
    def calls_every_service(self) -> bool:
        return not self.service_codes


# --- reading (any role) ---------------------------------------------------------------------


def _codes_by_counter(counter_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not counter_ids:
        return {}
    links = (
        CounterService.select(CounterService.counter, Service.code)
        .join(Service)
        .where(CounterService.counter.in_(counter_ids))
        .order_by(Service.position, Service.id)
        .tuples()
    )
    codes: dict[int, list[str]] = {}
    for counter_id, code in links:
        codes.setdefault(counter_id, []).append(code)
    return {counter_id: tuple(found) for counter_id, found in codes.items()}


def _info(row: Counter, codes: tuple[str, ...]) -> CounterInfo:
    return CounterInfo(row.id, row.number, clean_text(row.name, NAME_MAX), bool(row.active), codes)


def _reload(row_id: int) -> CounterInfo:
    row = Counter.get_by_id(row_id)
    return _info(row, _codes_by_counter([row.id]).get(row.id, ()))


def list_counters(include_inactive: bool = False) -> list[CounterInfo]:
    """The counters by number, each with the services it calls."""
    query = Counter.select().order_by(Counter.number)
    if not include_inactive:
        query = query.where(Counter.active == True)  # noqa: E712 - peewee expression
    rows = list(query)
    codes = _codes_by_counter([row.id for row in rows])
    return [_info(row, codes.get(row.id, ())) for row in rows]


def check_number(value: object) -> int:
    """A counter number as typed or given: a whole number from 1 to 99."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif text.isdigit() and text.isascii():
        number = int(text)
    else:
        number = -1
    if not MIN_NUMBER <= number <= MAX_NUMBER:
        raise InvalidInput(_("Nomor loket harus angka {low} sampai {high}.").format(low=MIN_NUMBER, high=MAX_NUMBER))
    return number


def _find(number: object) -> Counter:
    number = check_number(number)
    row = Counter.get_or_none(Counter.number == number)
    if row is None:
        raise NotFound(_("Loket {n} tidak ada.").format(n=number))
    return row


def get_counter(number: int) -> CounterInfo:
    """One counter by its number."""
    return _reload(_find(number).id)


# --- changes (admin) ------------------------------------------------------------------------


def _check_name(value: object) -> str:
    name = clean_name(value)
    if not name:
        raise InvalidInput(_("Nama loket wajib diisi."))
    if len(name) > NAME_MAX:
        raise InvalidInput(_("Nama loket maksimal {n} karakter.").format(n=NAME_MAX))
    return name


def _service_ids(codes: Iterable[str]) -> tuple[list[int], list[str]]:
    """The ids and codes of the named services, in the office's order; an unknown code is refused."""
    if isinstance(codes, str):
        codes = [codes]  # one code given alone, not its letters
    wanted: list[str] = []
    for code in codes:
        code = str(code or "").strip().upper()
        if code and code not in wanted:
            wanted.append(code)
    if not wanted:
        return [], []
    found = {
        row.code: row.id
        for row in Service.select(Service.id, Service.code).where(Service.code.in_(wanted))
    }
    for code in wanted:
        if code not in found:
            raise InvalidInput(_("Layanan {code} tidak ada; pilih dari daftar layanan.").format(code=clean_text(code, 40)))
    ordered = Service.select(Service.id, Service.code).where(Service.id.in_(list(found.values())))
    ordered = ordered.order_by(Service.position, Service.id)
    return [row.id for row in ordered], [row.code for row in ordered]


def _link(counter_id: int, service_ids: list[int]) -> None:
    CounterService.delete().where(CounterService.counter == counter_id).execute()
    for service_id in service_ids:
        CounterService.create(counter=counter_id, service=service_id)


def _describe(codes: list[str] | tuple[str, ...]) -> str:
    return ", ".join(codes) if codes else "semua layanan"


def add_counter(actor: Actor, number: int, name: str = "", service_codes: Iterable[str] = ()) -> CounterInfo:
    """A new counter; `name` defaults to "Loket N", and with no services given it calls every service."""
    require(actor, Role.ADMIN)
    number = check_number(number)
    name = _check_name(name) if clean_name(name) else _("Loket {n}").format(n=number)
    with database.atomic():
        if Counter.select().where(Counter.number == number).exists():
            raise Refused(_("Loket {n} sudah ada.").format(n=number))
        service_ids, codes = _service_ids(service_codes)
        row = Counter.create(number=number, name=name, active=True)
        _link(row.id, service_ids)
        audit.record(actor, "loket_ditambah", "counter", row.id, f"{number} {name}: {_describe(codes)}")
        return _reload(row.id)


def edit_counter(
    actor: Actor,
    number: int,
    *,
    name: str | None = None,
    service_codes: Iterable[str] | None = None,
) -> CounterInfo:
    """Rename a counter or set the services it calls (an empty list: every service).

    Tickets already sent to the counter by a transfer stay its own whatever it calls.
    """
    require(actor, Role.ADMIN)
    new_name = _check_name(name) if name is not None else None
    with database.atomic():
        row = _find(number)
        before = _codes_by_counter([row.id]).get(row.id, ())
        changes: list[str] = []
        if new_name is not None and new_name != row.name:
            Counter.update(name=new_name).where(Counter.id == row.id).execute()
            changes.append(f"nama: {row.name} -> {new_name}")
        if service_codes is not None:
            service_ids, codes = _service_ids(service_codes)
            if tuple(codes) != before:
                _link(row.id, service_ids)
                changes.append(f"layanan: {_describe(before)} -> {_describe(codes)}")
        if changes:
            audit.record(actor, "loket_diubah", "counter", row.id, f"{row.number}: " + "; ".join(changes))
        return _reload(row.id)


def set_counter_active(actor: Actor, number: int, active: bool) -> CounterInfo:
    """Take a counter out of use (its history stays) or bring it back.

    A counter is not taken out of use while it is calling or serving a ticket today, while
    tickets transferred to it still wait (no other counter would call them), or when it is the
    office's last counter in use.
    """
    require(actor, Role.ADMIN)
    with database.atomic():
        row = _find(number)
        if bool(row.active) == bool(active):
            return _reload(row.id)
        if not active:
            today = clock.today()
            mine = Ticket.select().where((Ticket.day == today) & (Ticket.counter == row.id))
            busy = mine.where(Ticket.status.in_((CALLED, SERVING))).order_by(Ticket.id).first()
            if busy is not None:
                raise Refused(_("Loket {n} masih memanggil atau melayani {code}; selesaikan dulu.").format(
                    n=row.number, code=busy.code))
            waiting = mine.where(Ticket.status == WAITING).count()
            if waiting:
                raise Refused(_("Masih ada {count} nomor antrian yang dipindahkan ke loket {n}; pindahkan dulu ke loket lain.").format(
                    count=waiting, n=row.number))
            others = Counter.select().where((Counter.active == True) & (Counter.id != row.id)).count()  # noqa: E712
            if others == 0:
                raise Refused(_("Loket {n} adalah loket aktif terakhir; tambahkan loket lain dulu.").format(n=row.number))
        Counter.update(active=bool(active)).where(Counter.id == row.id).execute()
        action = "loket_diaktifkan" if active else "loket_dinonaktifkan"
        audit.record(actor, action, "counter", row.id, f"{row.number} {row.name}")
        return _reload(row.id)


def next_free_number() -> int | None:
    """The lowest counter number not yet used, to offer when adding one (None when all 99 are)."""
    taken = {number for (number,) in Counter.select(Counter.number).tuples()}
    return next((n for n in range(MIN_NUMBER, MAX_NUMBER + 1) if n not in taken), None)
