"""The offline event queue against its pages (``facts/offline_events.py``), called as an application."""

from __future__ import annotations

from .conftest import Portal
from .facts import events as subscriptions
from .facts import offline_events as doc
from .shapes import assert_shape
from .test_events import app_error, app_ok


def _queue_lead_and_company(portal: Portal, **bind: str) -> None:
    for event in ("ONCRMLEADADD", "ONCRMCOMPANYADD"):
        assert app_ok(portal, "event.bind", {"event": event, "event_type": "offline", **bind}) is True
    portal.ok("crm.lead.add", {"fields": {"TITLE": "queued lead"}})
    portal.ok("crm.company.add", {"fields": {"TITLE": "queued company"}})


def test_list_example(portal: Portal) -> None:
    _queue_lead_and_company(portal)
    records = app_ok(portal, "event.offline.list", doc.LIST_EXAMPLE)
    assert_shape(records, doc.LIST_RESULT)
    assert [r["EVENT_NAME"] for r in records] == ["ONCRMCOMPANYADD", "ONCRMLEADADD"]  # ID DESC
    assert {r["PROCESS_ID"] for r in records} == {""}  # "empty until events are reserved"


def test_get_example_with_its_connector(portal: Portal) -> None:
    _queue_lead_and_company(portal, auth_connector="BxTest")
    result = app_ok(portal, "event.offline.get", doc.GET_EXAMPLE)
    assert_shape(result, doc.GET_RESULT)
    assert result["process_id"] is None
    assert [e["EVENT_NAME"] for e in result["events"]] == ["ONCRMLEADADD"]


def test_reserve_error_clear(portal: Portal) -> None:
    _queue_lead_and_company(portal)
    reserved = app_ok(portal, "event.offline.get", {"clear": 0, "limit": doc.DEFAULT_LIMIT})
    assert_shape(reserved, doc.GET_RESULT)
    pid, (lead, company) = reserved["process_id"], reserved["events"]
    assert isinstance(pid, str)
    assert pid
    marked = app_ok(portal, "event.offline.error", {"process_id": pid, "message_id": [lead["MESSAGE_ID"]]})
    assert marked is doc.ERROR_RESULT
    cleared = app_ok(portal, "event.offline.clear", {"process_id": pid, "id": [int(company["ID"])]})
    assert cleared is doc.CLEAR_RESULT
    (left,) = app_ok(portal, "event.offline.list", {})
    assert (left["ID"], left["ERROR"]) == (lead["ID"], "1")


def test_administrator_application_only(portal: Portal) -> None:
    for method in ("event.offline.get", "event.offline.clear", "event.offline.error", "event.offline.list"):
        app_error(portal, method, {"process_id": "p", "message_id": []}, doc.NOT_ADMIN, user_id=2)
        portal.error(method, {"process_id": "p"}, subscriptions.WEBHOOK_REFUSED)
