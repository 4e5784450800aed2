"""Activities and to-dos as their pages describe them (api-reference/crm/timeline/activities/...).

Each test sends the page's example request (records it refers to created first through the add methods)
and compares the answer with the documented facts in :mod:`tests.fidelity.facts.crm_activities`.
"""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.models.activity import Activity

from .conftest import Portal
from .facts import crm_activities as F
from .shapes import INTSTR, ListOf, Obj, assert_shape

#: crm-activity-add.md cURL example, owner/communication ids replaced by records created first
CALL = {
    "OWNER_TYPE_ID": 2,
    "OWNER_ID": 102,
    "TYPE_ID": 2,
    "COMMUNICATIONS": [{"VALUE": "+499832322323", "ENTITY_ID": 134, "ENTITY_TYPE_ID": 3}],
    "SUBJECT": "New call",
    "START_TIME": "2023-12-31T12:00:00+00:00",
    "END_TIME": "2023-12-31T12:30:00+00:00",
    "COMPLETED": "N",
    "PRIORITY": 3,
    "RESPONSIBLE_ID": 1,
    "DESCRIPTION": "Important call",
    "DESCRIPTION_TYPE": 3,
    "DIRECTION": 2,
    "FILES": [{"fileData": ["example.jpg", "base64_encoded_content_here"]}],
}


def _records(portal: Portal) -> tuple[int, int]:
    company = portal.ok("crm.company.add", {"fields": {"TITLE": "Müller GmbH"}})
    contact = portal.ok(
        "crm.contact.add",
        {"fields": {"NAME": "Klaus", "LAST_NAME": "Weber", "COMPANY_ID": company, "HONORIFIC": "HNR_EN_1"}},
    )
    deal = portal.ok("crm.deal.add", {"fields": {"TITLE": "Deal", "CONTACT_ID": contact}})
    return deal, contact


def _call(portal: Portal, **changes: Any) -> dict[str, Any]:
    deal, contact = _records(portal)
    fields: dict[str, Any] = {**CALL, "OWNER_ID": deal}
    fields["COMMUNICATIONS"] = [{**CALL["COMMUNICATIONS"][0], "ENTITY_ID": contact}]
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def test_add_answers_the_new_id(portal: Portal) -> None:
    answer = portal.call("crm.activity.add", {"fields": _call(portal)})
    assert answer.status == 200
    assert isinstance(answer.result, int)
    assert not isinstance(answer.result, bool)
    assert "time" in answer.body


def test_get_answers_the_documented_record(portal: Portal) -> None:
    number = portal.ok("crm.activity.add", {"fields": _call(portal)})
    row = portal.ok("crm.activity.get", {"id": number})
    assert_shape(row, F.ACTIVITY)
    assert list(row) == list(F.ACTIVITY_KEYS), "keys in the page's order"
    assert (row["ID"], row["TYPE_ID"], row["OWNER_TYPE_ID"]) == (str(number), "2", "2")
    assert (row["SUBJECT"], row["DESCRIPTION"], row["DESCRIPTION_TYPE"]) == (
        "New call",
        "Important call",
        "3",
    )
    assert (row["PRIORITY"], row["DIRECTION"], row["RESPONSIBLE_ID"]) == ("3", "2", "1")
    assert (row["COMPLETED"], row["STATUS"]) == ("N", "1")


def test_list_default_order_is_start_time(portal: Portal) -> None:
    """crm-activity-list.md: sorted by increasing START_TIME unless ``order`` says otherwise."""
    late = portal.ok("crm.activity.add", {"fields": _call(portal, START_TIME="2024-05-01T10:00:00+00:00")})
    early = portal.ok("crm.activity.add", {"fields": _call(portal, START_TIME="2024-01-01T10:00:00+00:00")})
    assert [row["ID"] for row in portal.ok("crm.activity.list", {"select": ["ID"]})] == [
        str(early),
        str(late),
    ]


def test_typed_model_reads_every_documented_key(portal: Portal) -> None:
    number = portal.ok("crm.activity.add", {"fields": _call(portal)})
    activity = Activity.model_validate(portal.ok("crm.activity.get", {"id": number}))
    assert activity.model_extra == {}, "every documented key is a model field"
    assert (activity.id, activity.notify_type, activity.result_mark, activity.result_sum) == (
        number,
        0,
        0,
        None,
    )
    assert activity.deadline == activity.start_time


def test_deadline_is_derived_not_set(portal: Portal) -> None:
    """crm-activity-fields.md: DEADLINE comes from START_TIME for calls and meetings, END_TIME for tasks."""
    number = portal.ok("crm.activity.add", {"fields": _call(portal, DEADLINE="2030-01-01T00:00:00+00:00")})
    row = portal.ok("crm.activity.get", {"id": number})
    assert row["DEADLINE"] == row["START_TIME"]
    assert row["DEADLINE"] != row["END_TIME"]


def test_completed_sets_the_status(portal: Portal) -> None:
    number = portal.ok("crm.activity.add", {"fields": _call(portal, COMPLETED="Y")})
    row = portal.ok("crm.activity.get", {"id": number})
    assert (row["COMPLETED"], row["STATUS"]) == ("Y", "2")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SUBJECT": None}, F.SUBJECT_MISSING),
        ({"SUBJECT": ""}, F.SUBJECT_MISSING),
        ({"RESPONSIBLE_ID": None}, F.RESPONSIBLE_MISSING),
        ({"RESPONSIBLE_ID": 0}, F.RESPONSIBLE_MISSING),
        ({"TYPE_ID": None}, F.TYPE_MISSING),
        ({"TYPE_ID": 99}, F.TYPE_MISSING),
        ({"COMMUNICATIONS": None}, F.COMMUNICATIONS_MISSING),
        ({"COMMUNICATIONS": []}, F.COMMUNICATIONS_MISSING),
    ],
)
def test_add_refuses_what_the_page_lists(portal: Portal, changes: dict[str, Any], expected: Any) -> None:
    portal.error("crm.activity.add", {"fields": _call(portal, **changes)}, expected)
    assert portal.ok("crm.activity.list", {}) == []


def test_add_refuses_two_communications_for_a_call(portal: Portal) -> None:
    fields = _call(portal)
    fields["COMMUNICATIONS"] = fields["COMMUNICATIONS"] * 2
    portal.error("crm.activity.add", {"fields": fields}, F.ONE_COMMUNICATION)


def test_add_without_owner_or_communication_entity_cannot_bind(portal: Portal) -> None:
    fields = _call(portal, OWNER_TYPE_ID=None, OWNER_ID=None)
    fields["COMMUNICATIONS"] = [{"VALUE": "+499832322323"}]
    portal.error("crm.activity.add", {"fields": fields}, F.NO_BINDING)


def test_add_binds_to_the_communication_when_no_owner(portal: Portal) -> None:
    fields = _call(portal, OWNER_TYPE_ID=None, OWNER_ID=None)
    number = portal.ok("crm.activity.add", {"fields": fields})
    row = portal.ok("crm.activity.get", {"id": number})
    assert (row["OWNER_TYPE_ID"], row["OWNER_ID"]) == ("3", str(fields["COMMUNICATIONS"][0]["ENTITY_ID"]))


def test_add_refuses_a_provider_activity_without_provider(portal: Portal) -> None:
    fields = _call(portal, TYPE_ID=6)
    portal.error("crm.activity.add", {"fields": fields}, F.NO_PROVIDER)


def test_add_refuses_non_object_fields(portal: Portal) -> None:
    portal.error("crm.activity.add", {"fields": "x"}, F.FIELDS_NOT_ARRAY)


def test_missing_activity(portal: Portal) -> None:
    portal.error("crm.activity.get", {"id": 999}, F.ACTIVITY_NOT_FOUND)
    portal.error("crm.activity.update", {"id": 999, "fields": {"DESCRIPTION": "x"}}, F.ACTIVITY_NOT_FOUND)
    portal.error("crm.activity.delete", {"id": 999}, F.ACTIVITY_NOT_FOUND)


def test_update_example(portal: Portal) -> None:
    number = portal.ok("crm.activity.add", {"fields": _call(portal)})
    params = {"id": number, "fields": {"RESPONSIBLE_ID": 1, "DESCRIPTION": "New description of the activity"}}
    assert portal.ok("crm.activity.update", params) is True
    row = portal.ok("crm.activity.get", {"id": number})
    assert row["DESCRIPTION"] == "New description of the activity"
    assert_shape(row, F.ACTIVITY)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [({"SUBJECT": ""}, F.SUBJECT_MISSING), ({"RESPONSIBLE_ID": 0}, F.RESPONSIBLE_MISSING)],
)
def test_update_refuses_emptied_required_fields(
    portal: Portal, fields: dict[str, Any], expected: Any
) -> None:
    number = portal.ok("crm.activity.add", {"fields": _call(portal)})
    portal.error("crm.activity.update", {"id": number, "fields": fields}, expected)


def test_delete_example(portal: Portal) -> None:
    number = portal.ok("crm.activity.add", {"fields": _call(portal)})
    assert portal.ok("crm.activity.delete", {"id": number}) is True
    portal.error("crm.activity.get", {"id": number}, F.ACTIVITY_NOT_FOUND)


def test_list_example_with_communications(portal: Portal) -> None:
    fields = _call(portal)
    number = portal.ok("crm.activity.add", {"fields": fields})
    params = {
        "order": {"ID": "DESC"},
        "filter": {"OWNER_TYPE_ID": 2, "OWNER_ID": fields["OWNER_ID"]},
        "select": ["*", "COMMUNICATIONS"],
        "start": 0,
    }
    answer = portal.call("crm.activity.list", params)
    assert answer.status == 200
    assert answer.body["total"] == 1
    assert "next" not in answer.body
    (row,) = answer.result
    assert row["ID"] == str(number)
    assert_shape({k: v for k, v in row.items() if k != "COMMUNICATIONS"}, F.ACTIVITY)
    (comm,) = row["COMMUNICATIONS"]
    assert_shape(comm, F.COMMUNICATION)
    assert (comm["TYPE"], comm["VALUE"], comm["ENTITY_TYPE_ID"]) == ("PHONE", "+499832322323", "3")
    assert_shape(comm["ENTITY_SETTINGS"], F.CONTACT_SETTINGS)
    assert (comm["ENTITY_SETTINGS"]["NAME"], comm["ENTITY_SETTINGS"]["COMPANY_TITLE"]) == (
        "Klaus",
        "Müller GmbH",
    )


def test_list_rows_have_no_communications_unless_selected(portal: Portal) -> None:
    portal.ok("crm.activity.add", {"fields": _call(portal)})
    (row,) = portal.ok("crm.activity.list", {})
    assert_shape(row, F.ACTIVITY)


def test_list_select_files(portal: Portal) -> None:
    number = portal.ok("crm.activity.add", {"fields": _call(portal)})
    params = {"filter": {"ID": str(number)}, "select": ["ID", "FILES"], "start": 0}
    (row,) = portal.ok("crm.activity.list", params)
    assert_shape(row, Obj({"ID": INTSTR, "FILES": ListOf(F.ACTIVITY_FILE, min_len=1)}))


def test_list_pages_by_fifty(portal: Portal) -> None:
    fields = _call(portal)
    for _ in range(F.PAGE_SIZE + 1):
        portal.ok("crm.activity.add", {"fields": fields})
    answer = portal.call("crm.activity.list", {"select": ["ID"]})
    assert (len(answer.result), answer.body["next"], answer.body["total"]) == (50, 50, 51)


def test_list_filter_by_bindings(portal: Portal) -> None:
    """crm-activity-list.md: ``filter[BINDINGS]`` - a call bound to a deal is also bound to its contact."""
    fields = _call(portal)
    number = portal.ok("crm.activity.add", {"fields": fields})
    contact = fields["COMMUNICATIONS"][0]["ENTITY_ID"]
    for binding in ({"OWNER_TYPE_ID": 2}, {"OWNER_TYPE_ID": 3, "OWNER_ID": contact}):
        rows = portal.ok("crm.activity.list", {"filter": {"BINDINGS": [binding]}, "select": ["ID"]})
        assert rows == [{"ID": str(number)}], binding
    assert portal.ok("crm.activity.list", {"filter": {"BINDINGS": [{"OWNER_TYPE_ID": 1}]}}) == []


def test_list_refuses_non_object_filter_and_order(portal: Portal) -> None:
    portal.error("crm.activity.list", {"filter": "x"}, F.FILTER_NOT_ARRAY)
    portal.error("crm.activity.list", {"order": "ID"}, F.ORDER_NOT_ARRAY)


def test_fields_describe_every_documented_field(portal: Portal) -> None:
    fields = portal.ok("crm.activity.fields", {})
    assert set(fields) == set(F.ACTIVITY_FIELDS)
    for key, (kind, required, read_only, immutable, multiple) in F.ACTIVITY_FIELDS.items():
        got = fields[key]
        extra = ("isDeprecated",) if key in F.DEPRECATED_FIELDS else ()
        assert set(got) == {*F.FIELD_DESCRIPTION_KEYS, *extra}, key
        assert (got["type"], got["isRequired"], got["isReadOnly"], got["isImmutable"], got["isMultiple"]) == (
            kind,
            required,
            read_only,
            immutable,
            multiple,
        ), key
        assert got["isDynamic"] is False, key
        assert isinstance(got["title"], str), key
        assert got["title"], key
    assert fields["WEBDAV_ELEMENTS"]["isDeprecated"] is True


# ------------------------------------------------------------------------------------------------ to-do
def _todo(deal: int) -> dict[str, Any]:
    """crm-activity-todo-add.md cURL example (deadline: a fixed ISO moment)."""
    return {
        "ownerTypeId": 2,
        "ownerId": deal,
        "deadline": "2025-02-03T15:00:00",
        "title": "Activity Title",
        "description": "Activity Description",
        "responsibleId": 5,
        "pingOffsets": [0, 15],
        "colorId": "2",
    }


def test_todo_add_example(portal: Portal) -> None:
    deal, _contact = _records(portal)
    result = portal.ok("crm.activity.todo.add", _todo(deal))
    assert_shape(result, F.TODO_ADDED)
    row = portal.ok("crm.activity.get", {"id": result["id"]})
    assert_shape(row, F.ACTIVITY)
    assert (row["PROVIDER_ID"], row["TYPE_ID"], row["SUBJECT"]) == (F.TODO_PROVIDER, "6", "Activity Title")
    assert (row["DESCRIPTION"], row["RESPONSIBLE_ID"], row["OWNER_ID"]) == (
        "Activity Description",
        "5",
        str(deal),
    )
    assert row["DEADLINE"].startswith("2025-02-03T15:00:00")


@pytest.mark.parametrize("missing", ["ownerTypeId", "ownerId", "deadline"])
def test_todo_add_requires_its_arguments(portal: Portal, missing: str) -> None:
    deal, _contact = _records(portal)
    params = _todo(deal)
    del params[missing]
    portal.error("crm.activity.todo.add", params, F.TODO_REQUIRED_MISSING)


def test_todo_add_refusals(portal: Portal) -> None:
    deal, _contact = _records(portal)
    portal.error("crm.activity.todo.add", {**_todo(deal), "ownerId": deal + 100}, F.TODO_OWNER_NOT_FOUND)
    portal.error("crm.activity.todo.add", {**_todo(deal), "deadline": "tomorrow"}, F.TODO_WRONG_DATETIME)
