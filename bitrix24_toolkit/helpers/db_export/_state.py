"""``_sync``: where each entity's export stands (its watermark, the pass under way and its cursor);
``_meta``: what the export learnt of the portal (its UTC offset); ``_reread``: rows to read again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from ._targets import Database, ident

__all__ = [
    "OFFSET_KEY",
    "SyncState",
    "ensure_sync_table",
    "offset_text",
    "offset_tz",
    "pass_mode",
    "read_meta",
    "read_state",
    "write_meta",
    "write_state",
]

#: the ``_meta`` key of the portal's UTC offset (``+03:00``), as its DATE_MODIFY values show it
OFFSET_KEY = "portal_utc_offset"

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


def pass_mode(state: SyncState | None, full: bool) -> tuple[str, str, bool]:
    """(report mode, pass phase, fresh pass) of a table's next pass: ``full`` the first time (or when
    asked), ``resumed`` when an interrupted pass goes on (a full one even when ``full`` is asked),
    ``incremental`` after a finished one."""
    if state is None:
        return "full", "full", True
    if state.phase == "full":
        return "resumed", "full", False
    if state.phase == "incremental" and not full:
        return "resumed", "incremental", False
    return ("full", "full", True) if full else ("incremental", "incremental", True)


def ensure_sync_table(db: Database) -> None:
    """Create ``_sync``, ``_meta`` and ``_reread`` when missing."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_sync')} (entity TEXT PRIMARY KEY, phase TEXT, "
        "watermark TIMESTAMPTZ, pending_watermark TIMESTAMPTZ, cursor BIGINT, rows BIGINT, "
        "last_full_at TIMESTAMPTZ, last_run_at TIMESTAMPTZ)"
    )
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_meta')} "
        '("key" TEXT PRIMARY KEY, "value" TEXT, updated_at TIMESTAMPTZ)'
    )
    # rows whose links to a deleted company / contact were cleared: read again from the portal
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_reread')} (entity TEXT, id BIGINT, PRIMARY KEY (entity, id))"
    )


def read_meta(db: Database, key: str) -> str | None:
    """A value of ``_meta`` (``None``: never written)."""
    value = db.scalar(f'SELECT "value" FROM {db.table("_meta")} WHERE "key" = ?', [key])
    return None if value is None else str(value)


def write_meta(db: Database, key: str, value: str, now: dt.datetime) -> None:
    """Upsert a value of ``_meta``."""
    db.upsert("_meta", ["key", "value", "updated_at"], ["key"], [(key, value, now)])


def offset_text(moment: dt.datetime | None) -> str | None:
    """A moment's UTC offset as ``+03:00`` (``None`` without one)."""
    offset = moment.utcoffset() if moment is not None else None
    if offset is None:
        return None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def offset_tz(text: str | None) -> dt.tzinfo | None:
    """``+03:00`` (as :func:`offset_text` writes it) as a fixed-offset timezone (``None``: not one)."""
    if not text or len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        delta = dt.timedelta(hours=int(text[1:3]), minutes=int(text[4:6]))
    except ValueError:
        return None
    return dt.timezone(-delta if text[0] == "-" else delta) if delta < dt.timedelta(hours=24) else None


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
