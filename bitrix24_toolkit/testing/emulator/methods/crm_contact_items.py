"""``crm.{deal,lead}.contact.items.{get,set,delete}`` and ``crm.{deal,lead}.contact.{add,delete}``
(reference 5.12), kept consistent with the row's ``CONTACT_ID`` (primary) and ``CONTACT_IDS``.

Bindings are the ordered ``CONTACT_IDS`` list (primary first); per-binding ``SORT`` values live in the
row's hidden ``_CONTACT_SORT`` map (default ``10 * position``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, PortalError, method
from ._crm_common import get_row, id_param, to_int
from ._crm_schema import ENTITIES, EntitySpec

__all__ = ["bindings", "set_bindings"]


def bindings(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The contact bindings of a lead/deal as ``contact.items.get`` returns them."""
    sorts = row.get("_CONTACT_SORT") or {}
    ids = list(row.get("CONTACT_IDS") or [])
    return [
        {
            "CONTACT_ID": cid,
            "SORT": int(sorts.get(str(cid), (index + 1) * 10)),
            "ROLE_ID": 0,
            "IS_PRIMARY": "Y" if index == 0 else "N",
        }
        for index, cid in enumerate(ids)
    ]


def set_bindings(row: dict[str, Any], items: list[dict[str, Any]]) -> None:
    """Replace bindings from ``[{CONTACT_ID, SORT?, IS_PRIMARY?}]`` (first item primary if none is)."""
    clean: list[tuple[int, int, bool]] = []
    for index, item in enumerate(items):
        cid = to_int(item.get("CONTACT_ID"))
        if cid and cid not in [c for c, _, _ in clean]:
            sort = to_int(item.get("SORT")) or (index + 1) * 10
            clean.append((cid, sort, str(item.get("IS_PRIMARY", "")).upper() == "Y"))
    clean.sort(key=lambda c: c[1])
    primary = next((c for c in clean if c[2]), clean[0] if clean else None)
    ordered = ([primary] if primary else []) + [c for c in clean if c is not primary]
    row["CONTACT_IDS"] = [c[0] for c in ordered]
    row["CONTACT_ID"] = ordered[0][0] if ordered else None
    row["_CONTACT_SORT"] = {str(c[0]): c[1] for c in ordered}
    if "IS_RETURN_CUSTOMER" in row and "STATUS_ID" in row:
        row["IS_RETURN_CUSTOMER"] = "Y" if row.get("CONTACT_ID") or row.get("COMPANY_ID") else "N"


def _items_param(ctx: Ctx) -> list[dict[str, Any]]:
    items = ctx.param("items")
    if isinstance(items, Mapping):
        items = list(items.values())
    if items in (None, ""):
        items = []
    if not isinstance(items, list):
        raise PortalError("", "The parameter 'items' must be array.", 400)
    return [dict(i) for i in items if isinstance(i, Mapping)]


def _register(spec: EntitySpec) -> None:
    base = f"crm.{spec.name}.contact"

    @method(f"{base}.items.get")
    def items_get(ctx: Ctx) -> list[dict[str, Any]]:
        """The bindings."""
        return bindings(get_row(ctx.state, spec, id_param(ctx)))

    @method(f"{base}.items.set")
    def items_set(ctx: Ctx) -> bool:
        """Replace the bindings."""
        row = get_row(ctx.state, spec, id_param(ctx))
        set_bindings(row, _items_param(ctx))
        return True

    @method(f"{base}.items.delete")
    def items_delete(ctx: Ctx) -> bool:
        """Remove every binding."""
        row = get_row(ctx.state, spec, id_param(ctx))
        set_bindings(row, [])
        return True

    @method(f"{base}.add")
    def add(ctx: Ctx) -> bool:
        """Add one binding (``fields: {CONTACT_ID, SORT?, IS_PRIMARY?}``)."""
        row = get_row(ctx.state, spec, id_param(ctx))
        fields = ctx.param("fields")
        if not isinstance(fields, Mapping) or not to_int(fields.get("CONTACT_ID")):
            raise PortalError("", "The parameter 'fields' must contain CONTACT_ID.", 400)
        current = [b for b in bindings(row) if b["CONTACT_ID"] != to_int(fields["CONTACT_ID"])]
        if str(fields.get("IS_PRIMARY", "")).upper() == "Y":
            for b in current:
                b["IS_PRIMARY"] = "N"
        set_bindings(row, [*current, dict(fields)])
        return True

    @method(f"{base}.delete")
    def delete(ctx: Ctx) -> bool:
        """Remove one binding (``fields: {CONTACT_ID}``)."""
        row = get_row(ctx.state, spec, id_param(ctx))
        fields = ctx.param("fields")
        cid = to_int(fields.get("CONTACT_ID")) if isinstance(fields, Mapping) else None
        set_bindings(row, [b for b in bindings(row) if b["CONTACT_ID"] != cid])
        return True


for _name in ("deal", "lead"):
    _register(ENTITIES[_name])
