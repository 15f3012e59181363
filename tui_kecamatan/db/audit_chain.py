"""The audit trail's hash chain: each `audit_event` row stores sha256 over the previous row's hash
and its own fields, so a row changed, removed or slipped in behind the application's back breaks
the chain from that row on, and a copy of the latest hash kept on paper proves later that the
history up to it was not rewritten.

The encoding is fixed (docs/deployment.md shows how to verify it with sqlite3 and hashlib):

    sha256( UTF-8 of json.dumps([previous_hash, id, at, staff_id, actor, action, table_name,
                                 record_id, detail], separators=(",", ":")) ).hexdigest()

with the values exactly as SQLite stores them (`at` is the stored text, e.g.
"2026-12-03 07:05:00.123456", naive UTC; NULL is null), JSON's default ASCII escaping, and
previous_hash "" for the first row. The hash is 64 lowercase hex characters.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

GENESIS = ""
FIELDS = ("id", "at", "staff_id", "actor", "action", "table_name", "record_id", "detail")
ROWS_IN_ORDER = f"SELECT {', '.join(FIELDS)}, hash FROM audit_event ORDER BY id"
_SEAL_BATCH = 1000


def row_hash(previous: str | None, fields: Sequence[Any]) -> str:
    """The hash of one row (`fields` in FIELDS order) chained to `previous` (None counts as "")."""
    payload = json.dumps([previous or GENESIS, *fields], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def stored_time(at: datetime) -> str:
    """A naive UTC time as the text SQLite keeps for it (peewee's own writing)."""
    return at.isoformat(sep=" ")


def append(db, *, at: datetime, staff_id: int | None, actor: str, action: str, table_name: str,
           record_id: int | None, detail: str) -> int:
    """Insert the next audit row with its hash and return its id.

    Call it inside a write transaction (BEGIN IMMEDIATE): the last row read here must still be
    the last one when the new row is inserted.
    """
    last = db.execute_sql("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    new_id = (last[0] if last else 0) + 1
    fields = (new_id, stored_time(at), staff_id, actor, action, table_name, record_id, detail)
    digest = row_hash(last[1] if last else GENESIS, fields)
    db.execute_sql(
        f"INSERT INTO audit_event ({', '.join(FIELDS)}, hash) VALUES ({', '.join('?' * (len(FIELDS) + 1))})",
        (*fields, digest),
    )
    return new_id


def seal(db) -> int:
    """Compute the hash of every row in id order (the schema-3 migration, inside its transaction,
    with the UPDATE trigger dropped); return the number of rows. Works in batches, so a long
    history is never held in memory."""
    connection = db.connection() if hasattr(db, "connection") else db
    previous, after, count = GENESIS, 0, 0
    while True:
        rows = connection.execute(
            f"SELECT {', '.join(FIELDS)} FROM audit_event WHERE id > ? ORDER BY id LIMIT ?", (after, _SEAL_BATCH)
        ).fetchall()
        if not rows:
            return count
        updates = []
        for row in rows:
            previous = row_hash(previous, row)
            updates.append((previous, row[0]))
        connection.executemany("UPDATE audit_event SET hash = ? WHERE id = ?", updates)
        after = rows[-1][0]
        count += len(rows)


@dataclass(frozen=True)
class Break:
    """The first row whose stored hash does not follow from the row before it."""

    id: Any
    at: Any
    action: Any
    reason: str  # "no_hash", "gap" (rows before it are missing), "mismatch", "unreadable"
    missing_from: int | None = None  # for "gap": the first missing id
    missing_to: int | None = None


@dataclass(frozen=True)
class ChainReport:
    count: int
    last_id: int | None
    last_at: Any
    last_hash: str | None
    first_break: Break | None
    broken: int  # rows whose hash does not follow from the stored hash before them


def verify(rows: Iterable[Sequence[Any]]) -> ChainReport:
    """Walk `rows` (ROWS_IN_ORDER: the FIELDS then the stored hash, in id order) once, keeping
    nothing but the previous row. Each row is checked against the stored hash of the row before
    it, so the first break is named and later, separate breaks are counted too."""
    count, broken = 0, 0
    previous, previous_id = GENESIS, 0
    last_id = last_at = last_hash = None
    first: Break | None = None
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            break
        except sqlite3.DatabaseError:
            # A row that cannot even be read (text that is not UTF-8, a damaged page).
            broken += 1
            if first is None:
                first = Break(None, None, None, "unreadable", missing_from=previous_id)
            break
        *fields, stored = row
        count += 1
        try:
            expected = row_hash(previous, fields)
        except (TypeError, ValueError):
            expected = None  # a value no application row can hold (a blob)
        if stored != expected:
            broken += 1
            if first is None:
                row_id = fields[0]
                if stored is None:
                    first = Break(row_id, fields[1], fields[4], "no_hash")
                elif isinstance(row_id, int) and row_id > previous_id + 1:
                    first = Break(row_id, fields[1], fields[4], "gap", previous_id + 1, row_id - 1)
                else:
                    first = Break(row_id, fields[1], fields[4], "mismatch")
        previous, previous_id = stored, fields[0] if isinstance(fields[0], int) else previous_id
        last_id, last_at, last_hash = fields[0], fields[1], stored
    return ChainReport(count, last_id, last_at, last_hash, first, broken)
