"""The real program in a real terminal: tmux at 80x24 runs `python -m tui_kecamatan`, keys are
typed with send-keys and the screen is read with capture-pane."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.needs_tools("tmux")  # skipped without tmux, failed under CI


class Terminal:
    """One tmux server of our own (its own socket), with one 80x24 window."""

    def __init__(self) -> None:
        self.socket = f"tui-kecamatan-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: str, env: dict[str, str]) -> None:
        assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
        # The pane outlives the program so its exit status can be read.
        shell = f"env {assignments} {command}; echo EXIT=$?; sleep 120"
        self.tmux("new-session", "-d", "-x", "80", "-y", "24", "-c", str(ROOT), shell)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)

    def keys(self, *names: str) -> None:
        self.tmux("send-keys", *names)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear; the screen shows:\n{shown}")
            time.sleep(0.1)

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text not in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} is still shown:\n{shown}")
            time.sleep(0.1)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def terminal():
    term = Terminal()
    yield term
    term.kill()


def _environment(tmp_path, term: str = "xterm-256color") -> dict[str, str]:
    return {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_DATA_HOME": str(tmp_path / "home" / ".local" / "share"),
        "TERM": term,
        "TEXTUAL_ANIMATIONS": "none",
        "PYTHONPATH": str(ROOT),
    }


def _command(db_path) -> str:
    return f"{shlex.quote(sys.executable)} -m tui_kecamatan --db {shlex.quote(str(db_path))}"


def test_first_run_setup_login_home_help_and_quit(terminal, tmp_path):
    db_path = tmp_path / "k.db"
    terminal.start(_command(db_path), _environment(tmp_path))
    terminal.wait_for("Pengaturan awal kantor")
    # Typed at full speed, as a barcode scanner or a quick typist would.
    for text in ("Kantor Kecamatan Pasar Kemis", "Pasar Kemis", "Kabupaten Tangerang", "Banten", "Jl. Raya Pasar Kemis 1",
                 "(021) 5921234", "kec@contoh.go.id", "", "admin", "Admin Kantor", "rahasia-admin", "rahasia-admin"):
        terminal.type(text)
        terminal.keys("Enter")
    shown = terminal.wait_for("Masuk")
    terminal.wait_for("Kantor Kecamatan Pasar Kemis")
    assert "Nama pengguna" in shown

    terminal.type("admin")
    terminal.keys("Enter")
    terminal.type("salah-sandi")
    terminal.keys("Enter")
    terminal.wait_for("sisa 4 percobaan")
    terminal.type("rahasia-admin")
    terminal.keys("Enter")
    terminal.wait_for("Antrian hari ini")
    home = terminal.wait_for("Kantor Kecamatan Pasar Kemis")
    assert "Petugas: Admin Kantor (admin) - Loket 1" in home
    assert "WIB" in home and "Permohonan" in home and "Kedatangan per jam" in home
    assert "f1 Bantuan" in home and "^q Keluar" in home

    terminal.keys("F1")
    help_screen = terminal.wait_for("Bantuan - Layar utama")
    assert "Tombol" in help_screen and "Ganti petugas" in help_screen
    terminal.keys("Escape")
    terminal.wait_gone("Bantuan - Layar utama")
    terminal.wait_for("Antrian hari ini")

    terminal.keys("C-q")
    terminal.wait_for("EXIT=0")


def test_linux_console_gets_16_colours_and_square_frames(terminal, tmp_path):
    from tui_kecamatan.core import accounts, office
    from tui_kecamatan.db.connection import open_database

    db_path = tmp_path / "k.db"
    db = open_database(db_path)
    office.first_setup(office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                           kabupaten="Kabupaten Tangerang"), "admin", "Admin Kantor", "rahasia-admin")
    assert accounts.count_staff() == 1
    db.close()
    terminal.start(_command(db_path), _environment(tmp_path, term="linux"))
    shown = terminal.wait_for("┌─ Masuk")
    assert "╭" not in shown
    colours = terminal.tmux("capture-pane", "-p", "-e")
    assert "\x1b[38;2;" not in colours  # no 24-bit colour on the console
    terminal.keys("C-q")
    terminal.wait_for("EXIT=0")
