"""Keys in the footer that cannot act now: pressed anyway, each says in one sentence why not (or
is not in the footer at all), on the request detail, the queue and the home screen, at 80x24."""

from __future__ import annotations

from tests.pilot import at_home, make_app, screen_text, settle, wait_for, wait_notified
from tests.test_intake_screens import new_request
from tests.test_queue_screen import (  # noqa: F401 - fixed_clock and office_ready are fixtures
    fixed_clock,
    office_ready,
    open_queue,
)
from tui_kecamatan.core import requests, tickets
from tui_kecamatan.screens.requests.detail import RequestDetailScreen
from tui_kecamatan.screens.shell.home import HomeScreen


def warnings(app) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "warning"]


async def press_and_hear(pilot, key: str, sentence: str) -> None:
    """Press `key` and wait for a notification saying `sentence`; the old ones are cleared first,
    so the sentence is the answer to this press."""
    pilot.app.clear_notifications()
    await pilot.press(key)
    await wait_notified(pilot, sentence)


async def open_detail(pilot, reg_no: str) -> RequestDetailScreen:
    await at_home(pilot)
    pilot.app.push_screen(RequestDetailScreen(reg_no))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestDetailScreen) and pilot.app.screen.detail is not None,
                   what="request detail")
    await settle(pilot)
    return pilot.app.screen


def footer(app) -> str:
    return "\n".join(screen_text(app).split("\n")[-3:])


# --- request detail ------------------------------------------------------------------------------


async def test_detail_keys_for_a_request_with_missing_documents_say_why_not(office_ready, operator):
    info = new_request(operator)
    items = requests.items_of(info.id)
    requests.save_checklist(operator, info.id, [(items[0].id, True, "")])  # the KTP-el is still missing
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        keys = footer(app)
        assert "p Proses" in keys and "s Siap diambil" in keys and "a Ambil" in keys  # shown, greyed out
        await press_and_hear(pilot, "p", f"Permohonan {info.reg_no} belum dapat diproses: 1 berkas wajib masih kurang")
        await press_and_hear(pilot, "s", "hanya permohonan yang sedang diproses yang dapat ditandai siap diambil")
        await press_and_hear(pilot, "a", "Dokumen belum siap diambil (status: Berkas kurang).")
        assert "t Tolak" not in footer(app) and "o Buka kembali" not in footer(app)  # a supervisor's keys
    assert requests.get_request(info.id).request.status == "incomplete"


async def test_detail_keys_of_a_request_being_processed_say_why_not(office_ready, operator):
    info = new_request(operator)
    requests.save_checklist(operator, info.id, [(item.id, True, "") for item in requests.items_of(info.id)])
    requests.start_processing(operator, info.id)
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_detail(pilot, info.reg_no)
        await press_and_hear(pilot, "b", "daftar periksa berkas hanya dapat diubah sebelum permohonan diproses")
        await press_and_hear(pilot, "h", "Permohonan berstatus Diproses tidak perlu dikabarkan")
        await press_and_hear(pilot, "p", "hanya permohonan dengan berkas lengkap yang dapat mulai diproses")
        await press_and_hear(pilot, "a", "Dokumen belum siap diambil (status: Diproses).")


# --- queue ---------------------------------------------------------------------------------------


async def test_queue_keys_that_cannot_act_say_why(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_queue(pilot)
        # Nothing issued and nothing called: the counter's keys and the list's keys.
        for key in ("r", "s", "n", "d"):
            await press_and_hear(pilot, key, "Belum ada nomor yang dipanggil ke loket ini; tekan F8")
        for key in ("t", "c", "p"):
            await press_and_hear(pilot, key, "Belum ada nomor antrian di daftar untuk dipilih.")

        tickets.issue_ticket(None, "KK")
        tickets.issue_ticket(None, "KK")
        await wait_for(pilot, lambda: screen.view is not None and len(screen.view.tickets) == 2, what="two waiting")
        await pilot.press("f8")
        await wait_for(pilot, lambda: screen.view.current is not None, what="B-001 called")
        await settle(pilot)
        # Called once of three: F8 does not give up on the citizen yet, and says so.
        await press_and_hear(pilot, "f8", "Nomor B-001 baru dipanggil 1 dari 3 kali: panggil ulang (r)")
        assert screen.view.current.code == "B-001" and screen.view.current.call_count == 1
        await press_and_hear(pilot, "d", "Nomor B-001 belum mulai dilayani; tekan s untuk mulai melayani.")

        await pilot.press("s")
        await wait_for(pilot, lambda: screen.view.current.status == "serving", what="B-001 served")
        await settle(pilot)
        await press_and_hear(pilot, "f8", "Nomor B-001 sedang dilayani; tekan d (Selesai)")
        for key in ("r", "n"):
            await press_and_hear(pilot, key, "Nomor B-001 sudah dilayani; tekan d bila pelayanannya selesai.")
        assert "F8 memanggil nomor antrian berikutnya di layar Antrian" not in "\n".join(warnings(app))


# --- home ----------------------------------------------------------------------------------------


async def test_function_keys_home_does_not_use_say_so(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        await press_and_hear(pilot, "f8", "F8 memanggil nomor antrian berikutnya di layar Antrian; buka layar itu dengan F2.")
        for key in ("f7", "f10", "f11"):
            await press_and_hear(pilot, key, f"Tombol {key.upper()} tidak dipakai di layar ini")
        assert isinstance(app.screen, HomeScreen)
        # The help lists what the keys do; keys that do nothing are not in it.
        await pilot.press("f1")
        await settle(pilot)
        assert "f10" not in screen_text(app)
