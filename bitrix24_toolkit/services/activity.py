"""``b24.crm.activity`` (legacy ``crm.activity.*``) and ``b24.crm.activity.todo`` (to-dos)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cached_property
from typing import Any, ClassVar

from ..errors import InvalidInputError, short_repr
from ..models.activity import Activity, Todo
from ..models.meta import FieldInfo
from ..protocol.call import Call
from .common import dump_fields, ensure_id, parse_bool, parse_field_map, parse_int_result
from .listing import ListFamily

__all__ = ["ActivityCalls", "TodoCalls"]

#: fixed when the activity is created
_FIXED = ("OWNER_TYPE_ID", "OWNER_ID", "TYPE_ID")


def _moment(value: datetime | date | str, name: str) -> str:
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat()
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise InvalidInputError(
        f"{name} must be a datetime or an ISO 8601 string, not {short_repr(value)}", field=name
    )


class TodoCalls:
    """To-dos (crm.activity.todo.*)."""

    rest_name: ClassVar[str] = "crm.activity.todo"

    def add(
        self,
        owner_type_id: int,
        owner_id: int,
        deadline: datetime | date | str,
        *,
        title: str | None = None,
        description: str | None = None,
        responsible_id: int | None = None,
        parent_activity_id: int | None = None,
        ping_offsets: Iterable[int] | None = None,
        color_id: str | None = None,
    ) -> Call[int]:
        """Create a to-do on a CRM object and return its activity id (crm.activity.todo.add)."""
        todo = Todo(
            owner_type_id=ensure_id(owner_type_id, "owner_type_id"), owner_id=ensure_id(owner_id, "owner_id")
        )
        data = todo.to_api()
        data["deadline"] = _moment(deadline, "deadline")
        extras: dict[str, Any] = {
            "title": title,
            "description": description,
            "responsibleId": None if responsible_id is None else ensure_id(responsible_id, "responsible_id"),
            "parentActivityId": (
                None if parent_activity_id is None else ensure_id(parent_activity_id, "parent_activity_id")
            ),
            "pingOffsets": None if ping_offsets is None else [int(p) for p in ping_offsets],
            "colorId": color_id,
        }
        data.update({key: value for key, value in extras.items() if value is not None})
        return Call("crm.activity.todo.add", data, parse=parse_int_result)


class ActivityCalls(ListFamily[Activity]):
    """Activities: calls, meetings, e-mails, tasks, to-dos (crm.activity.*)."""

    _checks_names: ClassVar[bool] = True  # the *.list page: filter/select/order by *.fields names
    #: in the crm-activity-fields.md table but not in its example answer: checked against the portal
    _not_listed: ClassVar[frozenset[str]] = frozenset({"ORIGIN_VERSION"})

    rest_name: ClassVar[str] = "crm.activity"
    model = Activity

    @cached_property
    def todo(self) -> TodoCalls:
        """To-dos (crm.activity.todo.*)."""
        return TodoCalls()

    def get(self, id: int) -> Call[Activity]:
        """One activity (crm.activity.get)."""
        return Call(
            "crm.activity.get",
            {"id": ensure_id(id)},
            parse=lambda r: Activity.model_validate(r.result),
            read_only=True,
        )

    def add(self, fields: Activity | Mapping[str, Any]) -> Call[int]:
        """Create an activity the legacy way (prefer ``todo.add``); returns its id (crm.activity.add)."""
        data = dump_fields(Activity, fields)
        data.pop("ID", None)
        for key in _FIXED:
            if not data.get(key):
                raise InvalidInputError(f"crm.activity.add needs {key}", field=key)
        return Call("crm.activity.add", {"fields": data}, parse=parse_int_result)

    def update(self, id: int, fields: Activity | Mapping[str, Any]) -> Call[bool]:
        """Change an activity (subject, times, ``completed``); owner and type stay (crm.activity.update)."""
        data = dump_fields(Activity, fields)
        data.pop("ID", None)
        for key in _FIXED:
            if key in data:
                raise InvalidInputError(f"crm.activity.update: {key} cannot be changed", field=key)
        return Call("crm.activity.update", {"id": ensure_id(id), "fields": data}, parse=parse_bool)

    def delete(self, id: int) -> Call[bool]:
        """Delete an activity (crm.activity.delete)."""
        return Call("crm.activity.delete", {"id": ensure_id(id)}, parse=parse_bool)

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of activity fields (crm.activity.fields)."""
        return Call("crm.activity.fields", {}, parse=parse_field_map, read_only=True)
