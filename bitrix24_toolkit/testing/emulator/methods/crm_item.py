"""``crm.item.{add,get,list,update,delete,fields}`` for entityTypeId 1-4 on the same rows as the legacy
methods (reference 5.11): camelCase names, real ints/floats, wrappers ``{"item": ...}`` /
``{"items": [...]}`` / ``{"fields": ...}``, ``delete`` -> ``[]``.

``leadId`` is writable here (the documented way to record the lead an item came from); deals move
between funnels with ``categoryId`` + ``stageId`` on update (stage history ``TYPE_ID`` 5). Userfield
names are camel-cased unless ``useOriginalUfNames=Y``. ``fm`` (multifields) is returned only when
``select`` is omitted or ``["*"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..listing import list_rows
from ..registry import Ctx, ListResult, PortalError, method
from ._crm_common import render_item_value, to_int, uf_rows, yn
from ._crm_directory import ensure_directories
from ._crm_schema import ENTITY_BY_TYPE_ID, MULTIFIELDS, EntitySpec
from ._crm_store import create_entity, delete_entity, update_entity
from ._crm_uf import uf_descriptions, uf_empty, uf_item_names

if TYPE_CHECKING:
    from ..state import PortalState

__all__ = ["render_item"]


def _spec(ctx: Ctx) -> EntitySpec:
    type_id = to_int(ctx.param("entityTypeId"))
    spec = ENTITY_BY_TYPE_ID.get(type_id or 0)
    if spec is None:
        # only leads, deals, contacts and companies are emulated through crm.item.*
        raise PortalError(
            "ENTITY_TYPE_NOT_SUPPORTED", f"Entity type {ctx.param('entityTypeId')} is not supported"
        )
    ensure_directories(ctx.state)
    return spec


def _element_not_found() -> PortalError:
    return PortalError("NOT_FOUND", "Element not found", 400)


def _row(ctx: Ctx, spec: EntitySpec) -> dict[str, Any]:
    row_id = to_int(ctx.param("id"))
    row = ctx.state.table(spec.name).get(row_id or 0)
    if row is None:
        raise _element_not_found()
    return row


def _original(ctx: Ctx) -> bool:
    value = ctx.param("useOriginalUfNames")
    return value is True or yn(value) == "Y"


def render_item(
    spec: EntitySpec,
    row: Mapping[str, Any],
    ufs: list[dict[str, Any]],
    *,
    original: bool = False,
    select: list[str] | None = None,
) -> dict[str, Any]:
    """One row in crm.item.* shape; ``select`` of camelCase names (``None``/``["*"]`` = everything)."""
    full = not select or "*" in select
    names = uf_item_names(ufs, original)
    ufs_by_code = {str(u["FIELD_NAME"]): u for u in ufs}
    wanted = None if full else {"id", *(select or [])}
    out: dict[str, Any] = {}
    for fld in spec.fields:
        key = fld.item_name
        if key and (wanted is None or key in wanted):
            out[key] = render_item_value(fld, row.get(fld.name))
    if full:
        out["entityTypeId"] = spec.type_id
    for key, code in names.items():
        if wanted is None or key in wanted or "uf*" in {w.lower() for w in wanted}:
            out[key] = row[code] if code in row else uf_empty(ufs_by_code[code])
    if full and "PHONE" in spec.by_name:
        out["fm"] = [
            {"id": e["ID"], "typeId": e["TYPE_ID"], "valueType": e["VALUE_TYPE"], "value": e["VALUE"]}
            for t in MULTIFIELDS
            for e in row.get(t) or []
        ]
    return out


def _to_legacy(spec: EntitySpec, fields: Mapping[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """camelCase ``fields`` -> legacy keys; ``fm`` becomes legacy multifield writes."""
    by_camel = spec.by_camel
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "fm":
            _fm_to_legacy(value, out)
        elif key in names:
            out[names[key]] = value
        elif key in by_camel:
            out[by_camel[key].name] = value
    return out


def _fm_to_legacy(value: Any, out: dict[str, Any]) -> None:
    """A list adds entries; an object keyed by entry id updates (empty ``value`` deletes), ``n0`` adds."""
    items = (
        value.items() if isinstance(value, Mapping) else enumerate(value if isinstance(value, list) else [])
    )
    for key, entry in items:
        if not isinstance(entry, Mapping):
            continue
        type_id = str(entry.get("typeId") or entry.get("TYPE_ID") or "").upper()
        if type_id not in MULTIFIELDS:
            continue
        legacy: dict[str, Any] = {"VALUE": entry.get("value", ""), "VALUE_TYPE": entry.get("valueType")}
        if isinstance(value, Mapping) and str(key).isdigit():
            legacy["ID"] = int(key)
        out.setdefault(type_id, []).append(legacy)


def _getter(spec: EntitySpec, names: dict[str, str]) -> Callable[[Mapping[str, Any], str], Any]:
    by_camel = spec.by_camel

    def get(row: Mapping[str, Any], name: str) -> Any:
        if name in by_camel:
            return row.get(by_camel[name].name)
        if name in names:
            return row.get(names[name])
        if name.upper() in spec.by_name:
            return row.get(name.upper())
        return None  # unknown fields match nothing

    return get


def _ufs(state: PortalState, spec: EntitySpec) -> list[dict[str, Any]]:
    return uf_rows(state, spec)


@method("crm.item.add")
def item_add(ctx: Ctx) -> dict[str, Any]:
    """Create an item: ``{"item": {...}}``."""
    spec = _spec(ctx)
    ufs, original = _ufs(ctx.state, spec), _original(ctx)
    raw = ctx.param("fields") or {}
    fields = _to_legacy(spec, raw if isinstance(raw, Mapping) else {}, uf_item_names(ufs, original))
    row = create_entity(ctx.state, spec, fields, user_id=ctx.user_id, item_mode=True)
    return {"item": render_item(spec, row, ufs, original=original)}


@method("crm.item.get")
def item_get(ctx: Ctx) -> dict[str, Any]:
    """One item: ``{"item": {...}}``."""
    spec = _spec(ctx)
    ufs = _ufs(ctx.state, spec)
    return {"item": render_item(spec, _row(ctx, spec), ufs, original=_original(ctx))}


@method("crm.item.update")
def item_update(ctx: Ctx) -> dict[str, Any]:
    """Change an item (funnel moves included): ``{"item": {...}}``."""
    spec = _spec(ctx)
    row = _row(ctx, spec)
    ufs, original = _ufs(ctx.state, spec), _original(ctx)
    raw = ctx.param("fields") or {}
    fields = _to_legacy(spec, raw if isinstance(raw, Mapping) else {}, uf_item_names(ufs, original))
    update_entity(ctx.state, spec, row, fields, user_id=ctx.user_id, item_mode=True)
    return {"item": render_item(spec, row, ufs, original=original)}


@method("crm.item.delete")
def item_delete(ctx: Ctx) -> list[Any]:
    """Delete an item: ``[]``."""
    spec = _spec(ctx)
    row = _row(ctx, spec)
    delete_entity(ctx.state, spec, int(row["ID"]))
    return []


@method("crm.item.list")
def item_list(ctx: Ctx) -> ListResult:
    """Items matching a camelCase filter (``logic: OR`` groups allowed): ``{"items": [...]}``."""
    spec = _spec(ctx)
    ufs, original = _ufs(ctx.state, spec), _original(ctx)
    get_value = _getter(spec, uf_item_names(ufs, original))
    flt = ctx.param("filter")
    order = ctx.param("order")
    select = ctx.param("select")
    chosen = [str(s) for s in select] if isinstance(select, list | tuple) and select else None
    result = list_rows(
        ctx.state.table(spec.name),
        flt if isinstance(flt, Mapping) else None,
        order if isinstance(order, Mapping) else None,
        ctx.param("start"),
        get_value,
        id_field="id",
    )
    result.result = {
        "items": [render_item(spec, r, ufs, original=original, select=chosen) for r in result.result]
    }
    return result


@method("crm.item.fields")
def item_fields(ctx: Ctx) -> dict[str, Any]:
    """Field descriptions keyed by camelCase name, each with ``upperName``: ``{"fields": {...}}``."""
    spec = _spec(ctx)
    out: dict[str, Any] = {}
    for fld in spec.fields:
        if not fld.item_name:
            continue
        entry = fld.describe()
        if fld.item_writable:
            entry["isReadOnly"] = False
        if fld.name == "CATEGORY_ID":
            entry["isImmutable"] = False  # crm.item.update may move a deal to another funnel
        entry["upperName"] = fld.name
        out[fld.item_name] = entry
    if "PHONE" in spec.by_name:
        out["fm"] = {
            "type": "crm_multifield",
            "isRequired": False,
            "isReadOnly": False,
            "isImmutable": False,
            "isMultiple": True,
            "isDynamic": False,
            "title": "Multifields",
            "upperName": "FM",
        }
    names = {code: name for name, code in uf_item_names(_ufs(ctx.state, spec), _original(ctx)).items()}
    for code, entry in uf_descriptions(ctx.state, spec).items():
        out[names.get(code, code)] = {**entry, "upperName": code}
    return {"fields": out}
