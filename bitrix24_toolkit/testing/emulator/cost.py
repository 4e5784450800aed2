"""The cost model (modelled server seconds per call) and the emulator's statistics.

Off by default: each call then costs :data:`~.dispatch.DEFAULT_PROCESSING` (fixed, deterministic).
With a :class:`CostModel` a call costs ``per_request`` (``per_batch_command`` inside a batch) plus
``per_row`` per returned row, ``per_counted_row`` per row the COUNT query touched (0 with ``start=-1``)
and ``per_skipped_row`` per row skipped by OFFSET. ``sleep=True`` makes the server really sleep that long
(benchmarks only; it blocks the caller's thread, and the event loop with an async MockTransport).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .dispatch import DEFAULT_PROCESSING, Outcome

__all__ = ["CostModel", "Stats"]


@dataclass(frozen=True)
class CostModel:
    """Modelled server seconds per request, batch command, returned / counted / skipped row."""

    per_request: float = 0.02
    per_row: float = 0.0005
    per_batch_command: float = 0.005
    per_counted_row: float = 0.00002
    per_skipped_row: float = 0.00002
    sleep: bool = False

    @classmethod
    def realistic(cls, *, sleep: bool = False) -> CostModel:
        """Figures in the range of a cloud portal (COUNT + deep OFFSET dominate big lists)."""
        return cls(sleep=sleep)

    def seconds(self, outcome: Outcome, *, in_batch: bool) -> float:
        """Server time of one method call."""
        base = self.per_batch_command if in_batch else self.per_request
        return (
            base
            + outcome.rows * self.per_row
            + outcome.counted * self.per_counted_row
            + outcome.skipped * self.per_skipped_row
        )


def call_seconds(cost: CostModel | None, outcome: Outcome, *, in_batch: bool) -> float:
    """Modelled seconds of a call, :data:`DEFAULT_PROCESSING` without a cost model."""
    if cost is None:
        return DEFAULT_PROCESSING
    return cost.seconds(outcome, in_batch=in_batch)


@dataclass
class Stats:
    """What the emulated portal saw since creation or :meth:`~.portal.Emulator.reset_stats`."""

    requests: int = 0  # HTTP requests to /rest (batch = 1)
    rejected_rate: int = 0  # 503 QUERY_LIMIT_EXCEEDED from the bucket
    rejected_operating: int = 0  # 429 OPERATION_TIME_LIMIT (batch sub-calls included)
    rows_returned: int = 0
    rows_counted: int = 0
    rows_skipped: int = 0
    server_time: float = 0.0  # modelled seconds
    refreshes: int = 0  # successful OAuth refresh_token grants
    calls: dict[str, int] = field(default_factory=dict)  # executed method calls (batch sub-calls too)
    faults: dict[str, int] = field(default_factory=dict)  # injected faults by kind

    @property
    def status_503(self) -> int:
        """Alias of :attr:`rejected_rate`."""
        return self.rejected_rate

    @property
    def status_429(self) -> int:
        """Alias of :attr:`rejected_operating`."""
        return self.rejected_operating

    def count_call(self, outcome: Outcome) -> None:
        """Record one executed method call."""
        self.calls[outcome.method] = self.calls.get(outcome.method, 0) + 1
        if outcome.method != "batch":
            self.rows_returned += outcome.rows
            self.rows_counted += outcome.counted
            self.rows_skipped += outcome.skipped

    def as_dict(self) -> dict[str, Any]:
        """A plain dict snapshot."""
        return {
            "requests": self.requests,
            "rejected_rate": self.rejected_rate,
            "rejected_operating": self.rejected_operating,
            "rows_returned": self.rows_returned,
            "rows_counted": self.rows_counted,
            "rows_skipped": self.rows_skipped,
            "server_time": self.server_time,
            "refreshes": self.refreshes,
            "calls": dict(self.calls),
            "faults": dict(self.faults),
        }
