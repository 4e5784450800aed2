"""Bulk writes that lose nothing: one outcome per input item (written, failed, unknown, not run)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import (
    AuthenticationError,
    Bitrix24Error,
    MethodNotFoundError,
    OutcomeUnknownError,
    OverloadError,
    PermissionDeniedError,
    RequestTimeout,
    ResponseFormatError,
    TransportError,
)
from ..protocol.call import Call, Flow

__all__ = ["BulkItem", "BulkResult", "Outcome", "run_each"]

Outcome = Literal["ok", "error", "unknown", "not_run"]

#: Errors after which every following item would fail the same way: stop and mark the rest ``not_run``.
_FATAL = (AuthenticationError, PermissionDeniedError, MethodNotFoundError, OverloadError)


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
    if isinstance(error, OutcomeUnknownError | RequestTimeout | ResponseFormatError):
        return True
    return isinstance(error, TransportError) and error.sent


def run_each(keys: Sequence[Any], make: Callable[[Any], Call[Any]]) -> Flow[BulkResult]:
    """Send one call per key, record each outcome; stop at errors that would repeat for every item."""
    items: list[BulkItem] = []
    for index, key in enumerate(keys):
        try:
            value = yield make(key)
        except Bitrix24Error as exc:
            outcome: Outcome = "unknown" if _unknown(exc) else "error"
            items.append(BulkItem(index, key, outcome, error=exc))
            if isinstance(exc, _FATAL):
                items.extend(BulkItem(i, k, "not_run") for i, k in enumerate(keys[index + 1 :], index + 1))
                break
            continue
        items.append(BulkItem(index, key, "ok", value=value))
    return BulkResult(items)
