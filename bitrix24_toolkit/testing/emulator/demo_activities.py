"""Calls, meetings, e-mails, to-dos and timeline comments of the demo portal (internal to the builder).

Done activities go through ``crm.activity.add`` with ``COMPLETED=Y`` at the story's current moment;
planned ones through ``crm.activity.todo.add`` (closed later with ``crm.activity.update``); comments through
``crm.timeline.comment.add``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .demo_story import Story

__all__ = ["Counterpart", "complete", "log_call", "log_email", "log_meeting", "plan_todo", "write_comment"]

_ENTITY_TYPES = {1: "lead", 2: "deal", 3: "contact", 4: "company"}


@dataclass(frozen=True)
class Counterpart:
    """Who is on the other end of a call or e-mail: a lead, contact or company and its phone/e-mail."""

    entity_type_id: int
    entity_id: int
    phone: str | None
    email: str | None


def _communication(who: Counterpart, kind: str) -> list[dict[str, object]]:
    value = who.phone if kind == "PHONE" else who.email
    return [{"VALUE": value, "ENTITY_ID": who.entity_id, "ENTITY_TYPE_ID": who.entity_type_id, "TYPE": kind}]


def _log(
    story: Story,
    owner: tuple[int, int],
    type_id: int,
    subject: str,
    who: Counterpart,
    user: int,
    *,
    minutes: int,
    direction: int,
    kind: str,
) -> int:
    start = story.now
    return int(
        story.call(
            "crm.activity.add",
            {
                "fields": {
                    "OWNER_TYPE_ID": owner[0],
                    "OWNER_ID": owner[1],
                    "TYPE_ID": type_id,
                    "SUBJECT": subject,
                    "START_TIME": start.isoformat(),
                    "END_TIME": (start + dt.timedelta(minutes=minutes)).isoformat(),
                    "COMPLETED": "Y",
                    "DIRECTION": direction,
                    "RESPONSIBLE_ID": user,
                    "COMMUNICATIONS": _communication(who, kind),
                }
            },
            user_id=user,
        )
    )


def log_call(
    story: Story, owner: tuple[int, int], who: Counterpart, subject: str, user: int, *, incoming: bool = False
) -> int:
    """A finished phone call (``TYPE_ID`` 2; direction 1 incoming, 2 outgoing)."""
    minutes = story.rng.randint(2, 15)
    return _log(
        story, owner, 2, subject, who, user, minutes=minutes, direction=1 if incoming else 2, kind="PHONE"
    )


def log_email(story: Story, owner: tuple[int, int], who: Counterpart, subject: str, user: int) -> int:
    """A sent e-mail (``TYPE_ID`` 4, outgoing)."""
    return _log(story, owner, 4, subject, who, user, minutes=1, direction=2, kind="EMAIL")


def log_meeting(story: Story, owner: tuple[int, int], who: Counterpart, subject: str, user: int) -> int:
    """A meeting in the office that took place (``TYPE_ID`` 1)."""
    kind = "PHONE" if who.phone else "EMAIL"
    return _log(
        story, owner, 1, subject, who, user, minutes=story.rng.choice((30, 45, 60)), direction=0, kind=kind
    )


def plan_todo(story: Story, owner: tuple[int, int], title: str, deadline: dt.datetime, user: int) -> int:
    """A to-do due at ``deadline`` (``crm.activity.todo.add``); returns the activity id."""
    result = story.call(
        "crm.activity.todo.add",
        {
            "ownerTypeId": owner[0],
            "ownerId": owner[1],
            "deadline": deadline.replace(microsecond=0).isoformat(),
            "title": title,
            "responsibleId": user,
        },
        user_id=user,
    )
    return int(result["id"])


def complete(story: Story, activity_id: int, user: int) -> None:
    """Mark an activity done at the current moment."""
    story.call("crm.activity.update", {"id": activity_id, "fields": {"COMPLETED": "Y"}}, user_id=user)


def write_comment(story: Story, owner: tuple[int, int], text: str, user: int) -> int:
    """A timeline comment on a lead/deal/contact/company."""
    fields = {
        "ENTITY_ID": owner[1],
        "ENTITY_TYPE": _ENTITY_TYPES[owner[0]],
        "COMMENT": text,
        "AUTHOR_ID": user,
    }
    return int(story.call("crm.timeline.comment.add", {"fields": fields}, user_id=user))
