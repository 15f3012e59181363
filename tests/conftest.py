"""Shared fixtures: a real SQLite file per test, the developer's own config kept out, the clock
restored after each test, cheap password hashing unless a test is about hashing. The Pilot
helpers for UI tests are in tests/pilot.py."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _shorter_idle_windows() -> None:
    """Pilot.press() waits twice a key, and pilot.pause() once, for the process to look idle
    (textual._wait.wait_for_idle: sleep 20 ms windows until one used under 1 ms of CPU). That
    floor of 40 ms a key was most of the time of a test that types a form. The event loop cannot
    wake from its sleep while it is busy, so a window during the key's work still counts that
    work; 5 ms windows keep the check and cut the floor to a quarter."""
    from textual import _wait

    _wait.SLEEP_GRANULARITY = 0.005
    _wait.SLEEP_IDLE = 0.001


_shorter_idle_windows()


def in_ci() -> bool:
    """Whether the tests run in CI (CI set to anything but "", "0" or "false", as CI services do)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def pytest_runtest_setup(item) -> None:
    """`@pytest.mark.needs_tools("tmux", ...)`: skipped on a developer's machine without them,
    failed in CI, where .ci/run installs them (a test must never skip silently there)."""
    marker = item.get_closest_marker("needs_tools")
    if marker is None:
        return
    missing = [name for name in marker.args if shutil.which(name) is None]
    if missing:
        message = f"not installed: {', '.join(missing)}"
        if in_ci():
            pytest.fail(f"{message} (CI: a test needing a tool fails instead of skipping)", pytrace=False)
        pytest.skip(message)


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


@pytest.fixture(autouse=True)
def _cheap_argon2(request, monkeypatch):
    """Staff passwords are hashed with argon2id at its smallest cost (about 0.15 s less for every
    account a test creates), in this process and in the processes a test starts (the CLI, tmux).
    The hash records its parameters, so it verifies like any other. Tests about hashing itself
    are marked `real_hasher` and get the office's real parameters."""
    from tui_kecamatan.core import accounts

    if request.node.get_closest_marker("real_hasher") is not None:
        monkeypatch.delenv(accounts.TEST_FAST_HASH_ENV, raising=False)
        accounts.use_hasher(None)
        yield
        return
    monkeypatch.setenv(accounts.TEST_FAST_HASH_ENV, "1")
    accounts.use_hasher(accounts.cheap_hasher())
    yield
    accounts.use_hasher(None)


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
