"""``b24.crm.deal.contact_items`` and ``b24.crm.lead.contact_items``: the contacts bound to a deal or lead."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..errors import InvalidInputError
from ..models.bindings import ContactBinding
from ..protocol.call import Call
from ..protocol.envelope import APIResponse
from .common import dump_fields, ensure_id, parse_bool
from .shapes import unwrap_rows

__all__ = ["ContactItemsBase", "DealContactItemsCalls", "LeadContactItemsCalls"]


def _bindings(response: APIResponse) -> list[ContactBinding]:
    return [ContactBinding.model_validate(row) for row in unwrap_rows(response)]


class ContactItemsBase:
    """Contact bindings of one owner kind; ``rest_name`` names the method family."""

    rest_name: ClassVar[str] = ""

    def get(self, id: int) -> Call[builtins.list[ContactBinding]]:
        """The bound contacts, primary first ({rest}.get)."""
        return Call(f"{self.rest_name}.get", {"id": ensure_id(id)}, parse=_bindings, read_only=True)

    def set(self, id: int, items: Sequence[ContactBinding | Mapping[str, Any] | int]) -> Call[bool]:
        """Replace the bindings; ints are contact ids, the first is primary unless flagged ({rest}.set)."""
        if isinstance(items, Mapping | str) or not isinstance(items, Sequence):
            raise InvalidInputError(
                "items must be a list of contact ids, ContactBinding or dicts", field="items"
            )
        payload = []
        for index, item in enumerate(items):
            if isinstance(item, int) and not isinstance(item, bool):
                data: dict[str, Any] = {"CONTACT_ID": ensure_id(item, f"items[{index}]")}
            else:
                data = dump_fields(ContactBinding, item)  # type: ignore[arg-type]
                data.pop("ROLE_ID", None)
                ensure_id(data.get("CONTACT_ID"), f"items[{index}].CONTACT_ID")
            payload.append(data)
        return Call(f"{self.rest_name}.set", {"id": ensure_id(id), "items": payload}, parse=parse_bool)

    def delete(self, id: int) -> Call[bool]:
        """Remove every contact binding ({rest}.delete)."""
        return Call(f"{self.rest_name}.delete", {"id": ensure_id(id)}, parse=parse_bool)


class DealContactItemsCalls(ContactItemsBase):
    """Contacts bound to deals."""

    rest_name: ClassVar[str] = "crm.deal.contact.items"


class LeadContactItemsCalls(ContactItemsBase):
    """Contacts bound to leads."""

    rest_name: ClassVar[str] = "crm.lead.contact.items"
