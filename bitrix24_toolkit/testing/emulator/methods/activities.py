"""Activities: ``crm.activity.todo.add`` (to-dos) and the legacy ``crm.activity.*`` (reference 5.9).

Rows live in table ``"activity"`` with typed values and render as the docs' ``crm.activity.get`` example:
numbers as strings, ``COMPLETED`` ``Y``/``N``, ``STATUS`` 1 (waiting) / 2 (completed), ``TYPE_ID`` 1 meeting,
2 call, 3 task, 4 e-mail, 6 provider (to-dos: ``PROVIDER_ID`` ``CRM_TODO``). ``COMMUNICATIONS`` and ``FILES``
are answered by ``crm.activity.list`` only when selected. Pages: api-reference/crm/timeline/activities/
(activity-base/, todo/); the facts are in tests/fidelity/facts/crm_activities.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..registry import Ctx, ListResult, PortalError, method
from ._activity_fields import activity_fields as _field_descriptions
from ._activity_links import bound, communications, entity_settings
from ._files import activity_file, store_files
from ._rq_shared import (
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
    # the portal answers its own time zone, whatever offset was sent
    return moment.astimezone(tz).replace(microsecond=0).isoformat()


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
        FILE_IDS=[],
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
#: crm-activity-add.md "Possible Error Codes" (the table's text, without the example's final dot)
_NO_SUBJECT = "The field SUBJECT is not defined or empty"
_NO_RESPONSIBLE = "The field RESPONSIBLE_ID is not defined or invalid"
_NO_TYPE = "The field TYPE_ID is not defined or invalid"
_NO_COMMUNICATIONS = "The field COMMUNICATIONS is not defined or invalid"
_ONE_COMMUNICATION = "The only one communication is allowed for activity of specified type"
_NO_BINDING = (
    "Could not build binding. Please ensure that owner info and communications are defined correctly"
)
_NO_PROVIDER = "The custom activity without provider is not supported in current context"


def _derive_times(row: dict[str, Any]) -> None:
    """DEADLINE is not set directly: START_TIME for calls and meetings, END_TIME for tasks (fields page)."""
    row["DEADLINE"] = (row.get("END_TIME") if row["TYPE_ID"] == 3 else row.get("START_TIME")) or row.get(
        "DEADLINE"
    )


def _check_required(fields: dict[str, Any], *, adding: bool) -> None:
    if (adding or "SUBJECT" in fields) and str(fields.get("SUBJECT") or "").strip() == "":
        raise legacy_error(_NO_SUBJECT)
    if (adding or "RESPONSIBLE_ID" in fields) and positive_int(fields.get("RESPONSIBLE_ID")) is None:
        raise legacy_error(_NO_RESPONSIBLE)


def _apply(ctx: Ctx, row: dict[str, Any], fields: dict[str, Any]) -> None:
    for key in _TEXT_KEYS:
        if key in fields:
            row[key] = "" if fields[key] is None else str(fields[key])
    for key in _INT_KEYS:
        if key in fields and to_int(fields[key]) is not None:
            row[key] = to_int(fields[key])
    for key in ("START_TIME", "END_TIME"):
        if key in fields:
            row[key] = parse_datetime(fields[key], ctx.state.tz)
    if "COMPLETED" in fields:
        row["COMPLETED"] = "Y" if str(fields["COMPLETED"]).upper() in ("Y", "1", "TRUE") else "N"
        row["STATUS"] = 2 if row["COMPLETED"] == "Y" else 1
    if isinstance(fields.get("SETTINGS"), dict):
        row["SETTINGS"] = dict(fields["SETTINGS"])
    if "FILES" in fields:
        row["FILE_IDS"] = store_files(ctx, fields["FILES"])
    _derive_times(row)


@method("crm.activity.add")
def activity_add(ctx: Ctx) -> int:
    """``crm.activity.add {fields: {OWNER_*, TYPE_ID, SUBJECT, RESPONSIBLE_ID, COMMUNICATIONS}}`` -> id."""
    fields = fields_param(ctx)
    type_id = positive_int(fields.get("TYPE_ID"))
    if type_id is None or type_id not in _PROVIDERS:
        raise legacy_error(_NO_TYPE)
    if type_id == 6 and not str(fields.get("PROVIDER_ID") or "").strip():
        raise legacy_error(_NO_PROVIDER)  # a provider activity (to-dos: crm.activity.todo.add)
    _check_required(fields, adding=True)
    comms = communications(ctx, type_id, fields.get("COMMUNICATIONS"))
    if type_id in (1, 2, 4) and not comms:  # meetings, calls and e-mails need a counterpart
        raise legacy_error(_NO_COMMUNICATIONS)
    if type_id in (1, 2) and len(comms) > 1:
        raise legacy_error(_ONE_COMMUNICATION)
    owner_type_id, owner_id = positive_int(fields.get("OWNER_TYPE_ID")), positive_int(fields.get("OWNER_ID"))
    if owner_type_id is None or owner_id is None:  # the binding comes from the first communication's entity
        bound = next((c for c in comms if c["ENTITY_TYPE_ID"] > 0 and c["ENTITY_ID"] > 0), None)
        if bound is None:
            raise legacy_error(_NO_BINDING)
        owner_type_id, owner_id = bound["ENTITY_TYPE_ID"], bound["ENTITY_ID"]
    row = _new_row(ctx, owner_type_id, owner_id)
    provider, provider_type = _PROVIDERS[type_id]
    row.update(TYPE_ID=type_id, PROVIDER_ID=provider, PROVIDER_TYPE_ID=provider_type, SUBJECT="")
    _apply(ctx, row, fields)
    row["COMMUNICATIONS"] = comms
    if type_id != 6:  # only provider activities name their provider
        row.update(PROVIDER_ID=provider, PROVIDER_TYPE_ID=provider_type)
    return ctx.state.insert(TABLE, row)


def _row_or_error(ctx: Ctx) -> dict[str, Any]:
    number = positive_int(ctx.param("id"))
    if number is None:
        raise legacy_error("ID is not defined or invalid.")
    row = ctx.state.table(TABLE).get(number)
    if row is None:
        raise legacy_error("Activity is not found")  # crm-activity-get.md / -update.md / -delete.md
    return row


def _renderer(ctx: Ctx) -> Any:
    def render_one(row: dict[str, Any], select: list[str]) -> dict[str, Any]:
        full = render_row(row, ACTIVITY_KEYS)
        shown = pick(full, select)
        if "COMMUNICATIONS" in select:  # only on request (crm-activity-list.md)
            shown["COMMUNICATIONS"] = [
                {**{k: render(v) for k, v in comm.items()}, "ENTITY_SETTINGS": entity_settings(ctx, comm)}
                for comm in row.get("COMMUNICATIONS") or []
            ]
        if "FILES" in select or "STORAGE_ELEMENT_IDS" in select:
            shown["FILES"] = [activity_file(int(i), int(row["ID"])) for i in row.get("FILE_IDS") or []]
        return shown

    return render_one


@method("crm.activity.get")
def activity_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.activity.get {id}``: the record of the page's example (no COMMUNICATIONS/FILES)."""
    return render_row(_row_or_error(ctx), ACTIVITY_KEYS)


@method("crm.activity.update")
def activity_update(ctx: Ctx) -> bool:
    """``crm.activity.update {id, fields}`` -> ``true`` (owner and type are fixed)."""
    row = _row_or_error(ctx)
    fields = fields_param(ctx)
    _check_required(fields, adding=False)
    if "COMMUNICATIONS" in fields:
        comms = communications(ctx, int(row["TYPE_ID"]), fields["COMMUNICATIONS"])
        if int(row["TYPE_ID"]) in (1, 2, 4) and not comms:
            raise legacy_error(_NO_COMMUNICATIONS)
        if int(row["TYPE_ID"]) in (1, 2) and len(comms) > 1:
            raise legacy_error(_ONE_COMMUNICATION)
        row["COMMUNICATIONS"] = comms
    _apply(ctx, row, fields)
    row.update(LAST_UPDATED=ctx.state.now_iso(), EDITOR_ID=ctx.user_id)
    return True


@method("crm.activity.delete")
def activity_delete(ctx: Ctx) -> bool:
    """``crm.activity.delete {id}`` -> ``true``."""
    del ctx.state.table(TABLE)[_row_or_error(ctx)["ID"]]
    return True


@method("crm.activity.list")
def activity_list(ctx: Ctx) -> ListResult:
    """``crm.activity.list {select, filter, order, start}`` (50-row pages; ``filter[BINDINGS]``)."""
    for name in ("filter", "order"):
        value = ctx.param(name)
        if value not in (None, "") and not isinstance(value, dict | list):
            raise legacy_error(f"Parameter '{name}' must be array.")
    given = ctx.param("filter")
    flt = dict(given) if isinstance(given, dict) else {}
    wanted = next((flt.pop(key) for key in list(flt) if key.upper() == "BINDINGS"), None)
    if isinstance(wanted, dict):  # a form-encoded array: BINDINGS[0][OWNER_ID]=...
        wanted = list(wanted.values())
    if wanted is not None and not isinstance(wanted, list):
        # not documented: an error rather than a crash (the page takes an array of bindings only)
        raise legacy_error("Parameter 'filter[BINDINGS]' must be array.")
    rows = [
        row for row in ctx.state.table(TABLE).values() if wanted is None or bound(row, list(wanted or []))
    ]
    narrowed = Ctx(ctx.state, {**ctx.params, "filter": flt}, ctx.method, ctx.user_id, ctx.in_batch, ctx.extra)
    # crm-activity-list.md: "By default, it is sorted by increasing the Start Date field (START_TIME)"
    return list_rows(narrowed, rows, _renderer(ctx), default_order={"START_TIME": "ASC"})


@method("crm.activity.fields")
def activity_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.activity.fields``: description of activity fields (the page's example answer)."""
    return _field_descriptions()
