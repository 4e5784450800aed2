"""What :func:`~bitrix24_toolkit.helpers.create_project` did, as a typed result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ProjectResult"]


@dataclass
class ProjectResult:
    """What :func:`create_project` did: the task id of every template key, and what it made now."""

    key: str
    tasks: dict[str, int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    group_id: int | None = None
    group_created: bool = False
    checklist_items_added: int = 0
    dependencies_added: int = 0
    #: template key (or ``group``) -> why its write failed; empty when everything is done
    failed: dict[str, str] = field(default_factory=dict)
    #: template key -> the deadline sent (ISO 8601)
    deadlines: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Every task, checklist item and dependency of the template is in the portal."""
        return not self.failed

    @property
    def changed(self) -> bool:
        """This run wrote something."""
        return bool(
            self.created or self.group_created or self.checklist_items_added or self.dependencies_added
        )

    def summary(self) -> str:
        """One line for people."""
        group = f", group {self.group_id}{' (new)' if self.group_created else ''}" if self.group_id else ""
        text = (
            f"project {self.key}: {len(self.tasks)} tasks ({len(self.created)} created, {len(self.existing)} "
            f"existing), {self.checklist_items_added} checklist items and {self.dependencies_added} "
            f"dependencies added{group}"
        )
        if self.failed:
            text += f"; {len(self.failed)} failed: " + "; ".join(f"{k}: {v}" for k, v in self.failed.items())
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        return {
            "key": self.key,
            "group_id": self.group_id,
            "group_created": self.group_created,
            "tasks": dict(self.tasks),
            "created": list(self.created),
            "existing": list(self.existing),
            "checklist_items_added": self.checklist_items_added,
            "dependencies_added": self.dependencies_added,
            "deadlines": dict(self.deadlines),
            "failed": dict(self.failed),
        }
