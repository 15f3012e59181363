"""Whether the database file is sound, and what happens when it is not.

A quick check (PRAGMA quick_check) runs when the app starts and on every `backup` and `check`;
any SQLite error that means damage does the same. Damage found is written to a marker file
beside the database, `<db>.rusak` (owner-only, with the time and the check's first lines),
never into the damaged file itself. While the marker exists every transaction is refused with
the damaged sentence (`refuse_if_damaged`, called by the connection's BEGIN); `restore` sets
the damaged file aside and removes the marker, and so does a `check` that finds the file sound.

The damaged sentence names the newest backups this machine knows of: the copies SQLite made
beside the database (`<db>.sebelum-v*.bak` before a migration, `<db>.sebelum-pulih-*.bak`
before a restore) and the files `tui-kecamatan backup` wrote (listed in `<db>.daftar-cadangan`).
"""

from __future__ import annotations

import os
import sqlite3
import struct
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from tui_kecamatan.db.errors import (
    DATABASE_ERRORS,
    damaged_sentence,
    disk_full_sentence,
    explain,
    is_disk_full,
    looks_damaged,
    read_header,
)
from tui_kecamatan.errors import DatabaseUnavailable

MARKER_SUFFIX = ".rusak"
BACKUP_LIST_SUFFIX = ".daftar-cadangan"
BACKUP_LIST_KEEP = 50
NEWEST_NAMED = 2
CHECK_LINES_KEPT = 10


def _path(path: str | os.PathLike) -> Path:
    """The file's path, also from a SQLite URI ("file:/x/kecamatan.db?mode=ro")."""
    text = str(path)
    if text.startswith("file:"):
        return Path(unquote(text[len("file:"):].split("?", 1)[0]))
    return Path(path).expanduser()


def marker_path(path: str | os.PathLike) -> Path:
    path = _path(path)
    return path.with_name(path.name + MARKER_SUFFIX)


def _is_file_path(path) -> bool:
    return bool(path) and str(path) != ":memory:" and not str(path).startswith("file::memory:")


def is_marked(path: str | os.PathLike) -> bool:
    if not _is_file_path(path):
        return False
    return marker_path(path).exists()


def _write_owner_only(target: Path, text: str) -> None:
    """Write `text` to `target` through a temporary file renamed over it (0600)."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.baru")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise


def mark_damaged(path: str | os.PathLike, lines: list[str]) -> None:
    """Record that the database is damaged; best effort (a full or read-only disk keeps it from
    being written, and the damaged sentence is said all the same)."""
    if not _is_file_path(path):
        return
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    kept = [" ".join(str(line).split()) for line in lines[:CHECK_LINES_KEPT]]
    text = f"rusak sejak {stamp}\n" + "".join(f"{line}\n" for line in kept)
    try:
        _write_owner_only(marker_path(path), text)
    except OSError:
        pass


def clear_damage(path: str | os.PathLike) -> bool:
    """Remove the damage marker (after a restore, or a check that found the file sound)."""
    try:
        marker_path(path).unlink()
        return True
    except FileNotFoundError:
        return False


def sentence(path: str | os.PathLike) -> str:
    """The damaged sentence for this database, with the newest backups known."""
    return damaged_sentence(_path(path), newest_backups(path))


def refuse_if_damaged(path: str | os.PathLike) -> None:
    """Raise the damaged sentence when the database is marked damaged (before any write)."""
    if is_marked(path):
        raise DatabaseUnavailable(sentence(path))


# --- backups this machine knows of -------------------------------------------------------------


def remember_backup(path: str | os.PathLike, backup: str | os.PathLike) -> None:
    """Add a backup `tui-kecamatan backup` wrote to the list kept beside the database."""
    path = _path(path)
    listing = path.with_name(path.name + BACKUP_LIST_SUFFIX)
    try:
        known = listing.read_text(encoding="utf-8").splitlines() if listing.exists() else []
    except (OSError, UnicodeDecodeError):
        known = []
    entry = str(Path(backup).expanduser().resolve())
    known = [line for line in known if line and line != entry][-(BACKUP_LIST_KEEP - 1):] + [entry]
    try:
        _write_owner_only(listing, "".join(f"{line}\n" for line in known))
    except OSError:
        pass


def newest_backups(path: str | os.PathLike, limit: int = NEWEST_NAMED) -> list[Path]:
    """The newest backups of this database that still exist, newest first."""
    path = _path(path)
    found: set[Path] = set()
    try:
        found.update(p for p in path.parent.glob(f"{path.name}.sebelum-*.bak") if p.is_file())
    except OSError:
        pass
    listing = path.with_name(path.name + BACKUP_LIST_SUFFIX)
    try:
        lines = listing.read_text(encoding="utf-8").splitlines() if listing.exists() else []
    except (OSError, UnicodeDecodeError):
        lines = []
    found.update(Path(line) for line in lines if line.strip() and Path(line).is_file())

    def modified(candidate: Path) -> float:
        try:
            return candidate.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=modified, reverse=True)[:limit]


# --- checking -----------------------------------------------------------------------------------


def quick_check(db) -> list[str]:
    """PRAGMA quick_check on the database's connection: [] when sound, else SQLite's lines (or
    the error that kept the check from running)."""
    try:
        rows = [str(row[0]) for row in db.execute_sql("PRAGMA quick_check").fetchall()]
    except DATABASE_ERRORS as exc:
        if looks_damaged(exc, db.database):
            return [str(exc) if not isinstance(exc, UnicodeDecodeError) else "schema text is not UTF-8"]
        raise
    return [] if rows == ["ok"] else rows


def examine(db, *, clear: bool = True) -> str | None:
    """Quick-check the open database: on damage mark it and return the damaged sentence; when
    sound return None and (with `clear`, as `check` does) remove an old marker."""
    path = _path(db.database)
    problems = quick_check(db)
    if problems:
        mark_damaged(path, problems)
        return sentence(path)
    if clear:
        clear_damage(path)
    return None


def startup_check(path: str | os.PathLike) -> str | None:
    """The app's check when it starts (run in a worker): the damaged sentence, or None."""
    from tui_kecamatan.db.models import database

    if is_marked(path):
        return sentence(path)
    problems = quick_check(database)
    if problems:
        mark_damaged(path, problems)
        return sentence(path)
    return None


def _is_ours(path: str | os.PathLike) -> bool:
    from tui_kecamatan.db.models import APPLICATION_ID

    header = read_header(path)
    if len(header) < 72:
        return False
    app_id = struct.unpack(">I", header[68:72])[0]
    # A new database's first pages may still wait in the -wal for their checkpoint.
    return app_id == APPLICATION_ID or (app_id == 0 and Path(f"{_path(path)}-wal").exists())


def _confirms_damage(path: str | os.PathLike) -> list[str]:
    """A quick check on a connection of its own, after an error nothing in the code expects
    (a broken reference, say): [] when the file is sound."""
    try:
        connection = sqlite3.connect(str(_path(path)), timeout=1)
    except sqlite3.Error:
        return []
    try:
        rows = [str(row[0]) for row in connection.execute("PRAGMA quick_check").fetchall()]
        return [] if rows == ["ok"] else rows
    except DATABASE_ERRORS as exc:
        return [str(exc)] if looks_damaged(exc, path) else []
    finally:
        connection.close()


def explain_failure(exc: BaseException, path: str | os.PathLike) -> str:
    """`errors.explain`, plus: damage is marked and named with the newest backups, and an
    unexpected error (a broken reference) is checked for damage before it is explained."""
    if not _is_file_path(path):
        return explain(exc, path)
    path = _path(path)
    if looks_damaged(exc, path):
        if not _is_ours(path):
            return explain(exc, path)
        mark_damaged(path, [str(exc) if not isinstance(exc, UnicodeDecodeError) else "schema text is not UTF-8"])
        return sentence(path)
    text = str(exc).lower()
    expected = ("locked", "busy", "readonly", "read-only", "unable to open", "not a database", "encrypted")
    if not is_disk_full(exc, path) and not any(word in text for word in expected) and _is_ours(path):
        problems = _confirms_damage(path)
        if problems:
            mark_damaged(path, problems)
            return sentence(path)
    return explain(exc, path)


def explain_copy_failure(exc: BaseException, path: str | os.PathLike, target: str | os.PathLike) -> str:
    """A backup of `path` into `target` failed: a full disk is the target's (the copy is what
    writes), anything else is the database's."""
    if is_disk_full(exc, target):
        return disk_full_sentence(target, backup=True)
    return explain_failure(exc, path)


# --- restoring over a damaged file --------------------------------------------------------------


def set_aside(path: str | os.PathLike) -> Path | None:
    """Move a damaged database (and its -wal) out of the way before a restore, keeping it as
    `<db>.rusak-<time>` for whoever wants to rescue rows from it; remove its -shm and the
    marker. Returns where it went, or None when there was no file."""
    path = _path(path)
    if not path.exists():
        clear_damage(path)
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.rusak-{stamp}")
    os.replace(path, kept)
    wal = Path(f"{path}-wal")
    if wal.exists():
        os.replace(wal, Path(f"{kept}-wal"))
    shm = Path(f"{path}-shm")
    if shm.exists():
        shm.unlink()
    clear_damage(path)
    return kept


def is_damaged_now(path: str | os.PathLike) -> bool:
    """For restore: marked damaged, or a quick check on the file finds damage now."""
    path = _path(path)
    if not path.exists():
        return False
    if is_marked(path):
        return True
    if not _is_ours(path):
        return False
    return bool(_confirms_damage(path))
