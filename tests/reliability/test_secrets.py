"""Secret hygiene: webhook secret, OAuth tokens, client secret and application token appear 0 times in logs,
exception text, ``repr()`` of public objects, cassettes and CLI output; token files are atomic and 0600."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.client import JSONFileTokenStore, MemoryTokenStore, OAuth, OAuthTokens
from bitrix24_toolkit.engine.limiter import Limiter
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.engine.webhook import parse_webhook_url
from bitrix24_toolkit.events import parse_event, parse_robot_request
from bitrix24_toolkit.testing.cassettes import Cassette, RecordingTransport
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.faults import FaultRule, Faults

WEBHOOK_SECRET = "whk7secret9x2q4"
CLIENT_ID = "local.reliability.app"
CLIENT_SECRET = "clientsecret-7Hq2Lm9Zx4"
APP_TOKEN = "apptoken-5dQ8vN3kR1"
NO_WAIT = RetryPolicy(sleep=lambda seconds: None)


@dataclass
class Seen:
    """Every text a user could see during the exercise, and the secrets it must not contain."""

    secrets: set[str] = field(default_factory=lambda: {WEBHOOK_SECRET, CLIENT_SECRET, APP_TOKEN})
    exceptions: list[str] = field(default_factory=list)
    reprs: list[str] = field(default_factory=list)

    def error(self, exc: BaseException) -> None:
        """Keep the error's text, its ``repr()`` and the whole formatted chain (causes included)."""
        self.exceptions += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]

    def shown(self, *objects: Any) -> None:
        """Keep ``repr()`` and ``str()`` of public objects."""
        self.reprs += [repr(o) for o in objects] + [str(o) for o in objects]

    def tokens(self, tokens: OAuthTokens) -> None:
        """Secrets of a token pair (every pair the portal ever issued)."""
        self.secrets |= {tokens.access_token, tokens.refresh_token}


def expect_error(seen: Seen, kind: type[BaseException], action: Any) -> None:
    with pytest.raises(kind) as caught:
        action()
    seen.error(caught.value)


def leaks(texts: list[str], secrets: set[str]) -> dict[str, int]:
    """How many times each secret occurs in the texts (only the ones that do)."""
    counts = {secret: sum(text.count(secret) for text in texts) for secret in secrets}
    return {secret[:4] + "...": n for secret, n in counts.items() if n}


# ------------------------------------------------------------------------------------------ webhook
def exercise_webhook(seen: Seen, cassette_path: Path) -> None:
    emu = Emulator(limits="off", secret=WEBHOOK_SECRET)
    cassette = Cassette()
    transport = RecordingTransport(emu.transport(), cassette)
    with Bitrix24(emu.webhook_url, transport=transport, limits="off", retry=NO_WAIT) as b24:
        b24.call("user.current")
        deal_id = b24.crm.deal.add({"TITLE": "Тур в Сочи"})
        b24.crm.deal.list_all(select=["ID", "TITLE"])
        expect_error(seen, errors.NotFoundError, lambda: b24.call("crm.deal.get", {"id": 999}))
        expect_error(seen, errors.MethodNotFoundError, lambda: b24.call("no.such.method"))
        expect_error(seen, errors.InvalidInputError, lambda: b24.crm.deal.add({"TITEL": "x"}))
        emu.faults = Faults(3, [FaultRule("crm.deal.update", error500=1.0)])
        expect_error(seen, errors.OutcomeUnknownError, lambda: b24.call("crm.deal.update", {"id": deal_id}))
        for kind in ("reset", "timeout", "truncated", "html502"):
            emu.faults = Faults(3, [FaultRule("crm.lead.add", **{kind: 1.0})])
            expect_error(seen, errors.OutcomeUnknownError, lambda: b24.crm.lead.add({"TITLE": "x"}))
        emu.faults = None
        seen.shown(b24, b24.limits, b24.crm.lead.add_many([{"TITLE": "a"}, {"TITLE": "b"}]))
    cassette.save(cassette_path)
    seen.shown(emu, cassette, *cassette.exchanges, Limiter(), parse_webhook_url(emu.webhook_url))


def exercise_echoing_portal(seen: Seen) -> None:
    """A proxy error page and an error description that quote the full request URL, secret included."""
    url = f"https://echo.bitrix24.test/rest/1/{WEBHOOK_SECRET}/"

    def echo(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("crm.deal.get"):
            return httpx.Response(502, text=f"<html>upstream error for {request.url}</html>")
        if request.url.path.endswith("crm.deal.add"):
            return httpx.Response(302, headers={"location": f"ftp://{WEBHOOK_SECRET}"})
        return httpx.Response(
            400, json={"error": "INVALID_REQUEST", "error_description": f"bad {request.url}"}
        )

    with Bitrix24(
        url, transport=httpx.MockTransport(echo), limits="off", retry=RetryPolicy(attempts=1)
    ) as b24:
        expect_error(seen, errors.ResponseFormatError, lambda: b24.call("crm.deal.get", {"id": 1}))
        expect_error(seen, errors.OutcomeUnknownError, lambda: b24.call("crm.deal.add", {"fields": {}}))
        expect_error(seen, errors.BadRequestError, lambda: b24.call("crm.lead.list"))

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    with Bitrix24(
        url, transport=httpx.MockTransport(refused), limits="off", retry=RetryPolicy(attempts=1)
    ) as b24:
        expect_error(seen, errors.TransportError, lambda: b24.call("user.current"))
    for wrong in (
        f"echo.bitrix24.test/rest/1/{WEBHOOK_SECRET}/",
        f"https://echo.bitrix24.test/rest/1/{WEBHOOK_SECRET}/crm.deal.list",
        f"https://echo.bitrix24.test/rest/x/{WEBHOOK_SECRET}/",
        f"https://echo.bitrix24.test:99999/rest/1/{WEBHOOK_SECRET}/",
        f"https://echo.bitrix24.test/rest/1/{WEBHOOK_SECRET}/?x=1",
    ):
        expect_error(seen, errors.InvalidInputError, lambda wrong=wrong: Bitrix24(wrong))


# -------------------------------------------------------------------------------------------- OAuth
def exercise_oauth(seen: Seen, tmp_path: Path, cassette_path: Path) -> None:
    emu = Emulator(limits="off")
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    seen.tokens(tokens)
    store = JSONFileTokenStore(tmp_path / "tokens.json")
    auth = OAuth(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        tokens=tokens,
        store=store,
        token_url=emu.token_url,
        on_refresh=seen.tokens,
    )
    cassette = Cassette()
    with Bitrix24(
        auth=auth, transport=RecordingTransport(emu.transport(), cassette), limits="off", retry=NO_WAIT
    ) as b24:
        b24.call("user.current")
        emu.expire_tokens()
        b24.call("crm.deal.list")  # refreshes once
        expect_error(seen, errors.NotFoundError, lambda: b24.call("crm.deal.get", {"id": 5}))
        seen.shown(b24, auth, auth.tokens, store, MemoryTokenStore(auth.tokens))

    async def run_async() -> None:
        async with AsyncBitrix24(auth=auth, transport=emu.transport(), limits="off") as ab24:
            emu.expire_tokens()
            await ab24.call("user.current")
            seen.shown(ab24)

    asyncio.run(run_async())
    cassette.save(cassette_path)
    seen.shown(cassette, *cassette.exchanges)
    # a refresh the portal refuses: the refresh token is in the request, never in the error
    emu.oauth.expire_all()
    bad = OAuth(
        client_id=CLIENT_ID, client_secret="wrong-secret-123456", tokens=auth.tokens, token_url=emu.token_url
    )
    with Bitrix24(auth=bad, transport=emu.transport(), limits="off", retry=NO_WAIT) as b24:
        expect_error(seen, errors.AuthenticationError, lambda: b24.call("user.current"))
    seen.secrets.add("wrong-secret-123456")


# ------------------------------------------------------------------------------------------- events
def exercise_events(seen: Seen, oauth_tokens: OAuthTokens) -> None:
    auth = (
        f"auth[domain]=demo.bitrix24.test&auth[member_id]=m1&auth[application_token]={APP_TOKEN}"
        f"&auth[access_token]={oauth_tokens.access_token}&auth[refresh_token]={oauth_tokens.refresh_token}"
        "&auth[client_endpoint]=https://demo.bitrix24.test/rest/"
    )
    event = parse_event(f"event=ONCRMDEALUPDATE&data[FIELDS][ID]=7&{auth}", application_token=APP_TOKEN)
    robot = parse_robot_request(
        "event_token=evtoken-1234567&code=check&document_id[]=crm&document_id[]=CCrmDocumentDeal"
        f"&document_id[]=DEAL_7&{auth}",
        application_token=APP_TOKEN,
    )
    seen.shown(event, event.auth, robot, robot.auth)
    seen.secrets.add("evtoken-1234567")
    forged = auth.replace(APP_TOKEN, "forged-token-9876")
    expect_error(
        seen,
        errors.Bitrix24Error,
        lambda: parse_event(f"event=ONCRMDEALADD&{forged}", application_token=APP_TOKEN),
    )
    expect_error(
        seen, errors.Bitrix24Error, lambda: parse_event(f"event=X&ts=y&{auth}", application_token=APP_TOKEN)
    )


# ---------------------------------------------------------------------------------------------- CLI
def exercise_cli(seen: Seen, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """CLI output of a few commands against a served emulator whose webhook URL carries the secret."""
    try:
        from typer.testing import CliRunner

        from bitrix24_toolkit.cli import app
    except ImportError as exc:  # pragma: no cover - the CLI is optional in a minimal install
        pytest.skip(f"the CLI cannot be imported: {exc}")
    emu = Emulator(limits="off", secret=WEBHOOK_SECRET)
    emu.call("crm.deal.add", {"fields": {"TITLE": "Тур"}})
    outputs: list[str] = []
    runner = CliRunner()
    with emu.serve() as url:
        for env_url, args in (
            (url, ["call", "user.current"]),
            (url, ["call", "crm.deal.get", "id=999"]),
            (url, ["call", "no.such.method"]),
            (url, ["list", "deal"]),
            (url + "crm.deal.list", ["call", "user.current"]),
            (url.replace("http://", ""), ["call", "user.current"]),
        ):
            monkeypatch.setenv("BITRIX24_WEBHOOK_URL", env_url)
            result = runner.invoke(app, args)
            outputs += [result.output, getattr(result, "stderr", "") or ""]
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                seen.error(result.exception)
    return outputs


# -------------------------------------------------------------------------------------------- tests
@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_no_secret_anywhere_a_user_can_see(
    debug_logs: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = Seen()
    exercise_webhook(seen, tmp_path / "webhook.json")
    exercise_echoing_portal(seen)
    exercise_oauth(seen, tmp_path, tmp_path / "oauth.json")
    issued = OAuthTokens.from_response(Emulator(limits="off").issue_tokens(CLIENT_ID, CLIENT_SECRET))
    seen.tokens(issued)
    exercise_events(seen, issued)
    cli_output = exercise_cli(seen, monkeypatch)

    logs = [debug_logs.text, *(record.getMessage() for record in debug_logs.records)]
    cassettes = [(tmp_path / name).read_text(encoding="utf-8") for name in ("webhook.json", "oauth.json")]
    assert len(seen.secrets) >= 8  # webhook, client, app, event tokens and at least 2 OAuth pairs
    assert "HTTP Request" in debug_logs.text  # httpx did log every request (with the secret masked)
    assert leaks(logs, seen.secrets) == {}
    assert leaks(seen.exceptions, seen.secrets) == {}
    assert leaks(seen.reprs, seen.secrets) == {}
    assert leaks(cassettes, seen.secrets) == {}
    assert leaks(cli_output, seen.secrets) == {}
    assert len(seen.exceptions) >= 3 * 20
    assert any("***" in text for text in seen.exceptions)  # masked, not just absent


# -------------------------------------------------------------------------------------- token files
def tokens_numbered(number: int) -> OAuthTokens:
    return OAuthTokens(
        access_token=f"access-{number:06d}-" + "a" * 40,
        refresh_token=f"refresh-{number:06d}-" + "r" * 40,
        client_endpoint="https://demo.bitrix24.test/rest/",
    )


def test_token_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = JSONFileTokenStore(tmp_path / "deep" / "tokens.json")
        store.save(tokens_numbered(1))
        store.save(tokens_numbered(2))  # replacing keeps it private too
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "deep" / "tokens.json").stat().st_mode) == 0o600
    assert store.load() == tokens_numbered(2)
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["tokens.json"]  # no temporary left behind


def test_a_failed_write_leaves_the_old_tokens_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = JSONFileTokenStore(tmp_path / "tokens.json")
    store.save(tokens_numbered(1))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("bitrix24_toolkit.engine.oauth.json.dump", broken)
    with pytest.raises(OSError, match="disk full"):
        store.save(tokens_numbered(2))
    monkeypatch.undo()
    assert store.load() == tokens_numbered(1)
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]


def test_readers_never_see_half_a_token_file(tmp_path: Path) -> None:
    store = JSONFileTokenStore(tmp_path / "tokens.json")
    store.save(tokens_numbered(0))
    stop = threading.Event()
    problems: list[str] = []

    def read() -> None:
        while not stop.is_set():
            text = (tmp_path / "tokens.json").read_text(encoding="utf-8")
            try:
                data = json.loads(text)
            except ValueError:
                problems.append(text[:80])
                continue
            if data["access_token"][7:13] != data["refresh_token"][8:14]:
                problems.append("a mixed pair")

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for number in range(1, 200):
        store.save(tokens_numbered(number))
    stop.set()
    for reader in readers:
        reader.join()
    assert problems == []
    assert store.load() == tokens_numbered(199)
