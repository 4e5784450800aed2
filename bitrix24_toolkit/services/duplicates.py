"""``b24.crm.duplicate.find_by_comm``: leads, contacts and companies sharing a phone number or e-mail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..errors import InvalidInputError, short_repr
from ..models.meta import DuplicateMatch
from ..protocol.call import Call
from ..protocol.envelope import APIResponse

__all__ = ["MAX_VALUES", "DuplicateCalls"]

#: the portal takes at most 20 values per call (reference 5.10)
MAX_VALUES = 20
_TYPES = ("EMAIL", "PHONE")
_ENTITIES = ("LEAD", "CONTACT", "COMPANY")


def _match(response: APIResponse) -> DuplicateMatch:
    raw = response.result
    if not isinstance(raw, Mapping):  # nothing found: PHP sends an empty array (unconfirmed)
        return DuplicateMatch()
    return DuplicateMatch.model_validate(raw)


class DuplicateCalls:
    """Duplicate search (crm.duplicate.*)."""

    rest_name: ClassVar[str] = "crm.duplicate"

    def find_by_comm(
        self, type: str, values: Sequence[str], *, entity_type: str | None = None
    ) -> Call[DuplicateMatch]:
        """Ids of leads/contacts/companies with any of these phones or e-mails (crm.duplicate.findbycomm)."""
        kind = str(type).upper()
        if kind not in _TYPES:
            raise InvalidInputError(f"type must be 'EMAIL' or 'PHONE', not {short_repr(type)}", field="type")
        if isinstance(values, str) or not isinstance(values, Sequence):
            raise InvalidInputError("values must be a list of phones or e-mails, not a str", field="values")
        cleaned = [str(value).strip() for value in values if str(value).strip()]
        if not cleaned:
            raise InvalidInputError("values must name at least one phone or e-mail", field="values")
        if len(cleaned) > MAX_VALUES:
            raise InvalidInputError(
                f"values: at most {MAX_VALUES} per call, got {len(cleaned)}; split the list", field="values"
            )
        params: dict[str, Any] = {"type": kind, "values": cleaned}
        if entity_type is not None:
            entity = str(entity_type).upper()
            if entity not in _ENTITIES:
                raise InvalidInputError(
                    f"entity_type must be LEAD, CONTACT or COMPANY, not {short_repr(entity_type)}",
                    field="entity_type",
                )
            params["entity_type"] = entity
        return Call("crm.duplicate.findbycomm", params, parse=_match, read_only=True)
