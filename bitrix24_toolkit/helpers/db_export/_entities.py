"""One entity's pass: full (keyset by id), incremental (modified since the watermark) or resumed.

Every page the stream emits is one transaction: its rows upserted, their child rows replaced, the owners
queued for their product rows, and ``_sync.cursor`` set to the page's largest id. A pass stopped by an
error or a kill leaves ``phase`` at ``full``/``incremental`` with its cursor and ``pending_watermark``; the
next run goes on from there, so nothing is read twice and nothing is missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Emit, Flow, Stream, relay
from ...protocol.envelope import APIResponse
from ...protocol.rows import rows_of
from ...services.activity import ActivityCalls
from ...services.crm_kinds import CompanyCalls, ContactCalls, DealCalls, LeadCalls
from ._deletions import delete_rows, find_deletions
from ._report import EntityReport
from ._schema import EntitySchema, child_rows, plan_schema, row_values, sync_schema
from ._state import SyncState, read_state, write_state
from ._targets import Database
from ._values import parse_moment, portal_time, to_int

__all__ = ["ENTITIES", "PRODUCT_OWNERS", "Options", "entity_flow"]

#: exported entity -> the list family whose ``iter_all`` streams it
_CALLS: dict[str, Callable[[], Any]] = {
    "deal": DealCalls,
    "lead": LeadCalls,
    "contact": ContactCalls,
    "company": CompanyCalls,
    "activity": ActivityCalls,
}
ENTITIES = ("deal", "lead", "contact", "company")
#: entities whose product rows are exported (``crm.item.productrow.list`` owner type)
PRODUCT_OWNERS = {"deal": "D", "lead": "L"}


def _raw(response: APIResponse) -> APIResponse:
    return response


@dataclass(frozen=True)
class Options:
    """What one export run was asked for."""

    full: bool
    deletions: bool
    overlap: dt.timedelta
    progress: bool
    now: dt.datetime
    product_rows: bool


def _probe(entity: str, modified: str) -> Call[APIResponse]:
    """The newest modification time on the portal: one row, ordered by the modified field descending."""
    return Call(
        f"crm.{entity}.list",
        {"order": {modified: "DESC"}, "select": ["ID", modified], "start": -1},
        parse=_raw,
        read_only=True,
    )


def _mode(state: SyncState | None, full: bool) -> tuple[str, str, bool]:
    """(report mode, pass phase, fresh pass)."""
    if state is None:
        return "full", "full", True
    if state.phase == "full":
        return "resumed", "full", False
    if state.phase == "incremental" and not full:
        return "resumed", "incremental", False
    return ("full", "full", True) if full else ("incremental", "incremental", True)


def _count(db: Database, table: str) -> int:
    return int(db.scalar(f"SELECT COUNT(*) FROM {db.table(table)}") or 0)


def entity_flow(db: Database, entity: str, options: Options) -> Flow[EntityReport]:
    """Export one entity (its fields, its changed rows, its deletions) into its table."""
    modified = "LAST_UPDATED" if entity == "activity" else "DATE_MODIFY"
    state = read_state(db, entity)
    mode, phase, fresh = _mode(state, options.full)
    answers: list[Outcome[Any]] = yield Batch(
        [
            Call(f"crm.{entity}.fields", {}, read_only=True, describes=f"crm.{entity}"),
            _probe(entity, modified),
        ]
    )
    described = answers[0].unwrap()
    newest_rows = rows_of(answers[1].unwrap().result)
    newest_text = newest_rows[0].get(modified) if newest_rows else None
    newest = parse_moment(newest_text)
    plan = sync_schema(
        db, plan_schema(entity, described if isinstance(described, Mapping) else {}), options.now
    )
    had_rows = _count(db, entity) > 0
    if state is None or fresh:
        base = state or SyncState(entity)
        state = base.but(phase=phase, pending_watermark=newest, cursor=0, last_run_at=options.now)
        with db.transaction():
            write_state(db, state)
    watermark = state.watermark
    run = _Pass(db, plan, options, state, PRODUCT_OWNERS.get(entity) if options.product_rows else None)
    flt: dict[str, Any] = {">ID": state.cursor}
    if phase == "incremental" and watermark is not None:
        like = newest.tzinfo if newest is not None else None
        flt = {">=" + modified: portal_time(watermark - options.overlap, like), ">ID": state.cursor}
    stream: Stream[dict[str, Any]] = _CALLS[entity]().iter_all(
        raw=True, filter=flt, select=plan.select, check=False, progress=options.progress
    )
    yield from relay(stream, run.page)  # type: ignore[misc]  # run.page keeps every Emit
    deleted = 0
    if options.deletions and had_rows:  # a first load into an empty table has nothing to compare
        gone = yield from find_deletions(db, entity)
        if gone:
            with db.transaction():
                delete_rows(db, entity, gone, PRODUCT_OWNERS.get(entity))
            deleted = len(gone)
    final = run.state.but(
        phase="done",
        watermark=run.state.pending_watermark or run.state.watermark,
        cursor=0,
        rows=_count(db, entity),
        last_full_at=options.now if phase == "full" else run.state.last_full_at,
        last_run_at=options.now,
    )
    with db.transaction():
        write_state(db, final)
    return EntityReport(
        entity=entity,
        mode=mode,  # type: ignore[arg-type]
        read=run.read,
        written=run.written,
        deleted=deleted,
        added_columns=tuple(plan.added),
        removed_columns=tuple(plan.removed),
    )


class _Pass:
    """The page handler of one pass: each page is written in one transaction with the new cursor."""

    def __init__(
        self, db: Database, plan: EntitySchema, options: Options, state: SyncState, owner_type: str | None
    ) -> None:
        self.db, self.plan, self.options, self.state, self.owner_type = db, plan, options, state, owner_type
        self.read = 0
        self.written = 0

    def page(self, emit: Emit[dict[str, Any]]) -> None:
        """Write one emitted page (returns nothing: the page goes no further)."""
        rows = [row for row in emit.items if to_int(row.get("ID")) is not None]
        self.read += len(emit.items)
        if not rows:
            return
        db, plan, now = self.db, self.plan, self.options.now
        ids = [int(row["ID"]) for row in rows]
        entity = plan.entity
        multi: list[tuple[Any, ...]] = []
        many: list[tuple[Any, ...]] = []
        for row, row_id in zip(rows, ids, strict=True):
            one, more = child_rows(plan, row, row_id)
            multi.extend(one)
            many.extend(more)
        with db.transaction():
            self.written += db.upsert(
                entity, plan.names, ["id"], [row_values(plan, row, now) for row in rows]
            )
            db.delete_in(f"{entity}_multifield", "entity_id", ids)
            db.delete_in(f"{entity}_multiple", "entity_id", ids)
            db.upsert(
                f"{entity}_multifield",
                ["entity_id", "field", "value_id", "value_type", "value"],
                ["entity_id", "field", "value_id"],
                multi,
            )
            db.upsert(
                f"{entity}_multiple", ["entity_id", "field", "n", "value"], ["entity_id", "field", "n"], many
            )
            if self.owner_type is not None:
                db.upsert(
                    "_product_queue",
                    ["owner_type", "owner_id"],
                    ["owner_type", "owner_id"],
                    [(self.owner_type, row_id) for row_id in ids],
                )
            self.state = self.state.but(cursor=max(self.state.cursor, *ids))
            write_state(db, self.state)
