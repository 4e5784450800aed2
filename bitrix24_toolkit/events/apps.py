"""Ready web apps around a :class:`~.dispatcher.Dispatcher`: ASGI and WSGI, no web framework needed.

Both answer at once — ``200 OK`` for a verified payload, ``403`` for a missing or wrong application token
or endpoints that are not the calling portal's, ``400`` for a malformed payload, ``405`` for anything but
POST, ``413`` beyond ``max_body`` bytes (refused from ``Content-Length``, or while reading, before the
body is buffered) — and run your functions *after* answering, because Bitrix24 neither waits long nor
retries. Decoding is linear and bounded (``limits``, default :data:`~.payload.EVENT_LIMITS`).

- ASGI (uvicorn, hypercorn, ...): the payload is decoded and verified in a worker thread (never on the
  event loop); the work runs in the same request task once the response is sent (the server already has
  the full answer); plain functions run in a worker thread.
- WSGI (gunicorn, waitress, wsgiref, ...): the work goes to the dispatcher's thread pool
  (``Dispatcher(workers=4)``); ``app.join()`` waits for it (tests, shutdown).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import anyio.to_thread

from ..engine.redaction import SecretFilter, redact
from ..protocol.encoding import QueryLimits
from .dispatcher import Delivery, Dispatcher
from .errors import EventAuthError, EventPayloadError

__all__ = ["ASGIApp", "WSGIApp", "asgi_app", "wsgi_app"]

log = logging.getLogger(__name__)
log.addFilter(SecretFilter())  # a parent logger's filter does not see its children's records

#: the largest body accepted, bytes (event payloads are a few hundred bytes; robot requests a few KB)
MAX_BODY = 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Internal Server Error",
}
_LENGTH = re.compile(r"[0-9]{1,18}")


def _judge(
    dispatcher: Dispatcher, body: bytes, limits: QueryLimits | None
) -> tuple[int, str, Delivery | None]:
    """Status, text and delivery for a request body."""
    try:
        delivery = dispatcher.accept(body, limits=limits)
    except EventAuthError as exc:
        log.warning("payload refused (403): %s", exc)
        # one answer for every refusal: the reason (which portals have the app, which check failed) is logged,
        # never told to whoever sent the body
        return 403, "refused: the payload's application token or endpoints are not accepted", None
    except EventPayloadError as exc:
        log.warning("payload refused (400): %s", exc)
        return 400, str(exc), None
    except Exception as exc:  # a bug (ours, or in an application_token function): logged, never shown
        trace = redact("".join(traceback.format_exception(exc)))
        log.error("event payload could not be handled\n%s", trace)
        return 500, "internal error", None
    return 200, "OK", delivery


def _content_length(value: str | None, max_body: int) -> int | tuple[int, str] | None:
    """The declared length; ``(status, text)`` when it is malformed or over ``max_body``."""
    if value is None or value == "":
        return None
    if not _LENGTH.fullmatch(value.strip()):
        return 400, "bad Content-Length"
    length = int(value.strip())
    if length > max_body:
        return 413, "payload too large"
    return length


class ASGIApp:
    """An ASGI application delivering POSTed payloads to a dispatcher (see the module docstring)."""

    def __init__(
        self, dispatcher: Dispatcher, *, max_body: int = MAX_BODY, limits: QueryLimits | None = None
    ) -> None:
        self.dispatcher = dispatcher
        self.max_body = _checked_max_body(max_body)
        #: bounds of payload decoding (``None``: the dispatcher's, by default ``EVENT_LIMITS``)
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if str(scope.get("method", "")).upper() != "POST":
            await _send(send, 405, "POST only", allow=True)
            return
        declared = _content_length(_header(scope, b"content-length"), self.max_body)
        if isinstance(declared, tuple):
            await _send(send, *declared)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            if message["type"] != "http.request":
                continue
            chunk = message.get("body", b"")
            if len(body) + len(chunk) > self.max_body:
                await _send(send, 413, "payload too large")
                return
            body += chunk
            if not message.get("more_body", False):
                break
        # decoding, the token check (maybe a function of yours) and the endpoint check: off the event loop
        status, text, delivery = await anyio.to_thread.run_sync(
            _judge, self.dispatcher, bytes(body), self.limits
        )
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


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if bytes(key).lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _checked_max_body(max_body: int) -> int:
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
        raise EventPayloadError(f"max_body must be a positive number of bytes, not {max_body!r}")
    return max_body


async def _send(send: Send, status: int, text: str, *, allow: bool = False) -> None:
    body = text.encode("utf-8", "replace")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if allow:
        headers.append((b"allow", b"POST"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class WSGIApp:
    """A WSGI application delivering POSTed payloads to a dispatcher's thread pool."""

    def __init__(
        self, dispatcher: Dispatcher, *, max_body: int = MAX_BODY, limits: QueryLimits | None = None
    ) -> None:
        self.dispatcher = dispatcher
        self.max_body = _checked_max_body(max_body)
        #: bounds of payload decoding (``None``: the dispatcher's, by default ``EVENT_LIMITS``)
        self.limits = limits

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one WSGI request."""
        if str(environ.get("REQUEST_METHOD", "")).upper() != "POST":
            return _reply(start_response, 405, "POST only", allow=True)
        declared = _content_length(environ.get("CONTENT_LENGTH"), self.max_body)
        if isinstance(declared, tuple):
            return _reply(start_response, *declared)
        try:
            body = self._read(environ, declared)
        except (OSError, ValueError):
            return _reply(start_response, 400, "the body could not be read")
        if body is None:
            return _reply(start_response, 413, "payload too large")
        status, text, delivery = _judge(self.dispatcher, body, self.limits)
        if delivery is not None:
            self.dispatcher.submit(delivery)
        return _reply(start_response, status, text)

    def _read(self, environ: WSGIEnvironment, length: int | None) -> bytes | None:
        """The body (``None`` when it is over ``max_body``), never more than ``max_body + 1`` bytes."""
        stream = environ["wsgi.input"]
        if length is None:
            if not environ.get("wsgi.input_terminated"):
                return b""  # no length and a stream that may not end: nothing can be read safely
            length = self.max_body + 1
        chunks: list[bytes] = []
        size = 0
        while size < length:
            chunk = stream.read(min(65536, length - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > self.max_body:
            return None
        return b"".join(chunks)

    def join(self, timeout: float | None = None) -> bool:
        """Wait until the submitted work is done; ``False`` if the timeout expired first."""
        return self.dispatcher.join(timeout)


def _reply(start_response: StartResponse, status: int, text: str, *, allow: bool = False) -> list[bytes]:
    body = text.encode("utf-8", "replace")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    if allow:
        headers.append(("Allow", "POST"))
    start_response(f"{status} {_REASONS.get(status, '')}", headers)
    return [body]


def asgi_app(
    dispatcher: Dispatcher | None = None, *, max_body: int = MAX_BODY, limits: QueryLimits | None = None
) -> ASGIApp:
    """An ASGI app for ``dispatcher`` (default: the module-level one behind ``events.on``)."""
    from . import default_dispatcher

    chosen = dispatcher if dispatcher is not None else default_dispatcher
    return ASGIApp(chosen, max_body=max_body, limits=limits)


def wsgi_app(
    dispatcher: Dispatcher | None = None, *, max_body: int = MAX_BODY, limits: QueryLimits | None = None
) -> WSGIApp:
    """A WSGI app for ``dispatcher`` (default: the module-level one behind ``events.on``)."""
    from . import default_dispatcher

    chosen = dispatcher if dispatcher is not None else default_dispatcher
    return WSGIApp(chosen, max_body=max_body, limits=limits)
