"""Damaged database files: pages of a real database, made with the command line, overwritten at
known offsets. Every command says the database is damaged and names the newest backup; once
damage is found nothing writes to the file (a marker beside it survives restarts) until a
restore, or until `check` finds the file sound again."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli
from pilot import make_app, wait_notified

KK = "3603012005150003"
GARBAGE = bytes((i * 151 + 7) % 256 for i in range(2400))


def nik(i: int) -> str:
    return f"36030155019{i:05d}"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line(result) -> str:
    text = (result.stderr or "").strip()
    assert "Traceback" not in result.stdout + result.stderr
    assert "codec" not in text and "malformed" not in text and "FOREIGN KEY" not in text, text
    assert text and len(text.splitlines()) == 1, text
    return text


def damaged(text: str, path: Path, backup: Path) -> None:
    assert text.startswith(f"Basis data {path} rusak, jadi tidak ada yang disimpan ke sana; pulihkan dari cadangan"), text
    assert str(backup) in text  # the newest backup, named


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A database made with the command line (an admin, 14 requests), and a verified backup of it."""
    folder = tmp_path_factory.mktemp("kantor")
    path = folder / "kecamatan.db"
    env = {"TUI_KECAMATAN_DB": str(path), "TUI_KECAMATAN_TEST_FAST_HASH": "1"}
    assert run_cli("init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n", env=env).returncode == 0
    for i in range(14):
        made = run_cli("request", "new", "--service", "KK", "--nik", nik(i + 1), "--kk", KK,
                       "--name", f"Warga nomor {i} dengan nama yang cukup panjang untuk memenuhi halaman", env=env)
        assert made.returncode == 0, made.stderr
    backup = folder / "cadangan-kemarin.db"
    assert run_cli("backup", str(backup), env=env).returncode == 0
    return path, backup


@pytest.fixture
def copy(office, tmp_path):
    """A fresh copy of the office database (and the list of its backups) for one test."""
    path, backup = office
    target = tmp_path / "kecamatan.db"
    target.write_bytes(path.read_bytes())
    target.chmod(0o600)
    listing = path.with_name(path.name + ".daftar-cadangan")
    target.with_name(listing.name).write_text(listing.read_text())
    return target, backup, {"TUI_KECAMATAN_DB": str(target)}


def page_of(path: Path, table: str) -> int:
    """A leaf page of `table` (dbstat), else its root page."""
    connection = sqlite3.connect(str(path))
    try:
        leaves = [row[0] for row in connection.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        return leaves[0] if leaves else root
    finally:
        connection.close()


def damage_page(path: Path, page: int) -> None:
    page_size = sqlite3.connect(str(path)).execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * page_size + 200)
        handle.write(GARBAGE[: page_size - 400])


def damage_schema(path: Path) -> None:
    """Bytes that are not UTF-8 inside the SQL text sqlite_master holds for an index."""
    data = bytearray(path.read_bytes())
    at = data.find(b'CREATE INDEX "ticket_status"')
    assert at > 0
    data[at + 16: at + 20] = b"\x9c\x9c\x9c\x9c"
    path.write_bytes(bytes(data))


def test_a_damaged_data_page_is_found_marked_and_never_written_to(copy):
    path, backup, env = copy
    damage_page(path, page_of(path, "request"))
    before = digest(path)

    check = run_cli("check", env=env)
    assert check.returncode != 0
    damaged(one_line(check), path, backup)
    marker = path.with_name(path.name + ".rusak")
    assert stat.S_IMODE(marker.stat().st_mode) == 0o600
    assert marker.read_text().startswith("rusak sejak ")

    for command in (["ticket", "KK", "--no-print"],
                    ["request", "new", "--service", "KK", "--nik", nik(90), "--kk", KK, "--name", "Siti"],
                    ["user", "add", "sari", "--role", "operator", "--password-stdin"],
                    ["backup", str(path.parent / "salinan.db")]):
        result = run_cli(*command, env=env, input="rahasia-sari\n")
        assert result.returncode != 0, command
        damaged(one_line(result), path, backup)
        assert digest(path) == before, command
    assert not (path.parent / "salinan.db").exists()

    restored = run_cli("restore", str(backup), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Traceback" not in restored.stdout + restored.stderr
    assert not marker.exists()
    kept = [p for p in path.parent.iterdir() if p.name.startswith("kecamatan.db.rusak-")]
    assert len(kept) == 1 and kept[0].read_bytes()[:16] == b"SQLite format 3\x00"  # the damaged file is kept aside
    ticket = run_cli("ticket", "KK", "--no-print", "--json", env=env)
    assert ticket.returncode == 0, ticket.stderr
    assert json.loads(ticket.stdout)["code"] == "B-001"
    listed = run_cli("request", "list", "--json", env=env)
    assert len(json.loads(listed.stdout)) == 14


def test_writers_refuse_a_marked_database_until_check_finds_it_sound(copy):
    path, backup, env = copy
    from tui_kecamatan.db import health

    health.mark_damaged(path, ["*** in database main ***", "On tree page 9 cell 2: Rowid 7 out of order"])
    before = digest(path)
    refused = run_cli("ticket", "KK", "--no-print", env=env)
    assert refused.returncode != 0
    damaged(one_line(refused), path, backup)
    assert digest(path) == before

    check = run_cli("check", env=env)
    assert "Traceback" not in check.stdout + check.stderr
    assert not health.is_marked(path)
    assert run_cli("ticket", "KK", "--no-print", env=env).returncode == 0


def test_a_damaged_schema_gives_the_sentence_to_every_command(copy):
    path, backup, env = copy
    damage_schema(path)
    before = digest(path)
    commands = (["check"], ["ticket", "KK", "--no-print"],
                ["request", "new", "--service", "KK", "--nik", nik(91), "--kk", KK, "--name", "Siti"],
                ["request", "list"], ["user", "list"], ["office", "show"], ["print", "list"],
                ["backup", str(path.parent / "salinan.db")], ["init"])
    for command in commands:
        result = run_cli(*command, env=env)
        assert result.returncode != 0, command
        damaged(one_line(result), path, backup)
        assert digest(path) == before, command

    # Who still has it open cannot be read from a damaged schema: restore asks for --force.
    unsure = run_cli("restore", str(backup), "--yes", env=env)
    assert unsure.returncode != 0 and "ulangi dengan --force" in one_line(unsure)
    assert digest(path) == before
    restored = run_cli("restore", str(backup), "--yes", "--force", env=env)
    assert restored.returncode == 0, restored.stderr
    assert run_cli("check", env=env).returncode == 0
    assert run_cli("ticket", "KK", "--no-print", env=env).returncode == 0


DESK = r"""
import pathlib, sys, time
from tui_kecamatan.core import presence
from tui_kecamatan.db.connection import open_database

db = open_database(sys.argv[1])
with db.connection_context():
    presence.register("app", station="loket-2", actor="wahyu")
pathlib.Path(sys.argv[2]).write_text("READY")
while not pathlib.Path(sys.argv[3]).exists():
    time.sleep(0.05)
"""


def test_a_damaged_database_is_not_moved_aside_while_a_desk_still_has_it(copy, tmp_path):
    path, backup, env = copy
    ready, stop = tmp_path / "siap", tmp_path / "berhenti"
    desk = subprocess.Popen([sys.executable, "-c", DESK, str(path), str(ready), str(stop)],
                            env={**os.environ, "TUI_KECAMATAN_TEST_FAST_HASH": "1"})
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert desk.poll() is None and time.monotonic() < deadline, "the desk did not start"
            time.sleep(0.05)
        damage_page(path, page_of(path, "request"))
        before = digest(path)
        refused = run_cli("restore", str(backup), "--yes", env=env)
        assert refused.returncode != 0
        assert "wahyu" in one_line(refused) and "--force" in one_line(refused)
        assert digest(path) == before
        assert not [p for p in path.parent.iterdir() if p.name.startswith("kecamatan.db.rusak-")]
    finally:
        stop.write_text("")
        desk.wait(timeout=60)


def test_an_unexpected_error_on_damage_is_checked_and_named(copy):
    """A write that stumbles on a damaged page is not reported as SQLite's words (a broken
    reference, "malformed"): the file is checked and the damage said and marked."""
    path, backup, env = copy
    for table in ("citizen", "request", "staff"):
        damage_page(path, page_of(path, table))
    result = run_cli("request", "new", "--service", "KK", "--nik", nik(1), "--kk", KK, "--name", "Warga", env=env)
    if result.returncode == 0:
        pytest.fail("a write on a damaged database succeeded")
    damaged(one_line(result), path, backup)
    assert path.with_name(path.name + ".rusak").exists()


async def test_the_app_says_on_its_first_screen_that_the_database_is_damaged(copy):
    from tui_kecamatan.db import health
    from tui_kecamatan.db.connection import open_database

    path, backup, _env = copy
    damage_page(path, page_of(path, "request"))
    db = open_database(path)
    try:
        app = make_app(db)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_notified(pilot, "rusak")
            sentence = next(str(n.message) for n in app._notifications if "rusak" in str(n.message))
            damaged(sentence, path, backup)
        assert health.is_marked(path)
    finally:
        db.close()

