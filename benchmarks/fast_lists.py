"""An index fast path for the emulator's legacy ``crm.*.list`` (benchmarks only, installed per process).

The emulator filters and sorts every row of a table on each list call (about 0.5 s of CPU per page on
100,000 deals), which would swamp the modelled server time the benchmark measures. This wraps the
registered handlers: when the filter only constrains ``ID`` (``>``, ``>=``, ``<``, ``<=``, ``=``/``@``
with whole numbers, or an empty bound as a failed ``$result`` reference leaves it) and the order is by
``ID`` (or absent), the page is cut from a sorted id index with :mod:`bisect`, and the answer (rows,
``total``, ``next``, counted and skipped rows for the cost model) is the one the handler would give;
anything else goes to the original handler. ``tests/benchmarks/test_fast_lists.py`` checks both agree.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from bitrix24_toolkit.testing.emulator.dispatch import load_methods
from bitrix24_toolkit.testing.emulator.methods._crm_common import uf_rows
from bitrix24_toolkit.testing.emulator.methods._crm_directory import ensure_directories
from bitrix24_toolkit.testing.emulator.methods._crm_schema import ENTITIES, EntitySpec
from bitrix24_toolkit.testing.emulator.methods.crm_entities import legacy_select, render_legacy
from bitrix24_toolkit.testing.emulator.query import page, parse_condition
from bitrix24_toolkit.testing.emulator.registry import REGISTRY, Ctx, Handler, ListResult

__all__ = ["COUNTS", "install", "installed", "uninstall"]

_INT = re.compile(r"-?\d+")
_RANGE = (">", ">=", "<", "<=")
_originals: dict[str, tuple[Handler, str]] = {}
_index: dict[int, tuple[int, int, list[int]]] = {}
#: how many list calls took the fast path and how many went to the emulator's handler
COUNTS = {"fast": 0, "fallback": 0}


class _Fallback(Exception):
    """The request is outside the fast path: let the emulator's own handler answer."""


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        raise _Fallback
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value.strip())
    if value is None or value == "":
        return None  # an empty bound (the emulator compares every stored id as greater than it)
    raise _Fallback


def _members(value: Any) -> set[int]:
    values = list(value.values()) if isinstance(value, Mapping) else value
    if not isinstance(values, list | tuple):
        values = [values]
    out = {_number(v) for v in values}
    if not out or None in out:
        raise _Fallback
    return {v for v in out if v is not None}


def _select_ids(ids: list[int], flt: Any, known: set[str]) -> list[int]:
    """The ids (ascending) a filter on ``ID`` only keeps; raises :class:`_Fallback` for other filters."""
    if not isinstance(flt, Mapping):
        return ids
    low, high = 0, len(ids)
    members: set[int] | None = None
    for key, value in flt.items():
        cond = parse_condition(str(key), value)
        if cond.field.upper() not in known:
            continue  # legacy list methods ignore filters on unknown fields
        if cond.field.upper() != "ID":
            raise _Fallback
        if cond.op in _RANGE:
            bound = _number(value)
            if bound is None:  # every id compares greater than an empty bound
                low, high = (low, high) if cond.op.startswith(">") else (high, high)
                continue
            if cond.op == ">":
                low = max(low, bisect.bisect_right(ids, bound))
            elif cond.op == ">=":
                low = max(low, bisect.bisect_left(ids, bound))
            elif cond.op == "<":
                high = min(high, bisect.bisect_left(ids, bound))
            else:
                high = min(high, bisect.bisect_right(ids, bound))
        elif cond.op in ("=", "@"):
            found = _members(value)
            members = found if members is None else members & found
        else:
            raise _Fallback
    if members is None:
        return ids[low:high]
    kept = []
    for wanted in sorted(members):
        at = bisect.bisect_left(ids, wanted)
        if low <= at < high and ids[at] == wanted:
            kept.append(wanted)
    return kept


def _descending(order: Any, known: set[str]) -> bool:
    """Whether the effective order is ``ID DESC`` (False: ``ID ASC``); raises for any other order."""
    spec = {k: v for k, v in order.items() if str(k).upper() in known} if isinstance(order, Mapping) else {}
    if not spec:
        return False
    if [str(k).upper() for k in spec] != ["ID"]:
        raise _Fallback
    direction = str(next(iter(spec.values()))).strip().upper()
    if direction not in ("ASC", "DESC"):
        raise _Fallback
    return direction == "DESC"


def _sorted_ids(table: dict[int, dict[str, Any]]) -> list[int]:
    """The table's ids in ascending order, cached while the table keeps its size and last id."""
    if not table:
        return []
    last = next(reversed(table))
    cached = _index.get(id(table))
    if cached is not None and cached[0] == len(table) and cached[1] == last:
        return cached[2]
    ids = sorted(table)
    _index[id(table)] = (len(table), last, ids)
    return ids


def _fast_handler(spec: EntitySpec, original: Handler) -> Handler:
    known = set(spec.by_name)

    def handler(ctx: Ctx) -> Any:
        ensure_directories(ctx.state)
        ufs = uf_rows(ctx.state, spec)
        uf_names = [str(u["FIELD_NAME"]) for u in ufs]
        table = ctx.state.table(spec.name)
        fields = known | set(uf_names)
        try:
            chosen = _select_ids(_sorted_ids(table), ctx.param("filter"), fields)
            if _descending(ctx.param("order"), fields):
                chosen = chosen[::-1]
        except _Fallback:
            COUNTS["fallback"] += 1
            return original(ctx)
        COUNTS["fast"] += 1
        select = legacy_select(uf_names, spec, ctx.param("select"))
        result: ListResult = page(chosen, ctx.param("start"))
        result.result = [render_legacy(spec, table[i], ufs, select) for i in result.result]
        return result

    return handler


def install() -> None:
    """Route ``crm.{lead,contact,company,deal}.list`` through the index fast path (idempotent)."""
    load_methods()
    for name, spec in ENTITIES.items():
        key = f"crm.{name}.list"
        if key in _originals:
            continue
        handler, scope = REGISTRY[key]
        _originals[key] = (handler, scope)
        REGISTRY[key] = (_fast_handler(spec, handler), scope)


def uninstall() -> None:
    """Restore the emulator's own list handlers."""
    while _originals:
        key, entry = _originals.popitem()
        REGISTRY[key] = entry
    _index.clear()


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """The fast path for the duration of a ``with`` block (tests)."""
    install()
    try:
        yield
    finally:
        uninstall()
