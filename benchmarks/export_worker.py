"""One exporting process of the export benchmark: ``python -m benchmarks.export_worker SPEC.json``.

``spec["kind"]`` is ``export`` (``helpers.export`` of the deals and their stage history into
``spec["target"]``, through a client with the standard plan's limiter) or ``fast`` (the peer fast-bitrix24
reading every deal into memory with ``get_all``; it writes no database). The answer (JSON, at
``spec["answer"]``) holds ``wall`` (the work itself: imports and process start excluded), ``db_seconds``
(of that wall, the time spent in database statements, commits included), the export's per-table report or
the peer's row and unique-id counts, ``rss_before_mb`` (after the imports) and ``peak_rss_mb``
(``ru_maxrss`` at the end), or ``error``. The harness may SIGKILL this process in the middle of an export
(the interrupted run): then there is no answer.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .streaming import current_rss_mb, peak_rss_mb

__all__ = ["SELECT", "main"]

#: what the peer reads: every standard and custom field, as the export does
SELECT = ["*", "UF_*"]


class _TimedConnection:
    """A DB-API connection whose ``execute`` adds its seconds to ``spent`` (the rest passes through)."""

    def __init__(self, connection: Any, spent: list[float]) -> None:
        self._connection = connection
        self._spent = spent

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self._connection.execute(*args, **kwargs)
        finally:
            self._spent[0] += time.perf_counter() - start

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def _time_database() -> list[float]:
    """Sum the seconds the export spends in its database statements (BEGIN/COMMIT included): the
    connection ``Database`` is given is wrapped, here in the benchmark's process only; nothing is changed
    in what the export does."""
    from bitrix24_toolkit.helpers.db_export import _targets

    spent = [0.0]
    original = _targets.Database.__init__

    def init(self: Any, dialect: Any, connection: Any, *args: Any, **kwargs: Any) -> None:
        original(self, dialect, _TimedConnection(connection, spent), *args, **kwargs)

    _targets.Database.__init__ = init  # type: ignore[method-assign]
    return spent


def _export(spec: dict[str, Any]) -> dict[str, Any]:
    from bitrix24_toolkit import Bitrix24
    from bitrix24_toolkit.engine.limiter import Limiter
    from bitrix24_toolkit.helpers import export

    spent = _time_database()
    with Bitrix24(spec["url"], limits=Limiter.plan("standard")) as b24:
        before = current_rss_mb()
        start = time.perf_counter()
        report = export(
            b24,
            spec["target"],
            entities=spec.get("entities", ["deal"]),
            include=spec.get("include", ["stagehistory"]),
            full=bool(spec.get("full", False)),
        )
        wall = time.perf_counter() - start
    tables = {
        name: {
            "mode": r.mode,
            "read": r.read,
            "written": r.written,
            "deleted": r.deleted,
            "added_columns": list(r.added_columns),
            "removed_columns": list(r.removed_columns),
        }
        for name, r in report.entities.items()
    }
    return {
        "wall": wall,
        "db_seconds": spent[0],
        "rss_before_mb": before,
        "tables": tables,
        "target": report.target,
    }


def _fast(spec: dict[str, Any]) -> dict[str, Any]:
    from fast_bitrix24 import Bitrix  # type: ignore[import-untyped]

    bitrix = Bitrix(spec["url"], verbose=False)
    before = current_rss_mb()
    start = time.perf_counter()
    rows = bitrix.get_all("crm.deal.list", {"select": SELECT})
    wall = time.perf_counter() - start
    ids = [int(row["ID"]) for row in rows]
    return {"wall": wall, "rss_before_mb": before, "rows": len(ids), "unique": len(set(ids))}


def main(argv: list[str]) -> int:
    """Run the spec in ``argv[1]`` and write the answer where it says."""
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    try:
        out = _fast(spec) if spec["kind"] == "fast" else _export(spec)
    except Exception as exc:  # the harness reports it; the traceback's last line says what failed
        out = {"error": traceback.format_exception_only(exc)[-1].strip()[:400]}
    out["peak_rss_mb"] = peak_rss_mb()
    Path(spec["answer"]).write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
