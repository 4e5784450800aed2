"""Bulk writes that lose nothing: one outcome per input item (written, failed, unknown, not run)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import Bitrix24Error, OutcomeUnknownError, leaves_outcome_unknown
from ..protocol.batch import Batch, NotRunError
from ..protocol.batch import Outcome as BatchOutcome
from ..protocol.call import Call, Flow
from . import progress as progress_bars

__all__ = ["BulkItem", "BulkResult", "Outcome", "run_each"]

Outcome = Literal["ok", "error", "unknown", "not_run"]


@dataclass(frozen=True)
class BulkItem:
    """The outcome of one input item: ``ok`` with its value, ``error``, ``unknown`` (may have been written:
    the answer was lost) or ``not_run``."""

    index: int
    key: Any
    outcome: Outcome
    value: Any = None
    error: Bitrix24Error | None = None


@dataclass(frozen=True)
class BulkResult:
    """Per-item outcomes of a bulk write, in input order."""

    items: list[BulkItem] = field(default_factory=list)

    def __iter__(self) -> Iterator[BulkItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def ok(self) -> list[BulkItem]:
        """Items written."""
        return [i for i in self.items if i.outcome == "ok"]

    @property
    def failed(self) -> list[BulkItem]:
        """Items the portal refused (nothing written)."""
        return [i for i in self.items if i.outcome == "error"]

    @property
    def unknown(self) -> list[BulkItem]:
        """Items whose outcome is unknown: check the portal before writing them again."""
        return [i for i in self.items if i.outcome == "unknown"]

    @property
    def not_run(self) -> list[BulkItem]:
        """Items never sent (a fatal error stopped the run)."""
        return [i for i in self.items if i.outcome == "not_run"]

    @property
    def all_ok(self) -> bool:
        """Every item was written."""
        return all(i.outcome == "ok" for i in self.items)

    @property
    def values(self) -> list[Any]:
        """The values of the written items (new ids for ``add_many``), in input order."""
        return [i.value for i in self.items if i.outcome == "ok"]

    def raise_for_errors(self) -> None:
        """Raise the first item's error unless every item was written."""
        for item in self.items:
            if item.outcome != "ok":
                if item.error is not None:
                    raise item.error
                raise Bitrix24Error(f"item {item.index} ({item.key!r}) was not run")


def _unknown(error: Bitrix24Error) -> bool:
    """Whether the item may have been written: an unknown outcome, a lost or unreadable answer.

    A refusal (an API error, ``false`` answered to an update, a redirect not followed, a token refresh
    that failed after ``expired_token``) is an ``error``: nothing was written.
    """
    if isinstance(error, OutcomeUnknownError):
        return True
    return leaves_outcome_unknown(error)


#: With a progress bar, items go in waves of this many (20 parallel requests of 50, under half the standard
#: plan's burst) so the bar can move; without one, every chunk is one ``Parallel`` paced by the limiter.
_WAVE = 1000


def run_each(
    keys: Sequence[Any], make: Callable[[Any], Call[Any]], *, progress: str | None = None
) -> Flow[BulkResult]:
    """One call per key, sent in ``batch`` requests of 50 (chunks in parallel); one outcome per key.

    The chunks go as one ``Parallel``: the client sends as many at once as its limiter lets through now
    (a fresh standard bucket: 40 requests for 2,000 items) and the rest as the bucket drains.

    ``progress`` (a label) shows a bar advancing as each wave of requests returns.
    """
    if not keys:
        return BulkResult([])
    calls = [make(key) for key in keys]
    outcomes: list[BatchOutcome[Any]] = []
    if progress is None:
        outcomes = yield Batch(calls)
    else:
        bar = progress_bars.open_bar(progress, len(calls), "items")
        try:
            for start in range(0, len(calls), _WAVE):
                wave: list[BatchOutcome[Any]] = yield Batch(calls[start : start + _WAVE])
                outcomes.extend(wave)
                bar.update(len(wave))
        finally:
            bar.close()
    items: list[BulkItem] = []
    for index, (key, outcome) in enumerate(zip(keys, outcomes, strict=True)):
        error = outcome.error
        if error is None:
            items.append(BulkItem(index, key, "ok", value=outcome.value))
        elif isinstance(error, NotRunError):
            items.append(BulkItem(index, key, "not_run", error=error))
        else:
            items.append(BulkItem(index, key, "unknown" if _unknown(error) else "error", error=error))
    return BulkResult(items)
