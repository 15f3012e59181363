"""The command line as a maintainer uses it: real processes, real files, one-sentence errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import run_cli


def _one_sentence(stderr: str) -> None:
    text = stderr.strip()
    assert text, "an error must be explained"
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.endswith("."), text


def _init(db_path, name="budi", password="rahasia-budi"):
    result = run_cli("--db", str(db_path), "init", "--admin", name, "--password-stdin", input=password + "\n")
    assert result.returncode == 0, result.stderr
    return result


def test_init_creates_database_and_first_admin(tmp_path):
    db_path = tmp_path / "k.db"
    result = _init(db_path)
    assert "dibuat" in result.stdout
    assert oct(db_path.stat().st_mode & 0o777) == "0o600"
    listed = run_cli("--db", str(db_path), "user", "list", "--json")
    assert listed.returncode == 0
    assert '"username": "budi"' in listed.stdout and '"role": "admin"' in listed.stdout
    again = run_cli("--db", str(db_path), "init")
    assert again.returncode == 0 and "sudah terbaru" in again.stdout


def test_environment_variable_chooses_database(tmp_path):
    db_path = tmp_path / "env.db"
    result = run_cli("init", env={"TUI_KECAMATAN_DB": str(db_path)})
    assert result.returncode == 0, result.stderr
    assert db_path.exists()


def test_config_file_chooses_database_and_bad_key_is_named(tmp_path):
    db_path = tmp_path / "cfg.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{db_path}"\n')
    assert run_cli("--config", str(config), "init").returncode == 0
    assert db_path.exists()
    config.write_text('[ui]\nidle_lok_minutes = 5\n')
    result = run_cli("--config", str(config), "check")
    assert result.returncode == 2
    _one_sentence(result.stderr)
    assert "ui.idle_lok_minutes" in result.stderr and "idle_lock_minutes" in result.stderr


def test_user_add_list_disable(tmp_path):
    db_path = tmp_path / "k.db"
    _init(db_path)
    added = run_cli("--db", str(db_path), "user", "add", "wahyu", "--role", "operator", "--password-stdin", input="rahasia-wahyu\n")
    assert added.returncode == 0, added.stderr
    duplicate = run_cli("--db", str(db_path), "user", "add", "wahyu", "--role", "operator", "--password-stdin", input="rahasia-wahyu\n")
    assert duplicate.returncode == 1
    _one_sentence(duplicate.stderr)
    bad_role = run_cli("--db", str(db_path), "user", "add", "dedi", "--role", "raja", "--password-stdin", input="rahasia-dedi\n")
    assert bad_role.returncode == 1
    _one_sentence(bad_role.stderr)
    short = run_cli("--db", str(db_path), "user", "add", "dedi", "--role", "operator", "--password-stdin", input="pendek\n")
    assert short.returncode == 1 and "minimal" in short.stderr
    disabled = run_cli("--db", str(db_path), "user", "disable", "wahyu")
    assert disabled.returncode == 0
    listed = run_cli("--db", str(db_path), "user", "list")
    assert "nonaktif" in listed.stdout


def test_usage_error_is_one_sentence_with_status_2(tmp_path):
    result = run_cli("--db", str(tmp_path / "k.db"), "terbang")
    assert result.returncode == 2
    _one_sentence(result.stderr)


def test_missing_folder(tmp_path):
    result = run_cli("--db", str(tmp_path / "tidak-ada" / "k.db"), "init")
    assert result.returncode == 1
    _one_sentence(result.stderr)
    assert "tidak ada" in result.stderr
    assert not (tmp_path / "tidak-ada").exists()


def test_read_only_file(tmp_path):
    db_path = tmp_path / "k.db"
    _init(db_path)
    os.chmod(db_path, 0o400)
    try:
        result = run_cli("--db", str(db_path), "user", "add", "wahyu", "--role", "operator", "--password-stdin", input="rahasia-wahyu\n")
    finally:
        os.chmod(db_path, 0o600)
    assert result.returncode == 1
    _one_sentence(result.stderr)
    assert "hanya dapat dibaca" in result.stderr


@pytest.mark.parametrize("content", [b"ini bukan basis data, hanya teks biasa\n" * 20, bytes(range(256)) * 40])
def test_file_that_is_not_a_database(tmp_path, content):
    path = tmp_path / "k.db"
    path.write_bytes(content)
    result = run_cli("--db", str(path), "check")
    assert result.returncode == 1
    _one_sentence(result.stderr)
    assert path.read_bytes() == content, "a foreign file is left as it was"


def test_another_applications_database_is_refused(tmp_path):
    path = tmp_path / "lain.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE pelanggan (id INTEGER PRIMARY KEY, nama TEXT)")
    connection.commit()
    connection.close()
    result = run_cli("--db", str(path), "init")
    assert result.returncode == 1
    _one_sentence(result.stderr)
    assert "bukan milik tui-kecamatan" in result.stderr


def test_locked_database(tmp_path):
    db_path = tmp_path / "k.db"
    _init(db_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, sys, time
            c = sqlite3.connect({str(db_path)!r}, isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            c.execute("UPDATE office_profile SET name = 'x'")
            print("locked", flush=True)
            sys.stdin.readline()
            c.execute("ROLLBACK")
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_cli("--db", str(db_path), "user", "add", "wahyu", "--role", "operator", "--password-stdin",
                         input="rahasia-wahyu\n", env={"TUI_KECAMATAN_BUSY_TIMEOUT": "0.5"})
    finally:
        holder.communicate("\n", timeout=30)
    assert result.returncode == 1
    _one_sentence(result.stderr)
    assert "dikunci" in result.stderr
    listed = run_cli("--db", str(db_path), "user", "list")
    assert "wahyu" not in listed.stdout


def test_backup_verifies_and_restore_keeps_replaced_database(tmp_path):
    db_path = tmp_path / "k.db"
    _init(db_path)
    copy = tmp_path / "cadangan.db"
    result = run_cli("--db", str(db_path), "backup", str(copy))
    assert result.returncode == 0, result.stderr
    assert "diperiksa" in result.stdout
    check = sqlite3.connect(copy)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    again = run_cli("--db", str(db_path), "backup", str(copy))
    assert again.returncode == 1, "an existing backup is never overwritten"
    _one_sentence(again.stderr)

    assert run_cli("--db", str(db_path), "user", "add", "wahyu", "--role", "operator", "--password-stdin", input="rahasia-wahyu\n").returncode == 0
    no_confirm = run_cli("--db", str(db_path), "restore", str(copy))
    assert no_confirm.returncode == 2
    restored = run_cli("--db", str(db_path), "restore", str(copy), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "wahyu" not in run_cli("--db", str(db_path), "user", "list").stdout
    kept = [p for p in tmp_path.iterdir() if ".sebelum-pulih-" in p.name]
    assert len(kept) == 1
    old = sqlite3.connect(kept[0])
    assert old.execute("SELECT count(*) FROM staff WHERE username = 'wahyu'").fetchone()[0] == 1
    old.close()


def test_restore_refuses_foreign_file(tmp_path):
    db_path = tmp_path / "k.db"
    _init(db_path)
    foreign = tmp_path / "lain.db"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE x (y)")
    connection.commit()
    connection.close()
    for source in (foreign, tmp_path / "tidak-ada.db"):
        result = run_cli("--db", str(db_path), "restore", str(source), "--yes")
        assert result.returncode == 1
        _one_sentence(result.stderr)
    assert "budi" in run_cli("--db", str(db_path), "user", "list").stdout


def test_check_reports_healthy_database(tmp_path):
    db_path = tmp_path / "k.db"
    _init(db_path)
    result = run_cli("--db", str(db_path), "check")
    assert result.returncode == 0
    assert "baik" in result.stdout
