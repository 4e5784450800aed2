"""``b24.crm.item(entity_type_id)``: the universal ``crm.item.*`` methods, answers as the legacy models.

Leads, deals, contacts and companies come back as :class:`~bitrix24_toolkit.models.crm.Lead` ...
:class:`~bitrix24_toolkit.models.crm.Company` (the same models as ``crm.deal.get``), other kinds as
:class:`~bitrix24_toolkit.models.item.Item`. Every call sends ``useOriginalUfNames: "Y"`` so custom fields
keep their ``UF_CRM_*`` codes. Names in ``select``/``filter``/``order`` and in written fields may be
attribute names (``stage_id``), legacy names (``STAGE_ID``) or crm.item names (``stageId``).
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Iterable, Mapping
from typing import Any, ClassVar

from ..errors import InvalidInputError, ResponseFormatError, short_repr
from ..models.base import api_name
from ..models.crm import CrmEntity
from ..models.item import item_model
from ..models.item_keys import MULTIFIELDS, camel_to_legacy, item_to_legacy, legacy_to_camel, legacy_to_item
from ..models.meta import FieldInfo
from ..protocol.call import Call, Flow
from ..protocol.envelope import APIResponse
from ..protocol.rows import chunked
from .common import (
    MAX_FILTER_DEPTH,
    as_id,
    check_filter_value,
    dump_fields,
    ensure_id,
    ensure_list,
    parse_bool,
    parse_field_map,
    split_operator,
    translate_order,
    translate_select,
)
from .field_safety import checked
from .listing import ListFamily
from .paging import PAGE_SIZE
from .shapes import unwrap

__all__ = ["ItemCalls"]

_ORIGINAL = {"useOriginalUfNames": "Y"}


class ItemCalls(ListFamily[CrmEntity]):
    """Objects of one CRM kind through the universal methods (``b24.crm.item(2)`` for deals) (crm.item.*)."""

    _checks_names: ClassVar[bool] = True  # the *.list page: filter/select/order by *.fields names

    rest_name: ClassVar[str] = "crm.item"
    _wrapper: ClassVar[str | None] = "items"
    _id_field: ClassVar[str | None] = "id"

    def __init__(self, entity_type_id: int) -> None:
        self.entity_type_id = ensure_id(entity_type_id, "entity_type_id")
        self.model: type[CrmEntity] = item_model(self.entity_type_id)

    # ------------------------------------------------------------------------------------ names
    def _name(self, name: str) -> str:
        text = str(name)
        if text[:2] == "uf" and text[2:3].isupper():
            # a custom field's camelCase code (ufCrmBudget): every call here sends useOriginalUfNames=Y, so
            # the portal takes its UF_CRM_* code (a wrong guess is refused by the name check, never sent)
            return camel_to_legacy(self.entity_type_id, text)
        return legacy_to_camel(self.entity_type_id, api_name(self.model, text))

    def _filter(self, flt: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
        if not isinstance(flt, Mapping):
            raise InvalidInputError(f"filter must be a dict, not {type(flt).__name__}", field="filter")
        if depth > MAX_FILTER_DEPTH:  # also what a filter that contains itself comes to
            raise InvalidInputError(
                f"filter groups nest deeper than {MAX_FILTER_DEPTH} levels (or the filter contains itself)",
                field="filter",
            )
        out: dict[str, Any] = {}
        for key, value in flt.items():
            if isinstance(value, Mapping) and (str(key).isdigit() or str(key).lower() == "logic"):
                out[key] = self._filter(value, depth + 1)  # a logic group: {"logic": "OR", "0": {...}}
            elif str(key).lower() == "logic":
                out[key] = value
            else:
                if not isinstance(key, str) or not key:
                    raise InvalidInputError(
                        f"filter keys must be field names, not {key!r}"[:120], field="filter"
                    )
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
        checked_select = translate_select(self.model, select)  # list of non-empty names, or a typed error
        if checked_select is not None:
            params["select"] = [self._name(name) for name in checked_select]
        checked_order = translate_order(self.model, order)  # a dict of ASC/DESC, or a typed error
        if checked_order is not None:
            params["order"] = {self._name(k): v for k, v in checked_order.items()}
        return params

    def _standard_names(self) -> Collection[str]:
        """None: crm.item kinds lack some legacy fields (address parts, ``web`` ...), so every name is
        checked against crm.item.fields."""
        return frozenset()

    def _valid_names(self, known: Mapping[str, FieldInfo]) -> Collection[str]:
        """crm.item.list names: crm.item.fields keys (``stageId``) and custom fields' ``UF_CRM_*`` codes."""
        names = set(known)
        names.update(
            info.upper_name for name, info in known.items() if name.startswith("uf") and info.upper_name
        )
        return names

    # ---------------------------------------------------------------------------------- parsing
    def _parse_row(self, row: Mapping[str, Any]) -> CrmEntity:
        return self.model.model_validate(item_to_legacy(self.entity_type_id, row))

    def _parse_one(self, response: APIResponse) -> CrmEntity:
        row = unwrap(response, "item")
        if isinstance(row, Mapping) and "id" in row and as_id(row["id"]) is None:
            raise ResponseFormatError(
                f"crm.item: the answer's item id is {short_repr(row['id'])}, not a positive integer",
                snippet=short_repr(row["id"]),
                status_code=None,
                method="crm.item",
            )
        return self._parse_row(row)

    def _parse_fields(self, response: APIResponse) -> dict[str, FieldInfo]:
        return parse_field_map(response)

    # ------------------------------------------------------------------------------------ reads
    def get(self, id: int) -> Call[CrmEntity]:
        """One item by id, as the kind's model (crm.item.get)."""
        params = {"entityTypeId": self.entity_type_id, "id": ensure_id(id), **_ORIGINAL}
        return Call("crm.item.get", params, parse=self._parse_one, read_only=True)

    def get_many(
        self, ids: Iterable[int], *, select: Iterable[str] | None = None
    ) -> Flow[builtins.list[CrmEntity]]:
        """The items with these ids in the order given, found ones only (crm.item.list, crm.item.fields)."""
        wanted = [ensure_id(value, "ids") for value in ensure_list(ids, "ids")]
        found: dict[int, CrmEntity] = {}
        for chunk in chunked(sorted(set(wanted)), PAGE_SIZE):
            page = yield self.list(filter={"@id": chunk}, select=select)
            found.update({row.id: row for row in page.items if row.id is not None})
        return [found[i] for i in wanted if i in found]

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of every field under its crm.item name, with ``upper_name`` (crm.item.fields)."""
        return self._fields_call(original=True)

    def _fields_call(self, *, original: bool) -> Call[dict[str, FieldInfo]]:
        """crm.item.fields with custom fields under their ``UF_CRM_*`` codes, or (``original=False``, the
        portal's default) their camelCase ones, as a raw call with ``useOriginalUfNames=N`` names them."""
        params = {"entityTypeId": self.entity_type_id, "useOriginalUfNames": "Y" if original else "N"}
        key = f"crm.item.{self.entity_type_id}" + ("" if original else ".camel")
        return Call("crm.item.fields", params, parse=self._parse_fields, read_only=True, describes=key)

    # ----------------------------------------------------------------------------------- writes
    def _legacy_name(self, name: str, info: FieldInfo) -> str:
        if name.startswith("uf") and info.upper_name:  # a camel-cased custom field code
            return info.upper_name
        return camel_to_legacy(self.entity_type_id, name)

    def _by_legacy_name(self, known: dict[str, FieldInfo]) -> dict[str, FieldInfo]:
        by_legacy = {self._legacy_name(name, info): info for name, info in known.items() if name != "fm"}
        if self.entity_type_id in (1, 3, 4):
            # PHONE/EMAIL/... are written as ``fm`` (crm-item-update.md), which crm.item.fields does not
            # list; its read-only flat aliases ``phone``/``email`` must not stand for the lists
            fm = known.get("fm") or FieldInfo(type="crm_multifield", is_multiple=True)
            by_legacy.update(dict.fromkeys(MULTIFIELDS, fm))
        return by_legacy

    def _checked(
        self, fields: CrmEntity | Mapping[str, Any], *, updating: bool, check: bool
    ) -> Flow[dict[str, Any]]:
        data = {
            camel_to_legacy(self.entity_type_id, k): v for k, v in dump_fields(self.model, fields).items()
        }
        data.pop("ID", None)
        if check:
            yield from checked(
                "crm.item",
                data,
                self.fields(),
                updating=updating,
                by_name=self._by_legacy_name,
            )
        return legacy_to_item(self.entity_type_id, data, updating=updating)

    def add(self, fields: CrmEntity | Mapping[str, Any], *, check: bool = True) -> Flow[CrmEntity]:
        """Create an item (``lead_id`` writable); returns it as saved (crm.item.add, crm.item.fields)."""
        data = yield from self._checked(fields, updating=False, check=check)
        params = {"entityTypeId": self.entity_type_id, "fields": data, **_ORIGINAL}
        item: CrmEntity = yield Call("crm.item.add", params, parse=self._parse_one)
        return item

    def update(
        self, id: int, fields: CrmEntity | Mapping[str, Any], *, check: bool = True
    ) -> Flow[CrmEntity]:
        """Change fields (a deal's funnel too); returns the item (crm.item.update, crm.item.fields)."""
        item_id = ensure_id(id)
        data = yield from self._checked(fields, updating=True, check=check)
        params = {"entityTypeId": self.entity_type_id, "id": item_id, "fields": data, **_ORIGINAL}
        item: CrmEntity = yield Call("crm.item.update", params, parse=self._parse_one)
        return item

    def delete(self, id: int) -> Call[bool]:
        """Delete an item; the portal answers ``[]`` (crm.item.delete)."""
        params = {"entityTypeId": self.entity_type_id, "id": ensure_id(id), **_ORIGINAL}
        return Call("crm.item.delete", params, parse=parse_bool)
