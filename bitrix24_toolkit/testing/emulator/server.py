"""A real threaded HTTP server on loopback that feeds every request to :meth:`Emulator.respond`.

Faults behave as on a network: ``reset`` closes the socket without an answer, ``timeout`` holds the
connection for ``faults.delay`` seconds and then closes it (the call has been applied).

Users run it in their CI, often beside other services, so it defends itself as a front server does: a body
over ``max_body`` is refused with 413 before it is read, a missing, malformed or negative ``Content-Length``
with 400 (chunked bodies are read up to the same limit), a client that sends nothing for ``idle_timeout``
seconds is disconnected, and beyond ``max_connections`` open connections a new one gets 503 at once instead of
a thread. Bodies are decoded outside the portal lock (:meth:`Emulator.respond`), so a slow decode holds up no
other request.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from .portal import Emulator

log = logging.getLogger("bitrix24_toolkit.testing.emulator")

__all__ = ["IDLE_TIMEOUT", "MAX_BODY", "MAX_CONNECTIONS", "MIN_RATE", "serve"]

#: the largest request body accepted (bytes); Bitrix24 cloud portals refuse far smaller uploads
MAX_BODY = 32 * 1024 * 1024
#: seconds a connection may stay silent (while sending a request, or idle between keep-alive requests)
IDLE_TIMEOUT = 30.0
#: open connections served at once; more get 503 at once
MAX_CONNECTIONS = 256

_DIGITS = re.compile(r"[0-9]{1,20}")


#: slowest body upload accepted, bytes per second, on top of ``idle_timeout`` (a trickling client is dropped)
MIN_RATE = 16 * 1024


class _DeadlineReader(io.RawIOBase):
    """The connection's bytes, each read bounded by ``idle_timeout`` and by the request's deadline: a
    client trickling a byte now and then (slowloris) is cut off when its time is up, not only when silent."""

    def __init__(self, sock: socket.socket, idle_timeout: float) -> None:
        self.sock = sock
        self.idle_timeout = idle_timeout
        self.deadline = time.monotonic() + idle_timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("request deadline passed")
        self.sock.settimeout(min(self.idle_timeout, remaining))
        return self.sock.recv_into(buffer)


class _BodyError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _nginx_page(status: int, reason: str) -> bytes:
    title = f"{status} {reason}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode("ascii")


def _busy_response() -> bytes:
    page = _nginx_page(503, "Service Temporarily Unavailable")
    head = (
        "HTTP/1.1 503 Service Temporarily Unavailable\r\nServer: nginx\r\nContent-Type: text/html\r\n"
        f"Content-Length: {len(page)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + page


def _handler_class(emu: Emulator, max_body: int, idle_timeout: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""
        timeout = idle_timeout  # socket timeout: a silent client is dropped (StreamRequestHandler.setup)

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: tests and the CLI own stdout/stderr."""

        def setup(self) -> None:
            super().setup()
            self.rfile.close()  # the plain file of StreamRequestHandler; the socket stays open
            self._reader = _DeadlineReader(self.connection, idle_timeout)
            self.rfile = io.BufferedReader(self._reader)

        def handle_one_request(self) -> None:
            # the request line and headers (and the wait for them on a kept-alive connection) get idle_timeout
            self._reader.deadline = time.monotonic() + idle_timeout
            try:
                super().handle_one_request()
            except (OSError, ValueError):  # client gone, deadline passed, or garbage: close quietly
                self.close_connection = True

        def handle_expect_100(self) -> bool:
            try:
                self._check_length()
            except _BodyError as exc:
                self._refuse(exc.status, exc.reason)
                return False
            return super().handle_expect_100()

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _refuse(self, status: int, reason: str) -> None:
            page = _nginx_page(status, reason)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.send_response(status, reason)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(page)

        def _read_exactly(self, size: int) -> bytes:
            data = self.rfile.read(size)
            if len(data) != size:
                raise _BodyError(400, "Bad Request")  # the client closed before sending its whole body
            return data

        def _read_chunked(self) -> bytes:
            parts: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(1024)
                size_text = line.split(b";", 1)[0].strip()
                if not line.endswith(b"\n") or not re.fullmatch(rb"[0-9A-Fa-f]{1,16}", size_text):
                    raise _BodyError(400, "Bad Request")
                size = int(size_text, 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                total += size
                if total > max_body:
                    raise _BodyError(413, "Request Entity Too Large")
                parts.append(self._read_exactly(size))
                if self.rfile.readline(4) not in (b"\r\n", b"\n"):
                    raise _BodyError(400, "Bad Request")

        def _check_length(self) -> int | None:
            """The declared body length (None: chunked), refused when unusable or over the limit."""
            coding = (self.headers.get("Transfer-Encoding") or "").strip().lower()
            if coding:
                if coding != "chunked":
                    raise _BodyError(501, "Not Implemented")  # its body would be read as the next request
                return None
            lengths = self.headers.get_all("Content-Length") or []
            if not lengths:
                return 0
            if len(set(lengths)) != 1 or not _DIGITS.fullmatch(lengths[0].strip()):
                raise _BodyError(400, "Bad Request")
            length = int(lengths[0].strip())
            if length > max_body:
                raise _BodyError(413, "Request Entity Too Large")
            return length

        def _read_body(self) -> bytes:
            length = self._check_length()
            # the body gets its own deadline: idle_timeout plus its size at the slowest accepted rate
            size = max_body if length is None else length
            self._reader.deadline = time.monotonic() + idle_timeout + size / MIN_RATE
            if length is None:
                return self._read_chunked()
            return self._read_exactly(length) if length else b""

        def _request(self, body: bytes) -> httpx.Request | None:
            """The request as httpx sees it, or None when its target or headers are unusable."""
            target = self.path
            if not target.startswith("/"):
                parts = urlsplit(target)  # absolute form (``GET http://host/path``), as proxies send it
                if parts.scheme not in ("http", "https") or not parts.path.startswith("/"):
                    return None
                target = parts.path + (f"?{parts.query}" if parts.query else "")
            if any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in target):
                return None
            host, port = cast("tuple[str, int]", self.server.server_address)[:2]
            headers = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", "transfer-encoding", "expect")
            ]
            try:
                return httpx.Request(
                    self.command, f"http://{host}:{port}{target}", headers=headers, content=body
                )
            except (httpx.InvalidURL, ValueError, UnicodeError):
                return None

        def _serve(self) -> None:
            try:
                body = self._read_body()
            except _BodyError as exc:
                self._refuse(exc.status, exc.reason)
                return
            request = self._request(body)
            if request is None:
                self._refuse(400, "Bad Request")
                return
            reply = emu.respond(request)
            if reply.sleep > 0:
                time.sleep(reply.sleep)
            if reply.fault == "reset":
                self._drop()
                return
            if reply.fault == "timeout":
                time.sleep(emu.faults.delay if emu.faults is not None else 5.0)
                self._drop()
                return
            response = reply.response
            assert response is not None
            content = response.content
            with contextlib.suppress(OSError):  # a client gone before reading its answer is no error of ours
                self.send_response(response.status_code)
                self.send_header("Content-Type", response.headers.get("content-type", "application/json"))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of concurrent clients waits in the backlog instead of being refused

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], slots: int) -> None:
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(slots)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(_busy_response())
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """No tracebacks on stderr for what clients do; the emulator's own bugs are logged."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError | ValueError):
            log.exception("emulator HTTP server: request from %s failed", client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


@contextlib.contextmanager
def serve(
    emu: Emulator,
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    max_body: int = MAX_BODY,
    idle_timeout: float = IDLE_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> Iterator[str]:
    """Serve the emulator on ``host:port`` (0 = any free port) and yield its webhook URL."""
    if max_body < 0 or idle_timeout <= 0 or max_connections < 1:
        raise ValueError("max_body >= 0, idle_timeout > 0 and max_connections >= 1 are required")
    server = _Server((host, port), _handler_class(emu, max_body, idle_timeout), max_connections)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    try:
        yield f"http://{bound_host!s}:{bound_port}/rest/{emu.user_id}/{emu.secret}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
