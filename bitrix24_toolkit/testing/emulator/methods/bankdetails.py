"""Bank details of requisites: ``crm.requisite.bankdetail.*`` (reference 6.3).

Rows live in table ``"bankdetail"``; ``ENTITY_ID`` is the requisite id and ``COUNTRY_ID`` follows the
requisite's preset. Deleting a requisite deletes its bank details (see :func:`delete_bankdetails`).
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
    pick,
    positive_int,
    render_row,
)
from ._rq_titles import BANKDETAIL_TITLES
from .requisite_presets import preset

TABLE = "bankdetail"

RQ_BANK_KEYS = (
    "RQ_BANK_NAME",
    "RQ_BANK_CODE",
    "RQ_BANK_ADDR",
    "RQ_BANK_ROUTE_NUM",
    "RQ_BIK",
    "RQ_MFO",
    "RQ_ACC_NAME",
    "RQ_ACC_NUM",
    "RQ_ACC_TYPE",
    "RQ_IIK",
    "RQ_ACC_CURRENCY",
    "RQ_COR_ACC_NUM",
    "RQ_IBAN",
    "RQ_SWIFT",
    "RQ_BIC",
    "RQ_CODEB",
    "RQ_CODEG",
    "RQ_RIB",
    "RQ_AGENCY_NAME",
)
BASE_KEYS = (
    "ID",
    "ENTITY_ID",
    "COUNTRY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "NAME",
    "CODE",
    "XML_ID",
    "ORIGINATOR_ID",
    "ACTIVE",
    "SORT",
)
ALL_KEYS = (*BASE_KEYS, *RQ_BANK_KEYS, "COMMENTS")
_WRITABLE = ("NAME", "CODE", "XML_ID", "ORIGINATOR_ID", "ACTIVE", "SORT", "COMMENTS", *RQ_BANK_KEYS)


def delete_bankdetails(state: PortalState, requisite_id: int) -> None:
    """Delete every bank detail of a requisite."""
    table = state.table(TABLE)
    for key in [k for k, row in table.items() if row["ENTITY_ID"] == requisite_id]:
        del table[key]


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _WRITABLE:
        if key in fields:
            value = fields[key]
            if key == "SORT":
                out[key] = positive_int(value) or 0
            else:
                out[key] = None if value is None else str(value)
    return out


def _row_or_error(ctx: Ctx) -> dict[str, Any]:
    raw_id = ctx.param("id")
    number = positive_int(raw_id)
    if number is None:
        raise legacy_error("ID is not defined or invalid.")
    row = ctx.state.table(TABLE).get(number)
    if row is None:
        raise legacy_error(f"The RequisiteBankDetail with ID '{number}' is not found")
    return row


def _render(row: dict[str, Any], select: list[str]) -> dict[str, Any]:
    return pick(render_row(row, ALL_KEYS), select)


@method("crm.requisite.bankdetail.add")
def bankdetail_add(ctx: Ctx) -> int:
    """``crm.requisite.bankdetail.add {fields: {ENTITY_ID, NAME, RQ_...}}`` -> id."""
    fields = fields_param(ctx)
    requisite_id = positive_int(fields.get("ENTITY_ID"))
    requisite = ctx.state.table("requisite").get(requisite_id) if requisite_id is not None else None
    if requisite_id is None or requisite is None:
        raise legacy_error("ENTITY_ID is not defined or invalid.")
    preset_row = preset(ctx.state, requisite.get("PRESET_ID"))
    row: dict[str, Any] = {key: None for key in ALL_KEYS if key != "ID"}
    row.update(
        ENTITY_ID=requisite_id,
        # COUNTRY_ID follows the requisite's preset, whatever the caller sends.
        COUNTRY_ID=preset_row["COUNTRY_ID"] if preset_row else 1,
        DATE_CREATE=ctx.state.now_iso(),
        DATE_MODIFY="",
        CREATED_BY_ID=ctx.user_id,
        NAME="",  # NAME is documented as required; a missing one is tolerated (unconfirmed)
        ACTIVE="Y",
        SORT=500,
    )
    row.update(_clean(fields))
    return ctx.state.insert(TABLE, row)


@method("crm.requisite.bankdetail.get")
def bankdetail_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.bankdetail.get {id}``: all fields as strings, unset ``null``."""
    return _render(_row_or_error(ctx), [])


@method("crm.requisite.bankdetail.update")
def bankdetail_update(ctx: Ctx) -> bool:
    """``crm.requisite.bankdetail.update {id, fields}`` -> ``true``."""
    row = _row_or_error(ctx)
    row.update(_clean(fields_param(ctx)))
    row.update(DATE_MODIFY=ctx.state.now_iso(), MODIFY_BY_ID=ctx.user_id)
    return True


@method("crm.requisite.bankdetail.delete")
def bankdetail_delete(ctx: Ctx) -> bool:
    """``crm.requisite.bankdetail.delete {id}`` -> ``true``."""
    row = _row_or_error(ctx)
    del ctx.state.table(TABLE)[row["ID"]]
    return True


@method("crm.requisite.bankdetail.list")
def bankdetail_list(ctx: Ctx) -> ListResult:
    """``crm.requisite.bankdetail.list {select, filter, order, start}``."""
    return list_rows(ctx, ctx.state.table(TABLE).values(), _render)


#: bank-detail/crm-requisite-bank-detail-fields.md, in its order
_DESCRIBED = (
    "ID:integer:O ENTITY_ID:integer:RI COUNTRY_ID:integer DATE_CREATE:datetime:O DATE_MODIFY:datetime:O "
    "CREATED_BY_ID:user:O MODIFY_BY_ID:user:O NAME:string CODE:string XML_ID:string ACTIVE:char SORT:integer "
    "RQ_BANK_NAME:string RQ_BANK_ADDR:string RQ_BANK_CODE:string RQ_AGENCY_NAME:string "
    "RQ_BANK_ROUTE_NUM:string RQ_BIK:string RQ_MFO:string RQ_ACC_NAME:string RQ_ACC_NUM:string "
    "RQ_ACC_TYPE:string RQ_IIK:string RQ_ACC_CURRENCY:string RQ_COR_ACC_NUM:string RQ_IBAN:string "
    "RQ_SWIFT:string RQ_BIC:string RQ_CODEB:string RQ_CODEG:string RQ_RIB:string COMMENTS:string "
    "ORIGINATOR_ID:string"
)


@method("crm.requisite.bankdetail.fields")
def bankdetail_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.bankdetail.fields``: description of bank detail fields."""
    return describe(_DESCRIBED, BANKDETAIL_TITLES)
