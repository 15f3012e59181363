"""A disk that fills up under the database or under a backup: a small real tmpfs, filled with a
big file beside the database, then written to by the command line and by core until SQLite says
it is full. The person reads that the disk is full, where, and that nothing was saved; once space
is freed the database is whole and its numbering goes on without a hole or a repeat."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import in_ci, run_cli

NIK = "3603015501900002"
KK = "3603012005150003"
FILLER = "pengisi.bin"


def _mount_small_disk(folder: Path, size: str) -> None:
    """Mount a size-limited tmpfs on `folder`; skip with the reason where that is impossible,
    and fail in CI, which runs as root and must run these tests."""
    folder.mkdir(parents=True, exist_ok=True)
    reason = None
    if os.geteuid() != 0:
        reason = "mounting a small tmpfs needs root"
    else:
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            reason = f"mount -t tmpfs failed: {result.stderr.strip() or result.returncode}"
    if reason is not None:
        if in_ci():
            pytest.fail(f"{reason} (CI: a test needing a small disk fails instead of skipping)", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB filesystem of its own (unmounted after the test)."""
    folder = tmp_path / "disk-kecil"
    _mount_small_disk(folder, "4m")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def second_small_disk(tmp_path):
    folder = tmp_path / "flashdisk"
    _mount_small_disk(folder, "2m")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave: int) -> Path:
    """Take all but `leave` bytes of the filesystem with one big file beside the database."""
    filler = folder / FILLER
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(filler, "ab") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


def one_sentence(stderr: str) -> str:
    text = stderr.strip()
    assert text, "no message"
    assert "Traceback" not in text and "rollback" not in text, text
    assert len(text.splitlines()) == 1, text
    return text


def db_env(path: Path) -> dict:
    return {"TUI_KECAMATAN_DB": str(path)}


def tickets_in(path: Path) -> list[str]:
    connection = sqlite3.connect(str(path))
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return [f"{prefix}-{number:03d}" for prefix, number in
                connection.execute("SELECT prefix, number FROM ticket ORDER BY number")]
    finally:
        connection.close()


def test_tickets_and_requests_on_a_full_disk_say_so_and_lose_nothing(small_disk):
    path = small_disk / "kecamatan.db"
    env = db_env(path)
    made = run_cli("init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n", env=env)
    assert made.returncode == 0, made.stderr
    issued = []
    for _ in range(3):
        result = run_cli("ticket", "KK", "--no-print", "--json", env=env)
        assert result.returncode == 0, result.stderr
        issued.append(json.loads(result.stdout)["code"])

    filler = fill(small_disk, leave=48 * 1024)
    failed = None
    for _ in range(40):  # until SQLite says the disk is full
        result = run_cli("ticket", "KK", "--no-print", "--json", env=env)
        if result.returncode != 0:
            failed = result
            break
        issued.append(json.loads(result.stdout)["code"])
    assert failed is not None, "the disk never filled up"
    sentence = one_sentence(failed.stderr)
    assert sentence.startswith(f"Disk penuh: basis data {path} tidak dapat ditulis (sisa ruang di {small_disk}: ")
    assert "tidak disimpan" in sentence

    request = run_cli("request", "new", "--service", "KK", "--nik", NIK, "--name", "Siti", "--kk", KK, env=env)
    assert request.returncode != 0
    assert one_sentence(request.stderr).startswith("Disk penuh: basis data")

    filler.unlink()
    assert tickets_in(path) == issued  # every acknowledged ticket, nothing else
    after = run_cli("ticket", "KK", "--no-print", "--json", env=env)
    assert after.returncode == 0, after.stderr
    last = int(issued[-1].split("-")[1])
    assert json.loads(after.stdout)["number"] == last + 1  # no hole, no repeat
    assert run_cli("check", env=env).returncode == 0


def test_core_on_a_full_disk_raises_the_sentence_and_the_database_stays_whole(small_disk):
    from tui_kecamatan.core import documents
    from tui_kecamatan.db.connection import open_database, run_in_connection
    from tui_kecamatan.errors import DatabaseUnavailable

    path = small_disk / "kecamatan.db"
    db = open_database(path)
    try:
        codes = [run_in_connection(db, documents.issue_ticket, None, "KK", printing=False).ticket.code for _ in range(2)]
        filler = fill(small_disk, leave=48 * 1024)
        refusal = None
        for _ in range(200):
            try:
                codes.append(run_in_connection(db, documents.issue_ticket, None, "KK", printing=False).ticket.code)
            except DatabaseUnavailable as exc:
                refusal = str(exc)
                break
        assert refusal is not None, "the disk never filled up"
        assert refusal.startswith(f"Disk penuh: basis data {path} tidak dapat ditulis (sisa ruang di {small_disk}: ")
        assert "rollback" not in refusal and "\n" not in refusal
        filler.unlink()
        codes.append(run_in_connection(db, documents.issue_ticket, None, "KK", printing=False).ticket.code)
    finally:
        db.close()
    numbers = [int(code.split("-")[1]) for code in codes]
    assert numbers == list(range(1, len(numbers) + 1))
    assert tickets_in(path) == codes


def test_backup_onto_a_full_disk_says_so_and_leaves_no_partial_file(tmp_path, second_small_disk):
    path = tmp_path / "kecamatan.db"
    env = db_env(path)
    assert run_cli("init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n", env=env).returncode == 0
    fill(second_small_disk, leave=64 * 1024)
    target = second_small_disk / "cadangan.db"

    result = run_cli("backup", str(target), env=env)

    assert result.returncode != 0
    sentence = one_sentence(result.stderr)
    assert sentence.startswith(f"Disk penuh: cadangan {target} tidak dapat ditulis (sisa ruang di {second_small_disk}: ")
    assert "tidak ada cadangan yang disimpan" in sentence
    assert sorted(p.name for p in second_small_disk.iterdir()) == [FILLER]
    # The database itself is untouched and still backs up where there is room.
    good = run_cli("backup", str(tmp_path / "cadangan.db"), env=env)
    assert good.returncode == 0, good.stderr
