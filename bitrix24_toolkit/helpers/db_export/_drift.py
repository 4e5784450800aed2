"""Schema drift: what ``_fields`` knew of each field, the portal's custom-field ids, and column types.

A custom field deleted on the portal loses its values with it (``crm-deal-userfield-delete.md``); one added
again under the same code is a new field with a new id (``crm.<entity>.userfield.list``), its values empty
on every row not modified since. The id tells the two apart even when the export never saw the field gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import ResponseFormatError
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Call, Flow
from ...protocol.envelope import APIResponse
from ...protocol.rows import rows_of
from ._columns import column_parts
from ._targets import Database
from ._values import to_int

if TYPE_CHECKING:
    from ._schema import Column, EntitySchema, FieldRow

__all__ = [
    "Changes",
    "Stored",
    "drift",
    "drop_duckdb_indexes",
    "restore_indexes",
    "same_type",
    "stored_fields",
    "userfield_calls",
    "userfield_ids",
]

#: entities with custom fields (``crm.<entity>.userfield.list``); activities have none
_UF_ENTITIES = frozenset({"deal", "lead", "contact", "company"})
#: rows a page of ``crm.<entity>.userfield.list`` holds
_PAGE = 50
#: ``information_schema.columns.data_type`` (DuckDB, PostgreSQL) of each SQL type the export writes
_DATA_TYPES = {
    "BIGINT": {"bigint"},
    "INTEGER": {"integer"},
    "DOUBLE PRECISION": {"double precision", "double"},
    "NUMERIC(18,2)": {"numeric", "decimal(18,2)"},
    "NUMERIC(18,4)": {"numeric", "decimal(18,4)"},
    "DATE": {"date"},
    "TIMESTAMPTZ": {"timestamp with time zone"},
    "BOOLEAN": {"boolean"},
    "TEXT": {"text", "varchar", "character varying"},
}


@dataclass(frozen=True)
class Stored:
    """A row of ``_fields`` as an earlier run left it."""

    column: str | None
    type: str
    is_multiple: bool
    first_seen: dt.datetime | None
    removed_at: dt.datetime | None
    field_id: int | None


def stored_fields(db: Database, table: str) -> dict[str, Stored]:
    """The ``_fields`` rows of an entity by code."""
    found = db.rows(
        f"SELECT code, column_name, type, is_multiple, first_seen, removed_at, field_id "
        f"FROM {db.table('_fields')} WHERE entity = ?",
        [table],
    )
    return {
        str(code): Stored(column or None, str(kind or ""), bool(multiple), first, removed, to_int(field_id))
        for code, column, kind, multiple, first, removed, field_id in found
    }


def same_type(data_type: str, sql_type: str) -> bool:
    """Whether a column reported as ``data_type`` holds ``sql_type`` (unknown types count as the same)."""
    known = _DATA_TYPES.get(sql_type)
    return known is None or data_type.lower() in known


def _raw(response: APIResponse) -> APIResponse:
    return response


def _page(entity: str, start: int) -> Call[APIResponse]:
    return Call(
        f"crm.{entity}.userfield.list",
        {"order": {"ID": "ASC"}, "start": start},
        parse=_raw,
        read_only=True,
    )


def userfield_calls(entity: str) -> list[Call[APIResponse]]:
    """The first page of ``crm.<entity>.userfield.list`` (nothing for an entity without custom fields),
    to send with the entity's ``*.fields`` call."""
    return [_page(entity, 0)] if entity in _UF_ENTITIES else []


def userfield_ids(entity: str, first: Sequence[Outcome[Any]]) -> Flow[dict[str, int] | None]:
    """The id of every custom field by code (``crm.<entity>.userfield.list``: the pages after the first in
    one more batch, only when the portal has over 50); ``None`` when the portal did not tell them."""
    if not first or not first[0].ok or not isinstance(first[0].value, APIResponse):
        return None
    answer = first[0].value
    answers = [answer]
    if answer.next is not None and answer.total is not None and answer.total > answer.next:
        more: list[Outcome[Any]] = yield Batch(
            [_page(entity, start) for start in range(int(answer.next), int(answer.total), _PAGE)]
        )
        for outcome in more:
            if not outcome.ok or not isinstance(outcome.value, APIResponse):
                return None
            answers.append(outcome.value)
    try:
        rows = [row for page in answers for row in rows_of(page.result)]
    except ResponseFormatError:
        return None
    ids: dict[str, int] = {}
    for row in rows:
        if isinstance(row, Mapping):
            code, field_id = row.get("FIELD_NAME"), to_int(row.get("ID"))
            if isinstance(code, str) and field_id is not None:
                ids[code] = field_id
    return ids


def drop_duckdb_indexes(db: Database, table: str) -> list[str]:
    """Drop the indexes of a DuckDB table, in a transaction of their own, and return the statements that
    made them: DuckDB changes no column's type while the table has an index (its primary key aside)."""
    found = db.rows(
        "SELECT index_name, sql FROM duckdb_indexes() WHERE table_name = ? AND schema_name = ?",
        [table, db.schema or "main"],
    )
    schema = '"' + (db.schema or "main") + '"'
    with db.transaction():
        for name, _ in found:
            quoted = '"' + str(name).replace('"', '""') + '"'
            db.execute(f"DROP INDEX IF EXISTS {schema}.{quoted}")
    return [str(sql) for _, sql in found if sql]


def restore_indexes(db: Database, made: list[str]) -> None:
    """Make again the indexes DuckDB had to drop that :func:`sync_schema` did not (the user's own); one that
    no longer fits the table (an expression on a re-typed column) stays dropped."""
    for sql in made:
        try:
            with db.transaction():
                db.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        except Exception:  # the driver's own error types are not imported here
            continue


@dataclass
class Changes:
    """What the fields' drift does to the tables."""

    add: list[Column] = field(default_factory=list)
    retype: list[Column] = field(default_factory=list)
    clear: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    recreated: set[str] = field(default_factory=set)
    reread: bool = False


def _recreated(row: FieldRow, stored: Stored) -> bool:
    """A custom field deleted and added again since the last run (its old values are gone)."""
    if not row.is_custom:
        return False
    if row.field_id is not None and stored.field_id is not None:
        return row.field_id != stored.field_id
    return stored.removed_at is not None or stored.type != row.type


def drift(plan: EntitySchema, stored: Mapping[str, Stored], existing: Mapping[str, str]) -> Changes:
    """What the fields of ``plan`` (their columns settled) do to a table whose columns are ``existing``,
    against the ``_fields`` rows ``stored`` (the rules are in :mod:`._schema`)."""
    out = Changes()
    by_code: dict[str, list[Column]] = {}
    for column in plan.columns[1:]:
        by_code.setdefault(column.code, []).append(column)
    current = {row.code for row in plan.fields}
    held = {column.name for column in plan.columns} | {
        name
        for code, s in stored.items()
        if code not in current and s.column
        for name in column_parts(s.column, s.type == "money")
    }  # the columns of the fields and the history of the removed ones
    for row in plan.fields:
        if row.code == "ID":
            continue
        before = stored.get(row.code)
        recreated = before is not None and _recreated(row, before)
        if recreated:
            out.recreated.add(row.code)
        changed = False
        for column in by_code.get(row.code, []):
            data_type = existing.get(column.name)
            if data_type is None:
                if existing:
                    out.add.append(column)
                    changed = True
            elif not same_type(data_type, column.sql_type):
                out.retype.append(column)
                changed = True
            elif recreated or before is None or before.column != row.column:
                out.clear.append(column.name)  # a column new to this field holds none of its values
        if before is not None and before.column:  # a column the field left (money's currency) holds nothing
            left = column_parts(before.column, before.type == "money")
            out.clear += [name for name in left if name in existing and name not in held]
        if row.is_multiple and before is not None and (recreated or not before.is_multiple):
            out.children.append(row.code)
        if before is None:
            out.reread |= bool(existing) and not row.is_custom
        elif not recreated:
            out.reread |= (
                changed
                or before.removed_at is not None
                or before.column != row.column
                or before.is_multiple != row.is_multiple
            )
    out.clear = list(dict.fromkeys(out.clear))
    return out
