"""``distributed.RedisLimits`` against a real redis-server: one bucket for every process of a portal.

The Lua arithmetic on Redis' clock, two objects and four real processes sharing one bucket, a 503 and a
method budget seen by every process, Redis down or timing out (a typed error before any request), the
``fallback="local"`` degradation with one WARNING and its recovery, both clients on the emulator, the async
client awaiting Redis without blocking its loop, fork and pickle, and four processes against the
emulator's HTTP server at the standard plan: 0 x 503 with RedisLimits, some with per-process limiters.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.distributed import RedisLimits, _scripts
from bitrix24_toolkit.distributed.limits import RedisPortalLimiter
from bitrix24_toolkit.engine.limiter import PortalLimiter, SharedLimits, limiter_for
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.errors import (
    Bitrix24Error,
    InvalidInputError,
    OutcomeUnknownError,
    SharedStateError,
    leaves_outcome_unknown,
)
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.redis_server import redis_binary

DOMAIN = "portal.example.com"
SPAWN = multiprocessing.get_context("spawn")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_time(url: str) -> float:
    connection = redis.Redis.from_url(url)
    try:
        seconds, micros = connection.time()
        return seconds + micros / 1e6
    finally:
        connection.close()


def keys_of(url: str) -> dict[str, int]:
    """Every key in the server with its PTTL in ms."""
    connection = redis.Redis.from_url(url)
    try:
        return {key.decode(): int(connection.pttl(key)) for key in connection.keys("*")}
    finally:
        connection.close()


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A loopback socket that accepts connections and never answers: Redis timing out."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"redis://:sup3r-secret-pw@127.0.0.1:{sock.getsockname()[1]}/0"


# --------------------------------------------------------------------------------- the arithmetic
def test_the_reserve_script_matches_the_local_limiter_on_redis_clock(redis_url: str) -> None:
    limiter = RedisLimits(redis_url, plan=(5, 2)).for_portal(DOMAIN)
    waits = [limiter.reserve("crm.deal.list") for _ in range(7)]
    # one slot of headroom below the burst of 5: four go at once, then one per 0.5 s (rate 2/s)
    expected = [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 1.5]
    assert waits == pytest.approx(expected, abs=0.15)
    time.sleep(1.0)  # the bucket drains 2 slots by Redis' clock
    assert limiter.reserve() == pytest.approx(1.0, abs=0.15)
    state = limiter.snapshot()
    assert state.level == pytest.approx(6.0, abs=0.3)
    assert (state.burst, state.rate, state.waits) == (5.0, 2.0, 4)
    assert state.waited_seconds == pytest.approx(4.0, abs=0.4)
    assert state.penalties == 0


def test_budget_waits_use_redis_clock_not_the_process_clock(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = RedisLimits(redis_url, plan=(50, 2)).for_portal(DOMAIN)
    reset_at = redis_time(redis_url) + 100.0
    limiter.observe("crm.deal.list", 470.0, reset_at)  # over 90 % of 480 s
    # a process clock far in the future would make the local limiter wait 0: Redis' clock decides
    monkeypatch.setattr(time, "time", lambda: reset_at + 10_000.0)
    assert limiter.reserve("crm.deal.list") == pytest.approx(-100.0, abs=1.0)  # held: nothing booked
    assert limiter.reserve("crm.deal.get") == 0.0  # other methods go on
    assert limiter.reserve(None) == 0.0
    limiter.observe("crm.deal.add", 100.0, reset_at)  # well under the budget
    assert limiter.reserve("crm.deal.add") == 0.0
    monkeypatch.undo()
    far = redis_time(redis_url) + 5_000.0
    limiter.observe("crm.deal.list", 479.0, far)  # a reset beyond the 600 s window is capped
    assert limiter.reserve("crm.deal.list") == pytest.approx(-600.0)
    methods = limiter.snapshot().methods
    assert methods["crm.deal.list"].operating == 479.0
    assert methods["crm.deal.list"].reset_at == pytest.approx(far)
    assert set(methods) == {"crm.deal.list", "crm.deal.add"}


def test_budgets_that_are_not_numbers_are_ignored(redis_url: str) -> None:
    limiter = RedisLimits(redis_url).for_portal(DOMAIN)
    limiter.observe("crm.deal.list", float("nan"), time.time() + 50)
    limiter.observe("crm.deal.list", 470.0, None)
    limiter.observe("crm.deal.list", -1.0, time.time() + 50)
    assert limiter.snapshot().methods == {}
    assert not any(key.endswith(":methods") for key in keys_of(redis_url))


def test_keys_are_per_portal_expire_and_an_idle_portal_leaves_nothing(redis_url: str) -> None:
    limits = RedisLimits(redis_url, plan=(5, 50), key="myapp:limits")
    limits.for_portal("A.example.com").reserve()
    limits.for_portal("b.example.com").observe("user.get", 1.0, redis_time(redis_url) + 5.0)
    found = keys_of(redis_url)
    assert set(found) == {"myapp:limits:{a.example.com}:bucket", "myapp:limits:{b.example.com}:methods"}
    assert 0 < found["myapp:limits:{a.example.com}:bucket"] <= 1100  # drains in 1/50 s, plus 1 s
    assert 60_000 < found["myapp:limits:{b.example.com}:methods"] <= 65_100  # the reset, plus 60 s
    assert limits.for_portal("a.example.com") is limits.for_portal("A.EXAMPLE.COM")
    time.sleep(1.2)
    assert set(keys_of(redis_url)) == {"myapp:limits:{b.example.com}:methods"}
    # the default prefix
    RedisLimits(redis_url).for_portal(DOMAIN).reserve()
    assert f"b24:limits:{{{DOMAIN}}}:bucket" in keys_of(redis_url)


def test_a_flushed_script_cache_is_reloaded(redis_url: str) -> None:
    limiter = RedisLimits(redis_url, plan=(3, 2)).for_portal(DOMAIN)
    assert limiter.reserve() == 0.0
    connection = redis.Redis.from_url(redis_url)
    connection.script_flush()  # a restarted server forgets its scripts: NOSCRIPT, then SCRIPT LOAD
    assert limiter.reserve() == 0.0
    assert limiter.reserve() == pytest.approx(0.5, abs=0.15)
    assert connection.script_exists(_scripts.RESERVE.sha, _scripts.PENALIZE.sha) == [True, False]
    connection.close()


# ------------------------------------------------------------------------------- shared by processes
def test_two_objects_share_one_bucket(redis_url: str) -> None:
    one = RedisLimits(redis_url, plan=(5, 2)).for_portal(DOMAIN)
    two = RedisLimits(redis_url, plan=(5, 2)).for_portal(DOMAIN)
    waits = [one.reserve(), two.reserve(), one.reserve(), two.reserve(), one.reserve(), two.reserve()]
    assert waits == pytest.approx([0, 0, 0, 0, 0.5, 1.0], abs=0.15)
    assert one.snapshot().level == pytest.approx(two.snapshot().level, abs=0.3)
    assert (one.snapshot().waits, two.snapshot().waits) == (1, 1)  # counted per process (per object)


def test_a_503_seen_by_one_process_slows_the_others(redis_url: str) -> None:
    one = RedisLimits(redis_url, plan=(5, 2)).for_portal(DOMAIN)
    two = RedisLimits(redis_url, plan=(5, 2)).for_portal(DOMAIN)
    assert two.reserve() == 0.0
    one.penalize()
    assert one.snapshot().penalties == 1
    assert two.snapshot().penalties == 0
    assert two.snapshot().level == pytest.approx(5.0, abs=0.3)
    # the bucket is full for everyone: (5 + 1 - 4) / 2
    assert two.reserve() == pytest.approx(1.0, abs=0.15)


def test_a_budget_seen_by_one_process_holds_the_others(redis_url: str) -> None:
    one = RedisLimits(redis_url).for_portal(DOMAIN)
    two = RedisLimits(redis_url).for_portal(DOMAIN)
    reset_at = redis_time(redis_url) + 30.0
    one.observe("crm.deal.list", 440.0, reset_at)  # 440 >= 0.9 * 480: close to the budget
    assert two.reserve("crm.deal.list") == pytest.approx(-30.0, abs=0.5)
    assert two.reserve("crm.lead.list") == 0.0
    assert two.snapshot().methods["crm.deal.list"].operating == 440.0


def _reserve_in_a_process(url: str, count: int, barrier: Any, results: Any) -> None:
    limits = RedisLimits(url, plan=(50, 2))
    limiter = limits.for_portal(DOMAIN)
    barrier.wait()
    results.put([limiter.reserve() for _ in range(count)])


def _run_processes(target: Any, args: tuple[Any, ...], count: int, timeout: float = 90.0) -> list[Any]:
    barrier = SPAWN.Barrier(count)
    results = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, barrier, results)) for _ in range(count)]
    for process in processes:
        process.start()
    try:
        found = [results.get(timeout=timeout) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
    assert [process.exitcode for process in processes] == [0] * count
    return found


def test_four_processes_book_in_one_bucket(redis_url: str) -> None:
    started = redis_time(redis_url)
    per_process = _run_processes(_reserve_in_a_process, (redis_url, 30), 4)
    elapsed = redis_time(redis_url) - started
    waits = sorted(wait for chunk in per_process for wait in chunk)
    assert len(waits) == 120
    # one bucket of 50 (49 with the headroom slot) at 2/s: the k-th booking waits (k + 1 - 49) / 2, less
    # whatever drained while they booked; four private buckets would have let 4 x 30 go at once
    zero = sum(1 for wait in waits if wait == 0.0)
    assert 49 <= zero <= 49 + int(elapsed * 2) + 1, (zero, elapsed)
    expected = [max(0.0, (k + 1 - 49) / 2) for k in range(120)]
    assert all(abs(got - want) <= elapsed + 0.05 for got, want in zip(waits, expected, strict=True))
    assert waits[-1] == pytest.approx(35.5, abs=elapsed + 0.05)
    level = RedisLimits(redis_url, plan=(50, 2)).for_portal(DOMAIN).snapshot().level
    assert 120 - 2 * (redis_time(redis_url) - started) - 0.1 <= level <= 120.0


def test_threads_share_one_limiter_safely(redis_url: str) -> None:
    limiter = RedisLimits(redis_url, plan=(50, 0.01)).for_portal(DOMAIN)  # drains 1 slot per 100 s
    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = sorted(pool.map(lambda _: limiter.reserve(), range(160)))
    assert waits == pytest.approx([max(0.0, (k + 1 - 49) / 0.01) for k in range(160)], abs=2.0)
    state = limiter.snapshot()
    assert state.level == pytest.approx(160.0, abs=0.05)
    assert state.waits == 111


# ------------------------------------------------------------------------------------ Redis failing
def test_redis_down_is_a_typed_error_before_any_request() -> None:
    url = f"redis://:hunter2-secret@127.0.0.1:{closed_port()}/0"
    limits = RedisLimits(url)
    assert "hunter2" not in repr(limits)
    emu = Emulator(limits="off")
    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits=limits) as b24:
        with pytest.raises(SharedStateError) as caught:
            b24.call("crm.lead.add", {"fields": {"TITLE": "never sent"}})
        with pytest.raises(SharedStateError):
            b24.call("crm.deal.list")
        bulk = b24.crm.lead.add_many([{"TITLE": f"bulk {i}"} for i in range(120)])
    assert (len(bulk.failed), len(bulk.unknown), len(bulk.ok)) == (120, 0, 0)  # refused, not "maybe written"
    assert all(isinstance(item.error, SharedStateError) for item in bulk.failed)
    error = caught.value
    assert not isinstance(error, OutcomeUnknownError)
    assert error.sent is False
    assert not leaves_outcome_unknown(error)
    assert error.what == "limits"
    assert "hunter2" not in str(error)
    assert "hunter2" not in repr(error)
    assert "***" in str(error)
    assert "nothing was sent" in str(error)
    assert emu.stats.requests == 0  # no request reached the portal
    assert emu.call("crm.lead.list", {})[1]["total"] == 0
    assert not RetryPolicy().retryable(error, read=True)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, SharedStateError)
    assert str(copy) == str(error)


async def test_redis_down_in_the_async_client() -> None:
    emu = Emulator(limits="off")
    limits = RedisLimits(f"redis://127.0.0.1:{closed_port()}/0")
    async with AsyncBitrix24(emu.webhook_url, transport=emu.transport(), limits=limits) as b24:
        with pytest.raises(SharedStateError):
            await b24.call("crm.lead.add", {"fields": {"TITLE": "never sent"}})
    assert emu.stats.requests == 0


def test_redis_timing_out_is_a_typed_error(silent_redis: str) -> None:
    limiter = RedisLimits(silent_redis, timeout=0.3).for_portal(DOMAIN)
    started = time.monotonic()
    with pytest.raises(SharedStateError) as caught:
        limiter.reserve()
    assert time.monotonic() - started < 3.0
    assert "Timeout" in str(caught.value)
    assert "sup3r-secret-pw" not in str(caught.value)


def test_a_wrong_password_is_a_typed_error_without_the_password(redis_url: str) -> None:
    admin = redis.Redis.from_url(redis_url)
    admin.config_set("requirepass", "the-right-pass")
    try:
        host_port = redis_url.split("//", 1)[1]
        wrong = RedisLimits(f"redis://:the-wrong-pass@{host_port}").for_portal(DOMAIN)
        with pytest.raises(SharedStateError) as caught:
            wrong.reserve()
        assert "the-wrong-pass" not in str(caught.value)
        assert "AuthenticationError" in str(caught.value)
        right = RedisLimits(f"redis://:the-right-pass@{host_port}").for_portal(DOMAIN)
        assert right.reserve() == 0.0
    finally:
        fixed = redis.Redis.from_url(redis_url, password="the-right-pass")
        fixed.config_set("requirepass", "")
        fixed.close()
        admin.close()


def test_a_failed_record_after_an_answer_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RedisLimits(f"redis://127.0.0.1:{closed_port()}/0").for_portal(DOMAIN)
    with caplog.at_level(logging.WARNING, logger="bitrix24_toolkit"):
        limiter.penalize()  # the 503 has arrived: a write answered must not look unsent
        limiter.observe("crm.deal.list", 470.0, time.time() + 60)
    assert limiter.local.snapshot().methods["crm.deal.list"].operating == 470.0
    with pytest.raises(SharedStateError):  # a snapshot, like a reservation, needs Redis
        limiter.snapshot()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_fallback_local_warns_once_and_work_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    limits = RedisLimits(f"redis://:pw-123456@127.0.0.1:{closed_port()}/0", plan=(5, 50), fallback="local")
    emu = Emulator(limits="off")
    with caplog.at_level(logging.DEBUG, logger="bitrix24_toolkit"):
        with Bitrix24(emu.webhook_url, transport=emu.transport(), limits=limits) as b24:
            ids = [b24.call("crm.lead.add", {"fields": {"TITLE": f"lead {i}"}}) for i in range(12)]
            state = b24.limits
    assert len(set(ids)) == 12
    assert emu.stats.requests == 12
    warnings_ = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings_) == 1, [r.getMessage() for r in warnings_]
    assert "each process keeps its own" in warnings_[0].getMessage()
    assert "pw-123456" not in caplog.text
    assert state is not None
    assert state.waits >= 1


def _start_redis_on(port: int, folder: str) -> subprocess.Popen[bytes]:
    binary = redis_binary()
    assert binary is not None
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=port).ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def test_fallback_local_goes_back_to_redis_when_it_answers(caplog: pytest.LogCaptureFixture) -> None:
    port = closed_port()
    url = f"redis://127.0.0.1:{port}/0"
    limiter = RedisLimits(url, plan=(5, 2), fallback="local", retry_after=0.3).for_portal(DOMAIN)
    with caplog.at_level(logging.INFO, logger="bitrix24_toolkit"):
        assert limiter.reserve() == 0.0  # local
        with tempfile.TemporaryDirectory() as folder:
            server = _start_redis_on(port, folder)
            try:
                assert limiter.reserve() == 0.0  # still local: Redis is tried again after 0.3 s
                assert keys_of(url) == {}
                time.sleep(0.35)
                assert limiter.reserve() == 0.0  # on Redis again
                assert f"b24:limits:{{{DOMAIN}}}:bucket" in keys_of(url)
                assert limiter.snapshot().level == pytest.approx(1.0, abs=0.3)
            finally:
                server.terminate()
                server.wait(timeout=10)
    levels = [r.levelname for r in caplog.records if "shared limits" in r.getMessage()]
    assert levels == ["WARNING", "INFO"]


# -------------------------------------------------------------------------------------- the clients
def test_the_sync_client_books_every_request_in_redis(redis_url: str) -> None:
    emu = Emulator(limits=(5, 20))
    limits = RedisLimits(redis_url, plan=(5, 20))
    assert isinstance(limits, SharedLimits)
    assert isinstance(limiter_for(DOMAIN, limits), RedisPortalLimiter)
    assert isinstance(limits.for_portal(DOMAIN), PortalLimiter)
    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits=limits) as b24:
        ids = [b24.call("crm.lead.add", {"fields": {"TITLE": f"lead {i}"}}) for i in range(12)]
        state = b24.limits
    assert len(set(ids)) == 12
    assert emu.stats.rejected_rate == 0  # paced by Redis: 4 at once, then 20/s
    assert state is not None
    assert state.waits >= 7
    other = RedisLimits(redis_url, plan=(5, 20)).for_portal(emu.domain)
    assert other.snapshot().level > 3  # the bookings are in Redis, seen by another "process"


async def test_the_async_client_awaits_redis_and_never_blocks_its_loop(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def blocking(*args: Any) -> Any:
        raise AssertionError("the async client must not call the blocking limiter")

    monkeypatch.setattr(RedisPortalLimiter, "reserve", blocking)
    monkeypatch.setattr(RedisPortalLimiter, "observe", blocking)
    emu = Emulator(limits=(5, 20))
    limits = RedisLimits(redis_url, plan=(5, 20))
    admin = redis.Redis.from_url(redis_url)
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    async with AsyncBitrix24(emu.webhook_url, transport=emu.transport(), limits=limits) as b24:
        assert await b24.call("crm.lead.add", {"fields": {"TITLE": "warm up"}})
        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)
        admin.execute_command("CLIENT", "PAUSE", "400", "ALL")  # Redis answers nothing for 0.4 s
        started = time.monotonic()
        ids = await asyncio.gather(
            *(b24.call("crm.lead.add", {"fields": {"TITLE": f"lead {i}"}}) for i in range(8))
        )
        took = time.monotonic() - started
        stop.set()
        await tick
    admin.close()
    await limits.aclose()
    assert len(set(ids)) == 8
    assert emu.stats.rejected_rate == 0
    assert took >= 0.3  # the calls waited for Redis ...
    assert max(gaps) < 0.15, max(gaps)  # ... while the loop went on ticking


def test_one_connection_per_event_loop_closed_with_the_loop(redis_url: str) -> None:
    limiter = RedisLimits(redis_url, plan=(50, 0.01)).for_portal(DOMAIN)

    async def book() -> float:
        return await limiter.areserve() + await limiter.areserve()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert asyncio.run(book()) == 0.0
        assert asyncio.run(book()) == 0.0  # a new loop gets its own connection
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], caught
    admin = redis.Redis.from_url(redis_url)
    assert len(admin.client_list()) == 1  # only this one: each loop's connection closed with its loop
    admin.close()
    assert limiter.snapshot().level == pytest.approx(4.0, abs=0.01)


# ------------------------------------------------------------------------------------ fork, pickle
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_gets_its_own_connection(redis_url: str) -> None:
    limits = RedisLimits(redis_url, plan=(50, 2))
    limiter = limits.for_portal(DOMAIN)
    assert limiter.reserve() == 0.0
    parent_id = limits._connections.sync().client_id()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: book, report its connection id, leave at once
        try:
            limiter.reserve()
            os.write(write, str(limits._connections.sync().client_id()).encode())
        finally:
            os._exit(0)
    os.close(write)
    child_id = int(os.read(read, 64).decode())
    os.close(read)
    os.waitpid(pid, 0)
    assert child_id != parent_id
    assert limits._connections.sync().client_id() == parent_id  # the parent's socket is intact
    assert limiter.snapshot().level == pytest.approx(2.0, abs=0.3)


def test_pickled_limits_keep_their_settings_and_connect_anew(redis_url: str) -> None:
    limits = RedisLimits(redis_url, plan=(7, 3), key="app", fallback="local", timeout=1.5, margin=0.8)
    limiter = limits.for_portal(DOMAIN)
    limiter.reserve()
    copy = pickle.loads(pickle.dumps(limits))
    assert repr(copy) == repr(limits)
    assert (copy.prefix, copy.fallback, copy.timeout, copy.margin) == ("app:", "local", 1.5, 0.8)
    assert copy._connections is not limits._connections
    clone = pickle.loads(pickle.dumps(limiter))
    assert clone.keys == limiter.keys
    assert clone.snapshot().level == pytest.approx(1.0, abs=0.3)


# ------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url": "http://localhost:6379"}, "url"),
        ({"url": "localhost:6379"}, "url"),
        ({"url": 6379}, "url"),
        ({"url": "redis://"}, "url"),
        ({"plan": "gold"}, "plan"),
        ({"plan": (0, 2)}, "plan"),
        ({"plan": (50, float("nan"))}, "plan"),
        ({"plan": [50, 2]}, "plan"),
        ({"fallback": "ignore"}, "fallback"),
        ({"key": ""}, "key"),
        ({"key": "a{b}"}, "key"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"margin": 1.5}, "margin"),
        ({"retry_after": float("inf")}, "retry_after"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"url": "redis://127.0.0.1:6379/0", **kwargs}
    with pytest.raises(InvalidInputError) as caught:
        RedisLimits(**arguments)
    assert caught.value.field == field


def test_bad_urls_never_echo_a_password() -> None:
    with pytest.raises(InvalidInputError) as caught:
        RedisLimits("http://:not-for-eyes@localhost:6379/0")
    assert "not-for-eyes" not in str(caught.value)
    limits = RedisLimits("redis://user:not-for-eyes@localhost:6379/0?password=also-hidden")
    assert limits.url == "redis://user:***@localhost:6379/0?password=***"
    shown = repr(limits)
    assert "not-for-eyes" not in shown
    assert "also-hidden" not in shown
    assert "user:***@" in shown


@pytest.mark.parametrize("domain", ["", "a b", "{x}", 42])
def test_bad_domains_are_refused(domain: Any) -> None:
    with pytest.raises(InvalidInputError):
        RedisLimits("redis://127.0.0.1:6379/0").for_portal(domain)


def test_every_error_is_ours() -> None:
    assert issubclass(SharedStateError, Bitrix24Error)


# ----------------------------------------------------------- end to end: the emulator's HTTP server
def _add_leads_in_a_process(
    webhook: str, limits: Any, prefix: str, count: int, barrier: Any, results: Any
) -> None:
    retry = RetryPolicy() if isinstance(limits, RedisLimits) else RetryPolicy(attempts=3)
    outcome: dict[str, Any] = {"ok": 0, "errors": []}
    with Bitrix24(webhook, limits=limits, retry=retry) as b24:
        barrier.wait()
        for i in range(count):
            try:
                b24.call("crm.lead.add", {"fields": {"TITLE": f"{prefix}-{os.getpid()}-{i}"}})
                outcome["ok"] += 1
            except Bitrix24Error as exc:
                outcome["errors"].append(type(exc).__name__)
    results.put(outcome)


def _leads(emu: Emulator) -> list[str]:
    return [str(row["TITLE"]) for row in emu.state.table("lead").values()]


def test_four_processes_on_the_standard_plan_see_no_503_with_redis_limits(redis_url: str) -> None:
    emu = Emulator(limits="standard")
    with emu.serve() as webhook:
        found = _run_processes(_add_leads_in_a_process, (webhook, RedisLimits(redis_url), "shared", 16), 4)
    assert [outcome["errors"] for outcome in found] == [[], [], [], []]
    assert sum(outcome["ok"] for outcome in found) == 64
    assert emu.stats.rejected_rate == 0  # 64 requests over a bucket of 50: paced, never refused
    titles = [title for title in _leads(emu) if title.startswith("shared-")]
    assert len(titles) == 64
    assert len(set(titles)) == 64


def test_four_processes_with_their_own_limiters_do_see_503s() -> None:
    emu = Emulator(limits="standard")
    with emu.serve() as webhook:
        found = _run_processes(_add_leads_in_a_process, (webhook, "standard", "local", 16), 4)
    # each process thinks the 50 slots are its own: together they overfill the portal's bucket
    assert emu.stats.rejected_rate > 0
    titles = [title for title in _leads(emu) if title.startswith("local-")]
    assert len(titles) == len(set(titles)) == sum(outcome["ok"] for outcome in found)


def test_without_the_redis_extra_the_error_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis now fails, as without the extra
    with pytest.raises(InvalidInputError, match=r"pip install \"bitrix24-toolkit\[redis\]\""):
        RedisLimits("redis://127.0.0.1:6379/0")


def test_the_package_imports_without_redis() -> None:
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "import bitrix24_toolkit.distributed.limits\n"
        "from bitrix24_toolkit.distributed import RedisLimits\n"
        "assert 'redis' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "print(RedisLimits.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "RedisLimits"


def test_an_error_never_shows_the_url_secrets() -> None:
    from bitrix24_toolkit.distributed._redis import shared_state_error, url_secrets

    url = "redis://app:p%40ss-word@127.0.0.1:6379/0?db=1&password=query-secret"
    assert url_secrets(url) == ["query-secret", "p%40ss-word", "p@ss-word"]
    error = shared_state_error(OSError("echo p@ss-word and query-secret"), url, "limits")
    assert "p@ss-word" not in str(error)
    assert "query-secret" not in str(error)
    assert error.__cause__ is None  # a cause that shows a secret is not kept
    kept = shared_state_error(OSError("Connection refused"), url, "limits")
    assert isinstance(kept.__cause__, OSError)
    assert "redis://app:***@127.0.0.1:6379/0?db=1&password=***" in str(kept)
