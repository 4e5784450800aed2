"""Task checklists: ``task.checklistitem.add/getlist/update/delete/complete/renew`` (pages
``api-reference/tasks/checklist-item/``).

These older methods read their parameters **by position**, in the order of the page's table
(``TASKID``, ``ITEMID``, ``FIELDS`` / ``ORDER``), whatever the keys are called: the pages warn that a request
out of order fails (update) or answers ``false`` (complete, renew). Items are rows of table
``"task_checklist"``: a checklist is an item with ``PARENT_ID`` 0, its points hang below it. Answers use the
pages' UPPER_SNAKE records (ids as strings, a root's ``PARENT_ID`` the number 0); errors are ``ERROR_CORE``
with the ``TASKS_ERROR_EXCEPTION_#...`` texts of the pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..query import order_rows
from ..registry import Ctx, PortalError, method
from ._task_store import CHECKLIST, TABLE, checklist_items
from .users import find_user

__all__: list[str] = []

_ORDER_KEYS = frozenset(
    "ID PARENT_ID CREATED_BY TITLE SORT_INDEX IS_COMPLETE IS_IMPORTANT TOGGLED_BY TOGGLED_DATE".split()
)


def _core(text: str) -> PortalError:
    return PortalError("ERROR_CORE", f"{text}<br>", 400)


def _args(ctx: Ctx) -> list[Any]:
    """The parameters in the order they came (``auth`` is not one of them)."""
    return [value for key, value in ctx.params.items() if str(key).lower() != "auth"]


def _missing(verb: str, index: int, name: str) -> PortalError:
    return _core(
        f"TASKS_ERROR_EXCEPTION_#256; Param #{index} ({name}) expected by method "
        f"ctaskchecklistitem::{verb}(), but not given.; 256/TE/WRONG_ARGUMENTS"
    )


def _integer(verb: str, args: list[Any], index: int, name: str) -> int:
    if len(args) <= index or args[index] in (None, ""):
        raise _missing(verb, index, name)
    text = str(args[index]).strip()
    if not text.lstrip("-").isdigit():
        raise _core(
            f"TASKS_ERROR_EXCEPTION_#256; Param #{index} ({name}) for method ctaskchecklistitem::{verb}() "
            'expected to be of type "integer", but given something else.; 256/TE/WRONG_ARGUMENTS'
        )
    return int(text)


def _fields(verb: str, args: list[Any], index: int) -> Mapping[str, Any]:
    value = args[index] if len(args) > index else None
    if not isinstance(value, Mapping) or not value:
        raise _missing(verb, index, "arFields")
    return {str(key).upper(): item for key, item in value.items()}


def _flag(value: Any) -> str:
    return "Y" if str(value).strip().upper() in ("Y", "TRUE", "1") else "N"


def _members(ctx: Ctx, raw: Any) -> dict[str, str]:
    """``MEMBERS``: ``{user id: {"TYPE": "A"|"U"}}``; the users join the task in the same roles."""
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, str] = {}  # string keys: the state stays JSON-able
    for key, value in raw.items():
        kind = str(value.get("TYPE", "A") if isinstance(value, Mapping) else "A").upper()
        if str(key).strip().isdigit() and kind in ("A", "U"):
            out[str(int(key))] = kind
    return out


def _join_task(ctx: Ctx, task: dict[str, Any], members: Mapping[str, str]) -> None:
    for key_id, kind in members.items():
        user_id = int(key_id)
        key = "ACCOMPLICES" if kind == "A" else "AUDITORS"
        if user_id not in task.setdefault(key, []):
            task[key].append(user_id)


def _root_for(ctx: Ctx, task_id: int) -> int:
    """The task's first top-level checklist, made (as "Checklist 1") when the task has none."""
    roots = [item for item in checklist_items(ctx, task_id) if not item["PARENT_ID"]]
    if roots:
        return int(roots[0]["ID"])
    return _insert(ctx, task_id, {"TITLE": "Checklist 1", "SORT_INDEX": 0}, 0, {})


def _insert(ctx: Ctx, task_id: int, fields: Mapping[str, Any], parent: int, members: dict[str, str]) -> int:
    complete = _flag(fields.get("IS_COMPLETE", "N"))
    row = {
        "TASK_ID": task_id,
        "PARENT_ID": parent,
        "CREATED_BY": ctx.user_id,
        "TITLE": str(fields.get("TITLE") or ""),
        "SORT_INDEX": int(str(fields.get("SORT_INDEX") or 0).strip() or 0),
        "IS_COMPLETE": complete,
        "IS_IMPORTANT": _flag(fields.get("IS_IMPORTANT", "N")),
        "TOGGLED_BY": ctx.user_id if complete == "Y" else None,
        "TOGGLED_DATE": ctx.state.now_iso() if complete == "Y" else "",
        "MEMBERS": members,
    }
    return ctx.state.insert(CHECKLIST, row)


def _member_record(ctx: Ctx, user_id: int, kind: str) -> dict[str, Any]:
    user = find_user(ctx, user_id) or {}
    return {
        "ID": str(user_id),
        "TYPE": kind,
        "NAME": " ".join(part for part in (user.get("NAME"), user.get("LAST_NAME")) if part),
        "PERSONAL_PHOTO": None,
        "PERSONAL_GENDER": str(user.get("PERSONAL_GENDER") or ""),
        "IMAGE": "",
        "IS_COLLABER": False,
    }


def item_record(ctx: Ctx, row: Mapping[str, Any]) -> dict[str, Any]:
    """An item as task.checklistitem.getlist sends it (task-checklist-item-get-list.md)."""
    members = row.get("MEMBERS") or {}
    return {
        "ID": str(row["ID"]),
        "TASK_ID": str(row["TASK_ID"]),
        "PARENT_ID": str(row["PARENT_ID"]) if row["PARENT_ID"] else 0,
        "CREATED_BY": str(row["CREATED_BY"]),
        "TITLE": row["TITLE"],
        "SORT_INDEX": str(row["SORT_INDEX"]),
        "IS_COMPLETE": row["IS_COMPLETE"],
        "IS_IMPORTANT": row["IS_IMPORTANT"],
        "TOGGLED_BY": None if row.get("TOGGLED_BY") is None else str(row["TOGGLED_BY"]),
        "TOGGLED_DATE": row.get("TOGGLED_DATE") or "",
        "MEMBERS": [_member_record(ctx, int(uid), kind) for uid, kind in members.items()],
        "ATTACHMENTS": [],
    }


def _task(ctx: Ctx, task_id: int, failure: str) -> dict[str, Any]:
    task = ctx.state.table(TABLE).get(task_id)
    if task is None:
        raise _core(f"TASKS_ERROR_EXCEPTION_#8; {failure}; 8/TE/ACTION_FAILED_TO_BE_PROCESSED")
    return task


@method("task.checklistitem.add", scope="task")
def checklist_add(ctx: Ctx) -> int:
    """``task.checklistitem.add [TASKID, FIELDS{TITLE*, PARENT_ID?, ...}]`` -> the new item's id."""
    args = _args(ctx)
    task_id = _integer("add", args, 0, "taskId")
    fields = _fields("add", args, 1)
    task = _task(ctx, task_id, "Adding item: action not allowed")
    if not str(fields.get("TITLE") or "").strip():
        raise _core("TASKS_ERROR_EXCEPTION_#8; Item name not specified; 8/TE/ACTION_FAILED_TO_BE_PROCESSED")
    members = _members(ctx, fields.get("MEMBERS"))
    if "PARENT_ID" not in fields:
        parent = _root_for(ctx, task_id)
    else:
        wanted = str(fields.get("PARENT_ID") or "0").strip()
        own = {int(item["ID"]) for item in checklist_items(ctx, task_id)}
        parent = int(wanted) if wanted.isdigit() and int(wanted) in own else 0  # else: a new checklist
    _join_task(ctx, task, members)
    return _insert(ctx, task_id, fields, parent, members)


@method("task.checklistitem.getlist", scope="task")
def checklist_getlist(ctx: Ctx) -> list[dict[str, Any]]:
    """``task.checklistitem.getlist [TASKID, ORDER?]`` -> the task's items (ID descending by default)."""
    args = _args(ctx)
    task_id = _integer("getlist", args, 0, "taskId")
    raw_order = args[1] if len(args) > 1 else None
    order: dict[str, str] = {"ID": "DESC"}
    if isinstance(raw_order, Mapping) and raw_order:
        order = {}
        for key, direction in raw_order.items():
            name = str(key).upper()
            if name not in _ORDER_KEYS:
                raise _core(
                    "TASKS_ERROR_EXCEPTION_#256; Param #1 (arOrder) for method "
                    f'ctaskchecklistitem::getlist() must not contain key "{name}".; 256/TE/WRONG_ARGUMENTS'
                )
            order[name] = "DESC" if str(direction).strip().upper() == "DESC" else "ASC"
    _task(ctx, task_id, "Action failed")
    rows = order_rows(checklist_items(ctx, task_id), order)
    return [item_record(ctx, row) for row in rows]


def _item(ctx: Ctx, item_id: int) -> dict[str, Any] | None:
    return ctx.state.table(CHECKLIST).get(item_id)


@method("task.checklistitem.update", scope="task")
def checklist_update(ctx: Ctx) -> None:
    """``task.checklistitem.update [TASKID, ITEMID, FIELDS]`` -> ``null``; ``MEMBERS`` is replaced whole."""
    args = _args(ctx)
    task_id = _integer("update", args, 0, "taskId")
    item_id = _integer("update", args, 1, "itemId")
    fields = _fields("update", args, 2)
    item = _item(ctx, item_id)
    task = ctx.state.table(TABLE).get(task_id)
    if task is None or item is None or item["TASK_ID"] != task_id:
        raise _core("TASKS_ERROR_EXCEPTION_#4; No access to edit the task; 4/TE/ACTION_NOT_ALLOWED")
    if "TITLE" in fields:
        item["TITLE"] = str(fields["TITLE"] or "")
    if "SORT_INDEX" in fields:
        item["SORT_INDEX"] = int(str(fields["SORT_INDEX"] or 0).strip() or 0)
    if "IS_IMPORTANT" in fields:
        item["IS_IMPORTANT"] = _flag(fields["IS_IMPORTANT"])
    if "IS_COMPLETE" in fields:
        _toggle(ctx, item, _flag(fields["IS_COMPLETE"]))
    if "PARENT_ID" in fields:
        wanted = str(fields.get("PARENT_ID") or "0").strip()
        own = {int(row["ID"]) for row in checklist_items(ctx, task_id)} - {item_id}
        item["PARENT_ID"] = int(wanted) if wanted.isdigit() and int(wanted) in own else 0
    if "MEMBERS" in fields:
        item["MEMBERS"] = _members(ctx, fields["MEMBERS"])
        _join_task(ctx, task, item["MEMBERS"])
    return None


def _toggle(ctx: Ctx, item: dict[str, Any], state: str) -> None:
    if item["IS_COMPLETE"] != state:
        item.update({"IS_COMPLETE": state, "TOGGLED_BY": ctx.user_id, "TOGGLED_DATE": ctx.state.now_iso()})


@method("task.checklistitem.delete", scope="task")
def checklist_delete(ctx: Ctx) -> bool:
    """``task.checklistitem.delete [TASKID, ITEMID]`` -> ``true``; the item's points go with it."""
    args = _args(ctx)
    task_id = _integer("delete", args, 0, "taskId")
    item_id = _integer("delete", args, 1, "itemId")
    item = _item(ctx, item_id)
    if item is None or item["TASK_ID"] != task_id:
        raise _core(
            "TASKS_ERROR_EXCEPTION_#8; Deleting item: action not allowed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED"
        )
    table = ctx.state.table(CHECKLIST)
    doomed, frontier = {item_id}, [item_id]
    while frontier:
        current = frontier.pop()
        children = [key for key, row in table.items() if row["PARENT_ID"] == current and key not in doomed]
        doomed.update(children)
        frontier.extend(children)
    for key in doomed:
        del table[key]
    return True


def _set_state(ctx: Ctx, verb: str, state: str) -> bool:
    args = _args(ctx)
    task_id = _integer(verb, args, 0, "taskId")
    item_id = _integer(verb, args, 1, "itemId")
    if task_id <= 0 or item_id <= 0:
        raise _core("TASKS_ERROR_ASSERT_EXCEPTION")
    item = _item(ctx, item_id)  # the pages: found by ITEMID, the task is not checked
    if item is None:
        return False
    _toggle(ctx, item, state)
    return True


@method("task.checklistitem.complete", scope="task")
def checklist_complete(ctx: Ctx) -> bool:
    """``task.checklistitem.complete [TASKID, ITEMID]`` -> ``true`` (``false``: no such item)."""
    return _set_state(ctx, "complete", "Y")


@method("task.checklistitem.renew", scope="task")
def checklist_renew(ctx: Ctx) -> bool:
    """``task.checklistitem.renew [TASKID, ITEMID]`` -> ``true`` (``false``: no such item)."""
    return _set_state(ctx, "renew", "N")
