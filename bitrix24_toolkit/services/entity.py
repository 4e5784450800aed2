"""Call factories of the classic CRM objects: ``crm.{lead,contact,company,deal}.*``.

Every method builds a :class:`~bitrix24_toolkit.protocol.Call`, a flow or a stream, and does no I/O; the
client namespaces (``b24.crm.deal``) bind them. ``{rest}`` in a docstring stands for the method family
(``crm.deal``): the generated bindings and ``docs/api.md`` show the real name.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from ..errors import InvalidInputError
from ..models.crm import CrmEntity
from ..models.meta import FieldInfo
from ..models.standard_fields import standard_fields
from ..protocol.batch import Batch
from ..protocol.call import Call, Flow
from ..protocol.rows import chunked
from .bulk import BulkResult, run_each
from .common import dump_fields, ensure_id, ensure_list, parse_bool, parse_field_map, parse_int_result
from .field_safety import IMPORT_FIELDS, checked
from .listing import ListFamily
from .paging import PAGE_SIZE

__all__ = ["EntityCalls", "ensure_id", "ensure_list"]

M = TypeVar("M", bound=CrmEntity)

_HINTS = {"LEAD_ID": "set the lead link with crm.item.add (leadId), as the lead conversion helper does"}


class EntityCalls(ListFamily[M]):
    """Calls of one classic CRM object kind."""

    _checks_names: ClassVar[bool] = True  # the *.list page: filter/select/order by *.fields names

    def _parse_one(self, response: Any) -> M:
        return self.model.model_validate(response.result)

    # ------------------------------------------------------------------------------------- reads
    def get(self, id: int) -> Call[M]:
        """One record by id ({rest}.get)."""
        return Call(f"{self.rest_name}.get", {"id": ensure_id(id)}, parse=self._parse_one, read_only=True)

    def get_many(self, ids: Iterable[int], *, select: Iterable[str] | None = None) -> Flow[builtins.list[M]]:
        """The records with these ids in the order given, found ones only ({rest}.list, {rest}.fields)."""
        wanted = [ensure_id(value, "ids") for value in ensure_list(ids, "ids")]
        calls = [
            self.list(filter={"@ID": chunk}, select=select)
            for chunk in chunked(sorted(set(wanted)), PAGE_SIZE)
        ]
        found: dict[int, M] = {}
        for outcome in (yield Batch(calls)) if calls else []:
            page = outcome.unwrap()  # 50 ids per list call, 50 calls (2,500 ids) per request
            found.update({row.id: row for row in page.items if row.id is not None})
        return [found[i] for i in wanted if i in found]

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of every field, custom ones included ({rest}.fields)."""
        return Call(
            f"{self.rest_name}.fields", {}, parse=parse_field_map, read_only=True, describes=self.rest_name
        )

    # ------------------------------------------------------------------------------------ writes
    def _prepare(self, fields: M | Mapping[str, Any]) -> dict[str, Any]:
        data = dump_fields(self.model, fields)
        data.pop("ID", None)
        return data

    def _checked(
        self, data: dict[str, Any], *, updating: bool, check: bool, params: Mapping[str, Any] | None
    ) -> Flow[dict[str, Any]]:
        if check:
            importing = str((params or {}).get("IMPORT", "")).upper() == "Y"
            yield from checked(
                self.rest_name,
                data,
                self.fields(),
                updating=updating,
                allowed=IMPORT_FIELDS if importing else (),
                hints=_HINTS,
                standard=standard_fields(self.rest_name),  # standard keys only: no *.fields read
            )
        return data

    def add(
        self, fields: M | Mapping[str, Any], *, params: Mapping[str, Any] | None = None, check: bool = True
    ) -> Flow[int]:
        """Create a record, return its id; unknown or read-only keys refused ({rest}.add, {rest}.fields)."""
        data = yield from self._checked(self._prepare(fields), updating=False, check=check, params=params)
        body: dict[str, Any] = {"fields": data}
        if params:
            body["params"] = dict(params)
        new_id: int = yield Call(f"{self.rest_name}.add", body, parse=parse_int_result)
        return new_id

    def update(
        self,
        id: int,
        fields: M | Mapping[str, Any],
        *,
        params: Mapping[str, Any] | None = None,
        check: bool = True,
    ) -> Flow[bool]:
        """Change the given fields of a record; the others stay as they are ({rest}.update, {rest}.fields)."""
        record_id = ensure_id(id)
        data = yield from self._checked(self._prepare(fields), updating=True, check=check, params=params)
        body: dict[str, Any] = {"id": record_id, "fields": data}
        if params:
            body["params"] = dict(params)
        done: bool = yield Call(f"{self.rest_name}.update", body, parse=parse_bool)
        return done

    def delete(self, id: int) -> Call[bool]:
        """Delete a record ({rest}.delete)."""
        return Call(f"{self.rest_name}.delete", {"id": ensure_id(id)}, parse=parse_bool)

    def add_many(
        self,
        items: Sequence[M | Mapping[str, Any]],
        *,
        params: Mapping[str, Any] | None = None,
        progress: bool = False,
    ) -> Flow[BulkResult]:
        """Create many records; the result gives each item's new id or error ({rest}.add, {rest}.fields)."""
        prepared = [self._prepare(item) for item in ensure_list(items, "items", "dicts of fields")]
        merged: dict[str, Any] = {key: None for data in prepared for key in data}
        yield from self._checked(merged, updating=False, check=True, params=params)  # every key, one check
        extra = {"params": dict(params)} if params else {}
        return (
            yield from run_each(
                prepared,
                lambda data: Call(f"{self.rest_name}.add", {"fields": data, **extra}, parse=parse_int_result),
                progress=f"{self.rest_name}.add" if progress else None,
            )
        )

    def update_many(
        self,
        changes: Mapping[int, M | Mapping[str, Any]] | Sequence[tuple[int, M | Mapping[str, Any]]],
        *,
        progress: bool = False,
    ) -> Flow[BulkResult]:
        """Update many records (``{id: fields}``); gives each one's outcome ({rest}.update, {rest}.fields)."""
        pairs = (
            builtins.list(changes.items())
            if isinstance(changes, Mapping)
            else ensure_list(changes, "changes", "(id, fields) pairs, or a dict {id: fields}")
        )
        prepared = []
        for pair in pairs:
            if not isinstance(pair, tuple | builtins.list) or len(pair) != 2:
                shown = repr(pair)[:120]
                raise InvalidInputError(
                    f"changes must be a dict {{id: fields}} or a list of (id, fields) pairs, not {shown}",
                    field="changes",
                )
            record_id, fields = pair
            prepared.append((ensure_id(record_id), self._prepare(fields)))
        merged: dict[str, Any] = {key: None for _, data in prepared for key in data}
        yield from self._checked(merged, updating=True, check=True, params=None)  # every key, one check
        return (
            yield from run_each(
                prepared,
                lambda pair: Call(
                    f"{self.rest_name}.update", {"id": pair[0], "fields": pair[1]}, parse=parse_bool
                ),
                progress=f"{self.rest_name}.update" if progress else None,
            )
        )

    def delete_many(self, ids: Iterable[int], *, progress: bool = False) -> Flow[BulkResult]:
        """Delete many records; the result gives each id's outcome ({rest}.delete)."""
        keys = [ensure_id(i, "ids") for i in ensure_list(ids, "ids")]
        return (
            yield from run_each(keys, self.delete, progress=f"{self.rest_name}.delete" if progress else None)
        )
