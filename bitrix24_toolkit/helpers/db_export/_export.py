"""``export(b24, target)``: the CRM into DuckDB or PostgreSQL, incremental and resumable."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

from ...errors import InvalidInputError, short_repr
from ...protocol.call import Flow
from ..base import helper
from ._entities import ENTITIES, PRODUCT_OWNERS, Options, entity_flow
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


def _names(value: Any, known: Sequence[str], what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence | set | frozenset) or isinstance(value, bytes):
        raise InvalidInputError(f"{what} must be a list of names from {', '.join(known)}", field=what)
    out: list[str] = []
    for name in value:
        if not isinstance(name, str) or name.lower() not in known:
            raise InvalidInputError(
                f"unknown {what[:-1] if what.endswith('s') else what} {short_repr(name)}: "
                f"choose from {', '.join(known)}",
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


def _entity_then_products(db: Database, entity: str, options: Options) -> Flow[list[EntityReport]]:
    report = yield from entity_flow(db, entity, options)
    reports = [report]
    owner = PRODUCT_OWNERS.get(entity)
    if options.product_rows and owner is not None:
        read, owners = yield from product_rows_flow(db, owner)
        reports.append(EntityReport(f"product_row:{owner}", report.mode, read, owners))
    return reports


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
        names = [*chosen, *(["activity"] if "activities" in extras else [])]
        flows: list[Flow[Any]] = [_entity_then_products(db, name, options) for name in names]
        if "stagehistory" in extras:
            flows += [stage_history_flow(db, _TYPE_IDS[e], now, full) for e in chosen if e in _TYPE_IDS]
        if "statuses" in extras:
            flows.append(statuses_flow(db))
        funnels = [_TYPE_IDS[e] for e in chosen if e == "deal"]
        if "categories" in extras and funnels:
            flows.append(categories_flow(db, funnels))
        if "users" in extras:
            flows.append(users_flow(db))
        results = yield from gather(flows)
    finally:
        db.close()
    reports: dict[str, EntityReport] = {}
    for result in results:
        for report in result if isinstance(result, list) else [result]:
            reports[report.entity] = report
    return ExportReport(reports, round(time.monotonic() - started, 3), parsed.shown)
