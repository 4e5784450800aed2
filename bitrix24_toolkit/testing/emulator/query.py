"""List-method semantics shared by every emulated ``*.list``: filter operators, order and 50-row pages.

Filter keys carry their operator as a prefix (reference 5.2): ``>=``, ``>``, ``<=``, ``<``, ``@`` (IN),
``!@`` (NOT IN), ``%`` (substring), ``=%``/``%=`` (LIKE with explicit ``%``), ``!%``, ``!=%``/``!%=``,
``=`` (default) and ``!=``/``!`` (not equal). ``crm.item.list`` also nests groups with ``logic: OR``.
Values compare as numbers when both sides are numeric, as datetimes when both parse as ISO 8601, else as
case-insensitive strings. A list value without an operator means IN, as in Bitrix ORM.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .registry import ListResult, PortalError

__all__ = [
    "PAGE_SIZE",
    "Condition",
    "compile_filter",
    "filter_fields",
    "filter_rows",
    "matches",
    "order_rows",
    "page",
    "parse_condition",
    "parse_start",
    "require_array",
]

PAGE_SIZE = 50

# Longest prefixes first so that "!=%" is not read as "!" + "=%".
_OPERATORS = ("!=%", "!%=", "!@", "!%", "!=", ">=", "<=", "=%", "%=", "!", ">", "<", "@", "%", "=")

Getter = Callable[[Mapping[str, Any], str], Any]


def _default_get(row: Mapping[str, Any], name: str) -> Any:
    return row.get(name)


@dataclass(frozen=True)
class Condition:
    """One filter condition: operator, field name, expected value."""

    op: str
    field: str
    value: Any


def require_array(value: Any, name: str) -> Mapping[str, Any] | None:
    """A ``filter``/``order`` parameter as PHP's ``is_array`` sees it, else the legacy refusal.

    ``None`` (absent) stays ``None``; an object is returned as is; a JSON array is a PHP array too (its
    object elements are kept as numbered groups, scalars mean nothing); anything else is refused with
    "Parameter '<name>' must be array." (crm-deal-list.md and every legacy ``*.list`` page).
    """
    if value is None or isinstance(value, Mapping):
        return value
    if isinstance(value, list | tuple):
        return {str(i): v for i, v in enumerate(value) if isinstance(v, Mapping)}
    raise PortalError("", f"Parameter '{name}' must be array.", 400)


def parse_condition(key: str, value: Any) -> Condition:
    """Split ``">=DATE_CREATE"`` into operator and field."""
    for op in _OPERATORS:
        if key.startswith(op) and len(key) > len(op):
            return Condition(op, key[len(op) :], value)
    return Condition("=", key, value)


def filter_fields(flt: Mapping[str, Any] | None) -> list[str]:
    """The field names a filter refers to (for handlers that reject unknown filter fields)."""
    out: list[str] = []
    for key, value in (flt or {}).items():
        if key.lower() == "logic":
            continue
        if key.isdigit() and isinstance(value, Mapping):
            out.extend(filter_fields(value))
            continue
        out.append(parse_condition(key, value).field)
    return out


Predicate = Callable[[Mapping[str, Any]], bool]


def compile_filter(flt: Any, get: Getter = _default_get) -> Predicate:
    """A filter turned into one predicate, parsed once (IN lists become sets); a non-array filter is
    refused (:func:`require_array`)."""
    flt = require_array(flt, "filter")
    if not flt:
        return lambda row: True
    logic = str(flt.get("logic", flt.get("LOGIC", "AND"))).upper()
    parts: list[Predicate] = []
    for key, value in flt.items():
        if key.lower() == "logic":
            continue
        if key.isdigit() and isinstance(value, Mapping):
            parts.append(compile_filter(value, get))
            continue
        parts.append(_compile_condition(parse_condition(key, value), get))
    if not parts:
        return lambda row: True
    if logic == "OR":
        return lambda row: any(part(row) for part in parts)
    if len(parts) == 1:
        return parts[0]
    return lambda row: all(part(row) for part in parts)


def _compile_condition(cond: Condition, get: Getter) -> Predicate:
    negative = cond.op.startswith("!")
    base = cond.op[1:] if negative else cond.op
    if base in ("@", "", "=") and isinstance(cond.value, list | tuple | Mapping):
        options = _as_list(cond.value)
        canon = {_canon(option) for option in options}
        if all(key is not None for key in canon):

            def in_set(row: Mapping[str, Any]) -> bool:
                stored = get(row, cond.field)
                values = stored if isinstance(stored, list | tuple) and stored else [stored]
                hit = any(_canon(value) in canon for value in values)
                return not hit if negative else hit

            return in_set
    if base in _RANGE and not negative:
        fast = _range_predicate(cond, base, get)
        if fast is not None:
            return fast
    return lambda row: _check(get(row, cond.field), cond)


_RANGE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _range_predicate(cond: Condition, base: str, get: Getter) -> Predicate | None:
    """``>``/``>=``/``<``/``<=`` against one number or one datetime, compared without re-parsing the
    filter value per row (keyset pages and ``>=DATE_MODIFY`` scans of 100,000 rows); any stored value the
    fast path does not cover goes through :func:`_check`, so the result is the same."""
    compare = _RANGE[base]
    if _is_empty(cond.value) or isinstance(cond.value, list | tuple | Mapping | bool):
        return None
    number = _number(cond.value)
    if number is not None:

        def by_number(row: Mapping[str, Any]) -> bool:
            stored = get(row, cond.field)
            if type(stored) is int:
                return bool(compare(stored, number))
            return _check(stored, cond)

        return by_number
    moment = _moment(cond.value)
    if moment is None:
        return None

    def by_moment(row: Mapping[str, Any]) -> bool:
        stored = get(row, cond.field)
        # a text whose fifth character is "-" is never a number, so this is _compare's datetime branch
        parsed = _moment_of_text(stored) if type(stored) is str else None
        if parsed is not None:
            return bool(compare(parsed, moment))
        return _check(stored, cond)

    return by_moment


def _canon(value: Any) -> Any:
    """A hashable key equal for values the portal compares as equal (numbers by value, text caselessly)."""
    if value is None or value == "":
        return ""
    number = _number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, bool):
        return "y" if value else "n"
    return None  # not hashable in a meaningful way: fall back to pairwise comparison


def matches(row: Mapping[str, Any], flt: Any, get: Getter = _default_get) -> bool:
    """Whether a row satisfies a filter (AND of its keys unless ``logic: OR``)."""
    return compile_filter(flt, get)(row)


def filter_rows(
    rows: Iterable[Mapping[str, Any]], flt: Any, get: Getter = _default_get
) -> list[Mapping[str, Any]]:
    """The rows that satisfy a filter, in their original order."""
    predicate = compile_filter(flt, get)
    return [row for row in rows if predicate(row)]


# --------------------------------------------------------------------------------------- comparisons
def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return list(value.values())
    return [value]


def _number(value: Any) -> Decimal | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        text = value.strip()
        if not text or not re.fullmatch(r"-?\d+(\.\d+)?", text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return None


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-":
        return None
    return _moment_of_text(value)


@functools.lru_cache(maxsize=1 << 18)
def _moment_of_text(value: str) -> dt.datetime | None:
    """An ISO 8601 text as an aware datetime (the portal's +03:00 when it has no offset); cached, as the
    same stored dates are compared on every scan."""
    if len(value) < 10 or value[4:5] != "-":
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone(dt.timedelta(hours=3)))
    return parsed


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def _compare(stored: Any, expected: Any) -> int | None:
    """-1/0/1 comparing a stored scalar to a filter value; ``None`` when not comparable."""
    if _is_empty(expected):
        return 0 if _is_empty(stored) else 1
    if _is_empty(stored):
        return None
    left_n, right_n = _number(stored), _number(expected)
    if left_n is not None and right_n is not None:
        return (left_n > right_n) - (left_n < right_n)
    left_d, right_d = _moment(stored), _moment(expected)
    if left_d is not None and right_d is not None:
        return (left_d > right_d) - (left_d < right_d)
    if isinstance(stored, bool) or isinstance(expected, bool):
        stored, expected = _yn(stored), _yn(expected)
    left_s, right_s = str(stored).lower(), str(expected).lower()
    return (left_s > right_s) - (left_s < right_s)


def _yn(value: Any) -> Any:
    if value is True:
        return "Y"
    if value is False:
        return "N"
    return value


def _like(pattern: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _check(stored: Any, cond: Condition) -> bool:
    values = _as_list(stored) if isinstance(stored, list | tuple) else [stored]
    if isinstance(stored, list | tuple) and not stored:
        values = [None]
    op = cond.op
    negative = op.startswith("!")
    base = op[1:] if negative else op
    if base in ("", "="):
        base = "="
    hit = any(_check_one(value, base, cond.value) for value in values)
    return not hit if negative else hit


def _check_one(stored: Any, op: str, expected: Any) -> bool:
    if op in ("@", "=") and isinstance(expected, list | tuple | Mapping):
        options = _as_list(expected)
        return any(_compare(stored, option) == 0 for option in options)
    if op == "@":
        return _compare(stored, expected) == 0
    if op == "=":
        return _compare(stored, expected) == 0
    if op in ("%", "=%", "%="):
        if _is_empty(stored):
            return False
        if isinstance(expected, list | tuple):
            return any(_check_one(stored, op, item) for item in expected)
        text = str(expected)
        if op == "%":
            return text.lower() in str(stored).lower()
        return bool(_like(text).fullmatch(str(stored)))
    result = _compare(stored, expected)
    if result is None:
        return False
    return {">": result > 0, ">=": result >= 0, "<": result < 0, "<=": result <= 0}.get(op, False)


# --------------------------------------------------------------------------------------------- order
def order_rows(
    rows: Sequence[Mapping[str, Any]],
    order: Any,
    get: Getter = _default_get,
    *,
    default: Mapping[str, str] | None = None,
) -> list[Mapping[str, Any]]:
    """Sort rows by ``{FIELD: "ASC"|"DESC"}`` (case-insensitive directions); empties sort first on ASC.

    A non-array ``order`` is refused (:func:`require_array`)."""
    order = require_array(order, "order")
    spec = dict(order) if isinstance(order, Mapping) and order else dict(default or {})
    result = list(rows)
    for name, direction in reversed(list(spec.items())):
        text = str(direction).strip().upper()
        if text not in ("ASC", "DESC"):
            raise PortalError("INVALID_ARG_VALUE", f"Invalid sort direction '{direction}' for '{name}'")
        result.sort(key=_key_for(name, get), reverse=text == "DESC")
    return result


def _key_for(name: str, get: Getter) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    def key(row: Mapping[str, Any]) -> tuple[int, Any]:
        return _sort_key(get(row, name))

    return key


def _sort_key(value: Any) -> tuple[int, Any]:
    if _is_empty(value):
        return (0, "")
    number = _number(value)
    if number is not None:
        return (1, number)
    moment = _moment(value)
    if moment is not None:
        return (2, moment.timestamp())
    return (3, str(value).lower())


# ---------------------------------------------------------------------------------------------- page
def parse_start(value: Any) -> int:
    """The ``start`` parameter as Bitrix reads it: -1 (no COUNT), else a non-negative offset."""
    if value is None or value == "":
        return 0
    try:
        start = int(str(value).strip())
    except ValueError:
        return 0
    return -1 if start < 0 else start


def page(rows: Sequence[Any], start: Any) -> ListResult:
    """One 50-row page: ``total`` and ``next`` as the portal sends them; ``start=-1`` -> total 0, no next."""
    offset = parse_start(start)
    if offset == -1:
        return ListResult(list(rows[:PAGE_SIZE]), total=0, next=None)
    chunk = list(rows[offset : offset + PAGE_SIZE])
    following = offset + PAGE_SIZE
    return ListResult(
        chunk,
        total=len(rows),
        next=following if following < len(rows) else None,
        counted=len(rows),
        skipped=min(offset, len(rows)),
    )
