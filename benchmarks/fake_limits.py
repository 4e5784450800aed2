"""The fake portal's limits, cost model and statistics (from the official limits page).

* **Leaky bucket** per webhook: each request adds 1 to a counter that drains by ``drain`` per second; a
  request that would take it past ``burst`` is refused with 503 ``QUERY_LIMIT_EXCEEDED`` (standard plan:
  50 and 2/s; the 51st request of a burst is refused).
* **Operating time** per method: its execution time summed in one-minute baskets kept for 10 minutes; a
  call to a method whose sum already exceeds the limit (480 s) is refused with 429 ``OPERATION_TIME_LIMIT``.
  Inside ``batch`` each command counts for its own method and the outer ``batch`` for none.
* **Cost**: what a request costs the server (seconds), which the handler thread really sleeps, *without
  any lock held*, so concurrent requests overlap as they would on a real portal.

Nothing here imports ``bitrix24_toolkit``.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["Bucket", "Cost", "Operating", "Stats"]


@dataclass(frozen=True)
class Cost:
    """Seconds a request costs: base, per returned row, per batch command, per row counted or skipped."""

    per_request: float = 0.03
    per_row: float = 0.0002
    per_command: float = 0.005
    per_scanned: float = 0.0

    @classmethod
    def off(cls) -> Cost:
        """No cost at all (fast tests)."""
        return cls(0.0, 0.0, 0.0, 0.0)

    def method(self, rows: int, scanned: int, *, in_batch: bool) -> float:
        """The execution time of one method call (what its operating time is charged)."""
        return (self.per_command if in_batch else 0.0) + rows * self.per_row + scanned * self.per_scanned


class Bucket:
    """The request counter of one webhook: ``burst`` requests at once, then ``drain`` per second."""

    def __init__(self, burst: float | None, drain: float) -> None:
        self.burst, self.drain = burst, drain
        self._level = 0.0
        self._at = time.monotonic()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        """Count one request; ``False`` (nothing counted) when it would exceed the burst."""
        if self.burst is None:
            return True
        with self._lock:
            now = time.monotonic()
            self._level = max(0.0, self._level - (now - self._at) * self.drain)
            self._at = now
            if self._level + 1 > self.burst:
                return False
            self._level += 1
            return True

    def reset(self) -> None:
        """An empty bucket."""
        with self._lock:
            self._level, self._at = 0.0, time.monotonic()


class Operating:
    """Per-method execution time in one-minute baskets over the last 10 minutes."""

    WINDOW = 600.0
    BASKET = 60.0

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self._baskets: dict[str, list[list[float]]] = defaultdict(list)  # method -> [[start, seconds]]
        self._lock = threading.Lock()

    def _live(self, method: str, now: float) -> list[list[float]]:
        baskets = self._baskets[method]
        baskets[:] = [b for b in baskets if b[0] + self.WINDOW > now]
        return baskets

    def blocked(self, method: str) -> bool:
        """Whether the method's accumulated time already exceeds the limit."""
        if self.limit is None:
            return False
        with self._lock:
            return sum(b[1] for b in self._live(method, time.time())) > self.limit

    def charge(self, method: str, seconds: float) -> tuple[float, int]:
        """Add a call's time; the method's accumulated time and when its oldest basket is dropped."""
        with self._lock:
            now = time.time()
            baskets = self._live(method, now)
            if not baskets or now >= baskets[-1][0] + self.BASKET:
                baskets.append([now, 0.0])
            baskets[-1][1] += seconds
            return sum(b[1] for b in baskets), int(baskets[0][0] + self.WINDOW)

    def reset(self) -> None:
        """Nothing accumulated."""
        with self._lock:
            self._baskets.clear()


@dataclass
class Stats:
    """What the portal saw since the last reset (``GET /_stats``)."""

    requests: int = 0
    status_503: int = 0
    status_429: int = 0
    commands_429: int = 0
    commands: int = 0
    rows_returned: int = 0
    rows_scanned: int = 0
    server_time: float = 0.0
    in_flight: int = 0
    max_in_flight: int = 0
    methods: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def enter(self, method: str) -> None:
        """A request arrived."""
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.methods[method] = self.methods.get(method, 0) + 1

    def leave(self) -> None:
        """A request's answer was written."""
        with self._lock:
            self.in_flight -= 1

    def add(self, **counts: float) -> None:
        """Add to counters (``status_503=1``, ``rows_returned=50``, ...)."""
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def snapshot(self) -> dict[str, Any]:
        """The counters as JSON-ready data."""
        with self._lock:
            data = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
            data["methods"] = dict(self.methods)
            data["server_time"] = round(self.server_time, 4)
            return data

    def reset(self) -> None:
        """Zero every counter (requests still in flight stay counted as in flight)."""
        with self._lock:
            in_flight = self.in_flight
            for name in ("requests", "status_503", "status_429", "commands_429", "commands"):
                setattr(self, name, 0)
            self.rows_returned = self.rows_scanned = 0
            self.server_time = 0.0
            self.in_flight = self.max_in_flight = in_flight
            self.methods = {}
