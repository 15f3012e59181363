"""Working days: the office's service targets count Monday to Friday, minus the holidays the admin enters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from tui_kecamatan.db.models import Holiday


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    """Monday to Friday and not an office holiday."""
    return day.weekday() < 5 and day not in set(holidays)


def add_working_days(start: date, n: int, holidays: set[date] | frozenset[date] = frozenset()) -> date:
    """The day `n` working days after `start`, skipping Saturdays, Sundays and `holidays`.

    The day of intake itself does not count, so a 3-day target set on a Friday ends on the
    Wednesday after. With n <= 0 the answer is `start` (a same-day service).
    """
    day = start
    remaining = max(0, int(n))
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            remaining -= 1
    return day


def is_overdue(due_date: date | None, today: date) -> bool:
    """True once the target day has passed: a request due on Thursday is overdue on Friday."""
    return due_date is not None and today > due_date


def office_holidays(since: date, *, days: int = 400) -> set[date]:
    """The holidays the admin entered from `since` on, enough for any target the office sets."""
    until = since + timedelta(days=days)
    query = Holiday.select(Holiday.day).where((Holiday.day >= since) & (Holiday.day <= until))
    return {row.day for row in query}
