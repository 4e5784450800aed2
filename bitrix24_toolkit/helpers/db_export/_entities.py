"""One entity's pass: full (keyset by id), incremental (modified since the watermark) or resumed.

Every page the stream emits is one transaction: its rows upserted, their child rows replaced, the owners
queued for their product rows, and ``_sync.cursor`` set to the page's largest id. A pass stopped by an
error or a kill leaves ``phase`` at ``full``/``incremental`` with its cursor and ``pending_watermark``; the
next run goes on from there, so nothing is read twice and nothing is missed.

Few requests: the first one holds the fields, the newest modification time, the first page of the pass
(asked ahead with the multiple fields ``_fields`` knows and the offset ``_meta`` recorded; used only when
the fields and the probe say the same, else asked again) and the first round of the deletion check.
The pages, the product rows and the later deletion rounds then share requests (:mod:`._gather`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ...errors import Bitrix24Error
from ...protocol.batch import Batch, Outcome, has_references
from ...protocol.call import Call, Emit, Flow, Pump, Stream, relay
from ...protocol.envelope import APIResponse
from ...protocol.rows import rows_of
from ...services.activity import ActivityCalls
from ...services.crm_kinds import CompanyCalls, ContactCalls, DealCalls, LeadCalls
from ._deletions import DeletionCheck, delete_rows, reread_flow, unlink
from ._drift import userfield_calls, userfield_ids
from ._gather import Elastic, gather
from ._report import EntityReport
from ._schema import EntitySchema, child_rows, plan_schema, row_values, sync_schema
from ._state import (
    OFFSET_KEY,
    SyncState,
    offset_text,
    offset_tz,
    pass_mode,
    read_meta,
    read_state,
    write_meta,
    write_state,
)
from ._targets import Database
from ._values import parse_moment, portal_time, to_int

__all__ = ["ENTITIES", "PRODUCT_OWNERS", "Notes", "Options", "entity_flow", "reread_flows"]

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


@dataclass
class Notes:
    """What the entity passes of a run leave for its end: their schemas, the ids they deleted."""

    plans: dict[str, EntitySchema] = field(default_factory=dict)
    deleted: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    """What one export run was asked for."""

    full: bool
    deletions: bool
    overlap: dt.timedelta
    progress: bool
    now: dt.datetime
    product_rows: bool
    notes: Notes = field(default_factory=Notes, compare=False)


def _probe(entity: str, modified: str) -> Call[APIResponse]:
    """The newest modification time on the portal: one row, ordered by the modified field descending."""
    return Call(
        f"crm.{entity}.list",
        {"order": {modified: "DESC"}, "select": ["ID", modified], "start": -1},
        parse=_raw,
        read_only=True,
    )


def _count(db: Database, table: str) -> int:
    return int(db.scalar(f"SELECT COUNT(*) FROM {db.table(table)}") or 0)


def _filter(
    modified: str, phase: str, state: SyncState, overlap: dt.timedelta, like: dt.tzinfo | None
) -> dict[str, Any]:
    """The pass's filter: from its cursor, and (incremental) modified since the watermark less the overlap."""
    if phase == "incremental" and state.watermark is not None:
        return {">=" + modified: portal_time(state.watermark - overlap, like), ">ID": state.cursor}
    return {">ID": state.cursor}


def _stored_select(db: Database, entity: str) -> list[str] | None:
    """What the last run selected (``*``, ``UF_*``, the multiple fields ``_fields`` holds), or ``None``."""
    known = db.rows(
        f"SELECT code, type, is_multiple, removed_at FROM {db.table('_fields')} WHERE entity = ?", [entity]
    )
    if not known:
        return None
    live = [(str(code), kind) for code, kind, many, gone in known if many and gone is None]
    return [
        "*",
        "UF_*",
        *sorted(c for c, k in live if k == "crm_multifield"),
        *sorted(c for c, k in live if k != "crm_multifield"),
    ]


@dataclass
class _Ahead:
    """A pass's stream started before the fields are known: its first step (the probe) is in flight."""

    stream: Stream[dict[str, Any]]
    first: Batch
    flt: dict[str, Any]
    select: list[str]


def _ahead(entity: str, flt: dict[str, Any], select: list[str] | None, options: Options) -> _Ahead | None:
    if select is None:
        return None
    stream: Stream[dict[str, Any]] = _CALLS[entity]().iter_all(
        raw=True, filter=flt, select=select, check=False, progress=options.progress
    )
    try:
        first = next(stream)
    except StopIteration:
        return None
    if not isinstance(first, Batch) or first.halt or any(has_references(c) for _, c in first.items()):
        stream.close()
        return None
    return _Ahead(stream, first, flt, select)


def _resume(stream: Stream[Any], value: Any) -> Stream[Any]:
    """A started stream, its first step answered with ``value``, going on as if it had not been apart."""
    pump = Pump(stream)
    pump.reply(value)
    try:
        for step in pump:
            if isinstance(step, Emit):
                yield step
                continue
            try:
                pump.reply((yield step))
            except Bitrix24Error as exc:
                pump.fail(exc)
    finally:
        pump.close()


_OFFSET = re.compile(r"([+-]\d{2}:?\d{2}|Z)$")


def _note_offset(db: Database, text: Any, now: dt.datetime) -> None:
    """Record the portal's UTC offset that a DATE_MODIFY value shows (``_meta``), when it shows one."""
    if not isinstance(text, str) or not _OFFSET.search(text.strip()):
        return
    offset = offset_text(parse_moment(text))
    if offset is not None and offset != read_meta(db, OFFSET_KEY):
        with db.transaction():
            write_meta(db, OFFSET_KEY, offset, now)


def entity_flow(
    db: Database, entity: str, options: Options, then: Callable[[], Flow[Any]] | None = None
) -> Flow[EntityReport]:
    """Export one entity (its fields, its changed rows, its deletions) into its table; ``then`` runs
    once the rows are written (the product rows), beside the deletion check."""
    modified = "LAST_UPDATED" if entity == "activity" else "DATE_MODIFY"
    state = read_state(db, entity)
    mode, phase, fresh = pass_mode(state, options.full)
    exists = bool(db.columns(entity))
    check = DeletionCheck(db, entity) if options.deletions and exists and _count(db, entity) else None
    base = state if state is not None and not fresh else (state or SyncState(entity)).but(cursor=0)
    guess = offset_tz(read_meta(db, OFFSET_KEY))
    ahead = _ahead(
        entity, _filter(modified, phase, base, options.overlap, guess), _stored_select(db, entity), options
    )
    head = [
        Call(f"crm.{entity}.fields", {}, read_only=True, describes=f"crm.{entity}"),
        _probe(entity, modified),
        *userfield_calls(entity),
    ]
    ahead_calls = [call for _, call in ahead.first.items()] if ahead else []
    answers: list[Outcome[Any]] = yield Elastic(
        [*head, *ahead_calls], check.want if check else 0, check.plan if check else _nothing
    )
    if check is not None:
        check.absorb(answers[len(head) + len(ahead_calls) :])
    described = answers[0].unwrap()
    field_ids = yield from userfield_ids(entity, answers[2 : len(head)])
    newest_rows = rows_of(answers[1].unwrap().result)
    newest_text = newest_rows[0].get(modified) if newest_rows else None
    newest = parse_moment(newest_text)
    _note_offset(db, newest_text, options.now)
    plan = sync_schema(
        db, plan_schema(entity, described if isinstance(described, Mapping) else {}, field_ids), options.now
    )
    options.notes.plans[entity] = plan
    if plan.reread:  # a column was emptied of values the portal still has: read every row again
        state, mode, phase, fresh = None, "full", "full", True
    if state is None or fresh:
        base = state or SyncState(entity)
        state = base.but(phase=phase, pending_watermark=newest, cursor=0, last_run_at=options.now)
        with db.transaction():
            write_state(db, state)
    run = _Pass(db, plan, options, state, PRODUCT_OWNERS.get(entity) if options.product_rows else None)
    flt = _filter(modified, phase, state, options.overlap, newest.tzinfo if newest is not None else None)
    if ahead is not None and ahead.flt == flt and set(ahead.select) == set(plan.select):
        keys = [key for key, _ in ahead.first.items()]
        mine = answers[len(head) : len(head) + len(ahead_calls)]
        stream = _resume(ahead.stream, [replace(o, key=k) for o, k in zip(mine, keys, strict=True)])
    else:
        if ahead is not None:
            ahead.stream.close()
        stream = _CALLS[entity]().iter_all(
            raw=True, filter=flt, select=plan.select, check=False, progress=options.progress
        )

    def pages() -> Flow[None]:
        yield from relay(stream, run.page)  # type: ignore[misc]  # run.page keeps every Emit
        if then is not None:
            yield from then()

    yield from gather([pages(), *([check.rest()] if check else [])], nested=True)
    deleted = 0
    if check is not None:
        gone = [i for i in check.gone if i not in run.seen]  # a row read in this run is not gone
        if gone:
            with db.transaction():
                delete_rows(db, entity, gone, PRODUCT_OWNERS.get(entity))
                unlink(db, entity, gone)
            options.notes.deleted[entity] = gone
            deleted = len(gone)
        unknown = sorted(i for i in check.unknown if i not in run.seen)
        if unknown:  # on the portal, not in the table, and not read by this run: read them at the end
            with db.transaction():
                db.upsert("_reread", ["entity", "id"], ["entity", "id"], [(entity, i) for i in unknown])
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


def _nothing(room: int) -> list[Call[Any]]:
    return []


def reread_flows(db: Database, options: Options) -> dict[str, Flow[int]]:
    """The end of a run: the references to this run's deleted companies and contacts cleared again (a
    page read before the deletion may have written one back), and a flow per entity reading again the
    rows ``_reread`` holds (crm.<entity>.list)."""
    if options.notes.deleted:
        with db.transaction():
            for entity, ids in options.notes.deleted.items():
                unlink(db, entity, ids)
    flows: dict[str, Flow[int]] = {}
    for entity, plan in options.notes.plans.items():
        if db.scalar(f"SELECT COUNT(*) FROM {db.table('_reread')} WHERE entity = ?", [entity]):
            writer = _Pass(db, plan, options, SyncState(entity), None)
            flows[entity] = reread_flow(db, entity, plan.select, writer.write)
    return flows


class _Pass:
    """The page handler of one pass: each page is written in one transaction with the new cursor."""

    def __init__(
        self, db: Database, plan: EntitySchema, options: Options, state: SyncState, owner_type: str | None
    ) -> None:
        self.db, self.plan, self.options, self.state, self.owner_type = db, plan, options, state, owner_type
        self.read = 0
        self.written = 0
        #: the ids this pass wrote
        self.seen: set[int] = set()

    def page(self, emit: Emit[dict[str, Any]]) -> None:
        """Write one emitted page (returns nothing: the page goes no further)."""
        rows = [row for row in emit.items if to_int(row.get("ID")) is not None]
        self.read += len(emit.items)
        if not rows:
            return
        with self.db.transaction():
            ids = self.write(rows)
            self.state = self.state.but(cursor=max(self.state.cursor, *ids))
            write_state(self.db, self.state)

    def write(self, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Upsert rows with their child rows (and queue their product rows): their ids. Inside the
        caller's transaction."""
        rows = [row for row in rows if to_int(row.get("ID")) is not None]
        db, plan, now = self.db, self.plan, self.options.now
        ids = [int(row["ID"]) for row in rows]
        self.seen.update(ids)
        if not rows:
            return ids
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
        return ids
