"""Addresses: ``crm.address.*`` and ``crm.enum.addresstype`` (reference 6.4).

Addresses have no id of their own: the key is (``TYPE_ID``, ``ENTITY_TYPE_ID``, ``ENTITY_ID``). Rows live in
table ``"address"`` under an internal id that is never rendered. ``ANCHOR_TYPE_ID``/``ANCHOR_ID`` (read-only)
name the company/contact owning the requisite (or the lead/company/contact itself for direct addresses).
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, ListResult, method
from ..state import PortalState
from ._rq_shared import (
    describe,
    fields_param,
    legacy_error,
    list_rows,
    owner_row,
    pick,
    positive_int,
    render_row,
)
from ._rq_titles import ADDRESS_TITLES

TABLE = "address"
REQUISITE_TYPE_ID = 8

#: crm.enum.addresstype: id -> English name, in the page's order (auxiliary/enum/crm-enum-address-type.md)
ADDRESS_TYPES: dict[int, str] = {
    11: "Shipping address",
    1: "Physical address",
    6: "Legal address",
    4: "Registered address",
    8: "Mailing address",
    9: "Beneficiary address",
}

VALUE_KEYS = (
    "ADDRESS_1",
    "ADDRESS_2",
    "CITY",
    "POSTAL_CODE",
    "REGION",
    "PROVINCE",
    "COUNTRY",
    "COUNTRY_CODE",
    "LOC_ADDR_ID",
)
ADDRESS_KEYS = ("TYPE_ID", "ENTITY_TYPE_ID", "ENTITY_ID", *VALUE_KEYS, "ANCHOR_TYPE_ID", "ANCHOR_ID")


def find_address(
    state: PortalState, type_id: int, entity_type_id: int, entity_id: int
) -> dict[str, Any] | None:
    """The stored address with this key, or ``None``."""
    for row in state.table(TABLE).values():
        if (row["TYPE_ID"], row["ENTITY_TYPE_ID"], row["ENTITY_ID"]) == (type_id, entity_type_id, entity_id):
            return row
    return None


def _anchor(state: PortalState, entity_type_id: int, entity_id: int) -> tuple[int, int] | None:
    """(anchor type, anchor id) of an address owner, or ``None`` when the owner does not exist."""
    if entity_type_id == REQUISITE_TYPE_ID:
        requisite = state.table("requisite").get(entity_id)
        if requisite is None:
            return None
        return int(requisite["ENTITY_TYPE_ID"]), int(requisite["ENTITY_ID"])
    # Direct lead addresses; contact/company addresses exist only on old portals (kept for compatibility).
    if entity_type_id in (1, 3, 4) and owner_row(state, entity_type_id, entity_id) is not None:
        return entity_type_id, entity_id
    return None


def _values(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in VALUE_KEYS:
        if key in fields:
            value = fields[key]
            out[key] = (
                None if value is None else (positive_int(value) if key == "LOC_ADDR_ID" else str(value))
            )
    return out


def write_address(
    state: PortalState, type_id: int, entity_type_id: int, entity_id: int, fields: dict[str, Any]
) -> None:
    """Add or update the address with this key (used by ``RQ_ADDR`` in requisite add/update too)."""
    row = find_address(state, type_id, entity_type_id, entity_id)
    if row is None:
        anchor = _anchor(state, entity_type_id, entity_id) or (0, 0)
        row = {key: None for key in VALUE_KEYS}
        row.update(TYPE_ID=type_id, ENTITY_TYPE_ID=entity_type_id, ENTITY_ID=entity_id)
        row.update(ANCHOR_TYPE_ID=anchor[0], ANCHOR_ID=anchor[1])
        row.update(_values(fields))
        if row["LOC_ADDR_ID"] is None:  # every CRM address gets a copy in the location module
            row["LOC_ADDR_ID"] = state.next_id("location_address")
        state.insert(TABLE, row, id_key="_ROW_ID")
    else:
        row.update(_values(fields))


def delete_addresses(state: PortalState, entity_type_id: int, entity_id: int) -> None:
    """Delete every address of an owner (a deleted requisite takes its addresses along)."""
    table = state.table(TABLE)
    for key in [
        k
        for k, row in table.items()
        if (row["ENTITY_TYPE_ID"], row["ENTITY_ID"]) == (entity_type_id, entity_id)
    ]:
        del table[key]


def _key(ctx: Ctx) -> tuple[dict[str, Any], int, int, int]:
    fields = fields_param(ctx)
    type_id = positive_int(fields.get("TYPE_ID"))
    if type_id is None or type_id not in ADDRESS_TYPES:
        raise legacy_error("TYPE_ID is not defined or invalid.")
    entity_type_id = positive_int(fields.get("ENTITY_TYPE_ID"))
    if entity_type_id not in (1, 3, 4, REQUISITE_TYPE_ID):
        raise legacy_error("ENTITY_TYPE_ID is not defined or invalid.")
    entity_id = positive_int(fields.get("ENTITY_ID"))
    if entity_id is None or _anchor(ctx.state, entity_type_id, entity_id) is None:
        raise legacy_error("ENTITY_ID is not defined or invalid.")
    return fields, type_id, entity_type_id, entity_id


@method("crm.address.add")
def address_add(ctx: Ctx) -> bool:
    """``crm.address.add {fields}`` -> ``true``; an existing key is an error."""
    fields, type_id, entity_type_id, entity_id = _key(ctx)
    if find_address(ctx.state, type_id, entity_type_id, entity_id) is not None:
        raise legacy_error("TypeAddress exists.")  # wording per docs table; trailing dot (unconfirmed)
    write_address(ctx.state, type_id, entity_type_id, entity_id, fields)
    return True


@method("crm.address.update")
def address_update(ctx: Ctx) -> bool:
    """``crm.address.update {fields}`` (key + changes) -> ``true``."""
    fields, type_id, entity_type_id, entity_id = _key(ctx)
    if find_address(ctx.state, type_id, entity_type_id, entity_id) is None:
        raise legacy_error("TypeAddress not found.")
    write_address(ctx.state, type_id, entity_type_id, entity_id, fields)
    return True


@method("crm.address.delete")
def address_delete(ctx: Ctx) -> bool:
    """``crm.address.delete {fields: {TYPE_ID, ENTITY_TYPE_ID, ENTITY_ID}}`` -> ``true``."""
    _fields, type_id, entity_type_id, entity_id = _key(ctx)
    row = find_address(ctx.state, type_id, entity_type_id, entity_id)
    if row is None:
        raise legacy_error("TypeAddress not found.")
    del ctx.state.table(TABLE)[row["_ROW_ID"]]
    return True


def _render(row: dict[str, Any], select: list[str]) -> dict[str, Any]:
    return pick(render_row(row, ADDRESS_KEYS), select)


@method("crm.address.list")
def address_list(ctx: Ctx) -> ListResult:
    """``crm.address.list {filter, order, select, start}``: values rendered as strings."""
    return list_rows(ctx, ctx.state.table(TABLE).values(), _render, default_order={"ENTITY_ID": "ASC"})


@method("crm.address.fields")
def address_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.address.fields``: description of address fields (addresses/crm-address-fields.md)."""
    return describe(
        "TYPE_ID:integer:RI ENTITY_TYPE_ID:integer:RI ENTITY_ID:integer:RI ADDRESS_1:string ADDRESS_2:string "
        "CITY:string POSTAL_CODE:string REGION:string PROVINCE:string COUNTRY:string COUNTRY_CODE:string "
        "LOC_ADDR_ID:integer ANCHOR_TYPE_ID:integer:O ANCHOR_ID:integer:O",
        ADDRESS_TITLES,
    )


@method("crm.enum.addresstype")
def enum_address_type(ctx: Ctx) -> list[dict[str, Any]]:
    """``crm.enum.addresstype``: address types (ids as ints)."""
    return [
        {"ID": number, "NAME": name, "SYMBOL_CODE": None, "SYMBOL_CODE_SHORT": None}
        for number, name in ADDRESS_TYPES.items()
    ]
