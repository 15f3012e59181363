"""Print jobs: every document is recorded before it is printed, sent outside any transaction,
and marked printed or failed with the printer's own sentence, so a failed print is never lost.

Flow: the caller records a job inside its own transaction (`record_job`, so the record and its
job commit together), then, after the commit and off the UI's event loop, calls `send_job`.
`retry_failed` sends failed jobs again, oldest first, but only those that still mean
something (see `retry_plan`): a document printed since supersedes its failed jobs; a queue ticket
is printed again only on its own day while it is still waiting; a request's documents only while
the request is open (the proof of collection only on the day it was recorded); a test page never.
The others are marked "superseded" or "discarded" with the reason in `error`, audited, and never
offered again; nothing is deleted.

A network printer that never answers status questions is printed on all the same and
remembered (a `setting` row keyed by its address, see `status_silent_key`), so the next print
does not ask it again; `print_test` always asks afresh and forgets the memory when it answers.

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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Callable

from peewee import JOIN, fn

from printing import devices, receipt
from printing.errors import PrinterError
from printing.settings import PrinterSettings
from printing.text import clean_text, format_date_short
from tui_kecamatan.core import audit, clock
from tui_kecamatan.core.accounts import Role, require
from tui_kecamatan.core.request_labels import STATUS_LABELS, RequestStatus
from tui_kecamatan.db.models import AuditEvent, OfficeProfile, PrintJob, Request, Setting, Staff, Ticket, database
from tui_kecamatan.errors import AppError, InvalidInput, NotFound, PrintFailed, Refused
from tui_kecamatan.i18n import _

log = logging.getLogger(__name__)


# Statuses: pending (recorded, not yet tried), sending (one station is sending it now),
# printed, failed, and two final ones for a failed job that will not be printed again:
# superseded (the same document was printed since) and discarded (it no longer means anything,
# or a supervisor threw it away); their `error` says why. While a job is `sending`, its
# `printed_at` holds the time the attempt began, so a job whose sender died can be told from one
# still on its way.
PENDING, SENDING, PRINTED, FAILED = "pending", "sending", "printed", "failed"
SUPERSEDED, DISCARDED = "superseded", "discarded"
STATUSES = (PENDING, SENDING, PRINTED, FAILED, SUPERSEDED, DISCARDED)
STATUS_LABELS_JOB = {
    PENDING: "menunggu dikirim",
    SENDING: "sedang dikirim",
    PRINTED: "tercetak",
    FAILED: "gagal",
    SUPERSEDED: "digantikan",
    DISCARDED: "dibuang",
}
# Requests whose documents are no longer printed again: the request is closed.
CLOSED_REQUEST = frozenset({RequestStatus.PICKED_UP.value, RequestStatus.DELIVERED.value,
                            RequestStatus.REJECTED.value, RequestStatus.CANCELLED.value})
# The proof of collection belongs to a closed request by nature: it is printed again only on
# the day it was recorded (the office's copy is signed that day).
PROOF_KINDS = frozenset({"proof_slip", "proof_a4"})
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


def _send_receipt(data: bytes, settings: PrinterSettings, name: str) -> devices.Delivery:
    return devices.send(settings, data)


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
    """A print job as screens and the command line list it.

    `ref` is the document's reference (ticket code, registration number; "" for a test page);
    `staff` the username of whoever recorded it. While the job is being sent, `sending_by` names
    who sends it and `sending_since` is when (local time). `retry` tells whether `print retry`
    would print it now; `note` says why not when it would not.
    """

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
    ref: str = ""
    printed_at: datetime | None = None  # local time
    staff: str = ""
    sending_by: str = ""
    sending_since: datetime | None = None  # local time
    retry: bool = False
    note: str = ""

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS_JOB.get(self.status, self.status))

    def as_json(self) -> dict:
        """The command line's JSON shape (docs/architecture.md): id, kind, printer, ref, status,
        attempts, error, created_at, printed_at, staff, plus sending_by, sending_since and retry."""
        return {
            "id": self.id,
            "kind": self.kind,
            "printer": self.printer,
            "ref": self.ref,
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "printed_at": self.printed_at.isoformat(timespec="seconds") if self.printed_at else None,
            "staff": self.staff,
            "sending_by": self.sending_by or None,
            "sending_since": self.sending_since.isoformat(timespec="seconds") if self.sending_since else None,
            "retry": self.retry,
        }


@dataclass(frozen=True)
class RetryPlan:
    """What `print retry` would do now: print `to_print` (oldest first), leave `sending` alone
    (another station is on it), and mark `to_drop` superseded or discarded (`note` says why)."""

    to_print: tuple[JobRow, ...]
    sending: tuple[JobRow, ...]
    to_drop: tuple[tuple[JobRow, str], ...]  # (job, new status)


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


class BrokenPayload(Exception):
    """Raised by a renderer when the stored payload cannot be read back into its document; the
    message says what is wrong ("data cetakan tidak lengkap: ...")."""


# What rendering a payload of the wrong shape raises (a field missing, a list for a text, a
# number too large): the job's payload is broken, the program is not.
_DATA_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError, RecursionError)


def _read_payload(job: PrintJob) -> tuple[dict | None, str]:
    """The job's stored payload as a dict, or (None, why not) when it was edited or damaged."""
    raw = job.payload
    if raw is None or raw == "":
        return {}, ""
    if not isinstance(raw, (str, bytes)):
        return None, _("bukan teks JSON")
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        return None, _("bukan JSON yang benar")
    if not isinstance(payload, dict):
        return None, _("bukan objek JSON")
    return payload, ""


def _broken_payload(job: PrintJob, why: str) -> str:
    """'Isi pekerjaan cetak #7 rusak (bukan JSON yang benar); Nomor antrian tidak dapat dicetak darinya.'"""
    why = why.strip().rstrip(".")
    why = why[:1].lower() + why[1:]
    return _("Isi pekerjaan cetak #{id} rusak ({why}); {what} tidak dapat dicetak darinya.").format(
        id=job.id, why=why, what=kind_label(job.kind))


def _builtin(kind: str) -> Renderer:
    document_class, render = receipt.RENDERERS[kind]

    def render_job(payload: dict, settings: PrinterSettings) -> bytes:
        try:
            document = document_class.from_payload(payload)
        except PrinterError as exc:  # a field missing or unreadable
            raise BrokenPayload(str(exc)) from None
        return render(document, settings)

    return render_job


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


def status_silent_key(settings: PrinterSettings) -> str | None:
    """The `setting` key remembering that the network printer at this address does not answer
    status questions; None for connections that are not asked over the network."""
    if settings.kind != "network":
        return None
    return f"printer_status_diam:{devices.device_label(settings)}"


def _remembered_silent(settings: PrinterSettings) -> bool:
    key = status_silent_key(settings)
    return key is not None and Setting.get_or_none(Setting.key == key) is not None


def _learn_status(actor, settings: PrinterSettings, answered: bool | None) -> None:
    """Remember (inside the caller's transaction) whether the printer answered status questions."""
    key = status_silent_key(settings)
    if key is None or answered is None:
        return
    known = Setting.get_or_none(Setting.key == key) is not None
    if answered is False and not known:
        Setting.insert(key=key, value=clock.now_utc().isoformat(timespec="seconds")).on_conflict_ignore().execute()
        audit.record(actor, "printer_status_diam", "setting", None,
                     f"{devices.describe(settings)} tidak menjawab pertanyaan status; berikutnya tidak ditanya")
    elif answered is True and known:
        Setting.delete().where(Setting.key == key).execute()
        audit.record(actor, "printer_status_menjawab", "setting", None,
                     f"{devices.describe(settings)} menjawab pertanyaan status lagi")


@dataclass
class _Attempt:
    ok: bool
    message: str
    printer_failed: bool = False  # a device failure, as opposed to a bad job
    settings: PrinterSettings | None = None
    status_answered: bool | None = None


def _printer_settings(config, name: str) -> tuple[PrinterSettings | None, str]:
    """The printer's settings as the config file says now, and the file's problem if any."""
    printers = config.printers
    settings = printers.get(name)  # a LivePrinters reads the file again when it changed
    return settings, getattr(printers, "problem", "")


def _render_and_deliver(job: PrintJob, config, *, fresh_status: bool = False) -> _Attempt:
    settings, problem = _printer_settings(config, job.printer)
    if problem:
        # the file was changed and is now wrong: say so rather than print with what it said before
        return _Attempt(False, problem, True)
    if settings is None:
        return _Attempt(False, missing_printer_message(job.printer), True)
    attempt = _deliver(job, settings, fresh_status)
    attempt.settings = settings
    return attempt


def _deliver(job: PrintJob, settings: PrinterSettings, fresh_status: bool) -> _Attempt:
    if settings.status and not fresh_status and _remembered_silent(settings):
        settings = replace(settings, status=False)  # known not to answer: do not wait for it again
    media = media_of(job.printer)
    renderer = _renderers.get((job.kind, media))
    if renderer is None:
        return _Attempt(False, _("{what} tidak dapat dicetak di {printer}: program ini tidak mengenal jenis cetakan itu.").format(
            what=kind_label(job.kind), printer=devices.describe(settings)))
    deliver = _deliverers.get(media)
    if deliver is None:
        return _Attempt(False, _("{printer}: pengiriman cetakan A4 belum tersedia di program ini.").format(
            printer=devices.describe(settings)), True)
    payload, why = _read_payload(job)
    if payload is None:
        return _Attempt(False, _broken_payload(job, why))
    try:
        rendered = renderer(payload, settings)
        if not isinstance(rendered, Rendered):
            rendered = Rendered(bytes(rendered))
    except BrokenPayload as exc:
        return _Attempt(False, _broken_payload(job, str(exc)))
    except (PrinterError, AppError) as exc:
        return _Attempt(False, str(exc))
    except _DATA_ERRORS:
        # a payload edited or damaged in the file, with fields of the wrong kind: this job fails,
        # the others print
        log.warning("print job %s: payload cannot be rendered", job.id, exc_info=True)
        return _Attempt(False, _broken_payload(job, _("isinya tidak sesuai dengan jenis cetakannya")))
    except Exception as exc:  # a renderer bug must still leave the job failed, not pending
        log.exception("rendering print job %s failed", job.id)
        return _Attempt(False, _("{what} tidak dapat disusun: {error}.").format(what=kind_label(job.kind), error=exc))
    try:
        where = deliver(rendered.data, settings, rendered.name or f"{job.kind}-{job.id}")
    except (PrinterError, AppError) as exc:
        return _Attempt(False, str(exc), True)
    except Exception as exc:
        log.exception("delivering print job %s failed", job.id)
        return _Attempt(False, _("{printer} gagal mencetak: {error}.").format(printer=devices.describe(settings), error=exc), True)
    answered = None
    if isinstance(where, devices.Delivery):
        answered, where = where.status_answered, None
    if where:
        message = _("{what}: {where}.").format(what=kind_label(job.kind), where=str(where).rstrip("."))
    else:
        message = _("{what} dicetak di {printer}.").format(what=kind_label(job.kind), printer=devices.describe(settings))
    if answered is False:
        message += " " + _("Printer ini tidak menjawab pertanyaan status; berikutnya tidak ditanya lagi.")
    return _Attempt(True, message, status_answered=answered)


def _sender_name(actor) -> str:
    if actor is None:
        return "sistem"
    return getattr(actor, "display_name", "") or getattr(actor, "username", "") or "sistem"


def _not_sent_message(job_id: int) -> PrintOutcome:
    current = PrintJob.get_by_id(job_id)
    if current.status == PRINTED:
        return PrintOutcome(job_id, True, _("Cetakan #{id} sudah dicetak dari komputer lain.").format(id=job_id))
    if current.status in (SUPERSEDED, DISCARDED):
        return PrintOutcome(job_id, False, _("Cetakan #{id} tidak dicetak lagi: {why}").format(
            id=job_id, why=current.error or _(STATUS_LABELS_JOB[current.status])))
    row = _rows([current])[0]
    return PrintOutcome(job_id, False, sending_sentence(row))


def _supersede_older(actor, job: PrintJob) -> None:
    """A document printed: its older failed (or abandoned) jobs are replaced by this print."""
    if not job.ref_table or job.ref_id is None:
        return
    stale = clock.now_utc() - STALE_PENDING
    older = PrintJob.select().where(
        (PrintJob.kind == job.kind) & (PrintJob.ref_table == job.ref_table) & (PrintJob.ref_id == job.ref_id)
        & (PrintJob.id < job.id) & _retry_condition(stale)
    )
    for old in older:
        reason = _("Sudah dicetak sebagai cetakan #{id}.").format(id=job.id)
        _mark(actor, old, SUPERSEDED, reason)


def _mark(actor, job: PrintJob, status: str, reason: str) -> None:
    """Take a job out of the retries for good (inside the caller's transaction), audited."""
    note = reason if not job.error else f"{reason} ({_('galat terakhir')}: {job.error.rstrip('.')})"
    updated = (
        PrintJob.update(status=status, error=note, printed_at=None)
        .where((PrintJob.id == job.id) & (PrintJob.status.in_([PENDING, SENDING, FAILED])))
        .execute()
    )
    if updated:
        action = "cetakan_digantikan" if status == SUPERSEDED else "cetakan_dibuang"
        audit.record(actor, action, "print_job", job.id, f"{job.kind}: {reason}")


def _send(job_id: int, config, actor, *, fresh_status: bool = False) -> tuple[PrintOutcome, bool]:
    if database.in_transaction():
        raise RuntimeError("print jobs are sent outside database transactions")
    job = PrintJob.get_or_none(PrintJob.id == job_id)
    if job is None:
        raise NotFound(_("Cetakan #{id} tidak ada.").format(id=job_id))
    if job.status == PRINTED:
        message = _("Cetakan #{id} sudah dicetak; pakai Cetak ulang untuk salinan baru.").format(id=job.id)
        return PrintOutcome(job.id, True, message), False
    # Claim the job in one UPDATE: of two stations sending the same job at once, only the one
    # whose update matched sends it; the other is told it is on its way, by whom and since when
    # (the audit row written with the claim).
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
        if claimed:
            audit.record(actor, "cetakan_dikirim", "print_job", job.id, f"{job.kind} ke printer {job.printer}")
    if not claimed:
        return _not_sent_message(job.id), False

    attempt = _render_and_deliver(job, config, fresh_status=fresh_status)

    with database.atomic():
        if attempt.ok:
            PrintJob.update(status=PRINTED, error="", printed_at=clock.now_utc()).where(PrintJob.id == job.id).execute()
            audit.record(actor, "cetakan_dicetak", "print_job", job.id, f"{job.kind} di printer {job.printer}")
            _supersede_older(actor, job)
        else:
            PrintJob.update(status=FAILED, error=attempt.message, printed_at=None).where(PrintJob.id == job.id).execute()
            audit.record(actor, "cetakan_gagal", "print_job", job.id, attempt.message)
        if attempt.settings is not None:
            _learn_status(actor, attempt.settings, attempt.status_answered)
    return PrintOutcome(job.id, attempt.ok, attempt.message), attempt.printer_failed


def send_job(job_id: int, config, *, actor=None) -> PrintOutcome:
    """Render and send a recorded job, then mark it printed or failed (attempts +1).

    Runs outside any transaction (the printer may take seconds); a job already printed is not
    printed again (record a copy with `reprint`). Raises NotFound for an unknown job id; printer
    failures are returned, not raised.
    """
    return _send(job_id, config, actor)[0]


def _retry_condition(stale: datetime):
    return (
        (PrintJob.status == FAILED)
        | ((PrintJob.status == PENDING) & (PrintJob.created_at < stale))
        | ((PrintJob.status == SENDING) & (PrintJob.printed_at < stale))
    )


def _retry_query():
    return PrintJob.select().where(_retry_condition(clock.now_utc() - STALE_PENDING))


def _why_not(job: PrintJob, refs: "_Refs") -> tuple[str, str] | None:
    """(new status, reason) when a failed job no longer means anything, else None."""
    newer = refs.printed_after(job)
    if newer is not None:
        return SUPERSEDED, _("Sudah dicetak sebagai cetakan #{id}.").format(id=newer)
    if job.kind == "test":
        return DISCARDED, _("Halaman uji hanya dicetak sekali; jalankan tui-kecamatan print test lagi bila perlu.")
    today = clock.today()
    if job.ref_table == "ticket" and job.ref_id is not None:
        ticket = refs.tickets.get(job.ref_id)
        if ticket is None:
            return DISCARDED, _("Nomor antrian itu sudah tidak ada.")
        code, day, status = ticket
        if day != today:
            return DISCARDED, _("Nomor antrian {code} milik hari lain ({day}).").format(
                code=code, day=format_date_short(day))
        if status != "waiting":
            return DISCARDED, _("Nomor antrian {code} sudah tidak menunggu ({status}).").format(
                code=code, status=_ticket_status_label(status))
    if job.ref_table == "request" and job.ref_id is not None:
        request = refs.requests.get(job.ref_id)
        if request is None:
            return DISCARDED, _("Permohonan itu sudah tidak ada.")
        reg_no, status = request
        created = clock.to_local(job.created_at)
        if job.kind in PROOF_KINDS:
            if created is not None and created.date() != today:
                return DISCARDED, _("Bukti pengambilan {reg} hari lain ({day}).").format(
                    reg=reg_no, day=format_date_short(created.date()))
        elif status in CLOSED_REQUEST:
            return DISCARDED, _("Permohonan {reg} sudah {status}.").format(
                reg=reg_no, status=STATUS_LABELS[status].lower())
    return None


def _ticket_status_label(status: str) -> str:
    from tui_kecamatan.core.tickets import TicketStatus

    try:
        return TicketStatus(status).label.lower()
    except ValueError:
        return status


class _Refs:
    """The records a set of jobs refers to, read in a few queries."""

    def __init__(self, jobs: list[PrintJob]) -> None:
        ticket_ids = {j.ref_id for j in jobs if j.ref_table == "ticket" and j.ref_id is not None}
        request_ids = {j.ref_id for j in jobs if j.ref_table == "request" and j.ref_id is not None}
        self.tickets: dict[int, tuple[str, object, str]] = {}
        self.requests: dict[int, tuple[str, str]] = {}
        if ticket_ids:
            query = Ticket.select(Ticket.id, Ticket.code, Ticket.day, Ticket.status).where(Ticket.id.in_(list(ticket_ids)))
            self.tickets = {i: (code, day, status) for i, code, day, status in query.tuples()}
        if request_ids:
            query = Request.select(Request.id, Request.reg_no, Request.status).where(Request.id.in_(list(request_ids)))
            self.requests = {i: (reg, status) for i, reg, status in query.tuples()}
        self._printed: dict[tuple[str, str, int], int] = {}
        refs = {(j.kind, j.ref_table, j.ref_id) for j in jobs if j.ref_table and j.ref_id is not None}
        if refs:
            kinds = list({k for k, _t, _i in refs})
            ids = list({i for _k, _t, i in refs})

            query = (
                PrintJob.select(PrintJob.kind, PrintJob.ref_table, PrintJob.ref_id, fn.MAX(PrintJob.id))
                .where((PrintJob.status == PRINTED) & PrintJob.kind.in_(kinds) & PrintJob.ref_id.in_(ids))
                .group_by(PrintJob.kind, PrintJob.ref_table, PrintJob.ref_id)
                .tuples()
            )
            self._printed = {(k, t, i): newest for k, t, i, newest in query}

    def printed_after(self, job: PrintJob) -> int | None:
        newest = self._printed.get((job.kind, job.ref_table, job.ref_id))
        return newest if newest is not None and newest > job.id else None

    def ref(self, job: PrintJob) -> str:
        if job.ref_table == "ticket" and job.ref_id in self.tickets:
            return self.tickets[job.ref_id][0]
        if job.ref_table == "request" and job.ref_id in self.requests:
            return self.requests[job.ref_id][0]
        return _payload_ref(job)


def _candidates() -> list[PrintJob]:
    return list(_retry_query().order_by(PrintJob.created_at, PrintJob.id))


def retry_plan() -> RetryPlan:
    """What `print retry` would do now (nothing is changed)."""
    jobs = _candidates()
    refs = _Refs(jobs)
    to_print, to_drop = [], []
    for job in jobs:
        why = _why_not(job, refs)
        if why is None:
            to_print.append(_row(job, refs, retry=True))
        else:
            to_drop.append((_row(job, refs, note=why[1]), why[0]))
    return RetryPlan(tuple(to_print), tuple(sending_jobs()), tuple(to_drop))


def drop_stale(actor=None) -> list[tuple[JobRow, str]]:
    """Mark the failed jobs that no longer mean anything superseded or discarded (audited, in one
    transaction) and return them with their new status; they are never offered again."""
    if actor is not None:
        require(actor, Role.OPERATOR)
    dropped = []
    with database.atomic():
        jobs = _candidates()
        refs = _Refs(jobs)
        for job in jobs:
            why = _why_not(job, refs)
            if why is not None:
                _mark(actor, job, *why)
                dropped.append((_row(job, refs, note=why[1]), why[0]))
    return dropped


def retry_failed(config, actor=None, *, only=None) -> list[PrintOutcome]:
    """Send failed jobs (and jobs left pending by a stopped program) again, oldest first, after
    marking those that no longer mean anything (`drop_stale`). `only`: the job ids the person
    agreed to (the list shown before asking), so nothing else is printed.

    After a printer fails, its remaining jobs wait for the next retry instead of each waiting
    out the timeout again; they are returned as not printed with the printer's message.
    """
    if actor is not None:
        require(actor, Role.OPERATOR)
    drop_stale(actor)
    wanted = None if only is None else set(only)
    jobs = [(job.id, job.printer) for job in _candidates() if wanted is None or job.id in wanted]
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


def retry_job(actor, job_id: int, config) -> PrintOutcome:
    """Print one failed job again (the failed-prints list): a job that no longer means anything
    is marked instead and the outcome says why."""
    require(actor, Role.SUPERVISOR)
    job = PrintJob.get_or_none(PrintJob.id == job_id)
    if job is None:
        raise NotFound(_("Cetakan #{id} tidak ada.").format(id=job_id))
    if job.status in (PENDING, SENDING, FAILED):
        refs = _Refs([job])
        why = _why_not(job, refs)
        if why is not None:
            with database.atomic():
                _mark(actor, job, *why)
            return PrintOutcome(job.id, False, _("Cetakan #{id} tidak dicetak lagi: {why}").format(id=job.id, why=why[1]))
    return _send(job_id, config, actor)[0]


def discard_job(actor, job_id: int) -> JobRow:
    """Throw a failed job away (it is kept, marked discarded, and audited); only supervisors."""
    require(actor, Role.SUPERVISOR)
    with database.atomic():
        job = PrintJob.get_or_none(PrintJob.id == job_id)
        if job is None:
            raise NotFound(_("Cetakan #{id} tidak ada.").format(id=job_id))
        stale = clock.now_utc() - STALE_PENDING
        active_send = job.status == SENDING and job.printed_at is not None and job.printed_at >= stale
        if job.status not in (PENDING, SENDING, FAILED) or active_send:
            raise Refused(_("Cetakan #{id} tidak dapat dibuang karena statusnya {status}.").format(
                id=job.id, status=_(STATUS_LABELS_JOB.get(job.status, job.status))))
        who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
        _mark(actor, job, DISCARDED, _("Dibuang oleh {name}.").format(name=who))
        return _rows([PrintJob.get_by_id(job.id)])[0]


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
    # always asks the printer's status afresh: a printer remembered as silent that answers now
    # is asked again from the next print on
    return _send(job_id, config, actor, fresh_status=True)[0]


# --- listing --------------------------------------------------------------------------------


def _payload_ref(job: PrintJob) -> str:
    payload, _why = _read_payload(job)
    if payload is None:
        return ""
    data = payload.get("data") if isinstance(payload.get("data"), dict) else payload
    ref = data.get("code") or data.get("reg_no") or ""
    return clean_text(ref, 40) if isinstance(ref, str) else ""


def _row(job: PrintJob, refs: _Refs, *, retry: bool = False, note: str = "", senders: dict | None = None,
         staff: dict | None = None) -> JobRow:
    ref = refs.ref(job)
    sending_by, since = "", None
    if job.status == SENDING:
        sending_by = (senders or {}).get(job.id, "")
        since = clock.to_local(job.printed_at)
    return JobRow(
        id=job.id,
        kind=job.kind,
        label=f"{kind_label(job.kind)} {ref}".strip(),
        printer=job.printer,
        status=job.status,
        error=job.error,
        attempts=job.attempts,
        created_at=clock.to_local(job.created_at),
        ref_table=job.ref_table,
        ref_id=job.ref_id,
        ref=ref,
        printed_at=clock.to_local(job.printed_at) if job.status == PRINTED else None,
        staff=(staff or {}).get(job.staff_id, ""),
        sending_by=sending_by,
        sending_since=since,
        retry=retry,
        note=note,
    )


def _senders(job_ids: list[int]) -> dict[int, str]:
    """Who started the latest attempt of each job (from the audit row of the claim)."""
    if not job_ids:
        return {}
    query = (
        AuditEvent.select(AuditEvent.record_id, AuditEvent.actor, Staff.full_name)
        .join(Staff, JOIN.LEFT_OUTER, on=(AuditEvent.staff == Staff.id))
        .where((AuditEvent.table_name == "print_job") & (AuditEvent.action == "cetakan_dikirim")
               & AuditEvent.record_id.in_(job_ids))
        .order_by(AuditEvent.id)
        .tuples()
    )
    found: dict[int, str] = {}
    for record_id, actor, full_name in query:
        found[record_id] = full_name or actor  # the latest claim wins
    return found


def _staff_names(jobs: list[PrintJob]) -> dict[int, str]:
    ids = list({j.staff_id for j in jobs if j.staff_id is not None})
    if not ids:
        return {}
    return dict(Staff.select(Staff.id, Staff.username).where(Staff.id.in_(ids)).tuples())


def _rows(jobs: list[PrintJob]) -> list[JobRow]:
    """Rows for listing, with `retry` and `note` worked out for the jobs still waiting."""
    refs = _Refs(jobs)
    senders = _senders([j.id for j in jobs if j.status == SENDING])
    staff = _staff_names(jobs)
    stale = clock.now_utc() - STALE_PENDING
    rows = []
    for job in jobs:
        retry, note = False, ""
        waiting = job.status == FAILED or (
            job.status == PENDING and job.created_at < stale) or (
            job.status == SENDING and job.printed_at is not None and job.printed_at < stale)
        if waiting:
            why = _why_not(job, refs)
            retry, note = (True, "") if why is None else (False, why[1])
        rows.append(_row(job, refs, retry=retry, note=note, senders=senders, staff=staff))
    return rows


def sending_sentence(row: JobRow) -> str:
    """'Cetakan #5 (Nomor antrian A-003) sedang dikirim oleh Wahyu sejak 09:15 WIB; ...'."""
    since = row.sending_since
    when = f"{since:%H:%M} {clock.zone_abbreviation()}".strip() if since else "?"
    sentence = _("Cetakan #{id} ({label}) sedang dikirim oleh {who} sejak {when}").format(
        id=row.id, label=row.label, who=row.sending_by or _("petugas lain"), when=when)
    if since is not None:
        free = since + STALE_PENDING
        sentence += _("; bila program pengirimnya berhenti, cetakan ini dapat diulang mulai {at}.").format(
            at=f"{free:%H:%M} {clock.zone_abbreviation()}".strip())
    else:
        sentence += "."
    return sentence


def _when(moment: datetime | None) -> str:
    return f"{format_date_short(moment.date())} {moment:%H:%M}" if moment is not None else ""


def job_line(row: JobRow) -> str:
    """One line about a job waiting to be printed again: '#12  Nomor antrian A-003  28 Nov 2026
    09:15  Printer struk (...) menolak sambungan ...' (its last error, or who is sending it)."""
    parts = [f"#{row.id}", row.label, _when(row.created_at)]
    if row.status == SENDING and not row.retry:
        since = f"{row.sending_since:%H:%M}" if row.sending_since else "?"
        parts.append(_("sedang dikirim oleh {who} sejak {when}").format(who=row.sending_by or _("petugas lain"), when=since))
    elif row.note:
        parts.append(row.note)
    elif row.error:
        parts.append(row.error)
    return "  ".join(part for part in parts if part)


def list_line(row: JobRow) -> str:
    """One line of `print list`: id, time, status (attempts), document, who recorded it, and the
    error, the reason it is not printed again, or who is sending it since when."""
    status = row.status_label
    if row.attempts > 1:
        status += f" ({row.attempts}x)"
    parts = [f"#{row.id:<5}", _when(row.created_at), f"{status:<18}", row.label, row.staff]
    if row.status == SENDING:
        since = f"{row.sending_since:%H:%M}" if row.sending_since else "?"
        parts.append(_("dikirim oleh {who} sejak {when}").format(who=row.sending_by or _("petugas lain"), when=since))
        if row.retry:
            parts.append(_("pengirimnya berhenti; akan diulang"))
    elif row.note:
        parts.append(_("tidak diulang: {why}").format(why=row.note))
    elif row.error:
        parts.append(row.error)
    return "  ".join(part for part in parts if part)


def sending_jobs() -> list[JobRow]:
    """Jobs some station is sending right now (not yet abandoned), oldest first."""
    fresh = clock.now_utc() - STALE_PENDING
    query = PrintJob.select().where((PrintJob.status == SENDING) & (PrintJob.printed_at >= fresh)).order_by(PrintJob.id)
    return _rows(list(query))


def failed_jobs(limit: int = 200) -> list[JobRow]:
    """Jobs `print retry` would print now (failed, or abandoned while pending or sending, and
    still meaning something), oldest first."""
    jobs = _candidates()
    refs = _Refs(jobs)
    keep = [job for job in jobs if _why_not(job, refs) is None][:limit]
    return [row for row in _rows(keep)]


def failed_count() -> int:
    """How many failed prints wait to be printed again (the home screen's figure)."""
    jobs = _candidates()
    if not jobs:
        return 0
    refs = _Refs(jobs)
    return sum(1 for job in jobs if _why_not(job, refs) is None)


def attention_jobs(limit: int = 200) -> list[JobRow]:
    """The failed-prints list: jobs being sent now first, then those waiting to be printed again."""
    return sending_jobs() + failed_jobs(limit)


def list_jobs(limit: int = 50, *, failed: bool = False) -> list[JobRow]:
    """Recorded jobs, newest first; `failed`: only those not printed (failed, pending, sending)."""
    if not 1 <= limit <= 10_000:
        raise InvalidInput(_("Batas daftar harus 1 sampai 10000."))
    query = PrintJob.select()
    if failed:
        query = query.where(PrintJob.status.in_([FAILED, PENDING, SENDING]))
    return _rows(list(query.order_by(PrintJob.id.desc()).limit(limit)))


def get_job(job_id: int) -> JobRow:
    job = PrintJob.get_or_none(PrintJob.id == job_id)
    if job is None:
        raise NotFound(_("Cetakan #{id} tidak ada.").format(id=job_id))
    return _rows([job])[0]


def jobs_for(ref_table: str, ref_id: int) -> list[JobRow]:
    """The print jobs of one record (a ticket, a request), oldest first."""
    query = PrintJob.select().where((PrintJob.ref_table == ref_table) & (PrintJob.ref_id == ref_id)).order_by(PrintJob.id)
    return _rows(list(query))


@dataclass(frozen=True)
class PrinterResult:
    """The last time a printer section was used: the job, whether it came out, when (local time)
    and, when it did not, the printer's sentence."""

    printer: str
    job_id: int
    label: str  # "Tes cetak", "Nomor antrian B-001"
    ok: bool
    at: datetime  # local time of the attempt
    error: str = ""


def _last_attempt(printer: str, action: str) -> tuple | None:
    """(audit id, time, detail, job id) of the newest `action` on a job of `printer`, read
    newest first along the audit (action, at) index and stopped at the first one."""
    return (
        AuditEvent.select(AuditEvent.id, AuditEvent.at, AuditEvent.detail, AuditEvent.record_id)
        .join(PrintJob, on=(AuditEvent.record_id == PrintJob.id))
        .where((AuditEvent.action == action) & (PrintJob.printer == printer))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
        .tuples()
        .first()
    )


def printer_results(printers) -> dict[str, PrinterResult | None]:
    """The last result of each printer section in `printers` (None for one never used): its
    newest attempt, printed or failed, from the audit rows every send writes (the failure's
    sentence is the row's detail). Read only; two one-row queries per printer."""
    results: dict[str, PrinterResult | None] = {}
    for name in printers:
        if not _name_ok(name):
            continue
        printed = _last_attempt(name, "cetakan_dicetak")
        failed = _last_attempt(name, "cetakan_gagal")
        newest = max((row for row in (printed, failed) if row is not None), key=lambda row: (row[1], row[0]),
                     default=None)
        if newest is None:
            results[name] = None
            continue
        _event, at, detail, job_id = newest
        ok = newest is printed
        label = _rows([PrintJob.get_by_id(job_id)])[0].label  # the join found the job
        results[name] = PrinterResult(name, job_id, label, ok, clock.to_local(at), "" if ok else detail)
    return results
