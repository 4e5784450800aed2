"""Several flows run side by side, their independent calls sharing ``batch`` requests of 50 commands.

:func:`gather` steps every flow to its next step, then sends what they ask for in as few requests as the
50-command limit allows: single calls, the calls of reference-free batches, and the pages a flow chains
in a batch of its own (a :class:`~bitrix24_toolkit.protocol.batch.BatchChunk`, kept whole, its
``$result[...]`` references renamed) are packed into shared ``batch`` requests, sent together. Each flow
gets back exactly what it would have got alone (its value, its outcomes, or its error thrown in).

A read asking for its :class:`~bitrix24_toolkit.protocol.call.Headroom` is told ``1`` (the fewest,
fullest requests): the packing here is what saves requests.

An :class:`Elastic` step fills the room the others leave: its ``required`` calls go like a batch, then
``plan(room)`` is asked for at most ``room`` more calls (the free commands of the requests being sent, or
``want`` when nothing else goes): a deletion check asks for as many id ranges as fit.

A nested ``gather(..., nested=True)`` (flows inside one flow) hands its steps up as one :class:`Group`, so
the outermost gather packs every flow's calls together. Steps that cannot be shared (field look-ups,
halting batches, calls that refer to other results) run one at a time. The flows' own code runs between
steps, so a flow that writes a database commits before its next request, as it would alone.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...errors import Bitrix24Error
from ...protocol.batch import MAX_BATCH, Batch, BatchChunk, Outcome, Ref, has_references
from ...protocol.call import Call, Flow, Headroom, Parallel, checks_of

__all__ = ["Elastic", "Group", "gather"]

_REF = re.compile(r"\$result\[([^\]\[]+)\]")
Path = tuple[int, ...]
Reply = tuple[Any, BaseException | None]


@dataclass(frozen=True)
class Elastic:
    """A step: ``required`` calls, then up to ``room`` calls of ``plan(room)`` (``room <= want``); the flow
    gets the outcomes of both, in order (the planned calls last)."""

    required: Sequence[Call[Any]]
    want: int
    plan: Callable[[int], Sequence[Call[Any]]]

    def as_flow(self) -> Flow[list[Outcome[Any]]]:
        """Sent by a runner that is no gather: as a flow alone would send it."""
        outcomes: list[Outcome[Any]] = yield _alone(self)
        return outcomes


@dataclass(frozen=True)
class Group:
    """The steps of a nested :func:`gather`, by flow index; answered with the replies of some of them."""

    steps: Mapping[int, Any]

    def as_flow(self) -> Flow[dict[Path, Reply]]:
        """Sent by a runner that is no gather: resolved as the outermost gather would."""
        return (yield from _resolve(_leaves(self.steps)))


# ------------------------------------------------------------------------------------------- gather
def gather(flows: Sequence[Flow[Any]], *, nested: bool = False) -> Flow[list[Any]]:
    """Run the flows together; their return values in order (the first exception stops them all).

    ``nested=True``: this gather runs inside a flow of an outer gather, which sends its calls."""
    results: list[Any] = [None] * len(flows)
    pending: dict[int, Any] = {}

    def advance(index: int, value: Any = None, error: BaseException | None = None) -> None:
        flow = flows[index]
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            results[index] = stop.value
            return
        pending[index] = step

    try:
        for index in range(len(flows)):
            advance(index)
        while pending:
            if nested:
                replies: dict[Path, Reply] = yield Group(dict(pending))
            else:
                replies = yield from _resolve(_leaves(pending))
            _deliver(pending, replies, advance)
    finally:
        for flow in flows:
            flow.close()
    return results


def _leaves(steps: Mapping[int, Any], prefix: Path = ()) -> list[tuple[Path, Any]]:
    out: list[tuple[Path, Any]] = []
    for index, step in steps.items():
        if isinstance(step, Group):
            out += _leaves(step.steps, (*prefix, index))
        else:
            out.append(((*prefix, index), step))
    return out


def _deliver(pending: dict[int, Any], replies: Mapping[Path, Reply], advance: Any) -> None:
    """Each answered flow goes on: a leaf with its value or error, a nested gather with its replies."""
    by_index: dict[int, dict[Path, Reply]] = {}
    for path, reply in replies.items():
        by_index.setdefault(path[0], {})[path[1:]] = reply
    # the flows whose answers hold no error go on first: what they read is written before an error stops all
    for index, sub in sorted(by_index.items(), key=lambda item: any(map(_failed, item[1].values()))):
        step = pending.pop(index)
        if isinstance(step, Group):
            advance(index, sub)
        else:
            value, error = sub[()]
            advance(index, value, error)


def _failed(reply: Reply) -> bool:
    """Whether a reply carries an error (thrown in, or among the values of a parallel step)."""
    value, error = reply
    return error is not None or (isinstance(value, list) and any(isinstance(v, BaseException) for v in value))


# ----------------------------------------------------------------------------------------- resolving
def _chunk_of(call: Any) -> BatchChunk | None:
    """The chunk behind a ``batch`` call a flow built with :meth:`BatchChunk.call` (``None``: another)."""
    if not isinstance(call, Call) or call.method.lower() != "batch":
        return None
    owner = getattr(call.parse, "__self__", None)
    return owner if isinstance(owner, BatchChunk) and not owner.halt else None


def _plain(call: Any) -> bool:
    return isinstance(call, Call) and call.method.lower() != "batch" and not has_references(call)


def _shareable(step: Any) -> bool:
    if isinstance(step, Call):
        return _plain(step) or _chunk_of(step) is not None
    if isinstance(step, Batch):
        return not step.halt and all(_plain(call) for _, call in step.items())
    if isinstance(step, Parallel):
        return all(_plain(call) or _chunk_of(call) is not None for call in step.calls)
    if isinstance(step, Elastic):
        return all(_plain(call) for call in step.required)
    return False


def _alone(step: Any) -> Any:
    """The step as a flow running alone would send it (an elastic one as a plain batch)."""
    if not isinstance(step, Elastic):
        return step
    used = len(step.required)
    room = step.want if used == 0 else min(step.want, -used % MAX_BATCH)
    return Batch([*step.required, *step.plan(max(0, room))])


def _resolve(leaves: list[tuple[Path, Any]]) -> Flow[dict[Path, Reply]]:
    """Answer the leaves: unshareable ones one at a time (the others wait), else all in shared requests.

    A read asking how many requests it may spread over (:class:`Headroom`) is told one: the requests are
    packed here, and a read spread over partial ranges would need more rounds, not fewer."""
    sized: dict[Path, Reply] = {path: (1, None) for path, step in leaves if isinstance(step, Headroom)}
    if sized:
        return sized
    solo = [(path, step) for path, step in leaves if not _shareable(step)]
    if solo or len(leaves) == 1:
        out: dict[Path, Reply] = {}
        for path, step in solo or leaves:
            try:
                out[path] = ((yield _alone(step)), None)
            except Bitrix24Error as exc:
                out[path] = (None, exc)
        return out
    return (yield from _shared(leaves))


@dataclass
class _Unit:
    """Calls that go into one request together: one call, or a chunk's calls (references inside)."""

    path: Path
    slot: int  # which call of the step: its index in a batch / parallel, else 0
    calls: list[tuple[str, Call[Any]]]
    chunk: bool = False
    keys: list[str] = field(default_factory=list)  # the keys in the shared request


@dataclass
class _Bin:
    units: list[_Unit] = field(default_factory=list)
    used: int = 0


def _units(path: Path, step: Any) -> list[_Unit]:
    if isinstance(step, Call):
        chunk = _chunk_of(step)
        if chunk is not None:
            return [_Unit(path, 0, list(chunk.calls), chunk=True)]
        return [_Unit(path, 0, [("c", step)])]
    if isinstance(step, Batch):
        return [_Unit(path, i, [item]) for i, item in enumerate(step.items())]
    if isinstance(step, Elastic):
        return [_Unit(path, i, [(f"c{i}", call)]) for i, call in enumerate(step.required)]
    units = []
    for i, call in enumerate(step.calls):  # Parallel
        chunk = _chunk_of(call)
        units.append(_Unit(path, i, list(chunk.calls) if chunk else [("c", call)], chunk=chunk is not None))
    return units


def _pack(bins: list[_Bin], unit: _Unit) -> None:
    """Into the first request with room for the whole unit, else into a new one."""
    size = len(unit.calls)
    for box in bins:
        if box.used + size <= MAX_BATCH:
            box.units.append(unit)
            box.used += size
            return
    bins.append(_Bin([unit], size))


def _rooms(elastic: list[tuple[Path, Elastic]], free: int) -> list[int]:
    """The free commands shared by the elastic steps, in proportion to what each wants."""
    wants = [max(0, step.want) for _, step in elastic]
    if sum(wants) <= free:
        return wants
    rooms = [min(1, want) for want in wants] if sum(min(1, w) for w in wants) <= free else [0] * len(wants)
    spare, rest = free - sum(rooms), sum(wants) - sum(rooms)
    rooms = [room + spare * (want - room) // max(1, rest) for room, want in zip(rooms, wants, strict=True)]
    left = free - sum(rooms)
    for i in range(len(rooms)):
        if left and rooms[i] < wants[i]:
            rooms[i] += 1
            left -= 1
    return rooms


def _shared(leaves: list[tuple[Path, Any]]) -> Flow[dict[Path, Reply]]:
    units = [unit for path, step in leaves for unit in _units(path, step)]
    bins: list[_Bin] = []
    for unit in sorted(units, key=lambda u: -len(u.calls)):  # whole chunks first, singles fill the gaps
        _pack(bins, unit)
    elastic = [(path, step) for path, step in leaves if isinstance(step, Elastic)]
    planned: dict[Path, int] = {}
    if elastic:
        free = sum(MAX_BATCH - box.used for box in bins) if bins else sum(s.want for _, s in elastic)
        for (path, step), room in zip(elastic, _rooms(elastic, free), strict=True):
            extra = list(step.plan(room)) if room > 0 else []
            planned[path] = len(extra)
            base = len(step.required)
            for i, call in enumerate(extra):
                _pack(bins, _Unit(path, base + i, [(f"c{base + i}", call)]))
    chunks = [_bin_chunk(box, number) for number, box in enumerate(bins)]
    yield from checks_of(call for chunk in chunks for _, call in chunk.calls)
    answers: list[Any]
    if len(chunks) == 1:
        try:
            answers = [(yield chunks[0].call())]
        except Bitrix24Error as exc:
            answers = [exc]
    else:
        answers = yield Parallel([chunk.call() for chunk in chunks])
    gathered: dict[Path, dict[int, Any]] = {}
    for box, chunk, answer in zip(bins, chunks, answers, strict=True):
        failed = chunk.failed(answer) if isinstance(answer, Bitrix24Error) else None
        got: Mapping[str, Outcome[Any]] = failed if failed is not None else answer
        for unit in box.units:
            gathered.setdefault(unit.path, {})[unit.slot] = _unit_answer(unit, got, answer)
    out: dict[Path, Reply] = {}
    for path, step in leaves:
        out[path] = _step_reply(step, gathered.get(path, {}), planned.get(path, 0))
    return out


def _bin_chunk(box: _Bin, number: int) -> BatchChunk:
    """One shared request: each unit's calls under keys of their own, references renamed to match."""
    calls: list[tuple[str, Call[Any]]] = []
    for at, unit in enumerate(box.units):
        prefix = f"b{number}u{at}"
        names = {key: f"{prefix}_{key}" for key, _ in unit.calls} if unit.chunk else {}
        unit.keys = []
        for key, call in unit.calls:
            shared = names.get(key, prefix)
            unit.keys.append(shared)
            calls.append((shared, _renamed(call, names) if names else call))
    return BatchChunk(calls)


def _renamed(call: Call[Any], names: Mapping[str, str]) -> Call[Any]:
    def swap(match: re.Match[str]) -> str:
        return f"$result[{names.get(match.group(1), match.group(1))}]"

    def walk(value: Any) -> Any:
        if isinstance(value, Ref):
            ref = str.__new__(Ref, _REF.sub(swap, str(value), count=1))
            ref.name = names.get(value.name, value.name)
            return ref
        if isinstance(value, str):
            return _REF.sub(swap, value)
        if isinstance(value, Mapping):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    return dataclasses.replace(call, params=walk(call.params))


def _unit_answer(unit: _Unit, got: Mapping[str, Outcome[Any]], answer: Any) -> Any:
    """A unit's part of a shared answer: its outcomes under their own keys (or the request's error)."""
    if unit.chunk and isinstance(answer, Bitrix24Error):
        return answer
    pairs = zip(unit.calls, unit.keys, strict=True)
    mine = {key: dataclasses.replace(got[shared], key=key) for (key, _), shared in pairs}
    return mine if unit.chunk else next(iter(mine.values()))


def _step_reply(step: Any, parts: Mapping[int, Any], planned: int) -> Reply:
    """What the step's flow gets: as if it had sent the step alone."""
    if isinstance(step, Call):
        part = parts[0]
        if isinstance(part, BaseException):
            return None, part
        if isinstance(part, Outcome):
            return (part.value, None) if part.error is None else (None, part.error)
        return part, None  # a chunk's outcomes by key
    if isinstance(step, Batch | Elastic):
        count = len(step.items()) if isinstance(step, Batch) else len(step.required) + planned
        return [parts[i] for i in range(count)], None
    values = []
    for i in range(len(step.calls)):  # Parallel: each call's value or its error
        part = parts[i]
        if isinstance(part, Outcome):
            part = part.value if part.error is None else part.error
        values.append(part)
    return values, None
