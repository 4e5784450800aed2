"""Pacing requests at the portal's limits: a leaky bucket per portal and per-method operating budgets.

Reference 2.1/2.2: every request fills a per-portal bucket that drains ``rate`` per second; beyond
``burst`` the portal answers 503 ``QUERY_LIMIT_EXCEEDED``. Each method also has a budget of server time
per 10 minutes (``time.operating`` / ``operating_reset_at``); past it the portal answers 429
``OPERATION_TIME_LIMIT``.

The limiter does no I/O and never sleeps: :meth:`Limiter.reserve` books a slot and says how long to wait,
and each client sleeps its own way (``time.sleep`` or ``asyncio.sleep``). One limiter is shared by every
client, thread and task that talks to the same portal (:func:`limiter_for`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol, TypeAlias, runtime_checkable

from ..errors import InvalidInputError

__all__ = [
    "PLANS",
    "Limiter",
    "LimiterState",
    "Limits",
    "MethodBudget",
    "Pace",
    "PortalLimiter",
    "SharedLimits",
    "aheadroom",
    "apace",
    "headroom",
    "limiter_for",
    "pace",
]

#: the longest wait for a method's operating budget: the portal's window is 600 s (a ``operating_reset_at``
#: further ahead, or not finite, is not slept on)
MAX_BUDGET_WAIT = 600.0

#: (burst, drain per second) of the portal plans (reference 2.1).
PLANS: Final[dict[str, tuple[float, float]]] = {"standard": (50.0, 2.0), "enterprise": (250.0, 5.0)}
#: Seconds of server time per method per 10 minutes before the portal blocks it (docs' worked example).
DEFAULT_OPERATING_BUDGET: Final = 480.0


@runtime_checkable
class PortalLimiter(Protocol):
    """What the engines ask of one portal's limiter (:class:`Limiter`, or a shared one such as Redis').

    A limiter that does I/O may also define ``areserve``/``apenalize``/``aobserve`` coroutines: the async
    client awaits them instead of calling the blocking ones (see :func:`apace`).
    """

    def reserve(self, method: str | None = None) -> float:
        """Book one request; the seconds to wait before sending it. Negative: the method is held by its
        budget and nothing was booked; wait ``-value`` seconds and reserve again."""

    def block(self, method: str, until: float) -> None:
        """The portal answered ``OPERATION_TIME_LIMIT``: hold ``method`` until ``until`` (unix time)."""

    def penalize(self) -> None:
        """The portal answered ``QUERY_LIMIT_EXCEEDED``: pace what follows."""

    def observe(self, method: str, operating: float | None, reset_at: float | None) -> None:
        """Record a method's ``time.operating`` and ``operating_reset_at``."""

    def snapshot(self) -> LimiterState:
        """The current state."""


@runtime_checkable
class SharedLimits(Protocol):
    """Limits kept outside the process (``distributed.RedisLimits``): one limiter per portal domain."""

    def for_portal(self, domain: str) -> PortalLimiter:
        """The limiter of ``domain`` (shared by every client, thread, task and process of that portal)."""


Limits: TypeAlias = "str | tuple[float, float] | Limiter | SharedLimits | None"


@dataclass(frozen=True, slots=True)
class Pace:
    """A step of the exchange for the driver's limiter: book a slot (``"reserve"``: the driver sends back
    the seconds to wait; negative: held, reserve again after it), take a 503 (``"penalize"``), record a
    method's budget (``"observe"``) or that the portal blocked it until ``reset_at`` (``"block"``)."""

    action: Literal["reserve", "penalize", "observe", "block"]
    method: str | None = None
    operating: float | None = None
    reset_at: float | None = None


def pace(limiter: PortalLimiter, step: Pace) -> float:
    """Carry out ``step`` on ``limiter`` (blocking); the wait in seconds for a ``"reserve"``, else 0."""
    if step.action == "reserve":
        return limiter.reserve(step.method)
    if step.action == "penalize":
        limiter.penalize()
    elif step.action == "block":
        block = getattr(limiter, "block", None)  # a limiter written before ``block`` existed skips it
        if block is not None and step.method is not None and step.reset_at is not None:
            block(step.method, step.reset_at)
    elif step.method is not None:
        limiter.observe(step.method, step.operating, step.reset_at)
    return 0.0


def headroom(limiter: PortalLimiter | None, cap: int) -> int:
    """How many requests may go at once now without waiting: the bucket's room (one slot kept as
    headroom, as :meth:`Limiter.reserve` does) capped by ``cap``; ``cap`` with no limiter.

    A limiter whose snapshot does I/O (Redis) is asked from the sync client only; see :func:`aheadroom`.
    """
    if limiter is None:
        return max(1, cap)
    try:
        state = limiter.snapshot()
    except Exception:  # a limiter that cannot tell (a lost Redis): the fewest requests, as before
        return 1
    room = math.floor(max(1.0, state.burst - 1.0) - state.level)
    return max(1, min(cap, room))


async def aheadroom(limiter: PortalLimiter | None, cap: int) -> int:
    """:func:`headroom` for the async client: a limiter with coroutines (Redis) is not read on the loop,
    and the answer is ``1`` (the fewest, fullest requests)."""
    if limiter is not None and hasattr(limiter, "areserve"):
        return 1
    return headroom(limiter, cap)


async def apace(limiter: PortalLimiter, step: Pace) -> float:
    """:func:`pace` for the async client: awaits the limiter's coroutines when it has them."""
    name = {"reserve": "areserve", "penalize": "apenalize", "observe": "aobserve", "block": "ablock"}[
        step.action
    ]
    coroutine = getattr(limiter, name, None)
    if coroutine is None:
        return pace(limiter, step)
    if step.action == "reserve":
        return float(await coroutine(step.method))
    if step.action == "penalize":
        await coroutine()
    elif step.action == "block":
        if step.method is not None and step.reset_at is not None:
            await coroutine(step.method, step.reset_at)
    elif step.method is not None:
        await coroutine(step.method, step.operating, step.reset_at)
    return 0.0


@dataclass(frozen=True)
class MethodBudget:
    """What the portal last said about one method's server-time budget."""

    operating: float
    reset_at: float


@dataclass(frozen=True)
class LimiterState:
    """A read-only snapshot of a limiter, for users and progress displays."""

    burst: float
    rate: float
    level: float
    waits: int
    waited_seconds: float
    penalties: int
    methods: dict[str, MethodBudget] = field(default_factory=dict)


class Limiter:
    """A leaky bucket (``burst`` requests, draining ``rate`` per second) plus per-method operating budgets."""

    def __init__(
        self,
        burst: float = 50.0,
        rate: float = 2.0,
        *,
        operating_budget: float | None = DEFAULT_OPERATING_BUDGET,
        margin: float = 0.9,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if not (_number(burst) and _number(rate)) or burst < 1 or rate <= 0:
            raise InvalidInputError(
                f"limits need burst >= 1 and rate > 0, not ({burst}, {rate})", field="limits"
            )
        self.burst = float(burst)
        self.rate = float(rate)
        self.operating_budget = operating_budget
        self.margin = margin
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._level = 0.0
        self._stamp = clock()
        self._waits = 0
        self._waited = 0.0
        self._penalties = 0
        self._methods: dict[str, MethodBudget] = {}
        #: method -> unix time until which the portal blocks it (``OPERATION_TIME_LIMIT``)
        self._blocked: dict[str, float] = {}

    @classmethod
    def plan(cls, name: str, **options: float | None) -> Limiter:
        """A limiter for a named plan: ``"standard"`` (50, 2/s) or ``"enterprise"`` (250, 5/s)."""
        if name not in PLANS:
            raise InvalidInputError(
                f"unknown limits {name!r}: use 'standard', 'enterprise', 'off' or (burst, rate)",
                field="limits",
            )
        burst, rate = PLANS[name]
        return cls(burst, rate, **options)  # type: ignore[arg-type]

    def _drain(self, now: float) -> None:
        self._level = max(0.0, self._level - (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self, method: str | None = None) -> float:
        """Book one request; return the seconds to wait before sending it (0 when there is room).

        A method held by its operating budget (or blocked by ``OPERATION_TIME_LIMIT``) books nothing: the
        answer is then **negative**, ``-seconds`` until its reset; wait that long and reserve again. So
        requests held for a budget do not all go at once when it resets, and other methods go on.
        """
        with self._lock:
            held = self._budget_wait(method)
            if held > 0:
                self._waits += 1
                self._waited += held
                return -held
            now = self._clock()
            self._drain(now)
            # Keep one slot of headroom below the portal's threshold: its counter and ours start at
            # different moments, and other processes may share the portal.
            capacity = max(1.0, self.burst - 1.0)
            wait = max(0.0, (self._level + 1.0 - capacity) / self.rate)
            self._level += 1.0
            if wait > 0:
                self._waits += 1
                self._waited += wait
            return wait

    def _budget_wait(self, method: str | None) -> float:
        if method is None:
            return 0.0
        now = self._wall_clock()
        blocked = self._blocked.get(method, 0.0) - now
        budget = self._methods.get(method)
        if (
            self.operating_budget is None
            or budget is None
            or budget.operating < self.operating_budget * self.margin
        ):
            used = 0.0
        else:
            used = budget.reset_at - now
        # the portal's operating window is 10 minutes: a reset further away is an answer that lies
        return min(MAX_BUDGET_WAIT, max(0.0, used, blocked))

    def block(self, method: str, until: float) -> None:
        """The portal answered ``OPERATION_TIME_LIMIT`` for ``method``: hold it until ``until`` (unix time),
        whatever the operating budget setting."""
        if not math.isfinite(until):
            return
        with self._lock:
            self._blocked[method] = max(until, self._blocked.get(method, 0.0))

    def penalize(self) -> None:
        """The portal said ``QUERY_LIMIT_EXCEEDED``: take the bucket as full, so what follows is paced."""
        with self._lock:
            self._drain(self._clock())
            self._level = max(self._level, self.burst)
            self._penalties += 1

    def observe(self, method: str, operating: float | None, reset_at: float | None) -> None:
        """Record a method's ``time.operating`` and ``operating_reset_at`` from an answer."""
        if operating is None or reset_at is None:
            return
        if not (math.isfinite(operating) and math.isfinite(reset_at)) or operating < 0:
            return  # not a real budget: ignored rather than slept on
        with self._lock:
            self._methods[method] = MethodBudget(operating, reset_at)

    def snapshot(self) -> LimiterState:
        """The current state (bucket level after draining, waits so far, per-method budgets)."""
        with self._lock:
            self._drain(self._clock())
            return LimiterState(
                burst=self.burst,
                rate=self.rate,
                level=self._level,
                waits=self._waits,
                waited_seconds=self._waited,
                penalties=self._penalties,
                methods=dict(self._methods),
            )

    def __repr__(self) -> str:
        return f"Limiter(burst={self.burst:g}, rate={self.rate:g}/s)"


_registry_lock = threading.Lock()
_registry: dict[tuple[str, float, float], Limiter] = {}


def _number(value: Any) -> bool:
    """A finite int or float (not a bool, not NaN or infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def limiter_for(domain: str, limits: Limits) -> PortalLimiter | None:
    """The limiter shared by every client of ``domain`` with these limits (``None``/``"off"``: none)."""
    if limits is None or limits == "off":
        return None
    if isinstance(limits, Limiter):
        return limits
    if not isinstance(limits, str | tuple) and isinstance(limits, SharedLimits):
        return limits.for_portal(domain)
    if isinstance(limits, str):
        if limits not in PLANS:
            raise InvalidInputError(
                f"unknown limits {limits!r}: use 'standard', 'enterprise', 'off' or (burst, rate)",
                field="limits",
            )
        burst, rate = PLANS[limits]
    elif isinstance(limits, tuple) and len(limits) == 2 and all(_number(v) for v in limits):
        burst, rate = float(limits[0]), float(limits[1])
    else:
        raise InvalidInputError(
            "limits must be 'standard', 'enterprise', 'off', (burst, rate) of finite numbers, a Limiter or "
            "shared limits (distributed.RedisLimits), "
            f"not {repr(limits)[:60]}",
            field="limits",
        )
    key = (domain, burst, rate)
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            limiter = _registry[key] = Limiter(burst, rate)
        return limiter
