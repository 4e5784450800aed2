"""OAuth: refresh once on expired_token, single-flight across threads and tasks, token stores."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.client import JSONFileTokenStore, MemoryTokenStore, OAuth, OAuthTokens
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.testing.emulator import Emulator

CLIENT_ID, CLIENT_SECRET = "local.app.1", "app-secret-0123456789"


def oauth_for(emu: Emulator, **kwargs: Any) -> OAuth:
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    return OAuth(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=tokens, token_url=emu.token_url, **kwargs
    )


def test_token_response_parsing_uses_client_endpoint_not_domain() -> None:
    tokens = OAuthTokens.from_response(
        {
            "access_token": "ydtj8pho532wydb5ixk78ol7uqlb7sch",
            "client_endpoint": "https://portal.bitrix24.com/rest/",
            "domain": "oauth.bitrix.info",
            "expires": 1780319382,
            "expires_in": 3600,
            "member_id": "a223c6b3710f85df22e9377d6c4f7553",
            "refresh_token": "3s6lr4kr3cv2od4v853gvrchb875bwxb",
            "scope": "crm,entity,im,task",
            "status": "F",
            "user_id": 67,
        }
    )
    assert tokens.client_endpoint == "https://portal.bitrix24.com/rest/"
    assert (tokens.expires_at, tokens.user_id, tokens.scope) == (1780319382.0, 67, "crm,entity,im,task")
    text = repr(tokens)
    assert "ydtj8pho" not in text
    assert "3s6lr4kr" not in text
    assert "a223c6b3" not in text


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_expired_token_refreshes_once_and_repeats_the_call(kind: str) -> None:
    emu = Emulator(limits="off")
    renewed: list[OAuthTokens] = []
    auth = oauth_for(emu, on_refresh=renewed.append)
    old_access = auth.tokens.access_token
    emu.expire_tokens()
    if kind == "sync":
        with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24:
            me = b24.call("user.current")
    else:
        async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
            me = await ab24.call("user.current")
    assert me["ID"] == "1"
    assert emu.stats.refreshes == 1
    assert auth.refresh_count == 1
    assert len(renewed) == 1
    assert renewed[0].access_token != old_access
    assert auth.tokens == renewed[0]


def test_fifty_threads_on_an_expired_token_make_exactly_one_refresh() -> None:
    emu = Emulator(limits="off")
    auth = oauth_for(emu)
    emu.expire_tokens()
    with (
        Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24,
        ThreadPoolExecutor(max_workers=50) as pool,
    ):
        results = list(pool.map(lambda _: b24.call("user.current")["ID"], range(50)))
    assert results == ["1"] * 50
    assert emu.stats.refreshes == 1


async def test_fifty_tasks_on_an_expired_token_make_exactly_one_refresh() -> None:
    emu = Emulator(limits="off")
    auth = oauth_for(emu)
    emu.expire_tokens()
    async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
        results = await asyncio.gather(*(ab24.call("user.current") for _ in range(50)))
    assert [r["ID"] for r in results] == ["1"] * 50
    assert emu.stats.refreshes == 1


def test_refused_refresh_is_an_authentication_error() -> None:
    emu = Emulator(limits="off")
    auth = oauth_for(emu)
    tokens = auth.tokens
    broken = OAuthTokens(
        access_token=tokens.access_token,
        refresh_token="not-a-valid-refresh-token",
        client_endpoint=tokens.client_endpoint,
    )
    auth = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=broken, token_url=emu.token_url)
    emu.expire_tokens()
    with (
        Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        b24.call("user.current")
    assert caught.value.code == "invalid_grant"
    assert "not-a-valid-refresh-token" not in str(caught.value)


def test_webhook_clients_do_not_try_to_refresh() -> None:
    emu = Emulator(limits="off")
    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits="off") as b24:
        assert b24.call("user.current")["ID"] == "1"
    assert emu.stats.refreshes == 0


def test_json_file_store_is_atomic_and_private(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    path = tmp_path / "state" / "tokens.json"
    store = JSONFileTokenStore(path)
    auth = oauth_for(emu, store=store)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = json.loads(path.read_text())
    emu.expire_tokens()
    with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24:
        b24.call("user.current")
    second = json.loads(path.read_text())
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["tokens.json"]  # no temp files left behind
    again = OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, store=JSONFileTokenStore(path))
    assert again.tokens.access_token == second["access_token"]


def test_oauth_needs_tokens_and_an_endpoint() -> None:
    with pytest.raises(InvalidInputError, match="OAuth needs tokens"):
        OAuth(client_id="a", client_secret="b", store=MemoryTokenStore())
    with pytest.raises(InvalidInputError, match="client_endpoint"):
        OAuth(client_id="a", client_secret="b", tokens=OAuthTokens("access12345", "refresh12345"))
    with pytest.raises(InvalidInputError, match="either webhook_url or auth"):
        Bitrix24(
            "https://x.bitrix24.test/rest/1/abcdef123456/",
            auth=OAuth(
                client_id="a",
                client_secret="b",
                tokens=OAuthTokens("a1234567", "r1234567", "https://x/rest/"),
            ),
        )


def test_no_secret_reaches_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu = Emulator(limits="off")
    auth = oauth_for(emu)
    secrets = {CLIENT_SECRET, auth.tokens.access_token, auth.tokens.refresh_token, emu.secret}
    texts: list[str] = []
    emu.expire_tokens()
    with Bitrix24(auth=auth, transport=emu.transport(), limits="off") as b24:
        b24.call("user.current")
        secrets |= {auth.tokens.access_token, auth.tokens.refresh_token}
        texts += [repr(b24), repr(auth), repr(auth.tokens), str(auth.tokens)]
        with pytest.raises(errors.APIError) as caught:
            b24.call("crm.nothing")
        texts += [str(caught.value), repr(caught.value)]
    with Bitrix24(emu.webhook_url, transport=emu.transport(), limits="off") as hook:
        hook.call("user.current")
        texts.append(repr(hook))
    bad = emu.webhook_url.replace(emu.secret, "badsecret12345")
    secrets.add("badsecret12345")
    with (
        Bitrix24(bad, transport=emu.transport(), limits="off") as wrong,
        pytest.raises(errors.AuthenticationError) as denied,
    ):
        wrong.call("user.current")
    texts += [str(denied.value), repr(denied.value)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("HTTP Request" in text for text in texts)  # httpx did log the URLs...
    for secret in secrets:
        leaks = [text for text in texts if secret in text]
        assert leaks == [], f"secret leaked: {leaks[:2]}"  # ...with every secret masked


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_the_repeat_after_a_refresh_books_its_own_slot(kind: str) -> None:
    """Every request the portal sees takes a slot of its bucket: the call refused with expired_token and its
    repeat with the new token are two bookings (the token endpoint is not the portal's bucket)."""
    from bitrix24_toolkit.engine.limiter import Limiter
    from bitrix24_toolkit.testing.emulator.limits import ManualClock

    emu = Emulator(limits="off")
    auth = oauth_for(emu)
    emu.expire_tokens()
    clock = ManualClock()
    limiter = Limiter(50, 2.0, clock=clock, wall_clock=clock)
    if kind == "sync":
        with Bitrix24(auth=auth, transport=emu.transport(), limits=limiter) as b24:
            b24.call("user.current")
    else:
        async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits=limiter) as ab24:
            await ab24.call("user.current")
    assert emu.stats.refreshes == 1
    assert limiter.snapshot().level == pytest.approx(2.0)  # the refused call and its repeat
