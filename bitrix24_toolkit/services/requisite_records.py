"""What requisites, bank details, addresses and requisite links share: list parameters, offset paging, and
the id-keyed CRUD template of ``crm.requisite.*`` and ``crm.requisite.bankdetail.*`` with field safety.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from ..models.base import BitrixModel
from ..models.meta import FieldInfo, Page
from ..protocol.call import Call, Flow, Stream, collect
from ..protocol.envelope import APIResponse
from .common import (
    FieldCache,
    check_fields,
    dump_fields,
    list_params,
    page_parser,
    parse_bool,
    parse_field_map,
    parse_int_result,
)
from .entity import ensure_id
from .paging import iterate

__all__ = ["RecordCalls", "checked_fields", "offset_pages"]

R = TypeVar("R", bound=BitrixModel)

#: A runaway guard for offset scans (a list that never ends is a portal bug, not data).
_MAX_PAGES = 100_000


def offset_pages(
    method: str, params: Mapping[str, Any], parse: Callable[[APIResponse], Page[R]], *, limit: int | None
) -> Stream[R]:
    """Stream the rows of a list method that has no ``ID`` to page by: offset pages, batched."""
    return iterate(
        method, params, lambda response: parse(response).items, lambda row: None, limit=limit, by_offset=True
    )


def checked_fields(
    cache: FieldCache,
    rest_name: str,
    data: dict[str, Any],
    load: Callable[[], Call[dict[str, FieldInfo]]],
    *,
    updating: bool,
    allowed: Iterable[str] = (),
    hints: Mapping[str, str] | None = None,
    exempt: Iterable[str] = (),
) -> Flow[None]:
    """Check keys against the cached ``{rest_name}.fields`` (``load()`` reads them once), bar ``exempt``."""
    if not cache.enabled:
        return
    known = cache.get(rest_name)
    if known is None:
        known = yield load()
        cache.put(rest_name, known)
    skipped = set(exempt)
    check_fields(
        f"{rest_name}.{'update' if updating else 'add'}",
        known,
        {key: value for key, value in data.items() if key not in skipped},
        updating=updating,
        allowed=allowed,
        hints=hints,
    )


class RecordCalls(Generic[R]):
    """CRUD calls of an id-keyed legacy record kind (requisites, bank details)."""

    rest_name: ClassVar[str] = ""
    model: type[R]
    #: keys exempt from field safety (accepted by the portal though absent from ``*.fields``)
    unchecked: ClassVar[tuple[str, ...]] = ()
    #: advice appended to the refusal of a read-only or immutable key
    hints: ClassVar[dict[str, str]] = {}

    def __init__(self, cache: FieldCache | None = None) -> None:
        self.cache = cache if cache is not None else FieldCache()

    def _parse_one(self, response: APIResponse) -> R:
        return self.model.model_validate(response.result)

    def _check_new(self, data: Mapping[str, Any]) -> None:
        """Early checks of the fields of a new record (required keys)."""

    # ------------------------------------------------------------------------------------- reads
    def get(self, id: int) -> Call[R]:
        """One record by id ({rest}.get)."""
        return Call(f"{self.rest_name}.get", {"id": ensure_id(id)}, parse=self._parse_one, read_only=True)

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[R]]:
        """One page of up to 50 records, with ``total`` and ``next`` ({rest}.list)."""
        params = list_params(self.model, filter, select, order)
        params["start"] = start
        return Call(
            f"{self.rest_name}.list", params, parse=page_parser(self.model.model_validate), read_only=True
        )

    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Stream[R]:
        """Every matching record, streamed page by page (keyset by ID unless ordered) ({rest}.list)."""
        parse = page_parser(self.model.model_validate)
        return iterate(
            f"{self.rest_name}.list",
            list_params(self.model, filter, select, order),
            lambda response: parse(response).items,
            lambda row: row.get("ID"),
            limit=limit,
        )

    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Flow[builtins.list[R]]:
        """Every matching record in one list ({rest}.list)."""
        return collect(self.iter_all(filter=filter, select=select, order=order, limit=limit))

    def fields(self) -> Call[dict[str, FieldInfo]]:
        """Descriptions of every field, custom ones included ({rest}.fields)."""
        return Call(f"{self.rest_name}.fields", {}, parse=self._remember_fields, read_only=True)

    def _remember_fields(self, response: APIResponse) -> dict[str, FieldInfo]:
        fields = parse_field_map(response)
        self.cache.put(self.rest_name, fields)  # every fresh read refreshes the cache used by checks
        return fields

    # ------------------------------------------------------------------------------------ writes
    def _checked(self, fields: R | Mapping[str, Any], *, updating: bool, check: bool) -> Flow[dict[str, Any]]:
        data = dump_fields(self.model, fields)
        data.pop("ID", None)
        if not updating:
            self._check_new(data)
        if check:
            yield from checked_fields(
                self.cache,
                self.rest_name,
                data,
                self.fields,
                updating=updating,
                hints=self.hints,
                exempt=self.unchecked,
            )
        return data

    def add(self, fields: R | Mapping[str, Any], *, check: bool = True) -> Flow[int]:
        """Create a record and return its id; unknown or read-only fields are refused first ({rest}.add)."""
        data = yield from self._checked(fields, updating=False, check=check)
        new_id: int = yield Call(f"{self.rest_name}.add", {"fields": data}, parse=parse_int_result)
        return new_id

    def update(self, id: int, fields: R | Mapping[str, Any], *, check: bool = True) -> Flow[bool]:
        """Change the given fields of a record; the others stay as they are ({rest}.update)."""
        record_id = ensure_id(id)
        data = yield from self._checked(fields, updating=True, check=check)
        done: bool = yield Call(
            f"{self.rest_name}.update", {"id": record_id, "fields": data}, parse=parse_bool
        )
        return done

    def delete(self, id: int) -> Call[bool]:
        """Delete a record ({rest}.delete)."""
        return Call(f"{self.rest_name}.delete", {"id": ensure_id(id)}, parse=parse_bool)
