"""Getting a finished PDF to paper or disk: a CUPS queue through `lp`, or a PDF file in a folder
that is never overwritten."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from printing.errors import PrinterError, _
from printing.settings import PrinterSettings
from printing.text import ascii_safe, clean_text

# Spooling a PDF through lp to cupsd takes a few seconds on an old office PC; the receipt
# printers' 3-second default would turn a busy moment into a failed print.
MIN_LP_TIMEOUT = 15.0


def deliver_pdf(settings: PrinterSettings, pdf: bytes, filename: str) -> str:
    """Send `pdf` to the A4 printer in `settings`; return what happened in a few words (cups:
    'dikirim ke A4_Kantor'; folder: the saved file's path). Raise PrinterError otherwise."""
    if settings.kind == "cups":
        return _send_lp(settings, pdf, filename)
    if settings.kind == "folder":
        return _save_in_folder(settings, pdf, filename)
    raise PrinterError(_("Printer A4 dengan kind \"{jenis}\" tidak dikenal (yang boleh: cups, folder).")
                       .format(jenis=settings.kind))


def _send_lp(settings: PrinterSettings, pdf: bytes, filename: str) -> str:
    queue = settings.queue
    if not queue:
        raise PrinterError(_("Printer A4 belum punya antrean CUPS (isi printers.a4.queue)."))
    title = _safe_stem(filename) or "dokumen"
    command = ["lp", "-d", queue, "-t", title, "-o", "media=A4"]
    if settings.copies > 1:
        command += ["-n", str(settings.copies)]
    command.append("-")  # read the document from stdin; lp ignores anything after it
    timeout = max(float(settings.timeout), MIN_LP_TIMEOUT)
    try:
        result = subprocess.run(command, input=pdf, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise PrinterError(_("Perintah lp tidak ada; pasang CUPS (cups-client).")) from None
    except subprocess.TimeoutExpired:
        raise PrinterError(_("Printer A4 ({antrean}) tidak menjawab dalam {detik} detik; periksa CUPS "
                             "dengan lpstat -p.").format(antrean=queue, detik=int(timeout))) from None
    except OSError as exc:
        raise PrinterError(_("Printer A4 ({antrean}) tidak dapat dipakai: {sebab}.")
                           .format(antrean=queue, sebab=exc.strerror or exc)) from None
    if result.returncode != 0:
        reason = _one_line(result.stderr) or _("lp keluar dengan kode {kode}").format(kode=result.returncode)
        raise PrinterError(_("Printer A4 ({antrean}) menolak pekerjaan: {sebab}.")
                           .format(antrean=queue, sebab=reason))
    job = re.search(r"request id is (\S+)", result.stdout.decode("utf-8", "replace"))
    if job:
        return _("dikirim ke {antrean} (pekerjaan {pekerjaan})").format(antrean=queue, pekerjaan=job.group(1))
    return _("dikirim ke {antrean}").format(antrean=queue)


def _save_in_folder(settings: PrinterSettings, pdf: bytes, filename: str) -> str:
    if not settings.path:
        raise PrinterError(_("Folder PDF belum diisi (printers.a4.path)."))
    folder = Path(settings.path).expanduser()
    try:
        if not folder.is_dir():
            # Documents carry names and masked NIKs: the folder is the owner's alone.
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        stem = _safe_stem(filename) or "dokumen"
        for number in range(1, 10_000):
            name = f"{stem}.pdf" if number == 1 else f"{stem}-{number}.pdf"
            target = folder / name
            try:
                # O_EXCL: an existing file, even one written a moment ago by another
                # process, is never replaced.
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            except FileExistsError:
                continue
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(pdf)
                    handle.flush()
                    os.fsync(handle.fileno())
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            return str(target)
    except OSError as exc:
        raise PrinterError(_("Folder PDF {folder} tidak dapat ditulisi: {sebab}.")
                           .format(folder=folder, sebab=exc.strerror or exc)) from None
    raise PrinterError(_("Folder PDF {folder} sudah penuh dengan berkas bernama {nama}; pindahkan "
                         "berkas lama.").format(folder=folder, nama=stem))


def _safe_stem(filename: str) -> str:
    """A file name of ASCII letters, digits, '-', '_' and '.', without folders or '.pdf'."""
    name = ascii_safe(Path(str(filename)).name).replace("?", "")
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-_")
    return name[:80]


def _one_line(raw: bytes) -> str:
    text = clean_text(raw.decode("utf-8", "replace"), 300)
    return text.rstrip(".")
