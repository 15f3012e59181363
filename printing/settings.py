"""Printer settings from one `[printers.NAME]` section of the configuration, checked here so a
wrong value is reported with its key and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass, fields

RECEIPT_KINDS = ("network", "usb", "serial", "device", "cups", "file")
A4_KINDS = ("cups", "folder")


class SettingsError(ValueError):
    """A printer section with an unknown key or a wrong value; the message names both."""


@dataclass(frozen=True)
class PrinterSettings:
    name: str = "receipt"
    kind: str = "file"
    host: str = ""
    port: int = 9100
    vendor_id: int = 0
    product_id: int = 0
    device: str = ""
    baudrate: int = 9600
    queue: str = ""
    path: str = ""
    width: int = 32
    profile: str = ""
    copies: int = 1
    qr: bool = True
    cut: bool = True
    status: bool = True  # ask a network printer for its status (turn off for printers that never answer)
    timeout: float = 3.0


_TYPES = {f.name: f.type for f in fields(PrinterSettings) if f.name != "name"}


def printer_settings(name: str, section: dict, *, where: str = "config") -> PrinterSettings:
    """Build settings for `[printers.NAME]`; raise SettingsError naming the key and what is allowed."""
    kinds = A4_KINDS if name == "a4" else RECEIPT_KINDS
    values: dict = {"name": name}
    for key, value in section.items():
        label = f"{where}: printers.{name}.{key}"
        if key not in _TYPES:
            allowed = ", ".join(sorted(_TYPES))
            raise SettingsError(f"{label}: kunci tidak dikenal (yang boleh: {allowed}).")
        kind = _TYPES[key]
        if kind in ("int", int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SettingsError(f"{label}: harus bilangan bulat positif.")
        elif kind in ("float", float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise SettingsError(f"{label}: harus angka lebih dari 0 (detik).")
            value = float(value)
        elif kind in ("bool", bool):
            if not isinstance(value, bool):
                raise SettingsError(f"{label}: harus true atau false.")
        elif not isinstance(value, str):
            raise SettingsError(f"{label}: harus teks dalam tanda kutip.")
        values[key] = value
    settings = PrinterSettings(**values)
    label = f"{where}: printers.{name}"
    if settings.kind not in kinds:
        raise SettingsError(f"{label}.kind: '{settings.kind}' tidak dikenal (yang boleh: {', '.join(kinds)}).")
    if settings.width not in (32, 42, 48, 64):
        raise SettingsError(f"{label}.width: harus 32 (58 mm) atau 48 (80 mm).")
    if settings.copies not in (1, 2):
        raise SettingsError(f"{label}.copies: harus 1 atau 2.")
    required = {
        "network": ("host",),
        "usb": ("vendor_id", "product_id"),
        "serial": ("device",),
        "device": ("device",),
        "cups": ("queue",),
        "file": ("path",),
        "folder": ("path",),
    }[settings.kind]
    for key in required:
        if not getattr(settings, key):
            raise SettingsError(f"{label}.{key}: wajib diisi untuk kind = \"{settings.kind}\".")
    return settings
