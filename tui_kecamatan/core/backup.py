"""Backup, restore and integrity check of the office database, with SQLite's online backup so
the app may stay open while a copy is taken.

A copy is written to `<target>.sebagian` and renamed when whole and verified; a copy left behind
by a killed backup is removed by the next backup (and by `known_backups`). Files made here are
owner-only (0600). Backup files are inspected read-only, leaving no side files behind.

The app's own backups go to the backup folder (`[backup]` in the config): `backup_now` on an
admin's request, `daily_backup` once a local day by the first desk opening the app, which keeps
the newest `[backup] keep` of its own; `list_backups` and `overview` are what the admin sees.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from tui_kecamatan.core import audit, clock, presence
from tui_kecamatan.db.errors import DATABASE_ERRORS, disk_full_sentence, free_space, is_disk_full, size_text
from tui_kecamatan.db.models import AuditEvent, Setting
from tui_kecamatan.errors import AppError, DatabaseUnavailable, Refused
from tui_kecamatan.i18n import _

PARTIAL_SUFFIX = ".sebagian"
_PARTIAL_SIDE_FILES = ("", "-journal", "-wal", "-shm")
OWNER_ONLY = 0o600


def _integrity(connection: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def _summary(connection: sqlite3.Connection) -> str:
    def count(table: str) -> int:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names

    return _("{r} permohonan, {t} antrian, {s} akun").format(r=count("request"), t=count("ticket"), s=count("staff"))


# --- partial files ----------------------------------------------------------------------------


@contextmanager
def _partial(path: Path) -> Iterator[Path]:
    """A `.sebagian` file being written: created owner-only and locked (flock) while this process
    writes it, so a cleanup elsewhere leaves it alone; removed with its side files at the end."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, OWNER_ONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.fchmod(fd, OWNER_ONLY)  # a file left by a killed run keeps its mode through O_TRUNC
        yield path
    finally:
        for suffix in _PARTIAL_SIDE_FILES:
            try:
                os.unlink(f"{path}{suffix}")
            except FileNotFoundError:
                pass
        os.close(fd)


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the `.sebagian` files (and their journals) that no running backup or restore holds:
    what a killed one left behind, as large as the database. Returns what was removed."""
    removed: list[Path] = []
    try:
        candidates = sorted(Path(folder).glob(f"*{PARTIAL_SUFFIX}"))
    except OSError:
        return removed
    for path in candidates:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being written right now
            for suffix in _PARTIAL_SIDE_FILES:
                try:
                    os.unlink(f"{path}{suffix}")
                except FileNotFoundError:
                    pass
                except OSError:
                    break
            else:
                removed.append(path)
        finally:
            os.close(fd)
    return removed


def known_backups(db_path: Path) -> list[Path]:
    """The backup files beside the database (`*.bak`: before a migration, before a restore),
    newest first; stale partial copies there are removed on the way."""
    folder = Path(db_path).expanduser().parent
    remove_stale_partials(folder)
    try:
        found = [p for p in folder.glob(f"{Path(db_path).name}.*.bak") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


# --- reading a file without touching it -------------------------------------------------------


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"file:{quote(str(Path(path).absolute()))}?{query}"


def _wal_header(path: Path) -> bool:
    """Whether the file's header says WAL (bytes 18 and 19 are 2)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def open_file_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to a database file that is not in use (a backup), leaving no
    -wal, -shm or journal behind: `immutable=1` when the file has no WAL content beside it, plain
    `mode=ro` otherwise."""
    path = Path(path).expanduser()
    pending_wal = Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
    params = {"mode": "ro"} if pending_wal else {"mode": "ro", "immutable": "1"}
    return sqlite3.connect(_uri(path, **params), uri=True)


# --- backup -------------------------------------------------------------------------------------


def backup_to(db, target: Path) -> str:
    """Copy the live database to `target` and verify the copy before reporting success."""
    target = Path(target).expanduser()
    if target.exists():
        raise Refused(_("Berkas {path} sudah ada; pilih nama lain agar cadangan lama tidak tertimpa.").format(path=target))
    if not target.parent.is_dir():
        raise Refused(_("Folder {folder} tidak ada.").format(folder=target.parent))
    # What a killed backup left in the target folder, or a killed restore beside the database.
    for folder in {target.parent.resolve(), Path(db.database).expanduser().resolve().parent}:
        remove_stale_partials(folder)
    try:
        with _partial(target.with_name(target.name + PARTIAL_SUFFIX)) as partial:
            summary = _copy_verified(db.connection(), partial, target)
            os.replace(partial, target)
    except OSError as exc:
        raise AppError(_("Cadangan ke {path} gagal: {error}.").format(path=target, error=exc.strerror or exc)) from None
    return _("Cadangan tersimpan dan sudah diperiksa: {path} ({summary}).").format(path=target, summary=summary)


def _copy_verified(source: sqlite3.Connection, partial: Path, target: Path) -> str:
    """Copy `source` into the file `partial`, check it, leave it in rollback-journal mode (one
    file, no side files), and return its summary."""
    return _copy_in_steps(source, partial, target, None)[0]


def inspect_backup(source: Path) -> str:
    """Refuse a file that is not a whole database of this application; return its summary."""
    from tui_kecamatan.db.models import APPLICATION_ID
    from tui_kecamatan.db.migrations import LATEST

    source = Path(source).expanduser()
    if not source.is_file():
        raise Refused(_("Berkas cadangan {path} tidak ada.").format(path=source))
    try:
        connection = open_file_readonly(source)
    except sqlite3.Error:
        raise Refused(_("Berkas {path} bukan basis data tui-kecamatan.").format(path=source)) from None
    try:
        app_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise Refused(_("Berkas {path} bukan basis data tui-kecamatan.").format(path=source))
        if version > LATEST:
            raise Refused(_("Berkas {path} berasal dari versi tui-kecamatan yang lebih baru (skema {v}); perbarui aplikasinya dulu.").format(path=source, v=version))
        problems = _integrity(connection)
        if problems:
            raise Refused(_("Berkas {path} rusak ({problem}).").format(path=source, problem=problems[0]))
        return _summary(connection)
    except sqlite3.Error:
        raise Refused(_("Berkas {path} bukan basis data tui-kecamatan.").format(path=source)) from None
    finally:
        connection.close()


# --- restore ------------------------------------------------------------------------------------


class _Moved(Exception):
    """A desk issued a number between reading today's numbers and locking the database."""


def _table_exists(connection: sqlite3.Connection, name: str) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def todays_numbers(connection: sqlite3.Connection, day: str) -> tuple[dict[str, int], int]:
    """The highest ticket number of each prefix and the highest registration number issued on
    `day` (ISO date) in a database: its counters, and the rows themselves."""
    tickets: dict[str, int] = {}
    queries = []
    if _table_exists(connection, "daily_counter"):
        queries.append("SELECT prefix, max(last_number) FROM daily_counter WHERE day = ? GROUP BY prefix")
    if _table_exists(connection, "ticket"):
        queries.append("SELECT prefix, max(number) FROM ticket WHERE day = ? GROUP BY prefix")
    for query in queries:
        for prefix, number in connection.execute(query, (day,)):
            if number is not None:
                tickets[prefix] = max(tickets.get(prefix, 0), int(number))
    registration = 0
    if _table_exists(connection, "request_daily_counter"):
        row = connection.execute("SELECT max(last_number) FROM request_daily_counter WHERE day = ?", (day,)).fetchone()
        registration = int(row[0] or 0)
    if _table_exists(connection, "request"):
        prefix = day.replace("-", "") + "-"
        row = connection.execute("SELECT max(CAST(substr(reg_no, ?) AS INTEGER)) FROM request WHERE reg_no LIKE ?",
                                 (len(prefix) + 1, prefix + "%")).fetchone()
        registration = max(registration, int(row[0] or 0))
    return tickets, registration


def _carry_numbers(connection: sqlite3.Connection, day: str, tickets: dict[str, int], registration: int) -> None:
    """Raise `day`'s counters in a database to at least the given numbers."""
    with connection:
        for prefix, number in tickets.items():
            connection.execute(
                "INSERT INTO daily_counter (day, prefix, last_number) VALUES (?, ?, ?) "
                "ON CONFLICT (day, prefix) DO UPDATE SET last_number = max(last_number, excluded.last_number)",
                (day, prefix, number))
        if registration:
            connection.execute(
                "INSERT INTO request_daily_counter (day, last_number) VALUES (?, ?) "
                "ON CONFLICT (day) DO UPDATE SET last_number = max(last_number, excluded.last_number)",
                (day, registration))


def _covers(have: tuple[dict[str, int], int], need: tuple[dict[str, int], int]) -> bool:
    return have[1] >= need[1] and all(have[0].get(prefix, 0) >= number for prefix, number in need[0].items())


def _merge(a: tuple[dict[str, int], int], b: tuple[dict[str, int], int]) -> tuple[dict[str, int], int]:
    tickets = dict(a[0])
    for prefix, number in b[0].items():
        tickets[prefix] = max(tickets.get(prefix, 0), number)
    return tickets, max(a[1], b[1])


def _numbers_sentence(tickets: dict[str, int], registration: int, day: str) -> str:
    from tui_kecamatan.core.tickets import format_code

    parts = [format_code(prefix, number) for prefix, number in sorted(tickets.items())]
    if registration:
        parts.append(f"{day.replace('-', '')}-{registration:04d}")
    return ", ".join(parts)


def restore_from(db, db_path: Path, source: Path, *, actor=None, force: bool = False) -> str:
    """Replace the live database with `source`, keeping the replaced one as a backup file.

    Refused while another app or command is running on the database, unless `force`. Numbers
    issued today in the replaced database are never given again: the restored counters are
    raised past them. The copy into the live file holds its write lock from the first page to the
    commit; today's numbers and the kept copy are read from the replaced database under that lock
    (no desk can commit in between), and the restore starts again should a desk have issued a
    number since the counters of the restored copy were raised.
    """
    from tui_kecamatan.db import migrations

    db_path = Path(db_path)
    others = presence.active(exclude_self=True)
    if others and not force:
        raise Refused(presence.busy_sentence(others))
    summary = inspect_backup(source)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    keep = _free_name(db_path, f"sebelum-pulih-{stamp}", ".bak")
    day = clock.today().isoformat()
    remove_stale_partials(db_path.parent)
    reader = sqlite3.connect(str(db_path), isolation_level=None, timeout=5)
    try:
        with _partial(db_path.with_name(f"{db_path.name}.pulih-{stamp}{PARTIAL_SUFFIX}")) as staged:
            original = open_file_readonly(Path(source).expanduser())
            staging = sqlite3.connect(str(staged), isolation_level=None)
            try:
                original.backup(staging)
                original.close()
                # A scratch copy: nothing to gain from waiting for the disk between its changes.
                staging.execute("PRAGMA journal_mode=MEMORY")
                staging.execute("PRAGMA synchronous=OFF")
                if _table_exists(staging, "presence"):
                    staging.execute("DELETE FROM presence")  # those processes ran then, not now
                carried = todays_numbers(reader, day)
                headroom = 0
                for _attempt in range(20):
                    _carry_numbers(staging, day, *carried)
                    kept: list[Path] = []

                    def under_lock(status, remaining, total, *, carried=carried, kept=kept) -> None:
                        if kept:
                            return
                        now = todays_numbers(reader, day)
                        if not _covers(carried, now):
                            raise _Moved(now)
                        _keep_copy(reader, keep)
                        kept.append(keep)

                    try:
                        staging.backup(db.connection(), pages=1, progress=under_lock)
                    except _Moved as moved:
                        # Busy desks: leave room for the numbers they issue while the next try starts.
                        headroom = max(2 * headroom, 4)
                        latest = moved.args[0]
                        carried = _merge(carried, ({p: n + headroom for p, n in latest[0].items()},
                                                   latest[1] + headroom if latest[1] else 0))
                        continue
                    if not kept:  # a copy of one page ends before the first progress call
                        raise AppError(_("Berkas cadangan {src} terlalu kecil untuk dipulihkan.").format(src=source))
                    break
                else:
                    raise Refused(_("Nomor antrian terus bertambah selama pemulihan; ulangi sebentar lagi."))
            except sqlite3.Error as exc:
                raise DatabaseUnavailable(_("Pemulihan gagal ({error}); basis data lama tetap ada di {keep}.").format(
                    error=exc, keep=keep if keep.exists() else db_path)) from None
            finally:
                staging.close()
    finally:
        reader.close()
    db.execute_sql("PRAGMA journal_mode=wal")
    migrations.migrate(db, db_path)
    numbers = _numbers_sentence(*carried, day)
    detail = f"dari {Path(source).name}" + (f"; nomor hari ini dilanjutkan setelah {numbers}" if numbers else "")
    if others:
        detail += f"; dipaksa saat {len(others)} proses lain berjalan"
    with db.atomic():
        audit.record(actor, "basis_data_dipulihkan", "", None, detail)
    presence.refresh()  # this command's own row went with the replaced database
    report = _("Basis data dipulihkan dari {src} ({summary}); yang lama disimpan di {keep}.").format(
        src=source, summary=summary, keep=keep)
    if numbers:
        report += " " + _("Nomor hari ini dilanjutkan setelah {numbers}.").format(numbers=numbers)
    return report


def _free_name(db_path: Path, middle: str, suffix: str) -> Path:
    """`<db>.<middle><suffix>`, or with -2, -3... when a restore in the same second took it."""
    candidate = db_path.with_name(f"{db_path.name}.{middle}{suffix}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = db_path.with_name(f"{db_path.name}.{middle}-{number}{suffix}")
    return candidate


def _keep_copy(reader: sqlite3.Connection, keep: Path) -> None:
    """The replaced database as it is at this moment, as a verified file beside it."""
    with _partial(keep.with_name(keep.name + PARTIAL_SUFFIX)) as partial:
        _copy_verified(reader, partial, keep)
        os.replace(partial, keep)


def restore_new(db_path: Path, source: Path, *, actor=None, create_folder: bool = False) -> str:
    """Restore onto a path without an office database (a new server): the backup becomes the
    database there. An empty file at the path (no tables) is replaced."""
    from tui_kecamatan.db.connection import open_database

    db_path = Path(db_path).expanduser()
    summary = inspect_backup(source)
    folder = db_path.parent
    if not folder.is_dir():
        if not create_folder:
            raise DatabaseUnavailable(_("Folder {folder} tidak ada; buat dulu foldernya atau pilih jalur lain dengan --db.").format(folder=folder))
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    remove_stale_partials(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        with _partial(db_path.with_name(f"{db_path.name}.pulih-{stamp}{PARTIAL_SUFFIX}")) as staged:
            original = open_file_readonly(Path(source).expanduser())
            try:
                _copy_verified(original, staged, db_path)
            finally:
                original.close()
            if db_path.exists() and not _is_empty_database(db_path):
                raise Refused(_("Basis data {path} baru saja dibuat oleh proses lain; pemulihan dibatalkan.").format(path=db_path))
            os.replace(staged, db_path)
    except OSError as exc:
        raise AppError(_("Pemulihan ke {path} gagal: {error}.").format(path=db_path, error=exc.strerror or exc)) from None
    db = open_database(db_path)
    try:
        with db.connection_context():
            audit.record(actor, "basis_data_dipulihkan", "", None, f"dari {Path(source).name} ke jalur baru")
    finally:
        db.close()
    return _("Basis data dipulihkan dari {src} ke {path} ({summary}).").format(src=source, path=db_path, summary=summary)


def _is_empty_database(path: Path) -> bool:
    """A 0-byte file, or an SQLite file without a single table (read without touching it)."""
    try:
        if path.stat().st_size == 0:
            return True
        connection = open_file_readonly(path)
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        return False


def database_absent(db_path: Path) -> bool:
    """Whether `restore` is onto a new path: no file, or one without any table."""
    db_path = Path(db_path).expanduser()
    return not db_path.exists() or (db_path.is_file() and _is_empty_database(db_path))


def check(db) -> tuple[list[str], list[str]]:
    """Integrity and foreign-key check; returns (problems, report lines)."""
    from tui_kecamatan.db import migrations

    connection = db.connection()
    problems = [_("Keutuhan: {p}").format(p=p) for p in _integrity(connection)]
    fk = connection.execute("PRAGMA foreign_key_check").fetchall()
    problems += [_("Rujukan rusak di tabel {t} baris {r}.").format(t=row[0], r=row[1]) for row in fk]
    version = migrations.schema_version(db)
    if version < migrations.LATEST:
        problems.append(_("Skema {v} belum diperbarui ke {latest}; jalankan: tui-kecamatan init.").format(v=version, latest=migrations.LATEST))
    # The audit triggers and hash chain (schema 3 on): problems, and the line with the latest hash.
    trail_problems, trail_lines = audit.check_trail(connection) if version >= 3 else ([], [])
    problems += trail_problems
    lines = [
        _("Skema: {v} (versi aplikasi mengenal {latest})").format(v=version, latest=migrations.LATEST),
        _("Isi: {summary}, {a} catatan audit").format(summary=_summary(connection), a=AuditEvent.select().count()),
        *trail_lines,
        _("Hasil: {result}").format(result=_("baik") if not problems else _("{n} masalah").format(n=len(problems))),
    ]
    return problems, lines




# --- backups made by the app: now, and once a day ---------------------------------------------
#
# The backup folder (`[backup] folder`, by default "cadangan" beside the database) holds
# `<stem>-YYYYMMDD-HHMMSS.db` made on request (the admin's Cadangan section) and
# `<stem>-harian-YYYYMMDD-HHMMSS.db` made by the first desk opening the app on a local day; only
# the latter are pruned to the newest `[backup] keep`. The time in a name is the office's local
# time; a second backup in the same second gets "-2", "-3"...

DEFAULT_FOLDER_NAME = "cadangan"
DEFAULT_KEEP = 14
DEFAULT_MIN_FREE_MB = 200
STEP_PAGES = 256
"""Pages copied between two progress calls (1 MB with SQLite's usual 4 KB pages)."""
DAILY_KEY = "cadangan_harian"
"""Setting: the local day (ISO) of the last automatic backup, made or being made."""
DAILY_RUNNING_KEY = "cadangan_harian_proses"
"""Setting, present only while the day's automatic backup is being made: who makes it."""
DAILY_CLAIM_STALE_SECONDS = 6 * 3600
"""A claim of another machine (whose process cannot be looked at) counts as abandoned after this."""
DAILY_TAG = "harian"
_MB = 1024 * 1024
_NAME = re.compile(r"^(?P<stem>.+?)(?P<daily>-harian)?-(?P<day>\d{8})-(?P<time>\d{6})(?:-(?P<n>\d+))?\.db$")


class LowDiskSpace(Refused):
    """A backup would leave less free space than `[backup] min_free_mb` on its disk."""


@dataclass(frozen=True)
class BackupFile:
    """One backup in the folder, as the admin's list shows it."""

    name: str
    path: Path
    taken: datetime  # local time, from the name
    size: int  # bytes
    daily: bool  # made by the automatic daily backup

    @property
    def size_label(self) -> str:
        return size_label(self.size)


@dataclass(frozen=True)
class BackupResult:
    """A backup written and verified."""

    path: Path
    size: int
    taken: datetime  # local time
    summary: str  # "12 permohonan, 40 antrian, 4 akun"
    pages: int
    daily: bool = False
    removed: tuple[str, ...] = ()  # older automatic backups deleted to keep `[backup] keep`

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sentence(self) -> str:
        return _("Cadangan dibuat dan diperiksa: {name} ({size}).").format(name=self.name, size=size_label(self.size))


@dataclass(frozen=True)
class DailyState:
    """The automatic backup as the setting table says: the last day it was made (or is being
    made), and since when it runs when it is being made now."""

    day: date | None
    running_since: datetime | None  # local time
    previous: date | None  # while running: the day of the one before


@dataclass(frozen=True)
class BackupOverview:
    """What the admin's Cadangan section shows."""

    folder: Path
    free: int | None  # bytes free on the folder's disk (or the disk it would be made on)
    files: list[BackupFile]
    daily: DailyState
    keep: int
    min_free_mb: int


def size_label(count: int) -> str:
    """A size as people read it: 980 KB, 12,3 MB, 1,2 GB."""
    return size_text(count)


def folder_for(db_path: str | os.PathLike, settings=None) -> Path:
    """The backup folder: `settings.folder` (a relative one is taken from the database's folder),
    or "cadangan" beside the database."""
    base = Path(db_path).expanduser().absolute().parent
    chosen = getattr(settings, "folder", None)
    if not chosen:
        return base / DEFAULT_FOLDER_NAME
    chosen = Path(chosen).expanduser()
    return chosen if chosen.is_absolute() else base / chosen


def _parse_name(name: str) -> tuple[str, bool, datetime] | None:
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        taken = datetime.strptime(match["day"] + match["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return match["stem"], match["daily"] is not None, taken


def list_backups(folder: str | os.PathLike) -> list[BackupFile]:
    """The backups in `folder`, newest first: files named like the ones made here, whole (a
    `.sebagian` copy being written or left by a killed run is not one), anything else left out."""
    folder = Path(folder).expanduser()
    found: list[tuple[tuple, BackupFile]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        parsed = _parse_name(entry.name)
        if parsed is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            size = entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue
        _stem, daily, taken = parsed
        match = _NAME.match(entry.name)
        order = (taken, int(match["n"] or 1) if match else 1, entry.name)
        found.append((order, BackupFile(entry.name, Path(entry.path), taken, size, daily)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [file for _order, file in found]


def _existing_ancestor(folder: Path) -> Path:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


def free_bytes(folder: str | os.PathLike) -> int | None:
    """Free bytes on the disk of `folder` (or of its nearest existing parent)."""
    return free_space(_existing_ancestor(Path(folder).expanduser().absolute()))


def _database_bytes(connection: sqlite3.Connection) -> int:
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    return int(pages) * int(page_size)


def _check_room(folder: Path, needed: int, min_free_mb: int) -> None:
    """Refuse (LowDiskSpace) when the copy would leave less than the floor free on the disk."""
    free = free_bytes(folder)
    if free is None:
        return  # cannot be told; writing says it when the disk is really full
    floor = max(0, int(min_free_mb)) * _MB
    if free < needed:
        raise LowDiskSpace(_("Ruang kosong di disk {folder} tinggal {free}, tidak cukup untuk cadangan sebesar {size}, "
                             "jadi cadangan tidak dibuat. Kosongkan ruang di disk itu atau pilih folder lain.").format(
            folder=folder, free=size_label(free), size=size_label(needed)))
    if free - needed < floor:
        raise LowDiskSpace(_("Ruang kosong di disk {folder} tinggal {free}; cadangan sebesar {size} akan menyisakan "
                             "kurang dari {floor} ([backup] min_free_mb), jadi cadangan tidak dibuat. Kosongkan ruang "
                             "di disk itu atau pilih folder lain.").format(
            folder=folder, free=size_label(free), size=size_label(needed), floor=_("{n} MB").format(n=int(min_free_mb))))


def _ensure_folder(folder: Path) -> None:
    """Create the folder (owner-only) if needed; refuse when it cannot be made or written."""
    try:
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise Refused(_("Folder cadangan {folder} tidak dapat dibuat ({error}).").format(
            folder=folder, error=exc.strerror or exc)) from None
    if not folder.is_dir():
        raise Refused(_("{folder} bukan folder; cadangan tidak dapat disimpan di sana.").format(folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise Refused(_("Folder cadangan {folder} tidak dapat ditulis oleh aplikasi ini.").format(folder=folder))


def _publish(partial: Path, target: Path) -> Path:
    """Give the verified copy its final name without ever replacing a file: `target`, or with
    "-2", "-3"... when another backup took that name in the same second."""
    stem = target.name.removesuffix(".db")
    number = 1
    while True:
        candidate = target if number == 1 else target.with_name(f"{stem}-{number}.db")
        try:
            os.link(partial, candidate)
            return candidate  # the partial name is removed with its side files by _partial
        except FileExistsError:
            number += 1
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            # A disk without hard links (a FAT flash disk): the next free name, renamed onto.
            while candidate.exists():
                number += 1
                candidate = target.with_name(f"{stem}-{number}.db")
            os.replace(partial, candidate)
            return candidate


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (the file's own pages were synced by SQLite's commit)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_in_steps(source: sqlite3.Connection, partial: Path, target: Path,
                   progress: Callable[[int, int], None] | None) -> tuple[str, int]:
    """Copy `source` into the file `partial` STEP_PAGES at a time, calling `progress(done,
    total)` after each step; check the copy, leave it as one file, return (summary, pages).

    The copy reads one snapshot of the database (a read transaction held from the first page to
    the last), so the desks go on writing meanwhile without restarting it."""
    pages = 0
    destination = sqlite3.connect(str(partial))
    try:
        def step(_status: int, remaining: int, total: int) -> None:
            nonlocal pages
            pages = total
            if progress is not None:
                progress(total - remaining, total)

        with _read_snapshot(source):  # ended before the check, which may take a while on a big file
            source.backup(destination, pages=STEP_PAGES, progress=step)
        problems = _integrity(destination)
        summary = _summary(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    if problems:
        raise AppError(_("Salinan di {path} tidak utuh ({problem}); cadangan dibatalkan.").format(path=target, problem=problems[0]))
    return summary, pages


@contextmanager
def _read_snapshot(connection: sqlite3.Connection) -> Iterator[None]:
    """Hold one read transaction on `connection` (unless it already is in one)."""
    own = not connection.in_transaction
    if own:
        connection.execute("BEGIN")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    try:
        yield
    finally:
        if own and connection.in_transaction:
            connection.execute("ROLLBACK")


def _write_backup(db, folder: Path, *, daily: bool, progress, min_free_mb: int) -> BackupResult:
    """The file itself: room checked, folder made, copied in steps, verified, named. Not audited."""
    from tui_kecamatan.db import health

    db_path = Path(db.database).expanduser()
    health.refuse_if_damaged(db_path)
    source = db.connection()
    taken = clock.now_local().replace(tzinfo=None, microsecond=0)
    stem = db_path.stem
    middle = f"-{DAILY_TAG}" if daily else ""
    target = folder / f"{stem}{middle}-{taken:%Y%m%d-%H%M%S}.db"
    _check_room(folder, _database_bytes(source), min_free_mb)
    _ensure_folder(folder)
    remove_stale_partials(folder)
    partial_name = f"{target.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}"
    try:
        with _partial(folder / partial_name) as partial:
            summary, pages = _copy_in_steps(source, partial, target, progress)
            final = _publish(partial, target)
    except DATABASE_ERRORS as exc:
        raise AppError(health.explain_copy_failure(exc, db_path, target)) from None
    except OSError as exc:
        if is_disk_full(exc):
            raise AppError(disk_full_sentence(target, backup=True)) from None
        raise AppError(_("Cadangan ke {path} gagal: {error}.").format(path=target, error=exc.strerror or exc)) from None
    _sync_folder(folder)
    health.remember_backup(db_path, final)
    return BackupResult(final, final.stat().st_size, taken, summary, pages, daily)


def _audit_detail(result: BackupResult) -> str:
    detail = f"{result.name} ({size_label(result.size)}; {result.summary})"
    if result.removed:
        detail += f"; {len(result.removed)} cadangan harian lama dihapus"
    return detail


def backup_now(db, folder: str | os.PathLike, *, progress: Callable[[int, int], None] | None = None, actor=None,
               min_free_mb: int = DEFAULT_MIN_FREE_MB) -> BackupResult:
    """Write `<folder>/<stem>-YYYYMMDD-HHMMSS.db` from the live database while the desks go on
    working, calling `progress(done_pages, total_pages)` from this thread as it copies; verify
    it (integrity check and row counts) before it gets its name, and audit it (cadangan_dibuat).

    Refused, with nothing written, when the copy would leave less than `min_free_mb` free on the
    folder's disk (LowDiskSpace), or when the folder cannot be made or written. `actor` None is
    the system (the daily backup); a person must be an admin."""
    from tui_kecamatan.core import accounts

    if actor is not None:
        accounts.require(actor, accounts.Role.ADMIN)
    result = _write_backup(db, Path(folder).expanduser(), daily=False, progress=progress, min_free_mb=min_free_mb)
    with db.atomic():
        audit.record(actor, "cadangan_dibuat", "", None, _audit_detail(result))
    return result


# --- the automatic daily backup -------------------------------------------------------------------


def _claim_text(previous: str) -> str:
    return json.dumps({"host": presence.host_name(), "pid": os.getpid(),
                       "sejak": clock.now_utc().isoformat(timespec="seconds"), "sebelumnya": previous})


def _read_claim(text: str | None) -> dict | None:
    try:
        claim = json.loads(text) if text else None
    except ValueError:
        return None
    return claim if isinstance(claim, dict) else None


def _abandoned(claim: dict | None) -> bool:
    """A claim whose process is gone: killed on this machine, or too old on another."""
    if claim is None:
        return True
    if claim.get("host") == presence.host_name():
        return not presence.pid_alive(int(claim.get("pid") or 0))
    try:
        since = datetime.fromisoformat(str(claim.get("sejak")))
    except ValueError:
        return True
    return (clock.now_utc() - since).total_seconds() > DAILY_CLAIM_STALE_SECONDS


def _setting(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else None


def _put_setting(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(conflict_target=[Setting.key], update={Setting.value: value}).execute()


def _claim_day(db, day: str) -> str | None:
    """Compare-and-set the day in one write transaction (BEGIN IMMEDIATE: desks opening at once
    take turns): the claim's text when this process is to make the day's backup, None when the
    day is taken (done, or being made by a live process)."""
    with db.atomic():
        current = _setting(DAILY_KEY)
        running_text = _setting(DAILY_RUNNING_KEY)
        running = _read_claim(running_text)
        if current == day and (running_text is None or not _abandoned(running)):
            return None
        # The last day whose backup was made: a claim left by a killed process never made one.
        previous = str((running or {}).get("sebelumnya") or "") if running_text is not None else (current or "")
        claim = _claim_text(previous)
        _put_setting(DAILY_KEY, day)
        _put_setting(DAILY_RUNNING_KEY, claim)
        return claim


def _release_day(db, claim: str, action: str, reason: str) -> None:
    """The day's backup was not made: give the day back (the next desk opening tries again), if
    the claim is still this process's, and audit why."""
    previous = str((_read_claim(claim) or {}).get("sebelumnya") or "")
    with db.atomic():
        if _setting(DAILY_RUNNING_KEY) == claim:
            if previous:
                _put_setting(DAILY_KEY, previous)
            else:
                Setting.delete().where(Setting.key == DAILY_KEY).execute()
            Setting.delete().where(Setting.key == DAILY_RUNNING_KEY).execute()
        audit.record(None, action, "", None, reason)


def _prune(folder: Path, stem: str, keep: int, made: Path) -> tuple[str, ...]:
    """Delete the oldest automatic backups of this database beyond the newest `keep` (the one
    just made counts and is never deleted; nothing else in the folder is touched)."""
    daily = [file for file in list_backups(folder)
             if file.daily and _parse_name(file.name)[0] == stem and file.path != made]  # type: ignore[index]
    removed = []
    for file in daily[max(0, keep - 1):]:
        try:
            os.unlink(file.path)
        except FileNotFoundError:
            continue
        except OSError:
            continue  # left for the next day; the list shows it
        removed.append(file.name)
    return tuple(removed)


def daily_backup(db, db_path: str | os.PathLike, settings=None) -> BackupResult | str | None:
    """The day's automatic backup, made by the first desk that opens the app on a local day.

    The day is claimed in the `setting` table (compare-and-set in one BEGIN IMMEDIATE): of the
    desks opening at once exactly one makes the backup, the others return None, as every desk
    does once the day's backup exists. Then the older automatic backups beyond `settings.keep`
    are deleted (never a backup made by hand, never another file). `settings` has `folder`,
    `keep` and `min_free_mb` (config.BackupSettings; None: the defaults).

    A backup that was not made (the disk below `min_free_mb`, the folder not writable, the copy
    failing) gives the day back, so the next desk opening tries again, is audited
    (cadangan_harian_dilewati or cadangan_harian_gagal), and returns the sentence for the desk to
    show. A process killed while making it leaves a claim that the next desk takes over (its
    process is gone). Returns None, too, for a database marked damaged (its start says so)."""
    from tui_kecamatan.db import health

    db_path = Path(db_path).expanduser()
    if health.is_marked(db_path):
        return None
    keep = max(1, int(getattr(settings, "keep", DEFAULT_KEEP)))
    min_free_mb = int(getattr(settings, "min_free_mb", DEFAULT_MIN_FREE_MB))
    folder = folder_for(db_path, settings)
    claim = _claim_day(db, clock.today().isoformat())
    if claim is None:
        return None
    try:
        result = _write_backup(db, folder, daily=True, progress=None, min_free_mb=min_free_mb)
    except LowDiskSpace as exc:
        _release_day(db, claim, "cadangan_harian_dilewati", str(exc))
        return _("Cadangan harian dilewati: {reason}").format(reason=exc)
    except AppError as exc:
        _release_day(db, claim, "cadangan_harian_gagal", str(exc))
        return _("Cadangan harian gagal: {reason} Loket berikutnya yang membuka aplikasi akan mencobanya lagi.").format(
            reason=exc)
    removed = _prune(folder, db_path.stem, keep, result.path)
    result = replace(result, removed=removed)
    with db.atomic():
        if _setting(DAILY_RUNNING_KEY) == claim:
            Setting.delete().where(Setting.key == DAILY_RUNNING_KEY).execute()
        audit.record(None, "cadangan_dibuat", "", None, "harian: " + _audit_detail(result))
    return result


def daily_state() -> DailyState:
    """The last automatic backup's day, and whether one is being made now."""
    day_text = _setting(DAILY_KEY)
    running = _read_claim(_setting(DAILY_RUNNING_KEY)) if _setting(DAILY_RUNNING_KEY) is not None else None

    def as_day(text: str | None) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    if running is not None and not _abandoned(running):
        try:
            since = clock.to_local(datetime.fromisoformat(str(running.get("sejak"))))
        except ValueError:
            since = None
        return DailyState(as_day(day_text), since.replace(tzinfo=None) if since else None,
                          as_day(str(running.get("sebelumnya") or "")))
    if running is not None:  # abandoned: the day was never finished
        return DailyState(as_day(str(running.get("sebelumnya") or "")), None, None)
    return DailyState(as_day(day_text), None, None)


def overview(db_path: str | os.PathLike, settings=None) -> BackupOverview:
    """The Cadangan section: the folder, its free space, its backups, the daily backup's state."""
    folder = folder_for(db_path, settings)
    return BackupOverview(folder, free_bytes(folder), list_backups(folder), daily_state(),
                          max(1, int(getattr(settings, "keep", DEFAULT_KEEP))),
                          int(getattr(settings, "min_free_mb", DEFAULT_MIN_FREE_MB)))
