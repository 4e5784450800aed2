"""``TaskCalls()`` (``b24.task``): tasks, their checklists and the links between them.

``tasks.task.*`` take UPPER_SNAKE field codes (``RESPONSIBLE_ID``) and answer camelCase records wrapped in
``{"task": ...}`` / ``{"tasks": [...]}``; fields may be given by code or by attribute name
(``responsible_id``), dates as ``datetime``/``date``. The older ``task.checklistitem.*`` methods read their
parameters by position, so the calls here always send them in the pages' order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Final

from ..errors import InvalidInputError, ResponseFormatError, short_repr
from ..models.meta import Page
from ..models.row_list import RowList
from ..models.tasks import ChecklistItem, Task
from ..protocol.call import Call, Flow, Stream, collect
from ..protocol.envelope import APIResponse
from .common import ensure_id, parse_bool, parse_int_result
from .listing import page_call, stream_rows

__all__ = ["LINK_TYPES", "ChecklistCalls", "DependenceCalls", "TaskCalls", "task_fields"]

#: task-dependence-add.md: ``linkType`` by name
LINK_TYPES: Final = {"start_start": 0, "start_finish": 1, "finish_start": 2, "finish_finish": 3}
_STATUSES: Final = frozenset({2, 3, 4, 5, 6})
_LIST_ORDER: Final = {"ID": "asc"}


def _code(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"a task field name must be a non-empty string, not {short_repr(name)}")
    text = name.strip()
    prefix = text[: len(text) - len(text.lstrip("!<>=%@"))]
    return prefix + text[len(prefix) :].upper()


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, tuple | set | frozenset):
        return [_value(item) for item in value]
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def task_fields(fields: Mapping[str, Any], *, adding: bool) -> dict[str, Any]:
    """Task fields under their codes, in wire forms; refuses what the portal would refuse (add: a title and a
    responsible person; a known ``STATUS``)."""
    if not isinstance(fields, Mapping) or not fields:
        raise InvalidInputError("fields must be a non-empty dict of task fields", field="fields")
    out = {_code(str(key)): _value(value) for key, value in fields.items()}
    if adding:
        if not str(out.get("TITLE") or "").strip():
            raise InvalidInputError("a task needs a TITLE", field="TITLE")
        ensure_id(out.get("RESPONSIBLE_ID"), "RESPONSIBLE_ID")
    if "STATUS" in out and (isinstance(out["STATUS"], bool) or _as_int(out["STATUS"]) not in _STATUSES):
        raise InvalidInputError(
            f"STATUS must be one of 2, 3, 4, 5, 6, not {short_repr(out['STATUS'])}", field="STATUS"
        )
    return out


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _task(response: APIResponse) -> Task:
    """``{"task": {...}}`` -> the task."""
    value = response.result
    if isinstance(value, Mapping) and isinstance(value.get("task"), Mapping):
        return Task.model_validate(value["task"])
    shown = repr(value)[:200]
    raise ResponseFormatError(
        f"expected {{'task': {{...}}}}, got {shown}", status_code=None, snippet=shown, method=None
    )


def _maybe_task(response: APIResponse) -> Task | None:
    """tasks.task.get: ``[]`` when the task does not exist (or is not visible) -> ``None``."""
    if response.result in ([], None, {}):
        return None
    return _task(response)


def _deleted(response: APIResponse) -> bool:
    value = response.result
    inner = value.get("task") if isinstance(value, Mapping) else value
    return parse_bool(APIResponse(result=inner, total=None, next=None, time=None))


def _select(select: Iterable[str] | None) -> list[str] | None:
    if select is None:
        return None
    if isinstance(select, str):
        raise InvalidInputError("select must be a list of field names, not a string", field="select")
    return [_code(str(name)) for name in select]


def _list_params(
    filter: Mapping[str, Any] | None, select: Iterable[str] | None, order: Mapping[str, str] | None
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if filter:
        if not isinstance(filter, Mapping):
            raise InvalidInputError(f"filter must be a dict, not {short_repr(filter)}", field="filter")
        params["filter"] = {_code(str(k)): _value(v) for k, v in filter.items()}
    names = _select(select)
    if names:
        params["select"] = names
    if order:
        if not isinstance(order, Mapping):
            raise InvalidInputError(f"order must be a dict, not {short_repr(order)}", field="order")
        directions = {}
        for key, direction in order.items():
            if not isinstance(direction, str) or direction.lower() not in ("asc", "desc"):
                raise InvalidInputError(f"order must say 'asc' or 'desc', not {short_repr(direction)}")
            directions[_code(str(key))] = direction.lower()
        params["order"] = directions
    else:
        params["order"] = dict(_LIST_ORDER)  # a stable order for offset pages
    return params


class TaskCalls:
    """Tasks, their checklists and links (scope ``task``)."""

    def add(self, fields: Mapping[str, Any]) -> Call[Task]:
        """Create a task from ``{TITLE, RESPONSIBLE_ID, DEADLINE, GROUP_ID, ...}`` (tasks.task.add)."""
        return Call("tasks.task.add", {"fields": task_fields(fields, adding=True)}, parse=_task)

    def update(self, task_id: int, fields: Mapping[str, Any]) -> Call[Task]:
        """Change a task's fields; answers the task after the change (tasks.task.update)."""
        body = {"taskId": ensure_id(task_id, "task_id"), "fields": task_fields(fields, adding=False)}
        return Call("tasks.task.update", body, parse=_task)

    def get(self, task_id: int, *, select: Iterable[str] | None = None) -> Call[Task | None]:
        """One task by id, ``None`` when there is none (tasks.task.get)."""
        params: dict[str, Any] = {"taskId": ensure_id(task_id, "task_id")}
        names = _select(select)
        if names:
            params["select"] = names
        return Call("tasks.task.get", params, parse=_maybe_task, read_only=True)

    def delete(self, task_id: int) -> Call[bool]:
        """Delete a task with its checklist (tasks.task.delete)."""
        return Call("tasks.task.delete", {"taskId": ensure_id(task_id, "task_id")}, parse=_deleted)

    def complete(self, task_id: int) -> Call[Task]:
        """Mark a task completed: ``STATUS`` 5 (tasks.task.update)."""
        return self.update(task_id, {"STATUS": 5})

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[Task]]:
        """One page of up to 50 tasks (filter by ``GROUP_ID``, ``TAG``, ``STATUS``) (tasks.task.list)."""
        params = _list_params(filter, select, order)
        return page_call("tasks.task.list", params, Task.model_validate, start=start, wrapper="tasks")

    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Stream[Task]:
        """Every matching task, streamed by offset pages (tasks.task.list)."""
        params = _list_params(filter, select, order)
        return stream_rows(
            "tasks.task.list", params, Task.model_validate, wrapper="tasks", id_field=None, limit=limit
        )

    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Flow[RowList[Task]]:
        """Every matching task in one list, with ``.to_dataframe()`` (tasks.task.list)."""
        stream = self.iter_all(filter=filter, select=select, order=order, limit=limit)

        def gather() -> Flow[RowList[Task]]:
            rows = yield from collect(stream)
            return RowList(rows, model=Task)

        return gather()

    @cached_property
    def checklist(self) -> ChecklistCalls:
        """Checklist items of tasks (task.checklistitem.*)."""
        return ChecklistCalls()

    @cached_property
    def dependence(self) -> DependenceCalls:
        """Links between tasks (task.dependence.*)."""
        return DependenceCalls()


def _items(response: APIResponse) -> list[ChecklistItem]:
    value = response.result
    rows = value if isinstance(value, list) else []
    return [ChecklistItem.model_validate(row) for row in rows if isinstance(row, Mapping)]


def _null_done(response: APIResponse) -> bool:
    """task.checklistitem.update answers ``null`` when done."""
    if response.result is None:
        return True
    return parse_bool(response)


def _item_fields(fields: Mapping[str, Any], *, adding: bool) -> dict[str, Any]:
    if not isinstance(fields, Mapping) or not fields:
        raise InvalidInputError("fields must be a non-empty dict of checklist item fields", field="fields")
    out = {_code(str(key)): _value(value) for key, value in fields.items()}
    if adding and not str(out.get("TITLE") or "").strip():
        raise InvalidInputError("a checklist item needs a TITLE", field="TITLE")
    return out


class ChecklistCalls:
    """Checklist items of a task (task.checklistitem.*; parameters go in the pages' order)."""

    def add(self, task_id: int, fields: Mapping[str, Any]) -> Call[int]:
        """Add an item ``{TITLE, PARENT_ID?, IS_COMPLETE?, MEMBERS?}`` -> its id (task.checklistitem.add)."""
        body = {"TASKID": ensure_id(task_id, "task_id"), "FIELDS": _item_fields(fields, adding=True)}
        return Call("task.checklistitem.add", body, parse=parse_int_result)

    def list(self, task_id: int, *, order: Mapping[str, str] | None = None) -> Call[list[ChecklistItem]]:
        """Every item of a task (task.checklistitem.getlist)."""
        body: dict[str, Any] = {"TASKID": ensure_id(task_id, "task_id")}
        if order:
            body["ORDER"] = {_code(str(k)): str(v).upper() for k, v in order.items()}
        return Call("task.checklistitem.getlist", body, parse=_items, read_only=True)

    def update(self, task_id: int, item_id: int, fields: Mapping[str, Any]) -> Call[bool]:
        """Change an item; ``MEMBERS`` is replaced whole (task.checklistitem.update)."""
        body = {
            "TASKID": ensure_id(task_id, "task_id"),
            "ITEMID": ensure_id(item_id, "item_id"),
            "FIELDS": _item_fields(fields, adding=False),
        }
        return Call("task.checklistitem.update", body, parse=_null_done)

    def delete(self, task_id: int, item_id: int) -> Call[bool]:
        """Delete an item with its sub-items (task.checklistitem.delete)."""
        body = {"TASKID": ensure_id(task_id, "task_id"), "ITEMID": ensure_id(item_id, "item_id")}
        return Call("task.checklistitem.delete", body, parse=parse_bool)

    def complete(self, task_id: int, item_id: int) -> Call[bool]:
        """Tick an item (task.checklistitem.complete)."""
        body = {"TASKID": ensure_id(task_id, "task_id"), "ITEMID": ensure_id(item_id, "item_id")}
        return Call("task.checklistitem.complete", body, parse=parse_bool)

    def renew(self, task_id: int, item_id: int) -> Call[bool]:
        """Untick an item (task.checklistitem.renew)."""
        body = {"TASKID": ensure_id(task_id, "task_id"), "ITEMID": ensure_id(item_id, "item_id")}
        return Call("task.checklistitem.renew", body, parse=parse_bool)


def _link_type(link_type: int | str) -> int:
    if isinstance(link_type, str) and link_type in LINK_TYPES:
        return LINK_TYPES[link_type]
    if isinstance(link_type, int) and not isinstance(link_type, bool) and link_type in LINK_TYPES.values():
        return link_type
    raise InvalidInputError(
        f"link_type must be 0-3 or one of {sorted(LINK_TYPES)}, not {short_repr(link_type)}",
        field="link_type",
    )


class DependenceCalls:
    """Links between tasks: ``task_to`` depends on ``task_from`` (task.dependence.*)."""

    def add(self, task_from: int, task_to: int, link_type: int | str = 2) -> Call[bool]:
        """Make ``task_to`` depend on ``task_from`` (2: finish-start, or a name) (task.dependence.add)."""
        source, target = ensure_id(task_from, "task_from"), ensure_id(task_to, "task_to")
        if source == target:
            raise InvalidInputError("a task cannot depend on itself", field="task_to")
        body = {"taskIdFrom": source, "taskIdTo": target, "linkType": _link_type(link_type)}
        return Call("task.dependence.add", body, parse=parse_bool)

    def delete(self, task_from: int, task_to: int) -> Call[bool]:
        """Remove the link between two tasks (task.dependence.delete)."""
        body = {"taskIdFrom": ensure_id(task_from, "task_from"), "taskIdTo": ensure_id(task_to, "task_to")}
        return Call("task.dependence.delete", body, parse=parse_bool)
