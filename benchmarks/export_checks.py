"""What the export benchmark checks: the database against the server's own store, row by row.

The server side comes from the control port of :mod:`benchmarks.export_server` (its store, read directly);
the database side from DuckDB (opened read-only once the exporting process has ended) or PostgreSQL
(psycopg). A deal matches when its id is on both sides and ``TITLE``, ``OPPORTUNITY`` (to the cent),
``STAGE_ID`` and ``DATE_MODIFY`` (the same instant) are equal; stage history matches by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

__all__ = ["Side", "compare", "database_side", "server_side"]

#: (title, opportunity in cents, stage, modified as unix seconds) by deal id
Deals = dict[int, tuple[str | None, int | None, str | None, int | None]]


class Side:
    """One side of the comparison: deals by id, stage-history ids, and the row counts as stored."""

    def __init__(self, deals: Deals, history: list[int], rows: int, history_rows: int) -> None:
        self.deals = deals
        self.history = history
        self.rows = rows  # rows stored (a duplicate would count twice)
        self.history_rows = history_rows


def _cents(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return round(float(value) * 100)


def _instant(value: Any) -> int | None:
    if value in (None, ""):
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


def _deal(title: Any, opportunity: Any, stage: Any, modified: Any) -> tuple[Any, ...]:
    return (
        None if title is None else str(title),
        _cents(opportunity),
        None if stage is None else str(stage),
        _instant(modified),
    )


def server_side(server: Any) -> Side:
    """The server's deals and stage history, from its store (control port, not counted)."""
    rows = server.call("/_deals")["rows"]
    deals = {int(r[0]): _deal(*r[1:]) for r in rows}
    history = [int(i) for i in server.call("/_history")["ids"]]
    return Side(deals, history, len(rows), len(history))


def _connect(target: str) -> Any:
    if target.startswith("duckdb:"):
        import duckdb

        return duckdb.connect(target.split("duckdb:///", 1)[1], read_only=True)
    import psycopg

    return psycopg.connect(target)


def database_side(target: str) -> Side:
    """The exported deals and the deals' stage history (entity type 2), as the database holds them."""
    conn = _connect(target)
    try:
        rows = conn.execute("SELECT id, title, opportunity, stage_id, date_modify FROM deal").fetchall()
        history = conn.execute("SELECT id FROM stage_history WHERE entity_type_id = 2").fetchall()
    finally:
        conn.close()
    deals = {int(r[0]): _deal(*r[1:]) for r in rows}
    ids = [int(r[0]) for r in history]
    return Side(deals, sorted(set(ids)), len(rows), len(ids))


def compare(server: Side, db: Side, changed: Iterable[int] = ()) -> dict[str, Any]:
    """Missing, extra, duplicated and differing rows; how many of ``changed`` carry the server's values."""
    want, got = set(server.deals), set(db.deals)
    differ = sorted(i for i in want & got if server.deals[i] != db.deals[i])
    changed = sorted(set(changed))
    h_want, h_got = set(server.history), set(db.history)
    out: dict[str, Any] = {
        "deals_server": len(want),
        "deals_db": db.rows,
        "missing": len(want - got),
        "extra": len(got - want),
        "duplicated": db.rows - len(got),
        "differing": len(differ),
        "differing_ids": differ[:5],
        "changed_checked": len(changed),
        "changed_equal": sum(1 for i in changed if i in got and db.deals[i] == server.deals.get(i)),
        "history_server": len(h_want),
        "history_db": db.history_rows,
        "history_missing": len(h_want - h_got),
        "history_extra": len(h_got - h_want),
        "history_duplicated": db.history_rows - len(h_got),
    }
    out["exact"] = (
        out["missing"] == out["extra"] == out["duplicated"] == out["differing"] == 0
        and out["history_missing"] == out["history_extra"] == out["history_duplicated"] == 0
        and out["changed_equal"] == out["changed_checked"]
    )
    return out
