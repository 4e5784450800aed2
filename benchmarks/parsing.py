"""Task (f), CPU only: 20,000 deals as the portal sends them (50-row pages), decoded three ways.

``raw``: ``json.loads`` of each page body; ``models``: that plus the envelope check and
``Deal.model_validate`` per row (what ``list_all`` does); ``raw=True``: that plus the envelope check and
the rows as dicts (what ``list_all(raw=True)`` does), when the API offers it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bitrix24_toolkit.models.crm import Deal
from bitrix24_toolkit.protocol.envelope import parse_envelope
from bitrix24_toolkit.testing.emulator import Emulator

from .tasks import Task, deal_fields

__all__ = ["measure", "page_bodies"]

_REPEATS = 3


def page_bodies(count: int) -> list[str]:
    """The JSON bodies of the ``crm.deal.list`` pages (all fields) holding ``count`` deals."""
    emu = Emulator(limits="off", operating_limit=None)
    for number in range(1, count + 1):
        emu.call("crm.deal.add", {"fields": deal_fields(number)})
    bodies: list[str] = []
    last = 0
    while True:
        params = {"filter": {">ID": last}, "order": {"ID": "ASC"}, "start": -1}
        payload = emu.call("crm.deal.list", params)[1]
        bodies.append(json.dumps(payload, ensure_ascii=False))
        if len(payload["result"]) < 50:
            return bodies
        last = int(payload["result"][-1]["ID"])


def _best(action: Callable[[], object]) -> float:
    times = []
    for _ in range(_REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _models(bodies: list[str]) -> list[Deal]:
    return [Deal.model_validate(row) for body in bodies for row in parse_envelope(json.loads(body)).result]


def _raw_path() -> Callable[[list[str]], object] | None:
    """The ``raw=True`` row path of ``list_all`` (``None`` when the API has none)."""
    import inspect

    from bitrix24_toolkit.services.entity import EntityCalls

    if "raw" not in inspect.signature(EntityCalls.list_all).parameters:
        return None
    try:
        from bitrix24_toolkit.services.paging import raw_rows
    except ImportError:
        return None
    return lambda bodies: [raw_rows(parse_envelope(json.loads(body))) for body in bodies]


def measure(task: Task) -> dict[str, Any]:
    """Best-of-3 seconds of each path over the same page bodies."""
    bodies = page_bodies(task.size)
    raw = _best(lambda: [json.loads(body) for body in bodies])
    models = _best(lambda: _models(bodies))
    raw_path = _raw_path()
    megabytes = sum(len(b) for b in bodies) / 1e6
    return {
        "wall": models,
        "raw_wall": raw,
        "raw_path_wall": None if raw_path is None else _best(lambda: raw_path(bodies)),
        "ids": [d.id for d in _models(bodies)],
        "note": f"best of {_REPEATS}; {len(bodies)} pages, {megabytes:.1f} MB of JSON",
    }
