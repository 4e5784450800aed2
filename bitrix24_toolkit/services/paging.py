"""Reading every row of a list method: keyset paging by ID when possible, offset paging otherwise."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..protocol.call import Call, Emit, Stream
from ..protocol.envelope import APIResponse
from .common import split_operator

__all__ = ["PAGE_SIZE", "iterate"]

T = TypeVar("T")
PAGE_SIZE = 50
#: A runaway guard: a list that keeps returning pages after this many is a portal bug, not data.
_MAX_PAGES = 1_000_000


def _keyset_ok(order: Mapping[str, str] | None, id_field: str) -> bool:
    if not order:
        return True
    return list(order) == [id_field] and str(order[id_field]).upper() == "ASC"


def iterate(
    method: str,
    params: Mapping[str, Any],
    parse_rows: Callable[[APIResponse], list[T]],
    row_id: Callable[[T], int | None],
    *,
    id_field: str = "ID",
    limit: int | None = None,
) -> Stream[T]:
    """Stream rows of ``method``: ``ID``-keyset pages (``start=-1``, no COUNT, no OFFSET) when the order
    is by ID ascending or unset, else offset pages following ``next``. ``limit`` caps the rows."""
    base = dict(params)
    flt = dict(base.pop("filter", None) or {})
    order = base.pop("order", None)
    select = base.get("select")
    if select and "*" not in select and id_field not in select:
        base["select"] = [*select, id_field]
    remaining = limit
    keyset = _keyset_ok(order, id_field)
    last_id: int | None = None
    start = 0
    seen: set[int] = set()
    for _ in range(_MAX_PAGES):
        if keyset:
            page_filter = dict(flt)
            if last_id is not None:
                page_filter = {k: v for k, v in flt.items() if split_operator(k) != (">", id_field)}
                page_filter[">" + id_field] = last_id
            call_params = {**base, "filter": page_filter, "order": {id_field: "ASC"}, "start": -1}
        else:
            call_params = {**base, "filter": flt, "order": order, "start": start}
        response: APIResponse = yield Call(method, call_params, parse=lambda r: r)
        rows = parse_rows(response)
        fresh = []
        for row in rows:
            key = row_id(row)
            if key is not None and key in seen:
                continue  # a row that moved under an offset scan: never hand it out twice
            if key is not None:
                seen.add(key)
            fresh.append(row)
        if remaining is not None:
            fresh = fresh[:remaining]
            remaining -= len(fresh)
        if fresh:
            yield Emit(fresh)
        if remaining == 0:
            return
        if keyset:
            ids = [k for k in (row_id(r) for r in rows) if k is not None]
            if len(rows) < PAGE_SIZE or not ids:
                return
            last_id = max(ids)
        else:
            if response.next is None or not rows:
                return
            start = response.next
    raise RuntimeError(f"{method}: more than {_MAX_PAGES} pages; stopping a runaway scan")
