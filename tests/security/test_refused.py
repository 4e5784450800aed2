"""Class 7: refused is not "maybe applied". A write the portal refused (``expired_token``) whose token refresh
then fails (timeout, reset, an HTML page) was never stored: the error says so (TokenRefreshError, an
AuthenticationError), it is never OutcomeUnknownError, and a bulk report counts it ``error``, not ``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.testing.emulator import Emulator

CLIENT_ID = "local.security.app"
CLIENT_SECRET = "security-client-secret-42"


def _refresh_fails(emu: Emulator, failure: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/").endswith("oauth/token"):
            return failure(request)
        return emu.handle(request)

    return httpx.MockTransport(handler)


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _reset(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("connection reset", request=request)


def _html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(502, text="<html>Bad gateway</html>", headers={"content-type": "text/html"})


FAILURES = {"timeout": _timeout, "reset": _reset, "html-502": _html}


def _oauth(emu: Emulator) -> OAuth:
    tokens = OAuthTokens.from_response(emu.issue_tokens(CLIENT_ID, CLIENT_SECRET))
    return OAuth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tokens=tokens, token_url=emu.token_url)


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
async def test_refused_write_whose_refresh_fails_says_nothing_was_stored(
    make_client: Any, failure: Callable[[httpx.Request], httpx.Response]
) -> None:
    emu = Emulator(limits="off")
    client = make_client(auth=_oauth(emu), transport=_refresh_fails(emu, failure), check_fields=False)
    emu.expire_tokens()
    with pytest.raises(errors.AuthenticationError) as caught:
        await client.crm.deal.add({"TITLE": "never stored"})
    error = caught.value
    assert isinstance(error, errors.TokenRefreshError)
    assert not isinstance(error, errors.OutcomeUnknownError)
    assert "nothing was stored" in str(error)
    assert "may have been applied" not in str(error)
    assert error.method == "crm.deal.add"
    assert isinstance(error.__cause__, errors.Bitrix24Error)
    assert not errors.leaves_outcome_unknown(error)
    _, stored = emu.call("crm.deal.list", {})
    assert stored["result"] == []


async def test_refused_bulk_write_whose_refresh_fails_is_an_error_not_unknown(make_client: Any) -> None:
    emu = Emulator(limits="off")
    client = make_client(auth=_oauth(emu), transport=_refresh_fails(emu, _timeout), check_fields=False)
    emu.expire_tokens()
    report = await client.crm.deal.add_many([{"TITLE": "a"}, {"TITLE": "b"}])
    assert [item.outcome for item in report] == ["error", "error"]
    assert all(isinstance(item.error, errors.TokenRefreshError) for item in report)


async def test_refresh_refused_by_the_token_server_stays_its_own_error(make_client: Any) -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": "bad refresh"})

    emu = Emulator(limits="off")
    client = make_client(auth=_oauth(emu), transport=_refresh_fails(emu, refused), check_fields=False)
    emu.expire_tokens()
    with pytest.raises(errors.AuthenticationError) as caught:
        await client.crm.deal.add({"TITLE": "x"})
    assert caught.value.code == "invalid_grant"
    assert not isinstance(caught.value, errors.OutcomeUnknownError)


async def test_a_refused_redirect_of_a_write_is_not_an_unknown_outcome(make_client: Any) -> None:
    def moved(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": f"http://{request.url.host}{request.url.path}"})

    client = make_client(
        "https://portal.bitrix24.test/rest/1/abcdef123456/",
        transport=httpx.MockTransport(moved),
        check_fields=False,
    )
    with pytest.raises(errors.RedirectRefusedError) as caught:
        await client.crm.deal.add({"TITLE": "x"})
    assert not isinstance(caught.value, errors.OutcomeUnknownError)
    report = await client.crm.deal.add_many([{"TITLE": "x"}])
    assert [item.outcome for item in report] == ["error"]


async def test_a_timeout_of_the_write_itself_is_still_unknown(make_client: Any) -> None:
    emu = Emulator(limits="off")

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = make_client(emu.webhook_url, transport=httpx.MockTransport(handler), check_fields=False)
    with pytest.raises(errors.OutcomeUnknownError, match="may have been applied"):
        await client.crm.deal.add({"TITLE": "x"})
