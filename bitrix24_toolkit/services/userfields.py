"""``b24.crm.{lead,contact,company,deal}.userfield``: custom field definitions of each entity.

The portal normalises ``FIELD_NAME`` (``holding`` -> ``UF_CRM_HOLDING``); names it would refuse anyway
(other characters than ``A-Z0-9_``, longer than 50 characters with the prefix) are refused here first.
Adding, changing or deleting a field through a client makes that client forget its cached ``*.fields``, so
that writes may use the new field at once.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from ..errors import InvalidInputError
from ..models.userfield import UserField
from ..protocol.batch import Batch, Outcome
from ..protocol.call import Call, Flow
from ..protocol.envelope import APIResponse
from .common import dump_fields, ensure_id, parse_bool, parse_int_result, translate_filter, translate_order
from .shapes import unwrap_rows

__all__ = [
    "CompanyUserFieldCalls",
    "ContactUserFieldCalls",
    "DealUserFieldCalls",
    "LeadUserFieldCalls",
    "UserFieldsBase",
    "check_field_name",
]

_PREFIX = "UF_CRM_"
_MAX_NAME = 50
#: fields a page of ``*.userfield.list`` holds (crm-deal-userfield-list.md)
_PAGE = 50
_NAME = re.compile(r"^[A-Za-z0-9_]+$")
#: set when the field is created; the portal ignores them on update
_FIXED = ("FIELD_NAME", "USER_TYPE_ID", "MULTIPLE", "ENTITY_ID")


def check_field_name(name: Any) -> str:
    """The ``FIELD_NAME`` as the portal will store it (``holding`` -> ``UF_CRM_HOLDING``), or an error."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"FIELD_NAME must be a non-empty str, not {name!r}", field="FIELD_NAME")
    text = name.strip().upper()
    if not text.startswith(_PREFIX):
        text = _PREFIX + (text[3:] if text.startswith("UF_") else text)
    if not _NAME.match(text) or text == _PREFIX:
        raise InvalidInputError(
            f"FIELD_NAME {name!r}: only Latin letters, digits and _ are allowed", field="FIELD_NAME"
        )
    if len(text) > _MAX_NAME:
        raise InvalidInputError(
            f"FIELD_NAME {name!r} becomes {text!r}, longer than {_MAX_NAME} characters", field="FIELD_NAME"
        )
    return text


def _raw(response: APIResponse) -> APIResponse:
    return response


def _fields(response: APIResponse) -> list[UserField]:
    return [UserField.model_validate(row) for row in unwrap_rows(response)]


class UserFieldsBase:
    """Custom fields of one entity kind; ``rest_name`` names the method family."""

    rest_name: ClassVar[str] = ""

    def add(self, fields: UserField | Mapping[str, Any]) -> Flow[int]:
        """Create a custom field and return its id (needs CRM admin rights) ({rest}.add)."""
        data = dump_fields(UserField, fields)
        data["FIELD_NAME"] = check_field_name(data.get("FIELD_NAME"))
        if not data.get("USER_TYPE_ID"):
            raise InvalidInputError(f"{self.rest_name}.add needs USER_TYPE_ID", field="USER_TYPE_ID")
        data.pop("ID", None)
        new_id: int = yield Call(f"{self.rest_name}.add", {"fields": data}, parse=parse_int_result)
        return new_id

    def get(self, id: int) -> Call[UserField]:
        """One field with labels as language maps ({rest}.get)."""
        return Call(
            f"{self.rest_name}.get",
            {"id": ensure_id(id)},
            parse=lambda r: UserField.model_validate(r.result),
            read_only=True,
        )

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        order: Mapping[str, str] | None = None,
        lang: str | None = None,
    ) -> Flow[builtins.list[UserField]]:
        """Every matching field (all pages of 50), labels as strings of ``lang`` ({rest}.list)."""
        params: dict[str, Any] = {}
        flt = translate_filter(UserField, filter) or {}
        if lang is not None:
            flt["LANG"] = lang
        if flt:
            params["filter"] = flt
        if order is not None:
            params["order"] = translate_order(UserField, order)
        first: APIResponse = yield Call(f"{self.rest_name}.list", params, parse=_raw, read_only=True)
        fields = _fields(first)
        if first.next is not None and first.total:
            rest: builtins.list[Outcome[builtins.list[UserField]]] = yield Batch(
                [
                    Call(f"{self.rest_name}.list", {**params, "start": start}, parse=_fields, read_only=True)
                    for start in range(first.next, first.total, _PAGE)
                ]
            )
            seen = {field.id for field in fields}
            for outcome in rest:
                for field in outcome.unwrap():  # a field added meanwhile shifts the pages: never twice
                    if field.id is None or field.id not in seen:
                        seen.add(field.id)
                        fields.append(field)
        return fields

    def update(self, id: int, fields: UserField | Mapping[str, Any]) -> Call[bool]:
        """Change labels, flags, settings or enumeration items (not name or type) ({rest}.update)."""
        data = dump_fields(UserField, fields)
        data.pop("ID", None)
        for key in _FIXED:
            if key in data:
                raise InvalidInputError(
                    f"{self.rest_name}.update: {key} cannot be changed after creation", field=key
                )
        return Call(f"{self.rest_name}.update", {"id": ensure_id(id), "fields": data}, parse=parse_bool)

    def delete(self, id: int) -> Flow[bool]:
        """Delete a custom field; its stored values go with it ({rest}.delete)."""
        done: bool = yield Call(f"{self.rest_name}.delete", {"id": ensure_id(id)}, parse=parse_bool)
        return done


class LeadUserFieldCalls(UserFieldsBase):
    """Custom fields of leads."""

    rest_name: ClassVar[str] = "crm.lead.userfield"


class ContactUserFieldCalls(UserFieldsBase):
    """Custom fields of contacts."""

    rest_name: ClassVar[str] = "crm.contact.userfield"


class CompanyUserFieldCalls(UserFieldsBase):
    """Custom fields of companies."""

    rest_name: ClassVar[str] = "crm.company.userfield"


class DealUserFieldCalls(UserFieldsBase):
    """Custom fields of deals."""

    rest_name: ClassVar[str] = "crm.deal.userfield"
