"""The office's clock: times are stored as naive UTC, days are local (Asia/Jakarta unless
configured). Tests replace the clock to turn the day at midnight without waiting for it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Callable

_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_FIXED = {"Asia/Jakarta": 7, "Asia/Pontianak": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}

_zone_name = "Asia/Jakarta"
_zone: tzinfo | None = None
_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


def zone_for(name: str) -> tzinfo | None:
    """The tzinfo for a zone name, or None if unknown; Indonesian zones work without tzdata."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        if name in _FIXED:
            return timezone(timedelta(hours=_FIXED[name]), _ABBREVIATIONS[name])
        return None


def configure(zone: str = "Asia/Jakarta") -> None:
    global _zone_name, _zone
    _zone_name = zone
    _zone = zone_for(zone) or timezone(timedelta(hours=7), "WIB")


def get_now() -> Callable[[], datetime]:
    """The current source of the time, to put back after replacing it for a while."""
    return _now


def set_now(func: Callable[[], datetime] | None) -> None:
    """Replace the source of the current time (an aware datetime); None restores the real one."""
    global _now
    _now = func if func is not None else (lambda: datetime.now(timezone.utc))


def zone() -> tzinfo:
    if _zone is None:
        configure(_zone_name)
    assert _zone is not None
    return _zone


def zone_abbreviation() -> str:
    return _ABBREVIATIONS.get(_zone_name, "")


def now_utc() -> datetime:
    """The current time as naive UTC, the form stored in the database."""
    return _now().astimezone(timezone.utc).replace(tzinfo=None)


def now_local() -> datetime:
    return _now().astimezone(zone())


def today() -> date:
    return now_local().date()


def to_local(stored: datetime | None) -> datetime | None:
    """A stored naive-UTC time as a local aware time."""
    if stored is None:
        return None
    return stored.replace(tzinfo=timezone.utc).astimezone(zone())


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The naive-UTC [start, end) of a local day, for queries on stored times."""
    start = datetime(day.year, day.month, day.day, tzinfo=zone())
    end = start + timedelta(days=1)
    to_utc = lambda moment: moment.astimezone(timezone.utc).replace(tzinfo=None)  # noqa: E731
    return to_utc(start), to_utc(end)
