"""Files the office saves for people (a PDF to send by WhatsApp, a report, a CSV, a citizen's
data): always new, readable by their owner only, and every failure one sentence."""

from __future__ import annotations

import os
from pathlib import Path

from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _


def new_file_path(path: object, suffix: str) -> Path:
    """The file a person named: `suffix` (".pdf", ".csv") added when missing, "~" their home;
    refused in one sentence when no name is given, its folder does not exist, or the file is
    already there."""
    text = str(path if path is not None else "").strip()
    if not text:
        raise InvalidInput(_("Tulis nama berkas {kind}.").format(kind=suffix.lstrip(".").upper()))
    target = Path(text).expanduser()
    if target.suffix.lower() != suffix:
        target = target.with_name(target.name + suffix)
    if not target.parent.is_dir():
        raise InvalidInput(_("Folder {folder} tidak ada.").format(folder=target.parent))
    if os.path.lexists(target):
        raise InvalidInput(_("Berkas {path} sudah ada; pilih nama lain.").format(path=target))
    return target


def write_new_file(target: Path, data: bytes) -> str:
    """Write `data` to a file that must not exist yet (O_EXCL, mode 0600); a file that could not
    be written whole is removed again. Returns its path."""
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        raise InvalidInput(_("Berkas {path} sudah ada; pilih nama lain.").format(path=target)) from None
    except OSError as exc:
        raise InvalidInput(_("Berkas {path} tidak dapat ditulis: {error}.").format(
            path=target, error=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        Path(target).unlink(missing_ok=True)
        raise InvalidInput(_("Berkas {path} tidak dapat ditulis: {error}.").format(
            path=target, error=exc.strerror or exc)) from None
    return str(target)
