"""Widgets shared by several screens, each with its DEFAULT_CSS: KeyBar, form rows, PlainTable,
the dialog frame and its button row, and the large dot-font text of the board and the kiosk."""
