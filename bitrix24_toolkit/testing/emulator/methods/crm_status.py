"""``crm.status.*`` directories (reference 5.5, 5.6): lead statuses, deal stages per funnel, sources,
contact/company/deal types, industries, employee counts, salutations. Rows render with string ``ID``,
``SORT`` and ``CATEGORY_ID`` and ``EXTRA`` semantics for stage directories.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..query import filter_rows, order_rows
from ..registry import Ctx, PortalError, method, not_found
from ._crm_common import to_int
from ._crm_directory import (
    CATEGORY_TABLE,
    STATUS_TABLE,
    add_status,
    ensure_directories,
    stages_of,
)

__all__ = ["render_status"]

_STAGE_DIRS = ("STATUS", "DEAL_STAGE")
_FIELDS = (
    "ID",
    "ENTITY_ID",
    "STATUS_ID",
    "NAME",
    "NAME_INIT",
    "SORT",
    "SYSTEM",
    "CATEGORY_ID",
    "COLOR",
    "SEMANTICS",
)
_EXTRA_SEMANTICS = {None: "process", "": "process", "S": "success", "F": "failure"}


def _is_stage_dir(entity_id: str) -> bool:
    return entity_id in _STAGE_DIRS or entity_id.startswith("DEAL_STAGE_")


def render_status(row: Mapping[str, Any]) -> dict[str, Any]:
    """A directory row as ``crm.status.list`` sends it."""
    out: dict[str, Any] = {
        "ID": str(row["ID"]),
        "ENTITY_ID": row["ENTITY_ID"],
        "STATUS_ID": row["STATUS_ID"],
        "NAME": row["NAME"],
        "NAME_INIT": row.get("NAME_INIT") or "",
        "SORT": str(row["SORT"]),
        "SYSTEM": row.get("SYSTEM", "N"),
        "CATEGORY_ID": None if row.get("CATEGORY_ID") is None else str(row["CATEGORY_ID"]),
        "COLOR": row.get("COLOR"),
        "SEMANTICS": row.get("SEMANTICS"),
    }
    if _is_stage_dir(str(row["ENTITY_ID"])):
        out["EXTRA"] = row.get("EXTRA") or {
            "SEMANTICS": _EXTRA_SEMANTICS.get(row.get("SEMANTICS"), "process"),
            "COLOR": row.get("COLOR"),
        }
    return out


def _row(ctx: Ctx) -> dict[str, Any]:
    ensure_directories(ctx.state)
    row = ctx.state.table(STATUS_TABLE).get(to_int(ctx.param("id")) or 0)
    if row is None:
        raise not_found()
    return row


@method("crm.status.list")
def status_list(ctx: Ctx) -> list[dict[str, Any]]:
    """All matching directory rows in one answer (no paging), default order SORT, ID."""
    ensure_directories(ctx.state)
    flt, order = ctx.param("filter"), ctx.param("order")
    if flt not in (None, "", []) and not isinstance(flt, Mapping):
        raise PortalError("Invalid parameters.", "Incorrect parameters passed.", 400)
    rows = filter_rows(ctx.state.table(STATUS_TABLE).values(), flt if isinstance(flt, Mapping) else None)
    rows = order_rows(
        rows, order if isinstance(order, Mapping) else None, default={"SORT": "ASC", "ID": "ASC"}
    )
    return [render_status(r) for r in rows]


@method("crm.status.get")
def status_get(ctx: Ctx) -> dict[str, Any]:
    """One directory row by numeric id."""
    return render_status(_row(ctx))


@method("crm.status.add")
def status_add(ctx: Ctx) -> int:
    """Add a directory row; ``C{N}:`` is prefixed automatically in ``DEAL_STAGE_N``."""
    ensure_directories(ctx.state)
    fields = ctx.param("fields")
    if not isinstance(fields, Mapping):
        raise PortalError("", "Parameter 'fields' must be array.", 400)
    entity_id, status_id = str(fields.get("ENTITY_ID") or ""), str(fields.get("STATUS_ID") or "")
    if not entity_id or not status_id:
        raise PortalError("", "The 'ENTITY_ID' and 'STATUS_ID' fields are required.", 400)
    category = None
    if entity_id.startswith("DEAL_STAGE_"):
        category = to_int(entity_id.rsplit("_", 1)[1])
        prefix = f"C{category}:"
        if not status_id.startswith(prefix):
            status_id = prefix + status_id
    if any(r["STATUS_ID"] == status_id for r in stages_of(ctx.state, entity_id)):
        raise PortalError("", f"Status '{status_id}' already exists.", 400)
    semantics = str(fields.get("SEMANTICS") or "") or None
    color = fields.get("COLOR")
    row: dict[str, Any] = {
        "ENTITY_ID": entity_id,
        "STATUS_ID": status_id,
        "NAME": str(fields.get("NAME") or status_id),
        "NAME_INIT": "",
        "SORT": to_int(fields.get("SORT")) or 10,
        "SYSTEM": "N",
        "CATEGORY_ID": category,
        "COLOR": color,
        "SEMANTICS": semantics,
    }
    if _is_stage_dir(entity_id):
        row["EXTRA"] = {"SEMANTICS": _EXTRA_SEMANTICS.get(semantics, "process"), "COLOR": color}
    return add_status(ctx.state, row)


@method("crm.status.update")
def status_update(ctx: Ctx) -> bool:
    """Change NAME, SORT, COLOR (and SEMANTICS of non-system rows)."""
    row = _row(ctx)
    fields = ctx.param("fields")
    if not isinstance(fields, Mapping):
        raise PortalError("", "Parameter 'fields' must be array.", 400)
    if "NAME" in fields:
        row["NAME"] = str(fields["NAME"])
    if "SORT" in fields and to_int(fields["SORT"]) is not None:
        row["SORT"] = to_int(fields["SORT"])
    if "COLOR" in fields:
        row["COLOR"] = fields["COLOR"]
    if "SEMANTICS" in fields and row.get("SYSTEM") != "Y":
        row["SEMANTICS"] = str(fields["SEMANTICS"] or "") or None
    if row.get("EXTRA") is not None:
        row["EXTRA"] = {"SEMANTICS": _EXTRA_SEMANTICS.get(row["SEMANTICS"], "process"), "COLOR": row["COLOR"]}
    return True


@method("crm.status.delete")
def status_delete(ctx: Ctx) -> bool:
    """Delete a row; system rows need ``params[FORCED]=Y`` (unconfirmed wording of the refusal)."""
    row = _row(ctx)
    params = ctx.param("params")
    forced = isinstance(params, Mapping) and str(params.get("FORCED", "")).upper() == "Y"
    if row.get("SYSTEM") == "Y" and not forced:
        raise PortalError("", "Can't delete system status", 400)
    del ctx.state.table(STATUS_TABLE)[int(row["ID"])]
    return True


@method("crm.status.fields")
def status_fields(ctx: Ctx) -> dict[str, Any]:
    """Descriptions of directory row fields."""
    types = {"ID": "integer", "SORT": "integer", "CATEGORY_ID": "integer"}
    read_only = {"ID", "NAME_INIT", "SYSTEM", "CATEGORY_ID"}
    immutable = {"ENTITY_ID", "STATUS_ID"}
    out = {
        name: {
            "type": types.get(name, "string"),
            "isRequired": name in ("ENTITY_ID", "STATUS_ID", "NAME"),
            "isReadOnly": name in read_only,
            "isImmutable": name in immutable,
            "isMultiple": False,
            "isDynamic": False,
            "title": name,
        }
        for name in _FIELDS
    }
    out["EXTRA"] = {**out["NAME"], "type": "object", "isRequired": False, "title": "EXTRA"}
    return out


def _entity_types(ctx: Ctx) -> list[dict[str, Any]]:
    ensure_directories(ctx.state)
    lead_info = {"START_FIELD": "NEW", "FINAL_SUCCESS_FIELD": "CONVERTED", "FINAL_UNSUCCESS_FIELD": "JUNK"}
    out: list[dict[str, Any]] = [
        {
            "ID": "STATUS",
            "NAME": "Lead statuses",
            "SEMANTIC_INFO": {**lead_info, "FINAL_SORT": 0},
            "ENTITY_TYPE_ID": 1,
        },
        {"ID": "SOURCE", "NAME": "Sources"},
        {"ID": "CONTACT_TYPE", "NAME": "Contact type"},
        {"ID": "COMPANY_TYPE", "NAME": "Company type"},
        {"ID": "EMPLOYEES", "NAME": "Employees"},
        {"ID": "INDUSTRY", "NAME": "Industry"},
        {"ID": "DEAL_TYPE", "NAME": "Deal type"},
        {"ID": "HONORIFIC", "NAME": "Salutations"},
    ]
    for cat_id, cat in sorted(ctx.state.table(CATEGORY_TABLE).items()):
        prefix = f"C{cat_id}:" if cat_id else ""
        info = {
            "START_FIELD": f"{prefix}NEW",
            "FINAL_SUCCESS_FIELD": f"{prefix}WON",
            "FINAL_UNSUCCESS_FIELD": f"{prefix}LOSE",
            "FINAL_SORT": 0,
        }
        entry: dict[str, Any] = {
            "ID": "DEAL_STAGE" if not cat_id else f"DEAL_STAGE_{cat_id}",
            "NAME": "Deal stages" if not cat_id else f"Deal stages ({cat['NAME']})",
            "SEMANTIC_INFO": info,
            "ENTITY_TYPE_ID": 2,
        }
        if cat_id:
            entry.update({"PARENT_ID": "DEAL_STAGE", "PREFIX": f"C{cat_id}", "CATEGORY_ID": cat_id})
        out.append(entry)
    return out


@method("crm.status.entity.types")
def status_entity_types(ctx: Ctx) -> list[dict[str, Any]]:
    """The directories of the portal (deal funnels included)."""
    return _entity_types(ctx)


@method("crm.status.entity.items")
def status_entity_items(ctx: Ctx) -> list[dict[str, Any]]:
    """``[{NAME, SORT, STATUS_ID}]`` of one directory (``entityId``)."""
    entity_id = str(ctx.param("entityId") or "")
    return [
        {"NAME": r["NAME"], "SORT": int(r["SORT"]), "STATUS_ID": r["STATUS_ID"]}
        for r in stages_of(ctx.state, entity_id)
    ]
