"""Call coalescing: single calls made concurrently go to the portal together, 50 to a ``batch`` request.

``asyncio.gather(*(b24.call("crm.deal.get", {"id": i}) for i in ids))`` on an :class:`AsyncBitrix24` makes
``len(ids) / 50`` requests instead of ``len(ids)``: the calls that arrive within one event-loop turn (or
within ``window`` seconds) are collected and sent as batches, and each caller gets its own answer or its
own error. :class:`Deferred` gives the synchronous client the same through an explicit block.

A coalesced call behaves as if it had been sent alone (same value, same error class, code, status, method
and message), with one difference: it costs a share of one request. So the retry policy is applied per
call as well:

- a batch of reads only is retried like a read; a batch that contains a write is never repeated after an
  ambiguous failure (timeout, reset, 5xx, truncated answer): each write gets its own
  :class:`~bitrix24_toolkit.errors.OutcomeUnknownError`, and each read, which a lone call would have
  retried, is sent again alone;
- a call whose own answer in the batch is one the policy repeats (``OPERATION_TIME_LIMIT``, a read's 5xx)
  is sent again alone, with the policy's waits and attempts;
- a call that refers to another call's result (``$result[...]``) is never put into a batch: it means
  something only in the batch it was written for.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ..errors import Bitrix24Error, OutcomeUnknownError
from ..protocol.batch import MAX_BATCH, BatchChunk, Outcome, has_references
from ..protocol.call import Call, Parallel
from ..protocol.envelope import APIResponse
from ..protocol.reads import is_read_call
from ..protocol.rows import chunked
from .retry import RetryPolicy

if TYPE_CHECKING:
    from .sync_engine import SyncEngine

__all__ = ["Coalescer", "Deferred", "Pending"]

T = TypeVar("T")
P = TypeVar("P")


def _raw(response: APIResponse) -> APIResponse:
    return response


def _raw_chunks(calls: Sequence[Call[Any]]) -> list[BatchChunk]:
    """The calls in chunks of at most 50, each answering its raw :class:`APIResponse` (the caller parses it,
    as for a call sent alone) and marked a read or a write once, by its own mark or its name."""
    return [
        BatchChunk(
            [
                (f"q{i}", Call(call.method, call.params, parse=_raw, read_only=is_read_call(call)))
                for i, call in enumerate(part)
            ]
        )
        for part in chunked(calls, MAX_BATCH)
    ]


def _settle(
    chunk: BatchChunk, result: Mapping[str, Outcome[Any]] | Bitrix24Error, policy: RetryPolicy | None
) -> list[tuple[Outcome[Any], bool]]:
    """Each call's outcome from its chunk's result, and whether to send the call again alone.

    Again: a read whose batch was given up (not repeated) because of a write in it, and a call whose own
    error in the answer is one the retry policy repeats. A chunk that failed after its own retries (reads
    only), or with an error no policy repeats, is final.
    """
    if isinstance(result, Bitrix24Error):
        outcomes: Mapping[str, Outcome[Any]] = chunk.failed(result)
        repeatable = isinstance(result, OutcomeUnknownError)  # the request was not repeated: its writes
    else:
        outcomes, repeatable = result, True
    settled = []
    for key, call in chunk.calls:
        outcome = outcomes[key]
        again = (
            repeatable
            and outcome.error is not None
            and policy is not None
            and policy.attempts > 1
            and policy.retryable(outcome.error, read=is_read_call(call))
        )
        settled.append((outcome, again))
    return settled


def _batchable(items: Sequence[P], call_of: Callable[[P], Call[Any]]) -> tuple[list[P], list[P]]:
    """``(to batch, to send alone)``: a call with references goes alone, and so does a lone call."""
    together = [item for item in items if not has_references(call_of(item))]
    alone = [item for item in items if has_references(call_of(item))]
    if len(together) == 1:
        alone, together = together + alone, []
    return together, alone


class Coalescer:
    """Collects single calls for one event-loop turn (or ``window`` seconds) and sends them in batches.

    ``send`` sends one call alone (with the client's retries), ``send_chunks`` several ``batch`` calls
    concurrently (each a value or its error); ``policy`` gives the client's current retry policy (``None``:
    a call is never sent again alone).
    """

    def __init__(
        self,
        send: Callable[[Call[Any]], Awaitable[APIResponse]],
        send_chunks: Callable[[Sequence[Call[Any]]], Awaitable[list[Any]]],
        *,
        window: float = 0.0,
        policy: Callable[[], RetryPolicy] | None = None,
    ) -> None:
        self._send = send
        self._send_chunks = send_chunks
        self._policy = policy
        self.window = window
        self._pending: list[tuple[Call[Any], asyncio.Future[APIResponse]]] = []
        self._scheduled = False
        self._tasks: set[asyncio.Future[None]] = set()
        #: how many calls went out inside batches, and in how many requests (for users and tests)
        self.coalesced_calls = 0
        self.batch_requests = 0

    def submit(self, call: Call[Any]) -> asyncio.Future[APIResponse]:
        """Queue a call; the future resolves with its answer (or its error) once its batch returns."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[APIResponse] = loop.create_future()
        self._pending.append((call, future))
        if not self._scheduled:
            self._scheduled = True
            if self.window > 0:
                loop.call_later(self.window, self._flush)
            else:
                loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        pending, self._pending, self._scheduled = self._pending, [], False
        together, alone = _batchable(pending, lambda item: item[0])
        for call, future in alone:
            self._keep(asyncio.ensure_future(self._single(call, future)))
        if together:
            self._keep(asyncio.ensure_future(self._many(together)))

    def _keep(self, task: asyncio.Future[None]) -> None:
        """Hold a reference until the task ends (the loop only keeps weak ones)."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _single(self, call: Call[Any], future: asyncio.Future[APIResponse]) -> None:
        try:
            response = await self._send(call)
        except BaseException as exc:  # its error, or cancellation or a bug: the caller must not hang
            if not future.done():
                future.set_exception(exc)
        else:
            if not future.done():
                future.set_result(response)

    async def _many(self, pending: list[tuple[Call[Any], asyncio.Future[APIResponse]]]) -> None:
        chunks = _raw_chunks([call for call, _ in pending])
        self.coalesced_calls += len(pending)
        self.batch_requests += len(chunks)
        try:
            results = await self._send_chunks([chunk.call() for chunk in chunks])
        except BaseException as exc:
            for _, future in pending:
                if not future.done():
                    future.set_exception(exc)
            return
        policy = self._policy() if self._policy is not None else None
        again: list[tuple[Call[Any], asyncio.Future[APIResponse]]] = []
        for chunk, group, result in zip(chunks, chunked(pending, MAX_BATCH), results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, Bitrix24Error):
                for _, future in group:
                    if not future.done():
                        future.set_exception(result)
                continue
            for (call, future), (outcome, resend) in zip(group, _settle(chunk, result, policy), strict=True):
                if future.done():
                    continue
                if resend:
                    again.append((call, future))
                elif outcome.error is not None:
                    future.set_exception(outcome.error)
                else:
                    future.set_result(cast(APIResponse, outcome.value))
        if again:
            await asyncio.gather(*(self._single(call, future) for call, future in again))


class Pending(Generic[T]):
    """The answer of a call queued in a :class:`Deferred` block; ready when the block ends."""

    def __init__(self, call: Call[T]) -> None:
        self.call = call
        self._outcome: Outcome[T] | None = None

    @property
    def done(self) -> bool:
        """The block has ended and this call has its outcome."""
        return self._outcome is not None

    @property
    def outcome(self) -> Outcome[T]:
        """The outcome (value or error); raises if the block has not ended yet."""
        if self._outcome is None:
            raise RuntimeError(f"{self.call.method}: the deferred block has not been sent yet")
        return self._outcome

    def result(self) -> T:
        """The value, or raise the call's own error."""
        return self.outcome.unwrap()

    def _resolve(self, outcome: Outcome[T]) -> None:
        self._outcome = outcome


def _together(calls: Sequence[Call[Any]]) -> Generator[Parallel, Any, list[Any]]:
    """A flow that sends ``calls`` concurrently: each call's value or its error."""
    results: list[Any] = yield Parallel(calls)
    return results


class Deferred:
    """``with b24.deferred() as d:`` queue calls with ``d.call(...)``/``d.run(...)``; on exit they are sent
    in batches of 50 and each :class:`Pending` gets its own value or error, as the call would alone (the
    rules of the module docstring: same errors, reads repeated, writes never)."""

    def __init__(self, client: SyncEngine) -> None:
        self._client = client
        self._pending: list[Pending[Any]] = []

    def call(self, method: str, params: Mapping[str, Any] | None = None) -> Pending[Any]:
        """Queue any REST method; its ``result`` arrives when the block ends."""
        return self.run(self._client._raw(method, params or {}))

    def run(self, call: Call[T]) -> Pending[T]:
        """Queue a typed call."""
        pending: Pending[T] = Pending(call)
        self._pending.append(pending)
        return pending

    def send(self) -> None:
        """Send what is queued now (also done when the block ends)."""
        queued, self._pending = self._pending, []
        if not queued:
            return
        # the calls' own checks (a list call's field names) first: nothing is sent if one is refused
        self._client._precheck([pending.call for pending in queued])
        keys = {id(pending): f"c{index}" for index, pending in enumerate(queued)}
        together, alone = _batchable(queued, lambda pending: pending.call)
        client = self._client
        chunks = _raw_chunks([pending.call for pending in together])
        results = client.run(_together([chunk.call() for chunk in chunks])) if chunks else []
        for chunk, group, result in zip(chunks, chunked(together, MAX_BATCH), results, strict=True):
            for pending, (outcome, resend) in zip(group, _settle(chunk, result, client.retry), strict=True):
                if resend:
                    alone.append(pending)
                else:
                    pending._resolve(self._parsed(pending.call, keys[id(pending)], outcome))
        for pending in alone:
            key = keys[id(pending)]
            try:
                value = client.run(pending.call)
            except Bitrix24Error as exc:
                pending._resolve(Outcome(key, pending.call.method, error=exc))
            else:
                pending._resolve(Outcome(key, pending.call.method, value=value))

    def _parsed(self, call: Call[T], key: str, outcome: Outcome[Any]) -> Outcome[T]:
        """The outcome of ``call`` with its raw answer parsed, as the client parses a call sent alone."""
        if outcome.error is not None:
            return dataclasses.replace(outcome, key=key)
        try:
            value = self._client._value(call, cast(APIResponse, outcome.value))
        except Bitrix24Error as exc:
            return Outcome(key, call.method, error=exc)
        return Outcome(key, call.method, value=value)

    def __enter__(self) -> Deferred:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.send()
