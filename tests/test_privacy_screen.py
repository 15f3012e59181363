"""The admin's Privasi section at 80x24: the period, the purge with its preview and confirmation,
a citizen's data saved for them, and the backups older than the period."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader

from tests.pilot import at_home, make_app, screen_text, wait_for, wait_notified, wait_screen, wait_text
from tests.test_privacy_purge import OLD_DAY, OLD_NIK, TODAY, at, lifecycle
from tests.test_intake_screens import OFFICE
from tui_kecamatan.core import backup, office, privacy
from tui_kecamatan.db.models import Request
from tui_kecamatan.screens.admin.privacy import PrivacyPane
from tui_kecamatan.screens.admin.screen import AdminScreen
from tui_kecamatan.widgets.confirm import ConfirmScreen
from tui_kecamatan.widgets.prompt import TextPrompt


def office_with_old_data(db_path, admin, operator):
    office.save_profile(admin, OFFICE)
    old = lifecycle(operator, OLD_NIK, "Siti Aminah", OLD_DAY)
    at(TODAY)
    folder = backup.folder_for(db_path)
    folder.mkdir(mode=0o700)
    (folder / f"{db_path.stem}-20240301-090000.db").write_bytes(b"lama")
    (folder / f"{db_path.stem}-harian-20261201-080000.db").write_bytes(b"baru")
    return old


async def open_privacy(pilot) -> PrivacyPane:
    await at_home(pilot)
    await pilot.press("f9")
    await wait_screen(pilot, AdminScreen)
    await pilot.press("minus")
    pane = pilot.app.screen.query_one(PrivacyPane)
    await wait_for(pilot, lambda: pane.overview is not None and pilot.app.focused is pane.table(), what="privasi")
    return pane


async def test_the_admin_sees_the_period_purges_after_confirming_and_is_told_of_old_backups(db, db_path, admin, operator):
    old = office_with_old_data(db_path, admin, operator)
    app = make_app(db, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        pane = await open_privacy(pilot)
        text = screen_text(app)
        assert "Masa simpan data pribadi: 24 bulan" in text and "8 Desember 2024" in text
        assert "Melewati masa simpan: 1 permohonan (1 warga)" in text
        # Only the backup taken before the cut-off is listed.
        assert f"{db_path.stem}-20240301-090000.db" in text and "harian-20261201" not in text
        await pilot.press("h")
        await wait_screen(pilot, ConfirmScreen)
        assert "Anonimkan data pemohon 1 permohonan (1 warga)" in screen_text(app)
        await pilot.press("escape")  # "no": nothing changes
        await wait_screen(pilot, AdminScreen)
        assert Request.get_by_id(old.id).nik == OLD_NIK
        await pilot.press("h")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_notified(pilot, "Data pribadi 1 permohonan dan 1 warga dianonimkan.")
        await wait_text(pilot, "Tidak ada permohonan yang melewati masa simpan.")
        await pilot.press("h")
        await wait_notified(pilot, "Tidak ada permohonan yang melewati masa simpan.")
        assert pane.purging is False
    assert Request.get_by_id(old.id).nik == ""


async def test_the_period_is_changed_and_a_wrong_one_is_one_sentence(db, db_path, admin, operator):
    office_with_old_data(db_path, admin, operator)
    app = make_app(db, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_privacy(pilot)
        await pilot.press("m")
        prompt = await wait_screen(pilot, TextPrompt)
        prompt.query_one("Input").value = "tiga"
        await pilot.press("enter")
        await wait_notified(pilot, "Masa simpan harus 6-240 bulan.")
        await pilot.press("m")
        prompt = await wait_screen(pilot, TextPrompt)
        prompt.query_one("Input").value = "36"
        await pilot.press("enter")
        await wait_text(pilot, "Masa simpan data pribadi: 36 bulan")
        # Thirty-six months keep the old request and the old backup.
        await wait_text(pilot, "Tidak ada permohonan yang melewati masa simpan.")
    assert privacy.retention_months() == 36


async def test_a_citizens_data_is_saved_as_a_pdf(db, db_path, admin, operator, tmp_path):
    office_with_old_data(db_path, admin, operator)
    target = tmp_path / "siti.pdf"
    app = make_app(db, admin)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_privacy(pilot)
        await pilot.press("w")
        prompt = await wait_screen(pilot, TextPrompt)
        prompt.query_one("Input").value = OLD_NIK
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt) and app.screen is not prompt, what="path")
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await wait_notified(pilot, f"Data warga disimpan ke {target}.")
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert OLD_NIK in text and "Siti Aminah" in text
    assert date(2024, 3, 5).isoformat() in text
