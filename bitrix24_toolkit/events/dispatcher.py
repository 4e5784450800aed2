"""A framework-free dispatcher: incoming event and robot payloads -> your functions, with a portal client.

::

    dispatcher = Dispatcher(application_token="5185...", webhook_url="https://portal/rest/1/secret/")

    @dispatcher.on("ONCRMDEALUPDATE")
    def deal_changed(event: Event, b24: Bitrix24) -> None:
        b24.crm.timeline.comment.add(...)

    @dispatcher.robot("inn_check")
    def check(request: RobotRequest, b24: Bitrix24) -> dict[str, Any]:
        return {"inn_valid": "Y"}           # sent back with bizproc.event.send

From any web framework: ``delivery = dispatcher.accept(body)`` parses and verifies the payload (raising
:class:`~.errors.EventAuthError` -> answer 403, :class:`~.errors.EventPayloadError` -> answer 400); answer
200 at once and run ``delivery.run()`` (or ``dispatcher.submit(delivery)`` for the thread pool, or
``await delivery.arun()``) after responding: Bitrix24 does not retry and does not wait long.

The client handed to your function is built for the calling portal: from ``auth[access_token]`` and
``auth[client_endpoint]`` when the payload carries them (an OAuth client; refreshable when ``client_id``,
``client_secret`` are configured and the payload holds a refresh token), else from the configured webhook
URL. ``async def`` functions get an :class:`~bitrix24_toolkit.AsyncBitrix24`, plain ones a
:class:`~bitrix24_toolkit.Bitrix24`.
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..client.async_client import AsyncBitrix24
from ..client.sync_client import Bitrix24
from ..engine.oauth import DEFAULT_TOKEN_URL, OAuth, OAuthTokens
from ..errors import InvalidInputError
from .errors import EventAuthError
from .payload import Event, EventAuth, ExpectedToken, decode_payload, parse_event
from .robot_reply import reply
from .robot_request import RobotRequest, is_robot_request, parse_robot_request

__all__ = ["Delivery", "Dispatcher"]

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
_PLACEHOLDER_CLIENT = ("event-handler", "no-client-secret")


@dataclass
class Delivery:
    """A verified payload and the functions it goes to; ``run()``/``arun()`` do the work."""

    dispatcher: Dispatcher
    subject: Event | RobotRequest
    handlers: list[Callable[..., Any]] = field(default_factory=list)

    @property
    def auth(self) -> EventAuth:
        """The calling portal's ``auth`` block."""
        return self.subject.auth

    def run(self) -> None:
        """Run every handler now, in this thread (``async def`` ones in a private event loop)."""
        for handler in self.handlers:
            if inspect.iscoroutinefunction(handler):
                asyncio.run(self.dispatcher._run_async(handler, self.subject))
            else:
                self.dispatcher._run_sync(handler, self.subject)

    async def arun(self) -> None:
        """Run every handler from an event loop (plain functions in a worker thread)."""
        for handler in self.handlers:
            if inspect.iscoroutinefunction(handler):
                await self.dispatcher._run_async(handler, self.subject)
            else:
                await asyncio.to_thread(self.dispatcher._run_sync, handler, self.subject)


class Dispatcher:
    """Routes event payloads by name and robot requests by code to registered functions."""

    def __init__(
        self,
        *,
        application_token: ExpectedToken | None = None,
        webhook_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str = DEFAULT_TOKEN_URL,
        client_options: Mapping[str, Any] | None = None,
        workers: int = 4,
    ) -> None:
        self._events: dict[str, list[Callable[..., Any]]] = {}
        self._robots: dict[str, Callable[..., Any]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        #: the last errors raised by handlers, as ``(what, exception)`` (they are also logged)
        self.failures: collections.deque[tuple[str, BaseException]] = collections.deque(maxlen=100)
        self.application_token: ExpectedToken | None = None
        self.webhook_url: str | None = None
        self.client_id: str | None = None
        self.client_secret: str | None = None
        self.token_url = token_url
        self.client_options: dict[str, Any] = {}
        self.workers = workers
        self.configure(
            application_token=application_token,
            webhook_url=webhook_url,
            client_id=client_id,
            client_secret=client_secret,
            client_options=client_options,
        )

    def configure(
        self,
        *,
        application_token: ExpectedToken | None = None,
        webhook_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        client_options: Mapping[str, Any] | None = None,
        workers: int | None = None,
    ) -> Dispatcher:
        """Set the given settings (``None`` keeps the current value); returns the dispatcher."""
        if application_token is not None:
            self.application_token = application_token
        if webhook_url is not None:
            self.webhook_url = webhook_url
        if client_id is not None:
            self.client_id = client_id
        if client_secret is not None:
            self.client_secret = client_secret
        if token_url is not None:
            self.token_url = token_url
        if client_options is not None:
            self.client_options = dict(client_options)
        if workers is not None:
            self.workers = workers
        return self

    # ------------------------------------------------------------------------------ registration
    def on(self, *names: str) -> Callable[[F], F]:
        """Register ``fn(event, b24)`` for events (names case-insensitive; ``"*"`` for every event)."""
        if not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise InvalidInputError("on(...) needs at least one event name", field="names")

        def register(fn: F) -> F:
            for name in names:
                self._events.setdefault(name.strip().upper(), []).append(fn)
            return fn

        return register

    def robot(self, code: str) -> Callable[[F], F]:
        """Register ``fn(request, b24)`` for robot ``code``; a returned mapping goes back as return values."""
        if not isinstance(code, str) or not code:
            raise InvalidInputError("robot(...) needs the robot's CODE", field="code")

        def register(fn: F) -> F:
            self._robots[code] = fn
            return fn

        return register

    # --------------------------------------------------------------------------------- dispatch
    def accept(self, payload: str | bytes | Mapping[str, Any]) -> Delivery:
        """Parse and verify a payload (raises on a bad one) and pick its handlers; nothing runs yet."""
        if self.application_token is None:
            raise EventAuthError(
                "the dispatcher has no application_token configured: every payload is refused"
            )
        decoded = decode_payload(payload)
        if is_robot_request(decoded):
            request = parse_robot_request(decoded, application_token=self.application_token)
            robot = self._robots.get(request.code)
            if robot is None:
                log.warning("no function is registered for robot %r", request.code)
            return Delivery(self, request, [robot] if robot is not None else [])
        event = parse_event(decoded, application_token=self.application_token)
        handlers = [*self._events.get(event.name, []), *self._events.get("*", [])]
        return Delivery(self, event, handlers)

    def dispatch(self, payload: str | bytes | Mapping[str, Any]) -> Delivery:
        """Accept a payload and run its handlers now, in this thread."""
        delivery = self.accept(payload)
        delivery.run()
        return delivery

    def submit(self, delivery: Delivery) -> Future[None]:
        """Run a delivery in the dispatcher's thread pool (``workers`` threads)."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="b24-events")
            future = self._pool.submit(delivery.run)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every submitted delivery has run; ``False`` if the timeout expired first."""
        with self._lock:
            pending = set(self._pending)
        if not pending:
            return True
        _done, not_done = wait(pending, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Wait for submitted deliveries and stop the thread pool."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    # ----------------------------------------------------------------------------------- clients
    def _oauth(self, auth: EventAuth) -> OAuth:
        assert auth.access_token is not None
        tokens = OAuthTokens(
            access_token=auth.access_token,
            refresh_token=auth.refresh_token or "",
            client_endpoint=auth.client_endpoint,
            expires_at=float(auth.expires) if auth.expires else None,
            member_id=auth.member_id or None,
            scope=auth.scope,
            user_id=auth.user_id,
        )
        client_id = self.client_id or _PLACEHOLDER_CLIENT[0]
        secret = self.client_secret or _PLACEHOLDER_CLIENT[1]
        return OAuth(client_id=client_id, client_secret=secret, tokens=tokens, token_url=self.token_url)

    def _credentials(self, auth: EventAuth) -> tuple[str | None, OAuth | None]:
        if auth.has_tokens:
            return None, self._oauth(auth)
        if self.webhook_url:
            return self.webhook_url, None
        raise InvalidInputError(
            "the payload carries no access token (outgoing webhook, or a change made by automation) and the "
            "dispatcher has no webhook_url configured: cannot build a client",
            field="webhook_url",
        )

    def client_for(self, auth: EventAuth) -> Bitrix24:
        """A :class:`~bitrix24_toolkit.Bitrix24` for the calling portal (payload tokens, else the webhook)."""
        url, oauth = self._credentials(auth)
        return Bitrix24(url, auth=oauth, **self.client_options)

    def async_client_for(self, auth: EventAuth) -> AsyncBitrix24:
        """An :class:`~bitrix24_toolkit.AsyncBitrix24` for the calling portal."""
        url, oauth = self._credentials(auth)
        return AsyncBitrix24(url, auth=oauth, **self.client_options)

    # ----------------------------------------------------------------------------------- running
    def _failed(self, handler: Callable[..., Any], subject: Event | RobotRequest, exc: BaseException) -> None:
        what = subject.name if isinstance(subject, Event) else f"robot {subject.code}"
        log.error("handler %s for %s failed", getattr(handler, "__name__", handler), what, exc_info=exc)
        self.failures.append((what, exc))

    def _run_sync(self, handler: Callable[..., Any], subject: Event | RobotRequest) -> None:
        try:
            with self.client_for(subject.auth) as b24:
                result = handler(subject, b24)
                if isinstance(subject, RobotRequest):
                    _send_robot_result(b24, subject, result)
        except Exception as exc:
            self._failed(handler, subject, exc)

    async def _run_async(self, handler: Callable[..., Any], subject: Event | RobotRequest) -> None:
        try:
            async with self.async_client_for(subject.auth) as b24:
                result = await handler(subject, b24)
                if isinstance(subject, RobotRequest):
                    await _send_robot_result(b24, subject, result)
        except Exception as exc:
            self._failed(handler, subject, exc)


def _send_robot_result(b24: Any, request: RobotRequest, result: Any) -> Any:
    """Send a robot function's returned mapping with ``bizproc.event.send`` (when the process waits)."""
    if result is None:
        return _nothing(b24)
    if not isinstance(result, Mapping):
        raise InvalidInputError(
            f"robot {request.code!r}: return a mapping of return values or None, not {type(result).__name__}",
            field="result",
        )
    if not request.use_subscription:
        log.info("robot %s: the process does not wait (use_subscription N); result not sent", request.code)
        return _nothing(b24)
    return b24.run(reply(request, return_values=result))


def _nothing(b24: Any) -> Any:
    if isinstance(b24, AsyncBitrix24):
        return asyncio.sleep(0)
    return None
