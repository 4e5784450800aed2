"""Class 3: a payload cannot make the app call an address other than its own portal's https URL (SSRF)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.events import Dispatcher, EventAuthError, wsgi_app
from bitrix24_toolkit.events.endpoints import check_endpoints, is_public_name, normalize_allowed_hosts
from bitrix24_toolkit.events.payload import EventAuth

from ._event_servers import post, wsgi_server

TOKEN = "app-token-0123456789"
PORTAL = "p.bitrix24.com"


def body(endpoint: str, *, domain: str = PORTAL, server: str = "https://oauth.bitrix.info/rest/") -> str:
    return (
        "event=ONCRMDEALUPDATE&data[FIELDS][ID]=7"
        f"&auth[domain]={domain}&auth[client_endpoint]={endpoint}&auth[server_endpoint]={server}"
        f"&auth[member_id]=m1&auth[access_token]=acc-token-12345&auth[refresh_token]=ref-token-12345"
        f"&auth[application_token]={TOKEN}"
    )


class Recorder:
    """A transport that answers every call and remembers where it was sent."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return httpx.Response(200, json={"result": {"ID": 1}, "time": {}})


def dispatcher(recorder: Recorder, **options: Any) -> Dispatcher:
    d = Dispatcher(
        application_token=TOKEN, client_options={"transport": httpx.MockTransport(recorder)}, **options
    )

    @d.on("ONCRMDEALUPDATE")
    def handler(event: Any, b24: Any) -> None:
        b24.call("profile")

    return d


REFUSED = [
    "http://p.bitrix24.com/rest/",  # in clear
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1/rest/",
    "https://[::1]/rest/",
    "https://localhost/rest/",
    "https://internal.service.local/rest/",
    "https://evil.example.com/rest/",
    "https://p.bitrix24.com.evil.com/rest/",
    "https://p.bitrix24.com:6379/rest/",
    "https://user:pass@p.bitrix24.com/rest/",
    "https://p.bitrix24.com@evil.com/rest/",
    "https://p.bitrix24.com\\@evil.com/rest/",
    "https://evil.com\\@p.bitrix24.com/rest/",
    "https://p.bitrix24.com/rest/?x=1",
    "https://p.bitrix24.com/rest/#frag",
    "file:///etc/passwd",
    "gopher://p.bitrix24.com/",
    "https:///rest/",
    "https://p.bitrix24.com%2F@evil.com/rest/",
    " https://p.bitrix24.com/rest/",
    "https://p.bitrix24.com/rest/\r\nHost: evil",
]


@pytest.mark.parametrize("endpoint", REFUSED)
def test_foreign_or_clear_endpoints_are_refused_before_any_request(endpoint: str) -> None:
    recorder = Recorder()
    d = dispatcher(recorder)
    with pytest.raises(EventAuthError):
        d.dispatch(body(endpoint))
    assert recorder.urls == []


@pytest.mark.parametrize(
    "domain",
    ["127.0.0.1", "169.254.169.254", "localhost", "10.0.0.5", "metadata.google.internal", "intranet"],
)
def test_a_payload_naming_an_internal_portal_is_refused(domain: str) -> None:
    recorder = Recorder()
    with pytest.raises(EventAuthError):
        dispatcher(recorder).dispatch(body(f"https://{domain}/rest/", domain=domain))
    assert recorder.urls == []


@pytest.mark.parametrize(
    "server", ["https://evil.com/rest/", "http://oauth.bitrix.info/rest/", "https://127.0.0.1/oauth/"]
)
def test_a_foreign_server_endpoint_is_refused(server: str) -> None:
    recorder = Recorder()
    with pytest.raises(EventAuthError):
        dispatcher(recorder).dispatch(body(f"https://{PORTAL}/rest/", server=server))
    assert recorder.urls == []


def test_the_portal_the_payload_names_is_called() -> None:
    recorder = Recorder()
    d = dispatcher(recorder)
    d.dispatch(body("https://P.Bitrix24.com/rest/"))
    assert not d.failures, d.failures
    assert [httpx.URL(url).host for url in recorder.urls] == [PORTAL]


def test_an_allow_list_replaces_the_portal_rule() -> None:
    recorder = Recorder()
    d = dispatcher(recorder, allowed_hosts=["crm.intranet.example", "*.bitrix24.de", "10.0.0.5:8443"])
    d.dispatch(body("https://crm.intranet.example/rest/", domain="crm.intranet.example"))
    d.dispatch(body("https://a.bitrix24.de/rest/", domain="a.bitrix24.de"))
    d.dispatch(body("https://10.0.0.5:8443/rest/", domain="10.0.0.5:8443"))
    assert not d.failures, d.failures
    assert len(recorder.urls) == 3
    for refused in (
        "https://p.bitrix24.com/rest/",
        "https://bitrix24.de/rest/",
        "http://a.bitrix24.de/rest/",
    ):
        with pytest.raises(EventAuthError):
            d.dispatch(body(refused, domain=httpx.URL(refused).host))
    assert len(recorder.urls) == 3


def test_client_for_checks_too() -> None:
    d = Dispatcher(application_token=TOKEN)
    auth = EventAuth(
        domain=PORTAL,
        member_id="m",
        client_endpoint="http://10.0.0.1/rest/",
        server_endpoint="",
        application_token=TOKEN,
        access_token="acc-token-12345",
    )
    with pytest.raises(EventAuthError):
        d.client_for(auth)
    with pytest.raises(EventAuthError):
        d.async_client_for(auth)


def test_payloads_without_tokens_use_the_configured_webhook_only() -> None:
    recorder = Recorder()
    d = dispatcher(recorder)
    d.configure(webhook_url="https://own.bitrix24.com/rest/1/webhooksecret123/")
    no_tokens = body("https://evil.com/rest/").replace("&auth[access_token]=acc-token-12345", "")
    d.dispatch(no_tokens)
    assert not d.failures, d.failures
    assert [httpx.URL(u).host for u in recorder.urls] == ["own.bitrix24.com"]


def test_the_wsgi_app_answers_403_and_sends_nothing() -> None:
    recorder = Recorder()
    d = dispatcher(recorder)
    with wsgi_server(wsgi_app(d)) as address:
        status, text = post(address, body("https://169.254.169.254/").encode())
    d.join(5)
    assert status == 403, text
    assert recorder.urls == []


def test_helpers() -> None:
    assert is_public_name("p.bitrix24.com")
    for name in ("127.0.0.1", "localhost", "a.local", "x", "1.2.3.4", "[::1]", "a..b", "-a.com"):
        assert not is_public_name(name), name
    assert normalize_allowed_hosts(["A.example.com:443"]) == frozenset({"a.example.com"})
    with pytest.raises(EventAuthError):
        normalize_allowed_hosts(["a b"])
    auth = EventAuth("p.bitrix24.com", "m", "https://p.bitrix24.com/rest/", "", TOKEN, "tok")
    check_endpoints(auth)
    assert json.dumps(sorted(normalize_allowed_hosts("x.com") or []))


def test_plain_http_only_for_a_host_listed_with_its_scheme() -> None:
    """The emulator's HTTP server in a test: ``http://127.0.0.1:8000`` listed explicitly, nothing else."""
    recorder = Recorder()
    d = dispatcher(recorder, allowed_hosts=["http://127.0.0.1:8000", "crm.example.com"])
    d.dispatch(body("http://127.0.0.1:8000/rest/", domain="127.0.0.1:8000", server=""))
    assert not d.failures, d.failures
    assert len(recorder.urls) == 1
    for refused in ("http://127.0.0.1:8001/rest/", "http://crm.example.com/rest/", "http://127.0.0.1/rest/"):
        with pytest.raises(EventAuthError):
            d.dispatch(body(refused, domain="127.0.0.1:8000", server=""))
    assert len(recorder.urls) == 1
