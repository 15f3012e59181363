"""The audit trail: every change writes who, when, what, which record and a short detail, inside
the change's own transaction. The table refuses UPDATE and DELETE (see db.migrations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui_kecamatan.core import clock
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db.models import AuditEvent


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
    AuditEvent.create(
        at=clock.now_utc(),
        staff=getattr(actor, "id", None) or None,
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
