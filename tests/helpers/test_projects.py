"""create_project / project_progress against the emulator, read back by raw REST calls (issue 20, item 2)."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import (
    ProjectTemplateError,
    UnknownUserError,
    create_project,
    load_template,
    project_progress,
)
from bitrix24_toolkit.helpers.projects import add_working_days, parse_deadline, plan_deadlines
from bitrix24_toolkit.protocol.batch import Batch
from bitrix24_toolkit.protocol.call import Call
from bitrix24_toolkit.testing import Emulator

REPO = Path(__file__).resolve().parents[2]
STORE = REPO / "examples" / "data" / "store_opening.yaml"
WRITES = ("tasks.task.add", "task.checklistitem.add", "task.dependence.add", "sonet_group.create")
SELECT = ["ID", "TITLE", "DESCRIPTION", "PARENT_ID", "DEADLINE", "RESPONSIBLE_ID", "ACCOMPLICES", "AUDITORS",
          "GROUP_ID", "XML_ID", "TAGS", "PRIORITY", "STATUS"]  # fmt: skip
#: 2025-03-07 is a Friday
FRIDAY = dt.date(2025, 3, 7)

TEMPLATE: dict[str, Any] = {
    "name": "Store opening",
    "key": "store-12",
    "tasks": [
        {"key": "lease", "title": "Sign the lease", "responsible": "manager",
         "deadline": "start + 5 working days", "priority": "high",
         "checklist": ["Draft", {"title": "Legal check", "important": True}]},
        {"key": "fitout", "title": "Fit-out", "responsible": "builder", "accomplices": ["manager"],
         "auditors": ["director"], "deadline": "after:lease + 2 weeks", "depends_on": ["lease"]},
        {"key": "shelves", "title": "Shelves", "responsible": "builder", "parent": "fitout",
         "deadline": "after:fitout - 2 days"},
        {"key": "open", "title": "Opening day", "responsible": "manager", "description": "Ribbon [B]cut[/B]",
         "deadline": "after:fitout + 3 working days",
         "depends_on": [{"task": "fitout", "type": "finish-finish"}, "shelves"]},
    ],
}  # fmt: skip


@pytest.fixture
def emu() -> Emulator:
    return Emulator.demo(limits="off")


@pytest.fixture
def b24(emu: Emulator) -> Bitrix24:
    return emu.client()


def raw(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> Any:
    """A REST call straight to the portal (no client): its ``result``."""
    status, payload = emu.call(method, params or {})
    assert status == 200, payload
    return payload["result"]


def people(emu: Emulator) -> dict[str, Any]:
    """Three active employees of the demo portal, by e-mail (the builder by id, the director in capitals)."""
    users = [u for u in raw(emu, "user.get", {"FILTER": {"ACTIVE": True}}) if u.get("EMAIL")][:3]
    return {
        "manager": users[0]["EMAIL"],
        "builder": int(users[1]["ID"]),
        "director": users[2]["EMAIL"].upper(),
    }


def ids_of(emu: Emulator, roles: dict[str, Any]) -> dict[str, int]:
    out = {}
    for role, who in roles.items():
        if isinstance(who, int):
            out[role] = who
        else:
            found = [u for u in raw(emu, "user.get", {}) if str(u.get("EMAIL")).lower() == who.lower()]
            out[role] = int(found[0]["ID"])
    return out


def writes(emu: Emulator) -> dict[str, int]:
    return {m: n for m, n in emu.stats.calls.items() if m in WRITES or m.endswith((".add", ".update"))}


def links_among(emu: Emulator, ids: Any) -> dict[tuple[int, int], int]:
    """The emulator's stored links between these tasks: (from, to) -> link type."""
    rows = emu.state.table("task_dependence").values()
    wanted = set(ids)
    return {
        (r["TASK_ID_FROM"], r["TASK_ID_TO"]): r["LINK_TYPE"]
        for r in rows
        if r["TASK_ID_FROM"] in wanted and r["TASK_ID_TO"] in wanted
    }


def project_tasks(emu: Emulator, tag: str) -> dict[str, dict[str, Any]]:
    """The project's tasks by template key, as tasks.task.list sends them."""
    rows = raw(emu, "tasks.task.list", {"filter": {"TAG": tag}, "select": SELECT})["tasks"]
    return {row["xmlId"].split(":", 1)[1]: row for row in rows}


# ------------------------------------------------------------------------------------------ deadlines
def test_working_days_skip_weekends_and_holidays() -> None:
    assert add_working_days(FRIDAY, 1) == dt.date(2025, 3, 10)  # Monday
    assert add_working_days(FRIDAY, 5) == dt.date(2025, 3, 14)
    assert add_working_days(FRIDAY, 5, {dt.date(2025, 3, 10)}) == dt.date(2025, 3, 17)
    assert add_working_days(FRIDAY, 0) == FRIDAY
    assert add_working_days(dt.date(2025, 3, 10), -1) == FRIDAY


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("start", "start"),
        ("start + 10 working days", "start + 10 working days"),
        ("START+2 Weeks", "start + 2 weeks"),
        ("after:design + 3 workdays", "after:design + 3 working days"),
        ("after: fitout - 2 day", "after:fitout - 2 days"),
    ],
)
def test_the_deadline_grammar(text: str, shown: str) -> None:
    assert str(parse_deadline(text)) == shown


@pytest.mark.parametrize(
    "text", ["tomorrow", "start + ten days", "start + 3 months", "start 3 days", "after:"]
)
def test_a_bad_deadline_expression_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="deadline"):
        parse_deadline(text)


def test_deadlines_follow_their_anchors_and_holidays() -> None:
    plan = load_template(TEMPLATE)
    found = plan_deadlines(plan, FRIDAY, holidays=["2025-03-10"])
    assert found["lease"] == dt.datetime(2025, 3, 17, 18, 0)  # 5 working days, Monday 10th off
    assert found["fitout"] == dt.datetime(2025, 3, 31, 18, 0)  # + 2 weeks
    assert found["shelves"] == dt.datetime(2025, 3, 29, 18, 0)  # - 2 calendar days
    assert found["open"] == dt.datetime(2025, 4, 3, 18, 0)  # + 3 working days


# ----------------------------------------------------------------------------------------- validation
def _broken(change: Any) -> dict[str, Any]:
    template = copy.deepcopy(TEMPLATE)
    change(template)
    return template


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["tasks"][2].update(parent="nope"), "task 'shelves': unknown parent task 'nope'"),
        (lambda t: t["tasks"][0].update(depends_on=["open"]), "task 'lease': a cycle in the dependencies"),
        (lambda t: t["tasks"][1].update(deadline="start + 3 months"), "task 'fitout': cannot read deadline"),
        (lambda t: t["tasks"][3].update(deadline="after:ghost + 1 day"), "task 'open': the deadline refers"),
        (lambda t: t.update(roles=["manager", "builder"]), "task 'fitout': unknown role 'director'"),
        (lambda t: t["tasks"][3].update(key="lease"), "task 'lease': the key is used by more than one task"),
        (lambda t: t["tasks"][0].update(depends_on=[{"task": "open", "type": "later"}]), "link type 'later'"),
        (lambda t: t["tasks"][1].update(deadline="after:shelves + 1 day"), "a cycle in the deadlines"),
    ],
)
def test_a_bad_template_is_refused_before_any_request(
    emu: Emulator, b24: Bitrix24, change: Any, message: str
) -> None:
    emu.reset_stats()
    with pytest.raises(ProjectTemplateError) as caught:
        create_project(b24, _broken(change), start=FRIDAY, roles=people(emu))
    assert message in str(caught.value)
    assert emu.stats.requests == 0


def test_every_problem_of_a_template_is_reported_at_once() -> None:
    def change(t: dict[str, Any]) -> None:
        t["tasks"][0]["title"] = ""
        t["tasks"][2]["parent"] = "nope"

    with pytest.raises(ProjectTemplateError) as caught:
        load_template(_broken(change))
    assert len(caught.value.problems) == 2
    assert "task 'lease': a title is required" in caught.value.problems


def test_unknown_or_missing_people_are_refused_before_any_write(emu: Emulator, b24: Bitrix24) -> None:
    roles = people(emu)
    with pytest.raises(InvalidInputError, match=r"no user given for 'director' \(task 'fitout'\)"):
        create_project(b24, TEMPLATE, start=FRIDAY, roles={k: v for k, v in roles.items() if k != "director"})
    emu.reset_stats()
    with pytest.raises(UnknownUserError) as caught:
        create_project(
            b24, TEMPLATE, start=FRIDAY, roles={**roles, "builder": "ghost@nowhere.example", "manager": 999}
        )
    assert caught.value.problems == [
        "role 'manager': no user with user id 999",
        "role 'builder': no user with e-mail ghost@nowhere.example",
    ]
    assert writes(emu) == {}
    fired = int(raw(emu, "user.add", {"EMAIL": "gone@example.com", "NAME": "Gone", "UF_DEPARTMENT": [1]}))
    raw(emu, "user.update", {"ID": fired, "ACTIVE": "N"})
    emu.reset_stats()
    with pytest.raises(UnknownUserError, match="is deactivated"):
        create_project(b24, TEMPLATE, start=FRIDAY, roles={**roles, "manager": "gone@example.com"})
    assert writes(emu) == {}


# ------------------------------------------------------------------------------------------- creating
def test_a_project_has_what_the_template_says_and_a_rerun_creates_nothing(
    emu: Emulator, b24: Bitrix24
) -> None:
    roles = people(emu)
    who = ids_of(emu, roles)
    emu.reset_stats()
    made = create_project(b24, TEMPLATE, start=FRIDAY, roles=roles, group="Store 12")
    assert made.ok, made.failed
    assert emu.stats.requests <= 8
    assert made.created == ["lease", "fitout", "shelves", "open"]
    assert made.group_created

    tasks = project_tasks(emu, "store-12")
    assert {k: int(v["id"]) for k, v in tasks.items()} == made.tasks
    assert {k: v["title"] for k, v in tasks.items()} == {
        "lease": "Sign the lease", "fitout": "Fit-out", "shelves": "Shelves", "open": "Opening day"
    }  # fmt: skip
    assert tasks["lease"]["deadline"].startswith("2025-03-14T18:00:00")
    assert tasks["fitout"]["deadline"].startswith("2025-03-28T18:00:00")
    assert tasks["shelves"]["deadline"].startswith("2025-03-26T18:00:00")
    assert tasks["open"]["deadline"].startswith("2025-04-02T18:00:00")
    assert tasks["lease"]["priority"] == "2"
    assert tasks["open"]["description"] == "Ribbon [B]cut[/B]"
    assert {k: int(v["responsibleId"]) for k, v in tasks.items()} == {
        "lease": who["manager"], "fitout": who["builder"], "shelves": who["builder"], "open": who["manager"]
    }  # fmt: skip
    assert tasks["fitout"]["accomplices"] == [str(who["manager"])]
    assert tasks["fitout"]["auditors"] == [str(who["director"])]
    assert tasks["shelves"]["parentId"] == tasks["fitout"]["id"]
    assert {v["groupId"] for v in tasks.values()} == {str(made.group_id)}
    group = raw(emu, "sonet_group.get", {"FILTER": {"ID": made.group_id}})
    assert group[0]["NAME"] == "Store 12"
    assert group[0]["PROJECT"] == "Y"

    items = raw(emu, "task.checklistitem.getlist", {"TASKID": made.tasks["lease"]})
    lines = {i["TITLE"]: i["IS_IMPORTANT"] for i in items if str(i["PARENT_ID"]) != "0"}
    assert lines == {"Draft": "N", "Legal check": "Y"}

    def waiting_for(key: str) -> set[str]:
        rows = raw(emu, "tasks.task.list", {"filter": {"DEPENDS_ON": made.tasks[key]}, "select": ["ID"]})
        return {k for k, v in made.tasks.items() if str(v) in {r["id"] for r in rows["tasks"]}}

    assert waiting_for("lease") == {"fitout"}
    assert waiting_for("fitout") == {"open"}
    assert waiting_for("shelves") == {"open"}
    links = {
        (r["TASK_ID_FROM"], r["TASK_ID_TO"]): r["LINK_TYPE"]
        for r in emu.state.table("task_dependence").values()
    }
    assert links[(made.tasks["fitout"], made.tasks["open"])] == 3  # finish-finish
    assert links[(made.tasks["lease"], made.tasks["fitout"])] == 2  # finish-start, the default

    emu.reset_stats()
    again = create_project(b24, TEMPLATE, start=FRIDAY, roles=roles, group="Store 12")
    assert again.ok
    assert not again.changed
    assert again.tasks == made.tasks
    assert again.group_id == made.group_id
    assert writes(emu) == {}
    assert len(project_tasks(emu, "store-12")) == 4


def test_a_rerun_finishes_what_a_crashed_run_left(emu: Emulator, b24: Bitrix24) -> None:
    roles = people(emu)
    flow = create_project.flow(TEMPLATE, start=FRIDAY, roles=roles, key="crash-1")
    step = next(flow)
    while True:  # run the flow until its tasks are made, then "crash" before checklists and links
        if isinstance(step, Batch) and any(c.method == "tasks.task.add" for _, c in step.items()):
            b24.run(step.as_flow())
            break
        step = flow.send(b24.run(step if isinstance(step, Call) else step.as_flow()))
    flow.close()
    made = {k: int(v["id"]) for k, v in project_tasks(emu, "crash-1").items()}
    assert len(made) == 4
    assert links_among(emu, made.values()) == {}

    emu.reset_stats()
    done = create_project(b24, TEMPLATE, start=FRIDAY, roles=roles, key="crash-1")
    assert done.ok
    assert done.created == []
    assert len(done.existing) == 4
    assert (done.checklist_items_added, done.dependencies_added) == (2, 3)
    assert emu.stats.calls.get("tasks.task.add") is None
    assert len(links_among(emu, made.values())) == 3

    # someone deletes a task and a checklist line: the next run puts back exactly those
    raw(emu, "tasks.task.delete", {"taskId": done.tasks["shelves"]})
    item = next(i for i in raw(emu, "task.checklistitem.getlist", {"TASKID": done.tasks["lease"]})
                if i["TITLE"] == "Draft")  # fmt: skip
    raw(emu, "task.checklistitem.delete", {"TASKID": done.tasks["lease"], "ITEMID": int(item["ID"])})
    emu.reset_stats()
    fixed = create_project(b24, TEMPLATE, start=FRIDAY, roles=roles, key="crash-1")
    assert fixed.created == ["shelves"]
    assert fixed.checklist_items_added == 1
    assert fixed.dependencies_added == 1
    assert emu.stats.calls["tasks.task.add"] == 1
    assert project_tasks(emu, "crash-1")["shelves"]["parentId"] == str(done.tasks["fitout"])


def test_the_store_opening_template_from_yaml_with_the_async_client(emu: Emulator) -> None:
    plan = load_template(STORE)
    users = [u for u in raw(emu, "user.get", {"FILTER": {"ACTIVE": True}}) if u.get("EMAIL")]
    roles = {role: users[i % len(users)]["EMAIL"] for i, role in enumerate(plan.roles)}

    async def run() -> Any:
        async with emu.async_client() as ab24:
            return await create_project(ab24, plan, start="2025-03-03", roles=roles, key="kazan", group=True)

    made = asyncio.run(run())
    assert made.ok
    assert len(made.created) == len(plan.tasks) == 8
    assert made.checklist_items_added == 8
    assert made.dependencies_added == 8
    assert raw(emu, "sonet_group.get", {"FILTER": {"ID": made.group_id}})[0]["NAME"] == "Store opening"


# ------------------------------------------------------------------------------------------- progress
def test_progress_per_task_and_per_person(emu: Emulator, b24: Bitrix24, tmp_path: Path) -> None:
    roles = people(emu)
    made = create_project(b24, TEMPLATE, start=FRIDAY, roles=roles, group="Store 12")
    raw(emu, "tasks.task.update", {"taskId": made.tasks["lease"], "fields": {"STATUS": 5}})
    raw(emu, "tasks.task.update", {"taskId": made.tasks["shelves"], "fields": {"STATUS": 6}})
    now = dt.datetime(2025, 3, 29, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))  # fitout is overdue
    found = project_progress(b24, "store-12", now=now)
    by_key = {t.key: t.state for t in found.tasks}
    assert by_key == {"lease": "done", "fitout": "overdue", "shelves": "deferred", "open": "in progress"}
    assert found.counts == {"done": 1, "overdue": 1, "in progress": 1, "deferred": 1}
    who = ids_of(emu, roles)
    people_counts = {p.user_id: p.counts for p in found.people}
    assert people_counts[who["manager"]] == {"done": 1, "overdue": 0, "in progress": 1, "deferred": 0}
    assert people_counts[who["builder"]] == {"done": 0, "overdue": 1, "in progress": 0, "deferred": 1}
    assert found.people[0].user_id == who["builder"]  # most overdue first
    assert "4 tasks, 1 done, 1 overdue" in found.title()

    by_group = project_progress(b24, made.group_id, now=now)
    assert sorted(t.id for t in by_group.tasks) == sorted(made.tasks.values())

    frame = found.to_dataframe()
    assert list(frame["state"]) == [t.state for t in found.tasks]
    assert str(frame["task id"].dtype) == "Int64"
    assert str(frame["deadline"].dtype).startswith("datetime64")
    people_frame = found.to_dataframe(per="responsible")
    assert people_frame["total"].sum() == 4
    figure = found.plot(str(tmp_path / "progress.png"))
    assert (tmp_path / "progress.png").stat().st_size > 1000
    assert len(figure.axes[0].patches) == 4 * len(found.people)


def test_progress_of_nothing_and_bad_sources(emu: Emulator, b24: Bitrix24) -> None:
    empty = project_progress(b24, "no-such-project")
    assert empty.tasks == []
    assert empty.done_share is None
    emu.reset_stats()
    for bad in (0, "", True, 1.5):
        with pytest.raises(InvalidInputError):
            project_progress(b24, bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="time zone"):
        project_progress(b24, "x", now=dt.datetime(2025, 1, 1))
    assert emu.stats.requests == 0


def test_a_workgroup_is_found_by_name_before_one_is_created(emu: Emulator, b24: Bitrix24) -> None:
    template = {"key": "g1", "tasks": [{"key": "a", "title": "A", "responsible": "r"}]}
    first = create_project(b24, template, start=FRIDAY, roles={"r": 1}, group="Same name")
    emu.reset_stats()
    second = create_project(b24, template, start=FRIDAY, roles={"r": 1}, group="Same name", key="g2")
    assert first.group_created
    assert not second.group_created
    assert second.group_id == first.group_id
    assert "sonet_group.create" not in emu.stats.calls
    with pytest.raises(InvalidInputError, match="group must be"):
        create_project(b24, template, start=FRIDAY, roles={"r": 1}, group=-3)
