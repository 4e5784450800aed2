"""One (task, library) run in its own process: ``python -m benchmarks.worker SPEC.json``.

The spec names the task, the library, the webhook URL and where to write the answer (JSON): ``wall``
seconds of the task itself (imports and process start excluded), the ids got back, a note, or ``error``
/ ``na`` (the library cannot do the task), and the worker's own memory: ``rss_before_mb`` (after the
imports) and ``peak_rss_mb`` (``ru_maxrss`` at the end). The parent kills the process when the task's
time is up.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .peers import RUNNERS, NotApplicable
from .streaming import current_rss_mb, peak_rss_mb
from .tasks import Task

__all__ = ["main"]

#: modules each library needs for the tasks (ours: the typed namespaces and models load on first use)
_IMPORTS = {
    "ours": (
        "bitrix24_toolkit",
        "bitrix24_toolkit.models",
        "bitrix24_toolkit.services.root",
        "bitrix24_toolkit.client.sync_api",
        "bitrix24_toolkit.client.async_api",
    ),
    "fast": ("fast_bitrix24",),
    "b24pysdk": ("b24pysdk",),
}


def _run(spec: dict[str, Any]) -> dict[str, Any]:
    task = Task(**spec["task"])
    if task.key == "f":
        from .parsing import measure

        return measure(task, spec["url"])
    if task.key == "g":
        from .streaming import read

        for module in _IMPORTS["ours"]:
            importlib.import_module(module)
        before = current_rss_mb()
        start = time.perf_counter()
        answer = read(spec["url"], spec["mode"])
        return {**answer, "wall": time.perf_counter() - start, "rss_before_mb": before}
    runner = RUNNERS[spec["peer"]]
    for module in _IMPORTS.get(spec["peer"].split("-")[0], ()):  # imports are not the task: before the clock
        importlib.import_module(module)
    before = current_rss_mb()
    start = time.perf_counter()
    try:
        answer = runner(task, spec["url"], spec["secret"], spec["ids"])
    except NotApplicable as exc:
        return {"na": str(exc)}
    except Exception as exc:
        detail = traceback.format_exception_only(exc)[-1].strip()
        return {"error": detail[:300], "wall": time.perf_counter() - start, "rss_before_mb": before}
    return {**answer, "wall": time.perf_counter() - start, "rss_before_mb": before}


def main(argv: list[str]) -> int:
    """Run the spec in ``argv[1]`` and write the answer next to it (``<spec>.out.json``)."""
    spec_path = Path(argv[1])
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    out = _run(spec)
    out["peak_rss_mb"] = peak_rss_mb()
    Path(spec["answer"]).write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
