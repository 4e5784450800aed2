"""Writes of lead/deal/contact/company rows shared by the legacy methods and ``crm.item.*``.

Field keys are legacy UPPER_CASE names. Unknown keys and read-only keys are silently ignored, as on a
real portal; ``UF_*`` keys are accepted only when the entity has that userfield (table ``"userfield"``).
Derived values (stage semantics, ``CLOSED``, ``HAS_PHONE``, ``IS_RETURN_CUSTOMER`` ...) are recomputed
after every write, and lead/deal stage moves append stage-history rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._crm_common import coerce, to_int, uf_rows, write_file, write_multifield
from ._crm_directory import (
    CATEGORY_TABLE,
    deal_directory,
    ensure_directories,
    first_stage,
    semantic_of,
)
from ._crm_schema import IMPORT_FIELDS, MULTIFIELDS, EntitySpec
from .crm_stagehistory import record_stage_change

if TYPE_CHECKING:
    from ..state import PortalState

__all__ = ["create_entity", "delete_entity", "touch_last_activity", "update_entity"]

#: handled by the stage logic, never copied verbatim
_STAGE_KEYS = frozenset({"STAGE_ID", "STATUS_ID", "CATEGORY_ID", "CLOSED"})

_DEFAULTS: dict[str, dict[str, Any]] = {
    "lead": {
        "OPENED": "Y",
        "CURRENCY_ID": "RUB",
        "OPPORTUNITY": 0.0,
        "IS_MANUAL_OPPORTUNITY": "N",
    },
    "deal": {
        "TYPE_ID": "SALE",
        "OPENED": "Y",
        "CURRENCY_ID": "RUB",
        "OPPORTUNITY": 0.0,
        "IS_MANUAL_OPPORTUNITY": "N",
        "TAX_VALUE": 0.0,
        "IS_RECURRING": "N",
        "IS_RETURN_CUSTOMER": "N",
        "IS_REPEATED_APPROACH": "N",
    },
    "contact": {"OPENED": "Y", "EXPORT": "Y", "TYPE_ID": "CLIENT"},
    "company": {"OPENED": "Y", "COMPANY_TYPE": "CUSTOMER", "IS_MY_COMPANY": "N", "CURRENCY_ID": "RUB"},
}


def create_entity(
    state: PortalState,
    spec: EntitySpec,
    fields: Mapping[str, Any],
    *,
    user_id: int,
    import_mode: bool = False,
    item_mode: bool = False,
) -> dict[str, Any]:
    """Insert a new row from written fields and return it (stage history ``TYPE_ID`` 1 for leads/deals)."""
    ensure_directories(state)
    now = state.now_iso()
    row: dict[str, Any] = dict(_DEFAULTS[spec.name])
    row.update(
        {
            "ASSIGNED_BY_ID": user_id,
            "CREATED_BY_ID": user_id,
            "MODIFY_BY_ID": user_id,
            "DATE_CREATE": now,
            "DATE_MODIFY": now,
        }
    )
    _assign(state, spec, row, fields, import_mode=import_mode, item_mode=item_mode)
    # crm-X-get.md: a fresh record's last activity is its creation, by its creator
    if not row.get("LAST_ACTIVITY_TIME"):
        row["LAST_ACTIVITY_TIME"] = row["DATE_CREATE"]
    if not row.get("LAST_ACTIVITY_BY"):
        row["LAST_ACTIVITY_BY"] = row["CREATED_BY_ID"]
    new_id = state.insert(spec.name, row)
    _bind_company_contacts(state, spec, row, fields)
    if spec.name in ("lead", "deal") and not row.get("TITLE"):
        row["TITLE"] = f"{spec.name.title()} #{new_id}"
    if spec.name == "deal":
        created = dt.datetime.fromisoformat(row["DATE_CREATE"])
        row.setdefault("BEGINDATE", created.replace(hour=0, minute=0, second=0).isoformat())
        if not row.get("CLOSEDATE"):
            closing = created + dt.timedelta(days=7)
            row["CLOSEDATE"] = closing.replace(hour=0, minute=0, second=0).isoformat()
    if spec.name in ("lead", "deal"):
        _move(state, spec, row, fields, creating=True, item_mode=item_mode, user_id=user_id)
    _derive(spec, row)
    return row


def update_entity(
    state: PortalState,
    spec: EntitySpec,
    row: dict[str, Any],
    fields: Mapping[str, Any],
    *,
    user_id: int,
    import_mode: bool = False,
    item_mode: bool = False,
) -> None:
    """Apply written fields to a stored row; stage moves write stage history (2, 3 or 5)."""
    ensure_directories(state)
    row["DATE_MODIFY"] = state.now_iso()
    row["MODIFY_BY_ID"] = user_id
    _assign(state, spec, row, fields, import_mode=import_mode, item_mode=item_mode)
    _bind_company_contacts(state, spec, row, fields)
    if spec.name in ("lead", "deal"):
        _move(state, spec, row, fields, creating=False, item_mode=item_mode, user_id=user_id)
    _derive(spec, row)


def touch_last_activity(
    state: PortalState, spec: EntitySpec, row_id: int, *, user_id: int, when: str
) -> None:
    """Record a timeline activity on a row: ``LAST_ACTIVITY_TIME``/``_BY`` move to it (crm-X-get.md:
    "Date of the last activity in the timeline"), never backwards; ``DATE_MODIFY`` is not touched."""
    row = state.table(spec.name).get(row_id)
    if row is None:
        return
    current = row.get("LAST_ACTIVITY_TIME")
    if not current or dt.datetime.fromisoformat(when) >= dt.datetime.fromisoformat(current):
        row["LAST_ACTIVITY_TIME"] = when
        row["LAST_ACTIVITY_BY"] = user_id


def delete_entity(state: PortalState, spec: EntitySpec, row_id: int) -> None:
    """Remove a row, its product rows, its requisites and the links other rows hold to it."""
    state.table(spec.name).pop(row_id, None)
    if spec.name in ("company", "contact"):
        from .requisites import delete_requisites_of

        delete_requisites_of(state, 4 if spec.name == "company" else 3, row_id)
    owner = spec.owner_type
    rows = state.table("productrow")
    for key in [k for k, r in rows.items() if r.get("OWNER_TYPE") == owner and r.get("OWNER_ID") == row_id]:
        del rows[key]
    if spec.name == "contact":
        for table in ("lead", "deal"):
            for other in state.table(table).values():
                ids = [i for i in other.get("CONTACT_IDS") or [] if i != row_id]
                if ids != (other.get("CONTACT_IDS") or []):
                    other["CONTACT_IDS"] = ids
                    other["CONTACT_ID"] = ids[0] if ids else None
    if spec.name == "company":
        for table in ("lead", "deal", "contact"):
            for other in state.table(table).values():
                if other.get("COMPANY_ID") == row_id:
                    other["COMPANY_ID"] = None
                if row_id in (other.get("COMPANY_IDS") or []):
                    other["COMPANY_IDS"] = [i for i in other["COMPANY_IDS"] if i != row_id]


# ------------------------------------------------------------------------------------------ helpers
def _assign(
    state: PortalState,
    spec: EntitySpec,
    row: dict[str, Any],
    fields: Mapping[str, Any],
    *,
    import_mode: bool,
    item_mode: bool,
) -> None:
    userfields = {str(uf["FIELD_NAME"]): uf for uf in uf_rows(state, spec)}
    for key, value in fields.items():
        if key in MULTIFIELDS and key in spec.by_name:
            write_multifield(state, row, key, value)
            continue
        if key in userfields:
            multiple = userfields[key].get("MULTIPLE") == "Y"
            if multiple and not isinstance(value, list):
                value = [] if value in (None, "", False) else [value]
            row[key] = value
            continue
        fld = spec.by_name.get(key)
        if fld is None or key == "ID" or key in _STAGE_KEYS:
            continue  # unknown keys are silently ignored, as documented
        if fld.read_only:
            allowed = (import_mode and key in IMPORT_FIELDS) or (item_mode and fld.item_writable)
            if not allowed:
                continue
        if spec.name == "company" and key == "CONTACT_ID":
            continue  # bound by _bind_company_contacts once the company has an id
        if fld.type == "file":
            row[key] = write_file(state, value, row.get(key))
            continue
        row[key] = coerce(fld, value, state.tz)
    _sync_links(row, fields, "CONTACT_ID", "CONTACT_IDS")
    if spec.name == "contact":
        _sync_links(row, fields, "COMPANY_ID", "COMPANY_IDS")


def _bind_company_contacts(
    state: PortalState, spec: EntitySpec, row: dict[str, Any], fields: Mapping[str, Any]
) -> None:
    """crm-company-fields.md ``CONTACT_ID`` (multiple): the listed contacts gain this company."""
    if spec.name != "company" or "CONTACT_ID" not in fields:
        return
    raw = fields["CONTACT_ID"]
    items = list(raw.values()) if isinstance(raw, Mapping) else raw if isinstance(raw, list) else [raw]
    company_id = row["ID"]
    contacts = state.table("contact")
    for contact_id in (to_int(i) for i in items):
        contact = contacts.get(contact_id or 0)
        if contact is None:
            continue
        ids = list(contact.get("COMPANY_IDS") or [])
        if company_id not in ids:
            contact["COMPANY_IDS"] = [*ids, company_id]
            contact["COMPANY_ID"] = contact.get("COMPANY_ID") or company_id


def _sync_links(row: dict[str, Any], fields: Mapping[str, Any], single: str, multi: str) -> None:
    """Keep the deprecated single link equal to the first (primary) of the multiple links."""
    if multi in fields:
        ids = list(dict.fromkeys(row.get(multi) or []))
        row[multi] = ids
        row[single] = ids[0] if ids else None
    elif single in fields:
        current = list(row.get(multi) or [])
        chosen = row.get(single)
        if chosen:
            row[multi] = [chosen, *[i for i in current if i != chosen]]
        else:
            row[multi] = current[1:]
            row[single] = row[multi][0] if row[multi] else None


def _move(
    state: PortalState,
    spec: EntitySpec,
    row: dict[str, Any],
    fields: Mapping[str, Any],
    *,
    creating: bool,
    item_mode: bool,
    user_id: int,
) -> None:
    """Stage/status and funnel logic of leads and deals; writes stage history."""
    stage_key = "STATUS_ID" if spec.name == "lead" else "STAGE_ID"
    semantic_key = "STATUS_SEMANTIC_ID" if spec.name == "lead" else "STAGE_SEMANTIC_ID"
    wanted = fields.get(stage_key)
    wanted = None if wanted is None else str(wanted)
    old_stage = row.get(stage_key)
    old_category = int(row.get("CATEGORY_ID") or 0)
    category = old_category
    if spec.name == "deal" and (creating or item_mode) and "CATEGORY_ID" in fields:
        # legacy crm.deal.update ignores CATEGORY_ID (immutable); crm.item.update moves between funnels
        candidate = to_int(fields.get("CATEGORY_ID")) or 0
        if candidate in state.table(CATEGORY_TABLE):
            category = candidate
    directory = "STATUS" if spec.name == "lead" else deal_directory(category)
    if wanted is None or semantic_of(state, directory, wanted) is None:
        # a stage from another funnel (or an unknown one) is silently ignored
        wanted = old_stage if (not creating and category == old_category) else first_stage(state, directory)
    if spec.name == "deal":
        row["CATEGORY_ID"] = category
    changed = creating or wanted != old_stage or category != old_category
    if not changed:
        return
    row[stage_key] = wanted
    semantic = semantic_of(state, directory, wanted) or "P"
    row[semantic_key] = semantic
    when = row["DATE_CREATE"] if creating else row["DATE_MODIFY"]
    row["MOVED_TIME"] = when
    row["MOVED_BY_ID"] = user_id
    if spec.name == "lead":
        row["DATE_CLOSED"] = when if semantic in ("S", "F") else None
    else:
        row["CLOSED"] = "Y" if semantic in ("S", "F") else "N"
        row["IS_NEW"] = "Y" if wanted == first_stage(state, directory) else "N"
    if creating:
        type_id = 1
    elif category != old_category:
        type_id = 5
    else:
        type_id = 3 if semantic in ("S", "F") else 2
    record_stage_change(state, spec.name, row, type_id, when)


def _derive(spec: EntitySpec, row: dict[str, Any]) -> None:
    if "PHONE" in spec.by_name:
        row["HAS_PHONE"] = "Y" if row.get("PHONE") else "N"
        row["HAS_EMAIL"] = "Y" if row.get("EMAIL") else "N"
        imol = [e for e in row.get("IM") or [] if e.get("VALUE_TYPE") in ("OPENLINE", "IMOL")]
        row["HAS_IMOL"] = "Y" if imol else "N"
    if spec.name == "lead":
        row["IS_RETURN_CUSTOMER"] = "Y" if row.get("CONTACT_ID") or row.get("COMPANY_ID") else "N"
