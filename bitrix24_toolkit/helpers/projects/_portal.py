"""The calls the project helpers send, shaped as the official pages say (plain ``Call`` objects).

- ``tasks.task.add`` / ``tasks.task.list`` (tasks-task-add.md, tasks-task-list.md): ``fields`` in
  UPPER_SNAKE, answers wrapped as ``{"task": {...}}`` / ``{"tasks": [...]}`` with camelCase keys, 50 a page;
- ``task.checklistitem.add`` / ``getlist`` (``TASKID``, ``FIELDS``; the answer is the new id / the items);
- ``task.dependence.add`` (``taskIdFrom``, ``taskIdTo``, ``linkType``);
- ``sonet_group.create`` / ``sonet_group.get`` (``NAME`` ...; ``FILTER``), ``user.get`` by ``@EMAIL``/``@ID``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ...errors import ResponseFormatError
from ...models.meta import Page, User
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow, collect
from ...protocol.envelope import APIResponse
from ...protocol.rows import chunked, rows_of
from ...services import UserCalls
from ...services.paging import iterate, raw_row_id

__all__ = [
    "PROGRESS_SELECT",
    "add_checklist_item",
    "add_dependence",
    "add_task",
    "checklist_titles",
    "create_group",
    "find_group",
    "list_tasks",
    "users_by",
]

#: what the helpers read of a task (tasks-task-list.md: always name the fields)
PROGRESS_SELECT: Final = (
    "ID", "TITLE", "STATUS", "DEADLINE", "RESPONSIBLE_ID", "CLOSED_DATE", "CREATED_DATE", "PARENT_ID",
    "GROUP_ID", "XML_ID", "TAGS",
)  # fmt: skip


def _task_id(response: APIResponse) -> int:
    """The id in ``{"task": {"id": "3711", ...}}`` (tasks-task-add.md)."""
    result = response.result
    task = result.get("task") if isinstance(result, Mapping) else None
    value = task.get("id") if isinstance(task, Mapping) else None
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise ResponseFormatError(
            f"tasks.task.add: no task id in the answer: {repr(result)[:200]}",
            status_code=None,
            snippet=repr(result)[:200],
            method="tasks.task.add",
        ) from None


def _int_result(response: APIResponse) -> int:
    try:
        return int(str(response.result))
    except (TypeError, ValueError):
        raise ResponseFormatError(
            f"expected a new id, got {repr(response.result)[:200]}",
            status_code=None,
            snippet=repr(response.result)[:200],
            method=None,
        ) from None


def add_task(fields: Mapping[str, Any]) -> Call[int]:
    """A new task; its value is the task id (tasks.task.add)."""
    return Call("tasks.task.add", {"fields": dict(fields)}, parse=_task_id)


def _task_rows(response: APIResponse) -> list[dict[str, Any]]:
    return rows_of(response.result, "tasks")


def list_tasks(flt: Mapping[str, Any], select: Sequence[str] = PROGRESS_SELECT) -> Flow[list[dict[str, Any]]]:
    """Every task matching ``flt`` (camelCase rows), 50 a page, later pages in one batch (tasks.task.list)."""
    params = {"filter": dict(flt), "select": list(select), "order": {"ID": "asc"}}
    rows: list[dict[str, Any]] = yield from collect(
        iterate("tasks.task.list", params, _task_rows, raw_row_id, by_offset=True)
    )
    return rows


def _items(response: APIResponse) -> list[dict[str, Any]]:
    return rows_of(response.result)


def checklist_titles(task_ids: Sequence[int]) -> Flow[dict[int, set[str]]]:
    """The titles of the checklist items of each task, in one batch (task.checklistitem.getlist)."""
    if not task_ids:
        return {}
    calls = [
        Call("task.checklistitem.getlist", {"TASKID": task_id}, parse=_items, read_only=True)
        for task_id in task_ids
    ]
    outcomes: list[Outcome[list[dict[str, Any]]]] = yield Batch(calls)
    found: dict[int, set[str]] = {}
    for task_id, outcome in zip(task_ids, outcomes, strict=True):
        found[task_id] = {str(item.get("TITLE") or "") for item in outcome.unwrap()}
    return found


def add_checklist_item(task_id: int | str, title: str, important: bool, sort: int) -> Call[int]:
    """A checklist item in the task's top-level checklist (task.checklistitem.add)."""
    fields = {
        "TITLE": title,
        "SORT_INDEX": sort,
        "IS_COMPLETE": "N",
        "IS_IMPORTANT": "Y" if important else "N",
    }
    return Call("task.checklistitem.add", {"TASKID": task_id, "FIELDS": fields}, parse=_int_result)


def add_dependence(task_from: int, task_to: int, link_type: int) -> Call[Any]:
    """``task_to`` depends on ``task_from`` (task.dependence.add)."""
    return Call("task.dependence.add", {"taskIdFrom": task_from, "taskIdTo": task_to, "linkType": link_type})


def _group_rows(response: APIResponse) -> list[dict[str, Any]]:
    return rows_of(response.result)


def find_group(name: str) -> Call[list[dict[str, Any]]]:
    """Workgroups and projects with exactly this name (sonet_group.get)."""
    return Call(
        "sonet_group.get",
        {"FILTER": {"=NAME": name}, "ORDER": {"ID": "ASC"}},
        parse=_group_rows,
        read_only=True,
    )


def create_group(fields: Mapping[str, Any]) -> Call[int]:
    """A new workgroup or project; its value is the id (sonet_group.create)."""
    return Call("sonet_group.create", dict(fields), parse=_int_result)


def users_by(emails: Sequence[str], ids: Sequence[int]) -> Flow[list[User]]:
    """The users with these e-mails or ids, 50 values a call, in one batch (user.get by @EMAIL / @ID)."""
    users = UserCalls()
    calls = [users.get(filter={"@EMAIL": part}, check=False) for part in chunked(list(emails), 50)]
    calls += [users.get(filter={"@ID": part}, check=False) for part in chunked(list(ids), 50)]
    if not calls:
        return []
    outcomes: list[Outcome[Page[User]]] = yield Batch(calls)
    found: list[User] = []
    for outcome in outcomes:
        found.extend(outcome.unwrap())
    return found
