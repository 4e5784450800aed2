"""Validation and normalisation of user-field definitions (reference 7.2); not a method module."""

from __future__ import annotations

import re
from typing import Any

from ..registry import PortalError

__all__ = [
    "LABEL_KEYS",
    "LANGUAGES",
    "USER_TYPES",
    "crm_settings",
    "label_map",
    "label_text",
    "normalise_field_name",
    "show_filter",
    "yes_no",
]

#: portal languages a label lang map covers (``get`` answers with all of them)
LANGUAGES = ("en", "ru", "de", "ua", "kz", "br", "fr", "la", "pl", "tc", "sc")
LABEL_KEYS = ("EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE")

#: crm.userfield.types: type id -> title
USER_TYPES: dict[str, str] = {
    "string": "String",
    "integer": "Integer",
    "double": "Number",
    "boolean": "Yes/No",
    "datetime": "Date/Time",
    "date": "Date",
    "money": "Money",
    "url": "Link",
    "address": "Google Maps address",
    "enumeration": "List",
    "file": "File",
    "employee": "Link to employee",
    "crm_status": "Link to CRM reference",
    "iblock_section": "Link to information block sections",
    "iblock_element": "Link to information block elements",
    "crm": "Binding to CRM Entities",
}

_MAX_NAME = 50
_PREFIX = "UF_CRM_"
_NAME_RE = re.compile(r"UF_CRM_[A-Z0-9_]+")


def normalise_field_name(raw: Any) -> str:
    """``holding``/``HOLDING``/``UF_HOLDING`` -> ``UF_CRM_HOLDING``; invalid names -> ``ERROR_CORE``."""
    name = str(raw).strip().upper()
    if not name.startswith(_PREFIX):
        name = _PREFIX + (name[3:] if name.startswith("UF_") else name)
    # Core messages are localised and their exact English wording is (unconfirmed).
    if not _NAME_RE.fullmatch(name):
        raise PortalError("ERROR_CORE", f"Invalid field name '{name}': only A-Z, 0-9 and _ are allowed.")
    if len(name) > _MAX_NAME:
        raise PortalError("ERROR_CORE", f"Field name '{name}' is longer than {_MAX_NAME} characters.")
    return name


def yes_no(value: Any, default: str) -> str:
    """A ``Y``/``N`` flag from ``Y``/``N``/``1``/``0``/``true``/``false``; anything else -> default."""
    text = str(value).strip().upper() if value is not None else ""
    if text in ("Y", "1", "TRUE"):
        return "Y"
    if text in ("N", "0", "FALSE"):
        return "N"
    return default


def show_filter(value: Any) -> str:
    """``SHOW_FILTER`` as stored: ``Y`` reads back as ``I`` (unconfirmed); ``N``/``I``/``E``/``S`` kept."""
    text = str(value).strip().upper() if value is not None else "N"
    if text in ("N", "I", "E", "S"):
        return text
    return "I" if yes_no(text, "N") == "Y" else "N"


def label_map(value: Any, fallback: str = "") -> dict[str, str]:
    """A lang map from a string (all languages) or a partial map (missing languages empty)."""
    if isinstance(value, dict):
        out = dict.fromkeys(LANGUAGES, "")
        out.update({str(lang): "" if text is None else str(text) for lang, text in value.items()})
        return out
    text = fallback if value is None else str(value)
    return dict.fromkeys(LANGUAGES, text)


def label_text(value: Any, lang: str) -> str:
    """The label of one language from a stored lang map (``list`` answers plain strings)."""
    if isinstance(value, dict):
        return str(value.get(lang) or "")
    return "" if value is None else str(value)


def crm_settings(value: Any) -> dict[str, Any]:
    """``SETTINGS`` of a ``crm`` field: LEAD/CONTACT/COMPANY/DEAL as ``Y``/``N``; ``LEAD=Y`` if none is."""
    given = value if isinstance(value, dict) else {}
    out: dict[str, Any] = {key: yes_no(given.get(key), "N") for key in ("LEAD", "CONTACT", "COMPANY", "DEAL")}
    for key, item in given.items():  # dynamic types (DYNAMIC_128 ...) pass through
        if key not in out:
            out[key] = item
    if not any(item == "Y" for item in out.values()):
        out["LEAD"] = "Y"
    return out
