"""``b24.crm.status`` (directories: lead statuses, deal stages, sources ...) and ``b24.crm.category(...)``."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, ClassVar

from ..errors import InvalidInputError, short_repr
from ..models.directory import Category, Status, StatusEntityType
from ..models.meta import FieldInfo
from ..protocol.call import Call
from ..protocol.envelope import APIResponse
from .common import (
    dump_fields,
    ensure_id,
    parse_bool,
    parse_field_map,
    parse_int_result,
    translate_filter,
    translate_order,
)
from .query_safety import declared_names, query_checks
from .shapes import unwrap, unwrap_rows

__all__ = ["CategoryCalls", "StatusCalls", "deal_stage_directory"]


def deal_stage_directory(category_id: int = 0) -> str:
    """The directory of a deal funnel's stages: ``DEAL_STAGE`` (funnel 0), ``DEAL_STAGE_N`` otherwise."""
    return "DEAL_STAGE" if category_id == 0 else f"DEAL_STAGE_{ensure_category_id(category_id)}"


def ensure_category_id(value: Any, name: str = "category_id") -> int:
    """A funnel id: 0 (the default funnel) or a positive integer."""
    if value == 0 or value == "0":
        return 0
    return ensure_id(value, name)


def _directory_name(entity_id: str) -> str:
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise InvalidInputError(
            f"entity_id must be a directory name such as 'STATUS', not {short_repr(entity_id)}",
            field="entity_id",
        )
    return entity_id.strip().upper()


def _statuses(response: APIResponse) -> list[Status]:
    return [Status.model_validate(row) for row in unwrap_rows(response)]


class StatusCalls:
    """Directories: lead statuses, deal stages, sources, types, industries (crm.status.*)."""

    rest_name: ClassVar[str] = "crm.status"

    def list(
        self, *, filter: Mapping[str, Any] | None = None, order: Mapping[str, str] | None = None
    ) -> Call[builtins.list[Status]]:
        """Every matching directory row in one answer (crm.status.list)."""
        params: dict[str, Any] = {}
        if filter is not None:
            params["filter"] = translate_filter(Status, filter)
        if order is not None:
            params["order"] = translate_order(Status, order)
        checks = query_checks("crm.status.list", params, self.fields(), standard=declared_names(Status))
        return Call("crm.status.list", params, parse=_statuses, read_only=True, checks=checks)

    def stages(self, entity_id: str) -> Call[builtins.list[Status]]:
        """The rows of one directory (``STATUS``, ``DEAL_STAGE_1`` ...) by ``SORT`` (crm.status.list)."""
        return self.list(filter={"ENTITY_ID": _directory_name(entity_id)}, order={"SORT": "ASC"})

    def deal_stages(self, category_id: int = 0) -> Call[builtins.list[Status]]:
        """The stages of a deal funnel in order (0 = the default funnel) (crm.status.list)."""
        return self.stages(deal_stage_directory(category_id))

    def get(self, id: int) -> Call[Status]:
        """One directory row by its numeric id (crm.status.get)."""
        return Call(
            "crm.status.get",
            {"id": ensure_id(id)},
            parse=lambda r: Status.model_validate(r.result),
            read_only=True,
        )

    def add(self, fields: Status | Mapping[str, Any]) -> Call[int]:
        """Add a row (``C{N}:`` is prefixed in funnel N by the portal); returns its id (crm.status.add)."""
        data = dump_fields(Status, fields)
        for required in ("ENTITY_ID", "STATUS_ID"):
            if not data.get(required):
                raise InvalidInputError(f"crm.status.add needs {required}", field=required)
        data.pop("ID", None)
        data.pop("EXTRA", None)  # derived from SEMANTICS and COLOR
        if data.get("SEMANTICS") is None and "SEMANTICS" in data:
            data["SEMANTICS"] = ""
        return Call("crm.status.add", {"fields": data}, parse=parse_int_result)

    def update(self, id: int, fields: Status | Mapping[str, Any]) -> Call[bool]:
        """Change a row's name, sort, colour or semantics (crm.status.update)."""
        data = dump_fields(Status, fields)
        for fixed in ("ENTITY_ID", "STATUS_ID"):
            if fixed in data:
                raise InvalidInputError(f"crm.status.update: {fixed} cannot be changed", field=fixed)
        data.pop("ID", None)
        data.pop("EXTRA", None)
        return Call("crm.status.update", {"id": ensure_id(id), "fields": data}, parse=parse_bool)

    def delete(self, id: int, *, forced: bool = False) -> Call[bool]:
        """Delete a row; system rows need ``forced=True`` (crm.status.delete)."""
        params: dict[str, Any] = {"id": ensure_id(id)}
        if forced:
            params["params"] = {"FORCED": "Y"}
        return Call("crm.status.delete", params, parse=parse_bool)

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of directory row fields (crm.status.fields)."""
        return Call("crm.status.fields", {}, parse=parse_field_map, read_only=True, describes="crm.status")

    def entity_types(self) -> Call[builtins.list[StatusEntityType]]:
        """The portal's directories, deal funnels' stage directories included (crm.status.entity.types)."""
        return Call(
            "crm.status.entity.types",
            {},
            parse=lambda r: [StatusEntityType.model_validate(row) for row in unwrap_rows(r)],
            read_only=True,
        )

    def entity_items(self, entity_id: str) -> Call[builtins.list[Status]]:
        """``NAME``/``SORT``/``STATUS_ID`` of one directory's rows (crm.status.entity.items)."""
        params = {"entityId": _directory_name(entity_id)}
        return Call("crm.status.entity.items", params, parse=_statuses, read_only=True)


class CategoryCalls:
    """Funnels of one object kind (``b24.crm.category(2)`` for deals) (crm.category.*)."""

    rest_name: ClassVar[str] = "crm.category"

    def __init__(self, entity_type_id: int) -> None:
        self.entity_type_id = ensure_id(entity_type_id, "entity_type_id")

    def _one(self, response: APIResponse) -> Category:
        return Category.model_validate(unwrap(response, "category"))

    def _fields(self, fields: Category | Mapping[str, Any]) -> dict[str, Any]:
        data = dump_fields(Category, fields)
        for key in ("id", "entityTypeId"):
            data.pop(key, None)
        return data

    def list(self) -> Call[builtins.list[Category]]:
        """Every funnel the user may read, by sort (crm.category.list)."""
        return Call(
            "crm.category.list",
            {"entityTypeId": self.entity_type_id},
            parse=lambda r: [Category.model_validate(row) for row in unwrap_rows(r, "categories")],
            read_only=True,
        )

    def get(self, id: int) -> Call[Category]:
        """One funnel (0 = the default deal funnel) (crm.category.get)."""
        params = {"entityTypeId": self.entity_type_id, "id": ensure_category_id(id, "id")}
        return Call("crm.category.get", params, parse=self._one, read_only=True)

    def add(self, fields: Category | Mapping[str, Any]) -> Call[Category]:
        """Create a funnel (with default stages) and return it (crm.category.add)."""
        data = self._fields(fields)
        if not data.get("name"):
            raise InvalidInputError("crm.category.add needs a name", field="name")
        return Call(
            "crm.category.add", {"entityTypeId": self.entity_type_id, "fields": data}, parse=self._one
        )

    def update(self, id: int, fields: Category | Mapping[str, Any]) -> Call[Category]:
        """Rename, resort or make default a funnel and return it (crm.category.update)."""
        params = {
            "entityTypeId": self.entity_type_id,
            "id": ensure_category_id(id, "id"),
            "fields": self._fields(fields),
        }
        return Call("crm.category.update", params, parse=self._one)

    def delete(self, id: int) -> Call[bool]:
        """Delete an empty, non-default funnel (crm.category.delete)."""
        params = {"entityTypeId": self.entity_type_id, "id": ensure_id(id)}
        return Call("crm.category.delete", params, parse=_category_deleted)

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of funnel fields (crm.category.fields)."""
        return Call(
            "crm.category.fields",
            {"entityTypeId": self.entity_type_id},
            parse=parse_field_map,
            read_only=True,
        )


def _category_deleted(response: APIResponse) -> bool:
    """``crm.category.delete`` answers ``null`` on success (crm-category-delete.md)."""
    return True if response.result is None else parse_bool(response)
