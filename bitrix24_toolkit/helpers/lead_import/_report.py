"""The report of a lead import: one line per source row (created, updated, skipped, failed, unknown)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..reports import write_csv

__all__ = ["OUTCOME_COLUMNS", "ImportReport", "ImportRow", "RowStatus"]

#: the report's own columns, before the source cells
OUTCOME_COLUMNS = ("row", "status", "lead_id", "reasons")

#: ``unknown``: the write was sent but its answer was lost — check the portal before importing it again
RowStatus = Literal["created", "updated", "skipped", "failed", "unknown"]
_STATUSES: tuple[RowStatus, ...] = ("created", "updated", "skipped", "failed", "unknown")


@dataclass(frozen=True)
class ImportRow:
    """What happened to one source row."""

    row: int
    status: RowStatus
    lead_id: int | None = None
    reasons: tuple[str, ...] = ()
    #: the row as read (column -> cell text), to fix and re-import failed rows
    source: Mapping[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The reasons in one line."""
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class ImportReport:
    """Every row's outcome, in source order, and how the source was read."""

    rows: list[ImportRow] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    #: source columns no lead field took
    ignored_columns: tuple[str, ...] = ()
    #: column -> lead field as used
    mapping: Mapping[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None

    def __iter__(self) -> Iterator[ImportRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def _with(self, status: RowStatus) -> list[ImportRow]:
        return [row for row in self.rows if row.status == status]

    @property
    def created(self) -> list[ImportRow]:
        """Rows written as new leads."""
        return self._with("created")

    @property
    def updated(self) -> list[ImportRow]:
        """Rows written into an existing lead (``dedupe="update"``)."""
        return self._with("updated")

    @property
    def skipped(self) -> list[ImportRow]:
        """Rows not written because the lead already exists (``dedupe="skip"``) or repeats an earlier row."""
        return self._with("skipped")

    @property
    def failed(self) -> list[ImportRow]:
        """Rows refused by validation or by the portal, with the reasons."""
        return self._with("failed")

    @property
    def unknown(self) -> list[ImportRow]:
        """Rows whose write outcome is unknown (the answer was lost)."""
        return self._with("unknown")

    @property
    def counts(self) -> dict[str, int]:
        """``{"created": n, "updated": n, "skipped": n, "failed": n, "unknown": n}``."""
        seen = Counter(row.status for row in self.rows)
        return {status: seen.get(status, 0) for status in _STATUSES}

    @property
    def errors(self) -> list[str]:
        """``"row 5: ..."`` for every failed row."""
        return [f"row {row.row}: {row.reason}" for row in self.rows if row.status in ("failed", "unknown")]

    @property
    def ok(self) -> bool:
        """No row failed or ended unknown."""
        return not self.failed and not self.unknown

    def summary(self) -> str:
        """One line: ``10000 rows: 9871 created, 0 updated, 120 skipped, 9 failed, 0 unknown``."""
        parts = ", ".join(f"{count} {status}" for status, count in self.counts.items())
        return f"{len(self.rows)} rows: {parts}"

    def source_columns(self) -> dict[str, str]:
        """Source column -> its name in the report: a source column named like an outcome column
        (``row``, ``status``, ``lead_id``, ``reasons``) becomes ``"status (source)"``, never overwriting
        it."""
        taken = set(OUTCOME_COLUMNS)
        names: dict[str, str] = {}
        for column in self.columns:
            name = column
            while name in taken:
                name = f"{name} (source)"
            taken.add(name)
            names[column] = name
        return names

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dict per row: ``row``, ``status``, ``lead_id``, ``reasons`` and the source cells (see
        :meth:`source_columns` for source columns named like those)."""
        names = self.source_columns()
        out = []
        for row in self.rows:
            record: dict[str, Any] = {
                "row": row.row,
                "status": row.status,
                "lead_id": row.lead_id,
                "reasons": row.reason,
            }
            record.update({names[column]: row.source.get(column, "") for column in self.columns})
            out.append(record)
        return out

    def to_csv(
        self, path: str | os.PathLike[str], *, delimiter: str = ";", encoding: str = "utf-8-sig"
    ) -> Path:
        """Save the report (one line per row, the source cells after the outcome); Excel opens the
        defaults (``;`` and UTF-8 with a BOM) directly, and cells a spreadsheet would run as formulas are
        defused (:func:`~bitrix24_toolkit.helpers.safe_cell`). Returns the path."""
        header = [*OUTCOME_COLUMNS, *self.source_columns().values()]
        rows = ([record[key] for key in header] for record in self.to_dicts())
        return write_csv(path, header, rows, delimiter=delimiter, encoding=encoding)
