"""Tasks, checklists and links against their pages (``tests/fidelity/facts/tasks.py``), over HTTP."""

from __future__ import annotations

from typing import Any

from .conftest import Portal
from .facts import tasks as doc
from .shapes import ListOf, assert_shape


def _employee(portal: Portal) -> int:
    new: int = portal.ok("user.add", {"EMAIL": "maria@example.com", "NAME": "Maria", "UF_DEPARTMENT": [1]})
    return new


def _task(portal: Portal, **fields: Any) -> dict[str, Any]:
    task: dict[str, Any] = portal.ok(
        "tasks.task.add", {"fields": {"TITLE": "T", "RESPONSIBLE_ID": 1, **fields}}
    )["task"]
    return task


def test_add_get_update_delete(portal: Portal) -> None:
    user = _employee(portal)
    task = portal.ok(
        "tasks.task.add", {"fields": {**doc.ADD_EXAMPLE, "CREATED_BY": user, "RESPONSIBLE_ID": user}}
    )
    assert_shape(task["task"], doc.TASK)
    task_id = task["task"]["id"]
    assert_shape(portal.ok("tasks.task.get", {"taskId": task_id})["task"], doc.TASK)
    updated = portal.ok("tasks.task.update", {"taskId": task_id, "fields": {"STATUS": 5}})["task"]
    assert_shape(updated, doc.TASK)
    assert updated["status"] == "5"
    assert updated["closedDate"] is not None
    assert portal.ok("tasks.task.delete", {"taskId": task_id}) == {"task": True}
    portal.error("tasks.task.delete", {"taskId": task_id}, doc.NO_DELETE)
    portal.error("tasks.task.add", {"fields": {"RESPONSIBLE_ID": 1}}, doc.TITLE_MISSING)
    portal.error("tasks.task.update", {"taskId": _task(portal)["id"]}, doc.FIELDS_MISSING)


def test_list_the_pages_example(portal: Portal) -> None:
    _task(
        portal, TITLE="Task Example", PRIORITY=2, AUDITORS=[1], TAGS=["arpar"], DEADLINE="2099-10-24T19:00:00"
    )
    answer = portal.call(
        "tasks.task.list",
        {
            "order": {"DEADLINE": "asc", "PRIORITY": "desc"},
            "filter": {"!STATUS": 6},
            "select": doc.LIST_SELECT,
        },
    )
    assert answer.status == 200
    assert answer.body["total"] == 1
    (row,) = answer.result["tasks"]
    assert row["title"] == "Task Example"
    assert row["subStatus"] == "2"
    assert row["auditors"] == ["1"]
    assert list(row["tags"].values()) == [{"id": 1, "title": "arpar"}]
    assert row["responsible"]["id"] == "1"
    assert "1" in row["auditorsData"]
    portal.error("tasks.task.list", {"order": {"NOPE": "asc"}}, doc.BAD_SORT)


def test_checklist_item_methods(portal: Portal) -> None:
    task = int(_task(portal)["id"])
    item = portal.ok("task.checklistitem.add", {"TASKID": task, "FIELDS": {"TITLE": "Prepare the report"}})
    assert isinstance(item, int)
    items = portal.ok("task.checklistitem.getlist", {"TASKID": task, "ORDER": {"IS_COMPLETE": "ASC"}})
    assert_shape(items, ListOf(doc.ITEM, min_len=2))
    assert portal.ok("task.checklistitem.complete", {"TASKID": task, "ITEMID": item}) is True
    assert portal.ok("task.checklistitem.renew", {"TASKID": task, "ITEMID": item}) is True
    assert (
        portal.ok("task.checklistitem.update", {"TASKID": task, "ITEMID": item, "FIELDS": {"TITLE": "R"}})
        is None
    )
    assert portal.ok("task.checklistitem.delete", {"TASKID": task, "ITEMID": item}) is True
    portal.error("task.checklistitem.add", {"TASKID": task, "FIELDS": {"IS_IMPORTANT": "Y"}}, doc.NO_TITLE)


def test_dependence_methods(portal: Portal) -> None:
    first, second = int(_task(portal)["id"]), int(_task(portal)["id"])
    assert portal.ok("task.dependence.add", {"taskIdFrom": first, "taskIdTo": second, "linkType": 0}) == []
    portal.error(
        "task.dependence.add", {"taskIdFrom": first, "taskIdTo": second, "linkType": 0}, doc.LINK_EXISTS
    )
    assert portal.ok("task.dependence.delete", {"taskIdFrom": first, "taskIdTo": second}) == []
    portal.error("task.dependence.delete", {"taskIdFrom": first, "taskIdTo": second}, doc.NO_LINK)
