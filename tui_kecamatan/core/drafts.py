"""Drafts of forms a staff member was typing when their terminal went away (an SSH line that
dropped, a closed window): kept in the database as they type, offered back to the same person at
their next login, and deleted once the form is saved or discarded.

A draft is that person's own unsaved typing, not an office record: it holds the form's own fields
and nothing more, only its author ever reads it, and it is written at every pause in the typing.
So it is not audited (a row per pause would flood the append-only audit table); the request it
becomes is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from tui_kecamatan.core import clock
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.text import NAME_MAX, clean_text
from tui_kecamatan.db.models import Draft, Service, database
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

INTAKE = "intake"
# The fields each kind of form may keep, with the longest text each field takes (the form's own
# limits); anything else given is dropped.
FIELDS: dict[str, dict[str, int]] = {
    INTAKE: {
        "service_code": 32,
        "nik": 24,
        "name": NAME_MAX,
        "kk_number": 24,
        "phone": 40,
        "desa": NAME_MAX,
        "channel": 16,
        "urgent": 0,  # a tick box: kept as true or false
    },
}


@dataclass(frozen=True)
class DraftInfo:
    """A draft as the login question and the form see it."""

    kind: str
    data: dict
    updated_at: datetime  # local, aware
    service_name: str  # the service chosen in it, "" when none


def _kind(kind: str) -> str:
    if kind not in FIELDS:
        raise InvalidInput(_("Jenis formulir {kind} tidak dikenal.").format(kind=clean_text(kind, 40)))
    return kind


def _clean(kind: str, data: dict) -> dict:
    """The form's own fields, as text (or a tick), cleaned like any typed text; empty ones left out."""
    kept: dict = {}
    for name, limit in FIELDS[kind].items():
        value = data.get(name) if isinstance(data, dict) else None
        if limit == 0:
            if value:
                kept[name] = True
            continue
        text = clean_text(value if isinstance(value, str) else "", limit)
        if text:
            kept[name] = text
    return kept


def save_draft(actor: Actor, kind: str, data: dict) -> bool:
    """Keep `actor`'s draft of the form `kind`, replacing the one before; a form with nothing
    typed in it deletes the draft instead. True when a draft is kept."""
    require(actor, Role.OPERATOR)
    kind = _kind(kind)
    if actor.id is None:
        return False  # the command line's actor has no account to keep a draft for
    kept = _clean(kind, data)
    if not any(kept.get(name) for name in kept if name != "channel"):
        discard_draft(actor, kind)  # only the default channel: nothing typed
        return False
    with database.atomic():
        (
            Draft.insert(staff=actor.id, kind=kind, data=json.dumps(kept, ensure_ascii=False), updated_at=clock.now_utc())
            .on_conflict(conflict_target=[Draft.staff, Draft.kind], update={
                Draft.data: json.dumps(kept, ensure_ascii=False), Draft.updated_at: clock.now_utc()})
            .execute()
        )
    return True


def load_draft(actor: Actor, kind: str) -> DraftInfo | None:
    """`actor`'s own draft of the form `kind`, or None."""
    require(actor, Role.OPERATOR)
    kind = _kind(kind)
    if actor.id is None:
        return None
    row = Draft.get_or_none((Draft.staff == actor.id) & (Draft.kind == kind))
    if row is None:
        return None
    try:
        stored = json.loads(row.data)
    except ValueError:
        stored = {}
    data = _clean(kind, stored)  # again on the way out: nothing but the form's own fields
    service = Service.get_or_none(Service.code == data["service_code"]) if data.get("service_code") else None
    return DraftInfo(kind, data, clock.to_local(row.updated_at), clean_text(service.name, NAME_MAX) if service else "")


def discard_draft(actor: Actor, kind: str) -> bool:
    """Delete `actor`'s draft of the form `kind` (saved, or left on purpose); True if there was one."""
    require(actor, Role.OPERATOR)
    kind = _kind(kind)
    with database.atomic():
        return Draft.delete().where((Draft.staff == actor.id) & (Draft.kind == kind)).execute() > 0
