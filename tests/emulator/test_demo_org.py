"""The demo portal's company structure and running project (``testing/emulator/demo_org.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator.demo_org import PROJECT_NAME, PROJECT_TAG
from bitrix24_toolkit.testing.emulator.demo_story import DEMO_NOW


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator.demo(limits="off", clock=lambda: DEMO_NOW.timestamp())


def _all(emu: Emulator, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None:
        status, payload = emu.call(method, {**params, "start": start})
        assert status == 200, payload
        rows += payload["result"]
        start = payload.get("next")
    return rows


def test_a_three_level_structure_with_heads(emu: Emulator) -> None:
    departments = {row["ID"]: row for row in _all(emu, "department.get", {})}
    users = {row["ID"]: row for row in _all(emu, "user.get", {})}
    assert len(users) == 40
    assert all(u["ACTIVE"] for u in users.values())
    assert departments["1"]["NAME"] == "Солнечный ветер"
    assert "PARENT" not in departments["1"]
    level = {"1": 1}
    for dep_id in sorted(departments, key=int):
        parent = departments[dep_id].get("PARENT")
        if parent:
            level[dep_id] = level[parent] + 1
    assert max(level.values()) == 3
    assert sum(1 for v in level.values() if v == 2) == 3
    for dep in departments.values():
        head = users[dep["UF_HEAD"]]  # every department has a head who is an employee
        assert head["ACTIVE"]
    for user in users.values():
        assert user["UF_DEPARTMENT"]
        assert all(str(d) in departments for d in user["UF_DEPARTMENT"])
        assert user["EMAIL"].endswith("@solnechny-veter.example")
        assert user["XML_ID"].startswith("ZUP-")
    assert len({u["EMAIL"] for u in users.values()}) == 40
    assert users["1"]["NAME"] == "Ольга"
    assert users["2"]["UF_DEPARTMENT"] == [int(_id(departments, "Отдел продаж туров"))]


def _id(departments: dict[str, dict[str, Any]], name: str) -> str:
    return next(key for key, row in departments.items() if row["NAME"] == name)


def test_the_running_project(emu: Emulator) -> None:
    (group,) = _all(emu, "sonet_group.get", {"FILTER": {"NAME": PROJECT_NAME}})
    assert group["PROJECT"] == "Y"
    _status, payload = emu.call(
        "tasks.task.list",
        {"filter": {"GROUP_ID": group["ID"]}, "select": ["ID", "STATUS", "SUB_STATUS", "PARENT_ID", "TAGS"]},
    )
    tasks = payload["result"]["tasks"]
    assert len(tasks) == 10
    assert payload["total"] == 10
    assert sum(t["status"] == "5" for t in tasks) == 3
    assert sum(t["subStatus"] == "-1" for t in tasks) == 2  # overdue at the demo's "now"
    assert sum(t["parentId"] is not None for t in tasks) == 2
    assert all(PROJECT_TAG in [tag["title"] for tag in t["tags"].values()] for t in tasks)
    with_list = [t for t in tasks if emu.call("task.checklistitem.getlist", {"TASKID": t["id"]})[1]["result"]]
    assert len(with_list) == 1
    first = min(int(t["id"]) for t in tasks)
    _, after_first = emu.call("tasks.task.list", {"filter": {"DEPENDS_ON": first}, "select": ["ID", "TITLE"]})
    assert [t["title"] for t in after_first["result"]["tasks"]] == ["Сделать ремонт и вывеску"]


def test_the_demo_stays_deterministic() -> None:
    first, second = Emulator.demo(limits="off"), Emulator.demo(limits="off")
    assert first.state.dump() == second.state.dump()
