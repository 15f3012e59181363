"""The days the office is closed, kept by the admin; working-day targets of requests skip them
(see core.workdays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tui_kecamatan.core import audit
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.text import NAME_MAX, clean_text
from tui_kecamatan.db.models import Holiday, database
from tui_kecamatan.errors import InvalidInput, NotFound, Refused
from tui_kecamatan.i18n import _


@dataclass(frozen=True)
class HolidayInfo:
    day: date
    name: str


def list_holidays(year: int | None = None) -> list[HolidayInfo]:
    query = Holiday.select().order_by(Holiday.day)
    if year is not None:
        query = query.where((Holiday.day >= date(year, 1, 1)) & (Holiday.day <= date(year, 12, 31)))
    return [HolidayInfo(h.day, h.name) for h in query]


def add_holiday(actor: Actor, day: date, name: str = "") -> HolidayInfo:
    """A day the office is closed; working-day targets of requests taken from now on skip it."""
    require(actor, Role.ADMIN)
    if not isinstance(day, date):
        raise InvalidInput(_("Tanggal libur tidak valid."))
    name = clean_text(name, NAME_MAX)
    with database.atomic():
        if Holiday.get_or_none(Holiday.day == day) is not None:
            raise Refused(_("Tanggal {day} sudah tercatat sebagai hari libur.").format(day=day.strftime("%d-%m-%Y")))
        Holiday.create(day=day, name=name)
        audit.record(actor, "libur_ditambah", "holiday", None, f"{day.isoformat()} {name}")
    return HolidayInfo(day, name)


def remove_holiday(actor: Actor, day: date) -> None:
    require(actor, Role.ADMIN)
    with database.atomic():
        row = Holiday.get_or_none(Holiday.day == day)
        if row is None:
            raise NotFound(_("Tanggal {day} bukan hari libur yang tercatat.").format(day=day.strftime("%d-%m-%Y")))
        Holiday.delete().where(Holiday.day == day).execute()
        audit.record(actor, "libur_dihapus", "holiday", None, f"{day.isoformat()} {row.name}")
