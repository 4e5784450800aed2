"""``SyncEngine``: the synchronous send loop under :class:`~bitrix24_toolkit.Bitrix24` (no namespaces)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Self, TypeVar, overload

import httpx

from ..errors import Bitrix24Error, InvalidInputError
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
    drive_flow,
    drive_stream,
)
from ..protocol.envelope import APIResponse
from .base import DEFAULT_CONCURRENCY, ClientBase, http_limits, parallel_width
from .coalesce import Deferred
from .core import USER_AGENT, Encoding, NeedRefresh, Pace, Pause, PortalMovedHook, Reply
from .limiter import Limits, headroom, pace
from .oauth import OAuth
from .refresh import refresh_flow, run_refresh, unsaved_flow
from .retry import RetryPolicy, is_read_call
from .settings import webhook_url_from_env

__all__ = ["SyncEngine"]

T = TypeVar("T")


class SyncEngine(ClientBase):
    """The engine of :class:`~bitrix24_toolkit.Bitrix24`: calls, flows, batches, retries, limits, auth.

    It knows no REST area: the typed namespaces (``.crm``, ``.user``) are added by the facade above it.
    With no URL and no ``auth`` it reads ``BITRIX24_WEBHOOK_URL``. Pass ``transport`` (an httpx
    transport, e.g. the emulator's) or a ready ``http_client``; a client you pass is not closed by us.
    """

    def __init__(
        self,
        webhook_url: str | None = None,
        *,
        auth: OAuth | None = None,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        encoding: Encoding = "json",
        user_agent: str = USER_AGENT,
        on_portal_moved: PortalMovedHook | None = None,
        check_fields: bool = True,
        limits: Limits = "standard",
        retry: RetryPolicy | None = None,
        max_concurrency: int = DEFAULT_CONCURRENCY,
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
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise InvalidInputError(
                f"http_client must be an httpx.Client, not {type(http_client).__name__}", field="http_client"
            )
        if transport is not None and not isinstance(transport, httpx.BaseTransport):
            raise InvalidInputError(
                f"transport must be an httpx.BaseTransport, not {type(transport).__name__}", field="transport"
            )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            transport=transport, follow_redirects=False, limits=http_limits(self.max_concurrency)
        )

    @classmethod
    def from_env(cls, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Self:
        """A client for ``BITRIX24_WEBHOOK_URL`` from the environment or a ``.env`` file."""
        return cls(webhook_url_from_env(path), **kwargs)

    # ---------------------------------------------------------------------------------------- calls
    def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call any REST method and return its ``result``."""
        return self.call_full(method, params).result

    def call_full(self, method: str, params: Mapping[str, Any] | None = None) -> APIResponse:
        """Call any REST method; return the whole answer (``result``, ``total``, ``next``, ``time``)."""
        call = self._raw(method, params or {})
        self._precheck((call,))  # a known list method's field names
        return self._send(call)

    @overload
    def run(self, step: Call[T]) -> T: ...
    @overload
    def run(self, step: Flow[T]) -> T: ...
    def run(self, step: Call[T] | Flow[T]) -> T:
        """Execute a call, or pump a flow (a generator of calls) to its return value."""
        if isinstance(step, Call):
            value: T = self._execute(step)  # its checks first, as for a call inside a flow
            return value
        return drive_flow(step, self._execute)

    def stream(self, flow: Stream[T]) -> Iterator[T]:
        """Iterate a stream flow (e.g. every row of a list), items as their pages arrive."""
        return drive_stream(flow, self._execute)

    @overload
    def batch(
        self, calls: Sequence[Call[Any] | tuple[str, Mapping[str, Any]]], *, halt: bool = False
    ) -> list[Outcome[Any]]: ...
    @overload
    def batch(
        self, calls: Mapping[str, Call[Any] | tuple[str, Mapping[str, Any]]], *, halt: bool = False
    ) -> dict[str, Outcome[Any]]: ...
    def batch(
        self,
        calls: Sequence[Call[Any] | tuple[str, Mapping[str, Any]]]
        | Mapping[str, Call[Any] | tuple[str, Mapping[str, Any]]],
        *,
        halt: bool = False,
    ) -> list[Outcome[Any]] | dict[str, Outcome[Any]]:
        """Run calls in ``batch`` requests of 50: one outcome (value or error) per call, in order (batch)."""
        outcomes = drive_flow(Batch.of(calls, halt=halt, raw=self._raw).as_flow(), self._execute)
        if isinstance(calls, Mapping):
            return {outcome.key: outcome for outcome in outcomes}
        return outcomes

    def deferred(self) -> Deferred:
        """``with b24.deferred() as d:`` queued ``d.call(...)`` calls go out together in batches (batch)."""
        return Deferred(self)

    def _precheck(self, calls: Sequence[Call[Any]]) -> None:
        """Run the calls' own checks (list field names) before any of them is sent."""
        if any(call.checks is not None for call in calls):
            drive_flow(checks_of(calls), self._execute)

    def _execute(self, step: Step) -> Any:
        if isinstance(step, Call):
            self._precheck((step,))
            return self._value(step, self._send(step))
        if isinstance(step, Parallel):
            self._precheck(step.calls)
            return self._parallel(step.calls)
        if isinstance(step, Headroom):
            return headroom(self._core.limiter, self.max_concurrency)
        if isinstance(step, KnownFields):
            answered, fields = self._cached_fields(step)
            if not answered:
                fields = self._value(step.load, self._send(step.load))
                self.field_cache.put(step.key, fields)
            return fields
        return drive_flow(step.as_flow(), self._execute)

    def _parallel(self, calls: Sequence[Call[Any]]) -> list[Any]:
        """Independent calls at the bucket's pace: up to ``max_concurrency`` workers, each booking its slot.

        Every worker books a slot with the portal's limiter before it sends (``core.exchange``): as many
        requests as the bucket holds now go at once, the rest wait for the slots the drain frees, in
        booking order, so several clients of one portal stay under its bucket together.
        """

        def one(call: Call[Any]) -> Any:
            try:
                return self._value(call, self._send(call))
            except Bitrix24Error as exc:
                return exc

        workers = parallel_width(len(calls), self.max_concurrency)
        if workers <= 1:
            return [one(call) for call in calls]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="b24-parallel") as pool:
            return list(pool.map(one, calls))

    def _send(self, call: Call[Any]) -> APIResponse:
        read = is_read_call(call)
        try:
            for attempt in self.retry.retrying(call.method, read):
                with attempt:
                    response = self._send_once(call)
                    self.field_cache.note(call)
                    return response
        except Bitrix24Error as exc:
            unknown = self.retry.unknown_outcome(exc, method=call.method, read=read)
            if unknown is exc:
                raise
            raise unknown from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _send_once(self, call: Call[Any]) -> APIResponse:
        auth = self._core.auth
        if isinstance(auth, OAuth) and auth.save_due():
            self._save_unsaved(auth)  # the other processes sharing the store need that pair
        flow = self._core.exchange(call)
        step = next(flow)
        while True:
            reply: Reply = None
            if isinstance(step, Pace):
                assert self._core.limiter is not None
                reply = pace(self._core.limiter, step)
            elif isinstance(step, Pause):
                self.retry.sleep(step.seconds)
            elif isinstance(step, NeedRefresh):
                try:
                    self._refresh(step.used_token, wait_only=step.wait_only)
                except Bitrix24Error as exc:
                    step = flow.throw(exc)  # the exchange says what the refused call means now
                    continue
            else:
                reply = self._transmit(step, call.method)
            try:
                step = flow.send(reply)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]

    def _transmit(self, request: httpx.Request, method: str) -> httpx.Response:
        try:
            return self._http.send(request, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise self._core.transport_error(exc, method) from exc
        except httpx.InvalidURL as exc:  # httpx could not even read a redirect's Location
            raise self._core.unusable_location(exc, method) from None

    def _refresh(self, used_token: str, *, wait_only: bool = False) -> None:
        oauth = self._core.auth
        assert isinstance(oauth, OAuth)
        with oauth.sync_lock:
            # wait_only: waited for a refresh in flight, and takes a pair another process saved
            flow = refresh_flow(oauth, used_token, self._core.timeout, wait_only=wait_only)
            run_refresh(flow, oauth.store, self._refresh_transmit, self.retry.sleep)

    def _save_unsaved(self, oauth: OAuth) -> None:
        """Save a refreshed pair whose save failed before the call (a refresh in flight saves it itself)."""
        if oauth.sync_lock.acquire(blocking=False):
            try:
                run_refresh(unsaved_flow(oauth), oauth.store, self._refresh_transmit, self.retry.sleep)
            finally:
                oauth.sync_lock.release()

    def _refresh_transmit(self, request: httpx.Request) -> httpx.Response:
        return self._transmit(request, "oauth/token")

    # ------------------------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        """Close the HTTP connections this client opened."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
