"""Legacy ``crm.{lead,contact,company,deal}.{add,get,list,update,delete,fields}`` (reference 5.2-5.4, 1.6).

Numbers render as strings, empty dates as ``""``, multifields only when non-empty (string ``ID``s),
userfields under their ``UF_*`` codes. ``list`` supports every filter operator of :mod:`..query`,
``order``, ``select`` masks (``*``, ``UF_*``; multifields only when listed) and 50-row pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..listing import list_rows
from ..query import parse_condition
from ..registry import Ctx, ListResult, method
from ._crm_common import (
    fields_param,
    get_row,
    id_param,
    render_legacy_value,
    render_multifield,
    uf_rows,
    yn,
)
from ._crm_directory import ensure_directories
from ._crm_schema import ENTITIES, MULTIFIELDS, EntitySpec
from ._crm_store import create_entity, delete_entity, update_entity
from ._crm_uf import uf_descriptions, uf_empty

__all__ = ["legacy_select", "render_legacy"]


def legacy_select(state_ufs: list[str], spec: EntitySpec, select: Any) -> list[str]:
    """Expand a legacy ``select``: ``*`` = non-multiple standard fields, ``UF_*`` = userfields, ``ID``
    always; no select at all behaves like ``*``."""
    names = [str(s) for s in select] if isinstance(select, list | tuple) and select else ["*"]
    out: list[str] = ["ID"]
    for name in names:
        if name == "*":
            out.extend(f.name for f in spec.fields if not f.multiple)
        elif name == "UF_*":
            out.extend(state_ufs)
        elif name in spec.by_name or name in state_ufs:
            out.append(name)
    return list(dict.fromkeys(out))


def render_legacy(
    spec: EntitySpec, row: Mapping[str, Any], ufs: list[dict[str, Any]], select: list[str] | None = None
) -> dict[str, Any]:
    """One row as ``crm.X.get`` (all fields) or ``crm.X.list`` (selected fields) sends it."""
    uf_by_name = {str(u["FIELD_NAME"]): u for u in ufs}
    names = select or [f.name for f in spec.fields if not f.multiple or f.name in MULTIFIELDS] + list(
        uf_by_name
    )
    out: dict[str, Any] = {}
    for name in names:
        if name in uf_by_name:
            out[name] = row[name] if name in row else uf_empty(uf_by_name[name])
            continue
        fld = spec.by_name[name]
        if name in MULTIFIELDS:
            if row.get(name):
                out[name] = render_multifield(row[name])
            continue
        out[name] = render_legacy_value(fld, row.get(name))
    return out


def _getter(spec: EntitySpec) -> Callable[[Mapping[str, Any], str], Any]:
    def get(row: Mapping[str, Any], name: str) -> Any:
        key = name.upper()
        if key in MULTIFIELDS:
            return [e["VALUE"] for e in row.get(key) or []]
        return row.get(key)

    return get


def _known_filter(spec: EntitySpec, ufs: list[str], flt: Any) -> dict[str, Any]:
    """Drop filter keys naming unknown fields: legacy list methods ignore them instead of failing."""
    if not isinstance(flt, Mapping):
        return {}
    known = set(spec.by_name) | set(ufs)
    return {k: v for k, v in flt.items() if parse_condition(str(k), v).field.upper() in known}


def _register(spec: EntitySpec) -> None:
    prefix = f"crm.{spec.name}"

    def is_import(ctx: Ctx) -> bool:
        params = ctx.param("params")
        return isinstance(params, Mapping) and yn(params.get("IMPORT", "N")) == "Y"

    @method(f"{prefix}.add")
    def add(ctx: Ctx) -> int:
        """Create a row; returns the new id (int)."""
        row = create_entity(
            ctx.state, spec, fields_param(ctx), user_id=ctx.user_id, import_mode=is_import(ctx)
        )
        return int(row["ID"])

    @method(f"{prefix}.get")
    def get(ctx: Ctx) -> dict[str, Any]:
        """All fields of one row."""
        row = get_row(ctx.state, spec, id_param(ctx))
        return render_legacy(spec, row, uf_rows(ctx.state, spec))

    @method(f"{prefix}.update")
    def update(ctx: Ctx) -> bool:
        """Change a row; returns ``true``."""
        row = get_row(ctx.state, spec, id_param(ctx))
        update_entity(
            ctx.state, spec, row, fields_param(ctx), user_id=ctx.user_id, import_mode=is_import(ctx)
        )
        return True

    @method(f"{prefix}.delete")
    def delete(ctx: Ctx) -> bool:
        """Delete a row; returns ``true``."""
        row_id = id_param(ctx)
        get_row(ctx.state, spec, row_id)
        delete_entity(ctx.state, spec, row_id)
        return True

    @method(f"{prefix}.list")
    def list_(ctx: Ctx) -> ListResult:
        """Filtered, ordered, paged rows with the selected fields."""
        ensure_directories(ctx.state)
        ufs = uf_rows(ctx.state, spec)
        uf_names = [str(u["FIELD_NAME"]) for u in ufs]
        get_value = _getter(spec)
        flt = _known_filter(spec, uf_names, ctx.param("filter"))
        order = ctx.param("order")
        if isinstance(order, Mapping):
            known = set(spec.by_name) | set(uf_names)
            order = {str(k).upper(): v for k, v in order.items() if str(k).upper() in known}
        select = legacy_select(uf_names, spec, ctx.param("select"))
        result = list_rows(
            ctx.state.table(spec.name),
            flt,
            order if isinstance(order, Mapping) else None,
            ctx.param("start"),
            get_value,
        )
        result.result = [render_legacy(spec, row, ufs, select) for row in result.result]
        return result

    @method(f"{prefix}.fields")
    def fields(ctx: Ctx) -> dict[str, Any]:
        """Field descriptions (reference 5.3), userfields included."""
        out = {f.name: f.describe() for f in spec.fields}
        out.update(uf_descriptions(ctx.state, spec))
        return out


for _spec in ENTITIES.values():
    _register(_spec)
