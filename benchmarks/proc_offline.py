"""Offline events drained by a pool of consumer processes (issue 19, item 5).

The emulator (its own process, standard plan, no cost model) gets an offline binding of ``ONCRMLEADADD`` for
the benchmark's app and ``events`` leads, each queueing one offline record. Then ``consumers`` processes
(spawn), each an :class:`~bitrix24_toolkit.events.OfflineConsumer` with a stable ``process_id``
(``bench-c<i>``), an OAuth client (``RedisTokenStore``) paced by one shared ``RedisLimits``, drain the
queue. Each handler appends the lead id it saw to its own file, line by line, so what a killed process did
survives it. Two runs:

- **all succeed**: every lead id must appear exactly once across the files, and the queue end empty;
- **one killed**: consumer 1 blocks in the middle of a batch (after handling some of its events, before the
  clear) and is killed with SIGKILL; it is then restarted with the same ``process_id`` (the documented rule:
  a reserved batch stays with its process id), which gets back what it held. No lead id may be missing;
  the ids handled twice can only be those the killed process handled but never cleared.
"""

from __future__ import annotations

import collections
import os
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .emulator_process import CLIENT_ID, CLIENT_SECRET, OFFLINE_EVENT
from .proc_group import run_group
from .proc_servers import EmulatorProcess

__all__ = ["consumer_worker", "offline_runs"]

#: the largest batch a consumer reserves (``event.offline.get`` ``limit``; the page's default is 50)
BATCH = 250


def batch_size(consumers: int, events: int) -> int:
    """At most :data:`BATCH`, and small enough that every consumer gets several batches."""
    return max(10, min(BATCH, events // (consumers * 4)))


def victim_after(batch: int) -> int:
    """The killed consumer handles this many events, then blocks: in the middle of its second batch."""
    return batch + batch // 2


def consumer_worker(spec: dict[str, Any], start: Any, out: Any) -> None:
    """One offline consumer: handle events until the queue has been idle for ``spec["idle"]`` seconds."""
    from .proc_workers import _error, _quiet

    index = spec["index"]
    report: dict[str, Any] = {"index": index, "errors": []}
    warnings = _quiet()
    try:
        from bitrix24_toolkit import Bitrix24, OAuth
        from bitrix24_toolkit.distributed import RedisLimits, RedisTokenStore
        from bitrix24_toolkit.engine.oauth import OAuthTokens
        from bitrix24_toolkit.events import Dispatcher, OfflineConsumer

        auth = OAuth(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            tokens=OAuthTokens.from_response(spec["tokens"]),
            store=RedisTokenStore(spec["redis_url"], key="b24:bench:offline-tokens"),
            token_url=spec["tokens"]["token_url"],
        )
        client = Bitrix24(auth=auth, limits=RedisLimits(spec["redis_url"]), timeout=60)
        log = open(spec["log"], "a", buffering=1, encoding="utf-8")
        dispatcher = Dispatcher()
        seen = 0

        @dispatcher.on(OFFLINE_EVENT)
        def handle(event: Any, b24: Any) -> None:
            nonlocal seen
            log.write(f"{event.data['FIELDS']['ID']}\n")
            seen += 1
            if spec.get("block_after") and seen >= spec["block_after"]:
                Path(spec["log"] + ".blocked").write_text("1")
                time.sleep(3600)  # killed here: mid-batch, after handling, before the clear

        consumer = OfflineConsumer(
            client, dispatcher, process_id=spec["process_id"], batch_size=spec["batch"]
        )
    except Exception as exc:
        report["errors"].append(f"setup: {_error(exc)}")
        out.put(("ready", index))
        out.put(("done", index, report))
        return
    out.put(("ready", index))
    if not start.wait(120):
        report["errors"].append("no start signal")
        out.put(("done", index, report))
        return
    began = time.perf_counter()
    try:
        with client:
            run = consumer.run(idle_timeout=spec["idle"])
        report.update(processed=run.processed, failed=run.failed, batches=run.batches, reason=run.reason)
    except Exception as exc:
        report["errors"].append(f"run: {_error(exc)}")
    report["wall"] = time.perf_counter() - began
    report["retries"], report["warnings"] = warnings.retries, warnings.other
    log.close()
    out.put(("done", index, report))


def _kill_when_blocked(processes: dict[int, Any], victim: int, marker: Path, killed: dict[str, Any]) -> None:
    def watch() -> None:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        if marker.exists():
            os.kill(processes[victim].pid, signal.SIGKILL)
            killed["at"] = time.monotonic()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    killed["thread"] = thread


def _one_run(
    server: EmulatorProcess,
    redis: Any,
    consumers: int,
    events: int,
    *,
    kill: bool,
    timeout: float,
    folder: Path,
    idle: float,
) -> dict[str, Any]:
    server.reset()
    redis.flush()
    seeded = server.call(f"/_offline/seed?events={events}", post=True)
    if "error" in seeded:
        raise RuntimeError(f"offline binding refused: {seeded['error']}")
    server.reset(data=False)  # the binding's request is not the work: an empty bucket, zeroed counters
    tag = "kill" if kill else "all"
    batch = batch_size(consumers, events)
    block = victim_after(batch)
    specs = [
        {
            "index": i,
            "tokens": seeded["tokens"],
            "redis_url": redis.url,
            "process_id": f"bench-c{i}",
            "log": str(folder / f"{tag}-c{i}.log"),
            "idle": idle,
            "batch": batch,
            "block_after": block if kill and i == 1 else 0,
        }
        for i in range(consumers)
    ]
    killed: dict[str, Any] = {}
    marker = Path(specs[1]["log"] + ".blocked") if kill else None
    hook = (lambda procs: _kill_when_blocked(procs, 1, marker, killed)) if marker is not None else None
    first = run_group(consumer_worker, specs, timeout=timeout, started=hook)
    wall, restarted = first.wall, None
    if kill:
        killed["thread"].join(timeout=5)
        again = {**specs[1], "index": 0, "log": str(folder / f"{tag}-c1-restart.log"), "block_after": 0}
        restarted = run_group(consumer_worker, [again], timeout=timeout)
        wall += restarted.wall
    logs = [Path(s["log"]) for s in specs] + ([folder / f"{tag}-c1-restart.log"] if kill else [])
    seen = collections.Counter(
        int(line) for path in logs if path.exists() for line in path.read_text().split() if line
    )
    expected = set(range(1, events + 1))  # the leads the seed added, numbered from 1 on an empty portal
    stats, left = server.stats(), server.call("/_offline/left")
    victim_lines = Path(specs[1]["log"]).read_text().split() if kill else []
    return {
        "run": "one consumer killed (SIGKILL) mid-batch, restarted" if kill else "all succeed",
        "consumers": consumers,
        "events": events,
        "processed": sum(seen.values()),
        "once": sum(1 for n in seen.values() if n == 1),
        "repeated": sum(1 for n in seen.values() if n > 1),
        "lost": len(expected - set(seen)),
        "unexpected": len(set(seen) - expected),
        "victim_handled": len(victim_lines),
        "batch": batch,
        "victim_uncleared": len(victim_lines) - batch if kill else 0,  # its first batch was cleared
        "killed": bool(killed.get("at")),
        "crashed": sorted(first.crashed),
        "errors": first.errors(consumers) + (restarted.errors(1) if restarted else []),
        "queue_left": left,
        "requests": stats["requests"],
        "status_503": stats["status_503"],
        "wall": round(wall, 2),
        "messages": first.messages()[:4] + (restarted.messages()[:2] if restarted else []),
    }


def offline_runs(
    server: EmulatorProcess,
    redis: Any,
    consumers: int,
    events: int,
    *,
    timeout: float,
    progress: bool,
    idle: float = 2.0,
) -> list[dict[str, Any]]:
    """Both runs (all succeed; one killed) against the emulator process ``server`` (no deals needed);
    a consumer stops after ``idle`` seconds without events."""
    if consumers < 2:
        raise ValueError("the offline benchmark needs at least 2 consumers (one of them is killed)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="b24-offline-") as tmp:
        for kill in (False, True):
            if progress:
                what = "one killed" if kill else "all succeed"
                print(f"[offline] {consumers} consumers, {events} events, {what} ...", end="", flush=True)
            row = _one_run(
                server, redis, consumers, events, kill=kill, timeout=timeout, folder=Path(tmp), idle=idle
            )
            rows.append(row)
            if progress:
                print(
                    f" {row['once']} once, {row['repeated']} twice+, {row['lost']} lost, {row['wall']:.1f}s",
                    flush=True,
                )
    return rows
