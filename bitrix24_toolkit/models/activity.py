"""Activities, to-dos and timeline comments (reference 5.9)."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from .base import BitrixModel, CamelModel
from .values import DateTime, Int, LinkId, YesNo

__all__ = ["Activity", "TimelineComment", "Todo"]


class Activity(BitrixModel):
    """A CRM activity (``crm.activity.*``): ``type_id`` 1 meeting, 2 call, 3 task, 4 e-mail, 6 provider
    (to-dos: ``provider_id`` ``CRM_TODO``); ``status`` 1 waiting, 2 completed."""

    id: Int = None
    owner_id: Int = None
    owner_type_id: Int = None
    type_id: Int = None
    provider_id: str | None = None
    provider_type_id: str | None = None
    associated_entity_id: LinkId = None
    subject: str | None = None
    description: str | None = None
    description_type: Int = None
    created: DateTime = None
    last_updated: DateTime = None
    start_time: DateTime = None
    end_time: DateTime = None
    deadline: DateTime = None
    completed: YesNo = None
    status: Int = None
    responsible_id: LinkId = None
    author_id: LinkId = None
    editor_id: LinkId = None
    priority: Int = None
    direction: Int = None
    location: str | None = None
    originator_id: str | None = None
    origin_id: str | None = None
    communications: list[dict[str, Any]] | None = None
    settings: Any = None

    @property
    def is_todo(self) -> bool:
        """A to-do created with ``crm.activity.todo.add``."""
        return self.provider_id == "CRM_TODO"


class Todo(CamelModel):
    """The fields of a new to-do (``crm.activity.todo.add``: camelCase; ``deadline`` required)."""

    owner_type_id: Int = None
    owner_id: Int = None
    deadline: DateTime = None
    title: str | None = None
    description: str | None = None
    responsible_id: Int = None
    parent_activity_id: Int = None
    ping_offsets: list[int] | None = None
    color_id: str | None = None


class TimelineComment(BitrixModel):
    """A comment in an object's timeline (``crm.timeline.comment.*``); ``entity_type``: ``deal`` ..."""

    id: Int = None
    entity_id: Int = None
    entity_type: str | None = None
    created: DateTime = None
    comment: str | None = None
    author_id: LinkId = None
    files: Any = None

    @field_validator("entity_type", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value
