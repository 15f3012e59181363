"""Shared fixtures: a real SQLite file per test, the developer's own config kept out, the clock
restored after each test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    """No test reads the developer's config or writes to their data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for name in ("TUI_KECAMATAN_DB", "TUI_KECAMATAN_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    yield
    from tui_kecamatan.core import clock

    clock.set_now(None)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "kecamatan.db"


@pytest.fixture
def db(db_path):
    """A new, migrated and seeded database file, bound to the models."""
    from tui_kecamatan.db.connection import open_database

    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def admin(db):
    from tui_kecamatan.core import accounts

    return accounts.create_staff(None, "admin", "rahasia-admin", accounts.Role.ADMIN, "Admin Kantor")


@pytest.fixture
def operator(admin):
    from tui_kecamatan.core import accounts

    return accounts.create_staff(admin, "wahyu", "rahasia-wahyu", accounts.Role.OPERATOR, "Wahyu")


@pytest.fixture
def supervisor(admin):
    from tui_kecamatan.core import accounts

    return accounts.create_staff(admin, "sari", "rahasia-sari", accounts.Role.SUPERVISOR, "Sari")


def run_cli(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 60):
    """Run the real command line in a new process."""
    import subprocess

    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tui_kecamatan", *args],
        capture_output=True,
        text=True,
        input=input,
        env=full_env,
        timeout=timeout,
        cwd=str(ROOT),
    )


# Hostile text every screen and document must show literally.
HOSTILE_NAMES = [
    "[@click=app.quit]Budi[/]",
    "Siti [/b] Aminah",
    "[bold red]Andi[/bold red]",
    "Nur\x1b[31m\x07ani",
    "Rahmat \u202eharamat",
    "Ma'ruf O'Neil",
    "A" * 300,
]
