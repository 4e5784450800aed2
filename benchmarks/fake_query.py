"""Parameters and list methods of the independent fake portal (written from the official pages).

* Bodies: JSON, or form-encoded with PHP brackets (``filter[>ID]=5&select[]=ID&select[]=TITLE``); a
  ``batch`` command's query string is decoded the same way. Top-level CRM parameter names are
  case-insensitive (``FILTER`` = ``filter``).
* ``crm.*.list`` (``crm.deal.list``): ``select`` (``*``, ``UF_*``; default ``*`` + ``UF_*``; multifields
  only when named), ``filter`` with the prefixes ``>=``, ``>``, ``<=``, ``<``, ``@``, ``!@``, ``%``, ``=%``,
  ``%=``, ``=``, ``!=``, ``!``; ``order`` (``ASC``/``DESC``); ``start``: pages of 50, ``total`` and ``next``
  while more rows follow; ``start=-1`` counts nothing (``total`` 0, no ``next``).
* What a page costs the portal: rows returned, rows counted for ``total`` and rows skipped by OFFSET.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["PAGE", "ApiError", "Page", "Table", "decode_body", "list_page", "parse_php_query", "upper_keys"]

PAGE = 50
_KEY = re.compile(r"^([^\[]*)((?:\[[^\]]*\])*)$")
_PREFIXES = (">=", "<=", "!@", "!=", "=%", "%=", ">", "<", "@", "%", "=", "!")


class ApiError(Exception):
    """A method error: HTTP ``status``, ``error`` code and ``error_description`` of the envelope."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


def parse_php_query(text: str) -> dict[str, Any]:
    """A form body or query string as PHP's ``parse_str`` reads it (nested dicts keyed by strings)."""
    out: dict[str, Any] = {}
    for raw_key, value in parse_qsl(text, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if match is None or not match.group(1):
            continue
        parts = [match.group(1), *re.findall(r"\[([^\]]*)\]", match.group(2))]
        node = out
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "":  # ``a[]``: the next integer key
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return out


def decode_body(body: bytes, content_type: str, query: str) -> dict[str, Any]:
    """The parameters of a request: the query string, then the body (JSON or form) over it."""
    params = parse_php_query(query) if query else {}
    if not body:
        return params
    if "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(400, "INVALID_REQUEST", "Invalid JSON body") from exc
        if isinstance(data, dict):
            params.update(data)
        return params
    params.update(parse_php_query(body.decode("utf-8", "replace")))
    return params


def upper_keys(params: dict[str, Any]) -> dict[str, Any]:
    """Top-level names in upper case (CRM methods read ``FILTER`` and ``filter`` alike)."""
    return {str(k).upper(): v for k, v in params.items()}


def _listish(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


@dataclass
class Table:
    """An entity's rows: ``ids`` ascending, ``row(id)`` the full row, ``fields`` its ``crm.*.fields``."""

    ids: Callable[[], Iterable[int]]
    count: Callable[[], int]
    row: Callable[[int], dict[str, Any] | None]
    fields: dict[str, dict[str, Any]]
    #: ids 1..count() with no gaps (ID conditions become arithmetic)
    dense: bool = False


@dataclass
class Page:
    """One list page: its rows (selected fields), ``total``, ``next`` (``None``: absent), what it scanned."""

    rows: list[dict[str, Any]]
    total: int | None
    next: int | None
    counted: int
    skipped: int


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _split(key: str) -> tuple[str, str]:
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return prefix, key[len(prefix) :].upper()
    return "=", key.upper()


def _compare(op: str, have: Any, want: Any) -> bool:
    if op in ("@", "!@"):
        inside = any(_compare("=", have, w) for w in _listish(want))
        return inside if op == "@" else not inside
    if op in ("%", "=%", "%="):
        text = "" if have is None else str(have).lower()
        needle = str(want).lower()
        if op == "%":
            return needle in text
        pattern = "^" + ".*".join(re.escape(p) for p in needle.split("%")) + "$"
        return re.match(pattern, text) is not None
    left, right = _number(have), _number(want if want != "" else 0)  # PHP: "" compares as 0
    if left is None or right is None:
        left_s, right_s = "" if have is None else str(have), "" if want is None else str(want)
        checks = {"=": left_s == right_s, "!=": left_s != right_s, "!": left_s != right_s}
        checks.update(
            {">": left_s > right_s, ">=": left_s >= right_s, "<": left_s < right_s, "<=": left_s <= right_s}
        )
        return checks[op]
    return {
        "=": left == right,
        "!=": left != right,
        "!": left != right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[op]


def _id_bounds(conditions: list[tuple[str, str, Any]], size: int) -> tuple[int, int, set[int] | None]:
    """The ``[low, high]`` id range (and id set) the ``ID`` conditions allow, on a dense table of ``size``."""
    low, high, only = 1, size, None
    for op, _, want in conditions:
        if op in ("@", "="):
            values = {int(n) for n in (_number(w) for w in _listish(want)) if n is not None and n == int(n)}
            only = values if only is None else only & values
            continue
        number = _number(want if want != "" else 0)  # PHP: "" compares as 0
        if number is None:
            return 1, 0, None
        if op == ">":
            low = max(low, math.floor(number) + 1)
        elif op == ">=":
            low = max(low, math.ceil(number))
        elif op == "<":
            high = min(high, math.ceil(number) - 1)
        else:  # "<="
            high = min(high, math.floor(number))
    return low, high, only


def _candidates(table: Table, filt: dict[str, Any], descending: bool) -> tuple[Sequence[int], list[Any]]:
    """The ids to look at, in id order (a ``range`` on a dense table), and the conditions left to check."""
    conditions = [(*_split(str(k)), v) for k, v in filt.items()]
    if not table.dense:
        ids = list(table.ids())
        return (ids[::-1] if descending else ids), conditions
    by_id = [c for c in conditions if c[1] == "ID" and c[0] in ("=", "@", ">", ">=", "<", "<=")]
    rest = [c for c in conditions if c not in by_id]
    low, high, only = _id_bounds(by_id, table.count())
    if only is not None:
        return sorted((i for i in only if low <= i <= high), reverse=descending), rest
    return (range(high, low - 1, -1) if descending else range(low, high + 1)), rest


def _matches(row: dict[str, Any], conditions: list[tuple[str, str, Any]]) -> bool:
    return all(_compare(op, row.get(field), want) for op, field, want in conditions)


def _selector(table: Table, select: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    names = [str(n).upper() for n in _listish(select)]
    multiple = {k for k, d in table.fields.items() if d.get("isMultiple")}
    if not names:
        names = ["*", "UF_*"]
    wanted: list[str] = []
    for name in names:
        if name == "*":
            wanted += [k for k in table.fields if not k.startswith("UF_") and k not in multiple]
        elif name == "UF_*":
            wanted += [k for k in table.fields if k.startswith("UF_") and k not in multiple]
        elif name in table.fields:
            wanted.append(name)
    keys = list(dict.fromkeys(wanted))

    def pick(row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in keys if k in row}

    return pick


def _sort_key(field: str) -> Callable[[dict[str, Any]], tuple[bool, float, str]]:
    def key(row: dict[str, Any]) -> tuple[bool, float, str]:
        value = row.get(field)
        number = _number(value)
        return (number is None, number or 0.0, "" if value is None else str(value))

    return key


def list_page(table: Table, params: dict[str, Any]) -> Page:
    """``crm.*.list``: one page of up to 50 rows and what it scanned to make it."""
    params = upper_keys(params)
    filt = params.get("FILTER") or {}
    order = params.get("ORDER") or {"ID": "ASC"}
    if not isinstance(filt, dict):
        raise ApiError(400, "", "Parameter 'filter' must be array.")
    if not isinstance(order, dict):
        raise ApiError(400, "", "Parameter 'order' must be array.")
    try:
        start = int(params.get("START", 0) or 0)
    except (TypeError, ValueError):
        start = 0
    count_total = start >= 0
    offset = max(start, 0)
    pick = _selector(table, params.get("SELECT"))
    order_items = [(str(k).upper(), str(v).upper()) for k, v in order.items()] or [("ID", "ASC")]
    total: int | None = None
    if order_items[0][0] == "ID":
        ids, rest = _candidates(table, filt, order_items[0][1] == "DESC")
        if not rest:  # every condition was on ID: the page and the count are arithmetic
            chosen = [r for r in (table.row(n) for n in ids[offset : offset + PAGE]) if r is not None]
            rows = [pick(r) for r in chosen]
            total = len(ids) if count_total else None
        else:
            rows, matched, stop = [], 0, len(ids)
            for position, number in enumerate(ids):
                row = table.row(number)
                if row is None or not _matches(row, rest):
                    continue
                matched += 1
                if matched > offset:
                    rows.append(pick(row))
                    if len(rows) == PAGE:
                        stop = position + 1
                        break
            if count_total:
                tail = ids[stop:]
                total = matched + sum(
                    1 for n in tail if (r := table.row(n)) is not None and _matches(r, rest)
                )
    else:
        ids, rest = _candidates(table, filt, False)
        found = [r for r in (table.row(n) for n in ids) if r is not None and _matches(r, rest)]
        for field, direction in reversed(order_items):
            found.sort(key=_sort_key(field), reverse=direction == "DESC")
        total = len(found) if count_total else None
        rows = [pick(r) for r in found[offset : offset + PAGE]]
    has_next = total is not None and offset + PAGE < total
    return Page(
        rows=rows,
        total=total if total is not None else 0,
        next=offset + PAGE if has_next else None,
        counted=total if total is not None else 0,
        skipped=offset,
    )
