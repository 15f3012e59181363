"""Backups made by the app: `backup_now` (a verified copy, named by the time, progress as it
copies), the folder's list, the automatic daily backup (one per local day even when desks open
at once, the newest `keep` kept, skipped below the free-space floor and retried by the next desk),
the `[backup]` config keys, and the admin's Cadangan section (F9, 0)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import DataTable, ProgressBar

from conftest import ROOT, run_cli
from test_faults_disk import FILLER, fill, second_small_disk  # noqa: F401 - the 2 MB tmpfs fixture
from tests.pilot import (at_home, make_app, make_config, notifications, screen_text, settle, wait_for, wait_notified,
                         wait_text, wait_workers)
from tui_kecamatan.app import KecamatanApp
from tui_kecamatan.config import BackupSettings, load_config
from tui_kecamatan.core import backup, clock, office, presence, tickets
from tui_kecamatan.core.backup import BackupResult, LowDiskSpace
from tui_kecamatan.db import health
from tui_kecamatan.db.connection import run_in_connection
from tui_kecamatan.db.models import AuditEvent, Setting
from tui_kecamatan.errors import AppError, ConfigError, PermissionDenied, Refused
from tui_kecamatan.screens.admin.backups import BackupsPane
from tui_kecamatan.screens.admin.screen import AdminScreen

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 9, 15, tzinfo=WIB)
TABLES = ("ticket", "request", "staff", "service", "service_requirement", "counter", "office_profile")


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.set_now(lambda: NOW)


def at(moment: datetime) -> None:
    clock.set_now(lambda: moment)


@pytest.fixture
def office_ready(db, admin, operator):
    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Pasar Kemis", kecamatan="Pasar Kemis",
                                                   kabupaten="Kabupaten Tangerang"))
    for _ in range(5):
        tickets.issue_ticket(None, "KK")
    return db


def counts(connection: sqlite3.Connection) -> dict[str, int]:
    return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}  # noqa: S608


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def actions() -> list[str]:
    return [event.action for event in AuditEvent.select().order_by(AuditEvent.id)]


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def daily(db, db_path, **settings):
    return run_in_connection(db, backup.daily_backup, db, db_path, BackupSettings(**{"min_free_mb": 0, **settings}))


# --- backup_now ------------------------------------------------------------------------------------


def test_backup_now_writes_a_verified_copy_with_the_same_rows_and_reports_progress(office_ready, db_path, admin,
                                                                                  tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "STEP_PAGES", 4)
    folder = tmp_path / "cadangan"
    seen: list[tuple[int, int]] = []

    result = run_in_connection(office_ready, backup.backup_now, office_ready, folder,
                               progress=lambda done, total: seen.append((done, total)), actor=admin)

    assert result.path == folder / "kecamatan-20261128-091500.db"
    assert result.sentence == f"Cadangan dibuat dan diperiksa: kecamatan-20261128-091500.db ({backup.size_label(result.size)})."
    assert names(folder) == ["kecamatan-20261128-091500.db"]  # no partial file left beside it
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(result.path.stat().st_mode) == 0o600
    # Copied a few pages at a time, up to the whole database.
    assert len(seen) > 3 and seen[-1] == (result.pages, result.pages)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    copy = read_only(result.path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal needed
        live = sqlite3.connect(str(db_path))
        try:
            assert counts(copy) == counts(live) and counts(copy)["ticket"] == 5
        finally:
            live.close()
    finally:
        copy.close()
    assert result.summary == "0 permohonan, 5 antrian, 2 akun"
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "cadangan_dibuat" and event.actor == "admin" and "kecamatan-20261128-091500.db" in event.detail
    # A damaged database later names this backup as the newest to restore from.
    assert health.newest_backups(db_path)[0] == result.path


def test_desks_go_on_issuing_tickets_while_it_copies(office_ready, db_path, admin, tmp_path, monkeypatch):
    """A ticket issued by another process during the copy is neither held up nor the cause of a
    restart: the copy is the database as it was when the copy began."""
    monkeypatch.setattr(backup, "STEP_PAGES", 2)
    seen: list[int] = []
    issued = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if not issued:
            issued.append(run_cli("ticket", "KK", "--no-print", "--json", env={"TUI_KECAMATAN_DB": str(db_path)}))

    result = run_in_connection(office_ready, backup.backup_now, office_ready, tmp_path / "cadangan",
                               progress=progress, actor=admin)

    assert issued[0].returncode == 0, issued[0].stderr
    assert len(seen) == len(set(seen)) and seen == sorted(seen)  # never started again
    copy = read_only(result.path)
    try:
        assert counts(copy)["ticket"] == 5
    finally:
        copy.close()
    live = sqlite3.connect(str(db_path))
    try:
        assert counts(live)["ticket"] == 6
    finally:
        live.close()


def test_backup_now_is_for_admins(office_ready, operator, tmp_path):
    with pytest.raises(PermissionDenied):
        run_in_connection(office_ready, backup.backup_now, office_ready, tmp_path / "cadangan", actor=operator)
    assert not (tmp_path / "cadangan").exists()


def test_backup_now_below_the_free_space_floor_writes_nothing(office_ready, admin, tmp_path):
    folder = tmp_path / "cadangan"
    before = actions()
    with pytest.raises(LowDiskSpace) as refused:
        run_in_connection(office_ready, backup.backup_now, office_ready, folder, actor=admin, min_free_mb=10 ** 9)
    sentence = str(refused.value)
    assert sentence.startswith(f"Ruang kosong di disk {folder} tinggal ")
    assert "kurang dari 1000000000 MB ([backup] min_free_mb), jadi cadangan tidak dibuat." in sentence
    assert "\n" not in sentence
    assert not folder.exists() and actions() == before


def test_backup_now_refuses_a_folder_it_cannot_make(office_ready, admin, tmp_path):
    (tmp_path / "bukan-folder").write_text("isi")
    folder = tmp_path / "bukan-folder" / "cadangan"
    with pytest.raises(Refused, match=f"^Folder cadangan {folder} tidak dapat dibuat \\(.+\\)\\.$"):
        run_in_connection(office_ready, backup.backup_now, office_ready, folder, actor=admin)


def test_two_backups_in_one_second_keep_both(office_ready, admin, tmp_path):
    folder = tmp_path / "cadangan"
    first = run_in_connection(office_ready, backup.backup_now, office_ready, folder, actor=admin)
    second = run_in_connection(office_ready, backup.backup_now, office_ready, folder, actor=admin)
    assert (first.name, second.name) == ("kecamatan-20261128-091500.db", "kecamatan-20261128-091500-2.db")
    assert [f.name for f in backup.list_backups(folder)] == [second.name, first.name]


def test_a_backup_that_does_not_fit_is_not_started(office_ready, admin, second_small_disk):  # noqa: F811
    fill(second_small_disk, leave=64 * 1024)
    with pytest.raises(LowDiskSpace) as refused:
        run_in_connection(office_ready, backup.backup_now, office_ready, second_small_disk, actor=admin, min_free_mb=0)
    assert str(refused.value).startswith(f"Ruang kosong di disk {second_small_disk} tinggal 64 KB, tidak cukup untuk "
                                         f"cadangan sebesar ")
    assert names(second_small_disk) == [FILLER]


def test_a_disk_filled_during_the_copy_says_so_and_leaves_no_partial_file(office_ready, admin,
                                                                         second_small_disk, monkeypatch):  # noqa: F811
    monkeypatch.setattr(backup, "STEP_PAGES", 1)
    filled = []

    def someone_fills_the_disk(done: int, total: int) -> None:
        if not filled:
            filled.append(fill(second_small_disk, leave=0))

    with pytest.raises(AppError) as failed:
        run_in_connection(office_ready, backup.backup_now, office_ready, second_small_disk, actor=admin,
                          min_free_mb=0, progress=someone_fills_the_disk)
    sentence = str(failed.value)
    assert sentence.startswith(f"Disk penuh: cadangan {second_small_disk}/kecamatan-20261128-091500.db tidak dapat "
                               f"ditulis (sisa ruang di {second_small_disk}: ")
    assert "tidak ada cadangan yang disimpan" in sentence
    assert names(second_small_disk) == [FILLER]
    assert "cadangan_dibuat" not in actions()


def test_the_floor_on_a_small_disk(office_ready, db_path, admin, second_small_disk):  # noqa: F811
    """A 2 MB disk: a backup that leaves 1 MB is made; asking for 2 MB left skips the next day's."""
    made = daily(office_ready, db_path, folder=second_small_disk, min_free_mb=1)
    assert isinstance(made, BackupResult) and made.path.parent == second_small_disk
    at(NOW + timedelta(days=1))
    skipped = daily(office_ready, db_path, folder=second_small_disk, min_free_mb=2)
    assert isinstance(skipped, str) and skipped.startswith(f"Cadangan harian dilewati: Ruang kosong di disk {second_small_disk}")
    assert names(second_small_disk) == [made.name]


# --- the folder's list -----------------------------------------------------------------------------


def test_list_backups_newest_first_without_partial_or_foreign_files(office_ready, admin, tmp_path):
    folder = tmp_path / "cadangan"
    at(datetime(2026, 11, 27, 16, 0, tzinfo=WIB))
    older = run_in_connection(office_ready, backup.backup_now, office_ready, folder, actor=admin)
    at(NOW)
    newer = daily(office_ready, tmp_path / "kecamatan.db", folder=folder)
    (folder / "catatan.txt").write_text("bukan cadangan")
    (folder / "kecamatan-20261128-100000.db.ab12cd34.sebagian").write_bytes(b"setengah")
    (folder / "kecamatan-20261128-110000.db").mkdir()
    (folder / "salinan-lama.db").write_bytes(b"x")
    os.symlink(older.path, folder / "kecamatan-20261128-120000.db")

    listed = backup.list_backups(folder)

    assert [(f.name, f.taken, f.daily) for f in listed] == [
        (newer.name, datetime(2026, 11, 28, 9, 15), True),
        (older.name, datetime(2026, 11, 27, 16, 0), False),
    ]
    assert listed[1].size == older.path.stat().st_size and listed[1].size_label.endswith("KB")
    assert backup.list_backups(tmp_path / "tidak-ada") == []


# --- the daily backup --------------------------------------------------------------------------------


def test_daily_backup_once_a_day(office_ready, db_path, tmp_path):
    first = daily(office_ready, db_path)
    assert isinstance(first, BackupResult) and first.daily
    assert first.path == tmp_path / "cadangan" / "kecamatan-harian-20261128-091500.db"
    at(NOW + timedelta(hours=5))
    assert daily(office_ready, db_path) is None  # later desks that day: nothing more
    assert Setting.get(Setting.key == backup.DAILY_KEY).value == "2026-11-28"
    assert Setting.get_or_none(Setting.key == backup.DAILY_RUNNING_KEY) is None
    at(NOW + timedelta(days=1))
    second = daily(office_ready, db_path)
    assert isinstance(second, BackupResult) and second.name == "kecamatan-harian-20261129-091500.db"
    assert actions().count("cadangan_dibuat") == 2
    state = run_in_connection(office_ready, backup.daily_state)
    assert state.day.isoformat() == "2026-11-29" and state.running_since is None


CHILD = """
import json, sys
from datetime import datetime, timezone
from tui_kecamatan.config import BackupSettings
from tui_kecamatan.core import backup, clock
from tui_kecamatan.db.connection import open_database, run_in_connection

clock.set_now(lambda: datetime(2026, 11, 28, 1, 0, tzinfo=timezone.utc))
db = open_database(sys.argv[1], create=False)
print("siap", flush=True)
sys.stdin.readline()
outcome = run_in_connection(db, backup.daily_backup, db, sys.argv[1], BackupSettings(min_free_mb=0))
db.close()
print(json.dumps(outcome.name if isinstance(outcome, backup.BackupResult) else outcome), flush=True)
"""


@pytest.mark.serial
def test_four_desks_opening_at_once_make_one_daily_backup(office_ready, db_path, tmp_path):
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(db_path)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
                for _ in range(4)]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "siap", child.stderr.read()
        for child in children:
            child.stdin.write("mulai\n")
            child.stdin.flush()
        outcomes = []
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0 and err == "", err
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert [outcome for outcome in outcomes if outcome is not None] == ["kecamatan-harian-20261128-080000.db"]
    assert outcomes.count(None) == 3
    assert names(tmp_path / "cadangan") == ["kecamatan-harian-20261128-080000.db"]
    assert actions().count("cadangan_dibuat") == 1
    assert Setting.get(Setting.key == backup.DAILY_KEY).value == "2026-11-28"


def test_daily_backup_keeps_the_newest_and_nothing_else_is_touched(office_ready, db_path, admin, tmp_path):
    folder = tmp_path / "cadangan"
    folder.mkdir()
    foreign = ["catatan.txt", "lain-harian-20261101-080000.db", "kecamatan-harian-lama.db"]
    for name in foreign:
        (folder / name).write_text("bukan milik cadangan harian")
    at(datetime(2026, 11, 20, 8, 0, tzinfo=WIB))
    by_hand = run_in_connection(office_ready, backup.backup_now, office_ready, folder, actor=admin)
    made = []
    for day in range(21, 27):
        at(datetime(2026, 11, day, 8, 0, tzinfo=WIB))
        made.append(daily(office_ready, db_path, keep=3).name)

    assert names(folder) == sorted([*foreign, by_hand.name, *made[-3:]])
    # The clock put back a week: the one just made is the oldest by name, and is kept all the same.
    at(datetime(2026, 11, 14, 8, 0, tzinfo=WIB))
    Setting.delete().where(Setting.key == backup.DAILY_KEY).execute()
    earliest = daily(office_ready, db_path, keep=1)
    assert isinstance(earliest, BackupResult)
    assert set(earliest.removed) == set(made[-3:])
    assert names(folder) == sorted([*foreign, by_hand.name, earliest.name])


def test_daily_backup_below_the_floor_is_skipped_and_the_next_desk_tries_again(office_ready, db_path, tmp_path):
    at(datetime(2026, 11, 27, 8, 0, tzinfo=WIB))
    yesterday = daily(office_ready, db_path)
    at(NOW)
    skipped = daily(office_ready, db_path, min_free_mb=10 ** 9)
    assert isinstance(skipped, str)
    assert skipped.startswith(f"Cadangan harian dilewati: Ruang kosong di disk {tmp_path / 'cadangan'} tinggal ")
    assert skipped.endswith("Kosongkan ruang di disk itu atau pilih folder lain.")
    assert names(tmp_path / "cadangan") == [yesterday.name]
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "cadangan_harian_dilewati" and event.actor == "sistem" and "min_free_mb" in event.detail
    # The day was given back: the last backup is still yesterday's, and the next desk makes today's.
    assert Setting.get(Setting.key == backup.DAILY_KEY).value == "2026-11-27"
    retried = daily(office_ready, db_path)
    assert isinstance(retried, BackupResult) and retried.name == "kecamatan-harian-20261128-091500.db"


def test_a_failed_daily_backup_is_audited_and_retried(office_ready, db_path, tmp_path):
    (tmp_path / "bukan-folder").write_text("isi")
    failed = daily(office_ready, db_path, folder=tmp_path / "bukan-folder" / "cadangan")
    assert isinstance(failed, str)
    assert failed.startswith(f"Cadangan harian gagal: Folder cadangan {tmp_path / 'bukan-folder' / 'cadangan'} "
                             f"tidak dapat dibuat")
    assert failed.endswith("Loket berikutnya yang membuka aplikasi akan mencobanya lagi.")
    assert actions()[-1] == "cadangan_harian_gagal"
    assert Setting.get_or_none(Setting.key == backup.DAILY_KEY) is None
    assert isinstance(daily(office_ready, db_path), BackupResult)


def test_a_claim_left_by_a_killed_desk_is_taken_over(office_ready, db_path, tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        def claim(pid: int) -> None:
            Setting.insert(key=backup.DAILY_KEY, value="2026-11-28").on_conflict_replace().execute()
            Setting.insert(key=backup.DAILY_RUNNING_KEY, value=json.dumps({
                "host": presence.host_name(), "pid": pid, "sejak": "2026-11-28T02:00:00", "sebelumnya": "2026-11-27",
            })).on_conflict_replace().execute()

        claim(running.pid)  # a desk still making it
        assert daily(office_ready, db_path) is None
        state = run_in_connection(office_ready, backup.daily_state)
        assert state.running_since == datetime(2026, 11, 28, 9, 0) and state.previous.isoformat() == "2026-11-27"
        claim(gone.pid)  # a desk that was killed while making it
        assert run_in_connection(office_ready, backup.daily_state).day.isoformat() == "2026-11-27"
        made = daily(office_ready, db_path)
        assert isinstance(made, BackupResult) and names(tmp_path / "cadangan") == [made.name]
    finally:
        running.kill()
        running.wait()


def test_no_daily_backup_of_a_damaged_database(office_ready, db_path, tmp_path):
    health.mark_damaged(db_path, ["halaman 7 rusak"])
    assert daily(office_ready, db_path) is None
    assert not (tmp_path / "cadangan").exists()


# --- config ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, sentence", [
    ("keep = 0", "nilai backup.keep salah (yang boleh: bilangan bulat 1 atau lebih: banyaknya cadangan harian yang disimpan)."),
    ("keep = 2.5", "nilai backup.keep salah (yang boleh: bilangan bulat 1 atau lebih"),
    ("min_free_mb = -1", "nilai backup.min_free_mb salah (yang boleh: bilangan bulat 0 atau lebih: ruang kosong (MB)"),
    ("min_free_mb = true", "nilai backup.min_free_mb salah"),
    ('folder = " "', "nilai backup.folder salah (yang boleh: teks: jalur folder cadangan"),
    ('folder = "/srv/\\u001b[31m"', "nilai backup.folder tidak boleh berisi karakter kendali (ESC)."),
    ("simpan = 3", "kunci backup.simpan tidak dikenal (yang boleh: folder, keep, min_free_mb)."),
])
def test_config_refuses_bad_backup_values(tmp_path, text, sentence):
    path = tmp_path / "config.toml"
    path.write_text(f"[backup]\n{text}\n")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(f"{path}: {sentence}")


def test_config_backup_values_and_defaults(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("")
    defaults = load_config(path).backup
    assert (defaults.folder, defaults.keep, defaults.min_free_mb) == (None, 14, 200)
    assert backup.folder_for(tmp_path / "data" / "kecamatan.db", defaults) == tmp_path / "data" / "cadangan"
    path.write_text('[backup]\nfolder = "~/cadangan-kantor"\nkeep = 30\nmin_free_mb = 0\n')
    chosen = load_config(path).backup
    assert (chosen.folder, chosen.keep, chosen.min_free_mb) == (Path.home() / "cadangan-kantor", 30, 0)
    assert backup.folder_for(tmp_path / "kecamatan.db", BackupSettings(folder=Path("luar"))) == tmp_path / "luar"


# --- the app: the daily backup at start, and the admin's section --------------------------------------


async def test_the_first_desk_of_the_day_backs_up_silently(office_ready, admin, tmp_path):
    app = KecamatanApp(make_config(), office_ready, actor=admin, daily_backup=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await wait_for(pilot, lambda: names(tmp_path / "cadangan"), what="the daily backup")
        await wait_workers(pilot)
        assert names(tmp_path / "cadangan") == ["kecamatan-harian-20261128-091500.db"]
        assert notifications(app) == ""


async def test_a_skipped_daily_backup_is_a_warning_at_the_desk(office_ready, admin, tmp_path):
    config = make_config(backup=BackupSettings(min_free_mb=10 ** 9))
    app = KecamatanApp(config, office_ready, actor=admin, daily_backup=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await wait_notified(pilot, "Cadangan harian dilewati: Ruang kosong di disk")
        assert [n.severity for n in app._notifications] == ["warning"]
        assert not (tmp_path / "cadangan").exists()


async def test_an_app_built_without_the_daily_backup_makes_none(office_ready, admin, tmp_path):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_home(pilot)
        await settle(pilot)
    assert not (tmp_path / "cadangan").exists()


async def open_backups(pilot, rows: int) -> BackupsPane:
    await at_home(pilot)
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AdminScreen), what="admin screen")
    await pilot.press("0")
    pane = pilot.app.screen.query_one(BackupsPane)
    await wait_for(pilot, lambda: pane.overview is not None and pane.table().row_count == rows
                   and pilot.app.focused is pane.table(), what="backups listed")
    return pane


def rows(pane: BackupsPane) -> list[list[str]]:
    table = pane.query_one(DataTable)
    return [[str(cell).strip() for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_the_cadangan_section_lists_the_backups_and_makes_one(office_ready, admin, tmp_path, monkeypatch):
    folder = tmp_path / "cadangan"
    at(datetime(2026, 11, 27, 8, 0, tzinfo=WIB))
    daily(office_ready, tmp_path / "kecamatan.db")
    at(NOW)
    # Copied a page at a time, held half-way until the test has looked at the screen.
    monkeypatch.setattr(backup, "STEP_PAGES", 1)
    halfway = threading.Event()
    real_copy = backup._copy_in_steps

    def held(source, partial, target, progress):
        def step(done, total):
            progress(done, total)
            if done == total // 2:
                halfway.wait(30)
        return real_copy(source, partial, target, step)

    monkeypatch.setattr(backup, "_copy_in_steps", held)
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        pane = await open_backups(pilot, 1)
        text = screen_text(app)
        assert f"Folder:{folder}" in "".join(text.split())  # a long path wraps
        for shown in ("Ruang kosong di disk: ", "(batas 200 MB)",
                      "Cadangan harian terakhir: Jumat, 27 November 2026 (14 terbaru disimpan).",
                      "Tanggal", "Berkas", "Ukuran", "27-11-2026 08:00", "kecamatan-harian-20261127-080000.db",
                      "b Cadangkan sekarang", "r Muat ulang", "Cadangan"):
            assert shown in text, shown
        assert rows(pane)[0][2].endswith(" KB")

        await pilot.press("b")
        bar = pane.query_one(ProgressBar)
        await wait_for(pilot, lambda: bar.display and bar.total and bar.progress >= bar.total // 2, what="the progress bar")
        # The bar's state is set a moment before the screen is drawn again.
        await wait_for(pilot, lambda: "Menyalin basis data…" in screen_text(app) and "50%" in screen_text(app),
                       what="the copy at 50% on screen")
        await pilot.press("b")  # once is enough: the key says so while it copies
        await wait_notified(pilot, "Cadangan sedang dibuat; tunggu sampai selesai.")
        halfway.set()
        await wait_notified(pilot, "Cadangan dibuat dan diperiksa: kecamatan-20261128-091500.db (")
        await wait_for(pilot, lambda: pane.table().row_count == 2, what="the new backup listed")
        assert [row[:2] for row in rows(pane)] == [["28-11-2026 09:15", "kecamatan-20261128-091500.db"],
                                                  ["27-11-2026 08:00", "kecamatan-harian-20261127-080000.db"]]
        assert pane.table().cursor_row == 0 and not bar.display
        assert names(folder) == ["kecamatan-20261128-091500.db", "kecamatan-harian-20261127-080000.db"]

        # A file removed by hand is gone from the list at r.
        (folder / "kecamatan-harian-20261127-080000.db").unlink()
        await pilot.press("r")
        await wait_for(pilot, lambda: pane.table().row_count == 1, what="the list read again")
    assert actions().count("cadangan_dibuat") == 2


async def test_the_cadangan_section_says_why_no_backup_was_made(office_ready, admin, tmp_path):
    app = make_app(office_ready, admin, backup=BackupSettings(min_free_mb=10 ** 9))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_backups(pilot, 0)
        await wait_text(pilot, "Belum ada cadangan di folder ini; tekan b untuk membuatnya sekarang.")
        await wait_text(pilot, "Cadangan harian: belum pernah dibuat")
        await pilot.press("b")
        await wait_notified(pilot, "jadi cadangan tidak dibuat")
        await settle(pilot)
        assert "Belum ada cadangan di folder ini" in screen_text(app)
    assert not (tmp_path / "cadangan").exists()


async def test_the_tab_titles_fit_one_line(office_ready, admin):
    app = make_app(office_ready, admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backups(pilot, 0)
        first_line = screen_text(app).splitlines()[0]
        assert first_line.split() == ["Layanan", "Desa", "Libur", "Templat", "Loket", "Profil", "Petugas", "Cetak",
                                      "Sesi", "Cadangan", "Privasi"]
