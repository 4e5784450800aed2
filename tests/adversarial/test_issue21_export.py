"""Adversarial review of issue 21 (``helpers.export``): judged against the issue, ``docs/export.md``
and the official pages, never against what the code happens to do.

Every test fails on a defect. The defects this review found (stale values of a re-added field, a re-typed
field, colliding column names, huge amounts, NUL on PostgreSQL, awkward passwords, malformed URLs, dangling
links after a deletion, two exports into one file) were fixed in the same issue; their tests pass now.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.helpers.db_export._targets import Database
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator import CostModel
from bitrix24_toolkit.testing.emulator.limits import ManualClock
from tests.helpers.export.conftest import pg_server, pg_url, target_url

from ._issue21_support import (
    db_rows,
    db_table,
    portal_fields,
    portal_multifields,
    portal_multiples,
    portal_table,
    table_snapshot,
)

__all__ = ["pg_server", "pg_url", "target_url"]  # the fixtures, used by name

ALL_TABLES = (
    "deal",
    "deal_multifield",
    "deal_multiple",
    "lead",
    "lead_multifield",
    "contact",
    "contact_multifield",
    "company",
    "company_multifield",
    "activity",
    "stage_history",
    "product_row",
    "status",
    "category",
    "users",
)


def _ok(answer: tuple[int, Any]) -> Any:
    status, payload = answer
    assert status == 200, payload
    return payload["result"]


def _duck(tmp_path: Path, name: str = "crm.duckdb") -> str:
    return "duckdb:///" + str(tmp_path / name)


def _assert_entity_equals_portal(emu: Emulator, target: str, entity: str) -> None:
    """Field by field: every column of every row equals the portal's value (the spec's type table)."""
    portal = portal_table(emu, entity)
    columns = sorted(next(iter(portal.values())).keys()) if portal else ["id"]
    stored = db_table(target, entity, columns)
    assert set(stored) == set(portal), (entity, set(stored) ^ set(portal))
    diffs = {
        (row_id, column): (stored[row_id][column], value)
        for row_id, values in portal.items()
        for column, value in values.items()
        if stored[row_id][column] != value
    }
    assert not diffs, (entity, dict(list(diffs.items())[:10]))


def _assert_children_equal_portal(emu: Emulator, target: str, entity: str) -> None:
    if portal_fields_have(emu, entity, "crm_multifield"):
        stored = {
            (int(r[0]), r[1], int(r[2]), r[3], r[4])
            for r in db_rows(
                target, f"SELECT entity_id, field, value_id, value_type, value FROM {entity}_multifield"
            )
        }
        assert stored == portal_multifields(emu, entity), entity
    stored_many = {
        (int(r[0]), r[1], r[2])
        for r in db_rows(target, f"SELECT entity_id, field, value FROM {entity}_multiple")
    }
    assert stored_many == portal_multiples(emu, entity), entity


def portal_fields_have(emu: Emulator, entity: str, kind: str) -> bool:
    return any(f.get("type") == kind for f in portal_fields(emu, entity).values())


def _no_duplicates(target: str) -> None:
    for table, key in (
        ("deal", "id"),
        ("lead", "id"),
        ("contact", "id"),
        ("company", "id"),
        ("activity", "id"),
        ("product_row", "id"),
        ("stage_history", "entity_type_id, id"),
    ):
        (count, distinct) = db_rows(
            target,
            f"SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT {key} FROM {table}) d) FROM {table}",
        )[0]
        assert count == distinct, table


def _portal_total(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> int:
    status, payload = emu.call(method, params or {})
    assert status == 200, payload
    return int(payload["total"])


def _assert_counts_equal_portal(emu: Emulator, target: str) -> None:
    for entity in ("deal", "lead", "contact", "company", "activity"):
        assert db_rows(target, f"SELECT COUNT(*) FROM {entity}")[0][0] == _portal_total(
            emu, f"crm.{entity}.list"
        ), entity
    for type_id in (1, 2):
        assert db_rows(target, f"SELECT COUNT(*) FROM stage_history WHERE entity_type_id = {type_id}")[0][
            0
        ] == _portal_total(emu, "crm.stagehistory.list", {"entityTypeId": type_id}), type_id
    stored_rows = db_rows(target, "SELECT COUNT(*) FROM product_row WHERE owner_type = 'D'")[0][0]
    portal_rows = 0
    start: int | None = 0
    while start is not None:
        status, payload = emu.call(
            "crm.deal.list", {"select": ["ID"], "order": {"ID": "ASC"}, "start": start}
        )
        assert status == 200
        for deal in payload["result"]:
            portal_rows += len(_ok(emu.call("crm.deal.productrows.get", {"id": deal["ID"]})))
        start = payload.get("next")
    assert stored_rows == portal_rows


# ------------------------------------------------------------------------------------- the analyst
def test_analyst_check_field_by_field_with_child_tables(target_url: str) -> None:
    """Demo exported; 5 changed (a title, an amount, a phone, a contact list, a stage), 2 deleted, 3 added
    through REST; the rerun: every column of every row and every child row equals the portal; few requests."""
    emu = Emulator.demo()
    b24 = emu.client()
    export(b24, target_url)
    for entity in ("deal", "contact", "company", "lead"):
        _assert_entity_equals_portal(emu, target_url, entity)
        _assert_children_equal_portal(emu, target_url, entity)
    emu.advance(3600)
    deals = sorted(portal_table(emu, "deal"))
    contacts = sorted(portal_table(emu, "contact"))
    b24.call(
        "crm.deal.update",
        {"id": deals[3], "fields": {"TITLE": "Renamed \"quoted\" 'x'; DROP TABLE deal; --"}},
    )
    b24.call("crm.deal.update", {"id": deals[4], "fields": {"OPPORTUNITY": "1234.56", "CURRENCY_ID": "USD"}})
    b24.call("crm.deal.update", {"id": deals[5], "fields": {"CONTACT_IDS": contacts[:3]}})
    b24.call("crm.deal.update", {"id": deals[6], "fields": {"STAGE_ID": "WON", "COMMENTS": ""}})
    phones = portal_multifields(emu, "contact")
    cid, _, vid, _, _ = next(p for p in sorted(phones) if p[1] == "PHONE")
    b24.call(
        "crm.contact.update", {"id": cid, "fields": {"PHONE": [{"ID": vid, "VALUE": "+7 999 000-00-00"}]}}
    )
    for deal_id in deals[20:22]:
        b24.call("crm.deal.delete", {"id": deal_id})
    for n in range(3):
        b24.call("crm.deal.add", {"fields": {"TITLE": f"Новая сделка {n} ✓", "OPPORTUNITY": "1000"}})
    emu.reset_stats()
    second = export(b24, target_url)
    assert emu.stats.requests <= 8, emu.stats.calls
    assert second.entities["deal"].deleted == 2
    for entity in ("deal", "contact", "company", "lead"):
        _assert_entity_equals_portal(emu, target_url, entity)
        _assert_children_equal_portal(emu, target_url, entity)
    _assert_counts_equal_portal(emu, target_url)
    _no_duplicates(target_url)


# ------------------------------------------------------------------------------------ interruptions
_CHILD = """
import sys
from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import export
with Bitrix24(sys.argv[1], limits="off") as b24:
    export(b24, sys.argv[2])
print("finished")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
@pytest.mark.parametrize("after_requests", [2, 3])  # the demo's first export takes 4
def test_sigkill_during_the_first_export_of_everything_then_rerun(
    tmp_path: Path, after_requests: int
) -> None:
    """SIGKILL mid-way through the first export of all entities and includes; the rerun: every table equals
    the portal, no duplicate, and the watermark of an unfinished entity was not advanced by the killed run."""
    emu = Emulator.demo(cost=CostModel(per_request=0.02, per_row=0.0, per_batch_command=0.02, sleep=True))
    target = _duck(tmp_path)
    with emu.serve() as url:
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, url, target], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while emu.stats.requests < after_requests and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=30)
    assert b"finished" not in out, err
    unfinished = db_rows(target, "SELECT entity, watermark FROM _sync WHERE phase <> 'done'")
    assert unfinished, "the kill came too late to test anything"
    assert all(watermark is None for _, watermark in unfinished), unfinished
    emu.cost = None
    export(emu.client(), target)
    assert db_rows(target, "SELECT COUNT(*) FROM _sync WHERE phase <> 'done'") == [(0,)]
    _no_duplicates(target)
    _assert_counts_equal_portal(emu, target)
    for entity in ("deal", "contact"):
        _assert_entity_equals_portal(emu, target, entity)
        _assert_children_equal_portal(emu, target, entity)


class Boom(RuntimeError):
    """A database write that fails on purpose."""


def _fail_write(monkeypatch: pytest.MonkeyPatch, table: str, nth: int, method: str = "upsert") -> None:
    """Make the ``nth`` ``upsert``/``delete_in`` on ``table`` raise (the earlier ones are committed)."""
    seen = [0]
    real = getattr(Database, method)

    def failing(self: Database, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == table:
            seen[0] += 1
            if seen[0] == nth:
                raise Boom(f"disk full on {table}")
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(Database, method, failing)


@pytest.mark.parametrize(
    ("table", "nth", "method"),
    [("product_row", 3, "upsert"), ("stage_history", 2, "upsert"), ("deal_multiple", 2, "upsert")],
)
def test_an_error_in_a_later_page_write_of_an_include_then_rerun(
    target_url: str, monkeypatch: pytest.MonkeyPatch, table: str, nth: int, method: str
) -> None:
    emu = Emulator.demo()
    b24 = emu.client()
    _fail_write(monkeypatch, table, nth, method)
    with pytest.raises(Boom):
        export(b24, target_url)
    monkeypatch.undo()
    export(b24, target_url)
    _no_duplicates(target_url)
    _assert_counts_equal_portal(emu, target_url)
    _assert_children_equal_portal(emu, target_url, "deal")


def test_an_error_in_the_deletion_pass_keeps_the_watermark_and_the_rerun_deletes(tmp_path: Path) -> None:
    emu = Emulator.demo()
    b24 = emu.client()
    target = _duck(tmp_path)
    export(b24, target, entities=["deal"], include=[])
    (before,) = db_rows(target, "SELECT watermark FROM _sync WHERE entity = 'deal'")[0]
    emu.advance(3600)
    ids = sorted(portal_table(emu, "deal"))
    b24.call("crm.deal.update", {"id": ids[0], "fields": {"TITLE": "changed"}})
    b24.call("crm.deal.delete", {"id": ids[50]})
    monkeypatch = pytest.MonkeyPatch()
    _fail_write(monkeypatch, "deal", 1, "delete_in")  # the first delete_in on deal is the deletion pass
    try:
        with pytest.raises(Boom):
            export(b24, target, entities=["deal"], include=[])
    finally:
        monkeypatch.undo()
    assert db_rows(target, "SELECT watermark FROM _sync WHERE entity = 'deal'") == [(before,)]
    report = export(b24, target, entities=["deal"], include=[])
    assert report.entities["deal"].deleted == 1
    _assert_entity_equals_portal(emu, target, "deal")


def test_deals_changed_deleted_and_added_between_pages_are_not_lost(
    target_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While page 2 of the first export is written, deal 1 (already read) changes, deal 140 (not read yet)
    is deleted and a deal is added; the next run equals the portal."""
    emu = Emulator.demo()
    b24 = emu.client()
    real = Database.upsert
    seen = [0]

    def upsert(self: Database, table: str, *args: Any, **kwargs: Any) -> int:
        if table == "deal":
            seen[0] += 1
            if seen[0] == 2:
                emu.advance(1)
                _ok(emu.call("crm.deal.update", {"id": 1, "fields": {"TITLE": "changed mid-export"}}))
                _ok(emu.call("crm.deal.delete", {"id": 140}))
                _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "added mid-export"}}))
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(Database, "upsert", upsert)
    export(b24, target_url, entities=["deal"], include=[])
    monkeypatch.undo()
    export(b24, target_url, entities=["deal"], include=[])
    _assert_entity_equals_portal(emu, target_url, "deal")


def test_same_second_changes_at_the_watermark_with_no_overlap(tmp_path: Path) -> None:
    """A deal modified in the very second of the watermark, after the export read it: ``>=`` catches it."""
    clock = ManualClock(1_780_000_000.0)
    emu = Emulator(limits="off", clock=clock)
    for n in range(120):
        _ok(emu.call("crm.deal.add", {"fields": {"TITLE": f"d{n}"}}))
    clock.advance(3600)
    _ok(emu.call("crm.deal.update", {"id": 7, "fields": {"TITLE": "watermark"}}))
    target = _duck(tmp_path)
    export(emu.client(), target, entities=["deal"], include=[], overlap=dt.timedelta(0))
    _ok(emu.call("crm.deal.update", {"id": 100, "fields": {"TITLE": "same second"}}))  # clock not moved
    clock.advance(0.4)
    _ok(emu.call("crm.deal.update", {"id": 3, "fields": {"TITLE": "same second, later"}}))
    report = export(emu.client(), target, entities=["deal"], include=[], overlap=dt.timedelta(0))
    assert report.entities["deal"].read < 10
    _assert_entity_equals_portal(emu, target, "deal")


# --------------------------------------------------------------------------------------- deletions
def _deals(emu: Emulator, count: int) -> list[int]:
    return [int(_ok(emu.call("crm.deal.add", {"fields": {"TITLE": f"d{n}"}}))) for n in range(count)]


def test_a_deletion_and_an_addition_in_the_same_id_range_counts_equal(tmp_path: Path) -> None:
    """The portal's count of the last range is unchanged (one deleted, one added there): still detected."""
    emu = Emulator(limits="off")
    ids = _deals(emu, 300)
    target = _duck(tmp_path)
    export(emu.client(), target, entities=["deal"], include=[])
    emu.advance(3600)
    _ok(emu.call("crm.deal.delete", {"id": ids[-2]}))
    _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "replacement"}}))
    report = export(emu.client(), target, entities=["deal"], include=[])
    assert report.entities["deal"].deleted == 1
    _assert_entity_equals_portal(emu, target, "deal")


def test_a_deletion_racing_an_addition_made_after_the_stream_is_caught_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deal added after the changed rows were read and one deleted in the same range leave the portal's
    count equal to the local one during the deletion pass; the next run must still delete it."""
    emu = Emulator(limits="off")
    ids = _deals(emu, 120)
    target = _duck(tmp_path)
    export(emu.client(), target, entities=["deal"], include=[])
    emu.advance(3600)
    real = Database.rows

    def rows(self: Database, sql: str, params: Any = ()) -> Any:
        if sql.startswith("SELECT id FROM") and '"deal"' in sql and "ORDER BY id" in sql:
            _ok(emu.call("crm.deal.delete", {"id": ids[-3]}))
            _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "late"}}))
            monkeypatch.setattr(Database, "rows", real)
        return real(self, sql, params)

    monkeypatch.setattr(Database, "rows", rows)
    export(emu.client(), target, entities=["deal"], include=[])
    monkeypatch.undo()
    export(emu.client(), target, entities=["deal"], include=[])
    _assert_entity_equals_portal(emu, target, "deal")


@pytest.mark.parametrize(
    "case", ["one_row_deleted", "all_deleted", "sparse_low", "sparse_high", "empty_first"]
)
def test_deletions_on_tiny_empty_and_sparse_tables(tmp_path: Path, case: str) -> None:
    emu = Emulator(limits="off")
    target = _duck(tmp_path)
    if case == "empty_first":
        export(emu.client(), target, entities=["deal"], include=[])
        emu.advance(3600)
        ids = _deals(emu, 3)
        _ok(emu.call("crm.deal.delete", {"id": ids[1]}))
        export(emu.client(), target, entities=["deal"], include=[])
        _assert_entity_equals_portal(emu, target, "deal")
        return
    if case.startswith("sparse"):
        ids = _deals(emu, 1)
        emu.state.counters["deal"] = 10**9 - 1
        ids += _deals(emu, 1)
        assert ids == [1, 10**9]
    else:
        ids = _deals(emu, 1 if case == "one_row_deleted" else 60)
    export(emu.client(), target, entities=["deal"], include=[])
    emu.advance(3600)
    gone = {
        "one_row_deleted": ids,
        "all_deleted": ids,
        "sparse_low": [1],
        "sparse_high": [10**9],
    }[case]
    for deal_id in gone:
        _ok(emu.call("crm.deal.delete", {"id": deal_id}))
    report = export(emu.client(), target, entities=["deal"], include=[])
    assert report.entities["deal"].deleted == len(gone)
    assert {r[0] for r in db_rows(target, "SELECT id FROM deal")} == set(ids) - set(gone)
    # and again on the table as it is now (empty or one row): nothing more deleted, nothing crashes
    again = export(emu.client(), target, entities=["deal"], include=[])
    assert again.entities["deal"].deleted == 0


def test_full_on_an_existing_database_rereads_replaces_and_deletes(target_url: str) -> None:
    emu = Emulator.demo()
    b24 = emu.client()
    export(b24, target_url)
    emu.advance(3600)
    ids = sorted(portal_table(emu, "deal"))
    b24.call("crm.deal.delete", {"id": ids[0]})
    b24.call("crm.deal.update", {"id": ids[1], "fields": {"TITLE": "changed"}})
    report = export(b24, target_url, full=True)
    assert report.entities["deal"].mode == "full"
    assert report.entities["deal"].deleted == 1
    _no_duplicates(target_url)
    _assert_counts_equal_portal(emu, target_url)
    _assert_entity_equals_portal(emu, target_url, "deal")
    assert db_rows(
        target_url, "SELECT COUNT(*) FROM product_row WHERE owner_type = 'D' AND owner_id = " + str(ids[0])
    ) == [(0,)]


# ----------------------------------------------------------------------------------------- drift
def _uf_add(emu: Emulator, name: str, kind: str, **fields: Any) -> int:
    return int(
        _ok(
            emu.call(
                "crm.deal.userfield.add", {"fields": {"FIELD_NAME": name, "USER_TYPE_ID": kind, **fields}}
            )
        )
    )


def test_a_custom_field_added_removed_and_re_added(target_url: str) -> None:
    """Added: a column and its label; removed: column kept, ``removed_at`` set; re-added: ``removed_at``
    cleared and the column holds the portal's values again (the old ones went with the deleted field)."""
    emu = Emulator(limits="off")
    b24 = emu.client()
    _deals(emu, 3)
    export(b24, target_url, entities=["deal"], include=[])
    emu.advance(3600)
    label = "Бюджет '; DROP TABLE deal; --"
    field_id = _uf_add(emu, "SELECT", "string", EDIT_FORM_LABEL={"ru": label, "en": label})
    _ok(emu.call("crm.deal.update", {"id": 1, "fields": {"UF_CRM_SELECT": "first"}}))
    report = export(b24, target_url, entities=["deal"], include=[])
    assert report.entities["deal"].added_columns == ("uf_crm_select",)
    assert db_rows(target_url, "SELECT label, removed_at FROM _fields WHERE code = 'UF_CRM_SELECT'") == [
        (label, None)
    ]
    assert db_rows(target_url, "SELECT uf_crm_select FROM deal WHERE id = 1") == [("first",)]
    emu.advance(3600)
    _ok(emu.call("crm.deal.userfield.delete", {"id": field_id}))
    _ok(emu.call("crm.deal.update", {"id": 2, "fields": {"TITLE": "touch"}}))
    report = export(b24, target_url, entities=["deal"], include=[])
    assert report.entities["deal"].removed_columns == ("uf_crm_select",)
    assert db_rows(target_url, "SELECT removed_at IS NOT NULL FROM _fields WHERE code = 'UF_CRM_SELECT'") == [
        (True,)
    ]
    assert db_rows(target_url, "SELECT uf_crm_select FROM deal WHERE id = 1") == [("first",)]  # kept
    emu.advance(3600)
    _uf_add(emu, "SELECT", "string")
    _ok(emu.call("crm.deal.update", {"id": 3, "fields": {"UF_CRM_SELECT": "new"}}))
    export(b24, target_url, entities=["deal"], include=[])
    assert db_rows(target_url, "SELECT removed_at FROM _fields WHERE code = 'UF_CRM_SELECT'") == [(None,)]
    assert db_rows(target_url, "SELECT uf_crm_select FROM deal WHERE id = 3") == [("new",)]


def test_a_re_added_custom_field_holds_no_stale_values(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    b24 = emu.client()
    target = _duck(tmp_path)
    field_id = _uf_add(emu, "NOTE", "string")
    _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "a", "UF_CRM_NOTE": "old value"}}))
    _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "b"}}))
    emu.advance(3600)
    _ok(emu.call("crm.deal.update", {"id": 2, "fields": {"TITLE": "watermark"}}))
    export(b24, target, entities=["deal"], include=[])
    emu.advance(3600)
    _ok(emu.call("crm.deal.userfield.delete", {"id": field_id}))
    _uf_add(emu, "NOTE", "string")
    _ok(emu.call("crm.deal.update", {"id": 2, "fields": {"TITLE": "touch"}}))
    assert _ok(emu.call("crm.deal.get", {"id": 1}))["UF_CRM_NOTE"] in ("", None)
    export(b24, target, entities=["deal"], include=[])
    _assert_entity_equals_portal(emu, target, "deal")


def test_a_custom_field_re_added_with_another_type(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    b24 = emu.client()
    target = _duck(tmp_path)
    field_id = _uf_add(emu, "X", "double")
    _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "a", "UF_CRM_X": 5.5}}))
    export(b24, target, entities=["deal"], include=[])
    emu.advance(3600)
    _ok(emu.call("crm.deal.userfield.delete", {"id": field_id}))
    _uf_add(emu, "X", "string")
    _ok(emu.call("crm.deal.update", {"id": 1, "fields": {"UF_CRM_X": "hello"}}))
    export(b24, target, entities=["deal"], include=[])
    assert db_rows(target, "SELECT CAST(uf_crm_x AS VARCHAR) FROM deal") == [("hello",)]


def test_column_names_that_collide(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    _uf_add(emu, "A", "money")
    _uf_add(emu, "A_CURRENCY", "string")
    _ok(
        emu.call(
            "crm.deal.add", {"fields": {"TITLE": "a", "UF_CRM_A": "10|USD", "UF_CRM_A_CURRENCY": "mine"}}
        )
    )
    target = _duck(tmp_path)
    export(emu.client(), target, entities=["deal"], include=[])
    (column,) = db_rows(target, "SELECT column_name FROM _fields WHERE code = 'UF_CRM_A_CURRENCY'")[0]
    assert column is not None
    assert db_rows(target, f"SELECT {column} FROM deal") == [("mine",)]
    assert db_rows(target, "SELECT uf_crm_a, uf_crm_a_currency FROM deal")[0][0] == Decimal("10.00")


# ----------------------------------------------------------------------------------------- values
_LONG = "Длинный текст ✓ 𝄞 " * 20_000


def test_awkward_values_become_the_right_value_or_null(target_url: str) -> None:
    emu = Emulator(limits="off")
    _uf_add(emu, "AMT", "money")
    _uf_add(emu, "FLAG", "boolean")
    _uf_add(emu, "WHEN", "datetime")
    _uf_add(emu, "DAY", "date")
    _uf_add(emu, "NOTE", "string")
    rows = [
        {
            "TITLE": "O'Brien \"quoted\" '; DROP TABLE deal; --",
            "UF_CRM_AMT": "100|RUB",
            "UF_CRM_FLAG": "Y",
            "UF_CRM_WHEN": "2026-03-01T10:00:00+05:00",
            "UF_CRM_DAY": "2026-03-01",
            "UF_CRM_NOTE": _LONG,
        },
        {
            "TITLE": "",
            "UF_CRM_AMT": "",
            "UF_CRM_FLAG": "N",
            "UF_CRM_WHEN": "not a date",
            "UF_CRM_DAY": "2026-02-30",
            "UF_CRM_NOTE": "",
        },
        {
            "TITLE": "日本語の取引 🚀",
            "UF_CRM_AMT": "1500.50|USD",
            "UF_CRM_FLAG": 0,
            "UF_CRM_WHEN": "0000-00-00 00:00:00",
            "UF_CRM_DAY": "31.02.2026",
            "CLOSED": "N",
        },
    ]
    for fields in rows:
        _ok(emu.call("crm.deal.add", {"fields": fields}))
    export(emu.client(), target_url, entities=["deal"], include=[])
    got = db_rows(
        target_url,
        "SELECT id, title, uf_crm_amt, uf_crm_amt_currency, uf_crm_flag, uf_crm_when, uf_crm_day, "
        "uf_crm_note "
        "FROM deal ORDER BY id",
    )
    portal = {r["ID"]: r for r in (_ok(emu.call("crm.deal.get", {"id": i})) for i in (1, 2, 3))}
    flag = {k: v["UF_CRM_FLAG"] for k, v in portal.items()}
    assert got[0][:4] == (1, rows[0]["TITLE"], Decimal("100.00"), "RUB")
    assert got[0][5] == dt.datetime(2026, 3, 1, 5, 0, tzinfo=dt.UTC)
    assert got[0][7] == _LONG
    assert got[1][1] == portal["2"]["TITLE"]  # the portal names an untitled deal itself
    assert got[1][2:4] == (None, None)
    assert got[1][5:8] == (None, None, None)
    assert got[2][1:4] == ("日本語の取引 🚀", Decimal("1500.50"), "USD")
    assert got[2][5:7] == (None, None)
    assert [g[4] for g in got] == [
        {"1": True, "0": False, 1: True, 0: False, "Y": True, "N": False}[flag[k]] for k in sorted(flag)
    ]
    _assert_entity_equals_portal(emu, target_url, "deal")


@pytest.mark.parametrize("field", ["UF_CRM_AMT", "OPPORTUNITY"])
def test_a_huge_amount_becomes_null_not_a_crash(tmp_path: Path, field: str) -> None:
    emu = Emulator(limits="off")
    _uf_add(emu, "AMT", "money")
    value = "100000000000000000000000000|RUB" if field == "UF_CRM_AMT" else "1e30"
    _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "big", field: value}}))
    target = _duck(tmp_path)
    export(emu.client(), target, entities=["deal"], include=[])
    assert db_rows(target, f"SELECT {field.lower()} FROM deal") == [(None,)]


def test_an_instant_stays_the_same_instant_whatever_the_offsets(pg_url: str, tmp_path: Path) -> None:
    """The portal at UTC-07:00, a PostgreSQL session at Asia/Tokyo, DuckDB at its default: every
    ``date_modify`` is the portal's instant, and an incremental run (filter in the portal's offset) works."""
    emu = Emulator(limits="off")
    emu.state.tz = dt.timezone(dt.timedelta(hours=-7))
    _deals(emu, 60)
    emu.advance(3600)
    _ok(emu.call("crm.deal.update", {"id": 1, "fields": {"TITLE": "watermark"}}))
    tokyo = pg_url + "?options=-c%20TimeZone%3DAsia/Tokyo"
    duck = _duck(tmp_path)
    for target in (tokyo, duck):
        export(emu.client(), target, entities=["deal"], include=[])
    emu.advance(7200)
    _ok(emu.call("crm.deal.update", {"id": 30, "fields": {"TITLE": "later"}}))
    for target in (tokyo, duck):
        report = export(emu.client(), target, entities=["deal"], include=[])
        assert report.entities["deal"].read < 10, target
        _assert_entity_equals_portal(emu, target, "deal")
    portal = {
        int(r["ID"]): dt.datetime.fromisoformat(r["DATE_MODIFY"])
        for r in _ok(emu.call("crm.deal.list", {"select": ["ID", "DATE_MODIFY"]}))
    }
    stored = dict(db_rows(tokyo, "SELECT id, date_modify FROM deal"))
    assert {k: v for k, v in stored.items() if k in portal} == portal


def test_a_nul_character_in_a_title_on_postgresql(pg_url: str) -> None:
    emu = Emulator(limits="off")
    _ok(emu.call("crm.deal.add", {"fields": {"TITLE": "before\x00after"}}))
    export(emu.client(), pg_url, entities=["deal"], include=[])
    assert db_rows(pg_url, "SELECT COUNT(*) FROM deal") == [(1,)]


# ---------------------------------------------------------------------------------- bad input, secrets
@pytest.mark.parametrize(
    ("entities", "include"),
    [(["deals"], []), (["deal"], ["stagehistory", "history"]), (["deal", 5], []), ("nothing", []), ([], [])],
)
def test_unknown_names_fail_before_any_request(tmp_path: Path, entities: Any, include: Any) -> None:
    emu = Emulator(limits="off")
    target = tmp_path / "crm.duckdb"
    with pytest.raises(InvalidInputError):
        export(emu.client(), "duckdb:///" + str(target), entities=entities, include=include)
    assert emu.stats.requests == 0
    assert not target.exists()


@pytest.mark.parametrize(
    "url",
    [
        "duckdb://",
        "duckdb:///",
        "duckdb:/crm.duckdb",
        "sqlite:///crm.db",
        "mysql://bob:s3cretPW@h/db",
        "crm.duckdb",
        "",
        "duckdb:///crm.duckdb?mode=ro",
        "duckdb:////no/such/dir/crm.duckdb",
    ],
)
def test_bad_targets_fail_clearly_before_any_request(url: str) -> None:
    emu = Emulator(limits="off")
    with pytest.raises(InvalidInputError) as caught:
        export(emu.client(), url, entities=["deal"], include=[])
    assert emu.stats.requests == 0
    assert "s3cretPW" not in str(caught.value)


_SECRET = "s3cretPW"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob:{_SECRET}@127.0.0.1:1/db",
        f"postgresql://bob:{_SECRET}%40x@127.0.0.1:1/db",
        f"postgres://bob:{_SECRET}%3Fx%25@127.0.0.1:1/db?sslmode=disable",
        f"postgresql://bob:{_SECRET}@127.0.0.1:1/db?connect_timeout=2",
    ],
)
def test_an_unreachable_postgresql_fails_clearly_without_the_password(url: str) -> None:
    emu = Emulator(limits="off")
    with pytest.raises(InvalidInputError) as caught:
        export(emu.client(), url, entities=["deal"], include=[])
    assert emu.stats.requests == 0
    assert _SECRET not in str(caught.value)
    assert _SECRET not in repr(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob:{_SECRET}?x@127.0.0.1:1/db",
        f"postgresql://bob:x@{_SECRET}#y@127.0.0.1:1/db",
        f"postgresql://127.0.0.1:1/db?user=bob&password={_SECRET}",
    ],
)
def test_awkward_passwords_never_appear_in_the_error(url: str) -> None:
    emu = Emulator(limits="off")
    with pytest.raises(InvalidInputError) as caught:
        export(emu.client(), url, entities=["deal"], include=[])
    assert _SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob:{_SECRET}@host:99999/db",
        f"postgresql://bob:{_SECRET}@host:abc/db",
        f"postgresql://bob:{_SECRET}@[::1/db",
    ],
)
def test_a_malformed_postgresql_url_is_invalid_input(url: str) -> None:
    emu = Emulator(limits="off")
    with pytest.raises(InvalidInputError) as caught:
        export(emu.client(), url, entities=["deal"], include=[])
    assert _SECRET not in str(caught.value)


def test_the_report_and_repr_never_show_the_password(pg_url: str) -> None:
    emu = Emulator(limits="off")
    _deals(emu, 2)
    password = pg_url.split("@")[0].rsplit(":", 1)[1]
    report = export(emu.client(), pg_url, entities=["deal"], include=[])
    assert password not in report.target
    assert password not in str(report)
    assert password not in repr(report)


def test_a_query_string_password_is_masked_in_the_report(pg_url: str) -> None:
    emu = Emulator(limits="off")
    _deals(emu, 2)
    user_pw, rest = pg_url[len("postgresql://") :].split("@", 1)
    user, password = user_pw.split(":", 1)
    url = f"postgresql://{rest}?user={user}&password={password}"
    report = export(emu.client(), url, entities=["deal"], include=[])
    assert password not in str(report)


def test_the_cli_prints_no_password_on_failure(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("BITRIX24_WEBHOOK_URL", None)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from bitrix24_toolkit.cli import main; sys.exit(main())",
            "export",
            f"postgresql://bob:{_SECRET}%40x@127.0.0.1:1/db",
            "--entity",
            "deal",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert run.returncode != 0
    assert _SECRET not in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


# ------------------------------------------------------------------------------- requests, clients
def test_a_rerun_after_changes_in_every_entity_takes_few_requests(tmp_path: Path) -> None:
    """3 changed and 1 deleted in each of deal, lead, contact, company, activity: <= 8 HTTP requests."""
    emu = Emulator.demo()
    target = _duck(tmp_path)
    export(emu.client(), target)
    emu.advance(3600)
    for entity, field in (
        ("deal", "TITLE"),
        ("lead", "TITLE"),
        ("contact", "COMMENTS"),
        ("company", "COMMENTS"),
        ("activity", "SUBJECT"),
    ):
        ids = sorted(int(r["ID"]) for r in _ok(emu.call(f"crm.{entity}.list", {"select": ["ID"]})))
        for row_id in ids[3:6]:
            _ok(emu.call(f"crm.{entity}.update", {"id": row_id, "fields": {field: "changed"}}))
        _ok(emu.call(f"crm.{entity}.delete", {"id": ids[10]}))
    emu.reset_stats()
    report = export(emu.client(), target)
    assert emu.stats.requests <= 8, emu.stats.calls
    assert all(report.entities[e].deleted == 1 for e in ("deal", "lead", "contact", "company", "activity"))
    _assert_counts_equal_portal(emu, target)
    _assert_entity_equals_portal(emu, target, "company")


def test_deleting_a_company_and_a_contact_leaves_no_dangling_links(tmp_path: Path) -> None:
    emu = Emulator.demo()
    target = _duck(tmp_path)
    export(emu.client(), target)
    emu.advance(3600)
    deal = next(r for r in portal_table(emu, "deal").values() if r["company_id"])
    contact = next(r["contact_id"] for r in portal_table(emu, "deal").values() if r["contact_id"])
    _ok(emu.call("crm.company.delete", {"id": deal["company_id"]}))
    _ok(emu.call("crm.contact.delete", {"id": contact}))
    export(emu.client(), target)
    export(emu.client(), target)
    _assert_entity_equals_portal(emu, target, "deal")
    _assert_children_equal_portal(emu, target, "deal")


def _snapshot(target: str) -> dict[str, set[tuple[Any, ...]]]:
    return {table: table_snapshot(target, table) for table in ALL_TABLES}


async def test_the_async_client_gives_the_same_database(tmp_path: Path) -> None:
    emu = Emulator.demo()
    sync_target, async_target = _duck(tmp_path, "sync.duckdb"), _duck(tmp_path, "async.duckdb")
    export(emu.client(), sync_target)
    async with emu.async_client() as ab24:
        await export(ab24, async_target)
    sync_tables, async_tables = _snapshot(sync_target), _snapshot(async_target)
    for table in ALL_TABLES:
        assert sync_tables[table] == async_tables[table], table
    skip = ("last_full_at", "last_run_at")
    assert table_snapshot(sync_target, "_sync", skip) == table_snapshot(async_target, "_sync", skip)


def test_postgresql_holds_the_same_rows_as_duckdb(pg_url: str, tmp_path: Path) -> None:
    emu = Emulator.demo()
    duck = _duck(tmp_path)
    export(emu.client(), duck)
    export(emu.client(), pg_url)
    duck_tables, pg_tables = _snapshot(duck), _snapshot(pg_url)
    for table in ALL_TABLES:
        assert duck_tables[table] == pg_tables[table], table
    skip = ("first_seen",)
    assert table_snapshot(duck, "_fields", skip) == table_snapshot(pg_url, "_fields", skip)
    assert table_snapshot(duck, "_field_items") == table_snapshot(pg_url, "_field_items")


# ---------------------------------------------------------------------------------- two at once
_SLOW_CHILD = """
import sys
from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.helpers import export
with Bitrix24(sys.argv[1], limits="off") as b24:
    export(b24, sys.argv[2], include=[])
print("finished")
"""


def test_a_second_process_exporting_to_the_same_duckdb_file_gets_a_clear_error(tmp_path: Path) -> None:
    emu = Emulator.demo(cost=CostModel(per_request=0.0, per_row=0.0, per_batch_command=0.05, sleep=True))
    target = _duck(tmp_path)
    with emu.serve() as url:
        child = subprocess.Popen(
            [sys.executable, "-c", _SLOW_CHILD, url, target], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while emu.stats.requests < 2 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        other = Emulator.demo()
        with pytest.raises(InvalidInputError, match=r"(?i)lock"):
            export(other.client(), target, include=[])
        assert other.stats.requests == 0
        out, err = child.communicate(timeout=120)
    assert b"finished" in out, err
    demo = Emulator.demo()
    _assert_entity_equals_portal(demo, target, "deal")
    _no_duplicates_entities(target)


def _no_duplicates_entities(target: str) -> None:
    for table in ("deal", "lead", "contact", "company"):
        assert db_rows(target, f"SELECT COUNT(*) - COUNT(DISTINCT id) FROM {table}") == [(0,)], table


def test_a_second_export_in_the_same_process_gets_a_clear_error(tmp_path: Path) -> None:
    emu = Emulator.demo()
    target = _duck(tmp_path)
    inside, release = threading.Event(), threading.Event()
    real = Database.upsert

    def upsert(self: Database, table: str, *args: Any, **kwargs: Any) -> int:
        written = real(self, table, *args, **kwargs)
        if table == "deal" and threading.current_thread().name == "first" and not inside.is_set():
            inside.set()
            release.wait(30)  # hold the page transaction open
        return written

    errors: list[BaseException] = []

    def first() -> None:
        try:
            export(emu.client(), target, entities=["deal"], include=[])
        except BaseException as exc:  # reported below
            errors.append(exc)

    monkey = pytest.MonkeyPatch()
    monkey.setattr(Database, "upsert", upsert)
    thread = threading.Thread(target=first, name="first")
    thread.start()
    try:
        assert inside.wait(30)
        try:
            export(emu.client(), target, entities=["deal"], include=[])
        except InvalidInputError:
            pass  # a clear refusal is fine; anything else is not
    finally:
        release.set()
        thread.join(60)
        monkey.undo()
    assert not errors, errors
    _assert_entity_equals_portal(emu, target, "deal")
