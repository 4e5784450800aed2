"""Tasks, checklists and links in the emulator, from the pages' examples (``api-reference/tasks/``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bitrix24_toolkit.testing import Emulator

#: 2024-11-02T10:06:08+03:00: the moment of tasks-task-add.md's answer, on the portal clock
NOW = dt.datetime(2024, 11, 2, 10, 6, 8, tzinfo=dt.timezone(dt.timedelta(hours=3))).timestamp()


class Portal:
    def __init__(self) -> None:
        self.emu = Emulator(limits="off", clock=lambda: NOW)

    def ok(self, method: str, params: dict[str, Any] | None = None) -> Any:
        status, payload = self.emu.call(method, params or {})
        assert status == 200, payload
        assert "error" not in payload
        return payload["result"]

    def page(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        status, payload = self.emu.call(method, params)
        assert status == 200, payload
        return payload

    def error(self, method: str, params: dict[str, Any]) -> tuple[int, str, str]:
        status, payload = self.emu.call(method, params)
        assert "time" not in payload
        return status, payload["error"], payload["error_description"]


@pytest.fixture
def portal() -> Portal:
    p = Portal()
    for email in ("viola@example.com", "maria@example.com", "helen@example.com"):
        p.ok("user.add", {"EMAIL": email, "NAME": email.split("@")[0].title(), "UF_DEPARTMENT": [1]})
    return p


def _add(portal: Portal, **fields: Any) -> dict[str, Any]:
    task: dict[str, Any] = portal.ok("tasks.task.add", {"fields": {"RESPONSIBLE_ID": 1, **fields}})["task"]
    return task


# ---------------------------------------------------------------------------------------- tasks.task.*
def test_add_answers_the_task_wrapped_in_camel_case(portal: Portal) -> None:
    task = _add(portal, TITLE="task for test")
    assert task["id"] == "1"
    assert (task["title"], task["responsibleId"], task["createdBy"], task["status"]) == (
        "task for test",
        "1",
        "1",
        "2",
    )
    assert task["createdDate"] == "2024-11-02T10:06:08+03:00"
    assert (task["parentId"], task["closedDate"], task["deadline"], task["groupId"]) == (
        None,
        None,
        None,
        "0",
    )
    assert task["priority"] == "1"
    assert task["multitask"] == "N"
    assert task["descriptionInBbcode"] == "Y"
    assert task["auditors"] == []
    assert task["accomplices"] == []
    assert task["group"] == []
    assert task["responsible"]["link"] == "/company/personal/user/1/"
    assert task["action"]["complete"] is True
    assert task["checkListCanAdd"] is True


def test_the_pages_add_example_and_dates(portal: Portal) -> None:
    task = _add(portal, TITLE="Task Title", DEADLINE="2025-12-31T23:59:59", CREATED_BY=2, RESPONSIBLE_ID=3)
    assert task["deadline"] == "2025-12-31T23:59:59+03:00"  # read in the portal's zone
    assert (task["createdBy"], task["responsibleId"]) == ("2", "3")
    task = _add(
        portal, TITLE="Plan", START_DATE_PLAN="2024-11-02T11:06:00", END_DATE_PLAN="2024-11-02T19:06:00"
    )
    assert (task["startDatePlan"], task["endDatePlan"]) == (
        "2024-11-02T11:06:00+03:00",
        "2024-11-02T19:06:00+03:00",
    )


def test_add_refusals(portal: Portal) -> None:
    assert portal.error("tasks.task.add", {}) == (
        400,
        "100",
        "Could not find value for parameter {fields} (internal error)",
    )
    assert portal.error("tasks.task.add", {"fields": {"RESPONSIBLE_ID": 1}}) == (
        400,
        "ERROR_CORE",
        "Task title is not specified<br>",
    )
    assert (
        portal.error("tasks.task.add", {"fields": {"TITLE": "x"}})[2]
        == "Responsible person not specified<br>"
    )
    assert portal.error("tasks.task.add", {"fields": {"TITLE": "x", "RESPONSIBLE_ID": 99}})[2] == (
        'The user specified in the "Responsible" field was not found<br>'
    )
    assert portal.error("tasks.task.add", {"fields": {"TITLE": "x", "RESPONSIBLE_ID": 1, "STATUS": 9}})[
        2
    ] == ("Invalid status<br>")
    assert portal.error("tasks.task.add", {"fields": {"TITLE": "x", "RESPONSIBLE_ID": 1, "PARENT_ID": 7}})[
        2
    ] == ('The task specified in the "Parent Task" field was not found<br>')
    late = {"TITLE": "x", "RESPONSIBLE_ID": 1, "START_DATE_PLAN": "2024-11-03", "END_DATE_PLAN": "2024-11-02"}
    assert portal.error("tasks.task.add", {"fields": late})[2] == (
        "The end date specified in the scheduling is earlier than the start date<br>"
    )
    assert portal.ok("tasks.task.list", {})["tasks"] == []  # nothing was written


def test_update_completes_reopens_and_guards_the_parent(portal: Portal) -> None:
    parent = _add(portal, TITLE="Parent")
    child = _add(portal, TITLE="Child", PARENT_ID=int(parent["id"]))
    assert child["parentId"] == parent["id"]
    done = portal.ok("tasks.task.update", {"taskId": child["id"], "fields": {"STATUS": 5}})["task"]
    assert done["status"] == "5"
    assert done["closedBy"] == "1"
    assert done["closedDate"] == "2024-11-02T10:06:08+03:00"
    again = portal.ok("tasks.task.update", {"taskId": child["id"], "fields": {"STATUS": 3}})["task"]
    assert again["status"] == "3"
    assert again["closedDate"] is None
    assert again["closedBy"] == "0"
    assert portal.error("tasks.task.update", {"taskId": parent["id"], "fields": {"PARENT_ID": parent["id"]}})[
        2
    ] == ("Cannot bind the node to itself<br>")
    assert portal.error("tasks.task.update", {"taskId": parent["id"], "fields": {"PARENT_ID": child["id"]}})[
        2
    ] == ("Creating cyclic links in tasks is prohibited<br>")
    assert portal.error("tasks.task.update", {"taskId": 99, "fields": {"TITLE": "x"}}) == (
        400,
        "0",
        "Action on the task is not allowed (internal error)",
    )
    assert portal.error("tasks.task.update", {"fields": {"TITLE": "x"}})[1] == "100"
    assert portal.error("tasks.task.update", {"taskId": "abc", "fields": {"TITLE": "x"}})[1:] == (
        "0",
        "wrong task id",
    )


def test_get_select_and_a_missing_task(portal: Portal) -> None:
    task = _add(portal, TITLE="Task Example", DESCRIPTION="[B]formatting[/B]", AUDITORS=[2, 3], TAGS="a, b")
    got = portal.ok("tasks.task.get", {"taskId": task["id"], "select": ["ID", "TITLE", "AUDITORS", "TAGS"]})
    assert set(got["task"]) == {"id", "title", "auditors", "auditorsData", "tags", "group"}
    assert got["task"]["auditors"] == ["2", "3"]
    assert sorted(tag["title"] for tag in got["task"]["tags"].values()) == ["a", "b"]
    full = portal.ok("tasks.task.get", {"taskId": task["id"]})["task"]
    assert full["description"] == "[B]formatting[/B]"
    assert "action" in full
    assert portal.ok("tasks.task.get", {"taskId": 999}) == []  # tasks-task-get.md: "result": []
    assert portal.error("tasks.task.get", {"taskId": task["id"], "select": {}})[1] == "100"


def test_delete(portal: Portal) -> None:
    task = _add(portal, TITLE="Gone")
    assert portal.ok("tasks.task.delete", {"taskId": task["id"]}) == {"task": True}
    assert portal.ok("tasks.task.get", {"taskId": task["id"]}) == []
    assert portal.error("tasks.task.delete", {"taskId": task["id"]}) == (
        400,
        "1048582",
        "No access to delete the task",
    )


def test_list_filters_order_and_pages(portal: Portal) -> None:
    group = portal.ok("sonet_group.create", {"NAME": "Store opening", "PROJECT": "Y"})
    for n in range(1, 56):
        _add(
            portal,
            TITLE=f"Task {n:02d}",
            RESPONSIBLE_ID=2 if n % 2 else 3,
            GROUP_ID=group if n <= 10 else 0,
            DEADLINE="2024-11-01T18:00:00" if n <= 3 else "2024-12-01T18:00:00",
            STATUS=5 if n == 1 else 2,
            TAGS=["opening"] if n <= 5 else [],
            ACCOMPLICES=[1] if n == 4 else [],
        )
    first = portal.page("tasks.task.list", {"select": ["ID"]})
    assert [t["id"] for t in first["result"]["tasks"]][:3] == ["55", "54", "53"]  # ID descending by default
    assert (first["total"], first["next"], len(first["result"]["tasks"])) == (55, 50, 50)
    second = portal.page("tasks.task.list", {"select": ["ID"], "start": 50})
    assert len(second["result"]["tasks"]) == 5
    assert "next" not in second

    def ids(flt: dict[str, Any], **extra: Any) -> list[int]:
        answer = portal.ok(
            "tasks.task.list", {"filter": flt, "select": ["ID"], "order": {"ID": "asc"}, **extra}
        )
        return [int(t["id"]) for t in answer["tasks"]]

    assert ids({"GROUP_ID": group}) == list(range(1, 11))
    assert ids({"TAG": "opening", "RESPONSIBLE_ID": 3}) == [2, 4]
    assert ids({"STATUS": -1}) == [2, 3]  # overdue: past the deadline and not done
    assert ids({"REAL_STATUS": 5}) == [1]
    assert ids({"!STATUS": 2, "GROUP_ID": group}) == [1]
    assert ids({"ACCOMPLICE": 1}) == [4]
    assert ids({"TITLE": "Task 0%"}) == list(range(1, 10))
    assert ids({"<=ID": 3, ">ID": 1}) == [2, 3]
    listed = portal.ok(
        "tasks.task.list", {"filter": {"ID": 2}, "select": ["ID", "TITLE", "SUB_STATUS", "STATUS"]}
    )
    assert listed["tasks"][0]["subStatus"] == "-1"
    assert listed["tasks"][0]["status"] == "2"
    by_deadline = portal.ok(
        "tasks.task.list", {"order": {"DEADLINE": "asc", "ID": "desc"}, "filter": {"GROUP_ID": group}}
    )
    assert [t["id"] for t in by_deadline["tasks"]][:3] == ["3", "2", "1"]
    assert portal.error("tasks.task.list", {"order": {"NO_SUCH": "asc"}}) == (
        400,
        "0",
        "Invalid sorting key (internal error)",
    )


# --------------------------------------------------------------------------------- task.checklistitem.*
def test_checklist_items_the_pages_way(portal: Portal) -> None:
    task = int(_add(portal, TITLE="Contract")["id"])
    point = portal.ok(
        "task.checklistitem.add",
        {
            "TASKID": task,
            "FIELDS": {"TITLE": "Prepare the report", "IS_IMPORTANT": "Y", "MEMBERS": {"2": {"TYPE": "A"}}},
        },
    )
    items = portal.ok("task.checklistitem.getlist", {"TASKID": task, "ORDER": {"ID": "asc"}})
    root, first = items
    assert (root["TITLE"], root["PARENT_ID"], first["PARENT_ID"]) == ("Checklist 1", 0, root["ID"])
    assert first["ID"] == str(point)
    assert first["IS_IMPORTANT"] == "Y"
    assert first["MEMBERS"][0]["ID"] == "2"
    assert first["TOGGLED_BY"] is None
    assert first["TOGGLED_DATE"] == ""
    assert portal.ok("tasks.task.get", {"taskId": task, "select": ["ACCOMPLICES"]})["task"][
        "accomplices"
    ] == ["2"]
    second = portal.ok(
        "task.checklistitem.add", {"TASKID": task, "FIELDS": {"TITLE": "Sign", "SORT_INDEX": 5}}
    )
    assert portal.ok("task.checklistitem.complete", {"TASKID": task, "ITEMID": second}) is True
    assert portal.ok("task.checklistitem.complete", {"TASKID": task, "ITEMID": second}) is True  # again: true
    done = {i["ID"]: i for i in portal.ok("task.checklistitem.getlist", {"TASKID": task})}
    assert done[str(second)]["IS_COMPLETE"] == "Y"
    assert done[str(second)]["TOGGLED_BY"] == "1"
    assert portal.ok("task.checklistitem.renew", {"TASKID": task, "ITEMID": second}) is True
    assert portal.ok("task.checklistitem.complete", {"TASKID": task, "ITEMID": 999}) is False
    # parameters are read by position: ITEMID first is taken as the task id, so the item is not found
    assert portal.ok("task.checklistitem.complete", {"ITEMID": second, "TASKID": 999}) is False
    assert (
        portal.ok(
            "task.checklistitem.update", {"TASKID": task, "ITEMID": second, "FIELDS": {"TITLE": "Sign it"}}
        )
        is None
    )
    other = portal.ok(
        "task.checklistitem.add", {"TASKID": task, "FIELDS": {"TITLE": "Second list", "PARENT_ID": 0}}
    )
    assert {i["ID"]: i["PARENT_ID"] for i in portal.ok("task.checklistitem.getlist", {"TASKID": task})}[
        str(other)
    ] == 0
    assert portal.ok("task.checklistitem.delete", {"TASKID": task, "ITEMID": root["ID"]}) is True
    left = portal.ok("task.checklistitem.getlist", {"TASKID": task})
    assert [i["TITLE"] for i in left] == ["Second list"]  # the list's points went with it


def test_checklist_refusals(portal: Portal) -> None:
    task = int(_add(portal, TITLE="T")["id"])
    assert portal.error("task.checklistitem.add", {"TASKID": task, "FIELDS": {"SORT_INDEX": 1}})[2] == (
        "TASKS_ERROR_EXCEPTION_#8; Item name not specified; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>"
    )
    assert portal.error("task.checklistitem.add", {"TASKID": 99, "FIELDS": {"TITLE": "x"}})[2] == (
        "TASKS_ERROR_EXCEPTION_#8; Adding item: action not allowed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>"
    )
    assert portal.error("task.checklistitem.add", {"TASKID": task})[2] == (
        "TASKS_ERROR_EXCEPTION_#256; Param #1 (arFields) expected by method ctaskchecklistitem::add(), "
        "but not given.; 256/TE/WRONG_ARGUMENTS<br>"
    )
    assert portal.error("task.checklistitem.getlist", {"TASKID": task, "ORDER": {"IS_COMPLETED": "asc"}})[
        2
    ] == (
        "TASKS_ERROR_EXCEPTION_#256; Param #1 (arOrder) for method ctaskchecklistitem::getlist() must not "
        'contain key "IS_COMPLETED".; 256/TE/WRONG_ARGUMENTS<br>'
    )
    assert portal.error("task.checklistitem.complete", {"TASKID": task})[2] == (
        "TASKS_ERROR_EXCEPTION_#256; Param #1 (itemId) expected by method ctaskchecklistitem::complete(), "
        "but not given.; 256/TE/WRONG_ARGUMENTS<br>"
    )
    assert (
        portal.error("task.checklistitem.renew", {"TASKID": 0, "ITEMID": 1})[2]
        == "TASKS_ERROR_ASSERT_EXCEPTION<br>"
    )
    assert portal.error("task.checklistitem.delete", {"TASKID": task, "ITEMID": 77})[1] == "ERROR_CORE"


# ----------------------------------------------------------------------------------- task.dependence.*
def test_dependence_links_and_depends_on(portal: Portal) -> None:
    first, second, third = (int(_add(portal, TITLE=f"Step {n}")["id"]) for n in (1, 2, 3))
    assert portal.ok("task.dependence.add", {"taskIdFrom": first, "taskIdTo": second, "linkType": 2}) == []
    assert portal.ok("task.dependence.add", {"taskIdFrom": second, "taskIdTo": third, "linkType": 0}) == []
    listed = portal.ok("tasks.task.list", {"filter": {"DEPENDS_ON": first}, "select": ["ID"]})
    assert [t["id"] for t in listed["tasks"]] == [str(second)]
    assert portal.error("task.dependence.add", {"taskIdFrom": first, "taskIdTo": second, "linkType": 2}) == (
        400,
        "ILLEGAL_NEW_LINK",
        "A link between tasks already exists",
    )
    for bad in (
        {"taskIdFrom": third, "taskIdTo": first, "linkType": 2},  # would close a cycle
        {"taskIdFrom": first, "taskIdTo": 99, "linkType": 2},
        {"taskIdFrom": first, "taskIdTo": third, "linkType": 7},
    ):
        assert portal.error("task.dependence.add", bad) == (
            400,
            "ACTION_NOT_ALLOWED",
            "Unable to add a link between tasks",
        )
    assert portal.ok("task.dependence.delete", {"taskIdFrom": first, "taskIdTo": second}) == []
    assert portal.error("task.dependence.delete", {"taskIdFrom": first, "taskIdTo": second}) == (
        400,
        "ILLEGAL_NEW_LINK",
        "The dependency between tasks does not exist",
    )


def test_tasks_in_a_batch_with_references(portal: Portal) -> None:
    answer = portal.ok(
        "batch",
        {
            "halt": 1,
            "cmd": {
                "a": "tasks.task.add?fields[TITLE]=First&fields[RESPONSIBLE_ID]=2",
                "b": "tasks.task.add?fields[TITLE]=Second&fields[RESPONSIBLE_ID]=2"
                "&fields[PARENT_ID]=$result[a][task][id]",
                "c": "task.dependence.add?taskIdFrom=$result[a][task][id]&taskIdTo=$result[b][task][id]"
                "&linkType=2",
            },
        },
    )
    assert answer["result_error"] == []
    assert answer["result"]["b"]["task"]["parentId"] == answer["result"]["a"]["task"]["id"]
