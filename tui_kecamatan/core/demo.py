"""Sample data for `tui-kecamatan demo`: an invented office day in Kecamatan Pasar Kemis with a
few hundred tickets and requests in every state, made through the same core functions the desks
use, so the audit trail and the numbering are those of real work."""

from __future__ import annotations

import random
import time as time_module
from datetime import date, datetime, time, timedelta

from tui_kecamatan.core import accounts, clock, counters, desa, messages, office, pickup, requests, tickets
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.db.models import database

OFFICE = office.ProfileInput(
    name="Kantor Kecamatan Pasar Kemis",
    kecamatan="Pasar Kemis",
    kabupaten="Kabupaten Tangerang",
    address="Jl. Raya Pasar Kemis No. 1, Pasar Kemis, Tangerang, Banten 15560",
    phone="(021) 5921234",
)
DESA = ["Gelam Jaya", "Kuta Baru", "Kuta Bumi", "Kuta Jaya", "Pangadegan", "Pasar Kemis",
        "Sindangsari", "Sukaasih", "Sukamantri"]
FIRST_MALE = ["Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rahmat", "Rizky",
              "Slamet", "Taufik", "Wahyu", "Yusuf", "Agus", "Bambang", "Dimas", "Hadi", "Ma'ruf", "Nanang"]
FIRST_FEMALE = ["Siti", "Dewi", "Fitri", "Indah", "Lestari", "Nur", "Putri", "Ratna", "Sri", "Wulan",
                "Ayu", "Eka", "Rina", "Yanti", "Nining", "Euis", "Tuti", "Mega", "Aisyah", "Nurul"]
LAST = ["Aminah", "Hidayat", "Saputra", "Santoso", "Wijaya", "Kurniawan", "Rahayu", "Setiawan",
        "Permata", "Suryani", "Maulana", "Nugraha", "Fauzi", "Hasanah", "Lubis", "Siregar", "Sulastri",
        "Firmansyah", "Nurhayati", "Gunawan"]
# Kabupaten Tangerang, Kecamatan Pasar Kemis: the region part of every NIK and KK number.
REGION = "360315"
DEMO_PASSWORDS = {"admin": "demo-admin", "demo": "demo-operator", "sari": "demo-supervisor", "layar": "demo-layar"}


def _nik(rng: random.Random, female: bool) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 56))
    day = born.day + (40 if female else 0)
    return f"{REGION}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1, 9999):04d}"


def _kk(rng: random.Random) -> str:
    issued = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 365 * 20))
    return f"{REGION}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{rng.randrange(1, 9999):04d}"


def _phone(rng: random.Random) -> str:
    return f"08{rng.choice(['12', '13', '21', '52', '57', '77', '96'])}{rng.randrange(10_000_000, 99_999_999)}"


def _person(rng: random.Random) -> tuple[str, str]:
    female = rng.random() < 0.5
    first = rng.choice(FIRST_FEMALE if female else FIRST_MALE)
    return f"{first} {rng.choice(LAST)}", _nik(rng, female)


def _working_days_back(today: date, count: int) -> list[date]:
    days, day = [], today
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return list(reversed(days))


def _at(day: date, minutes_after_eight: int) -> datetime:
    local = datetime.combine(day, time(8, 0), tzinfo=clock.zone()) + timedelta(minutes=minutes_after_eight)
    return local


class _Clock:
    """Moves the office clock through the invented days while the data is made."""

    def __init__(self) -> None:
        self.moment = clock.now_local()

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


# The demo is a working morning: run outside office hours, its clock starts at half past ten.
OFFICE_OPENS, OFFICE_CLOSES, DEMO_MORNING = time(8, 0), time(15, 0), time(10, 30)


def office_moment(now: datetime) -> datetime:
    """`now` during office hours; otherwise half past ten on the same day, so the demo shows a
    working day rather than a queue taken at midnight."""
    if OFFICE_OPENS <= now.time() < OFFICE_CLOSES:
        return now
    return datetime.combine(now.date(), DEMO_MORNING, tzinfo=now.tzinfo)


def use_office_hours() -> bool:
    """Run the process's clock from `office_moment` of the real time (it goes on ticking from
    there). True when the demo's clock differs from the real one."""
    real = clock.now_local()
    start = office_moment(real)
    if start == real:
        return False
    began = time_module.monotonic()
    clock.set_now(lambda: start + timedelta(seconds=time_module.monotonic() - began))
    return True


def build_demo(seed: int = 2026, tickets_per_day: int = 40, requests_total: int = 200) -> Actor:
    """Fill a new database with sample data; return the demo operator who is logged in."""
    rng = random.Random(seed)
    real_now = clock.now_local()
    outer_clock = clock.get_now()
    today = real_now.date()
    admin = office.first_setup(OFFICE, "admin", "Admin Kecamatan", DEMO_PASSWORDS["admin"])
    operator = accounts.create_staff(admin, "demo", DEMO_PASSWORDS["demo"], Role.OPERATOR, "Wahyu Santoso")
    supervisor = accounts.create_staff(admin, "sari", DEMO_PASSWORDS["sari"], Role.SUPERVISOR, "Sari Rahayu")
    accounts.create_staff(admin, "layar", DEMO_PASSWORDS["layar"], Role.DISPLAY, "Layar ruang tunggu")
    fake = _Clock()
    clock.set_now(fake)
    try:
        with database.atomic():
            for name in DESA:
                desa.add_desa(admin, name, "kelurahan" if name == "Sukaasih" else "desa")
            for number in (2, 3):
                counters.add_counter(admin, number)
            # The office is open in the demo even on a weekend: today plus three working days.
            days = _working_days_back(today - timedelta(days=1), 3) + [today]
            for day in days:
                _queue_day(rng, day, operator, supervisor, tickets_per_day, last=day == today, now=real_now, fake=fake)
            _requests(rng, today, operator, supervisor, requests_total, fake, real_now)
    finally:
        clock.set_now(outer_clock)
    return operator


def _queue_day(rng, day, operator, supervisor, count, *, last: bool, now: datetime, fake: _Clock) -> None:
    codes = ["KTP"] * 5 + ["KK"] * 4 + ["PINDAH_KELUAR", "PINDAH_DATANG", "PINDAH_ANTAR_KEC"]
    # Today stops at the time of day the demo starts (use_office_hours keeps it in office hours).
    span = 7 * 60
    at = lambda minute: _at(day, minute)  # noqa: E731
    if last:
        # Today's tickets end at the real time of day, whenever the demo is started.
        elapsed = int((now - _at(day, 0)).total_seconds() // 60)
        span = max(90, min(span, elapsed))
        opening = now - timedelta(minutes=span)
        at = lambda minute: opening + timedelta(minutes=minute)  # noqa: E731
    minutes = sorted(rng.randrange(0, span - 30) for _ in range(count))
    issued = []
    for minute in minutes:
        fake.set(at(minute))
        issued.append(tickets.issue_ticket(None, rng.choice(codes)))
    if rng.random() < 0.5:
        fake.set(at(minutes[0]))  # early, so it is never called before it was taken
        reason = rng.choice(["Syarat melamar kerja", "Berobat ke luar kota", "Pendaftaran sekolah"])
        urgent = tickets.issue_ticket(supervisor, "REKAM", urgent=True,
                                      approval=accounts.approve_own(supervisor, reason))
        issued.append(urgent)
    # Three counters work through the queue; today the last dozen tickets still wait.
    keep_waiting = 12 if last else 0
    to_serve = len(issued) - keep_waiting
    cursor = minutes[0] + 3
    for index in range(to_serve):
        counter = 1 + index % 3
        # Never call a number before it was taken: the index-th call waits for the index-th ticket.
        cursor = max(cursor, minutes[min(index, len(minutes) - 1)] + 1)
        fake.set(at(cursor))
        ticket = tickets.call_next(operator, counter)
        if ticket is None:
            break
        roll = rng.random()
        if roll < 0.05:
            for _ in range(tickets.no_show_calls()):
                cursor += 1
                fake.set(at(cursor))
                ticket = tickets.recall(operator, ticket.id)
                if ticket.status == "no_show":
                    break
            if ticket.status != "no_show":
                tickets.mark_no_show(operator, ticket.id)
            continue
        if roll < 0.08:
            tickets.cancel(operator, ticket.id, "Pemohon membatalkan, berkas tertinggal di rumah")
            continue
        if ticket.protocol_required:
            items = tickets.health_protocol_items(ticket.id)
            tickets.record_health_protocol(supervisor, ticket.id, [item.id for item in items])
        cursor += rng.randrange(1, 3)
        fake.set(at(cursor))
        tickets.start_serving(operator, ticket.id)
        if last and index >= to_serve - 2:
            continue  # still being served at counters 2 and 3
        cursor += rng.randrange(2, 7) // 2
        fake.set(at(cursor))
        tickets.finish(operator, ticket.id)


def _requests(rng, today, operator, supervisor, total, fake: _Clock, real_now: datetime) -> None:
    services_weighted = ["KK"] * 4 + ["KTP"] * 4 + ["PINDAH_KELUAR", "PINDAH_DATANG", "PINDAH_ANTAR_KEC"]
    start = today - timedelta(days=24)
    for index in range(total):
        # Spread over the last 24 days and today; weekend intake moves to the next working day.
        day = start + timedelta(days=int(25 * index / total))
        while day.weekday() >= 5 and day < today:
            day += timedelta(days=1)
        if day > today:
            day = today
        minute = rng.randrange(0, 6 * 60)
        moment = _at(day, minute)
        if moment > real_now:
            moment = real_now - timedelta(minutes=rng.randrange(1, 60))
        fake.set(moment)
        name, nik = _person(rng)
        code = rng.choice(services_weighted)
        info = requests.create_request(
            operator, service_code=code, nik=nik, name=name, kk_number=_kk(rng),
            phone=_phone(rng) if rng.random() < 0.9 else "", desa=rng.choice(DESA),
            channel="whatsapp" if rng.random() < 0.35 else "walk_in",
        )
        age = (today - day).days
        # Older requests have moved further along; the newest are still at the desk.
        target = rng.choices(
            ["received", "incomplete", "complete", "processing", "ready", "picked_up", "delivered", "cancelled", "rejected"],
            weights=[4, 2, 2, 3, 2, 1, 0, 0, 0] if age < 3 else [0, 1, 0.5, 1, 3, 10, 1, 1, 1],
        )[0]
        _advance(rng, info, target, operator, supervisor, fake, moment, real_now)


def _advance(rng, info, target, operator, supervisor, fake: _Clock, moment: datetime, real_now: datetime) -> None:
    def at(when: datetime) -> None:
        # Nothing in the sample happens after the moment the demo starts.
        fake.set(min(when, real_now - timedelta(minutes=1)))

    if target == "received":
        return
    if target == "rejected":
        requests.reject_request(supervisor, info.id, "Data pada formulir tidak sesuai dengan KK")
        return
    if target == "cancelled":
        requests.cancel_request(operator, info.id, "Dibatalkan atas permintaan pemohon")
        return
    items = requests.items_of(info.id)
    if target == "incomplete":
        missing = rng.choice([item for item in items if item.mandatory])
        requests.save_checklist(operator, info.id, [(item.id, item.id != missing.id, "") for item in items])
        if info.phone:
            messages.record_contact(operator, info.id, "missing", messages.missing_message(info.id))
        return
    requests.save_checklist(operator, info.id, [(item.id, item.mandatory or rng.random() < 0.5, "") for item in items])
    if target == "complete":
        return
    at(moment + timedelta(minutes=20))
    requests.start_processing(operator, info.id)
    if target == "processing":
        return
    at(moment + timedelta(days=1, hours=2))
    requests.mark_ready(operator, info.id)
    if info.phone:
        messages.record_contact(operator, info.id, "ready", messages.ready_message(info.id))
    if target == "ready":
        return
    at(fake.moment + timedelta(hours=3))
    if target == "delivered" and info.phone:
        pickup.confirm_delivery(operator, info.reg_no, messages.sent_message(info.id))
        return
    kind = rng.choices(["self", "family", "proxy"], weights=[7, 2, 1])[0]
    if kind == "self":
        pickup.confirm_pickup(operator, info.reg_no, collector_kind="self")
    else:
        name, nik = _person(rng)
        pickup.confirm_pickup(operator, info.reg_no, collector_kind=kind, collector_name=name, collector_nik=nik)
