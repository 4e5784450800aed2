"""Links between tasks: ``task.dependence.add/delete`` (pages ``api-reference/tasks/task-dependence-*.md``).

A link ``taskIdFrom -> taskIdTo`` of ``linkType`` 0 (start-start), 1 (start-finish), 2 (finish-start) or
3 (finish-finish) makes ``taskIdTo`` depend on ``taskIdFrom`` (``tasks.task.list``'s ``DEPENDS_ON`` filter
finds it). Links are rows of table ``"task_dependence"``; both answers are an empty array on success.
A second link between the same tasks is ``ILLEGAL_NEW_LINK``; an unknown task, a link of a task to itself,
a link closing a cycle or another type is ``ACTION_NOT_ALLOWED``.
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, PortalError, method
from ._task_store import DEPENDENCE, TABLE

__all__ = ["LINK_TYPES"]

#: task-dependence-add.md
LINK_TYPES = {0: "start-start", 1: "start-finish", 2: "finish-start", 3: "finish-finish"}


def _int(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else 0


def _link(ctx: Ctx, source: int, target: int) -> int | None:
    for key, row in ctx.state.table(DEPENDENCE).items():
        if row["TASK_ID_FROM"] == source and row["TASK_ID_TO"] == target:
            return key
    return None


def _reaches(ctx: Ctx, start: int, goal: int) -> bool:
    """Whether ``goal`` depends, directly or not, on ``start`` (following links forward)."""
    links = list(ctx.state.table(DEPENDENCE).values())
    seen, frontier = {start}, [start]
    while frontier:
        current = frontier.pop()
        for row in links:
            if row["TASK_ID_FROM"] == current and row["TASK_ID_TO"] not in seen:
                if row["TASK_ID_TO"] == goal:
                    return True
                seen.add(row["TASK_ID_TO"])
                frontier.append(row["TASK_ID_TO"])
    return False


@method("task.dependence.add", scope="task")
def dependence_add(ctx: Ctx) -> list[Any]:
    """``task.dependence.add {taskIdFrom*, taskIdTo*, linkType*}`` -> ``[]``."""
    source, target = _int(ctx.param("taskIdFrom")), _int(ctx.param("taskIdTo"))
    raw_type = str(ctx.param("linkType") if ctx.param("linkType") is not None else "").strip()
    tasks = ctx.state.table(TABLE)
    refused = PortalError("ACTION_NOT_ALLOWED", "Unable to add a link between tasks", 400)
    if source not in tasks or target not in tasks or source == target:
        raise refused
    if not raw_type.isdigit() or int(raw_type) not in LINK_TYPES:
        raise refused
    if _link(ctx, source, target) is not None or _link(ctx, target, source) is not None:
        raise PortalError("ILLEGAL_NEW_LINK", "A link between tasks already exists", 400)
    if _reaches(ctx, target, source):
        raise refused
    ctx.state.insert(DEPENDENCE, {"TASK_ID_FROM": source, "TASK_ID_TO": target, "LINK_TYPE": int(raw_type)})
    return []


@method("task.dependence.delete", scope="task")
def dependence_delete(ctx: Ctx) -> list[Any]:
    """``task.dependence.delete {taskIdFrom*, taskIdTo*}`` -> ``[]``."""
    source, target = _int(ctx.param("taskIdFrom")), _int(ctx.param("taskIdTo"))
    tasks = ctx.state.table(TABLE)
    if source not in tasks or target not in tasks:
        raise PortalError(
            "ACTION_NOT_ALLOWED", "It is not possible to delete the dependency between tasks", 400
        )
    key = _link(ctx, source, target)
    if key is None:
        raise PortalError("ILLEGAL_NEW_LINK", "The dependency between tasks does not exist", 400)
    del ctx.state.table(DEPENDENCE)[key]
    return []
