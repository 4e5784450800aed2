"""``crm.category.*`` for deal funnels (entityTypeId 2, reference 5.5) and ``crm.dealcategory.stage.list``.

The default funnel is id 0 "General"; a new funnel N gets the ``C{N}:`` copy of the default stages in
directory ``DEAL_STAGE_N``. Answers use real ints and the wrappers ``{"category": ...}`` /
``{"categories": [...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, ListResult, PortalError, method
from ._crm_common import to_int
from ._crm_directory import (
    CATEGORY_TABLE,
    STATUS_TABLE,
    create_funnel_stages,
    deal_directory,
    ensure_directories,
    stages_of,
)

__all__ = ["render_category"]


def render_category(row: Mapping[str, Any]) -> dict[str, Any]:
    """A funnel as ``crm.category.*`` sends it."""
    out: dict[str, Any] = {
        "id": int(row["ID"]),
        "name": row["NAME"],
        "sort": int(row["SORT"]),
        "entityTypeId": 2,
        "isDefault": row.get("IS_DEFAULT", "N"),
    }
    if int(row["ID"]):
        out["originId"] = row.get("ORIGIN_ID", "")
        out["originatorId"] = row.get("ORIGINATOR_ID", "")
    return out


def _check_type(ctx: Ctx) -> None:
    ensure_directories(ctx.state)
    type_id = to_int(ctx.param("entityTypeId"))
    if type_id != 2:
        # smart-process funnels are not emulated
        text = f"Entity type {ctx.param('entityTypeId')} is not supported"
        raise PortalError("ENTITY_TYPE_NOT_SUPPORTED", text, 400)


def _row(ctx: Ctx) -> dict[str, Any]:
    _check_type(ctx)
    cat_id = to_int(ctx.param("id"))
    row = ctx.state.table(CATEGORY_TABLE).get(-1 if cat_id is None else cat_id)
    if row is None:
        raise PortalError("NOT_FOUND", "Category not found", 400)
    return row


def _sorted(ctx: Ctx) -> list[dict[str, Any]]:
    return sorted(ctx.state.table(CATEGORY_TABLE).values(), key=lambda r: (int(r["SORT"]), int(r["ID"])))


@method("crm.category.list")
def category_list(ctx: Ctx) -> ListResult:
    """All deal funnels by SORT: ``{"categories": [...]}`` + total."""
    _check_type(ctx)
    rows = _sorted(ctx)
    return ListResult({"categories": [render_category(r) for r in rows]}, total=len(rows))


@method("crm.category.get")
def category_get(ctx: Ctx) -> dict[str, Any]:
    """One funnel: ``{"category": {...}}``."""
    return {"category": render_category(_row(ctx))}


def _apply(row: dict[str, Any], fields: Mapping[str, Any]) -> None:
    if "name" in fields:
        row["NAME"] = str(fields["name"])
    if "sort" in fields and to_int(fields["sort"]) is not None:
        row["SORT"] = to_int(fields["sort"])
    for key, target in (("originId", "ORIGIN_ID"), ("originatorId", "ORIGINATOR_ID")):
        if key in fields:
            row[target] = str(fields[key] or "")


def _set_default(ctx: Ctx, row: dict[str, Any], fields: Mapping[str, Any]) -> None:
    if str(fields.get("isDefault", "")).upper() == "Y":
        for other in ctx.state.table(CATEGORY_TABLE).values():
            other["IS_DEFAULT"] = "N"
        row["IS_DEFAULT"] = "Y"


@method("crm.category.add")
def category_add(ctx: Ctx) -> dict[str, Any]:
    """Create a funnel with the default ``C{N}:`` stages: ``{"category": {...}}``."""
    _check_type(ctx)
    fields = ctx.param("fields")
    if not isinstance(fields, Mapping):
        raise PortalError("", "Parameter 'fields' must be array.", 400)
    row: dict[str, Any] = {
        "NAME": "",
        "SORT": 500,
        "ENTITY_TYPE_ID": 2,
        "IS_DEFAULT": "N",
        "CREATED_DATE": ctx.state.now_iso(),
        "ORIGIN_ID": "",
        "ORIGINATOR_ID": "",
    }
    _apply(row, fields)
    new_id = ctx.state.insert(CATEGORY_TABLE, row)
    _set_default(ctx, row, fields)
    create_funnel_stages(ctx.state, new_id)
    return {"category": render_category(row)}


@method("crm.category.update")
def category_update(ctx: Ctx) -> dict[str, Any]:
    """Rename/resort a funnel: ``{"category": {...}}``."""
    row = _row(ctx)
    fields = ctx.param("fields")
    if not isinstance(fields, Mapping):
        raise PortalError("", "Parameter 'fields' must be array.", 400)
    _apply(row, fields)
    _set_default(ctx, row, fields)
    return {"category": render_category(row)}


@method("crm.category.delete")
def category_delete(ctx: Ctx) -> list[Any]:
    """Delete an empty, non-default funnel and its stages (answers ``[]``, unconfirmed)."""
    row = _row(ctx)
    cat_id = int(row["ID"])
    if cat_id == 0 or row.get("IS_DEFAULT") == "Y":
        raise PortalError("ERROR_CANNOT_DELETE", "Default category cannot be deleted", 400)
    if any(int(d.get("CATEGORY_ID") or 0) == cat_id for d in ctx.state.table("deal").values()):
        raise PortalError("ERROR_CANNOT_DELETE", "Category has items", 400)
    del ctx.state.table(CATEGORY_TABLE)[cat_id]
    statuses = ctx.state.table(STATUS_TABLE)
    for key in [k for k, r in statuses.items() if r["ENTITY_ID"] == deal_directory(cat_id)]:
        del statuses[key]
    return []


@method("crm.category.fields")
def category_fields(ctx: Ctx) -> dict[str, Any]:
    """Descriptions of funnel fields: ``{"fields": {...}}``."""
    _check_type(ctx)

    def entry(type_: str, title: str, read_only: bool = False) -> dict[str, Any]:
        return {
            "type": type_,
            "isRequired": False,
            "isReadOnly": read_only,
            "isImmutable": False,
            "isMultiple": False,
            "isDynamic": False,
            "title": title,
        }

    return {
        "fields": {
            "id": entry("integer", "ID", True),
            "name": entry("string", "Name"),
            "sort": entry("integer", "Sort"),
            "entityTypeId": entry("integer", "Entity type ID", True),
            "isDefault": entry("boolean", "Is default"),
            "originId": entry("string", "Origin ID"),
            "originatorId": entry("string", "Originator ID"),
        }
    }


@method("crm.dealcategory.stage.list")
def dealcategory_stage_list(ctx: Ctx) -> list[dict[str, Any]]:
    """``[{NAME, SORT, STATUS_ID}]`` of a funnel (``id`` 0 or empty = default)."""
    ensure_directories(ctx.state)
    cat_id = to_int(ctx.param("id")) or 0
    return [
        {"NAME": r["NAME"], "SORT": str(r["SORT"]), "STATUS_ID": r["STATUS_ID"]}
        for r in stages_of(ctx.state, deal_directory(cat_id))
    ]
