"""The services section of the admin screen: the office's services with their queue prefix and
target, suspending and resuming them, and each service's requirement list."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_kecamatan.core import services
from tui_kecamatan.core.services import RequirementInfo, ServiceInfo
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.admin.dialogs import RequirementForm, RequirementValues, ServiceForm, ServiceValues
from tui_kecamatan.widgets.prompt import TextPrompt
from tui_kecamatan.widgets.row_table import Column, RowTable

SERVICE_ACTIONS = {"add_service", "edit_service", "suspend", "resume", "toggle_active"}
REQUIREMENT_ACTIONS = {"add_requirement", "edit_requirement", "toggle_mandatory", "toggle_kind", "move", "remove"}


def service_status(service: ServiceInfo) -> Content:
    if service.active and service.suspended:
        return Content.styled(_("Ditunda"), "bold $warning")
    return AdminPane.active_state(service.active)


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

    TABLE = "services-table"
    ROW_ACTIONS = frozenset({"edit_service", "toggle_active"})
    TOGGLES = (("suspend", "resume", lambda service: service.suspended),)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # The requirement to put the cursor on once the reloaded list is shown (after adding or moving).
        self.pending_requirement: int | None = None

    def compose(self) -> ComposeResult:
        yield RowTable([
            Column(_("Kode"), 17),
            Column(_("Nama layanan")),
            Column(_("Awalan"), 7),
            Column(_("Target"), 8),
            Column(_("KK"), 4),
            Column(_("Status"), 9),
        ], id="services-table")
        yield Static("", id="service-note", markup=False)
        yield Static("", id="requirements-title", markup=False)
        yield RowTable([
            Column(_("No"), 4),
            Column(_("Persyaratan")),
            Column(_("Wajib"), 7),
            Column(_("Jenis"), 9),
        ], id="requirements-table")

    # --- loading ---------------------------------------------------------------------------

    def fetch(self) -> list[ServiceInfo]:
        return services.list_services(True)

    def show(self, rows: list[ServiceInfo]) -> None:
        self.show_rows(rows, lambda service: (
            service.code,
            clean_text(service.name, 120),
            service.prefix,
            _("{n} hari").format(n=service.target_days),
            _("ya") if service.needs_kk else "-",
            service_status(service),
        ))
        self._show_requirements()

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

    @on(DataTable.RowSelected, "#services-table")
    def _service_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.query_one("#requirements-table", RowTable).focus()

    # --- keys ------------------------------------------------------------------------------

    def _in(self, table_id: str) -> bool:
        focused = self.screen.focused
        return focused is not None and focused.id == table_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Each list's keys show while that list has the focus.
        if action in SERVICE_ACTIONS and not self._in("services-table"):
            return False
        if action in REQUIREMENT_ACTIONS and not self._in("requirements-table"):
            return False
        return super().check_action(action, parameters)

    def key_state(self, action: str, service: ServiceInfo | None, parameters: tuple[object, ...]) -> bool | None:
        if action in REQUIREMENT_ACTIONS:
            if service is None:
                return None
            requirement = self.selected_requirement()
            if action == "move":
                if requirement is None:
                    return None
                index = [r.id for r in service.requirements].index(requirement.id)
                step = int(parameters[0]) if parameters else 1
                return True if 0 <= index + step < len(service.requirements) else None
            if action != "add_requirement" and requirement is None:
                return None
            return True
        return True

    # --- services --------------------------------------------------------------------------

    @work(group="change")
    async def action_add_service(self) -> None:
        actor = self.actor

        def submit(v: ServiceValues) -> ServiceInfo:
            added = services.add_service(actor, code=v.code, name=v.name, prefix=v.prefix, target_days=v.target_days,
                                         needs_kk=v.needs_kk)
            if v.urgent_only:
                added = services.edit_service(actor, added.id, urgent_only=True)
            return added

        await self.open_form(ServiceForm(_("Tambah layanan"), submit), self._service_saved)

    @work(group="change")
    async def action_edit_service(self) -> None:
        service = self.selected()
        if service is None:
            return
        actor = self.actor

        def submit(v: ServiceValues) -> ServiceInfo:
            return services.edit_service(actor, service.id, code=v.code, name=v.name, prefix=v.prefix,
                                         target_days=v.target_days, needs_kk=v.needs_kk, urgent_only=v.urgent_only)

        title = _("Ubah layanan {name}").format(name=clean_text(service.name, 60))
        await self.open_form(ServiceForm(title, submit, service), self._service_saved)

    @staticmethod
    def _service_saved(service: ServiceInfo) -> str:
        return _("Layanan {name} disimpan.").format(name=service.name)

    @work(group="change")
    async def action_suspend(self) -> None:
        service = self.selected()
        if service is None:
            return
        question = _("Nomor antrian dan permohonan baru untuk {name} akan ditolak dengan alasan ini.").format(
            name=clean_text(service.name, 80))
        reason = await self.app.push_screen_wait(
            TextPrompt(_("Tunda layanan"), question, placeholder=_("mis. blangko KTP-el habis")))
        if reason:
            changed = await self.db(services.suspend_service, self.actor, service.id, reason)
            await self.done(_("Layanan {name} ditunda.").format(name=changed.name))

    @work(group="change")
    async def action_resume(self) -> None:
        service = self.selected()
        if service is None:
            return
        changed = await self.db(services.resume_service, self.actor, service.id)
        await self.done(_("Layanan {name} dilanjutkan.").format(name=changed.name))

    @work(group="change")
    async def action_toggle_active(self) -> None:
        service = self.selected()
        if service is None:
            return
        if service.active:
            question = _("Nonaktifkan layanan {name}? Layanan tidak muncul lagi di antrian dan permohonan baru; "
                         "permohonan lama tetap ada.").format(name=clean_text(service.name, 80))
            if not await self.confirm(question):
                return
        active = not service.active
        word = _("diaktifkan") if active else _("dinonaktifkan")
        changed = await self.db(services.set_service_active, self.actor, service.id, active)
        await self.done(_("Layanan {name} {word}.").format(name=changed.name, word=word))

    # --- requirements ----------------------------------------------------------------------

    @work(group="change")
    async def action_add_requirement(self) -> None:
        service = self.selected()
        if service is None:
            return
        actor = self.actor

        def submit(v: RequirementValues) -> RequirementInfo:
            return services.add_requirement(actor, service.id, v.text, mandatory=v.mandatory, kind=v.kind)

        title = _("Tambah persyaratan {name}").format(name=clean_text(service.name, 60))
        await self._requirement_saved(RequirementForm(title, submit))

    @work(group="change")
    async def action_edit_requirement(self) -> None:
        requirement = self.selected_requirement()
        if requirement is None:
            return
        actor = self.actor

        def submit(v: RequirementValues) -> RequirementInfo:
            return services.edit_requirement(actor, requirement.id, text=v.text, mandatory=v.mandatory, kind=v.kind)

        await self._requirement_saved(RequirementForm(_("Ubah persyaratan"), submit, requirement))

    async def _requirement_saved(self, form: RequirementForm) -> None:
        """Open a requirement form; once saved, the list shows with the cursor on the line."""

        def saved(requirement: RequirementInfo) -> str:
            self.pending_requirement = requirement.id
            self.query_one("#requirements-table", RowTable).focus()
            return _("Persyaratan disimpan: {text}").format(text=requirement.text)

        await self.open_form(form, saved, keep=False)

    @work(group="change")
    async def action_toggle_mandatory(self) -> None:
        requirement = self.selected_requirement()
        if requirement is None:
            return
        word = _("tidak wajib") if requirement.mandatory else _("wajib")
        changed = await self.db(services.edit_requirement, self.actor, requirement.id,
                                mandatory=not requirement.mandatory)
        await self.done(_("{text}: {word}.").format(text=changed.text, word=word))

    @work(group="change")
    async def action_toggle_kind(self) -> None:
        requirement = self.selected_requirement()
        if requirement is None:
            return
        kind = "protokol" if requirement.kind == "berkas" else "berkas"
        changed = await self.db(services.edit_requirement, self.actor, requirement.id, kind=kind)
        await self.done(_("{text}: {kind}.").format(text=changed.text, kind=_(kind)))

    @work(group="change")
    async def action_move(self, step: int) -> None:
        service = self.selected()
        requirement = self.selected_requirement()
        if service is None or requirement is None:
            return
        index = [r.id for r in service.requirements].index(requirement.id)
        target = index + int(step)
        if not 0 <= target < len(service.requirements):
            return
        await self.db(services.edit_requirement, self.actor, requirement.id, position=target)
        self.pending_requirement = requirement.id
        await self.load()

    @work(group="change")
    async def action_remove(self) -> None:
        service = self.selected()
        requirement = self.selected_requirement()
        if service is None or requirement is None:
            return
        question = _("Hapus persyaratan \"{text}\" dari layanan {name}? Permohonan yang sudah diterima tetap "
                     "memakai daftar lamanya.").format(text=clean_text(requirement.text, 200), name=clean_text(service.name, 80))
        if await self.confirm(question, _("Hapus persyaratan")):
            await self.db(services.remove_requirement, self.actor, requirement.id)
            await self.done(_("Persyaratan dihapus: {text}").format(text=requirement.text))
