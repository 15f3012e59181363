"""The app's screens by name, imported only when first opened.

To add a screen, add one line to SCREENS: the name the app and the keys use, and
"module:Class" of a screen class that takes no arguments (an `OfficeScreen` subclass for the
office screens), for example:

    "queue": "tui_kecamatan.screens.queue.queue:QueueScreen",

F2 queue, F3 intake, F4 search, F5 pickup, F6 reports and F9 admin open these names; "board"
and "kiosk" start `tui-kecamatan display` and `tui-kecamatan kiosk`. A name without a screen
says so in a sentence instead of opening anything.
"""

from __future__ import annotations

import importlib

from textual.screen import Screen

from tui_kecamatan.i18n import _

SCREENS: dict[str, str] = {
    "setup": "tui_kecamatan.screens.shell.setup:SetupScreen",
    "login": "tui_kecamatan.screens.shell.login:LoginScreen",
    "home": "tui_kecamatan.screens.shell.home:HomeScreen",
    "queue": "tui_kecamatan.screens.queue.queue:QueueScreen",
    "board": "tui_kecamatan.screens.queue.board:BoardScreen",
    "kiosk": "tui_kecamatan.screens.queue.kiosk:KioskScreen",
    "intake": "tui_kecamatan.screens.requests.intake:IntakeScreen",
    "search": "tui_kecamatan.screens.requests.search:SearchScreen",
    "pickup": "tui_kecamatan.screens.requests.pickup:PickupScreen",
    "reports": "tui_kecamatan.screens.reports.screen:ReportsScreen",
    "admin": "tui_kecamatan.screens.admin.screen:AdminScreen",
}

# Titles in the source language; `title()` translates them when asked.
TITLES: dict[str, str] = {
    "setup": "Pengaturan awal",
    "login": "Masuk",
    "home": "Layar utama",
    "queue": "Antrian",
    "intake": "Permohonan baru",
    "search": "Cari permohonan",
    "pickup": "Pengambilan dokumen",
    "reports": "Rekap",
    "admin": "Admin",
    "board": "Papan antrian",
    "kiosk": "Kiosk antrian",
}


def title(name: str) -> str:
    return _(TITLES.get(name, name))


def screen_class(name: str) -> type[Screen] | None:
    """The screen class registered under `name`, or None for a name without a screen."""
    target = SCREENS.get(name)
    if target is None:
        return None
    module_name, _sep, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)
