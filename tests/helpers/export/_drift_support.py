"""What the drift and value tests share: the database compared with the portal field by field, by an
independent reading of the type table of ``docs/export.md`` (``""``, unparsable, out of range: ``NULL``;
text without NUL characters), and a way to make the emulator answer differently."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest

from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator.registry import REGISTRY, Ctx

from ._support import db_rows, open_db

__all__ = [
    "assert_db_equals_portal",
    "data_type",
    "decimal_of",
    "execute",
    "index_names",
    "later",
    "ok",
    "patch_method",
    "run_deals",
    "uf_add",
]

_INT_KINDS = {
    "integer",
    "user",
    "employee",
    "crm_company",
    "crm_contact",
    "crm_lead",
    "crm_deal",
    "crm_quote",
    "crm_category",
    "enumeration",
    "iblock_element",
    "iblock_section",
}
_MONEY_CODES = {"OPPORTUNITY", "TAX_VALUE", "OPPORTUNITY_ACCOUNT", "TAX_VALUE_ACCOUNT"}
_EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 12, 30, 23, 59, 59, tzinfo=dt.UTC)


def ok(answer: tuple[int, Any]) -> Any:
    status, payload = answer
    assert status == 200, payload
    return payload["result"]


def uf_add(emu: Emulator, name: str, kind: str, entity: str = "deal", **extra: Any) -> int:
    fields = {"FIELD_NAME": name, "USER_TYPE_ID": kind, **extra}
    return int(ok(emu.call(f"crm.{entity}.userfield.add", {"fields": fields})))


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def decimal_of(value: Any, places: int) -> Decimal | None:
    """NUMERIC(18, places): at most 18 - places digits before the point."""
    number = _number(value)
    if number is None or abs(number) >= Decimal(10) ** (18 - places) - Decimal("0.5").scaleb(-places):
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def _expected(code: str, kind: str, value: Any) -> Any:
    """The value the type table says the column holds (``""``, unparsable, out of range: ``None``)."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if kind in _INT_KINDS:
        number = _number(value)
        if number is None or number != number.to_integral_value():
            return None
        return int(number) if -(2**63) <= number < 2**63 else None
    if kind == "double" and (code in _MONEY_CODES or code.startswith("PRICE")):
        return decimal_of(value, 2)
    if kind == "double":
        number = _number(value)
        as_float = None if number is None else float(number)
        return as_float if as_float is not None and abs(as_float) != float("inf") else None
    if kind == "money":
        return decimal_of(str(value).partition("|")[0], 2)
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if kind == "datetime":
        try:
            moment = dt.datetime.fromisoformat(str(value))
            return moment if _EARLIEST <= moment.astimezone(dt.UTC) <= _LATEST else None
        except (ValueError, OverflowError):
            return None
    if kind in ("char", "boolean"):
        return {"Y": True, "1": True, "N": False, "0": False}.get(str(value))
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).replace("\x00", "") or None


def _portal_rows(emu: Emulator, entity: str, fields: dict[str, Any]) -> list[dict[str, Any]]:
    extra = [c for c, f in fields.items() if f.get("isMultiple") or f.get("type") == "crm_multifield"]
    out: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None:
        status, payload = emu.call(
            f"crm.{entity}.list",
            {"order": {"ID": "ASC"}, "select": ["*", "UF_*", *extra], "start": start},
        )
        assert status == 200, payload
        out += payload["result"]
        start = payload.get("next")
    return out


def assert_db_equals_portal(emu: Emulator, target: str, entity: str) -> None:
    """Every column ``_fields`` names, every multiple value and every multifield entry equals the portal."""
    fields = ok(emu.call(f"crm.{entity}.fields", {}))
    rows = _portal_rows(emu, entity, fields)
    mapping = dict(
        db_rows(
            target,
            f"SELECT code, column_name FROM _fields WHERE entity = '{entity}' AND removed_at IS NULL "
            "AND column_name IS NOT NULL",
        )
    )
    singles = {c: f for c, f in fields.items() if not f.get("isMultiple") and f["type"] != "crm_multifield"}
    assert set(mapping) == set(singles)
    columns: list[tuple[str, str, Callable[[Any], Any]]] = []
    for code, info in singles.items():
        kind = str(info["type"])
        columns.append((code, mapping[code], functools.partial(_expected, code, kind)))
        if kind == "money":
            columns.append((code, mapping[code] + "_currency", lambda v: str(v).partition("|")[2] or None))
    names = ", ".join(f'"{column}"' for _, column, _ in columns)
    stored = {row[0]: row[1:] for row in db_rows(target, f"SELECT id, {names} FROM {entity}")}
    assert set(stored) == {int(row["ID"]) for row in rows}
    diffs = {}
    for row in rows:
        for (code, column, expect), got in zip(columns, stored[int(row["ID"])], strict=True):
            value = expect(row.get(code)) if row.get(code) not in (None, "") else None
            if got != value:
                diffs[(row["ID"], column)] = (got, value)
    assert not diffs, dict(list(diffs.items())[:10])
    multiples = {c for c, f in fields.items() if f.get("isMultiple") and f["type"] != "crm_multifield"}
    portal_many = {
        (int(row["ID"]), code, str(value).replace("\x00", ""))
        for row in rows
        for code in multiples
        for value in (row.get(code) or [])
        if value not in (None, "")
    }
    assert {
        (int(a), b, c)
        for a, b, c in db_rows(target, f"SELECT entity_id, field, value FROM {entity}_multiple")
    } == portal_many
    multifields = [c for c, f in fields.items() if f["type"] == "crm_multifield"]
    portal_multi = {
        (int(row["ID"]), code, int(e["ID"]), e.get("VALUE_TYPE"), str(e["VALUE"]).replace("\x00", ""))
        for row in rows
        for code in multifields
        for e in row.get(code) or []
    }
    got_multi = db_rows(
        target, f"SELECT entity_id, field, value_id, value_type, value FROM {entity}_multifield"
    )
    assert {(int(a), b, int(c), d, e) for a, b, c, d, e in got_multi} == portal_multi


def run_deals(emu: Emulator, target: str, **options: Any) -> Any:
    return export(emu.client(), target, entities=["deal"], include=[], **options).entities["deal"]


def data_type(target: str, table: str, column: str) -> str:
    found = db_rows(
        target,
        f"SELECT data_type FROM information_schema.columns WHERE table_name = '{table}' "
        f"AND column_name = '{column}'",
    )
    assert len(found) == 1, found
    return str(found[0][0]).lower()


def patch_method(monkeypatch: pytest.MonkeyPatch, name: str, change: Callable[[Any], Any]) -> None:
    """Let the emulator's ``name`` answer what ``change`` makes of its own answer."""
    handler, scope = REGISTRY[name]

    def patched(ctx: Ctx) -> Any:
        return change(handler(ctx))

    monkeypatch.setitem(REGISTRY, name, (patched, scope))


def later(emu: Emulator, marker: int) -> None:
    """An hour on, then a change to the ``marker`` deal: the next run's watermark is past every other
    row's modification, so an incremental run reads those rows only when they change."""
    emu.advance(3600)
    ok(emu.call("crm.deal.update", {"id": marker, "fields": {"TITLE": f"marker {emu.state.now()}"}}))


def execute(target: str, sql: str) -> None:
    con = open_db(target)
    try:
        con.execute(sql)
    finally:
        con.close()


def index_names(target: str) -> set[str]:
    if target.startswith("duckdb"):
        return {
            r[0] for r in db_rows(target, "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'deal'")
        }
    return {r[0] for r in db_rows(target, "SELECT indexname FROM pg_indexes WHERE tablename = 'deal'")}
