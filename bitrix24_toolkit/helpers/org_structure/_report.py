"""What a sync did or would do: one entry per department and employee, with the reasons."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ._structure import Problem

__all__ = ["Action", "OrgEntry", "OrgReport"]

Action = Literal["create", "update", "move", "invite", "deactivate", "unchanged"]
_ORDER: tuple[Action, ...] = ("create", "invite", "move", "update", "deactivate", "unchanged")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@dataclass
class OrgEntry:
    """One department or employee: the planned action, why, and what happened to it."""

    kind: Literal["department", "employee"]
    #: the stable key: a department's code, an employee's e-mail
    key: str
    name: str
    action: Action
    reasons: list[str] = field(default_factory=list)
    #: the source row (``None`` for a portal user missing from the source)
    row: int | None = None
    #: the portal id (known before the run, or given by it; ``None`` for a planned creation)
    id: int | None = None
    #: the write ran (``False`` in a dry run, for ``unchanged`` and for a failure)
    done: bool = False
    error: str | None = None

    @property
    def status(self) -> str:
        """``done``, ``failed``, ``skipped`` (a write it needs failed), ``planned`` or ``unchanged``."""
        if self.error is not None:
            return "skipped" if self.error.startswith("skipped") else "failed"
        if self.action == "unchanged":
            return "unchanged"
        return "done" if self.done else "planned"

    def to_dict(self) -> dict[str, Any]:
        """The entry as a plain row (for tables, JSON and DataFrames)."""
        return {
            "kind": self.kind,
            "row": self.row,
            "key": self.key,
            "name": self.name,
            "action": self.action,
            "status": self.status,
            "id": self.id,
            "reasons": "; ".join(self.reasons),
            "error": self.error or "",
        }


@dataclass
class OrgReport:
    """The plan of :func:`sync_org_structure` and, unless it was a dry run, its outcome."""

    entries: list[OrgEntry]
    dry_run: bool
    warnings: list[Problem] = field(default_factory=list)
    #: HTTP requests the sync sent (a batch of up to 50 calls is one)
    requests: int = 0
    #: write calls sent (inside batches): 0 in a dry run and in a run with nothing to change
    writes: int = 0
    #: department code -> portal id, for every department of the source known on the portal
    department_ids: dict[str, int] = field(default_factory=dict)

    def __iter__(self) -> Iterator[OrgEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def departments(self) -> list[OrgEntry]:
        """The department entries, parents first."""
        return [e for e in self.entries if e.kind == "department"]

    @property
    def employees(self) -> list[OrgEntry]:
        """The employee entries, in source order (leavers last)."""
        return [e for e in self.entries if e.kind == "employee"]

    @property
    def failed(self) -> list[OrgEntry]:
        """Entries whose write failed or was skipped because one it needs failed."""
        return [e for e in self.entries if e.error is not None]

    @property
    def changes(self) -> list[OrgEntry]:
        """Entries with something to write."""
        return [e for e in self.entries if e.action != "unchanged"]

    def counts(self, kind: Literal["department", "employee"]) -> dict[str, int]:
        """action -> how many entries of this kind."""
        counted = Counter(e.action for e in self.entries if e.kind == kind)
        return {action: counted[action] for action in _ORDER if counted[action]}

    def summary(self) -> str:
        """One line: the actions per kind, failures, warnings and requests."""
        parts = []
        for kind, label in (("department", "departments"), ("employee", "employees")):
            counts = self.counts(kind)  # type: ignore[arg-type]
            if counts:
                parts.append(f"{label}: " + ", ".join(f"{n} {action}" for action, n in counts.items()))
        text = "; ".join(parts) or "nothing in the source"
        if self.failed:
            text += f"; {len(self.failed)} failed"
        if self.warnings:
            text += f"; {len(self.warnings)} warnings"
        text += f"; {_count(self.requests, 'request')}, {_count(self.writes, 'write')}"
        return ("dry run, nothing written: " if self.dry_run else "") + text

    def to_rows(self) -> list[dict[str, Any]]:
        """Every entry as a plain row."""
        return [entry.to_dict() for entry in self.entries]

    def to_dataframe(self) -> Any:
        """The entries as a pandas DataFrame (pandas is imported here)."""
        from ...models.frames import to_dataframe

        columns = ("kind", "row", "key", "name", "action", "status", "id", "reasons", "error")
        types = {name: {"type": "integer" if name in ("row", "id") else "string"} for name in columns}
        return to_dataframe(self.to_rows(), fields=types)
