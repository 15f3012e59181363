"""Widgets shared by several screens, each with its DEFAULT_CSS: KeyBar, form rows, PlainTable."""
