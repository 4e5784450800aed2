"""What an export did: per entity (and include) the rows read, written, deleted, and the schema drift."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["EntityReport", "ExportReport"]

Mode = Literal["full", "incremental", "resumed"]


@dataclass(frozen=True)
class EntityReport:
    """One table's part of a run: ``mode`` full, incremental or resumed (an interrupted pass went on)."""

    entity: str
    mode: Mode
    read: int = 0
    written: int = 0
    deleted: int = 0
    added_columns: tuple[str, ...] = ()
    removed_columns: tuple[str, ...] = ()

    def __str__(self) -> str:
        drift = ""
        if self.added_columns:
            drift += f", added columns: {', '.join(self.added_columns)}"
        if self.removed_columns:
            drift += f", removed fields: {', '.join(self.removed_columns)}"
        return (
            f"{self.entity}: {self.mode}, read {self.read:,}, written {self.written:,}, "
            f"deleted {self.deleted:,}{drift}"
        )


@dataclass(frozen=True)
class ExportReport:
    """A whole run: the reports by table name, the seconds it took, the target (its password masked)."""

    entities: dict[str, EntityReport] = field(default_factory=dict)
    seconds: float = 0.0
    target: str = ""
    #: includes the portal does not offer this client (no such method, no scope or right), with the error
    skipped: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[list[str]]:
        """The table the CLI prints: one row per table."""
        return [
            [
                r.entity,
                r.mode,
                f"{r.read:,}",
                f"{r.written:,}",
                f"{r.deleted:,}",
                ", ".join(r.added_columns) or "-",
                ", ".join(r.removed_columns) or "-",
            ]
            for r in self.entities.values()
        ]

    def __str__(self) -> str:
        header = ["table", "mode", "read", "written", "deleted", "added columns", "removed fields"]
        body = self.rows()
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
        lines = [f"Export to {self.target} in {self.seconds:.1f} s"]
        for row in [header, *body]:
            lines.append(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
        lines += [f"skipped {name}: {reason}" for name, reason in self.skipped.items()]
        return "\n".join(lines)
