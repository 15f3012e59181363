"""Reading the audit trail (core.audit_view) and the audit viewer at 80x24: filters by staff,
action, record and local days, pages that return every event once, the login log with the
station and SSH client, and the refusal an operator gets."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from textual.widgets import Select

from tests.pilot import make_app, screen_text, settle, wait_for, wait_notified, wait_screen, wait_text
from tui_kecamatan.core import accounts, audit, audit_view, clock, messages, office, presence, requests, tickets
from tui_kecamatan.core.accounts import MAX_FAILURES
from tui_kecamatan.db.models import AuditEvent, database
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)
NIK = "3603015501900002"
NIK2 = "3603014101850003"
OFFICE = office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                             kabupaten="Kabupaten Tangerang")


def at(moment: datetime) -> None:
    clock.set_now(lambda: moment)


@pytest.fixture(autouse=True)
def office_clock():
    """Everything, the accounts too, happens on a Saturday morning at the office."""
    at(NOW)


@pytest.fixture
def staff(db, admin, operator, supervisor):
    office.save_profile(admin, OFFICE)
    return {"admin": admin, "wahyu": operator, "sari": supervisor}


def new_request(actor, name="Siti Aminah", nik=NIK):
    return requests.create_request(actor, service_code="KK", nik=nik, name=name, kk_number="3603012005150003",
                                   phone="0812-3456-7890")


def every_page(actor, **filters) -> list[audit_view.EventPage]:
    pages = [audit_view.search_events(actor, **filters)]
    while pages[-1].has_more:
        pages.append(audit_view.search_events(actor, before_id=pages[-1].next_before_id, **filters))
    return pages


# --- filters ------------------------------------------------------------------------------------


def test_filters_by_staff_action_and_registration_number(staff):
    wahyu, sari = staff["wahyu"], staff["sari"]
    first = new_request(wahyu)
    at(NOW + timedelta(minutes=5))
    second = new_request(sari, "Dewi Lestari", NIK2)
    requests.reject_request(sari, second.reg_no, "Berkas palsu")

    by_wahyu = audit_view.search_events(sari, staff="wahyu").rows
    assert by_wahyu and {row.actor for row in by_wahyu} == {"wahyu"}
    assert [row.record_label for row in by_wahyu if row.action == "permohonan_dibuat"] == [first.reg_no]

    created = audit_view.search_events(sari, action="permohonan_dibuat").rows
    assert [(row.actor, row.record_label) for row in created] == [("sari", second.reg_no), ("wahyu", first.reg_no)]
    assert created[0].action_label == "permohonan dibuat"

    record = audit_view.search_events(sari, record=second.reg_no).rows
    assert [row.action for row in record] == ["permohonan_ditolak", "permohonan_dibuat"]
    assert {row.record_key for row in record} == {f"request:{record[0].record_id}"}
    assert "Berkas palsu" in record[0].detail
    # The daily part may be typed without its zeros, and "table:id" names the same record.
    assert audit_view.search_events(sari, record=second.reg_no.split("-")[0] + "-2").rows == record
    assert audit_view.search_events(sari, record=record[0].record_key).rows == record
    # Filters combine: wahyu did nothing to the second request.
    assert audit_view.search_events(sari, staff="wahyu", record=second.reg_no).rows == ()

    # A registration number also finds the WhatsApp contacts recorded for the request.
    at(NOW + timedelta(minutes=9))
    messages.record_contact(wahyu, first.reg_no, "missing", "Mohon bawa KK asli.")
    rows = audit_view.search_events(sari, record=first.reg_no).rows
    assert [(row.action, row.table_name, row.record_label) for row in rows] == [
        ("kontak_dicatat", "contact", first.reg_no), ("permohonan_dibuat", "request", first.reg_no)]


def test_a_ticket_code_names_a_ticket_of_one_day(staff):
    ticket = tickets.issue_ticket(staff["wahyu"], "KK")
    rows = audit_view.search_events(staff["sari"], record=ticket.code).rows
    assert [row.action for row in rows] == ["tiket_diambil"]
    assert rows[0].record_label == f"{ticket.code} 28-11-2026"
    assert audit_view.search_events(staff["sari"], record=f"{ticket.code.lower()} 28-11-2026").rows == rows
    with pytest.raises(NotFound, match=f"Nomor antrian {ticket.code} tanggal 27-11-2026 tidak ada"):
        audit_view.search_events(staff["sari"], record=f"{ticket.code} 27-11-2026")


def test_dates_are_local_days_across_midnight(staff):
    sari = staff["sari"]
    # 23:50 and 00:10 WIB: both on 27 November in UTC, on two days at the office.
    late = datetime(2026, 11, 27, 23, 50, tzinfo=WIB)
    early = datetime(2026, 11, 28, 0, 10, tzinfo=WIB)
    for moment, what in ((late, "malam"), (early, "dini hari")):
        at(moment)
        with database.atomic():
            audit.record(sari, "uji_tengah_malam", "", None, what)
    at(NOW)
    assert late.astimezone(timezone.utc).date() == early.astimezone(timezone.utc).date()

    def details(**days):
        return [row.detail for row in audit_view.search_events(sari, action="uji_tengah_malam", **days).rows]

    assert details(date_from="27-11-2026", date_to="27-11-2026") == ["malam"]
    assert details(date_from=date(2026, 11, 28), date_to=date(2026, 11, 28)) == ["dini hari"]
    assert details(date_from="2026-11-28") == ["dini hari"]
    assert details(date_to="27-11-2026") == ["malam"]
    assert details(date_from="27-11-2026", date_to="28-11-2026") == ["dini hari", "malam"]


def test_wrong_filters_are_one_sentence(staff):
    sari = staff["sari"]
    with pytest.raises(InvalidInput, match='Tanggal dari "31-02-2026" tidak dikenali'):
        audit_view.search_events(sari, date_from="31-02-2026")
    with pytest.raises(InvalidInput, match='Tanggal "dari" jatuh setelah tanggal "sampai"'):
        audit_view.login_log(sari, date_from="28-11-2026", date_to="27-11-2026")
    with pytest.raises(InvalidInput, match='Catatan "kemarin" tidak dikenali'):
        audit_view.search_events(sari, record="kemarin")
    with pytest.raises(InvalidInput, match="Tabel rahasia tidak ada"):
        audit_view.search_events(sari, record="rahasia:3")
    with pytest.raises(NotFound, match="Permohonan 20261128-0099 tidak ada"):
        audit_view.search_events(sari, record="20261128-0099")
    with pytest.raises(NotFound, match="Petugas tidakada tidak ada"):
        audit_view.search_events(sari, staff="tidakada")
    with pytest.raises(NotFound, match="Catatan audit no. 999999 tidak ada"):
        audit_view.event(sari, 999999)


# --- pages --------------------------------------------------------------------------------------


def test_pages_return_every_event_once_in_order_and_stay_put(staff):
    sari = staff["sari"]
    start = NOW + timedelta(hours=1)
    for n in range(123):
        # Three events share each second: the id orders them within it.
        at(start + timedelta(seconds=n // 3))
        with database.atomic():
            audit.record(sari, "uji_halaman", "", None, f"ke-{n}")
    ids = [event.id for event in AuditEvent.select().where(AuditEvent.action == "uji_halaman").order_by(AuditEvent.id.desc())]

    pages = every_page(sari, action="uji_halaman")
    assert [len(page.rows) for page in pages] == [50, 50, 23]
    assert [row.id for page in pages for row in page.rows] == ids
    assert [page.has_more for page in pages] == [True, True, False]

    # Newer events arrive: the second page, read from its cursor, is the same.
    with database.atomic():
        audit.record(sari, "uji_halaman", "", None, "baru")
    again = audit_view.search_events(sari, action="uji_halaman", before_id=pages[0].next_before_id)
    assert again.rows == pages[1].rows
    # Without a filter the pages hold every event of the trail, each once, newest first.
    everything = every_page(sari, limit=37)
    seen = [row.id for page in everything for row in page.rows]
    assert seen == sorted(seen, reverse=True) and len(seen) == AuditEvent.select().count()


def test_an_event_from_a_clock_set_wrong_is_listed_by_its_time_once(staff):
    """A desk whose clock was a day behind: its event is listed where its time puts it (the
    time orders the trail and the id only events of the same moment, so every page is read from
    an index, never sorted), and paging still returns every event once."""
    sari = staff["sari"]
    for n in range(5):
        at(NOW + timedelta(minutes=n))
        with database.atomic():
            audit.record(sari, "uji_jam", "", None, f"ke-{n}")
    at(NOW - timedelta(days=1))
    with database.atomic():
        audit.record(sari, "uji_jam", "", None, "jam salah")
    pages = every_page(sari, action="uji_jam", limit=2)
    assert [row.detail for page in pages for row in page.rows] == ["ke-4", "ke-3", "ke-2", "ke-1", "ke-0", "jam salah"]
    assert [row.detail for row in audit_view.search_events(sari, action="uji_jam", date_to="27-11-2026").rows] == \
        ["jam salah"]


def _plan(query) -> list[str]:
    sql, params = query.sql()
    return [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.mark.parametrize("conditions, index", [
    ([], "audit_event_at"),
    ([AuditEvent.action == "masuk"], "audit_event_action_at"),
    ([AuditEvent.staff == 2], "audit_event_staff_id_at"),
    ([AuditEvent.at >= datetime(2026, 11, 27, 17), AuditEvent.at < datetime(2026, 11, 28, 17)], "audit_event_at"),
])
def test_pages_are_read_through_an_index_without_sorting(staff, conditions, index):
    for before in (None, 5):
        plan = _plan(audit_view._page_query(list(conditions), before, 50))
        assert any(index in line for line in plan), plan
        assert not any("TEMP B-TREE" in line or line.startswith("SCAN audit_event") and index not in line
                       for line in plan), plan


def test_the_actions_and_staff_for_the_filters(staff):
    new_request(staff["wahyu"])
    found = audit_view.actions(staff["sari"])
    assert found == sorted(set(found))
    assert {"akun_dibuat", "permohonan_dibuat", "profil_kantor_disimpan"} <= set(found)
    names = audit_view.staff_names(staff["sari"])
    assert [(row.username, row.full_name) for row in names] == [("admin", "Admin Kantor"), ("sari", "Sari"),
                                                                 ("wahyu", "Wahyu")]


def test_one_event_in_full(staff):
    info = new_request(staff["wahyu"])
    row = audit_view.search_events(staff["admin"], action="permohonan_dibuat").rows[0]
    full = audit_view.event(staff["admin"], row.id)
    assert full == row
    assert (full.actor, full.staff_name, full.record_label) == ("wahyu", "Wahyu", info.reg_no)
    assert len(full.hash) == 64


def test_an_operator_is_refused(staff):
    wahyu = staff["wahyu"]
    sentence = "Tindakan ini hanya untuk peran supervisor ke atas."
    for call in (lambda: audit_view.search_events(wahyu), lambda: audit_view.login_log(wahyu),
                 lambda: audit_view.actions(wahyu), lambda: audit_view.staff_names(wahyu),
                 lambda: audit_view.event(wahyu, 1)):
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert str(refused.value) == sentence


# --- the login log ------------------------------------------------------------------------------


def test_login_log_shows_station_and_ssh_client_and_the_lock(staff, monkeypatch):
    monkeypatch.setenv("SSH_CLIENT", "10.0.0.5 51234 22")
    where = accounts.login_place("loket-2", presence.ssh_client())
    assert where == "stasiun loket-2; ssh 10.0.0.5"
    at(NOW)
    accounts.authenticate("wahyu", "rahasia-wahyu", where=where)
    for attempt in range(1, MAX_FAILURES + 1):
        moment = NOW + timedelta(minutes=attempt)
        at(moment)
        with pytest.raises(Refused):
            accounts.authenticate("wahyu", f"salah-{attempt}", now=moment.astimezone(timezone.utc).replace(tzinfo=None),
                                  where=accounts.login_place("loket-3", ""))
    at(NOW + timedelta(minutes=10))
    accounts.authenticate("sari", "rahasia-sari")  # from the command line: nothing known

    page = audit_view.login_log(staff["sari"])
    shown = [(row.username, row.result_label, row.station, row.client) for row in page.rows]
    assert shown == [
        ("sari", "masuk", "", ""),
        ("wahyu", "dikunci", "loket-3", ""),
        ("wahyu", "gagal ke-4", "loket-3", ""),
        ("wahyu", "gagal ke-3", "loket-3", ""),
        ("wahyu", "gagal ke-2", "loket-3", ""),
        ("wahyu", "gagal ke-1", "loket-3", ""),
        ("wahyu", "masuk", "loket-2", "10.0.0.5"),
    ]
    # The detail still starts as it always did; where the attempt came from is appended.
    assert page.rows[1].detail == "wahyu: percobaan ke-5 (dikunci) | stasiun loket-3"
    assert page.rows[-1].detail == "stasiun loket-2; ssh 10.0.0.5"
    # By account: a failed login has no actor, only the account it tried.
    assert [row.result for row in audit_view.login_log(staff["sari"], staff="wahyu").rows] == \
        ["dikunci", "gagal", "gagal", "gagal", "gagal", "masuk"]
    # Pages of the log, as of the trail.
    first = audit_view.login_log(staff["sari"], limit=3)
    second = audit_view.login_log(staff["sari"], limit=3, before_id=first.next_before_id)
    third = audit_view.login_log(staff["sari"], limit=3, before_id=second.next_before_id)
    assert [row.id for page in (first, second, third) for row in page.rows] == [row.id for row in page.rows]
    assert not third.has_more
    # Only a day with logins.
    assert audit_view.login_log(staff["sari"], date_from="29-11-2026").rows == ()


def test_place_is_read_back_from_the_detail():
    assert audit_view.parse_place("wahyu: percobaan ke-2 | stasiun loket-1; ssh 192.168.1.20") == \
        ("wahyu: percobaan ke-2", "loket-1", "192.168.1.20")
    assert audit_view.parse_place("ssh 10.0.0.9") == ("", "", "10.0.0.9")
    assert audit_view.parse_place("wahyu: percobaan ke-1") == ("wahyu: percobaan ke-1", "", "")
    # Separators typed into a place cannot split it differently.
    assert accounts.login_place("lo;ket|1", "") == "stasiun lo,ket/1"


# --- the screen at 80x24 ------------------------------------------------------------------------


async def open_from_palette(pilot):
    """Ctrl+P, "jejak", Enter: the audit viewer with its first page."""
    from tui_kecamatan.screens.audit.viewer import AuditScreen

    await pilot.press("ctrl+p")
    await wait_text(pilot, "Cari perintah")
    await pilot.press(*"jejak")
    await wait_text(pilot, "Jejak audit")
    await pilot.press("enter")
    screen = await wait_screen(pilot, AuditScreen)
    await wait_for(pilot, lambda: screen.page is not None, what="the first page")
    await settle(pilot)
    return screen


async def test_a_supervisor_filters_pages_and_opens_an_event(db, staff):
    from tests.pilot import at_home, fill
    from tui_kecamatan.screens.audit.event import AuditEventDialog

    issued = [tickets.issue_ticket(staff["wahyu"], "KK") for _ in range(55)]
    new_request(staff["wahyu"], "[@click=app.quit]Budi[/]")
    app = make_app(db, actor=staff["sari"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        screen = await open_from_palette(pilot)
        text = screen_text(app)
        assert "Jejak audit · semua kegiatan" in text
        for header in ("Waktu", "Petugas", "Aksi", "Catatan", "Rincian"):
            assert header in text
        # The newest first: the request, its applicant's name shown as typed under the table.
        assert "permohonan dibuat" in text.splitlines()[5]
        assert "[@click=app.quit]Budi[/]" in text
        assert "Halaman 1 · ada halaman berikutnya" in text

        await fill(pilot, {"#audit-action": "tiket_diambil"})
        await wait_text(pilot, f"{issued[-1].code} 28-11-2026")
        text = screen_text(app)
        assert "permohonan dibuat" not in text and "Halaman 1 · ada halaman berikutnya" in text
        screen.query_one("#audit-table").focus()

        await pilot.press("pagedown")
        await wait_text(pilot, "Halaman 2 · halaman terakhir")
        text = screen_text(app)
        assert f"{issued[0].code} 28-11-2026" in text and f"{issued[-1].code} 28-11-2026" not in text
        assert [int(key) for key, _cells in screen.query_one("#audit-table").rows_shown] == \
            [e.id for e in AuditEvent.select().where(AuditEvent.action == "tiket_diambil").order_by(AuditEvent.id.desc())][50:]
        await pilot.press("pagedown")  # no page after the last: said, not silently ignored
        await wait_notified(pilot, "Ini halaman terakhir.")
        await pilot.press("p")
        await wait_text(pilot, "Halaman 1 · ada halaman berikutnya")
        assert f"{issued[-1].code} 28-11-2026" in screen_text(app)

        await pilot.press("enter")
        dialog = await wait_screen(pilot, AuditEventDialog)
        text = screen_text(app)
        assert f"Catatan audit no. {dialog.event.id}" in text
        assert "tiket diambil (tiket_diambil)" in text
        assert f"{issued[-1].code} 28-11-2026 (ticket:" in text
        assert "Sabtu, 28 November 2026 09:15:00 WIB" in text
        assert "wahyu (Wahyu)" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="back to the viewer")

        # A day typed wrong is core's sentence; the rows stay.
        await fill(pilot, {"#audit-from": "31-02-2026"}, focus="#audit-from")
        await pilot.press("enter")
        await wait_text(pilot, 'Tanggal dari "31-02-2026" tidak dikenali')
        assert f"{issued[-1].code} 28-11-2026" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen, what="Esc leaving the viewer")


async def test_the_login_log_shows_where_each_login_came_from(db, staff, monkeypatch):
    from tests.pilot import at_home, fill
    from tui_kecamatan.screens.shell.login import LoginScreen

    monkeypatch.setenv("SSH_CLIENT", "10.0.0.5 51234 22")
    app = make_app(db, counter=2)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for username, password in (("wahyu", "salah-sandi"), ("sari", "rahasia-sari")):
            await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen) and app.screen.query("#login-password"),
                           what="login screen")
            await fill(pilot, {"#login-username": username, "#login-password": password}, focus="#login-password")
            await pilot.press("enter")
            await settle(pilot)
        await at_home(pilot)
        screen = await open_from_palette(pilot)
        await pilot.press("l")
        await wait_text(pilot, "Klien SSH")
        await wait_for(pilot, lambda: screen.page is not None and screen.page.rows, what="the login log")
        lines = screen_text(app).splitlines()
        assert any(line.split()[2:] == ["sari", "masuk", "loket-2", "10.0.0.5"] for line in lines), lines
        assert any(line.split()[2:] == ["wahyu", "gagal", "ke-1", "loket-2", "10.0.0.5"] for line in lines), lines
        assert "Jejak audit · log masuk" in screen_text(app)
        # Only the account chosen: a failed login counts for the account it tried.
        await fill(pilot, {"#audit-staff": "wahyu"})
        await wait_for(pilot, lambda: " sari " not in screen_text(app).split("Klien SSH")[1], what="wahyu only")
        assert "gagal ke-1" in screen_text(app)
        # Back to every event: wahyu did nothing himself, a failed login is done by nobody known.
        screen.query_one("#audit-logins").focus()
        await pilot.press("l")
        await wait_text(pilot, "Jejak audit · semua kegiatan")
        await wait_text(pilot, "Tidak ada catatan yang cocok.")
        await fill(pilot, {"#audit-staff": Select.NULL})
        await wait_text(pilot, "gagal masuk")


async def test_an_operator_gets_core_refusal(db, staff):
    from tests.pilot import at_home
    from tui_kecamatan.screens.audit.viewer import AuditScreen

    app = make_app(db, actor=staff["wahyu"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await pilot.press("ctrl+p")
        await wait_text(pilot, "Cari perintah")
        await pilot.press(*"jejak")
        await wait_text(pilot, "Tidak ada perintah yang cocok")  # not offered to an operator
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(AuditScreen())  # reached anyway (another screen's key)
        screen = await wait_screen(pilot, AuditScreen)
        await wait_text(pilot, "Tindakan ini hanya untuk peran supervisor ke atas.")
        await settle(pilot)
        assert screen._table().row_count == 0
        assert " l " not in screen_text(app).splitlines()[-1] and "Log masuk" not in screen_text(app)
