"""A whole ``*.list`` over an id-keyed table, as an indexed portal does it: narrow by id, filter, page."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from .query import (
    PAGE_SIZE,
    Getter,
    _default_get,
    _number,
    compile_filter,
    order_rows,
    page,
    parse_condition,
    parse_start,
    require_array,
)
from .registry import ListResult, PortalError

__all__ = ["list_rows", "narrow_by_id"]


def narrow_by_id(
    table: Mapping[int, Mapping[str, Any]], flt: Mapping[str, Any] | None, id_field: str
) -> list[Mapping[str, Any]]:
    """The rows of an id-keyed table that the filter's conditions on the id can match, in id order.

    Uses the table's key order (ids only grow) and binary search for ``>``, ``>=``, ``<``, ``<=``,
    ``=`` and ``@`` on the id, so keyset paging costs what an index lookup costs on a real portal; every
    condition is still checked afterwards by :func:`filter_rows`.
    """
    return [table[k] for k in _candidate_ids(table, flt, id_field)]


def _candidate_ids(
    table: Mapping[int, Mapping[str, Any]], flt: Mapping[str, Any] | None, id_field: str
) -> Sequence[int]:
    """The ids :func:`narrow_by_id` keeps, without touching the rows (a slice of the sorted keys)."""
    keys = _sorted_keys(table)
    low, high = 0, len(keys)
    wanted: set[int] | None = None
    if isinstance(flt, Mapping) and str(flt.get("logic", flt.get("LOGIC", "AND"))).upper() != "OR":
        for key, value in flt.items():
            cond = parse_condition(str(key), value)
            if cond.field != id_field or isinstance(value, Mapping):
                continue
            if cond.op in ("@", "=") and isinstance(value, list | tuple):
                numbers = {int(n) for n in (_number(v) for v in value) if n is not None and n == int(n)}
                wanted = numbers if wanted is None else wanted & numbers
                continue
            number = _number(value)
            if number is None:
                continue
            if cond.op == ">":
                low = max(low, bisect.bisect_right(keys, number))
            elif cond.op == ">=":
                low = max(low, bisect.bisect_left(keys, number))
            elif cond.op == "<":
                high = min(high, bisect.bisect_left(keys, number))
            elif cond.op == "<=":
                high = min(high, bisect.bisect_right(keys, number))
            elif cond.op in ("=", "@") and number == int(number):
                wanted = {int(number)} if wanted is None else wanted & {int(number)}
    if wanted is not None:
        window = set(keys[low:high])
        return [k for k in sorted(wanted) if k in window]
    return keys[low:high]


#: id(table) -> (the table, its size, its last inserted key, its keys sorted): the sorted keys of a big
#: table are not rebuilt for every page of a scan. The entry holds the table, so its id is not reused while
#: cached. Any insert makes a new id the last inserted key and deletes alone shrink the size; keeping both
#: would take re-inserting a deleted id, which a portal never does (PortalState.next_id), so a changed set
#: of ids never matches a stale entry.
_SORTED_KEYS: dict[int, tuple[Mapping[int, Any], int, int, list[int]]] = {}
_CACHE_FROM = 2_000  # smaller tables are cheaper to sort than to look up
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def _sorted_keys(table: Mapping[int, Any]) -> list[int]:
    """The table's keys in ascending order (cached for big tables, see :data:`_SORTED_KEYS`)."""
    size = len(table)
    if size < _CACHE_FROM or not isinstance(table, dict):
        keys = list(table)
        if keys != sorted(keys):
            keys.sort()
        return keys
    last = next(reversed(table))
    with _CACHE_LOCK:  # emulators of several threads share the cache
        hit = _SORTED_KEYS.get(id(table))
    if hit is not None and hit[0] is table and hit[1] == size and hit[2] == last:
        return hit[3]
    keys = list(table)
    if keys != sorted(keys):
        keys.sort()
    with _CACHE_LOCK:
        _SORTED_KEYS.pop(id(table), None)
        while len(_SORTED_KEYS) >= _CACHE_SIZE:
            _SORTED_KEYS.pop(next(iter(_SORTED_KEYS)))
        _SORTED_KEYS[id(table)] = (table, size, last, keys)
    return keys


def list_rows(
    table: Mapping[int, Mapping[str, Any]],
    flt: Any,
    order: Any,
    start: Any,
    get: Getter = _default_get,
    *,
    id_field: str = "ID",
) -> ListResult:
    """A whole ``*.list`` over an id-keyed table: narrow by id, filter, order (skipped for id order), page.

    With ``start=-1`` and id order only the first 50 matching rows are looked at, as an index scan would.
    A non-array ``filter`` or ``order`` is refused ("Parameter 'filter' must be array.").
    """
    flt = require_array(flt, "filter")
    order = require_array(order, "order")
    predicate = compile_filter(flt, get)
    candidate_ids = _candidate_ids(table, flt, id_field)
    spec = {str(k): str(v).upper() for k, v in order.items()} if isinstance(order, Mapping) and order else {}
    by_id = not spec or list(spec) == [id_field]
    if by_id and parse_start(start) == -1:
        # an index scan: rows are looked at one by one until the page is full
        chosen: list[Mapping[str, Any]] = []
        source = reversed(candidate_ids) if spec.get(id_field) == "DESC" else candidate_ids
        for key in source:
            row = table[key]
            if predicate(row):
                chosen.append(row)
                if len(chosen) == PAGE_SIZE:
                    break
        return ListResult(chosen, total=0, next=None)
    rows = [row for row in (table[key] for key in candidate_ids) if predicate(row)]
    if by_id:
        if spec.get(id_field) == "DESC":
            rows.reverse()
        elif spec and spec.get(id_field) != "ASC":
            raise PortalError("INVALID_ARG_VALUE", f"Invalid sort direction '{order}'")
    else:
        rows = order_rows(rows, spec, get)
    return page(rows, start)
