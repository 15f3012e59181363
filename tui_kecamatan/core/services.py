"""The services (layanan) the office offers, kept by the admin, each with its requirement list:
the documents (berkas) copied into a request's checklist and the health-protocol steps
(protokol) checked before a ticket is served. The desa list, holidays and message templates are
core.desa, core.holidays and core.templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from peewee import fn

from tui_kecamatan.core import audit
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.text import REASON_MAX, clean_name, clean_text
from tui_kecamatan.db.models import Service, ServiceRequirement, database
from tui_kecamatan.errors import InvalidInput, NotFound, Refused
from tui_kecamatan.i18n import _

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,29}$")
PREFIX_RE = re.compile(r"^[A-Z]$")
MAX_TARGET_DAYS = 90
REQUIREMENT_MAX = 300
KINDS = ("berkas", "protokol")


@dataclass(frozen=True)
class RequirementInfo:
    id: int
    text: str
    mandatory: bool
    position: int
    kind: str  # berkas | protokol


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name: str
    prefix: str
    target_days: int
    needs_kk: bool
    suspended: bool
    suspended_reason: str
    urgent_only: bool
    active: bool
    position: int
    requirements: tuple[RequirementInfo, ...]

    @property
    def documents(self) -> tuple[RequirementInfo, ...]:
        """The 'berkas' items, the ones copied into a request's checklist."""
        return tuple(r for r in self.requirements if r.kind == "berkas")

    @property
    def protocol(self) -> tuple[RequirementInfo, ...]:
        return tuple(r for r in self.requirements if r.kind == "protokol")


# --- reading (any role) ---------------------------------------------------------------------


def _requirement_info(row: ServiceRequirement) -> RequirementInfo:
    return RequirementInfo(row.id, row.text, bool(row.mandatory), row.position, row.kind)


def _service_info(row: Service) -> ServiceInfo:
    requirements = (
        ServiceRequirement.select()
        .where(ServiceRequirement.service == row.id)
        .order_by(ServiceRequirement.position, ServiceRequirement.id)
    )
    return ServiceInfo(
        id=row.id,
        code=row.code,
        name=row.name,
        prefix=row.prefix,
        target_days=row.target_days,
        needs_kk=bool(row.needs_kk),
        suspended=bool(row.suspended),
        suspended_reason=row.suspended_reason,
        urgent_only=bool(row.urgent_only),
        active=bool(row.active),
        position=row.position,
        requirements=tuple(_requirement_info(r) for r in requirements),
    )


def list_services(include_inactive: bool = False) -> list[ServiceInfo]:
    """The services in the admin's order, each with its requirement list."""
    query = Service.select().order_by(Service.position, Service.id)
    if not include_inactive:
        query = query.where(Service.active == True)  # noqa: E712 - peewee expression
    return [_service_info(row) for row in query]


def _find_service(ref: int | str) -> Service:
    if isinstance(ref, int) and not isinstance(ref, bool):
        row = Service.get_or_none(Service.id == ref)
    else:
        row = Service.get_or_none(Service.code == str(ref or "").strip().upper())
    if row is None:
        raise NotFound(_("Layanan {code} tidak ada.").format(code=clean_text(ref, 40)))
    return row


def get_service(ref: int | str) -> ServiceInfo:
    """A service by id or by code (KK, KTP ...)."""
    return _service_info(_find_service(ref))


# --- services -------------------------------------------------------------------------------


def _given(**fields: tuple[object, Callable[[object], object]]) -> dict:
    """The fields an edit was given (not None), each through its check, in the order named."""
    return {name: check(value) for name, (value, check) in fields.items() if value is not None}


def _changed(row: object, changes: dict) -> dict:
    """The changes that differ from what `row` holds."""
    return {name: value for name, value in changes.items() if getattr(row, name) != value}


def _check_code(value: object) -> str:
    code = str(value or "").strip().upper()
    if not CODE_RE.match(code):
        raise InvalidInput(_("Kode layanan harus huruf besar A-Z, angka atau garis bawah, diawali huruf (mis. PINDAH_KELUAR)."))
    return code


def _check_prefix(value: object) -> str:
    prefix = str(value or "").strip().upper()
    if not PREFIX_RE.match(prefix):
        raise InvalidInput(_("Awalan antrian harus satu huruf A-Z."))
    return prefix


def _check_name(value: object) -> str:
    name = clean_name(value)
    if not name:
        raise InvalidInput(_("Nama layanan wajib diisi."))
    return name


def _check_target(value: object) -> int:
    try:
        days = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        days = -1
    if isinstance(value, bool) or not 0 <= days <= MAX_TARGET_DAYS:
        raise InvalidInput(_("Target penyelesaian harus 0 sampai {n} hari kerja.").format(n=MAX_TARGET_DAYS))
    return days


def _refuse_taken(code: str | None, prefix: str | None, exclude_id: int | None) -> None:
    others = Service.select()
    if exclude_id is not None:
        others = others.where(Service.id != exclude_id)
    if code is not None and others.where(Service.code == code).exists():
        raise Refused(_("Kode layanan {code} sudah dipakai.").format(code=code))
    if prefix is not None:
        taken = others.where(Service.prefix == prefix).first()
        if taken is not None:
            raise Refused(_("Awalan antrian {prefix} sudah dipakai layanan {name}.").format(prefix=prefix, name=taken.name))


def add_service(
    actor: Actor,
    *,
    code: str,
    name: str,
    prefix: str,
    target_days: int = 3,
    needs_kk: bool = False,
) -> ServiceInfo:
    """A new service, placed after the others, with an empty requirement list."""
    require(actor, Role.ADMIN)
    code, name, prefix, target_days = _check_code(code), _check_name(name), _check_prefix(prefix), _check_target(target_days)
    with database.atomic():
        _refuse_taken(code, prefix, None)
        position = (Service.select(fn.MAX(Service.position)).scalar() or 0) + 1
        row = Service.create(code=code, name=name, prefix=prefix, target_days=target_days, needs_kk=bool(needs_kk), position=position)
        audit.record(actor, "layanan_ditambah", "service", row.id, f"{code} {name} (awalan {prefix}, {target_days} hari kerja)")
        return _service_info(row)


def edit_service(
    actor: Actor,
    service: int | str,
    *,
    code: str | None = None,
    name: str | None = None,
    prefix: str | None = None,
    target_days: int | None = None,
    needs_kk: bool | None = None,
    urgent_only: bool | None = None,
) -> ServiceInfo:
    """Change what is given; existing requests keep their own due date and checklist."""
    require(actor, Role.ADMIN)
    changes = _given(
        code=(code, _check_code), name=(name, _check_name), prefix=(prefix, _check_prefix),
        target_days=(target_days, _check_target), needs_kk=(needs_kk, bool), urgent_only=(urgent_only, bool),
    )
    with database.atomic():
        row = _find_service(service)
        changes = _changed(row, changes)
        if not changes:
            return _service_info(row)
        _refuse_taken(changes.get("code"), changes.get("prefix"), row.id)
        Service.update(**changes).where(Service.id == row.id).execute()
        detail = ", ".join(f"{k}: {getattr(row, k)} -> {v}" for k, v in changes.items())
        audit.record(actor, "layanan_diubah", "service", row.id, f"{row.code}: {detail}")
        return _service_info(Service.get_by_id(row.id))


def suspend_service(actor: Actor, service: int | str, reason: str) -> ServiceInfo:
    """Stop a service (tickets and requests refused) with the reason shown to staff and on the kiosk."""
    require(actor, Role.ADMIN)
    reason = clean_text(reason, REASON_MAX)
    if not reason:
        raise InvalidInput(_("Alasan penundaan layanan wajib diisi."))
    with database.atomic():
        row = _find_service(service)
        if row.suspended:
            raise Refused(_("Layanan {name} sudah ditunda.").format(name=row.name))
        Service.update(suspended=True, suspended_reason=reason).where(Service.id == row.id).execute()
        audit.record(actor, "layanan_ditunda", "service", row.id, f"{row.code}: {reason}")
        return _service_info(Service.get_by_id(row.id))


def resume_service(actor: Actor, service: int | str) -> ServiceInfo:
    require(actor, Role.ADMIN)
    with database.atomic():
        row = _find_service(service)
        if not row.suspended:
            raise Refused(_("Layanan {name} tidak sedang ditunda.").format(name=row.name))
        Service.update(suspended=False, suspended_reason="").where(Service.id == row.id).execute()
        audit.record(actor, "layanan_dilanjutkan", "service", row.id, row.code)
        return _service_info(Service.get_by_id(row.id))


def set_service_active(actor: Actor, service: int | str, active: bool) -> ServiceInfo:
    """Retire a service from the lists (its requests stay) or bring it back."""
    require(actor, Role.ADMIN)
    with database.atomic():
        row = _find_service(service)
        if bool(row.active) == bool(active):
            return _service_info(row)
        Service.update(active=bool(active)).where(Service.id == row.id).execute()
        audit.record(actor, "layanan_diaktifkan" if active else "layanan_dinonaktifkan", "service", row.id, row.code)
        return _service_info(Service.get_by_id(row.id))


# --- requirement lists ----------------------------------------------------------------------


def _check_requirement_text(value: object) -> str:
    text = clean_text(value, REQUIREMENT_MAX)
    if not text:
        raise InvalidInput(_("Teks persyaratan wajib diisi."))
    return text


def _check_kind(value: object) -> str:
    kind = str(value or "").strip().lower()
    if kind not in KINDS:
        raise InvalidInput(_("Jenis persyaratan harus berkas atau protokol."))
    return kind


def _get_requirement(requirement_id: int) -> ServiceRequirement:
    row = ServiceRequirement.get_or_none(ServiceRequirement.id == requirement_id)
    if row is None:
        raise NotFound(_("Persyaratan itu tidak ada (mungkin sudah dihapus)."))
    return row


def _ordered_ids(service_id: int) -> list[int]:
    query = (
        ServiceRequirement.select(ServiceRequirement.id)
        .where(ServiceRequirement.service == service_id)
        .order_by(ServiceRequirement.position, ServiceRequirement.id)
    )
    return [row.id for row in query]


def _renumber(ids: list[int]) -> None:
    for position, requirement_id in enumerate(ids):
        ServiceRequirement.update(position=position).where(ServiceRequirement.id == requirement_id).execute()


def _place(ids: list[int], requirement_id: int, position: int | None) -> list[int]:
    ids = [i for i in ids if i != requirement_id]
    index = len(ids) if position is None else max(0, min(int(position), len(ids)))
    ids.insert(index, requirement_id)
    return ids


def add_requirement(
    actor: Actor,
    service: int | str,
    text: str,
    *,
    mandatory: bool = True,
    kind: str = "berkas",
    position: int | None = None,
) -> RequirementInfo:
    """Add a line to a service's list, at `position` (0 = first) or at the end.

    Requests already taken keep the checklist they were given.
    """
    require(actor, Role.ADMIN)
    text, kind = _check_requirement_text(text), _check_kind(kind)
    with database.atomic():
        row = _find_service(service)
        item = ServiceRequirement.create(service=row.id, text=text, mandatory=bool(mandatory), kind=kind, position=10_000)
        _renumber(_place(_ordered_ids(row.id), item.id, position))
        flag = "wajib" if mandatory else "tidak wajib"
        audit.record(actor, "persyaratan_ditambah", "service", row.id, f"{row.code}: {text} ({kind}, {flag})")
        return _requirement_info(ServiceRequirement.get_by_id(item.id))


def edit_requirement(
    actor: Actor,
    requirement_id: int,
    *,
    text: str | None = None,
    mandatory: bool | None = None,
    kind: str | None = None,
    position: int | None = None,
) -> RequirementInfo:
    """Change a line's text, whether it is mandatory, its kind, or move it to `position`."""
    require(actor, Role.ADMIN)
    changes = _given(text=(text, _check_requirement_text), mandatory=(mandatory, bool), kind=(kind, _check_kind))
    with database.atomic():
        row = _get_requirement(requirement_id)
        service = Service.get_by_id(row.service_id)
        changes = _changed(row, changes)
        if changes:
            ServiceRequirement.update(**changes).where(ServiceRequirement.id == row.id).execute()
        moved = False
        if position is not None:
            before = _ordered_ids(service.id)
            after = _place(before, row.id, position)
            moved = after != before
            if moved:
                _renumber(after)
        if changes or moved:
            detail = ", ".join(f"{k}: {v}" for k, v in changes.items())
            if moved:
                detail = ", ".join(filter(None, [detail, f"posisi {int(position) + 1}"]))
            audit.record(actor, "persyaratan_diubah", "service", service.id, f"{service.code}: {row.text} -> {detail}")
        return _requirement_info(ServiceRequirement.get_by_id(row.id))


def remove_requirement(actor: Actor, requirement_id: int) -> None:
    require(actor, Role.ADMIN)
    with database.atomic():
        row = _get_requirement(requirement_id)
        service = Service.get_by_id(row.service_id)
        ServiceRequirement.delete().where(ServiceRequirement.id == row.id).execute()
        _renumber(_ordered_ids(service.id))
        audit.record(actor, "persyaratan_dihapus", "service", service.id, f"{service.code}: {row.text}")


def reorder_requirements(actor: Actor, service: int | str, requirement_ids: list[int]) -> ServiceInfo:
    """Put a service's requirements in the given order; the list must name each of them once."""
    require(actor, Role.ADMIN)
    with database.atomic():
        row = _find_service(service)
        current = _ordered_ids(row.id)
        wanted = [int(i) for i in requirement_ids]
        if sorted(wanted) != sorted(current):
            raise InvalidInput(_("Urutan baru harus memuat setiap persyaratan layanan ini tepat satu kali."))
        if wanted != current:
            _renumber(wanted)
            audit.record(actor, "persyaratan_diurutkan", "service", row.id, f"{row.code}: {wanted}")
        return _service_info(row)
