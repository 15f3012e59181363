"""Per-machine configuration: a TOML file (database path, printers, theme, idle lock, station),
with defaults from platformdirs. Office-wide settings live in the database instead."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from printing.settings import LivePrinters, PrinterSettings, SettingsError, printer_sections
from tui_kecamatan.errors import ConfigError
from tui_kecamatan.i18n import _

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

APP_NAME = "tui-kecamatan"
ENV_DB = "TUI_KECAMATAN_DB"
ENV_CONFIG = "TUI_KECAMATAN_CONFIG"

# section -> key -> (type, check, what is allowed)
_SCHEMA: dict[str, dict[str, tuple[type, str]]] = {
    "database": {"path": (str, "teks: jalur berkas basis data")},
    "ui": {
        "theme": (str, "nama tema Textual, mis. textual-dark, textual-light, ansi-dark"),
        "idle_lock_minutes": (int, "bilangan bulat 0-240 (0 = tidak pernah mengunci)"),
        "lang": (str, "id (antarmuka hanya berbahasa Indonesia)"),
        "ascii_borders": (bool, "true atau false"),
    },
    "station": {
        "counter": (int, "nomor loket komputer ini, mis. 1"),
        "timezone": (str, "zona waktu, mis. Asia/Jakarta, Asia/Makassar, Asia/Jayapura"),
    },
    "board": {"speak": (bool, "true atau false"), "bell": (bool, "true atau false")},
    "backup": {
        "folder": (str, "teks: jalur folder cadangan (bawaan: folder cadangan di samping basis data)"),
        "keep": (int, "bilangan bulat 1 atau lebih: banyaknya cadangan harian yang disimpan"),
        "min_free_mb": (int, "bilangan bulat 0 atau lebih: ruang kosong (MB) yang harus tersisa di disk "
                             "setelah cadangan dibuat"),
    },
}


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


@dataclass
class BackupSettings:
    """[backup]: the backup folder (None: "cadangan" beside the database; a relative path is taken
    from the database's folder), how many automatic daily backups are kept, and the free space
    (MB) a backup must leave on the folder's disk (core/backup.py)."""

    folder: Path | None = None
    keep: int = 14
    min_free_mb: int = 200


@dataclass
class Config:
    db_path: Path | None = None  # None: use the default data folder
    db_path_explicit: bool = False
    theme: str = "textual-dark"
    idle_lock_minutes: int = 10
    ascii_borders: bool = False
    counter: int = 1
    timezone: str = "Asia/Jakarta"
    board_speak: bool = False
    board_bell: bool = True
    printers: dict[str, PrinterSettings] = field(default_factory=dict)
    backup: BackupSettings = field(default_factory=BackupSettings)
    source: Path | None = None

    @property
    def database_path(self) -> Path:
        return self.db_path if self.db_path is not None else default_data_dir() / "kecamatan.db"


def _check(where: str, section: str, key: str, value: object) -> None:
    kind, allowed = _SCHEMA[section][key]
    if isinstance(value, str):
        _check_characters(where, f"{section}.{key}", value)
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if ok and section == "ui" and key == "idle_lock_minutes":
        ok = 0 <= value <= 240  # type: ignore[operator]
    if ok and section == "ui" and key == "lang":
        ok = value == "id"
    if ok and section == "backup" and key == "folder":
        ok = bool(str(value).strip())
    if ok and section == "backup" and key in ("keep", "min_free_mb"):
        ok = value >= (1 if key == "keep" else 0)  # type: ignore[operator]
    if ok and section == "station" and key == "timezone":
        from tui_kecamatan.core.clock import zone_for

        ok = zone_for(str(value)) is not None
    if not ok:
        raise ConfigError(_("{where}: nilai {section}.{key} salah (yang boleh: {allowed}).").format(
            where=where, section=section, key=key, allowed=allowed))


def _check_characters(where: str, key: str, value: str) -> None:
    """A text value becomes a path, a zone or a name: a control character (NUL, ESC, a newline, a
    bidi override) in it is refused, naming the key."""
    from tui_kecamatan.core.text import character_name, control_character

    found = control_character(value)
    if found is not None:
        raise ConfigError(_("{where}: nilai {key} tidak boleh berisi karakter kendali ({char}).").format(
            where=where, key=key, char=character_name(found)))


def load_config(path: str | os.PathLike | None = None, db: str | os.PathLike | None = None) -> Config:
    """Read the config file (explicit path, TUI_KECAMATAN_CONFIG, or the platform default) and
    apply the database path in order: --db, TUI_KECAMATAN_DB, the file, the data folder."""
    explicit = path is not None or bool(os.environ.get(ENV_CONFIG))
    cfg_path = Path(path or os.environ.get(ENV_CONFIG) or default_config_path()).expanduser()
    config = Config()
    data: dict = {}
    if cfg_path.exists():
        try:
            with open(cfg_path, "rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_("{where}: bukan TOML yang benar ({error}).").format(where=cfg_path, error=exc)) from None
        except OSError as exc:
            raise ConfigError(_("{where}: tidak dapat dibaca ({error}).").format(where=cfg_path, error=exc.strerror)) from None
        config.source = cfg_path
    elif explicit:
        raise ConfigError(_("Berkas konfigurasi {where} tidak ada.").format(where=cfg_path))

    where = str(cfg_path)
    for section, values in data.items():
        if section == "printers":
            try:
                config.printers = printer_sections(values, where=where)
            except SettingsError as exc:
                raise ConfigError(str(exc)) from None
            continue
        if section not in _SCHEMA or not isinstance(values, dict):
            allowed = ", ".join(sorted([*_SCHEMA, "printers"]))
            raise ConfigError(_("{where}: bagian [{section}] tidak dikenal (yang boleh: {allowed}).").format(
                where=where, section=section, allowed=allowed))
        for key, value in values.items():
            if key not in _SCHEMA[section]:
                allowed = ", ".join(sorted(_SCHEMA[section]))
                raise ConfigError(_("{where}: kunci {section}.{key} tidak dikenal (yang boleh: {allowed}).").format(
                    where=where, section=section, key=key, allowed=allowed))
            _check(where, section, key, value)

    database = data.get("database", {})
    ui = data.get("ui", {})
    station = data.get("station", {})
    board = data.get("board", {})
    config.theme = ui.get("theme", config.theme)
    config.idle_lock_minutes = ui.get("idle_lock_minutes", config.idle_lock_minutes)
    config.ascii_borders = ui.get("ascii_borders", config.ascii_borders)
    config.counter = station.get("counter", config.counter)
    config.timezone = station.get("timezone", config.timezone)
    config.board_speak = board.get("speak", config.board_speak)
    config.board_bell = board.get("bell", config.board_bell)
    backup = data.get("backup", {})
    config.backup = BackupSettings(
        folder=Path(backup["folder"]).expanduser() if "folder" in backup else None,
        keep=backup.get("keep", config.backup.keep), min_free_mb=backup.get("min_free_mb", config.backup.min_free_mb))

    # The printer sections are read again whenever the file changes: a [printers.*] section
    # fixed while the app runs is used by the next print, without a restart.
    config.printers = LivePrinters(cfg_path, config.printers)

    chosen = db or os.environ.get(ENV_DB) or database.get("path")
    if chosen:
        config.db_path = Path(chosen).expanduser()
        config.db_path_explicit = True
    return config
