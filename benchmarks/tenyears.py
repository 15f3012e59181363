"""Ten years of a busy office on this machine: build (once) a database of a million requests and a
million tickets, then time what a clerk and the head of office wait for.

    .venv/bin/python benchmarks/tenyears.py [--requests 1000000] [--runs 7]   (make bench)

The database is built once into benchmarks/.cache/ and used again while the schema
(migrations.LATEST), this builder (BUILDER_VERSION) and the sizes asked for stay the same.
The office is set up through the core functions (profile, staff with their real password
hashes, counters, desa, the retention period), then ten years of work are written straight into
the tables in big transactions: working days without weekends and national holidays, a few
hundred tickets a day with their queue times from a simulation of the counters, requests from
the tickets served and from WhatsApp with their requirement items, checklists, processing,
contacts, pickups of every kind, deliveries, cancellations and rejections, the staff's logins,
and an audit row for every one of these with the hash chain of db/audit_chain.py. The search
index is filled in one statement at the end. `tui-kecamatan check` must pass on the result.

The figures are measured on a copy of that file (so the cached one is never changed), at the
office's "now" of the build (11.00 on its last working day) for what is inside this process,
calling the core functions through `run_in_connection` as the screens do (a connection per
call); the start-up figures run `tui-kecamatan` and a bare Textual app (benchmarks/bare_app.py)
as whole processes in tmux at 80x24. Each figure is the median and the range of `--runs` runs
after a warm-up. Tests never assert on time; these numbers are read by people.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import heapq
import json
import math
import os
import platform
import random
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from operator import itemgetter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUILDER_VERSION = 1
CACHE_DIR = ROOT / "benchmarks" / ".cache"
WIB = timezone(timedelta(hours=7))  # Asia/Jakarta, the office's default zone (no daylight saving)
END_MINUTE = 11 * 60  # the office's "now" in the database: 11.00 on its last working day
CLOSING_MINUTE = 16 * 60 + 30  # no ticket is called after 16.30

# --- the office ------------------------------------------------------------------------------

OFFICE = dict(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis", kabupaten="Kabupaten Tangerang",
              province="Banten", address="Jl. Raya Pasar Kemis No. 1, Pasar Kemis, Tangerang, Banten 15560",
              phone="(021) 5921234", head_name="Drs. H. Ahmad Syarifudin, M.Si.", head_nip="197203151998031004")
ADMIN = ("admin", "Admin Kecamatan")
SUPERVISORS = [("sari", "Sari Rahayu"), ("hendra", "Hendra Gunawan")]
OPERATORS = [("petugas1", "Wahyu Santoso"), ("petugas2", "Dewi Lestari"), ("petugas3", "Rizky Maulana"),
             ("petugas4", "Nur Hasanah"), ("petugas5", "Agus Setiawan"), ("petugas6", "Fitri Handayani"),
             ("petugas7", "Bambang Nugroho"), ("petugas8", "Yanti Suryani"), ("petugas9", "Dimas Pratama")]
DISPLAY = ("layar", "Layar ruang tunggu")
COUNTERS = 8  # Loket 1-8; a quiet day opens fewer


def password_of(username: str) -> str:
    return f"rahasia-{username}"


DESA = [("Gelam Jaya", "desa"), ("Kuta Baru", "desa"), ("Kuta Bumi", "desa"), ("Kuta Jaya", "desa"),
        ("Pangadegan", "desa"), ("Pasar Kemis", "desa"), ("Sindangsari", "desa"), ("Sukaasih", "kelurahan"),
        ("Sukamantri", "desa")]
# Region codes (province, kabupaten/kota, kecamatan) of the NIKs: most applicants live here.
LOCAL_REGION = "360315"
OTHER_REGIONS = ["360314", "360316", "360312", "367101", "367104", "367402", "317401", "317305", "320101",
                 "327502", "330101", "350101", "120101", "180101"]
PHONE_PREFIXES = ["11", "12", "13", "21", "22", "23", "51", "52", "53", "14", "15", "16", "55", "56", "57",
                  "58", "17", "18", "19", "59", "77", "78", "31", "32", "33", "38", "95", "96", "97", "98", "99",
                  "81", "82", "83", "87", "88"]
GIVEN_MALE = ["Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rahmat", "Rizky", "Slamet",
              "Taufik", "Wahyu", "Yusuf", "Agus", "Bambang", "Dimas", "Hadi", "Ma'ruf", "Nanang", "Asep", "Ujang",
              "Dadang", "Cecep", "Iwan", "Andi", "Arif", "Bayu", "Dani", "Edi", "Ferry", "Gilang", "Hasan",
              "Indra", "Jaka", "Kurnia", "Lukman", "Mulyadi", "Nurdin", "Oki", "Permana", "Rudi", "Sutrisno",
              "Teguh", "Usman", "Yanto", "Zainal", "Ade", "Aditya", "Galih", "Haris", "Ilham", "Muhamad",
              "Rangga", "Samsul", "Sugeng", "Supri", "Tatang", "Wawan", "Yogi"]
GIVEN_FEMALE = ["Siti", "Dewi", "Fitri", "Indah", "Lestari", "Nur", "Putri", "Ratna", "Sri", "Wulan", "Ayu",
                "Eka", "Rina", "Yanti", "Nining", "Euis", "Tuti", "Mega", "Aisyah", "Nurul", "Ani", "Dian",
                "Eni", "Fatimah", "Ida", "Imas", "Juju", "Kartika", "Lilis", "Maya", "Neneng", "Novi", "Oom",
                "Popon", "Rini", "Santi", "Titin", "Umi", "Wati", "Yuli", "Dina", "Elis", "Hani", "Iis", "Leni",
                "Mira", "Nia", "Ratih", "Sari", "Tika", "Winda", "Yayah", "Zahra", "Anisa", "Citra", "Dwi",
                "Erna", "Ika", "Laras", "Mulyani"]
SECOND = ["Aminah", "Hidayat", "Saputra", "Santoso", "Wijaya", "Kurniawan", "Rahayu", "Setiawan", "Permata",
          "Suryani", "Maulana", "Nugraha", "Fauzi", "Hasanah", "Lubis", "Siregar", "Sulastri", "Firmansyah",
          "Nurhayati", "Gunawan", "Pratama", "Hermawan", "Susanti", "Wahyuni", "Kusuma", "Ramadhan", "Sulistyo",
          "Purnama", "Handayani", "Safitri", "Rohmah", "Anggraeni", "Suherman", "Sudrajat", "Mulyana",
          "Supriatna", "Hidayatullah", "Rosadi", "Komariah", "Nurjanah", "Sumarni", "Kartini", "Sopian",
          "Syahputra", "Nasution", "Harahap", "Simanjuntak", "Tanjung", "Wibowo", "Prasetyo", "Utami",
          "Yulianti", "Hartono", "Budiman", "Iskandar", "Sobari", "Jaelani", "Rustandi", "Saepudin", "Zakaria",
          "Abdullah", "Rahman", "Hakim", "Arifin", "Hamzah", "Sholeh", "Maesaroh", "Fitriani", "Marlina",
          "Oktaviani", "Puspita", "Rahmawati", "Sari", "Astuti", "Rusdi", "Sutisna", "Wardani", "Yusuf"]
MIDDLE_MALE = ["Muhammad", "Moch.", "Abdul", "Dwi", "Tri", "Eka", "Adi", "Putra", "Nur"]
MIDDLE_FEMALE = ["Nur", "Dwi", "Tri", "Eka", "Sri", "Siti", "Ayu", "Putri", "Indah", "Dewi"]

# Services as a busy office sees them: ticket weights, WhatsApp request weights, minutes at the counter.
SERVICE_TICKETS = {"KTP": 30, "KK": 26, "PINDAH_KELUAR": 10, "PINDAH_DATANG": 8, "REKAM": 16, "PINDAH_ANTAR_KEC": 10}
SERVICE_WHATSAPP = {"KTP": 20, "KK": 40, "PINDAH_KELUAR": 15, "PINDAH_DATANG": 12, "REKAM": 0, "PINDAH_ANTAR_KEC": 13}
SERVICE_MINUTES = {"REKAM": 8.0}  # median minutes at the counter; the others 4.5

# When people arrive (local minutes from midnight, weight): 07.30 to 15.15, busiest 09.00-10.00;
# on Friday nobody is served 11.30-13.00 (Friday prayers).
ARRIVALS = [(450, 480, 5), (480, 540, 17), (540, 600, 19), (600, 660, 17), (660, 720, 13), (720, 780, 7),
            (780, 840, 11), (840, 900, 9), (900, 915, 2)]
ARRIVALS_FRIDAY = [(450, 480, 5), (480, 540, 17), (540, 600, 19), (600, 660, 17), (660, 690, 6),
                   (780, 840, 11), (840, 900, 9), (900, 915, 2)]
WEEKDAY_FACTOR = (1.25, 1.1, 1.0, 0.95, 0.8)
MONTH_FACTOR = {1: 1.1, 2: 1.0, 3: 1.0, 4: 0.95, 5: 0.95, 6: 1.05, 7: 1.15, 8: 1.05, 9: 1.0, 10: 1.0, 11: 0.95,
                12: 0.9}
STATUS_LABEL = {"received": "Diterima", "incomplete": "Berkas kurang", "complete": "Berkas lengkap",
                "processing": "Diproses", "ready": "Siap diambil", "picked_up": "Sudah diambil",
                "delivered": "Dikirim elektronik", "cancelled": "Dibatalkan", "rejected": "Ditolak"}
COLLECTOR_LABEL = {"self": "Pemohon", "family": "Keluarga dalam KK", "proxy": "Kuasa (surat kuasa)"}
TICKET_CANCEL_REASONS = ["Pemohon membatalkan, berkas tertinggal di rumah", "Pemohon pulang sebelum dipanggil",
                         "Salah mengambil layanan", "Pemohon datang kembali besok"]
URGENT_REASONS = ["Persyaratan melamar kerja minggu ini", "Berobat ke luar kota", "Pendaftaran sekolah",
                  "Keperluan bank yang mendesak"]

# Event kinds of the day's stream (each becomes one audit row, some a contact, pickup or health check).
(LOGIN, HOLIDAYS, T_ISSUE, T_CALL, T_RECALL, T_NOSHOW, T_CANCEL, T_TRANSFER, T_PROTOCOL, T_START, T_FINISH,
 R_CREATE, R_CHECK, R_CONTACT, R_PROCESS, R_READY, R_PICKUP, R_DELIVER, R_CANCEL, R_REJECT) = range(20)


def say(text: str) -> None:
    print(f"[tenyears] {text}", file=sys.stderr, flush=True)


# --- building --------------------------------------------------------------------------------


@dataclass
class Sizes:
    requests: int = 1_000_000
    tickets: int = 1_000_000
    years: float = 10.0
    seed: int = 2026

    def cache_name(self) -> str:
        from tui_kecamatan.db import migrations

        years = f"{self.years:g}".replace(".", "_")
        return (f"tenyears-schema{migrations.LATEST}-builder{BUILDER_VERSION}-r{self.requests}-t{self.tickets}"
                f"-y{years}-s{self.seed}.db")


def cached_database(sizes: Sizes, cache_dir: Path = CACHE_DIR, *, rebuild: bool = False) -> tuple[Path, dict]:
    """The database of `sizes` from the cache, built first when it is not there (or `rebuild`);
    returns its path and what its build recorded (the office's "now", counts, build time)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / sizes.cache_name()
    meta_path = path.with_suffix(".json")
    if rebuild or not path.exists() or not meta_path.exists():
        for stale in cache_dir.glob("tenyears-*"):
            if stale.name.startswith(path.stem + "."):
                stale.unlink()
        build(path, sizes)
    else:
        say(f"using the cached database {path} (delete it, or --rebuild, to build it again)")
    return path, json.loads(meta_path.read_text())


def _working_days(first: date, last: date, holidays: set[date]) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _national_holidays(years: range) -> dict[date, str]:
    import holidays as holiday_data

    found = holiday_data.country_holidays("ID", years=list(years), language="id", categories=("public", "government"))
    return {day: name[:200] for day, name in sorted(found.items())}


def _allocate(total: int, weights: list[float]) -> list[int]:
    """`total` split over `weights` in whole numbers that add up exactly."""
    whole = sum(weights)
    out, running, given = [], 0.0, 0
    for weight in weights:
        running += weight
        upto = int(round(total * running / whole))
        out.append(upto - given)
        given = upto
    return out


def _segments_until(segments, limit: float):
    """The arrival segments cut at `limit` (a local minute)."""
    out = []
    for low, high, weight in segments:
        if low >= limit:
            break
        if high > limit:
            weight = weight * (limit - low) / (high - low)
            high = limit
        out.append((low, high, weight))
    return out


class _Sampler:
    """Local minutes drawn from weighted segments."""

    def __init__(self, segments) -> None:
        self.segments = segments
        self.cumulative = []
        running = 0.0
        for _low, _high, weight in segments:
            running += weight
            self.cumulative.append(running)
        self.total = running

    def draw(self, rng: random.Random) -> float:
        index = bisect.bisect_left(self.cumulative, rng.random() * self.total)
        low, high, _weight = self.segments[min(index, len(self.segments) - 1)]
        return low + (high - low) * rng.random()


def _setup_office(path: Path, moment: datetime) -> dict:
    """A new database made and filled through the core functions, at `moment` (aware): the office
    profile, the staff with their real password hashes, counters, desa, perekaman KTP-el resumed,
    ten years' retention. Returns what the bulk load needs to know of it."""
    from tui_kecamatan.core import accounts, clock, counters, desa, office, privacy, services
    from tui_kecamatan.core.accounts import Role
    from tui_kecamatan.db.connection import open_database
    from tui_kecamatan.db.models import OfficeProfile, Service, ServiceRequirement, Staff

    db = open_database(path)
    clock.set_now(lambda: moment)
    try:
        admin = office.first_setup(office.ProfileInput(**OFFICE), ADMIN[0], ADMIN[1], password_of(ADMIN[0]))
        for username, full_name in SUPERVISORS:
            accounts.create_staff(admin, username, password_of(username), Role.SUPERVISOR, full_name)
        for username, full_name in OPERATORS:
            accounts.create_staff(admin, username, password_of(username), Role.OPERATOR, full_name)
        accounts.create_staff(admin, DISPLAY[0], password_of(DISPLAY[0]), Role.DISPLAY, DISPLAY[1])
        for number in range(2, COUNTERS + 1):
            counters.add_counter(admin, number, f"Loket {number}")
        for name, kind in DESA:
            desa.add_desa(admin, name, kind)
        services.resume_service(admin, "REKAM")  # the pandemic's suspension is long over
        services.edit_service(admin, "REKAM", urgent_only=False)
        privacy.set_retention(admin, 120)  # the office keeps personal data ten years
        profile = OfficeProfile.get()
        staff = {row.username: row.id for row in Staff.select()}
        counter_ids = {number: cid for cid, number in db.execute_sql("SELECT id, number FROM counter").fetchall()}
        service_rows = []
        for service in Service.select().order_by(Service.position, Service.id):
            requirements = list(ServiceRequirement.select().where(ServiceRequirement.service == service.id)
                                .order_by(ServiceRequirement.position, ServiceRequirement.id))
            service_rows.append(dict(
                id=service.id, code=service.code, name=service.name, prefix=service.prefix,
                target=service.target_days, needs_kk=bool(service.needs_kk),
                berkas=[(r.text, bool(r.mandatory)) for r in requirements if r.kind == "berkas"],
                protocol=[r.text for r in requirements if r.kind == "protokol" and r.mandatory]))
        return dict(office_name=profile.name, hours=profile.opening_hours, staff=staff, counters=counter_ids,
                    services=service_rows)
    finally:
        clock.set_now(None)
        db.close()


class _People:
    """The kecamatan's applicants: names sharing parts, valid NIKs and KK numbers, mobile numbers,
    families sharing a KK number, a desa and often a phone."""

    def __init__(self, rng: random.Random, count: int) -> None:
        self.name, self.nik, self.kk, self.phone, self.desa = [], [], [], [], []
        seen_nik: set[str] = set()
        seen_phone: set[str] = set()
        family_kk = family_desa = family_phone = family_second = ""
        for _ in range(count):
            if not family_kk or rng.random() < 0.4:
                family_kk = self._number(rng, LOCAL_REGION if rng.random() < 0.8 else rng.choice(OTHER_REGIONS),
                                         date(1995, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30)), seen_nik)
                family_desa = rng.choice(DESA)[0]
                family_phone = self._phone(rng, seen_phone)
                family_second = rng.choice(SECOND)
            female = rng.random() < 0.5
            given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            shape = rng.random()
            if shape < 0.15:
                name = given  # one name, as many Javanese and Sundanese have
            elif shape < 0.3:
                name = f"{rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)} {given} {rng.choice(SECOND)}"
            elif shape < 0.55:
                name = f"{given} {family_second}"
            else:
                name = f"{given} {rng.choice(SECOND)}"
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 68))
            region = LOCAL_REGION if rng.random() < 0.75 else rng.choice(OTHER_REGIONS)
            nik = self._number(rng, region, born, seen_nik, female=female)
            roll = rng.random()
            phone = self._phone(rng, seen_phone) if roll < 0.85 else family_phone if roll < 0.95 else ""
            self.name.append(name)
            self.nik.append(nik)
            self.kk.append(family_kk)
            self.phone.append(phone)
            self.desa.append(family_desa)

    @staticmethod
    def _number(rng, region: str, day: date, seen: set[str], *, female: bool = False) -> str:
        while True:
            number = f"{region}{day.day + (40 if female else 0):02d}{day.month:02d}{day.year % 100:02d}" \
                     f"{rng.randrange(1, 10000):04d}"
            if number not in seen:
                seen.add(number)
                return number

    @staticmethod
    def _phone(rng, seen: set[str]) -> str:
        while True:
            digits = rng.randrange(10_000_000, 100_000_000) if rng.random() < 0.7 else rng.randrange(1_000_000, 10_000_000)
            number = f"+628{rng.choice(PHONE_PREFIXES)}{digits}"
            if number not in seen:
                seen.add(number)
                return number


INSERT = {
    "ticket": "INSERT INTO ticket (id, day, prefix, number, code, service_id, status, urgent, issued_at, "
              "first_called_at, called_at, call_count, started_at, finished_at, counter_id, staff_id, reason, "
              "protocol_done, urgent_reason, approved_by_id) VALUES (" + ", ".join("?" * 20) + ")",
    "request": "INSERT INTO request (id, reg_no, reg_seq, service_id, citizen_id, nik, name, kk_number, phone, desa, "
               "channel, status, ticket_id, counter_id, created_by_id, created_at, updated_at, due_date, ready_at, "
               "closed_at, reason, urgent, urgent_reason, approved_by_id) VALUES (" + ", ".join("?" * 24) + ")",
    "request_item": "INSERT INTO request_item (id, request_id, position, text, mandatory, checked, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
    "contact": "INSERT INTO contact (id, request_id, kind, channel, phone, message, staff_id, at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "pickup": "INSERT INTO pickup (id, request_id, collector_kind, collector_name, collector_nik, note, staff_id, at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "health_check": "INSERT INTO health_check (id, ticket_id, text, checked, staff_id, at) VALUES (?, ?, ?, ?, ?, ?)",
    "audit_event": "INSERT INTO audit_event (id, at, staff_id, actor, action, table_name, record_id, detail, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "daily_counter": "INSERT INTO daily_counter (day, prefix, last_number) VALUES (?, ?, ?)",
    "request_daily_counter": "INSERT INTO request_daily_counter (day, last_number) VALUES (?, ?)",
    "citizen": "INSERT INTO citizen (id, nik, name, kk_number, phone, desa, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "holiday": "INSERT INTO holiday (day, name) VALUES (?, ?)",
}
# Tables filled in bulk: their indexes are dropped during the load and made again at the end.
BULK_TABLES = ("ticket", "request", "request_item", "contact", "pickup", "health_check", "audit_event", "citizen")


class _Builder:
    """Writes the ten years day by day; every change of a day is one event in time order."""

    def __init__(self, connection: sqlite3.Connection, sizes: Sizes, office: dict, days: list[date],
                 holidays: dict[date, str], rng: random.Random) -> None:
        from tui_kecamatan.core.workdays import add_working_days
        from tui_kecamatan.db import audit_chain

        self.add_working_days = add_working_days
        self.db = connection
        self.rng = rng
        self.days = days
        self.n_days = len(days)
        self.holidays = holidays
        self.holiday_set = set(holidays)
        self.base = datetime(days[0].year, days[0].month, days[0].day) - timedelta(hours=7)  # naive UTC
        self.day_t0 = [(day - days[0]).days * 86400.0 for day in days]
        self.office = office
        self.staff = office["staff"]
        self.services = office["services"]
        self.row_hash = audit_chain.row_hash
        self.encode = json.JSONEncoder(separators=(",", ":")).encode
        self.sha256 = hashlib.sha256
        self.checked_hashes = 0
        last = connection.execute("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
        self.audit_id, self.previous = (last[0], last[1]) if last else (0, audit_chain.GENESIS)
        self.rows: dict[str, list] = {name: [] for name in INSERT}
        self.ticket_id = self.request_id = self.item_id = self.contact_id = self.pickup_id = self.check_id = 0
        self.counts = dict.fromkeys(("tickets", "requests", "request_items", "contacts", "pickups", "health_checks",
                                     "audit_rows", "citizens"), 0)
        people = max(500, sizes.requests // 4)
        say(f"making {people:,} applicants")
        self.people = _People(rng, people)
        self.citizen_of = [0] * people
        self.citizen_order: list[int] = []
        self.citizen_last = [""] * people
        self.last_login: dict[int, str] = {}
        self.buckets: dict[int, list] = {}
        self.kiosk = (self.staff[DISPLAY[0]], DISPLAY[0])
        self.supervisors = [(self.staff[u], u) for u, _n in SUPERVISORS]
        operators = [(self.staff[u], u) for u, _n in OPERATORS]
        counter_ids = office["counters"]
        # Volumes per working day: busier on Monday, in January and July, growing over the years.
        weights = []
        for index, day in enumerate(days):
            weight = WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month] * (0.85 + 0.3 * index / len(days))
            weight *= rng.lognormvariate(0, 0.12)
            weights.append(weight)
        last_segments = _segments_until(ARRIVALS_FRIDAY if days[-1].weekday() == 4 else ARRIVALS, END_MINUTE)
        weights[-1] *= sum(w for *_x, w in last_segments) / sum(w for *_x, w in ARRIVALS)
        self.tickets_per_day = _allocate(sizes.tickets, weights)
        self.requests_per_day = _allocate(sizes.requests, weights)
        # Who sits at which counter each day: as many counters as the day's queue needs.
        self.rosters = []
        for count in self.tickets_per_day:
            open_counters = min(COUNTERS, max(2, math.ceil(count / 55)))
            chosen = rng.sample(operators, open_counters)
            self.rosters.append([(counter_ids[n + 1], n + 1, sid, user) for n, (sid, user) in enumerate(chosen)])
        self.samplers = {False: _Sampler(ARRIVALS), True: _Sampler(ARRIVALS_FRIDAY)}
        self.last_sampler = _Sampler(last_segments)
        self.office_sampler = _Sampler([(480, 900, 1)])
        self.last_office_sampler = _Sampler([(480, min(900, END_MINUTE), 1)])
        self.ticket_weights = [(s, SERVICE_TICKETS.get(s["code"], 1)) for s in self.services]
        self.whatsapp_weights = [(s, SERVICE_WHATSAPP.get(s["code"], 1)) for s in self.services
                                 if SERVICE_WHATSAPP.get(s["code"], 1) > 0]
        self.templates = self._templates()
        # The national holidays of each year are entered in early December of the year before.
        # (The first year's, with the office's setup.)
        self.holiday_days: dict[int, list[int]] = {}
        for year in sorted({day.year for day in holidays}):
            december = [i for i, day in enumerate(days) if day.year == year - 1 and day.month == 12]
            if december:
                self.holiday_days.setdefault(december[0], []).append(year)
            elif year <= days[0].year or (days[0].year == year - 1 and days[0].month == 12):
                self.holiday_days.setdefault(0, []).append(year)

    @staticmethod
    def _templates() -> dict[str, str]:
        from tui_kecamatan.db.seed import TEMPLATES

        return {kind: TEMPLATES[f"template.{kind}"] for kind in ("missing", "ready", "sent")}

    # --- helpers -------------------------------------------------------------------------

    def text_at(self, t: float) -> str:
        return (self.base + timedelta(seconds=t)).isoformat(" ")

    def choose(self, weighted) -> dict:
        total = sum(w for _s, w in weighted)
        pick = self.rng.random() * total
        for service, weight in weighted:
            pick -= weight
            if pick <= 0:
                return service
        return weighted[-1][0]

    def audit(self, at: str, staff_id, actor: str, action: str, table: str, record_id, detail: str) -> None:
        """The next audit row with its hash: audit_chain.row_hash's encoding, with one JSON
        encoder kept (json.dumps makes one a call); the first rows are checked against it."""
        self.audit_id += 1
        previous = self.previous
        payload = self.encode([previous, self.audit_id, at, staff_id, actor, action, table, record_id, detail])
        self.previous = self.sha256(payload.encode("utf-8")).hexdigest()
        self.rows["audit_event"].append((self.audit_id, at, staff_id, actor, action, table, record_id, detail,
                                         self.previous))
        if self.checked_hashes < 100:
            self.checked_hashes += 1
            expected = self.row_hash(previous, (self.audit_id, at, staff_id, actor, action, table, record_id, detail))
            if expected != self.previous:
                raise RuntimeError("the builder's audit hash differs from db/audit_chain.row_hash")

    def office_minute(self, index: int) -> float:
        return (self.last_office_sampler if index == self.n_days - 1 else self.office_sampler).draw(self.rng)

    def after(self, index: int, minute: float, days: int, at: float) -> tuple[int, float]:
        """`days` working days after (index, minute) at local minute `at`; on the same day never
        before `minute` (carried to the next working morning after 15.30)."""
        if days > 0:
            return index + days, at
        return self.later(index, minute, 1 + self.rng.random() * 30) if at <= minute else (index, at)

    def later(self, index: int, minute: float, add: float) -> tuple[int, float]:
        """`add` minutes after (index, minute), carried to the next working morning after 15.30."""
        minute += add
        if minute > 930:
            return index + 1, 480 + self.rng.random() * 60
        return index, minute

    def on_duty(self, index: int):
        roster = self.rosters[min(index, self.n_days - 1)]
        _cid, _number, sid, user = roster[int(self.rng.random() * len(roster))]
        return sid, user

    # --- one day ------------------------------------------------------------------------

    def day(self, index: int) -> None:
        rng = self.rng
        day = self.days[index]
        events = self.buckets.pop(index, [])
        t0 = self.day_t0[index]
        for year in self.holiday_days.get(index, []):
            events.append((t0 + 7 * 3600 + rng.random() * 600, HOLIDAYS, year, None, None))
        events.append((t0 + 7 * 3600 + rng.random() * 600, LOGIN, self.kiosk, "", None))
        for _cid, number, sid, user in self.rosters[index]:
            events.append((t0 + (435 + rng.random() * 40) * 60, LOGIN, (sid, user), f"stasiun loket-{number}", None))
        for sid, user in self.supervisors:
            if rng.random() < 0.8:
                events.append((t0 + (440 + rng.random() * 60) * 60, LOGIN, (sid, user), "stasiun loket-1", None))
        done = self.queue(index, day, events)
        self.intake(index, day, done, events)
        events += self.buckets.pop(index, [])  # what today's requests did later today
        # The day's events (tickets, requests, and what earlier requests had waiting for today),
        # in time order: their audit rows, contacts, pickups and health checks.
        events.sort(key=itemgetter(0))
        for event in events:
            self.emit(event)

    def queue(self, index: int, day: date, events: list) -> list:
        """The day's tickets from a simulation of the counters; returns the tickets served."""
        rng = self.rng
        last = index == self.n_days - 1
        limit = END_MINUTE if last else math.inf
        sampler = self.last_sampler if last else self.samplers[day.weekday() == 4]
        count = self.tickets_per_day[index]
        arrivals = sorted(sampler.draw(rng) for _ in range(count))
        roster = self.rosters[index]
        free = [(480 + rng.random() * 5, k) for k in range(len(roster))]
        heapq.heapify(free)
        numbers: dict[str, int] = {}
        day_text = day.isoformat()
        t0 = self.day_t0[index]
        served = []
        for arrival in arrivals:
            service = issued = self.choose(self.ticket_weights)
            prefix = service["prefix"]
            number = numbers.get(prefix, 0) + 1
            numbers[prefix] = number
            code = f"{prefix}-{number:03d}"
            self.ticket_id += 1
            tid = self.ticket_id
            urgent = rng.random() < 0.01
            approver = self.supervisors[int(rng.random() * 2)] if urgent else None
            reason = rng.choice(URGENT_REASONS) if urgent else ""
            timeline = [(arrival, T_ISSUE, approver)]
            roll = rng.random()
            if roll < 0.02:
                timeline.append((arrival + 3 + rng.random() * 40, T_CANCEL, self.on_duty(index)))
            else:
                at, k = heapq.heappop(free)
                call = max(at, arrival + 0.3 + rng.random() * 0.7)
                if call > CLOSING_MINUTE:
                    heapq.heappush(free, (at, k))  # left waiting when the office closed
                else:
                    cid, cno, sid, user = roster[k]
                    who = (sid, user, cid, cno)
                    timeline.append((call, T_CALL, who))
                    if roll < 0.08:
                        timeline += [(call + 2, T_RECALL, who), (call + 4, T_RECALL, who), (call + 6, T_NOSHOW, who)]
                        finished = call + 6.2
                    else:
                        moment = call
                        if roll < 0.095:
                            target = self.choose([(s, w) for s, w in self.ticket_weights if s is not service])
                            timeline.append((call + 0.8, T_TRANSFER, (who, target)))
                            moment = call + 1.2
                            timeline.append((moment, T_CALL, who))
                            service = target
                        start = moment + 0.3 + rng.random() * 1.2
                        if service["protocol"]:
                            timeline.append((start - 0.1, T_PROTOCOL, who))
                        minutes = SERVICE_MINUTES.get(service["code"], 4.5)
                        finished = start + rng.lognormvariate(math.log(minutes), 0.45)
                        timeline += [(start, T_START, who), (finished, T_FINISH, who)]
                    heapq.heappush(free, (finished + 0.1 + rng.random() * 0.4, k))
            # The ticket as its events up to the office's "now" left it.
            row = [tid, day_text, prefix, number, code, issued["id"], "waiting", 1 if urgent else 0,
                   None, None, None, 0, None, None, None, None, "", 0, reason,
                   approver[0] if approver else None]
            ticket = {"row": row, "code": code, "service": issued, "issued_service": issued}
            for minute, kind, who in timeline:
                if minute > limit:
                    break
                t = t0 + minute * 60
                at = self.text_at(t)
                if kind == T_ISSUE:
                    row[8] = at
                elif kind == T_CALL:
                    row[6], row[10], row[14], row[15] = "called", at, who[2], who[0]
                    row[11] += 1
                    if row[9] is None:
                        row[9] = at
                elif kind == T_RECALL:
                    row[10] = at
                    row[11] += 1
                elif kind == T_NOSHOW:
                    row[6] = "no_show"
                elif kind == T_CANCEL:
                    row[6], row[16] = "cancelled", rng.choice(TICKET_CANCEL_REASONS)
                elif kind == T_TRANSFER:
                    row[6], row[5], row[11], row[14] = "waiting", who[1]["id"], 0, None
                    ticket["service"] = who[1]
                elif kind == T_PROTOCOL:
                    row[17] = 1
                elif kind == T_START:
                    row[6], row[12] = "serving", at
                elif kind == T_FINISH:
                    row[6], row[13] = "done", at
                events.append((t, kind, ticket, who, row[11] if kind == T_RECALL else None))
            self.rows["ticket"].append(row)
            if row[6] == "done":
                served.append((ticket, timeline))
        for prefix, number in numbers.items():
            self.rows["daily_counter"].append((day_text, prefix, number))
        self.counts["tickets"] += count
        return served

    def intake(self, index: int, day: date, served: list, events: list) -> None:
        """The day's requests: most from tickets served at a counter, the rest from WhatsApp."""
        rng = self.rng
        wanted = self.requests_per_day[index]
        walk_in = rng.sample(served, min(len(served), round(wanted * 0.8)))
        made = []
        for ticket, timeline in walk_in:
            start = next(m for m, kind, _w in timeline if kind == T_START)
            finish = next(m for m, kind, _w in timeline if kind == T_FINISH)
            who = next(w for _m, kind, w in timeline if kind == T_START)
            made.append((start + (finish - start) * (0.3 + 0.6 * rng.random()), "walk_in", ticket, who))
        for _ in range(wanted - len(walk_in)):
            sid, user = self.on_duty(index)
            cid, cno = next((c, n) for c, n, s, _u in self.rosters[index] if s == sid)
            made.append((self.office_minute(index), "whatsapp", None, (sid, user, cid, cno)))
        made.sort(key=itemgetter(0))
        day_text = day.isoformat()
        stamp = day.strftime("%Y%m%d")
        for seq, (minute, channel, ticket, who) in enumerate(made, start=1):
            self.request(index, day, minute, channel, ticket, who, seq, f"{stamp}-{seq:04d}", events)
        if made:
            self.rows["request_daily_counter"].append((day_text, len(made)))
        self.counts["requests"] += len(made)

    def request(self, index: int, day: date, minute: float, channel: str, ticket, who, seq: int, reg_no: str,
                events: list) -> None:
        rng = self.rng
        people = self.people
        person = int(rng.random() * len(people.name))
        self.request_id += 1
        rid = self.request_id
        if not self.citizen_of[person]:
            self.citizen_order.append(person)
            self.citizen_of[person] = len(self.citizen_order)
        service = ticket["service"] if ticket is not None else self.choose(self.whatsapp_weights)
        sid, user, cid, _cno = who
        name, nik, phone = people.name[person], people.nik[person], people.phone[person]
        masked = f"{nik[:6]}******{nik[-4:]}"
        created_t = self.day_t0[index] + minute * 60
        created = self.text_at(created_t)
        self.citizen_last[person] = created
        urgent = bool(ticket and ticket["row"][7])
        detail = f"{reg_no} {service['code']}, {name} ({masked}), {'Loket' if channel == 'walk_in' else 'WhatsApp'}"
        if urgent:
            detail += ", mendesak"
        events.append((created_t, R_CREATE, None, (sid, user), (rid, detail)))
        req = (rid, reg_no, name, masked, phone, service, nik)
        # The request's life, decided now; what lies after the office's "now" has not happened.
        state = {"status": "received", "updated": created, "ready": None, "closed": None, "reason": ""}
        berkas = service["berkas"]
        mandatory = sum(1 for _t, m in berkas if m)
        complete = rng.random() < 0.86
        life: list[tuple[int, float, int, tuple, object]] = []
        i, m = index, minute + 0.3 + rng.random() * 2.5
        changed = len(berkas) if complete else max(1, len(berkas) - 1)
        life.append((i, m, R_CHECK, self.on_duty_at(i, who), (
            f"berkas wajib {mandatory if complete else mandatory - 1}/{mandatory}, {changed} butir diubah; "
            f"Diterima -> {STATUS_LABEL['complete' if complete else 'incomplete']}",
            "complete" if complete else "incomplete")))
        finished_life = False
        if not complete:
            if phone and rng.random() < 0.8:
                ci, cm = self.later(i, m, 2 + rng.random() * 60)
                life.append((ci, cm, R_CONTACT, None, "missing"))
            fate = rng.random()
            if fate < 0.84:
                i = i + 1 + min(30, int(rng.expovariate(1 / 3)))
                m = self.office_minute(i) if i < self.n_days else 600
                life.append((i, m, R_CHECK, None, (
                    f"berkas wajib {mandatory}/{mandatory}, 1 butir diubah; Berkas kurang -> Berkas lengkap",
                    "complete")))
            elif fate < 0.92:
                i = i + 15 + int(rng.random() * 30)
                life.append((i, 540 + rng.random() * 360, R_CANCEL, None,
                             ("incomplete", "Pemohon tidak melengkapi berkas")))
                finished_life = True
            else:
                finished_life = True  # never came back: stays incomplete
        if not finished_life:
            i, m = self.later(i, m, 10 + rng.random() * 140)
            life.append((i, m, R_PROCESS, None, None))
            fate = rng.random()
            if fate < 0.015:
                i, m = self.after(i, m, 1 + int(rng.random() * 3), 540 + rng.random() * 360)
                life.append((i, m, R_REJECT, None, ("processing", "Data tidak sesuai dengan basis data kependudukan")))
            elif fate < 0.025:
                i, m = self.after(i, m, int(rng.random() * 5), 540 + rng.random() * 360)
                life.append((i, m, R_CANCEL, None, ("processing", "Pemohon membatalkan permohonan")))
            else:
                target = service["target"]
                if rng.random() < 0.82:
                    ready_i = index + max(0, target - int(rng.random() * min(target, 3)))
                else:
                    ready_i = index + target + 1 + int(rng.random() * 8)
                ready_i = max(ready_i, i)
                ready_m = 540 + rng.random() * 360 if ready_i > i else min(930.0, m + 30 + rng.random() * 120)
                i, m = ready_i, ready_m
                life.append((i, m, R_READY, None, None))
                if phone and rng.random() < 0.9:
                    ci, cm = self.later(i, m, 5 + rng.random() * 85)
                    life.append((ci, cm, R_CONTACT, None, "ready"))
                fate = rng.random()
                if fate < 0.07 and phone:
                    i, m = self.after(i, m, int(rng.random() * 3), 540 + rng.random() * 360)
                    life.append((i, m, R_DELIVER, None, None))
                elif fate < 0.965:
                    i, m = self.after(i, m, min(120, int(rng.lognormvariate(math.log(3), 0.9))), 480 + rng.random() * 420)
                    kind_roll = rng.random()
                    kind = "self" if kind_roll < 0.62 else "family" if kind_roll < 0.9 else "proxy"
                    other = int(rng.random() * len(people.name))
                    collector = (name, nik) if kind == "self" else (people.name[other], people.nik[other])
                    life.append((i, m, R_PICKUP, None, (kind, collector)))
        reached_complete = complete
        life.sort(key=lambda event: (event[0], event[1]))
        for ei, em, kind, staff, extra in life:
            if ei >= self.n_days or (ei == self.n_days - 1 and em > END_MINUTE):
                break
            t = self.day_t0[ei] + em * 60
            at = self.text_at(t)
            if kind == R_CHECK:
                state["status"] = extra[1]
                reached_complete = reached_complete or extra[1] == "complete"
            elif kind == R_PROCESS:
                state["status"] = "processing"
            elif kind == R_READY:
                state["status"], state["ready"] = "ready", at
            elif kind == R_PICKUP:
                state["status"], state["closed"] = "picked_up", at
            elif kind == R_DELIVER:
                state["status"], state["closed"] = "delivered", at
            elif kind in (R_CANCEL, R_REJECT):
                state["status"] = "cancelled" if kind == R_CANCEL else "rejected"
                state["closed"], state["reason"] = at, extra[1]
            if kind != R_CONTACT:
                state["updated"] = at
            if staff is None:
                staff = self.on_duty(ei)
            self.buckets.setdefault(ei, []).append((t, kind, req, staff[:2], extra))
        due = self.add_working_days(day, service["target"], self.holiday_set)
        approver = ticket["row"][19] if urgent else None
        self.rows["request"].append((
            rid, reg_no, seq, service["id"], self.citizen_of[person], nik, name,
            people.kk[person] if service["needs_kk"] else "", phone, people.desa[person], channel, state["status"],
            ticket["row"][0] if ticket is not None else None, cid, sid, created, state["updated"], due.isoformat(),
            state["ready"], state["closed"], state["reason"], 1 if urgent else 0,
            ticket["row"][18] if urgent else "", approver))
        missing_done = False
        for position, (text, is_mandatory) in enumerate(berkas):
            self.item_id += 1
            if is_mandatory:
                checked = 1 if reached_complete or missing_done else 0
                if not checked:
                    missing_done = True  # one mandatory document missing; the others brought
            else:
                checked = 1 if rng.random() < 0.4 else 0
            self.rows["request_item"].append((self.item_id, rid, position, text, 1 if is_mandatory else 0, checked, ""))
        self.counts["request_items"] += len(berkas)

    def on_duty_at(self, index: int, who) -> tuple:
        return who[:2] if who is not None else self.on_duty(index)

    # --- the day's events become rows ----------------------------------------------------

    def emit(self, event: tuple) -> None:
        t, kind, a, b, c = event
        at = self.text_at(t)
        if kind == LOGIN:
            sid, user = a
            self.audit(at, sid, user, "masuk", "staff", sid, b)
            self.last_login[sid] = at
        elif kind == HOLIDAYS:
            year = a
            chosen = sorted(day for day in self.holidays if day.year == year)
            for day in chosen:
                self.rows["holiday"].append((day.isoformat(), self.holidays[day]))
            admin = self.staff[ADMIN[0]]
            self.audit(at, admin, ADMIN[0], "libur_nasional_ditambah", "holiday", None,
                       f"{year}: {len(chosen)} hari ({', '.join(d.isoformat() for d in chosen)})"[:500])
        elif T_ISSUE <= kind <= T_FINISH:
            self.emit_ticket(at, kind, a, b, c)
        else:
            self.emit_request(at, kind, a, b, c)

    def emit_ticket(self, at: str, kind: int, ticket: dict, who, count) -> None:
        row, code = ticket["row"], ticket["code"]
        tid = row[0]
        if kind == T_ISSUE:
            service = ticket["issued_service"]
            if who is not None:  # an urgent ticket, given by a supervisor at the desk
                self.audit(at, who[0], who[1], "tiket_diambil", "ticket", tid, f"{code} {service['code']} mendesak")
            else:
                self.audit(at, self.kiosk[0], self.kiosk[1], "tiket_diambil", "ticket", tid, f"{code} {service['code']}")
            return
        sid, user = who[0], who[1]
        if kind == T_CALL:
            self.audit(at, sid, user, "tiket_dipanggil", "ticket", tid, f"{code} ke loket {who[3]}")
        elif kind == T_RECALL:
            self.audit(at, sid, user, "tiket_dipanggil_ulang", "ticket", tid,
                       f"{code} ke loket {who[3]}, panggilan ke-{count}")
        elif kind == T_NOSHOW:
            self.audit(at, sid, user, "tiket_tidak_hadir", "ticket", tid, f"{code}: tidak hadir setelah 3 kali dipanggil")
        elif kind == T_CANCEL:
            self.audit(at, sid, user, "tiket_dibatalkan", "ticket", tid, f"{code}: {row[16]}")
        elif kind == T_TRANSFER:
            staff, target = who
            self.audit(at, staff[0], staff[1], "tiket_dipindahkan", "ticket", tid,
                       f"{code} dari {ticket['issued_service']['code']} ke {target['name']}")
        elif kind == T_PROTOCOL:
            items = ticket["service"]["protocol"]
            for text in items:
                self.check_id += 1
                self.rows["health_check"].append((self.check_id, tid, text, 1, sid, at))
            self.counts["health_checks"] += len(items)
            self.audit(at, sid, user, "tiket_protokol_kesehatan", "ticket", tid,
                       f"{code}: {len(items)} dari {len(items)} butir wajib (lengkap)")
        elif kind == T_START:
            self.audit(at, sid, user, "tiket_dilayani", "ticket", tid, code)
        elif kind == T_FINISH:
            self.audit(at, sid, user, "tiket_selesai", "ticket", tid, code)

    def _contact(self, at: str, req: tuple, staff, kind: str) -> int:
        rid, reg_no, name, _masked, phone, service, _nik = req
        values = dict(nama=name, layanan=service["name"], reg_no=reg_no, kantor=self.office["office_name"],
                      jam=self.office["hours"], daftar=f"1. {next((t for t, m in service['berkas'] if m), '')}")
        self.contact_id += 1
        self.rows["contact"].append((self.contact_id, rid, kind, "whatsapp", phone, self.templates[kind].format(**values),
                                     staff[0], at))
        self.audit(at, staff[0], staff[1], "kontak_dicatat", "contact", self.contact_id, f"{reg_no}: {kind}")
        return self.contact_id

    def emit_request(self, at: str, kind: int, req, staff, extra) -> None:
        sid, user = staff
        if kind == R_CREATE:
            rid, detail = extra
            self.audit(at, sid, user, "permohonan_dibuat", "request", rid, detail)
            return
        rid = req[0]
        if kind == R_CHECK:
            self.audit(at, sid, user, "daftar_periksa_disimpan", "request", rid, extra[0])
        elif kind == R_CONTACT:
            self._contact(at, req, staff, extra)
        elif kind == R_PROCESS:
            self.audit(at, sid, user, "mulai_diproses", "request", rid, "Berkas lengkap -> Diproses")
        elif kind == R_READY:
            self.audit(at, sid, user, "dokumen_siap", "request", rid, "Diproses -> Siap diambil")
        elif kind == R_PICKUP:
            collector_kind, (name, nik) = extra
            self.pickup_id += 1
            self.rows["pickup"].append((self.pickup_id, rid, collector_kind, name, nik, "", sid, at))
            self.audit(at, sid, user, "dokumen_diambil", "request", rid,
                       f"Siap diambil -> Sudah diambil: {COLLECTOR_LABEL[collector_kind]}, {name} "
                       f"({nik[:6]}******{nik[-4:]})")
        elif kind == R_DELIVER:
            contact = self._contact(at, req, staff, "sent")
            self.pickup_id += 1
            self.rows["pickup"].append((self.pickup_id, rid, "electronic", req[2], "", "", sid, at))
            self.audit(at, sid, user, "dokumen_dikirim", "request", rid,
                       f"Siap diambil -> Dikirim elektronik: {req[4]} (kontak {contact})")
        elif kind in (R_CANCEL, R_REJECT):
            before, reason = extra
            target = "cancelled" if kind == R_CANCEL else "rejected"
            self.audit(at, sid, user, "permohonan_dibatalkan" if kind == R_CANCEL else "permohonan_ditolak",
                       "request", rid, f"{STATUS_LABEL[before]} -> {STATUS_LABEL[target]}: {reason}")

    # --- writing -------------------------------------------------------------------------

    def flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                self.db.executemany(INSERT[table], rows)
                if table == "audit_event":
                    self.counts["audit_rows"] += len(rows)
                rows.clear()

    def finish(self) -> None:
        people = self.people
        rows = self.rows["citizen"]
        for cid, person in enumerate(self.citizen_order, start=1):
            rows.append((cid, people.nik[person], people.name[person], people.kk[person], people.phone[person],
                         people.desa[person], self.citizen_last[person]))
        self.counts["citizens"] = len(rows)
        self.flush()
        self.db.executemany("UPDATE staff SET last_login_at = ? WHERE id = ?",
                            [(at, sid) for sid, at in self.last_login.items()])
        self.counts["contacts"] = self.contact_id
        self.counts["pickups"] = self.pickup_id


def build(path: Path, sizes: Sizes) -> dict:
    """Build the database of `sizes` at `path` (through a temporary file, so a build that stops
    halfway is never used); write its metadata beside it as JSON."""
    from tui_kecamatan.db import migrations

    started = time.perf_counter()
    temporary = path.with_name(path.stem + ".building.db")
    for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
        leftover.unlink(missing_ok=True)
    rng = random.Random(sizes.seed)
    now = datetime.now(WIB)
    last_day = now.date()
    first_day = last_day - timedelta(days=round(365.25 * sizes.years))
    holidays = _national_holidays(range(first_day.year, last_day.year + 2))
    while last_day.weekday() >= 5 or last_day in holidays:
        last_day -= timedelta(days=1)
    days = _working_days(first_day, last_day, set(holidays))
    if len(days) < 2:
        raise SystemExit("--years is too short: fewer than two working days")
    say(f"building {sizes.requests:,} requests and {sizes.tickets:,} tickets over {len(days):,} working days "
        f"({days[0]} to {days[-1]}, now {END_MINUTE // 60:02d}.00 WIB) into {path.name}")
    office = _setup_office(temporary, datetime.combine(days[0] - timedelta(days=3), datetime.min.time(),
                                                         tzinfo=WIB) + timedelta(hours=9))
    connection = sqlite3.connect(temporary, isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")  # the build's own file: nothing to roll back to
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -1000000")
    connection.execute("PRAGMA temp_store = MEMORY")
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    # Indexes and triggers of the bulk tables go while they fill, and come back as they were.
    kept = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ((type = 'index' AND tbl_name IN ({})) "
        "OR type = 'trigger')".format(", ".join("?" * len(BULK_TABLES))), BULK_TABLES).fetchall()
    for kind, name, _sql in kept:
        connection.execute(f'DROP {kind.upper()} "{name}"')
    builder = _Builder(connection, sizes, office, days, holidays, rng)
    connection.execute("BEGIN")
    tenths = 0
    for index in range(len(days)):
        builder.day(index)
        if len(builder.rows["audit_event"]) > 200_000:
            builder.flush()
        if (index + 1) * 10 // len(days) > tenths:  # a line, and a commit, per tenth of the days
            tenths = (index + 1) * 10 // len(days)
            builder.flush()
            connection.execute("COMMIT")
            connection.execute("BEGIN")
            say(f"{tenths * 10:3d}% {days[index]}: {builder.counts['tickets']:,} tickets, "
                f"{builder.counts['requests']:,} requests, {builder.counts['audit_rows']:,} audit rows "
                f"({time.perf_counter() - started:.0f} s)")
    builder.finish()
    connection.execute("COMMIT")
    say(f"indexes and triggers ({time.perf_counter() - started:.0f} s)")
    for kind, name, sql in kept:
        if kind == "index":
            connection.execute(sql)
    say(f"search index ({time.perf_counter() - started:.0f} s)")
    phone = migrations._PHONE_DIGITS.format(p="phone")  # the expression the triggers index a phone with
    connection.execute("BEGIN")
    connection.execute(f"INSERT INTO request_text(rowid, name, nik, phone) SELECT id, name, nik, {phone} FROM request")
    for kind, name, sql in kept:
        if kind == "trigger":
            connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("PRAGMA locking_mode = NORMAL")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()
    load_seconds = time.perf_counter() - started
    say(f"loaded in {load_seconds:.0f} s; `tui-kecamatan check` ...")
    check_started = time.perf_counter()
    env = {**os.environ, "TUI_KECAMATAN_CONFIG": os.devnull}
    result = subprocess.run([sys.executable, "-m", "tui_kecamatan", "--db", str(temporary), "check"],
                            capture_output=True, text=True, cwd=ROOT, env=env)
    check_seconds = time.perf_counter() - check_started
    if result.returncode != 0:
        raise SystemExit(f"`tui-kecamatan check` refused the built database ({temporary}):\n"
                         f"{result.stdout}{result.stderr}")
    say(f"check passed in {check_seconds:.0f} s: " + " | ".join(result.stdout.strip().splitlines()))
    temporary.rename(path)
    end = datetime.combine(days[-1], datetime.min.time(), tzinfo=WIB) + timedelta(minutes=END_MINUTE)
    meta = dict(builder_version=BUILDER_VERSION, end=end.isoformat(), first_day=days[0].isoformat(),
                working_days=len(days), counts=builder.counts, seed=sizes.seed,
                build_seconds=round(time.perf_counter() - started, 1), load_seconds=round(load_seconds, 1),
                check_seconds=round(check_seconds, 1), check=result.stdout.strip().splitlines(),
                built_on=datetime.now().isoformat(timespec="seconds"))
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2))
    say(f"built in {meta['build_seconds']:.0f} s: {path} ({path.stat().st_size / 2**20:,.0f} MiB)")
    return meta


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Figure:
    what: str
    samples: list[float]  # seconds, or the unit's own values
    unit: str = "ms"  # ms (samples in seconds) | x | MiB | /s | KiB
    target: float | None = None  # in the unit shown
    better: str = "lower"
    call: Callable[[], object] | None = None  # one more run of it, for --profile

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        target = self.target / 1000 if self.unit == "ms" else self.target
        if self.unit == "ms":
            return self.median < target
        return self.median <= target if self.better == "lower" else self.median >= target

    def shown(self, value: float) -> str:
        if self.unit == "ms":
            ms = value * 1000
            return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
        if self.unit == "x":
            return f"{value:.2f}x"
        if self.unit == "/s":
            return f"{value:.0f}/s"
        if self.unit == "MiB":
            return f"{value:,.1f} MiB"
        if self.unit == "KiB":
            return f"{value:.1f} KiB"
        return f"{value:g}"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def cells(self) -> tuple[str, str, str, str, str]:
        median = self.shown(self.median)
        spread = (f"{self.shown(min(self.samples))} - {self.shown(max(self.samples))}"
                  if len(self.samples) > 1 else "-")
        if self.target is None:
            return self.what, median, spread, "-", "-"
        target_value = self.target / 1000 if self.unit == "ms" else self.target
        prefix = "<" if self.better == "lower" and self.unit == "ms" else "<=" if self.better == "lower" else ">="
        return self.what, median, spread, f"{prefix} {self.shown(target_value)}", "yes" if self.met else "NO"


def _timed(call: Callable[[], object], runs: int, *, warm: bool = True) -> list[float]:
    if warm:
        call()  # warm-up: the OS page cache, as on a desk that has been open a while
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def _timed_each(calls: list[Callable[[], object]]) -> list[float]:
    """One run per call (calls[0] is the warm-up, not counted)."""
    calls[0]()
    samples = []
    for call in calls[1:]:
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{platform.system()} {platform.release()}, {date.today().isoformat()}")


class Measure:
    """The figures, on a working copy of the cached database."""

    def __init__(self, work: Path, meta: dict, runs: int, folder: Path) -> None:
        self.work = work
        self.meta = meta
        self.runs = runs
        self.folder = folder
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.end = datetime.fromisoformat(meta["end"])
        self.rng = random.Random(99)

    # --- in this process -----------------------------------------------------------------

    def open(self):
        from tui_kecamatan.db.connection import open_database

        self.office_clock()
        self.db = open_database(self.work)
        self.db.close()  # every call opens its own connection, as the screens' workers do

    def office_clock(self) -> None:
        """This process's clock at the database's "now", running on from there."""
        from tui_kecamatan.core import clock

        clock.configure("Asia/Jakarta")
        started = time.monotonic()
        clock.set_now(lambda: self.end + timedelta(seconds=time.monotonic() - started))

    def call(self, work, *args, **kwargs):
        from tui_kecamatan.db.connection import run_in_connection

        return run_in_connection(self.db, work, *args, **kwargs)

    def samples(self, sql: str, count: int) -> list[tuple]:
        connection = sqlite3.connect(f"file:{self.work}?mode=ro", uri=True)
        try:
            top = connection.execute("SELECT max(id) FROM request").fetchone()[0]
            rows = []
            while len(rows) < count:
                row = connection.execute(sql, (self.rng.randint(1, top),)).fetchone()
                if row is not None:
                    rows.append(row)
            return rows
        finally:
            connection.close()

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        say("  " + " | ".join(figure.cells()))

    def search(self) -> None:
        from tui_kecamatan.core import pickup, request_search

        page = 50  # the request list's page (screens/requests/search.py PAGE_SIZE)
        runs = self.runs + 1
        picks = self.samples("SELECT reg_no, reg_seq, nik, phone, name FROM request WHERE id >= ? AND phone != '' "
                             "ORDER BY id LIMIT 1", runs)

        def find(text: str, status=None, offset: int = 0):
            return lambda: self.call(request_search.search_requests, text, status, None, None, None, offset, page)

        def local(phone: str) -> str:
            return "0" + phone[3:] if phone.startswith("+62") else phone

        cases = [
            ("search: registration number", [r[0] for r in picks], 10),
            ("search: its daily part", [f"{r[1]:04d}" for r in picks], 10),
            ("search: NIK", [r[2] for r in picks], 10),
            ("search: part of a NIK (first 10 digits)", [r[2][:10] for r in picks], 10),
            ("search: part of a NIK (last 8 digits)", [r[2][8:] for r in picks], 10),
            ("search: phone as typed", [local(r[3]) for r in picks], 10),
            ("search: part of a phone (last 6 digits)", [r[3][-6:] for r in picks], 10),
            ("search: part of a name (given name + 3 letters)", [self._name_part(r[4]) for r in picks], 50),
            ("search: part of a name (one given name)", [r[4].split()[0] for r in picks], 50),
        ]
        for what, texts, target in cases:
            samples = _timed_each([find(text) for text in texts])
            found = self.call(request_search.search_requests, texts[1], None, None, None, None, 0, page).total
            self.add(Figure(f'{what}: "{texts[1]}", {found:,} found', samples, target=target, call=find(texts[1])))
        totals = self.call(request_search.status_counts)
        self.add(Figure("request list: first page", _timed(find(""), self.runs), target=30, call=find("")))
        for status in ("ready", "picked_up"):
            if totals.get(status, 0) > 20 * page:
                self.add(Figure(f"request list: page 20, status {status} ({totals[status]:,})",
                                _timed(find("", status, 19 * page), self.runs), target=30,
                                call=find("", status, 19 * page)))
        ready = self.samples("SELECT reg_no FROM request WHERE id >= ? AND status = 'ready' ORDER BY id LIMIT 1", runs)
        lookups = [(lambda reg_no=row[0]: self.call(pickup.find_for_pickup, reg_no)) for row in ready]
        self.add(Figure("pickup: look-up by scanned number", _timed_each(lookups), target=10, call=lookups[-1]))

    @staticmethod
    def _name_part(name: str) -> str:
        words = name.split()
        return f"{words[0]} {words[1][:3]}" if len(words) > 1 else words[0][:5]

    def home_and_reports(self) -> None:
        from tui_kecamatan.core import clock, office, queue_views, reports, stats
        from tui_kecamatan.core.accounts import Actor, Role
        from tui_kecamatan.db.models import Staff

        def home():
            return office.get_profile(), stats.home_figures(clock.today())  # screens/shell/home.py _load

        def board():
            return office.get_profile().name, queue_views.board_state(previous=5)  # screens/queue/board.py _load

        self.add(Figure("home figures for today", _timed(lambda: self.call(home), self.runs), target=50,
                        call=lambda: self.call(home)))
        self.add(Figure("board refresh", _timed(lambda: self.call(board), self.runs)))
        staff = self.call(lambda: Staff.get(Staff.username == SUPERVISORS[0][0]).id)
        actor = Actor(staff, SUPERVISORS[0][0], SUPERVISORS[0][1], Role.SUPERVISOR)
        today = self.end.date()
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        self.add(Figure(f"report: daily ({today})", _timed(lambda: self.call(reports.daily, actor, today), self.runs)))
        monthly = lambda: self.call(reports.monthly, actor, first.year, first.month)  # noqa: E731
        self.add(Figure(f"report: monthly ({first:%Y-%m})", _timed(monthly, self.runs), target=1000, call=monthly))
        since = today - timedelta(days=reports.MAX_RANGE_DAYS - 1)
        yearly = lambda: self.call(reports.range_report, actor, since, today)  # noqa: E731
        self.add(Figure(f"report: one-year range ({since} to {today})", _timed(yearly, self.runs), target=5000,
                        call=yearly))

    def tickets(self) -> None:
        from tui_kecamatan.config import load_config
        from tui_kecamatan.core import documents, printjobs

        codes = ["KTP", "KK", "PINDAH_KELUAR", "PINDAH_DATANG", "REKAM", "PINDAH_ANTAR_KEC"]
        issues = [(lambda code=codes[n % len(codes)]: self.call(documents.issue_ticket, None, code, printing=False))
                  for n in range(self.runs + 2)]
        self.add(Figure("ticket: issue (database only)", _timed_each(issues[:-1]), target=15, call=issues[-1]))
        sys.path.insert(0, str(ROOT / "tests"))
        from printer_fake import FakePrinter

        with FakePrinter(lifetime=3600) as printer:
            config_path = self.folder / "printer.toml"
            config_path.write_text(f'[printers.receipt]\nkind = "network"\nhost = "{printer.host}"\n'
                                   f"port = {printer.port}\nwidth = 32\n")
            config = load_config(config_path, self.work)

            def printed(code: str) -> None:
                issued = self.call(documents.issue_ticket, None, code, printing=True)
                outcome = self.call(printjobs.send_job, issued.job_id, config)
                if not outcome.ok:
                    raise RuntimeError(f"the test printer did not print: {outcome}")

            self.add(Figure("ticket: issue and print on a TCP printer (127.0.0.1)", _timed_each(
                [(lambda code=codes[n % len(codes)]: printed(code)) for n in range(self.runs + 1)])))
            received = len(printer.received)
        self.notes.append(f"the test printer received {received:,} bytes of ESC/POS")
        self.add(Figure("tickets per second, 8 processes issuing at once", self.concurrent(8, 25), unit="/s"))

    def concurrent(self, processes: int, each: int) -> list[float]:
        """Tickets issued per second by `processes` processes at once, `each` tickets apiece; a
        ticket refused (the database stayed locked past the busy timeout) is counted in a note."""
        code = (
            "import sys, time\n"
            "from tui_kecamatan.db.connection import open_database, run_in_connection\n"
            "from tui_kecamatan.core import documents\n"
            "from tui_kecamatan.errors import AppError\n"
            "db = open_database(sys.argv[1]); db.close()\n"
            "codes = ['KTP', 'KK', 'PINDAH_KELUAR', 'PINDAH_DATANG', 'REKAM', 'PINDAH_ANTAR_KEC']\n"
            "print('ready', flush=True); sys.stdin.readline()\n"
            "start, refused, why = time.time(), 0, ''\n"
            f"for n in range({each}):\n"
            "    try:\n"
            "        run_in_connection(db, documents.issue_ticket, None, codes[n % 6], printing=False)\n"
            "    except AppError as exc:\n"
            "        refused, why = refused + 1, str(exc)\n"
            "print(start, time.time(), refused, flush=True)\n"
            "print(why, file=sys.stderr)\n"
        )
        rates, refused, reasons = [], 0, set()
        for _ in range(self.runs):
            children = [subprocess.Popen([sys.executable, "-c", code, str(self.work)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
                        for _ in range(processes)]
            try:
                for child in children:
                    if child.stdout.readline().strip() != "ready":
                        raise RuntimeError(f"a ticket process did not start: {child.communicate()[1]}")
                for child in children:
                    child.stdin.write("go\n")
                    child.stdin.flush()
                spans, run_refused = [], 0
                for child in children:
                    out, err = child.communicate(timeout=300)
                    if child.returncode != 0:
                        raise RuntimeError(f"a ticket process failed: {err}")
                    start, end, failed = out.split()
                    spans.append((float(start), float(end)))
                    run_refused += int(failed)
                    if int(failed):
                        reasons.add(err.strip().splitlines()[-1])
            finally:
                for child in children:
                    if child.poll() is None:
                        child.kill()
                        child.wait()
            refused += run_refused
            rates.append((processes * each - run_refused) / (max(e for _s, e in spans) - min(s for s, _e in spans)))
        if refused:
            self.notes.append(f"{processes} processes issuing at once: {refused} of {self.runs * processes * each} "
                              f"tickets refused ({'; '.join(sorted(reasons))})")
        return rates

    def size(self) -> None:
        counts = self.meta["counts"]
        size = self.meta["size_bytes"]
        self.add(Figure("database size on disk", [size / 2**20], unit="MiB"))
        self.add(Figure("size per request", [size / 1024 / counts["requests"]], unit="KiB"))

    # --- whole processes in tmux ------------------------------------------------------------

    def startup(self) -> None:
        if shutil.which("tmux") is None:
            self.notes.append("tmux is not installed: the start-up figures were not measured")
            return
        from tui_kecamatan.core import clock

        clock.set_now(None)
        today = clock.today().isoformat()
        connection = sqlite3.connect(self.work)
        with connection:  # the day's automatic backup counts as made, as for every desk but the first
            connection.execute("INSERT INTO setting (key, value) VALUES ('cadangan_harian', ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (today,))
        connection.close()
        config = self.folder / "desk.toml"
        config.write_text(f'[station]\ncounter = 1\n\n[backup]\nfolder = "{self.folder / "cadangan"}"\n')
        terminal = _Tmux(f"tenyears-{os.getpid()}")
        app = Launch("tui-kecamatan", [Path(sys.executable).parent / "tui-kecamatan", "--db", self.work],
                     {"TUI_KECAMATAN_CONFIG": str(config)},
                     login=("pelayanan administrasi kependudukan",),
                     home=("Antrian hari ini", ("nomor hari ini", "Belum ada nomor antrian")),
                     user=OPERATORS[0][0], password=password_of(OPERATORS[0][0]))
        bare = Launch("bare app", [sys.executable, ROOT / "benchmarks" / "bare_app.py"], {}, login=("bare-login",), home=("bare-home", ("Siap diambil",)),
                      user=OPERATORS[0][0], password=password_of(OPERATORS[0][0]))
        results: dict[str, list] = {"app": [], "bare": []}
        try:
            for run in range(self.runs + 1):
                for key, launch in (("app", app), ("bare", bare)) if run % 2 == 0 else (("bare", bare), ("app", app)):
                    outcome = terminal.launch(launch)
                    if run:  # the first pair warms the page cache and Python's bytecode cache
                        results[key].append(outcome)
        finally:
            terminal.close()
            self.office_clock()
        app_runs, bare_runs = results["app"], results["bare"]
        pairs = list(zip(app_runs, bare_runs))
        self.add(Figure("start-up: tui-kecamatan to the login screen", [r["login"] for r in app_runs]))
        self.add(Figure("start-up: bare Textual app to its first screen", [r["login"] for r in bare_runs]))
        self.add(Figure("start-up: login screen / bare app", [a["login"] / b["login"] for a, b in pairs],
                        unit="x", target=1.25))
        self.add(Figure("start-up: tui-kecamatan to the home screen (typing included)", [r["home"] for r in app_runs]))
        self.add(Figure("start-up: bare app to its second screen (same typing)", [r["home"] for r in bare_runs]))
        self.add(Figure("start-up: home screen / bare app", [a["home"] / b["home"] for a, b in pairs],
                        unit="x", target=1.5))
        self.add(Figure("after the last Enter: tui-kecamatan to home figures", [r["after_enter"] for r in app_runs]))
        self.add(Figure("after the last Enter: bare app to its second screen", [r["after_enter"] for r in bare_runs]))
        self.add(Figure("peak memory: tui-kecamatan on the home screen", [r["memory"] for r in app_runs], unit="MiB"))
        self.add(Figure("peak memory: bare app on its second screen", [r["memory"] for r in bare_runs], unit="MiB"))
        self.add(Figure("peak memory: difference", [a["memory"] - b["memory"] for a, b in pairs], unit="MiB",
                        target=25))
        self.add(Figure("peak memory at the login screen: difference",
                        [a["login_memory"] - b["login_memory"] for a, b in pairs], unit="MiB"))
        self.add(Figure("resident memory on the home screen: difference",
                        [a["resident"] - b["resident"] for a, b in pairs], unit="MiB"))
        self.notes.append(f"typing: {len(app.user) + len(app.password) + 2} keys, one send-keys each with "
                          f"{KEY_PAUSE * 1000:.0f} ms between them")


KEY_PAUSE = 0.02
POLL = 0.01


@dataclass
class Launch:
    name: str
    argv: list
    env: dict
    login: tuple
    home: tuple
    user: str
    password: str


class _Tmux:
    """A tmux server of our own (its own socket) with one 80x24 window per launch. A session that
    only sleeps keeps the server up between launches (a server whose last session ends exits,
    and a launch at that moment fails)."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.run("new-session", "-d", "-s", "keep", "sleep 86400")

    def run(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    @staticmethod
    def _shows(screen: str, wanted: tuple) -> bool:
        return all((any(part in screen for part in item) if isinstance(item, tuple) else item in screen)
                   for item in wanted)

    def wait(self, wanted: tuple, timeout: float = 120.0) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            screen = self.run("capture-pane", "-p", "-t", "bench")
            if self._shows(screen, wanted):
                return time.perf_counter()
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{wanted!r} did not appear; the screen shows:\n{screen}")
            time.sleep(POLL)

    def type(self, text: str) -> None:
        for character in text:
            self.run("send-keys", "-t", "bench", "-l", character)
            time.sleep(KEY_PAUSE)

    def launch(self, launch: Launch) -> dict:
        # exec: the pane's process is the program itself, whose memory is read below.
        command = "exec env " + " ".join([f"{name}={shlex.quote(value)}" for name, value in launch.env.items()]
                                         + [shlex.quote(str(part)) for part in launch.argv])
        start = time.perf_counter()
        self.run("new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", "-c", str(ROOT), command)
        try:
            pid = int(self.run("display-message", "-p", "-t", "bench", "#{pane_pid}").strip())
            login = self.wait(launch.login)
            login_memory = _memory(pid)["VmHWM"]
            self.type(launch.user)
            self.run("send-keys", "-t", "bench", "Enter")
            time.sleep(KEY_PAUSE)
            self.type(launch.password)
            entered = time.perf_counter()
            self.run("send-keys", "-t", "bench", "Enter")
            home = self.wait(launch.home)
            time.sleep(0.5)  # the figures drawn and the workers settled
            memory = _memory(pid)
        finally:
            self.run("kill-session", "-t", "bench")
            _wait_gone(pid)
        return {"login": login - start, "home": home - start, "after_enter": home - entered,
                "login_memory": login_memory, "memory": memory["VmHWM"], "resident": memory["VmRSS"]}

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def _wait_gone(pid: int, timeout: float = 5.0) -> None:
    """Wait for a process to end (the next launch must not share the machine with it, nor with
    its start-up check still reading the file); killed if it outlives `timeout`."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + timeout
        time.sleep(0.02)


def _memory(pid: int) -> dict[str, float]:
    """VmHWM (peak resident memory so far) and VmRSS (resident now) of a process, in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _colon, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found[name] = int(value.split()[0]) / 1024
    if len(found) != 2:
        raise RuntimeError(f"no memory figures for process {pid}")
    return found


GROUPS = ("search", "home", "tickets", "startup", "size")


def profile(figure: Figure, work: Path, lines: int = 14, statements: int = 3) -> str:
    """Where one more run of a figure spends its time: the functions (cProfile), then its
    slowest SELECT statements, each timed alone with SQLite's query plan."""
    import cProfile
    import io
    import logging
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(figure.call)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(lines)
    text = out.getvalue()
    text = (text[text.index("   ncalls"):] if "   ncalls" in text else text).rstrip() + "\n"

    captured: list[tuple] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, tuple) and str(record.msg[0]).lstrip().upper().startswith("SELECT"):
                captured.append(record.msg)

    logger = logging.getLogger("peewee")
    handler, level, propagate = Catch(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # the statements go to this handler only
    try:
        figure.call()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    connection = sqlite3.connect(f"file:{work}?mode=ro", uri=True)
    timed = []
    try:
        for sql, params in captured:
            params = [p.isoformat(" ") if isinstance(p, datetime) else p.isoformat() if isinstance(p, date) else p
                      for p in params or ()]
            started = time.perf_counter()
            connection.execute(sql, params).fetchall()
            took = time.perf_counter() - started
            plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]
            timed.append((took, sql, params, plan))
    finally:
        connection.close()
    text += f"\n{len(timed)} SELECT statements; the slowest, each run alone:\n"
    for took, sql, params, plan in sorted(timed, key=lambda row: -row[0])[:statements]:
        shown = sql if len(sql) < 400 else sql[:190] + " ... " + sql[-200:]
        text += f"\n  {took * 1000:.1f} ms  {shown}\n    parameters {params}\n"
        text += "".join(f"    plan: {line}\n" for line in plan)
    return text


def measure(path: Path, meta: dict, runs: int, groups=GROUPS, *,
            profiles: bool = False, analyze: bool = False) -> tuple[list[Figure], list[str], list[tuple[str, str]]]:
    """Every figure of `groups` on a working copy of the database at `path`; with `profiles`, the
    cProfile of each in-process figure that missed its target."""
    folder = Path(tempfile.mkdtemp(prefix="tenyears-", dir=path.parent))
    work = folder / "kantor.db"
    try:
        say(f"copying the database to {work}")
        shutil.copyfile(path, work)
        os.chmod(work, 0o600)
        meta = {**meta, "size_bytes": path.stat().st_size}
        notes = []
        if analyze:
            # What-if: the query planner with statistics (the app never runs ANALYZE itself).
            started = time.perf_counter()
            connection = sqlite3.connect(work)
            connection.execute("ANALYZE")
            connection.close()
            notes.append(f"ANALYZE was run on the working copy first ({time.perf_counter() - started:.1f} s)")
        m = Measure(work, meta, runs, folder)
        m.notes += notes
        m.open()
        if "search" in groups:
            m.search()
        if "home" in groups:
            m.home_and_reports()
        if "tickets" in groups:
            m.tickets()
        if "startup" in groups:
            m.startup()
        if "size" in groups:
            m.size()
        found = []
        if profiles:
            for figure in m.figures:
                if figure.met is False and figure.call is not None:
                    say(f"profiling: {figure.what}")
                    found.append((figure.what, profile(figure, work)))
        return m.figures, m.notes, found
    finally:
        from tui_kecamatan.core import clock

        clock.set_now(None)
        shutil.rmtree(folder, ignore_errors=True)


def table(figures: list[Figure]) -> str:
    rows = [("what", "median", "min - max", "target", "met?")] + [f.cells() for f in figures]
    widths = [max(len(row[n]) for row in rows) for n in range(5)]
    lines = []
    for number, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(widths[n]) if n == 0 else cell.rjust(widths[n])
                                       for n, cell in enumerate(row)) + " |")
        if number == 0:
            lines.append("|" + "|".join("-" * (w + 1) + (":" if n else "-") for n, w in enumerate(widths)) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=None, help="tickets (default: as many as requests)")
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="folder of the built databases")
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if cached")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"figures to measure: {','.join(GROUPS)}")
    parser.add_argument("--profile", action="store_true", help="print where the time of each missed target goes")
    parser.add_argument("--analyze", action="store_true",
                        help="what-if: run SQLite's ANALYZE on the working copy before measuring")
    args = parser.parse_args(argv)
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    sizes = Sizes(args.requests, args.tickets if args.tickets is not None else args.requests, args.years, args.seed)
    path, meta = cached_database(sizes, args.cache, rebuild=args.rebuild)
    counts = meta["counts"]
    summary = (f"database: {counts['requests']:,} requests, {counts['tickets']:,} tickets, "
               f"{counts['request_items']:,} requirement items, {counts['contacts']:,} contacts, "
               f"{counts['pickups']:,} pickups, {counts['citizens']:,} citizens, {counts['audit_rows']:,} audit rows "
               f"over {meta['working_days']:,} working days from {meta['first_day']}; now {meta['end']}; "
               f"{path.stat().st_size / 2**20:,.0f} MiB; built in {meta['build_seconds']:.0f} s "
               f"(check {meta['check_seconds']:.0f} s)")
    if args.build_only:
        print(summary)
        return 0
    figures, notes, profiles = measure(path, meta, max(1, args.runs), groups, profiles=args.profile,
                                       analyze=args.analyze)
    print(f"machine: {machine_line()}")
    print(summary)
    print(f"each figure: median and range of {max(1, args.runs)} runs after a warm-up")
    print()
    print(table(figures))
    for note in notes:
        print(f"- {note}")
    for what, text in profiles:
        print(f"\nprofile of one run: {what}\n{text.rstrip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
