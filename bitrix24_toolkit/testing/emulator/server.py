"""A real threaded HTTP server on loopback that feeds every request to :meth:`Emulator.respond`.

Faults behave as on a network: ``reset`` closes the socket without an answer, ``timeout`` holds the
connection for ``faults.delay`` seconds and then closes it (the call has been applied).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, cast

import httpx

if TYPE_CHECKING:
    from .portal import Emulator

__all__ = ["serve"]


def _handler_class(emu: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: tests and the CLI own stdout/stderr."""

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            host, port = cast("tuple[str, int]", self.server.server_address)[:2]
            request = httpx.Request(
                self.command,
                f"http://{host}:{port}{self.path}",
                headers=[(k, v) for k, v in self.headers.items() if k.lower() != "host"],
                content=body,
            )
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
            self.send_response(response.status_code)
            self.send_header("Content-Type", response.headers.get("content-type", "application/json"))
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler


@contextlib.contextmanager
def serve(emu: Emulator, *, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the emulator on ``host:port`` (0 = any free port) and yield its webhook URL."""
    server = ThreadingHTTPServer((host, port), _handler_class(emu))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    try:
        yield f"http://{bound_host!s}:{bound_port}/rest/{emu.user_id}/{emu.secret}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
