"""Carrying the plan out in batches: departments level by level, then the users, then the new heads.

1. One ``batch`` per level of the tree (parents first, so every PARENT is a known id): ``department.add``
   for new departments, ``department.update`` for renamed or moved ones; a head who is already a user is
   set here (``UF_HEAD``).
2. One ``batch`` of every ``user.add`` (an invitation with ``EMAIL`` and ``UF_DEPARTMENT``) and
   ``user.update`` (fields, department, ``ACTIVE``), 50 calls a request.
3. One ``batch`` of ``department.update`` setting the heads invited in step 2.

A failed call fails its entry only; what needs it (a sub-department, the employees of a department that
was not created) is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...protocol.batch import MAX_BATCH, Batch, Outcome
from ...protocol.call import Call, Flow
from ._plan import DepartmentPlan, EmployeePlan, Plan

__all__ = ["apply_plan"]


class _Counter:
    def __init__(self) -> None:
        self.requests = 0
        self.writes = 0

    def batch(self, calls: Sequence[Call[Any]]) -> Batch:
        self.requests += -(-len(calls) // MAX_BATCH)
        self.writes += len(calls)
        return Batch(list(calls))


def _error(outcome: Outcome[Any]) -> str:
    return str(outcome.error) if outcome.error is not None else ""


def _departments(plan: Plan, count: _Counter) -> Flow[set[str]]:
    """Step 1; returns the codes that failed or were skipped."""
    ids = plan.ids
    broken: set[str] = set()
    levels = sorted({p.source.level for p in plan.departments})
    for level in levels:
        calls: list[Call[Any]] = []
        owners: list[DepartmentPlan] = []
        for item in (p for p in plan.departments if p.source.level == level):
            parent_code = item.source.parent
            if parent_code is not None and parent_code in broken:
                item.entry.error = f"skipped: its parent {parent_code!r} was not written"
                broken.add(item.source.code)
                continue
            params = dict(item.fields)
            if item.move:
                params["PARENT"] = plan.top if parent_code is None else ids[parent_code]
            if not params:
                continue
            if item.entry.id is None:
                calls.append(Call("department.add", params))
            else:
                calls.append(Call("department.update", {"ID": item.entry.id, **params}))
            owners.append(item)
        if not calls:
            continue
        outcomes = yield count.batch(calls)
        for item, outcome in zip(owners, outcomes, strict=True):
            if not outcome.ok:
                item.entry.error = _error(outcome)
                broken.add(item.source.code)
                continue
            if item.entry.id is None:
                item.entry.id = int(outcome.value)
                ids[item.source.code] = item.entry.id
            item.entry.done = item.head_later is None
    return broken


def _employees(plan: Plan, broken: set[str], count: _Counter) -> Flow[None]:
    """Step 2."""
    calls: list[Call[Any]] = []
    owners: list[EmployeePlan] = []
    for item in plan.employees:
        if item.entry.action == "unchanged":
            continue
        params = dict(item.fields)
        if item.department is not None:
            if item.department in broken or item.department not in plan.ids:
                item.entry.error = f"skipped: its department {item.department!r} was not written"
                continue
            params["UF_DEPARTMENT"] = [plan.ids[item.department]]
        if item.entry.id is None:
            calls.append(Call("user.add", params))
        else:
            calls.append(Call("user.update", {"ID": item.entry.id, **params}))
        owners.append(item)
    if not calls:
        return
    outcomes = yield count.batch(calls)
    for item, outcome in zip(owners, outcomes, strict=True):
        if not outcome.ok:
            item.entry.error = _error(outcome)
            continue
        if item.entry.id is None:
            item.entry.id = int(outcome.value)
            plan.users_by_email[item.entry.key] = item.entry.id
        item.entry.done = True


def _heads(plan: Plan, count: _Counter) -> Flow[None]:
    """Step 3."""
    owners = [
        p
        for p in plan.departments
        if p.head_later is not None and p.entry.id is not None and p.entry.error is None
    ]
    calls: list[Call[Any]] = []
    ready: list[DepartmentPlan] = []
    for item in owners:
        head = plan.users_by_email.get(item.head_later or "")
        if head is None:
            item.entry.error = f"skipped: its head {item.head_later} was not invited"
            continue
        calls.append(Call("department.update", {"ID": item.entry.id, "UF_HEAD": head}))
        ready.append(item)
    if not calls:
        return
    outcomes = yield count.batch(calls)
    for item, outcome in zip(ready, outcomes, strict=True):
        if outcome.ok:
            item.entry.done = True
        else:
            item.entry.error = f"the head was not set: {_error(outcome)}"


def apply_plan(plan: Plan) -> Flow[tuple[int, int]]:
    """Write the plan (steps 1-3 above); returns the requests and the write calls sent."""
    count = _Counter()
    broken = yield from _departments(plan, count)
    yield from _employees(plan, broken, count)
    yield from _heads(plan, count)
    return count.requests, count.writes
