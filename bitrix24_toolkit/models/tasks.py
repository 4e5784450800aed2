"""Tasks (``tasks.task.*``, camelCase answers) and their checklist items (``task.checklistitem.*``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator

from .base import BitrixModel, CamelModel
from .values import DateTime, Int, YesNo

__all__ = ["TASK_STATUSES", "ChecklistItem", "Task"]

#: fields.md: the values of ``status``
TASK_STATUSES = {2: "waiting", 3: "in progress", 4: "awaiting control", 5: "completed", 6: "deferred"}


class Task(CamelModel):
    """A task as ``tasks.task.add/update/get/list`` answer it (fields.md); ``sub_status`` -1 means overdue."""

    id: Int = None
    parent_id: Int = None
    title: str | None = None
    description: str | None = None
    priority: Int = None
    status: Int = None
    sub_status: Int = None
    mark: str | None = None
    responsible_id: Int = None
    created_by: Int = None
    created_date: DateTime = None
    changed_by: Int = None
    changed_date: DateTime = None
    closed_by: Int = None
    closed_date: DateTime = None
    activity_date: DateTime = None
    date_start: DateTime = None
    deadline: DateTime = None
    start_date_plan: DateTime = None
    end_date_plan: DateTime = None
    group_id: Int = None
    stage_id: Int = None
    xml_id: str | None = None
    guid: str | None = None
    accomplices: list[int] | None = None
    auditors: list[int] | None = None
    #: tag titles (tasks-task-list.md sends ``{"35": {"id": 35, "title": "..."}}``)
    tags: list[str] | None = None
    uf_crm_task: list[str] | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_titles(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            value = list(value.values())
        if isinstance(value, list):
            return [str(item.get("title", "")) if isinstance(item, Mapping) else str(item) for item in value]
        return value

    @property
    def done(self) -> bool:
        """Whether the task is completed (status 5)."""
        return self.status == 5


class ChecklistItem(BitrixModel):
    """A checklist item (task-checklist-item-get-list.md); a checklist itself has ``parent_id`` 0."""

    id: Int = None
    task_id: Int = None
    parent_id: Int = None
    created_by: Int = None
    title: str | None = None
    sort_index: Int = None
    is_complete: YesNo = None
    is_important: YesNo = None
    toggled_by: Int = None
    toggled_date: DateTime = None
    members: list[dict[str, Any]] | None = Field(default=None)
