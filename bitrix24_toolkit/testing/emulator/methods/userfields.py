"""User fields: ``crm.{lead,contact,company,deal,quote,requisite}.userfield.*`` and ``crm.userfield.types``.

Definitions live in table ``"userfield"`` (one id sequence for all entities; rows as described in
:mod:`..userfield_store`). ``get`` renders labels as lang maps, ``list`` as plain strings of ``filter[LANG]``
(default ``en``). Deleting a field removes its stored values from the entity rows.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .. import query
from ..registry import Ctx, ListResult, PortalError, method
from ..userfield_store import ENTITY_IDS, TABLE
from ._rq_shared import legacy_error, positive_int, render, to_int
from ._uf_rules import (
    DEFAULT_SETTINGS,
    LABEL_KEYS,
    REQUISITE_TYPES,
    USER_TYPES,
    crm_settings,
    label_map,
    label_text,
    normalise_field_name,
    show_filter,
    yes_no,
)

_FLAGS_DEFAULT_N = ("MANDATORY", "SHOW_IN_LIST", "IS_SEARCHABLE")
_OUTPUT_KEYS = (
    "ID",
    "ENTITY_ID",
    "FIELD_NAME",
    "USER_TYPE_ID",
    "XML_ID",
    "SORT",
    "MULTIPLE",
    "MANDATORY",
    "SHOW_FILTER",
    "SHOW_IN_LIST",
    "EDIT_IN_LIST",
    "IS_SEARCHABLE",
    "SETTINGS",
)
#: the entity table holding each ENTITY_ID's values (for delete)
_VALUE_TABLES = {"CRM_LEAD": "lead", "CRM_DEAL": "deal", "CRM_CONTACT": "contact", "CRM_COMPANY": "company"}
_VALUE_TABLES |= {"CRM_QUOTE": "quote", "CRM_REQUISITE": "requisite"}


def _entity_of(ctx: Ctx) -> str:
    """``crm.company.userfield.add`` -> ``CRM_COMPANY``."""
    return ENTITY_IDS[ctx.method.split(".")[1]]


def _enum_items(state: Any, items: Any, existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Enumeration ``LIST``: rows with ``ID`` update (``DEL=Y`` deletes), rows without ``ID`` add."""
    out = [dict(item) for item in existing or []]
    given = list(items.values()) if isinstance(items, dict) else items if isinstance(items, list) else []
    for item in given:
        if not isinstance(item, dict):
            continue
        item_id = positive_int(item.get("ID"))
        current = next((row for row in out if row["ID"] == item_id), None) if item_id else None
        if current is not None and yes_no(item.get("DEL"), "N") == "Y":
            out.remove(current)
            continue
        target = current if current is not None else {"ID": state.next_id("userfield_enum"), "SORT": 500}
        target.setdefault("DEF", "N")
        target.setdefault("XML_ID", "")
        target.setdefault("VALUE", "")
        if "VALUE" in item:
            target["VALUE"] = str(item["VALUE"])
        if "SORT" in item:
            target["SORT"] = to_int(item["SORT"]) or 0
        if "DEF" in item:
            target["DEF"] = yes_no(item["DEF"], "N")
        if "XML_ID" in item:
            target["XML_ID"] = str(item["XML_ID"])
        if not target["XML_ID"]:  # the portal makes one up: an md5 hex (lead list example)
            target["XML_ID"] = hashlib.md5(f"{target['ID']}:{target['VALUE']}".encode()).hexdigest()
        if current is None:
            out.append(target)
    seen: set[str] = set()
    for row in out:  # crm-deal-userfield-add.md: list items' XML_IDs must be unique
        if row["XML_ID"] in seen:
            raise PortalError("ERROR_CORE", f"List item with XML_ID={row['XML_ID']} already exists.")
        seen.add(row["XML_ID"])
    return sorted(out, key=lambda row: (row["SORT"], row["ID"]))


def _apply_common(state: Any, row: dict[str, Any], fields: dict[str, Any]) -> None:
    """Updatable keys shared by add and update (labels, flags, settings, enumeration items)."""
    label = fields.get("LABEL")
    for key in LABEL_KEYS:
        if key in fields:
            value = fields[key]
        elif label is not None and key not in row:  # LABEL fills label fields not given (add only)
            value = label
        else:
            continue
        if isinstance(value, dict):  # a partial lang map changes only the languages it names
            stored = row.get(key)
            current: dict[str, str] = stored if isinstance(stored, dict) else label_map(None)
            row[key] = {
                **current,
                **{str(lang): "" if text is None else str(text) for lang, text in value.items()},
            }
        else:
            row[key] = label_map(value)
    for key in _FLAGS_DEFAULT_N:
        if key in fields:
            row[key] = yes_no(fields[key], row.get(key, "N"))
    if "EDIT_IN_LIST" in fields:
        row["EDIT_IN_LIST"] = yes_no(fields["EDIT_IN_LIST"], row.get("EDIT_IN_LIST", "Y"))
    if "SHOW_FILTER" in fields:
        row["SHOW_FILTER"] = show_filter(fields["SHOW_FILTER"])
    if "XML_ID" in fields:
        row["XML_ID"] = None if fields["XML_ID"] in (None, "") else str(fields["XML_ID"])
    if "SORT" in fields and to_int(fields["SORT"]) is not None:
        row["SORT"] = to_int(fields["SORT"])
    if "SETTINGS" in fields:
        settings = fields["SETTINGS"]
        if row["USER_TYPE_ID"] == "crm":
            row["SETTINGS"] = crm_settings(settings)
        elif isinstance(settings, dict):
            row["SETTINGS"] = dict(row.get("SETTINGS") or {}) | settings
    if "LIST" in fields and row["USER_TYPE_ID"] == "enumeration":
        row["LIST"] = _enum_items(state, fields["LIST"], row.get("LIST"))


def _row_or_error(ctx: Ctx) -> dict[str, Any]:
    number = positive_int(ctx.param("id"))
    if number is None:
        raise legacy_error("ID is not defined or invalid.")
    row = ctx.state.table(TABLE).get(number)
    if row is None:
        # crm-*-userfield-get.md: ERROR_NOT_FOUND; thrown with STATUS_NOT_FOUND by a real portal
        raise PortalError("ERROR_NOT_FOUND", f"The entity with ID '{number}' is not found.", 404)
    if row["ENTITY_ID"] != _entity_of(ctx):
        raise legacy_error("Access denied.")  # a field of another entity (get/update/delete tables)
    return row


def _render(row: dict[str, Any], lang: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {key: render(row.get(key)) for key in _OUTPUT_KEYS}
    if not out["SETTINGS"]:
        out["SETTINGS"] = []  # PHP empty array (contact list example: employee)
    for key in LABEL_KEYS:
        value = row.get(key) or label_map(None)
        out[key] = label_text(value, lang) if lang is not None else dict(value)
    if row["USER_TYPE_ID"] == "enumeration":
        out["LIST"] = [{key: render(value) for key, value in item.items()} for item in row.get("LIST", [])]
    return out


def _fields(ctx: Ctx) -> dict[str, Any]:
    fields = ctx.param("fields")
    if not isinstance(fields, dict):
        raise legacy_error("The 'FIELD_NAME' field is not found.")
    return fields


def _add(ctx: Ctx) -> int:
    fields = _fields(ctx)
    for required in ("FIELD_NAME", "USER_TYPE_ID"):
        if not fields.get(required):
            raise legacy_error(f"The '{required}' field is not found.")
    entity_id = _entity_of(ctx)
    name = normalise_field_name(fields["FIELD_NAME"])
    user_type = str(fields["USER_TYPE_ID"])
    # Application types are registered as rest_<app>_<code>; other unknown types fail in core.
    known = user_type in USER_TYPES or user_type.startswith("rest_")
    if not known or (entity_id == "CRM_REQUISITE" and user_type not in REQUISITE_TYPES):
        raise PortalError("ERROR_CORE", "Invalid custom type specified.")
    table = ctx.state.table(TABLE)
    if any(row["ENTITY_ID"] == entity_id and row["FIELD_NAME"] == name for row in table.values()):
        # crm-requisite-userfield-add.md example
        raise PortalError("ERROR_CORE", f"The field {name} for the {entity_id} object already exists.")
    row: dict[str, Any] = {
        "ENTITY_ID": entity_id,
        "FIELD_NAME": name,
        "USER_TYPE_ID": user_type,
        "XML_ID": None,
        "SORT": 100,
        "MULTIPLE": yes_no(fields.get("MULTIPLE"), "N"),
        "MANDATORY": "N",
        "SHOW_FILTER": "N",
        "SHOW_IN_LIST": "Y",  # "Defaults to Y" (crm-requisite-userfield-add.md)
        "EDIT_IN_LIST": "Y",
        "IS_SEARCHABLE": "N",
        "SETTINGS": crm_settings(None) if user_type == "crm" else dict(DEFAULT_SETTINGS.get(user_type, {})),
    }
    _apply_common(ctx.state, row, fields)
    for key in LABEL_KEYS:
        row.setdefault(key, label_map(None))
    if user_type == "enumeration":
        row.setdefault("LIST", [])
    if user_type == "boolean" and not row["SETTINGS"].get("LABEL_CHECKBOX"):
        # the checkbox caption defaults to the field's label (crm-requisite-userfield-list.md example)
        row["SETTINGS"]["LABEL_CHECKBOX"] = label_text(row["EDIT_FORM_LABEL"], "en") or ""
    return ctx.state.insert(TABLE, row)


def _get(ctx: Ctx) -> dict[str, Any]:
    return _render(_row_or_error(ctx), None)


def _list(ctx: Ctx) -> ListResult:
    for name in ("order", "filter"):  # crm-*-userfield-list.md error table
        if ctx.param(name) is not None and not isinstance(ctx.param(name), dict | list):
            raise legacy_error(f"Parameter '{name}' must be array.")
    flt = ctx.param("filter")
    flt = dict(flt) if isinstance(flt, dict) else {}
    lang = next((str(flt.pop(key)) for key in list(flt) if key.upper() == "LANG"), "en")
    entity_id = _entity_of(ctx)
    rows = [row for row in ctx.state.table(TABLE).values() if row["ENTITY_ID"] == entity_id]
    shown = query.filter_rows([_render(row, lang) for row in rows], flt)
    order = ctx.param("order")
    ordered = query.order_rows(
        shown, order if isinstance(order, dict) else None, default={"SORT": "ASC", "ID": "ASC"}
    )
    # "returns a single page (max 50 records)" with total/next (crm-deal-userfield-list.md)
    return query.page([dict(row) for row in ordered], ctx.param("start"))


def _update(ctx: Ctx) -> bool:
    row = _row_or_error(ctx)
    fields = ctx.param("fields")
    if not isinstance(fields, dict):
        raise legacy_error("Parameter 'fields' must be array.")
    # FIELD_NAME, USER_TYPE_ID, MULTIPLE and ENTITY_ID are immutable: silently ignored.
    changes = {
        k: v for k, v in fields.items() if k not in ("FIELD_NAME", "USER_TYPE_ID", "MULTIPLE", "ENTITY_ID")
    }
    _apply_common(ctx.state, row, changes)
    return True


def _delete(ctx: Ctx) -> bool:
    row = _row_or_error(ctx)
    del ctx.state.table(TABLE)[row["ID"]]
    # Stored values go with the field (reference 7.1, unconfirmed).
    values_table = _VALUE_TABLES.get(row["ENTITY_ID"])
    if values_table is not None:
        for entity_row in ctx.state.table(values_table).values():
            entity_row.pop(row["FIELD_NAME"], None)
    return True


for _entity in ENTITY_IDS:
    method(f"crm.{_entity}.userfield.add")(_add)
    method(f"crm.{_entity}.userfield.get")(_get)
    method(f"crm.{_entity}.userfield.list")(_list)
    method(f"crm.{_entity}.userfield.update")(_update)
    method(f"crm.{_entity}.userfield.delete")(_delete)


@method("crm.userfield.types")
def userfield_types(ctx: Ctx) -> list[dict[str, str]]:
    """``crm.userfield.types``: the available user types."""
    return [{"ID": type_id, "title": title} for type_id, title in USER_TYPES.items()]
