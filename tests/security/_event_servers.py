"""Real loopback servers for the event apps: wsgiref (threaded) for WSGI, a minimal asyncio HTTP/1.1 runner
for ASGI (uvicorn is not a dependency). Both speak just enough HTTP: one request per connection."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadedWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextlib.contextmanager
def wsgi_server(app: Any) -> Iterator[tuple[str, int]]:
    """Serve ``app`` with wsgiref on 127.0.0.1 (a thread per request) while the block runs."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadedWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


async def _serve_asgi(app: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = [tuple(line.split(":", 1)) for line in lines[1:] if ":" in line]
    raw_headers = [(k.strip().lower().encode(), v.strip().encode("latin-1")) for k, v in headers]
    length_text = dict(raw_headers).get(b"content-length", b"0").decode()
    length = int(length_text) if length_text.isdigit() else 0
    remaining = length
    response: dict[str, Any] = {"status": None, "body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal remaining
        if remaining <= 0:
            return {"type": "http.request", "body": b"", "more_body": False}
        chunk = await reader.read(min(65536, remaining))
        if not chunk:
            return {"type": "http.disconnect"}
        remaining -= len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": remaining > 0}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            response["headers"] = message.get("headers", [])
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")
            if not message.get("more_body", False):
                status = response["status"]
                out = [f"HTTP/1.1 {status} X".encode()]
                out += [k + b": " + v for k, v in response["headers"]]
                out += [b"Connection: close", b"", response["body"]]
                writer.write(b"\r\n".join(out))
                await writer.drain()
                writer.close()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "path": path,
        "headers": raw_headers,
    }
    try:
        await app(scope, receive, send)
    finally:
        if not writer.is_closing():
            writer.close()


@contextlib.contextmanager
def asgi_server(app: Any) -> Iterator[tuple[str, int]]:
    """Serve ``app`` on 127.0.0.1 from an asyncio loop in a thread while the block runs."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    async def main() -> None:
        server = await asyncio.start_server(lambda r, w: _serve_asgi(app, r, w), "127.0.0.1", 0)
        holder["server"] = server
        holder["port"] = server.sockets[0].getsockname()[1]
        holder["stopped"] = asyncio.Event()
        ready.set()
        await holder["stopped"].wait()

    async def stop() -> None:
        holder["server"].close()
        others = [
            t for t in asyncio.all_tasks() if t is not asyncio.current_task() and t is not holder["main"]
        ]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        holder["stopped"].set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder["main"] = loop.create_task(main())
        loop.run_until_complete(holder["main"])

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield "127.0.0.1", holder["port"]
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        thread.join(10)
        loop.close()


def post_raw(address: tuple[str, int], request: bytes, *, timeout: float = 20.0) -> tuple[int, bytes]:
    """Send raw request bytes; the status code and body of the answer (0 when the server closed)."""
    with socket.create_connection(address, timeout=timeout) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(request)
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    if not data.startswith(b"HTTP/"):
        return 0, data
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def post(
    address: tuple[str, int], body: bytes, *, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """POST ``body`` form-encoded to ``/`` with a correct Content-Length (unless ``headers`` set one)."""
    all_headers = {"Host": "localhost", "Content-Type": "application/x-www-form-urlencoded"}
    all_headers["Content-Length"] = str(len(body))
    all_headers.update(headers or {})
    head = "".join(f"{k}: {v}\r\n" for k, v in all_headers.items())
    return post_raw(address, f"POST / HTTP/1.1\r\n{head}\r\n".encode() + body)
