"""Printer settings from one `[printers.NAME]` section of the configuration, checked here so a
wrong value is reported with its key and what is allowed."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import MutableMapping
from dataclasses import dataclass, fields
from pathlib import Path

from printing.errors import _

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

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
    status: bool = True  # ask a network printer for its status first (false: never ask)
    timeout: float = 3.0


_TYPES = {f.name: f.type for f in fields(PrinterSettings) if f.name != "name"}
# Never in a value that becomes a path, a device, a queue or a host: controls (NUL, ESC, newline),
# format characters (bidi overrides) and line separators.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_CHARACTER_NAMES = {"\0": "NUL", "\x1b": "ESC", "\x07": "BEL", "\x7f": "DEL", "\n": "baris baru", "\r": "CR", "\t": "tab"}


def _check_characters(label: str, value: str) -> None:
    for ch in value:
        if unicodedata.category(ch) in _CONTROL_CATEGORIES:
            char = _CHARACTER_NAMES.get(ch, f"U+{ord(ch):04X}")
            raise SettingsError(_("{label}: tidak boleh berisi karakter kendali ({char}).").format(label=label, char=char))


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
        else:
            _check_characters(label, value)
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


def printer_sections(section: object, *, where: str = "config") -> dict[str, PrinterSettings]:
    """Every `[printers.NAME]` of a config file's `[printers]` table; SettingsError names the key."""
    if not isinstance(section, dict):
        raise SettingsError(_("{where}: [printers] harus berisi bagian seperti [printers.receipt].").format(where=where))
    printers: dict[str, PrinterSettings] = {}
    for name, values in section.items():
        _check_characters(_("{where}: nama bagian [printers.…]").format(where=where), name)
        if not isinstance(values, dict):
            raise SettingsError(_("{where}: printers.{name} harus berupa bagian [printers.{name}].").format(
                where=where, name=name))
        printers[name] = printer_settings(name, values, where=where)
    return printers


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


class LivePrinters(MutableMapping):
    """The `[printers.*]` sections of a config file as the file says now.

    Every lookup checks the file's modification time (one stat) and reads the file again when it
    changed, so a printer section fixed while the program runs is used by the next print. When
    the file became unreadable or wrong, the sections read last stay in use and `problem` holds
    the sentence naming the file and the key; a file that was removed means no printers.
    """

    def __init__(self, path: str | os.PathLike, sections: dict[str, PrinterSettings]) -> None:
        self.path = Path(path)
        self.problem = ""
        self._sections = dict(sections)
        self._stamp = _stamp(self.path)

    def _current(self) -> dict[str, PrinterSettings]:
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return self._sections
        self._stamp = stamp
        if stamp is None:
            self._sections, self.problem = {}, ""
            return self._sections
        where = str(self.path)
        try:
            with open(self.path, "rb") as handle:
                data = tomllib.load(handle)
            self._sections = printer_sections(data.get("printers", {}), where=where)
            self.problem = ""
        except tomllib.TOMLDecodeError as exc:
            self.problem = _("{where}: bukan TOML yang benar ({error}).").format(where=where, error=exc)
        except OSError as exc:
            self.problem = _("{where}: tidak dapat dibaca ({error}).").format(where=where, error=exc.strerror or exc)
        except SettingsError as exc:
            self.problem = str(exc)
        return self._sections

    def __getitem__(self, name: str) -> PrinterSettings:
        return self._current()[name]

    def __setitem__(self, name: str, settings: PrinterSettings) -> None:
        self._current()[name] = settings  # kept until the file changes again

    def __delitem__(self, name: str) -> None:
        del self._current()[name]

    def __iter__(self):
        return iter(dict(self._current()))

    def __len__(self) -> int:
        return len(self._current())

    def __repr__(self) -> str:
        return f"LivePrinters({str(self.path)!r}, {self._sections!r})"
