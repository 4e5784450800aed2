"""Tasks as stored and as ``tasks.task.*`` sends them (page ``api-reference/tasks/fields.md``).

A task is a row of table ``"task"`` keyed by UPPER_SNAKE field codes (``TITLE``, ``RESPONSIBLE_ID``,
``DEADLINE`` ...): ids as ints, dates as ISO 8601 with the portal's offset, ``ACCOMPLICES``/``AUDITORS``
lists of ints, ``TAGS`` a list of titles. Answers use camelCase keys (``responsibleId``), ids and numbers
as strings, as the pages' examples show. Checklist items (table ``"task_checklist"``) and links between
tasks (``"task_dependence"``) live beside them; their modules read this one.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, PortalError
from .users import find_user

__all__ = [
    "CHECKLIST",
    "DEPENDENCE",
    "STATUSES",
    "TABLE",
    "camel",
    "date_value",
    "is_overdue",
    "task_record",
    "upper",
    "user_brief",
]

TABLE = "task"
CHECKLIST = "task_checklist"
DEPENDENCE = "task_dependence"
#: fields.md: 2 waiting, 3 in progress, 4 awaiting control, 5 completed, 6 postponed
STATUSES = frozenset({2, 3, 4, 5, 6})
#: the scalar fields of a stored task in the order of tasks-task-add.md's answer, with their defaults
SCALARS: tuple[tuple[str, Any], ...] = (
    ("ID", None),
    ("PARENT_ID", None),
    ("TITLE", ""),
    ("DESCRIPTION", ""),
    ("MARK", None),
    ("PRIORITY", 1),
    ("MULTITASK", "N"),
    ("NOT_VIEWED", "N"),
    ("REPLICATE", "N"),
    ("STAGE_ID", 0),
    ("CREATED_BY", None),
    ("CREATED_DATE", None),
    ("RESPONSIBLE_ID", None),
    ("CHANGED_BY", None),
    ("CHANGED_DATE", None),
    ("STATUS_CHANGED_BY", None),
    ("CLOSED_BY", None),
    ("CLOSED_DATE", None),
    ("ACTIVITY_DATE", None),
    ("DATE_START", None),
    ("DEADLINE", None),
    ("START_DATE_PLAN", None),
    ("END_DATE_PLAN", None),
    ("GUID", None),
    ("XML_ID", None),
    ("COMMENTS_COUNT", None),
    ("SERVICE_COMMENTS_COUNT", None),
    ("ALLOW_CHANGE_DEADLINE", "N"),
    ("ALLOW_TIME_TRACKING", "N"),
    ("TASK_CONTROL", "N"),
    ("ADD_IN_REPORT", "N"),
    ("FORKED_BY_TEMPLATE_ID", None),
    ("TIME_ESTIMATE", 0),
    ("TIME_SPENT_IN_LOGS", None),
    ("MATCH_WORK_TIME", "N"),
    ("FORUM_TOPIC_ID", None),
    ("FORUM_ID", None),
    ("SITE_ID", "s1"),
    ("SUBORDINATE", "Y"),
    ("EXCHANGE_MODIFIED", None),
    ("EXCHANGE_ID", None),
    ("OUTLOOK_VERSION", 1),
    ("VIEWED_DATE", None),
    ("SORTING", None),
    ("DURATION_FACT", None),
    ("IS_MUTED", "N"),
    ("IS_PINNED", "N"),
    ("IS_PINNED_IN_GROUP", "N"),
    ("FLOW_ID", None),
    ("DESCRIPTION_IN_BBCODE", "Y"),
    ("STATUS", 2),
    ("STATUS_CHANGED_DATE", None),
    ("DURATION_PLAN", None),
    ("DURATION_TYPE", "days"),
    ("FAVORITE", "N"),
    ("GROUP_ID", 0),
)
SCALAR_NAMES = frozenset(name for name, _ in SCALARS)
#: fields whose values are dates
DATES = frozenset(
    {
        "CREATED_DATE",
        "CHANGED_DATE",
        "CLOSED_DATE",
        "ACTIVITY_DATE",
        "DATE_START",
        "DEADLINE",
        "START_DATE_PLAN",
        "END_DATE_PLAN",
        "STATUS_CHANGED_DATE",
        "VIEWED_DATE",
        "EXCHANGE_MODIFIED",
    }
)
#: the static ``action`` object of the pages' answers (the caller may do everything: an administrator)
ACTIONS: dict[str, bool] = dict.fromkeys(
    "accept decline complete approve disapprove start pause delegate remove edit defer renew create "
    "changeDeadline checklistAddItems addFavorite deleteFavorite rate take edit.originator checklist.reorder "
    "elapsedtime.add dayplan.timer.toggle edit.plan checklist.add favorite.add favorite.delete".split(),
    True,
)
for _off in ("accept", "decline", "approve", "disapprove", "pause", "renew", "deleteFavorite", "take"):
    ACTIONS[_off] = False
for _off in ("edit.originator", "dayplan.timer.toggle", "favorite.delete"):
    ACTIONS[_off] = False

_CAMEL_PART = re.compile(r"_([a-z0-9])")
_UPPER_PART = re.compile(r"(?<=[a-z0-9])([A-Z])")


def camel(name: str) -> str:
    """``RESPONSIBLE_ID`` -> ``responsibleId`` (the answers' spelling)."""
    return _CAMEL_PART.sub(lambda m: m.group(1).upper(), name.lower())


def upper(name: str) -> str:
    """``responsibleId`` or ``RESPONSIBLE_ID`` -> ``RESPONSIBLE_ID`` (requests may use either)."""
    if name.isupper() or "_" in name:
        return name.upper()
    return _UPPER_PART.sub(r"_\1", name).upper()


def date_value(value: Any, tz: dt.tzinfo) -> str | None:
    """A request's date (``2025-12-31T23:59:59``, ``2025-12-31``, with or without offset) as stored."""
    if value in (None, "", False):
        return None
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dt.datetime.strptime(text, "%d.%m.%Y %H:%M:%S")
        except ValueError:
            try:
                parsed = dt.datetime.strptime(text, "%d.%m.%Y")
            except ValueError:
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.replace(microsecond=0).isoformat()


def new_guid(ctx: Ctx) -> str:
    """A task's GUID: deterministic per portal (a name-based UUID of the task's id)."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"task/{ctx.state.counters.get(TABLE, 0)}")) + "}"


def is_overdue(row: Mapping[str, Any], now: dt.datetime) -> bool:
    """A task past its deadline and not done (the ``-1`` meta-status of tasks.task.list)."""
    deadline = row.get("DEADLINE")
    if not deadline or int(row.get("STATUS") or 2) in (4, 5, 6):
        return False
    return dt.datetime.fromisoformat(str(deadline)) < now


def sub_status(row: Mapping[str, Any], now: dt.datetime) -> str:
    """``subStatus``: ``-1`` overdue, ``-3`` almost overdue (a day left), else the real status."""
    if is_overdue(row, now):
        return "-1"
    deadline = row.get("DEADLINE")
    if deadline and int(row.get("STATUS") or 2) not in (4, 5, 6):
        if dt.datetime.fromisoformat(str(deadline)) - now < dt.timedelta(days=1):
            return "-3"
    return str(row.get("STATUS") or 2)


def user_brief(ctx: Ctx, user_id: Any) -> dict[str, Any]:
    """The user object of fields.md (``id``, ``name``, ``link``, ``icon``, ``workPosition``)."""
    uid = int(user_id or 0)
    row = find_user(ctx, uid) or {}
    name = " ".join(part for part in (row.get("NAME"), row.get("LAST_NAME")) if part)
    return {
        "id": str(uid),
        "name": name,
        "link": f"/company/personal/user/{uid}/",
        "icon": "/bitrix/images/tasks/default_avatar.png",
        "workPosition": str(row.get("WORK_POSITION") or ""),
    }


def _text(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in DATES or isinstance(value, str):
        return value
    return str(value)


def group_brief(ctx: Ctx, group_id: Any) -> dict[str, Any] | list[Any]:
    """fields.md's ``group`` object, or ``[]`` for a task outside any group (the examples' PHP array)."""
    row = ctx.state.table("sonet_group").get(int(group_id or 0))
    if row is None:
        return []
    return {
        "id": str(row["ID"]),
        "name": row["NAME"],
        "opened": row.get("OPENED") == "Y",
        "membersCount": int(row.get("NUMBER_OF_MEMBERS") or 1),
        "image": "",
        "additionalData": [],
    }


def checklist_items(ctx: Ctx, task_id: int) -> list[dict[str, Any]]:
    """The checklist items of one task, by id."""
    rows = ctx.state.table(CHECKLIST).values()
    return sorted((row for row in rows if row["TASK_ID"] == task_id), key=lambda row: int(row["ID"]))


def _checklist_object(ctx: Ctx, task_id: int) -> dict[str, Any] | list[Any]:
    """fields.md's ``checklist``: item id -> camelCase item (``[]`` when the task has none)."""
    out: dict[str, Any] = {}
    for item in checklist_items(ctx, task_id):
        out[str(item["ID"])] = {
            "id": str(item["ID"]),
            "taskId": str(task_id),
            "createdBy": str(item["CREATED_BY"]),
            "parentId": str(item["PARENT_ID"] or 0),
            "title": item["TITLE"],
            "sortIndex": str(item["SORT_INDEX"]),
            "isComplete": item["IS_COMPLETE"],
            "isImportant": item["IS_IMPORTANT"],
            "toggledBy": None if item.get("TOGGLED_BY") is None else str(item["TOGGLED_BY"]),
            "toggledDate": item.get("TOGGLED_DATE") or "",
            "ufChecklistFiles": False,
            "members": [],
            "attachments": [],
            "entityId": str(task_id),
            "action": {"modify": True, "remove": True, "toggle": True, "add": True, "addAccomplice": True},
        }
    return out or []


def tags_object(ctx: Ctx, row: Mapping[str, Any]) -> dict[str, Any] | list[Any]:
    """tasks-task-list.md's ``tags``: tag id -> ``{"id", "title"}`` (``[]`` without tags)."""
    ids: dict[str, int] = ctx.state.meta.setdefault("task_tags", {})
    out: dict[str, Any] = {}
    for title in row.get("TAGS") or []:
        if title not in ids:
            ids[title] = len(ids) + 1
        out[str(ids[title])] = {"id": ids[title], "title": title}
    return out or []


def task_record(ctx: Ctx, row: Mapping[str, Any], select: set[str] | None = None) -> dict[str, Any]:
    """A task as tasks.task.add/update/get/list send it; ``select``: UPPER codes (``None``: the default)."""
    chosen = select if select is not None else SCALAR_NAMES | {"ACCOMPLICES", "AUDITORS", "CHECKLIST"}
    out: dict[str, Any] = {}
    for name, default in SCALARS:
        if name in chosen or name == "ID":
            value = row.get(name, default)
            if name == "CLOSED_BY" and value is None and row.get("STATUS_CHANGED_BY") is not None:
                value = 0  # fields.md: 0 while not completed (once the status was ever changed)
            out[camel(name)] = _text(name, value)
    if "ACCOMPLICES" in chosen:
        out["accomplices"] = [str(uid) for uid in row.get("ACCOMPLICES") or []]
    if "AUDITORS" in chosen:
        out["auditors"] = [str(uid) for uid in row.get("AUDITORS") or []]
    if "CHECKLIST" in chosen:
        out["checklist"] = _checklist_object(ctx, int(row["ID"]))
    out["group"] = group_brief(ctx, row.get("GROUP_ID"))
    if "CREATED_BY" in chosen:
        out["creator"] = user_brief(ctx, row.get("CREATED_BY"))
    if "RESPONSIBLE_ID" in chosen:
        out["responsible"] = user_brief(ctx, row.get("RESPONSIBLE_ID"))
    if "ACCOMPLICES" in chosen:
        out["accomplicesData"] = {str(u): user_brief(ctx, u) for u in row.get("ACCOMPLICES") or []} or []
    if "AUDITORS" in chosen:
        out["auditorsData"] = {str(u): user_brief(ctx, u) for u in row.get("AUDITORS") or []} or []
    if "TAGS" in chosen:
        out["tags"] = tags_object(ctx, row)
    if "UF_CRM_TASK" in chosen:
        out["ufCrmTask"] = list(row.get("UF_CRM_TASK") or [])
        out["ufTaskWebdavFiles"] = []
        out["ufMailMessage"] = None
    if select is None:
        out["newCommentsCount"] = 0
        out["action"] = dict(ACTIONS)
        out["checkListCanAdd"] = True
    if "SUB_STATUS" in chosen:
        out["subStatus"] = sub_status(row, ctx.now)
    return out


def refuse(text: str) -> PortalError:
    """The pages' ``ERROR_CORE`` answers: the text ends with ``<br>`` (tasks-task-update.md)."""
    return PortalError("ERROR_CORE", f"{text}<br>", 400)
