"""Adversarial review of issue 19, part A: ``RedisLimits``, ``RedisTokenStore`` and the engine hooks.

Every test runs against real things: a real redis-server on loopback (paused with ``CLIENT PAUSE`` or
killed with SIGKILL to make it fail), the emulator in-process or over HTTP, real spawned processes.
Tests marked ``xfail(strict=True)`` prove a defect of the library; the others are attacks that held.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import redis

from bitrix24_toolkit import AsyncBitrix24, Bitrix24
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.distributed import RedisLimits, RedisTokenStore
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.errors import (
    Bitrix24Error,
    InvalidInputError,
    OperationTimeLimitError,
    SharedStateError,
)
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.redis_server import redis_binary

CLIENT_ID, CLIENT_SECRET = "local.app.adversarial", "adversarial-secret-0123456789"
KEY = "b24:tokens:adversarial"
SPAWN = multiprocessing.get_context("spawn")


def _tokens(emu: Emulator) -> OAuthTokens:
    return OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))


def _oauth(emu: Emulator, store: RedisTokenStore, tokens: OAuthTokens) -> OAuth:
    return OAuth(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=tokens, store=store, token_url=emu.token_url
    )


async def _heartbeat(gaps: list[float], stop: asyncio.Event) -> None:
    """Ticks every 10 ms and records the gaps: a loop blocked by a sync call shows a long gap."""
    last = time.monotonic()
    while not stop.is_set():
        await asyncio.sleep(0.01)
        now = time.monotonic()
        gaps.append(now - last)
        last = now


@pytest.fixture
def own_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test alone (the test may SIGKILL it)."""
    binary = redis_binary()
    assert binary is not None

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    with tempfile.TemporaryDirectory() as folder:
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
        while True:
            try:
                redis.Redis(port=port).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        try:
            yield f"redis://127.0.0.1:{port}/0", process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


# ========================================================================================== secrets
@pytest.mark.parametrize("make", [RedisLimits, lambda url: RedisTokenStore(url, key=KEY)])
def test_a_bad_url_never_echoes_a_password_with_a_question_mark(make: Any) -> None:
    url = "redis://:topsecret?pw-42@127.0.0.1:6379/0"
    with pytest.raises(InvalidInputError) as caught:
        make(url)
    assert "pw-42" not in str(caught.value)
    assert "topsecret" not in str(caught.value)


def test_reprs_errors_and_logs_of_a_paused_redis_show_no_password(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Held: a timing-out Redis with a password gives a typed error, the password nowhere."""
    admin = redis.Redis.from_url(redis_url)
    admin.config_set("requirepass", "pw-0f-the-portal")
    try:
        host = redis_url.split("//", 1)[1]
        url = f"redis://:pw-0f-the-portal@{host}"
        limits = RedisLimits(url, timeout=0.3)
        store = RedisTokenStore(url, key=KEY)
        limiter = limits.for_portal("portal.example.com")
        assert limiter.reserve() == 0.0
        authed = redis.Redis.from_url(url)
        authed.client_pause(1500)
        with caplog.at_level(logging.DEBUG):
            with pytest.raises(SharedStateError) as first:
                limiter.reserve()
            limiter.penalize()  # never raises: logged
        texts = [str(first.value), repr(first.value), repr(limits), repr(store), repr(limiter), caplog.text]
        assert all("pw-0f-the-portal" not in text for text in texts), texts
        time.sleep(1.6)
        authed.config_set("requirepass", "")
        authed.close()
    finally:
        admin.close()


# ==================================================================================== token sharing
def test_a_worker_never_adopts_the_pair_of_another_portal(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, key=KEY)
    theirs = OAuthTokens("access-a-1", "refresh-a-1", "https://a.bitrix24.test/rest/", 1_900_000_000.0)
    store.save(theirs)
    ours = OAuthTokens("access-b-1", "refresh-b-1", "https://b.bitrix24.test/rest/", 1_800_000_000.0)
    try:
        auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=ours, store=store)
    except InvalidInputError:
        return  # refused: the misconfiguration is named before any request
    assert auth.domain == "b.bitrix24.test", f"portal B's client now talks to {auth.domain}"


async def test_the_async_refresh_never_blocks_its_loop_on_a_slow_redis(redis_url: str) -> None:
    emu = Emulator(limits="off")
    auth = _oauth(emu, RedisTokenStore(redis_url, key=KEY), _tokens(emu))
    emu.expire_tokens()
    admin = redis.Redis.from_url(redis_url)
    gaps: list[float] = []
    stop = asyncio.Event()
    async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
        beat = asyncio.create_task(_heartbeat(gaps, stop))
        await asyncio.sleep(0.05)
        admin.client_pause(1200)  # Redis answers after 1.2 s (within its 2 s timeout)
        assert (await ab24.call("user.current"))["ID"] == "1"
        stop.set()
        await beat
    admin.close()
    assert emu.stats.refreshes == 1
    assert max(gaps) < 0.3, f"the event loop was blocked {max(gaps):.2f} s"


async def test_the_async_limiter_never_blocks_its_loop_on_a_slow_redis(redis_url: str) -> None:
    """Held: RedisLimits' reservations are awaited on redis.asyncio (contrast with the refresh above)."""
    emu = Emulator(limits="off")
    admin = redis.Redis.from_url(redis_url)
    gaps: list[float] = []
    stop = asyncio.Event()
    async with AsyncBitrix24(emu.webhook_url, transport=emu.transport(), limits=RedisLimits(redis_url)) as ab:
        await ab.call("user.current")  # connected
        beat = asyncio.create_task(_heartbeat(gaps, stop))
        await asyncio.sleep(0.05)
        admin.client_pause(1200)
        started = time.monotonic()
        await ab.call("user.current")
        assert time.monotonic() - started > 1.0  # it did wait for Redis...
        stop.set()
        await beat
    admin.close()
    assert max(gaps) < 0.3  # ...without blocking the loop


class _SaveFails:
    """Two workers on one pair; Redis takes no writes (CLIENT PAUSE WRITE) while A's refresh is answered."""

    def __init__(self, url: str) -> None:
        self.emu = Emulator(limits="off")
        self.admin = redis.Redis.from_url(url)
        initial = _tokens(self.emu)
        self.clients: list[tuple[OAuth, Bitrix24]] = []
        for _ in range(2):
            store = RedisTokenStore(url, key=KEY, lock_ttl=3.0, lock_wait=5.0)
            auth = _oauth(self.emu, store, initial)
            self.clients.append((auth, Bitrix24(auth=auth, transport=httpx.MockTransport(self.portal))))
        self.emu.expire_tokens()

    def portal(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/token"):
            self.admin.client_pause(4500, all=False)
        return self.emu.handle(request)

    def run(self) -> SharedStateError:
        a = self.clients[0][1]
        with pytest.raises(SharedStateError) as caught:
            a.call("user.current")  # A refreshes; saving its new pair times out
        assert self.emu.stats.refreshes == 1  # the portal did refresh: the old refresh token is spent
        time.sleep(4.7)  # Redis takes writes again
        assert a.call("user.current")["ID"] == "1"  # A goes on with the pair in its memory
        return caught.value

    def close(self) -> None:
        for _, client in self.clients:
            client.close()
        self.admin.close()


def test_a_refresh_whose_save_failed_does_not_log_the_other_processes_out(redis_url: str) -> None:
    scene = _SaveFails(redis_url)
    try:
        scene.run()
        assert scene.clients[1][1].call("user.current")["ID"] == "1", "worker B is logged out"
        assert RedisTokenStore(redis_url, key=KEY).load() == scene.clients[0][0].tokens
    finally:
        scene.close()


def test_a_failed_save_after_a_refresh_does_not_claim_nothing_was_sent(redis_url: str) -> None:
    scene = _SaveFails(redis_url)
    try:
        error = scene.run()
    finally:
        scene.close()
    assert "nothing was sent" not in str(error), str(error)


def test_a_corrupt_stored_pair_is_a_typed_error_at_start_never_the_value(redis_url: str) -> None:
    """Held: a corrupt value under the key stops OAuth(...) with SharedStateError naming the key only."""
    redis.Redis.from_url(redis_url).set(KEY, b'{"access_token": "leaked-a", "refresh_token": 7}')
    emu = Emulator(limits="off")
    with pytest.raises(SharedStateError) as caught:
        _oauth(emu, RedisTokenStore(redis_url, key=KEY), _tokens(emu))
    assert KEY in str(caught.value)
    assert "leaked-a" not in str(caught.value)
    assert caught.value.__cause__ is None or "leaked-a" not in str(caught.value.__cause__)


# ==================================================================================== shared limits
def _drive_to_operation_time_limit(url: str, budget: float | None) -> tuple[Emulator, RedisLimits]:
    emu = Emulator(limits="off", operating_limit=0.004)  # 5 calls of 1 ms each use the method's budget
    limits = RedisLimits(url, operating_budget=budget)
    once = RetryPolicy(attempts=1)

    def until_refused(b24: Bitrix24) -> None:
        for _ in range(20):
            b24.call("crm.deal.list")

    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits=limits, retry=once) as b24:
        with pytest.raises(OperationTimeLimitError):
            until_refused(b24)
    return emu, limits


def test_an_operation_time_limit_holds_the_method_in_every_process(redis_url: str) -> None:
    """Held with the default budget: a 429 seen by one process holds that method for the others."""
    emu, _ = _drive_to_operation_time_limit(redis_url, 480.0)
    other = RedisLimits(redis_url).for_portal(emu.domain)
    assert other.reserve("crm.deal.list") < -500  # held until the window resets (~600 s)
    assert other.reserve("crm.lead.list") == 0.0


@pytest.mark.parametrize("budget", [600.0, None])
def test_an_operation_time_limit_is_shared_whatever_the_operating_budget(
    redis_url: str, budget: float | None
) -> None:
    emu, _ = _drive_to_operation_time_limit(redis_url, budget)
    other = RedisLimits(redis_url, operating_budget=budget).for_portal(emu.domain)
    assert other.reserve("crm.deal.list") < -500  # held (negative: nothing booked) until the reset


def _redis_now(url: str) -> float:
    connection = redis.Redis.from_url(url)
    try:
        seconds, micros = connection.time()
        return seconds + micros / 1e6
    finally:
        connection.close()


def test_requests_held_for_a_budget_do_not_all_go_at_its_reset(redis_url: str) -> None:
    emu = Emulator(limits=(5, 10))
    other = RedisLimits(redis_url, plan=(5, 10)).for_portal(emu.domain)
    other.observe("crm.deal.list", 470.0, _redis_now(redis_url) + 1.5)  # another process: near its budget
    limits = RedisLimits(redis_url, plan=(5, 10))
    once = RetryPolicy(attempts=1)
    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits=limits, retry=once) as b:

        def one(_: int) -> str:
            try:
                b.call("crm.deal.list")
                return "ok"
            except Bitrix24Error as exc:
                return type(exc).__name__

        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(one, range(20)))
    assert emu.stats.rejected_rate == 0, f"{emu.stats.rejected_rate} x 503 after the budget's reset"
    assert outcomes == ["ok"] * 20


def test_other_methods_go_on_while_one_is_held_for_its_budget(redis_url: str) -> None:
    limiter = RedisLimits(redis_url).for_portal("portal.example.com")
    limiter.observe("crm.deal.get", 470.0, _redis_now(redis_url) + 60)
    held = [-limiter.reserve("crm.deal.get") for _ in range(100)]  # e.g. 100 tasks of a gather
    assert min(held) > 50
    assert limiter.reserve("crm.lead.list") < 1.0


def _mixed_worker(webhook: str, limits: RedisLimits, tag: str, count: int, barrier: Any, out: Any) -> None:
    """One process: a sync client with 4 threads and an async client with `count` tasks, at once."""
    errors: list[str] = []
    ok = 0
    lock = threading.Lock()

    def sync_part() -> None:
        nonlocal ok
        with Bitrix24(webhook, limits=limits, retry=RetryPolicy(attempts=1)) as b24:

            def add(i: int) -> None:
                nonlocal ok
                try:
                    b24.call("crm.lead.add", {"fields": {"TITLE": f"{tag}-{os.getpid()}-s{i}"}})
                    with lock:
                        ok += 1
                except Bitrix24Error as exc:
                    with lock:
                        errors.append(type(exc).__name__)

            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(add, range(count)))

    async def async_part() -> None:
        nonlocal ok
        async with AsyncBitrix24(webhook, limits=limits, retry=RetryPolicy(attempts=1)) as ab:
            answers = await asyncio.gather(
                *(
                    ab.call("crm.lead.add", {"fields": {"TITLE": f"{tag}-{os.getpid()}-a{i}"}})
                    for i in range(count)
                ),
                return_exceptions=True,
            )
        with lock:
            ok += sum(1 for a in answers if not isinstance(a, BaseException))
            errors.extend(type(a).__name__ for a in answers if isinstance(a, BaseException))

    barrier.wait()
    thread = threading.Thread(target=sync_part)
    thread.start()
    asyncio.run(async_part())
    thread.join()
    out.put({"ok": ok, "errors": errors})


def test_threads_tasks_and_processes_at_once_never_exceed_the_bucket(redis_url: str) -> None:
    """Held: 3 processes x (4 threads + 12 tasks), standard plan, no retries: 0 x 503, each stored once."""
    emu = Emulator(limits="standard")
    limits = RedisLimits(redis_url)
    with emu.serve() as webhook:
        barrier = SPAWN.Barrier(3)
        out = SPAWN.Queue()
        workers = [
            SPAWN.Process(target=_mixed_worker, args=(webhook, limits, "mix", 12, barrier, out))
            for _ in range(3)
        ]
        for worker in workers:
            worker.start()
        try:
            found = [out.get(timeout=120) for _ in workers]
        finally:
            for worker in workers:
                worker.join(20)
                if worker.is_alive():
                    worker.kill()
    assert [f["errors"] for f in found] == [[], [], []]
    assert emu.stats.rejected_rate == 0
    titles = [str(r["TITLE"]) for r in emu.state.table("lead").values() if str(r["TITLE"]).startswith("mix-")]
    assert len(titles) == len(set(titles)) == 72 == sum(f["ok"] for f in found)


def test_redis_killed_mid_run_leaves_no_write_unknown_or_doubled(
    own_redis: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """Held: SIGKILL of redis-server while 8 threads write: each write is stored once, or refused unsent."""
    url, server = own_redis
    emu = Emulator(limits=(5, 20))
    outcomes: dict[str, str] = {}
    lock = threading.Lock()
    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits=RedisLimits(url, plan=(5, 20))) as b24:

        def writer(n: int) -> None:
            for i in range(40):
                title = f"kill-{n}-{i}"
                try:
                    b24.call("crm.lead.add", {"fields": {"TITLE": title}})
                    kind = "ok"
                except SharedStateError as exc:
                    kind = "refused" if exc.sent is False else "sent?"
                except Bitrix24Error as exc:
                    kind = type(exc).__name__
                with lock:
                    outcomes[title] = kind

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        os.kill(server.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(60)
    kinds = set(outcomes.values())
    assert kinds <= {"ok", "refused"}, kinds
    assert "ok" in kinds
    assert "refused" in kinds
    stored = [str(r["TITLE"]) for r in emu.state.table("lead").values()]
    assert len(stored) == len(set(stored))
    assert set(stored) == {t for t, k in outcomes.items() if k == "ok"}
    assert emu.stats.rejected_rate == 0


def test_fallback_local_warns_once_for_many_threads_when_redis_dies(
    own_redis: tuple[str, subprocess.Popen[bytes]], caplog: pytest.LogCaptureFixture
) -> None:
    """Held: Redis killed under 8 threads with fallback='local': work goes on, one WARNING."""
    url, server = own_redis
    emu = Emulator(limits="off")
    limits = RedisLimits(url, plan=(5, 200), fallback="local")
    with caplog.at_level(logging.WARNING, logger="bitrix24_toolkit"):
        with Bitrix24(emu.webhook_url, transport=emu.transport(), limits=limits) as b24:
            b24.call("user.current")
            os.kill(server.pid, signal.SIGKILL)
            server.wait(10)
            with ThreadPoolExecutor(max_workers=8) as pool:
                answers = list(pool.map(lambda i: b24.call("user.current")["ID"], range(64)))
    assert answers == ["1"] * 64
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1, [r.getMessage() for r in warned]


def test_every_key_written_by_the_limits_expires(redis_url: str) -> None:
    """Held: reserve, penalize, observe (even a far reset) and a snapshot leave only expiring keys."""
    limiter = RedisLimits(redis_url, plan=(5, 2)).for_portal("portal.example.com")
    limiter.penalize()
    limiter.observe("crm.deal.list", 470.0, time.time() + 10_000)  # a reset that lies: capped
    limiter.reserve("crm.deal.list")
    limiter.snapshot()
    admin = redis.Redis.from_url(redis_url)
    ttls = {str(key): int(admin.pttl(key)) for key in admin.keys("*")}
    admin.close()
    assert len(ttls) == 2
    assert all(0 < ttl <= 661_000 for ttl in ttls.values()), ttls


def test_seed_keeps_a_newer_pair_and_takes_a_reinstall(redis_url: str) -> None:
    """Held: a worker started with the install-time pair adopts the newer stored pair of its portal."""
    emu = Emulator(limits="off")
    initial = _tokens(emu)
    store = RedisTokenStore(redis_url, key=KEY)
    first = _oauth(emu, store, initial)
    emu.expire_tokens()
    with Bitrix24(auth=first, transport=emu.transport(), limits="off") as b24:
        b24.call("user.current")  # refreshes and saves
    late = _oauth(emu, RedisTokenStore(redis_url, key=KEY), initial)  # a worker restarted from config
    assert late.tokens == first.tokens != initial
    with Bitrix24(auth=late, transport=emu.transport(), limits="off") as b24:
        assert b24.call("user.current")["ID"] == "1"
    assert emu.stats.refreshes == 1
    older = dataclasses.replace(first.tokens, expires_at=(first.tokens.expires_at or 0) - 1)
    assert store.seed(older) == first.tokens
