"""``project_progress``: where a project's tasks are (done, overdue, in progress, deferred), per task and
per person.

The tasks are those of a workgroup (an int: ``GROUP_ID``) or of a project key (a text: the ``TAG``
:func:`create_project` puts on every task), read with ``tasks.task.list`` (50 a page, the rest in one batch);
responsible people's names come from ``user.get`` in one more request. A task is

- **done**: status 5 (completed); ``late`` when it was closed after its deadline;
- **overdue**: not done, not awaiting control (4) nor deferred (6), and its deadline is before ``now``
  (the ``-1`` meta-status of tasks-task-list.md);
- **deferred**: status 6; **in progress**: everything else (2 waiting, 3 in progress, 4 awaiting control).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from ...errors import InvalidInputError, short_repr
from ...models.frames import to_dataframe
from ...models.values import parse_datetime
from ...protocol.call import Flow
from ..base import helper
from ..funnel._names import NOBODY, user_names
from ._plot import plot_progress
from ._portal import PROGRESS_SELECT, list_tasks

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["STATES", "PersonProgress", "ProjectProgress", "TaskProgress", "project_progress"]

State = Literal["done", "overdue", "in progress", "deferred"]
#: the states in the order reports show them
STATES: Final[tuple[State, ...]] = ("done", "overdue", "in progress", "deferred")
_TASK_FIELDS: Final = {
    "task id": {"type": "integer"},
    "responsible id": {"type": "integer"},
    "status": {"type": "integer"},
    "deadline": {"type": "datetime"},
    "closed": {"type": "datetime"},
    "late": {"type": "boolean"},
}


_PERSON_INTS: Final = ("responsible id", *STATES, "total")


@dataclass(frozen=True)
class TaskProgress:
    """One task of the project and its state."""

    id: int
    title: str
    state: State
    status: int
    responsible_id: int | None
    responsible: str
    deadline: dt.datetime | None
    closed: dt.datetime | None
    #: the template key (from ``XML_ID`` ``<project key>:<task key>``), empty for other tasks
    key: str = ""
    parent_id: int | None = None

    @property
    def late(self) -> bool:
        """Closed after its deadline."""
        return self.closed is not None and self.deadline is not None and self.closed > self.deadline


@dataclass
class PersonProgress:
    """The tasks one responsible person has in the project, by state."""

    user_id: int | None
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def total(self) -> int:
        """Tasks in every state."""
        return sum(self.counts.values())


@dataclass
class ProjectProgress:
    """A project's tasks and people by state (:func:`~bitrix24_toolkit.helpers.project_progress`)."""

    source: int | str
    tasks: list[TaskProgress]
    now: dt.datetime

    @property
    def counts(self) -> dict[str, int]:
        """Tasks per state."""
        out: dict[str, int] = dict.fromkeys(STATES, 0)
        for task in self.tasks:
            out[task.state] += 1
        return out

    @property
    def people(self) -> list[PersonProgress]:
        """One row per responsible person (most overdue first, then by name)."""
        rows: dict[int | None, PersonProgress] = {}
        for task in self.tasks:
            person = rows.setdefault(
                task.responsible_id, PersonProgress(task.responsible_id, task.responsible)
            )
            person.counts[task.state] += 1
        return sorted(rows.values(), key=lambda p: (-p.counts["overdue"], p.name))

    @property
    def done_share(self) -> float | None:
        """Done tasks / all tasks (``None`` without tasks)."""
        return self.counts["done"] / len(self.tasks) if self.tasks else None

    def title(self) -> str:
        """A one-line caption."""
        what = f"group {self.source}" if isinstance(self.source, int) else f"project {self.source}"
        counts = self.counts
        share = "" if self.done_share is None else f" ({self.done_share:.0%} done)"
        return (
            f"{what}: {len(self.tasks)} tasks, {counts['done']} done, {counts['overdue']} overdue, "
            f"{counts['in progress']} in progress, {counts['deferred']} deferred{share}"
        )

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """One row per task: title, state, responsible, deadline (date), closed (date)."""
        columns = ["task", "state", "responsible", "deadline", "closed"]
        rows = [
            [
                t.title,
                t.state + (" (late)" if t.late else ""),
                t.responsible,
                t.deadline.date().isoformat() if t.deadline else "",
                t.closed.date().isoformat() if t.closed else "",
            ]
            for t in self.tasks
        ]
        return columns, rows

    def people_table(self) -> tuple[list[str], list[list[Any]]]:
        """One row per responsible person: counts per state and the total."""
        columns = ["responsible", *STATES, "total"]
        return columns, [[p.name, *(p.counts[s] for s in STATES), p.total] for p in self.people]

    def to_markdown(self) -> str:
        """The task table as Markdown, with a caption."""
        columns, rows = self.table()
        lines = [f"**{self.title()}**", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |" for row in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_markdown()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        return {
            "source": self.source,
            "now": self.now.isoformat(),
            "counts": self.counts,
            "tasks": [
                {
                    "id": t.id,
                    "key": t.key,
                    "title": t.title,
                    "state": t.state,
                    "late": t.late,
                    "status": t.status,
                    "responsible_id": t.responsible_id,
                    "responsible": t.responsible,
                    "deadline": t.deadline.isoformat() if t.deadline else None,
                    "closed": t.closed.isoformat() if t.closed else None,
                }
                for t in self.tasks
            ],
            "people": [
                {"user_id": p.user_id, "name": p.name, **p.counts, "total": p.total} for p in self.people
            ],
        }

    def to_dataframe(self, per: Literal["task", "responsible"] = "task") -> Any:
        """A ``pandas.DataFrame`` of the tasks (``per="responsible"``: of the people) with real dtypes."""
        if per == "responsible":
            rows = [
                {"responsible id": p.user_id, "responsible": p.name, **p.counts, "total": p.total}
                for p in self.people
            ]
            described: dict[str, dict[str, Any]] = {name: {"type": "integer"} for name in _PERSON_INTS}
            return to_dataframe(rows, fields=described)
        if per != "task":
            raise InvalidInputError(
                f"per must be 'task' or 'responsible', not {short_repr(per)}", field="per"
            )
        task_rows = [
            {
                "task id": t.id,
                "key": t.key,
                "title": t.title,
                "state": t.state,
                "late": "Y" if t.late else "N",
                "status": t.status,
                "responsible id": t.responsible_id,
                "responsible": t.responsible,
                "deadline": t.deadline,
                "closed": t.closed,
            }
            for t in self.tasks
        ]
        return to_dataframe(task_rows, fields=_TASK_FIELDS)

    def plot(self, path: str | None = None) -> Figure:
        """Stacked bars per responsible person (done, overdue, in progress, deferred); PNG at ``path``."""
        people = self.people
        return plot_progress(
            [p.name for p in people], {s: [p.counts[s] for p in people] for s in STATES}, self.title(), path
        )


def _state(status: int, deadline: dt.datetime | None, now: dt.datetime) -> State:
    if status == 5:
        return "done"
    if status == 6:
        return "deferred"
    if status != 4 and deadline is not None and deadline < now:
        return "overdue"
    return "in progress"


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number or None


def _when(value: Any, zone: dt.tzinfo | None) -> dt.datetime | None:
    """A task date; one without an offset is read in ``now``'s zone, one that is no date is left out."""
    try:
        moment = parse_datetime(value or None)
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def _source_filter(group_or_tag: int | str) -> dict[str, Any]:
    if isinstance(group_or_tag, int) and not isinstance(group_or_tag, bool):
        if group_or_tag < 1:
            raise InvalidInputError(
                f"a workgroup id must be 1 or more, not {group_or_tag}", field="group_or_tag"
            )
        return {"GROUP_ID": group_or_tag}
    if isinstance(group_or_tag, str) and group_or_tag.strip() and len(group_or_tag) <= 255:
        return {"TAG": group_or_tag.strip()}
    raise InvalidInputError(
        f"group_or_tag must be a workgroup id or a project key (tag), not {short_repr(group_or_tag)}",
        field="group_or_tag",
    )


@helper
def project_progress(group_or_tag: int | str, *, now: dt.datetime | None = None) -> Flow[ProjectProgress]:
    """Tasks of a workgroup or a project key by state, per task and per person (tasks.task.list, user.get)."""
    flt = _source_filter(group_or_tag)
    if now is not None and (not isinstance(now, dt.datetime) or now.tzinfo is None):
        raise InvalidInputError("now must be a datetime with a time zone", field="now")
    moment = now or dt.datetime.now(dt.UTC)
    rows = yield from list_tasks(flt, PROGRESS_SELECT)
    names: Mapping[int, str] = yield from user_names(_int(row.get("responsibleId")) for row in rows)
    prefix = f"{group_or_tag}:" if isinstance(group_or_tag, str) else None
    tasks: list[TaskProgress] = []
    for row in rows:
        status = _int(row.get("status")) or 2
        deadline = _when(row.get("deadline"), moment.tzinfo)
        responsible = _int(row.get("responsibleId"))
        marker = str(row.get("xmlId") or "")
        key = (
            marker.split(":", 1)[1] if ":" in marker and (prefix is None or marker.startswith(prefix)) else ""
        )
        tasks.append(
            TaskProgress(
                id=int(str(row["id"])),
                title=str(row.get("title") or ""),
                state=_state(status, deadline, moment),
                status=status,
                responsible_id=responsible,
                responsible=names.get(responsible, NOBODY) if responsible else NOBODY,
                deadline=deadline,
                closed=_when(row.get("closedDate"), moment.tzinfo),
                key=key,
                parent_id=_int(row.get("parentId")),
            )
        )
    return ProjectProgress(source=flt.get("GROUP_ID") or flt["TAG"], tasks=tasks, now=moment)
