"""Reference methods of user fields: ``crm.userfield.fields``, ``.settings.fields``, ``.enumeration.fields``.

Answers as ``api-reference/crm/universal/user-defined-fields/`` shows them: each entry has ``type`` and
``title`` and only the flags that are true (``isReadOnly``, ``isImmutable``, ``isMultiple``).
"""

from __future__ import annotations

from typing import Any

from ..registry import Ctx, method
from ._rq_shared import legacy_error


def _entry(type_: str, title: str, *flags: str) -> dict[str, Any]:
    return {"type": type_, "title": title, **dict.fromkeys(flags, True)}


#: crm-userfield-fields.md example
_FIELDS: dict[str, dict[str, Any]] = {
    "ID": _entry("int", "ID", "isReadOnly"),
    "ENTITY_ID": _entry("string", "Object", "isImmutable"),
    "FIELD_NAME": _entry("string", "Code", "isImmutable"),
    "USER_TYPE_ID": _entry("string", "Data Type", "isImmutable"),
    "XML_ID": _entry("string", "External ID (XML ID)"),
    "SORT": _entry("int", "Sorting"),
    "MULTIPLE": _entry("char", "Multiple"),
    "MANDATORY": _entry("char", "Mandatory"),
    "SHOW_FILTER": _entry("char", "Show in list filter"),
    "SHOW_IN_LIST": _entry("char", "Show in list"),
    "EDIT_IN_LIST": _entry("char", "Allow user editing"),
    "IS_SEARCHABLE": _entry("char", "Field values are searchable"),
    "EDIT_FORM_LABEL": _entry("string", "Label in edit form"),
    "LIST_COLUMN_LABEL": _entry("string", "Header in list"),
    "LIST_FILTER_LABEL": _entry("string", "Filter label in list"),
    "ERROR_MESSAGE": _entry("string", "Error message"),
    "HELP_MESSAGE": _entry("string", "Help"),
    "LIST": _entry("uf_enum_element", "List elements", "isMultiple"),
    "SETTINGS": _entry("object", "Additional settings (dependent on type)"),
}
#: crm-userfield-enumeration-fields.md example
_ENUMERATION: dict[str, dict[str, Any]] = {
    "ID": _entry("int", "ID", "isReadOnly"),
    "SORT": _entry("int", "Sorting"),
    "VALUE": _entry("string", "Value"),
    "DEF": _entry("string", "Default Value"),
    "DEL": _entry("string", "Element Deletion Flag"),
}
#: settings of the standard types; ``double`` as crm-userfield-settings-fields.md shows it, the others
#: follow the SETTINGS keys of the userfield pages' examples (types per key: unconfirmed)
_SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "string": {
        "SIZE": _entry("int", "Field size"),
        "ROWS": _entry("int", "Rows"),
        "REGEXP": _entry("string", "Regular expression"),
        "MIN_LENGTH": _entry("int", "Minimum length"),
        "MAX_LENGTH": _entry("int", "Maximum length"),
        "DEFAULT_VALUE": _entry("string", "Default Value"),
    },
    "integer": {
        "MIN_VALUE": _entry("int", "Minimum value"),
        "MAX_VALUE": _entry("int", "Maximum value"),
        "DEFAULT_VALUE": _entry("int", "Default Value"),
    },
    "double": {"DEFAULT_VALUE": _entry("double", "Default Value"), "PRECISION": _entry("int", "Precision")},
    "boolean": {
        "DEFAULT_VALUE": _entry("int", "Default Value"),
        "DISPLAY": _entry("enumeration", "Appearance"),
    },
    "datetime": {
        "DEFAULT_VALUE": _entry("datetime", "Default Value"),
        "USE_SECOND": _entry("char", "Seconds"),
    },
    "date": {"DEFAULT_VALUE": _entry("date", "Default Value")},
    "enumeration": {
        "DISPLAY": _entry("enumeration", "Appearance"),
        "LIST_HEIGHT": _entry("int", "List height"),
        "CAPTION_NO_VALUE": _entry("string", "Caption of no value"),
        "SHOW_NO_VALUE": _entry("char", "Show no value"),
    },
    "crm_status": {"ENTITY_TYPE": _entry("string", "Directory type")},
    "crm": {key: _entry("char", key) for key in ("LEAD", "CONTACT", "COMPANY", "DEAL")},
}


@method("crm.userfield.fields")
def userfield_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.userfield.fields``: the characteristics of a user field."""
    return {key: dict(value) for key, value in _FIELDS.items()}


@method("crm.userfield.enumeration.fields")
def userfield_enumeration_fields(ctx: Ctx) -> dict[str, Any]:
    """``crm.userfield.enumeration.fields``: the fields of an enumeration item."""
    return {key: dict(value) for key, value in _ENUMERATION.items()}


@method("crm.userfield.settings.fields")
def userfield_settings_fields(ctx: Ctx) -> dict[str, Any] | list[Any]:
    """``crm.userfield.settings.fields {type}``: the settings of a user type (PHP empty array if none)."""
    user_type = ctx.param("type")
    if not user_type:
        raise legacy_error("Parameter 'type' is not specified or empty.")
    settings = _SETTINGS.get(str(user_type))
    return {key: dict(value) for key, value in settings.items()} if settings else []
