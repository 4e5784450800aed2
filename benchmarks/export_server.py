"""The emulator's HTTP server with many seeded deals, in its own process, for the export benchmark.

    python -m benchmarks.export_server --deals 100000 [--limits standard] [--no-cost]

prints two lines, the webhook URL (the emulator's own HTTP server: the standard plan's bucket, burst 50
then 2 requests/s, 503 beyond; the 480 s operating budget) and the control URL, then serves until killed.
The deals (with 2-4 stage-history rows each) are written by
:func:`bitrix24_toolkit.testing.emulator.seed_deals`, straight into the store: no request is spent on them.
The cost model is the one of :mod:`benchmarks.emulator_process` (30 ms per request, 0.2 ms per returned row,
5 ms per batch command, slept outside the portal lock).

The harness starts it with :class:`ExportServer`. The control port reads the portal's store directly,
without touching its limits or statistics: ``GET /_stats`` (requests, 503s, 429s, rows returned, calls per
method), ``POST /_reset`` (an empty bucket, cleared operating budgets, zeroed statistics; the data stays),
``GET /_deals`` (``[id, TITLE, OPPORTUNITY, STAGE_ID, DATE_MODIFY]`` of every deal) and ``GET /_history``
(the ids of the deals' stage-history rows).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.emulator_process import serve_with_control
from benchmarks.proc_servers import EmulatorProcess

__all__ = ["DEAL_COLUMNS", "ExportServer", "main"]

ROOT = Path(__file__).resolve().parent.parent

#: what ``/_deals`` gives per deal, in this order
DEAL_COLUMNS = ("ID", "TITLE", "OPPORTUNITY", "STAGE_ID", "DATE_MODIFY")


class _Portal:
    """One seeded emulator and what the harness asks of it."""

    def __init__(self, deals: int, limits: str, cost: bool) -> None:
        from bitrix24_toolkit.testing.emulator import Emulator, seed_deals
        from bitrix24_toolkit.testing.emulator.cost import CostModel

        self.plan = limits
        self.emu = Emulator(limits=limits, operating_limit=480.0)
        seed_deals(self.emu, deals)
        if cost:
            self.emu.cost = CostModel(
                per_request=0.03,
                per_row=0.0002,
                per_batch_command=0.005,
                per_counted_row=0.0,
                per_skipped_row=0.0,
                sleep=True,
            )
        self.emu.reset_stats()

    def stats(self) -> dict[str, Any]:
        with self.emu.lock:
            data = self.emu.stats.as_dict()
        data["status_503"] = data.pop("rejected_rate")
        data["status_429"] = data.pop("rejected_operating")
        return data

    def reset(self) -> dict[str, Any]:
        emu = self.emu
        with emu.lock:
            emu.limits = self.plan  # a new, empty bucket
            emu.operating.clear()
            emu.reset_stats()
        return {"ok": True}

    def deals(self) -> dict[str, Any]:
        with self.emu.lock:
            rows = [[row.get(key) for key in DEAL_COLUMNS] for row in self.emu.state.table("deal").values()]
        return {"columns": list(DEAL_COLUMNS), "rows": rows}

    def history(self) -> dict[str, Any]:
        from bitrix24_toolkit.testing.emulator.methods.crm_stagehistory import TABLE

        with self.emu.lock:
            table = self.emu.state.table(TABLE)
            ids = sorted(int(k) for k, row in table.items() if int(row.get("ENTITY_TYPE_ID") or 0) == 2)
        return {"ids": ids}


def _handler(portal: _Portal) -> type[BaseHTTPRequestHandler]:
    routes: dict[str, Callable[[], dict[str, Any]]] = {
        "/_stats": portal.stats,
        "/_reset": portal.reset,
        "/_deals": portal.deals,
        "/_history": portal.history,
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            route = routes.get(urlsplit(self.path).path)
            status, payload = (404, {"error": "unknown"}) if route is None else (200, route())
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

    return Handler


class ExportServer(EmulatorProcess):
    """The harness's handle on ``python -m benchmarks.export_server`` (started here, stopped on exit)."""

    name = "emulator (own process)"
    module = "benchmarks.export_server"

    def stats(self) -> dict[str, Any]:
        """Requests, 503s, 429s, rows returned and calls per method since the last reset."""
        data: dict[str, Any] = self.call("/_stats")
        return data

    def reset(self, *, data: bool = False) -> None:
        """An empty bucket and operating budgets, zeroed statistics (the data stays)."""
        self.call("/_reset", post=True)


def main(argv: list[str] | None = None) -> int:
    """Serve the seeded emulator and its control port until killed; print both URLs first."""
    return serve_with_control("python -m benchmarks.export_server", 100_000, _Portal, _handler, argv)

if __name__ == "__main__":
    sys.exit(main())
