"""Backup, restore and integrity check of the office database, with SQLite's online backup so
the app may stay open while a copy is taken.

A copy is written to `<target>.sebagian` and renamed when whole and verified; a copy left behind
by a killed backup is removed by the next backup (and by `known_backups`). Files made here are
owner-only (0600). Backup files are inspected read-only, leaving no side files behind.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from tui_kecamatan.core import audit, clock, presence
from tui_kecamatan.db.models import AuditEvent
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
    destination = sqlite3.connect(str(partial))
    try:
        source.backup(destination)
        problems = _integrity(destination)
        summary = _summary(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    if problems:
        raise AppError(_("Salinan di {path} tidak utuh ({problem}); cadangan dibatalkan.").format(path=target, problem=problems[0]))
    return summary


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



