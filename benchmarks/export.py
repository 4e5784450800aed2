"""Benchmark of issue 21 (item 5): the CRM exported into DuckDB and PostgreSQL by ``helpers.export``.

    python benchmarks/export.py                    # 100,000 deals (a few minutes)
    python benchmarks/export.py --quick            # 3,000 deals, for CI (well under a minute)
    python benchmarks/export.py --deals 20000 --no-postgres --no-peer
    python benchmarks/export.py --rerun-only       # the first export into DuckDB, changes, the rerun

The server is this project's emulator served over HTTP in its own process (``benchmarks/export_server.py``):
the standard plan (burst 50, then 2 requests/s, 503 beyond; 480 s operating budget) and the cost model of
``benchmarks/emulator_process.py``, with ``--deals`` deals and their 2-4 stage-history rows each written by
``seed_deals``. Requests are counted by the server. Every export runs in its own process
(``benchmarks/export_worker.py``: peak RSS is that process's), exports the deals and their stage history,
and is checked against the server's store afterwards (ids, titles, amounts, stages, modification times;
stage-history ids). In order:

1. the first export into DuckDB, then into PostgreSQL (a throw-away local server of
   ``bitrix24_toolkit.testing.postgres_server``; skipped when none can be started): requests, wall, rows/s
   against the portal's ceiling of 5,000 rows/s (50 commands x 50 rows x 2 requests/s after the burst);
2. the peer fast-bitrix24 reading the same deals into memory with ``get_all`` (no database), for context;
3. a first export into a new DuckDB file killed (SIGKILL) once the server has served a third of the rows,
   then a rerun: the requests of both, and no row duplicated or missing;
4. ``--changes`` deals changed and ``--deletions`` deleted through REST, then a rerun of each database of
   step 1: requests (goal: a handful), wall, and the database equal to the server.

The table is printed and written to ``benchmarks/results/<date>-export.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.export_checks import compare, database_side, server_side
from benchmarks.export_report import CEILING, markdown, text_table
from benchmarks.export_server import ROOT, ExportServer

__all__ = ["main", "run"]

RESULTS = Path(__file__).resolve().parent / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=100_000, help="deals on the portal")
    parser.add_argument("--changes", type=int, default=100, help="deals changed before the rerun")
    parser.add_argument("--deletions", type=int, default=10, help="deals deleted before the rerun")
    parser.add_argument(
        "--kill-at", type=float, default=1 / 3, help="share of the rows served before the kill"
    )
    parser.add_argument("--no-postgres", action="store_true", help="DuckDB only")
    parser.add_argument("--no-peer", action="store_true", help="skip fast-bitrix24")
    parser.add_argument("--no-cost", action="store_true", help="no cost model (fast, for tests)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per exporting process")
    parser.add_argument("--quick", action="store_true", help="3,000 deals (else as given)")
    parser.add_argument(
        "--rerun-only",
        action="store_true",
        help="only what the rerun needs: the first export into DuckDB, the changes, the rerun "
        "(no PostgreSQL, no peer, no killed run)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the .md and .json")
    return parser


# ------------------------------------------------------------------------------------------ processes
def _spawn(
    spec: dict[str, Any], *, timeout: float, kill_when: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """Run the worker on ``spec``: its answer, or ``killed`` (by us, when ``kill_when()``), ``timeout``."""
    with tempfile.TemporaryDirectory(prefix="b24export-") as tmp:
        spec_path, answer = Path(tmp, "spec.json"), Path(tmp, "answer.json")
        spec_path.write_text(json.dumps({**spec, "answer": str(answer)}), encoding="utf-8")
        command = [sys.executable, "-m", "benchmarks.export_worker", str(spec_path)]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        started = time.perf_counter()
        killed = False
        while process.poll() is None:
            if time.perf_counter() - started > timeout:
                process.kill()
                process.wait()
                return {"timeout": True, "wall": timeout}
            if kill_when is not None and kill_when():
                process.kill()  # SIGKILL: no cleanup, no last commit
                process.wait()
                killed = True
                break
            time.sleep(0.1)
        stderr = process.stderr.read() if process.stderr is not None else ""
        if process.stderr is not None:
            process.stderr.close()
        if killed:
            return {"killed": True, "wall": time.perf_counter() - started}
        if not answer.exists():
            tail = stderr.strip().splitlines()[-1:] or [f"exit {process.returncode}"]
            return {"error": f"worker died: {tail[0][:300]}"}
        data: dict[str, Any] = json.loads(answer.read_text(encoding="utf-8"))
        return data


def _row(scenario: str, target: str, answer: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    tables = answer.get("tables", {})
    read = sum(t["read"] for t in tables.values())
    wall = answer.get("wall")
    rate = read / wall if wall and read else None
    return {
        "scenario": scenario,
        "target": target,
        "status": "killed"
        if answer.get("killed")
        else "timeout"
        if answer.get("timeout")
        else "error"
        if "error" in answer
        else "ok",
        "requests": stats["requests"],
        "status_503": stats["status_503"],
        "status_429": stats["status_429"],
        "rows_served": stats["rows_returned"],
        "calls": stats["calls"],
        "wall": round(wall, 2) if wall is not None else None,
        "db_seconds": round(answer["db_seconds"], 1) if answer.get("db_seconds") is not None else None,
        "rows_read": read if tables else None,
        "rows_per_s": round(rate) if rate else None,
        "vs_ceiling": round(rate / CEILING, 2) if rate else None,
        "peak_rss_mb": round(answer["peak_rss_mb"], 1) if answer.get("peak_rss_mb") else None,
        "rss_before_mb": round(answer["rss_before_mb"], 1) if answer.get("rss_before_mb") else None,
        "tables": tables,
        "error": answer.get("error"),
    }


def _export(
    server: ExportServer, scenario: str, kind: str, target: str, args: argparse.Namespace, **extra: Any
) -> dict[str, Any]:
    server.reset()
    spec = {"kind": "export", "url": server.url, "target": target}
    answer = _spawn(spec, timeout=args.timeout, **extra)
    return _row(scenario, kind, answer, server.stats())


def _checked(row: dict[str, Any], server: ExportServer, target: str, changed: Sequence[int] = ()) -> None:
    """The database compared with the server's store (after the exporting process has ended)."""
    if row["status"] in ("ok", "killed"):
        row["check"] = compare(server_side(server), database_side(target), changed)
        row["exact"] = row["check"]["exact"]


# ------------------------------------------------------------------------------------------ scenarios
def _peer(server: ExportServer, args: argparse.Namespace) -> dict[str, Any]:
    server.reset()
    answer = _spawn({"kind": "fast", "url": server.url}, timeout=args.timeout)
    row = _row("fast-bitrix24 get_all (memory, no database)", "none", answer, server.stats())
    row["rows_read"] = answer.get("rows")
    if answer.get("wall") and answer.get("rows"):
        row["rows_per_s"] = round(answer["rows"] / answer["wall"])
        row["vs_ceiling"] = round(row["rows_per_s"] / CEILING, 2)
    deals = len(server.call("/_deals")["rows"])
    row["exact"] = answer.get("rows") == answer.get("unique") == deals
    row["check"] = {"deals_server": deals, "rows": answer.get("rows"), "unique": answer.get("unique")}
    return row


def _at_kill(path: Path) -> dict[str, Any]:
    """What the killed export left: counted on a copy of the file (the original is resumed untouched)."""
    import duckdb

    if not path.exists():
        return {"error": "no database file yet"}
    with tempfile.TemporaryDirectory(prefix="b24export-copy-") as tmp:
        copy = Path(tmp, path.name)
        for source in (path, Path(f"{path}.wal")):
            if source.exists():
                shutil.copy(source, Path(tmp, source.name))
        conn = duckdb.connect(str(copy))
        try:
            deals = conn.execute("SELECT count(*) FROM deal").fetchone()
            history = conn.execute("SELECT count(*) FROM stage_history").fetchone()
            sync = conn.execute("SELECT entity, phase, cursor, rows FROM _sync ORDER BY entity").fetchall()
        except duckdb.Error as exc:  # killed before the tables were made
            return {"error": str(exc).splitlines()[0][:200]}
        finally:
            conn.close()
    return {
        "deals": deals[0] if deals else None,
        "history": history[0] if history else None,
        "sync": [list(r) for r in sync],
    }


def _interrupted(server: ExportServer, folder: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    path = folder / "killed.duckdb"
    target = f"duckdb:///{path}"
    portal = server_side(server)
    limit = args.kill_at * (len(portal.deals) + len(portal.history))

    def served_enough() -> bool:
        return bool(server.stats()["rows_returned"] >= limit)

    first = _export(server, "first export, killed (SIGKILL)", "duckdb", target, args, kill_when=served_enough)
    if first["status"] == "killed":
        first["left"] = _at_kill(path)
    rerun = _export(server, "rerun after the kill", "duckdb", target, args)
    _checked(rerun, server, target)
    rerun["both_requests"] = first["requests"] + rerun["requests"]
    rerun["both_rows_served"] = first["rows_served"] + rerun["rows_served"]
    return [first, rerun]


def _change(server: ExportServer, args: argparse.Namespace) -> dict[str, Any]:
    """``--changes`` deals updated (title, amount, stage) and ``--deletions`` deleted, through REST."""
    from bitrix24_toolkit import Bitrix24
    from bitrix24_toolkit.engine.limiter import Limiter

    rows = {int(r[0]): r for r in server.call("/_deals")["rows"]}
    rng = random.Random(21)
    picked = rng.sample(sorted(rows), min(len(rows), args.changes + args.deletions))
    changed, deleted = sorted(picked[: args.changes]), sorted(picked[args.changes :])
    updates = {
        i: {
            "TITLE": f"Changed deal {i}",
            "OPPORTUNITY": 1000.25 + i,
            "STAGE_ID": "PREPARATION" if rows[i][3] != "PREPARATION" else "EXECUTING",
        }
        for i in changed
    }
    server.reset()
    with Bitrix24(server.url, limits=Limiter.plan("standard")) as b24:
        done = b24.crm.deal.update_many(updates)
        gone = b24.crm.deal.delete_many(deleted)
    stats = server.stats()
    return {
        "changed": changed,
        "deleted": deleted,
        "updated_ok": len(done.ok),
        "deleted_ok": len(gone.ok),
        "requests": stats["requests"],
    }


def _engine_digest() -> str:
    """A digest of the export engine's sources (``helpers/db_export``): did they change during the run?"""
    folder = ROOT / "bitrix24_toolkit" / "helpers" / "db_export"
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def run(args: argparse.Namespace, *, progress: bool = True) -> dict[str, Any]:
    """Every scenario; the results as JSON-ready data."""
    begun = dt.datetime.now()
    engine = _engine_digest()
    load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    rows: list[dict[str, Any]] = []

    def say(text: str, end: str = "\n") -> None:
        if progress:
            print(text, end=end, flush=True)

    def done(row: dict[str, Any], target: str | None = None, changed: Sequence[int] = ()) -> dict[str, Any]:
        if target is not None:
            _checked(row, server, target, changed)
        say(f" {row['status']}, {row['requests']} requests, {row['wall']} s, exact={row.get('exact')}")
        rows.append(row)
        return row

    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="b24export-db-")))
        say(f"seeding {args.deals} deals in the emulator process ...", end="")
        seeded = time.perf_counter()
        server = stack.enter_context(ExportServer(args.deals, cost=not args.no_cost))
        say(f" {time.perf_counter() - seeded:.1f} s")
        targets = {"duckdb": f"duckdb:///{folder / 'export.duckdb'}"}
        postgres_note = "skipped (--rerun-only)" if args.rerun_only else "skipped (--no-postgres)"
        if not args.no_postgres and not args.rerun_only:
            from bitrix24_toolkit.testing.postgres_server import postgres_binaries, running_postgres

            binaries = postgres_binaries()  # a throw-away server: never a database someone uses
            if binaries is None:
                postgres_note = "skipped: no PostgreSQL server binaries"
            else:
                targets["postgresql"] = stack.enter_context(running_postgres(binaries))
                postgres_note = f"throw-away local server ({binaries.postgres})"
        for kind, target in targets.items():
            say(f"[1] first export, {kind} ...", end="")
            done(_export(server, "first export", kind, target, args), target)
        if not args.no_peer and not args.rerun_only:
            say("[2] fast-bitrix24 get_all ...", end="")
            done(_peer(server, args))
        if not args.rerun_only:
            say("[3] first export killed after a third, then a rerun ...", end="")
            first, rerun = _interrupted(server, folder, args)
            rows.append(first)
            done(rerun)
        say(f"[4] {args.changes} changes and {args.deletions} deletions through REST ...", end="")
        changes = _change(server, args)
        say(f" {changes['requests']} requests")
        for kind, target in targets.items():
            say(f"[4] rerun, {kind} ...", end="")
            row = _export(
                server, f"rerun after {args.changes} changes, {args.deletions} deletions", kind, target, args
            )
            done(row, target, changes["changed"])
    meta = {
        "started": begun.isoformat(timespec="seconds"),
        "deals": args.deals,
        "server": "this project's emulator over HTTP, own process (benchmarks/export_server.py)",
        "plan": "standard (burst 50, 2 requests/s; 503 beyond), 480 s operating budget",
        "cost model": "off" if args.no_cost else "30 ms per request, 0.2 ms per row, 5 ms per batch command",
        "postgresql": postgres_note,
        "engine sources": engine
        if engine == _engine_digest()
        else f"{engine}, CHANGED during the run (now {_engine_digest()})",
        "exported": "deal + stagehistory (entities=['deal'], include=['stagehistory'])",
        "cpus": os.cpu_count(),
        "load average before": load_before,
        "load average after": " ".join(f"{v:.2f}" for v in os.getloadavg()),
        "python": sys.version.split()[0],
        "duration s": round((dt.datetime.now() - begun).total_seconds(), 1),
    }
    return {"meta": meta, "runs": rows, "changes": changes}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write it under ``--out``."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.quick and "--deals" not in (argv if argv is not None else sys.argv[1:]):
        args.deals = 3_000
    if args.deals < 1 or args.changes < 0 or args.deletions < 0 or args.changes + args.deletions > args.deals:
        parser.error("--deals must be >= 1 and >= --changes + --deletions")
    if not 0 < args.kill_at < 1:
        parser.error("--kill-at must be between 0 and 1")
    result = run(args)
    print()
    print(text_table(result))
    name = f"{dt.date.today():%Y-%m-%d}-export" + ("-quick" if args.quick else "")
    name += "-rerun" if args.rerun_only else ""
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{name}.md"
    path.write_text(markdown(result), encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(f"\nwritten: {path} (+ .json)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
