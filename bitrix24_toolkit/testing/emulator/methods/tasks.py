"""Tasks: ``tasks.task.add/update/get/list/delete`` (pages ``api-reference/tasks/tasks-task-*.md``).

Requests name fields in UPPER_SNAKE (``RESPONSIBLE_ID``; camelCase is read too), answers wrap the task:
``{"task": {...}}`` (add, update, get), ``{"tasks": [...]}`` (list, 50 a page with ``total``/``next``),
``{"task": true}`` (delete), camelCase keys, ids as strings (:mod:`._task_store`). Completing a task
(``STATUS`` 5) stamps ``CLOSED_DATE``/``CLOSED_BY``; reopening clears them. ``tasks.task.list`` filters by
the page's fields and operators, ``TAG``, ``ACCOMPLICE``/``AUDITOR``, ``DEPENDS_ON`` and the meta-statuses
of ``STATUS`` (-1 overdue, -3 almost overdue, -2 not viewed), and sorts by the page's keys (``ID`` descending
by default; another key: error ``0`` "Invalid sorting key").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..query import Getter, compile_filter, order_rows, page, parse_condition
from ..registry import Ctx, ListResult, PortalError, method
from ._task_store import (
    CHECKLIST,
    DATES,
    DEPENDENCE,
    SCALAR_NAMES,
    SCALARS,
    STATUSES,
    TABLE,
    date_value,
    is_overdue,
    new_guid,
    refuse,
    sub_status,
    task_record,
    upper,
)
from .users import find_user

__all__ = ["task_row"]

_INTS = frozenset({"RESPONSIBLE_ID", "CREATED_BY", "PARENT_ID", "GROUP_ID", "PRIORITY", "STATUS", "STAGE_ID"})
_LISTS = frozenset({"ACCOMPLICES", "AUDITORS"})
_WRITABLE = (SCALAR_NAMES | _LISTS | {"TAGS", "UF_CRM_TASK", "SE_PARAMETER"}) - {
    "ID",
    "CHANGED_BY",
    "CHANGED_DATE",
    "STATUS_CHANGED_BY",
    "STATUS_CHANGED_DATE",
    "ACTIVITY_DATE",
    "GUID",
}
#: tasks-task-list.md: the keys ``order`` may name
_ORDER_KEYS = frozenset(
    "ID TITLE TIME_SPENT_IN_LOGS DATE_START CREATED_DATE CHANGED_DATE CLOSED_DATE ACTIVITY_DATE "
    "START_DATE_PLAN END_DATE_PLAN DEADLINE REAL_STATUS STATUS_COMPLETE PRIORITY MARK CREATED_BY_LAST_NAME "
    "RESPONSIBLE_LAST_NAME GROUP_ID TIME_ESTIMATE ALLOW_CHANGE_DEADLINE ALLOW_TIME_TRACKING MATCH_WORK_TIME "
    "FAVORITE SORTING IS_PINNED IS_PINNED_IN_GROUP".split()
)
#: select names beyond the stored scalars
_EXTRA_SELECT = frozenset({"ACCOMPLICES", "AUDITORS", "TAGS", "UF_CRM_TASK", "CHECKLIST", "SUB_STATUS"})


def _error(code: str, text: str) -> PortalError:
    return PortalError(code, text, 400)


def _task_id(ctx: Ctx) -> int:
    """``taskId`` as the pages check it: missing -> 100, not a number -> 0 "wrong task id"."""
    raw = ctx.param("taskId")
    if raw is None or raw == "":
        raise _error(
            "100", "CTaskItem All parameters in the constructor must have real class type (internal error)"
        )
    text = str(raw).strip()
    if not text.lstrip("-").isdigit():
        raise _error("0", "wrong task id")
    return int(text)


def task_row(ctx: Ctx, task_id: int) -> dict[str, Any] | None:
    """One stored task (``None`` when there is none)."""
    return ctx.state.table(TABLE).get(task_id)


def _ints(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return [int(str(v).strip()) for v in items if str(v).strip().isdigit() and int(str(v).strip()) > 0]


def _tags(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def _fields(ctx: Ctx) -> dict[str, Any]:
    """The request's ``fields`` normalised to stored values (unknown standard names are ignored)."""
    raw = ctx.param("fields")
    if not isinstance(raw, Mapping) or not raw:
        raise _error("100", "Could not find value for parameter {fields} (internal error)")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = upper(str(key))
        if name not in _WRITABLE and not name.startswith("UF_"):
            continue
        if name in _INTS:
            text = str(value).strip() if value is not None else ""
            out[name] = int(text) if text.lstrip("-").isdigit() else (None if not text else value)
        elif name in _LISTS:
            out[name] = _ints(value)
        elif name == "TAGS":
            out[name] = _tags(value)
        elif name in DATES:
            out[name] = date_value(value, ctx.state.tz)
        else:
            out[name] = value
    return out


def _check(ctx: Ctx, fields: dict[str, Any], own_id: int | None, merged: Mapping[str, Any]) -> None:
    """The pages' ``ERROR_CORE`` refusals, in the order a portal checks them."""
    if not str(merged.get("TITLE") or "").strip():
        raise refuse("Task title is not specified")
    responsible = merged.get("RESPONSIBLE_ID")
    if not responsible:
        raise refuse("Responsible person not specified")
    if not isinstance(responsible, int) or find_user(ctx, responsible) is None:
        raise refuse('The user specified in the "Responsible" field was not found')
    if "STATUS" in fields and fields["STATUS"] not in STATUSES:
        raise refuse("Invalid status")
    parent = fields.get("PARENT_ID")
    if parent:
        if own_id is not None and parent == own_id:
            raise refuse("Cannot bind the node to itself")
        if not isinstance(parent, int) or task_row(ctx, parent) is None:
            raise refuse('The task specified in the "Parent Task" field was not found')
        if own_id is not None and _is_below(ctx, parent, own_id):
            raise refuse("Creating cyclic links in tasks is prohibited")
    start, end = merged.get("START_DATE_PLAN"), merged.get("END_DATE_PLAN")
    if start and end and str(end) < str(start):
        raise refuse("The end date specified in the scheduling is earlier than the start date")


def _is_below(ctx: Ctx, task_id: int, ancestor: int) -> bool:
    seen: set[int] = set()
    current = task_row(ctx, task_id)
    while current is not None and current.get("PARENT_ID") and current["ID"] not in seen:
        seen.add(current["ID"])
        if current["PARENT_ID"] == ancestor:
            return True
        current = task_row(ctx, int(current["PARENT_ID"]))
    return False


def _apply_status(ctx: Ctx, row: dict[str, Any], before: int | None) -> None:
    now = ctx.state.now_iso()
    status = int(row.get("STATUS") or 2)
    if before is not None and status == before:
        return
    row["STATUS_CHANGED_BY"] = ctx.user_id
    row["STATUS_CHANGED_DATE"] = now
    if status == 5:
        row["CLOSED_BY"] = ctx.user_id
        row["CLOSED_DATE"] = now
    else:
        row["CLOSED_BY"], row["CLOSED_DATE"] = None, None


@method("tasks.task.add", scope="task")
def task_add(ctx: Ctx) -> dict[str, Any]:
    """``tasks.task.add {fields: {TITLE*, RESPONSIBLE_ID*, ...}}`` -> ``{"task": {...}}``."""
    fields = _fields(ctx)
    _check(ctx, fields, None, fields)
    now = ctx.state.now_iso()
    row: dict[str, Any] = {name: default for name, default in SCALARS if name != "ID"}
    row.update({"ACCOMPLICES": [], "AUDITORS": [], "TAGS": []})
    row.update({key: value for key, value in fields.items() if value is not None or key in DATES})
    row.setdefault("CREATED_BY", ctx.user_id)
    if not row.get("CREATED_BY"):
        row["CREATED_BY"] = ctx.user_id
    row.update({"CREATED_DATE": fields.get("CREATED_DATE") or now, "CHANGED_BY": ctx.user_id})
    row.update({"CHANGED_DATE": now, "ACTIVITY_DATE": now, "STATUS_CHANGED_DATE": now})
    row["GROUP_ID"] = row.get("GROUP_ID") or 0
    row["GUID"] = new_guid(ctx)
    if int(row.get("STATUS") or 2) == 5:
        _apply_status(ctx, row, None)
    ctx.state.insert(TABLE, row)
    return {"task": task_record(ctx, row)}


@method("tasks.task.update", scope="task")
def task_update(ctx: Ctx) -> dict[str, Any]:
    """``tasks.task.update {taskId*, fields*}`` -> ``{"task": {...}}`` after the change."""
    task_id = _task_id(ctx)
    row = task_row(ctx, task_id)
    if row is None:
        raise _error("0", "Action on the task is not allowed (internal error)")
    fields = _fields(ctx)
    _check(ctx, fields, task_id, {**row, **fields})
    before = int(row.get("STATUS") or 2)
    row.update(fields)
    if fields.get("PARENT_ID") is None and "PARENT_ID" in fields:
        row["PARENT_ID"] = None
    now = ctx.state.now_iso()
    row.update({"CHANGED_BY": ctx.user_id, "CHANGED_DATE": now, "ACTIVITY_DATE": now})
    if "STATUS" in fields:
        _apply_status(ctx, row, before)
    return {"task": task_record(ctx, row)}


def _select(ctx: Ctx) -> set[str] | None:
    raw = ctx.param("select")
    if raw is None or raw == "" or raw == []:
        return None
    if not isinstance(raw, list | tuple):
        raise _error(
            "100",
            f"Invalid value {raw!r:.40} to match with parameter {{select}}. Should be value of type array. "
            "(internal error)",
        )
    names = {upper(str(item)) for item in raw}
    if "*" in names:
        return None
    return names & (SCALAR_NAMES | _EXTRA_SELECT) | {"ID"}


@method("tasks.task.get", scope="task")
def task_get(ctx: Ctx) -> dict[str, Any] | list[Any]:
    """``tasks.task.get {taskId*, select?}`` -> ``{"task": {...}}``; ``[]`` for a task that does not exist."""
    task_id = _task_id(ctx)
    select = _select(ctx)
    row = task_row(ctx, task_id)
    if row is None:
        return []
    return {"task": task_record(ctx, row, select)}


@method("tasks.task.delete", scope="task")
def task_delete(ctx: Ctx) -> dict[str, bool]:
    """``tasks.task.delete {taskId*}`` -> ``{"task": true}``; its checklist and links go with it."""
    task_id = _task_id(ctx)
    if task_row(ctx, task_id) is None:
        raise _error("1048582", "No access to delete the task")
    tasks = ctx.state.table(TABLE)
    del tasks[task_id]
    for row in tasks.values():
        if row.get("PARENT_ID") == task_id:
            row["PARENT_ID"] = None
    items = ctx.state.table(CHECKLIST)
    for item_id in [key for key, item in items.items() if item["TASK_ID"] == task_id]:
        del items[item_id]
    links = ctx.state.table(DEPENDENCE)
    for link_id in [k for k, v in links.items() if task_id in (v["TASK_ID_FROM"], v["TASK_ID_TO"])]:
        del links[link_id]
    return {"task": True}


# ------------------------------------------------------------------------------------------ the list
def _depends_on(ctx: Ctx, row: Mapping[str, Any]) -> list[int]:
    links = ctx.state.table(DEPENDENCE).values()
    return [link["TASK_ID_FROM"] for link in links if link["TASK_ID_TO"] == row["ID"]]


def _getter(ctx: Ctx) -> Getter:
    now = ctx.now

    def get(row: Mapping[str, Any], name: str) -> Any:
        if name == "REAL_STATUS":
            return row.get("STATUS")
        if name == "STATUS":
            return row.get("STATUS")
        if name == "TAG":
            return list(row.get("TAGS") or [])
        if name == "ACCOMPLICE":
            return list(row.get("ACCOMPLICES") or [])
        if name == "AUDITOR":
            return list(row.get("AUDITORS") or [])
        if name == "DEPENDS_ON":
            return _depends_on(ctx, row)
        if name == "STATUS_COMPLETE":
            return 2 if int(row.get("STATUS") or 2) == 5 else 1
        if name in ("CREATED_BY_LAST_NAME", "RESPONSIBLE_LAST_NAME"):
            key = "CREATED_BY" if name.startswith("CREATED") else "RESPONSIBLE_ID"
            return (find_user(ctx, int(row.get(key) or 0)) or {}).get("LAST_NAME")
        if name == "SUB_STATUS":
            return sub_status(row, now)
        return row.get(name)

    return get


def _meta_status(value: Any, ctx: Ctx) -> Any:
    """A ``STATUS`` filter with meta-statuses (-1, -2, -3) as a predicate; else ``None``."""
    values = value if isinstance(value, list | tuple) else [value]
    texts = {str(v).strip() for v in values}
    if not texts & {"-1", "-2", "-3"}:
        return None
    now = ctx.now

    def hit(row: Mapping[str, Any]) -> bool:
        own = {str(row.get("STATUS") or 2), sub_status(row, now)}
        if is_overdue(row, now):
            own.add("-1")
        if row.get("NOT_VIEWED") == "Y":
            own.add("-2")
        return bool(own & texts)

    return hit


def _filter(ctx: Ctx) -> tuple[Callable[[Mapping[str, Any]], bool], Getter]:
    raw = ctx.param("filter")
    if raw is None or raw == "":
        raw = {}
    if not isinstance(raw, Mapping):
        raw = {}
    get = _getter(ctx)
    plain: dict[str, Any] = {}
    extra: list[Any] = []
    for key, value in raw.items():
        text = str(key)
        if text.startswith("::"):
            continue  # ::SUBFILTER-PARAMS (favourites) is not emulated
        cond = parse_condition(text.upper(), value)
        if cond.field == "ONLY_ROOT_TASKS":
            if str(value).upper() == "Y":
                extra.append(lambda row: not row.get("PARENT_ID"))
            continue
        if cond.field == "STATUS" and cond.op in ("=",) and not text.startswith("!"):
            meta = _meta_status(value, ctx)
            if meta is not None:
                extra.append(meta)
                continue
        if (
            cond.field == "TITLE"
            and cond.op == "="
            and isinstance(value, str)
            and any(c in value for c in "%_")
        ):
            plain[f"=%{cond.field}"] = value  # "can search by pattern [%_]"
            continue
        if cond.field in ("RESPONSIBLE_ID", "CREATED_BY", "GROUP_ID", "PARENT_ID", "ID") and value in (
            "",
            None,
        ):
            value = 0 if cond.field != "PARENT_ID" else ""
        prefix = "" if cond.op == "=" and not text.startswith("=") else cond.op
        plain[f"{prefix}{cond.field}"] = value
    predicate = compile_filter(plain, get)
    return lambda row: predicate(row) and all(check(row) for check in extra), get


def _order(ctx: Ctx) -> dict[str, str]:
    raw = ctx.param("order")
    if not isinstance(raw, Mapping) or not raw:
        return {"ID": "DESC"}
    out: dict[str, str] = {}
    for key, direction in raw.items():
        name = str(key).upper()
        if name not in _ORDER_KEYS:
            raise _error("0", "Invalid sorting key (internal error)")
        out[name] = "DESC" if str(direction).strip().upper() == "DESC" else "ASC"
    return out


@method("tasks.task.list", scope="task")
def task_list(ctx: Ctx) -> ListResult:
    """``tasks.task.list {order?, filter?, select?, start?}`` -> ``{"tasks": [...]}``, 50 a page."""
    order = _order(ctx)
    select = _select(ctx)
    predicate, get = _filter(ctx)
    rows = [row for row in ctx.state.table(TABLE).values() if predicate(row)]
    ordered = order_rows(rows, order, get)
    result = page(ordered, ctx.param("start"))
    chosen = select if select is not None else SCALAR_NAMES
    result.result = {"tasks": [task_record(ctx, row, set(chosen)) for row in result.result]}
    return result
