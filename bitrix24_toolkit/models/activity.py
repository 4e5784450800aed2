"""Activities, to-dos and timeline comments (reference 5.9)."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from .base import BitrixModel, CamelModel
from .values import DateTime, Int, LinkId, Money, YesNo

__all__ = ["Activity", "TimelineComment", "Todo"]


class Activity(BitrixModel):
    """A CRM activity (``crm.activity.*``): ``type_id`` 1 meeting, 2 call, 3 task, 4 e-mail, 6 provider
    (to-dos: ``provider_id`` ``CRM_TODO``); ``status`` 1 waiting, 2 completed. Fields as
    crm-activity-fields.md lists them."""

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
    provider_group_id: str | None = None
    notify_type: Int = None
    notify_value: Int = None
    origin_version: str | None = None
    provider_params: Any = None
    provider_data: str | None = None
    result_mark: Int = None
    result_value: Money = None
    result_sum: Money = None
    result_currency_id: str | None = None
    result_status: Int = None
    result_stream: Int = None
    result_source_id: str | None = None
    autocomplete_rule: Int = None
    is_incoming_channel: YesNo = None
    #: only when selected in ``crm.activity.list`` (``select: ["*", "COMMUNICATIONS"]``)
    communications: list[dict[str, Any]] | None = None
    #: ``[{"id": 1, "url": "..."}]``, only when selected (``FILES``)
    files: list[dict[str, Any]] | None = None
    bindings: list[dict[str, Any]] | None = None
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
    #: attached files keyed by file id (``{"12": {"id": 12, "name": "1.gif", "size": 43, ...}}``; ``{}``)
    files: dict[str, dict[str, Any]] | list[Any] | None = None

    @field_validator("entity_type", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value
