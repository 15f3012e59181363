"""Finding requests: one page of a search (by registration number, NIK, phone number or name,
with filters on state, service, intake days and overdue), and the counts per state the home
screen shows. Reading only; NIKs come out masked as in every RequestInfo.
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


def _text_condition(text: str):
    compact = text.replace(" ", "")
    conditions = [Request.name.contains(text)]
    if re.fullmatch(r"[0-9][0-9-]*", compact):
        conditions.append(Request.reg_no.startswith(compact))
        if len(compact) == validation.NIK_LENGTH and compact.isdigit():
            conditions.append(Request.nik == compact)
    if re.fullmatch(r"\+?[0-9 ().-]{6,}", text):
        try:
            conditions.append(Request.phone == validation.normalize_phone(text))
        except AppError:
            pass  # not a phone number: the other conditions still apply
    return reduce(operator.or_, conditions)


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

    `text` matches a registration number (whole or its start), a NIK (exact), a phone number
    (in any common writing) or part of the name, ignoring case. Dates are local days of intake.
    `overdue` keeps the requests not yet ready whose target day has passed.
    """
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
    today = clock.today()
    if overdue:
        conditions.append(Request.status.in_([s.value for s in BEFORE_READY]) & (Request.due_date < today))
    if conditions:
        query = query.where(reduce(operator.and_, conditions))
    total = query.count()
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_PAGE))
    rows = query.order_by(Request.created_at.desc(), Request.id.desc()).offset(offset).limit(limit)
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
