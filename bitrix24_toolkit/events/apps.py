"""Ready web apps around a :class:`~.dispatcher.Dispatcher`: ASGI and WSGI, no web framework needed.

Both answer at once — ``200 OK`` for a verified payload, ``403`` for a missing or wrong application token,
``400`` for a malformed payload, ``405`` for anything but POST, ``413`` beyond ``max_body`` bytes — and
run your functions *after* answering, because Bitrix24 neither waits long nor retries:

- ASGI (uvicorn, hypercorn, ...): the work runs in the same request task once the response is sent (the
  server already has the full answer); plain functions run in a worker thread.
- WSGI (gunicorn, waitress, wsgiref, ...): the work goes to the dispatcher's thread pool
  (``Dispatcher(workers=4)``); ``app.join()`` waits for it (tests, shutdown).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from .dispatcher import Delivery, Dispatcher
from .errors import EventAuthError, EventPayloadError

__all__ = ["ASGIApp", "WSGIApp", "asgi_app", "wsgi_app"]

log = logging.getLogger(__name__)

#: the largest body accepted, bytes (event payloads are a few hundred bytes; robot requests a few KB)
MAX_BODY = 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed", 413: "Too Large"}


def _judge(dispatcher: Dispatcher, body: bytes) -> tuple[int, str, Delivery | None]:
    """Status, text and delivery for a request body."""
    try:
        delivery = dispatcher.accept(body)
    except EventAuthError as exc:
        log.warning("refused payload: %s", exc)
        return 403, str(exc), None
    except EventPayloadError as exc:
        log.warning("malformed payload: %s", exc)
        return 400, str(exc), None
    return 200, "OK", delivery


class ASGIApp:
    """An ASGI application delivering POSTed payloads to a dispatcher (see the module docstring)."""

    def __init__(self, dispatcher: Dispatcher, *, max_body: int = MAX_BODY) -> None:
        self.dispatcher = dispatcher
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if str(scope.get("method", "")).upper() != "POST":
            await _send(send, 405, "POST only")
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _send(send, 413, "payload too large")
                return
            if not message.get("more_body", False):
                break
        status, text, delivery = _judge(self.dispatcher, bytes(body))
        await _send(send, status, text)
        if delivery is not None:
            await delivery.arun()  # after the answer: the caller already has its 200

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _send(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class WSGIApp:
    """A WSGI application delivering POSTed payloads to a dispatcher's thread pool."""

    def __init__(self, dispatcher: Dispatcher, *, max_body: int = MAX_BODY) -> None:
        self.dispatcher = dispatcher
        self.max_body = max_body

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one WSGI request."""
        if str(environ.get("REQUEST_METHOD", "")).upper() != "POST":
            return _reply(start_response, 405, "POST only")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reply(start_response, 400, "bad Content-Length")
        if length > self.max_body:
            return _reply(start_response, 413, "payload too large")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        status, text, delivery = _judge(self.dispatcher, body)
        if delivery is not None:
            self.dispatcher.submit(delivery)
        return _reply(start_response, status, text)

    def join(self, timeout: float | None = None) -> bool:
        """Wait until the submitted work is done; ``False`` if the timeout expired first."""
        return self.dispatcher.join(timeout)


def _reply(start_response: StartResponse, status: int, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        f"{status} {_REASONS.get(status, '')}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def asgi_app(dispatcher: Dispatcher | None = None, *, max_body: int = MAX_BODY) -> ASGIApp:
    """An ASGI app for ``dispatcher`` (default: the module-level one behind ``events.on``)."""
    from . import default_dispatcher

    return ASGIApp(dispatcher if dispatcher is not None else default_dispatcher, max_body=max_body)


def wsgi_app(dispatcher: Dispatcher | None = None, *, max_body: int = MAX_BODY) -> WSGIApp:
    """A WSGI app for ``dispatcher`` (default: the module-level one behind ``events.on``)."""
    from . import default_dispatcher

    return WSGIApp(dispatcher if dispatcher is not None else default_dispatcher, max_body=max_body)
