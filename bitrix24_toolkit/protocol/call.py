"""``Call[T]``: one REST method described without I/O, and flows: generators of calls run by any client."""

from __future__ import annotations

import re
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeAlias, TypeVar, runtime_checkable

from ..errors import Bitrix24Error, InvalidInputError
from .envelope import APIResponse

__all__ = [
    "Call",
    "Composite",
    "Emit",
    "Flow",
    "Headroom",
    "KnownFields",
    "Parallel",
    "Pump",
    "Step",
    "Stream",
    "checks_of",
    "collect",
    "drive_flow",
    "drive_flow_async",
    "drive_stream",
    "drive_stream_async",
    "relay",
    "result_of",
    "validate_method",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_METHOD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*")
#: Longer than any real REST method (the longest are about 60 characters).
MAX_METHOD_LENGTH = 100


def validate_method(method: object) -> str:
    """Check a REST method name (``crm.deal.get``) before it goes into a URL; return it unchanged."""
    if isinstance(method, str) and _URLISH.search(method):
        # a URL, a path or a query pasted as the method: it may hold the webhook secret or a token, so
        # nothing of it is quoted
        raise InvalidInputError(
            "invalid REST method name: it looks like a URL, a path or a query (it is not quoted here, as it "
            "may hold a secret); pass the method name only, such as 'crm.deal.get', and the parameters apart",
            field="method",
        )
    if isinstance(method, str) and len(method) > MAX_METHOD_LENGTH:
        raise InvalidInputError(
            f"invalid REST method name {method[:40]!r}... ({len(method)} characters): no REST method is "
            f"longer than {MAX_METHOD_LENGTH}",
            field="method",
        )
    if not isinstance(method, str) or not _METHOD.fullmatch(method):
        shown = repr(method)[:80]
        raise InvalidInputError(
            f"invalid REST method name {shown}: expected dotted words such as 'crm.deal.get'",
            field="method",
        )
    return method


_URLISH = re.compile(r"[/\\?&=#@]|://")


def result_of(response: APIResponse) -> Any:
    """The default parser: the ``result`` value as the portal sent it."""
    return response.result


@dataclass(frozen=True, slots=True)
class Call(Generic[T_co]):
    """A REST call to make: method name, parameters, and how to turn the response into ``T``."""

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    parse: Callable[[APIResponse], T_co] = result_of
    #: True for calls that only read (safe to repeat after an unknown outcome).
    read_only: bool | None = None
    #: for ``*.fields`` calls: the key of what the value describes (``crm.deal``); the running client keeps
    #: the fresh value in its own field cache, which checks writes (see :class:`KnownFields`)
    describes: str | None = None
    #: checks to run before the call is sent (a flow that may yield :class:`KnownFields` and raises
    #: :class:`~bitrix24_toolkit.errors.InvalidInputError`): a list call's filter, select and order keys
    #: against the portal's fields. Every executor runs them first, also for a call inside a batch.
    checks: Callable[[], Generator[Any, Any, None]] | None = field(default=None, compare=False, repr=False)
    #: for list calls: the model its rows parse into with nothing else done to them; the engine then reads
    #: the answer's bytes straight into rows of it (``protocol/typed_pages.py``), and ``parse`` gets them
    rows_model: type[Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        validate_method(self.method)
        if not isinstance(self.params, Mapping):
            raise InvalidInputError(
                f"{self.method}: params must be a mapping (dict), not {type(self.params).__name__}",
                field="params",
            )


def checks_of(calls: Iterable[Call[Any]]) -> Generator[Any, Any, None]:
    """The checks of these calls, one after another (a flow: run it before sending any of them)."""
    for call in calls:
        if call.checks is not None:
            yield from call.checks()


@dataclass(frozen=True, slots=True)
class Parallel:
    """Yielded by a flow: calls with no order between them, sent concurrently under the limiter.

    The flow receives a list, in the same order, of each call's value or its :class:`Bitrix24Error`.
    """

    calls: Sequence[Call[Any]]


@dataclass(frozen=True, slots=True)
class KnownFields:
    """Yielded by a flow that checks a write's fields: the portal's field descriptions for ``key``.

    The running client answers from its own per-portal cache (running ``load`` once to fill it) or with
    ``None`` when its field checks are off; a call factory never remembers a portal. An executor that keeps
    no cache (a test driving a flow by hand) may simply run :meth:`as_flow`.
    """

    #: what the fields describe, e.g. ``crm.deal`` or ``crm.item.2``
    key: str
    #: the ``*.fields`` call that reads them
    load: Call[Any]

    def as_flow(self) -> Generator[Any, Any, Any]:
        """Read the fields with no cache."""
        return (yield self.load)


@dataclass(frozen=True, slots=True)
class Headroom:
    """Yielded by a flow that sizes its requests: how many it may send at once right now.

    The running client answers with what its limiter lets through without waiting (the bucket's room, one
    slot kept as headroom) capped by ``max_concurrency``, so a read can spread over more, smaller requests
    while the bucket is full. An executor that knows no limiter runs :meth:`as_flow`: ``1``, which keeps
    the fewest, fullest requests.
    """

    def as_flow(self) -> Generator[Any, Any, int]:
        """No limiter known: one request at a time."""
        return 1
        yield  # pragma: no cover  (makes this a generator)


@runtime_checkable
class Composite(Protocol):
    """A step that is itself a flow (a :class:`~bitrix24_toolkit.protocol.batch.Batch`): run it in place."""

    def as_flow(self) -> Generator[Any, Any, Any]:
        """The flow that carries the step out."""
        ...


#: What a flow may yield: a call, calls to run concurrently, or a composite step such as a batch.
Step: TypeAlias = "Call[Any] | Parallel | KnownFields | Headroom | Composite"
#: A multi-step operation: yields steps, receives each step's value, returns ``T``.
Flow: TypeAlias = Generator[Step, Any, T]


@dataclass(frozen=True, slots=True)
class Emit(Generic[T_co]):
    """Yielded by a stream flow: items to hand to the caller now (e.g. one page of a list)."""

    items: Sequence[T_co]
    #: the number of items the whole stream will give, when the portal said (for progress bars)
    total: int | None = None


#: A flow that streams: yields calls (receiving their values) and ``Emit`` batches of items for the caller.
Stream: TypeAlias = Generator[
    "Call[Any] | Parallel | KnownFields | Headroom | Composite | Emit[T]", Any, None
]


class Pump(Generic[T]):
    """Steps a flow or a stream: each value goes back in with ``send``, each error with ``throw``.

    The one place that speaks the generator protocol; every driver and every stream wrapper uses it::

        pump = Pump(flow)
        for step in pump:
            pump.answer(execute, step)
        return pump.result
    """

    __slots__ = ("_error", "_flow", "_value", "result")

    def __init__(self, flow: Generator[Any, Any, T]) -> None:
        self._flow = flow
        self._value: Any = None
        self._error: Bitrix24Error | None = None
        #: the flow's return value, once the iteration has ended
        self.result: T | None = None

    def __iter__(self) -> Iterator[Any]:
        while True:
            try:
                step = self._flow.send(self._value) if self._error is None else self._flow.throw(self._error)
            except StopIteration as stop:
                self.result = stop.value
                return
            self._value, self._error = None, None
            yield step

    def reply(self, value: Any) -> None:
        """The value the last step gave (sent in with the next step)."""
        self._value = value

    def fail(self, error: Bitrix24Error) -> None:
        """The error the last step raised (thrown in with the next step)."""
        self._error = error

    def answer(self, execute: Callable[[Any], Any], step: Any) -> None:
        """Run ``step`` with ``execute``; its value or its :class:`Bitrix24Error` goes back in."""
        try:
            self._value = execute(step)
        except Bitrix24Error as exc:
            self._error = exc

    def close(self) -> None:
        """Close the flow (its ``finally`` blocks run)."""
        self._flow.close()


def drive_flow(flow: Flow[T], execute: Callable[[Step], Any]) -> T:
    """Pump a flow with a synchronous executor; errors of a call are thrown into the flow.

    Any other exception (an interrupt, a bug in the executor) closes the flow on its way out, so the
    flow's ``finally`` blocks (a database closed, a lock released) run at once, not at garbage collection.
    """
    pump = Pump(flow)
    try:
        for step in pump:
            pump.answer(execute, step)
    except BaseException:
        pump.close()
        raise
    return pump.result  # type: ignore[return-value]


async def drive_flow_async(flow: Flow[T], execute: Callable[[Step], Awaitable[Any]]) -> T:
    """Pump a flow with an asynchronous executor; errors of a call are thrown into the flow (any other
    exception, a cancellation included, closes the flow on its way out, as :func:`drive_flow` does)."""
    pump = Pump(flow)
    try:
        for step in pump:
            try:
                pump.reply(await execute(step))
            except Bitrix24Error as exc:
                pump.fail(exc)
    except BaseException:
        pump.close()
        raise
    return pump.result  # type: ignore[return-value]


def drive_stream(stream: Stream[T], execute: Callable[[Step], Any]) -> Iterator[T]:
    """Iterate a stream flow with a synchronous executor, yielding its items as they arrive."""
    pump = Pump(stream)
    try:
        for step in pump:
            if isinstance(step, Emit):
                yield from step.items
            else:
                pump.answer(execute, step)
    finally:
        pump.close()


async def drive_stream_async(
    stream: Stream[T], execute: Callable[[Step], Awaitable[Any]]
) -> AsyncIterator[T]:
    """Iterate a stream flow with an asynchronous executor, yielding its items as they arrive."""
    pump = Pump(stream)
    try:
        for step in pump:
            if not isinstance(step, Emit):
                try:
                    pump.reply(await execute(step))
                except Bitrix24Error as exc:
                    pump.fail(exc)
                continue
            for item in step.items:
                yield item
    finally:
        pump.close()


def relay(stream: Stream[T], on_emit: Callable[[Emit[T]], Emit[T] | None]) -> Stream[T]:
    """The same stream seen through ``on_emit``: every call goes up to the runner, every value or error comes
    back down, and each ``Emit`` is handed to ``on_emit``, which passes it on (returns it) or keeps it."""
    pump = Pump(stream)
    try:
        for step in pump:
            if isinstance(step, Emit):
                passed = on_emit(step)
                if passed is not None:
                    yield passed
                continue
            try:
                pump.reply((yield step))
            except Bitrix24Error as exc:
                pump.fail(exc)
    finally:
        pump.close()


def collect(stream: Stream[T]) -> Flow[list[T]]:
    """A flow that runs a stream to its end and returns all its items (``list_all`` from ``iter_all``)."""
    items: list[T] = []

    def keep(emit: Emit[T]) -> None:
        items.extend(emit.items)

    yield from relay(stream, keep)  # type: ignore[misc]
    return items
