"""``crm.category.*`` for deal funnels (entityTypeId 2, pages ``api-reference/crm/universal/category/``)
and ``crm.dealcategory.stage.list``.

The default funnel is id 0 "General"; a new funnel N gets the ``C{N}:`` copy of the default stages in
directory ``DEAL_STAGE_N``. Answers use real ints and the wrappers ``{"category": ...}`` /
``{"categories": [...]}``; ``delete`` answers ``null``. ``isDefault`` of deal funnels cannot be changed
(``crm-category-add.md``). An unknown entityTypeId is ``NOT_FOUND`` "Smart process not found"; a known type
without emulated funnels ``ENTITY_TYPE_NOT_SUPPORTED``.
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
from .crm_item import required

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


#: types the portal knows but whose funnels are not emulated (leads have none at all)
_TYPE_NAMES = {1: "LEAD", 3: "CONTACT", 4: "COMPANY"}


def _check_type(ctx: Ctx) -> None:
    ensure_directories(ctx.state)
    type_id = to_int(required(ctx, "entityTypeId"))
    if type_id == 2:
        return
    if type_id in _TYPE_NAMES:
        raise PortalError(
            "ENTITY_TYPE_NOT_SUPPORTED", f"Entity type {_TYPE_NAMES[type_id]} is not supported", 400
        )
    # crm-category-list.md: an entityTypeId the portal does not know (smart processes are not emulated)
    raise PortalError("NOT_FOUND", "Smart process not found", 400)


def _row(ctx: Ctx) -> dict[str, Any]:
    _check_type(ctx)
    cat_id = to_int(required(ctx, "id"))
    row = ctx.state.table(CATEGORY_TABLE).get(-1 if cat_id is None else cat_id)
    if row is None:
        raise PortalError("NOT_FOUND", "Element not found", 400)
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
    sort = to_int(fields.get("sort"))
    if sort is not None:
        row["SORT"] = max(sort, 0)  # a negative sort is stored as 0
    for key, target in (("originId", "ORIGIN_ID"), ("originatorId", "ORIGINATOR_ID")):
        if key in fields:
            row[target] = str(fields[key] or "")


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
    if not str(fields.get("name") or "").strip():
        raise PortalError(0, "Field 'NAME' is required", 400)
    _apply(row, fields)  # isDefault of deal funnels is not writable
    new_id = ctx.state.insert(CATEGORY_TABLE, row)
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
    return {"category": render_category(row)}


@method("crm.category.delete")
def category_delete(ctx: Ctx) -> None:
    """Delete an empty, non-default funnel and its stages (answers ``null``)."""
    row = _row(ctx)
    cat_id = int(row["ID"])
    if cat_id == 0 or row.get("IS_DEFAULT") == "Y":
        raise PortalError(0, "Default deal category cannot be deleted", 400)
    if any(int(d.get("CATEGORY_ID") or 0) == cat_id for d in ctx.state.table("deal").values()):
        raise PortalError(0, f"Deals related to the funnel {row['NAME']} found", 400)
    del ctx.state.table(CATEGORY_TABLE)[cat_id]
    statuses = ctx.state.table(STATUS_TABLE)
    for key in [k for k, r in statuses.items() if r["ENTITY_ID"] == deal_directory(cat_id)]:
        del statuses[key]
    return None


@method("crm.category.fields")
def category_fields(ctx: Ctx) -> dict[str, Any]:
    """Descriptions of funnel fields (crm-category-fields.md): ``{"fields": {...}}``."""
    _check_type(ctx)

    def entry(type_: str, upper: str, *, required: bool = False, read_only: bool = False) -> dict[str, Any]:
        return {
            "type": type_,
            "isRequired": required,
            "isReadOnly": read_only,
            "isImmutable": False,
            "isMultiple": False,
            "isDynamic": False,
            "title": upper,
            "upperName": upper,
        }

    return {
        "fields": {
            "id": entry("integer", "ID", read_only=True),
            "name": entry("string", "NAME"),
            "sort": entry("integer", "SORT"),
            "entityTypeId": entry("integer", "ENTITY_TYPE_ID", required=True, read_only=True),
            "isDefault": entry("boolean", "IS_DEFAULT", read_only=True),
            "originId": entry("string", "ORIGIN_ID"),
            "originatorId": entry("string", "ORIGINATOR_ID"),
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
