"""What the office prints, built from its records: the queue ticket, the request receipt, the
checklist sheet and the proof of collection, each recorded as a print job in the transaction of
the record it belongs to, then sent by `printjobs.send_job` outside any transaction.

Importing this module registers the A4 documents and the A4 delivery with `core.printjobs`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_kecamatan.core import clock, files, office, pickup, printjobs, privacy, requests, tickets
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.tickets import TicketInfo
from tui_kecamatan.db.models import Staff, database
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

MEDIA = ("receipt", "a4")


@dataclass(frozen=True)
class IssuedTicket:
    ticket: TicketInfo
    job_id: int | None  # None when the ticket was issued without printing


def _office_name() -> str:
    profile = office.get_profile()
    return profile.name or (_("Kantor Kecamatan {name}").format(name=profile.kecamatan) if profile.kecamatan else _("Kantor Kecamatan"))


def letterhead():
    """The office profile as the A4 documents' letterhead."""
    from printing.a4.data import OfficeLetterhead

    profile = office.get_profile()
    return OfficeLetterhead(
        name=_office_name(), kecamatan=profile.kecamatan, kabupaten=profile.kabupaten, province=profile.province,
        address=profile.address, phone=profile.phone, email=profile.email, opening_hours=profile.opening_hours,
        zone=clock.zone_abbreviation(),
    )


def _staff_name(actor: Actor | None) -> str:
    return actor.display_name if actor is not None and actor.id is not None else ""


# --- queue tickets ----------------------------------------------------------------------------


def _ticket_payload(ticket: TicketInfo) -> dict:
    from printing.receipt import TicketSlip

    profile = office.get_profile()
    issued = clock.to_local(ticket.issued_at)
    slip = TicketSlip(office=_office_name(), code=ticket.code, service=ticket.service_name,
                      issued_at=issued.replace(tzinfo=None), zone=clock.zone_abbreviation(),
                      ahead=ticket.ahead, address=profile.address)
    return slip.to_payload()


def issue_ticket(actor: Actor | None, service_code: str, *, urgent: bool = False, printing: bool = True,
                 approval=None) -> IssuedTicket:
    """Issue a ticket and, when printing, record its print job in the same transaction: the
    number is never lost, even if the printer then fails. `approval` as for `tickets.issue_ticket`."""
    with database.atomic():
        ticket = tickets.issue_ticket(actor, service_code, urgent=urgent, approval=approval)
        job_id = None
        if printing:
            job_id = printjobs.record_job(actor, "ticket", _ticket_payload(ticket), ref_table="ticket", ref_id=ticket.id)
    return IssuedTicket(ticket, job_id)


def reprint_ticket(actor: Actor, ticket_id: int) -> int:
    """Record another print of a ticket (Cetak ulang)."""
    require(actor, Role.OPERATOR)
    ticket = tickets.ticket_info(ticket_id)
    with database.atomic():
        return printjobs.record_job(actor, "ticket", _ticket_payload(ticket), ref_table="ticket", ref_id=ticket.id)


# --- requests ---------------------------------------------------------------------------------


def _check_media(media: str) -> str:
    if media not in MEDIA:
        raise InvalidInput(_("Pilih printer struk atau A4."))
    return media


def _creator_name(detail) -> str:
    if detail.created_by:
        staff = Staff.get_or_none(Staff.username == detail.created_by)
        return (staff.full_name or staff.username) if staff else detail.created_by
    return ""


def _requirement_lines(detail):
    from printing.a4.data import RequirementLine

    return [RequirementLine(text=i.text, mandatory=i.mandatory, checked=i.checked, note=i.note) for i in detail.items]


def _local(moment):
    return (clock.to_local(moment) if moment.tzinfo is None else moment).replace(tzinfo=None)


def _request_fields(detail: requests.RequestDetail) -> dict:
    """What every A4 document of a request names: the request, the applicant and the checklist."""
    info = detail.request
    return dict(
        reg_no=info.reg_no, service_name=info.service_name, applicant_name=info.name, nik_masked=info.nik_masked,
        created_at=_local(info.created_at), kk_masked=detail.kk_masked, phone=info.phone, desa=info.desa,
        requirements=_requirement_lines(detail),
    )


def _receipt_a4_payload(actor: Actor | None, request_ref) -> dict:
    from printing.a4.data import RequestReceiptData

    detail = requests.get_request(request_ref)
    info = detail.request
    return {"office": letterhead().to_payload(), "data": RequestReceiptData(
        **_request_fields(detail), channel_label=info.channel_label, due_date=info.due_date,
        status_label=info.status_label, staff_name=_creator_name(detail) or _staff_name(actor),
        notice=privacy.notice_text(),
    ).to_payload()}


def _receipt_slip_payload(request_ref) -> dict:
    from printing.receipt import ReceiptSlip

    detail = requests.get_request(request_ref)
    info = detail.request
    profile = office.get_profile()
    contact = " ".join(part for part in (profile.phone, profile.opening_hours) if part)
    return ReceiptSlip(
        office=_office_name(), reg_no=info.reg_no, service=info.service_name, name=info.name, nik=info.nik_masked,
        received_at=_local(info.created_at), zone=clock.zone_abbreviation(), complete=not detail.missing,
        missing=tuple(item.text for item in detail.missing), expected=info.due_date, contact=contact,
        notice=privacy.notice_text(),
    ).to_payload()


def _checklist_payload(actor: Actor | None, request_ref) -> dict:
    from printing.a4.data import ChecklistSheetData

    detail = requests.get_request(request_ref)
    return {"office": letterhead().to_payload(), "data": ChecklistSheetData(
        **_request_fields(detail), staff_name=_staff_name(actor),
    ).to_payload()}


def _proof_a4_payload(reg_no: str) -> dict:
    from printing.a4.data import PickupProofData

    done = pickup.pickup_info(reg_no)
    return {"office": letterhead().to_payload(), "data": PickupProofData(
        reg_no=done.reg_no, service_name=done.service_name, applicant_name=done.applicant_name,
        nik_masked=done.applicant_nik_masked, collector_kind_label=done.collector_label,
        collector_name=done.collector_name, collector_nik_masked=done.collector_nik_masked, at=_local(done.at),
        staff_name=done.staff_name, note=done.note, collector_kind=done.collector_kind,
    ).to_payload()}


def _proof_slip_payload(reg_no: str) -> dict:
    from printing.receipt import ProofSlip

    done = pickup.pickup_info(reg_no)
    return ProofSlip(
        office=done.office_name or _office_name(), reg_no=done.reg_no, service=done.service_name,
        name=done.applicant_name, nik=done.applicant_nik_masked, collector_kind=done.collector_kind,
        collector_name=done.collector_name, collector_nik=done.collector_nik_masked, collected_at=_local(done.at),
        zone=clock.zone_abbreviation(), staff=done.staff_name, note=done.note,
    ).to_payload()


def request_receipt(actor: Actor, request_ref, media: str = "a4") -> int:
    """Record the request receipt (tanda terima) on A4 or the receipt printer."""
    require(actor, Role.OPERATOR)
    media = _check_media(media)
    if media == "a4":
        kind, payload = "receipt_a4", _receipt_a4_payload(actor, request_ref)
    else:
        kind, payload = "receipt_slip", _receipt_slip_payload(request_ref)
    return _record(actor, kind, payload, media, requests.request_info(request_ref).id)


def _record(actor: Actor, kind: str, payload: dict, printer: str, request_id: int) -> int:
    with database.atomic():
        return printjobs.record_job(actor, kind, payload, printer=printer, ref_table="request", ref_id=request_id)


def checklist_sheet(actor: Actor, request_ref) -> int:
    """Record the checklist sheet (daftar periksa berkas) on A4."""
    require(actor, Role.OPERATOR)
    payload = _checklist_payload(actor, request_ref)
    return _record(actor, "checklist_a4", payload, "a4", requests.request_info(request_ref).id)


def pickup_proof(actor: Actor, reg_no: str, media: str = "receipt") -> int:
    """Record the proof of collection (bukti pengambilan) for a collected request."""
    require(actor, Role.OPERATOR)
    media = _check_media(media)
    if media == "a4":
        kind, payload = "proof_a4", _proof_a4_payload(reg_no)
    else:
        kind, payload = "proof_slip", _proof_slip_payload(reg_no)
    return _record(actor, kind, payload, media, pickup.pickup_info(reg_no).request_id)


# --- saving an A4 document as a PDF file -----------------------------------------------------


def save_pdf(actor: Actor, document: str, ref, path) -> str:
    """Write a request's A4 document ("receipt", "checklist" or "proof") to a PDF file the
    operator chose, e.g. to send it by WhatsApp. An existing file is never overwritten."""
    require(actor, Role.OPERATOR)
    kinds = {"receipt": ("receipt_a4", "receipt"), "checklist": ("checklist_a4", "checklist"), "proof": ("proof_a4", "proof")}
    if document not in kinds:
        raise InvalidInput(_("Dokumen tidak dikenal."))
    target = files.new_file_path(path, ".pdf")
    # Build the same payload a print job would hold, then render it without recording a job.
    if document == "receipt":
        job_payload = _receipt_a4_payload(actor, ref)
    elif document == "checklist":
        job_payload = _checklist_payload(actor, ref)
    else:
        job_payload = _proof_a4_payload(ref)
    rendered = _a4_renderer(kinds[document][1])(job_payload, None)
    files.write_new_file(target, rendered.data)
    with database.atomic():
        from tui_kecamatan.core import audit

        audit.record(actor, "pdf_disimpan", "request", _request_id(ref, document), f"{kinds[document][0]} ke {target}")
    return str(target)


def _request_id(ref, document: str) -> int | None:
    if document == "proof":
        return pickup.pickup_info(ref).request_id
    return requests.request_info(ref).id


# --- A4 rendering and delivery, registered with the print jobs --------------------------------


def _a4_renderer(document: str):
    def render(payload: dict, settings):
        from printing import a4

        office_data = a4.OfficeLetterhead.from_payload(payload["office"])
        data_class, build, prefix = {
            "receipt": (a4.RequestReceiptData, a4.request_receipt_pdf, "tanda-terima"),
            "checklist": (a4.ChecklistSheetData, a4.checklist_pdf, "daftar-periksa"),
            "proof": (a4.PickupProofData, a4.pickup_proof_pdf, "bukti-pengambilan"),
        }[document]
        data = data_class.from_payload(payload["data"])
        printed = clock.now_local().replace(tzinfo=None)
        pdf = build(office_data, data, printed_at=printed)
        return printjobs.Rendered(pdf, f"{prefix}-{getattr(data, 'reg_no', 'dokumen')}.pdf")

    return render


def _deliver_a4(data: bytes, settings, name: str) -> str:
    from printing.a4 import deliver_pdf

    return deliver_pdf(settings, data, name or "dokumen.pdf")


def _a4_test_page(payload: dict, settings):
    """The A4 printer's test page (`print test --printer a4`, `t` in Admin > Cetak): the office's
    letterhead, when and where it was sent, and what a good page looks like."""
    from printing import a4
    from printing.devices import device_label
    from printing.text import format_datetime

    printed = clock.now_local().replace(tzinfo=None)
    where = device_label(settings) if settings is not None else ""
    report = a4.ReportData(
        title=_("Halaman uji printer A4"),
        columns=[a4.ReportColumn(title=_("Keterangan"), weight=1.2), a4.ReportColumn(title=_("Isi"), weight=3)],
        rows=[[_("Kantor"), _office_name()],
              [_("Dikirim"), format_datetime(printed, clock.zone_abbreviation())],
              [_("Printer"), where or "a4"],
              [_("Hasil"), _("Bila kop, tabel dan nomor halaman di bawah tercetak utuh dan jelas, printer A4 siap "
                              "dipakai untuk tanda terima, bukti pengambilan dan rekap.")]],
    )
    return printjobs.Rendered(a4.report_pdf(letterhead(), report, printed_at=printed), "halaman-uji-a4.pdf")


printjobs.register_renderer("test", _a4_test_page, media="a4")
printjobs.register_renderer("receipt_a4", _a4_renderer("receipt"), media="a4", label="Tanda terima (A4)")
printjobs.register_renderer("checklist_a4", _a4_renderer("checklist"), media="a4", label="Daftar periksa berkas (A4)")
printjobs.register_renderer("proof_a4", _a4_renderer("proof"), media="a4", label="Bukti pengambilan (A4)")
printjobs.register_deliverer("a4", _deliver_a4)

# The report's A4 kind, so every place that prints or retries the A4 documents knows it too.
from tui_kecamatan.core import report_documents  # noqa: E402,F401
