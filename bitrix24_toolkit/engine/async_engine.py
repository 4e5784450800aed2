"""``AsyncEngine``: the asyncio send loop under :class:`~bitrix24_toolkit.AsyncBitrix24` (no namespaces)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar, overload

import httpx

from ..errors import Bitrix24Error, InvalidInputError, short_repr
from ..protocol.batch import Batch, Outcome
from ..protocol.call import (
    Call,
    Flow,
    Headroom,
    KnownFields,
    Parallel,
    Step,
    Stream,
    checks_of,
    drive_flow_async,
    drive_stream_async,
)
from ..protocol.envelope import APIResponse
from .base import DEFAULT_CONCURRENCY, ClientBase, http_limits, parallel_width
from .coalesce import Coalescer
from .core import USER_AGENT, Encoding, NeedRefresh, Pace, Pause, PortalMovedHook, Reply
from .limiter import Limits, aheadroom, apace
from .oauth import OAuth
from .refresh import arun_refresh, refresh_flow, unsaved_flow
from .retry import RetryPolicy, is_read_call
from .settings import webhook_url_from_env

__all__ = ["AsyncEngine"]

T = TypeVar("T")


class AsyncEngine(ClientBase):
    """The engine of :class:`~bitrix24_toolkit.AsyncBitrix24`: the asyncio twin of :class:`SyncEngine`."""

    def __init__(
        self,
        webhook_url: str | None = None,
        *,
        auth: OAuth | None = None,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        encoding: Encoding = "json",
        user_agent: str = USER_AGENT,
        on_portal_moved: PortalMovedHook | None = None,
        check_fields: bool = True,
        limits: Limits = "standard",
        retry: RetryPolicy | None = None,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        coalesce: bool = True,
        coalesce_window: float = 0.0,
    ) -> None:
        self._configure(
            webhook_url,
            auth,
            timeout=timeout,
            encoding=encoding,
            user_agent=user_agent,
            on_portal_moved=on_portal_moved,
            check_fields=check_fields,
            limits=limits,
            retry=retry,
            max_concurrency=max_concurrency,
        )
        if not isinstance(coalesce, bool):
            raise InvalidInputError("coalesce must be True or False", field="coalesce")
        if (
            isinstance(coalesce_window, bool)
            or not isinstance(coalesce_window, int | float)
            or not 0 <= coalesce_window <= 60
        ):  # NaN fails the range check too
            raise InvalidInputError(
                f"coalesce_window must be seconds from 0 to 60, not {short_repr(coalesce_window)}",
                field="coalesce_window",
            )
        #: concurrent single calls are sent together in batches (``None`` when switched off)
        self.coalescer = (
            Coalescer(self._send_direct, self._parallel, window=coalesce_window, policy=lambda: self.retry)
            if coalesce
            else None
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise InvalidInputError(
                f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}",
                field="http_client",
            )
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise InvalidInputError(
                f"transport must be an httpx.AsyncBaseTransport, not {type(transport).__name__}",
                field="transport",
            )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            transport=transport, follow_redirects=False, limits=http_limits(self.max_concurrency)
        )
        #: field descriptions being read now, by key: concurrent checks wait for one read, not one each
        self._field_loads: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]]] = {}

    @classmethod
    def from_env(cls, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Self:
        """A client for ``BITRIX24_WEBHOOK_URL`` from the environment or a ``.env`` file."""
        return cls(webhook_url_from_env(path), **kwargs)

    # ---------------------------------------------------------------------------------------- calls
    async def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call any REST method and return its ``result``."""
        return (await self.call_full(method, params)).result

    async def call_full(self, method: str, params: Mapping[str, Any] | None = None) -> APIResponse:
        """Call any REST method; return the whole answer (``result``, ``total``, ``next``, ``time``)."""
        call = self._raw(method, params or {})
        await self._precheck((call,))  # a known list method's field names
        return await self._send(call)

    @overload
    async def run(self, step: Call[T]) -> T: ...
    @overload
    async def run(self, step: Flow[T]) -> T: ...
    async def run(self, step: Call[T] | Flow[T]) -> T:
        """Execute a call, or pump a flow (a generator of calls) to its return value."""
        if isinstance(step, Call):
            value: T = await self._execute(step)  # its checks first, as for a call inside a flow
            return value
        return await drive_flow_async(step, self._execute)

    def stream(self, flow: Stream[T]) -> AsyncIterator[T]:
        """Iterate a stream flow (e.g. every row of a list) with ``async for``, items as pages arrive."""
        return drive_stream_async(flow, self._execute)

    @overload
    async def batch(
        self, calls: Sequence[Call[Any] | tuple[str, Mapping[str, Any]]], *, halt: bool = False
    ) -> list[Outcome[Any]]: ...
    @overload
    async def batch(
        self, calls: Mapping[str, Call[Any] | tuple[str, Mapping[str, Any]]], *, halt: bool = False
    ) -> dict[str, Outcome[Any]]: ...
    async def batch(
        self,
        calls: Sequence[Call[Any] | tuple[str, Mapping[str, Any]]]
        | Mapping[str, Call[Any] | tuple[str, Mapping[str, Any]]],
        *,
        halt: bool = False,
    ) -> list[Outcome[Any]] | dict[str, Outcome[Any]]:
        """Run calls in ``batch`` requests of 50: one outcome (value or error) per call, in order (batch)."""
        outcomes = await drive_flow_async(Batch.of(calls, halt=halt, raw=self._raw).as_flow(), self._execute)
        if isinstance(calls, Mapping):
            return {outcome.key: outcome for outcome in outcomes}
        return outcomes

    async def _precheck(self, calls: Sequence[Call[Any]]) -> None:
        """Run the calls' own checks (list field names) before any of them is sent."""
        if any(call.checks is not None for call in calls):
            await drive_flow_async(checks_of(calls), self._execute)

    async def _execute(self, step: Step) -> Any:
        if isinstance(step, Call):
            await self._precheck((step,))
            return self._value(step, await self._send(step))
        if isinstance(step, Parallel):
            await self._precheck(step.calls)
            return await self._parallel(step.calls)
        if isinstance(step, Headroom):
            return await aheadroom(self._core.limiter, self.max_concurrency)
        if isinstance(step, KnownFields):
            answered, fields = self._cached_fields(step)
            if answered:
                return fields
            return await self._load_fields(step)
        return await drive_flow_async(step.as_flow(), self._execute)

    async def _load_fields(self, step: KnownFields) -> Any:
        """Read ``step``'s fields once for every check waiting on them now (the cache keeps the value)."""
        loop = asyncio.get_running_loop()
        running = self._field_loads.get(step.key)
        if running is not None and running[0] is loop and not running[1].done():
            return await asyncio.shield(running[1])

        async def load() -> Any:
            fields = self._value(step.load, await self._send(step.load))
            self.field_cache.put(step.key, fields)
            return fields

        task = loop.create_task(load())
        self._field_loads[step.key] = (loop, task)
        try:
            return await asyncio.shield(task)
        finally:
            if task.done() and self._field_loads.get(step.key, (None, None))[1] is task:
                del self._field_loads[step.key]

    async def _parallel(self, calls: Sequence[Call[Any]]) -> list[Any]:
        """Independent calls at the bucket's pace: at most ``max_concurrency`` at once, each booking its slot
        with the portal's limiter before it sends (the burst now, then the drain rate)."""
        gate = asyncio.Semaphore(parallel_width(len(calls), self.max_concurrency))

        async def one(call: Call[Any]) -> Any:
            async with gate:
                try:
                    return self._value(call, await self._send(call))
                except Bitrix24Error as exc:
                    return exc

        return list(await asyncio.gather(*(one(call) for call in calls)))

    async def _send(self, call: Call[Any]) -> APIResponse:
        if self.coalescer is not None and call.method.lower() != "batch":
            return await self.coalescer.submit(call)
        return await self._send_direct(call)

    async def _send_direct(self, call: Call[Any]) -> APIResponse:
        read = is_read_call(call)
        try:
            async for attempt in self.retry.async_retrying(call.method, read):
                with attempt:
                    response = await self._send_once(call)
                    self.field_cache.note(call)
                    return response
        except Bitrix24Error as exc:
            unknown = self.retry.unknown_outcome(exc, method=call.method, read=read)
            if unknown is exc:
                raise
            raise unknown from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _send_once(self, call: Call[Any]) -> APIResponse:
        auth = self._core.auth
        if isinstance(auth, OAuth) and auth.save_due():
            await self._save_unsaved(auth)  # the other processes sharing the store need that pair
        flow = self._core.exchange(call)
        step = next(flow)
        while True:
            reply: Reply = None
            if isinstance(step, Pace):
                assert self._core.limiter is not None
                reply = await apace(self._core.limiter, step)
            elif isinstance(step, Pause):
                await (self.retry.async_sleep or asyncio.sleep)(step.seconds)
            elif isinstance(step, NeedRefresh):
                try:
                    await self._refresh(step.used_token, wait_only=step.wait_only)
                except Bitrix24Error as exc:
                    step = flow.throw(exc)  # the exchange says what the refused call means now
                    continue
            else:
                reply = await self._transmit(step, call.method)
            try:
                step = flow.send(reply)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]

    async def _transmit(self, request: httpx.Request, method: str) -> httpx.Response:
        try:
            return await self._http.send(request, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise self._core.transport_error(exc, method) from exc
        except httpx.InvalidURL as exc:  # httpx could not even read a redirect's Location
            raise self._core.unusable_location(exc, method) from None

    async def _refresh(self, used_token: str, *, wait_only: bool = False) -> None:
        oauth = self._core.auth
        assert isinstance(oauth, OAuth)
        async with oauth.async_lock():
            # wait_only: waited for a refresh in flight, and takes a pair another process saved
            flow = refresh_flow(oauth, used_token, self._core.timeout, wait_only=wait_only)
            await arun_refresh(flow, oauth.store, self._refresh_transmit, self._sleep)

    async def _save_unsaved(self, oauth: OAuth) -> None:
        """Save a refreshed pair whose save failed before the call (a refresh in flight saves it itself)."""
        lock = oauth.async_lock()
        if not lock.locked():
            async with lock:
                await arun_refresh(unsaved_flow(oauth), oauth.store, self._refresh_transmit, self._sleep)

    async def _refresh_transmit(self, request: httpx.Request) -> httpx.Response:
        return await self._transmit(request, "oauth/token")

    async def _sleep(self, seconds: float) -> None:
        await (self.retry.async_sleep or asyncio.sleep)(seconds)

    # ------------------------------------------------------------------------------------ lifecycle
    async def aclose(self) -> None:
        """Close the HTTP connections this client opened."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
