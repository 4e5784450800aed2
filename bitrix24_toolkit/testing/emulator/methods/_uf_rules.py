"""Validation and normalisation of user-field definitions (reference 7.2); not a method module."""

from __future__ import annotations

import re
from typing import Any

from ..registry import PortalError

__all__ = [
    "DEFAULT_SETTINGS",
    "LABEL_KEYS",
    "LANGUAGES",
    "REQUISITE_TYPES",
    "USER_TYPES",
    "crm_settings",
    "label_map",
    "label_text",
    "normalise_field_name",
    "show_filter",
    "yes_no",
]

#: portal languages a label lang map covers (``get`` answers with all of them)
LANGUAGES = tuple(
    "ar br de en fr hi id in it ja kz la ms pl ru sc tc th tr ua vn".split()
)  # as the lead get example lists them
LABEL_KEYS = ("EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE")

#: crm.userfield.types: type id -> title, in the order of universal/user-defined-fields/crm-userfield-types.md
USER_TYPES: dict[str, str] = {
    "string": "String",
    "integer": "Integer",
    "double": "Number",
    "boolean": "Yes/No",
    "enumeration": "List",
    "datetime": "Date/Time",
    "date": "Date",
    "money": "Money",
    "url": "Link",
    "address": "Google Maps Address",
    "file": "File",
    "employee": "Binding to User",
    "crm_status": "Binding to CRM Directories",
    "iblock_section": "Binding to Information Block Sections",
    "iblock_element": "Binding to Information Block Elements",
    "crm": "Binding to CRM Entities",
}
#: requisites take only these types (crm/requisites/user-fields/index.md)
REQUISITE_TYPES = ("string", "boolean", "double", "datetime")

#: SETTINGS a new field of each type starts with (the get/list examples of the userfield pages show them)
DEFAULT_SETTINGS: dict[str, Any] = {
    "string": {"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": ""},
    "integer": {"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": None},
    "double": {"PRECISION": 2, "SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": None},
    "boolean": {"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX", "LABEL": ["", ""], "LABEL_CHECKBOX": ""},
    "datetime": {"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}, "USE_SECOND": "Y", "USE_TIMEZONE": "N"},
    "date": {"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}},
    "enumeration": {"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "", "SHOW_NO_VALUE": "Y"},
    "file": {
        "SIZE": 20,
        "LIST_WIDTH": 0,
        "LIST_HEIGHT": 0,
        "MAX_SHOW_SIZE": 0,
        "MAX_ALLOWED_SIZE": 0,
        "EXTENSIONS": [],
        "TARGET_BLANK": "Y",
    },
    "url": {"POPUP": "Y", "SIZE": 20, "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": "", "ROWS": 1},
    "money": {"DEFAULT_VALUE": ""},
}

_MAX_NAME = 50
_PREFIX = "UF_CRM_"
_NAME_RE = re.compile(r"UF_CRM_[A-Z0-9_]+")


def normalise_field_name(raw: Any) -> str:
    """``holding``/``HOLDING``/``UF_HOLDING`` -> ``UF_CRM_HOLDING``; invalid names -> ``ERROR_CORE``."""
    name = str(raw).strip().upper()
    if not name.startswith(_PREFIX):
        name = _PREFIX + (name[3:] if name.startswith("UF_") else name)
    # wording of the crm.deal/company.userfield.add error tables
    if len(name) > _MAX_NAME:
        raise PortalError("ERROR_CORE", f"Field name is too long (more than {_MAX_NAME} characters).")
    if not _NAME_RE.fullmatch(name):
        raise PortalError(
            "ERROR_CORE", "Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _."
        )
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


def label_text(value: Any, lang: str) -> str | None:
    """The label of one language from a stored lang map (``list`` answers strings, ``null`` when unset)."""
    text = value.get(lang) if isinstance(value, dict) else value
    return str(text) if text not in (None, "") else None


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
