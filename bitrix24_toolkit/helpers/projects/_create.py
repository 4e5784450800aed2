"""``create_project``: a template's tasks in a portal, idempotently, in a few batch requests.

The order of work (every check before the first write):

1. the template is checked (:func:`load_template`), deadlines are computed from ``start``;
2. the roles are resolved to active users (``user.get`` by e-mail and id, one batch); an unknown or
   deactivated user is refused;
3. the tasks already made for this project key are read (``tasks.task.list`` by ``TAG``; each task carries
   ``XML_ID`` ``<key>:<task key>``, so a task is recognised even when people renamed it);
4. the workgroup is found by name (``sonet_group.get``) or created (``sonet_group.create``) when asked;
5. missing tasks go in batches of up to 50, parents before children (a child in the same batch points at its
   parent with ``$result[...]``); checklist items missing by title, then the missing dependencies.

A rerun therefore creates nothing twice, and finishes what a run stopped half-way left (existing tasks are
not changed). The first failed write stops the work; the result says what was made and what failed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Final

from ...errors import Bitrix24Error, InvalidInputError, short_repr
from ...models.meta import User
from ...protocol.batch import MAX_BATCH, Batch, Outcome, Ref
from ...protocol.call import Call, Flow
from ..base import helper
from ._deadlines import resolve_deadline
from ._portal import (
    add_checklist_item,
    add_dependence,
    add_task,
    checklist_titles,
    create_group,
    find_group,
    list_tasks,
    users_by,
)
from ._result import ProjectResult
from ._roles import RoleUsers, resolve_roles, role_values
from ._template import ProjectTemplate, check_project_key, load_template

__all__ = ["ProjectResult", "create_project", "plan_deadlines", "task_marker"]

#: task-dependence-add.md: a link that exists already is refused with this code (it counts as made)
EXISTING_LINK: Final = "ILLEGAL_NEW_LINK"


def task_marker(project_key: str, task_key: str) -> str:
    """The ``XML_ID`` of a project's task: ``<project key>:<task key>``."""
    return f"{project_key}:{task_key}"


# ------------------------------------------------------------------------------------------- planning
def _start_of(start: Any) -> dt.datetime | dt.date:
    if isinstance(start, dt.datetime | dt.date):
        return start
    if isinstance(start, str):
        try:
            return dt.datetime.fromisoformat(start) if "T" in start else dt.date.fromisoformat(start)
        except ValueError:
            pass
    raise InvalidInputError(
        f"start must be a date (2025-03-03, a datetime.date or datetime), not {short_repr(start)}",
        field="start",
    )


def _holidays(holidays: Any) -> frozenset[dt.date]:
    out: set[dt.date] = set()
    for day in holidays or ():
        if isinstance(day, dt.datetime):
            out.add(day.date())
        elif isinstance(day, dt.date):
            out.add(day)
        else:
            try:
                out.add(dt.date.fromisoformat(str(day)))
            except ValueError:
                raise InvalidInputError(
                    f"holidays: {short_repr(day)} is not a date", field="holidays"
                ) from None
    return frozenset(out)


#: a resolved deadline lies within this many years of the project's start
MAX_YEARS: Final = 10


def _within(day: dt.date, anchor: dt.date, years: int) -> bool:
    """``day`` is at most ``years`` calendar years before or after ``anchor``."""

    def shifted(by: int) -> dt.date:
        year = min(max(anchor.year + by, dt.MINYEAR), dt.MAXYEAR)
        return anchor.replace(year=year, day=28 if (anchor.month, anchor.day) == (2, 29) else anchor.day)

    return shifted(-years) <= day <= shifted(years)


def plan_deadlines(
    template: ProjectTemplate, start: dt.date | dt.datetime | str, holidays: Collection[Any] = ()
) -> dict[str, dt.datetime]:
    """The deadline of every task that has one, as datetimes (at the template's ``deadline_time``); a
    deadline more than :data:`MAX_YEARS` from the start is an :class:`InvalidInputError` naming the task."""
    begin = _start_of(start)
    days = _holidays(holidays)
    zone = begin.tzinfo if isinstance(begin, dt.datetime) else None
    anchor = begin.date() if isinstance(begin, dt.datetime) else begin
    dates: dict[str, dt.date] = {}
    for task in template.tasks:  # anchors come first in a checked template
        if task.deadline is None:
            continue
        base = anchor if task.deadline.after is None else dates.get(task.deadline.after)
        if base is None:
            raise InvalidInputError(
                f"task {task.key!r}: its deadline is after task {task.deadline.after!r}, which has none",
                field="template",
            )
        try:
            day = resolve_deadline(task.deadline, base, days)
        except OverflowError:
            day = None
        if day is None or not _within(day, anchor, MAX_YEARS):
            raise InvalidInputError(
                f"task {task.key!r}: its deadline {task.deadline} falls more than {MAX_YEARS} years from "
                f"the start {anchor.isoformat()}",
                field="template",
            )
        dates[task.key] = day
    hour, minute = template.deadline_time
    return {key: dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone) for key, day in dates.items()}


def _group_option(group: Any, template: ProjectTemplate) -> int | str | None:
    if group is None or group is False:
        return None
    if group is True:
        return template.name
    if isinstance(group, int) and not isinstance(group, bool) and group > 0:
        return group
    if isinstance(group, str) and group.strip() and len(group) <= 255:
        return group.strip()
    raise InvalidInputError(
        f"group must be a workgroup name, a workgroup id, True (the template's name) or None, not "
        f"{short_repr(group)}",
        field="group",
    )


# ------------------------------------------------------------------------------------------- the flow
@helper
def create_project(
    template: ProjectTemplate | Mapping[str, Any] | str | Path,
    *,
    start: dt.date | dt.datetime | str,
    roles: Mapping[str, str | int],
    group: str | int | bool | None = None,
    key: str | None = None,
    holidays: Collection[dt.date | str] = (),
) -> Flow[ProjectResult]:
    """A template's tasks in a workgroup, idempotently (tasks.task.add, task.checklistitem.add,
    task.dependence.add, sonet_group.create; reads tasks.task.list, user.get, sonet_group.get)."""
    plan = load_template(template)
    project_key = key if key is not None else plan.key
    if project_key is None:
        raise InvalidInputError(
            "create_project needs a project key: key= or 'key' in the template", field="key"
        )
    check_project_key(project_key)
    wanted = role_values(plan, roles)
    deadlines = plan_deadlines(plan, start, holidays)
    group_option = _group_option(group, plan)
    result = ProjectResult(key=project_key, deadlines={k: v.isoformat() for k, v in deadlines.items()})

    found: list[User] = yield from users_by(wanted.emails, wanted.ids)
    people = resolve_roles(wanted, found)  # raises before any write

    rows = yield from list_tasks({"TAG": project_key}, ("ID", "XML_ID", "GROUP_ID", "TAGS"))
    prefix = task_marker(project_key, "")
    for row in rows:
        marker = str(row.get("xmlId") or "")
        task_key = marker[len(prefix) :] if marker.startswith(prefix) else ""
        if task_key and task_key not in result.tasks and any(t.key == task_key for t in plan.tasks):
            result.tasks[task_key] = int(row["id"])
            result.existing.append(task_key)
    existing_group = next(
        (int(r["groupId"]) for r in rows if str(r.get("groupId") or "0") not in ("", "0")), None
    )

    if group_option is not None:
        try:
            result.group_id, result.group_created = yield from _ensure_group(
                group_option, existing_group, plan, start, deadlines
            )
        except Bitrix24Error as exc:
            result.failed["group"] = str(exc)
            return result

    yield from _add_tasks(plan, project_key, people, deadlines, result)
    if result.failed:
        return result
    yield from _add_checklists(plan, result)
    if result.failed:
        return result
    yield from _add_dependencies(plan, result)
    return result


def _ensure_group(
    option: int | str,
    existing: int | None,
    plan: ProjectTemplate,
    start: Any,
    deadlines: Mapping[str, dt.datetime],
) -> Flow[tuple[int, bool]]:
    if isinstance(option, int):
        return option, False
    if existing is not None:  # an earlier run made the group (and some tasks in it)
        return existing, False
    same: list[dict[str, Any]] = yield find_group(option)
    match = next((row for row in same if str(row.get("NAME")) == option), None)
    if match is not None:
        return int(match["ID"]), False
    begin = _start_of(start)
    fields: dict[str, Any] = {
        "NAME": option,
        "DESCRIPTION": plan.description,
        "PROJECT": "Y",
        "VISIBLE": "Y",
        "OPENED": "N",
        "PROJECT_DATE_START": begin.isoformat(),
    }
    if deadlines:
        fields["PROJECT_DATE_FINISH"] = max(deadlines.values()).isoformat()
    group_id: int = yield create_group(fields)
    return group_id, True


def _task_fields(
    plan: ProjectTemplate,
    key: str,
    project_key: str,
    people: RoleUsers,
    deadlines: Mapping[str, dt.datetime],
    group_id: int | None,
) -> dict[str, Any]:
    task = plan.task(key)
    fields: dict[str, Any] = {
        "TITLE": task.title,
        "RESPONSIBLE_ID": people[task.responsible],
        "TAGS": [project_key],
        "XML_ID": task_marker(project_key, key),
    }
    if task.description:
        fields["DESCRIPTION"] = task.description
    if task.accomplices:
        fields["ACCOMPLICES"] = list(dict.fromkeys(people[r] for r in task.accomplices))
    if task.auditors:
        fields["AUDITORS"] = list(dict.fromkeys(people[r] for r in task.auditors))
    if key in deadlines:
        fields["DEADLINE"] = deadlines[key].isoformat()
    if task.priority is not None:
        fields["PRIORITY"] = task.priority
    if group_id:
        fields["GROUP_ID"] = group_id
    return fields


def _add_tasks(
    plan: ProjectTemplate,
    project_key: str,
    people: RoleUsers,
    deadlines: Mapping[str, dt.datetime],
    result: ProjectResult,
) -> Flow[None]:
    missing = [task.key for task in plan.tasks if task.key not in result.tasks]  # parents come first
    for at in range(0, len(missing), MAX_BATCH):
        part = missing[at : at + MAX_BATCH]
        names = {key: f"t{at + i}" for i, key in enumerate(part)}
        calls: dict[str, Call[Any]] = {}
        for key in part:
            fields = _task_fields(plan, key, project_key, people, deadlines, result.group_id)
            parent = plan.task(key).parent
            if parent is not None:
                fields["PARENT_ID"] = (
                    result.tasks[parent] if parent in result.tasks else Ref(names[parent], "task", "id")
                )
            calls[names[key]] = add_task(fields)
        # halt: a child must not be made when its parent failed (its reference would point at nothing)
        outcomes: list[Outcome[int]] = yield Batch(calls, halt=True)
        for key, outcome in zip(part, outcomes, strict=True):
            if outcome.ok and outcome.value is not None:
                result.tasks[key] = outcome.value
                result.created.append(key)
            elif outcome.ran:
                result.failed[key] = str(outcome.error)
        if result.failed:
            return


def _add_checklists(plan: ProjectTemplate, result: ProjectResult) -> Flow[None]:
    existing = [result.tasks[t.key] for t in plan.tasks if t.checklist and t.key in result.existing]
    titles: dict[int, set[str]] = yield from checklist_titles(existing)
    calls: list[Call[int]] = []
    owners: list[str] = []
    for task in plan.tasks:
        task_id = result.tasks[task.key]
        have = titles.get(task_id, set())
        for index, item in enumerate(task.checklist):
            if item.title not in have:
                calls.append(add_checklist_item(task_id, item.title, item.important, (index + 1) * 10))
                owners.append(task.key)
    if not calls:
        return
    outcomes: list[Outcome[int]] = yield Batch(calls)
    for owner, outcome in zip(owners, outcomes, strict=True):
        if outcome.ok:
            result.checklist_items_added += 1
        else:
            result.failed.setdefault(owner, f"checklist: {outcome.error}")


def _add_dependencies(plan: ProjectTemplate, result: ProjectResult) -> Flow[None]:
    links = list(dict.fromkeys(
        (dep.task, task.key, dep.link_type)
        for task in plan.tasks
        for dep in task.depends_on
    ))  # fmt: skip
    both_old = [link for link in links if link[0] in result.existing and link[1] in result.existing]
    known = yield from _existing_links(both_old, result)
    calls: list[Call[Any]] = []
    owners: list[str] = []
    for before, after, link_type in links:
        if (result.tasks[before], result.tasks[after]) in known:
            continue
        calls.append(add_dependence(result.tasks[before], result.tasks[after], link_type))
        owners.append(after)
    if not calls:
        return
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    for owner, outcome in zip(owners, outcomes, strict=True):
        if outcome.ok:
            result.dependencies_added += 1
        elif getattr(outcome.error, "code", None) != EXISTING_LINK:  # made by an earlier run: done
            result.failed.setdefault(owner, f"dependency: {outcome.error}")


def _existing_links(links: list[tuple[str, str, int]], result: ProjectResult) -> Flow[set[tuple[int, int]]]:
    """Links between tasks of earlier runs already in the portal: tasks.task.list by ``DEPENDS_ON``
    (tasks-task-list.md: "identifier of the previous task"), one call per earlier task, in one batch."""
    befores = sorted({result.tasks[link[0]] for link in links})
    if not befores:
        return set()
    calls: list[Call[Any]] = [
        Call(
            "tasks.task.list",
            {"filter": {"DEPENDS_ON": before, "TAG": result.key}, "select": ["ID"]},
            read_only=True,
        )
        for before in befores
    ]
    outcomes: list[Outcome[Any]] = yield Batch(calls)
    known: set[tuple[int, int]] = set()
    for before, outcome in zip(befores, outcomes, strict=True):
        if not outcome.ok:
            continue  # unreadable: the add below is refused with ILLEGAL_NEW_LINK if the link exists
        value = outcome.value
        rows = value.get("tasks") if isinstance(value, Mapping) else value
        for row in rows or []:
            if isinstance(row, Mapping) and row.get("id") is not None:
                known.add((before, int(row["id"])))
    return known
