"""Requisites of companies and contacts: ``crm.requisite.*`` (reference 6.2).

Rows live in table ``"requisite"`` (typed values); legacy output renders every value as a string, unset
``RQ_*`` fields as ``null`` and ``DATE_MODIFY`` as ``""`` until the first update. Deleting a requisite
deletes its bank details and addresses (:func:`delete_requisite`, also usable by the company/contact
``delete`` handlers).
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, ListResult, method
from ..state import PortalState
from ..userfield_store import userfield_descriptions, userfields_for
from ._rq_shared import (
    describe,
    fields_param,
    legacy_error,
    list_rows,
    owner_row,
    pick,
    positive_int,
    render,
    render_row,
)
from ._rq_titles import REQUISITE_TITLES
from .addresses import ADDRESS_TYPES, REQUISITE_TYPE_ID, delete_addresses, find_address, write_address
from .bankdetails import delete_bankdetails
from .requisite_presets import preset

TABLE = "requisite"
UF_ENTITY = "CRM_REQUISITE"

BASE_KEYS = (
    "ID",
    "ENTITY_TYPE_ID",
    "ENTITY_ID",
    "PRESET_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "NAME",
    "CODE",
    "XML_ID",
    "ORIGINATOR_ID",
    "ACTIVE",
    "ADDRESS_ONLY",
    "SORT",
)
_RQ_NAMES = (
    "NAME FIRST_NAME LAST_NAME SECOND_NAME COMPANY_ID COMPANY_NAME COMPANY_FULL_NAME COMPANY_REG_DATE "
    "DIRECTOR ACCOUNTANT CEO_NAME CEO_WORK_POS CONTACT EMAIL PHONE FAX IDENT_TYPE IDENT_DOC IDENT_DOC_SER "
    "IDENT_DOC_NUM IDENT_DOC_PERS_NUM IDENT_DOC_DATE IDENT_DOC_ISSUED_BY IDENT_DOC_DEP_CODE INN KPP USRLE "
    "IFNS OGRN OGRNIP OKPO OKTMO OKVED EDRPOU DRFO KBE IIN BIN ST_CERT_SER ST_CERT_NUM ST_CERT_DATE "
    "VAT_PAYER VAT_ID VAT_CERT_SER VAT_CERT_NUM VAT_CERT_DATE RESIDENCE_COUNTRY BASE_DOC REGON KRS PESEL "
    "LEGAL_FORM SIRET SIREN CAPITAL RCS CNPJ STATE_REG MNPL_REG CPF"
)
RQ_KEYS = tuple(f"RQ_{name}" for name in _RQ_NAMES.split())
_WRITABLE_BASE = ("NAME", "CODE", "XML_ID", "ORIGINATOR_ID", "ACTIVE", "ADDRESS_ONLY", "SORT")


def delete_requisite(state: PortalState, requisite_id: int) -> None:
    """Delete a requisite with its bank details and addresses; links that used it fall back to 0."""
    state.table(TABLE).pop(requisite_id, None)
    for bank_id in [k for k, row in state.table("bankdetail").items() if row["ENTITY_ID"] == requisite_id]:
        _unlink(state, "BANK_DETAIL_ID", bank_id)
        _unlink(state, "MC_BANK_DETAIL_ID", bank_id)
    delete_bankdetails(state, requisite_id)
    delete_addresses(state, REQUISITE_TYPE_ID, requisite_id)
    _unlink(state, "REQUISITE_ID", requisite_id)
    _unlink(state, "MC_REQUISITE_ID", requisite_id)


def delete_requisites_of(state: PortalState, entity_type_id: int, entity_id: int) -> None:
    """Delete every requisite of a company (4) or contact (3), e.g. when the owner is deleted."""
    owned = [
        k
        for k, row in state.table(TABLE).items()
        if (row["ENTITY_TYPE_ID"], row["ENTITY_ID"]) == (entity_type_id, entity_id)
    ]
    for requisite_id in owned:
        delete_requisite(state, requisite_id)


def _unlink(state: PortalState, key: str, value: int) -> None:
    # A link pointing at a deleted requisite/bank detail reads as "not selected" (0) afterwards (unconfirmed).
    for link in state.table("requisite_link").values():
        if link.get(key) == value:
            link[key] = 0


def _clean(state: PortalState, fields: dict[str, Any]) -> dict[str, Any]:
    """The storable part of ``fields``: base fields, RQ fields as strings and defined UF fields."""
    out: dict[str, Any] = {}
    for key in _WRITABLE_BASE:
        if key in fields:
            value = fields[key]
            if key == "SORT":
                out[key] = positive_int(value) or 0
            else:
                out[key] = None if value is None else str(value)
    for key in RQ_KEYS:
        if key in fields:
            out[key] = None if fields[key] is None else str(fields[key])
    for userfield in userfields_for(state, UF_ENTITY):
        name = userfield["FIELD_NAME"]
        if name in fields:
            out[name] = fields[name]
    return out


def _write_rq_addr(state: PortalState, requisite_id: int, value: Any) -> None:
    # RQ_ADDR inside crm.requisite.add/update is common practice but undocumented (unconfirmed):
    # {"6": {"ADDRESS_1": ...}} adds or updates the address of type 6; {"DELETED": "Y"} removes it.
    if not isinstance(value, dict):
        return
    for raw_type, address in value.items():
        type_id = positive_int(raw_type)
        if type_id not in ADDRESS_TYPES or not isinstance(address, dict) or type_id is None:
            continue
        if str(address.get("DELETED", "N")).upper() == "Y":
            row = find_address(state, type_id, REQUISITE_TYPE_ID, requisite_id)
            if row is not None:
                del state.table("address")[row["_ROW_ID"]]
            continue
        write_address(state, type_id, REQUISITE_TYPE_ID, requisite_id, address)


def _row_or_error(ctx: Ctx) -> dict[str, Any]:
    number = positive_int(ctx.param("id"))
    if number is None:
        raise legacy_error("ID is not defined or invalid.")
    row = ctx.state.table(TABLE).get(number)
    if row is None:
        raise legacy_error(f"The Requisite with ID '{number}' is not found")
    return row


def _render(state: PortalState, row: dict[str, Any], select: list[str]) -> dict[str, Any]:
    full = render_row(row, (*BASE_KEYS, *RQ_KEYS))
    for userfield in userfields_for(state, UF_ENTITY):
        name = userfield["FIELD_NAME"]
        empty: Any = [] if userfield.get("MULTIPLE") == "Y" else ""  # empty UF reads as "" (reference 7.3)
        value = row.get(name)
        full[name] = empty if value is None else render(value)
    return pick(full, select)


@method("crm.requisite.add")
def requisite_add(ctx: Ctx) -> int:
    """``crm.requisite.add {fields: {ENTITY_TYPE_ID, ENTITY_ID, PRESET_ID, NAME, RQ_...}}`` -> id."""
    fields = fields_param(ctx)
    entity_type_id = positive_int(fields.get("ENTITY_TYPE_ID"))
    if entity_type_id not in (3, 4) or entity_type_id is None:
        raise legacy_error("ENTITY_TYPE_ID is not defined or invalid.")
    entity_id = positive_int(fields.get("ENTITY_ID"))
    if entity_id is None:
        raise legacy_error("ENTITY_ID is not defined or invalid.")
    preset_row = preset(ctx.state, fields.get("PRESET_ID"))
    if preset_row is None:
        raise legacy_error("PRESET_ID is not defined or invalid.")
    if owner_row(ctx.state, entity_type_id, entity_id) is None:
        raise legacy_error("Entity not found.")
    row: dict[str, Any] = {key: None for key in (*BASE_KEYS, *RQ_KEYS) if key != "ID"}
    row.update(
        ENTITY_TYPE_ID=entity_type_id,
        ENTITY_ID=entity_id,
        PRESET_ID=preset_row["ID"],
        DATE_CREATE=ctx.state.now_iso(),
        DATE_MODIFY="",
        CREATED_BY_ID=ctx.user_id,
        # NAME is documented as required; a missing one falls back to the preset name (tolerant, unconfirmed)
        NAME=preset_row["NAME"],
        ACTIVE="Y",
        ADDRESS_ONLY="N",
        SORT=500,
        RQ_VAT_PAYER="N",
    )
    row.update(_clean(ctx.state, fields))
    new_id = ctx.state.insert(TABLE, row)
    _write_rq_addr(ctx.state, new_id, fields.get("RQ_ADDR"))
    return new_id


@method("crm.requisite.get")
def requisite_get(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.get {id}``: every field as a string, unset RQ fields ``null``."""
    return _render(ctx.state, _row_or_error(ctx), [])


@method("crm.requisite.update")
def requisite_update(ctx: Ctx) -> bool:
    """``crm.requisite.update {id, fields}`` -> ``true``.

    The owner fields are immutable (crm.requisite.fields): valid values are ignored, invalid ones refused
    with the update page's errors."""
    row = _row_or_error(ctx)
    fields = fields_param(ctx)
    if "ENTITY_TYPE_ID" in fields and positive_int(fields["ENTITY_TYPE_ID"]) not in (3, 4):
        raise legacy_error("ENTITY_TYPE_ID is not defined or invalid.")
    if "ENTITY_ID" in fields and positive_int(fields["ENTITY_ID"]) is None:
        raise legacy_error("ENTITY_ID is not defined or invalid.")
    if "PRESET_ID" in fields:
        preset_row = preset(ctx.state, fields["PRESET_ID"])
        if preset_row is None:
            raise legacy_error("PRESET_ID is not defined or invalid.")
        row["PRESET_ID"] = preset_row["ID"]
    row.update(_clean(ctx.state, fields))
    row.update(DATE_MODIFY=ctx.state.now_iso(), MODIFY_BY_ID=ctx.user_id)
    _write_rq_addr(ctx.state, row["ID"], fields.get("RQ_ADDR"))
    return True


@method("crm.requisite.delete")
def requisite_delete(ctx: Ctx) -> bool:
    """``crm.requisite.delete {id}`` -> ``true``; bank details and addresses go with it."""
    delete_requisite(ctx.state, _row_or_error(ctx)["ID"])
    return True


@method("crm.requisite.list")
def requisite_list(ctx: Ctx) -> ListResult:
    """``crm.requisite.list {select, filter, order, start}``."""
    return list_rows(
        ctx, ctx.state.table(TABLE).values(), lambda row, select: _render(ctx.state, row, select)
    )


#: crm.requisite.fields (universal/crm-requisite-fields.md): NAME is not required there, PRESET_ID immutable
_DESCRIBED = (
    "ID:integer:O ENTITY_TYPE_ID:integer:RI ENTITY_ID:integer:RI PRESET_ID:integer:RI DATE_CREATE:datetime:O "
    "DATE_MODIFY:datetime:O CREATED_BY_ID:user:O MODIFY_BY_ID:user:O NAME:string CODE:string XML_ID:string "
    "ORIGINATOR_ID:string ACTIVE:char ADDRESS_ONLY:char SORT:integer "
) + " ".join(
    f"{key}:{'char' if key == 'RQ_VAT_PAYER' else 'crm_status' if key == 'RQ_IDENT_TYPE' else 'string'}"
    for key in RQ_KEYS
)


@method("crm.requisite.fields")
def requisite_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.requisite.fields``: base and RQ fields as the page lists them, then user fields."""
    out = describe(_DESCRIBED, REQUISITE_TITLES)
    out["RQ_IDENT_TYPE"]["statusType"] = ["RQ_IDENT_TYPE_CO"]
    out.update(userfield_descriptions(ctx.state, UF_ENTITY))
    return out
