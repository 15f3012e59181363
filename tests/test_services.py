"""The admin's lists: services and their requirement lists, desa, holidays and message templates."""

from __future__ import annotations

from datetime import date

import pytest

from tui_kecamatan.core import desa, holidays, services, templates
from tui_kecamatan.db.models import AuditEvent, Setting
from tui_kecamatan.errors import InvalidInput, NotFound, PermissionDenied, Refused


def last_audit():
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    return event.action, event.actor, event.detail


def test_seeded_services_with_their_lists(db):
    listed = services.list_services()
    assert [s.code for s in listed] == ["KTP", "KK", "PINDAH_KELUAR", "PINDAH_DATANG", "REKAM", "PINDAH_ANTAR_KEC"]
    rekam = services.get_service("rekam")
    assert rekam.suspended and rekam.urgent_only and rekam.suspended_reason
    assert {r.kind for r in rekam.requirements} == {"berkas", "protokol"}
    assert len(rekam.documents) + len(rekam.protocol) == len(rekam.requirements)
    kk = services.get_service("KK")
    assert [r.position for r in kk.requirements] == list(range(len(kk.requirements)))
    with pytest.raises(NotFound):
        services.get_service("AKTA")


def test_add_service_checks_code_prefix_and_target(admin):
    info = services.add_service(admin, code=" akta_lahir ", name="Akta kelahiran", prefix="g", target_days=5, needs_kk=True)
    assert (info.code, info.prefix, info.target_days, info.needs_kk, info.requirements) == ("AKTA_LAHIR", "G", 5, True, ())
    assert services.list_services()[-1].code == "AKTA_LAHIR"
    assert last_audit()[:2] == ("layanan_ditambah", "admin")
    with pytest.raises(Refused, match="Cetak KK"):
        services.add_service(admin, code="KK2", name="Cetak KK lagi", prefix="B")
    with pytest.raises(Refused, match="AKTA_LAHIR"):
        services.add_service(admin, code="akta_lahir", name="Lagi", prefix="H")
    for code in ("AKTA-LAHIR", "1AKTA", "ÄKTA", "", "AKTA LAHIR"):
        with pytest.raises(InvalidInput):
            services.add_service(admin, code=code, name="Akta", prefix="H")
    for prefix in ("", "AB", "1", "é"):
        with pytest.raises(InvalidInput):
            services.add_service(admin, code="AKTA2", name="Akta", prefix=prefix)
    for days in (-1, 91, "tiga", True):
        with pytest.raises(InvalidInput):
            services.add_service(admin, code="AKTA2", name="Akta", prefix="H", target_days=days)
    with pytest.raises(InvalidInput):
        services.add_service(admin, code="AKTA2", name=" \x1b ", prefix="H")


def test_only_admin_changes_services(operator, supervisor):
    for actor in (operator, supervisor):
        with pytest.raises(PermissionDenied):
            services.add_service(actor, code="AKTA", name="Akta", prefix="G")
        with pytest.raises(PermissionDenied):
            services.suspend_service(actor, "KK", "Blangko habis")
        with pytest.raises(PermissionDenied):
            templates.set_template(actor, "ready", "Siap {reg_no}")
        with pytest.raises(PermissionDenied):
            holidays.add_holiday(actor, date(2026, 12, 25), "Natal")
    assert not services.get_service("KK").suspended


def test_edit_service(admin):
    edited = services.edit_service(admin, "KK", name="Cetak ulang KK", target_days=5, prefix="k")
    assert (edited.code, edited.name, edited.target_days, edited.prefix) == ("KK", "Cetak ulang KK", 5, "K")
    action, _actor, detail = last_audit()
    assert action == "layanan_diubah" and "target_days: 3 -> 5" in detail
    with pytest.raises(Refused, match="Cetak KTP-el"):
        services.edit_service(admin, "KK", prefix="A")
    renamed = services.edit_service(admin, edited.id, code="kk_baru")
    assert renamed.code == "KK_BARU" and services.get_service("KK_BARU").id == edited.id
    marker = AuditEvent.select().count()
    services.edit_service(admin, "KK_BARU", name="Cetak ulang KK")  # nothing changes: nothing written
    assert AuditEvent.select().count() == marker


def test_suspend_needs_a_reason_and_resume(admin):
    with pytest.raises(InvalidInput, match="Alasan"):
        services.suspend_service(admin, "KK", "  ")
    suspended = services.suspend_service(admin, "KK", "Blangko KK habis")
    assert suspended.suspended and suspended.suspended_reason == "Blangko KK habis"
    assert last_audit()[0] == "layanan_ditunda"
    with pytest.raises(Refused):
        services.suspend_service(admin, "KK", "Lagi")
    resumed = services.resume_service(admin, "KK")
    assert not resumed.suspended and resumed.suspended_reason == ""
    with pytest.raises(Refused):
        services.resume_service(admin, "KK")


def test_retired_service_leaves_the_list(admin):
    services.set_service_active(admin, "PINDAH_ANTAR_KEC", False)
    assert "PINDAH_ANTAR_KEC" not in [s.code for s in services.list_services()]
    assert "PINDAH_ANTAR_KEC" in [s.code for s in services.list_services(include_inactive=True)]


def texts(code):
    return [(r.text, r.mandatory, r.position) for r in services.get_service(code).requirements]


def test_requirement_list_add_edit_move_remove_reorder(admin):
    before = services.get_service("PINDAH_DATANG").requirements
    added = services.add_requirement(admin, "PINDAH_DATANG", "Surat pengantar RT/RW", mandatory=False, position=0)
    assert texts("PINDAH_DATANG")[0] == ("Surat pengantar RT/RW", False, 0)
    assert [t[2] for t in texts("PINDAH_DATANG")] == [0, 1, 2, 3]
    assert last_audit()[0] == "persyaratan_ditambah"

    services.edit_requirement(admin, added.id, text="Surat pengantar RT dan RW", mandatory=True, position=99)
    assert texts("PINDAH_DATANG")[-1] == ("Surat pengantar RT dan RW", True, 3)

    services.remove_requirement(admin, before[0].id)
    assert [t[0] for t in texts("PINDAH_DATANG")] == [before[1].text, before[2].text, "Surat pengantar RT dan RW"]
    assert [t[2] for t in texts("PINDAH_DATANG")] == [0, 1, 2]
    assert last_audit()[0] == "persyaratan_dihapus"

    ids = [r.id for r in services.get_service("PINDAH_DATANG").requirements]
    services.reorder_requirements(admin, "PINDAH_DATANG", list(reversed(ids)))
    assert [r.id for r in services.get_service("PINDAH_DATANG").requirements] == list(reversed(ids))
    with pytest.raises(InvalidInput):
        services.reorder_requirements(admin, "PINDAH_DATANG", ids[:-1])
    with pytest.raises(InvalidInput):
        services.reorder_requirements(admin, "PINDAH_DATANG", ids + [services.get_service("KK").requirements[0].id])
    with pytest.raises(NotFound):
        services.remove_requirement(admin, before[0].id)


def test_requirement_kind_and_text_checked(admin):
    protocol = services.add_requirement(admin, "REKAM", "Jarak antrean 1 meter", kind="protokol")
    assert protocol.kind == "protokol"
    assert services.get_service("REKAM").protocol[-1].text == "Jarak antrean 1 meter"
    with pytest.raises(InvalidInput):
        services.add_requirement(admin, "REKAM", "Apa saja", kind="lainnya")
    with pytest.raises(InvalidInput):
        services.add_requirement(admin, "REKAM", "\x07\u200f ")
    stored = services.add_requirement(admin, "KK", "[b]Akta[/b]\x1b lahir")
    assert stored.text == "[b]Akta[/b] lahir"


def test_desa_add_rename_deactivate(admin):
    gelam = desa.add_desa(admin, "Gelam")
    desa.add_desa(admin, "Sukaasih", "kelurahan")
    with pytest.raises(Refused):
        desa.add_desa(admin, "gelam")
    with pytest.raises(InvalidInput):
        desa.add_desa(admin, "Pasir", "dusun")
    renamed = desa.rename_desa(admin, gelam.id, "Gelam Jaya")
    assert renamed.name == "Gelam Jaya"
    assert last_audit()[0] == "desa_diubah"
    with pytest.raises(Refused):
        desa.rename_desa(admin, gelam.id, "SUKAASIH")
    desa.deactivate_desa(admin, gelam.id)
    assert [d.name for d in desa.list_desa()] == ["Sukaasih"]
    assert [d.name for d in desa.list_desa(include_inactive=True)] == ["Gelam Jaya", "Sukaasih"]
    with pytest.raises(InvalidInput):
        desa.active_desa_name("Gelam Jaya")
    desa.set_desa_active(admin, gelam.id, True)
    assert desa.active_desa_name("gelam jaya") == "Gelam Jaya"


def test_holidays(admin):
    holidays.add_holiday(admin, date(2026, 12, 25), "Hari Raya Natal")
    holidays.add_holiday(admin, date(2027, 1, 1), "Tahun Baru")
    assert [h.day for h in holidays.list_holidays(2026)] == [date(2026, 12, 25)]
    assert len(holidays.list_holidays()) == 2
    with pytest.raises(Refused, match="25-12-2026"):
        holidays.add_holiday(admin, date(2026, 12, 25), "Lagi")
    holidays.remove_holiday(admin, date(2026, 12, 25))
    assert last_audit()[0] == "libur_dihapus"
    with pytest.raises(NotFound):
        holidays.remove_holiday(admin, date(2026, 12, 25))


def test_templates_accept_only_known_placeholders(admin):
    assert "{daftar}" in templates.get_template("missing")
    text = "Halo {nama}, dokumen {layanan} ({reg_no}) siap di {kantor}, {jam}. Kurung {{biasa}}."
    assert templates.set_template(admin, "ready", text) == text
    assert templates.get_template("ready") == text
    assert Setting.get_by_id("template.ready").value == text
    assert last_audit()[:2] == ("templat_diubah", "admin")
    for bad in ("Halo {nik}", "Halo {nama.__class__}", "Halo {nama!r}", "Halo {nama:>40}", "Halo {}",
                "Halo {0}", "Halo {nama", "Halo }", "Halo {nama[0]}", ""):
        with pytest.raises(InvalidInput):
            templates.set_template(admin, "ready", bad)
    assert templates.get_template("ready") == text
    with pytest.raises(InvalidInput, match=r"\{daftar\}"):
        templates.set_template(admin, "missing", "Berkas {layanan} Anda kurang.")
    with pytest.raises(InvalidInput):
        templates.set_template(admin, "lainnya", "Halo {nama}")
    templates.reset_template(admin, "ready")
    assert templates.get_template("ready") != text


def test_template_error_names_the_unknown_field(admin):
    with pytest.raises(InvalidInput) as caught:
        templates.set_template(admin, "sent", "NIK Anda {nik}")
    assert "{nik}" in str(caught.value) and "{nama}" in str(caught.value)
