"""Activities: ``crm.activity.todo.add`` (to-dos) and the legacy ``crm.activity.*`` (reference 5.9).

Rows live in table ``"activity"`` with typed values and render as the docs' ``crm.activity.get`` example:
numbers as strings, ``COMPLETED`` ``Y``/``N``, ``STATUS`` 1 (waiting) / 2 (completed), ``TYPE_ID`` 1 meeting,
2 call, 3 task, 4 e-mail, 6 provider (to-dos: ``PROVIDER_ID`` ``CRM_TODO``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..registry import Ctx, ListResult, PortalError, method
from ._rq_shared import (
    field_spec,
    fields_param,
    legacy_error,
    list_rows,
    owner_row,
    pick,
    positive_int,
    render,
    render_row,
    to_int,
)

TABLE = "activity"

ACTIVITY_KEYS = (
    "ID",
    "OWNER_ID",
    "OWNER_TYPE_ID",
    "TYPE_ID",
    "PROVIDER_ID",
    "PROVIDER_TYPE_ID",
    "PROVIDER_GROUP_ID",
    "ASSOCIATED_ENTITY_ID",
    "SUBJECT",
    "CREATED",
    "LAST_UPDATED",
    "START_TIME",
    "END_TIME",
    "DEADLINE",
    "COMPLETED",
    "STATUS",
    "RESPONSIBLE_ID",
    "PRIORITY",
    "NOTIFY_TYPE",
    "NOTIFY_VALUE",
    "DESCRIPTION",
    "DESCRIPTION_TYPE",
    "DIRECTION",
    "LOCATION",
    "SETTINGS",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "AUTHOR_ID",
    "EDITOR_ID",
    "PROVIDER_PARAMS",
    "PROVIDER_DATA",
    "RESULT_MARK",
    "RESULT_VALUE",
    "RESULT_SUM",
    "RESULT_CURRENCY_ID",
    "RESULT_STATUS",
    "RESULT_STREAM",
    "RESULT_SOURCE_ID",
    "AUTOCOMPLETE_RULE",
)
#: legacy TYPE_ID -> (PROVIDER_ID, PROVIDER_TYPE_ID) when the caller names no provider
_PROVIDERS = {
    1: ("CRM_MEETING", "MEETING"),
    2: ("VOXIMPLANT_CALL", "CALL"),
    3: ("TASKS", "TASK"),
    4: ("CRM_EMAIL", "EMAIL"),
    6: ("REST_APP", ""),
}
_TEXT_KEYS = (
    "SUBJECT",
    "DESCRIPTION",
    "LOCATION",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "PROVIDER_ID",
    "PROVIDER_TYPE_ID",
)
_INT_KEYS = ("RESPONSIBLE_ID", "PRIORITY", "DIRECTION", "DESCRIPTION_TYPE", "NOTIFY_TYPE", "NOTIFY_VALUE")
_TIME_KEYS = ("START_TIME", "END_TIME", "DEADLINE")
_SITE_FORMAT = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?")


def parse_datetime(value: Any, tz: dt.tzinfo) -> str | None:
    """An ISO datetime (offset optional, portal zone assumed) or ``dd.mm.yyyy hh:mm:ss``; else ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _SITE_FORMAT.fullmatch(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        text = f"{year}-{month}-{day}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.replace(microsecond=0).isoformat()


def _new_row(ctx: Ctx, owner_type_id: int, owner_id: int) -> dict[str, Any]:
    now = ctx.state.now_iso()
    row: dict[str, Any] = dict.fromkeys(ACTIVITY_KEYS)
    row.update(
        OWNER_TYPE_ID=owner_type_id,
        OWNER_ID=owner_id,
        ASSOCIATED_ENTITY_ID=0,
        CREATED=now,
        LAST_UPDATED=now,
        COMPLETED="N",
        STATUS=1,
        RESPONSIBLE_ID=ctx.user_id,
        PRIORITY=2,
        NOTIFY_TYPE=0,
        NOTIFY_VALUE=0,
        DESCRIPTION="",
        DESCRIPTION_TYPE=1,
        DIRECTION=0,
        LOCATION="",
        SETTINGS=[],
        AUTHOR_ID=ctx.user_id,
        EDITOR_ID=ctx.user_id,
        PROVIDER_PARAMS=[],
        RESULT_MARK=0,
        RESULT_STATUS=0,
        RESULT_STREAM=0,
        AUTOCOMPLETE_RULE=0,
        COMMUNICATIONS=[],
    )
    return row


# ----------------------------------------------------------------------------------------- to-do
@method("crm.activity.todo.add")
def todo_add(ctx: Ctx) -> dict[str, int]:
    """``crm.activity.todo.add {ownerTypeId, ownerId, deadline, title?, ...}`` -> ``{"id": N}``."""
    for name in ("ownerTypeId", "ownerId", "deadline"):
        if ctx.param(name) in (None, ""):
            # Engine controllers answer a missing argument with code 100; wording (unconfirmed).
            raise PortalError(100, f"Could not find value for parameter {{{name}}}")
    owner_type_id, owner_id = positive_int(ctx.param("ownerTypeId")), positive_int(ctx.param("ownerId"))
    if owner_type_id is None or owner_id is None or owner_row(ctx.state, owner_type_id, owner_id) is None:
        raise PortalError("OWNER_NOT_FOUND", "Owner not found.")  # description (unconfirmed)
    deadline = parse_datetime(ctx.param("deadline"), ctx.state.tz)
    if deadline is None:
        raise PortalError("WRONG_DATETIME_FORMAT", f"Wrong datetime format: {ctx.param('deadline')}")
    row = _new_row(ctx, owner_type_id, owner_id)
    row.update(
        TYPE_ID=6,
        PROVIDER_ID="CRM_TODO",
        PROVIDER_TYPE_ID="TODO",
        SUBJECT=str(ctx.param("title") or ""),
        DESCRIPTION=str(ctx.param("description") or ""),
        START_TIME=deadline,
        END_TIME=deadline,
        DEADLINE=deadline,
        RESPONSIBLE_ID=positive_int(ctx.param("responsibleId")) or ctx.user_id,
        ASSOCIATED_ENTITY_ID=positive_int(ctx.param("parentActivityId")) or 0,
    )
    return {"id": ctx.state.insert(TABLE, row)}


# ---------------------------------------------------------------------------------------- legacy
def _apply(ctx: Ctx, row: dict[str, Any], fields: dict[str, Any]) -> None:
    for key in _TEXT_KEYS:
        if key in fields:
            row[key] = "" if fields[key] is None else str(fields[key])
    for key in _INT_KEYS:
        if key in fields and to_int(fields[key]) is not None:
            row[key] = to_int(fields[key])
    for key in _TIME_KEYS:
        if key in fields:
            row[key] = parse_datetime(fields[key], ctx.state.tz) or ""
    if "COMPLETED" in fields:
        row["COMPLETED"] = "Y" if str(fields["COMPLETED"]).upper() in ("Y", "1", "TRUE") else "N"
        row["STATUS"] = 2 if row["COMPLETED"] == "Y" else 1
    if isinstance(fields.get("COMMUNICATIONS"), list):
        row["COMMUNICATIONS"] = [dict(item) for item in fields["COMMUNICATIONS"] if isinstance(item, dict)]
    if "DEADLINE" not in fields and any(key in fields for key in ("START_TIME", "END_TIME")):
        row["DEADLINE"] = row.get("END_TIME") or row.get("START_TIME")


@method("crm.activity.add")
def activity_add(ctx: Ctx) -> int:
    """``crm.activity.add {fields: {OWNER_TYPE_ID, OWNER_ID, TYPE_ID, COMMUNICATIONS, ...}}`` -> id."""
    fields = fields_param(ctx)
    owner_type_id, owner_id = positive_int(fields.get("OWNER_TYPE_ID")), positive_int(fields.get("OWNER_ID"))
    if owner_type_id is None or owner_id is None:
        raise legacy_error("The field OWNER_TYPE_ID/OWNER_ID is not defined or invalid.")  # (unconfirmed)
    if owner_row(ctx.state, owner_type_id, owner_id) is None:
        raise legacy_error("Owner is not found.")  # the portal may say "Access denied." (unconfirmed)
    type_id = positive_int(fields.get("TYPE_ID"))
    if type_id not in _PROVIDERS or type_id is None:
        raise legacy_error("The field TYPE_ID is not defined or invalid.")
    comms = fields.get("COMMUNICATIONS")
    if type_id in (1, 2, 4) and not (isinstance(comms, list) and comms):
        # Meetings, calls and e-mails need a counterpart (docs: COMMUNICATIONS required).
        raise legacy_error("The field COMMUNICATIONS is not defined or invalid.")
    row = _new_row(ctx, owner_type_id, owner_id)
    provider, provider_type = _PROVIDERS[type_id]
    row.update(TYPE_ID=type_id, PROVIDER_ID=provider, PROVIDER_TYPE_ID=provider_type, SUBJECT="")
    _apply(ctx, row, fields)
    return ctx.state.insert(TABLE, row)


def _row_or_error(ctx: Ctx) -> dict[str, Any]:
    number = positive_int(ctx.param("id"))
    if number is None:
        raise legacy_error("ID is not defined or invalid.")
    row = ctx.state.table(TABLE).get(number)
    if row is None:
        raise legacy_error("Not found")
    return row


def _render(row: dict[str, Any], select: list[str]) -> dict[str, Any]:
    full = render_row(row, ACTIVITY_KEYS)
    if "COMMUNICATIONS" in select:  # only on request, as the portal does
        full["COMMUNICATIONS"] = [{k: render(v) for k, v in item.items()} for item in row["COMMUNICATIONS"]]
    return pick(full, select)


@method("crm.activity.get")
def activity_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.activity.get {id}``."""
    return _render(_row_or_error(ctx), [])


@method("crm.activity.update")
def activity_update(ctx: Ctx) -> bool:
    """``crm.activity.update {id, fields}`` -> ``true`` (owner and type are fixed)."""
    row = _row_or_error(ctx)
    _apply(ctx, row, fields_param(ctx))
    row.update(LAST_UPDATED=ctx.state.now_iso(), EDITOR_ID=ctx.user_id)
    return True


@method("crm.activity.delete")
def activity_delete(ctx: Ctx) -> bool:
    """``crm.activity.delete {id}`` -> ``true``."""
    del ctx.state.table(TABLE)[_row_or_error(ctx)["ID"]]
    return True


@method("crm.activity.list")
def activity_list(ctx: Ctx) -> ListResult:
    """``crm.activity.list {select, filter, order, start}`` (50-row pages)."""
    return list_rows(ctx, ctx.state.table(TABLE).values(), _render)


@method("crm.activity.fields")
def activity_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.activity.fields``: description of activity fields."""
    types = {"CREATED": "datetime", "LAST_UPDATED": "datetime", "START_TIME": "datetime"}
    types |= {"END_TIME": "datetime", "DEADLINE": "datetime", "COMPLETED": "char"}
    read_only = {"ID", "CREATED", "LAST_UPDATED", "AUTHOR_ID", "EDITOR_ID", "STATUS"}
    out = {}
    for key in ACTIVITY_KEYS:
        kind = types.get(key, "integer" if key.endswith("_ID") and key not in _TEXT_KEYS else "string")
        out[key] = field_spec(kind, read_only=key in read_only, title=key)
    for key in ("OWNER_TYPE_ID", "OWNER_ID", "TYPE_ID"):
        out[key] = field_spec("integer", required=True, immutable=True, title=key)
    out["COMMUNICATIONS"] = field_spec("crm_activity_communication", required=True, multiple=True, title="")
    return out
