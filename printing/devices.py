"""Receipt printer connections: ESC/POS bytes delivered to a network, USB, serial, device-file,
CUPS or file printer within one short timeout, and the printer's status where the connection
can tell it.

Documents are rendered into bytes first (python-escpos `Dummy`, see printing.receipt) and sent
here with our own timeouts, because python-escpos's own connections block without limit when a
printer accepts a connection and then stops reading. The rule everywhere: a printer that makes
no progress for `settings.timeout` seconds has failed.
"""

from __future__ import annotations

import errno
import os
import select
import shutil
import socket
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from printing.errors import PrinterError, _
from printing.settings import PrinterSettings

# Real-time status requests (DLE EOT n); a printer answers them as soon as they arrive, so the
# answer to one sent after a document also proves the document reached the printer.
STATUS_PRINTER = b"\x10\x04\x01"
STATUS_OFFLINE_CAUSE = b"\x10\x04\x02"
STATUS_PAPER = b"\x10\x04\x04"

_CHUNK = 4096
_POLL = 0.1

# Linux parallel/USB printer ioctl and its status bits (linux/lp.h).
_LPGETSTATUS = 0x060B
_LP_POUTPA = 0x20  # paper out
_LP_PSELECD = 0x10  # selected (online)
_LP_PERRORP = 0x08  # no error (active low)


class NoStatusAnswer(PrinterError):
    """A status request the printer never answered (it may still take documents)."""


@dataclass(frozen=True)
class Delivery:
    """How a document went out: `status_answered` is True when the printer answered its status
    questions, False when it stayed silent (the document was sent all the same), None when it
    was not asked (a connection without status questions, or `status = false`)."""

    status_answered: bool | None = None


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer says about itself; None where the connection cannot tell."""

    online: bool | None
    paper: str | None  # "ok" | "low" | "out"
    message: str


# --- names in messages ----------------------------------------------------------------------


def printer_label(name: str) -> str:
    """'Printer struk' for the receipt section, 'Printer A4' for a4, 'Printer NAME' otherwise."""
    if name == "receipt":
        return _("Printer struk")
    if name == "a4":
        return _("Printer A4")
    return _("Printer {name}").format(name=name)


def device_label(settings: PrinterSettings) -> str:
    """Where the printer is: '192.168.1.50:9100', 'USB 0416:5011', '/dev/usb/lp0' ..."""
    kind = settings.kind
    if kind == "network":
        return f"{settings.host}:{settings.port}"
    if kind == "usb":
        return f"USB {settings.vendor_id:04x}:{settings.product_id:04x}"
    if kind in ("serial", "device"):
        return settings.device
    if kind == "cups":
        return _("antrean CUPS {queue}").format(queue=settings.queue)
    return settings.path


def describe(settings: PrinterSettings) -> str:
    """'Printer struk (192.168.1.50:9100)', the name every printing message starts with."""
    return f"{printer_label(settings.name)} ({device_label(settings)})"


def _seconds(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")  # Indonesian decimal comma


def _no_answer(settings: PrinterSettings, error: type[PrinterError] = PrinterError) -> PrinterError:
    return error(_("{printer} tidak menjawab dalam {n} detik.").format(
        printer=describe(settings), n=_seconds(settings.timeout)))


_ERRNO_REASONS = {
    errno.ECONNREFUSED: "menolak sambungan; pastikan printer menyala dan alamat serta port-nya benar",
    errno.EHOSTUNREACH: "tidak terjangkau di jaringan",
    errno.ENETUNREACH: "tidak terjangkau di jaringan",
    errno.ECONNRESET: "memutus sambungan",
    errno.EPIPE: "memutus sambungan",
    errno.ENOENT: "tidak ada; periksa kabel dan nama perangkatnya",
    errno.ENODEV: "tidak terhubung",
    errno.ENXIO: "tidak terhubung",
    errno.EACCES: "tidak boleh dipakai oleh akun ini; periksa izin perangkat (grup lp atau aturan udev)",
    errno.EPERM: "tidak boleh dipakai oleh akun ini; periksa izin perangkat (grup lp atau aturan udev)",
    errno.EBUSY: "sedang dipakai program lain",
    errno.ENOSPC: "tidak dapat ditulis karena disk penuh",
    errno.EISDIR: "adalah folder, bukan berkas",
}


def _os_error(settings: PrinterSettings, exc: OSError) -> PrinterError:
    """One sentence for an operating-system error on the printer's connection."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return _no_answer(settings)
    if isinstance(exc, socket.gaierror):
        return PrinterError(_("{printer}: alamat {host} tidak dikenal.").format(
            printer=describe(settings), host=settings.host))
    reason = _ERRNO_REASONS.get(exc.errno or 0)
    if reason:
        return PrinterError(f"{describe(settings)} {_(reason)}.")
    detail = exc.strerror or str(exc) or type(exc).__name__
    return PrinterError(_("{printer} tidak dapat dipakai: {error}.").format(printer=describe(settings), error=detail))


# --- python-escpos objects ------------------------------------------------------------------


def make_dummy(settings: PrinterSettings):
    """A python-escpos Dummy with the configured profile, to render a document into bytes."""
    from escpos.printer import Dummy

    try:
        return Dummy(profile=settings.profile or None)
    except (KeyError, ValueError):
        raise PrinterError(_("{printer}: profil '{profile}' tidak dikenal python-escpos.").format(
            printer=describe(settings), profile=settings.profile)) from None


def escpos_printer(settings: PrinterSettings):
    """The python-escpos connection object for these settings (kind -> class), not yet opened.

    python-escpos's own configuration loader cannot select its CUPS/LP classes, hence this map.
    `send` uses it for USB, where python-escpos detaches the kernel driver; the other kinds are
    sent by this module with its own timeouts. Note that escpos's `File` truncates the file on
    open, whereas `send` appends to it.
    """
    from escpos import printer as escpos

    profile = settings.profile or None
    kind = settings.kind
    if kind == "network":
        return escpos.Network(settings.host, settings.port, timeout=settings.timeout, profile=profile)
    if kind == "usb":
        # pyusb counts its timeout in milliseconds
        return escpos.Usb(settings.vendor_id, settings.product_id, timeout=int(settings.timeout * 1000), profile=profile)
    if kind == "serial":
        return escpos.Serial(settings.device, baudrate=settings.baudrate, timeout=settings.timeout, profile=profile)
    if kind == "device":
        return escpos.File(settings.device, profile=profile)
    if kind == "file":
        return escpos.File(str(Path(settings.path).expanduser()), profile=profile)
    if kind == "cups":
        if escpos.CupsPrinter.is_usable():
            return escpos.CupsPrinter(settings.queue, profile=profile)
        return escpos.LP(settings.queue, profile=profile)
    raise PrinterError(_("{printer}: jenis sambungan '{kind}' tidak dapat mencetak struk.").format(
        printer=describe(settings), kind=kind))


# --- sending --------------------------------------------------------------------------------


def send(settings: PrinterSettings, data: bytes) -> Delivery:
    """Deliver ESC/POS bytes to the configured printer; raise PrinterError with one sentence.

    Never waits longer than `settings.timeout` seconds for a printer that makes no progress. A
    network printer is asked for its status first (unless `settings.status` is false) and
    refused only when it answers "offline" or "paper out"; one that does not answer is printed
    on all the same, and the returned `Delivery` says so, for the caller to stop asking it.
    """
    kind = settings.kind
    if kind == "network":
        return _send_network(settings, data)
    if kind == "file":
        _send_file(settings, data)
    elif kind == "device":
        _send_device(settings, data)
    elif kind == "serial":
        _send_serial(settings, data)
    elif kind == "usb":
        _send_usb(settings, data)
    elif kind == "cups":
        _send_cups(settings, data)
    else:
        raise PrinterError(_("{printer}: jenis sambungan '{kind}' tidak dapat mencetak struk.").format(
            printer=describe(settings), kind=kind))
    return Delivery()


def _send_file(settings: PrinterSettings, data: bytes) -> None:
    path = Path(settings.path).expanduser()
    try:
        with open(path, "ab") as handle:
            handle.write(data)
            handle.flush()
    except OSError as exc:
        raise _os_error(settings, exc) from None


def _connect(settings: PrinterSettings) -> socket.socket:
    try:
        sock = socket.create_connection((settings.host, settings.port), timeout=settings.timeout)
    except OSError as exc:
        raise _os_error(settings, exc) from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _unsent(sock: socket.socket) -> int | None:
    """Bytes still queued in the socket (Linux SIOCOUTQ), to tell a slow printer from a dead one."""
    try:
        import fcntl
        import termios

        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
        return struct.unpack("i", raw)[0]
    except (ImportError, AttributeError, OSError):
        return None


def _ask(sock: socket.socket, settings: PrinterSettings, request: bytes, *, patience: float | None = None) -> int:
    """Send a real-time status request and return the printer's status byte.

    The wait is extended while queued bytes still drain towards the printer: a printer printing
    a long slip answers late but makes progress, a dead one does not.
    """
    sock.settimeout(settings.timeout)
    sock.sendall(request)
    limit = settings.timeout if patience is None else patience
    deadline = time.monotonic() + limit
    queued = _unsent(sock)
    while True:
        now = time.monotonic()
        if now >= deadline:
            left = _unsent(sock)
            if left is not None and queued is not None and left < queued:
                queued = left
                deadline = now + settings.timeout
                continue
            raise _no_answer(settings, NoStatusAnswer)
        ready, _w, _x = select.select([sock], [], [], min(_POLL, deadline - now))
        if not ready:
            continue
        answer = sock.recv(64)
        if not answer:
            raise PrinterError(_("{printer} memutus sambungan sebelum menjawab.").format(printer=describe(settings)))
        return answer[-1]


def _is_status_byte(value: int) -> bool:
    # ESC/POS status bytes have bits 1 and 4 set and bits 0 and 7 clear
    return value & 0x93 == 0x12


def _paper_from(value: int) -> str | None:
    if not _is_status_byte(value):
        return None
    if value & 0x60:
        return "out"
    if value & 0x0C:
        return "low"
    return "ok"


def _online_from(value: int) -> bool | None:
    if not _is_status_byte(value):
        return None
    return not value & 0x08


def _network_status(sock: socket.socket, settings: PrinterSettings) -> PrinterStatus:
    online = _online_from(_ask(sock, settings, STATUS_PRINTER))
    paper = _paper_from(_ask(sock, settings, STATUS_PAPER))
    cover_open = False
    if online is False and paper != "out":
        cause = _ask(sock, settings, STATUS_OFFLINE_CAUSE)
        cover_open = _is_status_byte(cause) and bool(cause & 0x04)
    return _status(settings, online, paper, cover_open=cover_open)


def _status(settings: PrinterSettings, online: bool | None, paper: str | None, *, cover_open: bool = False) -> PrinterStatus:
    printer = describe(settings)
    if paper == "out":
        message = _("{printer} kehabisan kertas; isi kertas lalu cetak ulang.").format(printer=printer)
    elif cover_open:
        message = _("{printer}: penutupnya terbuka; tutup lalu cetak ulang.").format(printer=printer)
    elif online is False:
        message = _("{printer} sedang tidak siap (offline); periksa lampu galat dan kertasnya.").format(printer=printer)
    elif paper == "low":
        message = _("{printer} siap, tetapi kertasnya hampir habis.").format(printer=printer)
    elif online is None and paper is None:
        message = _("{printer}: status tidak dapat diketahui lewat sambungan ini.").format(printer=printer)
    else:
        message = _("{printer} siap.").format(printer=printer)
    return PrinterStatus(online, paper, message)


def _refuse_unless_ready(status: PrinterStatus) -> None:
    if status.paper == "out" or status.online is False:
        raise PrinterError(status.message)


def _drain(sock: socket.socket, settings: PrinterSettings) -> None:
    """Wait until the printer's side has taken every byte sent (the socket's send queue is
    empty): without a status answer, the only sign that the document reached the printer. The
    wait is extended while the queue shrinks; where the queue cannot be read, nothing is waited."""
    queued = _unsent(sock)
    deadline = time.monotonic() + settings.timeout
    while queued:
        time.sleep(_POLL / 4)
        left = _unsent(sock)
        if left is None:
            return
        now = time.monotonic()
        if left < queued:
            deadline = now + settings.timeout
        elif now >= deadline:
            raise _no_answer(settings)
        queued = left


def _send_network(settings: PrinterSettings, data: bytes) -> Delivery:
    answered: bool | None = None  # `status = false`: never asked (a printer known to stay silent)
    sock = _connect(settings)
    try:
        if settings.status:
            # asked first so nothing is queued on a printer without paper, to print later by surprise;
            # only a real answer refuses: silence means a printer that does not do status questions
            try:
                ready = _network_status(sock, settings)
            except NoStatusAnswer:
                answered = False
            else:
                answered = True
                _refuse_unless_ready(ready)
        # each send() waits at most `timeout` for room: a slow printer that keeps reading passes
        sock.settimeout(settings.timeout)
        view = memoryview(data)
        while view:
            sent = sock.send(view[:_CHUNK])
            view = view[sent:]
        if answered:
            # its answer to a question sent after the document proves the document got there
            patience = settings.timeout if _unsent(sock) is not None else settings.timeout + len(data) / 1000
            _ask(sock, settings, STATUS_PRINTER, patience=patience)
        else:
            _drain(sock, settings)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    except PrinterError:
        raise
    except OSError as exc:
        raise _os_error(settings, exc) from None
    finally:
        sock.close()
    return Delivery(status_answered=answered)


def _lp_status(fd: int) -> int | None:
    """The LPGETSTATUS byte of a Linux lp/usblp device, None when the file is no such device."""
    try:
        import fcntl

        raw = fcntl.ioctl(fd, _LPGETSTATUS, struct.pack("i", 0))
        return struct.unpack("i", raw)[0]
    except (ImportError, OSError):
        return None


def _device_status(settings: PrinterSettings, value: int | None) -> PrinterStatus:
    if value is None:
        return _status(settings, None, None)
    paper = "out" if value & _LP_POUTPA else "ok"
    online = bool(value & _LP_PSELECD) and bool(value & _LP_PERRORP)
    return _status(settings, online, paper)


def _send_device(settings: PrinterSettings, data: bytes) -> None:
    try:
        # non-blocking: usblp blocks a plain write forever while the printer is off or out of paper;
        # append: a regular file named as the device is added to, never overwritten
        fd = os.open(settings.device, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _os_error(settings, exc) from None
    try:
        status = _lp_status(fd)
        if status is not None and status & _LP_POUTPA:
            raise PrinterError(_device_status(settings, status).message)
        view = memoryview(data)
        while view:
            _r, writable, _x = select.select([], [fd], [], settings.timeout)
            if not writable:
                raise _no_answer(settings)
            try:
                written = os.write(fd, view[:_CHUNK])
            except BlockingIOError:
                continue
            view = view[written:]
    except PrinterError:
        raise
    except OSError as exc:
        raise _os_error(settings, exc) from None
    finally:
        os.close(fd)


def _send_serial(settings: PrinterSettings, data: bytes) -> None:
    try:
        import serial
    except ImportError:
        raise PrinterError(_("{printer}: paket pyserial belum terpasang (pip install pyserial).").format(
            printer=describe(settings))) from None
    try:
        port = serial.Serial(
            port=settings.device,
            baudrate=settings.baudrate,
            timeout=settings.timeout,
            write_timeout=settings.timeout,
        )
    except serial.SerialException as exc:
        cause = exc if isinstance(exc, OSError) else OSError(getattr(exc, "errno", None), str(exc))
        raise _os_error(settings, cause) from None
    except ValueError as exc:
        raise PrinterError(_("{printer}: pengaturan port serial salah ({error}).").format(
            printer=describe(settings), error=exc)) from None
    try:
        # small pieces so write_timeout measures progress, not the whole document
        for start in range(0, len(data), 512):
            port.write(data[start:start + 512])
    except serial.SerialTimeoutException:
        raise _no_answer(settings) from None
    except (serial.SerialException, OSError) as exc:
        raise PrinterError(_("{printer} tidak dapat dipakai: {error}.").format(printer=describe(settings), error=exc)) from None
    finally:
        port.close()


def _send_usb(settings: PrinterSettings, data: bytes) -> None:
    from escpos.exceptions import DeviceNotFoundError

    try:
        printer = escpos_printer(settings)
        printer.open()
    except RuntimeError:
        raise PrinterError(_("{printer}: paket pyusb belum terpasang (pip install pyusb).").format(
            printer=describe(settings))) from None
    except DeviceNotFoundError:
        raise PrinterError(_("{printer} tidak ditemukan; periksa kabel USB, daya printer dan aturan udev.").format(
            printer=describe(settings))) from None
    try:
        device = printer.device
        for start in range(0, len(data), _CHUNK):
            device.write(printer.out_ep, data[start:start + _CHUNK], printer.timeout)
    except Exception as exc:  # pyusb raises USBError/USBTimeoutError, only importable with pyusb
        if "timeout" in type(exc).__name__.lower() or getattr(exc, "errno", None) == errno.ETIMEDOUT:
            raise _no_answer(settings) from None
        raise PrinterError(_("{printer} tidak dapat dipakai: {error}.").format(printer=describe(settings), error=exc)) from None
    finally:
        try:
            printer.close()
        except Exception:
            pass


def _send_cups(settings: PrinterSettings, data: bytes) -> None:
    lp = shutil.which("lp")
    if lp is None:
        raise PrinterError(_("{printer}: perintah lp tidak ada; pasang CUPS (paket cups-client).").format(
            printer=describe(settings)))
    try:
        result = subprocess.run(
            [lp, "-d", settings.queue, "-o", "raw", "-t", "tui-kecamatan"],
            input=data,
            capture_output=True,
            timeout=settings.timeout,
        )
    except subprocess.TimeoutExpired:
        raise _no_answer(settings) from None
    except OSError as exc:
        raise _os_error(settings, exc) from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"lp exit {result.returncode}"
        raise PrinterError(_("{printer} menolak pekerjaan cetak: {error}.").format(
            printer=describe(settings), error=detail.rstrip(".")))


# --- status ---------------------------------------------------------------------------------


def query_status(settings: PrinterSettings) -> PrinterStatus:
    """Ask the printer whether it is online and has paper; never raises.

    Network printers answer ESC/POS real-time status requests; /dev/usb/lp* devices report
    through the lp ioctl; CUPS queues through lpstat; a file is 'online' when it can be written.
    Serial and USB connections report the status as unknown.
    """
    try:
        if settings.kind == "network":
            sock = _connect(settings)
            try:
                return _network_status(sock, settings)
            except OSError as exc:
                raise _os_error(settings, exc) from None
            finally:
                sock.close()
        if settings.kind == "device":
            try:
                fd = os.open(settings.device, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
            except OSError as exc:
                raise _os_error(settings, exc) from None
            try:
                return _device_status(settings, _lp_status(fd))
            finally:
                os.close(fd)
        if settings.kind == "cups":
            return _cups_status(settings)
        if settings.kind == "file":
            path = Path(settings.path).expanduser()
            target = path if path.exists() else path.parent
            if os.access(target, os.W_OK) and not path.is_dir():
                return _status(settings, True, None)
            raise _os_error(settings, OSError(errno.EACCES, os.strerror(errno.EACCES)))
        return _status(settings, None, None)
    except PrinterError as exc:
        return PrinterStatus(False, None, str(exc))


def _cups_status(settings: PrinterSettings) -> PrinterStatus:
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        raise PrinterError(_("{printer}: perintah lpstat tidak ada; pasang CUPS (paket cups-client).").format(
            printer=describe(settings)))
    try:
        result = subprocess.run([lpstat, "-p", settings.queue], capture_output=True, timeout=settings.timeout,
                                env={**os.environ, "LC_ALL": "C"})
    except subprocess.TimeoutExpired:
        raise _no_answer(settings) from None
    text = result.stdout.decode("utf-8", "replace").lower()
    if result.returncode != 0 or not text:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrinterError(_("{printer} tidak dikenal CUPS: {error}.").format(
            printer=describe(settings), error=(lines[-1] if lines else "lpstat").rstrip(".")))
    return _status(settings, "disabled" not in text, None)
