"""A network receipt printer played by a TCP server on 127.0.0.1, and a reader for the ESC/POS
bytes it receives, for tests that check what would come out of a real printer."""

from __future__ import annotations

import select
import socket
import threading
import time

from printing.settings import PrinterSettings

MODES = ("read", "silent", "refused")

_STATUS_BASE = 0x12  # bits 1 and 4 are always set in an ESC/POS status byte


class FakePrinter:
    """A network printer on an ephemeral port of 127.0.0.1.

    Modes: "read" accepts, records every byte and answers real-time status requests (DLE EOT n)
    like an ESC/POS printer (after `answer_delay` seconds, to play a slow one); "silent" accepts
    but never reads (a tiny receive buffer, so a large send blocks) and never answers; "refused"
    keeps the port bound without listening, so a connection is refused. `set_mode("read")`
    brings a refused or silent printer back.
    The server stops by itself after `lifetime` seconds; use it as a context manager.
    """

    def __init__(self, mode: str = "read", *, paper: str = "ok", answer_status: bool = True,
                 answer_delay: float = 0.0, lifetime: float = 30.0):
        if mode not in MODES:
            raise ValueError(mode)
        self.paper = paper
        self.answer_status = answer_status
        self.answer_delay = answer_delay  # a slow printer: seconds before each status answer
        self._deadline = time.monotonic() + lifetime
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._data = bytearray()
        self._connections: list[socket.socket] = []
        self._ended = 0  # connections read to their end (the sender closed them)
        self._threads: list[threading.Thread] = []
        self._listening = False
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if mode == "silent":
            # set before listen(): accepted sockets inherit it and the window stays tiny
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        self._sock.bind(("127.0.0.1", 0))
        self.host, self.port = self._sock.getsockname()
        self.mode = mode
        if mode != "refused":
            self._listen()

    # --- control ----------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        """Switch mode for new connections: a refused printer starts listening."""
        if mode not in ("read", "silent"):
            raise ValueError(mode)
        self.mode = mode
        if not self._listening:
            self._listen()

    def settings(self, **overrides) -> PrinterSettings:
        values = dict(name="receipt", kind="network", host=self.host, port=self.port, timeout=1.0, width=32)
        values.update(overrides)
        return PrinterSettings(**values)

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._data)

    @property
    def connection_count(self) -> int:
        with self._lock:
            return len(self._connections)

    def wait_until_read(self, jobs: int = 1, timeout: float = 5.0) -> bytes:
        """Wait until `jobs` connections were accepted, closed by their sender and read to their
        end (a job sent without status questions has no answer to wait for); return all bytes."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self._ended == len(self._connections) >= jobs:
                    return bytes(self._data)
            if time.monotonic() > deadline:
                raise AssertionError("the printer was still reading a job")
            time.sleep(0.01)

    def unread(self, size: int = 64) -> bytes:
        """The first bytes waiting, unread, in a silent printer's receive buffer (peeked, so the
        buffer stays full): what the sender put on the wire first."""
        with self._lock:
            connections = list(self._connections)
        waiting = b""
        for conn in connections:
            try:
                waiting += conn.recv(size, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except (BlockingIOError, OSError):
                pass
        return waiting

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        with self._lock:
            for conn in self._connections:
                conn.close()
        self._sock.close()

    def __enter__(self) -> "FakePrinter":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- server -----------------------------------------------------------------------------

    def _alive(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _listen(self) -> None:
        self._sock.listen(8)
        self._listening = True
        self._start(self._accept_loop)

    def _start(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while self._alive():
            ready, _w, _x = select.select([self._sock], [], [], 0.05)
            if not ready:
                continue
            try:
                conn, _addr = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(conn)
            if self.mode == "read":
                self._start(self._read_loop, conn)
        self._sock.close()

    def _reply(self, request: int) -> int:
        out = self.paper == "out"
        if request == 1:
            return _STATUS_BASE | (0x08 if out else 0)  # a printer without paper goes offline
        if request == 2:
            return _STATUS_BASE | (0x20 if out else 0)
        if request == 4:
            return _STATUS_BASE | {"ok": 0, "low": 0x0C, "out": 0x60}[self.paper]
        return _STATUS_BASE

    def _read_loop(self, conn: socket.socket) -> None:
        tail = b""
        while self._alive():
            ready, _w, _x = select.select([conn], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = conn.recv(65536)
            except OSError:
                return
            if not chunk:
                with self._lock:
                    self._ended += 1
                return
            with self._lock:
                self._data += chunk
            if not self.answer_status:
                continue
            scan = tail + chunk
            start = 0
            while True:
                found = scan.find(b"\x10\x04", start)
                if found < 0 or found + 2 >= len(scan):
                    break
                if self.answer_delay:
                    self._stop.wait(self.answer_delay)
                try:
                    conn.sendall(bytes([self._reply(scan[found + 2])]))
                except OSError:
                    return
                start = found + 3
            tail = scan[max(start, len(scan) - 2):]


# --- reading ESC/POS ------------------------------------------------------------------------

_ESC_ARGS = {b"@": 0, b"a": 1, b"t": 1, b"!": 1, b"E": 1, b"d": 1, b"-": 1, b"M": 1, b"2": 0, b"3": 1, b"G": 1,
             b"{": 1, b"V": 1, b"J": 1, b"p": 3}
_GS_ARGS = {b"!": 1, b"h": 1, b"w": 1, b"f": 1, b"H": 1, b"B": 1, b"b": 1, b"L": 2, b"W": 2}


def parse_escpos(data: bytes) -> tuple[str, list[bytes]]:
    """Split ESC/POS bytes into the printed text and the list of commands (each as bytes).

    Knows the commands the receipt documents use; anything else raises ValueError so a test
    never passes over bytes it did not understand. Image and QR data are not text.
    """
    text: list[str] = []
    commands: list[bytes] = []
    for piece in _pieces(data):
        (commands if isinstance(piece, bytes) else text).append(piece)
    return "".join(text), commands


def _pieces(data: bytes):
    """Yield printed text as str and each command as bytes, in order."""
    text = bytearray()
    i = 0
    n = len(data)
    while i < n:
        byte = data[i]
        if byte == 0x1B:  # ESC
            op = data[i + 1:i + 2]
            if op not in _ESC_ARGS:
                raise ValueError(f"unknown ESC {op!r} at {i}")
            end = i + 2 + _ESC_ARGS[op]
        elif byte == 0x1D:  # GS
            op = data[i + 1:i + 2]
            if op in _GS_ARGS:
                end = i + 2 + _GS_ARGS[op]
            elif op == b"V":
                mode = data[i + 2]
                end = i + 3 + (1 if mode in (65, 66) else 0)
            elif op in (b"(",):  # GS ( k / GS ( L: pL pH then that many bytes
                length = data[i + 3] + 256 * data[i + 4]
                end = i + 5 + length
            elif op == b"v":  # GS v 0 m xL xH yL yH raster
                width = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                end = i + 8 + width * height
            elif op == b"k":  # barcode: m >= 65 has a length byte, else NUL-terminated
                kind = data[i + 2]
                if kind >= 65:
                    end = i + 4 + data[i + 3]
                else:
                    end = data.index(b"\x00", i + 3) + 1
            else:
                raise ValueError(f"unknown GS {op!r} at {i}")
        elif byte == 0x10 and data[i + 1:i + 2] == b"\x04":  # DLE EOT n status request
            end = i + 3
        elif byte == 0x0A or 32 <= byte < 127:
            text.append(byte)
            i += 1
            continue
        else:
            raise ValueError(f"unexpected byte 0x{byte:02x} at {i}")
        if text:
            yield text.decode("ascii")
            text = bytearray()
        if end > n:
            raise ValueError(f"command at {i} runs past the end")
        yield bytes(data[i:end])
        i = end
    if text:
        yield text.decode("ascii")


def printed_text(data: bytes) -> str:
    return parse_escpos(data)[0]


def printed_lines(data: bytes) -> list[tuple[str, int]]:
    """Each printed line with the columns it takes on paper (double-width characters count 2)."""
    lines: list[tuple[str, int]] = []
    current, columns, scale = "", 0, 1
    for piece in _pieces(data):
        if isinstance(piece, bytes):
            if piece == b"\x1b@":
                scale = 1
            elif piece.startswith(b"\x1b!"):
                scale = 2 if piece[2] & 0x20 else 1
            elif piece.startswith(b"\x1d!"):
                scale = (piece[2] >> 4) + 1
            continue
        for ch in piece:
            if ch == "\n":
                lines.append((current, columns))
                current, columns = "", 0
            else:
                current += ch
                columns += scale
    if current:
        lines.append((current, columns))
    return lines


def cuts(data: bytes) -> int:
    """How many paper cuts (GS V) the bytes hold."""
    return sum(1 for command in parse_escpos(data)[1] if command.startswith(b"\x1dV"))
