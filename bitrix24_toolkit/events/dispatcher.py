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
:class:`~bitrix24_toolkit.Bitrix24`. The payload's endpoints must be https URLs of the portal it names (or
of ``allowed_hosts``), else :class:`~.errors.EventAuthError` (see :mod:`.endpoints`); the tokens a payload
brings are masked in logs while it is handled, in a bounded registry (``transient_secrets``).
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import logging
import ssl
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from ..client.async_client import AsyncBitrix24
from ..client.sync_client import Bitrix24
from ..engine.oauth import DEFAULT_TOKEN_URL, OAuth, OAuthTokens
from ..engine.redaction import SecretFilter, redact, register_secret, transient_secrets
from ..engine.webhook import parse_webhook_url
from ..errors import InvalidInputError
from ..protocol.encoding import QueryLimits
from .endpoints import check_endpoints, is_allowed, normalize_allowed_hosts
from .errors import EventAuthError
from .payload import (
    Event,
    EventAuth,
    ExpectedToken,
    check_application_token,
    decode_payload,
    event_from,
    event_name,
    parse_auth,
)
from .robot_request import RobotRequest, is_robot_request, robot_event_token, robot_request_from
from .robot_result import send_robot_result as _send_robot_result

__all__ = ["Delivery", "Dispatcher"]

log = logging.getLogger(__name__)
log.addFilter(SecretFilter())  # a parent logger's filter does not see its children's records
F = TypeVar("F", bound=Callable[..., Any])
_PLACEHOLDER_CLIENT = ("event-handler", "no-client-secret")
#: stands for a refresh token the payload did not carry (a refresh with it fails: TokenRefreshError)
_NO_REFRESH_TOKEN = "no-refresh-token-in-payload"


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
        with transient_secrets():
            _remember_tokens(self.subject)
            for handler in self.handlers:
                if inspect.iscoroutinefunction(handler):
                    asyncio.run(self.dispatcher._run_async(handler, self.subject))
                else:
                    self.dispatcher._run_sync(handler, self.subject)

    async def arun(self) -> None:
        """Run every handler from an event loop (plain functions in a worker thread)."""
        with transient_secrets():  # a context variable: worker threads of to_thread inherit it
            _remember_tokens(self.subject)
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
        allowed_hosts: Iterable[str] | None = None,
        limits: QueryLimits | None = None,
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
        #: hosts the payload's endpoints may name instead of its own portal (``None``: the portal only)
        self.allowed_hosts: frozenset[str] | None = None
        #: bounds of payload decoding (``None``: :data:`~.payload.EVENT_LIMITS`)
        self.limits: QueryLimits | None = None
        self._ssl: ssl.SSLContext | None = None
        self._http: httpx.Client | None = None  # shared by sync handlers (thread-safe, pooled)
        self.configure(
            application_token=application_token,
            webhook_url=webhook_url,
            client_id=client_id,
            client_secret=client_secret,
            client_options=client_options,
            allowed_hosts=allowed_hosts,
            limits=limits,
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
        allowed_hosts: Iterable[str] | None = None,
        limits: QueryLimits | None = None,
    ) -> Dispatcher:
        """Set the given settings (``None`` keeps the current value); returns the dispatcher.

        ``allowed_hosts`` (``"portal.example.com"``, ``"*.bitrix24.com"``) replaces the default rule that a
        payload's endpoints are its own portal's (see :mod:`.endpoints`); ``limits`` bounds decoding.
        """
        if application_token is not None:
            if not (isinstance(application_token, str) or callable(application_token)):
                raise InvalidInputError(
                    "application_token is the stored token (str) or a function of the payload's auth",
                    field="application_token",
                )
            self.application_token = application_token
            if isinstance(application_token, str):
                register_secret(application_token)
        if webhook_url is not None:
            self.webhook_url = webhook_url
            try:
                parse_webhook_url(webhook_url)  # registers its secret for good, outside any event
            except InvalidInputError:
                pass  # reported when a client is built from it
        if client_id is not None:
            self.client_id = client_id
        if client_secret is not None:
            self.client_secret = client_secret
            register_secret(client_secret)
        if allowed_hosts is not None:
            self.allowed_hosts = normalize_allowed_hosts(allowed_hosts)
        if limits is not None:
            if not isinstance(limits, QueryLimits):
                raise InvalidInputError("limits must be a QueryLimits", field="limits")
            self.limits = limits
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

    def handlers(self) -> dict[str, tuple[Callable[..., Any], ...]]:
        """A copy of the event registry: upper-case name (or ``"*"``) -> functions, in registration order."""
        return {name: tuple(functions) for name, functions in self._events.items()}

    def robot(self, code: str) -> Callable[[F], F]:
        """Register ``fn(request, b24)`` for robot ``code``; a returned mapping goes back as return values."""
        if not isinstance(code, str) or not code:
            raise InvalidInputError("robot(...) needs the robot's CODE", field="code")

        def register(fn: F) -> F:
            self._robots[code] = fn
            return fn

        return register

    # --------------------------------------------------------------------------------- dispatch
    def accept(
        self, payload: str | bytes | Mapping[str, Any], *, limits: QueryLimits | None = None
    ) -> Delivery:
        """Parse and verify a payload (raises on a bad one) and pick its handlers; nothing runs yet.

        Order: bounded decoding (:class:`~.errors.EventPayloadError`), the application token and the
        endpoints (:class:`~.errors.EventAuthError`), then the event or robot fields.
        """
        if self.application_token is None:
            raise EventAuthError(
                "the dispatcher has no application_token configured: every payload is refused"
            )
        decoded = decode_payload(payload, limits=limits or self.limits)
        robot = is_robot_request(decoded)
        if robot:  # the shape first: a body that is no event at all is a 400, not a 403
            robot_event_token(decoded)
        else:
            event_name(decoded)
        auth = parse_auth(decoded)
        check_application_token(auth, self.application_token)
        if auth.has_tokens:
            self.check_endpoints(auth)
        if robot:
            request = robot_request_from(decoded, auth)
            function = self._robots.get(request.code)
            if function is None:
                log.warning("no function is registered for robot %r", request.code[:80])
            return Delivery(self, request, [function] if function is not None else [])
        event = event_from(decoded, auth)
        handlers = [*self._events.get(event.name, []), *self._events.get("*", [])]
        return Delivery(self, event, handlers)

    def check_endpoints(self, auth: EventAuth) -> None:
        """Refuse a payload whose endpoints are not the named portal's https URLs (or ``allowed_hosts``)."""
        check_endpoints(auth, allowed_hosts=self.allowed_hosts, token_url=self.token_url)

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
            http, self._http = self._http, None
        if http is not None:
            http.close()
        if pool is not None:
            pool.shutdown(wait=True)

    # ----------------------------------------------------------------------------------- clients
    def _oauth(self, auth: EventAuth) -> OAuth:
        assert auth.access_token is not None
        tokens = OAuthTokens(
            access_token=auth.access_token,
            refresh_token=auth.refresh_token or _NO_REFRESH_TOKEN,
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

    def _guarded(self, auth: EventAuth) -> dict[str, Any]:
        """The client options for a client built from a payload: endpoints checked, and no portal move
        followed to a host or port the endpoint rules would refuse (a tenant's portal answering 307 to an
        internal name must not get the token sent there)."""
        options = dict(self.client_options)
        if not auth.has_tokens:
            return options
        self.check_endpoints(auth)
        theirs = options.get("on_portal_moved")
        allowed = self.allowed_hosts

        def veto(old: str, new: str) -> None:
            if not (allowed and is_allowed(new.lower(), allowed)):
                raise EventAuthError(
                    f"the portal {old} redirected the call to {new}: a client built from an event payload "
                    "follows no move to another host or port unless allowed_hosts lists it (nothing was sent)"
                )
            if theirs is not None:
                theirs(old, new)

        options["on_portal_moved"] = veto
        return options

    def _options(self, auth: EventAuth, *, sync: bool) -> dict[str, Any]:
        """Client options, with an httpx client sharing one TLS context (loading CA files costs ms)."""
        options = self._guarded(auth)
        if "http_client" in options or "transport" in options:
            return options
        with self._lock:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            # the engine sets each request's timeout; these clients carry the shared TLS context
            if sync:
                if self._http is None:
                    self._http = httpx.Client(verify=self._ssl, follow_redirects=False)
                options["http_client"] = self._http
            else:  # an async client belongs to one event loop: one per delivery
                options["http_client"] = httpx.AsyncClient(verify=self._ssl, follow_redirects=False)
        return options

    def client_for(self, auth: EventAuth) -> Bitrix24:
        """A :class:`~bitrix24_toolkit.Bitrix24` for the calling portal (payload tokens, else the webhook)."""
        options = self._guarded(auth)
        with transient_secrets():  # the payload's tokens are masked, in the bounded registry
            url, oauth = self._credentials(auth)
            return Bitrix24(url, auth=oauth, **options)

    def async_client_for(self, auth: EventAuth) -> AsyncBitrix24:
        """An :class:`~bitrix24_toolkit.AsyncBitrix24` for the calling portal."""
        options = self._guarded(auth)
        with transient_secrets():
            url, oauth = self._credentials(auth)
            return AsyncBitrix24(url, auth=oauth, **options)

    # ----------------------------------------------------------------------------------- running
    def _failed(self, handler: Callable[..., Any], subject: Event | RobotRequest, exc: BaseException) -> None:
        what = subject.name if isinstance(subject, Event) else f"robot {subject.code}"
        # the traceback is formatted here so that the tokens in it are masked like the message
        trace = redact("".join(traceback.format_exception(exc)))
        log.error("handler %s for %s failed\n%s", getattr(handler, "__name__", handler), what, trace)
        self.failures.append((what, exc))

    def _run_sync(self, handler: Callable[..., Any], subject: Event | RobotRequest) -> None:
        try:
            url, oauth = self._credentials(subject.auth)
            with Bitrix24(url, auth=oauth, **self._options(subject.auth, sync=True)) as b24:
                result = handler(subject, b24)
                if isinstance(subject, RobotRequest):
                    _send_robot_result(b24, subject, result)
        except Exception as exc:
            self._failed(handler, subject, exc)

    async def _run_async(self, handler: Callable[..., Any], subject: Event | RobotRequest) -> None:
        http: httpx.AsyncClient | None = None
        try:
            url, oauth = self._credentials(subject.auth)
            options = self._options(subject.auth, sync=False)
            if options.get("http_client") is not self.client_options.get("http_client"):
                http = options["http_client"]
            async with AsyncBitrix24(url, auth=oauth, **options) as b24:
                result = await handler(subject, b24)
                if isinstance(subject, RobotRequest):
                    await _send_robot_result(b24, subject, result)
        except Exception as exc:
            self._failed(handler, subject, exc)
        finally:
            if http is not None:
                await http.aclose()


def _remember_tokens(subject: Event | RobotRequest) -> None:
    """Mask the payload's tokens in logs while it is handled (a robot's event_token too)."""
    for token in (subject.auth.access_token, subject.auth.refresh_token, subject.auth.application_token):
        register_secret(token)
    if isinstance(subject, RobotRequest):
        register_secret(subject.event_token)
