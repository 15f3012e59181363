"""The reports (rekap) screen and its dialogs."""
