"""Benchmark of issue 19: several processes, one portal; per-process limiters vs ``RedisLimits``.

    python benchmarks/processes.py                 # the full run (a few minutes)
    python benchmarks/processes.py --quick         # small sizes, for CI (under a minute)
    python benchmarks/processes.py --servers fake --sizes 6 --leads 300 --deals 20000

Each configuration starts N worker processes (``multiprocessing``, spawn) released at one signal; each adds
``--leads`` leads (``b24.crm.lead.add_many``, a unique title per lead) and reads every deal
(``b24.crm.deal.list_all``). The server runs in its own process: (a) the independent fake portal of
``benchmarks/fake_portal.py`` and (b) this project's emulator served over HTTP
(``benchmarks/emulator_process.py``), both at the standard plan (burst 50, 2 requests/s, 503 beyond) with the
cost model of ``benchmarks/run.py``. Two variants per configuration: ``limits="standard"`` (each process its
own limiter) and ``RedisLimits`` on a real ``redis-server`` the benchmark starts and stops. Reported: the
requests and 503s the server saw, errors per worker (a crashed worker counts), the wall time, the wall time of
one process doing all the work, and exactness: every lead stored exactly once (titles read back from the
server) and every read exact (row count and id set equal to the server's).

Then: N processes on an expired OAuth token (refreshes counted at the emulator's token endpoint, with a
``RedisTokenStore`` and with per-process stores) and offline consumers draining queued offline events
(``benchmarks/proc_offline.py``). The table is printed and written to ``benchmarks/results/<date>-processes``
``.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.emulator_process import CLIENT_ID, CLIENT_SECRET
from benchmarks.proc_group import run_group
from benchmarks.proc_offline import offline_runs
from benchmarks.proc_report import markdown, text_table
from benchmarks.proc_servers import EmulatorProcess, FakeServer, RedisProcess
from benchmarks.proc_workers import crm_worker, digest, lead_title, oauth_worker

__all__ = ["main", "run"]

RESULTS = Path(__file__).resolve().parent / "results"
SERVERS = {"fake": FakeServer, "emulator": EmulatorProcess}
VARIANTS = {"local": "per-process", "redis": "RedisLimits"}


def _ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"a comma-separated list of integers, not {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("at least one size, each >= 1")
    return values


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--servers", default="fake,emulator", help="fake,emulator (both by default)")
    parser.add_argument("--sizes", type=_ints, default=[2, 4, 8], help="process counts of the sweep")
    parser.add_argument("--leads", type=int, default=300, help="leads each process adds in the sweep")
    parser.add_argument(
        "--deals", type=int, default=20_000, help="deals on the portal (each process reads all)"
    )
    parser.add_argument("--check", type=int, default=6, help="process count of the issue's check (0: skip)")
    parser.add_argument("--check-leads", type=int, default=300, help="leads per process in the check")
    parser.add_argument("--check-deals", type=int, default=20_000, help="deals read per process in the check")
    parser.add_argument("--oauth", type=int, default=8, help="processes on an expired token (0: skip)")
    parser.add_argument("--consumers", type=int, default=4, help="offline consumers (0: skip)")
    parser.add_argument("--events", type=int, default=10_000, help="offline events to drain")
    parser.add_argument(
        "--idle", type=float, default=2.0, help="seconds a consumer waits on an empty queue before it stops"
    )
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds per group of workers")
    parser.add_argument("--no-cost", action="store_true", help="no cost model (fast, for tests)")
    parser.add_argument(
        "--no-single", action="store_true", help="skip the runs of one process doing all the work"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes for CI: the fake portal, no cost model, no sweep; the check with 6 processes x "
        "350 leads + 300 deals (54 requests, past the burst; no one-process run), 4 on a token, "
        "2 consumers x 400 events (idle 1 s)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the .md and .json")
    return parser


def _quick(args: argparse.Namespace) -> None:
    args.servers, args.sizes = "fake", []
    args.check, args.check_leads, args.check_deals = 6, 350, 300
    args.oauth, args.consumers, args.events, args.idle = 4, 2, 400, 1.0
    args.no_cost, args.no_single, args.timeout = True, True, 60.0


# ------------------------------------------------------------------------------------ read/write runs
def _crm_specs(
    server: Any, redis: RedisProcess, count: int, leads: int, reads: int, variant: str, tag: str
) -> list[dict[str, Any]]:
    return [
        {
            "index": i,
            "url": server.url,
            "limits": variant,
            "redis_url": redis.url,
            "leads": leads,
            "reads": reads,
            "tag": tag,
        }
        for i in range(count)
    ]


def _exactness(server: Any, group: Any, expected_titles: set[str], reads: int) -> dict[str, Any]:
    """Leads stored once (titles read back from the server) and reads equal to the server's deals."""
    held = collections.Counter(server.titles())
    stored = {t: n for t, n in held.items() if t in expected_titles}
    ids = server.deal_ids()
    want = {"rows": len(ids), "unique": len(ids), "digest": digest(ids)}
    got = [read for report in group.reports.values() for read in report.get("reads", [])]
    return {
        "leads_expected": len(expected_titles),
        "leads_stored": sum(stored.values()),
        "leads_duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "leads_missing": len(expected_titles - set(stored)),
        "leads_unexpected": sum(n for t, n in held.items() if t not in expected_titles),
        "reads_expected": reads,
        "reads_exact": sum(1 for read in got if read == want),
        "deals": len(ids),
    }


def crm_run(
    server: Any,
    redis: RedisProcess,
    count: int,
    leads: int,
    variant: str,
    *,
    timeout: float,
    single: bool = False,
) -> dict[str, Any]:
    """One configuration: ``count`` processes (or one doing the work of ``count`` when ``single``)."""
    server.reset()
    redis.flush()
    tag = f"{variant}{count}{'s' if single else ''}-{time.time_ns() % 10**8}"
    if single:
        specs = _crm_specs(server, redis, 1, leads * count, count, variant, tag)
        expected = {lead_title(tag, 0, i) for i in range(leads * count)}
    else:
        specs = _crm_specs(server, redis, count, leads, 1, variant, tag)
        expected = {lead_title(tag, w, i) for w in range(count) for i in range(leads)}
    group = run_group(crm_worker, specs, timeout=timeout)
    stats = server.stats()
    row: dict[str, Any] = {
        "server": server.name,
        "processes": 1 if single else count,
        "work of": count,
        "limiter": "one process" if single else VARIANTS[variant],
        "requests": stats["requests"],
        "status_503": stats["status_503"],
        "status_429": stats["status_429"],
        "max_in_flight": stats.get("max_in_flight"),
        "errors": group.errors(len(specs)),
        "crashed": len(group.crashed),
        "wall": round(group.wall, 2),
        "penalties": sum(r.get("penalties", 0) for r in group.reports.values()),
        "retries": sum(r.get("retries", 0) for r in group.reports.values()),
        "messages": group.messages()[:6],
    }
    row.update(_exactness(server, group, expected, len(specs) * specs[0]["reads"]))
    row["exact"] = (
        row["leads_stored"] == row["leads_expected"]
        and row["leads_duplicated"] == row["leads_missing"] == row["leads_unexpected"] == 0
        and row["reads_exact"] == row["reads_expected"]
    )
    return row


def crm_runs(
    kind: str,
    redis: RedisProcess,
    sizes: list[int],
    leads: int,
    deals: int,
    *,
    cost: bool,
    timeout: float,
    section: str,
    progress: bool,
    single: bool = True,
) -> list[dict[str, Any]]:
    """The sweep (or the check) on one server: per size, one process alone, per-process, RedisLimits."""
    rows: list[dict[str, Any]] = []
    with SERVERS[kind](deals, cost=cost) as server:
        for count in sizes:
            for variant, alone in (("local", True), ("local", False), ("redis", False)):
                if alone and not single:
                    continue
                label = "1 process" if alone else VARIANTS[variant]
                if progress:
                    print(
                        f"[{section}] {server.name}: {count} x {leads} leads + {deals} deals, {label} ...",
                        end="",
                        flush=True,
                    )
                row = crm_run(server, redis, count, leads, variant, timeout=timeout, single=alone)
                row["section"] = section
                rows.append(row)
                if progress:
                    print(f" {row['wall']:.1f}s, {row['status_503']} x 503, exact={row['exact']}", flush=True)
    for row in rows:  # the one-process time beside each multi-process row
        baseline = [r for r in rows if r["limiter"] == "one process" and r["work of"] == row["work of"]]
        row["single_wall"] = baseline[0]["wall"] if baseline else None
    return rows


# ---------------------------------------------------------------------------------------- OAuth runs
def oauth_runs(
    server: EmulatorProcess, redis: RedisProcess, count: int, *, timeout: float, progress: bool
) -> list[dict[str, Any]]:
    """``count`` processes on one expired token: with a ``RedisTokenStore``, then with per-process stores."""
    rows = []
    for store in ("redis", "memory"):
        server.reset()
        redis.flush()
        tokens = server.call("/_oauth/issue", post=True)
        server.call("/_oauth/expire", post=True)
        specs = [
            {
                "index": i,
                "tokens": tokens,
                "store": store,
                "redis_url": redis.url,
                "key": "b24:bench:tokens",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "token_url": tokens["token_url"],
            }
            for i in range(count)
        ]
        if progress:
            print(f"[oauth] {count} processes on an expired token, {store} store ...", end="", flush=True)
        group = run_group(oauth_worker, specs, timeout=timeout)
        stats = server.stats()
        rows.append(
            {
                "store": "RedisTokenStore" if store == "redis" else "per-process (memory)",
                "processes": count,
                "refreshes": stats["refreshes"],
                "token_requests": stats["token_requests"],
                "calls_ok": sum(1 for r in group.reports.values() if "user" in r and not r["errors"]),
                "errors": group.errors(count),
                "wall": round(group.wall, 2),
                "messages": group.messages()[:4],
            }
        )
        if progress:
            print(f" {stats['refreshes']} refresh(es), {rows[-1]['calls_ok']}/{count} calls ok", flush=True)
    return rows


def run(args: argparse.Namespace, *, progress: bool = True) -> dict[str, Any]:
    """Every section the arguments ask for; the results as JSON-ready data."""
    cost = not args.no_cost
    kinds = [k.strip() for k in args.servers.split(",") if k.strip()]
    begun = dt.datetime.now()
    load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    rows: list[dict[str, Any]] = []
    with RedisProcess() as redis:
        for kind in kinds:
            if args.sizes:
                rows += crm_runs(
                    kind,
                    redis,
                    args.sizes,
                    args.leads,
                    args.deals,
                    cost=cost,
                    timeout=args.timeout,
                    section="sweep",
                    progress=progress,
                    single=not args.no_single,
                )
        if args.check:
            for kind in kinds:
                rows += crm_runs(
                    kind,
                    redis,
                    [args.check],
                    args.check_leads,
                    args.check_deals,
                    cost=cost,
                    timeout=args.timeout,
                    section="check",
                    progress=progress,
                    single=not args.no_single,
                )
        oauth: list[dict[str, Any]] = []
        offline: list[dict[str, Any]] = []
        if args.oauth or args.consumers:
            with EmulatorProcess(0, cost=False) as server:  # no deals, no cost model: tokens and events
                if args.oauth:
                    oauth = oauth_runs(server, redis, args.oauth, timeout=args.timeout, progress=progress)
                if args.consumers:
                    offline = offline_runs(
                        server,
                        redis,
                        args.consumers,
                        args.events,
                        timeout=args.timeout,
                        progress=progress,
                        idle=args.idle,
                    )
        binary = redis.binary
    meta = {
        "started": begun.isoformat(timespec="seconds"),
        "servers": ", ".join(SERVERS[k].name for k in kinds) + " (each in its own process)",
        "plan": "standard (burst 50, 2 requests/s; 503 beyond), 480 s operating budget",
        "cost model": "off" if args.no_cost else "30 ms per request, 0.2 ms per row, 5 ms per batch command",
        "redis": binary,
        "cpus": os.cpu_count(),
        "load average before": load_before,
        "python": sys.version.split()[0],
        "duration s": round((dt.datetime.now() - begun).total_seconds(), 1),
    }
    return {"meta": meta, "runs": rows, "oauth": oauth, "offline": offline}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables and write them under ``--out``."""
    args = _parser().parse_args(argv)
    if args.quick:
        _quick(args)
    unknown = [k for k in args.servers.split(",") if k.strip() and k.strip() not in SERVERS]
    if unknown:
        _parser().error(f"unknown servers {unknown}; choose from {', '.join(SERVERS)}")
    if args.consumers == 1:
        _parser().error("--consumers needs 2 or more (one of them is killed), or 0 to skip")
    result = run(args)
    print()
    print(text_table(result["runs"]))
    for r in result["oauth"]:
        print(
            f"oauth: {r['processes']} processes, {r['store']}: {r['refreshes']} refresh(es), "
            f"{r['token_requests']} token requests, {r['calls_ok']}/{r['processes']} calls ok"
        )
    for r in result["offline"]:
        print(
            f"offline: {r['run']}: {r['processed']} processed of {r['events']}, {r['once']} once, "
            f"{r['repeated']} more than once, {r['lost']} lost, {r['wall']:.1f}s"
        )
    name = f"{dt.date.today():%Y-%m-%d}-processes" + ("-quick" if args.quick else "")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{name}.md"
    path.write_text(markdown(result), encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"\nwritten: {path} (+ .json)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
