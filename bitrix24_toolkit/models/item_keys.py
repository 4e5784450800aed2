"""Key mapping between ``crm.item.*`` camelCase names and the legacy UPPER_CASE names of the same fields.

``crm.item.*`` answers for leads, deals, contacts and companies are parsed into the legacy models
(:mod:`.crm`), and writes are dumped with legacy names first and then renamed here. Most names follow one
rule (``assignedById`` <-> ``ASSIGNED_BY_ID``, ``parentId1220`` <-> ``PARENT_ID_1220``); the documented
exceptions are listed in :data:`EXCEPTIONS` and :data:`TYPE_EXCEPTIONS`. Contact data lives in ``fm``
(a list of ``{id, typeId, valueType, value}``) in ``crm.item`` and in ``PHONE``/``EMAIL``/... legacy lists.
Custom fields keep their ``UF_*`` codes because every call sends ``useOriginalUfNames: "Y"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "EXCEPTIONS",
    "MULTIFIELDS",
    "TYPE_EXCEPTIONS",
    "camel_to_legacy",
    "fm_to_multifields",
    "item_to_legacy",
    "legacy_to_camel",
    "legacy_to_item",
    "multifields_to_fm",
]

#: contact-data fields that ``crm.item`` folds into ``fm``
MULTIFIELDS: Final = ("PHONE", "EMAIL", "WEB", "IM", "LINK")

#: legacy name -> crm.item name, for every entity type
EXCEPTIONS: Final[dict[str, str]] = {
    "ID": "id",
    "DATE_CREATE": "createdTime",
    "DATE_MODIFY": "updatedTime",
    "CREATED_BY_ID": "createdBy",
    "MODIFY_BY_ID": "updatedBy",
    "MOVED_BY_ID": "movedBy",
}
#: legacy name -> crm.item name, per entityTypeId (1 lead: ``stageId``; 4 company: ``typeId``)
TYPE_EXCEPTIONS: Final[dict[int, dict[str, str]]] = {
    1: {"STATUS_ID": "stageId", "STATUS_SEMANTIC_ID": "stageSemanticId"},
    4: {"COMPANY_TYPE": "typeId"},
}
#: crm.item keys of leads/deals/contacts/companies that are not fields of their models: the answer's own
#: ``entityTypeId``, fields the pages mark "disabled" (always ``null``, object-fields.md) and the flat
#: aliases of the first ``fm`` values (``phone``/``email`` would shadow the ``PHONE``/``EMAIL`` lists)
_DROPPED: Final = frozenset(
    {
        "entityTypeId",
        "dateCreateShort",
        "dateModifyShort",
        "begindateShort",
        "closedateShort",
        "eventDateShort",
        "isConvert",
        "productId",
        "shortName",
        "login",
        "isWork",
        "isWon",
        "isLose",
        "receivedAmount",
        "lostAmount",
        "hasProducts",
        "phoneMobile",
        "phoneWork",
        "phoneMailing",
        "emailHome",
        "emailWork",
        "emailMailing",
        "skype",
        "icq",
        "imol",
        "email",
        "phone",
    }
)

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _exceptions(entity_type_id: int) -> dict[str, str]:
    return {**EXCEPTIONS, **TYPE_EXCEPTIONS.get(entity_type_id, {})}


def _is_legacy(name: str) -> bool:
    return name.upper() == name


def legacy_to_camel(entity_type_id: int, name: str) -> str:
    """``ASSIGNED_BY_ID`` -> ``assignedById``; ``UF_*`` codes, ``*`` and camelCase names are kept."""
    special = _exceptions(entity_type_id).get(name)
    if special is not None:
        return special
    if not _is_legacy(name) or name.startswith("UF_") or not name[:1].isalpha():
        return name
    head, *rest = name.lower().split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_to_legacy(entity_type_id: int, name: str) -> str:
    """``assignedById`` -> ``ASSIGNED_BY_ID``, ``createdTime`` -> ``DATE_CREATE``; legacy names kept."""
    for legacy, camel in _exceptions(entity_type_id).items():
        if camel == name:
            return legacy
    if _is_legacy(name):
        return name
    if name.startswith("uf") and "_" in name:  # ufCrm_123: a camel-cased custom field code
        return "UF_" + "_".join(w.upper() for w in _WORD.findall(name[2:]))
    return "_".join(word.upper() for word in _WORD.findall(name))


def fm_to_multifields(fm: Any) -> dict[str, list[dict[str, Any]]]:
    """``fm`` entries grouped into legacy ``PHONE``/``EMAIL``/... lists of ``{ID, VALUE, ...}``."""
    entries = fm.values() if isinstance(fm, Mapping) else fm if isinstance(fm, list) else []
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        type_id = str(entry.get("typeId") or "").upper()
        if type_id not in MULTIFIELDS:
            continue
        out.setdefault(type_id, []).append(
            {
                "ID": entry.get("id"),
                "VALUE_TYPE": entry.get("valueType"),
                "VALUE": entry.get("value"),
                "TYPE_ID": type_id,
            }
        )
    return out


def multifields_to_fm(data: Mapping[str, Any], *, updating: bool) -> list[Any] | dict[str, Any]:
    """Legacy multifield writes as ``fm``: a list on add; on update an object keyed by entry id (``n0`` new).

    As in the legacy methods, an entry with an id and an empty value deletes that entry.
    """
    rows: list[tuple[Any, dict[str, Any]]] = []
    for type_id in MULTIFIELDS:
        for entry in data.get(type_id) or []:
            if not isinstance(entry, Mapping):
                continue
            item = {
                "typeId": type_id,
                "valueType": entry.get("VALUE_TYPE"),
                "value": entry.get("VALUE") or "",
            }
            if item["valueType"] is None:
                del item["valueType"]
            rows.append((entry.get("ID"), item))
    if not updating:
        return [item for _, item in rows]
    out: dict[str, Any] = {}
    fresh = 0
    for entry_id, item in rows:
        if entry_id:
            out[str(entry_id)] = item
        else:
            out[f"n{fresh}"] = item
            fresh += 1
    return out


def item_to_legacy(entity_type_id: int, item: Mapping[str, Any]) -> dict[str, Any]:
    """One ``crm.item`` answer row renamed to legacy keys (``fm`` unfolded into ``PHONE``/``EMAIL``...)."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key == "fm":
            out.update(fm_to_multifields(value))
        elif key in _DROPPED and entity_type_id in (1, 2, 3, 4):
            continue
        else:
            out[camel_to_legacy(entity_type_id, str(key))] = value
    return out


def legacy_to_item(entity_type_id: int, data: Mapping[str, Any], *, updating: bool) -> dict[str, Any]:
    """Legacy-named fields to write renamed for ``crm.item`` (multifields folded into ``fm``)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in MULTIFIELDS:
            continue
        out[legacy_to_camel(entity_type_id, str(key))] = value
    if any(data.get(name) for name in MULTIFIELDS):
        out["fm"] = multifields_to_fm(data, updating=updating)
    return out
