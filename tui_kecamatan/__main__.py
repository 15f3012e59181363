"""Allows `python -m tui_kecamatan`."""

from tui_kecamatan.cli import main

raise SystemExit(main())
