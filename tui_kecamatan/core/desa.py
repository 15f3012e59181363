"""The desa and kelurahan of the kecamatan, kept by the admin: the list the intake form offers,
and the canonical spelling a request is stored with."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from tui_kecamatan.core import audit
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.text import NAME_MAX, clean_text
from tui_kecamatan.db.models import Desa, database
from tui_kecamatan.errors import InvalidInput, NotFound, Refused
from tui_kecamatan.i18n import _

DESA_KINDS = ("desa", "kelurahan")


@dataclass(frozen=True)
class DesaInfo:
    id: int
    name: str
    kind: str
    active: bool


def list_desa(include_inactive: bool = False) -> list[DesaInfo]:
    query = Desa.select().order_by(Desa.name)
    if not include_inactive:
        query = query.where(Desa.active == True)  # noqa: E712
    return [DesaInfo(d.id, d.name, d.kind, bool(d.active)) for d in query]


def _check_desa_name(value: object) -> str:
    name = clean_text(value, NAME_MAX)
    if not name:
        raise InvalidInput(_("Nama desa/kelurahan wajib diisi."))
    return name


def _refuse_desa_taken(name: str, exclude_id: int | None) -> None:
    query = Desa.select().where(fn.LOWER(Desa.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Desa.id != exclude_id)
    if query.exists():
        raise Refused(_("Desa/kelurahan {name} sudah ada.").format(name=name))


def _get_desa(desa_id: int) -> Desa:
    row = Desa.get_or_none(Desa.id == desa_id)
    if row is None:
        raise NotFound(_("Desa/kelurahan itu tidak ada."))
    return row


def add_desa(actor: Actor, name: str, kind: str = "desa") -> DesaInfo:
    require(actor, Role.ADMIN)
    name = _check_desa_name(name)
    kind = str(kind or "").strip().lower()
    if kind not in DESA_KINDS:
        raise InvalidInput(_("Jenis wilayah harus desa atau kelurahan."))
    with database.atomic():
        _refuse_desa_taken(name, None)
        row = Desa.create(name=name, kind=kind)
        audit.record(actor, "desa_ditambah", "desa", row.id, f"{kind} {name}")
        return DesaInfo(row.id, row.name, row.kind, True)


def rename_desa(actor: Actor, desa_id: int, name: str) -> DesaInfo:
    """Rename a desa; requests keep the name they were taken with."""
    require(actor, Role.ADMIN)
    name = _check_desa_name(name)
    with database.atomic():
        row = _get_desa(desa_id)
        if row.name != name:
            _refuse_desa_taken(name, row.id)
            Desa.update(name=name).where(Desa.id == row.id).execute()
            audit.record(actor, "desa_diubah", "desa", row.id, f"{row.name} -> {name}")
        return DesaInfo(row.id, name, row.kind, bool(row.active))


def set_desa_active(actor: Actor, desa_id: int, active: bool) -> DesaInfo:
    """Take a desa off the intake list (after a merger, say) or put it back."""
    require(actor, Role.ADMIN)
    with database.atomic():
        row = _get_desa(desa_id)
        if bool(row.active) != bool(active):
            Desa.update(active=bool(active)).where(Desa.id == row.id).execute()
            audit.record(actor, "desa_diaktifkan" if active else "desa_dinonaktifkan", "desa", row.id, row.name)
        return DesaInfo(row.id, row.name, row.kind, bool(active))


def deactivate_desa(actor: Actor, desa_id: int) -> DesaInfo:
    return set_desa_active(actor, desa_id, False)


def active_desa_name(value: object) -> str:
    """The canonical name of an active desa matching `value` (case-insensitive), or InvalidInput."""
    name = clean_text(value, NAME_MAX)
    row = Desa.get_or_none((fn.LOWER(Desa.name) == name.lower()) & (Desa.active == True))  # noqa: E712
    if row is None:
        raise InvalidInput(_("Desa/kelurahan {name} tidak ada dalam daftar kecamatan ini.").format(name=name))
    return row.name
