"""The staff section of the admin screen: the accounts (petugas) with their role and state, adding
one, changing its full name and role, disabling and re-enabling, opening an account locked by
failed logins, and a new password."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from printing.text import format_date_short
from tui_kecamatan.core import accounts, clock
from tui_kecamatan.core.accounts import Role, StaffRow
from tui_kecamatan.core.text import NAME_MAX, clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.admin.dialogs import PasswordForm, StaffChange, StaffEditForm, StaffForm, StaffValues
from tui_kecamatan.widgets.row_table import Column, RowTable


def staff_state(row: StaffRow) -> Content:
    if row.active and row.locked:
        return Content.styled(_("dikunci"), "bold $error")
    return AdminPane.active_state(row.active)


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return clean_text(role, 20)


def last_login(row: StaffRow) -> Content:
    local = clock.to_local(row.last_login_at)
    if local is None:
        return Content.styled(_("belum pernah"), "dim")
    return Content(f"{format_date_short(local.date())} {local:%H:%M}")


class StaffPane(AdminPane):
    BINDINGS = [
        Binding("a", "add", _("Tambah petugas")),
        Binding("e", "edit", _("Ubah nama/peran")),
        Binding("x", "disable", _("Nonaktifkan")),
        Binding("x", "enable", _("Aktifkan kembali")),
        Binding("b", "unlock", _("Buka kunci")),
        Binding("k", "password", _("Ganti kata sandi")),
    ]

    TABLE = "staff-table"
    ROW_ACTIONS = frozenset({"password", "edit"})
    TOGGLES = (("disable", "enable", AdminPane.inactive),)

    def compose(self) -> ComposeResult:
        yield Static(_("Akun petugas. Setelah {n} kali gagal masuk, akun dikunci sampai admin membukanya; akun "
                       "nonaktif tidak dapat masuk, riwayatnya tetap ada.").format(n=accounts.MAX_FAILURES),
                     classes="admin-hint", markup=False)
        yield RowTable([
            Column(_("Nama pengguna"), 17),
            Column(_("Nama lengkap")),
            Column(_("Peran"), 11),
            Column(_("Status"), 9),
            Column(_("Terakhir masuk"), 18),
        ], id="staff-table")

    # --- loading ---------------------------------------------------------------------------

    def fetch(self) -> list[StaffRow]:
        return accounts.list_staff()

    def show(self, rows: list[StaffRow]) -> None:
        me = self.actor.username if self.actor else None
        self.show_rows(rows, lambda row: (
            Content.styled(row.username, "bold") if row.username == me else row.username,
            clean_text(row.full_name, NAME_MAX) or Content.styled("-", "dim"),
            role_label(row.role),
            staff_state(row),
            last_login(row),
        ))

    def row_key(self, row: StaffRow) -> str:
        return row.username

    @on(DataTable.RowSelected, "#staff-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()  # Enter on a row opens its name and role, as "e" does

    def key_state(self, action: str, row: StaffRow | None, parameters: tuple[object, ...]) -> bool | None:
        if action == "add":
            return None if self.rows is None else True
        if action == "unlock":
            return True if row is not None and row.locked else None
        return True

    # --- actions ---------------------------------------------------------------------------

    @work(group="change")
    async def action_add(self) -> None:
        actor = self.actor

        def submit(v: StaffValues) -> accounts.Actor:
            return accounts.create_staff(actor, v.username, v.password, v.role, v.full_name)

        await self.open_form(StaffForm(_("Tambah petugas"), submit), lambda created: _("Akun {name} ({role}) dibuat.").format(
            name=created.username, role=created.role.label))

    @work(group="change")
    async def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.actor

        def submit(change: StaffChange) -> StaffRow:
            return accounts.change_staff(actor, row.username, role=change.role, full_name=change.full_name)

        title = _("Ubah akun {name}").format(name=row.username)
        await self.open_form(StaffEditForm(title, submit, row), lambda changed: _(
            "Akun {name} disimpan: {full}, {role}.").format(
            name=changed.username, full=clean_text(changed.full_name, 60) or "-", role=role_label(changed.role)))

    @work(group="change")
    async def action_disable(self) -> None:
        row = self.selected()
        if row is None or not row.active:
            return
        # On one's own account there is nothing to confirm: core refuses it, and its sentence says why.
        if self.actor is None or row.username != self.actor.username:
            question = _("Nonaktifkan akun {name} ({full})? Petugas ini tidak dapat masuk lagi sampai akunnya "
                         "diaktifkan kembali; sesi yang sedang terbuka berhenti pada tindakan berikutnya.").format(
                name=row.username, full=clean_text(row.full_name, 60) or "-")
            if not await self.confirm(question, _("Nonaktifkan akun")):
                return
        await self._change(accounts.disable, row, _("Akun {name} dinonaktifkan."))

    @work(group="change")
    async def action_enable(self) -> None:
        row = self.selected()
        if row is not None and not row.active:
            await self._change(accounts.enable, row, _("Akun {name} diaktifkan kembali."))

    @work(group="change")
    async def action_unlock(self) -> None:
        row = self.selected()
        if row is not None and row.locked:
            await self._change(accounts.unlock, row, _("Akun {name} dibuka; petugas dapat masuk lagi."))

    async def _change(self, change, row: StaffRow, done: str) -> None:
        """`change(actor, username)` through core, then the rows again with the cursor kept on it."""
        self.pending = row.username
        await self.db(change, self.actor, row.username)
        await self.done(done.format(name=row.username))

    @work(group="change")
    async def action_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.actor

        def submit(password: str) -> StaffRow:
            accounts.set_password(actor, row.username, password)
            return row

        title = _("Ganti kata sandi {name}").format(name=row.username)
        await self.open_form(PasswordForm(title, submit),
                             lambda changed: _("Kata sandi {name} diganti.").format(name=changed.username))
