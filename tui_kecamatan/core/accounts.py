"""Staff accounts: roles, argon2id passwords, and failed logins counted in the database so every
process sees them (an increasing delay, then a lock an admin lifts)."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from tui_kecamatan.core import audit, clock
from tui_kecamatan.core.text import REASON_MAX, clean_name, clean_text
from tui_kecamatan.db.models import Staff, database
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tui_kecamatan.i18n import _

MAX_FAILURES = 5
MAX_DELAY_SECONDS = 30
MIN_PASSWORD = 8
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


class Role(str, Enum):
    DISPLAY = "display"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return {"display": _("layar"), "operator": _("operator"), "supervisor": _("supervisor"), "admin": _("admin")}[self.value]


_RANK = {Role.DISPLAY: 0, Role.OPERATOR: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class Actor:
    """The person behind an action, as core functions receive it."""

    id: int | None
    username: str
    full_name: str
    role: Role

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def can(self, role: Role) -> bool:
        return self.role.rank >= role.rank


SYSTEM = Actor(None, "sistem", "Sistem", Role.ADMIN)


def require(actor: Actor | None, role: Role) -> Actor:
    """Refuse unless the actor holds `role` or a higher one (admin > supervisor > operator > display).

    A staff actor is checked against the database too, so an account an admin disabled or moved
    to a lower role loses its rights at once, even in a session that logged in before.
    """
    refusal = _("Tindakan ini hanya untuk peran {role} ke atas.").format(role=role.label)
    if actor is None or not actor.can(role):
        raise PermissionDenied(refusal)
    if actor.id is not None:
        staff = Staff.get_or_none(Staff.id == actor.id)
        if staff is None or not staff.active:
            raise PermissionDenied(_("Akun {name} sudah dinonaktifkan; tindakan ditolak.").format(name=actor.username))
        if Role(staff.role).rank < role.rank:
            raise PermissionDenied(refusal)
    return actor


TEST_FAST_HASH_ENV = "TUI_KECAMATAN_TEST_FAST_HASH"
"""For the test suite only. Set to "1" (the tests set it for the processes they start), new
passwords are hashed with argon2id at its smallest cost instead of the library's defaults. A
password hashed so still verifies everywhere (the stored hash records its own parameters) but is
far cheaper to guess: an office never sets it. Nothing in the program reads it but _hasher()."""

_hasher_in_use = None  # set by use_hasher(); None: the real one (or the test variable above)


def use_hasher(hasher) -> None:
    """For the test suite: hash new passwords with `hasher` (an argon2 PasswordHasher) in this
    process; None goes back to the real one. Verifying is unaffected."""
    global _hasher_in_use
    _hasher_in_use = hasher
    _DUMMY.clear()  # the stand-in hash for unknown names is made again with this hasher


def cheap_hasher():
    """argon2id at its smallest cost: for tests that are not about hashing (see use_hasher)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher():
    if _hasher_in_use is not None:
        return _hasher_in_use
    if os.environ.get(TEST_FAST_HASH_ENV) == "1":
        return cheap_hasher()
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current defaults


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(hashed: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidInput(_("Nama pengguna harus 3-32 huruf kecil, angka, titik, garis bawah atau tanda hubung."))
    return username


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput(_("Kata sandi minimal {n} karakter.").format(n=MIN_PASSWORD))
    if len(password) > 256:
        raise InvalidInput(_("Kata sandi terlalu panjang (maksimal 256 karakter)."))
    return password


def parse_role(value: str) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise InvalidInput(_("Peran '{role}' tidak dikenal (pilih: operator, supervisor, admin, display).").format(role=value)) from None


def to_actor(staff: Staff) -> Actor:
    return Actor(staff.id, staff.username, staff.full_name, Role(staff.role))


def count_staff() -> int:
    return Staff.select().count()


def create_staff(actor: Actor | None, username: str, password: str, role: Role | str, full_name: str = "") -> Actor:
    """Create an account. Only an admin may, except for the very first account (setup)."""
    username = check_username(username)
    check_password(password)
    role = parse_role(role) if not isinstance(role, Role) else role
    full_name = clean_name(full_name)
    if count_staff() > 0:
        require(actor, Role.ADMIN)  # before the deliberately slow hash; checked again below
    hashed = hash_password(password)  # slow on purpose: outside the transaction
    with database.atomic():
        first = Staff.select().count() == 0
        if not first:
            require(actor, Role.ADMIN)
        elif role is not Role.ADMIN:
            raise Refused(_("Akun pertama harus berperan admin."))
        if Staff.select().where(Staff.username == username).exists():
            raise Refused(_("Nama pengguna {name} sudah dipakai.").format(name=username))
        staff = Staff.create(
            username=username, full_name=full_name, role=role.value, password_hash=hashed, created_at=clock.now_utc()
        )
        created = to_actor(staff)
        audit.record(actor if not first else created, "akun_dibuat", "staff", staff.id, f"{username} ({role.value})")
    return created


def _delay_for(failures: int) -> int:
    """Seconds a failed account must wait before the next attempt: 0, 2, 4, 8, 16 ... up to 30."""
    if failures < 2:
        return 0
    return min(MAX_DELAY_SECONDS, 2 ** (failures - 1))


PLACE_SEPARATOR = " | "
"""Between the detail of a `masuk` or `gagal_masuk` audit row and where the attempt came from."""


def login_place(station: str = "", client: str = "") -> str:
    """Where a login attempt comes from, as its audit detail ends: "stasiun loket-1; ssh
    10.0.0.5", a part left out when unknown (core.audit_view.parse_place reads it back)."""
    parts = []
    for label, value in (("stasiun", station), ("ssh", client)):
        value = clean_text(value, 60).replace(";", ",").replace("|", "/")
        if value:
            parts.append(f"{label} {value}")
    return "; ".join(parts)


def _with_place(detail: str, where: str) -> str:
    where = clean_text(where, 150)
    if not where:
        return detail
    return f"{detail}{PLACE_SEPARATOR}{where}" if detail else where


def authenticate(username: str, password: str, now: datetime | None = None, *, login: bool = True,
                 where: str = "") -> Actor:
    """Log in; raise Refused with the sentence to show when the attempt fails.

    `login=False` checks the password by the same rules (delay, lock, failures counted) without
    recording a login: a supervisor approving at someone else's desk (`approve_urgent`).
    `where` (from `login_place`) ends the detail of the audit row of a login or a failed one."""
    now = now or clock.now_utc()
    name = (username or "").strip().lower()
    staff = Staff.get_or_none(Staff.username == name)
    wrong = _("Nama pengguna atau kata sandi salah.")
    if staff is None:
        _verify(_dummy_hash(), password)  # same cost as a real check
        raise Refused(wrong)
    if not staff.active:
        raise Refused(_("Akun {name} dinonaktifkan; hubungi admin.").format(name=name))
    if staff.locked:
        raise Refused(_("Akun {name} dikunci setelah {n} kali gagal masuk; minta admin membukanya.").format(name=name, n=MAX_FAILURES))
    with database.atomic():
        # The attempt is counted as a failure BEFORE the password is checked, under the write
        # lock, so the delay is read from the database and holds across processes: stations
        # trying at the same moment see each other's attempts as one station's would be. A
        # right password takes the count back below.
        current = Staff.get_by_id(staff.id)
        if current.locked:
            raise Refused(_("Akun {name} dikunci setelah {n} kali gagal masuk; minta admin membukanya.").format(name=name, n=MAX_FAILURES))
        wait = _delay_for(current.failed_logins)
        if wait and current.last_failed_at and now < current.last_failed_at + timedelta(seconds=wait):
            left = max(1, math.ceil((current.last_failed_at + timedelta(seconds=wait) - now).total_seconds()))
            raise Refused(_("Terlalu banyak percobaan; tunggu {n} detik lagi.").format(n=left))
        failures = current.failed_logins + 1
        Staff.update(failed_logins=failures, last_failed_at=now).where(Staff.id == staff.id).execute()
    ok = _verify(staff.password_hash, password)
    with database.atomic():
        # The check above took a while; another station may have locked or disabled the account
        # meanwhile, and the write lock taken now makes this reading the final one.
        current = Staff.get_by_id(staff.id)
        if not current.active:
            raise Refused(_("Akun {name} dinonaktifkan; hubungi admin.").format(name=name))
        if current.locked:
            raise Refused(_("Akun {name} dikunci setelah {n} kali gagal masuk; minta admin membukanya.").format(name=name, n=MAX_FAILURES))
        if ok:
            if login:
                Staff.update(failed_logins=0, last_failed_at=None, last_login_at=now).where(Staff.id == staff.id).execute()
                audit.record(to_actor(current), "masuk", "staff", staff.id, _with_place("", where))
            else:
                Staff.update(failed_logins=0, last_failed_at=None).where(Staff.id == staff.id).execute()
            return to_actor(current)
        locked = failures >= MAX_FAILURES
        if locked:
            Staff.update(locked=True).where(Staff.id == staff.id).execute()
        audit.record(None, "gagal_masuk", "staff", staff.id,
                     _with_place(f"{name}: percobaan ke-{failures}" + (" (dikunci)" if locked else ""), where))
    if locked:
        raise Refused(_("Akun {name} dikunci setelah {n} kali gagal masuk; minta admin membukanya.").format(name=name, n=MAX_FAILURES))
    left = MAX_FAILURES - failures
    raise Refused(_("Nama pengguna atau kata sandi salah; sisa {n} percobaan sebelum akun dikunci.").format(n=left))


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password("tidak-ada-akun-ini"))
    return _DUMMY[0]


# --- a supervisor's approval -----------------------------------------------------------------

APPROVAL_MINUTES = 10
_SEAL = object()  # only the functions below make an Approval that core accepts


@dataclass(frozen=True)
class Approval:
    """A supervisor's consent to an urgent case (a suspended service served anyway), with the
    reason they gave. Made only by `approve_urgent` (name and password typed at the desk) or
    `approve_own` (the actor is a supervisor); `approver` checks it where it is used."""

    supervisor_id: int | None
    supervisor: str  # username, for sentences and the audit
    reason: str
    at: datetime  # naive UTC
    _seal: object = field(default=None, repr=False, compare=False)


def _approval_reason(reason: str) -> str:
    text = clean_text(reason, REASON_MAX)
    if not text:
        raise InvalidInput(_("Alasan mendesak wajib diisi."))
    return text


def approve_urgent(actor: Actor, username: str, password: str, reason: str) -> Approval:
    """A supervisor approves an urgent case at `actor`'s desk with their own name and password.

    The password is checked as for a login (the delay, the lock and the failed attempts count
    alike) but records no login; the account must be active and a supervisor or admin.
    """
    require(actor, Role.OPERATOR)
    reason = _approval_reason(reason)
    if not (username or "").strip():
        raise InvalidInput(_("Isi nama pengguna supervisor."))
    supervisor = authenticate(username, password, login=False)
    if not supervisor.can(Role.SUPERVISOR):
        raise PermissionDenied(
            _("Akun {name} bukan supervisor; persetujuan harus dari supervisor atau admin.").format(name=supervisor.username))
    with database.atomic():
        audit.record(supervisor, "persetujuan_mendesak", "staff", supervisor.id,
                     f"untuk {actor.username}: {reason}")
    return Approval(supervisor.id, supervisor.username, reason, clock.now_utc(), _SEAL)


def approve_own(actor: Actor, reason: str) -> Approval:
    """A supervisor (or admin) at their own desk approves an urgent case: only the reason."""
    require(actor, Role.SUPERVISOR)
    return Approval(actor.id, actor.username, _approval_reason(reason), clock.now_utc(), _SEAL)


def approver(approval: Approval) -> Actor:
    """The supervisor behind `approval`, checked again where the approval is used (inside the
    transaction of the ticket or request): made here, recent, the account still active and a
    supervisor or admin."""
    if not isinstance(approval, Approval) or approval._seal is not _SEAL:
        raise PermissionDenied(_("Persetujuan supervisor tidak sah; minta persetujuan lagi."))
    if clock.now_utc() - approval.at > timedelta(minutes=APPROVAL_MINUTES):
        raise Refused(_("Persetujuan supervisor sudah lebih dari {n} menit; minta persetujuan lagi.").format(
            n=APPROVAL_MINUTES))
    if approval.supervisor_id is None:  # the command line acting as an admin
        return Actor(None, approval.supervisor, "", Role.ADMIN)
    staff = Staff.get_or_none(Staff.id == approval.supervisor_id)
    if staff is None or not staff.active or staff.locked or Role(staff.role).rank < Role.SUPERVISOR.rank:
        raise PermissionDenied(
            _("Akun {name} tidak lagi berwenang menyetujui keperluan mendesak.").format(name=approval.supervisor))
    return to_actor(staff)


def verify_password(actor: Actor, password: str) -> bool:
    """Check a password again (idle lock, kiosk exit) without touching the failure counter."""
    staff = Staff.get_or_none(Staff.id == actor.id)
    return bool(staff and staff.active and not staff.locked and _verify(staff.password_hash, password))


def _get(username: str) -> Staff:
    staff = Staff.get_or_none(Staff.username == (username or "").strip().lower())
    if staff is None:
        raise NotFound(_("Akun {name} tidak ada.").format(name=username))
    return staff


def unlock(actor: Actor, username: str) -> None:
    require(actor, Role.ADMIN)
    with database.atomic():
        staff = _get(username)
        Staff.update(locked=False, failed_logins=0, last_failed_at=None).where(Staff.id == staff.id).execute()
        audit.record(actor, "akun_dibuka", "staff", staff.id, staff.username)


def disable(actor: Actor, username: str) -> None:
    require(actor, Role.ADMIN)
    with database.atomic():
        staff = _get(username)
        if staff.id == actor.id:
            raise Refused(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
        if not staff.active:
            raise Refused(_("Akun {name} sudah nonaktif.").format(name=staff.username))
        if staff.role == Role.ADMIN.value:
            others = Staff.select().where((Staff.role == "admin") & Staff.active & (Staff.id != staff.id)).count()
            if others == 0:
                raise Refused(_("Akun {name} adalah admin aktif terakhir; buat admin lain dulu.").format(name=staff.username))
        Staff.update(active=False).where(Staff.id == staff.id).execute()
        audit.record(actor, "akun_dinonaktifkan", "staff", staff.id, staff.username)


def enable(actor: Actor, username: str) -> None:
    """Let a disabled account log in again (a lock from failed logins is lifted by `unlock`)."""
    require(actor, Role.ADMIN)
    with database.atomic():
        staff = _get(username)
        if staff.active:
            raise Refused(_("Akun {name} sudah aktif.").format(name=staff.username))
        Staff.update(active=True).where(Staff.id == staff.id).execute()
        audit.record(actor, "akun_diaktifkan", "staff", staff.id, staff.username)


def set_password(actor: Actor, username: str, password: str) -> None:
    """An admin sets anyone's password; anyone may set their own."""
    check_password(password)
    staff = _get(username)
    if staff.id != actor.id:
        require(actor, Role.ADMIN)
    hashed = hash_password(password)
    with database.atomic():
        Staff.update(password_hash=hashed, failed_logins=0, locked=False).where(Staff.id == staff.id).execute()
        audit.record(actor, "kata_sandi_diganti", "staff", staff.id, staff.username)


def change_staff(actor: Actor, username: str, *, role: Role | str | None = None,
                 full_name: str | None = None) -> StaffRow:
    """An admin changes an account's role or full name (None leaves it as it is).

    The last active admin keeps the admin role, so someone can always open the settings. An
    account moved to a lower role loses its rights at once (`require` reads the role again).
    """
    require(actor, Role.ADMIN)
    new_role = None if role is None else role if isinstance(role, Role) else parse_role(role)
    new_name = None if full_name is None else clean_name(full_name)
    with database.atomic():
        staff = _get(username)
        changes = {}
        if new_role is not None and new_role.value != staff.role:
            if staff.role == Role.ADMIN.value and staff.active:
                others = Staff.select().where((Staff.role == Role.ADMIN.value) & Staff.active & (Staff.id != staff.id)).count()
                if others == 0:
                    raise Refused(_("Akun {name} adalah admin aktif terakhir; jadikan akun lain admin dulu.").format(
                        name=staff.username))
            changes["role"] = new_role.value
        if new_name is not None and new_name != staff.full_name:
            changes["full_name"] = new_name
        if changes:
            Staff.update(**changes).where(Staff.id == staff.id).execute()
            detail = "; ".join(f"{key}: {value}" for key, value in changes.items())
            audit.record(actor, "akun_diubah", "staff", staff.id, f"{staff.username} ({detail})")
        s = Staff.get_by_id(staff.id)
        return StaffRow(s.username, s.full_name, s.role, s.active, s.locked, s.failed_logins, s.last_login_at)


@dataclass(frozen=True)
class StaffRow:
    username: str
    full_name: str
    role: str
    active: bool
    locked: bool
    failed_logins: int
    last_login_at: datetime | None


def list_staff() -> list[StaffRow]:
    return [
        StaffRow(s.username, s.full_name, s.role, s.active, s.locked, s.failed_logins, s.last_login_at)
        for s in Staff.select().order_by(Staff.username)
    ]
