"""The program's log: one file in the data folder, never the terminal.

`setup_logging()` (called by the command line's `main` before any command, and by `run_app`)
sends every `logging` record of INFO and above, and Python's warnings, to
`<data folder>/logs/tui-kecamatan.log`: rotated at LOG_BYTES with LOG_BACKUPS older files kept
(`tui-kecamatan.log.1` ... `.5`), each file mode 0600 in a folder of mode 0700, both made at
the first record (a command that logs nothing leaves no file). Nothing is ever
written to the terminal by logging, also when the log cannot be written (a read-only or full
disk): the records are dropped then.

Convention: an expected refusal is an AppError whose sentence is shown and not logged; an
unexpected exception is logged with its traceback (`log.exception(...)`) and the person sees one
sentence that says where the log is (`unexpected_sentence`). Log records name commands, job ids
and file paths, never passwords, NIKs or citizens' names.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import stat
import sys
from pathlib import Path

from tui_kecamatan.i18n import _

LOG_NAME = "tui-kecamatan.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

_handler: PrivateRotatingFileHandler | None = None
_path: Path | None = None


def default_log_folder() -> Path:
    """`logs` in the per-user data folder (the database's default folder too)."""
    from tui_kecamatan.config import default_data_dir

    return default_data_dir() / "logs"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler that creates its folder (0700) and files (0600) at the first record,
    follows a rotation done by another process (the file at its path is no longer the one it
    writes), and drops a record it cannot write instead of printing a traceback on stderr;
    `failure` then says why."""

    def __init__(self, filename, **kwargs) -> None:
        self.failure = ""
        self.previous_level = logging.NOTSET
        super().__init__(filename, delay=True, **kwargs)

    def _open(self):
        folder = os.path.dirname(self.baseFilename)
        # the data folder too is private when the log is the first to make it
        os.makedirs(os.path.dirname(folder), mode=0o700, exist_ok=True)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if stat.S_IMODE(os.stat(folder).st_mode) != 0o700:
            os.chmod(folder, 0o700)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if stat.S_IMODE(os.fstat(fd).st_mode) != 0o600:
                os.fchmod(fd, 0o600)  # a file left by an older run, or created under another umask
            return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors="backslashreplace")
        except BaseException:
            os.close(fd)
            raise

    def shouldRollover(self, record) -> bool:
        if self.stream is not None:
            try:
                same = os.path.samestat(os.stat(self.baseFilename), os.fstat(self.stream.fileno()))
            except OSError:
                same = False
            if not same:  # another process rotated the files: write to the new one
                self.stream.close()
                self.stream = self._open()
        return bool(super().shouldRollover(record))

    def emit(self, record) -> None:
        self.failure = ""
        try:
            if self.stream is None:
                self.stream = self._open()
        except OSError as exc:
            self.failure = _("catatan galat tidak dapat ditulis di {path}: {error}").format(
                path=self.baseFilename, error=exc.strerror or exc)
            return
        super().emit(record)

    def handleError(self, record) -> None:
        # A log that cannot be written must not reach the terminal; the record is lost.
        exc = sys.exc_info()[1]
        self.failure = _("catatan galat tidak dapat ditulis di {path}: {error}").format(
            path=self.baseFilename, error=getattr(exc, "strerror", None) or exc)


def setup_logging(folder: str | os.PathLike | None = None) -> Path:
    """Send logging to `folder/tui-kecamatan.log` (default: `default_log_folder()`) and return
    its path. The folder and the file are made at the first record; when they cannot be,
    `problem()` says why. Calling it again with the same folder changes nothing; with another
    folder, the log moves there."""
    global _handler, _path
    where = Path(folder) if folder is not None else default_log_folder()
    path = where / LOG_NAME
    if _handler is not None and _path == path:
        return _path
    stop_logging()
    root = logging.getLogger()
    handler = PrivateRotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    handler.previous_level = root.level
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    _handler, _path = handler, path
    return path


def stop_logging() -> None:
    """Detach and close the handler `setup_logging` added (tests; moving the log)."""
    global _handler, _path
    if _handler is not None:
        root = logging.getLogger()
        root.removeHandler(_handler)
        root.setLevel(_handler.previous_level)
        _handler.close()
    logging.captureWarnings(False)
    _handler, _path = None, None


def problem() -> str:
    """Why the last record could not be written ("" when it was)."""
    return _handler.failure if _handler is not None else ""


def where_sentence() -> str:
    """The end of a sentence saying where the details are: 'rinciannya dicatat di <path>'."""
    from tui_kecamatan.core.text import terminal_text

    if _path is None:
        return _("rinciannya tidak dicatat")
    if problem():
        return terminal_text(problem(), 300)
    return _("rinciannya dicatat di {path}").format(path=terminal_text(_path, 300))


def log_unexpected(exc: BaseException, what: str) -> None:
    """Write an unexpected exception and its traceback to the log."""
    logging.getLogger("tui_kecamatan").error("unexpected error in %s", what, exc_info=(type(exc), exc, exc.__traceback__))


def unexpected_sentence(exc: BaseException) -> str:
    """One sentence for an unexpected exception: what it said and where the traceback is."""
    from tui_kecamatan.core.text import terminal_text

    detail = terminal_text(str(exc) or _("tanpa keterangan"), 200).rstrip(".")
    return _("Terjadi kesalahan tak terduga ({error}); {where}.").format(error=detail, where=where_sentence())
