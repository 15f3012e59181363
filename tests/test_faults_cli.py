"""Faults and hostile input at the command line and in the app: a bad value in the config file, a
print job's payload edited behind the program's back, an unexpected exception, and arguments
holding terminal escapes. The person sees one clean sentence; a traceback only ever goes to the
log file in the data folder (mode 0600), never to the terminal."""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tui_kecamatan import logs

HOSTILE = {
    "csi": "\x1b[31m",
    "bel": "\x07",
    "osc": "\x1b]0;judul\x07",
    "bidi": "\u202e",
    "newlines": "a\nb\nc",
}
# What a terminal acts on: C0 controls (ESC, BEL, newline inside a line), DEL, C1, bidi controls.
TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
EXCEPTION_NAMES = re.compile(r"\b\w*(Error|Exception|Warning)\b|Traceback")


def log_file() -> Path:
    """The log of the processes a test starts: the data folder is under XDG_DATA_HOME (conftest)."""
    return Path(os.environ["XDG_DATA_HOME"]) / "tui-kecamatan" / "logs" / logs.LOG_NAME


def one_clean_line(stderr: str) -> str:
    """stderr holds one line, no traceback, no exception class name, no terminal control."""
    assert "Traceback" not in stderr
    assert not EXCEPTION_NAMES.search(stderr), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, repr(stderr)
    line = stderr[:-1]
    assert not TERMINAL_CONTROLS.search(line), repr(line)
    assert line.endswith("."), line
    return line


def init_db(path: Path, env: dict | None = None) -> None:
    result = run_cli("--db", str(path), "init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n", env=env)
    assert result.returncode == 0, result.stderr


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- a bad value in the config file is a config error naming the key -----------------------------


@pytest.mark.parametrize(("section", "key", "value", "char"), [
    ("printers.receipt", "path", "struk\\u0000.bin", "NUL"),
    ("printers.receipt", "path", "struk\\u001b[31m.bin", "ESC"),
    ("printers.receipt", "path", "struk\\n.bin", "baris baru"),
    ("printers.receipt", "path", "ni\\u202eb.struk", "U+202E"),
])
def test_control_character_in_printer_path_is_named_without_traceback(tmp_path, section, key, value, char):
    db_path = tmp_path / "k.db"
    init_db(db_path)
    config = write_config(tmp_path / "config.toml", f'[{section}]\nkind = "file"\n{key} = "{value}"\n')
    result = run_cli("--db", str(db_path), "--config", str(config), "print", "test")
    assert result.returncode == 2  # a configuration error
    line = one_clean_line(result.stderr)
    assert f"{section}.{key}" in line and f"karakter kendali ({char})" in line
    assert str(config) in line
    assert result.stdout == ""
    # refused before anything was recorded: no test page job
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM print_job").fetchone()[0] == 0


@pytest.mark.parametrize("key", ["host", "device", "queue"])
def test_control_character_in_other_printer_values_is_refused(tmp_path, key):
    kind = {"host": "network", "device": "serial", "queue": "cups"}[key]
    config = write_config(tmp_path / "config.toml", f'[printers.receipt]\nkind = "{kind}"\n{key} = "lp\\u0007x"\n')
    result = run_cli("--db", str(tmp_path / "k.db"), "--config", str(config), "print", "test")
    assert result.returncode == 2
    line = one_clean_line(result.stderr)
    assert f"printers.receipt.{key}" in line and "(BEL)" in line


def test_nul_in_database_path_is_a_config_error(tmp_path):
    config = write_config(tmp_path / "config.toml", f'[database]\npath = "{tmp_path}/k\\u0000.db"\n')
    for command in (["check"], ["init"], ["user", "list"]):
        result = run_cli("--config", str(config), *command)
        assert result.returncode == 2, (command, result.stderr)
        line = one_clean_line(result.stderr)
        assert "database.path" in line and "(NUL)" in line
        assert "tak terduga" not in line
    assert list(tmp_path.iterdir()) == [config]


def test_control_character_in_timezone_and_theme_is_named(tmp_path):
    config = write_config(tmp_path / "config.toml", '[station]\ntimezone = "Asia/Jakarta\\u0000"\n')
    result = run_cli("--config", str(config), "check")
    assert result.returncode == 2 and "station.timezone" in one_clean_line(result.stderr)
    config.write_text('[ui]\ntheme = "textual-dark\\u001b]0;x\\u0007"\n')
    result = run_cli("--config", str(config), "check")
    assert result.returncode == 2 and "ui.theme" in one_clean_line(result.stderr)


# --- a print job whose payload was edited behind the program's back ------------------------------


def _failed_tickets(tmp_path, count: int) -> tuple[Path, Path, list[int]]:
    """`count` tickets whose printing failed (a missing printer folder), and a config that prints."""
    db_path = tmp_path / "k.db"
    init_db(db_path)
    broken = write_config(tmp_path / "broken.toml", f'[printers.receipt]\nkind = "file"\npath = "{tmp_path}/tidak-ada/struk.bin"\n')
    with sqlite3.connect(db_path) as connection:
        code = connection.execute("SELECT code FROM service WHERE active = 1 AND suspended = 0 AND urgent_only = 0 "
                                  "ORDER BY position LIMIT 1").fetchone()[0]
    for _ in range(count):
        result = run_cli("--db", str(db_path), "--config", str(broken), "ticket", code, "--print")
        assert result.returncode == 3, result.stderr
    with sqlite3.connect(db_path) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM print_job WHERE status = 'failed' ORDER BY id")]
    assert len(ids) == count
    working = write_config(tmp_path / "config.toml", f'[printers.receipt]\nkind = "file"\npath = "{tmp_path}/struk.bin"\n')
    return db_path, working, ids


BROKEN_PAYLOADS = {
    "not JSON": "{kode: A-001",
    "not an object": "[1, 2, 3]",
    "fields missing": json.dumps({"code": "A-001"}),
    "wrong type": None,  # the real payload with `ahead` too large for a number
    "nested too deep": "[" * 100_000,
    "not text": 12345,
}


def test_print_retry_with_edited_payloads_fails_those_jobs_in_one_sentence_each(tmp_path):
    db_path, config, ids = _failed_tickets(tmp_path, len(BROKEN_PAYLOADS) + 1)
    good, broken = ids[-1], dict(zip(BROKEN_PAYLOADS, ids))
    with sqlite3.connect(db_path) as connection:
        original = json.loads(connection.execute("SELECT payload FROM print_job WHERE id = ?", (good,)).fetchone()[0])
        for what, payload in BROKEN_PAYLOADS.items():
            if payload is None:
                payload = json.dumps(original).replace(f'"ahead": {original["ahead"]}', '"ahead": 1e400')
                assert "1e400" in payload
            connection.execute("UPDATE print_job SET payload = ? WHERE id = ?", (payload, broken[what]))

    result = run_cli("--db", str(db_path), "--config", str(config), "print", "retry", "--yes")

    assert result.returncode == 3  # saved, but some printing failed
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(BROKEN_PAYLOADS)
    for line, job_id in zip(lines, broken.values()):
        one_clean_line(line + "\n")
        assert line.startswith(f"Isi pekerjaan cetak #{job_id} rusak (")
        assert line.endswith("; Nomor antrian tidak dapat dicetak darinya.")
    assert "(bukan JSON yang benar)" in lines[0] and "(bukan objek JSON)" in lines[1]
    assert "issued_at tidak ada" in lines[2]
    # the untouched job still printed
    assert "Nomor antrian dicetak di Printer struk" in result.stdout
    assert (tmp_path / "struk.bin").stat().st_size > 0

    listed = json.loads(run_cli("--db", str(db_path), "print", "list", "--json").stdout)
    status = {row["id"]: row for row in listed}
    assert status[good]["status"] == "printed"
    for job_id in broken.values():
        assert status[job_id]["status"] == "failed"
        assert status[job_id]["error"].startswith(f"Isi pekerjaan cetak #{job_id} rusak")
    # the one the renderer choked on is in the log, with its traceback
    text = log_file().read_text()
    assert f"print job {broken['wrong type']}: payload cannot be rendered" in text
    assert "Traceback" in text and "OverflowError" in text
    assert stat.S_IMODE(log_file().stat().st_mode) == 0o600


# --- an unexpected exception: one sentence on the terminal, the traceback in the log --------------


def run_with_fault(*args: str, env: dict | None = None, umask: int | None = None) -> subprocess.CompletedProcess:
    """The real command line in a new process, with `backup.check` failing as a bug would."""
    code = (
        "import sys\n"
        "from tui_kecamatan import cli\n"
        "from tui_kecamatan.core import backup\n"
        "def broken(*a, **k):\n"
        "    raise RuntimeError('pemeriksa rusak')\n"
        "backup.check = broken\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=full_env,
                          cwd=str(ROOT), timeout=60, preexec_fn=None if umask is None else (lambda: os.umask(umask)))


def test_unexpected_exception_is_one_sentence_naming_the_log_which_holds_the_traceback(tmp_path):
    db_path = tmp_path / "k.db"
    init_db(db_path)
    result = run_with_fault("--db", str(db_path), "check", umask=0)  # even under a loose umask
    assert result.returncode == 1
    line = one_clean_line(result.stderr)
    assert line == f"Terjadi kesalahan tak terduga (pemeriksa rusak); rinciannya dicatat di {log_file()}."
    text = log_file().read_text()
    assert "unexpected error in command check" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: pemeriksa rusak" in text
    assert stat.S_IMODE(log_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file().parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(log_file().parent.parent.stat().st_mode) == 0o700  # the data folder it made
    # a second run appends to the same log
    again = run_with_fault("--db", str(db_path), "check")
    assert again.returncode == 1
    assert log_file().read_text().count("RuntimeError: pemeriksa rusak") == 2


def test_log_that_cannot_be_written_still_keeps_the_traceback_off_the_terminal(tmp_path):
    db_path = tmp_path / "k.db"
    init_db(db_path)
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("")
    result = run_with_fault("--db", str(db_path), "check", env={"XDG_DATA_HOME": str(blocker)})
    assert result.returncode == 1
    line = one_clean_line(result.stderr)
    assert line.startswith("Terjadi kesalahan tak terduga (pemeriksa rusak); catatan galat tidak dapat ditulis di ")
    assert str(blocker) in line


def test_existing_loose_log_is_made_private(tmp_path):
    db_path = tmp_path / "k.db"
    init_db(db_path)
    log_file().parent.mkdir(parents=True)
    log_file().parent.chmod(0o755)
    log_file().write_text("lama\n")
    log_file().chmod(0o644)
    result = run_with_fault("--db", str(db_path), "check")
    assert result.returncode == 1
    assert stat.S_IMODE(log_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file().parent.stat().st_mode) == 0o700
    assert log_file().read_text().startswith("lama\n")


def test_a_command_that_logs_nothing_leaves_no_log(tmp_path):
    init_db(tmp_path / "k.db")
    assert run_cli("--db", str(tmp_path / "k.db"), "user", "list").returncode == 0
    assert not log_file().parent.exists()


def test_log_rotates_and_every_file_is_private(tmp_path):
    folder = tmp_path / "logs"
    try:
        assert logs.setup_logging(folder) == folder / logs.LOG_NAME
        record = "x" * 1000
        for _ in range(logs.LOG_BYTES // 1000 * 2 + 10):
            logging.getLogger("tui_kecamatan.test").warning(record)
    finally:
        logs.stop_logging()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [logs.LOG_NAME, logs.LOG_NAME + ".1", logs.LOG_NAME + ".2"]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.stat().st_size <= logs.LOG_BYTES + 2000


# --- the app: a worker's unexpected exception --------------------------------------------------


async def test_app_worker_failure_is_one_notification_and_the_traceback_goes_to_the_log(db, admin, tmp_path, monkeypatch):
    from tests.pilot import at_home, make_app, notifications, settle, wait_notified
    from tui_kecamatan.core import office
    from tui_kecamatan.screens.shell import home

    office.save_profile(admin, office.ProfileInput(name="Kantor Kecamatan Uji", kecamatan="Uji", kabupaten="Kabupaten Uji"))
    path = logs.setup_logging(tmp_path / "logs")
    try:
        app = make_app(db, actor=admin)
        with pytest.raises(RuntimeError, match="angka rusak"):  # Pilot still reports it to the test
            async with app.run_test(size=(80, 24), notifications=True) as pilot:
                screen = await at_home(pilot)

                def broken():
                    raise RuntimeError("angka rusak")

                monkeypatch.setattr(home, "_load", broken)
                screen.refresh_data()
                expected = f"Terjadi kesalahan tak terduga (angka rusak); rinciannya dicatat di {path}."
                await wait_notified(pilot, expected)
                screen.refresh_data()  # the same failure again: still one notification
                await settle(pilot)
                assert notifications(app).count("tak terduga") == 1
                # the desk goes on: the app runs, home is still there
                assert app.is_running and app.screen is screen and app.unexpected_error is None
                monkeypatch.undo()
                screen.refresh_data()
                await settle(pilot)
                assert app.is_running
    finally:
        logs.stop_logging()
    text = path.read_text()
    assert text.count("RuntimeError: angka rusak") == 2
    assert "Traceback (most recent call last)" in text and "unexpected error in the app" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_app_failure_outside_a_worker_ends_the_app_without_a_traceback(db, admin, tmp_path):
    from tests.pilot import at_home, make_app

    path = logs.setup_logging(tmp_path / "logs")
    try:
        app = make_app(db, actor=admin)
        with pytest.raises(ZeroDivisionError):
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()

                def broken():
                    return 1 / 0

                app.call_later(broken)
                for _ in range(200):
                    if app.unexpected_error is not None:
                        break
                    await pilot.pause(0.01)
        assert isinstance(app.unexpected_error, ZeroDivisionError)
        assert app.return_code == 1
        assert not app._exit_renderables  # nothing for Textual to print on the terminal
    finally:
        logs.stop_logging()
    assert "ZeroDivisionError" in path.read_text()


# --- arguments holding terminal escapes are echoed cleaned --------------------------------------


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    empty = folder / "empty.toml"
    empty.write_text("")
    db_path = folder / "k.db"
    env = {"TUI_KECAMATAN_CONFIG": str(empty), "XDG_DATA_HOME": str(folder / "data"), "HOME": str(folder)}
    init_db(db_path, env=env)
    return db_path, folder


COMMANDS = {
    "user disable": lambda h, folder: (["user", "disable", f"wahyu{h}x"], None),
    "user unlock": lambda h, folder: (["user", "unlock", f"wahyu{h}x"], None),
    "user password": lambda h, folder: (["user", "password", f"wahyu{h}x", "--password-stdin"], "rahasia-baru\n"),
    "user add name": lambda h, folder: (["user", "add", f"wahyu{h}x", "--role", "operator", "--password-stdin"], "rahasia-baru\n"),
    "user add role": lambda h, folder: (["user", "add", "wahyu", "--role", f"raja{h}x", "--password-stdin"], "rahasia-baru\n"),
    "user set role": lambda h, folder: (["user", "set", "budi", "--role", f"raja{h}x"], None),
    "backup": lambda h, folder: (["backup", str(folder / f"tidak{h}ada" / "cadangan.db")], None),
    "restore": lambda h, folder: (["restore", str(folder / f"cadangan{h}.db"), "--yes"], None),
    "request new": lambda h, folder: (["request", "new", "--service", f"KTP{h}x", "--nik", "3603010101900001",
                                       "--name", "Siti"], None),
    "request show": lambda h, folder: (["request", "show", f"REG{h}1"], None),
    "usage": lambda h, folder: (["request", "list", "--status", f"siap{h}"], None),
}

# The new account's name is refused by its rule without repeating it; a registration number and a
# service code are cleaned by core before it looks them up (and says which it did not find).
NOT_ECHOED = {"user add name", "request show", "request new"}


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_hostile_argument_is_echoed_on_one_clean_line(hostile_db, command, hostile):
    db_path, folder = hostile_db
    args, stdin = COMMANDS[command](hostile, folder)
    result = run_cli("--db", str(db_path), *args, input=stdin)
    assert result.returncode in (1, 2), result
    assert result.stdout == ""
    line = one_clean_line(result.stderr)
    if command not in NOT_ECHOED:  # what was typed is still visible, as escapes
        visible = hostile.encode("unicode_escape").decode("ascii")
        assert visible in line, (visible, line)
    # and nothing was changed
    listed = json.loads(run_cli("--db", str(db_path), "user", "list", "--json").stdout)
    assert [(row["username"], row["role"], row["active"]) for row in listed] == [("budi", "admin", True)]


def test_long_hostile_argument_is_shortened(hostile_db):
    db_path, _folder = hostile_db
    result = run_cli("--db", str(db_path), "user", "disable", "\x1b[2J" * 2000)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and not TERMINAL_CONTROLS.search(result.stderr[:-1])
    assert result.stderr.startswith("Akun \\x1b[2J")
    assert len(result.stderr) <= 1001 and result.stderr.endswith("…\n")
