"""This project's emulator served over HTTP in its own process, with a control port for the benchmark.

    python -m benchmarks.emulator_process --deals 20000 [--limits standard] [--no-cost]

prints two lines: the webhook URL (``http://127.0.0.1:<port>/rest/1/<secret>/``, the emulator's own HTTP
server with its standard-plan bucket and 480 s operating budget) and the control URL
(``http://127.0.0.1:<port2>``), then serves until killed. The control port answers what the harness needs
without touching the portal's limits: ``GET /_stats`` (requests, 503s, 429s, refreshes, token-endpoint
requests), ``POST /_reset`` (the seeded portal back: no leads, an empty bucket, zeroed statistics;
``?data=0``: the bucket and statistics only),
``GET /_leads`` (titles), ``GET /_deals`` (ids), ``POST /_oauth/issue`` (a token pair whose
``client_endpoint`` is the served URL), ``POST /_oauth/expire``, ``POST /_offline/seed?events=N`` (binds
an offline ``ONCRMLEADADD`` for the app and adds N leads directly, each queueing one offline event) and
``GET /_offline/left`` (offline records still queued, reserved, marked erroneous).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "main", "serve_with_control"]

CLIENT_ID = "local.bench.app"
CLIENT_SECRET = "bench-app-secret"
OFFLINE_EVENT = "ONCRMLEADADD"


class _Control:
    """The harness side of one served emulator."""

    def __init__(self, deals: int, limits: str, cost: bool) -> None:
        from bitrix24_toolkit.testing.emulator import Emulator
        from bitrix24_toolkit.testing.emulator.cost import CostModel

        from .tasks import deal_fields

        self.plan = limits
        builder = Emulator(limits="off", operating_limit=None)
        for number in range(1, deals + 1):
            builder.call("crm.deal.add", {"fields": deal_fields(number)})
        self.seeded = json.dumps(builder.dump())  # restored from text: no row is shared between runs
        self.emu = Emulator(limits=limits, operating_limit=480.0)
        self.emu.restore(json.loads(self.seeded))
        # the cost model of benchmarks/run.py: 30 ms per request, 0.2 ms per row, 5 ms per batch command
        self.emu.cost = (
            CostModel(
                per_request=0.03,
                per_row=0.0002,
                per_batch_command=0.005,
                per_counted_row=0.0,
                per_skipped_row=0.0,
                sleep=True,
            )
            if cost
            else None
        )
        self.token_requests = 0
        self.served = ""
        original: Callable[[Any], Any] = self.emu._token_endpoint

        def counted(request: Any) -> Any:  # every request reaching the token endpoint, answered or refused
            with self.emu.lock:
                self.token_requests += 1
            return original(request)

        self.emu._token_endpoint = counted  # type: ignore[method-assign]

    def reset(self, *, data: bool = True) -> dict[str, Any]:
        emu = self.emu
        with emu.lock:
            if data:
                emu.restore(json.loads(self.seeded))
            emu.limits = self.plan  # a new, empty bucket
            emu.operating.clear()
            emu.reset_stats()
            self.token_requests = 0
        return {"ok": True}

    def stats(self) -> dict[str, Any]:
        with self.emu.lock:
            data = self.emu.stats.as_dict()
        data["status_503"] = data.pop("rejected_rate")
        data["status_429"] = data.pop("rejected_operating")
        data["token_requests"] = self.token_requests
        return data

    def leads(self) -> dict[str, Any]:
        with self.emu.lock:
            rows = list(self.emu.state.table("lead").values())
        return {"leads": [[int(r["ID"]), r.get("TITLE")] for r in rows]}

    def deals(self) -> dict[str, Any]:
        with self.emu.lock:
            return {"ids": sorted(int(n) for n in self.emu.state.table("deal"))}

    def issue(self) -> dict[str, Any]:
        tokens = self.emu.issue_tokens(CLIENT_ID, CLIENT_SECRET)
        base = self.served.split("/rest/")[0]
        return {**tokens, "client_endpoint": f"{base}/rest/", "token_url": f"{base}/oauth/token/"}

    def expire(self) -> dict[str, Any]:
        self.emu.expire_tokens()
        return {"ok": True}

    def offline_seed(self, events: int) -> dict[str, Any]:
        emu = self.emu
        tokens = self.issue()
        base = tokens["client_endpoint"]
        import httpx  # the binding must come from the app (offline events are per application)

        with httpx.Client(timeout=30) as http:
            bound = http.post(
                base + "event.bind",
                json={"event": OFFLINE_EVENT, "event_type": "offline", "auth": tokens["access_token"]},
            ).json()
        if "error" in bound:
            return {"error": bound}
        for number in range(events):
            emu.call("crm.lead.add", {"fields": {"TITLE": f"Offline lead {number}"}})
        return {"ok": True, "tokens": tokens}

    def offline_left(self) -> dict[str, Any]:
        from bitrix24_toolkit.testing.emulator.methods.offline_events import QUEUE_TABLE

        with self.emu.lock:
            rows = list(self.emu.state.table(QUEUE_TABLE).values())
        return {
            "queued": len(rows),
            "reserved": sum(1 for r in rows if r.get("PROCESS_ID")),
            "errors": sum(1 for r in rows if str(r.get("ERROR", "0")) not in ("0", "", "False")),
        }


def _handler(control: _Control) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            routes: dict[str, Callable[[], dict[str, Any]]] = {
                "/_stats": control.stats,
                "/_reset": lambda: control.reset(data=query.get("data", ["1"])[0] != "0"),
                "/_leads": control.leads,
                "/_deals": control.deals,
                "/_oauth/issue": control.issue,
                "/_oauth/expire": control.expire,
                "/_offline/seed": lambda: control.offline_seed(int(query.get("events", ["0"])[0])),
                "/_offline/left": control.offline_left,
            }
            route = routes.get(parts.path)
            status, payload = (404, {"error": "unknown"}) if route is None else (200, route())
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

    return Handler


def serve_with_control(
    prog: str,
    default_deals: int,
    make: Callable[[int, str, bool], Any],
    handler: Callable[[Any], type[BaseHTTPRequestHandler]],
    argv: list[str] | None,
) -> int:
    """Parse ``--deals/--limits/--no-cost``, build the portal (``make``: it has ``emu``), serve it and its
    control port (``handler``) until killed, printing the webhook URL, then the control URL."""
    parser = argparse.ArgumentParser(prog=prog, description=sys.modules["__main__"].__doc__)
    parser.add_argument("--deals", type=int, default=default_deals)
    parser.add_argument("--limits", default="standard", help="standard | enterprise | off")
    parser.add_argument("--no-cost", action="store_true", help="no cost model")
    args = parser.parse_args(argv)
    portal = make(args.deals, args.limits, not args.no_cost)
    panel = ThreadingHTTPServer(("127.0.0.1", 0), handler(portal))
    panel.daemon_threads = True
    threading.Thread(target=panel.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    with portal.emu.serve() as url:
        portal.served = url
        print(url, flush=True)
        print(f"http://127.0.0.1:{panel.server_address[1]}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    """Serve the emulator and its control port until killed; print both URLs first."""
    return serve_with_control("python -m benchmarks.emulator_process", 0, _Control, _handler, argv)

if __name__ == "__main__":
    sys.exit(main())
