"""Schema drift on DuckDB and PostgreSQL: custom fields deleted and added again (same type, another
type), a standard field typed anew, codes whose column names collide; after every run the database equals
the portal field by field (``_drift_support``). Awkward values: ``test_values_awkward.py``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit.helpers.db_export._targets import Database
from bitrix24_toolkit.testing import Emulator

from ._drift_support import (
    assert_db_equals_portal,
    data_type,
    execute,
    index_names,
    later,
    ok,
    patch_method,
    run_deals,
    uf_add,
)
from ._support import db_rows


# ------------------------------------------------------------------------------------ fields re-created
def test_a_field_deleted_and_added_again_between_runs_keeps_no_old_value(target_url: str) -> None:
    emu = Emulator(limits="off")
    note, tags = uf_add(emu, "NOTE", "string"), uf_add(emu, "TAGS", "string", MULTIPLE="Y")
    for n in range(1, 4):
        fields = {"TITLE": f"d{n}", "UF_CRM_NOTE": f"old {n}", "UF_CRM_TAGS": ["a"]}
        ok(emu.call("crm.deal.add", {"fields": fields}))
    marker = ok(emu.call("crm.deal.add", {"fields": {"TITLE": "marker"}}))
    later(emu, marker)
    run_deals(emu, target_url)
    ((first_seen, old_id),) = db_rows(
        target_url, "SELECT first_seen, field_id FROM _fields WHERE code = 'UF_CRM_NOTE'"
    )
    assert old_id == note
    assert db_rows(target_url, "SELECT COUNT(*) FROM deal_multiple WHERE field = 'UF_CRM_TAGS'") == [(3,)]
    for field_id in (note, tags):
        ok(emu.call("crm.deal.userfield.delete", {"id": field_id}))
    new_note = uf_add(emu, "NOTE", "string")
    uf_add(emu, "TAGS", "string", MULTIPLE="Y")
    ok(emu.call("crm.deal.update", {"id": 2, "fields": {"UF_CRM_NOTE": "new", "UF_CRM_TAGS": ["b", "c"]}}))
    later(emu, marker)
    report = run_deals(emu, target_url)
    # deals 2 and the marker only: 1 and 3 are not read again (the values went with the field)
    assert (report.mode, report.read) == ("incremental", 2)
    assert_db_equals_portal(emu, target_url, "deal")
    assert db_rows(target_url, "SELECT id, uf_crm_note FROM deal ORDER BY id")[:3] == [
        (1, None),
        (2, "new"),
        (3, None),
    ]
    ((seen, field_id),) = db_rows(
        target_url, "SELECT first_seen, field_id FROM _fields WHERE code = 'UF_CRM_NOTE'"
    )
    assert field_id == new_note
    assert seen >= first_seen  # the field seen anew


def test_a_removed_field_keeps_its_history_until_it_comes_back(target_url: str) -> None:
    emu = Emulator(limits="off")
    field_id = uf_add(emu, "NOTE", "string")
    ok(emu.call("crm.deal.add", {"fields": {"TITLE": "a", "UF_CRM_NOTE": "old"}}))
    ok(emu.call("crm.deal.add", {"fields": {"TITLE": "b"}}))
    marker = ok(emu.call("crm.deal.add", {"fields": {"TITLE": "marker"}}))
    later(emu, marker)
    run_deals(emu, target_url)
    ok(emu.call("crm.deal.userfield.delete", {"id": field_id}))
    later(emu, marker)
    assert run_deals(emu, target_url).removed_columns == ("uf_crm_note",)
    assert db_rows(target_url, "SELECT uf_crm_note FROM deal WHERE id = 1") == [("old",)]  # the history
    assert_db_equals_portal(emu, target_url, "deal")
    uf_add(emu, "NOTE", "string")
    ok(emu.call("crm.deal.update", {"id": 2, "fields": {"UF_CRM_NOTE": "x"}}))
    later(emu, marker)
    assert run_deals(emu, target_url).read == 2  # deal 1 is not read again: its old value is cleared
    assert db_rows(target_url, "SELECT removed_at FROM _fields WHERE code = 'UF_CRM_NOTE'") == [(None,)]
    assert db_rows(target_url, "SELECT id, uf_crm_note FROM deal ORDER BY id") == [
        (1, None),
        (2, "x"),
        (3, None),
    ]
    assert_db_equals_portal(emu, target_url, "deal")


@pytest.mark.parametrize(
    ("old", "old_value", "new", "new_value", "types"),
    [
        ("double", 5.5, "string", "hello", {"text", "varchar"}),
        ("string", "x", "datetime", "2026-05-01T10:00:00+03:00", {"timestamp with time zone"}),
        ("money", "10.50|USD", "integer", "42", {"bigint"}),
        ("integer", "7", "money", "7.50|EUR", {"numeric", "decimal(18,2)"}),
    ],
)
def test_a_field_added_again_with_another_type_gets_a_column_of_that_type(
    target_url: str, old: str, old_value: Any, new: str, new_value: Any, types: set[str]
) -> None:
    emu = Emulator(limits="off")
    field_id = uf_add(emu, "X", old)
    for title in ("a", "b"):
        ok(emu.call("crm.deal.add", {"fields": {"TITLE": title, "UF_CRM_X": old_value}}))
    marker = ok(emu.call("crm.deal.add", {"fields": {"TITLE": "marker"}}))
    later(emu, marker)
    run_deals(emu, target_url)
    execute(target_url, "CREATE INDEX analyst_x ON deal (uf_crm_x)")  # the analyst's own index
    ok(emu.call("crm.deal.userfield.delete", {"id": field_id}))
    uf_add(emu, "X", new)
    ok(emu.call("crm.deal.update", {"id": 1, "fields": {"UF_CRM_X": new_value}}))
    later(emu, marker)
    for full, read in ((False, 2), (True, 3), (False, 1)):
        report = run_deals(emu, target_url, full=full)
        assert (report.mode, report.read) == ("full" if full else "incremental", read)
        assert data_type(target_url, "deal", "uf_crm_x") in types
        assert_db_equals_portal(emu, target_url, "deal")
    assert db_rows(target_url, "SELECT type FROM _fields WHERE code = 'UF_CRM_X'") == [(new,)]
    currency = db_rows(
        target_url, "SELECT COUNT(*) FROM information_schema.columns WHERE column_name = 'uf_crm_x_currency'"
    )
    if currency[0][0]:  # a money field's currency column left behind holds no old currency
        expected = [("EUR",), (None,), (None,)] if new == "money" else [(None,)] * 3
        assert db_rows(target_url, "SELECT uf_crm_x_currency FROM deal ORDER BY id") == expected
    assert index_names(target_url) >= {"analyst_x"}  # the analyst's index survives the new type


def test_a_standard_field_the_portal_types_anew_is_read_again_even_after_a_failure(
    target_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PROBABILITY described as ``double`` instead of ``integer``: its column becomes DOUBLE PRECISION and
    every row is read again (the portal kept the values), also when the run fails after the change."""
    emu = Emulator(limits="off")
    for n in range(1, 8):
        ok(emu.call("crm.deal.add", {"fields": {"TITLE": f"d{n}", "PROBABILITY": n * 10}}))
    marker = ok(emu.call("crm.deal.add", {"fields": {"TITLE": "marker"}}))
    later(emu, marker)
    run_deals(emu, target_url)
    assert data_type(target_url, "deal", "probability") == "bigint"
    later(emu, marker)

    def as_double(result: Any) -> Any:
        result["PROBABILITY"] = {**result["PROBABILITY"], "type": "double"}
        return result

    patch_method(monkeypatch, "crm.deal.fields", as_double)
    real = Database.upsert

    def failing(self: Database, table: str, *args: Any, **kwargs: Any) -> Any:
        if table == "deal":
            raise RuntimeError("disk full")
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(Database, "upsert", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run_deals(emu, target_url)
    monkeypatch.setattr(Database, "upsert", real)
    assert data_type(target_url, "deal", "probability") in {"double precision", "double"}
    report = run_deals(emu, target_url)
    assert report.mode in ("full", "resumed")
    assert report.read == 8  # every row: an incremental run would read the marker alone
    assert_db_equals_portal(emu, target_url, "deal")
    assert db_rows(target_url, "SELECT probability FROM deal WHERE id = 3") == [(30.0,)]
    later(emu, marker)
    assert (run_deals(emu, target_url).mode, run_deals(emu, target_url).read) == ("incremental", 1)


# ------------------------------------------------------------------------------------- column names
_FAKE = {
    "_SYNCED_AT": "not the sync time",
    "Id": "not the id",
    "X-Y": "dash",
    "X_Y": "underscore",
    "9LIVES": "digit",
    "LONG_" + "N" * 70: "long one",
    "LONG_" + "N" * 71: "longer one",
}


def _with_fakes(monkeypatch: pytest.MonkeyPatch, reverse: bool) -> None:
    """Standard fields whose codes collide once lowercased; the list answers carry their values."""

    def fields(result: Any) -> Any:
        out = {**result, **{code: {"type": "string", "title": code} for code in _FAKE}}
        return dict(reversed(list(out.items()))) if reverse else out

    def listed(result: Any) -> Any:
        for row in result.result:
            if "TITLE" in row:
                row.update(_FAKE)
        return result

    patch_method(monkeypatch, "crm.deal.fields", fields)
    patch_method(monkeypatch, "crm.deal.list", listed)


def test_codes_that_collide_get_distinct_columns_the_same_on_everyrun_deals(
    target_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = Emulator(limits="off")
    uf_add(emu, "A", "money")
    uf_add(emu, "A_CURRENCY", "string")
    emu.call("crm.deal.add", {"fields": {"TITLE": "a", "UF_CRM_A": "10|USD", "UF_CRM_A_CURRENCY": "mine"}})
    emu.call("crm.deal.add", {"fields": {"TITLE": "b", "UF_CRM_A_CURRENCY": "also mine"}})
    _with_fakes(monkeypatch, reverse=False)
    run_deals(emu, target_url)
    first = dict(db_rows(target_url, "SELECT code, column_name FROM _fields WHERE column_name IS NOT NULL"))
    names = [*first.values(), "uf_crm_a_currency"]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", n) for n in names)
    assert (first["ID"], first["UF_CRM_A"]) == ("id", "uf_crm_a")
    assert first["UF_CRM_A_CURRENCY"].startswith("uf_crm_a_currency_")
    assert first["X-Y"] != first["X_Y"]
    assert first["9LIVES"] == "f_9lives"
    assert_db_equals_portal(emu, target_url, "deal")
    assert db_rows(target_url, "SELECT id, uf_crm_a, uf_crm_a_currency FROM deal ORDER BY id") == [
        (1, Decimal("10.00"), "USD"),
        (2, None, None),
    ]
    assert all(isinstance(t, dt.datetime) for (t,) in db_rows(target_url, "SELECT _synced_at FROM deal"))
    monkeypatch.undo()
    emu.advance(3600)
    _with_fakes(monkeypatch, reverse=True)
    ok(emu.call("crm.deal.update", {"id": 2, "fields": {"UF_CRM_A_CURRENCY": "changed"}}))
    run_deals(emu, target_url)
    assert (
        dict(db_rows(target_url, "SELECT code, column_name FROM _fields WHERE column_name IS NOT NULL"))
        == first
    )
    assert_db_equals_portal(emu, target_url, "deal")


def test_a_money_field_added_after_a_field_took_its_currency_name(target_url: str) -> None:
    emu = Emulator(limits="off")
    uf_add(emu, "A_CURRENCY", "string")
    emu.call("crm.deal.add", {"fields": {"TITLE": "a", "UF_CRM_A_CURRENCY": "first"}})
    run_deals(emu, target_url)
    emu.advance(3600)
    uf_add(emu, "A", "money")
    ok(emu.call("crm.deal.update", {"id": 1, "fields": {"UF_CRM_A": "5|EUR"}}))
    report = run_deals(emu, target_url)
    mapping = dict(db_rows(target_url, "SELECT code, column_name FROM _fields WHERE code LIKE 'UF_%'"))
    assert mapping["UF_CRM_A_CURRENCY"] == "uf_crm_a_currency"  # kept: the column it had
    base = mapping["UF_CRM_A"]
    assert base.startswith("uf_crm_a_")
    assert set(report.added_columns) == {base, base + "_currency"}
    assert db_rows(target_url, f"SELECT uf_crm_a_currency, {base}, {base}_currency FROM deal") == [
        ("first", Decimal("5.00"), "EUR")
    ]
    assert_db_equals_portal(emu, target_url, "deal")


def test_the_ids_of_custom_fields_past_the_first_page_are_read_too(target_url: str) -> None:
    """``crm.deal.userfield.list`` answers 50 fields a page (``crm-deal-userfield-list.md``, and so does the
    emulator): a field on the third page deleted and added again is told apart like any other."""
    emu = Emulator(limits="off")
    ids = [uf_add(emu, f"F{n}", "string") for n in range(120)]
    for title in ("a", "b"):
        ok(emu.call("crm.deal.add", {"fields": {"TITLE": title, "UF_CRM_F110": "old", "UF_CRM_F3": "kept"}}))
    marker = ok(emu.call("crm.deal.add", {"fields": {"TITLE": "marker"}}))
    later(emu, marker)
    run_deals(emu, target_url)
    stored = dict(db_rows(target_url, "SELECT code, field_id FROM _fields WHERE code LIKE 'UF_%'"))
    assert stored == {f"UF_CRM_F{n}": field_id for n, field_id in enumerate(ids)}
    ok(emu.call("crm.deal.userfield.delete", {"id": ids[110]}))
    uf_add(emu, "F110", "string")
    later(emu, marker)
    assert run_deals(emu, target_url).read == 1
    assert db_rows(target_url, "SELECT uf_crm_f110, uf_crm_f3 FROM deal WHERE id < 3") == [(None, "kept")] * 2
    assert_db_equals_portal(emu, target_url, "deal")
