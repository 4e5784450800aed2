"""Custom field definitions (``crm.*.userfield.*``, reference 7).

``get`` sends labels as language maps (``{"en": "Parent company", "ru": ...}``), ``list`` as plain strings
of one language; :class:`UserField` keeps either form and :meth:`UserField.text` reads both.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from .base import BitrixModel
from .values import Int, YesNo

__all__ = ["EnumItem", "Label", "UserField"]

#: a label: one string (``list``, or all languages on write) or a language map (``get``)
Label = str | dict[str, str] | None


class EnumItem(BitrixModel):
    """One choice of an ``enumeration`` field (``LIST``); write ``delete=True`` with its id to remove it."""

    id: Int = None
    value: str | None = None
    sort: Int = None
    default: YesNo = Field(default=None, alias="DEF")
    xml_id: str | None = None
    delete: YesNo = Field(default=None, alias="DEL")


class UserField(BitrixModel):
    """A custom field (``UF_CRM_*``) of a CRM entity, with its type, flags, settings and labels."""

    id: Int = None
    entity_id: str | None = None
    field_name: str | None = None
    user_type_id: str | None = None
    xml_id: str | None = None
    sort: Int = None
    multiple: YesNo = None
    mandatory: YesNo = None
    #: ``N``/``I``/``E``/``S`` when read (``Y`` may be written)
    show_filter: str | None = None
    show_in_list: YesNo = None
    edit_in_list: YesNo = None
    is_searchable: YesNo = None
    #: per type; a ``crm`` field: ``{"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}``
    settings: dict[str, Any] | None = None
    #: write-only: the default of every label field not given
    label: Label = Field(default=None, alias="LABEL")
    edit_form_label: Label = None
    list_column_label: Label = None
    list_filter_label: Label = None
    error_message: Label = None
    help_message: Label = None
    enum_items: list[EnumItem] | None = Field(default=None, alias="LIST")

    @field_validator("settings", mode="before")
    @classmethod
    def _php_empty(cls, value: Any) -> Any:
        return {} if value == [] else value

    def text(self, lang: str = "en") -> str | None:
        """The human label in ``lang`` (form label, then column label, then filter label)."""
        for value in (self.edit_form_label, self.list_column_label, self.list_filter_label, self.label):
            text = value.get(lang) if isinstance(value, dict) else value
            if text:
                return text
        return None

    @property
    def code(self) -> str | None:
        """The field's code as entities carry it (``UF_CRM_HOLDING``)."""
        return self.field_name
