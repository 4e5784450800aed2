"""The offline Bitrix24 portal: ``Emulator`` answers REST requests like a cloud portal, in memory.

Use it as an httpx transport (``httpx.Client(transport=emu.transport())``, sync or async), as a real
loopback server (``with emu.serve() as url: ...``) or from the shell
(``python -m bitrix24_toolkit.testing.emulator --port 8080 --seed demo``).

Options of ``Emulator(...)`` (all keyword-only):

- ``limits``: request-rate bucket per portal — ``"standard"`` (burst 50, drains 2/s), ``"enterprise"``
  (250, 5/s), ``"off"``, or ``(burst, rate)``. Beyond it: 503 ``QUERY_LIMIT_EXCEEDED``; the request does
  not run. A batch costs one request. Changeable at runtime (``emu.limits = "off"``).
- ``operating_limit``: seconds of modelled server time per method and caller in a sliding 10-minute
  window (ten one-minute buckets), default 480; ``None`` disables it. Once the sum exceeds it, the next
  call of that method gets 429 ``OPERATION_TIME_LIMIT``. ``time.operating`` / ``time.operating_reset_at``
  report the sum and when the oldest bucket drops out. Batch sub-calls count against their own methods.
- ``clock``: ``() -> float`` unix seconds (default ``time.time``); ``emu.advance(s)`` shifts the portal
  time forward with any clock, so tests never sleep (see also :class:`~.limits.ManualClock`).
- ``cost``: a :class:`~.cost.CostModel` (off by default: every call costs a fixed 0.001 s). It sets
  ``time.processing``, the operating-time figures and ``emu.stats.server_time``; ``sleep=True`` really
  sleeps that long (benchmarks).
- ``faults``: :class:`~.faults.Faults` — seeded fault injection per method glob (503, 500, HTML 502,
  connection reset, timeout after applying, truncated JSON); ``emu.faults = ...`` at any time.
- ``user_id``, ``secret``, ``domain``: the webhook ``https://<domain>/rest/<user_id>/<secret>/``
  (``emu.webhook_url``). A wrong secret gets 401 ``INVALID_CREDENTIALS``.
- ``seed``: seeds generated tokens (and is handed to demo builders via ``emu.seed``).

OAuth: ``emu.issue_tokens(client_id, client_secret)`` returns a token response; ``/rest/<method>?auth=``
accepts its access token; ``emu.token_url`` (``https://oauth.<domain>/oauth/token/``, also ``/oauth/token/``
of a served emulator, whose answer's ``client_endpoint`` is then the served address) refreshes;
``emu.expire_tokens()`` expires every access token.

``emu.stats`` counts requests, 503s, 429s, rows returned/counted/skipped, modelled server time, calls per
method, OAuth refreshes and injected faults (``emu.reset_stats()``). ``emu.save(path)`` /
``Emulator.load(path)`` keep the whole portal (data and OAuth grants) in a JSON file.
``emu.call(method, params)`` runs a method directly (no HTTP, no bucket, no faults) — handy for setup.

Automation (:mod:`.automation`): CRM writes queue event payloads for bound handlers
(``emu.pending_events``, ``emu.flush_events()``, ``emu.deliver_to(app)``), and ``emu.run_robot(code, ...)``
invokes an installed robot; see ``docs/automation.md``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from .automation import AutomationMixin
from .batch import predecode, run_batch
from .cost import CostModel, Stats, call_seconds
from .dispatch import DEFAULT_PROCESSING, Outcome, envelope, invoke, load_methods, time_block
from .faults import Faults
from .http import FORM_LIMITS, html_response, json_body, json_response, read_params, route
from .limits import LeakyBucket, OperatingLimits, bucket_for
from .oauth import DEFAULT_SCOPE, OAuthServer
from .persistence import PortalPersistence
from .registry import REGISTRY, PortalError
from .state import PortalState

if TYPE_CHECKING:
    from ...client import AsyncBitrix24, Bitrix24

log = logging.getLogger("bitrix24_toolkit.testing.emulator")

__all__ = ["DEFAULT_DOMAIN", "DEFAULT_SECRET", "Emulator", "Reply"]

DEFAULT_SECRET = "emulatorsecret1"
DEFAULT_DOMAIN = "demo.bitrix24.test"
_NOT_RUN = {
    "limit": (503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
    "error500": (500, "INTERNAL_SERVER_ERROR", "Internal server error"),
}


def _scope_refusal(method: str, granted: str) -> PortalError | None:
    """An app calling a method outside its token's scopes (error-codes.md, system errors: 403
    ``insufficient_scope``); methods of the common ``basic`` scope are open to every token."""
    load_methods()
    entry = REGISTRY.get(method)
    if entry is None:
        return None
    scope = entry[1]
    names = {name.strip() for name in granted.split(",") if name.strip()}
    names |= {"user" for name in names if name in ("user_basic", "user_brief")}
    if scope in ("basic", "") or scope in names:
        return None
    return PortalError(
        "insufficient_scope", "The request requires higher privileges than provided by the webhook token", 403
    )


def _caller_extra(caller: str) -> dict[str, Any]:
    """What handlers may know of the caller: ``auth_type`` (webhook/oauth) and the app's ``client_id``."""
    kind, _, who = caller.partition(":")
    if kind == "app":
        return {"auth_type": "oauth", "client_id": who}
    return {"auth_type": "webhook"}


@dataclass
class Reply:
    """What the portal does with a request: a response, or a network fault; ``sleep`` = modelled time."""

    response: httpx.Response | None
    fault: str | None = None
    sleep: float = 0.0


def _operating_error() -> PortalError:
    return PortalError("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", 429)


class Emulator(PortalPersistence, AutomationMixin):
    """An in-memory Bitrix24 portal (see the module docstring for the options)."""

    def __init__(
        self,
        *,
        limits: str | tuple[float, float] | None = "standard",
        operating_limit: float | None = 480.0,
        clock: Callable[[], float] | None = None,
        cost: CostModel | None = None,
        faults: Faults | None = None,
        user_id: int = 1,
        secret: str = DEFAULT_SECRET,
        domain: str = DEFAULT_DOMAIN,
        seed: int | str = 0,
    ) -> None:
        load_methods()
        self._base_clock: Callable[[], float] = clock or time.time
        self._offset = 0.0
        self.user_id = user_id
        self.secret = secret
        self.domain = domain
        self.seed = seed
        self.cost = cost
        self.faults = faults
        self.lock = threading.RLock()
        #: the scopes of each app's token, as granted (``app:<client_id>`` -> "crm,user,...")
        self._scopes: dict[str, str] = {}
        self.state = PortalState(clock=self.now)
        self.operating = OperatingLimits(operating_limit, self.now)
        self.oauth = OAuthServer(domain, self.now, seed)
        self.stats = Stats()
        self._limits: str | tuple[float, float] | None = limits
        self._bucket: LeakyBucket | None = bucket_for(limits, self.now)
        self._init_automation()

    # ------------------------------------------------------------------------------- clock & limits
    def now(self) -> float:
        """The portal clock (the injected clock plus every :meth:`advance`)."""
        return self._base_clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move portal time forward (buckets drain, operating windows slide, tokens age)."""
        with self.lock:
            self._offset += seconds

    @property
    def limits(self) -> str | tuple[float, float] | None:
        """The request-rate plan; assigning a new one starts an empty bucket."""
        return self._limits

    @limits.setter
    def limits(self, value: str | tuple[float, float] | None) -> None:
        with self.lock:
            self._limits, self._bucket = value, bucket_for(value, self.now)
            self._client_limiter: Any = None

    def reset_stats(self) -> None:
        """Zero every counter of :attr:`stats`."""
        with self.lock:
            self.stats = Stats()

    # ----------------------------------------------------------------------------------- addresses
    @property
    def webhook_url(self) -> str:
        """The inbound webhook base URL (method names are appended to it)."""
        return f"https://{self.domain}/rest/{self.user_id}/{self.secret}/"

    @property
    def client_endpoint(self) -> str:
        """The OAuth REST base URL."""
        return f"https://{self.domain}/rest/"

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint answered by :meth:`transport`."""
        return f"https://oauth.{self.domain}/oauth/token/"

    # ---------------------------------------------------------------------------------- transports
    def transport(self) -> httpx.MockTransport:
        """An httpx transport into this portal (for ``httpx.Client`` and ``httpx.AsyncClient``)."""
        return httpx.MockTransport(self.handle)

    def _client_args(self, kwargs: dict[str, Any]) -> tuple[str, ...]:
        return () if "auth" in kwargs or "webhook_url" in kwargs else (self.webhook_url,)

    def _client_limits(self) -> Any:
        """The pacing a client of this portal should use: this portal's plan, one limiter per portal."""
        if self._limits is None or self._limits == "off":
            return "off"
        if getattr(self, "_client_limiter", None) is None:
            from ...engine.limiter import PLANS as CLIENT_PLANS
            from ...engine.limiter import Limiter

            burst, rate = CLIENT_PLANS[self._limits] if isinstance(self._limits, str) else self._limits
            self._client_limiter = Limiter(burst, rate)
        return self._client_limiter

    def client(self, **kwargs: Any) -> Bitrix24:
        """A ``Bitrix24`` client wired to this portal through :meth:`transport` (webhook unless ``auth=``)."""
        from ...client import Bitrix24  # the facade, downward; imported on use so the emulator loads light

        kwargs.setdefault("limits", self._client_limits())
        return Bitrix24(*self._client_args(kwargs), transport=self.transport(), **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncBitrix24:
        """An ``AsyncBitrix24`` client wired to this portal through :meth:`transport`."""
        from ...client import AsyncBitrix24

        kwargs.setdefault("limits", self._client_limits())
        return AsyncBitrix24(*self._client_args(kwargs), transport=self.transport(), **kwargs)

    def serve(
        self, *, port: int = 0, host: str = "127.0.0.1", **limits: Any
    ) -> contextlib.AbstractContextManager[str]:
        """A loopback HTTP server for this portal; the context value is its webhook URL.

        ``limits``: ``max_body`` (bytes, default 32 MiB), ``idle_timeout`` (seconds, 30) and
        ``max_connections`` (256) of :func:`~.server.serve`.
        """
        from .server import serve

        return serve(self, port=port, host=host, **limits)

    # ------------------------------------------------------------------------------------- handling
    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one HTTP request like the portal (network faults raise httpx errors)."""
        reply = self.respond(request)
        if reply.sleep > 0:
            time.sleep(reply.sleep)
        if reply.fault == "reset":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if reply.fault == "timeout":
            raise httpx.ReadTimeout(
                "The read operation timed out (emulated; the call was applied)", request=request
            )
        assert reply.response is not None
        return reply.response

    def respond(self, request: httpx.Request) -> Reply:
        """Decide the portal's reply to a request (the transport and the server turn it into I/O)."""
        where = route(request.url.path)
        if where.kind == "token":
            return Reply(self._token_endpoint(request))
        if where.kind == "unknown":
            return Reply(html_response(404, "<html><body><h1>404 Not Found</h1></body></html>"))
        try:  # decoding runs outside the portal lock: a big or hostile body holds up no other request
            params = read_params(request)
            if where.method == "batch":
                params = predecode(params, FORM_LIMITS)
        except (PortalError, ValueError, RecursionError, UnicodeError) as exc:  # ValueError: a batch command
            error = (
                exc
                if isinstance(exc, PortalError)
                else PortalError("INVALID_REQUEST", "Malformed request parameters", 400)
            )
            with self.lock:
                self.stats.requests += 1
            return Reply(json_response(error.status, error.payload()))
            with self.lock:
                self.stats.requests += 1
            return Reply(json_response(exc.status, exc.payload()))
        with self.lock:
            self.stats.requests += 1
            try:
                caller, user_id = self._authenticate(where.kind, where.user_id, where.secret, params)
            except PortalError as exc:
                return Reply(json_response(exc.status, exc.payload()))
            if self._bucket is not None and not self._bucket.take():
                self.stats.rejected_rate += 1
                return Reply(
                    json_response(
                        503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
                    )
                )
            fault = self.faults.decide(where.method) if self.faults is not None else None
            if fault is not None:
                self.stats.faults[fault] = self.stats.faults.get(fault, 0) + 1
            if fault in _NOT_RUN:
                status, code, text = _NOT_RUN[fault]
                return Reply(json_response(status, {"error": code, "error_description": text}))
            if fault == "html502":
                return Reply(html_response(502))
            if fault == "reset":
                return Reply(None, fault)
            status, payload, processing = self._run(where.method, params, user_id, caller)
        try:
            body = json_body(payload)
        except (ValueError, TypeError):  # an answer that cannot be serialised: a portal's 500, not a crash
            log.exception("emulated method %s: answer not serialisable", where.method)
            status, body = (
                500,
                json_body({"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal error"}),
            )
        if fault == "truncated":
            body = body[: max(1, len(body) // 2)]
        sleep = processing if self.cost is not None and self.cost.sleep else 0.0
        return Reply(json_response(status, None, body=body), fault, sleep)

    def _authenticate(
        self, kind: str, user_id: int | None, secret: str | None, params: dict[str, Any]
    ) -> tuple[str, int]:
        if kind == "webhook":
            if secret != self.secret or user_id != self.user_id:
                raise PortalError("INVALID_CREDENTIALS", "Invalid request credentials", 401)
            return f"webhook:{user_id}", user_id
        auth = params.pop("auth", "")
        if isinstance(auth, dict):
            auth = auth.get("access_token", "")
        grant = self.oauth.check(str(auth))
        caller = f"app:{grant['client_id']}"
        self._scopes[caller] = str(grant.get("scope") or "")
        return caller, int(grant["user_id"])

    def _run(self, method: str, params: dict[str, Any], user_id: int, caller: str) -> tuple[int, Any, float]:
        start = self.now()
        if method == "batch":
            outcome = run_batch(
                params, lambda name, sub: self._call(name, sub, user_id, caller, True), self.state.tz, start
            )
            # the batch request's own overhead; rows were already counted in each sub-call
            outcome.processing += self.cost.per_request if self.cost is not None else DEFAULT_PROCESSING
            self.stats.count_call(outcome)
        else:
            outcome = self._call(method, params, user_id, caller, False)
        self.stats.server_time += outcome.processing
        block = time_block(
            start,
            outcome.processing,
            self.state.tz,
            operating=self.operating.total(caller, method),
            operating_reset_at=self.operating.reset_at(caller, method),
        )
        return outcome.status, envelope(outcome, block), outcome.processing

    def _call(
        self, method: str, params: dict[str, Any], user_id: int, caller: str, in_batch: bool
    ) -> Outcome:
        name = method.strip().lower().removesuffix(".json")
        if self.operating.blocked(caller, name):
            self.stats.rejected_operating += 1
            return Outcome(name, error=_operating_error(), processing=0.0)
        extra = _caller_extra(caller)
        granted = self._scopes.get(caller) if caller.startswith("app:") else None
        if granted is not None:
            extra["scope"] = granted
            refused = _scope_refusal(name, granted)
            if refused is not None:
                return Outcome(name, error=refused, processing=0.0)
        outcome = invoke(self.state, name, params, user_id=user_id, in_batch=in_batch, extra=extra)
        if outcome.error is None:
            self._observe_write(name, params, outcome, user_id)  # queues event deliveries (automation.py)
        if outcome.error is not None and outcome.error.code == "ERROR_METHOD_NOT_FOUND":
            outcome.processing = 0.0
            return outcome
        outcome.processing = call_seconds(self.cost, outcome, in_batch=in_batch)
        self.operating.add(caller, name, outcome.processing)
        self.stats.count_call(outcome)
        return outcome

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, user_id: int | None = None
    ) -> tuple[int, Any]:
        """Run a method directly (no HTTP, bucket or faults; batch included) -> ``(status, payload)``."""
        with self.lock:
            uid = self.user_id if user_id is None else user_id
            status, payload, _ = self._run(method.lower(), dict(params or {}), uid, f"webhook:{uid}")
            return status, json.loads(json_body(payload))

    # ----------------------------------------------------------------------------------------- OAuth
    def issue_tokens(
        self,
        client_id: str = "local.emulator",
        client_secret: str = "emulator-app-secret",
        *,
        user_id: int | None = None,
        scope: str = DEFAULT_SCOPE,
    ) -> dict[str, Any]:
        """Install an app (client id/secret) and return a token response as after the OAuth dance."""
        with self.lock:
            return self.oauth.issue(client_id, client_secret, user_id=user_id or self.user_id, scope=scope)

    def expire_tokens(self) -> None:
        """Expire every current access token (requests then get 401 ``expired_token``)."""
        with self.lock:
            self.oauth.expire_all()

    def _token_endpoint(self, request: httpx.Request) -> httpx.Response:
        try:
            params = read_params(request)  # outside the lock, as for REST calls
        except PortalError as exc:
            return json_response(exc.status, exc.payload())
        with self.lock:
            try:
                answer = self.oauth.grant(params)
            except PortalError as exc:
                return json_response(exc.status, exc.payload())
            self.stats.refreshes += 1
        host = request.url.host
        if host not in (self.domain, f"oauth.{self.domain}"):  # served (``emu.serve()``): the portal is here
            answer["client_endpoint"] = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}/rest/"
        return json_response(200, answer)
