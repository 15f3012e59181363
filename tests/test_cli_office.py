"""Setting up an office from a script, as a maintainer over SSH does: `init --admin`, then
`office set`, then the app opens at the login. Real processes on a real database file."""

from __future__ import annotations

import getpass
import json

import pytest

from tests.conftest import run_cli
from tests.pilot import make_app, wait_for, wait_text
from tui_kecamatan.screens.shell.login import LoginScreen
from tui_kecamatan.screens.shell.setup import SetupScreen

SET = ("office", "set", "--name", "Kantor Kecamatan Pasar Kemis", "--kecamatan", "Pasar Kemis",
       "--kabupaten", "Kabupaten Tangerang")


def _one_sentence(stderr: str) -> None:
    text = stderr.strip()
    assert text and "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.endswith("."), text


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "k.db"
    result = run_cli("--db", str(path), "init", "--admin", "budi", "--password-stdin", input="rahasia-budi\n")
    assert result.returncode == 0, result.stderr
    return path


def cli(db_path, *args: str, config=None):
    extra = ("--config", str(config)) if config is not None else ()
    return run_cli("--db", str(db_path), *extra, *args)


def show(db_path) -> dict:
    result = cli(db_path, "office", "show", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_set_every_field_then_show_json(db_path):
    result = cli(db_path, *SET, "--province", "Banten", "--address", "Jl. Raya Pasar Kemis No. 1",
                 "--phone", "(021) 5921234", "--email", "kec.pasarkemis@tangerangkab.go.id",
                 "--hours", "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00 WIB",
                 "--head-name", "Drs. H. Ahmad Fauzi, M.Si", "--head-nip", "19700101 200003 1 001")
    assert result.returncode == 0, result.stderr
    assert "Profil kantor disimpan: Kantor Kecamatan Pasar Kemis." in result.stdout
    assert show(db_path) == {
        "name": "Kantor Kecamatan Pasar Kemis", "kecamatan": "Pasar Kemis", "kabupaten": "Kabupaten Tangerang",
        "province": "Banten", "address": "Jl. Raya Pasar Kemis No. 1", "phone": "(021) 5921234",
        "email": "kec.pasarkemis@tangerangkab.go.id", "hours": "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00 WIB",
        "head_name": "Drs. H. Ahmad Fauzi, M.Si", "head_nip": "197001012000031001", "configured": True,
    }
    text = cli(db_path, "office", "show")
    assert text.returncode == 0
    assert "Jam layanan    : Senin-Kamis 07.30-16.00, Jumat 07.30-11.00 WIB" in text.stdout
    # A later set changes only what it names.
    assert cli(db_path, "office", "set", "--phone", "021-5555-1234").returncode == 0
    after = show(db_path)
    assert after["phone"] == "021-5555-1234" and after["email"] == "kec.pasarkemis@tangerangkab.go.id"


def test_the_change_is_audited_as_the_command_line(db_path):
    assert cli(db_path, *SET).returncode == 0
    from tui_kecamatan.db.connection import open_database
    from tui_kecamatan.db.models import AuditEvent

    db = open_database(db_path)
    try:
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
        assert (event.action, event.actor, event.detail) == (
            "profil_kantor_disimpan", f"cli:{getpass.getuser()}", "Kantor Kecamatan Pasar Kemis")
    finally:
        db.close()


@pytest.mark.parametrize("args, sentence", [
    (("--email", "kecamatan-at-contoh"), "Alamat email tidak valid"),
    (("--phone", "telepon kantor"), "Nomor telepon hanya boleh"),
    (("--name", ""), "Nama kantor wajib diisi."),
    (("--hours", " "), "Jam layanan wajib diisi."),
    (("--province", "P" * 200), "Provinsi terlalu panjang"),
    (("--head-nip", "1970-01-01"), "NIP harus 18 angka"),
    (("--head-nip", "19700101200003100"), "NIP harus 18 angka"),
])
def test_bad_input_is_one_sentence_exit_1_and_nothing_changes(db_path, args, sentence):
    assert cli(db_path, *SET).returncode == 0
    before = show(db_path)
    result = cli(db_path, *SET, *args)
    assert result.returncode == 1
    _one_sentence(result.stderr)
    assert sentence in result.stderr
    assert show(db_path) == before


def test_a_new_office_needs_its_name_kecamatan_and_kabupaten(db_path):
    result = cli(db_path, "office", "set", "--hours", "Senin-Jumat 08.00-14.00 WIB")
    assert result.returncode == 1
    _one_sentence(result.stderr)
    assert "Nama kantor wajib diisi." in result.stderr
    assert show(db_path)["configured"] is False


def test_set_without_a_field_is_a_usage_error(db_path):
    result = cli(db_path, "office", "set")
    assert result.returncode == 2
    _one_sentence(result.stderr)


def test_hours_of_a_new_office_follow_the_station_zone(db_path, tmp_path):
    config = tmp_path / "wita.toml"
    config.write_text('[station]\ntimezone = "Asia/Makassar"\n')
    shown = cli(db_path, "office", "show", "--json", config=config)
    assert json.loads(shown.stdout)["hours"] == "Senin-Jumat 08.00-15.00 WITA"
    assert cli(db_path, *SET, config=config).returncode == 0
    assert show(db_path)["hours"] == "Senin-Jumat 08.00-15.00 WITA"  # saved as the office's own from now on


async def test_after_init_and_office_set_the_app_opens_at_the_login(db_path):
    from tui_kecamatan.db.connection import open_database

    db = open_database(db_path)
    try:
        app = make_app(db)  # before `office set`: the setup screen asks for the profile
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen), what="setup")
        assert cli(db_path, *SET).returncode == 0
        app = make_app(db)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login first")
            await wait_text(pilot, "Kantor Kecamatan Pasar Kemis")
            assert not any(isinstance(screen, SetupScreen) for screen in app.screen_stack)
    finally:
        db.close()
