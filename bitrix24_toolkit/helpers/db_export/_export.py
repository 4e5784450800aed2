"""``export(b24, target)``: the CRM into DuckDB or PostgreSQL, incremental and resumable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

from ...errors import InvalidInputError, MethodNotFoundError, PermissionDeniedError, short_repr
from ...protocol.call import Flow
from ..base import helper
from ._entities import ENTITIES, PRODUCT_OWNERS, Options, entity_flow, reread_flows
from ._gather import gather
from ._includes import (
    categories_flow,
    ensure_include_tables,
    product_rows_flow,
    stage_history_flow,
    statuses_flow,
    users_flow,
)
from ._report import EntityReport, ExportReport
from ._schema import ensure_meta_tables
from ._state import ensure_sync_table
from ._targets import Database, ident, open_database, parse_target, require_driver

__all__ = ["INCLUDES", "KNOWN_ENTITIES", "export"]

KNOWN_ENTITIES = ("deal", "lead", "contact", "company")
INCLUDES = ("stagehistory", "activities", "productrows", "statuses", "categories", "users")
#: entity -> its entityTypeId (stage history, funnels)
_TYPE_IDS = {"lead": 1, "deal": 2}


_SINGULAR = {"entities": "entity", "include": "include"}


def _names(value: Any, known: Sequence[str], what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence | set | frozenset) or isinstance(value, bytes):
        raise InvalidInputError(f"{what} must be a list of names from {', '.join(known)}", field=what)
    out: list[str] = []
    for name in value:
        if not isinstance(name, str) or name.lower() not in known:
            raise InvalidInputError(
                f"unknown {_SINGULAR.get(what, what)} {short_repr(name)}: choose from {', '.join(known)}",
                field=what,
            )
        if name.lower() not in out:
            out.append(name.lower())
    return out


def _check_schema(schema: object) -> str | None:
    if schema is None:
        return None
    if not isinstance(schema, str):
        raise InvalidInputError(
            f"schema must be a name such as 'crm', not {short_repr(schema)}", field="schema"
        )
    try:
        ident(schema)
    except InvalidInputError:
        raise InvalidInputError(
            f"schema must be lowercase letters, digits and _ (such as 'crm'), not {short_repr(schema)}",
            field="schema",
        ) from None
    return schema


def _entity_then_products(
    db: Database, entity: str, options: Options, skipped: dict[str, str]
) -> Flow[list[EntityReport]]:
    """The entity's pass; its product rows are read once its rows are written, beside its deletion check
    (left out, and named in ``skipped``, when the portal does not offer them)."""
    owner = PRODUCT_OWNERS.get(entity) if options.product_rows else None
    done: list[tuple[int, int]] = []

    def products(owner_type: str) -> Flow[None]:
        rows = yield from _optional("productrows", product_rows_flow(db, owner_type), skipped)
        if rows != []:
            done.append(rows)

    then = (lambda: products(owner)) if owner is not None else None
    report = yield from entity_flow(db, entity, options, then)
    reports = [report]
    if owner is not None and done:
        reports.append(EntityReport(f"product_row:{owner}", report.mode, *done[0]))
    return reports


def _optional(include: str, flow: Flow[Any], skipped: dict[str, str]) -> Flow[Any]:
    """An include the portal does not offer (no such method, no scope or right for it) is left out and
    named in ``skipped``; the entities and every other include go on."""
    try:
        return (yield from flow)
    except (MethodNotFoundError, PermissionDeniedError) as exc:
        skipped[include] = f"{exc.code or type(exc).__name__}: {exc.method or 'the method'}"
        return []


@helper
def export(
    target: str,
    *,
    entities: Sequence[str] = ENTITIES,
    include: Sequence[str] = INCLUDES,
    full: bool = False,
    deletions: bool = True,
    overlap: dt.timedelta = dt.timedelta(minutes=5),
    schema: str | None = None,
    progress: bool = False,
) -> Flow[ExportReport]:
    """Export the CRM into DuckDB or PostgreSQL, incrementally (crm.*.fields, crm.*.list,
    crm.stagehistory.list, crm.item.productrow.list, crm.status.list, crm.category.list, user.get)."""
    chosen = _names(entities, KNOWN_ENTITIES, "entities")
    extras = _names(include, INCLUDES, "include")
    if not chosen and "activities" not in extras:
        raise InvalidInputError("nothing to export: give at least one entity", field="entities")
    if not isinstance(overlap, dt.timedelta) or overlap < dt.timedelta(0):
        raise InvalidInputError(
            f"overlap must be a datetime.timedelta >= 0, not {short_repr(overlap)}", field="overlap"
        )
    schema_name = _check_schema(schema)
    parsed = parse_target(target)
    require_driver(parsed)
    started = time.monotonic()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    options = Options(full, deletions, overlap, progress, now, "productrows" in extras)
    db = open_database(parsed, schema_name)
    try:
        with db.transaction():
            ensure_sync_table(db)
            ensure_meta_tables(db)
        tables = {
            "stagehistory": "stage_history",
            "productrows": "product_row",
            "statuses": "status",
            "categories": "category",
            "users": "users",
        }
        ensure_include_tables(db, {tables[name] for name in extras if name in tables})
        skipped: dict[str, str] = {}
        flows: list[Flow[Any]] = [_entity_then_products(db, name, options, skipped) for name in chosen]
        if "activities" in extras:
            activities = _entity_then_products(db, "activity", options, skipped)
            flows.append(_optional("activities", activities, skipped))
        if "stagehistory" in extras:
            flows += [
                _optional("stagehistory", stage_history_flow(db, _TYPE_IDS[e], now, full), skipped)
                for e in chosen
                if e in _TYPE_IDS
            ]
        if "statuses" in extras:
            flows.append(_optional("statuses", statuses_flow(db), skipped))
        funnels = [_TYPE_IDS[e] for e in chosen if e == "deal"]
        if "categories" in extras and funnels:
            flows.append(_optional("categories", categories_flow(db, funnels), skipped))
        if "users" in extras:
            flows.append(_optional("users", users_flow(db), skipped))
        results = yield from gather(flows)
        reread = reread_flows(db, options)  # rows that pointed at a deleted company or contact
        again = dict(zip(reread, (yield from gather(list(reread.values()))), strict=True)) if reread else {}
    finally:
        db.close()
    reports: dict[str, EntityReport] = {}
    for result in results:
        for report in result if isinstance(result, list) else [result]:
            reports[report.entity] = report
    for name, count in again.items():
        if name in reports:
            done = reports[name]
            reports[name] = dataclasses.replace(done, read=done.read + count, written=done.written + count)
    return ExportReport(reports, round(time.monotonic() - started, 3), parsed.shown, skipped)
