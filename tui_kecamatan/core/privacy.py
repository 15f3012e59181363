"""Personal data: how long the office keeps it, and removing it when that time is over.

The retention period (months) is kept in the database (`setting` key `privasi_retensi_bulan`,
default 24) so every desk agrees. A request closed (collected, delivered, rejected or cancelled)
before the cut-off has its applicant's data anonymised: name, NIK, KK number, phone, desa, the
notes on its requirement items, its cancel/reject reason, the collector's name, NIK and note, the
phone and text of its contacts, and the payloads of its print jobs. What the reports count stays:
the service, the dates, the states, the channel, the kind of collector, the urgent reason. A
citizen whose every request is anonymised is anonymised too. Drafts older than the cut-off go.

The purge is one transaction with SQLite's secure_delete on, so the old values are overwritten in
the file rather than left in free pages; the search index is merged afterwards and the WAL is
checkpointed, so a purged NIK is found nowhere in the database file. The audit trail is
append-only and hash-chained: it is not changed; request events name the registration number and
a masked NIK, never a full NIK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from tui_kecamatan.core import accounts, audit, clock
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.db.models import (
    Citizen, Contact, Draft, Pickup, PrintJob, Request, RequestItem, Setting, database,
)
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

RETENTION_KEY = "privasi_retensi_bulan"
DEFAULT_RETENTION_MONTHS = 24
MIN_RETENTION_MONTHS = 6
MAX_RETENTION_MONTHS = 240
CLOSED_STATES = ("picked_up", "delivered", "rejected", "cancelled")
# What an anonymised request shows where the applicant's name was.
ANONYMOUS = "(data dihapus)"
BATCH = 500


def retention_months() -> int:
    """The office's retention period in months."""
    row = Setting.get_or_none(Setting.key == RETENTION_KEY)
    try:
        months = int(row.value) if row is not None else DEFAULT_RETENTION_MONTHS
    except (TypeError, ValueError):
        return DEFAULT_RETENTION_MONTHS
    return months if MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS else DEFAULT_RETENTION_MONTHS


def check_months(value: object) -> int:
    """A retention period typed by a person: whole months within the allowed range."""
    try:
        months = int(str(value).strip())
    except (TypeError, ValueError):
        months = None
    if months is None or not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise InvalidInput(_("Masa simpan harus {low}-{high} bulan.").format(
            low=MIN_RETENTION_MONTHS, high=MAX_RETENTION_MONTHS))
    return months


def set_retention(actor: Actor, months: object) -> int:
    """Save the retention period (admin), audited."""
    accounts.require(actor, Role.ADMIN)
    months = check_months(months)
    with database.atomic():
        Setting.insert(key=RETENTION_KEY, value=str(months)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: str(months)}).execute()
        audit.record(actor, "masa_simpan_diubah", "setting", None, f"{months} bulan")
    return months


def notice_text() -> str:
    """The personal-data notice printed on request receipts, from the office's template."""
    from tui_kecamatan.core import messages, templates
    from tui_kecamatan.core.text import clean_text

    office_name, hours = messages.office_name_and_hours()
    values = {"kantor": office_name, "jam": hours, "masa_simpan": retention_months()}
    try:
        text = templates.get_template("notice").format(**values)
    except (KeyError, IndexError, ValueError):
        from tui_kecamatan.db.seed import TEMPLATES

        text = TEMPLATES["template.notice"].format(**values)
    return clean_text(text, templates.TEMPLATE_MAX)


def cutoff_day(months: int, today: date | None = None) -> date:
    """The first local day whose closed requests are kept: `months` calendar months before today
    (the 31st becomes the last day of a shorter month)."""
    today = today or clock.today()
    total = today.year * 12 + (today.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for day in range(today.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, min(today.day, 28))


@dataclass(frozen=True)
class PurgePreview:
    months: int
    cutoff: date  # requests closed before this local day are anonymised
    requests: int
    citizens: int
    oldest: date | None  # local days the requests were closed
    newest: date | None

    def as_json(self) -> dict:
        return {"months": self.months, "cutoff": self.cutoff.isoformat(), "requests": self.requests,
                "citizens": self.citizens, "oldest": self.oldest and self.oldest.isoformat(),
                "newest": self.newest and self.newest.isoformat()}


@dataclass(frozen=True)
class PurgeResult:
    preview: PurgePreview
    requests: int
    citizens: int
    drafts: int
    print_jobs: int
    contacts: int
    pickups: int

    def as_json(self) -> dict:
        return {**self.preview.as_json(), "requests": self.requests, "citizens": self.citizens,
                "drafts": self.drafts, "print_jobs": self.print_jobs, "contacts": self.contacts,
                "pickups": self.pickups}


def _due(cutoff_start: datetime):
    """Requests past retention that still hold personal data."""
    return (Request.status.in_(CLOSED_STATES) & Request.closed_at.is_null(False)
            & (Request.closed_at < cutoff_start) & ~((Request.nik == "") & (Request.name == ANONYMOUS)))


def _months_or_setting(months: object | None) -> int:
    return retention_months() if months is None else check_months(months)


def _local_day(moment: datetime | None) -> date | None:
    return None if moment is None else clock.to_local(moment).date()


def preview(actor: Actor, months: object | None = None) -> PurgePreview:
    """What a purge with `months` (the office's setting when None) would touch."""
    accounts.require(actor, Role.ADMIN)
    months = _months_or_setting(months)
    cutoff = cutoff_day(months)
    start, _end = clock.local_day_bounds(cutoff)
    from peewee import fn

    count, citizens, oldest, newest = (
        Request.select(fn.COUNT(Request.id), fn.COUNT(Request.citizen.distinct()), fn.MIN(Request.closed_at),
                       fn.MAX(Request.closed_at))
        .where(_due(start)).tuples().get()
    )
    as_time = (lambda v: v if isinstance(v, datetime) or v is None else datetime.fromisoformat(str(v)))
    return PurgePreview(months, cutoff, count, citizens, _local_day(as_time(oldest)), _local_day(as_time(newest)))


def purge(actor: Actor, months: object | None = None, *,
          progress: Callable[[int, int], None] | None = None) -> PurgeResult:
    """Anonymise every request past retention, in one transaction, audited with the counts.
    `progress(done, total)` is called after each batch of requests."""
    accounts.require(actor, Role.ADMIN)
    months = _months_or_setting(months)
    cutoff = cutoff_day(months)
    start, _end = clock.local_day_bounds(cutoff)
    counts = {"requests": 0, "citizens": 0, "drafts": 0, "print_jobs": 0, "contacts": 0, "pickups": 0}
    database.execute_sql("PRAGMA secure_delete = ON")
    try:
        with database.atomic():
            summary = preview(actor, months)
            ids = [row[0] for row in Request.select(Request.id).where(_due(start)).order_by(Request.id).tuples()]
            citizens: set[int] = set()
            for first in range(0, len(ids), BATCH):
                batch = ids[first:first + BATCH]
                citizens.update(row[0] for row in Request.select(Request.citizen).where(Request.id.in_(batch)).tuples())
                counts["requests"] += Request.update(
                    name=ANONYMOUS, nik="", kk_number="", phone="", desa="", reason="",
                ).where(Request.id.in_(batch)).execute()
                RequestItem.update(note="").where(RequestItem.request.in_(batch) & (RequestItem.note != "")).execute()
                counts["pickups"] += Pickup.update(collector_name="", collector_nik="", note="").where(
                    Pickup.request.in_(batch)).execute()
                counts["contacts"] += Contact.update(phone="", message="").where(Contact.request.in_(batch)).execute()
                counts["print_jobs"] += PrintJob.update(payload="").where(
                    (PrintJob.ref_table == "request") & PrintJob.ref_id.in_(batch) & (PrintJob.payload != "")).execute()
                if progress is not None:
                    progress(min(first + BATCH, len(ids)), len(ids))
            # A citizen is anonymised once none of their requests holds their data any more.
            keep = {row[0] for row in Request.select(Request.citizen).where(
                Request.citizen.in_(list(citizens)) & (Request.nik != "")).tuples()} if citizens else set()
            for citizen_id in sorted(citizens - keep):
                counts["citizens"] += Citizen.update(
                    nik=f"dihapus-{citizen_id}", name=ANONYMOUS, kk_number="", phone="", desa="",
                ).where(Citizen.id == citizen_id).execute()
            counts["drafts"] = Draft.delete().where(Draft.updated_at < start).execute()
            audit.record(actor, "data_pribadi_dihapus", "request", None,
                         f"masa simpan {months} bulan, ditutup sebelum {cutoff.isoformat()}: "
                         f"{counts['requests']} permohonan, {counts['citizens']} warga, {counts['drafts']} draf")
            if counts["requests"]:
                # The search index keeps deleted entries until its segments are merged.
                database.execute_sql("INSERT INTO request_text(request_text) VALUES ('optimize')")
    finally:
        database.execute_sql("PRAGMA secure_delete = OFF")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return PurgeResult(summary, **counts)


@dataclass(frozen=True)
class PrivacyOverview:
    """The admin's Privasi section: the period, what a purge would touch now, and the backups
    that hold data older than the period (to delete from the backup folder)."""

    preview: PurgePreview
    backup_folder: str
    backups_due: tuple  # backup.BackupFile, oldest first


def backups_due(folder, months: int | None = None) -> tuple:
    """Backups taken before the cut-off: they still hold personal data the office no longer
    keeps, so they are due for deletion (by the admin, from the backup folder)."""
    from tui_kecamatan.core import backup

    cutoff = cutoff_day(retention_months() if months is None else months)
    return tuple(sorted((f for f in backup.list_backups(folder) if f.taken.date() < cutoff), key=lambda f: f.taken))


def overview(actor: Actor, db_path, backup_settings=None) -> PrivacyOverview:
    from tui_kecamatan.core import backup

    plan = preview(actor)
    folder = backup.folder_for(db_path, backup_settings)
    return PrivacyOverview(plan, str(folder), backups_due(folder, plan.months))
