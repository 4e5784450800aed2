"""The rows of a list answer, whatever shape the portal gave them, and chunks of values: each in one place.

List methods answer in several shapes (reference 2.2, 5.x): a bare array; an object wrapping it under
``items`` (``crm.item.list``, ``crm.stagehistory.list``), ``tasks``, ``rows`` or another documented key; a
PHP array with gaps, rendered as an object keyed ``"0"``, ``"3"`` ...; and ``[]``, ``null``, ``""`` or
``false`` for nothing. :func:`rows_of` turns every one of them into a list of row dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TypeVar

from ..errors import ResponseFormatError

__all__ = ["WRAPPERS", "chunked", "rows_of"]

T = TypeVar("T")

#: Keys under which list methods wrap their rows.
WRAPPERS: Final = ("items", "tasks", "rows", "categories", "productRows")
_EMPTY: Final = (None, "", False)


def rows_of(result: Any, wrapper: str | None = None) -> list[dict[str, Any]]:
    """The row dicts of a list answer's ``result`` (``wrapper``: the key that holds them, when known).

    Scalars among the rows are skipped. A ``result`` that holds no rows in any known shape (a number, a
    text, an object that is neither a wrapper nor a PHP array) is a
    :class:`~bitrix24_toolkit.errors.ResponseFormatError`.
    """
    raw = result
    if isinstance(raw, Mapping):
        raw = _unwrap(raw, wrapper)
    if raw in _EMPTY:
        return []
    if isinstance(raw, str | bytes | int | float) or not isinstance(raw, Iterable):
        raise _not_rows(result)
    return [row for row in raw if isinstance(row, dict)]


def _unwrap(raw: Mapping[Any, Any], wrapper: str | None) -> Any:
    if not raw:
        return []
    known = (wrapper, *WRAPPERS) if wrapper is not None else WRAPPERS
    key = next((k for k in known if k in raw), None)
    if key is None:
        if all(str(k).isdigit() for k in raw):  # a PHP array with gaps comes as an object keyed by position
            return list(raw.values())
        lists = [k for k, v in raw.items() if isinstance(v, list)]
        if len(lists) != 1:
            raise _not_rows(raw)
        key = lists[0]  # a wrapper of another name: the one list in the object
    inner = raw[key]
    if isinstance(inner, Mapping):
        return list(inner.values()) if all(str(k).isdigit() for k in inner) else []
    return inner


def _not_rows(result: Any) -> ResponseFormatError:
    snippet = repr(result)[:200]
    return ResponseFormatError(
        f"expected a list of rows, got {snippet}", status_code=None, snippet=snippet, method=None
    )


def chunked(values: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive slices of at most ``size`` values, in order (the last one may be shorter)."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    return [list(values[i : i + size]) for i in range(0, len(values), size)]
