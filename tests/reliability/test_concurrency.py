"""Concurrency: one refresh for 100 callers on an expired token; one limiter for 8 threads and 50 tasks
keeps the portal's bucket from ever overflowing."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.engine.limiter import Limiter
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.testing.emulator import Emulator

CALLERS = 100
CLIENT_ID, CLIENT_SECRET = "local.concurrency.app", "concurrency-secret-0123"


def expired_oauth(emu: Emulator) -> OAuth:
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=tokens, token_url=emu.token_url)
    emu.expire_tokens()
    return auth


def test_100_threads_on_an_expired_token_make_exactly_one_refresh() -> None:
    emu = Emulator(limits="off")
    auth = expired_oauth(emu)
    start = threading.Barrier(CALLERS)
    with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24:

        def one(_: int) -> Any:
            start.wait()
            return b24.call("user.current")

        with ThreadPoolExecutor(max_workers=CALLERS) as pool:
            answers = list(pool.map(one, range(CALLERS)))
    assert [a["ID"] for a in answers] == ["1"] * CALLERS
    assert emu.stats.refreshes == 1
    assert auth.refresh_count == 1


@pytest.mark.parametrize("coalesce", [True, False])
async def test_100_tasks_on_an_expired_token_make_exactly_one_refresh(coalesce: bool) -> None:
    emu = Emulator(limits="off")
    auth = expired_oauth(emu)
    async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off", coalesce=coalesce) as ab24:
        answers = await asyncio.gather(*(ab24.call("user.current") for _ in range(CALLERS)))
    assert [a["ID"] for a in answers] == ["1"] * CALLERS
    assert emu.stats.refreshes == 1
    assert auth.refresh_count == 1


async def test_threads_and_tasks_together_on_an_expired_token_make_exactly_one_refresh() -> None:
    emu = Emulator(limits="off")
    auth = expired_oauth(emu)
    sync = Bitrix24(auth=auth, transport=emu.transport(), limits="off")
    async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off", coalesce=False) as ab24:
        threads = [asyncio.to_thread(sync.call, "user.current") for _ in range(CALLERS // 2)]
        tasks = [ab24.call("user.current") for _ in range(CALLERS // 2)]
        answers = await asyncio.gather(*threads, *tasks)
    sync.close()
    assert len(answers) == CALLERS
    assert emu.stats.refreshes == 1


class FastClock:
    """Portal time running ``speed`` times faster than the wall clock: the bucket drains at 2 "seconds"
    per 1/speed real second, so real threads and tasks contend for it in a fraction of a second."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._t0 = time.monotonic()
        self._start = 1_705_309_200.0

    def __call__(self) -> float:
        return self._start + (time.monotonic() - self._t0) * self.speed

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self.speed)

    async def async_sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)


THREADS, THREAD_CALLS = 8, 25
TASKS, TASK_CALLS = 50, 3


async def test_one_limiter_for_8_threads_and_50_tasks_never_overflows_the_bucket() -> None:
    # Not faster: a thread stalled s real seconds by a busy CI machine sends s * speed portal seconds
    # late, which a leaky bucket cannot tell from a burst (at 40x a 12 ms stall is one slot of headroom).
    clock = FastClock(speed=40.0)
    emu = Emulator(limits="standard", clock=clock)
    peak = {"level": 0.0}
    lock = threading.Lock()

    def portal(request: httpx.Request) -> httpx.Response:
        response = emu.handle(request)
        with lock:
            bucket = emu._bucket
            assert bucket is not None
            peak["level"] = max(peak["level"], bucket.current())
        return response

    limiter = Limiter(50, 2.0, clock=clock, wall_clock=clock)
    retry = RetryPolicy(sleep=clock.sleep, async_sleep=clock.async_sleep)
    transport = httpx.MockTransport(portal)

    def worker(number: int) -> int:
        with Bitrix24(emu.webhook_url, transport=transport, limits=limiter, retry=retry) as b24:
            return sum(1 for _ in range(THREAD_CALLS) if b24.call("user.current")["ID"] == "1")

    async with AsyncBitrix24(
        emu.webhook_url, transport=transport, limits=limiter, retry=retry, coalesce=False
    ) as ab24:

        async def task() -> int:
            done = 0
            for _ in range(TASK_CALLS):
                done += (await ab24.call("profile"))["ID"] == "1"
            return done

        results = await asyncio.gather(
            *(asyncio.to_thread(worker, n) for n in range(THREADS)), *(task() for _ in range(TASKS))
        )
    total = THREADS * THREAD_CALLS + TASKS * TASK_CALLS
    assert sum(results) == total  # every call answered
    assert emu.stats.rejected_rate == 0  # the portal never said QUERY_LIMIT_EXCEEDED
    assert emu.stats.requests == total  # so nothing was repeated either
    assert limiter.snapshot().penalties == 0
    assert limiter.snapshot().waits >= total // 2  # most requests were paced ...
    assert peak["level"] >= 45  # ... with the portal's bucket close to full, yet never over it
