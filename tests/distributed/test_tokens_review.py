"""RedisTokenStore after the issue-19 review, on a real redis-server: a failed save after a refresh (async),
pairs of another portal, stored pairs older than ours, and the lock given back when the refresh fails."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import httpx
import pytest
import redis

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.distributed import RedisTokenStore
from bitrix24_toolkit.testing.emulator import Emulator

CLIENT_ID, CLIENT_SECRET = "local.app.review", "review-secret-0123456789"
KEY = "b24:tokens:review"


def _start(emu: Emulator, url: str, **kwargs: float) -> tuple[OAuth, RedisTokenStore, list[OAuthTokens]]:
    store = RedisTokenStore(url, key=KEY, **kwargs)
    renewed: list[OAuthTokens] = []
    auth = OAuth(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        tokens=OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET)),
        store=store,
        token_url=emu.token_url,
        on_refresh=renewed.append,
    )
    return auth, store, renewed


async def test_async_refresh_whose_save_failed_says_so_and_saves_before_the_next_call(redis_url: str) -> None:
    emu = Emulator(limits="off")
    auth, store, renewed = _start(emu, redis_url, lock_ttl=3.0, lock_wait=5.0)
    initial = auth.tokens
    admin = redis.Redis.from_url(redis_url)

    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/token"):
            admin.client_pause(4500, all=False)  # Redis takes no writes while the refresh is answered
        return emu.handle(request)

    emu.expire_tokens()
    gaps: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    async with AsyncBitrix24(auth=auth, transport=httpx.MockTransport(portal), limits="off") as ab24:
        beat = asyncio.create_task(heartbeat())
        began = time.monotonic()
        with pytest.raises(errors.SharedStateError) as caught:
            await ab24.call("user.current")
        text = str(caught.value)
        assert "refresh succeeded" in text
        assert "nothing was sent" not in text
        assert time.monotonic() - began >= 2.0  # retried the save while holding the lock
        assert emu.stats.refreshes == 1
        assert auth.unsaved == auth.tokens != initial
        assert renewed == []  # on_refresh comes after the save
        assert store.load() == initial  # the other processes still see the spent pair
        await asyncio.sleep(4.9 - (time.monotonic() - began))  # Redis takes writes again
        assert (await ab24.call("user.current"))["ID"] == "1"  # saved first, then the call
        stop.set()
        await beat
    admin.close()
    assert max(gaps) < 0.3, f"the event loop was blocked {max(gaps):.2f} s"
    assert auth.unsaved is None
    assert store.load() == auth.tokens == renewed[0]
    assert emu.stats.refreshes == 1
    late = RedisTokenStore(redis_url, key=KEY)  # another process now adopts the live pair
    other = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=initial, store=late)
    assert other.tokens == auth.tokens


def test_a_pair_of_another_portal_put_in_the_store_later_is_never_used(redis_url: str) -> None:
    emu = Emulator(limits="off")
    auth, store, _ = _start(emu, redis_url)
    ours = auth.tokens
    theirs = OAuthTokens(
        "access-x-1", "refresh-x-1", "https://x.bitrix24.test/rest/", 4_000_000_000.0, member_id="member-x"
    )
    store.save(theirs)
    emu.expire_tokens()
    with (
        Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24,
        pytest.raises(errors.TokenRefreshError, match="another portal"),
    ):
        b24.call("user.current")
    assert emu.stats.refreshes == 0
    assert auth.tokens == ours
    assert store.load() == theirs


def test_seeding_checks_member_id_first_then_the_host(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, key=KEY)
    stored = OAuthTokens("access-1", "refresh-1", "https://new.bitrix24.test/rest/", 1_900_000_000.0, "m-1")
    store.save(stored)
    moved = OAuthTokens("access-0", "refresh-0", "https://old.bitrix24.test/rest/", 1_800_000_000.0, "m-1")
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=moved, store=store)
    assert auth.domain == "new.bitrix24.test"  # the same member_id: the portal moved, its newer pair is taken
    later = dataclasses.replace(moved, member_id="m-2", expires_at=2_000_000_000.0)
    with pytest.raises(errors.InvalidInputError, match="another portal"):
        OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=later, store=store)
    unknown = dataclasses.replace(moved, member_id=None, expires_at=2_000_000_000.0)
    with pytest.raises(errors.InvalidInputError, match="another portal"):
        OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=unknown, store=store)
    assert store.load() == stored  # neither overwrote it, though both expire later


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_stored_pair_older_than_ours_is_never_taken(redis_url: str, kind: str) -> None:
    emu = Emulator(limits="off")
    auth, store, _ = _start(emu, redis_url)
    ours = auth.tokens
    assert ours.expires_at is not None
    stale = dataclasses.replace(ours, access_token="stale-access", refresh_token="stale-refresh")
    store.save(dataclasses.replace(stale, expires_at=ours.expires_at - 100))  # e.g. a pair we replaced
    emu.expire_tokens()
    if kind == "sync":
        with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24:
            assert b24.call("user.current")["ID"] == "1"
    else:
        async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
            assert (await ab24.call("user.current"))["ID"] == "1"
    assert emu.stats.refreshes == 1  # refreshed with our own refresh token, not the stale one
    assert auth.tokens.access_token != "stale-access"
    assert store.load() == auth.tokens


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_refresh_that_cannot_reach_the_token_endpoint_gives_the_lock_back_at_once(
    redis_url: str, kind: str
) -> None:
    emu = Emulator(limits="off")
    auth, _, _ = _start(emu, redis_url, lock_ttl=20.0, lock_wait=30.0)

    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/token"):
            raise httpx.ConnectError("connection refused", request=request)  # the token endpoint is down
        return emu.handle(request)

    emu.expire_tokens()
    transport = httpx.MockTransport(portal)
    if kind == "sync":
        with (
            Bitrix24(auth=auth, transport=transport, limits="off") as b24,
            pytest.raises(errors.TokenRefreshError),
        ):
            b24.call("user.current")
    else:
        async with AsyncBitrix24(auth=auth, transport=transport, limits="off") as ab24:
            with pytest.raises(errors.TokenRefreshError):
                await ab24.call("user.current")
    assert emu.stats.refreshes == 0
    assert redis.Redis.from_url(redis_url).exists(KEY + ":refresh-lock") == 0  # not left for 20 s
