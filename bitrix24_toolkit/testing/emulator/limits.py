"""The portal's two limits (reference 2.1, 2.2): a leaky request bucket and per-method operating time.

Both read an injectable clock (``() -> float`` unix seconds), so tests move time instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["PLANS", "LeakyBucket", "ManualClock", "OperatingLimits", "bucket_for"]

#: plan name -> (burst, drain per second)
PLANS: dict[str, tuple[float, float]] = {"standard": (50, 2.0), "enterprise": (250, 5.0)}

Clock = Callable[[], float]


class ManualClock:
    """A clock that only moves when told to (``advance``); start defaults to 2024-01-15 09:00 UTC."""

    def __init__(self, start: float = 1_705_309_200.0) -> None:
        self.value = float(start)

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.value += seconds


class LeakyBucket:
    """Each request adds 1; the level drains at ``rate`` per second; a request beyond ``burst`` is refused.

    A refused request does not fill the bucket (tolerant choice: a client backing off recovers on time).
    """

    def __init__(self, burst: float, rate: float, clock: Clock) -> None:
        self.burst = float(burst)
        self.rate = float(rate)
        self.clock = clock
        self.level = 0.0
        self._last: float | None = None

    def _drain(self) -> None:
        now = self.clock()
        if self._last is not None and now > self._last:
            self.level = max(0.0, self.level - (now - self._last) * self.rate)
        self._last = now if self._last is None else max(now, self._last)

    def take(self) -> bool:
        """Admit one request (True) or refuse it (False)."""
        self._drain()
        if self.level + 1 > self.burst:
            return False
        self.level += 1
        return True

    def current(self) -> float:
        """The bucket level now."""
        self._drain()
        return self.level


def bucket_for(limits: str | tuple[float, float] | None, clock: Clock) -> LeakyBucket | None:
    """The bucket of a plan name, a ``(burst, rate)`` pair, or ``None`` for ``"off"``."""
    if limits is None or limits == "off":
        return None
    if isinstance(limits, str):
        try:
            burst, rate = PLANS[limits]
        except KeyError:
            raise ValueError(
                f"limits must be one of {[*PLANS, 'off']} or (burst, rate), not {limits!r}"
            ) from None
    else:
        burst, rate = limits
    return LeakyBucket(burst, rate, clock)


@dataclass
class _Minute:
    first: float
    seconds: float = 0.0


@dataclass
class _Usage:
    minutes: dict[int, _Minute] = field(default_factory=dict)


class OperatingLimits:
    """Server seconds per (caller, method) over ten one-minute buckets; a bucket drops out 10 minutes
    after the first call counted in it. Above ``limit`` the *next* call is refused (the crossing call ran)."""

    WINDOW = 600.0

    def __init__(self, limit: float | None, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        self._usage: dict[tuple[str, str], _Usage] = {}

    def _live(self, key: tuple[str, str]) -> _Usage:
        usage = self._usage.setdefault(key, _Usage())
        now = self.clock()
        for minute in [m for m, b in usage.minutes.items() if now >= b.first + self.WINDOW]:
            del usage.minutes[minute]
        return usage

    def blocked(self, caller: str, method: str) -> bool:
        """Whether the method is over its budget for this caller right now."""
        if self.limit is None:
            return False
        return self.total(caller, method) > self.limit

    def add(self, caller: str, method: str, seconds: float) -> None:
        """Count a call's server time in the current minute bucket."""
        usage = self._live((caller, method))
        now = self.clock()
        bucket = usage.minutes.setdefault(int(now // 60), _Minute(first=now))
        bucket.seconds += seconds

    def total(self, caller: str, method: str) -> float:
        """The sum over the live window."""
        return sum((b.seconds for b in self._live((caller, method)).minutes.values()), 0.0)

    def reset_at(self, caller: str, method: str) -> int:
        """Unix time when the oldest live bucket drops out (now + 10 min when nothing is counted)."""
        usage = self._live((caller, method))
        if not usage.minutes:
            return int(self.clock() + self.WINDOW)
        oldest = min(usage.minutes.values(), key=lambda b: b.first)
        return int(oldest.first + self.WINDOW)

    def clear(self) -> None:
        """Forget every counted second."""
        self._usage.clear()
