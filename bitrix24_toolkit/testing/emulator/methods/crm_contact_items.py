"""``crm.{deal,lead}.contact.{add,delete,fields}`` and ``crm.{deal,lead}.contact.items.{get,set,delete}``.

Pages: api-reference/crm/deals/contacts/*.md and crm/leads/management-communication/*.md. Bindings are kept
consistent with the row's ``CONTACT_ID`` (primary) and ``CONTACT_IDS`` (primary first); per-binding ``SORT``
values live in the row's hidden ``_CONTACT_SORT`` map. Errors carry each page's own wording: the deal pages
answer an unknown owner with an empty code and the lead pages with ``NOT_FOUND``; the deal add/delete pages
quote ``'ownerEntityID'``, the items.* pages do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry import Ctx, PortalError, method
from ._crm_common import to_int
from ._crm_schema import ENTITIES, EntitySpec

__all__ = ["bindings", "set_bindings"]

_BAD_OWNER_QUOTED = "The parameter 'ownerEntityID' is invalid or not defined."
_BAD_OWNER = "The parameter ownerEntityID is invalid or not defined."
_NOT_VALID = "The parameter 'fields' is not valid."
#: crm-{deal,lead}-contact-fields.md example answer
_FIELDS = {
    "SORT": ("integer", "Sorting", False),
    "IS_PRIMARY": ("char", "Primary", False),
    "CONTACT_ID": ("integer", "Contact", True),
}


def bindings(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The contact bindings of a lead/deal as ``contact.items.get`` returns them (by ``SORT``)."""
    sorts = row.get("_CONTACT_SORT") or {}
    ids = list(row.get("CONTACT_IDS") or [])
    out = [
        {
            "CONTACT_ID": int(cid),
            "SORT": int(sorts.get(str(cid), (index + 1) * 10)),
            "ROLE_ID": 0,
            "IS_PRIMARY": "Y" if index == 0 else "N",
        }
        for index, cid in enumerate(ids)
    ]
    return sorted(out, key=lambda b: b["SORT"])


def set_bindings(row: dict[str, Any], items: list[dict[str, Any]]) -> None:
    """Replace bindings from ``[{CONTACT_ID, SORT?, IS_PRIMARY?}]``: ``SORT`` defaults to ``(i + 1) * 10``;
    the first ``IS_PRIMARY = Y`` is primary, else the first item."""
    clean: list[tuple[int, int, bool]] = []
    for index, item in enumerate(items):
        cid = to_int(item.get("CONTACT_ID"))
        if cid and cid > 0 and cid not in [c for c, _, _ in clean]:
            sort = to_int(item.get("SORT"))
            clean.append(
                (
                    cid,
                    (index + 1) * 10 if sort is None else sort,
                    str(item.get("IS_PRIMARY", "")).upper() == "Y",
                )
            )
    primary = next((c for c in clean if c[2]), clean[0] if clean else None)
    ordered = ([primary] if primary else []) + [c for c in clean if c is not primary]
    row["CONTACT_IDS"] = [c[0] for c in ordered]
    row["CONTACT_ID"] = ordered[0][0] if ordered else None
    row["_CONTACT_SORT"] = {str(c[0]): c[1] for c in ordered}
    if "IS_RETURN_CUSTOMER" in row and "STATUS_ID" in row:
        row["IS_RETURN_CUSTOMER"] = "Y" if row.get("CONTACT_ID") or row.get("COMPANY_ID") else "N"


def _register(spec: EntitySpec) -> None:
    base = f"crm.{spec.name}.contact"
    lead = spec.name == "lead"

    def owner(ctx: Ctx, bad_id: str, not_found: str = "Not found.") -> dict[str, Any]:
        owner_id = to_int(ctx.param("id"))
        if owner_id is None or owner_id <= 0:
            raise PortalError("", bad_id, 400)
        row = ctx.state.table(spec.name).get(owner_id)
        if row is None:
            raise PortalError("NOT_FOUND" if lead else "", not_found, 400)
        return row

    def contact_of(ctx: Ctx, not_object: str) -> tuple[Mapping[str, Any], int]:
        fields = ctx.param("fields")
        if not isinstance(fields, Mapping):
            raise PortalError("", not_object, 400)
        return fields, to_int(fields.get("CONTACT_ID")) or 0

    @method(f"{base}.fields")
    def fields(ctx: Ctx) -> dict[str, Any]:
        """Descriptions of the binding fields."""
        return {
            name: {
                "type": type_,
                "isRequired": required,
                "isReadOnly": False,
                "isImmutable": False,
                "isMultiple": False,
                "isDynamic": False,
                "title": title,
            }
            for name, (type_, title, required) in _FIELDS.items()
        }

    @method(f"{base}.items.get")
    def items_get(ctx: Ctx) -> list[dict[str, Any]]:
        """The bindings."""
        return bindings(owner(ctx, _BAD_OWNER))

    @method(f"{base}.items.set")
    def items_set(ctx: Ctx) -> bool:
        """Replace the bindings."""
        if to_int(ctx.param("id")) and not isinstance(ctx.param("items"), list | Mapping):
            raise PortalError("", "The parameter items must be array.", 400)
        row = owner(ctx, _BAD_OWNER)
        items = ctx.param("items")
        values = list(items.values()) if isinstance(items, Mapping) else list(items)
        set_bindings(row, [dict(i) for i in values if isinstance(i, Mapping)])
        return True

    @method(f"{base}.items.delete")
    def items_delete(ctx: Ctx) -> bool:
        """Remove every binding."""
        set_bindings(owner(ctx, _BAD_OWNER, "Not found." if lead else "Not found"), [])
        return True

    @method(f"{base}.add")
    def add(ctx: Ctx) -> bool:
        """Add one binding; ``false`` when the contact is bound already."""
        owner_id = to_int(ctx.param("id"))
        if owner_id is None or owner_id <= 0:
            raise PortalError("", _BAD_OWNER_QUOTED, 400)
        fields, cid = contact_of(ctx, "The parameter 'fields' must be array.")
        row = owner(ctx, _BAD_OWNER_QUOTED)
        if cid <= 0:
            raise PortalError("", _NOT_VALID, 400)
        current = bindings(row)
        if any(b["CONTACT_ID"] == cid for b in current):
            return False
        sort = to_int(fields.get("SORT"))
        if sort is None:  # leads: "Defaults to 10"; deals: after the last binding
            sort = 10 if lead else max([b["SORT"] for b in current] or [0]) + 10
        primary = str(fields.get("IS_PRIMARY", "")).upper() == "Y" or not current
        if primary:
            for b in current:
                b["IS_PRIMARY"] = "N"
        new = {"CONTACT_ID": cid, "SORT": sort, "IS_PRIMARY": "Y" if primary else "N"}
        ordered = sorted([*current, new], key=lambda b: b["IS_PRIMARY"] != "Y")
        set_bindings(row, ordered)
        return True

    @method(f"{base}.delete")
    def delete(ctx: Ctx) -> bool:
        """Remove one binding; ``false`` when not bound (the first remaining one becomes primary)."""
        owner_id = to_int(ctx.param("id"))
        if owner_id is None or owner_id <= 0:
            raise PortalError("", _BAD_OWNER_QUOTED, 400)
        _, cid = contact_of(ctx, "The parameter 'item' must be array.")
        row = owner(ctx, _BAD_OWNER_QUOTED)
        if cid <= 0:
            raise PortalError("", _NOT_VALID, 400)
        current = bindings(row)
        remaining = [b for b in current if b["CONTACT_ID"] != cid]
        if len(remaining) == len(current):
            return False
        if remaining and not any(b["IS_PRIMARY"] == "Y" for b in remaining):
            remaining[0]["IS_PRIMARY"] = "Y"
        set_bindings(row, sorted(remaining, key=lambda b: b["IS_PRIMARY"] != "Y"))
        return True


for _name in ("deal", "lead"):
    _register(ENTITIES[_name])
