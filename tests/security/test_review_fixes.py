"""Defects an adversarial review found after the first round of fixes (issue 16), one test each."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import Bitrix24, RetryPolicy
from bitrix24_toolkit.engine.limiter import MAX_BUDGET_WAIT, Limiter
from bitrix24_toolkit.engine.oauth import JSONFileTokenStore
from bitrix24_toolkit.engine.redaction import (
    MAX_TRANSIENT_SECRETS,
    redact,
    register_secret,
    transient_secrets,
)
from bitrix24_toolkit.engine.redirects import is_internal_host
from bitrix24_toolkit.engine.webhook import safe_url
from bitrix24_toolkit.errors import InvalidInputError, ResponseFormatError
from bitrix24_toolkit.events.endpoints import check_endpoints, is_public_name
from bitrix24_toolkit.events.errors import EventAuthError
from bitrix24_toolkit.events.payload import EVENT_LIMITS, EventAuth
from bitrix24_toolkit.protocol.call import validate_method
from bitrix24_toolkit.protocol.encoding import decode_php_query
from bitrix24_toolkit.testing import Emulator

SECRET = "s3cr3tw3bh00k"


# ------------------------------------------------------------------------------------ class 5
def test_a_lying_operating_reset_is_never_slept_on() -> None:
    now = 1_000_000.0
    limiter = Limiter(operating_budget=480.0, wall_clock=lambda: now)
    limiter.observe("crm.deal.add", 1000.0, math.inf)  # not finite: ignored
    assert limiter._budget_wait("crm.deal.add") == 0.0
    limiter.observe("crm.deal.add", 1000.0, now + 1e12)  # 31,000 years ahead: capped at the window
    assert limiter._budget_wait("crm.deal.add") == MAX_BUDGET_WAIT


def test_a_lying_total_is_an_unreadable_answer_not_a_memory_blowup() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"result": [{"ID": "1"}], "total": 10**17, "next": 50, "time": {}})

    with (
        Bitrix24(f"https://p.bitrix24.ru/rest/1/{SECRET}/", transport=httpx.MockTransport(handler)) as b24,
        pytest.raises(ResponseFormatError, match="total"),
    ):
        b24.crm.deal.list_all()


# ------------------------------------------------------------------------------------ class 9
@pytest.mark.parametrize(
    "url",
    [
        "https://admin:Pa55#w0rd@box.example.com/rest/1/abcdef123/",
        "https://admin:Pa55/w0rd@box/rest/1/abcdef123/",
        "https://admin:p@55w0rd@box/rest/1/abcdef123/",
        "https:/admin:Pa55w0rd@box/rest/1/abcdef123/",
        "admin:Pa55w0rd@box/rest/1/abcdef123/",
    ],
)
def test_passwords_never_show_in_webhook_errors(url: str) -> None:
    shown = safe_url(url)
    assert "Pa55" not in shown
    assert "w0rd" not in shown
    message = ""
    try:
        Bitrix24(url).close()
    except InvalidInputError as exc:
        message = str(exc)
    assert "Pa55" not in message
    assert "w0rd" not in message


def test_backslashed_webhook_urls_are_masked() -> None:
    assert SECRET not in safe_url(f"https:\\\\box\\rest\\1\\{SECRET}\\")


@pytest.mark.parametrize(
    "method",
    [f"https://p/rest/1/{SECRET}/crm.deal.get", f"/rest/1/{SECRET}/x", f"crm.deal.get?auth={SECRET}"],
)
def test_a_pasted_url_as_method_is_refused_without_quoting_it(method: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        validate_method(method)
    assert SECRET not in str(caught.value)


def test_a_running_deliverys_secrets_stay_masked_while_others_come_and_go() -> None:
    mine = "victim-access-token-0001"
    with transient_secrets():
        register_secret(mine)
        for i in range(MAX_TRANSIENT_SECRETS + 50):
            with transient_secrets():
                register_secret(f"other-tenant-token-{i:06d}")
        assert redact(f"token {mine}") == "token ***"


# ----------------------------------------------------------------------------------- class 10
@pytest.mark.parametrize(
    "options",
    [{"attempts": "3"}, {"attempts": 0}, {"max_backoff": -1}, {"max_total_wait": math.nan}, {"sleep": "x"}],
)
def test_retry_policy_fields_are_checked(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        RetryPolicy(**options)


@pytest.mark.parametrize(
    "options", [{"http_client": "x"}, {"transport": "x"}, {"http_client": httpx.AsyncClient()}]
)
def test_client_plumbing_of_the_wrong_type_is_refused_at_construction(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        Bitrix24(f"https://p.bitrix24.ru/rest/1/{SECRET}/", **options)


def test_a_token_file_that_is_a_directory_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot be read"):
        JSONFileTokenStore(tmp_path).load()


def test_crm_item_lists_check_their_options_before_sending() -> None:
    emu = Emulator(limits="off")
    loop: dict[str, Any] = {}
    loop["0"] = loop
    with emu.client() as b24:
        for options in ({"order": ["ID"]}, {"select": [None]}, {"filter": {None: 1}}, {"filter": loop}):
            with pytest.raises(InvalidInputError):
                b24.crm.item(2).list_all(**options)
        with pytest.raises(InvalidInputError):
            b24.crm.deal.list_all(filter=loop)
    assert emu.stats.requests == 0


# ------------------------------------------------------------------------------- classes 1, 3
@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "0x7f.1", "metadata.google.internal"])
def test_numeric_and_internal_hosts_are_internal(host: str) -> None:
    assert is_internal_host(host)


@pytest.mark.parametrize(
    "name", ["kubernetes.default.svc", "redis.default", "printer.home", "nas.private", "app.test", "x.onion"]
)
def test_cluster_and_reserved_names_are_no_portal(name: str) -> None:
    assert not is_public_name(name)


def _auth(domain: str, endpoint: str) -> EventAuth:
    return EventAuth(
        domain=domain,
        member_id="m1",
        client_endpoint=endpoint,
        server_endpoint="https://oauth.bitrix.info/rest/",
        application_token="apptoken1234",
        access_token="access-token-1234",
        refresh_token="refresh-token-1234",
    )


def test_a_portal_on_another_port_is_refused() -> None:
    with pytest.raises(EventAuthError, match="port"):
        check_endpoints(_auth("p.bitrix24.com:6379", "https://p.bitrix24.com:6379/rest/"))
    check_endpoints(_auth("p.bitrix24.com", "https://p.bitrix24.com/rest/"))


def test_deep_keys_in_an_event_body_are_cheap_to_refuse() -> None:
    body = "&".join(f"a{i}" + "[]" * 32 + "=1" for i in range(1000))
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"depth|deep|level"):
        decode_php_query(body, limits=EVENT_LIMITS)
    assert time.perf_counter() - started < 0.5


def test_a_redirect_from_a_tenants_portal_is_not_followed(caplog: pytest.LogCaptureFixture) -> None:
    from bitrix24_toolkit.events.dispatcher import Dispatcher

    sent: list[str] = []

    def portal(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url.host))
        if request.url.host == "p.bitrix24.com":
            return httpx.Response(307, headers={"location": "https://evil.example.com/rest/profile"})
        return httpx.Response(200, json={"result": {}})

    dispatcher = Dispatcher(
        application_token="apptoken1234", client_options={"transport": httpx.MockTransport(portal)}
    )
    client = dispatcher.client_for(_auth("p.bitrix24.com", "https://p.bitrix24.com/rest/"))
    with caplog.at_level(logging.DEBUG), pytest.raises(EventAuthError, match="redirected"):
        client.call("profile")
    client.close()
    assert sent == ["p.bitrix24.com"]
