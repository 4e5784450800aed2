"""Batches without I/O: up to 50 calls in one request, one outcome per call, never a silent gap.

A :class:`Batch` is a list (or a name -> call mapping) of calls. :func:`plan_batch` splits it into chunks of
at most 50 keeping the order, checks ``$result[...]`` references (a reference may only point to an earlier
call of the same chunk), and builds one ``batch`` call per chunk whose parser turns the double-wrapped answer
(reference 2.3: ``result``/``result_error``/``result_total``/``result_next``/``result_time``, each ``[]``
when empty) into an :class:`Outcome` per call: its parsed value, its typed error, or "not run" when
``halt`` stopped the chain.

Every call keeps the failure it would have alone: a sub-error is read like an answer of its own (status
included, see :func:`~bitrix24_toolkit.protocol.envelope.batch_sub_error`), and when the whole request fails
each call gets the error under its own name (:meth:`BatchChunk.failed`). Whether a call may be repeated is
decided in :mod:`.reads` (:func:`is_read_call`, re-exported here), since a ``batch`` is a read only when
every call in it is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from ..errors import (
    Bitrix24Error,
    InvalidInputError,
    OutcomeUnknownError,
    ResponseFormatError,
    leaves_outcome_unknown,
    outcome_unknown,
    short_repr,
    with_method,
)
from .call import Call, Flow, Parallel, checks_of
from .encoding import encode_php_query
from .envelope import MAX_TOTAL, APIResponse, TimeInfo, batch_sub_error, named, snippet_of, unreadable_result
from .reads import READ_METHODS, is_read_call, is_read_method
from .rows import chunked

__all__ = [
    "MAX_BATCH",
    "READ_METHODS",
    "Batch",
    "BatchChunk",
    "NotRunError",
    "Outcome",
    "Ref",
    "has_references",
    "is_read_call",
    "is_read_method",
    "plan_batch",
    "run_batch",
]

T = TypeVar("T")
MAX_BATCH: Final = 50
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REF = re.compile(r"\$result\[([^\]\[]+)\]")


class Ref(str):
    """A reference to an earlier call's result in the same batch: ``Ref("lead", "ID")`` is
    ``$result[lead][ID]``; for lists index first: ``Ref("page", 49, "ID")``."""

    name: str

    def __new__(cls, name: str, *path: str | int) -> Ref:
        if not _KEY.match(name):
            raise InvalidInputError(f"batch reference name {name!r} must be a plain identifier", field="name")
        text = f"$result[{name}]" + "".join(f"[{part}]" for part in path)
        ref = super().__new__(cls, text)
        ref.name = name
        return ref


class NotRunError(Bitrix24Error):
    """The call was not run: ``halt`` stopped the batch at an earlier error."""

    def __init__(self, method: str) -> None:
        super().__init__(f"{method}: not run (the batch was halted by an earlier error)")
        self.method = method


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What happened to one call of a batch: ``value`` or ``error`` (``NotRunError`` if it did not run)."""

    key: str
    method: str
    value: T | None = None
    error: Bitrix24Error | None = None

    @property
    def ok(self) -> bool:
        """The call succeeded."""
        return self.error is None

    @property
    def ran(self) -> bool:
        """The portal ran the call (with or without success)."""
        return not isinstance(self.error, NotRunError)

    def unwrap(self) -> T:
        """The value, or raise the call's error."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


@dataclass(frozen=True)
class Batch:
    """Calls to send together: a list (keys ``c0``, ``c1`` ...) or a name -> call mapping."""

    calls: Sequence[Call[Any]] | Mapping[str, Call[Any]]
    halt: bool = False

    @classmethod
    def of(
        cls,
        calls: Sequence[Call[Any] | tuple[str, Mapping[str, Any]]]
        | Mapping[str, Call[Any] | tuple[str, Mapping[str, Any]]],
        *,
        halt: bool = False,
        raw: Callable[[str, Mapping[str, Any]], Call[Any]] = Call,
    ) -> Batch:
        """A batch of typed calls and/or plain ``(method, params)`` pairs (made into calls by ``raw``)."""
        if isinstance(calls, Mapping):
            return cls({str(k): _as_call(v, raw) for k, v in calls.items()}, halt)
        if isinstance(calls, str | bytes) or not isinstance(calls, Sequence):
            raise InvalidInputError("batch calls must be a list or a dict of calls", field="calls")
        return cls([_as_call(c, raw) for c in calls], halt)

    def as_flow(self) -> Flow[list[Outcome[Any]]]:
        """Run the batch: chunks of 50, independent chunks concurrently (halted batches in order)."""
        return run_batch(self)

    def items(self) -> list[tuple[str, Call[Any]]]:
        """``(key, call)`` pairs in order."""
        if isinstance(self.calls, Mapping):
            pairs = [(str(k), c) for k, c in self.calls.items()]
            for key, _ in pairs:
                if not _KEY.match(key):
                    raise InvalidInputError(f"batch key {key!r} must be a plain identifier", field="calls")
            return pairs
        return [(f"c{i}", c) for i, c in enumerate(self.calls)]


@dataclass(frozen=True)
class BatchChunk:
    """At most 50 calls sent as one ``batch`` request."""

    calls: list[tuple[str, Call[Any]]] = field(default_factory=list)
    halt: bool = False

    @property
    def read_only(self) -> bool:
        """Whether the chunk is safe to repeat: every call is a read, each judged by :func:`is_read_call`
        (its own mark, else its name), so a marked read next to an unmarked one still counts as a read."""
        return all(is_read_call(call) for _, call in self.calls)

    def call(self) -> Call[dict[str, Outcome[Any]]]:
        """The ``batch`` call of this chunk."""
        cmd = {key: _command(call) for key, call in self.calls}
        models = {call.rows_model for _, call in self.calls}
        return Call(
            "batch",
            {"halt": 1 if self.halt else 0, "cmd": cmd},
            parse=self.parse,
            read_only=self.read_only,
            rows_model=models.pop() if len(models) == 1 else None,  # every call's rows are of one model
        )

    def parse(self, response: APIResponse) -> dict[str, Outcome[Any]]:
        """One outcome per call from the double-wrapped answer."""
        body = response.result if isinstance(response.result, Mapping) else {}
        results, errors = _as_map(body.get("result")), _as_map(body.get("result_error"))
        totals, nexts, times = (
            _as_map(body.get("result_total")),
            _as_map(body.get("result_next")),
            _as_map(body.get("result_time")),
        )
        outcomes: dict[str, Outcome[Any]] = {}
        halted = False
        for key, call in self.calls:
            if key in errors:
                error = batch_sub_error(errors[key], method=call.method)
                outcomes[key] = Outcome(key, call.method, error=_as_alone(call, error))
                halted = self.halt
            elif key in results:
                sub = APIResponse(
                    result=results[key],
                    total=_int(totals.get(key)),
                    next=_int(nexts.get(key)),
                    time=TimeInfo.from_raw(times.get(key)),
                )
                try:
                    outcomes[key] = Outcome(key, call.method, value=call.parse(sub))
                except Bitrix24Error as exc:
                    outcomes[key] = Outcome(key, call.method, error=named(exc, call.method))
                except Exception as exc:  # an answer of the wrong shape: a typed error, never lost
                    unreadable = unreadable_result(call.method, exc)
                    unreadable.__cause__ = exc
                    outcomes[key] = Outcome(key, call.method, error=unreadable)
            elif halted:  # halt=1 stopped the chain at an earlier error: later calls are absent
                outcomes[key] = Outcome(key, call.method, error=NotRunError(call.method))
            else:  # absent with nothing to halt it: a malformed answer, the call may have run
                missing = _missing(key, call.method, body)
                outcomes[key] = Outcome(key, call.method, error=_as_alone(call, missing))
        return outcomes

    def failed(self, error: Bitrix24Error) -> dict[str, Outcome[Any]]:
        """One outcome per call when the whole ``batch`` request failed with ``error``.

        Each call gets the error under its own name (``.method`` and message, see
        :func:`~bitrix24_toolkit.errors.with_method`). When the request may have run (a timeout, a reset, a
        5xx: the client then gave up with :class:`OutcomeUnknownError` rather than repeat the writes in it),
        each write's outcome is unknown and each read gets the failure itself.
        """
        base = error
        if isinstance(error, OutcomeUnknownError) and isinstance(error.__cause__, Bitrix24Error):
            base = error.__cause__
        return {
            key: Outcome(key, call.method, error=_as_alone(call, with_method(base, call.method)))
            for key, call in self.calls
        }


def _as_alone(call: Call[Any], error: Bitrix24Error) -> Bitrix24Error:
    """What ``call`` raises for ``error`` when sent alone: a write that may have been applied has an unknown
    outcome (the client never repeats it), anything else is the error itself."""
    if is_read_call(call) or not leaves_outcome_unknown(error):
        return error
    return outcome_unknown(error, call.method)


def _missing(key: str, method: str, body: Any) -> ResponseFormatError:
    snippet = snippet_of(repr(body)[:400])
    return ResponseFormatError(
        f"{method}: the batch answer has neither a result nor an error for call {key!r}, so it may or may "
        f"not have run (check the portal before repeating a write): {snippet!r}",
        status_code=None,
        snippet=snippet,
        method=method,
    )


def _command(call: Call[Any]) -> str:
    if call.method.lower() == "batch":
        raise InvalidInputError("a batch cannot contain another batch", field="calls")
    query = encode_php_query(call.params)
    return f"{call.method}?{query}" if query else call.method


def _as_map(value: Any) -> dict[str, Any]:
    """PHP renders an empty map as ``[]`` and a 0..n-1 map as a list: normalise to ``{str: value}``."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}


def _int(value: Any) -> int | None:
    """A command's ``total``/``next``; one no portal could hold is an unreadable answer (a planner would
    otherwise build pages for it until memory runs out)."""
    try:
        number = None if value is None or isinstance(value, bool) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if number is not None and not 0 <= number <= MAX_TOTAL:
        raise ResponseFormatError(
            f"batch: a command's total/next is {number}, which no portal holds (0..{MAX_TOTAL:,})",
            status_code=None,
            snippet=f"total={number}",
            method="batch",
        )
    return number


def _references(call: Call[Any]) -> Iterator[str]:
    stack: list[Any] = [call.params]
    seen: set[int] = set()  # params that contain themselves are refused later, by the encoder
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping | list | tuple):
            if id(value) in seen:
                continue
            seen.add(id(value))
        if isinstance(value, Ref):
            yield value.name
        elif isinstance(value, str):
            yield from _REF.findall(value)
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)


def has_references(call: Call[Any]) -> bool:
    """Whether ``call`` refers to another call's result (``$result[...]``): it then means something only in
    the batch it was written for, so a client never puts it into a batch of its own making."""
    return next(_references(call), None) is not None


def plan_batch(batch: Batch) -> list[BatchChunk]:
    """Split into chunks of at most 50 in order; refuse references that cross a chunk or point forward."""
    pairs = batch.items()
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InvalidInputError("batch keys must be unique", field="calls")
    chunks = [BatchChunk(part, batch.halt) for part in chunked(pairs, MAX_BATCH)]
    position = {key: index for index, key in enumerate(keys)}
    for index, (key, call) in enumerate(pairs):
        for name in _references(call):
            target = position.get(name)
            if target is None:
                raise InvalidInputError(f"batch call {key!r} refers to an unknown call {name!r}", field=key)
            if target >= index:
                raise InvalidInputError(f"batch call {key!r} refers to {name!r}, a later call", field=key)
            if target // MAX_BATCH != index // MAX_BATCH:
                raise InvalidInputError(
                    f"batch call {key!r} refers to {name!r} in another chunk of 50: references cannot cross "
                    "batch requests (move the two calls closer, or split the work in two flows)",
                    field=key,
                )
    return chunks


def _as_call(
    value: Call[Any] | tuple[str, Mapping[str, Any]], raw: Callable[[str, Mapping[str, Any]], Call[Any]]
) -> Call[Any]:
    if isinstance(value, Call):
        return value
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        params = value[1] if value[1] is not None else {}
        if not isinstance(params, Mapping):
            return Call(value[0], params)  # refused by Call with its own message
        return raw(value[0], params)
    raise InvalidInputError(
        f"a batch entry must be a Call or a (method, params) pair, not {short_repr(value, 120)}",
        field="calls",
    )


def _failed(chunk: BatchChunk, error: Bitrix24Error) -> list[Outcome[Any]]:
    return list(chunk.failed(error).values())


def _not_run(chunk: BatchChunk) -> list[Outcome[Any]]:
    return [Outcome(key, call.method, error=NotRunError(call.method)) for key, call in chunk.calls]


def run_batch(batch: Batch) -> Flow[list[Outcome[Any]]]:
    """The flow of a batch: one outcome per call in input order, whatever happened to its chunk."""
    yield from checks_of(call for _, call in batch.items())  # a list call's field names, before anything
    chunks = plan_batch(batch)
    requests = [chunk.call() for chunk in chunks]  # bad params raise here, before anything is sent
    outcomes: list[Outcome[Any]] = []
    if batch.halt or len(chunks) == 1:
        for index, chunk in enumerate(chunks):
            try:
                got: dict[str, Outcome[Any]] = yield requests[index]
                ordered = [got[key] for key, _ in chunk.calls]
            except Bitrix24Error as exc:
                ordered = _failed(chunk, exc)
            outcomes.extend(ordered)
            if batch.halt and any(not o.ok for o in ordered):
                for later in chunks[index + 1 :]:
                    outcomes.extend(_not_run(later))
                break
        return outcomes
    results = yield Parallel(requests)
    for chunk, result in zip(chunks, results, strict=True):
        if isinstance(result, Bitrix24Error):
            outcomes.extend(_failed(chunk, result))
        else:
            outcomes.extend(result[key] for key, _ in chunk.calls)
    return outcomes
