"""Call factories of addresses: ``crm.address.*`` and ``crm.enum.addresstype`` (reference 6.4).

Addresses have no id: (``TYPE_ID``, ``ENTITY_TYPE_ID``, ``ENTITY_ID``) is the key, carried inside
``fields`` for ``add``/``update`` and given as three ids to ``delete``. A requisite's address has
``ENTITY_TYPE_ID`` 8 (``ENTITY_ID`` = requisite id); a lead's has 1. Type ids:
:class:`~bitrix24_toolkit.models.requisites.AddressType`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..errors import InvalidInputError
from ..models.meta import FieldInfo
from ..models.requisites import Address
from ..models.standard_fields import standard_fields
from ..protocol.call import Call, Flow
from ..protocol.envelope import APIResponse
from ..protocol.rows import rows_of
from .common import dump_fields, ensure_id, parse_bool, parse_field_map
from .field_safety import checked
from .listing import ListFamily

__all__ = ["KEY_FIELDS", "AddressCalls"]

#: The three fields that identify an address.
KEY_FIELDS = ("TYPE_ID", "ENTITY_TYPE_ID", "ENTITY_ID")
#: A stable order for offset scans (the key), used when the caller gives none.
_KEY_ORDER = {"ENTITY_TYPE_ID": "ASC", "ENTITY_ID": "ASC", "TYPE_ID": "ASC"}


def _key_of(data: Mapping[str, Any], where: str) -> dict[str, int]:
    key: dict[str, int] = {}
    for name in KEY_FIELDS:
        if data.get(name) is None:
            raise InvalidInputError(
                f"{where}: field {name!r} is required "
                "(TYPE_ID, ENTITY_TYPE_ID and ENTITY_ID identify an address)",
                field=name,
            )
        key[name] = ensure_id(data[name], name)
    return key


def _parse_types(response: APIResponse) -> dict[int, str]:
    return {
        int(row["ID"]): str(row.get("NAME") or "")
        for row in rows_of(response.result)
        if str(row.get("ID", "")).isdigit()
    }


class AddressCalls(ListFamily[Address]):
    """Addresses of requisites and leads, keyed by type and owner (crm.address.*)."""

    _checks_names: ClassVar[bool] = True  # the *.list page: filter/select/order by *.fields names

    rest_name: ClassVar[str] = "crm.address"
    model = Address
    _id_field: ClassVar[str | None] = None  # addresses have no id: offset paging
    _default_order: ClassVar[Mapping[str, str] | None] = _KEY_ORDER

    # ------------------------------------------------------------------------------------- reads
    def by_type(self, entity_type_id: int, entity_id: int) -> Flow[dict[int, Address]]:
        """An owner's addresses (8 requisite, 1 lead) by type id (crm.address.list, crm.address.fields)."""
        owner = {
            "ENTITY_TYPE_ID": ensure_id(entity_type_id, "entity_type_id"),
            "ENTITY_ID": ensure_id(entity_id, "entity_id"),
        }
        rows = yield from self.list_all(filter=owner)
        return {row.type_id: row for row in rows if row.type_id is not None}

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of the address fields (crm.address.fields)."""
        return Call("crm.address.fields", {}, parse=parse_field_map, read_only=True, describes=self.rest_name)

    def types(self) -> Call[dict[int, str]]:
        """Address type ids and their names on this portal (crm.enum.addresstype)."""
        return Call("crm.enum.addresstype", {}, parse=_parse_types, read_only=True)

    # ------------------------------------------------------------------------------------ writes
    def _checked(
        self, fields: Address | Mapping[str, Any], *, updating: bool, check: bool
    ) -> Flow[dict[str, Any]]:
        data = dump_fields(Address, fields)
        data.update(_key_of(data, f"crm.address.{'update' if updating else 'add'}"))
        if check:
            # the key fields are immutable, but an update must name them to find the address
            yield from checked(
                self.rest_name,
                data,
                self.fields(),
                updating=updating,
                allowed=KEY_FIELDS,
                standard=standard_fields(self.rest_name),
            )
        return data

    def add(self, fields: Address | Mapping[str, Any], *, check: bool = True) -> Flow[bool]:
        """Add an address, keyed by TYPE_ID/ENTITY_TYPE_ID/ENTITY_ID (crm.address.add, crm.address.fields)."""
        data = yield from self._checked(fields, updating=False, check=check)
        done: bool = yield Call("crm.address.add", {"fields": data}, parse=parse_bool)
        return done

    def update(self, fields: Address | Mapping[str, Any], *, check: bool = True) -> Flow[bool]:
        """Change the address keyed in ``fields``; others stay (crm.address.update, crm.address.fields)."""
        data = yield from self._checked(fields, updating=True, check=check)
        done: bool = yield Call("crm.address.update", {"fields": data}, parse=parse_bool)
        return done

    def delete(self, type_id: int, entity_type_id: int, entity_id: int) -> Call[bool]:
        """Delete the address of this type of this owner (crm.address.delete)."""
        key = _key_of(
            {"TYPE_ID": type_id, "ENTITY_TYPE_ID": entity_type_id, "ENTITY_ID": entity_id},
            "crm.address.delete",
        )
        return Call("crm.address.delete", {"fields": key}, parse=parse_bool)
