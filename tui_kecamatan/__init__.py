"""tui-kecamatan: front-desk software for an Indonesian sub-district office (kantor kecamatan)."""

__version__ = "0.1.0"
