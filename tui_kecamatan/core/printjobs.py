"""Print jobs: every document is recorded before it is printed, sent outside any transaction,
and marked printed or failed with the printer's own sentence, so a failed print is never lost.

Flow: the caller records a job inside its own transaction (`record_job`, so the record and its
job commit together), then, after the commit and off the UI's event loop, calls `send_job`.
`retry_failed` sends failed jobs again, oldest first.

Extending: a job's `kind` names a renderer, `func(payload, settings) -> bytes | Rendered`,
registered with `register_renderer(kind, func, media=...)`. A job's `printer` names the config
section `[printers.NAME]`; its media is "a4" for the section `a4` and "receipt" for every other
one. The rendered bytes go to the deliverer registered for the media with `register_deliverer`,
`func(data, settings, name) -> str | None` (`name` is the document's file name without
extension, from `Rendered.name` or "<kind>-<job id>"; a returned string says where the document
went, e.g. the saved PDF's path). The receipt media is delivered by `printing.devices.send`
(ESC/POS); the a4 media by what the A4 module registers (PDF to `lp` or to a folder). Modules
register at import time, so the entry points import them before printing. Built in: "ticket",
"test", "proof_slip" and "receipt_slip" for receipt printers.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from printing import devices, receipt
from printing.errors import PrinterError
from printing.settings import PrinterSettings
from tui_kecamatan.core import audit, clock
from tui_kecamatan.core.accounts import Role, require
from tui_kecamatan.db.models import OfficeProfile, PrintJob, database
from tui_kecamatan.errors import AppError, InvalidInput, NotFound, PrintFailed
from tui_kecamatan.i18n import _

log = logging.getLogger(__name__)


# Statuses: pending (recorded, not yet tried), sending (one station is sending it now),
# printed, failed. While a job is `sending`, its `printed_at` holds the time the attempt began,
# so a job whose sender died can be told from one still on its way.
PENDING, SENDING, PRINTED, FAILED = "pending", "sending", "printed", "failed"
# A job pending or sending this long was abandoned (the program stopped between recording and
# sending, or in the middle of sending): it is treated as failed. Sending never takes this long,
# since every printer step has its own few-second timeout.
STALE_PENDING = timedelta(minutes=2)



@dataclass(frozen=True)
class Rendered:
    """A renderer's result when the document also has a name (an A4 PDF's file name)."""

    data: bytes
    name: str = ""


Renderer = Callable[[dict, PrinterSettings], "bytes | Rendered"]
Deliverer = Callable[[bytes, PrinterSettings, str], "str | None"]


def _send_receipt(data: bytes, settings: PrinterSettings, name: str) -> None:
    devices.send(settings, data)


_renderers: dict[tuple[str, str], Renderer] = {}
_deliverers: dict[str, Deliverer] = {"receipt": _send_receipt}
_labels: dict[str, str] = {}


@dataclass(frozen=True)
class PrintOutcome:
    """The result of one attempt: `message` is the sentence to show (the printer's own on failure)."""

    job_id: int
    ok: bool
    message: str

    def as_error(self) -> PrintFailed:
        """The failure as a PrintFailed (exit status 3) that also says how to print again."""
        return PrintFailed(self.message + " " + _("Data sudah tersimpan; cetak ulang dengan: tui-kecamatan print retry."))


@dataclass(frozen=True)
class JobRow:
    """A print job as screens list it."""

    id: int
    kind: str
    label: str  # "Nomor antrian A-007"
    printer: str
    status: str
    error: str
    attempts: int
    created_at: datetime  # local time
    ref_table: str
    ref_id: int | None


def media_of(printer: str) -> str:
    """'a4' for the A4 printer section, 'receipt' for every receipt printer section."""
    return "a4" if printer == "a4" else "receipt"


def register_renderer(kind: str, func: Renderer, *, media: str = "receipt", label: str | None = None) -> None:
    """Make jobs of `kind` printable on printers of `media`; `label` (Indonesian, translated when
    shown) names the document in messages."""
    _renderers[(kind, media)] = func
    if label:
        _labels[kind] = label


def register_deliverer(media: str, func: Deliverer) -> None:
    """Deliver rendered bytes for printers of `media` ('a4'); func raises PrinterError or an
    AppError whose message names the printer and the cause, and may return where it went."""
    _deliverers[media] = func


def kind_label(kind: str) -> str:
    label = _labels.get(kind)
    return _(label) if label else _("Cetakan {kind}").format(kind=kind)


def _builtin(kind: str) -> Renderer:
    return lambda payload, settings: receipt.render_payload(kind, payload, settings)


register_renderer("ticket", _builtin("ticket"), label="Nomor antrian")
register_renderer("test", _builtin("test"), label="Tes cetak")
register_renderer("proof_slip", _builtin("proof_slip"), label="Bukti pengambilan")
register_renderer("receipt_slip", _builtin("receipt_slip"), label="Tanda terima")


def missing_printer_message(printer: str) -> str:
    return _("{printer} belum diatur (bagian [printers.{name}] di berkas konfigurasi).").format(
        printer=devices.printer_label(printer), name=printer)


# --- recording ------------------------------------------------------------------------------


def _name_ok(value: str) -> bool:
    return bool(value) and len(value) <= 40 and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in value)


def _new_job(actor, kind: str, printer: str, ref_table: str, ref_id: int | None, payload: str) -> PrintJob:
    return PrintJob.create(
        kind=kind,
        printer=printer,
        ref_table=ref_table,
        ref_id=ref_id,
        payload=payload,
        status=PENDING,
        staff=getattr(actor, "id", None),
        created_at=clock.now_utc(),
    )


def record_job(actor, kind: str, payload: dict, *, printer: str = "receipt", ref_table: str = "",
               ref_id: int | None = None) -> int:
    """Record a document to print and return the job's id; nothing is sent here.

    Call it inside the transaction that saves the record being printed, so both commit together.
    `payload` is a JSON-serialisable dict holding everything needed to print it again.
    """
    if not _name_ok(kind) or not _name_ok(printer):
        raise InvalidInput(_("Jenis cetakan atau nama printer tidak sah."))
    try:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("Data cetakan tidak dapat disimpan sebagai JSON ({error}).").format(error=exc)) from None
    with database.atomic():
        job = _new_job(actor, kind, printer, ref_table, ref_id, text)
        reference = f" untuk {ref_table} #{ref_id}" if ref_table and ref_id is not None else ""
        audit.record(actor, "cetakan_dicatat", "print_job", job.id, f"{kind} ke printer {printer}{reference}")
    return job.id


def reprint(actor, job_id: int) -> int:
    """Record a new job with the same document (Cetak ulang); the original stays as it was."""
    require(actor, Role.OPERATOR)
    with database.atomic():
        job = PrintJob.get_or_none(PrintJob.id == job_id)
        if job is None:
            raise NotFound(_("Cetakan #{id} tidak ada.").format(id=job_id))
        new = _new_job(actor, job.kind, job.printer, job.ref_table, job.ref_id, job.payload)
        audit.record(actor, "cetak_ulang", "print_job", new.id, f"salinan dari cetakan #{job.id} ({job.kind})")
    return new.id


# --- sending --------------------------------------------------------------------------------


def _render_and_deliver(job: PrintJob, config) -> tuple[bool, str, bool]:
    """(ok, message, printer_failed): printer_failed tells a device failure from a bad job."""
    settings = config.printers.get(job.printer)
    if settings is None:
        return False, missing_printer_message(job.printer), True
    media = media_of(job.printer)
    renderer = _renderers.get((job.kind, media))
    if renderer is None:
        return False, _("{what} tidak dapat dicetak di {printer}: program ini tidak mengenal jenis cetakan itu.").format(
            what=kind_label(job.kind), printer=devices.describe(settings)), False
    deliver = _deliverers.get(media)
    if deliver is None:
        return False, _("{printer}: pengiriman cetakan A4 belum tersedia di program ini.").format(
            printer=devices.describe(settings)), True
    try:
        payload = json.loads(job.payload or "{}")
    except ValueError:
        return False, _("Data cetakan #{id} rusak dan tidak dapat dicetak.").format(id=job.id), False
    try:
        rendered = renderer(payload, settings)
        if not isinstance(rendered, Rendered):
            rendered = Rendered(bytes(rendered))
    except (PrinterError, AppError) as exc:
        return False, str(exc), False
    except Exception as exc:  # a renderer bug must still leave the job failed, not pending
        log.exception("rendering print job %s failed", job.id)
        return False, _("{what} tidak dapat disusun: {error}.").format(what=kind_label(job.kind), error=exc), False
    try:
        where = deliver(rendered.data, settings, rendered.name or f"{job.kind}-{job.id}")
    except (PrinterError, AppError) as exc:
        return False, str(exc), True
    except Exception as exc:
        log.exception("delivering print job %s failed", job.id)
        return False, _("{printer} gagal mencetak: {error}.").format(printer=devices.describe(settings), error=exc), True
    if where:
        return True, _("{what}: {where}.").format(what=kind_label(job.kind), where=str(where).rstrip(".")), False
    return True, _("{what} dicetak di {printer}.").format(what=kind_label(job.kind), printer=devices.describe(settings)), False


def _send(job_id: int, config, actor) -> tuple[PrintOutcome, bool]:
    if database.in_transaction():
        raise RuntimeError("print jobs are sent outside database transactions")
    job = PrintJob.get_or_none(PrintJob.id == job_id)
    if job is None:
        raise NotFound(_("Cetakan #{id} tidak ada.").format(id=job_id))
    if job.status == PRINTED:
        message = _("Cetakan #{id} sudah dicetak; pakai Cetak ulang untuk salinan baru.").format(id=job.id)
        return PrintOutcome(job.id, True, message), False
    # Claim the job in one UPDATE: of two stations sending the same job at once, only the one
    # whose update matched sends it; the other is told it is on its way.
    now = clock.now_utc()
    with database.atomic():
        claimed = (
            PrintJob.update(status=SENDING, attempts=PrintJob.attempts + 1, printed_at=now)
            .where((PrintJob.id == job.id) & (
                PrintJob.status.in_([PENDING, FAILED])
                | ((PrintJob.status == SENDING) & (PrintJob.printed_at < now - STALE_PENDING))
            ))
            .execute()
        )
    if not claimed:
        current = PrintJob.get_by_id(job.id)
        if current.status == PRINTED:
            return PrintOutcome(job.id, True, _("Cetakan #{id} sudah dicetak dari komputer lain.").format(id=job.id)), False
        return PrintOutcome(job.id, False, _("Cetakan #{id} sedang dikirim dari komputer lain.").format(id=job.id)), False

    ok, message, printer_failed = _render_and_deliver(job, config)

    with database.atomic():
        if ok:
            PrintJob.update(status=PRINTED, error="", printed_at=clock.now_utc()).where(PrintJob.id == job.id).execute()
            audit.record(actor, "cetakan_dicetak", "print_job", job.id, f"{job.kind} di printer {job.printer}")
        else:
            PrintJob.update(status=FAILED, error=message, printed_at=None).where(PrintJob.id == job.id).execute()
            audit.record(actor, "cetakan_gagal", "print_job", job.id, message)
    return PrintOutcome(job.id, ok, message), printer_failed


def send_job(job_id: int, config, *, actor=None) -> PrintOutcome:
    """Render and send a recorded job, then mark it printed or failed (attempts +1).

    Runs outside any transaction (the printer may take seconds); a job already printed is not
    printed again (record a copy with `reprint`). Raises NotFound for an unknown job id; printer
    failures are returned, not raised.
    """
    return _send(job_id, config, actor)[0]


def _retry_query():
    stale = clock.now_utc() - STALE_PENDING
    return PrintJob.select().where(
        (PrintJob.status == FAILED)
        | ((PrintJob.status == PENDING) & (PrintJob.created_at < stale))
        | ((PrintJob.status == SENDING) & (PrintJob.printed_at < stale))
    )


def retry_failed(config, actor=None) -> list[PrintOutcome]:
    """Send failed jobs (and jobs left pending by a stopped program) again, oldest first.

    After a printer fails, its remaining jobs wait for the next retry instead of each waiting
    out the timeout again; they are returned as not printed with the printer's message.
    """
    if actor is not None:
        require(actor, Role.OPERATOR)
    jobs = [(job.id, job.printer) for job in _retry_query().order_by(PrintJob.created_at, PrintJob.id)]
    outcomes: list[PrintOutcome] = []
    down: dict[str, str] = {}
    for job_id, printer in jobs:
        if printer in down:
            outcomes.append(PrintOutcome(job_id, False, down[printer]))
            continue
        outcome, printer_failed = _send(job_id, config, actor)
        outcomes.append(outcome)
        if printer_failed:
            down[printer] = outcome.message
    return outcomes


def print_test(config, actor, printer: str = "receipt") -> PrintOutcome:
    """Print a test slip on `printer`, recorded like every other job."""
    if actor is not None:
        require(actor, Role.OPERATOR)
    office = OfficeProfile.select(OfficeProfile.name).order_by(OfficeProfile.id).first()
    slip = receipt.PrinterTestSlip(
        office=(office.name if office and office.name else _("Kantor Kecamatan")),
        printed_at=clock.now_local(),
        zone=clock.zone_abbreviation(),
    )
    job_id = record_job(actor, "test", slip.to_payload(), printer=printer)
    return send_job(job_id, config, actor=actor)


# --- listing --------------------------------------------------------------------------------


def _summary(job: PrintJob) -> str:
    try:
        payload = json.loads(job.payload or "{}")
    except ValueError:
        payload = {}
    detail = ""
    if isinstance(payload, dict):
        detail = str(payload.get("code") or payload.get("reg_no") or "")
    return f"{kind_label(job.kind)} {detail}".strip()


def _row(job: PrintJob) -> JobRow:
    return JobRow(
        id=job.id,
        kind=job.kind,
        label=_summary(job),
        printer=job.printer,
        status=job.status,
        error=job.error,
        attempts=job.attempts,
        created_at=clock.to_local(job.created_at),
        ref_table=job.ref_table,
        ref_id=job.ref_id,
    )


def failed_jobs(limit: int = 200) -> list[JobRow]:
    """Jobs waiting to be printed again (failed, or abandoned while pending or sending), oldest first."""
    query = _retry_query().order_by(PrintJob.created_at, PrintJob.id).limit(limit)
    return [_row(job) for job in query]


def get_job(job_id: int) -> JobRow:
    job = PrintJob.get_or_none(PrintJob.id == job_id)
    if job is None:
        raise NotFound(_("Cetakan #{id} tidak ada.").format(id=job_id))
    return _row(job)


def jobs_for(ref_table: str, ref_id: int) -> list[JobRow]:
    """The print jobs of one record (a ticket, a request), oldest first."""
    query = PrintJob.select().where((PrintJob.ref_table == ref_table) & (PrintJob.ref_id == ref_id)).order_by(PrintJob.id)
    return [_row(job) for job in query]
