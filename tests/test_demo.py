"""The sample office of `tui-kecamatan demo` is a working day whenever it is started: at night its
clock starts at half past ten, and nothing in it happens before opening or after that moment."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tui_kecamatan.core import clock, demo, reports
from tui_kecamatan.db.models import AuditEvent, Ticket

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY = date(2026, 12, 4)


@pytest.fixture
def real_time():
    """Stand in for the real clock at a given local time, and put the real one back after."""
    def at(hour: int, minute: int) -> None:
        moment = datetime(2026, 12, 4, hour, minute, tzinfo=WIB)
        clock.set_now(lambda: moment)
    yield at
    clock.set_now(None)


def test_at_night_the_demo_is_a_morning_at_the_office(db, real_time):
    real_time(1, 28)
    assert demo.use_office_hours() is True
    now = clock.now_local()
    assert (now.date(), now.time().replace(second=0, microsecond=0)) == (FRIDAY, time(10, 30))
    demo.build_demo()
    assert clock.now_local() >= now  # the demo's clock is back and still running
    today = list(Ticket.select().where(Ticket.day == FRIDAY))
    assert len(today) >= 36
    issued = [clock.to_local(t.issued_at) for t in today]
    assert all(time(8, 0) <= moment.time() <= time(10, 30) and moment.date() == FRIDAY for moment in issued)
    # Nothing is recorded after the moment the demo starts.
    assert clock.to_local(max(e.at for e in AuditEvent.select())) <= clock.now_local()
    queue = reports.range_report(demo_supervisor(), FRIDAY, FRIDAY).queue
    assert 8 <= queue.busiest_hour <= 10


def test_during_office_hours_the_demo_keeps_the_real_time(real_time):
    real_time(9, 15)
    assert demo.use_office_hours() is False
    assert clock.now_local() == datetime(2026, 12, 4, 9, 15, tzinfo=WIB)


def demo_supervisor():
    from tui_kecamatan.core import accounts

    return accounts.authenticate("sari", demo.DEMO_PASSWORDS["sari"])
