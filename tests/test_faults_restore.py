"""Restore as it happens in an office: onto a new server's empty path, and while desks are still
issuing numbers (real processes on one file); who is connected, and a desk killed with kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter as Tally
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.pilot import make_app, wait_for, wait_text
from tui_kecamatan.core import accounts, office, presence

WORKER = r"""
import os, sys, time
from tui_kecamatan.core import accounts, presence, requests, tickets
from tui_kecamatan.db.connection import open_database
from tui_kecamatan.db.errors import DATABASE_ERRORS
from tui_kecamatan.errors import AppError

db_path, station, out, stop = sys.argv[1:5]
issuing = sys.argv[5:] != ["idle"]
db = open_database(db_path)
actor = accounts.Actor(None, "cli:" + station, station, accounts.Role.ADMIN)
with db.connection_context():
    presence.register("app", station=station, actor=station)
n = 0
with open(out, "a", buffering=1) as log:
    log.write("READY\n")
    while not os.path.exists(stop):
        n += 1
        if not issuing:
            time.sleep(0.05)
            continue
        try:
            with db.connection_context():
                if n % 2:
                    log.write("T " + tickets.issue_ticket(None, "KK").code + "\n")
                else:
                    info = requests.create_request(actor, service_code="KK", nik="3603015501900002",
                                                   name="Warga %s %d" % (station, n), kk_number="3603012005150003")
                    log.write("R " + info.reg_no + "\n")
        except (AppError, *DATABASE_ERRORS) as exc:
            log.write("E %s\n" % exc)
        time.sleep(0.005)
"""


def _one_sentence(stderr: str) -> None:
    text = stderr.strip()
    assert text and "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.endswith("."), text


def _init(db_path: Path) -> None:
    result = run_cli("--db", str(db_path), "init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n")
    assert result.returncode == 0, result.stderr


def _lines(out: Path) -> list[str]:
    return out.read_text().splitlines() if out.exists() else []


def _issued(out: Path) -> list[str]:
    return [line for line in _lines(out) if line[:2] in ("T ", "R ")]


def _wait(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _start_worker(db_path: Path, station: str, folder: Path, *, idle: bool = False) -> tuple[subprocess.Popen, Path]:
    """A desk in a process of its own: registered as present, issuing tickets and requests in
    turn (or only present, `idle`), each acknowledged number written to its log."""
    out = folder / f"{station}.log"
    process = subprocess.Popen([sys.executable, "-c", WORKER, str(db_path), station, str(out), str(folder / "berhenti"),
                                *(["idle"] if idle else [])],
                               cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return process, out


def test_restore_onto_a_new_path_makes_the_database_there(tmp_path):
    db_path = tmp_path / "lama" / "k.db"
    db_path.parent.mkdir()
    _init(db_path)
    assert run_cli("--db", str(db_path), "ticket", "KK").returncode == 0
    copy = tmp_path / "cadangan.db"
    assert run_cli("--db", str(db_path), "backup", str(copy)).returncode == 0

    new_folder = tmp_path / "server-baru"
    new_folder.mkdir()
    target = new_folder / "kecamatan.db"
    restored = run_cli("--db", str(target), "restore", str(copy), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "Terjadi kesalahan" not in restored.stdout + restored.stderr
    assert sorted(p.name for p in new_folder.iterdir()) == ["kecamatan.db"], "nothing else is left behind"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    listed = run_cli("--db", str(target), "user", "list")
    assert "budi" in listed.stdout
    shown = run_cli("--db", str(target), "ticket", "KK", "--json")
    assert '"code": "B-002"' in shown.stdout, "numbering goes on from the backup"
    # The backup's folder holds the backup and nothing the restore read it with.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cadangan.db", "lama", "server-baru"]

    # The 4 KB empty database an earlier failure left at the path is replaced as well.
    empty = new_folder / "kosong.db"
    sqlite3.connect(empty).execute("VACUUM")
    assert empty.stat().st_size > 0
    again = run_cli("--db", str(empty), "restore", str(copy), "--yes")
    assert again.returncode == 0, again.stderr
    assert "budi" in run_cli("--db", str(empty), "user", "list").stdout


def test_restore_waits_for_working_desks_and_never_gives_a_number_twice(tmp_path):
    db_path = tmp_path / "k.db"
    _init(db_path)
    for _ in range(3):
        assert run_cli("--db", str(db_path), "ticket", "KK").returncode == 0
    morning = tmp_path / "pagi.db"
    assert run_cli("--db", str(db_path), "backup", str(morning)).returncode == 0

    stations = ["loket-1", "loket-2", "loket-3"]
    workers = [_start_worker(db_path, station, tmp_path) for station in stations]
    try:
        for _process, out in workers:
            _wait(lambda out=out: len(_issued(out)) >= 6, f"numbers from {out.name}")

        refused = run_cli("--db", str(db_path), "restore", str(morning), "--yes")
        assert refused.returncode == 1
        _one_sentence(refused.stderr)
        assert refused.stderr.startswith("Aplikasi masih dipakai: ")
        for station in stations:
            assert f"{station} di {station}" in refused.stderr
        assert "--force" in refused.stderr
        assert not list(tmp_path.glob("k.db.sebelum-pulih-*")), "a refused restore changes nothing"

        before = {out: len(_issued(out)) for _process, out in workers}
        forced = run_cli("--db", str(db_path), "restore", str(morning), "--yes", "--force")
        assert forced.returncode == 0, forced.stderr
        assert "dilanjutkan setelah" in forced.stdout
        after_restore = {out: len(_lines(out)) for _process, out in workers}
        for _process, out in workers:
            _wait(lambda out=out: len(_issued(out)) >= before[out] + 8, f"numbers after the restore from {out.name}")
    finally:
        (tmp_path / "berhenti").touch()
        for process, _out in workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    for process, _out in workers:
        assert "Traceback" not in process.stderr.read()

    issued = [line for _process, out in workers for line in _issued(out)]
    tally = Tally(issued)
    assert [number for number, times in tally.items() if times > 1] == [], "a number was given twice"
    newer = [line for _process, out in workers for line in _lines(out)[after_restore[out]:] if line[:2] in ("T ", "R ")]
    assert newer, "the desks went on issuing after the restore"
    # The restored database holds the morning's tickets and what came after the restore, every one of
    # them numbered past what the replaced database had issued today.
    connection = sqlite3.connect(db_path)
    codes = {row[0] for row in connection.execute("SELECT code FROM ticket")}
    connection.close()
    assert {"B-001", "B-002", "B-003"} <= codes
    assert {line[2:] for line in newer if line.startswith("T ")} <= codes
    for _process, out in workers:
        assert not [line for line in _lines(out) if line.startswith("E ") and "UNIQUE" in line]


def test_a_desk_killed_with_kill_9_counts_as_gone(tmp_path, db_path):
    from tui_kecamatan.db.connection import open_database

    _init(db_path)
    process, out = _start_worker(db_path, "loket-7", tmp_path, idle=True)
    try:
        _wait(lambda: "READY" in _lines(out), "the desk to start")
        db = open_database(db_path)
        with db.connection_context():
            running = presence.active()
        assert [(row.station, row.pid) for row in running] == [("loket-7", process.pid)]
        assert running[0].describe().startswith("loket-7 di loket-7 (")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        with db.connection_context():
            assert presence.active() == [], "a killed desk does not hold up a restore"
        db.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    copy = tmp_path / "cadangan.db"
    assert run_cli("--db", str(db_path), "backup", str(copy)).returncode == 0
    restored = run_cli("--db", str(db_path), "restore", str(copy), "--yes")
    assert restored.returncode == 0, restored.stderr


def test_presence_rows_of_an_old_process_and_an_ssh_desk(db):
    from datetime import datetime, timedelta

    from tui_kecamatan.db.models import Presence

    old = datetime.utcnow() - timedelta(seconds=presence.STALE_SECONDS + 5)
    Presence.create(kind="app", host="loket-jauh", pid=4242, station="loket-2", client="192.168.1.20",
                    actor="wahyu", started_at=old, last_seen=old)
    fresh = datetime.utcnow()
    Presence.create(kind="app", host="loket-jauh", pid=4343, station="loket-1", client="192.168.1.21",
                    actor="sari", started_at=fresh, last_seen=fresh)
    assert [row.describe() for row in presence.active()] == ["sari di loket-1 (192.168.1.21)"]
    assert presence.ssh_client({"SSH_CLIENT": "192.168.1.20 52144 22"}) == "192.168.1.20"
    assert presence.ssh_client({"SSH_CONNECTION": "10.0.0.5 5000 10.0.0.1 22"}) == "10.0.0.5"
    assert presence.ssh_client({}) == ""


def test_a_desk_of_this_machine_stays_present_without_writing_every_half_minute(db):
    """Every commit wakes every desk's screen: a living desk's row is not rewritten to prove it
    lives (its process is asked), and `keep` writes only when the row has gone (a restore)."""
    from datetime import datetime, timedelta

    from tui_kecamatan.db.models import Presence

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        long_ago = datetime.utcnow() - timedelta(hours=3)
        Presence.create(kind="app", host=presence.host_name(), pid=sleeper.pid, station="loket-3",
                        actor="dewi", started_at=long_ago, last_seen=long_ago)
        assert [row.describe() for row in presence.active()] == [f"dewi di loket-3 ({presence.host_name()}, pid {sleeper.pid})"]

        presence.register("app", station="loket-1", actor="budi")
        mine = (Presence.host == presence.host_name()) & (Presence.pid == os.getpid())
        seen = Presence.get(mine).last_seen
        presence.keep()
        assert Presence.get(mine).last_seen == seen  # nothing written
        Presence.delete().where(mine).execute()  # as a restore would
        presence.keep()
        assert Presence.get(mine).station == "loket-1"
    finally:
        sleeper.kill()
        sleeper.wait()
    presence.leave()
    assert presence.active() == []


@pytest.fixture
def office_ready(db, admin):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Contoh", kecamatan="Contoh",
                                                   kabupaten="Tangerang"))
    return db


async def test_the_admin_sees_who_is_connected(office_ready, admin, tmp_path, db_path):
    process, out = _start_worker(db_path, "loket-4", tmp_path, idle=True)
    try:
        _wait(lambda: "READY" in _lines(out), "the other desk to start")
        app = make_app(office_ready, admin, counter=2)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_text(pilot, "f9 Admin")
            await wait_for(pilot, lambda: any(row.is_self for row in presence.active(exclude_self=False)),
                           what="this desk registered")
            await pilot.press("f9")
            await wait_text(pilot, "Sesi")
            await pilot.press("9")
            await wait_text(pilot, "loket-4")
            await wait_text(pilot, "(layar ini)")
            await wait_text(pilot, "loket-2")
            rows = {row.station: row for row in presence.active(exclude_self=False)}
            assert rows["loket-2"].staff == "admin" and rows["loket-2"].kind == "app"
    finally:
        (tmp_path / "berhenti").touch()
        process.wait(timeout=30)
