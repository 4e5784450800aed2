"""RedisTokenStore on a real redis-server: the stored pair, the refresh lock, and refreshes that stay
single-flight across real processes (spawned) against the emulator's token endpoint served over HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.client import JSONFileTokenStore, MemoryTokenStore, OAuth, OAuthTokens
from bitrix24_toolkit.distributed import RedisTokenStore
from bitrix24_toolkit.engine.refresh import SharedTokenStore
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.redis_server import running_redis

CLIENT_ID, CLIENT_SECRET = "local.app.shared", "app-secret-0123456789"
KEY = "b24:tokens:test"
PROCESSES = 8


def pair(access: str, refresh: str, expires_at: float | None) -> OAuthTokens:
    return OAuthTokens(access, refresh, "https://portal.bitrix24.test/rest/", expires_at=expires_at)


def raw(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    """An emulator served on loopback and its base URL (``http://127.0.0.1:PORT``)."""
    emu = Emulator(limits="off")
    with emu.serve() as url:
        yield emu, url.split("/rest/")[0]


def served_tokens(emu: Emulator, base: str) -> OAuthTokens:
    """A token pair of the served portal (its REST base is the served address)."""
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    return dataclasses.replace(tokens, client_endpoint=f"{base}/rest/")


# ------------------------------------------------------------------------------------ the stored pair
def test_round_trip_and_atomic_single_value(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, key=KEY)
    assert isinstance(store, SharedTokenStore)
    assert store.load() is None
    first = pair("access-one-123", "refresh-one-123", 1_900_000_000.0)
    store.save(first)
    assert store.load() == first
    second = dataclasses.replace(first, access_token="access-two-123", refresh_token="refresh-two-123")
    store.save(second)
    assert RedisTokenStore(redis_url, key=KEY).load() == second  # another "process" reads the same pair
    assert raw(redis_url).keys("*") == [KEY.encode()]  # one JSON value under the key, nothing else
    assert json.loads(raw(redis_url).get(KEY) or b"")["refresh_token"] == "refresh-two-123"
    clone = pickle.loads(pickle.dumps(store))
    assert clone.load() == second
    assert repr(clone) == repr(store)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (b"not json secret-value-1", "not valid JSON"),
        (b'["secret-value-1"]', "JSON list"),
        (b'{"access_token": "secret-value-1"}', "lacks access_token/refresh_token"),
        (b'{"access_token": "secret-value-1", "refresh_token": 5}', "invalid refresh_token"),
        (b"\xff\xfe secret-value-1", "not valid JSON"),
    ],
)
def test_a_corrupt_value_is_a_typed_error_naming_the_key_not_the_value(
    redis_url: str, value: bytes, why: str
) -> None:
    raw(redis_url).set(KEY, value)
    with pytest.raises(errors.SharedStateError, match=why) as caught:
        RedisTokenStore(redis_url, key=KEY).load()
    text = str(caught.value) + repr(caught.value)
    assert KEY in text
    assert "secret-value-1" not in text
    assert caught.value.__cause__ is None


def test_wrong_type_password_and_unreachable_redis_are_shared_state_errors(redis_url: str) -> None:
    raw(redis_url).hset(KEY, "a", "b")
    with pytest.raises(errors.SharedStateError, match="WRONGTYPE"):
        RedisTokenStore(redis_url, key=KEY).load()
    password = "redis-password-987"
    port = redis_url.rsplit(":", 1)[1].split("/")[0]
    wrong = RedisTokenStore(f"redis://someone:{password}@127.0.0.1:{port}/0", key=KEY)  # WRONGPASS
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    down = RedisTokenStore(f"redis://user:{password}@127.0.0.1:{closed}/0", key=KEY)
    for store in (wrong, down):
        assert password not in repr(store)
        for action in (store.load, lambda s=store: s.save(pair("access-1234", "refresh-1234", None))):
            with pytest.raises(errors.SharedStateError) as caught:
                action()
            chain: list[BaseException] = []
            error: BaseException | None = caught.value
            while error is not None:
                chain.append(error)
                error = error.__cause__
            assert all(password not in str(e) and password not in repr(e) for e in chain)
            assert caught.value.sent is False
        with pytest.raises(errors.SharedStateError):
            OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, store=store)


def test_arguments_are_checked() -> None:
    for bad, field in (
        (lambda: RedisTokenStore("http://localhost/", key=KEY), "url"),
        (lambda: RedisTokenStore("redis://localhost/0", key=""), "key"),
        (lambda: RedisTokenStore("redis://localhost/0", key=KEY, lock_ttl=0), "lock_ttl"),
        (lambda: RedisTokenStore("redis://localhost/0", key=KEY, lock_ttl=float("nan")), "lock_ttl"),
        (lambda: RedisTokenStore("redis://localhost/0", key=KEY, lock_ttl=10, lock_wait=5), "lock_wait"),
    ):
        with pytest.raises(errors.InvalidInputError) as caught:
            bad()
        assert caught.value.field == field


# ------------------------------------------------------------------------------------- no clobbering
def test_seed_never_overwrites_a_newer_pair(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, key=KEY)
    old = pair("access-old-123", "refresh-old-123", 1_800_000_000.0)
    newer = pair("access-new-123", "refresh-new-123", 1_800_003_600.0)
    assert store.seed(old) == old
    assert store.load() == old
    store.save(newer)  # another process refreshed
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=old, store=store)
    assert auth.tokens == newer
    assert store.load() == newer
    same_time = dataclasses.replace(newer, access_token="access-tie-123", refresh_token="refresh-tie-123")
    assert store.seed(same_time) == newer  # a tie keeps the stored pair
    assert (
        store.seed(dataclasses.replace(old, expires_at=None)) == newer
    )  # no expiry: only into an empty store
    reinstalled = pair("access-fresh-1", "refresh-fresh-1", 1_800_007_200.0)
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=reinstalled, store=store)
    assert auth.tokens == reinstalled
    assert store.load() == reinstalled


def test_json_and_memory_stores_still_take_the_given_pair(tmp_path: Path) -> None:
    old = pair("access-old-123", "refresh-old-123", 1_800_000_000.0)
    newer = pair("access-new-123", "refresh-new-123", 1_800_003_600.0)
    file_store = JSONFileTokenStore(tmp_path / "tokens.json")
    file_store.save(newer)
    memory = MemoryTokenStore(newer)
    for store in (file_store, memory):
        auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=old, store=store)
        assert auth.tokens == old
        assert store.load() == old


# --------------------------------------------------------------------------------------------- lock
def test_lock_is_exclusive_expires_and_is_released_only_by_its_holder(redis_url: str) -> None:
    first = RedisTokenStore(redis_url, key=KEY, lock_ttl=0.3, lock_wait=1.0)
    second = RedisTokenStore(redis_url, key=KEY, lock_ttl=0.3, lock_wait=1.0)
    held = first.acquire_refresh()
    assert held is not None
    assert second.acquire_refresh() is None
    assert 0 < raw(redis_url).pttl(KEY + ":refresh-lock") <= 300
    second.release_refresh("not-the-holder")
    assert second.acquire_refresh() is None  # a wrong id deletes nothing
    time.sleep(0.4)  # the holder "crashed": its lock expires by itself
    taken = second.acquire_refresh()
    assert taken is not None
    assert taken != held
    first.release_refresh(held)  # the old holder, late: must not delete the new holder's lock
    assert raw(redis_url).get(KEY + ":refresh-lock") == taken.encode()
    second.release_refresh(taken)
    assert raw(redis_url).exists(KEY + ":refresh-lock") == 0
    assert first.acquire_refresh() is not None


def test_scripts_survive_a_script_flush(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, key=KEY)
    lock = store.acquire_refresh()
    assert lock is not None
    raw(redis_url).script_flush()  # NOSCRIPT next time: loaded again
    store.release_refresh(lock)
    assert raw(redis_url).exists(KEY + ":refresh-lock") == 0
    raw(redis_url).script_flush()
    old = pair("access-old-123", "refresh-old-123", 1.0)
    assert store.seed(old) == old


def test_a_forked_child_gets_its_own_connection(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, key=KEY)
    tokens = pair("access-fork-1", "refresh-fork-1", None)
    store.save(tokens)
    parent_id = store._connections.sync().client_id()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            ok = store.load() == tokens and store._connections.sync().client_id() != parent_id
            os.write(write_end, b"ok" if ok else b"shared")
        finally:
            os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 16)
    os.close(read_end)
    os.waitpid(child, 0)
    assert answer == b"ok"
    assert store._connections.sync().client_id() == parent_id  # the parent's connection is still usable
    assert store.load() == tokens


# ------------------------------------------------------------------------------ real processes, HTTP
def _client_worker(spec: dict[str, Any], start: Any, out: Any) -> None:
    """One process: its own store and client on the initial (expired) pair; calls once the barrier opens."""
    try:
        store = RedisTokenStore(
            spec["redis"], key=KEY, lock_ttl=spec["lock_ttl"], lock_wait=spec["lock_wait"]
        )
        auth = OAuth(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            tokens=OAuthTokens.from_dict(spec["tokens"]),
            store=store,
            token_url=spec["token_url"],
        )
        if start is not None:
            start.wait(60)
        if spec["kind"] == "sync":
            with Bitrix24(auth=auth, limits="off") as b24:
                ids = [b24.call("user.current")["ID"] for _ in range(2)]
        else:

            async def main() -> list[str]:
                async with AsyncBitrix24(auth=auth, limits="off") as ab24:
                    answers = await asyncio.gather(*(ab24.call("user.current") for _ in range(3)))
                return [a["ID"] for a in answers]

            ids = asyncio.run(main())
        out.put({"ids": ids, "refreshes": auth.refresh_count, "done": time.time()})
    except BaseException as exc:  # reported to the test, which fails with it
        out.put({"error": f"{type(exc).__name__}: {exc}"})


def _run_workers(specs: list[dict[str, Any]], *, barrier: bool = True) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start = ctx.Barrier(len(specs)) if barrier else None
    workers = [ctx.Process(target=_client_worker, args=(spec, start, out)) for spec in specs]
    for worker in workers:
        worker.start()
    try:
        results = [out.get(timeout=90) for _ in workers]
    finally:
        for worker in workers:
            worker.join(10)
            if worker.is_alive():
                worker.kill()
    return results


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_eight_processes_on_an_expired_token_make_exactly_one_refresh(
    redis_url: str, served: tuple[Emulator, str], kind: str
) -> None:
    emu, base = served
    initial = served_tokens(emu, base)
    emu.expire_tokens()
    spec = {
        "redis": redis_url,
        "tokens": initial.to_dict(),
        "token_url": f"{base}/oauth/token/",
        "kind": kind,
        "lock_ttl": 30.0,
        "lock_wait": 45.0,
    }
    results = _run_workers([spec] * PROCESSES)
    assert [r.get("error") for r in results] == [None] * PROCESSES
    calls = 2 if kind == "sync" else 3
    assert [r["ids"] for r in results] == [["1"] * calls] * PROCESSES  # every call of every process worked
    assert emu.stats.refreshes == 1  # counted by the token endpoint itself
    assert sum(r["refreshes"] for r in results) == 1  # one process refreshed, seven adopted its pair
    stored = RedisTokenStore(redis_url, key=KEY).load()
    assert stored is not None
    assert stored.refresh_token != initial.refresh_token
    assert emu.oauth.check(stored.access_token)  # the stored pair is the live one
    assert raw(redis_url).exists(KEY + ":refresh-lock") == 0


def _holder(spec: dict[str, Any]) -> None:  # pragma: no cover - runs in a process killed with SIGKILL
    store = RedisTokenStore(spec["redis"], key=KEY, lock_ttl=spec["lock_ttl"], lock_wait=spec["lock_wait"])
    auth = OAuth(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        tokens=OAuthTokens.from_dict(spec["tokens"]),
        store=store,
        token_url=spec["token_url"],
    )
    with Bitrix24(auth=auth, limits="off") as b24:
        b24.call("user.current")  # refreshes against a token endpoint that never answers


def test_a_holder_killed_while_refreshing_frees_the_lock_by_expiry(
    redis_url: str, served: tuple[Emulator, str]
) -> None:
    emu, base = served
    initial = served_tokens(emu, base)
    emu.expire_tokens()
    lock_ttl = 4.0
    with socket.socket() as silent:  # a token endpoint that accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        hang = f"http://127.0.0.1:{silent.getsockname()[1]}/oauth/token/"
        spec = {
            "redis": redis_url,
            "tokens": initial.to_dict(),
            "token_url": hang,
            "kind": "sync",
            "lock_ttl": lock_ttl,
            "lock_wait": 20.0,
        }
        ctx = multiprocessing.get_context("spawn")
        holder = ctx.Process(target=_holder, args=(spec,))
        holder.start()
        lock_key = KEY + ":refresh-lock"
        deadline = time.monotonic() + 30
        while not raw(redis_url).exists(lock_key):
            assert holder.is_alive(), "the holder died before taking the lock"
            assert time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.02)
        os.kill(holder.pid or 0, signal.SIGKILL)  # crashed mid-refresh, lock held
        holder.join(10)
        frees_at = time.time() + raw(redis_url).pttl(lock_key) / 1000
        assert frees_at > time.time() + 1.0  # still held well after the holder died
        followers = [{**spec, "token_url": f"{base}/oauth/token/"}] * 3
        results = _run_workers(followers)
    assert [r.get("error") for r in results] == [None] * 3
    assert [r["ids"] for r in results] == [["1", "1"]] * 3
    assert emu.stats.refreshes == 1  # one follower refreshed once the dead holder's lock expired
    assert min(r["done"] for r in results) >= frees_at - 0.05  # nobody refreshed before the expiry
    assert raw(redis_url).exists(lock_key) == 0


# ---------------------------------------------------------------------------- invalid_grant recovery
class TokenCalls:
    """The emulator's transport, noting the status of every token-endpoint answer; ``race`` runs just
    before the first refresh request reaches the endpoint (another process winning by a hair)."""

    def __init__(self, emu: Emulator, race: Any = None) -> None:
        self.emu = emu
        self.race = race
        self.statuses: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        is_token = request.url.path.startswith("/oauth/token")
        if is_token and self.race is not None:
            race, self.race = self.race, None
            race()
        response = self.emu.handle(request)
        if is_token:
            self.statuses.append(response.status_code)
        return response


def _won_elsewhere(emu: Emulator, tokens: OAuthTokens) -> OAuthTokens:
    """Another process refreshes ``tokens`` at the token endpoint (and has not saved its pair yet)."""
    with httpx.Client(transport=emu.transport()) as http:
        answer = http.get(
            emu.token_url,
            params={
                "grant_type": "refresh_token",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": tokens.refresh_token,
            },
        )
    return OAuthTokens.from_response(answer.json(), previous=tokens)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_invalid_grant_because_another_process_won_is_recovered_from_the_store(
    redis_url: str, kind: str
) -> None:
    emu = Emulator(limits="off")
    initial = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    store = RedisTokenStore(redis_url, key=KEY, lock_ttl=2.0, lock_wait=10.0)
    auth = OAuth(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=initial, store=store, token_url=emu.token_url
    )
    emu.expire_tokens()
    won: list[OAuthTokens] = []
    savers: list[threading.Timer] = []

    def another_process_wins() -> None:  # e.g. a holder whose lock expired during a slow refresh ...
        won.append(_won_elsewhere(emu, initial))
        savers.append(threading.Timer(0.5, RedisTokenStore(redis_url, key=KEY).save, args=(won[0],)))
        savers[0].start()  # ... whose save lands a moment after the portal refused our refresh

    calls = TokenCalls(emu, race=another_process_wins)
    transport = httpx.MockTransport(calls)
    try:
        if kind == "sync":
            with Bitrix24(auth=auth, transport=transport, limits="off") as b24:
                assert b24.call("user.current")["ID"] == "1"
        else:
            async with AsyncBitrix24(auth=auth, transport=transport, limits="off") as ab24:
                assert (await ab24.call("user.current"))["ID"] == "1"
    finally:
        for saver in savers:
            saver.join()
    assert calls.statuses == [400]  # our refresh was refused invalid_grant ...
    assert auth.tokens == won[0]
    assert auth.refresh_count == 0
    assert emu.stats.refreshes == 1
    assert raw(redis_url).exists(KEY + ":refresh-lock") == 0


def test_a_token_revoked_by_another_process_refresh_waits_for_its_save(redis_url: str) -> None:
    emu = Emulator(limits="off")
    initial = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    store = RedisTokenStore(redis_url, key=KEY)
    auth = OAuth(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=initial, store=store, token_url=emu.token_url
    )
    other = RedisTokenStore(redis_url, key=KEY)  # another process, mid-refresh: lock held, not saved yet
    lock = other.acquire_refresh()
    assert lock is not None
    winner = _won_elsewhere(emu, initial)  # the portal revoked our access token (invalid_token, not expired)

    def finish() -> None:
        other.save(winner)
        other.release_refresh(lock)

    saver = threading.Timer(0.5, finish)
    saver.start()
    with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24:
        assert b24.call("user.current")["ID"] == "1"
    saver.join()
    assert auth.tokens == winner
    assert emu.stats.refreshes == 1  # the other process's only
    emu.expire_tokens()
    _won_elsewhere(emu, winner)  # revoked again, and this time nobody saves: really refused, at once
    with (
        Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        b24.call("user.current")
    assert caught.value.code == "invalid_token"


def test_invalid_grant_with_no_winner_saving_is_raised_after_a_bounded_wait(redis_url: str) -> None:
    emu = Emulator(limits="off")
    initial = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    store = RedisTokenStore(redis_url, key=KEY, lock_ttl=0.5, lock_wait=1.0)
    auth = OAuth(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=initial, store=store, token_url=emu.token_url
    )
    emu.expire_tokens()
    calls = TokenCalls(emu, race=lambda: _won_elsewhere(emu, initial))  # spent; nobody saves the new pair
    began = time.monotonic()
    with (
        Bitrix24(auth=auth, transport=httpx.MockTransport(calls), limits="off") as b24,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        b24.call("user.current")
    assert caught.value.code == "invalid_grant"
    assert calls.statuses == [400]
    assert 0.9 <= time.monotonic() - began < 5  # watched the store for min(lock_wait, 5 s), then gave up
    assert raw(redis_url).exists(KEY + ":refresh-lock") == 0  # released


def test_redis_down_at_refresh_is_a_shared_state_error_and_sends_no_refresh() -> None:
    emu = Emulator(limits="off")
    initial = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    with running_redis() as url:  # a server of its own, stopped below
        auth = OAuth(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            tokens=initial,
            store=RedisTokenStore(url, key=KEY),
            token_url=emu.token_url,
        )
    emu.expire_tokens()
    with (
        Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24,
        pytest.raises(errors.SharedStateError, match="tokens"),
    ):
        b24.call("user.current")
    assert emu.stats.refreshes == 0
    assert initial.refresh_token in emu.oauth.refresh  # not spent: the pair is still good once Redis is back


def test_no_token_in_logs_reprs_or_errors(redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu = Emulator(limits="off")
    initial = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    store = RedisTokenStore(redis_url, key=KEY)
    auth = OAuth(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=initial, store=store, token_url=emu.token_url
    )
    emu.expire_tokens()
    with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24:
        b24.call("user.current")
    assert any("token pair" in r.getMessage() for r in caplog.records)  # the store did log
    secrets = {
        initial.access_token,
        initial.refresh_token,
        auth.tokens.access_token,
        auth.tokens.refresh_token,
    }
    texts = [r.getMessage() for r in caplog.records] + [repr(store), repr(auth)]
    assert [t for t in texts if any(s in t for s in secrets)] == []
