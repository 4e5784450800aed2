"""``crm.item.{add,get,list,update,delete,fields}`` for entityTypeId 1-4 on the same rows as the legacy
methods (pages ``api-reference/crm/universal/crm-item-*.md``): camelCase names, real ints/floats,
wrappers ``{"item": ...}`` / ``{"items": [...]}`` / ``{"fields": ...}``, ``delete`` -> ``[]``.

Records carry exactly the keys of the pages (:mod:`._crm_item_schema`): ``companyId``/``contactId`` are
``0`` without a link, disabled fields ``null``, ``observers`` a list of user ids, ``lastActivityTime``/
``By`` the creation until an activity is recorded, ``phoneWork``/``email``/... the first multifield value
(``""`` without one). ``fm`` is returned only when ``select`` is omitted or ``["*"]``. Deals move between
funnels with ``categoryId`` + ``stageId`` on update (stage history ``TYPE_ID`` 5). Userfield names are
camel-cased unless ``useOriginalUfNames=Y``. Unknown filter/order fields are refused (``crm-item-list.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..listing import list_rows
from ..query import filter_fields
from ..registry import Ctx, ListResult, PortalError, method
from ._crm_common import to_date, to_float, to_int, uf_rows, yn
from ._crm_directory import ensure_directories
from ._crm_item_schema import INT_TYPES as _INT_TYPES
from ._crm_item_schema import ITEM_FIELDS, ItemField, item_upper_name, render_value
from ._crm_schema import ENTITY_BY_TYPE_ID, MULTIFIELDS, EntitySpec
from ._crm_store import create_entity, delete_entity, update_entity
from ._crm_uf import uf_descriptions, uf_empty, uf_item_names

if TYPE_CHECKING:
    from ..state import PortalState

__all__ = ["render_item", "required"]

#: keys of a record that are not fields to filter or sort by
_NOT_FIELDS = frozenset({"fm", "entityTypeId"})


def required(ctx: Ctx, name: str) -> Any:
    """A required action parameter; the REST engine refuses a missing one with code ``"100"``."""
    value = ctx.param(name)
    if value is None:
        raise PortalError("100", f"Could not find value for parameter {{{name}}}", 400)
    return value


def _spec(ctx: Ctx) -> EntitySpec:
    type_id = to_int(required(ctx, "entityTypeId"))
    spec = ENTITY_BY_TYPE_ID.get(type_id or 0)
    if spec is None:
        # crm-item-*.md: an entityTypeId the portal does not know (smart processes are not emulated)
        raise PortalError("NOT_FOUND", "Smart process not found", 400)
    ensure_directories(ctx.state)
    return spec


def _element_not_found() -> PortalError:
    return PortalError("NOT_FOUND", "Element not found", 400)


def _row(ctx: Ctx, spec: EntitySpec) -> dict[str, Any]:
    row_id = to_int(required(ctx, "id"))
    row = ctx.state.table(spec.name).get(row_id or 0)
    if row is None:
        raise _element_not_found()
    return row


def _original(ctx: Ctx) -> bool:
    value = ctx.param("useOriginalUfNames")
    return value is True or yn(value) == "Y"


def _view(state: PortalState | None, spec: EntitySpec, row: Mapping[str, Any]) -> Mapping[str, Any]:
    """The row with the values other tables hold (a company's contacts)."""
    if spec.type_id != 4 or state is None:
        return row
    contacts = [
        int(c["ID"])
        for c in state.table("contact").values()
        if row.get("ID") in (c.get("COMPANY_IDS") or []) or c.get("COMPANY_ID") == row.get("ID")
    ]
    return {**row, "CONTACT_IDS": contacts}


def render_item(
    spec: EntitySpec,
    row: Mapping[str, Any],
    ufs: list[dict[str, Any]],
    *,
    original: bool = False,
    select: list[str] | None = None,
    state: PortalState | None = None,
) -> dict[str, Any]:
    """One row in crm.item.* shape; ``select`` of camelCase names (``None``/``["*"]`` = everything)."""
    full = not select or "*" in select
    names = uf_item_names(ufs, original)
    ufs_by_code = {str(u["FIELD_NAME"]): u for u in ufs}
    wanted = None if full else {"id", *(select or [])}
    view = _view(state, spec, row) if wanted is None or "contactIds" in wanted else row
    out: dict[str, Any] = {}
    for fld in ITEM_FIELDS[spec.type_id]:
        if wanted is None or fld.name in wanted:
            out[fld.name] = render_value(fld, view)
    uf_all = wanted is not None and "uf*" in {w.lower() for w in wanted}
    for key, code in names.items():
        if wanted is None or key in wanted or uf_all:
            out[key] = row[code] if code in row else uf_empty(ufs_by_code[code])
    if full and "PHONE" in spec.by_name:
        out["fm"] = [
            {"id": e["ID"], "valueType": e["VALUE_TYPE"], "value": e["VALUE"], "typeId": e["TYPE_ID"]}
            for t in MULTIFIELDS
            for e in row.get(t) or []
        ]
    if full:
        out["entityTypeId"] = spec.type_id
    return out


def _by_name(spec: EntitySpec) -> dict[str, ItemField]:
    return {f.name: f for f in ITEM_FIELDS[spec.type_id]}


_PHP_TYPES = {bool: "boolean", int: "integer", float: "double", str: "string"}


def _check_multiple(spec: EntitySpec, fields: Mapping[str, Any]) -> None:
    """crm-item-add.md: a scalar for a multiple field is refused (error ``100``)."""
    for fld in ITEM_FIELDS[spec.type_id]:
        value = fields.get(fld.name)
        if fld.multiple and fld.name in fields and value is not None and not isinstance(value, list | dict):
            got = _PHP_TYPES.get(type(value), "string")
            raise PortalError(
                "100", f"Expected iterable value for multiple field, but got {got} instead", 400
            )


def _to_legacy(spec: EntitySpec, fields: Mapping[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """camelCase ``fields`` -> legacy keys; ``fm`` becomes legacy multifield writes."""
    _check_multiple(spec, fields)
    by_name = _by_name(spec)
    legacy_by_name = {f.name: f for f in spec.fields if f.item_name}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        fld = by_name.get(key)
        if key == "fm":
            _fm_to_legacy(value, out)
        elif key in names:
            out[names[key]] = value
        elif fld is not None and fld.legacy and (fld.writable or key in ("leadId", "categoryId")):
            out[fld.legacy] = value
        elif key in legacy_by_name and fld is None:
            out[legacy_by_name[key].name] = value
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


def _coerce(fld: ItemField, value: Any, tz: dt.tzinfo) -> Any:
    """A value written through crm.item.* stored with the type of its field."""
    if fld.type in _INT_TYPES:
        return to_int(value)
    if fld.type == "double":
        return to_float(value)
    if fld.type == "boolean":
        return yn(value)
    if fld.type in ("date", "datetime"):
        return to_date(value, tz, date_only=fld.type == "date")
    return None if value is None else str(value)


def _write_item_only(
    state: PortalState, spec: EntitySpec, row: dict[str, Any], fields: Mapping[str, Any]
) -> None:
    """Store what crm.item.* writes and the legacy methods do not (``observers``, ``quoteId`` ...)."""
    by_name = _by_name(spec)
    for key, value in fields.items():
        fld = by_name.get(key)
        if fld is None or fld.legacy is None or (fld.derive is not None and fld.name != "observers"):
            continue
        legacy = spec.by_name.get(fld.legacy)
        if fld.name == "observers":
            items = list(value.values()) if isinstance(value, Mapping) else value
            items = items if isinstance(items, list | tuple) else [items]
            row["OBSERVERS"] = list(dict.fromkeys(v for v in (to_int(i) for i in items) if v))
        elif not fld.read_only and (legacy is None or (legacy.read_only and not legacy.item_writable)):
            row[fld.legacy] = _coerce(fld, value, state.tz)


def _getter(
    spec: EntitySpec, names: dict[str, str], state: PortalState
) -> Callable[[Mapping[str, Any], str], Any]:
    by_name = _by_name(spec)

    def get(row: Mapping[str, Any], name: str) -> Any:
        if name in by_name:
            return render_value(by_name[name], _view(state, spec, row) if name == "contactIds" else row)
        if name in names:
            return row.get(names[name])
        return None

    return get


def _php_array(value: Any) -> Any:
    """A filter sent as a PHP array with keys 0, 1 ... (``filter[0][logic]=OR``), which a form decoder
    reads as a list: the numbered groups it is in PHP."""
    if isinstance(value, list | tuple):
        return {str(i): v for i, v in enumerate(value) if isinstance(v, Mapping)}
    return value


def _check_list_params(ctx: Ctx, spec: EntitySpec, names: dict[str, str]) -> None:
    """crm-item-list.md: unknown filter/order fields and sort directions are refused (INVALID_ARG_VALUE)."""
    known = {f.name for f in ITEM_FIELDS[spec.type_id]} - _NOT_FIELDS | set(names)
    flt, order = _php_array(ctx.param("filter")), ctx.param("order")
    if isinstance(flt, Mapping):
        for name in filter_fields(flt):
            if name not in known:
                text = f"Invalid filter: field '{item_upper_name(name)}' is not allowed in filter"
                raise PortalError("INVALID_ARG_VALUE", text, 400)
    if isinstance(order, Mapping):
        for name, direction in order.items():
            field = str(name)
            if field not in known:
                text = f"Invalid order: field '{item_upper_name(field)}' is not allowed in order"
                raise PortalError("INVALID_ARG_VALUE", text, 400)
            if str(direction).upper() not in ("ASC", "DESC"):
                text = (
                    "Invalid order: allowed sort directions are ASC, DESC. "
                    f"But got '{direction}' for field '{item_upper_name(field)}'"
                )
                raise PortalError("INVALID_ARG_VALUE", text, 400)


@method("crm.item.add")
def item_add(ctx: Ctx) -> dict[str, Any]:
    """Create an item: ``{"item": {...}}``."""
    spec = _spec(ctx)
    ufs, original = uf_rows(ctx.state, spec), _original(ctx)
    raw = ctx.param("fields") or {}
    raw = raw if isinstance(raw, Mapping) else {}
    fields = _to_legacy(spec, raw, uf_item_names(ufs, original))
    row = create_entity(ctx.state, spec, fields, user_id=ctx.user_id, item_mode=True)
    _write_item_only(ctx.state, spec, row, raw)
    return {"item": render_item(spec, row, ufs, original=original, state=ctx.state)}


@method("crm.item.get")
def item_get(ctx: Ctx) -> dict[str, Any]:
    """One item: ``{"item": {...}}``."""
    spec = _spec(ctx)
    ufs = uf_rows(ctx.state, spec)
    row = _row(ctx, spec)
    return {"item": render_item(spec, row, ufs, original=_original(ctx), state=ctx.state)}


@method("crm.item.update")
def item_update(ctx: Ctx) -> dict[str, Any]:
    """Change an item (funnel moves included): ``{"item": {...}}``."""
    spec = _spec(ctx)
    row = _row(ctx, spec)
    ufs, original = uf_rows(ctx.state, spec), _original(ctx)
    raw = ctx.param("fields") or {}
    raw = raw if isinstance(raw, Mapping) else {}
    fields = _to_legacy(spec, raw, uf_item_names(ufs, original))
    update_entity(ctx.state, spec, row, fields, user_id=ctx.user_id, item_mode=True)
    _write_item_only(ctx.state, spec, row, raw)
    return {"item": render_item(spec, row, ufs, original=original, state=ctx.state)}


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
    ufs, original = uf_rows(ctx.state, spec), _original(ctx)
    names = uf_item_names(ufs, original)
    _check_list_params(ctx, spec, names)
    get_value = _getter(spec, names, ctx.state)
    flt = _php_array(ctx.param("filter"))
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
        "items": [
            render_item(spec, r, ufs, original=original, select=chosen, state=ctx.state)
            for r in result.result
        ]
    }
    return result


@method("crm.item.fields")
def item_fields(ctx: Ctx) -> dict[str, Any]:
    """Field descriptions keyed by camelCase name, each with ``upperName``: ``{"fields": {...}}``."""
    spec = _spec(ctx)
    out: dict[str, Any] = {}
    for fld in ITEM_FIELDS[spec.type_id]:
        if fld.name not in _NOT_FIELDS:
            out[fld.name] = fld.describe()
    names = {code: name for name, code in uf_item_names(uf_rows(ctx.state, spec), _original(ctx)).items()}
    for code, entry in uf_descriptions(ctx.state, spec).items():
        out[names.get(code, code)] = {**entry, "upperName": code}
    return {"fields": out}
