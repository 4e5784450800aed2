"""``b24.task``, ``b24.workgroup``, ``b24.feed`` and ``b24.department`` against the emulator (one body,
both clients)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bitrix24_toolkit import InvalidInputError
from bitrix24_toolkit.services import BlogPostCalls, DepartmentCalls, TaskCalls, WorkgroupCalls
from bitrix24_toolkit.services.feed import to_departments, to_users
from bitrix24_toolkit.testing.emulator import Emulator

MSK = dt.timezone(dt.timedelta(hours=3))


async def test_a_project_with_tasks_checklist_and_links(client: Any, emu: Emulator) -> None:
    group = await client.workgroup.create({"NAME": "Store opening", "PROJECT": True})
    (project,) = await client.workgroup.by_id(group)
    assert (project.id, project.project, project.owner_id) == (group, True, 1)
    deadline = dt.datetime(2030, 5, 1, 18, 0, tzinfo=MSK)
    first = await client.task.add(
        {
            "title": "Rent the premises",
            "responsible_id": 1,
            "deadline": deadline,
            "GROUP_ID": group,
            "TAGS": ["store"],
        }
    )
    second = await client.task.add(
        {"TITLE": "Repair", "RESPONSIBLE_ID": 1, "GROUP_ID": group, "PARENT_ID": first.id}
    )
    assert (first.title, first.deadline, first.group_id, second.parent_id) == (
        "Rent the premises",
        deadline,
        group,
        first.id,
    )
    assert await client.task.dependence.add(first.id, second.id) is True
    item = await client.task.checklist.add(first.id, {"TITLE": "Sign the lease"})
    assert await client.task.checklist.complete(first.id, item) is True
    assert await client.task.checklist.update(first.id, item, {"TITLE": "Sign the lease!"}) is True
    items = await client.task.checklist.list(first.id)
    assert [(i.title, i.is_complete) for i in items if i.parent_id] == [("Sign the lease!", True)]
    done = await client.task.complete(second.id)
    assert done.status == 5
    assert done.done
    assert done.closed_date is not None
    tasks = await client.task.list_all(filter={"GROUP_ID": group}, select=["ID", "TITLE", "STATUS", "TAGS"])
    assert [(t.id, t.status) for t in tasks] == [(first.id, 2), (second.id, 5)]
    assert tasks[0].tags == ["store"]
    assert [t.id for t in (await client.task.list(filter={"DEPENDS_ON": first.id})).items] == [second.id]
    assert (await client.task.get(first.id, select=["ID", "TITLE"])).title == "Rent the premises"
    assert await client.task.delete(second.id) is True
    assert await client.task.get(second.id) is None


async def test_many_tasks_stream_by_pages(client: Any, emu: Emulator) -> None:
    for n in range(120):
        emu.call("tasks.task.add", {"fields": {"TITLE": f"T{n}", "RESPONSIBLE_ID": 1}})
    rows = await client.task.list_all()
    assert [t.id for t in rows] == list(range(1, 121))
    assert rows.to_dataframe().shape[0] == 120


async def test_departments_users_and_a_feed_post(client: Any, emu: Emulator) -> None:
    branch = await client.department.add("Kazan branch", parent=1)
    desk = await client.department.add("Tours desk", parent=branch, sort=100)
    head = emu.call("user.add", {"EMAIL": "h@example.com", "UF_DEPARTMENT": [desk]})[1]["result"]
    assert await client.department.update(desk, head=head, name="Tour desk") is True
    (row,) = await client.department.get(filter={"ID": desk})
    assert (row.name, row.parent, row.uf_head, row.sort) == ("Tour desk", branch, head, 100)
    post = await client.feed.add(
        "[B]Done[/B]", title="Weekly", to=[*to_departments([branch]), *to_users([head])]
    )
    (read,) = await client.feed.get(post_id=post)
    assert (read.title, read.detail_text, read.author_id) == ("Weekly", "[B]Done[/B]", 1)
    assert await client.department.delete(branch) is True
    assert [d.id for d in await client.department.get()] == [1]


def test_bad_input_is_refused_before_any_request() -> None:
    tasks, groups, feed, deps = TaskCalls(), WorkgroupCalls(), BlogPostCalls(), DepartmentCalls()
    for build in (
        lambda: tasks.add({"RESPONSIBLE_ID": 1}),
        lambda: tasks.add({"TITLE": "x"}),
        lambda: tasks.add({"TITLE": "x", "RESPONSIBLE_ID": 1, "STATUS": 9}),
        lambda: tasks.update(0, {"TITLE": "x"}),
        lambda: tasks.list(order={"ID": "up"}),
        lambda: tasks.dependence.add(3, 3),
        lambda: tasks.dependence.add(1, 2, "sideways"),
        lambda: tasks.checklist.add(1, {}),
        lambda: groups.create({"PROJECT": True}),
        lambda: feed.add(""),
        lambda: feed.add("x", to=["everyone"]),
        lambda: deps.add(" ", parent=1),
        lambda: deps.update(5),
        lambda: deps.get(filter={"TITLE": "x"}),
    ):
        with pytest.raises(InvalidInputError):
            build()
