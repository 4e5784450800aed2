"""Benchmark of issues 5 and 18: bitrix24-toolkit vs fast-bitrix24 and b24pysdk against an independent server.

    python benchmarks/run.py                       # every task, every library (several minutes)
    python benchmarks/run.py --tasks a,c --scale 0.1 --peers ours,fast
    python benchmarks/run.py --server emulator     # this project's emulator instead, for comparison

The server (``--server fake``, the default) is the independent fake portal of ``benchmarks/fake_portal.py``,
started in its own process for every (task, library): webhook URLs on 127.0.0.1, the standard bucket
(50, 2/s), the 480 s operating budget and a cost model each handler thread sleeps without serializing
concurrent requests (30 ms per request, 0.2 ms per returned row, 5 ms per batch command; task (e) also
2 µs per row counted by COUNT or skipped by OFFSET). Tasks: (a) read 20,000 deals; (b) add 2,000 leads;
(c) 500 deals by id; (d) 100 concurrent single gets; (e) read 100,000 deals; (f) parse 20,000 full deal
rows into models vs raw JSON decode (CPU only) and typed ``list_all()`` vs ``raw=True`` end to end;
(g) peak RSS growth of ``iter_all()`` over 100,000 deals vs ``list_all()`` holding them. Each case gets
its own worker process, killed at the task's time limit; the report adds the server's max requests in
flight and the worker's peak RSS. The table is printed and written to
``benchmarks/results/<date>-<label>.md`` and ``.json``. The peers come from the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socketserver
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import SERVERS, run_case
from benchmarks.report import Result, check_targets, text_table, write
from benchmarks.tasks import ONLY, PEERS, TASKS

__all__ = ["main", "run"]

RESULTS = Path(__file__).resolve().parent / "results"


def _csv(value: str, allowed: tuple[str, ...] | list[str]) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {', '.join(allowed)}")
    return items


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", default=",".join(TASKS), type=lambda v: _csv(v, list(TASKS)))
    parser.add_argument("--peers", default=",".join(PEERS), type=lambda v: _csv(v, PEERS))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every row count (0.1: quick run)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per case (default: per task)")
    parser.add_argument("--no-cost", action="store_true", help="no cost model (fast, for smoke tests)")
    parser.add_argument(
        "--server", choices=SERVERS, default="fake", help="fake portal process, or our emulator"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the .md and .json")
    return parser


def run(
    tasks: list[str],
    peers: list[str],
    *,
    scale: float = 1.0,
    timeout: float | None = None,
    cost: bool = True,
    progress: bool = True,
    server: str = "fake",
) -> list[Result]:
    """Run every (task, library) case and return the results in table order."""
    results: list[Result] = []
    for key in tasks:
        task = TASKS[key].scaled(scale)
        if timeout is not None:
            task = type(task)(**{**task.__dict__, "timeout": timeout})
        for peer in _peers_for(key, peers):
            started = time.perf_counter()
            if progress:
                print(f"[{key}] {task.title} (size {task.size}) - {peer} ...", end="", flush=True)
            new = run_case(task, peer, cost=cost, server=server)
            results.extend(new)
            if progress:
                print(f" {new[0].status} in {time.perf_counter() - started:.1f}s", flush=True)
    return results


def _peers_for(task: str, peers: list[str]) -> list[str]:
    """The libraries that run ``task``: tasks f and g measure ours alone (one case), variants their tasks."""
    if task in ("f", "g"):
        return ["ours"] if "ours" in peers else []
    return [p for p in peers if task in ONLY.get(p, (task,))]


def _ignore_disconnects() -> None:
    """A client that gives up (a failing peer, a killed worker) leaves the emulator's server threads writing
    to closed sockets; print no traceback for those (this process only)."""
    original = socketserver.BaseServer.handle_error
    if getattr(original, "ignores_disconnects", False):
        return

    def handle_error(self: socketserver.BaseServer, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            original(self, request, client_address)  # type: ignore[arg-type]

    handle_error.ignores_disconnects = True  # type: ignore[attr-defined]
    socketserver.BaseServer.handle_error = handle_error  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write it under ``--out``."""
    args = _parser().parse_args(argv)
    _ignore_disconnects()
    begun = dt.datetime.now()
    load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    results = run(
        args.tasks,
        args.peers,
        scale=args.scale,
        timeout=args.timeout,
        cost=not args.no_cost,
        server=args.server,
    )
    targets = check_targets(results)
    print()
    print(text_table(results, targets))
    label = (
        "full"
        if args.scale == 1 and len(args.tasks) == len(TASKS)
        else f"s{args.scale:g}-{''.join(args.tasks)}"
    ) + ("" if args.server == "fake" else f"-{args.server}")
    meta = {
        "started": begun.isoformat(timespec="seconds"),
        "scale": args.scale,
        "tasks": ",".join(args.tasks),
        "peers": ",".join(args.peers),
        "server": "independent fake portal (own process)"
        if args.server == "fake"
        else "our emulator (in process)",
        "cost model": "off" if args.no_cost else "on (sleeping, concurrent requests overlap)",
        "load average before": load_before,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "duration s": round((dt.datetime.now() - begun).total_seconds(), 1),
    }
    meta["load average after"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
    path = write(args.out, f"{begun:%Y-%m-%d-%H%M}-{label}", results, targets, meta)
    print(f"\nwritten: {path} (+ .json)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
