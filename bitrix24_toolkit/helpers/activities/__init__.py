"""Working the CRM day: to-dos and their counters, comments, and one object's whole timeline.

- :func:`plan_activity`, :func:`complete_activity`, :func:`add_comment`, :func:`my_activities`;
- :func:`history`: creation, stage changes, activities, comments of one object in one batch;
- :class:`Owner`: which object (``Owner.deal(5)``, ``("deal", 5)``, a model with an id).
"""

from ._activities import (
    ActivityCounters,
    ActivityKind,
    Due,
    MyActivities,
    OpenActivity,
    add_comment,
    complete_activity,
    my_activities,
    plan_activity,
)
from ._history import EventKind, History, HistoryEvent, history
from ._owner import Owner, OwnerLike

__all__ = [
    "ActivityCounters",
    "ActivityKind",
    "Due",
    "EventKind",
    "History",
    "HistoryEvent",
    "MyActivities",
    "OpenActivity",
    "Owner",
    "OwnerLike",
    "add_comment",
    "complete_activity",
    "history",
    "my_activities",
    "plan_activity",
]
