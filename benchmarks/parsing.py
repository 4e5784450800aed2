"""Task (f): 20,000 full deal rows as the server sends them (50-row pages), decoded several ways; end to end.

CPU only, on the page bodies fetched once from the benchmark's server (the fake portal by default), each
page decoded and dropped before the next (the parse of a page): ``raw``: ``json.loads`` of the body;
``models``: that plus the envelope check and ``Deal.model_validate`` per row (what ``list_all`` does);
``raw=True``: that plus the envelope check and the rows as dicts (what ``list_all(raw=True)`` does);
``bytes``: the body's bytes validated straight into ``Deal`` rows (``protocol.typed_pages.PageDecoder``,
the same answer; in the note). ``held``: ``models`` and ``raw`` again keeping all 20,000 rows at once (the
garbage collector then walks every model kept; in the note). End to end, against the same server with no
cost model: typed ``list_all()`` vs ``list_all(raw=True)`` over every deal (all fields).
``benchmarks/parse_callgrind.py`` gives the same ratios as instruction counts (deterministic).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from bitrix24_toolkit.models.crm import Deal
from bitrix24_toolkit.protocol.envelope import parse_envelope

from .tasks import Task

__all__ = ["measure", "page_bodies"]

_REPEATS = 3


def page_bodies(url: str, count: int) -> list[bytes]:
    """The raw bodies of the ``crm.deal.list`` pages (all fields, keyset by id), up to ``count`` deals."""
    bodies: list[bytes] = []
    last = 0
    with httpx.Client(timeout=60) as http:
        while len(bodies) * 50 <= count:
            params = {"filter": {">ID": last}, "order": {"ID": "ASC"}, "start": -1}
            answer = http.post(url + "crm.deal.list.json", json=params)
            answer.raise_for_status()
            bodies.append(answer.content)
            rows = json.loads(answer.content)["result"]
            if len(rows) < 50:
                return bodies
            last = int(rows[-1]["ID"])
    return bodies


def _best(action: Callable[[], object], repeats: int = _REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _models(bodies: list[bytes]) -> list[Deal]:
    return [Deal.model_validate(row) for body in bodies for row in parse_envelope(json.loads(body)).result]


def _each(decode: Callable[[bytes], object]) -> Callable[[list[bytes]], None]:
    """Decode every page, dropping each before the next (what a stream of pages costs)."""

    def run(bodies: list[bytes]) -> None:
        for body in bodies:
            decode(body)

    return run


def _model_page(body: bytes) -> list[Deal]:
    return [Deal.model_validate(row) for row in parse_envelope(json.loads(body)).result]


def _bytes_path() -> Callable[[bytes], object] | None:
    """The rows of a page read from its bytes (``None`` when the package has no ``PageDecoder``)."""
    try:
        from bitrix24_toolkit.protocol.typed_pages import PageDecoder
    except ImportError:
        return None
    decoder = PageDecoder(Deal)

    def read(body: bytes) -> object:
        answer = decoder.page(body)
        if answer is None:
            raise RuntimeError("PageDecoder declined a plain page of the benchmark's server")
        return answer.result

    return read


def _list_all_reads_bytes() -> bool:
    """Whether ``list_all()`` reads its pages' bytes straight into models (calls carry ``rows_model``)."""
    from bitrix24_toolkit.protocol.call import Call

    return "rows_model" in getattr(Call, "__dataclass_fields__", {})


def _raw_path() -> Callable[[list[bytes]], object] | None:
    """The ``raw=True`` row path of ``list_all`` (``None`` when the API has none)."""
    import inspect

    from bitrix24_toolkit.services.entity import EntityCalls

    if "raw" not in inspect.signature(EntityCalls.list_all).parameters:
        return None
    try:
        from bitrix24_toolkit.services.paging import raw_rows
    except ImportError:
        return None
    return _each(lambda body: raw_rows(parse_envelope(json.loads(body))))


def _end_to_end(url: str) -> tuple[float, float, int]:
    """Best-of-2 seconds of typed ``list_all()`` and of ``list_all(raw=True)``; the rows read."""
    from bitrix24_toolkit import Bitrix24

    counted: list[int] = []
    with Bitrix24(url) as b24:

        def typed() -> None:
            counted.append(len(b24.crm.deal.list_all()))

        def raw() -> None:
            counted.append(len(b24.crm.deal.list_all(raw=True)))

        typed()  # warm up: connections, model and field caches
        typed_wall = _best(typed, 2)
        raw_wall = _best(raw, 2)
    return typed_wall, raw_wall, min(counted)


def measure(task: Task, url: str) -> dict[str, Any]:
    """Best-of-3 seconds of each decode path over the same page bodies, then end to end."""
    bodies = page_bodies(url, task.size)
    raw = _best(lambda: _each(json.loads)(bodies))
    models = _best(lambda: _each(_model_page)(bodies))
    raw_path, from_bytes = _raw_path(), _bytes_path()
    read = None if from_bytes is None else _best(lambda: _each(from_bytes)(bodies))
    raw_held = _best(lambda: [json.loads(body) for body in bodies])
    models_held = _best(lambda: _models(bodies))
    megabytes = sum(len(b) for b in bodies) / 1e6
    typed_wall, raw_wall, rows = _end_to_end(url)
    note = f"best of {_REPEATS}, per page; {len(bodies)} pages, {megabytes:.1f} MB of JSON"
    wall = models
    if read is not None and _list_all_reads_bytes():
        wall = read  # what list_all() does: the bytes path
        note += f"; list_all reads bytes; json.loads + model per row {models / raw:.2f}x raw"
    elif read is not None:
        note += f"; from bytes (PageDecoder, not used by list_all yet) {read / raw:.2f}x raw"
    note += f"; all rows held: {models_held / raw_held:.2f}x raw held"
    return {
        "wall": wall,
        "models_wall": models,
        "raw_wall": raw,
        "raw_path_wall": None if raw_path is None else _best(lambda: raw_path(bodies)),
        "bytes_wall": read,
        "held_wall": models_held,
        "raw_held_wall": raw_held,
        "e2e_typed_wall": typed_wall,
        "e2e_raw_wall": raw_wall,
        "e2e_rows": rows,
        "ids": [d.id for d in _models(bodies)],
        "note": note,
    }
