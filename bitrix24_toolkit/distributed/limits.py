"""The portal's limits kept in Redis: one leaky bucket and one set of method budgets for every process.

``Bitrix24(url, limits=RedisLimits("redis://localhost:6379/0"))`` makes every client of that portal, in
every thread, task and process that uses the same Redis, book its requests in one bucket, updated
atomically by Lua scripts on Redis' own clock (:mod:`._scripts`). A 503 ``QUERY_LIMIT_EXCEEDED`` or an
``OPERATION_TIME_LIMIT`` seen by one process slows them all.

When Redis cannot be used, a reservation raises :class:`~bitrix24_toolkit.errors.SharedStateError` before
the request is sent (``fallback="error"``, the default), or the process paces itself with a local
:class:`~bitrix24_toolkit.engine.limiter.Limiter` of the same plan (``fallback="local"``: one WARNING, then
Redis is tried again every ``retry_after`` seconds). Recording a 503 or a budget after an answer never
raises: the answer has arrived, and a failure there must not make a write look unsent.
"""

from __future__ import annotations

import logging
import math
import threading
from typing import Any, Final, Literal

from ..engine.limiter import (
    DEFAULT_OPERATING_BUDGET,
    MAX_BUDGET_WAIT,
    PLANS,
    Limiter,
    LimiterState,
)
from ..errors import InvalidInputError
from . import _scripts
from ._redis import (
    DEFAULT_TIMEOUT,
    Connections,
    Outage,
    check_url,
    is_redis_error,
    mask_url,
    require_redis,
    shared_state_error,
)

__all__ = ["DEFAULT_PREFIX", "RETRY_AFTER", "RedisLimits", "RedisPortalLimiter"]

logger = logging.getLogger("bitrix24_toolkit")

#: the key prefix when none is given: ``b24:limits:{domain}:bucket`` and ``...:methods``
DEFAULT_PREFIX: Final = "b24:limits:"
#: seconds between attempts to use Redis again after it failed (``fallback="local"``)
RETRY_AFTER: Final = 30.0

Fallback = Literal["error", "local"]


def _plan(plan: object) -> tuple[float, float]:
    if isinstance(plan, str):
        if plan not in PLANS:
            raise InvalidInputError(
                f"unknown plan {plan[:40]!r}: use 'standard', 'enterprise' or (burst, rate)", field="plan"
            )
        return PLANS[plan]
    if (
        isinstance(plan, tuple)
        and len(plan) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in plan)
    ):
        burst, rate = float(plan[0]), float(plan[1])
        if burst >= 1 and rate > 0:
            return burst, rate
    raise InvalidInputError(
        f"plan must be 'standard', 'enterprise' or (burst >= 1, rate > 0), not {repr(plan)[:60]}",
        field="plan",
    )


def _number(name: str, value: object, high: float) -> float:
    """A finite number in ``(0, high]``, else :class:`InvalidInputError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < float(value) <= high:
        raise InvalidInputError(
            f"{name} must be a number greater than 0 and at most {high:g}, not {repr(value)[:40]}", field=name
        )
    return float(value)


class RedisLimits:
    """Limits shared through Redis by every process of every client of a portal (``limits=`` of a client).

    ``plan``: ``"standard"`` (50, 2/s), ``"enterprise"`` (250, 5/s) or ``(burst, rate)``. ``key``: the key
    prefix (default ``"b24:limits:"``); a portal's keys are ``<key>{<domain>}:bucket`` and ``:methods``
    (the braces keep them in one Redis Cluster slot). ``fallback``: ``"error"`` (a :class:`SharedStateError`
    before the request when Redis fails) or ``"local"`` (pace per process meanwhile, one WARNING).
    ``timeout``: seconds to connect to Redis and to wait for it; ``retry_after``: seconds between attempts
    to use Redis again after a failure. ``operating_budget``/``margin`` as for :class:`Limiter`.
    """

    def __init__(
        self,
        url: str,
        *,
        plan: str | tuple[float, float] = "standard",
        key: str | None = None,
        fallback: Fallback = "error",
        operating_budget: float | None = DEFAULT_OPERATING_BUDGET,
        margin: float = 0.9,
        timeout: float = DEFAULT_TIMEOUT,
        retry_after: float = RETRY_AFTER,
    ) -> None:
        self._url = check_url(url)
        require_redis()
        self.burst, self.rate = _plan(plan)
        self.plan = plan
        if key is not None and (
            not isinstance(key, str)
            or not key
            or len(key) > 200
            or any(ch in key for ch in "{} ")
            or not key.isprintable()
        ):
            raise InvalidInputError(
                f"key must be a printable prefix of up to 200 characters without braces or spaces, "
                f"not {repr(key)[:60]}",
                field="key",
            )
        self.prefix = DEFAULT_PREFIX if key is None else key if key.endswith(":") else key + ":"
        if not isinstance(fallback, str) or fallback not in ("error", "local"):
            raise InvalidInputError(
                f"fallback must be 'error' or 'local', not {repr(fallback)[:40]}", field="fallback"
            )
        self.fallback: Fallback = fallback
        if operating_budget is not None:
            operating_budget = _number("operating_budget", operating_budget, 1e9)
        self.operating_budget = operating_budget
        self.margin = _number("margin", margin, 1.0)
        self.timeout = _number("timeout", timeout, 60.0)
        self.retry_after = _number("retry_after", retry_after, 3600.0)
        self._connections = Connections(self._url, timeout=self.timeout)
        self._health = Outage(self._url, "limits", self.retry_after)
        self._lock = threading.Lock()
        self._portals: dict[str, RedisPortalLimiter] = {}

    @property
    def url(self) -> str:
        """The Redis URL with its password masked."""
        return mask_url(self._url)

    def for_portal(self, domain: str) -> RedisPortalLimiter:
        """The limiter of ``domain``: one per portal and per :class:`RedisLimits`, its state in Redis."""
        if not isinstance(domain, str) or not domain or len(domain) > 255 or not domain.isprintable():
            raise InvalidInputError(
                f"a portal domain is a host name, not {repr(domain)[:60]}", field="domain"
            )
        name = domain.strip().lower()
        if not name or any(ch in name for ch in "{} /"):
            raise InvalidInputError(f"a portal domain is a host name, not {domain[:60]!r}", field="domain")
        with self._lock:
            limiter = self._portals.get(name)
            if limiter is None:
                limiter = self._portals[name] = RedisPortalLimiter(self, name)
            return limiter

    def close(self) -> None:
        """Close this process's sync connection to Redis (it reconnects when used again)."""
        self._connections.close()

    async def aclose(self) -> None:
        """Close the running event loop's connection to Redis (closed with the loop otherwise)."""
        await self._connections.aclose()

    def __reduce__(self) -> tuple[Any, ...]:
        options = {
            "plan": self.plan,
            "key": self.prefix,
            "fallback": self.fallback,
            "operating_budget": self.operating_budget,
            "margin": self.margin,
            "timeout": self.timeout,
            "retry_after": self.retry_after,
        }
        return (_rebuild_limits, (self._url, options))  # the password travels: a worker needs it

    def __repr__(self) -> str:
        return (
            f"RedisLimits({self.url!r}, plan=({self.burst:g}, {self.rate:g}), "
            f"key={self.prefix!r}, fallback={self.fallback!r})"
        )


def _rebuild_limits(url: str, options: dict[str, Any]) -> RedisLimits:
    return RedisLimits(url, **options)


class RedisPortalLimiter:
    """One portal's limiter in Redis (a ``PortalLimiter`` with ``areserve``/``apenalize``/``aobserve``).

    ``snapshot()`` reads the shared level and budgets from Redis; its ``waits``, ``waited_seconds`` and
    ``penalties`` count what **this process** did with this limiter.
    """

    def __init__(self, owner: RedisLimits, domain: str) -> None:
        self.owner = owner
        self.domain = domain
        self.burst, self.rate = owner.burst, owner.rate
        tag = f"{owner.prefix}{{{domain}}}"
        self.keys: tuple[str, str] = (f"{tag}:bucket", f"{tag}:methods")
        self._bucket_args = (repr(self.burst), repr(self.rate))
        budget = owner.operating_budget
        self._threshold = "" if budget is None else repr(budget * owner.margin)
        self._lock = threading.Lock()
        self._waits = 0
        self._waited = 0.0
        self._penalties = 0
        #: the pacing of this process while Redis is down (``fallback="local"``), or of a lost record
        self.local = Limiter(self.burst, self.rate, operating_budget=budget, margin=owner.margin)

    # ------------------------------------------------------------------------------------ helpers
    def _reserve_args(self, method: str | None) -> tuple[str, ...]:
        return (*self._bucket_args, method or "", self._threshold if method else "", repr(MAX_BUDGET_WAIT))

    def _booked(self, wait: float) -> float:
        """Count a wait (negative: held by the method's budget, nothing booked) and pass it on."""
        if wait != 0:
            with self._lock:
                self._waits += 1
                self._waited += abs(wait)
        return wait

    def _reserve_failed(self, error: BaseException, method: str | None) -> float:
        if self.owner.fallback == "error":
            failure = shared_state_error(error, self.owner._url, "limits")
            raise failure from failure.__cause__
        self.owner._health.failed(error)
        return self.local.reserve(method)

    def _record_failed(self, error: BaseException, what: str) -> None:
        """A 503 or a budget could not be written to Redis: kept locally, never raised (the answer came)."""
        if self.owner.fallback == "local":
            self.owner._health.failed(error)
        else:
            logger.warning(
                "shared limits: could not record %s in Redis %s (%s); kept for this process only",
                what,
                mask_url(self.owner._url),
                type(error).__name__,
            )

    def _penalized(self) -> bool:
        """Count a 503 and take it locally; whether to write it to Redis too."""
        with self._lock:
            self._penalties += 1
        self.local.penalize()
        return not self.owner._health.use_local()

    def _observed(self, method: str, operating: float | None, reset_at: float | None) -> tuple[str, ...]:
        """Take a budget locally; the observe script's arguments, or ``()`` when Redis is not to be told."""
        if operating is None or reset_at is None:
            return ()
        if not (math.isfinite(operating) and math.isfinite(reset_at)) or operating < 0:
            return ()  # not a real budget: ignored rather than slept on
        self.local.observe(method, operating, reset_at)
        if self.owner._health.use_local():
            return ()
        return (method, repr(float(operating)), repr(float(reset_at)), repr(MAX_BUDGET_WAIT))

    # --------------------------------------------------------------------------------------- sync
    def reserve(self, method: str | None = None) -> float:
        """Book one request in the shared bucket (``EVALSHA`` of the reserve script); the wait in seconds."""
        if self.owner._health.use_local():
            return self._booked(self.local.reserve(method))
        try:
            client = self.owner._connections.sync()
            value = _scripts.RESERVE.run(client, self.keys, self._reserve_args(method))
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            return self._booked(self._reserve_failed(exc, method))
        self.owner._health.recovered()
        return self._booked(float(value))

    def _write(self, script: _scripts.Script, args: tuple[str, ...], what: str) -> None:
        """Run a recording script; a failure is kept locally and logged, never raised (the answer came)."""
        try:
            script.run(self.owner._connections.sync(), self.keys, args)
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self._record_failed(exc, what)
        else:
            self.owner._health.recovered()

    async def _awrite(self, script: _scripts.Script, args: tuple[str, ...], what: str) -> None:
        """:meth:`_write` on the event loop's own connection."""
        try:
            await script.arun(await self.owner._connections.for_loop(), self.keys, args)
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self._record_failed(exc, what)
        else:
            self.owner._health.recovered()

    def _blocked(self, method: str, until: float) -> tuple[str, ...]:
        """Take a block locally; the block script's arguments, or ``()`` when Redis is not to be told."""
        if not math.isfinite(until):
            return ()
        self.local.block(method, until)
        return () if self.owner._health.use_local() else (method, repr(float(until)), repr(MAX_BUDGET_WAIT))

    def penalize(self) -> None:
        """The portal said ``QUERY_LIMIT_EXCEEDED``: the shared bucket is taken as full, for every process."""
        if self._penalized():
            self._write(_scripts.PENALIZE, self._bucket_args, "a 503")

    def observe(self, method: str, operating: float | None, reset_at: float | None) -> None:
        """Record a method's ``time.operating`` and ``operating_reset_at`` for every process."""
        args = self._observed(method, operating, reset_at)
        if args:
            self._write(_scripts.OBSERVE, args, f"the budget of {method}")

    def block(self, method: str, until: float) -> None:
        """``OPERATION_TIME_LIMIT`` for ``method``: every process holds it until ``until`` (unix time)."""
        args = self._blocked(method, until)
        if args:
            self._write(_scripts.BLOCK, args, f"the block of {method}")

    def snapshot(self) -> LimiterState:
        """The shared level and budgets (read from Redis) and this process's waits and penalties."""
        with self._lock:
            waits, waited, penalties = self._waits, self._waited, self._penalties
        if self.owner._health.use_local():
            local = self.local.snapshot()
            level, methods = local.level, local.methods
        else:
            try:
                raw = _scripts.SNAPSHOT.run(self.owner._connections.sync(), self.keys, self._bucket_args)
            except Exception as exc:
                if not is_redis_error(exc):
                    raise
                if self.owner.fallback == "error":
                    failure = shared_state_error(exc, self.owner._url, "limits")
                    raise failure from failure.__cause__
                self.owner._health.failed(exc)
                local = self.local.snapshot()
                level, methods = local.level, local.methods
            else:
                self.owner._health.recovered()
                level, methods = _scripts.parse_snapshot(raw)
        return LimiterState(
            burst=self.burst,
            rate=self.rate,
            level=level,
            waits=waits,
            waited_seconds=waited,
            penalties=penalties,
            methods=methods,
        )

    # -------------------------------------------------------------------------------------- async
    async def areserve(self, method: str | None = None) -> float:
        """:meth:`reserve` on the event loop's own Redis connection (the loop is never blocked)."""
        if self.owner._health.use_local():
            return self._booked(self.local.reserve(method))
        try:
            client = await self.owner._connections.for_loop()
            value = await _scripts.RESERVE.arun(client, self.keys, self._reserve_args(method))
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            return self._booked(self._reserve_failed(exc, method))
        self.owner._health.recovered()
        return self._booked(float(value))

    async def apenalize(self) -> None:
        """:meth:`penalize`, awaited."""
        if self._penalized():
            await self._awrite(_scripts.PENALIZE, self._bucket_args, "a 503")

    async def aobserve(self, method: str, operating: float | None, reset_at: float | None) -> None:
        """:meth:`observe`, awaited."""
        args = self._observed(method, operating, reset_at)
        if args:
            await self._awrite(_scripts.OBSERVE, args, f"the budget of {method}")

    async def ablock(self, method: str, until: float) -> None:
        """:meth:`block`, awaited."""
        args = self._blocked(method, until)
        if args:
            await self._awrite(_scripts.BLOCK, args, f"the block of {method}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_portal, (self.owner, self.domain))

    def __repr__(self) -> str:
        return f"RedisPortalLimiter({self.domain!r}, burst={self.burst:g}, rate={self.rate:g}/s)"


def _rebuild_portal(owner: RedisLimits, domain: str) -> RedisPortalLimiter:
    return owner.for_portal(domain)
