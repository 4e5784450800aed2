"""The includes: stage history (append-only, by id), product rows (of the owners written this run),
and the directories replaced each run (statuses, funnels, users)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ...models.base import BitrixModel
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Emit, Flow, collect, relay
from ...protocol.envelope import APIResponse
from ...protocol.rows import rows_of
from ...services.listing import stream_rows
from ._report import EntityReport
from ._state import SyncState, pass_mode, read_state, write_state
from ._targets import Database, ident
from ._values import convert, parse_moment, to_bool, to_int, to_text

__all__ = [
    "categories_flow",
    "ensure_include_tables",
    "product_rows_flow",
    "stage_history_flow",
    "statuses_flow",
    "users_flow",
]

#: owners per ``crm.item.productrow.list`` call (a page holds 50 rows)
OWNERS_PER_CALL = 10
#: owners taken from the queue per round (100 calls: two batch requests)
OWNERS_PER_ROUND = 1000

_TABLES = {
    "stage_history": "id BIGINT, entity_type_id INTEGER, owner_id BIGINT, type_id INTEGER, stage_id TEXT, "
    "stage_semantic_id TEXT, category_id BIGINT, created_time TIMESTAMPTZ, PRIMARY KEY (entity_type_id, id)",
    "product_row": "id BIGINT PRIMARY KEY, owner_type TEXT, owner_id BIGINT, product_id BIGINT, "
    "product_name TEXT, "
    "price NUMERIC(18,2), quantity NUMERIC(18,4), discount_type_id INTEGER, discount_rate NUMERIC(18,4), "
    "discount_sum NUMERIC(18,2), tax_rate NUMERIC(18,4), tax_included BOOLEAN, measure_code INTEGER, "
    "measure_name TEXT, sort INTEGER",
    "status": "entity_id TEXT, status_id TEXT, name TEXT, sort INTEGER, semantics TEXT, category_id BIGINT, "
    "color TEXT, id BIGINT, PRIMARY KEY (entity_id, status_id)",
    "category": "entity_type_id INTEGER, id BIGINT, name TEXT, sort INTEGER, is_default BOOLEAN, "
    "PRIMARY KEY (entity_type_id, id)",
    "users": "id BIGINT PRIMARY KEY, active BOOLEAN, name TEXT, last_name TEXT, second_name TEXT, "
    "email TEXT, "
    "work_position TEXT, departments TEXT",
}
#: columns added to an include table after its first version (older databases get them on the next run)
_ADDED = {"status": [("id", "BIGINT")]}
_INDEXES = {"stage_history": [["owner_id"], ["created_time"]], "product_row": [["owner_type", "owner_id"]]}


def ensure_include_tables(db: Database, names: set[str]) -> None:
    """Create the include tables asked for (and their indexes)."""
    with db.transaction():
        for name in names:
            db.execute(f"CREATE TABLE IF NOT EXISTS {db.table(name)} ({_TABLES[name]})")
            for column, sql_type in _ADDED.get(name, []):  # columns later versions added
                if column not in db.columns(name):
                    db.execute(f"ALTER TABLE {db.table(name)} ADD COLUMN {ident(column)} {sql_type}")
            for columns in _INDEXES.get(name, []):
                db.index(name, columns)


def _raw(response: APIResponse) -> APIResponse:
    return response


# ------------------------------------------------------------------------------------ stage history
def stage_history_flow(db: Database, entity_type_id: int, now: dt.datetime, full: bool) -> Flow[EntityReport]:
    """New stage changes of one entity type, by ``>ID`` the largest stored id (crm.stagehistory.list).

    Like an entity table's pass: ``full`` on the first load (or ``full=True``, from id 0), ``resumed``
    when an interrupted pass goes on from its cursor, ``incremental`` after a finished one; ``_sync``
    holds the pass's phase and cursor (the largest id committed) until it is done."""
    key = f"stage_history:{entity_type_id}"
    state = read_state(db, key)
    mode, phase, fresh = pass_mode(state, full)
    if fresh or state is None:
        stored = db.scalar(
            f"SELECT MAX(id) FROM {db.table('stage_history')} WHERE entity_type_id = ?", [entity_type_id]
        )
        after = 0 if phase == "full" else int(stored or 0)
        state = (state or SyncState(key)).but(phase=phase, cursor=after, last_run_at=now)
        with db.transaction():
            write_state(db, state)
    after = state.cursor
    current = [state]
    counts = {"read": 0, "written": 0}
    columns = [
        "id",
        "entity_type_id",
        "owner_id",
        "type_id",
        "stage_id",
        "stage_semantic_id",
        "category_id",
        "created_time",
    ]

    def page(emit: Emit[dict[str, Any]]) -> None:
        rows = []
        for row in emit.items:
            row_id = to_int(row.get("ID"))
            if row_id is None:
                continue
            rows.append(
                (
                    row_id,
                    entity_type_id,
                    to_int(row.get("OWNER_ID")),
                    convert(row.get("TYPE_ID"), "INTEGER"),
                    to_text(row.get("STAGE_ID", row.get("STATUS_ID"))),
                    to_text(row.get("STAGE_SEMANTIC_ID", row.get("STATUS_SEMANTIC_ID"))),
                    to_int(row.get("CATEGORY_ID")),
                    parse_moment(row.get("CREATED_TIME")),
                )
            )
        counts["read"] += len(emit.items)
        if not rows:
            return
        with db.transaction():
            counts["written"] += db.upsert("stage_history", columns, ["entity_type_id", "id"], rows)
            current[0] = current[0].but(cursor=max(current[0].cursor, *(r[0] for r in rows)))
            write_state(db, current[0])

    stream = stream_rows(
        "crm.stagehistory.list",
        {"entityTypeId": entity_type_id, "filter": {">ID": after}, "order": {"ID": "ASC"}},
        BitrixModel.model_validate,  # unused: raw rows
        wrapper="items",
        raw=True,
    )
    yield from relay(stream, page)  # type: ignore[misc]  # page keeps every Emit
    total = db.scalar(
        f"SELECT COUNT(*) FROM {db.table('stage_history')} WHERE entity_type_id = ?", [entity_type_id]
    )
    with db.transaction():
        write_state(
            db,
            current[0].but(
                phase="done",
                cursor=0,
                rows=int(total or 0),
                last_run_at=now,
                last_full_at=now if phase == "full" else state.last_full_at,
            ),
        )
    return EntityReport(key, mode, counts["read"], counts["written"])  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------- product rows
_PRODUCT_COLUMNS = [
    ("id", "id", "BIGINT"),
    ("owner_type", "ownerType", "TEXT"),
    ("owner_id", "ownerId", "BIGINT"),
    ("product_id", "productId", "BIGINT"),
    ("product_name", "productName", "TEXT"),
    ("price", "price", "NUMERIC(18,2)"),
    ("quantity", "quantity", "NUMERIC(18,4)"),
    ("discount_type_id", "discountTypeId", "INTEGER"),
    ("discount_rate", "discountRate", "NUMERIC(18,4)"),
    ("discount_sum", "discountSum", "NUMERIC(18,2)"),
    ("tax_rate", "taxRate", "NUMERIC(18,4)"),
    ("tax_included", "taxIncluded", "BOOLEAN"),
    ("measure_code", "measureCode", "INTEGER"),
    ("measure_name", "measureName", "TEXT"),
    ("sort", "sort", "INTEGER"),
]


def _product_call(owner_type: str, owners: list[int], after: int = 0) -> Call[APIResponse]:
    flt: dict[str, Any] = {"=ownerType": owner_type, "=ownerId": owners}
    if after:
        flt[">id"] = after
    return Call(
        "crm.item.productrow.list", {"filter": flt, "order": {"id": "ASC"}}, parse=_raw, read_only=True
    )


def _product_rows(response: APIResponse) -> list[dict[str, Any]]:
    return rows_of(response.result, "productRows")


def product_rows_flow(db: Database, owner_type: str) -> Flow[tuple[int, int]]:
    """The product rows of the queued owners (written this run or left by an interrupted one), owner by
    owner replaced; returns (rows read, owners done) (crm.item.productrow.list)."""
    read = owners_done = 0
    while True:
        queued = [
            int(r[0])
            for r in db.rows(
                f"SELECT owner_id FROM {db.table('_product_queue')} WHERE owner_type = ? "
                "ORDER BY owner_id LIMIT ?",
                [owner_type, OWNERS_PER_ROUND],
            )
        ]
        if not queued:
            return read, owners_done
        groups = [queued[i : i + OWNERS_PER_CALL] for i in range(0, len(queued), OWNERS_PER_CALL)]
        outcomes: list[Outcome[Any]] = yield Batch([_product_call(owner_type, group) for group in groups])
        for group, outcome in zip(groups, outcomes, strict=True):
            response: APIResponse = outcome.unwrap()
            rows = _product_rows(response)
            page = rows
            while len(page) >= 50:  # more than a page: go on by id (keyset)
                last = max(to_int(r.get("id")) or 0 for r in page)
                page = _product_rows((yield _product_call(owner_type, group, last)))
                rows = rows + page
            read += len(rows)
            values = [
                [convert(row.get(api), sql) for _, api, sql in _PRODUCT_COLUMNS]
                for row in rows
                if isinstance(row, Mapping) and to_int(row.get("id")) is not None
            ]
            with db.transaction():
                db.delete_in("product_row", "owner_id", group, owner_type=owner_type)
                db.upsert("product_row", [c for c, _, _ in _PRODUCT_COLUMNS], ["id"], values)
                db.delete_in("_product_queue", "owner_id", group, owner_type=owner_type)
            owners_done += len(group)


# -------------------------------------------------------------------------------- replaced each run
def _replace(db: Database, table: str, columns: list[str], key: list[str], rows: list[list[Any]]) -> int:
    with db.transaction():
        db.execute(f"DELETE FROM {db.table(table)}")
        return db.upsert(table, columns, key, rows)


def statuses_flow(db: Database) -> Flow[EntityReport]:
    """Every directory entry: lead statuses, deal stages, sources, types (crm.status.list)."""
    response: APIResponse = yield Call("crm.status.list", {}, parse=_raw, read_only=True)
    rows = rows_of(response.result)
    while response.next is not None and rows:  # pages of 50, should the portal page the directory
        response = yield Call("crm.status.list", {"start": response.next}, parse=_raw, read_only=True)
        rows += rows_of(response.result)
    values = []
    for row in rows:
        extra: Mapping[str, Any] = row["EXTRA"] if isinstance(row.get("EXTRA"), Mapping) else {}
        values.append(
            [
                to_text(row.get("ENTITY_ID")),
                to_text(row.get("STATUS_ID")),
                to_text(row.get("NAME")),
                convert(row.get("SORT"), "INTEGER"),
                to_text(row.get("SEMANTICS") or extra.get("SEMANTICS")),
                to_int(row.get("CATEGORY_ID")),
                to_text(row.get("COLOR") or extra.get("COLOR")),
                to_int(row.get("ID")),
            ]
        )
    written = _replace(
        db,
        "status",
        ["entity_id", "status_id", "name", "sort", "semantics", "category_id", "color", "id"],
        ["entity_id", "status_id"],
        [v for v in values if v[0] and v[1]],
    )
    return EntityReport("status", "full", len(rows), written)


def categories_flow(db: Database, entity_type_ids: list[int]) -> Flow[EntityReport]:
    """The funnels of each entity type that has them (crm.category.list)."""
    outcomes: list[Outcome[Any]] = yield Batch(
        [Call("crm.category.list", {"entityTypeId": t}, parse=_raw, read_only=True) for t in entity_type_ids]
    )
    values = []
    for type_id, outcome in zip(entity_type_ids, outcomes, strict=True):
        for row in rows_of(outcome.unwrap().result, "categories"):
            values.append(
                [
                    type_id,
                    to_int(row.get("id")),
                    to_text(row.get("name")),
                    convert(row.get("sort"), "INTEGER"),
                    to_bool(row.get("isDefault")),
                ]
            )
    written = _replace(
        db,
        "category",
        ["entity_type_id", "id", "name", "sort", "is_default"],
        ["entity_type_id", "id"],
        [v for v in values if v[1] is not None],
    )
    return EntityReport("category", "full", len(values), written)


def users_flow(db: Database) -> Flow[EntityReport]:
    """Every user, active or not, so that every responsible of a deal has a name (user.get)."""
    rows: list[dict[str, Any]] = yield from collect(
        stream_rows("user.get", {}, BitrixModel.model_validate, id_field=None, raw=True)
    )
    values = [
        [
            to_int(row.get("ID")),
            to_bool(row.get("ACTIVE")),
            to_text(row.get("NAME")),
            to_text(row.get("LAST_NAME")),
            to_text(row.get("SECOND_NAME")),
            to_text(row.get("EMAIL")),
            to_text(row.get("WORK_POSITION")),
            to_text(row.get("UF_DEPARTMENT")),
        ]
        for row in rows
    ]
    written = _replace(
        db,
        "users",
        ["id", "active", "name", "last_name", "second_name", "email", "work_position", "departments"],
        ["id"],
        [v for v in values if v[0] is not None],
    )
    return EntityReport("users", "full", len(rows), written)
