"""The list family, written once: ``list`` (one page), ``iter_all`` (every row, streamed), ``list_all``.

Every service whose REST method pages like ``*.list`` mixes in :class:`ListFamily` and says only what
differs: the model, where the rows sit in the answer, the field rows are keyed by (keyset paging) or none
(offset paging), and how its names translate. Methods with an extra leading argument
(``crm.stagehistory.list``) call :func:`page_call` and :func:`stream_rows` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterable, Mapping
from typing import Any, ClassVar, Generic, Literal, TypeVar, overload

from ..errors import InvalidInputError, short_repr
from ..models.base import BitrixModel
from ..models.meta import FieldInfo, Page
from ..models.row_list import RowList
from ..protocol.call import Call, Flow, Stream, collect
from ..protocol.envelope import APIResponse
from ..protocol.rows import rows_of
from .common import list_params
from .paging import iterate, raw_row_id
from .progress import track
from .query_safety import declared_names, query_checks

__all__ = ["ListFamily", "page_call", "page_parser", "stream_rows"]

R = TypeVar("R", bound=BitrixModel)
#: The largest row offset sent (a portal's int32 offset; real lists are far shorter).
_MAX_START = 2**31 - 1
Row = Mapping[str, Any]


def page_parser(
    parse_row: Callable[[Row], R], *, wrapper: str | None = None, model: type[R] | None = None
) -> Callable[[APIResponse], Page[R]]:
    """A parser of list answers into a typed :class:`Page` (``wrapper``: ``items`` for ``crm.item.list``;
    ``model``: rows the engine already read from the bytes into ``model`` pass as they are)."""

    def parse(response: APIResponse) -> Page[R]:
        result = response.result
        if model is not None and isinstance(result, list) and all(type(row) is model for row in result):
            items: list[R] = result
        else:
            items = [parse_row(row) for row in rows_of(result, wrapper)]
        return Page(items=items, total=response.total, next=response.next)

    return parse


def page_call(
    method: str,
    params: Mapping[str, Any],
    parse_row: Callable[[Row], R],
    *,
    start: int | None = 0,
    wrapper: str | None = None,
    checks: Callable[[], Generator[Any, Any, None]] | None = None,
) -> Call[Page[R]]:
    """One page of a list method, from row ``start`` (``None``: the parameter is left out) (a read)."""
    if start is not None and (
        isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= _MAX_START
    ):
        raise InvalidInputError(
            f"start must be a row offset, an int >= 0 (such as 50), not {short_repr(start)}", field="start"
        )
    body = dict(params) if start is None else {**params, "start": start}
    return Call(method, body, parse=page_parser(parse_row, wrapper=wrapper), read_only=True, checks=checks)


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
    checks: Callable[[], Generator[Any, Any, None]] | None = None,
    model: type[R] | None = None,
) -> Stream[Any]:
    """Every row of a list method, streamed: keyset by ``id_field`` unless ordered otherwise, offset pages
    when the rows have no id (``id_field=None``); ``raw=True`` gives the portal's dicts unparsed;
    ``checks`` (the names of ``params``, see :mod:`.query_safety`) run before the first request."""
    if checks is not None:
        return _checked_first(
            checks,
            stream_rows(
                method,
                params,
                parse_row,
                wrapper=wrapper,
                id_field=id_field,
                limit=limit,
                raw=raw,
                progress=progress,
                model=model,
            ),
        )
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
        parse = page_parser(parse_row, wrapper=wrapper, model=model if wrapper is None else None)

        def parse_rows(response: APIResponse) -> list[R]:
            return parse(response).items

        parse_rows.rows_model = model if wrapper is None else None  # type: ignore[attr-defined]
        rows = iterate(
            method,
            params,
            parse_rows,
            _model_id if not by_offset else (lambda row: None),
            id_field=id_field or "ID",
            limit=limit,
            wrapper=wrapper,
            by_offset=by_offset,
        )
    return track(rows, method, enabled=True) if progress else rows


def _checked_first(checks: Callable[[], Generator[Any, Any, None]], rows: Stream[Any]) -> Stream[Any]:
    yield from checks()
    yield from rows


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
    #: whether the ``filter``/``select``/``order`` names are checked against the service's ``fields()``
    #: (its ``*.list`` page says those are the names it takes) before a list call is sent
    _checks_names: ClassVar[bool] = False
    #: names the model declares that the kind's ``*.fields`` page does not list (so they are checked)
    _not_listed: ClassVar[frozenset[str]] = frozenset()

    def _list_method(self) -> str:
        return f"{self.rest_name}.list"

    def _names_load(self) -> Call[dict[str, FieldInfo]] | None:
        """The ``*.fields`` call whose names a list call may use (``None``: names are not checked)."""
        fields = getattr(self, "fields", None) if self._checks_names else None
        return fields() if callable(fields) else None

    def _valid_names(self, known: Mapping[str, FieldInfo]) -> Collection[str]:
        """The names a list call may use, from the fields the portal describes."""
        return set(known)

    def _standard_names(self) -> Collection[str]:
        """Names the model declares (documented standard fields): valid on every portal, never checked."""
        return declared_names(self.model) - self._not_listed

    def _checks(self, params: Mapping[str, Any]) -> Callable[[], Generator[Any, Any, None]] | None:
        return query_checks(
            self._list_method(),
            params,
            self._names_load(),
            names=self._valid_names,
            standard=self._standard_names(),
        )

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
        check: bool = True,
    ) -> Call[Page[R]]:
        """One page of up to 50 records, with ``total`` and ``next`` ({rest}.list, {rest}.fields)."""
        params = self._list_params(filter, select, order)
        return page_call(
            self._list_method(),
            params,
            self._parse_row,
            start=start,
            wrapper=self._wrapper,
            checks=self._checks(params) if check else None,
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
        check: bool = True,
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
        check: bool = True,
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
        check: bool = True,
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
        check: bool = True,
    ) -> Stream[R] | Stream[dict[str, Any]]:
        """Every matching record, streamed; ``raw=True``: the portal's dicts ({rest}.list, {rest}.fields)."""
        params = self._list_params(filter, select, order or self._default_order)
        return stream_rows(
            self._list_method(),
            params,
            self._parse_row,
            wrapper=self._wrapper,
            id_field=self._id_field,
            limit=limit,
            raw=raw,
            progress=progress,
            checks=self._checks(params) if check else None,
            model=self._rows_model(),
        )

    def _rows_model(self) -> type[R] | None:
        """The model rows parse into as they are (``None``: this service's ``_parse_row`` does more)."""
        return self.model if type(self)._parse_row is ListFamily._parse_row else None

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
        check: bool = True,
    ) -> Flow[RowList[R]]: ...
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
        check: bool = True,
    ) -> Flow[RowList[dict[str, Any]]]: ...
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
        check: bool = True,
    ) -> Flow[RowList[R]] | Flow[RowList[dict[str, Any]]]: ...
    def list_all(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: Iterable[str] | None = None,
        order: Mapping[str, str] | None = None,
        limit: int | None = None,
        progress: bool = False,
        raw: bool = False,
        check: bool = True,
    ) -> Flow[RowList[R]] | Flow[RowList[dict[str, Any]]]:
        """All matching records (``.to_dataframe()``); ``raw=True``: dicts ({rest}.list, {rest}.fields)."""
        stream: Stream[Any] = self.iter_all(
            filter=filter, select=select, order=order, limit=limit, progress=progress, raw=raw, check=check
        )
        model = self.model

        def gather() -> Flow[RowList[Any]]:
            rows = yield from collect(stream)
            return RowList(rows, model=model)

        return gather()
