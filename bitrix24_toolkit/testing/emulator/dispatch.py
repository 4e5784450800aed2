"""Running one emulated method: handler lookup, error mapping and the portal's envelopes.

:func:`invoke` runs a registered handler and returns an :class:`Outcome` (value or error, paging figures);
:func:`envelope` turns an outcome into the JSON payload a portal sends. :func:`execute` does both, with a
plain ``time`` block, for method modules and tests that do not need the full :class:`~.portal.Emulator`
(no limits, no cost model, no faults).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import pkgutil
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .registry import REGISTRY, Ctx, ListResult, PortalError

if TYPE_CHECKING:
    from .state import PortalState

__all__ = [
    "DEFAULT_PROCESSING",
    "Outcome",
    "envelope",
    "execute",
    "invoke",
    "load_methods",
    "method_not_found",
    "time_block",
]

log = logging.getLogger(__name__)

#: modelled server time of a call when no cost model is configured (fixed, so runs are deterministic)
DEFAULT_PROCESSING = 0.001
#: length of the operating-time window, seconds
OPERATING_WINDOW = 600

_loaded = False
_load_lock = threading.Lock()


def load_methods() -> None:
    """Import every module of the ``methods`` package once, so all handlers are registered."""
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if _loaded:
            return
        from . import methods

        for info in sorted(pkgutil.iter_modules(methods.__path__), key=lambda m: m.name):
            # spelled from __package__ so a static scan (tests/test_layers.py) sees it stays in testing
            importlib.import_module(f"{__package__}.methods.{info.name}")
        _loaded = True


def method_not_found() -> PortalError:
    """The answer to an unknown method (also what a portal says when the module is absent)."""
    return PortalError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)


@dataclass
class Outcome:
    """The result of one method call, before it becomes an envelope."""

    method: str
    value: Any = None
    error: PortalError | None = None
    total: int | None = None
    next: int | None = None
    rows: int = 0
    counted: int = 0
    skipped: int = 0
    #: modelled server seconds of this call (set by the portal's cost model)
    processing: float = DEFAULT_PROCESSING

    @property
    def status(self) -> int:
        """The HTTP status a portal answers this outcome with."""
        return self.error.status if self.error is not None else 200


def _row_count(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        for key in ("items", "categories"):
            if isinstance(value.get(key), list):
                return len(value[key])
    return 0


def invoke(
    state: PortalState,
    method: str,
    params: dict[str, Any],
    *,
    user_id: int = 1,
    in_batch: bool = False,
    extra: dict[str, Any] | None = None,
) -> Outcome:
    """Run the handler registered for ``method`` (case-insensitive) and capture its value or error."""
    load_methods()
    name = method.strip().lower()
    if name.endswith(".json"):
        name = name[: -len(".json")]
    entry = REGISTRY.get(name)
    if entry is None:
        return Outcome(name, error=method_not_found())
    handler, _scope = entry
    ctx = Ctx(
        state=state, params=params, method=name, user_id=user_id, in_batch=in_batch, extra=dict(extra or {})
    )
    try:
        value = handler(ctx)
    except PortalError as exc:
        return Outcome(name, error=exc)
    except Exception as exc:  # a handler bug: a real portal answers 500 too
        log.exception("emulated method %s failed", name)
        error = PortalError(
            "INTERNAL_SERVER_ERROR", f"Internal server error ({type(exc).__name__}: {exc})", 500
        )
        return Outcome(name, error=error)
    if isinstance(value, ListResult):
        return Outcome(
            name,
            value=value.result,
            total=value.total,
            next=value.next,
            rows=_row_count(value.result),
            counted=value.counted,
            skipped=value.skipped,
        )
    return Outcome(name, value=value, rows=_row_count(value))


def iso(timestamp: float, tz: dt.tzinfo) -> str:
    """A unix timestamp as the portal renders ``date_start``/``date_finish``."""
    return dt.datetime.fromtimestamp(timestamp, tz=tz).replace(microsecond=0).isoformat()


def time_block(
    start: float,
    processing: float,
    tz: dt.tzinfo,
    *,
    operating: float | None = None,
    operating_reset_at: int | None = None,
) -> dict[str, Any]:
    """The ``time`` object; ``operating*`` only when given (batch sub-calls have none)."""
    finish = start + processing
    block: dict[str, Any] = {
        "start": start,
        "finish": finish,
        "duration": processing,
        "processing": processing,
        "date_start": iso(start, tz),
        "date_finish": iso(finish, tz),
    }
    if operating is not None:
        block["operating_reset_at"] = operating_reset_at if operating_reset_at is not None else int(start)
        block["operating"] = operating
    return block


def envelope(outcome: Outcome, time: dict[str, Any] | None) -> dict[str, Any]:
    """The payload of an outcome: error envelope (no ``time``) or ``result``/``next``/``total``/``time``."""
    if outcome.error is not None:
        return outcome.error.payload()
    payload: dict[str, Any] = {"result": outcome.value}
    if outcome.next is not None:
        payload["next"] = outcome.next
    if outcome.total is not None:
        payload["total"] = outcome.total
    if time is not None:
        payload["time"] = time
    return payload


def execute(
    state: PortalState, method: str, params: dict[str, Any], *, user_id: int = 1, in_batch: bool = False
) -> tuple[int, dict[str, Any]]:
    """Run one method and return ``(HTTP status, payload)`` as a portal would (``batch`` included).

    The payload is a JSON round trip of the handler's value, so it never aliases the portal state.
    """
    start = state.clock()
    if method.strip().lower() in ("batch", "batch.json") and not in_batch:
        from .batch import run_batch

        def call(sub_method: str, sub_params: dict[str, Any]) -> Outcome:
            return invoke(state, sub_method, sub_params, user_id=user_id, in_batch=True)

        outcome = run_batch(params, call, state.tz, start)
    else:
        outcome = invoke(state, method, params, user_id=user_id, in_batch=in_batch)
    block = time_block(
        start, DEFAULT_PROCESSING, state.tz, operating=0.0, operating_reset_at=int(start) + OPERATING_WINDOW
    )
    payload = envelope(outcome, block)
    return outcome.status, json.loads(json.dumps(payload, ensure_ascii=False))
