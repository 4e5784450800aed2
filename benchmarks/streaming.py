"""Task (g): memory of reading 100,000 deals (all fields): ``iter_all()`` streamed vs ``list_all()`` held.

Each mode runs in its own worker process (peak RSS only grows), against the benchmark's server with its
cost model: ``iter`` consumes ``iter_all()`` row by row keeping nothing, ``iter-raw`` the same with
``raw=True``, ``list`` holds the whole ``list_all()`` result. The worker reports its RSS before the read
and its peak RSS after; the growth is the difference.
"""

from __future__ import annotations

import resource
from typing import Any

__all__ = ["MODES", "current_rss_mb", "peak_rss_mb", "read"]

#: the library each mode stands for in the table
MODES = {"iter": "ours iter_all()", "iter-raw": "ours iter_all(raw=True)", "list": "ours list_all()"}


def current_rss_mb() -> float:
    """This process's resident set now, in MB (Linux ``/proc``; the peak where that is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return peak_rss_mb()
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MB (``ru_maxrss`` is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read(url: str, mode: str) -> dict[str, Any]:
    """Read every deal in ``mode``; the ids (in order) and a note."""
    from bitrix24_toolkit import Bitrix24
    from bitrix24_toolkit.engine.limiter import Limiter

    ids: list[int] = []
    with Bitrix24(url, limits=Limiter.plan("standard")) as b24:
        if mode == "list":
            rows = b24.crm.deal.list_all()
            ids = [row.id or 0 for row in rows]
            held = len(rows)
            return {"ids": ids, "note": f"list_all() holding {held} models"}
        if mode == "iter-raw":
            for raw in b24.crm.deal.iter_all(raw=True):
                ids.append(int(raw["ID"]))
        else:
            for row in b24.crm.deal.iter_all():
                ids.append(row.id or 0)
    return {"ids": ids, "note": "rows consumed one by one, none kept"}
