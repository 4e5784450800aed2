"""``b24.crm.item(entity_type_id)``: the universal ``crm.item.*`` methods, answers as the legacy models.

Leads, deals, contacts and companies come back as :class:`~bitrix24_toolkit.models.crm.Lead` ...
:class:`~bitrix24_toolkit.models.crm.Company` (the same models as ``crm.deal.get``), other kinds as
:class:`~bitrix24_toolkit.models.item.Item`. Every call sends ``useOriginalUfNames: "Y"`` so custom fields
keep their ``UF_CRM_*`` codes. Names in ``select``/``filter``/``order`` and in written fields may be
attribute names (``stage_id``), legacy names (``STAGE_ID``) or crm.item names (``stageId``).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from ..errors import InvalidInputError
from ..models.base import api_name
from ..models.crm import CrmEntity
from ..models.item import item_model
from ..models.item_keys import MULTIFIELDS, camel_to_legacy, item_to_legacy, legacy_to_camel, legacy_to_item
from ..models.meta import FieldInfo, Page
from ..protocol.call import Call, Flow, Stream, collect
from ..protocol.envelope import APIResponse
from .common import (
    FieldCache,
    check_fields,
    check_filter_value,
    chunks,
    dump_fields,
    page_parser,
    parse_bool,
    parse_field_map,
    split_operator,
)
from .entity import ensure_id, ensure_list
from .paging import PAGE_SIZE, iterate
from .shapes import unwrap

__all__ = ["ItemCalls"]

_ORIGINAL = {"useOriginalUfNames": "Y"}


class ItemCalls:
    """Calls of one ``crm.item`` kind (``b24.crm.item(2)`` for deals)."""

    rest_name: ClassVar[str] = "crm.item"

    def __init__(self, entity_type_id: int, cache: FieldCache | None = None) -> None:
        self.entity_type_id = ensure_id(entity_type_id, "entity_type_id")
        self.model: type[CrmEntity] = item_model(self.entity_type_id)
        self.cache = cache if cache is not None else FieldCache()

    # ------------------------------------------------------------------------------------ names
    def _name(self, name: str) -> str:
        return legacy_to_camel(self.entity_type_id, api_name(self.model, str(name)))

    def _filter(self, flt: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(flt, Mapping):
            raise InvalidInputError(f"filter must be a dict, not {type(flt).__name__}", field="filter")
        out: dict[str, Any] = {}
        for key, value in flt.items():
            if isinstance(value, Mapping) and (str(key).isdigit() or str(key).lower() == "logic"):
                out[key] = self._filter(value)  # a logic group: {"logic": "OR", "0": {...}, "1": {...}}
            elif str(key).lower() == "logic":
                out[key] = value
            else:
                check_filter_value(str(key), value)
                op, name = split_operator(str(key))
                out[op + self._name(name)] = value
        return out

    def _list_params(
        self,
        filter: Mapping[str, Any] | None,
        select: Iterable[str] | None,
        order: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"entityTypeId": self.entity_type_id, **_ORIGINAL}
        if filter is not None:
            params["filter"] = self._filter(filter)
        if select is not None:
            if isinstance(select, str):
                raise InvalidInputError("select must be a list of field names, not a str", field="select")
            params["select"] = [self._name(name) for name in select]
        if order is not None:
            directions = {}
            for key, direction in order.items():
                if str(direction).upper() not in ("ASC", "DESC"):
                    raise InvalidInputError(
                        f"order[{key}] must be 'ASC' or 'DESC', not {direction!r}", field=f"order[{key}]"
                    )
                directions[self._name(key)] = str(direction).upper()
            params["order"] = directions
        return params

    # ---------------------------------------------------------------------------------- parsing
    def _parse_row(self, row: Mapping[str, Any]) -> CrmEntity:
        return self.model.model_validate(item_to_legacy(self.entity_type_id, row))

    def _parse_one(self, response: APIResponse) -> CrmEntity:
        return self._parse_row(unwrap(response, "item"))

    def _parse_fields(self, response: APIResponse) -> dict[str, FieldInfo]:
        return parse_field_map(response)

    # ------------------------------------------------------------------------------------ reads
    def get(self, id: int) -> Call[CrmEntity]:
        """One item by id, as the kind's model (crm.item.get)."""
        params = {"entityTypeId": self.entity_type_id, "id": ensure_id(id), **_ORIGINAL}
        return Call("crm.item.get", params, parse=self._parse_one, read_only=True)

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[CrmEntity]]:
        """One page of up to 50 items, with ``total`` and ``next`` (crm.item.list)."""
        params = self._list_params(filter, select, order)
        params["start"] = start
        return Call(
            "crm.item.list", params, parse=page_parser(self._parse_row, wrapper="items"), read_only=True
        )

    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Stream[CrmEntity]:
        """Every matching item, streamed page by page (keyset by ``id`` unless ordered) (crm.item.list)."""
        parse = page_parser(self._parse_row, wrapper="items")
        return iterate(
            "crm.item.list",
            self._list_params(filter, select, order),
            lambda response: parse(response).items,
            lambda row: row.id,
            id_field="id",
            limit=limit,
            wrapper="items",
        )

    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Flow[builtins.list[CrmEntity]]:
        """Every matching item in one list (crm.item.list)."""
        return collect(self.iter_all(filter=filter, select=select, order=order, limit=limit))

    def get_many(
        self, ids: Iterable[int], *, select: Iterable[str] | None = None
    ) -> Flow[builtins.list[CrmEntity]]:
        """The items with these ids, in the order given; ids not found are left out (crm.item.list)."""
        wanted = [ensure_id(value, "ids") for value in ensure_list(ids, "ids")]
        found: dict[int, CrmEntity] = {}
        for chunk in chunks(sorted(set(wanted)), PAGE_SIZE):
            page = yield self.list(filter={"@id": builtins.list(chunk)}, select=select)
            found.update({row.id: row for row in page.items if row.id is not None})
        return [found[i] for i in wanted if i in found]

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of every field under its crm.item name, with ``upper_name`` (crm.item.fields)."""
        params = {"entityTypeId": self.entity_type_id, **_ORIGINAL}
        return Call("crm.item.fields", params, parse=self._parse_fields, read_only=True)

    # ----------------------------------------------------------------------------------- writes
    def _legacy_name(self, name: str, info: FieldInfo) -> str:
        if name.startswith("uf") and info.upper_name:  # a camel-cased custom field code
            return info.upper_name
        return camel_to_legacy(self.entity_type_id, name)

    def _checked(
        self, fields: CrmEntity | Mapping[str, Any], *, updating: bool, check: bool
    ) -> Flow[dict[str, Any]]:
        data = {
            camel_to_legacy(self.entity_type_id, k): v for k, v in dump_fields(self.model, fields).items()
        }
        data.pop("ID", None)
        if check and self.cache.enabled:
            key = f"crm.item.{self.entity_type_id}"
            known = self.cache.get(key)
            if known is None:
                known = yield self.fields()
                self.cache.put(key, known)
            by_legacy = {self._legacy_name(name, info): info for name, info in known.items() if name != "fm"}
            if "fm" in known:
                by_legacy.update(dict.fromkeys(MULTIFIELDS, known["fm"]))
            check_fields(f"crm.item.{'update' if updating else 'add'}", by_legacy, data, updating=updating)
        return legacy_to_item(self.entity_type_id, data, updating=updating)

    def add(self, fields: CrmEntity | Mapping[str, Any], *, check: bool = True) -> Flow[CrmEntity]:
        """Create an item (``lead_id`` writable) and return it as the portal saved it (crm.item.add)."""
        data = yield from self._checked(fields, updating=False, check=check)
        params = {"entityTypeId": self.entity_type_id, "fields": data, **_ORIGINAL}
        item: CrmEntity = yield Call("crm.item.add", params, parse=self._parse_one)
        return item

    def update(
        self, id: int, fields: CrmEntity | Mapping[str, Any], *, check: bool = True
    ) -> Flow[CrmEntity]:
        """Change the given fields (a deal's funnel too) and return the item (crm.item.update)."""
        item_id = ensure_id(id)
        data = yield from self._checked(fields, updating=True, check=check)
        params = {"entityTypeId": self.entity_type_id, "id": item_id, "fields": data, **_ORIGINAL}
        item: CrmEntity = yield Call("crm.item.update", params, parse=self._parse_one)
        return item

    def delete(self, id: int) -> Call[bool]:
        """Delete an item; the portal answers ``[]`` (crm.item.delete)."""
        params = {"entityTypeId": self.entity_type_id, "id": ensure_id(id), **_ORIGINAL}
        return Call("crm.item.delete", params, parse=parse_bool)
