"""benchmarks/tenyears.py (make bench) on a small office: the database it builds passes
`tui-kecamatan check` and holds what years of a busy office hold, a second run takes it from the
cache, and every figure is measured and printed in one table. No timing is asserted: the
numbers are read by people (docs/performance.md)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.serial  # eight processes issuing tickets, and tmux: load-sensitive

SMALL = ["--requests", "1500", "--years", "0.2", "--runs", "1"]


def bench(cache, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "benchmarks/tenyears.py", *SMALL, "--cache", str(cache), *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def built(cache):
    files = sorted(cache.glob("tenyears-*.db"))
    assert len(files) == 1, files
    return files[0]


def test_the_small_office_is_built_checked_and_taken_from_the_cache(tmp_path):
    from tui_kecamatan.core import validation
    from tui_kecamatan.db import migrations

    first = bench(tmp_path, "--build-only")
    path = built(tmp_path)
    assert f"schema{migrations.LATEST}-" in path.name
    assert "1,500 requests, 1,500 tickets" in first.stdout
    assert "check passed" in first.stderr and "10%" in first.stderr  # progress on stderr

    check = run_cli("--db", str(path), "check", env={"TUI_KECAMATAN_CONFIG": "/dev/null"})
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Hasil: baik" in check.stdout
    assert "Rantai audit utuh" in check.stdout

    connection = sqlite3.connect(path)
    try:
        count = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT count(*) FROM request") == 1500
        assert count("SELECT count(*) FROM ticket") == 1500
        states = dict(connection.execute("SELECT status, count(*) FROM request GROUP BY status").fetchall())
        assert {"picked_up", "delivered", "ready", "processing", "incomplete"} <= set(states)
        assert states["picked_up"] > states["ready"]  # older requests are collected, recent ones wait
        kinds = {row[0] for row in connection.execute("SELECT DISTINCT collector_kind FROM pickup")}
        assert kinds == {"self", "family", "proxy", "electronic"}
        assert count("SELECT count(*) FROM request_item") >= 2 * 1500
        assert count("SELECT count(*) FROM contact") > 0
        assert count("SELECT count(DISTINCT day) FROM ticket") > 30
        assert count("SELECT count(*) FROM audit_event WHERE action = 'permohonan_dibuat'") == 1500
        assert count("SELECT count(*) FROM audit_event WHERE action = 'masuk'") > 30
        # Names share their parts, and the search index finds them.
        given = connection.execute("SELECT name FROM request WHERE id = 7").fetchone()[0].split()[0]
        assert count(f"SELECT count(*) FROM request_text WHERE request_text MATCH 'name : \"{given}\"'") > 1
        for nik, phone in connection.execute("SELECT nik, phone FROM request WHERE phone != '' LIMIT 200"):
            assert validation.validate_nik(nik).nik == nik
            assert validation.normalize_phone(phone) == phone
    finally:
        connection.close()

    again = bench(tmp_path, "--build-only")
    assert "using the cached database" in again.stderr
    assert built(tmp_path) == path


FIGURES = [
    "search: registration number", "search: its daily part", "search: NIK:", "search: part of a NIK (first 10 digits)",
    "search: part of a NIK (last 8 digits)",
    "search: phone as typed", "search: part of a phone", "search: part of a name (given name + 3 letters)",
    "search: part of a name (one given name)", "request list: first page", "pickup: look-up by scanned number",
    "home figures for today", "board refresh", "report: daily", "report: monthly", "report: one-year range",
    "ticket: issue (database only)", "ticket: issue and print on a TCP printer",
    "tickets per second, 8 processes issuing at once", "database size on disk", "size per request",
]


def table_rows(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines():
        if line.startswith("| ") and not line.startswith("| what"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def find(rows: dict[str, list[str]], start: str) -> list[str]:
    matches = [cells for what, cells in rows.items() if what.startswith(start)]
    assert len(matches) == 1, (start, list(rows))
    return matches[0]


def test_every_figure_of_the_database_is_measured_and_printed(tmp_path):
    result = bench(tmp_path, "--only", "search,home,tickets,size")
    assert result.stdout.startswith("machine: ")
    assert "SQLite " in result.stdout.splitlines()[0]
    rows = table_rows(result.stdout)
    for what in FIGURES:
        median, spread, target, met = find(rows, what)
        assert median and median != "-"
        assert met in ("yes", "NO", "-")
    assert find(rows, "search: NIK:")[2] == "< 10.0 ms"
    assert find(rows, "report: one-year range")[2] == "< 5.00 s"
    assert find(rows, "ticket: issue (database only)")[2] == "< 15.0 ms"
    # The cached database itself is never changed by the measuring (the tickets went to a copy).
    connection = sqlite3.connect(built(tmp_path))
    try:
        assert connection.execute("SELECT count(*) FROM ticket").fetchone()[0] == 1500
    finally:
        connection.close()


@pytest.mark.needs_tools("tmux")
def test_the_start_up_against_a_bare_app_is_measured_in_tmux(tmp_path):
    result = bench(tmp_path, "--only", "startup")
    rows = table_rows(result.stdout)
    for what in ("start-up: tui-kecamatan to the login screen", "start-up: bare Textual app to its first screen",
                 "start-up: tui-kecamatan to the home screen", "start-up: bare app to its second screen",
                 "peak memory: tui-kecamatan on the home screen", "peak memory: bare app on its second screen"):
        assert find(rows, what)[0] != "-"
    assert find(rows, "start-up: login screen / bare app")[2] == "<= 1.25x"
    assert find(rows, "start-up: home screen / bare app")[2] == "<= 1.50x"
    assert find(rows, "peak memory: difference")[2] == "<= 25.0 MiB"
