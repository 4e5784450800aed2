"""Call coalescing: single calls made concurrently go to the portal together, 50 to a ``batch`` request.

``asyncio.gather(*(b24.call("crm.deal.get", {"id": i}) for i in ids))`` on an :class:`AsyncBitrix24` makes
``len(ids) / 50`` requests instead of ``len(ids)``: the calls that arrive within one event-loop turn (or
within ``window`` seconds) are collected and sent as batches, and each caller gets its own answer or its
own error. :class:`Deferred` gives the synchronous client the same through an explicit block.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..errors import Bitrix24Error
from ..protocol.batch import MAX_BATCH, BatchChunk, Outcome
from ..protocol.call import Call
from ..protocol.envelope import APIResponse

if TYPE_CHECKING:
    from .sync_client import Bitrix24

__all__ = ["Coalescer", "Deferred", "Pending"]

T = TypeVar("T")


def _raw(response: APIResponse) -> APIResponse:
    return response


class Coalescer:
    """Collects single calls for one event-loop turn (or ``window`` seconds) and sends them in batches."""

    def __init__(
        self,
        send: Callable[[Call[Any]], Awaitable[APIResponse]],
        send_chunks: Callable[[Sequence[Call[Any]]], Awaitable[list[Any]]],
        *,
        window: float = 0.0,
    ) -> None:
        self._send = send
        self._send_chunks = send_chunks
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
        if len(pending) == 1:
            call, future = pending[0]
            self._keep(asyncio.ensure_future(self._single(call, future)))
        elif pending:
            self._keep(asyncio.ensure_future(self._many(pending)))

    def _keep(self, task: asyncio.Future[None]) -> None:
        """Hold a reference until the task ends (the loop only keeps weak ones)."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _single(self, call: Call[Any], future: asyncio.Future[APIResponse]) -> None:
        try:
            response = await self._send(call)
        except Bitrix24Error as exc:
            if not future.done():
                future.set_exception(exc)
        except BaseException as exc:  # cancellation or a bug: the caller must not hang
            if not future.done():
                future.set_exception(exc)
        else:
            if not future.done():
                future.set_result(response)

    async def _many(self, pending: list[tuple[Call[Any], asyncio.Future[APIResponse]]]) -> None:
        chunks: list[list[tuple[Call[Any], asyncio.Future[APIResponse]]]] = [
            pending[i : i + MAX_BATCH] for i in range(0, len(pending), MAX_BATCH)
        ]
        batch_calls = [
            BatchChunk(
                [
                    (f"q{i}", Call(call.method, call.params, parse=_raw, read_only=call.read_only))
                    for i, (call, _) in enumerate(chunk)
                ]
            ).call()
            for chunk in chunks
        ]
        self.coalesced_calls += len(pending)
        self.batch_requests += len(batch_calls)
        try:
            results = await self._send_chunks(batch_calls)
        except BaseException as exc:
            for _, future in pending:
                if not future.done():
                    future.set_exception(exc)
            return
        for chunk, result in zip(chunks, results, strict=True):
            for index, (_, future) in enumerate(chunk):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                    continue
                outcome: Outcome[APIResponse] = result[f"q{index}"]
                if outcome.error is not None:
                    future.set_exception(outcome.error)
                else:
                    future.set_result(outcome.value)  # type: ignore[arg-type]


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


class Deferred:
    """``with b24.deferred() as d:`` queue calls with ``d.call(...)``/``d.run(...)``; on exit they are sent
    in batches of 50 and each :class:`Pending` gets its own value or error."""

    def __init__(self, client: Bitrix24) -> None:
        self._client = client
        self._pending: list[Pending[Any]] = []

    def call(self, method: str, params: Mapping[str, Any] | None = None) -> Pending[Any]:
        """Queue any REST method; its ``result`` arrives when the block ends."""
        return self.run(Call(method, params or {}))

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
        outcomes = self._client.batch([p.call for p in queued])
        for pending, outcome in zip(queued, outcomes, strict=True):
            pending._resolve(outcome)

    def __enter__(self) -> Deferred:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.send()
