"""A citizen's access request: everything the office holds about one NIK, and nothing about
anyone else.

It holds the citizen's record, each of their requests with its states and dates, its checklist,
the contacts made, the pickup (a collector other than the applicant appears by kind and masked
NIK only), the audit events about those requests, and every time their full NIK was shown, by
whom. Made by an admin (the app's admin screen or `tui-kecamatan export-citizen`), audited.
"""

from __future__ import annotations

from datetime import datetime

from tui_kecamatan.core import accounts, audit, clock, validation
from tui_kecamatan.core.accounts import Actor, Role
from tui_kecamatan.core.request_labels import ACTION_LABELS, CHANNEL_LABELS, STATUS_LABELS
from tui_kecamatan.core.text import mask_nik
from tui_kecamatan.db.models import AuditEvent, Citizen, Contact, Pickup, Request, RequestItem, database
from tui_kecamatan.errors import NotFound
from tui_kecamatan.i18n import _

COLLECTORS = {"self": "pemohon sendiri", "family": "keluarga", "proxy": "kuasa", "electronic": "dikirim elektronik"}
CONTACTS = {"missing": "berkas kurang", "ready": "dokumen siap", "sent": "dokumen dikirim"}


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else clock.to_local(moment).replace(tzinfo=None).isoformat(timespec="minutes")


def _day(value) -> str | None:
    return None if value is None else str(value)


def _scrub(text: str, others: list[tuple[str, str]]) -> str:
    """An audit detail with other people's names and NIKs replaced by their masked forms."""
    for name, nik in others:
        if name:
            text = text.replace(name, _("(pengambil)"))
        if nik:
            text = text.replace(nik, mask_nik(nik))
    return text


def export_citizen(actor: Actor, nik: str) -> dict:
    """Everything held about `nik` as plain data (the JSON of `export-citizen`), audited."""
    accounts.require(actor, Role.ADMIN)
    nik = validation.validate_nik(nik).nik
    with database.atomic():
        citizen = Citizen.get_or_none(Citizen.nik == nik)
        rows = list(Request.select().where(Request.nik == nik).order_by(Request.created_at, Request.id))
        if citizen is None and not rows:
            raise NotFound(_("Tidak ada data tersimpan untuk NIK {nik}.").format(nik=mask_nik(nik)))
        ids = [row.id for row in rows]
        pickups = {p.request_id: p for p in Pickup.select().where(Pickup.request.in_(ids))} if ids else {}
        others = [(p.collector_name, p.collector_nik) for p in pickups.values()
                  if p.collector_kind in ("family", "proxy") and p.collector_nik != nik]
        result_requests = []
        for row in rows:
            items = RequestItem.select().where(RequestItem.request == row.id).order_by(RequestItem.position, RequestItem.id)
            contacts = Contact.select().where(Contact.request == row.id).order_by(Contact.at, Contact.id)
            taken = pickups.get(row.id)
            pickup = None
            if taken is not None:
                own = taken.collector_kind in ("self", "electronic") or taken.collector_nik == nik
                pickup = {
                    "collector_kind": taken.collector_kind,
                    "collector": COLLECTORS.get(taken.collector_kind, taken.collector_kind),
                    "collector_name": taken.collector_name if own else "",
                    "collector_nik_masked": mask_nik(taken.collector_nik) if taken.collector_nik else "",
                    "at": _time(taken.at),
                    "staff": taken.staff.username if taken.staff_id else "",
                }
            result_requests.append({
                "reg_no": row.reg_no, "service": row.service.code, "service_name": row.service.name,
                "status": row.status, "status_label": STATUS_LABELS.get(row.status, row.status),
                "channel": row.channel, "name": row.name, "kk_number": row.kk_number, "phone": row.phone,
                "desa": row.desa, "created_at": _time(row.created_at), "due_date": _day(row.due_date),
                "ready_at": _time(row.ready_at), "closed_at": _time(row.closed_at), "reason": row.reason,
                "urgent": bool(row.urgent), "urgent_reason": row.urgent_reason,
                "checklist": [{"text": item.text, "mandatory": bool(item.mandatory), "checked": bool(item.checked),
                               "note": item.note} for item in items],
                "contacts": [{"kind": c.kind, "label": CONTACTS.get(c.kind, c.kind), "at": _time(c.at),
                              "phone": c.phone, "message": c.message,
                              "staff": c.staff.username if c.staff_id else ""} for c in contacts],
                "pickup": pickup,
            })
        contact_ids = [c.id for c in Contact.select(Contact.id).where(Contact.request.in_(ids))] if ids else []
        events = list(
            AuditEvent.select().where(
                ((AuditEvent.table_name == "request") & AuditEvent.record_id.in_(ids or [0]))
                | ((AuditEvent.table_name == "contact") & AuditEvent.record_id.in_(contact_ids or [0])))
            .order_by(AuditEvent.id)
        )
        reg_by_id = {row.id: row.reg_no for row in rows}
        audit_events = [{
            "at": _time(e.at), "actor": e.actor, "action": e.action,
            "label": ACTION_LABELS.get(e.action, e.action.replace("_", " ")),
            "reg_no": reg_by_id.get(e.record_id, "") if e.table_name == "request" else "",
            "detail": _scrub(e.detail, others),
        } for e in events]
        reveals = [{"at": event["at"], "by": event["actor"], "reg_no": event["reg_no"]}
                   for event in audit_events if event["action"] == "nik_ditampilkan"]
        audit.record(actor, "data_warga_diekspor", "citizen", citizen.id if citizen else None,
                     f"{mask_nik(nik)}: {len(rows)} permohonan")
    return {
        "nik": nik,
        "made_at": _time(clock.now_utc()),
        "made_by": actor.username,
        "citizen": None if citizen is None else {
            "nik": citizen.nik, "name": citizen.name, "kk_number": citizen.kk_number, "phone": citizen.phone,
            "desa": citizen.desa, "updated_at": _time(citizen.updated_at)},
        "requests": result_requests,
        "audit": audit_events,
        "nik_revealed": reveals,
    }


def _shown(moment: str | None) -> str:
    return moment.replace("T", " ") if moment else "-"


def export_rows(data: dict) -> list[list[str]]:
    """The export as the rows of one table (Waktu, Bagian, Keterangan) for the A4 document."""
    rows: list[list[str]] = []
    person = data["citizen"]
    if person:
        rows.append(["", _("Data warga"), _("{name}; NIK {nik}; KK {kk}; HP {phone}; desa {desa}").format(
            name=person["name"], nik=person["nik"], kk=person["kk_number"] or "-", phone=person["phone"] or "-",
            desa=person["desa"] or "-")])
    for request in data["requests"]:
        rows.append([request["created_at"] or "", _("Permohonan {reg_no}").format(reg_no=request["reg_no"]),
                     _("{service}; status {status}; jalur {channel}; target {due}; siap {ready}; selesai {closed}").format(
                         service=request["service_name"], status=request["status_label"],
                         channel=CHANNEL_LABELS.get(request["channel"], request["channel"]),
                         due=request["due_date"] or "-", ready=_shown(request["ready_at"]),
                         closed=_shown(request["closed_at"]))])
        for item in request["checklist"]:
            mark = "ada" if item["checked"] else "belum"
            rows.append(["", _("Berkas"), f"{item['text']}: {mark}" + (f" ({item['note']})" if item["note"] else "")])
        for contact in request["contacts"]:
            rows.append([contact["at"] or "", _("Dihubungi"), f"{contact['label']}: {contact['message']}"])
        if request["pickup"]:
            taken = request["pickup"]
            who = taken["collector_name"] or taken["collector_nik_masked"]
            rows.append([taken["at"] or "", _("Diambil"), f"{taken['collector']}" + (f", {who}" if who else "")])
    for event in data["audit"]:
        rows.append([event["at"] or "", _("Jejak audit"), f"{event['label']} oleh {event['actor']}: {event['detail']}"])
    return rows


def export_pdf(data: dict) -> bytes:
    """The export as an A4 document on the office's letterhead, one table over as many pages as
    it needs."""
    from printing import a4
    from tui_kecamatan.core import documents

    report = a4.ReportData(
        title=_("Data pribadi yang disimpan kantor"),
        subtitle=_("Atas permintaan pemilik data, NIK {nik}; disusun {at} oleh {by}").format(
            nik=data["nik"], at=(data["made_at"] or "").replace("T", " "), by=data["made_by"]),
        columns=[a4.ReportColumn(title=_("Waktu"), weight=1.3), a4.ReportColumn(title=_("Bagian"), weight=1.3),
                 a4.ReportColumn(title=_("Keterangan"), weight=4.4)],
        rows=[[when.replace("T", " "), part, text] for when, part, text in export_rows(data)],
    )
    return a4.report_pdf(documents.letterhead(), report, printed_at=clock.now_local().replace(tzinfo=None))


def save_pdf(data: dict, path) -> str:
    """The export as an A4 PDF in a new file the admin named."""
    from tui_kecamatan.core import files

    target = files.new_file_path(path, ".pdf")
    return files.write_new_file(target, export_pdf(data))
