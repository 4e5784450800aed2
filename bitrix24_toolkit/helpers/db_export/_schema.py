"""Tables from the portal's ``*.fields``: a column per field, child tables for multiple values, drift.

A new field adds a column (``ALTER TABLE ... ADD COLUMN``); a field the portal no longer describes keeps
its column and gets ``removed_at`` in ``_fields``; one that comes back has it cleared.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._targets import Database, ident

__all__ = ["Column", "EntitySchema", "ensure_meta_tables", "plan_schema", "sql_type_of", "sync_schema"]

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


def column_of(code: str) -> str:
    """The column name of a field code: lowercased, anything but letters, digits and ``_`` as ``_``."""
    name = re.sub(r"[^a-z0-9_]", "_", code.lower())
    return name if re.match(r"^[a-z_]", name) else f"f_{name}"


@dataclass(frozen=True)
class Column:
    """One column of an entity table: the field it holds and which part of it (``currency`` of money)."""

    name: str
    sql_type: str
    code: str
    part: str = "value"  # value | money | currency


@dataclass(frozen=True)
class FieldRow:
    """A row of ``_fields``."""

    code: str
    column: str
    type: str
    sql_type: str
    title: str | None
    label: str | None
    is_custom: bool
    is_multiple: bool


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
    title_text = str(title) if title not in (None, "") else None
    custom = code.upper().startswith("UF_") or bool(info.get("isDynamic"))
    label = None
    if custom:
        for key in ("listLabel", "formLabel", "editFormLabel"):
            value = info.get(key)
            if isinstance(value, Mapping):
                value = next((v for v in value.values() if v), None)
            if value not in (None, ""):
                label = str(value)
                break
    return title_text, label or title_text, custom


def plan_schema(entity: str, described: Mapping[str, Any]) -> EntitySchema:
    """The columns and child tables the fields description of ``entity`` makes."""
    columns = [Column("id", "BIGINT", "ID")]
    multifields: list[str] = []
    multiples: list[str] = []
    rows: list[FieldRow] = []
    items: list[tuple[str, str, str | None]] = []
    taken = {"id", "_synced_at"}
    for code, info in described.items():
        if not isinstance(info, Mapping):
            continue
        kind = str(info.get("type") or "")
        multiple = bool(info.get("isMultiple"))
        title, label, custom = _label(code, info)
        sql_type = sql_type_of(code, kind)
        name = column_of(code)
        for item in info.get("items") or []:
            if isinstance(item, Mapping) and item.get("ID") is not None:
                value = item.get("VALUE")
                items.append((code, str(item["ID"]), None if value is None else str(value)))
        if kind == "crm_multifield":
            multifields.append(code)
            rows.append(FieldRow(code, "", kind, "TEXT", title, label, custom, True))
            continue
        if multiple:
            multiples.append(code)
            rows.append(FieldRow(code, "", kind, "TEXT", title, label, custom, True))
            continue
        rows.append(FieldRow(code, name, kind, sql_type, title, label, custom, False))
        if code.upper() == "ID" or name in taken:
            continue
        taken.add(name)
        if kind == "money":
            columns.append(Column(name, "NUMERIC(18,2)", code, "money"))
            columns.append(Column(f"{name}_currency", "TEXT", code, "currency"))
            taken.add(f"{name}_currency")
        else:
            columns.append(Column(name, sql_type, code))
    modified = MODIFIED.get(entity, "DATE_MODIFY")
    return EntitySchema(entity, columns, multifields, multiples, rows, items, modified)


def ensure_meta_tables(db: Database) -> None:
    """``_fields``, ``_field_items`` and the product-row queue (``_sync`` is in :mod:`._state`)."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {db.table('_fields')} (entity TEXT, code TEXT, column_name TEXT, "
        "type TEXT, sql_type TEXT, title TEXT, label TEXT, is_custom BOOLEAN, is_multiple BOOLEAN, "
        "first_seen TIMESTAMPTZ, removed_at TIMESTAMPTZ, PRIMARY KEY (entity, code))"
    )
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


def sync_schema(db: Database, plan: EntitySchema, now: dt.datetime) -> EntitySchema:
    """Create or alter the entity's tables and update ``_fields``; ``plan.added``/``removed`` say what
    changed (a new table reports no added columns)."""
    table = plan.entity
    existing = db.columns(table)
    with db.transaction():
        if not existing:
            body = ", ".join(
                f"{ident(c.name)} {c.sql_type}{' PRIMARY KEY' if c.name == 'id' else ''}"
                for c in plan.columns
            )
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {db.table(table)} ({body}, {ident('_synced_at')} TIMESTAMPTZ)"
            )
        else:
            for column in plan.columns:
                if column.name not in existing:
                    db.execute(
                        f"ALTER TABLE {db.table(table)} ADD COLUMN {ident(column.name)} {column.sql_type}"
                    )
                    plan.added.append(column.name)
        child_tables(db, table)
        modified = plan.modified.lower()
        names = {c.name for c in plan.columns}
        for name in (modified, *_INDEXED):
            if name in names:
                db.index(table, [name])
        known = {
            str(code): removed
            for code, removed in db.rows(
                f"SELECT code, removed_at FROM {db.table('_fields')} WHERE entity = ?", [table]
            )
        }
        current = {row.code for row in plan.fields}
        gone = sorted(code for code, removed in known.items() if code not in current and removed is None)
        for code in gone:
            db.execute(
                f"UPDATE {db.table('_fields')} SET removed_at = ? WHERE entity = ? AND code = ?",
                [now, table, code],
            )
        plan.removed.extend(column_of(code) for code in gone)
        first_seen = dict(
            db.rows(f"SELECT code, first_seen FROM {db.table('_fields')} WHERE entity = ?", [table])
        )
        db.upsert(
            "_fields",
            [
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
            ],
            ["entity", "code"],
            [
                (
                    table,
                    r.code,
                    r.column or None,
                    r.type,
                    r.sql_type,
                    r.title,
                    r.label,
                    r.is_custom,
                    r.is_multiple,
                    first_seen.get(r.code) or now,
                    None,
                )
                for r in plan.fields
            ],
        )
        db.execute(f"DELETE FROM {db.table('_field_items')} WHERE entity = ?", [table])
        db.upsert(
            "_field_items",
            ["entity", "code", "item_id", "value"],
            ["entity", "code", "item_id"],
            [(table, code, item_id, value) for code, item_id, value in plan.items],
        )
    return plan


def row_values(plan: EntitySchema, row: Mapping[str, Any], now: dt.datetime) -> list[Any]:
    """One portal row as the values of :attr:`EntitySchema.names`."""
    from ._values import converter, money_parts

    out: list[Any] = []
    for column in plan.columns:
        value = row.get(column.code)
        if column.part == "money":
            out.append(money_parts(value)[0])
        elif column.part == "currency":
            out.append(money_parts(value)[1])
        else:
            out.append(converter(column.sql_type)(value))
    out.append(now)
    return out


def child_rows(
    plan: EntitySchema, row: Mapping[str, Any], entity_id: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The multifield rows and the multiple-value rows of one portal row."""
    from ._values import to_int, to_text

    multi: list[tuple[Any, ...]] = []
    for code in plan.multifields:
        entries = row.get(code)
        if isinstance(entries, Mapping):
            entries = list(entries.values())
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, Mapping):
                continue
            value_id = to_int(entry.get("ID"))
            multi.append(
                (
                    entity_id,
                    code,
                    value_id if value_id is not None else -(n + 1),
                    to_text(entry.get("VALUE_TYPE")),
                    to_text(entry.get("VALUE")),
                )
            )
    many: list[tuple[Any, ...]] = []
    for code in plan.multiples:
        values: Sequence[Any] | Any = row.get(code)
        if isinstance(values, Mapping):
            values = list(values.values())
        if not isinstance(values, list):
            values = [] if values in (None, "", False) else [values]
        for n, value in enumerate(values):
            text = to_text(value)
            if text is not None:
                many.append((entity_id, code, n, text))
    return multi, many
