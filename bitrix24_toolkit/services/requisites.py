"""Call factories of requisites and their bank details: ``crm.requisite.*``, ``crm.requisite.bankdetail.*``.

``b24.crm.requisite`` reaches the children: ``.bankdetail``, ``.preset``, ``.link`` (and ``.userfield``).
Requisites belong to a company (``ENTITY_TYPE_ID`` 4) or a contact (3); bank details to a requisite.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from ..errors import InvalidInputError, short_repr
from ..models.requisites import BankDetail, Requisite
from ..protocol.call import Flow
from .common import ensure_id
from .requisite_links import RequisiteLinkCalls
from .requisite_presets import PresetCalls
from .requisite_records import RecordCalls
from .userfields import UserFieldsBase

__all__ = ["OWNER_TYPES", "BankDetailCalls", "RequisiteCalls", "RequisiteUserFieldCalls", "ensure_owner_type"]

#: entityTypeIds that own requisites: contact, company (reference 6.2)
OWNER_TYPES = (3, 4)


def ensure_owner_type(value: Any, name: str = "entity_type_id") -> int:
    """3 (contact) or 4 (company), or :class:`InvalidInputError` before any request."""
    number = ensure_id(value, name)
    if number not in OWNER_TYPES:
        raise InvalidInputError(
            f"{name} must be 3 (contact) or 4 (company): requisites belong to no other kind, "
            f"not {short_repr(value)}",
            field=name,
        )
    return number


def _require(data: Mapping[str, Any], key: str, where: str) -> int:
    if data.get(key) is None:
        raise InvalidInputError(f"{where}: field {key!r} is required", field=key)
    return ensure_id(data[key], key)


class BankDetailCalls(RecordCalls[BankDetail]):
    """Bank details of requisites (``ENTITY_ID`` is the requisite id)."""

    rest_name: ClassVar[str] = "crm.requisite.bankdetail"
    model = BankDetail
    hints: ClassVar[dict[str, str]] = {
        "ENTITY_ID": "add the bank details to the other requisite and delete these",
        "COUNTRY_ID": "it follows the preset of the requisite",
    }

    def _check_new(self, data: Mapping[str, Any]) -> None:
        _require(data, "ENTITY_ID", f"{self.rest_name}.add")

    def for_requisite(self, requisite_id: int) -> Flow[builtins.list[BankDetail]]:
        """A requisite's bank details (crm.requisite.bankdetail.list, crm.requisite.bankdetail.fields)."""
        return self.list_all(filter={"ENTITY_ID": ensure_id(requisite_id, "requisite_id")})


class RequisiteUserFieldCalls(UserFieldsBase):
    """Custom fields of requisites (``UF_CRM_*``; string, boolean, double and datetime types)."""

    rest_name: ClassVar[str] = "crm.requisite.userfield"


class RequisiteCalls(RecordCalls[Requisite]):
    """Requisites (legal details) of companies and contacts, with bank details, presets and links."""

    rest_name: ClassVar[str] = "crm.requisite"
    model = Requisite
    # Addresses given inline as RQ_ADDR {"6": {...}} are common practice though undocumented (reference
    # 6.4, unconfirmed): a portal that does not list RQ_ADDR in crm.requisite.fields must not block them.
    unchecked: ClassVar[tuple[str, ...]] = ("RQ_ADDR",)
    hints: ClassVar[dict[str, str]] = {
        "ENTITY_TYPE_ID": "add a requisite to the other owner and delete this one",
        "ENTITY_ID": "add a requisite to the other owner and delete this one",
    }

    def _check_new(self, data: Mapping[str, Any]) -> None:
        where = f"{self.rest_name}.add"
        if data.get("ENTITY_TYPE_ID") is None:
            raise InvalidInputError(f"{where}: field 'ENTITY_TYPE_ID' is required", field="ENTITY_TYPE_ID")
        ensure_owner_type(data["ENTITY_TYPE_ID"], "ENTITY_TYPE_ID")
        _require(data, "ENTITY_ID", where)
        _require(data, "PRESET_ID", where)
        # NAME is documented as required too; the check is left to the portal (tolerant, unconfirmed).

    def for_owner(self, entity_type_id: int, entity_id: int) -> Flow[builtins.list[Requisite]]:
        """Every requisite of a company (4) or contact (3) (crm.requisite.list, crm.requisite.fields)."""
        owner_filter = {
            "ENTITY_TYPE_ID": ensure_owner_type(entity_type_id),
            "ENTITY_ID": ensure_id(entity_id, "entity_id"),
        }
        return self.list_all(filter=owner_filter)

    @cached_property
    def bankdetail(self) -> BankDetailCalls:
        """Bank details of requisites (crm.requisite.bankdetail.*)."""
        return BankDetailCalls()

    @cached_property
    def preset(self) -> PresetCalls:
        """Requisite templates and their fields (crm.requisite.preset.*)."""
        return PresetCalls()

    @cached_property
    def userfield(self) -> RequisiteUserFieldCalls:
        """Custom fields of requisites (crm.requisite.userfield.*)."""
        return RequisiteUserFieldCalls()

    @cached_property
    def link(self) -> RequisiteLinkCalls:
        """Which requisites a deal, quote or invoice uses (crm.requisite.link.*)."""
        return RequisiteLinkCalls()
