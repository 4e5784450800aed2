"""Task (f), CPU only: 20,000 deals as the portal returns them, decoded raw vs parsed into models."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bitrix24_toolkit.models.crm import Deal
from bitrix24_toolkit.testing.emulator import Emulator

from . import fast_lists
from .tasks import Task, deal_fields

__all__ = ["measure", "portal_rows_json"]

_REPEATS = 3


def portal_rows_json(count: int) -> str:
    """The JSON text of ``count`` deals exactly as ``crm.deal.list`` pages carry them (all fields)."""
    fast_lists.install()
    emu = Emulator(limits="off", operating_limit=None)
    for number in range(1, count + 1):
        emu.call("crm.deal.add", {"fields": deal_fields(number)})
    rows: list[Any] = []
    last = 0
    while True:
        params = {"filter": {">ID": last}, "order": {"ID": "ASC"}, "start": -1}
        page = emu.call("crm.deal.list", params)[1]["result"]
        rows.extend(page)
        if len(page) < 50:
            return json.dumps(rows, ensure_ascii=False)
        last = int(page[-1]["ID"])


def _best(action: Callable[[], object]) -> float:
    times = []
    for _ in range(_REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(task: Task) -> dict[str, Any]:
    """Best-of-3 seconds: ``json.loads`` alone, and ``json.loads`` + ``Deal.model_validate`` per row."""
    text = portal_rows_json(task.size)
    rows = json.loads(text)
    raw = _best(lambda: json.loads(text))
    models = _best(lambda: [Deal.model_validate(row) for row in json.loads(text)])
    parsed = [Deal.model_validate(row) for row in rows]
    return {
        "wall": models,
        "raw_wall": raw,
        "ids": [d.id for d in parsed],
        "note": f"best of {_REPEATS}; {len(text) / 1e6:.1f} MB of JSON",
        "raw_param": _raw_parameter(),
    }


def _raw_parameter() -> str:
    """Whether the list API offers a ``raw=`` path (rows as dicts, no models)."""
    import inspect

    from bitrix24_toolkit.services.entity import EntityCalls

    params = inspect.signature(EntityCalls.list_all).parameters
    return "raw= offered" if "raw" in params else "no raw= parameter on list_all/iter_all"
