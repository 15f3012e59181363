"""State changes of tickets and requests, driven by a table of allowed moves.

Each kind of record lists its moves in one table, `{name: Move(...)}` (`tickets.TICKETS`,
`requests.REQUESTS`): the states a move starts from, the state it ends in, the least role that
may make it, its audit action, the sentence that refuses it in any other state, and whether it
takes a reason. `RecordKind.apply` does the steps every move shares:

    role check -> reason (when the move takes one) -> one transaction: load, state check, the
    move's own checks, compare-and-set, audit row -> the record as plain data again

so a new state or move is one row. Moves with steps of their own (calling the next ticket, a
transfer, saving a checklist, a pickup) use the same table through `check` and
`compare_and_set`, so their refusals and their protection against a concurrent change are the
same as everyone else's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui_kecamatan.core import audit, clock
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.text import REASON_MAX, clean_text
from tui_kecamatan.db.models import database
from tui_kecamatan.errors import InvalidInput, Refused
from tui_kecamatan.i18n import _


def state_value(state: object) -> str:
    """A state as stored: the value of an enum member, or the string itself."""
    return str(getattr(state, "value", state))


@dataclass(frozen=True)
class Step:
    """One move being made, as a move's checks, column values and audit detail see it."""

    actor: Actor
    row: Any  # the record as loaded inside the transaction
    source: str  # its state before the move
    target: str  # its state after the move (the same as `source` for a move that keeps it)
    reason: str  # the cleaned reason; "" for a move that takes none
    now: datetime  # naive UTC, the time of the move


@dataclass(frozen=True)
class Move:
    """One row of a record kind's table of allowed moves."""

    sources: frozenset  # the states the move may start from
    target: object  # the state it ends in: a state, {source: state}, or None (the state is kept)
    refusal: str  # source sentence in any other state; formatted with {status} and the kind's fields
    audit_action: str = ""
    role: Role = Role.OPERATOR  # the least role that may make the move
    reason: str | None = None  # source sentence when the required reason is empty; None: no reason
    guard: Callable[[Any], None] | None = None  # on the loaded record, before the state check
    checks: tuple[Callable[[Step], None], ...] = ()  # after the state check
    values: Callable[[Step], Mapping[str, object]] | None = None  # other columns the move writes
    detail: Callable[[Step], str] | None = None  # the audit detail, when not the kind's own

    def target_from(self, source: str) -> str:
        if self.target is None:
            return source
        if isinstance(self.target, Mapping):
            return state_value(self.target[source])
        return state_value(self.target)


@dataclass(frozen=True)
class RecordKind:
    """A kind of record that moves between states: where it is stored, how it is loaded and shown,
    and its table of moves."""

    table: str  # the audit rows' table name
    model: type  # the peewee model; it has `id` and `status`
    load: Callable[[object], Any]  # the record by reference, or NotFound
    reload: Callable[[int], Any]  # the plain data a move returns, by id
    fields: Callable[[Any], Mapping[str, object]]  # what the sentences name the record by ({code} ...)
    status_text: Callable[[str], str]  # a state as a refusal shows it
    conflict: str  # source sentence when another desk changed the record first
    detail: Callable[[Step], str]  # the audit detail of a move without its own
    moves: Mapping[Any, Move]
    touched: str | None = None  # a column set to the time of every change (updated_at)

    def refusal(self, name: object, row: Any) -> str:
        """The sentence that explains why move `name` does not apply to `row` in its state."""
        return _(self.moves[name].refusal).format(status=self.status_text(row.status), **self.fields(row))

    def check(self, name: object, row: Any) -> str:
        """The record's state when move `name` may start from it; Refused with its sentence if not."""
        if row.status not in self.moves[name].sources:
            raise Refused(self.refusal(name, row))
        return row.status

    def compare_and_set(self, row: Any, expected: object, **values: object) -> None:
        """Write `values` only if the record is still in state `expected`, so a change another desk
        made since it was read is refused with a sentence instead of overwritten."""
        if self.touched:
            values.setdefault(self.touched, clock.now_utc())
        model = self.model
        changed = model.update(**values).where((model.id == row.id) & (model.status == state_value(expected))).execute()
        if changed != 1:
            raise Refused(_(self.conflict).format(**self.fields(row)))

    def apply(self, actor: Actor, name: object, ref: object, reason: object = None) -> Any:
        """Make move `name` on the record `ref`: every step a move shares, in one transaction."""
        move = self.moves[name]
        require(actor, move.role)
        cleaned = ""
        if move.reason is not None:
            cleaned = clean_text(reason, REASON_MAX)
            if not cleaned:
                raise InvalidInput(_(move.reason))
        with database.atomic():
            row = self.load(ref)
            if move.guard is not None:
                move.guard(row)
            source = self.check(name, row)
            step = Step(actor, row, source, move.target_from(source), cleaned, clock.now_utc())
            for check in move.checks:
                check(step)
            values = dict(move.values(step)) if move.values is not None else {}
            if step.target != source:
                values["status"] = step.target
            self.compare_and_set(row, source, **values)
            audit.record(actor, move.audit_action, self.table, row.id, (move.detail or self.detail)(step))
            return self.reload(row.id)
