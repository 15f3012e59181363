"""Who is connected now (Sesi): every desk, board, kiosk and long command running on the office
database, with the staff logged in, the station, where it connects from and since when. Read
only; `tui-kecamatan restore` refuses while anyone but itself is on this list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui_kecamatan.core import presence
from tui_kecamatan.core.presence import PresenceInfo
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.common import AdminPane
from tui_kecamatan.widgets.row_table import Column, RowTable


def _who(row: PresenceInfo) -> Content:
    if row.staff:
        return Content(row.staff)
    return Content.styled(row.actor or _("belum masuk"), "dim")


class PresencePane(AdminPane):
    """The processes running now, longest running first; this desk is marked."""

    DEFAULT_CSS = """
    PresencePane #presence-table {
        height: 1fr;
    }
    """

    TABLE = "presence-table"

    def compose(self) -> ComposeResult:
        yield Static(_("Yang sedang memakai basis data kantor. Pemulihan cadangan menunggu sampai semuanya "
                       "ditutup (atau dipaksa dengan --force)."), classes="admin-hint", markup=False)
        yield RowTable([Column(_("Jenis"), 21), Column(_("Petugas"), 12), Column(_("Tempat"), 10),
                        Column(_("Dari"), 20), Column(_("Sejak"))], id=self.TABLE)

    def on_mount(self) -> None:
        # A desk that stopped without a clean exit drops off the list without any change to the data.
        self.set_interval(presence.REFRESH_SECONDS, self.reload)

    def row_key(self, row: PresenceInfo) -> str:
        return f"{row.host}:{row.pid}"

    def fetch(self) -> list[PresenceInfo]:
        return presence.active(exclude_self=False)

    def show(self, rows: list[PresenceInfo]) -> None:
        self.show_rows(rows, lambda row: (
            Content(row.kind_label) if not row.is_self else Content.styled(
                _("{kind} (layar ini)").format(kind=row.kind_label), "bold"),
            _who(row),
            Content(row.where),
            Content(row.origin),
            Content(f"{presence.local_time(row.started_at):%d-%m %H:%M}"),
        ))
