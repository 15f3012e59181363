"""The staff section of the admin screen: the accounts (petugas) with their role and state, adding
one, disabling and re-enabling, opening an account locked by failed logins, and a new password."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from printing.text import format_date_short
from tui_kecamatan.core import accounts, clock
from tui_kecamatan.core.accounts import Role, StaffRow
from tui_kecamatan.core.text import NAME_MAX, clean_text
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane, Column, RowTable
from tui_kecamatan.screens.admin.dialogs import PasswordForm, StaffForm, StaffValues


def staff_state(row: StaffRow) -> Content:
    if not row.active:
        return Content.styled(_("nonaktif"), "dim")
    if row.locked:
        return Content.styled(_("dikunci"), "bold $error")
    return Content(_("aktif"))


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
        Binding("x", "disable", _("Nonaktifkan")),
        Binding("x", "enable", _("Aktifkan kembali")),
        Binding("b", "unlock", _("Buka kunci")),
        Binding("k", "password", _("Ganti kata sandi")),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[StaffRow] | None = None
        self.pending: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Akun petugas. Setelah {n} kali gagal masuk, akun dikunci sampai admin membukanya; akun "
                       "nonaktif tidak dapat masuk, riwayatnya tetap ada.").format(n=accounts.MAX_FAILURES),
                     classes="admin-hint", markup=False)
        yield RowTable([
            Column("username", _("Nama pengguna"), 17),
            Column("name", _("Nama lengkap")),
            Column("role", _("Peran"), 11),
            Column("state", _("Status"), 9),
            Column("last", _("Terakhir masuk"), 18),
        ], id="staff-table")

    def focus_table(self) -> None:
        self.query_one("#staff-table", RowTable).focus()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.run_db(accounts.list_staff, then=self._show, group="admin-staff", exclusive=True)

    def _show(self, rows: list[StaffRow]) -> None:
        self.rows = rows
        me = self.actor.username if self.actor else None
        table = self.query_one("#staff-table", RowTable)
        table.set_rows([
            (row.username, (
                Content.styled(row.username, "bold") if row.username == me else row.username,
                clean_text(row.full_name, NAME_MAX) or Content.styled("-", "dim"),
                role_label(row.role),
                staff_state(row),
                last_login(row),
            ))
            for row in rows
        ])
        if self.pending is not None:
            table.move_to_key(self.pending)
            self.pending = None
        self.screen.refresh_bindings()

    def selected(self) -> StaffRow | None:
        key = self.query_one("#staff-table", RowTable).current_key()
        return next((row for row in self.rows or () if row.username == key), None)

    @on(DataTable.RowHighlighted, "#staff-table")
    def _highlighted(self) -> None:
        self.screen.refresh_bindings()

    @on(DataTable.RowSelected, "#staff-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter on a row does nothing more than the keys in the footer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.selected()
        if action == "add":
            return None if self.rows is None else True
        if row is None:
            return None
        if action == "disable":
            return True if row.active else False
        if action == "enable":
            return not row.active
        if action == "unlock":
            return True if row.locked else None
        return True

    # --- actions ---------------------------------------------------------------------------

    def action_add(self) -> None:
        actor = self.actor

        def submit(v: StaffValues) -> accounts.Actor:
            return accounts.create_staff(actor, v.username, v.password, v.role, v.full_name)

        self.app.push_screen(StaffForm(_("Tambah petugas"), submit), callback=self._added)

    def _added(self, created: accounts.Actor | None) -> None:
        if created is None:
            return
        self.pending = created.username
        self.done(_("Akun {name} ({role}) dibuat.").format(name=created.username, role=created.role.label))

    def action_disable(self) -> None:
        row = self.selected()
        if row is None or not row.active:
            return
        if self.actor is not None and row.username == self.actor.username:
            # Nothing to confirm: core refuses it, and its sentence says why.
            self._disable(row)
            return
        from tui_kecamatan.widgets.confirm import ConfirmScreen

        question = _("Nonaktifkan akun {name} ({full})? Petugas ini tidak dapat masuk lagi sampai akunnya diaktifkan "
                     "kembali; sesi yang sedang terbuka berhenti pada tindakan berikutnya.").format(
            name=row.username, full=clean_text(row.full_name, 60) or "-")
        self.app.push_screen(ConfirmScreen(question, title=_("Nonaktifkan akun"), default=False),
                             callback=lambda yes: self._disable(row) if yes else None)

    def _disable(self, row: StaffRow) -> None:
        self.pending = row.username
        self.run_db(accounts.disable, self.actor, row.username,
                    then=lambda _none: self.done(_("Akun {name} dinonaktifkan.").format(name=row.username)))

    def action_enable(self) -> None:
        row = self.selected()
        if row is None or row.active:
            return
        self.pending = row.username
        self.run_db(accounts.enable, self.actor, row.username,
                    then=lambda _none: self.done(_("Akun {name} diaktifkan kembali.").format(name=row.username)))

    def action_unlock(self) -> None:
        row = self.selected()
        if row is None or not row.locked:
            return
        self.pending = row.username
        self.run_db(accounts.unlock, self.actor, row.username,
                    then=lambda _none: self.done(_("Akun {name} dibuka; petugas dapat masuk lagi.").format(name=row.username)))

    def action_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.actor

        def submit(password: str) -> str:
            accounts.set_password(actor, row.username, password)
            return row.username

        title = _("Ganti kata sandi {name}").format(name=row.username)
        self.app.push_screen(PasswordForm(title, submit), callback=self._password_set)

    def _password_set(self, username: str | None) -> None:
        if username is None:
            return
        self.pending = username
        self.done(_("Kata sandi {name} diganti.").format(name=username))
