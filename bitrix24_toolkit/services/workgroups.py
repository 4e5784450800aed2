"""``WorkgroupCalls()`` (``b24.workgroup``): workgroups and projects (``sonet_group.*``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidInputError, short_repr
from ..models.meta import Page
from ..models.org import Workgroup
from ..protocol.call import Call
from .common import ensure_id, parse_int_result
from .listing import page_call

__all__ = ["WorkgroupCalls"]


def _group_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(fields, Mapping):
        raise InvalidInputError(f"fields must be a dict, not {short_repr(fields)}", field="fields")
    out: dict[str, Any] = {}
    for key, value in fields.items():
        name = str(key).upper()
        if isinstance(value, bool):
            value = "Y" if value else "N"
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        out[name] = value
    if not str(out.get("NAME") or "").strip():
        raise InvalidInputError("a workgroup needs a NAME", field="NAME")
    return out


class WorkgroupCalls:
    """Workgroups and projects (scope ``sonet_group``)."""

    def create(self, fields: Mapping[str, Any]) -> Call[int]:
        """Create a group or, with ``PROJECT: True``, a project -> its id (sonet_group.create)."""
        return Call("sonet_group.create", _group_fields(fields), parse=parse_int_result)

    def get(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[Workgroup]]:
        """One page of up to 50 groups by filter (``NAME``, ``%NAME``, ``OWNER_ID``) (sonet_group.get)."""
        params: dict[str, Any] = {}
        if filter:
            if not isinstance(filter, Mapping):
                raise InvalidInputError(f"filter must be a dict, not {short_repr(filter)}", field="filter")
            params["FILTER"] = {str(k): v for k, v in filter.items()}
        if order:
            params["ORDER"] = {str(k).upper(): str(v).upper() for k, v in order.items()}
        return page_call("sonet_group.get", params, Workgroup.model_validate, start=start)

    def by_id(self, group_id: int) -> Call[Page[Workgroup]]:
        """The group with this id, as a page of at most one (sonet_group.get)."""
        return page_call(
            "sonet_group.get", {"GROUP_ID": ensure_id(group_id, "group_id")}, Workgroup.model_validate
        )
