"""A whole ``*.list`` over an id-keyed table, as an indexed portal does it: narrow by id, filter, page."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
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
    keys = list(table)
    if keys != sorted(keys):
        keys.sort()
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
        return [table[k] for k in sorted(wanted) if k in window]
    return [table[k] for k in keys[low:high]]


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
    candidates = narrow_by_id(table, flt, id_field)
    spec = {str(k): str(v).upper() for k, v in order.items()} if isinstance(order, Mapping) and order else {}
    by_id = not spec or list(spec) == [id_field]
    if by_id and parse_start(start) == -1:
        chosen: list[Mapping[str, Any]] = []
        source = reversed(candidates) if spec.get(id_field) == "DESC" else candidates
        for row in source:
            if predicate(row):
                chosen.append(row)
                if len(chosen) == PAGE_SIZE:
                    break
        return ListResult(chosen, total=0, next=None)
    rows = [row for row in candidates if predicate(row)]
    if by_id:
        if spec.get(id_field) == "DESC":
            rows.reverse()
        elif spec and spec.get(id_field) != "ASC":
            raise PortalError("INVALID_ARG_VALUE", f"Invalid sort direction '{order}'")
    else:
        rows = order_rows(rows, spec, get)
    return page(rows, start)
