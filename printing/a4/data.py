"""Plain data the A4 documents are printed from, with a JSON-ready form so a recorded print job
can be printed again exactly as it was."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any


class _Payload:
    """`to_payload()` gives a dict of JSON types; `from_payload()` rebuilds the object."""

    def to_payload(self) -> dict[str, Any]:
        return {f.name: _encode(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_payload(cls, data: dict[str, Any]):
        known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
        values = {}
        for name, value in data.items():
            if name not in known:
                continue  # a payload written by a newer version keeps printing
            kind = str(known[name].type)
            if isinstance(value, str) and value and kind.startswith("datetime"):
                value = datetime.fromisoformat(value)
            elif isinstance(value, str) and value and kind.startswith("date"):
                value = date.fromisoformat(value)
            values[name] = value
        return cls(**values)


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, _Payload):
        return value.to_payload()
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


@dataclass(kw_only=True)
class OfficeLetterhead(_Payload):
    """The office profile as printed at the top of every document; `zone` labels local times."""

    name: str
    kecamatan: str = ""
    kabupaten: str = ""  # kabupaten or kota, as the admin typed it
    province: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    opening_hours: str = ""
    zone: str = "WIB"


@dataclass(kw_only=True)
class RequirementLine(_Payload):
    """One requirement (persyaratan) of a request: mandatory (wajib) or optional, present or not."""

    text: str
    mandatory: bool = True
    checked: bool = False
    note: str = ""

    @classmethod
    def coerce(cls, value: Any) -> RequirementLine:
        """Accept a RequirementLine, a dict, or a tuple (text, mandatory, checked, note)."""
        if isinstance(value, RequirementLine):
            return value
        if isinstance(value, dict):
            return cls.from_payload(value)
        text, *rest = tuple(value)
        mandatory = bool(rest[0]) if len(rest) > 0 else True
        checked = bool(rest[1]) if len(rest) > 1 else False
        note = rest[2] if len(rest) > 2 and rest[2] is not None else ""
        return cls(text=text, mandatory=mandatory, checked=checked, note=note)


@dataclass(kw_only=True)
class RequestReceiptData(_Payload):
    """What the request receipt (tanda terima) shows; NIK and KK number already masked."""

    reg_no: str
    service_name: str
    applicant_name: str
    nik_masked: str
    created_at: datetime  # local time
    kk_masked: str = ""
    phone: str = ""
    desa: str = ""
    channel_label: str = ""
    due_date: date | None = None
    requirements: list[RequirementLine] = field(default_factory=list)
    status_label: str = ""
    staff_name: str = ""
    notice: str = ""  # why the personal data is held and for how long

    def __post_init__(self) -> None:
        self.requirements = [RequirementLine.coerce(line) for line in self.requirements]


@dataclass(kw_only=True)
class ChecklistSheetData(_Payload):
    """The requirement checklist (daftar periksa berkas) ticked by hand and signed; requirement
    lines may be given as RequirementLine, dict or (text, mandatory, checked, note) tuples."""

    reg_no: str
    service_name: str
    applicant_name: str
    nik_masked: str
    created_at: datetime  # local time
    requirements: list[RequirementLine] = field(default_factory=list)
    staff_name: str = ""
    kk_masked: str = ""
    phone: str = ""
    desa: str = ""

    def __post_init__(self) -> None:
        self.requirements = [RequirementLine.coerce(line) for line in self.requirements]


@dataclass(kw_only=True)
class PickupProofData(_Payload):
    """The proof of collection (bukti pengambilan); `collector_kind` is self, family, proxy or
    electronic and only decides which reminder is printed, `collector_kind_label` is shown."""

    reg_no: str
    service_name: str
    applicant_name: str
    nik_masked: str
    collector_kind_label: str
    collector_name: str
    collector_nik_masked: str
    at: datetime  # local time
    staff_name: str = ""
    note: str = ""
    collector_kind: str = ""


@dataclass(kw_only=True)
class ReportColumn(_Payload):
    """A report column: its heading, its share of the page width and its alignment (L, C, R)."""

    title: str
    weight: float = 1.0
    align: str = "L"

    @classmethod
    def coerce(cls, value: Any) -> ReportColumn:
        if isinstance(value, ReportColumn):
            return value
        if isinstance(value, dict):
            return cls.from_payload(value)
        return cls(title=str(value))


@dataclass(kw_only=True)
class ReportData(_Payload):
    """A tabular report (daily or monthly recap); `totals` is printed as a last, bold row."""

    title: str
    columns: list[ReportColumn]  # a plain string becomes a column with that heading
    rows: list[list[Any]] = field(default_factory=list)
    subtitle: str = ""
    period: str = ""
    totals: list[Any] | None = None

    def __post_init__(self) -> None:
        self.columns = [ReportColumn.coerce(column) for column in self.columns]
