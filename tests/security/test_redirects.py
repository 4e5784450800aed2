"""Class 4: portal moves that would leak credentials are never followed, and the error says why.

Refused: https -> http (the webhook secret or the access token would travel in clear), a user:password in
the new address, a public portal pointing at a loopback/private/link-local address, a second move, and a
Location that is not an http(s) URL. Nothing is sent to the refused address; the error text holds no
secret; a refused move of a write is not an unknown outcome. Legitimate moves (https -> https, another
host) are still followed once.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitrix24_toolkit import Bitrix24, errors
from bitrix24_toolkit.client import OAuth, OAuthTokens
from bitrix24_toolkit.engine.redirects import is_internal_host, refused_redirect

SECRET = "q7w3e9r1t5y2u8io"
WEBHOOK = f"https://old.bitrix24.test/rest/1/{SECRET}/"
ACCESS = "access-token-5e8f1a2b3c4d"


class Portal(httpx.MockTransport):
    """Answers the first request with a redirect to ``location``, anything else with a result."""

    def __init__(self, location: str, status: int = 302) -> None:
        self.requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            if len(self.requests) == 1:
                return httpx.Response(status, headers=[(b"location", location.encode("utf-8"))])
            return httpx.Response(200, json={"result": {"ID": "1"}})

        super().__init__(handler)


REFUSED = {
    "downgrade": f"http://old.bitrix24.test/rest/1/{SECRET}/user.current",
    "downgrade-other-host": "http://new.bitrix24.test/",
    "credentials": "https://user:pass@new.bitrix24.test/",
    "internal-metadata": "https://169.254.169.254/latest/meta-data/",
    "internal-loopback": "https://127.0.0.1:8080/",
    "internal-localhost": "https://localhost/",
    "internal-private": "https://10.0.0.5/",
    "internal-ipv6": "https://[::1]/",
    "internal-mapped": "https://[::ffff:127.0.0.1]/",
}
UNUSABLE = {
    "downgrade-without-host": "http:new.bitrix24.test/x",
    "not-http": "file:///etc/passwd",
    "javascript": "javascript:alert(1)",
    "empty": "",
    "garbage": "https://[broken/",
}


@pytest.mark.parametrize("location", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_unsafe_moves_are_refused_and_nothing_is_sent_there(
    make_client: Any, location: str, status: int
) -> None:
    portal = Portal(location, status)
    client = make_client(WEBHOOK, transport=portal)
    with pytest.raises(errors.RedirectRefusedError) as caught:
        await client.call("user.current")
    assert len(portal.requests) == 1  # the secret went nowhere else
    error = caught.value
    assert isinstance(error, errors.ResponseFormatError)  # existing handlers keep catching it
    assert "not followed" in str(error)
    for text in (str(error), repr(error), error.location):
        assert SECRET not in text
        assert "pass@" not in text
    assert client.domain == "old.bitrix24.test"  # the client did not move


@pytest.mark.parametrize("location", UNUSABLE.values(), ids=UNUSABLE.keys())
async def test_unusable_locations_are_not_followed(make_client: Any, location: str) -> None:
    requests: list[httpx.Request] = []

    def always(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(302, headers=[(b"location", location.encode())])

    client = make_client(WEBHOOK, transport=httpx.MockTransport(always))
    with pytest.raises(errors.ResponseFormatError, match="redirect without a usable Location") as caught:
        await client.call("user.current")  # a read: retried, always at the portal's own address
    assert {str(r.url) for r in requests} == {WEBHOOK + "user.current"}
    assert SECRET not in str(caught.value)


async def test_downgrade_error_says_why(make_client: Any) -> None:
    client = make_client(WEBHOOK, transport=Portal("http://old.bitrix24.test/"))
    with pytest.raises(errors.RedirectRefusedError) as caught:
        await client.call("user.current")
    assert caught.value.reason == "downgrade"
    assert "https:// to http://" in str(caught.value)
    assert "in clear" in str(caught.value)


async def test_a_refused_move_of_a_write_is_no_unknown_outcome(make_client: Any) -> None:
    client = make_client(WEBHOOK, transport=Portal("http://old.bitrix24.test/"), check_fields=False)
    with pytest.raises(errors.RedirectRefusedError):
        await client.crm.deal.add({"TITLE": "x"})


async def test_a_second_move_is_refused(make_client: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": f"https://{request.url.host}x/"})

    client = make_client(WEBHOOK, transport=httpx.MockTransport(handler))
    with pytest.raises(errors.RedirectRefusedError) as caught:
        await client.call("user.current")
    assert caught.value.reason == "again"


async def test_an_oauth_client_never_sends_its_token_over_http(make_client: Any) -> None:
    portal = Portal("http://portal.bitrix24.test/rest/user.current")
    tokens = OAuthTokens(ACCESS, "refresh-token-1a2b3c4d", "https://portal.bitrix24.test/rest/")
    auth = OAuth(client_id="app", client_secret="client-secret-9z8y7x", tokens=tokens)
    client = make_client(auth=auth, transport=portal)
    with pytest.raises(errors.RedirectRefusedError) as caught:
        await client.call("user.current")
    assert len(portal.requests) == 1
    assert ACCESS not in str(caught.value)
    assert auth.endpoint.startswith("https://")


FOLLOWED = {
    "same-host-https": "https://old.bitrix24.test/rest/1/x/user.current",
    "new-host-https": "https://new.bitrix24.test/",
    "relative": "/rest/1/x/user.current",
}


@pytest.mark.parametrize("location", FOLLOWED.values(), ids=FOLLOWED.keys())
async def test_safe_moves_are_still_followed(make_client: Any, location: str) -> None:
    portal = Portal(location)
    client = make_client(WEBHOOK, transport=portal)
    assert (await client.call("user.current")) == {"ID": "1"}
    assert len(portal.requests) == 2
    assert portal.requests[1].url.scheme == "https"
    assert portal.requests[1].url.path == f"/rest/1/{SECRET}/user.current"  # the method path is kept


def test_an_internal_portal_may_move_inside_its_network() -> None:
    assert refused_redirect("http://127.0.0.1:8080/rest/1/x/m", "http://127.0.0.1:8081/") is None
    assert refused_redirect("http://10.0.0.5/rest/1/x/m", "http://10.0.0.6/") is None
    assert refused_redirect("http://portal.test/rest/1/x/m", "https://portal.test/") is None  # upgrade


def test_internal_hosts() -> None:
    for host in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "169.254.169.254",
        "::1",
        "localhost",
        "a.localhost",
    ):
        assert is_internal_host(host), host
    for host in ("portal.bitrix24.ru", "8.8.8.8", "2001:4860:4860::8888"):
        assert not is_internal_host(host), host


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_fuzz_any_location_is_followed_safely_or_refused_with_a_typed_error(location: str) -> None:
    portal = Portal(location.replace("\r", "").replace("\n", "").replace("\x00", ""))
    with Bitrix24(WEBHOOK, transport=portal, limits="off") as b24:
        try:
            b24.call("user.current")
        except errors.ResponseFormatError as exc:  # RedirectRefusedError, or an unusable Location
            refused: errors.ResponseFormatError | None = exc
        else:
            refused = None
    if refused is not None:
        assert SECRET not in str(refused)
        assert len(portal.requests) == 1
        return
    second = portal.requests[1].url
    assert second.scheme == "https"
    assert not second.userinfo
    assert not is_internal_host(second.host)
