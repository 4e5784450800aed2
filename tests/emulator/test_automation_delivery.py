"""The emulator's automation side: event payloads of CRM writes, delivery, bizproc methods, robot runs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.protocol import decode_php_query
from bitrix24_toolkit.testing.emulator import Emulator

URL = "https://app.example.com/b24/events"
APP_AUTH_KEYS = {
    "access_token",
    "expires_in",
    "scope",
    "domain",
    "server_endpoint",
    "status",
    "client_endpoint",
    "member_id",
    "application_token",
}


def _app_call(emu: Emulator, method: str, params: dict[str, Any], client_id: str = "app.one") -> Any:
    """Call as an installed application (OAuth token in the body) -> ``(status, payload without time)``."""
    if client_id not in emu.oauth.clients:
        emu.issue_tokens(client_id, "secret")
    token = next(t for t, info in emu.oauth.access.items() if info["client_id"] == client_id)
    with httpx.Client(transport=emu.transport()) as http:
        response = http.post(f"{emu.client_endpoint}{method}", json={**params, "auth": token})
    payload = response.json()
    payload.pop("time", None)
    return response.status_code, payload


def _bind(emu: Emulator, event: str, handler: str = URL) -> None:
    assert _app_call(emu, "event.bind", {"event": event, "handler": handler})[0] == 200


def test_deal_update_payload_has_the_reference_shape(emu: Emulator) -> None:
    _bind(emu, "onCrmDealUpdate")
    deal_id = emu.call("crm.deal.add", {"fields": {"TITLE": "Tour"}})[1]["result"]
    assert emu.pending_events == []  # no handler for ONCRMDEALADD
    emu.call("crm.deal.update", {"id": deal_id, "fields": {"TITLE": "Tour 2"}})
    (pending,) = emu.pending_events
    payload = decode_php_query(pending.body)
    assert pending.url == URL
    assert pending.event == "ONCRMDEALUPDATE"
    assert set(payload) == {"event", "event_handler_id", "data", "ts", "auth"}
    handler_id = next(iter(emu.state.table("event_handler")))
    assert payload["event"] == "ONCRMDEALUPDATE"
    assert payload["event_handler_id"] == str(handler_id)
    assert payload["data"] == {"FIELDS": {"ID": str(deal_id)}}
    assert payload["ts"].isdigit()
    assert abs(int(payload["ts"]) - emu.now()) < 5
    assert set(payload["auth"]) == APP_AUTH_KEYS
    assert payload["auth"]["domain"] == emu.domain
    assert payload["auth"]["client_endpoint"] == emu.client_endpoint
    assert payload["auth"]["application_token"] == emu.application_token("app.one")
    assert emu.oauth.check(payload["auth"]["access_token"])["client_id"] == "app.one"


def test_item_batch_delete_and_failed_writes(emu: Emulator) -> None:
    for event in ("ONCRMDEALADD", "ONCRMLEADDELETE", "ONCRMCONTACTUPDATE"):
        _bind(emu, event)
    item = emu.call("crm.item.add", {"entityTypeId": 2, "fields": {"title": "Item deal"}})[1]["result"][
        "item"
    ]
    lead = emu.call("crm.lead.add", {"fields": {"TITLE": "L"}})[1]["result"]
    emu.call(
        "batch", {"cmd": {"a": f"crm.lead.delete?id={lead}", "b": "crm.contact.update?id=999&fields[NAME]=x"}}
    )
    emu.call("crm.deal.update", {"id": 12345, "fields": {"TITLE": "missing"}})  # fails: no event
    got = [(p.event, p.payload["data"]["FIELDS"]["ID"]) for p in emu.pending_events]
    assert got == [("ONCRMDEALADD", str(item["id"])), ("ONCRMLEADDELETE", str(lead))]


def test_outgoing_webhook_to_an_app_gets_no_tokens(emu: Emulator) -> None:
    received: list[dict[str, Any]] = []

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        received.append(decode_php_query(body))
        start_response("200 OK", [])
        return [b"OK"]

    token = emu.add_outgoing_webhook("onCrmCompanyAdd", wsgi)
    company = emu.call("crm.company.add", {"fields": {"TITLE": "ООО Ромашка"}})[1]["result"]
    (record,) = emu.flush_events()
    assert record.status == 200
    assert emu.pending_events == []
    (payload,) = received
    assert payload["event"] == "ONCRMCOMPANYADD"
    assert payload["data"]["FIELDS"]["ID"] == str(company)
    assert set(payload["auth"]) == {
        "domain",
        "client_endpoint",
        "server_endpoint",
        "member_id",
        "application_token",
    }
    assert payload["auth"]["application_token"] == token


async def test_asgi_app_in_process_and_unreachable_urls(emu: Emulator) -> None:
    seen: list[bytes] = []

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append((await receive())["body"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    _bind(emu, "ONCRMLEADADD")
    _bind(emu, "ONCRMLEADADD", "https://elsewhere.example.com/h")
    emu.deliver_to(asgi, url=URL)
    emu.call("crm.lead.add", {"fields": {"TITLE": "L"}})
    first, second = emu.flush_events()
    assert (first.url, first.status) == (URL, 204)
    assert len(seen) == 1
    assert second.status is None
    assert "not reachable offline" in (second.error or "")


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[bytes]]]:
    bodies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", bodies
    server.shutdown()
    server.server_close()


def test_http_delivery_to_loopback_and_auto_mode(emu: Emulator, loopback: tuple[str, list[bytes]]) -> None:
    url, bodies = loopback
    _bind(emu, "ONCRMCONTACTADD", url)
    emu.call("crm.contact.add", {"fields": {"NAME": "Анна"}})
    (record,) = emu.flush_events()
    assert record.status == 200
    assert decode_php_query(bodies[0])["event"] == "ONCRMCONTACTADD"
    emu.auto_deliver = True
    emu.call("crm.contact.add", {"fields": {"NAME": "Борис"}})
    emu.flush_events()  # the delivery thread runs in order: this returns after the automatic delivery
    assert len(bodies) == 2
    assert emu.pending_events == []


def test_bizproc_validation_and_tokens(emu: Emulator) -> None:
    robot = {"CODE": "r1", "HANDLER": "https://app.example.com/r", "NAME": "R"}
    assert _app_call(emu, "bizproc.robot.add", {**robot, "CODE": ""})[1] == {
        "error": "ERROR_ACTIVITY_VALIDATION_FAILURE",
        "error_description": "Empty activity code!",
    }
    assert _app_call(emu, "bizproc.robot.add", {**robot, "CODE": "a b"})[1]["error_description"] == (
        "Wrong activity code!"
    )
    bad = {**robot, "PROPERTIES": {"9x": {"Name": "x"}}}
    assert _app_call(emu, "bizproc.robot.add", bad)[1]["error_description"] == "Wrong property key 9x!"
    assert (
        _app_call(emu, "bizproc.robot.add", {**robot, "NAME": ""})[1]["error_description"]
        == "Empty activity NAME!"
    )
    assert _app_call(emu, "bizproc.robot.add", robot) == (200, {"result": True})
    assert _app_call(emu, "bizproc.robot.list", {}) == (200, {"result": ["r1"]})
    assert _app_call(emu, "bizproc.robot.add", robot)[1]["error"] == "ERROR_ACTIVITY_ALREADY_INSTALLED"
    # one registry for an app's robots and actions ("Activity or Robot already installed!",
    # api-reference/bizproc/bizproc-activity/bizproc-activity-add.md)
    assert _app_call(emu, "bizproc.activity.add", robot)[1]["error"] == "ERROR_ACTIVITY_ALREADY_INSTALLED"
    status, answer = emu.call("bizproc.robot.add", robot)
    assert (status, answer["error"]) == (403, "ACCESS_DENIED")
    run = emu.run_robot("r1", document_id=("crm", "CCrmDocumentLead", "LEAD_3"))
    assert run.status is None  # nothing serves https://app.example.com/r offline
    assert (
        _app_call(emu, "bizproc.activity.log", {"EVENT_TOKEN": run.event_token, "LOG_MESSAGE": "step"})[0]
        == 200
    )
    send = {"event_token": run.event_token, "return_values": {"x": "1"}}  # lower-case keys, as the docs send
    assert _app_call(emu, "bizproc.event.send", send) == (200, {"result": True})
    assert _app_call(emu, "bizproc.event.send", send)[1] == {
        "error": "ACCESS_DENIED",
        "error_description": "Access denied!",
    }
    assert emu.robot_result(run.event_token)["RETURN_VALUES"] == {"x": "1"}  # type: ignore[index]
    assert [line["LOG_MESSAGE"] for line in emu.robot_log] == ["step"]
    assert _app_call(emu, "bizproc.robot.delete", {"CODE": "r1"})[1]["result"] is True
    json.dumps(emu.dump())  # everything stored stays JSON-serialisable
    with pytest.raises(KeyError):
        emu.run_robot("never_installed")


def test_run_robot_request_shape_and_required_properties(emu: Emulator) -> None:
    bodies: list[bytes] = []

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        bodies.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [])
        return [b""]

    props = {
        "company_id": {"Name": "C", "Type": "int", "Required": "Y"},
        "flag": {"Name": "F", "Default": "N"},
    }
    robot = {
        "CODE": "r2",
        "HANDLER": "https://app.example.com/r2",
        "NAME": "R",
        "PROPERTIES": props,
        "USE_SUBSCRIPTION": "Y",
    }
    assert _app_call(emu, "bizproc.robot.add", robot)[0] == 200
    emu.deliver_to(wsgi)
    with pytest.raises(ValueError, match="company_id"):
        emu.run_robot("r2")
    run = emu.run_robot("r2", document_id=("crm", "CCrmDocumentDeal", "DEAL_5"), properties={"company_id": 7})
    payload = decode_php_query(bodies[0])
    assert run.status == 200
    assert set(payload) == {
        "workflow_id", "code", "document_id", "document_type", "event_token", "properties",
        "use_subscription", "timeout_duration", "ts", "auth",
    }  # fmt: skip
    assert payload["document_id"] == ["crm", "CCrmDocumentDeal", "DEAL_5"]
    assert payload["document_type"] == ["crm", "CCrmDocumentDeal", "DEAL"]
    assert payload["properties"] == {"company_id": "7", "flag": "N"}
    assert payload["use_subscription"] == "Y"
    assert payload["event_token"] == run.event_token
    assert run.workflow_id in run.event_token
    assert payload["auth"]["application_token"] == emu.application_token("app.one")
