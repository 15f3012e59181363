"""The queue rules: daily numbers per prefix, calling order, recalls and no-shows, transfers,
cancellations, suspended and urgent-only services, the health protocol, audit and read models."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tui_kecamatan.core import accounts, audit, clock, queue_views, tickets
from tui_kecamatan.db.models import (
    AuditEvent,
    Counter,
    CounterService,
    DailyCounter,
    HealthCheck,
    Service,
    ServiceRequirement,
    Setting,
    Ticket,
)
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused

WIB = timezone(timedelta(hours=7))


class FakeClock:
    """A clock the test moves by hand; every queue action reads it through core.clock."""

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


@pytest.fixture
def display(admin):
    return accounts.create_staff(admin, "layar", "rahasia-layar", accounts.Role.DISPLAY, "Layar")


def add_counter(number: int, *service_codes: str) -> Counter:
    counter = Counter.create(number=number, name=f"Loket {number}")
    for code in service_codes:
        CounterService.create(counter=counter, service=Service.get(Service.code == code))
    return counter


def issue(clk, code="KK", actor=None, **kwargs) -> tickets.TicketInfo:
    clk.tick()
    return tickets.issue_ticket(actor, code, **kwargs)


def row(ticket_id: int) -> dict:
    return Ticket.select().where(Ticket.id == ticket_id).dicts().get()


def audit_count() -> int:
    return AuditEvent.select().count()


def actions_of(ticket_id: int) -> list[str]:
    return [event.action for event in audit.events_for("ticket", ticket_id)]


# --- numbering -----------------------------------------------------------------------------


def test_numbers_run_per_prefix_and_count_who_is_ahead(clk):
    b1 = issue(clk, "KK")
    b2 = issue(clk, "kk")
    a1 = issue(clk, "ktp")
    b3 = issue(clk, " Kk ")
    assert [t.code for t in (b1, b2, a1, b3)] == ["B-001", "B-002", "A-001", "B-003"]
    assert [t.number for t in (b1, b2, a1, b3)] == [1, 2, 1, 3]
    assert (b3.prefix, b3.service_code, b3.service_name) == ("B", "KK", "Cetak KK")
    assert [t.ahead for t in (b1, b2, a1, b3)] == [0, 1, 0, 2]
    assert b1.status == "waiting" and b1.day == date(2026, 11, 28) and b1.printed is None
    assert b1.call_count == 0 and b1.counter_number is None and b1.urgent is False
    # issued_at is stored as naive UTC: 09:01 WIB is 02:01 UTC.
    assert b1.issued_at == datetime(2026, 11, 28, 2, 1)
    assert b1.as_json() == {
        "code": "B-001", "number": 1, "service": "KK", "status": "waiting",
        "day": "2026-11-28", "ahead": 0, "printed": None,
    }
    assert DailyCounter.get((DailyCounter.day == date(2026, 11, 28)) & (DailyCounter.prefix == "B")).last_number == 3


def test_the_day_turns_at_local_midnight(clk, operator):
    clk.now = datetime(2026, 11, 28, 23, 56, tzinfo=WIB)
    issue(clk)
    issue(clk)
    late = issue(clk)  # 23:59 WIB
    assert late.code == "B-003" and late.day == date(2026, 11, 28)

    clk.now = datetime(2026, 11, 29, 0, 0, tzinfo=WIB)  # 17:00 UTC, still the 28th in UTC
    first = issue(clk)  # 00:01 WIB
    assert first.code == "B-001" and first.day == date(2026, 11, 29)
    assert first.ahead == 0, "yesterday's waiting tickets are not ahead of today's"

    assert [t.code for t in queue_views.waiting_tickets()] == ["B-001"]
    assert [t.day for t in queue_views.waiting_tickets()] == [date(2026, 11, 29)]
    kk = next(s for s in queue_views.queue_overview() if s.code == "KK")
    assert kk.waiting == 1
    assert [t.code for t in queue_views.waiting_tickets(date(2026, 11, 28))] == ["B-001", "B-002", "B-003"]

    called = tickets.call_next(operator, 1)
    assert called.id == first.id, "the older ticket of yesterday is never called today"
    tickets.mark_no_show(operator, called.id)
    assert tickets.call_next(operator, 1) is None

    with pytest.raises(Refused, match="hanya berlaku pada hari diambil"):
        tickets.transfer(operator, late.id, service_code="KTP")
    assert row(late.id)["status"] == "waiting" and row(late.id)["service"] == Service.get(Service.code == "KK").id
    # Yesterday's leftovers can still be closed.
    assert tickets.cancel(operator, late.id, "Tidak datang sampai kantor tutup").status == "cancelled"
    # Numbers are never reused: each (day, prefix, number) once.
    assert Ticket.select().count() == 4
    assert tickets.find_ticket("B-001").id == first.id
    assert tickets.find_ticket("B-001", date(2026, 11, 28)).id != first.id


def test_service_codes_unknown_inactive_and_invalid(clk):
    with pytest.raises(NotFound, match="XYZ tidak ada"):
        tickets.issue_ticket(None, "xyz")
    with pytest.raises(InvalidInput):
        tickets.issue_ticket(None, "K K!")
    with pytest.raises(InvalidInput):
        tickets.issue_ticket(None, "")
    Service.update(active=False).where(Service.code == "PINDAH_DATANG").execute()
    with pytest.raises(Refused, match="tidak aktif"):
        tickets.issue_ticket(None, "pindah_datang")
    assert Ticket.select().count() == 0
    assert DailyCounter.select().count() == 0
    assert [s.code for s in queue_views.queue_overview()] == ["KTP", "KK", "PINDAH_KELUAR", "REKAM", "PINDAH_ANTAR_KEC"]


# --- who may take which ticket ---------------------------------------------------------------


def test_suspended_service_refuses_with_its_reason_and_spends_no_number(clk, supervisor):
    issue(clk, "KK")
    Service.update(suspended=True, suspended_reason="Blangko KK habis").where(Service.code == "KK").execute()
    with pytest.raises(Refused) as refused:
        tickets.issue_ticket(supervisor, "KK", urgent=True)
    assert str(refused.value) == "Layanan Cetak KK ditunda: Blangko KK habis."
    with pytest.raises(Refused):
        tickets.issue_ticket(None, "KK")

    with pytest.raises(Refused) as rekam:
        tickets.issue_ticket(None, "REKAM")
    assert str(rekam.value) == (
        "Layanan Perekaman KTP-el ditunda: Perekaman KTP-el ditunda kecuali mendesak (protokol kesehatan)."
    )

    Service.update(suspended=False, suspended_reason="").where(Service.code == "KK").execute()
    assert issue(clk, "KK").code == "B-002", "a refused ticket used no number"
    overview = {s.code: s for s in queue_views.queue_overview()}
    assert overview["REKAM"].suspended and overview["REKAM"].urgent_only
    assert overview["REKAM"].reason.startswith("Perekaman KTP-el ditunda")
    assert not overview["KK"].suspended and overview["KK"].reason == ""


def test_urgent_only_service_needs_a_supervisor_and_urgent(clk, operator, supervisor, display):
    with pytest.raises(PermissionDenied, match="hanya dapat diberikan oleh supervisor"):
        tickets.issue_ticket(operator, "REKAM", urgent=True)
    with pytest.raises(Refused, match="ditunda"):
        tickets.issue_ticket(supervisor, "REKAM")
    with pytest.raises(PermissionDenied):
        tickets.issue_ticket(None, "REKAM", urgent=True)

    ticket = tickets.issue_ticket(supervisor, "rekam", urgent=True)
    assert (ticket.code, ticket.urgent, ticket.protocol_required) == ("E-001", True, True)

    # Without the suspension an urgent-only service still takes urgent tickets only.
    Service.update(suspended=False).where(Service.code == "REKAM").execute()
    with pytest.raises(Refused, match="hanya untuk keperluan mendesak"):
        tickets.issue_ticket(operator, "REKAM")
    assert Ticket.select().count() == 1


def test_kiosk_and_command_line_take_normal_tickets_only(clk, display, operator):
    assert tickets.issue_ticket(display, "KK").code == "B-001"
    assert tickets.issue_ticket(None, "KK").code == "B-002"
    with pytest.raises(PermissionDenied):
        tickets.issue_ticket(display, "KK", urgent=True)
    with pytest.raises(PermissionDenied):
        tickets.issue_ticket(None, "KK", urgent=True)
    assert tickets.issue_ticket(operator, "KK", urgent=True).urgent is True

    with pytest.raises(PermissionDenied):
        tickets.call_next(display, 1)
    with pytest.raises(PermissionDenied):
        tickets.call_next(None, 1)
    assert [e.actor for e in audit.events_for("ticket", 1)] == ["layar"]
    assert [e.actor for e in audit.events_for("ticket", 2)] == ["sistem"]


# --- calling -------------------------------------------------------------------------------


def serve_and_finish(operator, ticket_id):
    tickets.start_serving(operator, ticket_id)
    tickets.finish(operator, ticket_id)


def test_call_next_takes_urgent_first_then_oldest_and_only_the_counters_services(clk, operator):
    add_counter(2, "KK")
    a1 = issue(clk, "KTP")
    b1 = issue(clk, "KK")
    b2 = issue(clk, "KK", operator, urgent=True)
    a2 = issue(clk, "KTP")
    b3 = issue(clk, "KK")
    assert b2.ahead == 0 and b3.ahead == 2

    clk.tick()
    first = tickets.call_next(operator, 2)
    assert (first.id, first.status, first.counter_number, first.call_count) == (b2.id, "called", 2, 1)
    assert first.first_called_at == first.called_at == clk.now.astimezone(timezone.utc).replace(tzinfo=None)
    serve_and_finish(operator, first.id)
    assert tickets.call_next(operator, 2).id == b1.id
    serve_and_finish(operator, b1.id)
    assert tickets.call_next(operator, 2).id == b3.id
    serve_and_finish(operator, b3.id)
    assert tickets.call_next(operator, 2) is None, "counter 2 serves KK only"

    # Counter 1 has no links: it serves every service.
    assert tickets.call_next(operator, 1).id == a1.id
    serve_and_finish(operator, a1.id)
    assert tickets.call_next(operator, 1).id == a2.id
    assert row(a2.id)["staff"] == operator.id

    with pytest.raises(NotFound, match="Loket 9 tidak ada"):
        tickets.call_next(operator, 9)
    Counter.update(active=False).where(Counter.number == 2).execute()
    with pytest.raises(Refused, match="Loket 2 tidak aktif"):
        tickets.call_next(operator, 2)


def test_a_counter_with_a_ticket_in_hand(clk, operator):
    b1 = issue(clk)
    b2 = issue(clk)
    b3 = issue(clk)
    tickets.call_next(operator, 1)

    before = row(b1.id)
    with pytest.raises(Refused) as still_called:
        tickets.call_next(operator, 1)
    assert str(still_called.value) == (
        "B-001 masih dipanggil di loket 1; panggil ulang, mulai layani, atau tandai tidak hadir dulu."
    )
    assert row(b1.id) == before and row(b2.id)["status"] == "waiting"

    tickets.start_serving(operator, b1.id)
    with pytest.raises(Refused) as serving:
        tickets.call_next(operator, 1)
    assert str(serving.value) == "Selesaikan dulu B-001 di loket 1 sebelum memanggil nomor berikutnya."
    tickets.finish(operator, b1.id)

    # A called ticket that has used all its calls is set aside when the next one is called.
    tickets.call_next(operator, 1)
    tickets.recall(operator, b2.id)
    tickets.recall(operator, b2.id)
    assert tickets.ticket_info(b2.id).call_count == 3
    nxt = tickets.call_next(operator, 1)
    assert nxt.id == b3.id
    assert tickets.ticket_info(b2.id).status == "no_show"
    assert actions_of(b2.id)[-1] == tickets.ACTION_NO_SHOW


def test_recall_counts_and_the_limit_makes_a_no_show(clk, operator):
    b1 = issue(clk)
    called = tickets.call_next(operator, 1)
    first_call = called.first_called_at
    clk.tick()
    second = tickets.recall(operator, b1.id)
    assert (second.status, second.call_count) == ("called", 2)
    assert second.called_at > first_call and second.first_called_at == first_call
    third = tickets.recall(operator, b1.id)
    assert (third.status, third.call_count) == ("called", 3)
    # Three calls went unanswered: the next recall makes it a no-show instead of a fourth call.
    gone = tickets.recall(operator, b1.id)
    assert (gone.status, gone.call_count) == ("no_show", 3)
    assert gone.status_label == "Tidak hadir"
    assert queue_views.counter_current(1) is None
    assert actions_of(b1.id) == [
        tickets.ACTION_ISSUE, tickets.ACTION_CALL, tickets.ACTION_RECALL, tickets.ACTION_RECALL, tickets.ACTION_NO_SHOW,
    ]


def test_the_no_show_limit_comes_from_the_setting(clk, operator):
    Setting.update(value="1").where(Setting.key == tickets.NO_SHOW_SETTING).execute()
    b1 = issue(clk)
    tickets.call_next(operator, 1)
    assert tickets.recall(operator, b1.id).status == "no_show"
    Setting.update(value="rusak").where(Setting.key == tickets.NO_SHOW_SETTING).execute()
    assert tickets.no_show_calls() == 3


def test_requeue_puts_a_no_show_back_at_its_place(clk, operator):
    b1 = issue(clk)
    b2 = issue(clk)
    b3 = issue(clk)
    tickets.call_next(operator, 1)
    gone = tickets.mark_no_show(operator, b1.id)
    assert gone.status == "no_show" and gone.call_count == 1
    tickets.call_next(operator, 1)  # B-002 now at the counter
    clk.tick(30)

    back = tickets.requeue(operator, b1.id)
    assert (back.status, back.call_count, back.counter_number) == ("waiting", 0, None)
    assert back.issued_at == b1.issued_at and back.first_called_at == gone.first_called_at
    assert back.ahead == 0 and tickets.ticket_info(b3.id).ahead == 1
    assert back.waited_minutes() == 32  # issued 09:01, now 09:33

    tickets.mark_no_show(operator, b2.id)
    again = tickets.call_next(operator, 1)
    assert again.id == b1.id and again.call_count == 1


def test_transfer_keeps_code_and_place_by_issue_time(clk, operator):
    add_counter(2, "KK")
    add_counter(3, "PINDAH_KELUAR")
    a1 = issue(clk, "KTP")
    b1 = issue(clk, "KK")
    b2 = issue(clk, "KK")

    moved = tickets.transfer(operator, a1.id, service_code="kk", note="Salah ambil [/b]\x1b[31m nomor")
    assert (moved.code, moved.service_code, moved.status, moved.issued_at) == ("A-001", "KK", "waiting", a1.issued_at)
    assert moved.ahead == 0 and tickets.ticket_info(b1.id).ahead == 1 and tickets.ticket_info(b2.id).ahead == 2
    assert moved.reason == "Salah ambil [/b][31m nomor"
    assert tickets.call_next(operator, 2).id == a1.id

    # A called ticket sent to a counter waits again, for that counter only.
    sent = tickets.transfer(operator, a1.id, counter_number=3)
    assert (sent.status, sent.counter_number, sent.call_count, sent.service_code) == ("waiting", 3, 0, "KK")
    assert tickets.call_next(operator, 2).id == b1.id  # counter 2 serves KK but A-001 is for loket 3
    assert tickets.call_next(operator, 1).id == b2.id  # so does counter 1, which serves everything
    called = tickets.call_next(operator, 3)
    assert called.id == a1.id and called.counter_number == 3

    with pytest.raises(Refused, match="sudah berada di antrian tujuan"):
        b4 = issue(clk, "KK")
        tickets.transfer(operator, b4.id, service_code="KK")
    with pytest.raises(InvalidInput):
        tickets.transfer(operator, b4.id)
    with pytest.raises(NotFound):
        tickets.transfer(operator, b4.id, service_code="TIDAKADA")
    with pytest.raises(Refused, match="ditunda"):
        tickets.transfer(operator, b4.id, service_code="REKAM")
    with pytest.raises(NotFound):
        tickets.transfer(operator, b4.id, counter_number=7)
    assert row(b4.id)["service"] == Service.get(Service.code == "KK").id and row(b4.id)["counter"] is None
    assert actions_of(a1.id).count(tickets.ACTION_TRANSFER) == 2


def test_cancel_needs_a_reason_and_the_number_is_never_reused(clk, operator):
    b1 = issue(clk)
    for empty in ("", "   ", "\x1b\x07\u202e"):
        before = row(b1.id)
        with pytest.raises(InvalidInput, match="Alasan pembatalan wajib diisi"):
            tickets.cancel(operator, b1.id, empty)
        assert row(b1.id) == before
    cancelled = tickets.cancel(operator, b1.id, "Pemohon\x07 pulang [@click=app.quit]x[/]")
    assert cancelled.status == "cancelled" and cancelled.reason == "Pemohon pulang [@click=app.quit]x[/]"
    assert issue(clk).code == "B-002"
    assert tickets.call_next(operator, 1).code == "B-002"
    assert audit.events_for("ticket", b1.id)[-1].detail == "B-001: Pemohon pulang [@click=app.quit]x[/]"


def test_every_illegal_move_is_refused_with_one_sentence_and_changes_nothing(clk, operator):
    add_counter(2)
    done = issue(clk)
    tickets.call_next(operator, 1)
    serve_and_finish(operator, done.id)
    serving = issue(clk)
    tickets.call_next(operator, 1)
    tickets.start_serving(operator, serving.id)
    no_show = issue(clk)
    tickets.call_next(operator, 2)
    tickets.mark_no_show(operator, no_show.id)
    called = issue(clk)
    tickets.call_next(operator, 2)
    cancelled = issue(clk)
    tickets.cancel(operator, cancelled.id, "Salah layanan")
    waiting = issue(clk)
    by_state = {"done": done, "serving": serving, "no_show": no_show, "called": called, "cancelled": cancelled, "waiting": waiting}
    assert {name: tickets.ticket_info(t.id).status for name, t in by_state.items()} == {name: name for name in by_state}

    moves = {
        "recall": (lambda i: tickets.recall(operator, i), {"called"}),
        "start": (lambda i: tickets.start_serving(operator, i), {"called"}),
        "finish": (lambda i: tickets.finish(operator, i), {"serving"}),
        "no_show": (lambda i: tickets.mark_no_show(operator, i), {"called"}),
        "requeue": (lambda i: tickets.requeue(operator, i), {"no_show"}),
        "transfer": (lambda i: tickets.transfer(operator, i, service_code="KTP"), {"waiting", "called"}),
        "cancel": (lambda i: tickets.cancel(operator, i, "alasan"), {"waiting", "called"}),
    }
    refusals = 0
    for move, (do, allowed) in moves.items():
        for status, ticket in by_state.items():
            if status in allowed:
                continue
            before, events = row(ticket.id), audit_count()
            with pytest.raises(Refused) as refused:
                do(ticket.id)
            message = str(refused.value)
            assert ticket.code in message and message.endswith(".") and "\n" not in message, (move, status, message)
            assert f"karena statusnya {tickets.status_label(status).lower()}." in message, (move, status, message)
            assert row(ticket.id) == before, (move, status)
            assert audit_count() == events, (move, status)
            refusals += 1
    assert refusals == 33

    with pytest.raises(NotFound, match="Tiket 999 tidak ada"):
        tickets.finish(operator, 999)
    with pytest.raises(InvalidInput):
        tickets.finish(operator, "1")
    assert tickets.cancel(operator, called.id, "Pemohon pulang").status == "cancelled"


def test_counter_actions_need_an_operator(clk, display, operator):
    ticket = issue(clk)
    for do in (
        lambda: tickets.recall(display, ticket.id),
        lambda: tickets.start_serving(display, ticket.id),
        lambda: tickets.finish(display, ticket.id),
        lambda: tickets.mark_no_show(display, ticket.id),
        lambda: tickets.requeue(display, ticket.id),
        lambda: tickets.transfer(display, ticket.id, service_code="KTP"),
        lambda: tickets.cancel(display, ticket.id, "alasan"),
        lambda: tickets.record_health_protocol(display, ticket.id, []),
    ):
        with pytest.raises(PermissionDenied, match="operator ke atas"):
            do()
    assert row(ticket.id)["status"] == "waiting" and actions_of(ticket.id) == [tickets.ACTION_ISSUE]


# --- health protocol -----------------------------------------------------------------------


def test_rekam_needs_the_health_protocol_before_serving(clk, supervisor, operator):
    ticket = tickets.issue_ticket(supervisor, "REKAM", urgent=True)
    items = tickets.health_protocol_items(ticket.id)
    assert len(items) == 5 and all(i.mandatory and not i.checked for i in items)
    assert items[0].text.startswith("Suhu tubuh petugas")
    tickets.call_next(operator, 1)

    with pytest.raises(Refused) as refused:
        tickets.start_serving(operator, ticket.id)
    assert str(refused.value) == (
        "Protokol kesehatan E-001 belum lengkap; belum dicentang: Suhu tubuh petugas diperiksa (di bawah 37,5 °C)."
    )

    partial = tickets.record_health_protocol(operator, ticket.id, [i.id for i in items[:4]])
    assert [i.checked for i in partial] == [True, True, True, True, False]
    assert tickets.ticket_info(ticket.id).protocol_done is False
    with pytest.raises(Refused, match="belum dicentang: Pemohon mencuci tangan"):
        tickets.start_serving(operator, ticket.id)
    assert row(ticket.id)["status"] == "called"

    berkas = ServiceRequirement.get((ServiceRequirement.kind == "berkas") & (ServiceRequirement.text == "Fotokopi KK")
                                    & (ServiceRequirement.service == Service.get(Service.code == "REKAM").id))
    with pytest.raises(InvalidInput, match="bukan protokol kesehatan"):
        tickets.record_health_protocol(operator, ticket.id, [i.id for i in items] + [berkas.id])

    complete = tickets.record_health_protocol(operator, ticket.id, [i.id for i in items])
    assert all(i.checked for i in complete)
    assert HealthCheck.select().where(HealthCheck.ticket == ticket.id).count() == 5, "a new record replaces the old"
    assert tickets.ticket_info(ticket.id).protocol_done is True
    started = tickets.start_serving(operator, ticket.id)
    assert started.status == "serving" and started.started_at is not None
    assert actions_of(ticket.id).count(tickets.ACTION_PROTOCOL) == 2

    other = issue(clk, "KK")
    assert tickets.health_protocol_items(other.id) == []
    assert tickets.ticket_info(other.id).protocol_required is False
    with pytest.raises(Refused, match="tidak memakai protokol kesehatan"):
        tickets.record_health_protocol(operator, other.id, [])


# --- audit ---------------------------------------------------------------------------------


def test_every_change_writes_its_audit_row(clk, operator, supervisor):
    add_counter(2, "KTP")
    ticket = issue(clk)
    tickets.call_next(operator, 1)
    tickets.recall(operator, ticket.id)
    tickets.mark_no_show(operator, ticket.id)
    tickets.requeue(operator, ticket.id)
    tickets.transfer(operator, ticket.id, service_code="KTP", note="Cetak KTP saja")
    tickets.call_next(operator, 2)
    tickets.start_serving(operator, ticket.id)
    tickets.finish(operator, ticket.id)
    cancelled = issue(clk, "KTP")
    tickets.cancel(operator, cancelled.id, "Dobel")
    rekam = tickets.issue_ticket(supervisor, "REKAM", urgent=True)
    tickets.record_health_protocol(operator, rekam.id, [])

    events = audit.events_for("ticket", ticket.id)
    assert [e.action for e in events] == [
        tickets.ACTION_ISSUE, tickets.ACTION_CALL, tickets.ACTION_RECALL, tickets.ACTION_NO_SHOW, tickets.ACTION_REQUEUE,
        tickets.ACTION_TRANSFER, tickets.ACTION_CALL, tickets.ACTION_START, tickets.ACTION_FINISH,
    ]
    assert [e.actor for e in events] == ["sistem"] + ["wahyu"] * 8
    assert events[5].detail == "B-001 dari KK ke Cetak KTP-el: Cetak KTP saja"
    assert actions_of(cancelled.id) == [tickets.ACTION_ISSUE, tickets.ACTION_CANCEL]
    assert actions_of(rekam.id) == [tickets.ACTION_ISSUE, tickets.ACTION_PROTOCOL]
    assert audit.events_for("ticket", rekam.id)[0].detail == "E-001 REKAM mendesak"
    assert audit.events_for("ticket", rekam.id)[1].detail == "E-001: 0 dari 5 butir wajib (belum lengkap)"


# --- read models ---------------------------------------------------------------------------


def test_overview_waiting_list_and_counter_current(clk, operator):
    b1 = issue(clk)
    issue(clk)
    a1 = issue(clk, "KTP")
    urgent = issue(clk, "KTP", operator, urgent=True)
    tickets.call_next(operator, 1)  # the urgent one
    clk.tick(12)

    overview = {s.code: s for s in queue_views.queue_overview()}
    assert (overview["KK"].waiting, overview["KK"].called, overview["KK"].done) == (2, 0, 0)
    assert (overview["KTP"].waiting, overview["KTP"].called) == (1, 1)
    assert [s.prefix for s in queue_views.queue_overview()] == ["A", "B", "C", "D", "E", "F"]

    listed = queue_views.waiting_tickets()
    assert [t.code for t in listed] == ["A-002", "B-001", "B-002", "A-001"]
    assert [t.status for t in listed] == ["called", "waiting", "waiting", "waiting"]
    assert [t.ahead for t in listed] == [0, 0, 1, 0]
    assert [t.ahead for t in listed] == [tickets.ticket_info(t.id).ahead for t in listed]
    assert listed[1].waited_minutes() == 15  # issued 09:01, now 09:16
    assert listed[0].waited_minutes() == 0  # called right after issue
    assert len(queue_views.waiting_tickets(limit=2)) == 2

    current = queue_views.counter_current(1)
    assert current.id == urgent.id and current.status == "called"
    tickets.start_serving(operator, urgent.id)
    assert queue_views.counter_current(1).status == "serving"
    tickets.finish(operator, urgent.id)
    assert queue_views.counter_current(1) is None
    assert next(s for s in queue_views.queue_overview() if s.code == "KTP").done == 1

    assert tickets.find_ticket("b1").id == b1.id
    assert tickets.find_ticket(" a-001 ").id == a1.id
    assert tickets.find_ticket("B-099") is None
    with pytest.raises(InvalidInput):
        tickets.find_ticket("[/b]")


def test_board_tells_a_new_call_from_a_recall(clk, operator):
    add_counter(2)
    assert queue_views.last_call_marker() == 0
    empty = queue_views.board_state()
    assert empty.last_call is None and empty.previous == []
    b1 = issue(clk)
    b2 = issue(clk)
    a1 = issue(clk, "KTP")
    assert queue_views.last_call_marker() == 0, "issuing is not a call"

    tickets.call_next(operator, 1)
    marker1 = queue_views.last_call_marker()
    board1 = queue_views.board_state()
    assert (board1.last_call.code, board1.last_call.counter_number) == ("B-001", 1)
    assert board1.marker == marker1 == board1.last_call.sequence

    clk.tick()
    tickets.call_next(operator, 2)
    board2 = queue_views.board_state()
    assert (board2.last_call.code, board2.last_call.counter_number) == ("B-002", 2)
    assert [c.code for c in board2.previous] == ["B-001"]
    assert board2.marker > marker1

    clk.tick()
    tickets.recall(operator, b1.id)
    board3 = queue_views.board_state()
    assert board3.last_call.code == "B-001" and board3.last_call.call_count == 2
    assert board3.last_call.sequence > board1.last_call.sequence, "a recall is a new call for the board"
    assert [c.code for c in board3.previous] == ["B-002"]

    tickets.start_serving(operator, b1.id)
    tickets.finish(operator, b1.id)
    assert queue_views.last_call_marker() == board3.marker, "serving and finishing are not calls"

    clk.tick()
    tickets.transfer(operator, b2.id, service_code="KTP")  # back to waiting: no longer on the board
    board4 = queue_views.board_state()
    assert [c.code for c in [board4.last_call, *board4.previous]] == ["B-001"]
    assert {s.code: s.waiting for s in board4.waiting}["KTP"] == 2
    assert queue_views.board_state(previous=0).previous == []
    assert a1.code == "A-001"
