"""The audit trail: every change writes who, when, what, which record and a short detail, inside
the change's own transaction. The table refuses UPDATE, DELETE and REPLACE (see db.migrations),
and each row is chained to the one before by a hash (db.audit_chain) that `check` verifies."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from tui_kecamatan.core import clock
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db import audit_chain, migrations
from tui_kecamatan.db.models import AuditEvent, database
from tui_kecamatan.i18n import _


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    table_name: str
    record_id: int | None
    detail: str


def record(actor, action: str, table: str = "", record_id: int | None = None, detail: str = "") -> None:
    """Write one audit row; call it inside the transaction of the change it describes.

    `actor` is an accounts.Actor (or None for the system itself).
    """
    # Nested in the caller's transaction this is a savepoint; alone it is BEGIN IMMEDIATE. Either
    # way the write lock is held, so the last row's hash read by `append` stays the last one.
    with database.atomic():
        audit_chain.append(
            database,
            at=clock.now_utc(),
            staff_id=getattr(actor, "id", None) or None,
            actor=getattr(actor, "username", "sistem") if actor is not None else "sistem",
            action=action,
            table_name=table,
            record_id=record_id,
            detail=clean_text(detail, 500),
        )


def events_for(table: str, record_id: int) -> list[AuditRow]:
    """The audit rows of one record, oldest first."""
    query = (
        AuditEvent.select()
        .where((AuditEvent.table_name == table) & (AuditEvent.record_id == record_id))
        .order_by(AuditEvent.id)
    )
    return [AuditRow(e.at, e.actor, e.action, e.table_name, e.record_id, e.detail) for e in query]


# --- verifying the trail (`tui-kecamatan check`) ----------------------------------------------


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _when(at) -> str:
    """A stored time (naive UTC text) as local time for a sentence; anything else cleaned as is."""
    try:
        local = clock.to_local(datetime.fromisoformat(str(at)))
    except (ValueError, OverflowError):
        return clean_text(str(at), 40)
    return f"{local:%Y-%m-%d %H:%M} {clock.zone_abbreviation()}"


def _short(digest: str) -> str:
    return f"{digest[:8]}…{digest[-4:]}"


def _break_sentence(found: audit_chain.Break) -> str:
    if found.reason == "unreadable":
        if not found.missing_from:
            return _("Rantai audit tidak dapat dibaca; basis data mungkin rusak.")
        return _("Rantai audit tidak dapat dibaca lagi setelah catatan no. {id}; basis data mungkin rusak.").format(
            id=found.missing_from)
    where = _("catatan no. {id} ({when}, {action})").format(
        id=clean_text(str(found.id), 20), when=_when(found.at), action=clean_text(str(found.action), 60))
    if found.reason == "no_hash":
        why = _("catatan itu tidak punya hash, jadi ditambahkan di luar aplikasi")
    elif found.reason == "gap":
        why = (_("catatan no. {a} tidak ada lagi").format(a=found.missing_from) if found.missing_from == found.missing_to
               else _("catatan no. {a} sampai {b} tidak ada lagi").format(a=found.missing_from, b=found.missing_to))
        why += _(", jadi dihapus di luar aplikasi")
    else:
        why = _("isinya tidak cocok dengan hash-nya; catatan itu atau yang tepat sebelumnya diubah, "
                "dihapus atau disisipkan di luar aplikasi")
    return _("Rantai audit putus di {where}: {why}.").format(where=where, why=why)


def check_trail(connection: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """Verify the audit triggers and the hash chain; return (problems, report lines).

    The chain is read with one cursor in id order, never as a list, so a million rows take
    seconds and little memory. The report's last line holds the latest hash in full: kept on
    paper, it proves later that the history up to that row was not rewritten.
    """
    problems: list[str] = []
    try:
        missing, changed = migrations.audit_trigger_state(connection)
    except sqlite3.DatabaseError:  # a damaged schema: the integrity check says more
        problems.append(_("Pemicu audit tidak dapat diperiksa; basis data mungkin rusak."))
        missing, changed = [], []
    if missing:
        problems.append(_("Pemicu audit hilang: {names}; catatan audit dapat diubah atau dihapus. "
                          "Pasang lagi dengan: tui-kecamatan init.").format(names=", ".join(missing)))
    if changed:
        problems.append(_("Pemicu audit diganti: {names}; catatan audit dapat diubah atau dihapus. "
                          "Pasang lagi dengan: tui-kecamatan init.").format(names=", ".join(changed)))
    if missing or changed:
        state = _("{n} hilang atau diganti").format(n=len(missing) + len(changed))
    else:
        state = _("tidak dapat diperiksa") if problems else _("lengkap")
    lines = [_("Pemicu audit: {state}").format(state=state)]

    def rows():  # the query itself inside the walk, so a damaged table is a break, not a crash
        yield from connection.execute(audit_chain.ROWS_IN_ORDER)

    report = audit_chain.verify(rows())
    if report.first_break is not None:
        problems.append(_break_sentence(report.first_break))
        if report.broken > 1:
            problems.append(_("Selain itu {n} catatan audit lain juga tidak cocok dengan rantainya.").format(
                n=_number(report.broken - 1)))
        lines.append(_("Rantai audit: PUTUS ({n} catatan diperiksa).").format(n=_number(report.count)))
    elif report.count == 0:
        lines.append(_("Rantai audit: belum ada catatan."))
    else:
        lines.append(_("Rantai audit utuh: {n} catatan, hash terakhir {short} (no. {id}, {when})").format(
            n=_number(report.count), short=_short(report.last_hash), id=report.last_id, when=_when(report.last_at)))
        lines.append(_("Hash terakhir lengkap: {digest}").format(digest=report.last_hash))
    return problems, lines
