"""``Call[T]``: one REST method described without I/O, and flows: generators of calls run by any client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeAlias, TypeVar, runtime_checkable

from ..errors import Bitrix24Error, InvalidInputError
from .envelope import APIResponse

__all__ = [
    "Call",
    "Composite",
    "Emit",
    "Flow",
    "Parallel",
    "Step",
    "Stream",
    "collect",
    "drive_flow",
    "drive_flow_async",
    "drive_stream",
    "drive_stream_async",
    "result_of",
    "validate_method",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_METHOD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")


def validate_method(method: object) -> str:
    """Check a REST method name (``crm.deal.get``) before it goes into a URL; return it unchanged."""
    if not isinstance(method, str) or not _METHOD.match(method):
        raise InvalidInputError(
            f"invalid REST method name {method!r}: expected dotted words such as 'crm.deal.get'",
            field="method",
        )
    return method


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

    def __post_init__(self) -> None:
        validate_method(self.method)
        if not isinstance(self.params, Mapping):
            raise InvalidInputError(
                f"{self.method}: params must be a mapping (dict), not {type(self.params).__name__}",
                field="params",
            )


@dataclass(frozen=True, slots=True)
class Parallel:
    """Yielded by a flow: calls with no order between them, sent concurrently under the limiter.

    The flow receives a list, in the same order, of each call's value or its :class:`Bitrix24Error`.
    """

    calls: Sequence[Call[Any]]


@runtime_checkable
class Composite(Protocol):
    """A step that is itself a flow (a :class:`~bitrix24_toolkit.protocol.batch.Batch`): run it in place."""

    def as_flow(self) -> Generator[Any, Any, Any]:
        """The flow that carries the step out."""
        ...


#: What a flow may yield: a call, calls to run concurrently, or a composite step such as a batch.
Step: TypeAlias = "Call[Any] | Parallel | Composite"
#: A multi-step operation: yields steps, receives each step's value, returns ``T``.
Flow: TypeAlias = Generator[Step, Any, T]


def drive_flow(flow: Flow[T], execute: Callable[[Step], Any]) -> T:
    """Pump a flow with a synchronous executor; errors of a call are thrown into the flow."""
    value: Any = None
    error: Bitrix24Error | None = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        try:
            value, error = execute(step), None
        except Bitrix24Error as exc:
            value, error = None, exc


async def drive_flow_async(flow: Flow[T], execute: Callable[[Step], Awaitable[Any]]) -> T:
    """Pump a flow with an asynchronous executor; errors of a call are thrown into the flow."""
    value: Any = None
    error: Bitrix24Error | None = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        try:
            value, error = await execute(step), None
        except Bitrix24Error as exc:
            value, error = None, exc


@dataclass(frozen=True, slots=True)
class Emit(Generic[T_co]):
    """Yielded by a stream flow: items to hand to the caller now (e.g. one page of a list)."""

    items: Sequence[T_co]
    #: the number of items the whole stream will give, when the portal said (for progress bars)
    total: int | None = None


#: A flow that streams: yields calls (receiving their values) and ``Emit`` batches of items for the caller.
Stream: TypeAlias = Generator["Call[Any] | Parallel | Composite | Emit[T]", Any, None]


def drive_stream(stream: Stream[T], execute: Callable[[Step], Any]) -> Iterator[T]:
    """Iterate a stream flow with a synchronous executor, yielding its items as they arrive."""
    value: Any = None
    error: Bitrix24Error | None = None
    try:
        while True:
            try:
                step = stream.send(value) if error is None else stream.throw(error)
            except StopIteration:
                return
            if isinstance(step, Emit):
                value, error = None, None
                yield from step.items
                continue
            try:
                value, error = execute(step), None
            except Bitrix24Error as exc:
                value, error = None, exc
    finally:
        stream.close()


async def drive_stream_async(
    stream: Stream[T], execute: Callable[[Step], Awaitable[Any]]
) -> AsyncIterator[T]:
    """Iterate a stream flow with an asynchronous executor, yielding its items as they arrive."""
    value: Any = None
    error: Bitrix24Error | None = None
    try:
        while True:
            try:
                step = stream.send(value) if error is None else stream.throw(error)
            except StopIteration:
                return
            if isinstance(step, Emit):
                value, error = None, None
                for item in step.items:
                    yield item
                continue
            try:
                value, error = await execute(step), None
            except Bitrix24Error as exc:
                value, error = None, exc
    finally:
        stream.close()


def collect(stream: Stream[T]) -> Flow[list[T]]:
    """A flow that runs a stream to its end and returns all its items (``list_all`` from ``iter_all``)."""
    items: list[T] = []
    value: Any = None
    error: Bitrix24Error | None = None
    while True:
        try:
            step = stream.send(value) if error is None else stream.throw(error)
        except StopIteration:
            return items
        value, error = None, None
        if isinstance(step, Emit):
            items.extend(step.items)
            continue
        try:
            value = yield step
        except Bitrix24Error as exc:
            error = exc
