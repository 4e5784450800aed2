"""Reading every row of a list method as fast as the portal allows, with no row lost or repeated.

Ordered by id (or not ordered), the planner reads by **keyset**: no COUNT past the first page and no deep
OFFSET, which is what makes large reads cheap on a real portal (reference 3):

1. one ``batch`` request probes the list: the first page (with the total) and the highest id;
2. the id span left is split into ranges, each read by one ``batch`` request of up to 50 pages of 50 rows:
   the fewest full requests, or, while the limiter's bucket has room, up to half of that room in smaller
   requests (at least 10 pages each) that the portal serves side by side;
3. each range is read by a chain of pages inside one request, page *k* asking for ids above the last id of
   page *k-1* (``$result[p(k-1)][49][ID]``) and not above the range's end; the ranges go in parallel;
4. a short page ends its range; a range read only partly (denser than estimated) goes on in a later round.

Rows come out in id order, each exactly once (a row is handed out only if its id is above the last one
handed out from its range, so rows deleted or moved during the scan never cause duplicates). Ordered by
another field, pages are read by offset: the first page gives the total, the rest are fetched in batches.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from ..errors import InvalidInputError
from ..protocol.batch import MAX_BATCH, Batch, BatchChunk, Outcome, Ref
from ..protocol.call import Call, Emit, Headroom, Parallel, Stream
from ..protocol.envelope import APIResponse
from ..protocol.rows import rows_of
from .common import split_operator

__all__ = ["PAGE_SIZE", "STREAM_WINDOW_ROWS", "iterate", "raw_row_id", "raw_rows"]

T = TypeVar("T")
PAGE_SIZE: Final = 50
#: The fewest pages one request of a spread read chains (smaller requests cost more than they save).
MIN_CHAIN: Final = 10
#: A runaway guard: more rounds than this means the portal keeps inventing rows.
_MAX_ROUNDS: Final = 100_000
#: The most rows read ahead of the consumer (5 full ``batch`` requests): a stream of a million rows holds
#: no more than this plus the page being consumed, and asks for more only when the consumer has taken them.
#: A read of at most twice this many rows goes in one round (so what any stream holds stays under that).
STREAM_WINDOW_ROWS: Final = 12_500


def _model(parse_rows: Callable[[APIResponse], Any]) -> type[Any] | None:
    """The model a rows parser reads pages into as they are (``rows_model``, set by ``stream_rows``)."""
    return getattr(parse_rows, "rows_model", None)


def _keyset_ok(order: Mapping[str, str] | None, id_field: str) -> bool:
    if not order:
        return True
    return list(order) == [id_field] and str(order[id_field]).upper() == "ASC"


def _raw(response: APIResponse) -> APIResponse:
    return response


def raw_rows(response: APIResponse) -> list[dict[str, Any]]:
    """The rows of a list answer as the portal sent them (``items`` wrapper or plain list)."""
    return rows_of(response.result)


def raw_row_id(row: Mapping[str, Any]) -> int | None:
    """The id of a raw row (``ID`` or ``id``)."""
    value = row.get("ID", row.get("id"))
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _params(base: Mapping[str, Any], flt: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """Call parameters; an empty filter is left out (in a batch command it would read as ``[""]``)."""
    params = {**base, **extra}
    if flt:
        params["filter"] = dict(flt)
    return params


@dataclass
class _Range:
    after: int  # ids above this ...
    upper: int  # ... and not above this
    rows: list[Any] = field(default_factory=list)
    done: bool = False


def iterate(
    method: str,
    params: Mapping[str, Any],
    parse_rows: Callable[[APIResponse], list[T]],
    row_id: Callable[[T], int | None],
    *,
    id_field: str = "ID",
    limit: int | None = None,
    wrapper: str | None = None,
    by_offset: bool = False,
) -> Stream[T]:
    """Stream the rows of a list method (see the module docstring); ``limit`` caps the rows.

    ``wrapper`` names the key that holds the rows in the answer (``items`` for ``crm.item.list`` and
    ``crm.stagehistory.list``), so batch references can reach the last id of a page.
    ``by_offset=True`` reads by offset pages whatever the order (lists whose rows have no id).
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidInputError(
            f"limit must be a whole number >= 0 (or None for every row), not {limit!r}", field="limit"
        )
    base = dict(params)
    flt = dict(base.pop("filter", None) or {})
    if any(str(key).lower() == "logic" for key in flt):
        # an OR at the top would OR the planner's id bounds too (crm.item.list): keep it as one group
        flt = {"0": flt}
    order = base.pop("order", None)
    base.pop("start", None)
    select = base.get("select")
    if not by_offset and select and "*" not in select and id_field not in select:
        base["select"] = [*select, id_field]
    if limit is not None and limit <= 0:
        return
    if not by_offset and _keyset_ok(order, id_field):
        yield from _keyset(method, base, flt, parse_rows, row_id, id_field, limit, wrapper)
    else:
        yield from _offset(method, base, flt, order, parse_rows, row_id, limit)


def _keyset(
    method: str,
    base: dict[str, Any],
    flt: dict[str, Any],
    parse_rows: Callable[[APIResponse], list[T]],
    row_id: Callable[[T], int | None],
    id_field: str,
    limit: int | None,
    wrapper: str | None,
) -> Stream[T]:
    ascending = {id_field: "ASC"}
    probe: list[Outcome[APIResponse]] = yield Batch(
        [
            Call(method, _params(base, flt, order=ascending, start=0), parse=_raw, read_only=True),
            Call(
                method,
                _params(base, flt, select=[id_field], order={id_field: "DESC"}, start=-1),
                parse=_raw,
                read_only=True,
            ),
        ]
    )
    first = probe[0].unwrap()
    rows = parse_rows(first)
    total = first.total or 0
    emitted = 0
    if rows:
        take = rows if limit is None else rows[:limit]
        emitted += len(take)
        yield Emit(take, total=total if limit is None else min(total, limit))
    last_rows = parse_rows(probe[1].unwrap())
    if (
        len(rows) < PAGE_SIZE
        or total <= len(rows)
        or not last_rows
        or (limit is not None and emitted >= limit)
    ):
        return
    start_id = max(k for k in (row_id(r) for r in rows) if k is not None)
    end_id = row_id(last_rows[0])
    if end_id is None or end_id <= start_id:
        return
    remaining = total - len(rows)
    if limit is not None:
        remaining = min(remaining, limit - emitted)
    density = remaining / (end_id - start_id)
    pages = math.ceil(remaining / PAGE_SIZE)
    # full ranges (50 pages a request) are the fewest requests; while the bucket has room, the read spreads
    # over up to half of it, each request chaining fewer pages, so the portal serves them side by side
    room: int = yield Headroom()
    count = max(1, math.ceil(pages / MAX_BATCH), min(room // 2, math.ceil(pages / MIN_CHAIN)))
    per_range = math.ceil(pages / count)
    span = end_id - start_id
    ranges = [_Range(start_id + span * i // count, start_id + span * (i + 1) // count) for i in range(count)]
    # keys the planner owns: the user's own bounds on the id are already honoured by the probe
    user_filter = {
        k: v for k, v in flt.items() if split_operator(k) not in ((">", id_field), ("<=", id_field))
    }
    path: tuple[str | int, ...] = (wrapper, PAGE_SIZE - 1, id_field) if wrapper else (PAGE_SIZE - 1, id_field)
    position = 0
    chain = min(MAX_BATCH, per_range + 2)  # pages one request may chain (slack for uneven ids)
    window = max(1, STREAM_WINDOW_ROWS // (chain * PAGE_SIZE))  # ranges read ahead of the consumer
    if remaining <= 2 * STREAM_WINDOW_ROWS:
        window = len(ranges)  # a read this small goes in one round: what it holds stays under 2 windows
    for _ in range(_MAX_ROUNDS):
        active = [r for r in ranges[position : position + window] if not r.done]
        if not active:
            break
        chunks = [
            _chain(method, base, user_filter, r, density, id_field, path, parse_rows, chain) for r in active
        ]
        results: list[Any] = yield Parallel([chunk.call() for chunk in chunks])
        _absorb_all(active, chunks, results, row_id)
        del results, chunks  # the pages live on only in their ranges' rows, until handed out
        while position < len(ranges) and ranges[position].done:
            batch_rows = ranges[position].rows
            ranges[position].rows = []
            if limit is not None:
                batch_rows = batch_rows[: limit - emitted]
            if batch_rows:
                emitted += len(batch_rows)
                yield Emit(batch_rows)
            if limit is not None and emitted >= limit:
                return
            position += 1


def _chain(
    method: str,
    base: dict[str, Any],
    flt: dict[str, Any],
    rng: _Range,
    density: float,
    id_field: str,
    path: tuple[str | int, ...],
    parse_rows: Callable[[APIResponse], list[T]],
    most: int = MAX_BATCH,
) -> BatchChunk:
    """One request reading a range: as many chained pages as the range is estimated to hold (``most``)."""
    estimate = math.ceil(max(1.0, density * (rng.upper - rng.after)) / PAGE_SIZE)
    pages = max(1, min(most, estimate))
    calls: list[tuple[str, Call[Any]]] = []
    for index in range(pages):
        lower: Any = rng.after if index == 0 else Ref(f"p{index - 1}", *path)
        page_filter = {**flt, ">" + id_field: lower, "<=" + id_field: rng.upper}
        params = {**base, "filter": page_filter, "order": {id_field: "ASC"}, "start": -1}
        # each page is parsed as its answer arrives (in the sender's worker), so the raw rows are freed early
        calls.append(
            (
                f"p{index}",
                Call(method, params, parse=parse_rows, read_only=True, rows_model=_model(parse_rows)),
            )
        )
    return BatchChunk(calls)


def _absorb_all(
    active: Sequence[_Range],
    chunks: Sequence[BatchChunk],
    results: Sequence[Any],
    row_id: Callable[[T], int | None],
) -> None:
    for rng, chunk, result in zip(active, chunks, results, strict=True):
        if isinstance(result, BaseException):
            raise result
        _absorb(rng, chunk, result, row_id)


def _absorb(
    rng: _Range,
    chunk: BatchChunk,
    outcomes: Mapping[str, Outcome[list[T]]],
    row_id: Callable[[T], int | None],
) -> None:
    """Take a range's (parsed) pages in order until a short one; keep only ids above the last one taken."""
    for key, _ in chunk.calls:
        page = outcomes[key].unwrap()
        for row in page:
            key_id = row_id(row)
            if key_id is not None and rng.after < key_id <= rng.upper:
                rng.rows.append(row)
                rng.after = key_id
        if len(page) < PAGE_SIZE:
            rng.done = True
            return
    if rng.after >= rng.upper:
        rng.done = True


def _offset(
    method: str,
    base: dict[str, Any],
    flt: dict[str, Any],
    order: Mapping[str, str] | None,
    parse_rows: Callable[[APIResponse], list[T]],
    row_id: Callable[[T], int | None],
    limit: int | None,
) -> Stream[T]:
    """Offset pages for other orders: the first page gives the total, the others come in parallel batches."""
    params = _params(base, flt, **({"order": dict(order)} if order else {}))
    first: APIResponse = yield Call(method, {**params, "start": 0}, parse=_raw, read_only=True)
    seen: set[int] = set()
    emitted = 0

    def fresh(rows: Sequence[T]) -> list[T]:
        out = []
        for row in rows:
            key = row_id(row)
            if key is not None and key in seen:
                continue  # a row that moved between pages under an offset scan: never twice
            if key is not None:
                seen.add(key)
            out.append(row)
        return out if limit is None else out[: limit - emitted]

    rows = fresh(parse_rows(first))
    total = first.total or 0
    if rows:
        emitted += len(rows)
        yield Emit(rows, total=total if limit is None else min(total, limit))
    end = total if limit is None else min(total, limit + PAGE_SIZE)
    starts = list(range(first.next or total, end, PAGE_SIZE)) if first.next is not None else []
    if not starts or (limit is not None and emitted >= limit):
        return
    step = max(1, STREAM_WINDOW_ROWS // PAGE_SIZE)  # pages read ahead of the consumer
    for at in range(0, len(starts), step):
        pages: list[Outcome[list[T]]] = yield Batch(
            [
                Call(
                    method,
                    {**params, "start": s},
                    parse=parse_rows,
                    read_only=True,
                    rows_model=_model(parse_rows),
                )
                for s in starts[at : at + step]
            ]
        )
        for outcome in pages:
            rows = fresh(outcome.unwrap())
            if rows:
                emitted += len(rows)
                yield Emit(rows)
            if limit is not None and emitted >= limit:
                return
        del pages
