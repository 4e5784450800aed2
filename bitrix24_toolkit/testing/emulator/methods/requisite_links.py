"""Which requisites a deal/quote/invoice uses: ``crm.requisite.link.*`` (reference 6.5).

``register`` takes ``fields`` with UPPER_CASE keys while ``get``/``unregister`` take camelCase
``entityTypeId``/``entityId``. The client requisite must belong to the object's company (``COMPANY_ID``) or
one of its contacts; the ``MC_*`` requisite to a company with ``IS_MY_COMPANY=Y`` - the object's own
my-company when the row names one (``MYCOMPANY_ID``/``mycompanyId``), else any my-company (unconfirmed:
legacy deals do not document a my-company field). Rows live in table ``"requisite_link"``.
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
    to_int,
)
from ._rq_titles import LINK_TITLES

TABLE = "requisite_link"
ID_KEYS = ("REQUISITE_ID", "BANK_DETAIL_ID", "MC_REQUISITE_ID", "MC_BANK_DETAIL_ID")
LINK_KEYS = ("ENTITY_TYPE_ID", "ENTITY_ID", *ID_KEYS)
_OWNER_NAMES = {3: "Contact", 4: "Company"}


def _find(state: PortalState, entity_type_id: int, entity_id: int) -> dict[str, Any] | None:
    for row in state.table(TABLE).values():
        if (row["ENTITY_TYPE_ID"], row["ENTITY_ID"]) == (entity_type_id, entity_id):
            return row
    return None


def _ids(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [number for number in (positive_int(item) for item in items) if number is not None]


def _client(row: dict[str, Any]) -> tuple[int, list[int]]:
    """(company id or 0, contact ids) of a deal/quote/invoice row (legacy or camelCase keys)."""
    company = positive_int(row.get("COMPANY_ID", row.get("companyId"))) or 0
    contacts = _ids(row.get("CONTACT_ID", row.get("contactId")))
    contacts += _ids(row.get("CONTACT_IDS", row.get("contactIds")))
    return company, list(dict.fromkeys(contacts))


def _check_client(state: PortalState, owner: dict[str, Any] | None, requisite_id: int) -> None:
    requisite = state.table("requisite").get(requisite_id)
    if requisite is None:
        raise legacy_error(f"The Requisite with ID '{requisite_id}' is not found")
    if owner is None:
        return  # an object type whose rows this emulator does not keep: nothing to check against
    company, contacts = _client(owner)
    rq_owner = (requisite["ENTITY_TYPE_ID"], requisite["ENTITY_ID"])
    if rq_owner == (4, company) or (rq_owner[0] == 3 and rq_owner[1] in contacts):
        return
    kind, number = ("Company", company) if company or not contacts else ("Contact", contacts[0])
    raise legacy_error(f"The Requisite with ID '{requisite_id}' is not assigned to {kind} with ID '{number}'")


def _check_bank(state: PortalState, bank_id: int, requisite_id: int, mine: bool) -> None:
    whose = " of your company" if mine else ""
    bank = state.table("bankdetail").get(bank_id)
    if bank is None:
        raise legacy_error(f"The BankDetail{whose} with ID '{bank_id}' is not found")
    if bank["ENTITY_ID"] != requisite_id:
        raise legacy_error(
            f"The BankDetail{whose} with ID '{bank_id}' is not assigned to "
            f"Requisite{whose} with ID '{requisite_id}'"
        )


def _check_my_company(state: PortalState, owner: dict[str, Any] | None, requisite_id: int) -> None:
    requisite = state.table("requisite").get(requisite_id)
    if requisite is None:
        raise legacy_error(f"The Requisite of your company with ID '{requisite_id}' is not found")
    companies = state.table("company")
    my_ids = [cid for cid, row in companies.items() if str(row.get("IS_MY_COMPANY", "N")).upper() == "Y"]
    wanted = positive_int((owner or {}).get("MYCOMPANY_ID", (owner or {}).get("mycompanyId")))
    allowed = [wanted] if wanted is not None else my_ids
    if requisite["ENTITY_TYPE_ID"] == 4 and requisite["ENTITY_ID"] in allowed:
        return
    shown = allowed[0] if allowed else 0
    raise legacy_error(
        f"The Requisite with ID '{requisite_id}' is not assigned to your company with ID '{shown}'"
    )


@method("crm.requisite.link.register")
def link_register(ctx: Ctx) -> bool:
    """``crm.requisite.link.register {fields: {ENTITY_TYPE_ID, ENTITY_ID, REQUISITE_ID, ...}}`` -> true."""
    fields = fields_param(ctx)
    entity_type_id = positive_int(fields.get("ENTITY_TYPE_ID"))
    if entity_type_id is None or entity_type_id in (1, 3, 4, 8):
        raise legacy_error("ENTITY_TYPE_ID is not defined or invalid.")
    entity_id = positive_int(fields.get("ENTITY_ID"))
    if entity_id is None:
        raise legacy_error("ENTITY_ID is not defined or invalid.")
    values: dict[str, int] = {}
    for key in ID_KEYS:
        number = to_int(fields.get(key))
        if number is None or number < 0:
            raise legacy_error(f"{key} is not defined or invalid.")
        values[key] = number
    owner = owner_row(ctx.state, entity_type_id, entity_id)
    if owner is None and entity_type_id == 2:
        raise legacy_error("Entity is not found")
    if values["REQUISITE_ID"]:
        _check_client(ctx.state, owner, values["REQUISITE_ID"])
    if values["BANK_DETAIL_ID"]:
        _check_bank(ctx.state, values["BANK_DETAIL_ID"], values["REQUISITE_ID"], mine=False)
    if values["MC_REQUISITE_ID"]:
        _check_my_company(ctx.state, owner, values["MC_REQUISITE_ID"])
    if values["MC_BANK_DETAIL_ID"]:
        _check_bank(ctx.state, values["MC_BANK_DETAIL_ID"], values["MC_REQUISITE_ID"], mine=True)
    row = _find(ctx.state, entity_type_id, entity_id)
    if row is None:
        ctx.state.insert(
            TABLE, {"ENTITY_TYPE_ID": entity_type_id, "ENTITY_ID": entity_id, **values}, id_key="_ROW_ID"
        )
    else:
        row.update(values)
    return True


def _camel_key(ctx: Ctx) -> tuple[int, int]:
    entity_type_id = positive_int(ctx.param("entityTypeId"))
    if entity_type_id is None:
        raise legacy_error("entityTypeId is not defined or invalid.")
    entity_id = positive_int(ctx.param("entityId"))
    if entity_id is None:
        raise legacy_error("entityId is not defined or invalid.")
    return entity_type_id, entity_id


@method("crm.requisite.link.get")
def link_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.link.get {entityTypeId, entityId}``: type/id as ints, the four ids as strings."""
    entity_type_id, entity_id = _camel_key(ctx)
    row = _find(ctx.state, entity_type_id, entity_id)
    if row is None:
        raise legacy_error("Not found")
    out: dict[str, Any] = {"ENTITY_TYPE_ID": row["ENTITY_TYPE_ID"], "ENTITY_ID": row["ENTITY_ID"]}
    out.update(render_row(row, ID_KEYS))
    return out


@method("crm.requisite.link.unregister")
def link_unregister(ctx: Ctx) -> bool:
    """``crm.requisite.link.unregister {entityTypeId, entityId}`` -> ``true`` (even if unlinked)."""
    entity_type_id, entity_id = _camel_key(ctx)
    row = _find(ctx.state, entity_type_id, entity_id)
    if row is not None:
        del ctx.state.table(TABLE)[row["_ROW_ID"]]
    return True


@method("crm.requisite.link.list")
def link_list(ctx: Ctx) -> ListResult:
    """``crm.requisite.link.list {select, filter, order, start}``: every value as a string."""
    return list_rows(
        ctx,
        ctx.state.table(TABLE).values(),
        lambda row, select: pick(render_row(row, LINK_KEYS), select),
        default_order={"ENTITY_TYPE_ID": "ASC", "ENTITY_ID": "ASC"},
    )


@method("crm.requisite.link.fields")
def link_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.link.fields``: description of link fields (links/crm-requisite-link-fields.md)."""
    return describe(
        "ENTITY_TYPE_ID:integer:RI ENTITY_ID:integer:RI REQUISITE_ID:integer:R BANK_DETAIL_ID:integer:R "
        "MC_REQUISITE_ID:integer:R MC_BANK_DETAIL_ID:integer:R",
        LINK_TITLES,
    )
