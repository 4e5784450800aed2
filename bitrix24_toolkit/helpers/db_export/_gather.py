"""Several flows run side by side, their independent calls sharing ``batch`` requests.

:func:`gather` steps every flow to its next step; the calls and reference-free batches of all of them go
out as one :class:`~bitrix24_toolkit.protocol.batch.Batch` (50 commands a request), their ``Parallel``
steps as one ``Parallel``; each flow gets back exactly what it would have got alone (its value, its list
of outcomes, or its error thrown in). Steps that cannot be shared (field look-ups, halting batches,
calls that refer to other results) run one at a time. The flows' own code runs between steps, so a flow
that writes a database commits before its next request, as it would alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ...errors import Bitrix24Error
from ...protocol.batch import Batch, Outcome, has_references
from ...protocol.call import Call, Flow, Parallel

__all__ = ["gather"]


def _shareable(step: Any) -> bool:
    if isinstance(step, Call):
        return step.method.lower() != "batch" and not has_references(step)
    if isinstance(step, Batch):
        return not step.halt and not any(has_references(call) for _, call in step.items())
    return isinstance(step, Parallel)


def gather(flows: Sequence[Flow[Any]]) -> Flow[list[Any]]:
    """Run the flows together; their return values in order (the first exception stops them all)."""
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
            solo = [index for index, step in pending.items() if not _shareable(step)]
            if solo or len(pending) == 1:
                for index in solo or list(pending):
                    step = pending.pop(index)
                    try:
                        value = yield step
                    except Bitrix24Error as exc:
                        advance(index, error=exc)
                    else:
                        advance(index, value)
                continue
            batched = {i: s for i, s in pending.items() if not isinstance(s, Parallel)}
            parallel = {i: s for i, s in pending.items() if isinstance(s, Parallel)}
            pending.clear()
            if batched:
                yield from _send_batched(batched, advance)
            if parallel:
                calls = [call for step in parallel.values() for call in step.calls]
                values: list[Any] = yield Parallel(calls)
                at = 0
                for index, step in parallel.items():
                    advance(index, values[at : at + len(step.calls)])
                    at += len(step.calls)
    finally:
        for flow in flows:
            flow.close()
    return results


def _send_batched(batched: dict[int, Any], advance: Any) -> Flow[None]:
    """One shared batch for these calls and batches; each flow gets its own answers back."""
    if len(batched) == 1:
        ((index, step),) = batched.items()
        try:
            value = yield step
        except Bitrix24Error as exc:
            advance(index, error=exc)
        else:
            advance(index, value)
        return
    calls: dict[str, Call[Any]] = {}
    keys: dict[int, list[tuple[str, str]]] = {}
    for index, step in batched.items():
        pairs = [("c", step)] if isinstance(step, Call) else step.items()
        keys[index] = []
        for key, call in pairs:
            shared = f"f{index}_{key}"
            calls[shared] = call
            keys[index].append((shared, key))
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    by_key = {outcome.key: outcome for outcome in outcomes}
    for index, step in batched.items():
        mine = [dataclasses.replace(by_key[shared], key=key) for shared, key in keys[index]]
        if isinstance(step, Call):
            outcome = mine[0]
            if outcome.error is not None:
                advance(index, error=outcome.error)
            else:
                advance(index, outcome.value)
        else:
            advance(index, mine)
