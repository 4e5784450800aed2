"""Requests in flight follow the portal's bucket, measured by the benchmark's independent fake portal.

The fake portal (``benchmarks/fake_portal.py``, its own process, no code of ours) counts requests in flight
and refuses with 503 past its bucket. Here the bucket is 50 draining 20/s (the standard plan's burst with a
faster drain, so pacing shows in a second), and every request really costs server time (30 ms + 5 ms per
command), so concurrent requests overlap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.fake_process import FakePortalProcess
from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.engine.base import DEFAULT_CONCURRENCY

LIMITS = (50, 20)
ROWS = [{"TITLE": f"Paced lead {i}"} for i in range(2000)]


@pytest.fixture
def portal() -> Iterator[FakePortalProcess]:
    """A fresh fake portal per test: a new address, so a new shared limiter on our side too."""
    with FakePortalProcess("--seed-deals", "1000", "--burst", "50", "--drain", "20") as fake:
        yield fake


def _after_burst_wait(level: float, requests: int) -> float:
    """The least time ``requests`` more take at 20/s once the bucket holds ``level`` (49 usable slots)."""
    return max(0.0, (level + requests - 49) / LIMITS[1])


def _check_first_burst(portal: FakePortalProcess, done: Any) -> None:
    assert done.all_ok
    assert len(set(done.values)) == 2000
    stats = portal.stats()
    assert stats["methods"] == {"batch": 40}  # no crm.lead.fields: standard fields only
    assert stats["status_503"] == 0
    assert 30 <= stats["max_in_flight"] <= 40  # the fresh bucket's worth at once, not a fixed 8


def test_add_many_spends_a_fresh_bucket_at_once_then_the_drain(portal: FakePortalProcess) -> None:
    with Bitrix24(portal.url, limits=LIMITS) as b24:
        assert b24.max_concurrency == DEFAULT_CONCURRENCY == 50
        _check_first_burst(portal, b24.crm.lead.add_many(ROWS))
        state = b24.limits
        assert state is not None
        portal.reset()  # statistics only: the portal's bucket keeps its level
        started = time.monotonic()
        again = b24.crm.lead.add_many(ROWS)  # right after: paced by the drain, not refused
        elapsed = time.monotonic() - started
    assert again.all_ok
    stats = portal.stats()
    assert (stats["requests"], stats["status_503"], stats["status_429"]) == (40, 0, 0)
    assert elapsed >= 0.9 * _after_burst_wait(state.level, 40) > 0.5
    assert stats["max_in_flight"] < 40  # only the room left in the bucket went at once


async def test_the_async_client_paces_the_same_way(portal: FakePortalProcess) -> None:
    async with AsyncBitrix24(portal.url, limits=LIMITS) as b24:
        _check_first_burst(portal, await b24.crm.lead.add_many(ROWS))
        portal.reset()
        state = b24.limits
        assert state is not None
        started = time.monotonic()
        again = await b24.crm.lead.add_many(ROWS)
        elapsed = time.monotonic() - started
    assert again.all_ok
    assert portal.stats()["status_503"] == 0
    assert elapsed >= 0.9 * _after_burst_wait(state.level, 40) > 0.5


def test_two_clients_of_one_portal_stay_under_the_bucket_together(portal: FakePortalProcess) -> None:
    results: list[Any] = []

    def write(offset: int) -> None:
        with Bitrix24(portal.url, limits=LIMITS) as b24:  # same portal and limits: one shared limiter
            results.append(b24.crm.lead.add_many([{"TITLE": f"T{offset + i}"} for i in range(1500)]))

    threads = [threading.Thread(target=write, args=(n * 10_000,)) for n in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert [r.all_ok for r in results] == [True, True]
    stats = portal.stats()
    assert (stats["requests"], stats["status_503"]) == (60, 0)  # 60 > the burst of 50, yet no refusal
    assert elapsed >= 0.9 * _after_burst_wait(0, 60)  # the 11 past the burst waited for the drain
    assert len([title for _, title in portal.leads() if title and title.startswith("T")]) == 3000


def test_reads_in_batches_go_at_the_buckets_pace_too(portal: FakePortalProcess) -> None:
    with Bitrix24(portal.url, limits=LIMITS) as b24:
        outcomes = b24.batch([("crm.deal.get", {"id": i}) for i in range(1, 1001)])
    assert [o.value["ID"] for o in outcomes[:3]] == ["1", "2", "3"]
    assert all(o.ok for o in outcomes)
    stats = portal.stats()
    assert (stats["requests"], stats["status_503"]) == (20, 0)
    assert stats["max_in_flight"] >= 15


def test_max_concurrency_caps_what_the_bucket_would_allow(portal: FakePortalProcess) -> None:
    with Bitrix24(portal.url, limits=LIMITS, max_concurrency=4) as b24:
        assert b24.crm.lead.add_many(ROWS[:1000]).all_ok
    stats = portal.stats()
    assert stats["requests"] == 20
    assert stats["max_in_flight"] == 4
