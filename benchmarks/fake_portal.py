"""An independent fake Bitrix24 portal for the benchmark, served in its own process.

    python -m benchmarks.fake_portal --port 0 --seed-deals 100000 [--seed-leads N] [--no-cost] ...

prints its webhook URL (``http://127.0.0.1:<port>/rest/1/<secret>/``) on the first line and serves until
killed. Written from the official pages (``crm.deal.list``, ``crm.deal.get``, ``crm.deal.fields``,
``crm.lead.add``, ``crm.lead.fields``, ``batch``, the REST limits page) and importing nothing of
``bitrix24_toolkit``, so it shares none of the project emulator's code or habits. It answers
``/rest/1/<secret>/<method>[.json]`` (JSON or PHP-bracket form bodies) for ``crm.deal.list|get|fields``,
``crm.lead.add|list|get|fields`` and ``batch`` (``cmd``, ``halt``, ``$result[cmd][...]`` references), with
the leaky bucket, the operating-time budget and a cost model every handler thread really sleeps, lock-free,
so concurrent requests overlap (see :mod:`benchmarks.fake_limits`). Harness endpoints: ``GET /_stats``,
``POST /_reset`` (``?data=1`` also restores the seeded leads), ``GET /_leads`` (ids and titles).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .fake_limits import Bucket, Cost, Operating, Stats
from .fake_query import ApiError, Table, decode_body, list_page, parse_php_query, upper_keys
from .fake_rows import DEAL_FIELDS, LEAD_FIELDS, deal_row, lead_row, now_text

__all__ = ["Portal", "main", "serve"]

MAX_BATCH = 50
_PATH = re.compile(r"^/rest/(\d+)/([^/]+)/([A-Za-z0-9_.]+?)(?:\.json)?/?$")
_REFERENCE = re.compile(r"\$result((?:\[[^\[\]]*\])+)")
_TZ = dt.timezone(dt.timedelta(hours=3))


def _time_block(start: float, finish: float, operating: tuple[float, int] | None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "start": start,
        "finish": finish,
        "duration": finish - start,
        "processing": finish - start,
        "date_start": dt.datetime.fromtimestamp(start, _TZ).replace(microsecond=0).isoformat(),
        "date_finish": dt.datetime.fromtimestamp(finish, _TZ).replace(microsecond=0).isoformat(),
    }
    if operating is not None:
        block["operating_reset_at"] = operating[1]
        block["operating"] = operating[0]
    return block


def _php_json(mapping: dict[str, Any]) -> Any:
    """PHP's ``json_encode`` of an array: keys 0..n-1 in order give a list, an empty array gives ``[]``."""
    if not mapping or list(mapping) == [str(i) for i in range(len(mapping))]:
        return list(mapping.values())
    return mapping


class Portal:
    """The fake portal's state: seeded deals (made on demand), leads, limits, cost and statistics."""

    def __init__(
        self,
        *,
        deals: int = 0,
        leads: int = 0,
        secret: str | None = None,
        burst: float | None = 50,
        drain: float = 2.0,
        operating_limit: float | None = 480.0,
        cost: Cost | None = None,
    ) -> None:
        self.secret = secret or secrets.token_hex(8)
        self.user = "1"
        self.seed_leads = leads
        self.cost = cost or Cost()
        self.bucket = Bucket(burst, drain)
        self.operating = Operating(operating_limit)
        self.stats = Stats()
        self._lock = threading.Lock()
        self.deals = Table(
            ids=lambda: range(1, deals + 1),
            count=lambda: deals,
            row=lambda n: deal_row(n) if 1 <= n <= deals else None,
            fields=DEAL_FIELDS,
            dense=True,
        )
        self.leads: dict[int, dict[str, Any]] = {}
        self._lead_table = Table(
            ids=lambda: list(self.leads),
            count=lambda: len(self.leads),
            row=self.leads.get,
            fields=LEAD_FIELDS,
        )
        self.restore_leads()

    def restore_leads(self) -> None:
        """Only the seeded leads."""
        with self._lock:
            self.leads.clear()
            self.leads.update((n, lead_row(n)) for n in range(1, self.seed_leads + 1))
            self._next_lead = self.seed_leads + 1

    def reset(self, *, data: bool = False) -> None:
        """Zero the statistics, empty the bucket and the operating baskets (``data``: restore the leads)."""
        self.stats.reset()
        self.bucket.reset()
        self.operating.reset()
        if data:
            self.restore_leads()

    # ------------------------------------------------------------------------------------ methods
    def run_method(self, method: str, params: dict[str, Any]) -> tuple[Any, dict[str, Any], int, int]:
        """One method: its result, extra envelope keys (``total``, ``next``), rows returned, rows scanned."""
        entity, _, action = method.removeprefix("crm.").partition(".")
        table = (
            {"deal": self.deals, "lead": self._lead_table}.get(entity) if method.startswith("crm.") else None
        )
        if (
            table is None
            or action not in ("list", "get", "fields", "add")
            or (action == "add" and entity != "lead")
        ):
            raise ApiError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
        if action == "fields":
            return table.fields, {}, 0, 0
        if action == "list":
            page = list_page(table, params)
            extra: dict[str, Any] = {"total": page.total}
            if page.next is not None:
                extra["next"] = page.next
            return page.rows, extra, len(page.rows), page.counted + page.skipped
        upper = upper_keys(params)
        if action == "get":
            try:
                number = int(upper.get("ID"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise ApiError(400, "", "ID is not defined or invalid.") from None
            row = table.row(number)
            if row is None:
                raise ApiError(400, "", "Not found")
            return row, {}, 1, 0
        fields = upper.get("FIELDS")
        if not isinstance(fields, dict):
            raise ApiError(400, "", "Parameter 'fields' must be array.")
        with self._lock:
            number = self._next_lead
            self._next_lead += 1
            self.leads[number] = lead_row(number, fields, created=now_text())
        return number, {}, 0, 0

    def _resolve(self, value: Any, results: dict[str, Any]) -> Any:
        """``$result[cmd][path]...`` in a command's values; a missing key gives ``""``, as PHP does."""
        if isinstance(value, dict):
            return {k: self._resolve(v, results) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v, results) for v in value]
        if not isinstance(value, str) or "$result[" not in value:
            return value

        def lookup(match: re.Match[str]) -> Any:
            node: Any = results
            for part in re.findall(r"\[([^\]]*)\]", match.group(1)):
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    return ""
            return node

        whole = _REFERENCE.fullmatch(value)
        if whole is not None:
            return lookup(whole)
        return _REFERENCE.sub(lambda m: str(lookup(m)), value)

    def run_batch(self, params: dict[str, Any]) -> tuple[dict[str, Any], int, int, float]:
        """``batch``: the result object, rows returned, rows scanned and the commands' modelled seconds."""
        upper = upper_keys(params)
        cmd = upper.get("CMD")
        if isinstance(cmd, list):
            cmd = {str(i): c for i, c in enumerate(cmd)}
        if not isinstance(cmd, dict):
            raise ApiError(400, "", "Parameter 'cmd' must be array.")
        halt = str(upper.get("HALT", "0")).lower() in ("1", "true", "y")
        out: dict[str, dict[str, Any]] = {
            k: {} for k in ("result", "result_error", "result_total", "result_next", "result_time")
        }
        rows = scanned = 0
        seconds = 0.0
        for index, (key, command) in enumerate(cmd.items()):
            key = str(key)
            started = time.time()
            try:
                if index >= MAX_BATCH:
                    raise ApiError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
                if isinstance(command, dict):  # the SDK form: {"method": ..., "params": ...}
                    method, query = str(command.get("method", "")), command.get("params") or {}
                else:
                    method, _, text = str(command).partition("?")
                    query = parse_php_query(text)
                method = method.strip().lower()
                if method == "batch":
                    raise ApiError(
                        405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage"
                    )
                if self.operating.blocked(method):
                    self.stats.add(commands_429=1)
                    raise ApiError(
                        429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."
                    )
                self.stats.add(commands=1)
                result, extra, got, scan = self.run_method(method, self._resolve(query, out["result"]))
            except ApiError as exc:
                out["result_error"][key] = {"error": exc.code, "error_description": exc.description}
                if halt:
                    break
                continue
            cost = self.cost.method(got, scan, in_batch=True)
            seconds += cost
            rows, scanned = rows + got, scanned + scan
            operating = self.operating.charge(method, cost)
            out["result"][key] = result
            if "total" in extra:
                out["result_total"][key] = extra["total"]
            if "next" in extra:
                out["result_next"][key] = extra["next"]
            out["result_time"][key] = _time_block(started, time.time() + cost, operating)
        return {k: _php_json(v) for k, v in out.items()}, rows, scanned, seconds

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        """One API request after the bucket: HTTP status, JSON envelope, seconds the server should take."""
        started = time.time()
        try:
            if method == "batch":
                result, rows, scanned, seconds = self.run_batch(params)
                extra: dict[str, Any] = {}
                operating = None
            else:
                if self.operating.blocked(method):
                    self.stats.add(status_429=1)
                    raise ApiError(
                        429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."
                    )
                result, extra, rows, scanned = self.run_method(method, params)
                seconds = self.cost.method(rows, scanned, in_batch=False)
                operating = self.operating.charge(method, seconds)
        except ApiError as exc:
            return (
                exc.status,
                {"error": exc.code, "error_description": exc.description},
                self.cost.per_request,
            )
        seconds += self.cost.per_request
        self.stats.add(rows_returned=rows, rows_scanned=scanned, server_time=seconds)
        envelope = {"result": result, **extra, "time": _time_block(started, started + seconds, operating)}
        return 200, envelope, seconds


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    portal: Portal


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """No access log (URLs carry the webhook secret)."""

    def _send(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        """An API call with a query string, or ``/_stats`` and ``/_leads``."""
        self._dispatch()

    def do_POST(self) -> None:
        """An API call, or ``/_reset``."""
        self._dispatch()

    def _dispatch(self) -> None:
        portal = self.server.portal
        parts = urlsplit(self.path)
        body = self._body()
        if parts.path == "/_stats":
            return self._send(200, portal.stats.snapshot())
        if parts.path == "/_reset":
            portal.reset(data="data=1" in parts.query)
            return self._send(200, {"ok": True})
        if parts.path == "/_leads":
            return self._send(200, {"leads": [[n, r.get("TITLE")] for n, r in list(portal.leads.items())]})
        match = _PATH.match(parts.path)
        if match is None or match.group(1) != portal.user or match.group(2) != portal.secret:
            return self._send(
                401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
            )
        method = match.group(3).lower()
        started = time.monotonic()
        portal.stats.enter(method)
        try:
            if not portal.bucket.admit():
                portal.stats.add(status_503=1)
                return self._send(
                    503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
                )
            try:
                params = decode_body(body, self.headers.get("Content-Type", ""), parts.query)
                status, payload, seconds = portal.handle(method, params)
            except ApiError as exc:
                status, payload, seconds = (
                    exc.status,
                    {"error": exc.code, "error_description": exc.description},
                    0.0,
                )
            remaining = seconds - (time.monotonic() - started)
            if remaining > 0:
                time.sleep(remaining)  # the modelled cost; no lock is held, so requests overlap
            self._send(status, payload)
        except (ConnectionError, TimeoutError):
            pass  # the client gave up
        finally:
            portal.stats.leave()


def serve(portal: Portal, port: int = 0) -> _Server:
    """A server for ``portal`` on 127.0.0.1 (``port`` 0: any free one); call ``serve_forever`` on it."""
    server = _Server(("127.0.0.1", port), _Handler)
    server.portal = portal
    return server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fake_portal", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed-deals", type=int, default=0)
    parser.add_argument("--seed-leads", type=int, default=0)
    parser.add_argument("--secret", default=None, help="webhook secret (default: random)")
    parser.add_argument("--burst", type=float, default=50.0, help="bucket size; 0: no request limit")
    parser.add_argument("--drain", type=float, default=2.0, help="bucket drain per second")
    parser.add_argument(
        "--operating-limit", type=float, default=480.0, help="seconds per method per 10 min; 0: off"
    )
    parser.add_argument("--per-request", type=float, default=Cost.per_request)
    parser.add_argument("--per-row", type=float, default=Cost.per_row)
    parser.add_argument("--per-command", type=float, default=Cost.per_command)
    parser.add_argument(
        "--per-scanned", type=float, default=0.0, help="per row counted by COUNT or skipped by OFFSET"
    )
    parser.add_argument("--no-cost", action="store_true", help="no cost model at all")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve a fake portal until killed; print its webhook URL first."""
    args = _parser().parse_args(argv)
    cost = (
        Cost.off()
        if args.no_cost
        else Cost(args.per_request, args.per_row, args.per_command, args.per_scanned)
    )
    portal = Portal(
        deals=args.seed_deals,
        leads=args.seed_leads,
        secret=args.secret,
        burst=args.burst or None,
        drain=args.drain,
        operating_limit=args.operating_limit or None,
        cost=cost,
    )
    server = serve(portal, args.port)
    port = server.server_address[1]
    print(f"http://127.0.0.1:{port}/rest/{portal.user}/{portal.secret}/", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
