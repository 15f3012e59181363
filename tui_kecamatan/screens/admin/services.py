"""The services section of the admin screen: the office's services with their queue prefix and
target, suspending and resuming them, and each service's requirement list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import services
from tui_kecamatan.core.services import RequirementInfo, ServiceInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane, Column, RowTable
from tui_kecamatan.screens.admin.dialogs import RequirementForm, RequirementValues, ServiceForm, ServiceValues

SERVICE_ACTIONS = {"add_service", "edit_service", "suspend", "resume", "toggle_active"}
REQUIREMENT_ACTIONS = {"add_requirement", "edit_requirement", "toggle_mandatory", "toggle_kind", "move", "remove"}


def service_status(service: ServiceInfo) -> Content:
    if not service.active:
        return Content.styled(_("nonaktif"), "dim")
    if service.suspended:
        return Content.styled(_("Ditunda"), "bold $warning")
    return Content(_("aktif"))


class ServicesPane(AdminPane):
    BINDINGS = [
        Binding("a", "add_service", _("Tambah layanan")),
        Binding("e", "edit_service", _("Ubah layanan")),
        Binding("t", "suspend", _("Tunda")),
        Binding("l", "resume", _("Lanjutkan")),
        Binding("x", "toggle_active", _("Nonaktifkan/aktifkan"), show=False),
        Binding("a", "add_requirement", _("Tambah persyaratan")),
        Binding("e", "edit_requirement", _("Ubah teks")),
        Binding("w", "toggle_mandatory", _("Wajib/tidak")),
        Binding("j", "toggle_kind", _("Berkas/protokol")),
        Binding("ctrl+up,u", "move(-1)", _("Naik")),
        Binding("ctrl+down,d", "move(1)", _("Turun")),
        Binding("delete,x", "remove", _("Hapus")),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services: list[ServiceInfo] = []
        # Rows to put the cursor on once the reloaded lists are shown (after adding or moving).
        self.pending_service: int | None = None
        self.pending_requirement: int | None = None

    def compose(self) -> ComposeResult:
        yield RowTable([
            Column("code", _("Kode"), 17),
            Column("name", _("Nama layanan")),
            Column("prefix", _("Awalan"), 7),
            Column("target", _("Target"), 8),
            Column("kk", _("KK"), 4),
            Column("status", _("Status"), 9),
        ], id="services-table")
        yield Static("", id="service-note", markup=False)
        yield Static("", id="requirements-title", markup=False)
        yield RowTable([
            Column("no", _("No"), 4),
            Column("text", _("Persyaratan")),
            Column("mandatory", _("Wajib"), 7),
            Column("kind", _("Jenis"), 9),
        ], id="requirements-table")

    def focus_table(self) -> None:
        self.query_one("#services-table", RowTable).focus()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.run_db(services.list_services, True, then=self._show, group="admin-services", exclusive=True)

    def _show(self, rows: list[ServiceInfo]) -> None:
        self.services = rows
        table = self.query_one("#services-table", RowTable)
        table.set_rows([
            (service.id, (
                service.code,
                clean_text(service.name, 120),
                service.prefix,
                _("{n} hari").format(n=service.target_days),
                _("ya") if service.needs_kk else "-",
                service_status(service),
            ))
            for service in rows
        ])
        if self.pending_service is not None:
            table.move_to_key(self.pending_service)
            self.pending_service = None
        self._show_requirements()
        self.screen.refresh_bindings()

    def selected(self) -> ServiceInfo | None:
        key = self.query_one("#services-table", RowTable).current_key()
        return next((s for s in self.services if str(s.id) == key), None)

    def selected_requirement(self) -> RequirementInfo | None:
        service = self.selected()
        key = self.query_one("#requirements-table", RowTable).current_key()
        if service is None or key is None:
            return None
        return next((r for r in service.requirements if str(r.id) == key), None)

    def _show_requirements(self) -> None:
        service = self.selected()
        note = self.query_one("#service-note", Static)
        title = self.query_one("#requirements-title", Static)
        table = self.query_one("#requirements-table", RowTable)
        if service is None:
            note.update("")
            title.update("")
            table.set_rows([])
            return
        if service.suspended:
            note.update(Content.assemble((_("Ditunda: "), "bold $warning"), clean_text(service.suspended_reason, 300)))
        elif not service.active:
            note.update(Content.styled(_("Layanan nonaktif: tidak muncul di antrian dan permohonan baru."), "dim"))
        else:
            note.update(Content.styled(_("Enter: ke persyaratan layanan ini; Shift+Tab: kembali ke daftar layanan."), "dim"))
        title.update(Content.assemble((_("Persyaratan "), "bold"), (clean_text(service.name, 120), "bold $primary")))
        table.set_rows([
            (requirement.id, (
                f"{number}.",
                clean_text(requirement.text, 300),
                Content.styled(_("wajib"), "bold") if requirement.mandatory else Content.styled(_("tidak"), "dim"),
                _("berkas") if requirement.kind == "berkas" else Content.styled(_("protokol"), "$accent"),
            ))
            for number, requirement in enumerate(service.requirements, 1)
        ])
        if self.pending_requirement is not None:
            table.move_to_key(self.pending_requirement)
            self.pending_requirement = None

    @on(DataTable.RowHighlighted, "#services-table")
    def _service_highlighted(self) -> None:
        self._show_requirements()
        self.screen.refresh_bindings()

    @on(DataTable.RowHighlighted, "#requirements-table")
    def _requirement_highlighted(self) -> None:
        self.screen.refresh_bindings()

    @on(DataTable.RowSelected, "#services-table")
    def _service_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.query_one("#requirements-table", RowTable).focus()

    # --- keys ------------------------------------------------------------------------------

    def _in(self, table_id: str) -> bool:
        focused = self.screen.focused
        return focused is not None and focused.id == table_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SERVICE_ACTIONS:
            if not self._in("services-table"):
                return False
            service = self.selected()
            if action == "suspend":
                return False if service is not None and service.suspended else (service is not None or None)
            if action == "resume":
                return bool(service is not None and service.suspended)
            if action in ("edit_service", "toggle_active"):
                return True if service is not None else None
            return True
        if action in REQUIREMENT_ACTIONS:
            if not self._in("requirements-table"):
                return False
            if self.selected() is None:
                return None
            requirement = self.selected_requirement()
            if action == "move":
                if requirement is None:
                    return None
                service = self.selected()
                index = [r.id for r in service.requirements].index(requirement.id)
                step = int(parameters[0]) if parameters else 1
                return True if 0 <= index + step < len(service.requirements) else None
            if action != "add_requirement" and requirement is None:
                return None
            return True
        return True

    # --- services --------------------------------------------------------------------------

    def action_add_service(self) -> None:
        actor = self.actor

        def submit(v: ServiceValues) -> ServiceInfo:
            added = services.add_service(actor, code=v.code, name=v.name, prefix=v.prefix, target_days=v.target_days,
                                         needs_kk=v.needs_kk)
            if v.urgent_only:
                added = services.edit_service(actor, added.id, urgent_only=True)
            return added

        self.app.push_screen(ServiceForm(_("Tambah layanan"), submit), callback=self._service_saved)

    def action_edit_service(self) -> None:
        service = self.selected()
        if service is None:
            return
        actor = self.actor

        def submit(v: ServiceValues) -> ServiceInfo:
            return services.edit_service(actor, service.id, code=v.code, name=v.name, prefix=v.prefix,
                                         target_days=v.target_days, needs_kk=v.needs_kk, urgent_only=v.urgent_only)

        title = _("Ubah layanan {name}").format(name=clean_text(service.name, 60))
        self.app.push_screen(ServiceForm(title, submit, service), callback=self._service_saved)

    def _service_saved(self, service: ServiceInfo | None) -> None:
        if service is None:
            return
        self.pending_service = service.id
        self.done(_("Layanan {name} disimpan.").format(name=service.name))

    def action_suspend(self) -> None:
        service = self.selected()
        if service is None:
            return
        from tui_kecamatan.widgets.prompt import TextPrompt

        question = _("Nomor antrian dan permohonan baru untuk {name} akan ditolak dengan alasan ini.").format(
            name=clean_text(service.name, 80))
        self.app.push_screen(
            TextPrompt(_("Tunda layanan"), question, placeholder=_("mis. blangko KTP-el habis")),
            callback=lambda reason: self._suspend(service, reason) if reason else None,
        )

    def _suspend(self, service: ServiceInfo, reason: str) -> None:
        self.run_db(services.suspend_service, self.actor, service.id, reason,
                    then=lambda s: self.done(_("Layanan {name} ditunda.").format(name=s.name)))

    def action_resume(self) -> None:
        service = self.selected()
        if service is None:
            return
        self.run_db(services.resume_service, self.actor, service.id,
                    then=lambda s: self.done(_("Layanan {name} dilanjutkan.").format(name=s.name)))

    def action_toggle_active(self) -> None:
        service = self.selected()
        if service is None:
            return
        if service.active:
            from tui_kecamatan.widgets.confirm import ConfirmScreen

            question = _("Nonaktifkan layanan {name}? Layanan tidak muncul lagi di antrian dan permohonan baru; "
                         "permohonan lama tetap ada.").format(name=clean_text(service.name, 80))
            self.app.push_screen(ConfirmScreen(question, default=False),
                                 callback=lambda yes: self._set_active(service, False) if yes else None)
        else:
            self._set_active(service, True)

    def _set_active(self, service: ServiceInfo, active: bool) -> None:
        word = _("diaktifkan") if active else _("dinonaktifkan")
        self.run_db(services.set_service_active, self.actor, service.id, active,
                    then=lambda s: self.done(_("Layanan {name} {word}.").format(name=s.name, word=word)))

    # --- requirements ----------------------------------------------------------------------

    def action_add_requirement(self) -> None:
        service = self.selected()
        if service is None:
            return
        actor = self.actor

        def submit(v: RequirementValues) -> RequirementInfo:
            return services.add_requirement(actor, service.id, v.text, mandatory=v.mandatory, kind=v.kind)

        title = _("Tambah persyaratan {name}").format(name=clean_text(service.name, 60))
        self.app.push_screen(RequirementForm(title, submit), callback=self._requirement_saved)

    def action_edit_requirement(self) -> None:
        requirement = self.selected_requirement()
        if requirement is None:
            return
        actor = self.actor

        def submit(v: RequirementValues) -> RequirementInfo:
            return services.edit_requirement(actor, requirement.id, text=v.text, mandatory=v.mandatory, kind=v.kind)

        self.app.push_screen(RequirementForm(_("Ubah persyaratan"), submit, requirement), callback=self._requirement_saved)

    def _requirement_saved(self, requirement: RequirementInfo | None) -> None:
        if requirement is None:
            return
        self.pending_requirement = requirement.id
        self.query_one("#requirements-table", RowTable).focus()
        self.done(_("Persyaratan disimpan: {text}").format(text=requirement.text))

    def action_toggle_mandatory(self) -> None:
        requirement = self.selected_requirement()
        if requirement is None:
            return
        word = _("tidak wajib") if requirement.mandatory else _("wajib")
        self.run_db(services.edit_requirement, self.actor, requirement.id, mandatory=not requirement.mandatory,
                    then=lambda r: self.done(_("{text}: {word}.").format(text=r.text, word=word)))

    def action_toggle_kind(self) -> None:
        requirement = self.selected_requirement()
        if requirement is None:
            return
        kind = "protokol" if requirement.kind == "berkas" else "berkas"
        self.run_db(services.edit_requirement, self.actor, requirement.id, kind=kind,
                    then=lambda r: self.done(_("{text}: {kind}.").format(text=r.text, kind=_(kind))))

    def action_move(self, step: int) -> None:
        service = self.selected()
        requirement = self.selected_requirement()
        if service is None or requirement is None:
            return
        index = [r.id for r in service.requirements].index(requirement.id)
        target = index + int(step)
        if not 0 <= target < len(service.requirements):
            return

        def moved(_info: RequirementInfo) -> None:
            self.pending_requirement = requirement.id
            self.reload()

        self.run_db(services.edit_requirement, self.actor, requirement.id, position=target, then=moved)

    def action_remove(self) -> None:
        service = self.selected()
        requirement = self.selected_requirement()
        if service is None or requirement is None:
            return
        from tui_kecamatan.widgets.confirm import ConfirmScreen

        question = _("Hapus persyaratan \"{text}\" dari layanan {name}? Permohonan yang sudah diterima tetap "
                     "memakai daftar lamanya.").format(text=clean_text(requirement.text, 200), name=clean_text(service.name, 80))
        self.app.push_screen(ConfirmScreen(question, title=_("Hapus persyaratan"), default=False),
                             callback=lambda yes: self._remove(requirement) if yes else None)

    def _remove(self, requirement: RequirementInfo) -> None:
        self.run_db(services.remove_requirement, self.actor, requirement.id,
                    then=lambda _none: self.done(_("Persyaratan dihapus: {text}").format(text=requirement.text)))
