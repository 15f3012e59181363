"""Urgent cases approved in place by a supervisor: the rules in core (the password checked as for
a login, the approval checked again where it is used, kept on the ticket or request and in the
audit) and the dialog at an operator's desk at 80x24 (queue key 5, an urgent intake), and the
request detail showing the reason, the approver and the ticket's health protocol."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input

from tests.pilot import at_home, fill, make_app, screen_text, settle, wait_for, wait_notified, wait_screen, wait_text
from tests.test_intake_screens import KK, NIK, NOW, choose_service, office_ready, open_intake  # noqa: F401
from tui_kecamatan.core import accounts, audit, clock, requests, tickets
from tui_kecamatan.core.accounts import Approval
from tui_kecamatan.db.models import AuditEvent, Request, Staff, Ticket
from tui_kecamatan.errors import InvalidInput, PermissionDenied, Refused
from tui_kecamatan.screens.queue.queue import QueueScreen
from tui_kecamatan.screens.requests.checklist import ChecklistScreen
from tui_kecamatan.screens.requests.detail import RequestDetailScreen
from tui_kecamatan.widgets.approval import ApprovalDialog
from tui_kecamatan.widgets.password import PasswordEntry

REASON = "syarat melamar kerja di luar negeri"


def staff(username: str) -> Staff:
    return Staff.get(Staff.username == username)


# --- core -----------------------------------------------------------------------------------------


def test_an_operator_gets_an_urgent_ticket_with_a_supervisors_password_and_reason(office_ready, operator,
                                                                                  supervisor):
    with pytest.raises(PermissionDenied, match="hanya dapat diberikan oleh supervisor"):
        tickets.issue_ticket(operator, "REKAM", urgent=True)
    approval = accounts.approve_urgent(operator, "sari", "rahasia-sari", f"  {REASON}\x07 ")
    assert (approval.supervisor, approval.reason) == ("sari", REASON)
    ticket = tickets.issue_ticket(operator, "REKAM", approval=approval)
    row = Ticket.get_by_id(ticket.id)
    assert (ticket.code, ticket.urgent, row.urgent_reason, row.approved_by.username) == ("E-001", True, REASON, "sari")
    event = audit.events_for("ticket", ticket.id)[0]
    assert (event.actor, event.detail) == ("wahyu", f"E-001 REKAM mendesak, disetujui sari: {REASON}")
    # The approval is audited under the supervisor's name, and is not a login of theirs.
    given = AuditEvent.get(AuditEvent.action == "persetujuan_mendesak")
    assert (given.actor, given.detail) == ("sari", f"untuk wahyu: {REASON}")
    assert staff("sari").last_login_at is None
    assert not AuditEvent.select().where((AuditEvent.action == "masuk") & (AuditEvent.actor == "sari")).exists()


def test_the_approval_is_refused_as_a_login_would_be(office_ready, operator, supervisor):
    with pytest.raises(InvalidInput, match="Alasan mendesak wajib diisi"):
        accounts.approve_urgent(operator, "sari", "rahasia-sari", "   ")
    with pytest.raises(PermissionDenied, match="bukan supervisor"):
        accounts.approve_urgent(operator, "wahyu", "rahasia-wahyu", REASON)  # an operator cannot approve
    for attempt in range(1, accounts.MAX_FAILURES + 1):
        clock.set_now(lambda attempt=attempt: NOW + timedelta(minutes=attempt))  # past each delay
        with pytest.raises(Refused):
            accounts.approve_urgent(operator, "sari", "salah-sandi", REASON)
        assert staff("sari").failed_logins == attempt
    assert staff("sari").locked
    with pytest.raises(Refused, match="dikunci"):
        accounts.approve_urgent(operator, "sari", "rahasia-sari", REASON)
    assert Ticket.select().count() == 0


def test_an_approval_is_checked_again_where_it_is_used(office_ready, admin, operator, supervisor):
    forged = Approval(supervisor.id, "sari", REASON, clock.now_utc())
    with pytest.raises(PermissionDenied, match="tidak sah"):
        tickets.issue_ticket(operator, "REKAM", approval=forged)
    old = accounts.approve_urgent(operator, "sari", "rahasia-sari", REASON)
    clock.set_now(lambda: NOW + timedelta(minutes=accounts.APPROVAL_MINUTES + 1))
    with pytest.raises(Refused, match="minta persetujuan lagi"):
        tickets.issue_ticket(operator, "REKAM", approval=old)
    fresh = accounts.approve_urgent(operator, "sari", "rahasia-sari", REASON)
    accounts.disable(admin, "sari")
    with pytest.raises(PermissionDenied, match="tidak lagi berwenang"):
        requests.create_request(operator, service_code="REKAM", nik=NIK, name="Siti Aminah", kk_number=KK,
                                approval=fresh)
    with pytest.raises(PermissionDenied):
        accounts.approve_own(operator, REASON)  # an operator's own word is no approval
    assert Ticket.select().count() == 0 and Request.select().count() == 0


def test_an_urgent_request_keeps_its_approval_or_its_tickets(office_ready, operator, supervisor):
    approval = accounts.approve_urgent(operator, "sari", "rahasia-sari", REASON)
    info = requests.create_request(operator, service_code="REKAM", nik=NIK, name="Siti Aminah", kk_number=KK,
                                   approval=approval)
    row = Request.get_by_id(info.id)
    assert (row.urgent, row.urgent_reason, row.approved_by.username) == (True, REASON, "sari")
    assert (info.urgent, info.urgent_reason) == (True, REASON)
    assert set(info.as_json()) == {"reg_no", "service", "status", "nik_masked", "name", "phone", "channel",
                                   "created_at"}
    assert audit.events_for("request", info.id)[0].detail.endswith(f"mendesak, disetujui sari: {REASON}")

    # A request taken for an urgent ticket carries the ticket's approval.
    ticket = tickets.issue_ticket(operator, "REKAM", approval=accounts.approve_own(supervisor, "berobat"))
    second = requests.create_request(operator, service_code="REKAM", nik="3603011203850001", name="Budi",
                                     kk_number=KK, ticket_id=ticket.id)
    case = requests.urgent_case(second.id)
    assert (case.urgent, case.reason, case.approved_by, case.ticket_code) == (True, "berobat", "Sari", "E-001")


# --- at the desk ----------------------------------------------------------------------------------


async def open_queue(pilot) -> QueueScreen:
    await at_home(pilot)
    await pilot.press("f2")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, QueueScreen) and pilot.app.screen.view is not None,
                   what="the queue")
    return pilot.app.screen


async def test_key_5_at_an_operators_desk_asks_a_supervisor_in_place(office_ready, operator, supervisor):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_queue(pilot)
        await pilot.press("5")
        dialog = await wait_screen(pilot, ApprovalDialog, "the approval dialog")
        text = screen_text(app)
        assert "Nomor mendesak" in text and "Alasan mendesak" in text and "Supervisor" in text
        assert "Kata sandi" in text and "esc Batal" in text
        await pilot.press(*REASON, "enter", *"sari", "enter", *"salah-sandi", "enter")
        await wait_text(pilot, "Nama pengguna atau kata sandi salah; sisa 4 percobaan")
        assert app.screen is dialog and staff("sari").failed_logins == 1
        assert dialog.query_one("#approval-password", Input).value == ""  # cleared for the next try
        await pilot.press(*"rahasia-sari", "enter")
        await wait_screen(pilot, QueueScreen)
        await wait_text(pilot, "E-001")
        await wait_notified(pilot, "Nomor E-001")
    ticket = Ticket.get()
    assert (ticket.urgent, ticket.urgent_reason, ticket.approved_by.username) == (True, REASON, "sari")
    assert staff("sari").failed_logins == 0


async def test_an_operator_cannot_approve_and_esc_gives_no_ticket(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        queue = await open_queue(pilot)
        await pilot.press("5")
        await wait_screen(pilot, ApprovalDialog)
        await pilot.press(*REASON, "enter", *"wahyu", "enter", *"rahasia-wahyu", "enter")
        await wait_text(pilot, "Akun wahyu bukan supervisor")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is queue)
        await settle(pilot)
    assert Ticket.select().count() == 0


async def test_a_supervisor_at_their_own_desk_gives_only_the_reason(office_ready, supervisor):
    app = make_app(office_ready, supervisor)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_queue(pilot)
        await pilot.press("5")
        dialog = await wait_screen(pilot, ApprovalDialog)
        assert not dialog.query(PasswordEntry) and "Kata sandi" not in screen_text(app)
        await pilot.press(*REASON, "enter")
        await wait_screen(pilot, QueueScreen)
        await wait_text(pilot, "E-001")
    ticket = Ticket.get()
    assert (ticket.urgent_reason, ticket.approved_by.username) == (REASON, "sari")


async def test_an_urgent_intake_is_approved_in_place_and_the_detail_shows_it(office_ready, operator, supervisor):
    """The form stays as typed under the dialog (no switching user); the detail then shows the
    reason, who approved it, and the health protocol recorded for the ticket."""
    ticket = tickets.issue_ticket(operator, "KTP")  # a walk-in ticket at this counter, not urgent
    tickets.call_next(operator, 1)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_intake(pilot)
        await choose_service(pilot, "REKAM")
        await fill(pilot, {"#intake-nik": NIK, "#intake-name": "Siti Aminah", "#intake-kk": KK})
        await pilot.click("#intake-urgent")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ApprovalDialog, "the approval")
        await wait_text(pilot, "Perekaman KTP-el sedang ditunda; permohonan atas nama Siti Aminah")
        assert app.screen_stack[-2] is screen and screen.query_one("#intake-name", Input).value == "Siti Aminah"
        await pilot.press(*REASON, "enter", *"sari", "enter", *"rahasia-sari", "enter")
        await wait_screen(pilot, ChecklistScreen, "the checklist of the saved request")
        await pilot.press("escape")
        await wait_screen(pilot, RequestDetailScreen)
        await wait_text(pilot, f"Mendesak   Ya: {REASON}  disetujui Sari")
        assert "Protokol" not in screen_text(app)  # a KTP ticket has no health protocol
    row = Request.get()
    assert (row.urgent, row.urgent_reason, row.approved_by.username, row.ticket_id) == (True, REASON, "sari", ticket.id)


async def test_the_detail_shows_the_health_protocol_of_the_ticket(office_ready, operator, supervisor):
    ticket = tickets.issue_ticket(supervisor, "REKAM", approval=accounts.approve_own(supervisor, "berobat"))
    tickets.call_next(operator, 1)
    items = tickets.health_protocol_items(ticket.id)
    clock.set_now(lambda: NOW.replace(hour=9, minute=20))
    tickets.record_health_protocol(operator, ticket.id, [item.id for item in items[:-1]])  # the last one not done
    info = requests.create_request(operator, service_code="REKAM", nik=NIK, name="Siti Aminah", kk_number=KK,
                                   ticket_id=ticket.id)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        app.push_screen(RequestDetailScreen(info.reg_no))
        await wait_text(pilot, "tiket E-001, dicatat wahyu 28-11-2026 09:20")
        text = screen_text(app)
        assert "Mendesak   Ya: berobat  disetujui Sari" in text
        words = " ".join(text.split())  # the steps wrap under their label
        assert "[x] Suhu tubuh petugas diperiksa (di bawah 37,5 °C); [x] Suhu tubuh pemohon" in words
        assert "[ ] Pemohon mencuci tangan atau memakai hand sanitizer" in words
