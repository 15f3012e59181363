"""Counters (loket) kept by the admin: adding them, naming them, choosing the services each one
calls (which `tickets.call_next` then follows), taking them out of use, role checks and audit rows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tui_kecamatan.core import audit, clock, counters, tickets
from tui_kecamatan.db.models import AuditEvent, Counter, CounterService, Service
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused

WIB = timezone(timedelta(hours=7))


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: float = 1) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clk(db):
    fake = FakeClock(datetime(2026, 11, 28, 9, 0, tzinfo=WIB))
    clock.set_now(fake)
    return fake


def counter_actions(number: int) -> list[str]:
    row = Counter.get(Counter.number == number)
    return [event.action for event in audit.events_for("counter", row.id)]


def linked_codes(number: int) -> set[str]:
    row = Counter.get(Counter.number == number)
    return {link.service.code for link in CounterService.select().where(CounterService.counter == row.id)}


def test_a_new_database_has_loket_1_calling_every_service(db):
    rows = counters.list_counters()
    assert [(c.number, c.name, c.active, c.service_codes) for c in rows] == [(1, "Loket 1", True, ())]
    assert rows[0].calls_every_service


def test_add_a_counter_with_a_default_name_and_an_audit_row(admin):
    added = counters.add_counter(admin, 2)
    assert (added.number, added.name, added.active, added.service_codes) == (2, "Loket 2", True, ())
    named = counters.add_counter(admin, "3", "  Loket Prioritas  ")
    assert named.name == "Loket Prioritas"
    assert [c.number for c in counters.list_counters()] == [1, 2, 3]
    assert counter_actions(2) == ["loket_ditambah"]
    event = AuditEvent.get((AuditEvent.action == "loket_ditambah") & (AuditEvent.record_id == named.id))
    assert event.actor == "admin" and "Loket Prioritas" in event.detail and "semua layanan" in event.detail


def test_a_taken_number_is_refused_and_nothing_is_written(admin):
    counters.add_counter(admin, 2)
    before = AuditEvent.select().count()
    with pytest.raises(Refused, match="Loket 2 sudah ada."):
        counters.add_counter(admin, 2, "Loket dua")
    assert Counter.select().where(Counter.number == 2).count() == 1
    assert AuditEvent.select().count() == before


@pytest.mark.parametrize("number", [0, 100, -1, "", "dua", "2a", True, 2.5, "٣"])
def test_a_number_outside_1_to_99_is_refused(admin, number):
    with pytest.raises(InvalidInput, match="Nomor loket harus angka 1 sampai 99."):
        counters.add_counter(admin, number)
    assert Counter.select().count() == 1


def test_add_with_services_links_them_in_one_change(admin):
    added = counters.add_counter(admin, 2, service_codes=["kk", "KTP", "KK"])
    assert added.service_codes == ("KTP", "KK")  # the office's order, each once
    assert linked_codes(2) == {"KK", "KTP"}
    assert counter_actions(2) == ["loket_ditambah"]


def test_set_the_services_a_counter_calls_then_back_to_all(admin):
    counters.add_counter(admin, 2)
    edited = counters.edit_counter(admin, 2, service_codes=["KK"])
    assert edited.service_codes == ("KK",) and not edited.calls_every_service
    assert linked_codes(2) == {"KK"}
    again = counters.edit_counter(admin, 2, service_codes=[])
    assert again.service_codes == () and linked_codes(2) == set()
    assert counter_actions(2) == ["loket_ditambah", "loket_diubah", "loket_diubah"]
    details = [e.detail for e in AuditEvent.select().where(AuditEvent.action == "loket_diubah").order_by(AuditEvent.id)]
    assert details == ["2: layanan: semua layanan -> KK", "2: layanan: KK -> semua layanan"]


def test_an_unknown_service_code_is_refused_and_the_links_stay(admin):
    counters.add_counter(admin, 2, service_codes=["KK"])
    with pytest.raises(InvalidInput, match="Layanan AKTA tidak ada; pilih dari daftar layanan."):
        counters.edit_counter(admin, 2, name="Loket baru", service_codes=["KTP", "AKTA"])
    info = counters.get_counter(2)
    assert (info.name, info.service_codes) == ("Loket 2", ("KK",))


def test_rename_and_unchanged_edits_write_nothing(admin):
    counters.add_counter(admin, 2, service_codes=["KK"])
    renamed = counters.edit_counter(admin, 2, name="Loket KK")
    assert renamed.name == "Loket KK" and renamed.service_codes == ("KK",)
    before = AuditEvent.select().count()
    counters.edit_counter(admin, 2, name="Loket KK", service_codes=["KK"])
    assert AuditEvent.select().count() == before
    with pytest.raises(InvalidInput, match="Nama loket wajib diisi."):
        counters.edit_counter(admin, 2, name="  \x1b ")
    with pytest.raises(NotFound, match="Loket 7 tidak ada."):
        counters.edit_counter(admin, 7, name="Loket 7")


def test_call_next_on_a_counter_only_calls_its_services(admin, operator, clk):
    counters.add_counter(admin, 2, "Loket KK")
    counters.edit_counter(admin, 2, service_codes=["KK"])
    clk.tick()
    ktp = tickets.issue_ticket(None, "KTP")
    clk.tick()
    kk = tickets.issue_ticket(None, "KK")
    called = tickets.call_next(operator, 2)
    assert called.id == kk.id and called.counter_number == 2  # the older KTP ticket is not its
    tickets.start_serving(operator, called.id)
    tickets.finish(operator, called.id)
    assert tickets.call_next(operator, 2) is None  # only the KTP ticket waits
    assert tickets.call_next(operator, 1).id == ktp.id  # Loket 1 still calls every service


def test_operator_and_supervisor_are_refused(admin, operator, supervisor):
    for actor in (operator, supervisor):
        with pytest.raises(PermissionDenied, match="hanya untuk peran admin"):
            counters.add_counter(actor, 2)
        with pytest.raises(PermissionDenied):
            counters.edit_counter(actor, 1, service_codes=["KK"])
        with pytest.raises(PermissionDenied):
            counters.set_counter_active(actor, 1, False)
    assert Counter.select().count() == 1 and CounterService.select().count() == 0
    assert not AuditEvent.select().where(AuditEvent.table_name == "counter").exists()
    # Reading is open to every role: the desks list the counters too.
    assert [c.number for c in counters.list_counters()] == [1]


def test_deactivate_and_reactivate(admin, operator, clk):
    counters.add_counter(admin, 2)
    off = counters.set_counter_active(admin, 2, False)
    assert not off.active
    assert [c.number for c in counters.list_counters()] == [1]
    assert [c.number for c in counters.list_counters(include_inactive=True)] == [1, 2]
    with pytest.raises(Refused, match="Loket 2 tidak aktif."):
        tickets.call_next(operator, 2)
    on = counters.set_counter_active(admin, 2, True)
    assert on.active
    assert counter_actions(2) == ["loket_ditambah", "loket_dinonaktifkan", "loket_diaktifkan"]
    before = AuditEvent.select().count()
    counters.set_counter_active(admin, 2, True)  # already in use: nothing to record
    assert AuditEvent.select().count() == before


def test_a_busy_counter_or_the_last_one_is_not_taken_out_of_use(admin, operator, clk):
    with pytest.raises(Refused, match="Loket 1 adalah loket aktif terakhir"):
        counters.set_counter_active(admin, 1, False)
    counters.add_counter(admin, 2)
    clk.tick()
    ticket = tickets.issue_ticket(None, "KK")
    tickets.call_next(operator, 2)
    with pytest.raises(Refused, match=f"Loket 2 masih memanggil atau melayani {ticket.code}; selesaikan dulu."):
        counters.set_counter_active(admin, 2, False)
    tickets.start_serving(operator, ticket.id)
    tickets.finish(operator, ticket.id)
    clk.tick()
    sent = tickets.issue_ticket(None, "KTP")
    tickets.transfer(operator, sent.id, counter_number=2)
    with pytest.raises(Refused, match="Masih ada 1 nomor antrian yang dipindahkan ke loket 2"):
        counters.set_counter_active(admin, 2, False)
    assert Counter.get(Counter.number == 2).active


def test_next_free_number_fills_gaps(admin):
    assert counters.next_free_number() == 2
    counters.add_counter(admin, 3)
    assert counters.next_free_number() == 2
    counters.add_counter(admin, 2)
    assert counters.next_free_number() == 4


def test_hostile_counter_name_is_cleaned(admin):
    added = counters.add_counter(admin, 2, "Loket\x1b[31m\x07 [b]2[/b]\u202e")
    assert added.name == "Loket[31m [b]2[/b]"
    assert Service.select().count() == 6  # nothing else touched
