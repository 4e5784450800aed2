"""``_sync``: where each entity's export stands (its watermark, the pass under way and its cursor)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from ._targets import Database, ident

__all__ = ["SyncState", "ensure_sync_table", "read_state", "write_state"]

_COLUMNS = [
    "entity",
    "phase",
    "watermark",
    "pending_watermark",
    "cursor",
    "rows",
    "last_full_at",
    "last_run_at",
]


@dataclass(frozen=True)
class SyncState:
    """One row of ``_sync``: ``phase`` is ``full`` or ``incremental`` while a pass runs, ``done`` after it."""

    entity: str
    phase: str = "done"
    watermark: dt.datetime | None = None
    pending_watermark: dt.datetime | None = None
    cursor: int = 0
    rows: int = 0
    last_full_at: dt.datetime | None = None
    last_run_at: dt.datetime | None = None

    def but(self, **changes: Any) -> SyncState:
        """A copy with these fields changed."""
        return replace(self, **changes)


def ensure_sync_table(db: Database) -> None:
    """Create ``_sync`` when missing."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_sync')} (entity TEXT PRIMARY KEY, phase TEXT, "
        "watermark TIMESTAMPTZ, pending_watermark TIMESTAMPTZ, cursor BIGINT, rows BIGINT, "
        "last_full_at TIMESTAMPTZ, last_run_at TIMESTAMPTZ)"
    )


def read_state(db: Database, entity: str) -> SyncState | None:
    """The ``_sync`` row of an entity, or ``None`` when it was never exported."""
    found = db.rows(
        f"SELECT {', '.join(ident(c) for c in _COLUMNS)} FROM {db.table('_sync')} WHERE entity = ?", [entity]
    )
    if not found:
        return None
    entity_, phase, watermark, pending, cursor, rows, last_full, last_run = found[0]
    return SyncState(
        str(entity_), str(phase), watermark, pending, int(cursor or 0), int(rows or 0), last_full, last_run
    )


def write_state(db: Database, state: SyncState) -> None:
    """Upsert the ``_sync`` row (inside the caller's transaction, with the rows it belongs to)."""
    db.upsert(
        "_sync",
        _COLUMNS,
        ["entity"],
        [
            (
                state.entity,
                state.phase,
                state.watermark,
                state.pending_watermark,
                state.cursor,
                state.rows,
                state.last_full_at,
                state.last_run_at,
            )
        ],
    )
