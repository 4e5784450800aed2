"""Call factories of requisite links: ``crm.requisite.link.*`` (reference 6.5).

A link records which client requisite and bank details (and which of your own company's, ``mc_*``) a deal,
quote, invoice or smart-process item uses. ``register`` takes UPPER_CASE ``fields`` while ``get`` and
``unregister`` take camelCase ``entityTypeId``/``entityId``: the factories hide the difference.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import InvalidInputError
from ..models.meta import FieldInfo
from ..models.requisites import RequisiteLink
from ..protocol.call import Call
from .common import ensure_id, parse_bool, parse_field_map
from .listing import ListFamily

__all__ = ["RequisiteLinkCalls"]

#: Kinds that cannot use requisite links: leads, contacts, companies, requisites themselves.
_NOT_LINKABLE = {1: "lead", 3: "contact", 4: "company", 8: "requisite"}


def _linkable_type(value: Any) -> int:
    number = ensure_id(value, "entity_type_id")
    if number in _NOT_LINKABLE:
        raise InvalidInputError(
            f"entity_type_id {number} ({_NOT_LINKABLE[number]}) cannot have requisite links: use a deal (2), "
            "quote (7), invoice (31) or smart-process type id",
            field="entity_type_id",
        )
    return number


def _optional_id(value: int | None, name: str) -> int:
    """``None`` or ``0`` -> 0 ("not selected", as the portal wants it), else a positive id."""
    if value is None or (value == 0 and not isinstance(value, bool)):
        return 0
    return ensure_id(value, name)


class RequisiteLinkCalls(ListFamily[RequisiteLink]):
    """Which requisites and bank details a deal, quote or invoice uses."""

    _checks_names: ClassVar[bool] = True  # the *.list page: filter/select/order by *.fields names

    rest_name: ClassVar[str] = "crm.requisite.link"
    model = RequisiteLink
    _id_field: ClassVar[str | None] = None  # links have no id: offset paging

    def register(
        self,
        entity_type_id: int,
        entity_id: int,
        *,
        requisite_id: int | None = None,
        bank_detail_id: int | None = None,
        mc_requisite_id: int | None = None,
        mc_bank_detail_id: int | None = None,
    ) -> Call[bool]:
        """Set the requisites an object uses; ``None`` means "not selected" (crm.requisite.link.register)."""
        fields = {
            "ENTITY_TYPE_ID": _linkable_type(entity_type_id),
            "ENTITY_ID": ensure_id(entity_id, "entity_id"),
            "REQUISITE_ID": _optional_id(requisite_id, "requisite_id"),
            "BANK_DETAIL_ID": _optional_id(bank_detail_id, "bank_detail_id"),
            "MC_REQUISITE_ID": _optional_id(mc_requisite_id, "mc_requisite_id"),
            "MC_BANK_DETAIL_ID": _optional_id(mc_bank_detail_id, "mc_bank_detail_id"),
        }
        for bank, owner in (("BANK_DETAIL_ID", "REQUISITE_ID"), ("MC_BANK_DETAIL_ID", "MC_REQUISITE_ID")):
            if fields[bank] and not fields[owner]:
                raise InvalidInputError(
                    f"{bank.lower()} needs {owner.lower()}: bank details belong to a requisite",
                    field=bank.lower(),
                )
        return Call("crm.requisite.link.register", {"fields": fields}, parse=parse_bool)

    def get(self, entity_type_id: int, entity_id: int) -> Call[RequisiteLink]:
        """The requisites an object uses; NotFoundError when none were registered (crm.requisite.link.get)."""
        params = {
            "entityTypeId": _linkable_type(entity_type_id),
            "entityId": ensure_id(entity_id, "entity_id"),
        }
        return Call(
            "crm.requisite.link.get",
            params,
            parse=lambda response: RequisiteLink.model_validate(response.result),
            read_only=True,
        )

    def unregister(self, entity_type_id: int, entity_id: int) -> Call[bool]:
        """Forget which requisites an object uses (crm.requisite.link.unregister)."""
        params = {
            "entityTypeId": _linkable_type(entity_type_id),
            "entityId": ensure_id(entity_id, "entity_id"),
        }
        return Call("crm.requisite.link.unregister", params, parse=parse_bool)

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of the link fields (crm.requisite.link.fields)."""
        return Call("crm.requisite.link.fields", {}, parse=parse_field_map, read_only=True)
