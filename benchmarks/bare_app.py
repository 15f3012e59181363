"""A bare Textual app with the widgets the office app's first screens are made of (Header, Input,
DataTable, Footer), the yardstick for tui-kecamatan's start-up in benchmarks/tenyears.py.

It shows "bare-login" in its header when its first screen is drawn; a name typed in the first
field and a password in the second, each followed by Enter, fill the table and put "bare-home"
in the header. Ctrl+Q quits.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Input

LOGIN_MARK = "bare-login"
HOME_MARK = "bare-home"
ROWS = [("Diterima", "12"), ("Berkas kurang", "3"), ("Berkas lengkap", "5"), ("Diproses", "40"),
        ("Siap diambil", "31"), ("Lewat target", "2"), ("Diambil hari ini", "57")]


class BareApp(App[None]):
    TITLE = LOGIN_MARK
    BINDINGS = [("ctrl+q", "quit", "Keluar")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Nama pengguna", id="user")
        yield Input(placeholder="Kata sandi", password=True, id="password")
        yield DataTable(id="table")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "user":
            self.query_one("#password", Input).focus()
            return
        table = self.query_one(DataTable)
        if not table.columns:
            table.add_columns("Status", "Jumlah")
            table.add_rows(ROWS)
        self.title = HOME_MARK


if __name__ == "__main__":
    BareApp().run()
