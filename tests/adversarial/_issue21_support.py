"""What the adversarial export tests share: the database read back, and the portal read straight from the
emulator (``emu.call``, no client), normalised by the type table of ``docs/export.md``
independently of the export's own converters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from bitrix24_toolkit.testing import Emulator

__all__ = [
    "db_rows",
    "db_table",
    "portal_fields",
    "portal_multifields",
    "portal_multiples",
    "portal_rows",
    "portal_table",
    "table_snapshot",
]

_BIGINT = {
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
}
_MONEY = {"OPPORTUNITY", "TAX_VALUE", "OPPORTUNITY_ACCOUNT", "TAX_VALUE_ACCOUNT"}


def open_db(target: str) -> Any:
    """A DB-API connection to ``duckdb:///path`` or a ``postgresql://`` URL."""
    if target.startswith("duckdb:///"):
        import duckdb

        return duckdb.connect(target[len("duckdb:///") :])
    import psycopg

    return psycopg.connect(target, autocommit=True)


def db_rows(target: str, sql: str) -> list[tuple[Any, ...]]:
    """All rows of a query (the connection is closed after it)."""
    con = open_db(target)
    try:
        return [tuple(row) for row in con.execute(sql).fetchall()]
    finally:
        con.close()


def _ok(answer: tuple[int, Any]) -> Any:
    status, payload = answer
    assert status == 200, payload
    return payload


def portal_fields(emu: Emulator, entity: str) -> dict[str, Any]:
    """``crm.<entity>.fields``."""
    return dict(_ok(emu.call(f"crm.{entity}.fields", {}))["result"])


def portal_rows(emu: Emulator, entity: str) -> list[dict[str, Any]]:
    """Every row of ``crm.<entity>.list`` (``*``, ``UF_*`` and the multiple fields), page by page."""
    fields = portal_fields(emu, entity)
    extra = [c for c, f in fields.items() if f.get("isMultiple") or f.get("type") == "crm_multifield"]
    out: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None:
        payload = _ok(
            emu.call(
                f"crm.{entity}.list",
                {"order": {"ID": "ASC"}, "select": ["*", "UF_*", *extra], "start": start},
            )
        )
        out.extend(payload["result"])
        start = payload.get("next")
    return out


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _num(value: Any, places: str | None) -> Any:
    if _blank(value):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number.quantize(Decimal(places)) if places else float(number)


def normalise(code: str, kind: str, value: Any) -> Any:
    """The value the spec's type table says a column holds for this portal value."""
    if kind in _BIGINT:
        return None if _blank(value) else int(value)
    if kind == "double":
        return _num(value, "0.01" if code in _MONEY or code.startswith("PRICE") else None)
    if kind == "money":
        return _num(str(value).split("|")[0], "0.01") if not _blank(value) else None
    if kind == "date":
        if _blank(value):
            return None
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if kind == "datetime":
        if _blank(value):
            return None
        try:
            return dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if kind in ("char", "boolean"):
        if _blank(value):
            return None
        return {"Y": True, "1": True, "N": False, "0": False}.get(str(value))
    if _blank(value):
        return None
    return str(value)


def portal_table(emu: Emulator, entity: str) -> dict[int, dict[str, Any]]:
    """Every row of the entity as ``{column: value}`` the way the spec maps it, by id."""
    fields = portal_fields(emu, entity)
    out: dict[int, dict[str, Any]] = {}
    for row in portal_rows(emu, entity):
        values: dict[str, Any] = {}
        for code, info in fields.items():
            kind = str(info.get("type"))
            if info.get("isMultiple") or kind == "crm_multifield":
                continue
            values[code.lower()] = normalise(code, kind, row.get(code))
            if kind == "money":
                cur = str(row.get(code) or "").partition("|")[2]
                values[code.lower() + "_currency"] = cur or None
        out[int(row["ID"])] = values
    return out


def db_table(target: str, entity: str, columns: list[str]) -> dict[int, dict[str, Any]]:
    """The entity table read back as ``{column: value}`` by id, for these columns."""
    cols = ", ".join(columns)
    out: dict[int, dict[str, Any]] = {}
    for row in db_rows(target, f"SELECT id, {cols} FROM {entity}"):
        out[int(row[0])] = {c: v for c, v in zip(columns, row[1:], strict=True)}
    return out


def portal_multifields(emu: Emulator, entity: str) -> set[tuple[Any, ...]]:
    """(entity_id, field, value_id, value_type, value) of every PHONE/EMAIL/WEB/IM/LINK entry."""
    fields = portal_fields(emu, entity)
    codes = [c for c, f in fields.items() if f.get("type") == "crm_multifield"]
    out: set[tuple[Any, ...]] = set()
    for row in portal_rows(emu, entity):
        for code in codes:
            for entry in row.get(code) or []:
                out.add((int(row["ID"]), code, int(entry["ID"]), entry.get("VALUE_TYPE"), entry.get("VALUE")))
    return out


def portal_multiples(emu: Emulator, entity: str) -> set[tuple[Any, ...]]:
    """(entity_id, field, value) of every value of a multiple (non-multifield) field."""
    fields = portal_fields(emu, entity)
    codes = [c for c, f in fields.items() if f.get("isMultiple") and f.get("type") != "crm_multifield"]
    out: set[tuple[Any, ...]] = set()
    for row in portal_rows(emu, entity):
        for code in codes:
            values = row.get(code)
            for value in values if isinstance(values, list) else ([] if _blank(values) else [values]):
                out.add((int(row["ID"]), code, str(value)))
    return out


def _plain(value: Any) -> Any:
    """A value comparable across DuckDB and PostgreSQL (instants in UTC, decimals as text)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value else "NaN"
    if isinstance(value, float):
        return round(value, 9)
    return value


def table_snapshot(target: str, table: str, skip: tuple[str, ...] = ("_synced_at",)) -> set[tuple[Any, ...]]:
    """Every row of a table, its columns sorted by name, ``skip`` left out, values made comparable."""
    con = open_db(target)
    try:
        cursor = con.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    keep = sorted((n, i) for i, n in enumerate(names) if n not in skip)
    return {tuple((n, _plain(row[i])) for n, i in keep) for row in rows}
