"""Tables from the portal's ``*.fields``: a column per field, child tables for multiple values, drift.

Column names: :mod:`._columns`. Drift, before the rows of the run are written, in one transaction:

- a new field adds a column (``ALTER TABLE ... ADD COLUMN``);
- a field the portal no longer describes keeps its column and values (their history) and gets
  ``removed_at`` in ``_fields``;
- a custom field deleted on the portal and added again (a new id in ``crm.<entity>.userfield.list``; without
  ids: back after ``removed_at``, or another type) lost its values on the portal: its column is emptied (a
  column of another type is re-typed, empty) and its child rows are deleted;
- a field the portal kept whose storage changed (the column's type, the column, single/multiple, back after
  ``removed_at`` with the same id), or a standard field new to a table with rows, would leave rows that the
  run does not read wrong: its column is re-typed (empty) and the entity's ``_sync`` row is deleted in the
  same transaction, so this run (or the next, after a kill) reads every row again (``reread``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ._columns import assign_columns, column_of, column_parts
from ._drift import Changes, Stored, drift, drop_duckdb_indexes, restore_indexes, stored_fields
from ._targets import Database, ident
from ._values import child_rows, clean_text, row_values

__all__ = [
    "Column",
    "EntitySchema",
    "child_rows",
    "ensure_meta_tables",
    "plan_schema",
    "row_values",
    "sql_type_of",
    "sync_schema",
]

_BIGINT_TYPES = frozenset(
    {
        "integer",
        "user",
        "crm_company",
        "crm_contact",
        "crm_lead",
        "crm_deal",
        "crm_category",
        "employee",
        "enumeration",
        "iblock_element",
        "iblock_section",
        "crm_quote",
    }
)
_MONEY_CODES = frozenset({"OPPORTUNITY", "TAX_VALUE", "OPPORTUNITY_ACCOUNT", "TAX_VALUE_ACCOUNT"})
#: the modified-time field of each entity (the incremental filter and the probe order by it)
MODIFIED = {"activity": "LAST_UPDATED"}
_INDEXED = ("stage_id", "status_id", "category_id", "assigned_by_id", "owner_id", "responsible_id")


def sql_type_of(code: str, kind: str) -> str:
    """The SQL type of a field of this Bitrix type (the design table of ``docs/export.md``)."""
    kind = (kind or "").lower()
    if kind in _BIGINT_TYPES or kind.startswith("crm_enum_"):
        return "BIGINT"
    if kind == "double":
        upper = code.upper()
        return "NUMERIC(18,2)" if upper in _MONEY_CODES or upper.startswith("PRICE") else "DOUBLE PRECISION"
    if kind == "money":
        return "NUMERIC(18,2)"
    if kind == "date":
        return "DATE"
    if kind == "datetime":
        return "TIMESTAMPTZ"
    if kind in ("char", "boolean"):
        return "BOOLEAN"
    return "TEXT"


@dataclass(frozen=True)
class Column:
    """One column of an entity table: the field it holds and which part of it (``currency`` of money)."""

    name: str
    sql_type: str
    code: str
    part: str = "value"  # value | money | currency


@dataclass(frozen=True)
class FieldRow:
    """A row of ``_fields`` (``column`` is ``None`` for a multiple field or a multifield)."""

    code: str
    column: str | None
    type: str
    sql_type: str
    title: str | None
    label: str | None
    is_custom: bool
    is_multiple: bool
    #: the custom field's id (``crm.<entity>.userfield.list``), when the portal told it
    field_id: int | None = None


@dataclass
class EntitySchema:
    """What the fields of one entity make in the database."""

    entity: str
    columns: list[Column]
    multifields: list[str]
    multiples: list[str]
    fields: list[FieldRow]
    items: list[tuple[str, str, str | None]]
    modified: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: the schema change emptied values the portal still has: this pass must read every row (full)
    reread: bool = False

    @property
    def select(self) -> list[str]:
        """What a list call selects: every standard field, every custom one, the multiple ones."""
        return ["*", "UF_*", *self.multifields, *self.multiples]

    @property
    def names(self) -> list[str]:
        """The column names, ``id`` first and ``_synced_at`` last."""
        return [column.name for column in self.columns] + ["_synced_at"]


def _label(code: str, info: Mapping[str, Any]) -> tuple[str | None, str | None, bool]:
    title = info.get("title")
    title_text = clean_text(str(title)) if title not in (None, "") else None
    custom = code.upper().startswith("UF_") or bool(info.get("isDynamic"))
    label = None
    if custom:
        for key in ("listLabel", "formLabel", "editFormLabel"):
            value = info.get(key)
            if isinstance(value, Mapping):
                value = next((v for v in value.values() if v), None)
            if value not in (None, ""):
                label = clean_text(str(value))
                break
    return title_text or None, label or title_text or None, custom


def plan_schema(
    entity: str, described: Mapping[str, Any], field_ids: Mapping[str, int] | None = None
) -> EntitySchema:
    """The columns and child tables the fields description of ``entity`` makes (``field_ids``: the custom
    fields' ids by code); :func:`sync_schema` settles the column names against earlier runs."""
    multifields: list[str] = []
    multiples: list[str] = []
    rows: list[FieldRow] = []
    items: list[tuple[str, str, str | None]] = []
    ids = field_ids or {}
    for code, info in described.items():
        if not isinstance(code, str) or not code or not isinstance(info, Mapping):
            continue
        kind = str(info.get("type") or "")
        title, label, custom = _label(code, info)
        for item in info.get("items") or []:
            if isinstance(item, Mapping) and item.get("ID") is not None:
                value = item.get("VALUE")
                items.append(
                    (code, clean_text(str(item["ID"])), None if value is None else clean_text(str(value)))
                )
        if kind == "crm_multifield" or info.get("isMultiple"):
            (multifields if kind == "crm_multifield" else multiples).append(code)
            rows.append(FieldRow(code, None, kind, "TEXT", title, label, custom, True, ids.get(code)))
            continue
        column = "id" if code == "ID" else None
        rows.append(
            FieldRow(code, column, kind, sql_type_of(code, kind), title, label, custom, False, ids.get(code))
        )
    plan = EntitySchema(entity, [], multifields, multiples, rows, items, MODIFIED.get(entity, "DATE_MODIFY"))
    _lay_out(plan, assign_columns(_wanted(plan), {}))
    return plan


def _wanted(plan: EntitySchema) -> dict[str, bool]:
    """The fields that get a column of their own (code -> is money)."""
    return {r.code: r.type == "money" for r in plan.fields if not r.is_multiple and r.code != "ID"}


def _lay_out(plan: EntitySchema, names: Mapping[str, str]) -> None:
    """Give the fields these column names and list the table's columns, ``id`` first."""
    columns = [Column("id", "BIGINT", "ID")]
    rows: list[FieldRow] = []
    for row in plan.fields:
        name = names.get(row.code)
        if name is not None:
            row = replace(row, column=name)
            if row.type == "money":
                money, currency = column_parts(name, True)
                columns += [Column(money, "NUMERIC(18,2)", row.code, "money")]
                columns += [Column(currency, "TEXT", row.code, "currency")]
            else:
                columns.append(Column(name, row.sql_type, row.code))
        rows.append(row)
    plan.fields = rows
    plan.columns = columns


def ensure_meta_tables(db: Database) -> None:
    """``_fields``, ``_field_items`` and the product-row queue (``_sync`` is in :mod:`._state`)."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_fields')} (entity TEXT, code TEXT, column_name TEXT, "
        "type TEXT, sql_type TEXT, title TEXT, label TEXT, is_custom BOOLEAN, is_multiple BOOLEAN, "
        "first_seen TIMESTAMPTZ, removed_at TIMESTAMPTZ, field_id BIGINT, PRIMARY KEY (entity, code))"
    )
    if "field_id" not in db.columns("_fields"):  # a database from before the field ids
        db.execute(f"ALTER TABLE {db.table('_fields')} ADD COLUMN field_id BIGINT")
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_field_items')} (entity TEXT, code TEXT, item_id TEXT, "
        "value TEXT, PRIMARY KEY (entity, code, item_id))"
    )
    # owners whose product rows are to be (re-)read: filled with the owners' page, emptied as they are read
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_product_queue')} (owner_type TEXT, owner_id BIGINT, "
        "PRIMARY KEY (owner_type, owner_id))"
    )


def child_tables(db: Database, entity: str) -> None:
    """``<entity>_multifield`` and ``<entity>_multiple`` with their index on ``entity_id``."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table(entity + '_multifield')} (entity_id BIGINT, field TEXT, "
        "value_id BIGINT, value_type TEXT, value TEXT, PRIMARY KEY (entity_id, field, value_id))"
    )
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table(entity + '_multiple')} (entity_id BIGINT, field TEXT, "
        "n INTEGER, value TEXT, PRIMARY KEY (entity_id, field, n))"
    )
    db.index(entity + "_multifield", ["entity_id"])
    db.index(entity + "_multiple", ["entity_id"])


def _alter(db: Database, table: str, changes: Changes, plan: EntitySchema) -> None:
    for column in changes.add:
        db.execute(f"ALTER TABLE {db.table(table)} ADD COLUMN {ident(column.name)} {column.sql_type}")
        plan.added.append(column.name)
    for column in changes.retype:  # emptied: the old values are another type's (DuckDB: no index left)
        db.execute(
            f"ALTER TABLE {db.table(table)} ALTER COLUMN {ident(column.name)} TYPE {column.sql_type} "
            "USING NULL"
        )


def sync_schema(db: Database, plan: EntitySchema, now: dt.datetime) -> EntitySchema:
    """Create or alter the entity's tables and update ``_fields``; ``plan.added``/``removed`` say what
    changed (a new table reports no added columns), ``plan.reread`` that every row must be read again."""
    table = plan.entity
    existing = db.columns(table)
    stored = stored_fields(db, table)
    kept = {code: (s.column, s.type == "money") for code, s in stored.items() if s.column}
    _lay_out(plan, assign_columns(_wanted(plan), kept))
    changes = drift(plan, stored, existing)
    had_rows = bool(existing) and db.scalar(f"SELECT 1 FROM {db.table(table)} LIMIT 1") is not None
    made = drop_duckdb_indexes(db, table) if changes.retype and db.dialect == "duckdb" else []
    try:
        _apply(db, plan, stored, existing, changes, had_rows, now)
    finally:
        restore_indexes(db, made)
    return plan


def _apply(
    db: Database,
    plan: EntitySchema,
    stored: Mapping[str, Stored],
    existing: Mapping[str, str],
    changes: Changes,
    had_rows: bool,
    now: dt.datetime,
) -> None:
    """The schema change and the ``_fields`` rows, in one transaction."""
    table = plan.entity
    with db.transaction():
        if not existing:
            body = ", ".join(
                f"{ident(c.name)} {c.sql_type}{' PRIMARY KEY' if c.name == 'id' else ''}"
                for c in plan.columns
            )
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {db.table(table)} ({body}, {ident('_synced_at')} TIMESTAMPTZ)"
            )
        _alter(db, table, changes, plan)
        child_tables(db, table)
        names = {c.name for c in plan.columns}
        for name in (plan.modified.lower(), *_INDEXED):
            if name in names:
                db.index(table, [name])
        # DuckDB builds no index on a table with updates pending in the transaction: the updates come last
        if changes.clear:
            sets = ", ".join(f"{ident(name)} = NULL" for name in changes.clear)
            db.execute(f"UPDATE {db.table(table)} SET {sets}")
        if changes.children:
            db.delete_in(f"{table}_multiple", "field", changes.children)
        _write_fields(db, plan, stored, changes.recreated, now)
        if changes.reread and had_rows:
            db.execute(f"DELETE FROM {db.table('_sync')} WHERE entity = ?", [table])
            plan.reread = True


def _write_fields(
    db: Database, plan: EntitySchema, stored: Mapping[str, Stored], recreated: set[str], now: dt.datetime
) -> None:
    """Mark the fields gone from the portal, then upsert ``_fields`` and replace ``_field_items``."""
    table = plan.entity
    current = {row.code for row in plan.fields}
    gone = sorted(code for code, s in stored.items() if code not in current and s.removed_at is None)
    for code in gone:
        db.execute(
            f"UPDATE {db.table('_fields')} SET removed_at = ? WHERE entity = ? AND code = ?",
            [now, table, code],
        )
    plan.removed.extend(stored[code].column or column_of(code) for code in gone)
    rows = []
    for r in plan.fields:
        before = stored.get(r.code)
        if before is None or r.code in recreated:  # a new field
            first_seen, field_id = now, r.field_id
        else:  # the id the portal did not tell this time is the one it told before
            first_seen, field_id = before.first_seen or now, r.field_id or before.field_id
        rows.append(
            (
                table,
                r.code,
                r.column,
                r.type,
                r.sql_type,
                r.title,
                r.label,
                r.is_custom,
                r.is_multiple,
                first_seen,
                None,
                field_id,
            )
        )
    db.upsert("_fields", _FIELD_COLUMNS, ["entity", "code"], rows)
    db.execute(f"DELETE FROM {db.table('_field_items')} WHERE entity = ?", [table])
    db.upsert(
        "_field_items",
        ["entity", "code", "item_id", "value"],
        ["entity", "code", "item_id"],
        [(table, code, item_id, value) for code, item_id, value in plan.items],
    )


_FIELD_COLUMNS = [
    "entity",
    "code",
    "column_name",
    "type",
    "sql_type",
    "title",
    "label",
    "is_custom",
    "is_multiple",
    "first_seen",
    "removed_at",
    "field_id",
]
