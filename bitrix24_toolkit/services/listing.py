"""The list family, written once: ``list`` (one page), ``iter_all`` (every row, streamed), ``list_all``.

Every service whose REST method pages like ``*.list`` mixes in :class:`ListFamily` and says only what
differs: the model, where the rows sit in the answer, the field rows are keyed by (keyset paging) or none
(offset paging), and how its names translate. Methods with an extra leading argument
(``crm.stagehistory.list``) call :func:`page_call` and :func:`stream_rows` directly.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, Literal, TypeVar, overload

from ..errors import InvalidInputError, short_repr
from ..models.base import BitrixModel
from ..models.meta import Page
from ..protocol.call import Call, Flow, Stream, collect
from ..protocol.envelope import APIResponse
from ..protocol.rows import rows_of
from .common import list_params
from .paging import iterate, raw_row_id
from .progress import track

__all__ = ["ListFamily", "page_call", "page_parser", "stream_rows"]

R = TypeVar("R", bound=BitrixModel)
#: The largest row offset sent (a portal's int32 offset; real lists are far shorter).
_MAX_START = 2**31 - 1
Row = Mapping[str, Any]


def page_parser(
    parse_row: Callable[[Row], R], *, wrapper: str | None = None
) -> Callable[[APIResponse], Page[R]]:
    """A parser of list answers into a typed :class:`Page` (``wrapper``: ``items`` for ``crm.item.list``)."""

    def parse(response: APIResponse) -> Page[R]:
        rows = rows_of(response.result, wrapper)
        return Page(items=[parse_row(row) for row in rows], total=response.total, next=response.next)

    return parse


def page_call(
    method: str,
    params: Mapping[str, Any],
    parse_row: Callable[[Row], R],
    *,
    start: int | None = 0,
    wrapper: str | None = None,
) -> Call[Page[R]]:
    """One page of a list method, from row ``start`` (``None``: the parameter is left out) (a read)."""
    if start is not None and (
        isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= _MAX_START
    ):
        raise InvalidInputError(
            f"start must be a row offset, an int >= 0 (such as 50), not {short_repr(start)}", field="start"
        )
    body = dict(params) if start is None else {**params, "start": start}
    return Call(method, body, parse=page_parser(parse_row, wrapper=wrapper), read_only=True)


def _model_id(row: BitrixModel) -> int | None:
    value = getattr(row, "id", None)
    return value if isinstance(value, int) else None


def stream_rows(
    method: str,
    params: Mapping[str, Any],
    parse_row: Callable[[Row], R],
    *,
    wrapper: str | None = None,
    id_field: str | None = "ID",
    limit: int | None = None,
    raw: bool = False,
    progress: bool = False,
) -> Stream[Any]:
    """Every row of a list method, streamed: keyset by ``id_field`` unless ordered otherwise, offset pages
    when the rows have no id (``id_field=None``); ``raw=True`` gives the portal's dicts unparsed."""
    by_offset = id_field is None
    rows: Stream[Any]
    if raw:
        rows = iterate(
            method,
            params,
            lambda response: rows_of(response.result, wrapper),
            raw_row_id if not by_offset else (lambda row: None),
            id_field=id_field or "ID",
            limit=limit,
            wrapper=wrapper,
            by_offset=by_offset,
        )
    else:
        parse = page_parser(parse_row, wrapper=wrapper)
        rows = iterate(
            method,
            params,
            lambda response: parse(response).items,
            _model_id if not by_offset else (lambda row: None),
            id_field=id_field or "ID",
            limit=limit,
            wrapper=wrapper,
            by_offset=by_offset,
        )
    return track(rows, method, enabled=True) if progress else rows


class ListFamily(Generic[R]):
    """``list``/``iter_all``/``list_all`` of ``{rest_name}.list`` for a record model ``R``."""

    rest_name: ClassVar[str] = ""
    model: type[R]
    #: the key that wraps the rows in the answer (``items`` for ``crm.item.list``), if any
    _wrapper: ClassVar[str | None] = None
    #: the field rows are keyed by, for keyset paging; ``None``: the rows have no id (offset paging)
    _id_field: ClassVar[str | None] = "ID"
    #: the order used when the caller gives none (an offset scan needs a stable one)
    _default_order: ClassVar[Mapping[str, str] | None] = None

    def _list_method(self) -> str:
        return f"{self.rest_name}.list"

    def _list_params(
        self,
        filter: Mapping[str, Any] | None,
        select: Iterable[str] | None,
        order: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        return list_params(self.model, filter, select, order)

    def _parse_row(self, row: Row) -> R:
        return self.model.model_validate(row)

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        start: int = 0,
    ) -> Call[Page[R]]:
        """One page of up to 50 records, with ``total`` and ``next`` ({rest}.list)."""
        params = self._list_params(filter, select, order)
        return page_call(self._list_method(), params, self._parse_row, start=start, wrapper=self._wrapper)

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
    ) -> Stream[R]: ...
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
    ) -> Stream[R] | Stream[dict[str, Any]]: ...
    def iter_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> Stream[R] | Stream[dict[str, Any]]:
        """Every matching record, streamed page by page; ``raw=True``: the portal's dicts ({rest}.list)."""
        return stream_rows(
            self._list_method(),
            self._list_params(filter, select, order or self._default_order),
            self._parse_row,
            wrapper=self._wrapper,
            id_field=self._id_field,
            limit=limit,
            raw=raw,
            progress=progress,
        )

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
    ) -> Flow[builtins.list[R]]: ...
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
    ) -> Flow[builtins.list[R]] | Flow[builtins.list[dict[str, Any]]]: ...
    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> Flow[builtins.list[R]] | Flow[builtins.list[dict[str, Any]]]:
        """Every matching record in one list; ``raw=True``: the portal's dicts ({rest}.list)."""
        stream: Stream[Any] = self.iter_all(
            filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw
        )
        return collect(stream)
