"""Offline events in the emulator, from the official pages (events/offline-events.md, event-offline-*.md,
event-bind.md, event-get.md, event-unbind.md): request and response shapes of the pages' examples."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.methods.offline_events import RESERVATION_SECONDS

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
GET_KEYS = {"ID", "TIMESTAMP_X", "EVENT_NAME", "EVENT_DATA", "EVENT_ADDITIONAL", "MESSAGE_ID"}
LIST_KEYS = GET_KEYS | {"PROCESS_ID", "ERROR"}


def app(
    emu: Emulator, method: str, params: dict[str, Any], *, client_id: str = "app.one", user: int = 1
) -> Any:
    """Call as an installed application (OAuth) -> ``(status, payload without time)``."""
    token = emu.issue_tokens(client_id, "secret", user_id=user)["access_token"]  # a live token
    with httpx.Client(transport=emu.transport()) as http:
        response = http.post(f"{emu.client_endpoint}{method}", json={**params, "auth": token})
    payload = response.json()
    payload.pop("time", None)
    return response.status_code, payload


def ok(emu: Emulator, method: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
    status, payload = app(emu, method, params or {}, **kw)
    assert status == 200, payload
    return payload["result"]


def bind(emu: Emulator, *events: str, **extra: Any) -> None:
    for event in events:
        assert ok(emu, "event.bind", {"event": event, "event_type": "offline", **extra}) is True


def test_bind_get_unbind_offline_as_the_pages_show(emu: Emulator) -> None:
    # offline-events.md "Registering the Handler": no handler URL
    assert ok(emu, "event.bind", {"event": "ONCRMDEALUPDATE", "event_type": "offline"}) is True
    bind(emu, "ONCRMDEALUPDATE", auth_connector="my_connector")
    assert ok(emu, "event.get") == [
        {"event": "ONCRMDEALUPDATE", "connector_id": "", "offline": 1},
        {"event": "ONCRMDEALUPDATE", "connector_id": "my_connector", "offline": 1},
    ]
    status, again = app(emu, "event.bind", {"event": "ONCRMDEALUPDATE", "event_type": "offline"})
    assert status == 400
    assert "already binded" in again["error_description"]
    # event-bind.md: 403 for a non-administrator; event-unbind.md likewise
    denied = app(emu, "event.bind", {"event": "ONCRMLEADADD", "event_type": "offline"}, user=2)
    assert denied == (
        403,
        {
            "error": "ACCESS_DENIED",
            "error_description": "Access denied! Offline events binding requires administrator access rights",
        },
    )
    status, payload = app(emu, "event.unbind", {"event": "ONCRMDEALUPDATE", "event_type": "offline"}, user=2)
    assert (status, payload["error"]) == (403, "ACCESS_DENIED")
    assert ok(emu, "event.unbind", {"event": "ONCRMDEALUPDATE", "event_type": "offline"}) == {"count": 2}
    assert ok(emu, "event.get") == []


def test_list_after_a_lead_and_a_company_matches_the_page_example(emu: Emulator) -> None:
    bind(emu, "ONCRMLEADADD", "ONCRMCOMPANYADD")
    lead = emu.call("crm.lead.add", {"fields": {"TITLE": "L"}})[1]["result"]
    company = emu.call("crm.company.add", {"fields": {"TITLE": "C"}})[1]["result"]
    status, payload = app(emu, "event.offline.list", {"filter": {"ERROR": 0}, "order": {"ID": "DESC"}})
    assert status == 200
    assert payload["total"] == 2
    first, second = payload["result"]
    assert set(first) == LIST_KEYS
    assert ISO.fullmatch(first["TIMESTAMP_X"])
    assert {k: v for k, v in first.items() if k != "TIMESTAMP_X"} == {
        "ID": "2",
        "EVENT_NAME": "ONCRMCOMPANYADD",
        "EVENT_DATA": {"FIELDS": {"ID": company}},
        "EVENT_ADDITIONAL": False,
        "MESSAGE_ID": "2",
        "PROCESS_ID": "",
        "ERROR": "0",
    }
    assert (second["ID"], second["EVENT_NAME"], second["MESSAGE_ID"]) == ("1", "ONCRMLEADADD", "1")
    assert second["EVENT_DATA"] == {"FIELDS": {"ID": lead}}
    # list changes nothing: the same answer again
    assert app(emu, "event.offline.list", {"filter": {"ERROR": 0}, "order": {"ID": "DESC"}}) == (200, payload)


def test_get_with_the_pages_filter_and_connector_returns_and_deletes(emu: Emulator) -> None:
    bind(emu, "ONCRMLEADADD", auth_connector="BxTest")
    bind(emu, "ONCRMLEADADD")  # the queue without a source
    emu.call("crm.lead.add", {"fields": {"TITLE": "L"}})
    query = {
        "filter": {"=MESSAGE_ID": 1, "=EVENT_NAME": "ONCRMLEADADD", ">=ID": 1},
        "auth_connector": "BxTest",
    }
    got = ok(emu, "event.offline.get", query)  # event-offline-get.md's example
    assert got["process_id"] is None  # clear defaults to 1
    (event,) = got["events"]
    assert set(event) == GET_KEYS
    assert (event["EVENT_NAME"], event["MESSAGE_ID"], event["EVENT_ADDITIONAL"]) == (
        "ONCRMLEADADD",
        "1",
        False,
    )
    assert ok(emu, "event.offline.get", query)["events"] == []  # deleted
    # the other queue still holds its own record; "without a matching value ... only events without a source"
    (plain,) = ok(emu, "event.offline.list")
    assert plain["EVENT_NAME"] == "ONCRMLEADADD"
    assert plain["ID"] != event["ID"]


def test_reservation_clear_and_parallel_requests_get_disjoint_sets(emu: Emulator) -> None:
    bind(emu, "ONCRMLEADADD")
    for i in range(120):
        emu.call("crm.lead.add", {"fields": {"TITLE": f"L{i}"}})
    first = ok(emu, "event.offline.get", {"clear": 0, "limit": 50})
    pid = first["process_id"]
    assert isinstance(pid, str)
    assert len(pid) == 32
    assert len(first["events"]) == 50
    second = ok(emu, "event.offline.get", {"clear": 0})  # default limit 50, another process
    assert len(second["events"]) == 50
    assert second["process_id"] != pid
    assert not {e["ID"] for e in first["events"]} & {e["ID"] for e in second["events"]}
    held = ok(emu, "event.offline.list", {"filter": {"PROCESS_ID": pid}})
    assert len(held) == 50
    assert {r["PROCESS_ID"] for r in held} == {pid}
    # re-select the unprocessed records of the current process
    again = ok(emu, "event.offline.get", {"clear": 0, "process_id": pid, "limit": 50})
    assert [e["ID"] for e in again["events"]] == [e["ID"] for e in first["events"]]
    # event-offline-clear.md's example: only id 2... here the first two ids of the batch
    ids = [int(e["ID"]) for e in first["events"][:2]]
    assert ok(emu, "event.offline.clear", {"process_id": pid, "id": ids}) is True
    assert len(ok(emu, "event.offline.list", {"filter": {"PROCESS_ID": pid}})) == 48
    message = first["events"][2]["MESSAGE_ID"]  # message_id is ignored when id is given
    assert ok(emu, "event.offline.clear", {"process_id": pid, "id": [999999], "message_id": [message]})
    assert len(ok(emu, "event.offline.list", {"filter": {"PROCESS_ID": pid}})) == 48
    assert ok(emu, "event.offline.clear", {"process_id": pid, "message_id": [message]}) is True
    assert ok(emu, "event.offline.clear", {"process_id": pid}) is True  # the rest of the batch
    assert ok(emu, "event.offline.list", {"filter": {"PROCESS_ID": pid}}) == []
    _status, payload = app(emu, "event.offline.list", {})
    assert payload["total"] == 70  # 120 - 50 cleared; 50 held by the other process, 20 free


def test_threads_in_parallel_never_share_a_record(emu: Emulator) -> None:
    bind(emu, "ONCRMLEADADD")
    for i in range(400):
        emu.call("crm.lead.add", {"fields": {"TITLE": f"L{i}"}})
    seen: list[list[str]] = [[] for _ in range(8)]

    def drain(slot: int) -> None:
        while events := ok(emu, "event.offline.get", {"clear": 0, "limit": 7})["events"]:
            seen[slot].extend(e["ID"] for e in events)

    threads = [threading.Thread(target=drain, args=(slot,)) for slot in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [rid for ids in seen for rid in ids]
    assert len(everything) == len(set(everything)) == 400


def test_error_marks_and_releases_the_record(emu: Emulator) -> None:
    bind(emu, "ONCRMDEALADD")
    emu.call("crm.deal.add", {"fields": {"TITLE": "D1"}})
    emu.call("crm.deal.add", {"fields": {"TITLE": "D2"}})
    batch = ok(emu, "event.offline.get", {"clear": 0})
    pid, (bad, good) = batch["process_id"], batch["events"]
    # event-offline-error.md's example shape
    assert ok(emu, "event.offline.error", {"process_id": pid, "message_id": [bad["MESSAGE_ID"]]}) is True
    (marked,) = ok(emu, "event.offline.list", {"filter": {"ERROR": 1}})
    assert (marked["ID"], marked["ERROR"], marked["PROCESS_ID"]) == (bad["ID"], "1", "")
    assert ok(emu, "event.offline.get", {"clear": 0})["events"] == []  # error=0 by default
    retry = ok(emu, "event.offline.get", {"clear": 0, "error": 1})
    assert [e["ID"] for e in retry["events"]] == [bad["ID"]]
    assert ok(emu, "event.offline.clear", {"process_id": pid, "id": [int(good["ID"])]}) is True
    assert ok(emu, "event.offline.clear", {"process_id": retry["process_id"]}) is True
    assert ok(emu, "event.offline.list") == []


def test_one_record_per_object_and_changes_during_a_reservation_are_kept(emu: Emulator) -> None:
    bind(emu, "ONCRMDEALUPDATE")
    deal = emu.call("crm.deal.add", {"fields": {"TITLE": "D"}})[1]["result"]
    for n in range(5):  # "modified 1000 times, only one record ... will remain"
        emu.call("crm.deal.update", {"id": deal, "fields": {"TITLE": f"D{n}"}})
    (record,) = ok(emu, "event.offline.list")
    batch = ok(emu, "event.offline.get", {"clear": 0})
    assert [e["ID"] for e in batch["events"]] == [record["ID"]]
    emu.call("crm.deal.update", {"id": deal, "fields": {"TITLE": "while reserved"}})
    rows = ok(emu, "event.offline.list")
    assert len(rows) == 2
    assert {r["MESSAGE_ID"] for r in rows} == {record["MESSAGE_ID"]}
    assert ok(emu, "event.offline.clear", {"process_id": batch["process_id"]}) is True
    (fresh,) = ok(emu, "event.offline.list")
    assert fresh["ID"] != record["ID"]
    assert fresh["PROCESS_ID"] == ""


def test_auth_connector_on_a_write_skips_its_own_queue(emu: Emulator) -> None:
    bind(emu, "ONCRMDEALUPDATE", auth_connector="my_connector")
    bind(emu, "ONCRMDEALUPDATE")
    deal = emu.call("crm.deal.add", {"fields": {"TITLE": "D"}})[1]["result"]
    # offline-events.md "How to Avoid Cycles": the update with the same auth_connector
    emu.call(
        "crm.deal.update", {"id": deal, "fields": {"TITLE": "New Title"}, "auth_connector": "my_connector"}
    )
    assert ok(emu, "event.offline.list", {"auth_connector": "my_connector"}) == []
    assert len(ok(emu, "event.offline.list")) == 1  # the queue without a source still records it
    emu.call("crm.deal.update", {"id": deal, "fields": {"TITLE": "by someone else"}})
    assert len(ok(emu, "event.offline.list", {"auth_connector": "my_connector"})) == 1


def test_reserved_records_are_deleted_after_30_days(emu: Emulator) -> None:
    bind(emu, "ONCRMLEADADD")
    emu.call("crm.lead.add", {"fields": {"TITLE": "L"}})
    emu.call("crm.lead.add", {"fields": {"TITLE": "M"}})
    ok(emu, "event.offline.get", {"clear": 0, "limit": 1})
    emu.advance(RESERVATION_SECONDS - 60)
    assert len(ok(emu, "event.offline.list")) == 2
    emu.advance(120)
    (left,) = ok(emu, "event.offline.list")
    assert left["PROCESS_ID"] == ""  # the unreserved record stays


def test_list_pages_of_50_and_order_by_timestamp(emu: Emulator) -> None:
    bind(emu, "ONCRMLEADADD")
    for i in range(60):
        emu.call("crm.lead.add", {"fields": {"TITLE": f"L{i}"}})
    status, first = app(emu, "event.offline.list", {})
    assert (status, len(first["result"]), first["total"], first["next"]) == (200, 50, 60, 50)
    status, second = app(emu, "event.offline.list", {"start": 50})
    assert len(second["result"]) == 10
    assert "next" not in second
    ids = [int(r["ID"]) for r in first["result"] + second["result"]]
    assert ids == sorted(ids)
    stamp = first["result"][0]["TIMESTAMP_X"]
    assert dt.datetime.fromisoformat(stamp).tzinfo is not None
    newest = ok(emu, "event.offline.get", {"order": {"ID": "DESC"}, "limit": 3, "clear": 0})["events"]
    assert [e["ID"] for e in newest] == ["60", "59", "58"]


@pytest.mark.parametrize(
    ("method", "params", "status", "code"),
    [
        ("event.offline.get", {"limit": 0}, 400, "ERROR_ARGUMENT"),
        ("event.offline.get", {"filter": {"PROCESS_ID": ""}}, 400, "ERROR_ARGUMENT"),  # not a get field
        ("event.offline.get", {"filter": "ERROR"}, 400, ""),
        ("event.offline.clear", {}, 400, "ERROR_ARGUMENT"),  # process_id is required
        ("event.offline.clear", {"process_id": "p", "id": ["x"]}, 400, "ERROR_ARGUMENT"),
        ("event.offline.error", {"message_id": ["1"]}, 400, "ERROR_ARGUMENT"),
        ("event.offline.error", {"process_id": "p", "message_id": "1"}, 400, "ERROR_ARGUMENT"),
    ],
)
def test_bad_arguments(emu: Emulator, method: str, params: dict[str, Any], status: int, code: str) -> None:
    answer = app(emu, method, params)
    assert (answer[0], answer[1]["error"]) == (status, code)


@pytest.mark.parametrize(
    "method", ["event.offline.get", "event.offline.clear", "event.offline.error", "event.offline.list"]
)
def test_administrator_and_application_only(emu: Emulator, method: str) -> None:
    params = {"process_id": "p", "message_id": []}
    # the pages: 403 ACCESS_DENIED "Access denied!" for a non-administrator
    assert app(emu, method, params, user=2) == (
        403,
        {"error": "ACCESS_DENIED", "error_description": "Access denied!"},
    )
    status, payload = emu.call(method, params)  # a webhook: "works only in the context of ... application"
    assert (status, payload["error"]) == (403, "WRONG_AUTH_TYPE")
