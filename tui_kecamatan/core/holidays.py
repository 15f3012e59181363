"""The days the office is closed, kept by the admin; working-day targets of requests skip them
(see core.workdays).

One table holds them all: the national holidays and cuti bersama, filled in for a year from the
`holidays` package after the admin reviewed the list (`national_holidays`, `save_national`), and
the office's local days (a regional holiday, a day the office closes) added by hand. Saving the
national list only adds days not saved yet, so local days and names the admin changed stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tui_kecamatan.core import audit, clock
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


# --- national holidays and cuti bersama ------------------------------------------------------

NATIONAL = "libur nasional"
CUTI_BERSAMA = "cuti bersama"
CUTI_PREFIX = "Cuti Bersama"
# The package's dates reach far ahead, but its Islamic and lunar dates beyond the announced ones
# are estimates, and cuti bersama are decided year by year: the office fills last year (late
# entries), this year and the few years ahead.
YEARS_BACK = 1
YEARS_AHEAD = 3


@dataclass(frozen=True)
class ProposedHoliday:
    """A national holiday or cuti bersama of a year, as the admin reviews it before saving.

    `already_saved`: the day is already in the office's holidays (under `saved_name`, which is
    "" when it is the same name), so saving leaves it as it is.
    """

    day: date
    name: str
    kind: str  # NATIONAL | CUTI_BERSAMA
    already_saved: bool = False
    saved_name: str = ""


def national_year_range(today: date | None = None) -> range:
    """The years whose national holidays can be filled in: last year to three years ahead."""
    year = (today or clock.today()).year
    return range(year - YEARS_BACK, year + YEARS_AHEAD + 1)


def default_national_year(today: date | None = None) -> int:
    """The year the admin most likely fills: the coming one from October (when the next year's
    cuti bersama are usually announced), else the current one."""
    today = today or clock.today()
    return today.year + 1 if today.month >= 10 else today.year


def check_year(value: object) -> int:
    """A year typed by the admin ("2026"), within `national_year_range`; InvalidInput otherwise."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else clean_text(str(value), 10).strip()
    if not text.isdigit():
        raise InvalidInput(_("Tahun harus berupa angka, mis. {year}.").format(year=default_national_year()))
    year = int(text)
    years = national_year_range()
    if year not in years:
        raise InvalidInput(_("Libur nasional dapat diisi untuk tahun {first} sampai {last}.").format(
            first=years[0], last=years[-1]))
    return year


def _kind(name: str) -> str:
    parts = [part.strip() for part in name.split(";") if part.strip()]
    return CUTI_BERSAMA if parts and all(part.startswith(CUTI_PREFIX) for part in parts) else NATIONAL


def _package_holidays(year: int) -> dict[date, str]:
    """The national holidays and cuti bersama of `year` in Indonesian, from the `holidays`
    package (imported here, only when asked: it is large and the desk never needs it)."""
    try:
        import holidays as holiday_data
    except ImportError:
        raise Refused(_("Daftar libur nasional tidak tersedia: paket holidays belum terpasang.")) from None
    try:
        found = holiday_data.country_holidays("ID", years=year, language="id", categories=("public", "government"))
    except (NotImplementedError, KeyError, ValueError) as exc:
        raise Refused(_("Daftar libur nasional tahun {year} tidak dapat dibaca dari paket holidays ({error}).").format(
            year=year, error=exc)) from None
    return {day: clean_text(name, NAME_MAX) for day, name in sorted(found.items()) if day.year == year}


def national_holidays(year: int) -> list[ProposedHoliday]:
    """The national holidays and cuti bersama of `year`, oldest first, each marked when the office
    already saved that day (a local holiday on the same day included)."""
    year = check_year(year)
    proposed = _package_holidays(year)
    saved = {row.day: row.name for row in
             Holiday.select().where((Holiday.day >= date(year, 1, 1)) & (Holiday.day <= date(year, 12, 31)))}
    result = []
    for day, name in proposed.items():
        already = day in saved
        saved_name = saved[day] if already and saved[day] != name else ""
        result.append(ProposedHoliday(day, name, _kind(name), already, saved_name))
    return result


def save_national(actor: Actor, year: int, chosen_days) -> int:
    """Add the chosen national holidays and cuti bersama of `year` under their national names, in
    one audited transaction, and return how many were added. Days already saved (by hand or
    before) are left as they are, so running it again adds nothing; other days are untouched."""
    require(actor, Role.ADMIN)
    year = check_year(year)
    proposed = _package_holidays(year)
    chosen = set()
    for day in chosen_days:
        if not isinstance(day, date) or day not in proposed:
            shown = day.strftime("%d-%m-%Y") if isinstance(day, date) else clean_text(str(day), 20)
            raise InvalidInput(_("Tanggal {day} bukan libur nasional atau cuti bersama tahun {year}.").format(
                day=shown, year=year))
        chosen.add(day)
    if not chosen:
        return 0
    with database.atomic():
        saved = {row.day for row in Holiday.select(Holiday.day).where(Holiday.day.in_(sorted(chosen)))}
        added = sorted(chosen - saved)
        for day in added:
            Holiday.create(day=day, name=proposed[day])
        if added:
            days = ", ".join(day.isoformat() for day in added)
            audit.record(actor, "libur_nasional_ditambah", "holiday", None,
                         f"{year}: {len(added)} hari ({days})")
    return len(added)
