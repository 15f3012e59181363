"""The report (rekap) on paper: saved as an A4 PDF file the supervisor names, or recorded as a
print job for the A4 printer and sent by `printjobs.send_job` like every other document.

The job's payload is the report's JSON with the office letterhead, so `print retry` and the
failed-prints list print it again exactly as it was. A report job belongs to no record, so it is
never superseded or discarded by the retry rules: it stays retryable until it prints or a
supervisor throws it away.

Importing this module registers the report's A4 kind with `core.printjobs` (and, through
`core.documents`, the A4 delivery).
"""

from __future__ import annotations

from pathlib import Path

from tui_kecamatan.core import audit, clock, documents, files, printjobs  # noqa: F401 - documents registers the A4 delivery
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.reports import Report
from tui_kecamatan.db.models import database
from tui_kecamatan.i18n import _

KIND = "report_a4"
PRINTER = "a4"
ACTION_SAVED = "rekap_disimpan"


def _letterhead(report: Report) -> dict:
    """The letterhead of the office as the report recorded it (the head who signs it too)."""
    from printing.a4.data import OfficeLetterhead

    office = report.office
    name = office.get("name") or ""
    if not name:
        kecamatan = office.get("kecamatan") or ""
        name = _("Kantor Kecamatan {name}").format(name=kecamatan) if kecamatan else _("Kantor Kecamatan")
    return OfficeLetterhead(
        name=name, kecamatan=office.get("kecamatan") or "", kabupaten=office.get("kabupaten") or "",
        province=office.get("province") or "", address=office.get("address") or "", phone=office.get("phone") or "",
        email=office.get("email") or "", opening_hours=office.get("hours") or "", zone=clock.zone_abbreviation(),
    ).to_payload()


def report_payload(report: Report) -> dict:
    """Everything needed to print the report again: the letterhead and the report's JSON; the
    sign-off is dated the day the report was made."""
    from printing.a4.report import RecapData

    data = RecapData(report=report.as_json(), signed_on=report.overdue_as_of)
    return {"office": _letterhead(report), "data": data.to_payload()}


def _render(payload: dict, settings):
    from printing.a4.data import OfficeLetterhead
    from printing.a4.report import RecapData, recap_file_name, recap_pdf

    if not isinstance(payload.get("data"), dict) or not isinstance(payload["data"].get("report"), dict):
        raise printjobs.BrokenPayload(_("data rekap tidak ada"))
    office = OfficeLetterhead.from_payload(payload["office"])
    data = RecapData.from_payload(payload["data"])
    pdf = recap_pdf(office, data, printed_at=clock.now_local().replace(tzinfo=None))
    return printjobs.Rendered(pdf, recap_file_name(data.report))


def target_path(path) -> Path:
    """The file a report is saved to: `.pdf` added when missing; refused with one sentence when
    no name is given, its folder does not exist, or the file is already there."""
    return files.new_file_path(path, ".pdf")


def save_report_pdf(actor: Actor, report: Report, path) -> str:
    """Write the report as an A4 PDF to a file the supervisor chose and return its path; an
    existing file is never overwritten (the file is created with O_EXCL, readable by its owner
    only). Audited as `rekap_disimpan`."""
    require(actor, Role.SUPERVISOR)
    target = target_path(path)
    rendered = _render(report_payload(report), None)
    files.write_new_file(target, rendered.data)
    with database.atomic():
        audit.record(actor, ACTION_SAVED, "report", None,
                     f"{report.kind} {report.date_from.isoformat()} s.d. {report.date_to.isoformat()} ke {target}")
    return str(target)


def print_report(actor: Actor, report: Report) -> int:
    """Record the report as a print job on the A4 printer and return the job's id; the caller
    sends it with `printjobs.send_job` outside any transaction."""
    require(actor, Role.SUPERVISOR)
    payload = report_payload(report)
    with database.atomic():
        return printjobs.record_job(actor, KIND, payload, printer=PRINTER)


printjobs.register_renderer(KIND, _render, media="a4", label="Rekap layanan (A4)")
