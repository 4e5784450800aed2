"""Read access to the portal's user-field definitions (table ``"userfield"``) for other method modules.

Rows are stored as reference section 7 names them: ``ID`` (int), ``ENTITY_ID`` (``CRM_COMPANY`` ...),
``FIELD_NAME`` (``UF_CRM_...``), ``USER_TYPE_ID``, ``MULTIPLE``/``MANDATORY``/... (``Y``/``N``), ``SORT``
(int), ``SETTINGS`` (dict), label fields as lang maps (``{"ru": ..., "en": ...}``) and ``LIST``
(enumeration items). Entity methods use :func:`userfields_for` to know which ``UF_*`` keys they accept and
:func:`userfield_descriptions` to extend their ``*.fields`` answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import PortalState

__all__ = [
    "ENTITY_IDS",
    "TABLE",
    "entity_id_of",
    "userfield_by_name",
    "userfield_descriptions",
    "userfield_names",
    "userfields_for",
]

TABLE = "userfield"

#: short entity name (as in ``crm.<name>.userfield.*``) -> userfield ``ENTITY_ID``
ENTITY_IDS: dict[str, str] = {
    "lead": "CRM_LEAD",
    "deal": "CRM_DEAL",
    "contact": "CRM_CONTACT",
    "company": "CRM_COMPANY",
    "quote": "CRM_QUOTE",
    "requisite": "CRM_REQUISITE",
}

_LABEL_LANG = "en"


def entity_id_of(entity: str) -> str:
    """``"company"``/``"COMPANY"``/``"CRM_COMPANY"`` -> ``"CRM_COMPANY"`` (others upper-cased)."""
    return ENTITY_IDS.get(entity.lower(), entity.upper())


def userfields_for(state: PortalState, entity_id: str) -> list[dict[str, Any]]:
    """The user-field rows defined for an entity (``"CRM_COMPANY"`` or ``"company"``), by SORT then ID."""
    wanted = entity_id_of(entity_id)
    rows = [row for row in state.table(TABLE).values() if row.get("ENTITY_ID") == wanted]
    return sorted(rows, key=lambda row: (int(row.get("SORT") or 0), int(row["ID"])))


def userfield_names(state: PortalState, entity_id: str) -> set[str]:
    """The ``FIELD_NAME`` codes (``UF_CRM_...``) an entity accepts in ``add``/``update``."""
    return {str(row["FIELD_NAME"]) for row in userfields_for(state, entity_id)}


def userfield_by_name(state: PortalState, entity_id: str, field_name: str) -> dict[str, Any] | None:
    """One user-field row by its code, or ``None``."""
    for row in userfields_for(state, entity_id):
        if row["FIELD_NAME"] == field_name:
            return row
    return None


def _label(value: Any, lang: str = _LABEL_LANG) -> str:
    if isinstance(value, dict):
        text = value.get(lang) or next((v for v in value.values() if v), "")
        return str(text or "")
    return "" if value is None else str(value)


def userfield_descriptions(state: PortalState, entity_id: str) -> dict[str, dict[str, Any]]:
    """The ``*.fields`` entries of an entity's user fields (reference 5.3: ``isDynamic: true``, labels)."""
    out: dict[str, dict[str, Any]] = {}
    for row in userfields_for(state, entity_id):
        code = str(row["FIELD_NAME"])
        entry: dict[str, Any] = {
            "type": row.get("USER_TYPE_ID", "string"),
            "isRequired": row.get("MANDATORY") == "Y",
            "isReadOnly": False,
            "isImmutable": False,
            "isMultiple": row.get("MULTIPLE") == "Y",
            "isDynamic": True,
            "title": code,
            "listLabel": _label(row.get("LIST_COLUMN_LABEL")),
            "formLabel": _label(row.get("EDIT_FORM_LABEL")),
            "filterLabel": _label(row.get("LIST_FILTER_LABEL")),
        }
        entry["settings"] = row.get("SETTINGS") or []  # always sent; PHP empty array when none
        if row.get("USER_TYPE_ID") == "enumeration":
            items = row.get("LIST", [])
            entry["items"] = [{"ID": str(it.get("ID", "")), "VALUE": it.get("VALUE", "")} for it in items]
        out[code] = entry
    return out
