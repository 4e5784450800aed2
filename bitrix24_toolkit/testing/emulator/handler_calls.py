"""POSTing a form body to a handler: an in-process WSGI or ASGI app, or a URL on the loopback interface.

Only loopback URLs (``127.0.0.1``, ``localhost``, ``::1``) are reached over HTTP: the emulator never
sends anything to the outside world.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = ["LOOPBACK", "HandlerApp", "call_app", "is_loopback", "post_loopback"]

#: an in-process WSGI ``app(environ, start_response)`` or ASGI ``await app(scope, receive, send)``
HandlerApp = Callable[..., Any]
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_FORM = "application/x-www-form-urlencoded"


def is_loopback(url: str) -> bool:
    """Whether ``url`` is an http(s) address on this machine."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in LOOPBACK


def is_asgi(app: HandlerApp) -> bool:
    """An ASGI app is a coroutine function (or an object whose ``__call__`` is one)."""
    return inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(type(app).__call__)


def call_app(app: HandlerApp, url: str, body: bytes) -> int:
    """POST ``body`` to an in-process app as if it were served at ``url``; returns the HTTP status."""
    return _call_asgi(app, url, body) if is_asgi(app) else _call_wsgi(app, url, body)


def _call_wsgi(app: HandlerApp, url: str, body: bytes) -> int:
    parts = urlsplit(url or "http://127.0.0.1/")
    https = parts.scheme == "https"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path or "/",
        "QUERY_STRING": parts.query,
        "CONTENT_TYPE": _FORM,
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": parts.hostname or "127.0.0.1",
        "SERVER_PORT": str(parts.port or (443 if https else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": parts.netloc or "127.0.0.1",
        "HTTP_USER_AGENT": "Bitrix24 Webhook Engine",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    status: list[int] = []

    def start_response(
        line: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], Any]:
        status.append(int(line.split(" ", 1)[0]))
        return lambda data: None

    result = app(environ, start_response)
    try:
        for _chunk in result:
            pass
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return status[0] if status else 500


def _call_asgi(app: HandlerApp, url: str, body: bytes) -> int:
    parts = urlsplit(url or "http://127.0.0.1/")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": parts.scheme or "http",
        "path": parts.path or "/",
        "raw_path": (parts.path or "/").encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": [(b"content-type", _FORM.encode()), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 0),
        "server": (parts.hostname or "127.0.0.1", parts.port or 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))

    asyncio.run(app(scope, receive, send))  # delivery threads have no running loop
    return status[0] if status else 500


def post_loopback(url: str, body: bytes, *, timeout: float = 10.0) -> int:
    """POST ``body`` to a loopback URL (raises ``ValueError`` for any other address)."""
    if not is_loopback(url):
        raise ValueError(f"{url} is not on the loopback interface")
    response = httpx.post(url, content=body, headers={"Content-Type": _FORM}, timeout=timeout)
    return response.status_code
