"""The id-keyed CRUD template of ``crm.requisite.*`` and ``crm.requisite.bankdetail.*``, with field safety."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from ..models.base import BitrixModel
from ..models.meta import FieldInfo
from ..models.standard_fields import standard_fields
from ..protocol.call import Call, Flow
from ..protocol.envelope import APIResponse
from .common import dump_fields, ensure_id, parse_bool, parse_field_map, parse_int_result
from .field_safety import checked
from .listing import ListFamily

__all__ = ["RecordCalls"]

R = TypeVar("R", bound=BitrixModel)


class RecordCalls(ListFamily[R]):
    """CRUD calls of an id-keyed legacy record kind (requisites, bank details)."""

    _checks_names: ClassVar[bool] = True  # the *.list page: filter/select/order by *.fields names

    #: keys exempt from field safety (accepted by the portal though absent from ``*.fields``)
    unchecked: ClassVar[tuple[str, ...]] = ()
    #: advice appended to the refusal of a read-only or immutable key
    hints: ClassVar[dict[str, str]] = {}

    def _parse_one(self, response: APIResponse) -> R:
        return self.model.model_validate(response.result)

    def _check_new(self, data: Mapping[str, Any]) -> None:
        """Early checks of the fields of a new record (required keys)."""

    # ------------------------------------------------------------------------------------- reads
    def get(self, id: int) -> Call[R]:
        """One record by id ({rest}.get)."""
        return Call(f"{self.rest_name}.get", {"id": ensure_id(id)}, parse=self._parse_one, read_only=True)

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of every field, custom ones included ({rest}.fields)."""
        return Call(
            f"{self.rest_name}.fields", {}, parse=parse_field_map, read_only=True, describes=self.rest_name
        )

    # ------------------------------------------------------------------------------------ writes
    def _checked(self, fields: R | Mapping[str, Any], *, updating: bool, check: bool) -> Flow[dict[str, Any]]:
        data = dump_fields(self.model, fields)
        data.pop("ID", None)
        if not updating:
            self._check_new(data)
        if check:
            yield from checked(
                self.rest_name,
                data,
                self.fields(),
                updating=updating,
                hints=self.hints,
                exempt=self.unchecked,
                standard=standard_fields(self.rest_name),
            )
        return data

    def add(self, fields: R | Mapping[str, Any], *, check: bool = True) -> Flow[int]:
        """Create a record, return its id; unknown or read-only keys refused ({rest}.add, {rest}.fields)."""
        data = yield from self._checked(fields, updating=False, check=check)
        new_id: int = yield Call(f"{self.rest_name}.add", {"fields": data}, parse=parse_int_result)
        return new_id

    def update(self, id: int, fields: R | Mapping[str, Any], *, check: bool = True) -> Flow[bool]:
        """Change the given fields of a record; the others stay as they are ({rest}.update, {rest}.fields)."""
        record_id = ensure_id(id)
        data = yield from self._checked(fields, updating=True, check=check)
        done: bool = yield Call(
            f"{self.rest_name}.update", {"id": record_id, "fields": data}, parse=parse_bool
        )
        return done

    def delete(self, id: int) -> Call[bool]:
        """Delete a record ({rest}.delete)."""
        return Call(f"{self.rest_name}.delete", {"id": ensure_id(id)}, parse=parse_bool)
