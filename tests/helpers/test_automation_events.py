"""Event payloads, the dispatcher and the ASGI/WSGI apps (no portal: payloads written by hand)."""

from __future__ import annotations

import asyncio
import io
from typing import Any
from urllib.parse import quote

import pytest

from bitrix24_toolkit import events
from bitrix24_toolkit.errors import Bitrix24Error
from bitrix24_toolkit.events import (
    Dispatcher,
    EventAuthError,
    EventPayloadError,
    parse_event,
    parse_robot_request,
)

TOKEN = "51856fefc120afa4b628cc82d3935cce"
# the reference 9.2 example, percent-encoded the way PHP's http_build_query sends it
APP_BODY = (
    "event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D=7405&ts=1766047124"
    "&auth%5Baccess_token%5D=s6p6eclrvim6da22ft9ch94ekreb52lv&auth%5Bexpires_in%5D=3600&auth%5Bscope%5D=crm"
    "&auth%5Bdomain%5D=some-domain.bitrix24.com&auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F"
    "&auth%5Bstatus%5D=L&auth%5Bclient_endpoint%5D=https%3A%2F%2Fsome-domain.bitrix24.com%2Frest%2F"
    "&auth%5Bmember_id%5D=d89740f4ab5e2f6cbd1cd2a6d6ea6af8&auth%5Bapplication_token%5D=" + TOKEN
)
# an outgoing webhook: only domain, endpoints, member id and the token; raw brackets, event in camel case
WEBHOOK_BODY = (
    "event=onCrmDealUpdate&event_handler_id=7&data[FIELDS][ID]=12&ts=1766047124"
    "&auth[domain]=some-domain.bitrix24.com&auth[client_endpoint]=https://some-domain.bitrix24.com/rest/"
    "&auth[server_endpoint]=https://oauth.bitrix.info/rest/&auth[member_id]=d897&auth[application_token]="
    + TOKEN
)


def test_parse_application_payload_of_the_reference() -> None:
    event = parse_event(APP_BODY.encode(), application_token=TOKEN)
    assert (event.name, event.handler_id, event.id, event.ts) == ("ONCRMDEALADD", 185, 7405, 1766047124)
    assert event.fields == {"ID": "7405"}
    assert event.auth.domain == "some-domain.bitrix24.com"
    assert event.auth.client_endpoint == "https://some-domain.bitrix24.com/rest/"
    assert event.auth.access_token == "s6p6eclrvim6da22ft9ch94ekreb52lv"
    assert (event.auth.expires_in, event.auth.scope, event.auth.status) == (3600, "crm", "L")
    assert event.auth.has_tokens
    assert "s6p6" not in repr(event)
    assert TOKEN not in repr(event)


def test_outgoing_webhook_payload_has_no_tokens_and_name_is_normalised() -> None:
    event = parse_event(WEBHOOK_BODY, application_token=TOKEN)
    assert event.name == "ONCRMDEALUPDATE"
    assert event.is_("onCrmDealUpdate")
    assert event.id == 12
    assert event.auth.member_id == "d897"
    assert event.auth.access_token is None
    assert not event.auth.has_tokens


def test_flat_mapping_from_a_framework_is_accepted() -> None:
    form = {"event": "ONCRMLEADADD", "data[FIELDS][ID]": ["3"], "auth[application_token]": TOKEN}
    assert parse_event(form, application_token=TOKEN).id == 3


@pytest.mark.parametrize(
    "body",
    [
        WEBHOOK_BODY.replace(TOKEN, "0" * len(TOKEN)),  # forged
        WEBHOOK_BODY.replace("&auth[application_token]=" + TOKEN, ""),  # missing token
        "event=ONCRMDEALADD&data[FIELDS][ID]=1",  # no auth at all
        WEBHOOK_BODY.replace(TOKEN, TOKEN + "x"),  # longer
        WEBHOOK_BODY.replace(TOKEN, quote("токен")),  # non-ASCII must not crash compare_digest
    ],
)
def test_wrong_or_missing_application_token_is_refused(body: str) -> None:
    with pytest.raises(EventAuthError) as info:
        parse_event(body, application_token=TOKEN)
    assert isinstance(info.value, Bitrix24Error)
    assert "refused" in str(info.value)


def test_empty_configured_token_refuses_everything() -> None:
    with pytest.raises(EventAuthError, match="no application token is configured"):
        parse_event(WEBHOOK_BODY.replace(TOKEN, ""), application_token="")


def test_token_lookup_per_portal() -> None:
    tokens = {"d897": TOKEN}
    event = parse_event(WEBHOOK_BODY, application_token=lambda auth: tokens.get(auth.member_id))
    assert event.id == 12
    with pytest.raises(EventAuthError):
        parse_event(
            WEBHOOK_BODY.replace("member_id]=d897", "member_id]=other"),
            application_token=lambda auth: tokens.get(auth.member_id),
        )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "no 'event' name"),
        (b"\xff\xfe\x00garbage", "no 'event' name"),
        ("event=&auth[application_token]=" + TOKEN, "empty 'event'"),
        ("event[]=A&event[]=B&auth[application_token]=" + TOKEN, "single text value"),
        ("event=X&auth=plain", "auth must be a nested"),
        ("event=X&data=7&auth[application_token]=" + TOKEN, "data must be a nested"),
        ("event=X&ts=yesterday&auth[application_token]=" + TOKEN, "ts must be an integer"),
        ("event=X&event_handler_id=a&auth[application_token]=" + TOKEN, "event_handler_id must be"),
        (12345, "not int"),
    ],
)
def test_malformed_payloads_give_clear_errors(payload: Any, message: str) -> None:
    with pytest.raises(EventPayloadError, match=message):
        parse_event(payload, application_token=TOKEN)


ROBOT_BODY = (
    "workflow_id=A51601_82584_96831_81132&code=inn_check&document_id[0]=crm&document_id[1]=CCrmDocumentDeal"
    "&document_id[2]=DEAL_123&document_type[0]=crm&document_type[1]=CCrmDocumentDeal&document_type[2]=DEAL"
    "&event_token=55c1dc1c3f0d75.78875596%7CA51601_82584_96831_81132%7Chsy&properties[company_id]=5"
    "&properties[tags][0]=a&properties[tags][1]=b&use_subscription=Y&timeout_duration=0&ts=1766047124"
    "&auth[domain]=p.bitrix24.com&auth[client_endpoint]=https://p.bitrix24.com/rest/&auth[access_token]=tok12345"
    "&auth[member_id]=m1&auth[application_token]=" + TOKEN
)


def test_parse_robot_request() -> None:
    request = parse_robot_request(ROBOT_BODY, application_token=TOKEN)
    assert request.code == "inn_check"
    assert request.workflow_id == "A51601_82584_96831_81132"
    assert request.document_id == ("crm", "CCrmDocumentDeal", "DEAL_123")
    assert request.entity_id == 123
    assert request.document_type == ("crm", "CCrmDocumentDeal", "DEAL")
    assert request.event_token == "55c1dc1c3f0d75.78875596|A51601_82584_96831_81132|hsy"
    assert request.properties == {"company_id": "5", "tags": ["a", "b"]}
    assert request.use_subscription
    assert request.timeout_duration == 0
    assert request.auth.has_tokens
    with pytest.raises(EventAuthError):
        parse_robot_request(ROBOT_BODY.replace(TOKEN, "forged"), application_token=TOKEN)
    with pytest.raises(EventPayloadError, match="document_id must be"):
        parse_robot_request(ROBOT_BODY.replace("document_id[2]=DEAL_123&", ""), application_token=TOKEN)
    with pytest.raises(EventPayloadError, match="no event_token"):
        parse_robot_request("code=x&event_token=", application_token=TOKEN)


def _dispatcher(calls: list[Any]) -> Dispatcher:
    dispatcher = Dispatcher(
        application_token=TOKEN, webhook_url="https://some-domain.bitrix24.com/rest/1/abc/"
    )

    @dispatcher.on("onCrmDealUpdate", "ONCRMDEALADD")
    def changed(event: events.Event, b24: Any) -> None:
        calls.append(("sync", event.name, event.id, type(b24).__name__, b24.domain))

    @dispatcher.on("*")
    async def everything(event: events.Event, b24: Any) -> None:
        calls.append(("async", event.name, type(b24).__name__))

    return dispatcher


def test_dispatcher_routes_by_name_with_a_client_for_the_portal() -> None:
    calls: list[Any] = []
    dispatcher = _dispatcher(calls)
    dispatcher.dispatch(APP_BODY)  # tokens in the payload: an OAuth client on client_endpoint
    dispatcher.dispatch(WEBHOOK_BODY)  # no tokens: the configured webhook
    dispatcher.dispatch(WEBHOOK_BODY.replace("onCrmDealUpdate", "ONCRMLEADADD"))
    assert calls == [
        ("sync", "ONCRMDEALADD", 7405, "Bitrix24", "some-domain.bitrix24.com"),
        ("async", "ONCRMDEALADD", "AsyncBitrix24"),
        ("sync", "ONCRMDEALUPDATE", 12, "Bitrix24", "some-domain.bitrix24.com"),
        ("async", "ONCRMDEALUPDATE", "AsyncBitrix24"),
        ("async", "ONCRMLEADADD", "AsyncBitrix24"),
    ]
    assert not dispatcher.failures


def test_handler_failure_is_recorded_not_raised() -> None:
    dispatcher = Dispatcher(application_token=TOKEN)  # no webhook and no tokens: no client can be built

    @dispatcher.on("ONCRMDEALUPDATE")
    def never(event: events.Event, b24: Any) -> None:
        raise AssertionError("not reached")

    dispatcher.dispatch(WEBHOOK_BODY)
    (what, exc), *_ = dispatcher.failures
    assert what == "ONCRMDEALUPDATE"
    assert "no webhook_url" in str(exc)


def _wsgi(app: Any, body: bytes, method: str = "POST") -> tuple[str, bytes]:
    seen: list[str] = []
    environ = {"REQUEST_METHOD": method, "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    chunks = app(environ, lambda status, headers: seen.append(status))
    return seen[0], b"".join(chunks)


def test_wsgi_app_answers_and_works_in_the_background() -> None:
    calls: list[Any] = []
    app = events.wsgi_app(_dispatcher(calls))
    assert _wsgi(app, WEBHOOK_BODY.encode())[0] == "200 OK"
    assert app.join(timeout=5)
    assert [c[0] for c in calls] == ["sync", "async"]
    status, text = _wsgi(app, WEBHOOK_BODY.replace(TOKEN, "forged").encode())
    assert status.startswith("403")
    assert text == b"refused: the payload's application token or endpoints are not accepted"  # no detail told
    assert _wsgi(app, b"nonsense")[0].startswith("400")
    assert _wsgi(app, b"", method="GET")[0].startswith("405")
    assert len(calls) == 2


async def _asgi(app: Any, body: bytes) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    chunks: list[dict[str, Any]] = [
        {"type": "http.request", "body": body[:10], "more_body": True},
        {"type": "http.request", "body": body[10:]},
    ]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "http", "method": "POST", "path": "/"}, receive, send)
    return sent[0]["status"], sent[1]["body"]


async def test_asgi_app_answers_then_runs_the_work() -> None:
    calls: list[Any] = []
    app = events.asgi_app(_dispatcher(calls))
    assert await _asgi(app, WEBHOOK_BODY.encode()) == (200, b"OK")
    assert [c[0] for c in calls] == ["sync", "async"]
    assert (await _asgi(app, WEBHOOK_BODY.replace(TOKEN, "x" * 32).encode()))[0] == 403
    assert (await _asgi(app, b"event=&auth[application_token]=" + TOKEN.encode()))[0] == 400
    assert len(calls) == 2


def test_default_dispatcher_refuses_until_configured() -> None:
    assert events.on is not None
    assert events.default_dispatcher.application_token is None
    with pytest.raises(EventAuthError, match="no application_token configured"):
        events.default_dispatcher.accept(WEBHOOK_BODY)
    assert asyncio.iscoroutinefunction(type(events.asgi_app()).__call__)
