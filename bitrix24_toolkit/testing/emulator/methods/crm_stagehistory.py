"""``crm.stagehistory.list`` and :func:`record_stage_change` for demo-data builders.

Page: api-reference/crm/crm-stage-history-list.md.

Rows live in table ``"stagehistory"``: ``ID``, ``ENTITY_TYPE_ID``, ``TYPE_ID`` (1 created, 2 intermediate
stage, 3 final stage, 5 funnel changed), ``OWNER_ID``, ``CREATED_TIME`` and, for deals, ``CATEGORY_ID``,
``STAGE_ID``, ``STAGE_SEMANTIC_ID`` (leads: ``STATUS_ID``, ``STATUS_SEMANTIC_ID``). Values are real ints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..listing import list_rows
from ..query import filter_fields
from ..registry import Ctx, ListResult, PortalError, method

if TYPE_CHECKING:
    from ..state import PortalState

__all__ = ["TABLE", "record_stage_change", "stagehistory_list"]

TABLE = "stagehistory"

_COMMON = ("ID", "TYPE_ID", "OWNER_ID", "CREATED_TIME")
_FIELDS = {
    1: (*_COMMON, "STATUS_SEMANTIC_ID", "STATUS_ID"),
    2: (*_COMMON, "CATEGORY_ID", "STAGE_SEMANTIC_ID", "STAGE_ID"),
}


def record_stage_change(
    state: PortalState,
    entity: str,
    row: Mapping[str, Any],
    type_id: int,
    when: str | dt.datetime | None = None,
) -> int:
    """Append a history row for a lead/deal in its current stage (``when`` defaults to the portal clock)."""
    if isinstance(when, dt.datetime):
        moment = when if when.tzinfo else when.replace(tzinfo=state.tz)
        created = moment.replace(microsecond=0).isoformat()
    else:
        created = when or state.now_iso()
    entry: dict[str, Any] = {"TYPE_ID": int(type_id), "OWNER_ID": int(row["ID"]), "CREATED_TIME": created}
    if entity == "lead":
        entry["ENTITY_TYPE_ID"] = 1
        entry["STATUS_SEMANTIC_ID"] = row.get("STATUS_SEMANTIC_ID") or "P"
        entry["STATUS_ID"] = row.get("STATUS_ID")
    else:
        entry["ENTITY_TYPE_ID"] = 2
        entry["CATEGORY_ID"] = int(row.get("CATEGORY_ID") or 0)
        entry["STAGE_SEMANTIC_ID"] = row.get("STAGE_SEMANTIC_ID") or "P"
        entry["STAGE_ID"] = row.get("STAGE_ID")
    return state.insert(TABLE, entry)


#: CCrmOwnerType names, for the "Entity type X is not supported" refusal
_TYPE_NAMES = {
    3: "CONTACT",
    4: "COMPANY",
    5: "INVOICE",
    6: "ACTIVITY",
    7: "QUOTE",
    8: "REQUISITE",
    31: "SMART_INVOICE",
}


def _entity_type(ctx: Ctx) -> int:
    value = ctx.param("entityTypeId")
    try:
        type_id = int(str(value))
    except ValueError:
        type_id = 0
    if type_id not in _FIELDS:
        # old invoices (5), new invoices (31) and smart processes are not emulated
        name = _TYPE_NAMES.get(type_id, "" if value is None else str(value))
        raise PortalError("ENTITY_TYPE_NOT_SUPPORTED", f"Entity type {name} is not supported", 400)
    return type_id


@method("crm.stagehistory.list")
def stagehistory_list(ctx: Ctx) -> ListResult:
    """Stage history of leads or deals: ``{"items": [...]}`` + total/next, real ints."""
    type_id = _entity_type(ctx)
    allowed = _FIELDS[type_id]
    flt = ctx.param("filter") or {}
    order = ctx.param("order") or {}
    if not isinstance(flt, Mapping) or not isinstance(order, Mapping):
        raise PortalError("INVALID_ARG_VALUE", "Invalid filter or order", 400)
    for name in filter_fields(flt):
        if name not in allowed:
            raise PortalError(
                "INVALID_ARG_VALUE", f"Invalid filter: field '{name}' is not allowed in filter", 400
            )
    for name, direction in order.items():
        if name not in allowed:
            raise PortalError(
                "INVALID_ARG_VALUE", f"Invalid order: field '{name}' is not allowed in order", 400
            )
        if str(direction).upper() not in ("ASC", "DESC"):
            raise PortalError(
                "INVALID_ARG_VALUE",
                "Invalid order: allowed sort directions are ASC, DESC. "
                f"But got '{direction}' for field '{name}'",
                400,
            )
    # narrowed by id first (keyset pages cost an index lookup, as on a portal), then filtered and paged
    scoped = {**flt, "=ENTITY_TYPE_ID": type_id}
    result = list_rows(ctx.state.table(TABLE), scoped, order, ctx.param("start"))
    select = ctx.param("select")
    wanted = [n for n in allowed if not select or n in select or "*" in select] if select else list(allowed)
    result.result = {"items": [{name: row.get(name) for name in wanted} for row in result.result]}
    return result
