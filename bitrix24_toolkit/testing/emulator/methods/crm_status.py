"""``crm.status.*`` directories (pages ``api-reference/crm/status/*.md``): lead statuses, deal stages per
funnel, sources, contact/company/deal types, industries, employee counts, salutations. Rows render with
string ``ID``, ``SORT`` and ``CATEGORY_ID``; ``crm.status.list`` adds ``EXTRA`` semantics to stage rows
(``crm.status.get``'s example has none). Errors take the legacy proxy's form: empty code, the message
in ``error_description``, HTTP 400 (``crm-status-add.md`` table).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..query import filter_rows, order_rows
from ..registry import Ctx, ListResult, PortalError, method
from ._crm_common import to_int
from ._crm_directory import (
    CATEGORY_TABLE,
    STATUS_TABLE,
    add_status,
    ensure_directories,
    stages_of,
)

__all__ = ["render_status"]

_STAGE_DIRS = ("STATUS", "DEAL_STAGE", "QUOTE_STATUS")
_EXTRA_SEMANTICS = {None: "process", "": "process", "S": "success", "F": "failure"}


def _is_stage_dir(entity_id: str) -> bool:
    return entity_id in _STAGE_DIRS or entity_id.startswith("DEAL_STAGE_")


def render_status(row: Mapping[str, Any], *, extra: bool = True) -> dict[str, Any]:
    """A directory row as ``crm.status.list`` sends it (``extra=False``: as ``crm.status.get`` does)."""
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
    if extra and _is_stage_dir(str(row["ENTITY_ID"])):
        out["EXTRA"] = row.get("EXTRA") or {
            "SEMANTICS": _EXTRA_SEMANTICS.get(row.get("SEMANTICS"), "process"),
            "COLOR": row.get("COLOR"),
        }
    return out


def _fail(description: str, code: str = "") -> PortalError:
    return PortalError(code, description, 400)


def _row(ctx: Ctx, *, check_id: bool = False) -> dict[str, Any]:
    """The row of ``id``; update/delete refuse a non-positive id first (``Invalid identifier.``)."""
    ensure_directories(ctx.state)
    row_id = to_int(ctx.param("id"))
    if check_id and (row_id is None or row_id <= 0):
        raise _fail("Invalid identifier.")
    row = ctx.state.table(STATUS_TABLE).get(row_id or 0)
    if row is None:
        raise _fail("Status is not found.")
    return row


def _array_param(ctx: Ctx, name: str) -> Mapping[str, Any] | None:
    """``filter``/``order``: an object, or nothing; anything else is refused as by the legacy proxy."""
    value = ctx.param(name)
    if value in (None, "", []):
        return None
    if not isinstance(value, Mapping):
        raise _fail(f"Parameter '{name}' must be array.")
    return value


@method("crm.status.list")
def status_list(ctx: Ctx) -> ListResult:
    """All matching directory rows in one answer with ``total`` (no paging), default order SORT, ID."""
    ensure_directories(ctx.state)
    flt, order = _array_param(ctx, "filter"), _array_param(ctx, "order")
    rows = filter_rows(ctx.state.table(STATUS_TABLE).values(), flt)
    rows = order_rows(rows, order, default={"SORT": "ASC", "ID": "ASC"})
    return ListResult([render_status(r) for r in rows], total=len(rows))


@method("crm.status.get")
def status_get(ctx: Ctx) -> dict[str, Any]:
    """One directory row by numeric id (no ``EXTRA``)."""
    return render_status(_row(ctx), extra=False)


def _known_directory(ctx: Ctx, entity_id: str) -> bool:
    return any(entry["ID"] == entity_id for entry in _entity_types(ctx))


def _check_after_final(ctx: Ctx, entity_id: str, sort: int, semantics: str | None) -> None:
    """crm-status-add.md: an in-progress deal stage may not sort after the final successful stage."""
    if not entity_id.startswith("DEAL_STAGE") or semantics in ("S", "F"):
        return
    success = [int(r["SORT"]) for r in stages_of(ctx.state, entity_id) if r.get("SEMANTICS") == "S"]
    if success and sort > min(success):
        raise _fail(
            "Cannot create more stages after the final stage because the final successful stage already "
            "exists. Try using sort order values less than that of the final stage."
        )


@method("crm.status.add")
def status_add(ctx: Ctx) -> int:
    """Add a directory row; ``C{N}:`` is prefixed automatically in ``DEAL_STAGE_N``."""
    ensure_directories(ctx.state)
    fields = ctx.param("fields")
    if not isinstance(fields, Mapping):
        raise _fail("Parameter 'fields' must be array.")
    entity_id, status_id = str(fields.get("ENTITY_ID") or ""), str(fields.get("STATUS_ID") or "")
    missing = [
        f"The field {n} is required."
        for n, v in (("ENTITY_ID", entity_id), ("STATUS_ID", status_id))
        if not v
    ]
    if missing:
        raise _fail("\n".join(missing))
    if not _known_directory(ctx, entity_id):
        raise _fail("Specified entity type is not supported.")
    if not str(fields.get("NAME") or ""):
        raise _fail("The field Title is required.")
    category = None
    if entity_id.startswith("DEAL_STAGE_"):
        category = to_int(entity_id.rsplit("_", 1)[1])
        prefix = f"C{category}:"
        if not status_id.startswith(prefix):
            status_id = prefix + status_id
    if any(r["STATUS_ID"] == status_id for r in stages_of(ctx.state, entity_id)):
        raise _fail("The specified status ID already exists.", "ERROR_CORE")
    semantics = str(fields.get("SEMANTICS") or "").upper() or None
    semantics = semantics if semantics in ("S", "F") else None
    sort = to_int(fields.get("SORT")) or 10
    _check_after_final(ctx, entity_id, sort, semantics)
    color = fields.get("COLOR")
    row: dict[str, Any] = {
        "ENTITY_ID": entity_id,
        "STATUS_ID": status_id,
        "NAME": str(fields["NAME"]),
        "NAME_INIT": "",
        "SORT": sort,
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
    """Change NAME, SORT, COLOR (crm-status-update.md; SEMANTICS is immutable, crm-status-fields.md)."""
    row = _row(ctx, check_id=True)
    fields = ctx.param("fields")
    if not isinstance(fields, Mapping):
        raise _fail("Parameter 'fields' must be array.")
    if "NAME" in fields:
        row["NAME"] = str(fields["NAME"])
    if "SORT" in fields and to_int(fields["SORT"]) is not None:
        row["SORT"] = to_int(fields["SORT"])
    if "COLOR" in fields:
        row["COLOR"] = fields["COLOR"]
    if row.get("EXTRA") is not None:
        row["EXTRA"] = {"SEMANTICS": _EXTRA_SEMANTICS.get(row["SEMANTICS"], "process"), "COLOR": row["COLOR"]}
    return True


def _in_use(ctx: Ctx, row: Mapping[str, Any]) -> bool:
    """Leads or deals stand in this status/stage."""
    entity_id, status_id = str(row["ENTITY_ID"]), row["STATUS_ID"]
    if entity_id == "STATUS":
        return any(r.get("STATUS_ID") == status_id for r in ctx.state.table("lead").values())
    if entity_id.startswith("DEAL_STAGE"):
        return any(r.get("STAGE_ID") == status_id for r in ctx.state.table("deal").values())
    return False


@method("crm.status.delete")
def status_delete(ctx: Ctx) -> bool:
    """Delete a row; system rows need ``params[FORCED]=Y``; a stage with items is kept."""
    row = _row(ctx, check_id=True)
    params = ctx.param("params")
    forced = isinstance(params, Mapping) and str(params.get("FORCED", "")).upper() == "Y"
    if row.get("SYSTEM") == "Y" and not forced:
        raise _fail(
            'CRM System Status can be deleted only if parameter FORCED is specified and equal to "Y".'
        )
    if _in_use(ctx, row):
        raise _fail("There are active items in this status.")
    del ctx.state.table(STATUS_TABLE)[int(row["ID"])]
    return True


def _fd(type_: str, title: str, *, req: bool = False, ro: bool = False, imm: bool = False) -> dict[str, Any]:
    return {
        "type": type_,
        "isRequired": req,
        "isReadOnly": ro,
        "isImmutable": imm,
        "isMultiple": False,
        "isDynamic": False,
        "title": title,
    }


@method("crm.status.fields")
def status_fields(ctx: Ctx) -> dict[str, Any]:
    """Descriptions of directory row fields (crm-status-fields.md)."""
    return {
        "ID": _fd("integer", "ID", ro=True),
        "ENTITY_ID": _fd("string", "Entity ID", req=True, imm=True),
        "STATUS_ID": _fd("string", "Status", req=True, imm=True),
        "SORT": _fd("integer", "Sorting"),
        "NAME": _fd("string", "Name", req=True),
        "NAME_INIT": _fd("string", "Default Name", ro=True),
        "SYSTEM": _fd("char", "System", ro=True),
        "CATEGORY_ID": _fd("integer", "CATEGORY_ID", imm=True),
        "COLOR": _fd("string", "COLOR"),
        "SEMANTICS": _fd("char", "SEMANTICS", imm=True),
        "EXTRA": _fd("crm_status_extra", "Additional Fields"),
    }


def _entity_types(ctx: Ctx) -> list[dict[str, Any]]:
    """crm-status-entity-types.md: the plain directories, then deal funnels by sort, then salutations."""
    ensure_directories(ctx.state)
    lead_info = {"START_FIELD": "NEW", "FINAL_SUCCESS_FIELD": "CONVERTED", "FINAL_UNSUCCESS_FIELD": "JUNK"}
    out: list[dict[str, Any]] = [
        {
            "ID": "STATUS",
            "NAME": "Lead stages",
            "SEMANTIC_INFO": {**lead_info, "FINAL_SORT": 0},
            "ENTITY_TYPE_ID": 1,
        },
        {"ID": "SOURCE", "NAME": "Sources"},
        {"ID": "CONTACT_TYPE", "NAME": "Contact type"},
        {"ID": "COMPANY_TYPE", "NAME": "Company type"},
        {"ID": "EMPLOYEES", "NAME": "Number of employees"},
        {"ID": "INDUSTRY", "NAME": "Industry"},
        {"ID": "DEAL_TYPE", "NAME": "Deal type"},
    ]
    funnels = sorted(ctx.state.table(CATEGORY_TABLE).items(), key=lambda kv: (int(kv[1]["SORT"]), kv[0]))
    for cat_id, cat in funnels:
        prefix = f"C{cat_id}:" if cat_id else ""
        info = {
            "START_FIELD": f"{prefix}NEW",
            "FINAL_SUCCESS_FIELD": f"{prefix}WON",
            "FINAL_UNSUCCESS_FIELD": f"{prefix}LOSE",
            "FINAL_SORT": 0,
        }
        entry: dict[str, Any] = {"ID": "DEAL_STAGE" if not cat_id else f"DEAL_STAGE_{cat_id}"}
        entry["NAME"] = f"{cat['NAME']} deal stages"
        if cat_id:
            # the page's example sends CATEGORY_ID as a string for added funnels, 0 for the default one
            entry["PARENT_ID"] = "DEAL_STAGE"
            entry.update({"SEMANTIC_INFO": info, "PREFIX": f"C{cat_id}"})
            entry.update({"FIELD_ATTRIBUTE_SCOPE": f"category_{cat_id}", "ENTITY_TYPE_ID": 2})
            entry["CATEGORY_ID"] = str(cat_id)
        else:
            entry.update({"SEMANTIC_INFO": info, "FIELD_ATTRIBUTE_SCOPE": "", "ENTITY_TYPE_ID": 2})
            entry["CATEGORY_ID"] = 0
        out.append(entry)
    quote_info = {
        "START_FIELD": "DRAFT",
        "FINAL_SUCCESS_FIELD": "APPROVED",
        "FINAL_UNSUCCESS_FIELD": "DECLAINED",
    }
    out.append(
        {"ID": "QUOTE_STATUS", "NAME": "Quote stages", "SEMANTIC_INFO": {**quote_info, "FINAL_SORT": 0}}
    )
    out[-1]["ENTITY_TYPE_ID"] = 7
    out.append({"ID": "HONORIFIC", "NAME": "Inquiries"})
    out.append({"ID": "CALL_LIST", "NAME": "Call statuses"})
    return out


@method("crm.status.entity.types")
def status_entity_types(ctx: Ctx) -> list[dict[str, Any]]:
    """The directories of the portal (deal funnels included)."""
    return _entity_types(ctx)


@method("crm.status.entity.items")
def status_entity_items(ctx: Ctx) -> list[dict[str, Any]]:
    """``[{NAME, SORT, STATUS_ID}]`` of one directory (``entityId``); a missing/unknown one is refused."""
    entity_id = str(ctx.param("entityId") or "")
    if not entity_id or not _known_directory(ctx, entity_id):
        raise _fail("The parameter entityId is not defined or invalid.")
    return [
        {"NAME": r["NAME"], "SORT": int(r["SORT"]), "STATUS_ID": r["STATUS_ID"]}
        for r in stages_of(ctx.state, entity_id)
    ]
