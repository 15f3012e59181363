"""Notifications at the desk, at 80x24: at most two at a time, a newer one of the same kind
replaces the older, and they stand above the keys instead of covering them."""

from __future__ import annotations

from textual.widgets._toast import Toast

from tests.pilot import at_home, make_app, screen_text, settle, wait_for
from tests.test_queue_screen import (  # noqa: F401 - fixed_clock and office_ready are fixtures
    fixed_clock,
    office_ready,
    open_queue,
)


def toasts(app) -> list[str]:
    """The notifications drawn on the active screen, oldest first."""
    return [str(toast._notification.message) for toast in app.screen.query(Toast)]


async def test_five_notifications_leave_two_and_a_repeated_one_replaces_its_kind(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_home(pilot)
        for number in range(1, 6):
            app.notify(f"Nomor A-00{number} diambil.")
        await settle(pilot)
        await wait_for(pilot, lambda: toasts(app) == ["Nomor A-004 diambil.", "Nomor A-005 diambil."],
                       what="the last two notifications")
        assert len(app._notifications) == 2

        # The same sentence again: one toast, not two.
        app.notify("Nomor A-005 diambil.")
        await settle(pilot)
        await wait_for(pilot, lambda: toasts(app) == ["Nomor A-004 diambil.", "Nomor A-005 diambil."],
                       what="the repeated notification in place of the first")
        assert len(app._notifications) == 2

        # A newer one with the same title (the same printer problem) replaces the older.
        app.notify("Printer struk tidak menjawab.", title="Tiket belum tercetak", severity="error")
        app.notify("Printer struk kehabisan kertas.", title="Tiket belum tercetak", severity="error")
        await settle(pilot)
        await wait_for(pilot, lambda: toasts(app) == ["Nomor A-005 diambil.", "Printer struk kehabisan kertas."],
                       what="one printer notification")

        # An error outlasts newer information: the information leaves first.
        app.notify("Nomor A-006 diambil.")
        await settle(pilot)
        await wait_for(pilot, lambda: sorted(toasts(app)) == ["Nomor A-006 diambil.", "Printer struk kehabisan kertas."],
                       what="the error kept")


async def test_notifications_leave_the_keys_of_the_queue_readable(office_ready, operator):
    app = make_app(office_ready, operator)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_queue(pilot)
        keys_before = screen_text(app).split("\n")[-4:]
        assert any("Panggil berikut" in line for line in keys_before)
        for sentence in ("Nomor mendesak untuk layanan Perekaman KTP-el hanya dapat diberikan oleh supervisor.",
                         "Printer struk tidak menjawab; tiket A-001 dapat dicetak ulang dengan p.",
                         "Nomor A-002 (Cetak KTP-el) diambil; tidak ada yang di depannya."):
            app.notify(sentence, severity="warning")
        await settle(pilot)
        await wait_for(pilot, lambda: len(toasts(app)) == 2, what="two toasts")
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "Nomor A-002 (Cetak KTP-el) diambil" in text
        assert text.split("\n")[-4:] == keys_before  # the keys are not covered
