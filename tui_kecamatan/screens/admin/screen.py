"""The admin screen (F9, admin role only): the office's services and their requirement lists,
the desa/kelurahan, holidays, message templates, counters, the office profile, the staff
accounts, failed prints, who is connected and the backups, each change made through core (which
checks the role again and writes the audit record)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane

from tui_kecamatan.core import accounts
from tui_kecamatan.core.accounts import Role
from tui_kecamatan.errors import PermissionDenied
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.backups import BackupsPane
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.screens.admin.counters import CountersPane
from tui_kecamatan.screens.admin.desa import DesaPane
from tui_kecamatan.screens.admin.holidays import HolidaysPane
from tui_kecamatan.screens.admin.office import OfficePane
from tui_kecamatan.screens.admin.presence import PresencePane
from tui_kecamatan.screens.admin.printjobs import PrintJobsPane
from tui_kecamatan.screens.admin.privacy import PrivacyPane
from tui_kecamatan.screens.admin.services import ServicesPane
from tui_kecamatan.screens.admin.staff import StaffPane
from tui_kecamatan.screens.admin.templates import TemplatesPane
from tui_kecamatan.screens.base import OfficeScreen
from tui_kecamatan.widgets.keybar import KeyBar

# Short tab titles: all eleven fit on one line at 80 columns (76 cells, one space before each; admin.tcss).
SECTIONS = (
    ("layanan", "Layanan"),
    ("desa", "Desa"),
    ("libur", "Libur"),
    ("templat", "Templat"),
    ("loket", "Loket"),
    ("kantor", "Profil"),
    ("petugas", "Petugas"),
    ("cetak", "Cetak"),
    ("sesi", "Sesi"),
    ("cadangan", "Cadangan"),
    ("privasi", "Privasi"),
)
PANES = {
    "layanan": ServicesPane,
    "desa": DesaPane,
    "libur": HolidaysPane,
    "templat": TemplatesPane,
    "loket": CountersPane,
    "kantor": OfficePane,
    "petugas": StaffPane,
    "cetak": PrintJobsPane,
    "sesi": PresencePane,
    "cadangan": BackupsPane,
    "privasi": PrivacyPane,
}


class AdminScreen(OfficeScreen):
    CSS_PATH = "admin.tcss"
    SCREEN_NAME = "admin"
    TITLE = _("Admin")
    HELP = _("Pengaturan kantor untuk admin. Angka 1-9, 0 dan - (atau Tab ke baris judul lalu panah kiri/kanan) "
             "memilih bagian: Layanan, Desa/Kelurahan, Libur (hari libur; n mengisi libur nasional dan cuti bersama), "
             "Template pesan, Loket, Profil kantor (juga kepala kantor dan NIP untuk rekap), Petugas, Cetak (printer "
             "stasiun ini: t halaman uji; cetakan gagal: p cetak ulang, x buang), Sesi (siapa yang sedang memakai "
             "aplikasi), "
             "Cadangan (0: berkas cadangan basis data; b mencadangkan sekarang, r memuat ulang daftar), "
             "Privasi (-: masa simpan data pribadi, m mengubahnya, h menganonimkan data yang melewatinya, "
             "w menyusun data seorang warga atas permintaannya). "
             "Di Layanan, Enter pada sebuah layanan membuka daftar persyaratannya; Shift+Tab kembali "
             "ke daftar layanan. Di Loket, Enter membuka loket itu untuk memilih layanan yang dipanggilnya. "
             "Setiap perubahan dicatat di jejak audit.")
    BINDINGS = [
        Binding("1", "section('layanan')", _("Layanan"), show=False),
        Binding("2", "section('desa')", _("Desa/Kelurahan"), show=False),
        Binding("3", "section('libur')", _("Hari libur"), show=False),
        Binding("4", "section('templat')", _("Template pesan"), show=False),
        Binding("5", "section('loket')", _("Loket"), show=False),
        Binding("6", "section('kantor')", _("Profil kantor"), show=False),
        Binding("7", "section('petugas')", _("Petugas"), show=False),
        Binding("8", "section('cetak')", _("Printer dan cetakan gagal"), show=False),
        Binding("9", "section('sesi')", _("Yang sedang terhubung"), show=False),
        Binding("0", "section('cadangan')", _("Cadangan"), show=False),
        Binding("minus", "section('privasi')", _("Data pribadi"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.allowed = False

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        self.allowed = actor is not None and actor.can(Role.ADMIN)
        if not self.allowed:
            # The shell opens this screen for admins only; anything else sees core's refusal.
            try:
                accounts.require(actor, Role.ADMIN)
            except PermissionDenied as exc:
                yield Static(Content.styled(str(exc), "bold $error"), id="admin-refused")
            yield KeyBar()
            return
        with TabbedContent(id="admin-tabs"):
            for key, title in SECTIONS:
                with TabPane(_(title), id=f"tab-{key}"):
                    yield PANES[key](id=f"pane-{key}")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.allowed:
            self.call_after_refresh(self.query_one(ServicesPane).focus_table)

    def panes(self) -> list[AdminPane]:
        return list(self.query(AdminPane)) if self.allowed else []

    def refresh_data(self) -> None:
        for pane in self.panes():
            pane.reload()

    def has_unsaved_changes(self) -> bool:
        return self.allowed and self.query_one(TemplatesPane).has_unsaved_changes()

    @on(TabbedContent.TabActivated, "#admin-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane_id = (event.pane.id or "").replace("tab-", "pane-")
        # Opening a section by its tab puts the keys on its list, not on the tab bar.
        if pane_id and not self.query_one("#admin-tabs Tabs").has_focus:
            self.query_one(f"#{pane_id}", AdminPane).focus_table()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "section":
            return self.allowed
        return super().check_action(action, parameters)

    def action_section(self, key: str) -> None:
        self.query_one("#admin-tabs", TabbedContent).active = f"tab-{key}"
        self.query_one(f"#pane-{key}", AdminPane).focus_table()
