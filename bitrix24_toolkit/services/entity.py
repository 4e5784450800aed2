"""Call factories of the classic CRM objects: ``crm.{lead,contact,company,deal}.*``.

Every method builds a :class:`~bitrix24_toolkit.protocol.Call`, a flow or a stream, and does no I/O; the
client namespaces (``b24.crm.deal``) bind them. ``{rest}`` in a docstring stands for the method family
(``crm.deal``): the generated bindings and ``docs/api.md`` show the real name.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, Literal, TypeVar, overload

from ..errors import InvalidInputError
from ..models.crm import CrmEntity
from ..models.meta import FieldInfo, Page
from ..protocol.batch import Batch
from ..protocol.call import Call, Flow, Stream, collect
from ..protocol.envelope import APIResponse
from .bulk import BulkResult, run_each
from .common import (
    IMPORT_FIELDS,
    FieldCache,
    check_fields,
    chunks,
    dump_fields,
    list_params,
    page_parser,
    parse_bool,
    parse_field_map,
    parse_int_result,
)
from .paging import PAGE_SIZE, iterate, raw_row_id, raw_rows
from .progress import track

__all__ = ["EntityCalls", "ensure_id"]

M = TypeVar("M", bound=CrmEntity)

_HINTS = {"LEAD_ID": "set the lead link with crm.item.add (leadId), as the lead conversion helper does"}


def ensure_id(value: Any, name: str = "id") -> int:
    """A positive integer id, or :class:`InvalidInputError` before any request."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInputError(f"{name} must be a positive integer, not {value!r}", field=name)
    try:
        number = int(value)
    except ValueError:
        raise InvalidInputError(f"{name} must be a positive integer, not {value!r}", field=name) from None
    if number <= 0:
        raise InvalidInputError(f"{name} must be a positive integer, not {value!r}", field=name)
    return number


def ensure_list(value: Any, name: str, what: str = "ids") -> builtins.list[Any]:
    """A list/tuple/iterable of items as a list; a str, bytes, dict or None is refused before any request."""
    if value is None or isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"{name} must be a list of {what} (such as [1, 2]), not {type(value).__name__}",
            field=name,
        )
    return builtins.list(value)


class EntityCalls(Generic[M]):
    """Calls of one classic CRM object kind."""

    rest_name: ClassVar[str] = ""
    model: type[M]

    def __init__(self, cache: FieldCache | None = None) -> None:
        self.cache = cache if cache is not None else FieldCache()

    def _parse_one(self, response: APIResponse) -> M:
        return self.model.model_validate(response.result)

    def _list_params(
        self,
        filter: Mapping[str, Any] | None,
        select: Iterable[str] | None,
        order: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        return list_params(self.model, filter, select, order)

    # ------------------------------------------------------------------------------------- reads
    def get(self, id: int) -> Call[M]:
        """One record by id ({rest}.get)."""
        return Call(f"{self.rest_name}.get", {"id": ensure_id(id)}, parse=self._parse_one, read_only=True)

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[M]]:
        """One page of up to 50 records, with ``total`` and ``next`` ({rest}.list)."""
        params = self._list_params(filter, select, order)
        params["start"] = start
        return Call(
            f"{self.rest_name}.list", params, parse=page_parser(self.model.model_validate), read_only=True
        )

    @overload
    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: Literal[False] = False,
    ) -> Stream[M]: ...
    @overload
    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: Literal[True],
    ) -> Stream[dict[str, Any]]: ...
    @overload
    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> Stream[M] | Stream[dict[str, Any]]: ...
    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> Stream[M] | Stream[dict[str, Any]]:
        """Every matching record, streamed page by page (keyset by ID unless ordered) ({rest}.list)."""
        method = f"{self.rest_name}.list"
        params = self._list_params(filter, select, order)
        if raw:  # the portal's dicts as they are: the fastest export, no model validation
            rows: Stream[dict[str, Any]] = iterate(method, params, raw_rows, raw_row_id, limit=limit)
            return track(rows, method, enabled=progress)
        parse = page_parser(self.model.model_validate)
        models: Stream[M] = iterate(
            method, params, lambda response: parse(response).items, lambda row: row.id, limit=limit
        )
        return track(models, method, enabled=progress)

    @overload
    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: Literal[False] = False,
    ) -> Flow[builtins.list[M]]: ...
    @overload
    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: Literal[True],
    ) -> Flow[builtins.list[dict[str, Any]]]: ...
    @overload
    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> Flow[builtins.list[M]] | Flow[builtins.list[dict[str, Any]]]: ...
    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> Flow[builtins.list[M]] | Flow[builtins.list[dict[str, Any]]]:
        """Every matching record in one list ({rest}.list)."""
        if raw:
            return collect(
                self.iter_all(
                    filter=filter, select=select, order=order, limit=limit, progress=progress, raw=True
                )
            )
        return collect(
            self.iter_all(filter=filter, select=select, order=order, limit=limit, progress=progress)
        )

    def get_many(self, ids: Iterable[int], *, select: Iterable[str] | None = None) -> Flow[builtins.list[M]]:
        """The records with these ids, in the order given; ids not found are left out ({rest}.list)."""
        wanted = [ensure_id(value, "ids") for value in ensure_list(ids, "ids")]
        calls = [
            self.list(filter={"@ID": list(chunk)}, select=select)
            for chunk in chunks(sorted(set(wanted)), PAGE_SIZE)
        ]
        found: dict[int, M] = {}
        for outcome in (yield Batch(calls)) if calls else []:
            page = outcome.unwrap()  # 50 ids per list call, 50 calls (2,500 ids) per request
            found.update({row.id: row for row in page.items if row.id is not None})
        return [found[i] for i in wanted if i in found]

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of every field, custom ones included ({rest}.fields)."""
        return Call(f"{self.rest_name}.fields", {}, parse=self._remember_fields, read_only=True)

    def _remember_fields(self, response: APIResponse) -> dict[str, FieldInfo]:
        fields = parse_field_map(response)
        self.cache.put(self.rest_name, fields)  # every fresh read refreshes the cache used by checks
        return fields

    # ------------------------------------------------------------------------------------ writes
    def _checked(
        self, fields: M | Mapping[str, Any], *, updating: bool, check: bool, params: Mapping[str, Any] | None
    ) -> Flow[dict[str, Any]]:
        data = dump_fields(self.model, fields)
        data.pop("ID", None) if not updating else None
        if check and self.cache.enabled:
            known = self.cache.get(self.rest_name)
            if known is None:
                known = yield self.fields()
            importing = str((params or {}).get("IMPORT", "")).upper() == "Y"
            check_fields(
                f"{self.rest_name}.{'update' if updating else 'add'}",
                known,
                data,
                updating=updating,
                allowed=IMPORT_FIELDS if importing else (),
                hints=_HINTS,
            )
        return data

    def add(
        self, fields: M | Mapping[str, Any], *, params: Mapping[str, Any] | None = None, check: bool = True
    ) -> Flow[int]:
        """Create a record and return its id; unknown or read-only fields are refused first ({rest}.add)."""
        data = yield from self._checked(fields, updating=False, check=check, params=params)
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
        """Change the given fields of a record; the others stay as they are ({rest}.update)."""
        record_id = ensure_id(id)
        data = yield from self._checked(fields, updating=True, check=check, params=params)
        data.pop("ID", None)
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
        """Create many records; the result gives each input item's new id or error ({rest}.add)."""
        known = []
        for item in ensure_list(items, "items", "dicts of fields"):
            known.append((yield from self._checked(item, updating=False, check=True, params=params)))
        extra = {"params": dict(params)} if params else {}
        return (
            yield from run_each(
                known,
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
        """Update many records (``{id: fields}``); the result gives each one's outcome ({rest}.update)."""
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
            data = yield from self._checked(fields, updating=True, check=True, params=None)
            prepared.append((ensure_id(record_id), data))
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
