"""Working the CRM day: plan a call or meeting, see my open activities with the UI's counters, mark them
done, comment in the timeline.

To-dos are created with ``crm.activity.todo.add`` (reference 5.9): ``kind`` gives the default title, the
deadline is required, ``remind`` sets the reminders (minutes before the deadline, ``pingOffsets``).
:func:`my_activities` reads every open activity of a user and sorts them as the CRM counters do:
overdue (deadline passed), today (the rest of today), upcoming (after today), plus those with no deadline.
"today" is the calendar day of ``now`` in ``now``'s time zone; ``now`` defaults to the portal's clock
(``server.time``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ...errors import InvalidInputError
from ...models.activity import Activity
from ...protocol.batch import Batch
from ...protocol.call import Call, Flow, collect
from ...services import CrmCalls, UserCalls
from ..base import helper
from ._owner import Owner, OwnerLike

__all__ = [
    "ActivityCounters",
    "ActivityKind",
    "Due",
    "MyActivities",
    "OpenActivity",
    "add_comment",
    "classify",
    "complete_activity",
    "my_activities",
    "plan_activity",
    "summarise",
]

ActivityKind = Literal["call", "meeting", "task", "email"]
Due = Literal["overdue", "today", "upcoming", "no_deadline"]
_TITLES: dict[str, str] = {"call": "Call", "meeting": "Meeting", "task": "Task", "email": "E-mail"}
#: activity TYPE_ID -> kind (reference 5.9); to-dos (provider CRM_TODO) are "todo"
_KINDS = {1: "meeting", 2: "call", 3: "task", 4: "email"}
_SELECT = [
    "ID",
    "OWNER_TYPE_ID",
    "OWNER_ID",
    "TYPE_ID",
    "PROVIDER_ID",
    "SUBJECT",
    "DEADLINE",
    "START_TIME",
    "END_TIME",
    "COMPLETED",
    "RESPONSIBLE_ID",
    "CREATED",
]


def _deadline(value: dt.datetime | dt.date | dt.timedelta | str, now: dt.datetime | None) -> Any:
    if isinstance(value, dt.timedelta):
        return ((now or dt.datetime.now().astimezone()) + value).replace(microsecond=0)
    if isinstance(value, dt.datetime | dt.date | str):
        return value
    raise InvalidInputError(
        f"deadline must be a datetime, a date, an ISO string or a timedelta from now, not {value!r}",
        field="deadline",
    )


@helper
def plan_activity(
    owner: OwnerLike,
    kind: ActivityKind = "call",
    *,
    deadline: dt.datetime | dt.date | dt.timedelta | str,
    title: str | None = None,
    description: str | None = None,
    responsible: int | None = None,
    remind: Iterable[int] | None = (15,),
    color_id: str | None = None,
) -> Flow[int]:
    """Plan a call, meeting, task or e-mail on a CRM object as a to-do; returns its activity id
    (crm.activity.todo.add). ``deadline`` may be a timedelta from now; ``remind``: minutes before it."""
    target = Owner.of(owner)
    if kind not in _TITLES:
        raise InvalidInputError(f"kind must be one of {sorted(_TITLES)}, not {kind!r}", field="kind")
    offsets = None if remind is None else sorted({int(minutes) for minutes in remind})
    if offsets is not None and any(minutes < 0 for minutes in offsets):
        raise InvalidInputError("remind: minutes before the deadline cannot be negative", field="remind")
    call = CrmCalls().activity.todo.add(
        target.entity_type_id,
        target.id,
        _deadline(deadline, None),
        title=title or _TITLES[kind],
        description=description,
        responsible_id=responsible,
        ping_offsets=offsets,
        color_id=color_id,
    )
    activity_id: int = yield call
    return activity_id


@helper
def complete_activity(activity: int | Activity) -> Flow[bool]:
    """Mark an activity (a to-do, call, meeting ...) as done (crm.activity.update ``COMPLETED=Y``)."""
    activity_id = activity.id if isinstance(activity, Activity) else activity
    if activity_id is None:
        raise InvalidInputError("this Activity has no id", field="activity")
    done: bool = yield CrmCalls().activity.update(activity_id, {"COMPLETED": "Y"})
    return done


@helper
def add_comment(owner: OwnerLike, text: str, *, author: int | None = None) -> Flow[int]:
    """Add a comment to a CRM object's timeline; returns its id (crm.timeline.comment.add)."""
    target = Owner.of(owner)
    comment_id: int = yield CrmCalls().timeline.comment.add(target.name, target.id, text, author_id=author)
    return comment_id


@dataclass(frozen=True)
class OpenActivity:
    """An open activity of :func:`my_activities`: the activity, its owner, its kind and when it is due."""

    activity: Activity
    owner: Owner
    kind: str
    due: Due

    @property
    def deadline(self) -> dt.datetime | None:
        """The deadline (``None`` if the activity has none)."""
        return self.activity.deadline

    @property
    def subject(self) -> str:
        """The title."""
        return self.activity.subject or ""


@dataclass
class ActivityCounters:
    """How many open activities are overdue, due today, upcoming, with no deadline, and in all."""

    overdue: int = 0
    today: int = 0
    upcoming: int = 0
    no_deadline: int = 0

    @property
    def total(self) -> int:
        """Every open activity."""
        return self.overdue + self.today + self.upcoming + self.no_deadline

    def add(self, due: Due) -> None:
        """Count one more activity."""
        setattr(self, due, getattr(self, due) + 1)

    def as_dict(self) -> dict[str, int]:
        """The counters as a dict (``total`` included)."""
        return {
            "overdue": self.overdue,
            "today": self.today,
            "upcoming": self.upcoming,
            "no_deadline": self.no_deadline,
            "total": self.total,
        }


@dataclass
class MyActivities:
    """Open activities of one user, by deadline, with the counters and the same counters per owner."""

    user_id: int
    now: dt.datetime
    items: list[OpenActivity] = field(default_factory=list)
    counters: ActivityCounters = field(default_factory=ActivityCounters)
    by_owner: dict[Owner, ActivityCounters] = field(default_factory=dict)

    def _due(self, due: Due) -> list[OpenActivity]:
        return [item for item in self.items if item.due == due]

    @property
    def overdue(self) -> list[OpenActivity]:
        """Activities whose deadline has passed."""
        return self._due("overdue")

    @property
    def today(self) -> list[OpenActivity]:
        """Activities due later today."""
        return self._due("today")

    @property
    def upcoming(self) -> list[OpenActivity]:
        """Activities due after today."""
        return self._due("upcoming")

    def render(self) -> str:
        """The list as text, one line per activity, counters first."""
        counts = self.counters
        lines = [
            f"user {self.user_id} at {self.now:%Y-%m-%d %H:%M}: {counts.overdue} overdue, "
            f"{counts.today} today, {counts.upcoming} upcoming, {counts.no_deadline} without deadline"
        ]
        for item in self.items:
            when = f"{item.deadline.astimezone(self.now.tzinfo):%Y-%m-%d %H:%M}" if item.deadline else "-"
            lines.append(f"  {item.due:<11} {when:<16}  {item.kind:<7} {item.owner!s:<14} {item.subject}")
        return "\n".join(lines)


def classify(deadline: dt.datetime | None, now: dt.datetime) -> Due:
    """``overdue``/``today``/``upcoming``/``no_deadline`` for a deadline seen at ``now`` (``now``'s day)."""
    if deadline is None:
        return "no_deadline"
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=now.tzinfo)
    if deadline < now:
        return "overdue"
    end_of_day = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    return "today" if deadline < end_of_day else "upcoming"


def _kind(activity: Activity) -> str:
    if activity.is_todo:
        return "todo"
    return _KINDS.get(activity.type_id or 0, "other")


def summarise(activities: Iterable[Activity], user_id: int, now: dt.datetime) -> MyActivities:
    """Sort open activities by deadline (none last) and count them (pure: no requests)."""
    result = MyActivities(user_id=user_id, now=now)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    ordered = sorted(activities, key=lambda a: (a.deadline or far, a.id or 0))
    for activity in ordered:
        if activity.completed or activity.owner_type_id is None or not activity.owner_id:
            continue
        owner = Owner(activity.owner_type_id, activity.owner_id)
        due = classify(activity.deadline, now)
        result.items.append(OpenActivity(activity, owner, _kind(activity), due))
        result.counters.add(due)
        result.by_owner.setdefault(owner, ActivityCounters()).add(due)
    return result


def _parse_now(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.astimezone()


@helper
def my_activities(user: int | None = None, *, now: dt.datetime | None = None) -> Flow[MyActivities]:
    """Open activities of a user (default: the caller) with overdue/today/upcoming counters, overall and
    per owner (crm.activity.list; ``user.current`` and ``server.time`` in one batch when needed)."""
    asks: dict[str, Call[Any]] = {}
    if user is None:
        asks["me"] = UserCalls().current()
    if now is None:
        asks["time"] = Call("server.time", {}, read_only=True)
    if asks:
        outcomes = yield Batch(asks)
        got: Mapping[str, Any] = {outcome.key: outcome.unwrap() for outcome in outcomes}
        if user is None:
            user = int(got["me"].id)
        if now is None:
            now = _parse_now(got["time"])
    if user is None or now is None:  # pragma: no cover - both were filled above
        raise InvalidInputError("my_activities: no user or no time", field="user")
    if now.tzinfo is None:
        now = now.astimezone()
    rows = yield from collect(
        CrmCalls().activity.iter_all(filter={"RESPONSIBLE_ID": user, "COMPLETED": "N"}, select=_SELECT)
    )
    return summarise(rows, user, now)
