"""Class 9 (client side): no secret in logs, ``repr()``/``str()`` of clients and errors, cassettes, CLI.

Every secret kind (webhook secret, access and refresh tokens, client secret, application token, a robot's
event token, a basic-auth password) and every URL form (plain, under a path prefix, percent-encoded,
``user:pass@host``, mistyped) is scanned for, raw and percent-encoded. Logs are captured at DEBUG,
httpx's and httpcore's loggers included.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.cli.app import main
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.engine.webhook import parse_webhook_url, safe_url
from bitrix24_toolkit.testing.cassettes import Cassette, RecordingTransport

SECRET = "pfx7secret3k9w2"
NO_DIGIT_SECRET = "qwertyuiopasdfgh"
PASSWORD = "hunter2-basic-pw"
ACCESS = "access+tok/en=5e8f1a2b"  # characters that a query string percent-encodes
REFRESH = "refresh&tok en#9z8y7x"
CLIENT_SECRET = "cl/ient+secret=&42x"
APP_TOKEN = "apptoken-5dQ8vN3kR1"
EVENT_TOKEN = "55f7f6bd4a9c31.70542744|A36_12345_2|ab12cd34|7f3e"


async def _no_wait(seconds: float) -> None:
    return None


ONCE = RetryPolicy(attempts=2, sleep=lambda seconds: None, async_sleep=_no_wait)
ALL = [SECRET, NO_DIGIT_SECRET, PASSWORD, ACCESS, REFRESH, CLIENT_SECRET, APP_TOKEN, EVENT_TOKEN]


def forms(secret: str) -> set[str]:
    """A secret as it may appear in text: raw and percent-encoded."""
    return {secret, quote(secret, safe=""), quote_plus(secret, safe="")}


def assert_clean(texts: Iterable[str], secrets: Iterable[str] = ALL) -> None:
    blob = "\n".join(texts)
    for secret in secrets:
        for form in forms(secret):
            assert form not in blob, f"{form!r} leaked"


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.rstrip("/").endswith("oauth/token"):
        return httpx.Response(
            200,
            json={
                "access_token": "new-access-2b3c4d5e6f",
                "refresh_token": "new-refresh-7a8b9c0d1e",
                "client_endpoint": "https://portal.bitrix24.test/rest/",
                "expires_in": 3600,
            },
        )
    if path.endswith("crm.deal.get"):  # echoes the request URL, as a broken proxy page would
        return httpx.Response(502, text=f"<html>bad gateway for {request.url}</html>")
    if json.loads(request.content or b"{}").get("auth") == ACCESS:
        return httpx.Response(401, json={"error": "expired_token", "error_description": "expired"})
    return httpx.Response(200, json={"result": {"ID": "1", "echo": str(request.url)}})


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in ("httpx", "httpcore", "bitrix24_toolkit"):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG)
    return caplog


def _texts_of(error: BaseException) -> list[str]:
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


@pytest.mark.parametrize(
    "url",
    [
        f"https://portal.bitrix24.test/rest/1/{SECRET}/",
        f"https://portal.bitrix24.test/b24/rest/1/{SECRET}/",
        f"https://admin:{PASSWORD}@portal.bitrix24.test/rest/1/{SECRET}/",
        f"https://admin:{quote(PASSWORD)}@portal.bitrix24.test/b24/rest/1/{SECRET}/",
    ],
    ids=["plain", "path-prefix", "user-pass", "user-pass-prefix"],
)
def test_webhook_clients_leak_nothing(logs: pytest.LogCaptureFixture, url: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _answer(request)

    texts: list[str] = []
    with Bitrix24(url, transport=httpx.MockTransport(handler), limits="off", retry=ONCE) as b24:
        texts += [repr(b24), str(b24), b24.portal]
        assert b24.call("user.current")["ID"] == "1"
        with pytest.raises(errors.Bitrix24Error) as caught:
            b24.call("crm.deal.get", {"id": 1})
        texts += _texts_of(caught.value)
    texts += [record.getMessage() for record in logs.records]
    assert any("HTTP Request" in record.getMessage() for record in logs.records)  # httpx did log
    assert_clean(texts)
    assert all(not request.url.userinfo for request in sent)  # the password went as a header, not in the URL
    if PASSWORD in url or quote(PASSWORD) in url:
        assert sent[0].headers["authorization"].startswith("Basic ")


async def test_async_client_under_a_prefix_leaks_nothing(logs: pytest.LogCaptureFixture) -> None:
    url = f"https://admin:{PASSWORD}@portal.bitrix24.test/b24/rest/1/{SECRET}/"
    async with AsyncBitrix24(url, transport=httpx.MockTransport(_answer), limits="off", retry=ONCE) as b24:
        await b24.call("user.current")
        with pytest.raises(errors.Bitrix24Error) as caught:
            await b24.call("crm.deal.get", {"id": 1})
        texts = [repr(b24), *_texts_of(caught.value)]
    assert_clean(texts + [record.getMessage() for record in logs.records])


def test_oauth_refresh_leaks_no_percent_encoded_secret(logs: pytest.LogCaptureFixture) -> None:
    tokens = OAuthTokens(ACCESS, REFRESH, "https://portal.bitrix24.test/rest/", member_id=APP_TOKEN)
    auth = OAuth(client_id="app.1", client_secret=CLIENT_SECRET, tokens=tokens)
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return _answer(request)

    with Bitrix24(auth=auth, transport=httpx.MockTransport(handler), limits="off", retry=ONCE) as b24:
        assert b24.call("user.current")["ID"] == "1"
        texts = [repr(b24), repr(auth), repr(tokens), repr(auth.tokens), b24.portal]
    assert auth.refresh_count == 1
    refresh_url = str(next(r.url for r in requests if "oauth/token" in r.url.path))
    assert quote_plus(CLIENT_SECRET, safe="") in refresh_url  # the encoded form is what travels and logs
    log_lines = [record.getMessage() for record in logs.records]
    assert any("oauth/token" in line for line in log_lines)
    assert_clean(texts + log_lines)


@pytest.mark.parametrize(
    "url",
    [
        f"https://portal.bitrix24.test/rst/1/{NO_DIGIT_SECRET}/",  # typo in rest
        f"https://portal.bitrix24.test/rest/{NO_DIGIT_SECRET}/",  # no user id
        f"portal.bitrix24.test/rest/1/{NO_DIGIT_SECRET}/",  # no scheme
        f"https://portal.bitrix24.test/rest/1/{NO_DIGIT_SECRET}/crm.deal.list",  # method included
        f"https://portal.bitrix24.test/rest/1/{NO_DIGIT_SECRET}/?auth={SECRET}",  # a query
        f"https://portal.bitrix24.test/rest/x/{NO_DIGIT_SECRET}/",  # user id not a number
        f"https://portal.bitrix24.test/rest/1/{NO_DIGIT_SECRET}!/",  # a bad character
        f"https://admin:{PASSWORD}@portal.bitrix24.test/rst/1/{SECRET}/",  # user:pass and a typo
        f"https://admin:{PASSWORD}@portal.bitrix24.test:99999/rest/1/{SECRET}/",  # bad port
        f"https://portal.bitrix24.test/rest/1/{quote(NO_DIGIT_SECRET + '%')}x/",  # percent-encoded
    ],
)
def test_mistyped_urls_never_print_the_secret(url: str) -> None:
    with pytest.raises(errors.InvalidInputError) as caught:
        parse_webhook_url(url)
    assert_clean(_texts_of(caught.value))
    assert "portal.bitrix24.test" in str(caught.value)  # still says which portal


def test_safe_url_masks_every_form() -> None:
    shown = safe_url(f"https://u:{PASSWORD}@host.test/b24/rest/1/{NO_DIGIT_SECRET}/x?auth={SECRET}&a=1")
    assert_clean([shown])
    assert shown.startswith("https://***@host.test/")


def _request(url: str, body: dict[str, Any]) -> httpx.Request:
    return httpx.Request("POST", url, json=body)


def test_cassettes_hold_no_secret_of_any_kind(tmp_path: Path) -> None:
    cassette = Cassette()
    exchanges = [
        (
            _request(
                f"https://portal.bitrix24.test/b24/rest/1/{SECRET}/bizproc.event.send",
                {"event_token": EVENT_TOKEN, "return_values": {"ok": "Y"}},
            ),
            {"result": True},
        ),
        (
            _request(
                f"https://portal.bitrix24.test/b24/rest/1/{SECRET}/bizproc.event.send",
                {"EVENT_TOKEN": EVENT_TOKEN},
            ),
            {"result": True},
        ),
        (
            _request(
                "https://portal.bitrix24.test/rest/batch",
                {
                    "auth": ACCESS,
                    "cmd": {
                        "a": f"crm.deal.get?id=1&auth={quote_plus(ACCESS, safe='')}",
                        "b": f"bizproc.event.send?event_token={quote(EVENT_TOKEN, safe='')}",
                    },
                },
            ),
            {"result": {"result": {"a": {"echo": f"/b24/rest/1/{SECRET}/"}}}},
        ),
        (
            _request(
                f"https://portal.bitrix24.test/b24/rest/1/{SECRET}/event.bind",
                {"application_token": APP_TOKEN, "password": PASSWORD},
            ),
            {"result": {"application_token": APP_TOKEN, "url": f"https://x.test/b24/rest/1/{SECRET}/"}},
        ),
    ]
    for request, body in exchanges:
        response = httpx.Response(200, json=body)
        response.read()
        request.read()
        cassette.record(request, response)
    text = cassette.save(tmp_path / "c.json").read_text(encoding="utf-8")
    assert_clean([text, repr(cassette)])
    assert "<event-token>" in text


def test_recording_a_prefixed_webhook_client_stores_no_secret(tmp_path: Path) -> None:
    cassette = Cassette()
    transport = RecordingTransport(httpx.MockTransport(_answer), cassette)
    url = f"https://portal.bitrix24.test/b24/rest/1/{SECRET}/"
    with Bitrix24(url, transport=transport, limits="off", retry=ONCE) as b24:
        b24.call("bizproc.event.send", {"event_token": EVENT_TOKEN, "return_values": {}})
        b24.call("user.current")
    assert_clean([cassette.save(tmp_path / "r.json").read_text(encoding="utf-8")])


@pytest.mark.parametrize(
    "url",
    [
        f"https://admin:{PASSWORD}@portal.bitrix24.test/rst/1/{NO_DIGIT_SECRET}/",
        f"https://portal.bitrix24.test/b24/rest/1/{NO_DIGIT_SECRET}/crm.deal.list",
        f"https://portal.bitrix24.test/rest/1/{SECRET}/?auth={ACCESS}",
    ],
)
def test_cli_output_holds_no_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("BITRIX24_WEBHOOK_URL", url)
    monkeypatch.delenv("B24_DEBUG", raising=False)
    code = main(["call", "user.current"])
    captured = capsys.readouterr()
    assert code == 2
    assert "error:" in captured.err
    assert_clean([captured.out, captured.err])
