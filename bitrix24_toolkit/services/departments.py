"""``DepartmentCalls()`` (``b24.department``): the company structure (``department.*``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidInputError, short_repr
from ..models.meta import Page
from ..models.org import Department
from ..protocol.call import Call
from .common import ensure_id, parse_bool, parse_int_result
from .listing import page_call

__all__ = ["DepartmentCalls"]

_FILTERS = frozenset({"ID", "NAME", "SORT", "PARENT", "UF_HEAD"})


def _optional_id(value: int | None, name: str) -> int | None:
    return None if value is None else ensure_id(value, name)


class DepartmentCalls:
    """Departments of the company structure (scope ``department``)."""

    def add(self, name: str, *, parent: int, head: int | None = None, sort: int | None = None) -> Call[int]:
        """Add a department below ``parent`` -> its id (department.add)."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidInputError("a department needs a name", field="name")
        params: dict[str, Any] = {"NAME": name.strip(), "PARENT": ensure_id(parent, "parent")}
        if head is not None:
            params["UF_HEAD"] = ensure_id(head, "head")
        if sort is not None:
            params["SORT"] = sort
        return Call("department.add", params, parse=parse_int_result)

    def update(
        self,
        department_id: int,
        *,
        name: str | None = None,
        parent: int | None = None,
        head: int | None = None,
        sort: int | None = None,
    ) -> Call[bool]:
        """Rename, move, re-head or re-sort a department (department.update)."""
        params: dict[str, Any] = {"ID": ensure_id(department_id, "department_id")}
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise InvalidInputError("a department's name cannot be empty", field="name")
            params["NAME"] = name.strip()
        for key, value in (
            ("PARENT", _optional_id(parent, "parent")),
            ("UF_HEAD", _optional_id(head, "head")),
        ):
            if value is not None:
                params[key] = value
        if sort is not None:
            params["SORT"] = sort
        if len(params) == 1:
            raise InvalidInputError("nothing to change: give name, parent, head or sort")
        return Call("department.update", params, parse=parse_bool)

    def delete(self, department_id: int) -> Call[bool]:
        """Delete a department with its sub-departments (department.delete)."""
        return Call("department.delete", {"ID": ensure_id(department_id, "department_id")}, parse=parse_bool)

    def get(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        sort: str | None = None,
        order: str | None = None,
        start: int = 0,
    ) -> Call[Page[Department]]:
        """One page of up to 50 departments by ``ID``/``NAME``/``PARENT``/``UF_HEAD`` (department.get)."""
        params: dict[str, Any] = {}
        for key, value in (filter or {}).items():
            name = str(key).upper()
            if name not in _FILTERS:
                raise InvalidInputError(
                    f"department.get filters by ID, NAME, SORT, PARENT, UF_HEAD, not {short_repr(key)}",
                    field="filter",
                )
            params[name] = value
        if sort is not None:
            params["sort"] = str(sort).upper()
        if order is not None:
            if str(order).upper() not in ("ASC", "DESC"):
                raise InvalidInputError(
                    f"order must be 'ASC' or 'DESC', not {short_repr(order)}", field="order"
                )
            params["order"] = str(order).upper()
        return page_call("department.get", params, Department.model_validate, start=start)
