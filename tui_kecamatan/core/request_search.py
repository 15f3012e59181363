"""Finding requests: one page of a search (by registration number or its daily part, digits of
a NIK or a phone number, or part of a name, with filters on state, service, intake days and
overdue), and the counts per state the home screen shows. Reading only; NIKs come out masked
as in every RequestInfo.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce

from peewee import fn

from tui_kecamatan.core import clock, validation
from tui_kecamatan.core.request_labels import BEFORE_READY, RequestStatus
from tui_kecamatan.core.requests import RequestInfo, info_from_row
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db import search_index
from tui_kecamatan.db.models import Pickup, Request, Service
from tui_kecamatan.errors import AppError, InvalidInput
from tui_kecamatan.i18n import _

MAX_PAGE = 500


@dataclass(frozen=True)
class Page:
    rows: list[RequestInfo]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.rows) < self.total


def _statuses(status: str | RequestStatus | Iterable | None) -> list[str] | None:
    if status is None or status == "":
        return None
    values = [status] if isinstance(status, (str, RequestStatus)) else list(status)
    out = []
    for value in values:
        try:
            out.append(RequestStatus(getattr(value, "value", value)).value)
        except ValueError:
            raise InvalidInput(_("Status {status} tidak dikenal.").format(status=clean_text(value, 40))) from None
    return out


# The daily part of a registration number ("0045" of 20261128-0045): up to four digits.
SEQUENCE_DIGITS = 4
# Part of a NIK needs more digits than that: four are a daily part, a phone's end, or the
# province and kabupaten code every local NIK starts with.
NIK_PART_DIGITS = 5
# The shortest whole mobile number worth asking phonenumbers about.
PHONE_DIGITS = 6
# Digits with the separators people type in a phone number: "+62 857-1111-2222", "(0857) 1111".
_NUMBER = re.compile(r"[0-9+().\s-]*[0-9][0-9+().\s-]*")
_REG_NO_START = re.compile(r"[0-9][0-9-]*")


def _reg_no_starts_with(prefix: str):
    """reg_no LIKE 'prefix%' as a range, so SQLite answers it from the unique index (LIKE on a
    case-sensitive column cannot use one)."""
    return (Request.reg_no >= prefix) & (Request.reg_no < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _number_condition(text: str, compact: str):
    """A query of digits: the daily sequence of a registration number ("0002", "2"), the start
    of a registration number ("20261203", "20261203-0002"), digits anywhere in a phone number
    ("0857", "0857 1111", "+62 857") and, from five digits, anywhere in a NIK. Any of them
    matches."""
    digits = re.sub(r"[^0-9]", "", text)
    conditions = []
    if re.fullmatch(rf"-?[0-9]{{1,{SEQUENCE_DIGITS}}}", compact):
        conditions.append(Request.reg_seq == int(digits))
    if _REG_NO_START.fullmatch(compact) and len(compact) > SEQUENCE_DIGITS:
        conditions.append(_reg_no_starts_with(compact))
    if len(digits) >= search_index.MIN_LENGTH:
        conditions.append(search_index.digits_in(digits, nik=len(digits) >= NIK_PART_DIGITS))
    if len(digits) >= PHONE_DIGITS:
        try:
            # An unusual writing of a whole number ("+62 (0)857...") still finds it.
            conditions.append(Request.phone == validation.normalize_phone(text))
        except AppError:
            pass  # not a phone number: the other conditions still apply
    if not conditions:
        return Request.name.contains(text)
    return reduce(operator.or_, conditions)


def _text_condition(text: str):
    """What one search field's text matches; every form but a name under three characters is
    answered from an index."""
    if _NUMBER.fullmatch(text):
        return _number_condition(text, text.replace(" ", ""))
    if len(text) >= search_index.MIN_LENGTH:
        return search_index.name_contains(text)
    return Request.name.contains(text)


def search_query(
    text: str = "",
    status: str | Iterable[str] | None = None,
    service_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    overdue: bool = False,
):
    """The requests a search asks for, newest first, as one query (not yet cut into a page)."""
    query = Request.select(Request, Service).join(Service, on=(Request.service == Service.id))
    conditions = []
    text = clean_text(text, 100)
    if text:
        conditions.append(_text_condition(text))
    statuses = _statuses(status)
    if statuses is not None:
        conditions.append(Request.status.in_(statuses))
    if service_code:
        conditions.append(Service.code == str(service_code).strip().upper())
    if date_from is not None:
        conditions.append(Request.created_at >= clock.local_day_bounds(date_from)[0])
    if date_to is not None:
        conditions.append(Request.created_at < clock.local_day_bounds(date_to)[1])
    if overdue:
        conditions.append(Request.status.in_([s.value for s in BEFORE_READY]) & (Request.due_date < clock.today()))
    if conditions:
        query = query.where(reduce(operator.and_, conditions))
    return query.order_by(Request.created_at.desc(), Request.id.desc())


def search_requests(
    text: str = "",
    status: str | Iterable[str] | None = None,
    service_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    offset: int = 0,
    limit: int = 50,
    *,
    overdue: bool = False,
) -> Page:
    """One page of requests, newest first, counted and cut in SQL.

    `text` matches, ignoring case: a registration number (whole or its start, or its daily part
    alone: "0045" or "45"), digits anywhere in a phone number or (five or more) in a NIK
    (spaces, dashes and "+" ignored; "+62 857" and "0857" find the same numbers), or part of the
    name. Dates are local days of intake. `overdue` keeps the requests not yet ready whose target
    day has passed.
    """
    query = search_query(text, status, service_code, date_from, date_to, overdue=overdue)
    total = query.order_by().count()
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_PAGE))
    today = clock.today()
    rows = query.offset(offset).limit(limit)
    return Page([info_from_row(row, row.service, today) for row in rows], total, offset, limit)


def status_counts(day: date | None = None) -> dict[str, int]:
    """Requests per status, plus "overdue" and "picked_up_today" (collected or sent on `day`)."""
    day = day or clock.today()
    counts = {s.value: 0 for s in RequestStatus}
    for status, count in Request.select(Request.status, fn.COUNT(Request.id)).group_by(Request.status).tuples():
        counts[status] = count
    counts["overdue"] = (
        Request.select()
        .where(Request.status.in_([s.value for s in BEFORE_READY]) & (Request.due_date < day))
        .count()
    )
    start, end = clock.local_day_bounds(day)
    counts["picked_up_today"] = Pickup.select().where((Pickup.at >= start) & (Pickup.at < end)).count()
    return counts
