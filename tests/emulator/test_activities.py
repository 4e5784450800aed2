"""Activities and to-dos in the emulator (reference 5.9)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.testing.emulator.dispatch import execute
from bitrix24_toolkit.testing.emulator.state import PortalState


def call(state: PortalState, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    return execute(state, method, params)


def ok(state: PortalState, method: str, **params: Any) -> Any:
    status, payload = call(state, method, **params)
    assert status == 200, payload
    return payload["result"]


@pytest.fixture
def state() -> PortalState:
    portal = PortalState(clock=lambda: 1_738_584_000.0)
    portal.insert("deal", {"TITLE": "Deal"})
    portal.insert("contact", {"NAME": "Andrew"})
    return portal


def test_todo_add_creates_provider_activity(state: PortalState) -> None:
    result = ok(
        state,
        "crm.activity.todo.add",
        ownerTypeId=2,
        ownerId=1,
        deadline="2025-02-03T15:00:00",
        title="Call back",
        responsibleId=5,
    )
    assert result == {"id": 1}
    row = ok(state, "crm.activity.get", id=1)
    assert row["ID"] == "1"
    assert (row["OWNER_TYPE_ID"], row["OWNER_ID"], row["TYPE_ID"]) == ("2", "1", "6")
    assert (row["PROVIDER_ID"], row["SUBJECT"], row["RESPONSIBLE_ID"]) == ("CRM_TODO", "Call back", "5")
    assert row["DEADLINE"] == "2025-02-03T15:00:00+03:00"
    assert (row["COMPLETED"], row["STATUS"]) == ("N", "1")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"ownerTypeId": 2, "ownerId": 1}, 100),
        ({"ownerTypeId": 2, "deadline": "2025-02-03T15:00:00"}, 100),
        ({"ownerTypeId": 2, "ownerId": 99, "deadline": "2025-02-03T15:00:00"}, "OWNER_NOT_FOUND"),
        ({"ownerTypeId": 4, "ownerId": 1, "deadline": "2025-02-03T15:00:00"}, "OWNER_NOT_FOUND"),
        ({"ownerTypeId": 2, "ownerId": 1, "deadline": "tomorrow"}, "WRONG_DATETIME_FORMAT"),
    ],
)
def test_todo_add_errors(state: PortalState, params: dict[str, Any], code: Any) -> None:
    status, payload = execute(state, "crm.activity.todo.add", params)
    assert status == 400
    assert payload["error"] == code


def test_legacy_add_list_update_delete(state: PortalState) -> None:
    fields = {
        "OWNER_TYPE_ID": 3,
        "OWNER_ID": 1,
        "TYPE_ID": 2,
        "SUBJECT": "Outgoing call",
        "START_TIME": "2020-09-27T13:25:00+02:00",
        "END_TIME": "2020-09-27T19:25:00+02:00",
        "DIRECTION": 2,
        "RESPONSIBLE_ID": 1,  # required (crm-activity-add.md error table)
        "COMMUNICATIONS": [{"VALUE": "+15454777777", "ENTITY_ID": 1, "ENTITY_TYPE_ID": 3}],
    }
    activity_id = ok(state, "crm.activity.add", fields=fields)
    assert isinstance(activity_id, int)
    row = ok(state, "crm.activity.get", id=activity_id)
    assert (row["TYPE_ID"], row["PROVIDER_ID"], row["DIRECTION"]) == ("2", "VOXIMPLANT_CALL", "2")
    # crm-activity-fields.md: a call's DEADLINE is its START_TIME
    assert row["DEADLINE"] == "2020-09-27T14:25:00+03:00"  # in the portal's zone
    assert "COMMUNICATIONS" not in row
    listed = ok(state, "crm.activity.list", select=["ID", "COMMUNICATIONS"], filter={"OWNER_TYPE_ID": 3})
    assert listed[0]["COMMUNICATIONS"][0]["VALUE"] == "+15454777777"
    assert ok(state, "crm.activity.update", id=activity_id, fields={"COMPLETED": "Y"}) is True
    done = ok(state, "crm.activity.get", id=activity_id)
    assert (done["COMPLETED"], done["STATUS"]) == ("Y", "2")
    assert ok(state, "crm.activity.delete", id=activity_id) is True
    status, payload = call(state, "crm.activity.get", id=activity_id)
    assert (status, payload["error"]) == (400, "")


@pytest.mark.parametrize(
    "fields",
    [
        {"OWNER_TYPE_ID": 2, "TYPE_ID": 3},
        {"OWNER_TYPE_ID": 2, "OWNER_ID": 42, "TYPE_ID": 3},
        {"OWNER_TYPE_ID": 2, "OWNER_ID": 1, "TYPE_ID": 9},
        {"OWNER_TYPE_ID": 2, "OWNER_ID": 1, "TYPE_ID": 2},
    ],
)
def test_legacy_add_errors(state: PortalState, fields: dict[str, Any]) -> None:
    status, payload = call(state, "crm.activity.add", fields=fields)
    assert (status, payload["error"]) == (400, "")


def test_list_filter_order_and_paging(state: PortalState) -> None:
    for day in range(1, 56):
        ok(
            state,
            "crm.activity.todo.add",
            ownerTypeId=2,
            ownerId=1,
            deadline=f"2025-03-{day % 28 + 1:02d}T10:00:00",
        )
    ok(state, "crm.activity.todo.add", ownerTypeId=3, ownerId=1, deadline="2025-01-01T10:00:00")
    status, payload = call(state, "crm.activity.list", filter={"OWNER_TYPE_ID": 2}, select=["ID"])
    assert (len(payload["result"]), payload["total"], payload["next"]) == (50, 55, 50)
    page2 = ok(state, "crm.activity.list", filter={"OWNER_TYPE_ID": 2}, start=50)
    assert len(page2) == 5
    latest = ok(
        state, "crm.activity.list", order={"DEADLINE": "DESC", "ID": "ASC"}, select=["ID", "DEADLINE"]
    )
    assert latest[0]["DEADLINE"].startswith("2025-03-28")
    early = ok(state, "crm.activity.list", filter={"<DEADLINE": "2025-02-01T00:00:00+03:00"})
    assert [row["OWNER_TYPE_ID"] for row in early] == ["3"]
    assert status == 200


def test_fields_describe_owner_keys(state: PortalState) -> None:
    fields = ok(state, "crm.activity.fields")
    # crm-activity-fields.md example: not required (the owner may come from COMMUNICATIONS), immutable
    assert fields["OWNER_TYPE_ID"]["isRequired"] is False
    assert fields["OWNER_TYPE_ID"]["isImmutable"] is True
    assert fields["DEADLINE"]["type"] == "datetime"
