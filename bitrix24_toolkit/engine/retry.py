"""When a failed call may be repeated, and how long to wait: one policy, run by tenacity in both clients.

=================================  ======================================================================
failure                            decision
=================================  ======================================================================
``QUERY_LIMIT_EXCEEDED`` (503)     the call did not run: back off (growing, with jitter) and retry
``OPERATION_TIME_LIMIT`` (429)     the call did not run: wait until the method's budget resets, retry
connection failed before sending   retry (nothing reached the portal); at most ``connect_retries`` times
5xx, timeouts, resets, bad bodies  reads: retry; writes: :class:`OutcomeUnknownError`, **never repeated**
``OVERLOAD_LIMIT``, auth,          never retried
permission, validation errors
=================================  ======================================================================

A method counts as a read when it is in :data:`READ_METHODS` or ends in ``.get``, ``.list`` or
``.fields``; every other method (unknown ones included) counts as a write. A ``batch`` is a read when every
command in it is (calls may also carry their own ``read_only`` mark). That rule lives in
:mod:`bitrix24_toolkit.protocol.batch` (a failed batch splits its outcome by it too) and is re-exported here.

A ``batch`` that contains a write is never repeated after an ambiguous failure: each write in it gets an
:class:`OutcomeUnknownError` of its own and each read the failure itself
(:meth:`~bitrix24_toolkit.protocol.batch.BatchChunk.failed`); a batch of reads only is retried like a read.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    stop_after_attempt,
    stop_after_delay,
)

from ..errors import (
    Bitrix24Error,
    InvalidInputError,
    OperationTimeLimitError,
    RateLimitError,
    ResponseFormatError,
    TransportError,
    leaves_outcome_unknown,
    outcome_unknown,
)
from ..protocol.reads import READ_METHODS, is_read_call, is_read_method
from .redaction import redact

__all__ = ["READ_METHODS", "RetryPolicy", "is_read_call", "is_read_method"]

logger = logging.getLogger("bitrix24_toolkit")


def _not_a_portal(status: int | None) -> bool:
    """A status a plain web server or a wrong path gives for good (4xx but 408/425/429; 501, 505)."""
    if status is None:
        return False
    return (400 <= status < 500 and status not in (408, 425, 429)) or status in (501, 505)


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts, how long in total, and the backoff; ``sleep`` is injectable for tests."""

    attempts: int = 6
    max_total_wait: float = 900.0
    backoff: float = 0.5
    max_backoff: float = 30.0
    #: wait for an operating-time reset only this long; beyond it the 429 is raised
    max_reset_wait: float = 660.0
    #: how often a connection that failed before anything was sent (refused, unknown host, connect
    #: timeout) is tried again; ``None``: like any retryable failure, up to ``attempts - 1`` times
    connect_retries: int | None = None
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] | None = None

    def __post_init__(self) -> None:
        if (
            isinstance(self.attempts, bool)
            or not isinstance(self.attempts, int)
            or not 1 <= self.attempts <= 100
        ):
            raise InvalidInputError(
                f"RetryPolicy.attempts must be an int from 1 to 100, not {self.attempts!r}"[:120],
                field="attempts",
            )
        for name in ("max_total_wait", "backoff", "max_backoff", "max_reset_wait"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < float("inf"):
                raise InvalidInputError(
                    f"RetryPolicy.{name} must be a finite number of seconds >= 0, not {value!r}"[:120],
                    field=name,
                )
        if self.connect_retries is not None and (
            isinstance(self.connect_retries, bool)
            or not isinstance(self.connect_retries, int)
            or not 0 <= self.connect_retries <= 100
        ):
            given = repr(self.connect_retries)[:40]
            raise InvalidInputError(
                f"RetryPolicy.connect_retries must be None or an int from 0 to 100, not {given}",
                field="connect_retries",
            )
        if not callable(self.sleep) or (self.async_sleep is not None and not callable(self.async_sleep)):
            raise InvalidInputError("RetryPolicy.sleep and async_sleep must be functions", field="sleep")

    def retryable(self, error: BaseException, *, read: bool) -> bool:
        """Whether a failed call may be repeated."""
        if isinstance(error, RateLimitError | OperationTimeLimitError):
            return True
        if isinstance(error, TransportError) and not error.sent:
            return True
        if isinstance(error, ResponseFormatError) and _not_a_portal(error.status_code):
            return False  # an HTML 404/405/501 page: a wrong address, which asking again will not fix
        if isinstance(error, Bitrix24Error) and leaves_outcome_unknown(error):
            return read
        return False

    def unknown_outcome(self, error: BaseException, *, method: str, read: bool) -> BaseException:
        """The error to raise for a write that failed in a way that may have applied it."""
        if read or not isinstance(error, Bitrix24Error) or not leaves_outcome_unknown(error):
            return error
        return outcome_unknown(error, method, detail=redact(str(error)))

    def wait_seconds(self, error: BaseException | None, attempt: int) -> float:
        """Seconds before the next attempt."""
        if isinstance(error, OperationTimeLimitError) and error.reset_at is not None:
            return min(self.max_reset_wait, max(1.0, error.reset_at - time.time() + 1.0))
        if isinstance(error, OperationTimeLimitError):
            return min(self.max_reset_wait, 60.0)
        base: float = self.backoff * 2.0 ** max(0, attempt - 1)
        if isinstance(error, RateLimitError) and error.retry_after:
            base = max(base, error.retry_after)
        return min(self.max_backoff, base) * (0.5 + random.random() / 2)  # jitter: 50-100 %

    @staticmethod
    def _not_connected(error: BaseException | None) -> bool:
        return isinstance(error, TransportError) and not error.sent

    def _tenacity_options(self, method: str, read: bool) -> dict[str, Any]:
        connect_failures = 0  # of this one call (a loop is made per call)

        def retry(state: RetryCallState) -> bool:
            nonlocal connect_failures
            error = state.outcome.exception() if state.outcome is not None else None
            if error is None or not self.retryable(error, read=read):
                return False
            if self.connect_retries is not None and self._not_connected(error):
                connect_failures += 1
                return connect_failures <= self.connect_retries
            return True

        def wait(state: RetryCallState) -> float:
            error: BaseException | None = state.outcome.exception() if state.outcome is not None else None
            return self.wait_seconds(error, state.attempt_number)

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome is not None else None
            delay = state.next_action.sleep if state.next_action is not None else 0.0
            most = self.attempts - 1
            if self.connect_retries is not None and self._not_connected(error):
                most = min(most, self.connect_retries)
            logger.warning(
                "%s: %s; retry %d/%d in %.1f s",
                method,
                type(error).__name__,
                state.attempt_number,
                most,
                delay,
            )

        return {
            "retry": retry,
            "wait": wait,
            "stop": stop_after_attempt(self.attempts) | stop_after_delay(self.max_total_wait),
            "before_sleep": before_sleep,
            "reraise": True,
        }

    def retrying(self, method: str, read: bool) -> Retrying:
        """A tenacity loop for one synchronous call."""
        return Retrying(sleep=self.sleep, **self._tenacity_options(method, read))

    def async_retrying(self, method: str, read: bool) -> AsyncRetrying:
        """A tenacity loop for one asynchronous call."""
        options = self._tenacity_options(method, read)
        if self.async_sleep is not None:
            return AsyncRetrying(sleep=self.async_sleep, **options)
        return AsyncRetrying(**options)
