"""The analyst's check of issue 21: the demo portal exported, compared with the live portal; changed, deleted
and added deals through REST; the rerun matches the portal row by row with few requests.

Every test takes ``target_url`` (conftest: a DuckDB file, and a fresh PostgreSQL database when a server is
available), so the same body runs on both databases.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from bitrix24_toolkit.helpers import export, funnel_snapshot
from bitrix24_toolkit.testing import Emulator

from ._support import db_rows, portal_deals

ENTITY_TABLES = ("deal", "lead", "contact", "company", "activity")


def _portal_total(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> int:
    """The portal's count (``total`` of the list method), asked of the emulator directly (no bucket)."""
    status, payload = emu.call(method, params or {})
    assert status == 200, payload
    return int(payload["total"])


def _db_deals(target_url: str) -> dict[int, tuple[Any, ...]]:
    rows = db_rows(
        target_url,
        "SELECT id, title, stage_id, opportunity, currency_id, category_id, date_modify, closed FROM deal",
    )
    return {int(r[0]): tuple(r[1:]) for r in rows}


def _portal_product_rows(emu: Emulator, deal_ids: list[int]) -> set[tuple[Any, ...]]:
    out = set()
    for deal_id in deal_ids:
        status, payload = emu.call("crm.deal.productrows.get", {"id": deal_id})
        assert status == 200, payload
        for row in payload["result"]:
            out.add(
                (
                    int(row["ID"]),
                    deal_id,
                    row["PRODUCT_NAME"],
                    Decimal(str(row["PRICE"])).quantize(Decimal("0.01")),
                )
            )
    return out


def test_demo_export_equals_the_live_portal_and_a_rerun_follows_its_changes(target_url: str) -> None:
    emu = Emulator.demo()
    b24 = emu.client()
    first = export(b24, target_url)
    assert first.entities["deal"].mode == "full"

    # counts: every table holds what the portal lists
    for entity in ENTITY_TABLES:
        (count,) = db_rows(target_url, f"SELECT COUNT(*) FROM {entity}")[0]
        assert count == _portal_total(emu, f"crm.{entity}.list") > 0, entity
    assert db_rows(target_url, "SELECT COUNT(*) FROM users")[0][0] == _portal_total(emu, "user.get")
    for type_id, entity in ((2, "deal"), (1, "lead")):
        stored = db_rows(target_url, f"SELECT COUNT(*) FROM stage_history WHERE entity_type_id = {type_id}")[
            0
        ][0]
        assert stored == _portal_total(emu, "crm.stagehistory.list", {"entityTypeId": type_id}) > 0, entity

    # sums: per funnel and stage, the same counts and amounts as the live funnel statistics
    for category_id in (0, 1):
        live = funnel_snapshot(b24, category_id)
        sql = db_rows(
            target_url,
            "SELECT stage_id, currency_id, COUNT(*), SUM(opportunity) FROM deal "
            f"WHERE category_id = {category_id} GROUP BY stage_id, currency_id",
        )
        counts: dict[str, int] = defaultdict(int)
        amounts: dict[tuple[str, str], Decimal] = {}
        for stage, currency, count, amount in sql:
            counts[stage] += count
            amounts[(stage, currency)] = Decimal(amount)
        for row in live.stages:
            assert counts.get(row.stage.id, 0) == row.count, row.stage.id
            for currency, amount in row.amounts.items():
                if amount:
                    assert amounts[(row.stage.id, currency)] == amount, (row.stage.id, currency)
        assert sum(counts.values()) == live.total + live.unknown_stage

    # row by row
    assert _db_deals(target_url) == portal_deals(emu)

    # the analyst's changes through REST: 5 changed, 2 deleted, 3 added
    ids = sorted(portal_deals(emu))
    for deal_id in ids[10:15]:
        b24.call(
            "crm.deal.update",
            {"id": deal_id, "fields": {"TITLE": f"Changed {deal_id}", "OPPORTUNITY": "777.77"}},
        )
    b24.call(
        "crm.deal.productrows.set",
        {"id": ids[10], "rows": [{"PRODUCT_NAME": "Visa", "PRICE": 4100, "QUANTITY": 2}]},
    )
    for deal_id in ids[20:22]:
        b24.call("crm.deal.delete", {"id": deal_id})
    added = [
        b24.call(
            "crm.deal.add", {"fields": {"TITLE": f"New {n}", "OPPORTUNITY": "1000", "CURRENCY_ID": "RUB"}}
        )
        for n in range(3)
    ]
    emu.reset_stats()
    second = export(b24, target_url)
    # one request for every pass, first page and deletion check; one more for the changed deals' products
    assert emu.stats.requests <= 2, emu.stats.calls
    deal = second.entities["deal"]
    assert deal.mode == "incremental"
    assert deal.deleted == 2
    assert 8 <= deal.written < 50  # the 8 rows (and the overlap's few), never the whole table

    assert _db_deals(target_url) == portal_deals(emu)
    assert not db_rows(target_url, f"SELECT id FROM deal WHERE id IN ({ids[20]}, {ids[21]})")
    assert {int(r[0]) for r in db_rows(target_url, "SELECT id FROM deal WHERE title LIKE 'New %'")} == set(
        added
    )
    # product rows: the changed deal's new set replaced its old one, and match the portal
    stored = {
        (int(r[0]), int(r[1]), r[2], Decimal(r[3]))
        for r in db_rows(
            target_url, "SELECT id, owner_id, product_name, price FROM product_row WHERE owner_type = 'D'"
        )
    }
    assert stored == _portal_product_rows(emu, sorted(portal_deals(emu)))
    assert not db_rows(target_url, f"SELECT id FROM product_row WHERE owner_id IN ({ids[20]}, {ids[21]})")


def test_a_rerun_of_deals_and_stage_history_alone_takes_one_request(target_url: str) -> None:
    emu = Emulator.demo()
    b24 = emu.client()
    export(b24, target_url, entities=["deal"], include=["stagehistory"])
    deal_id = sorted(portal_deals(emu))[5]
    b24.call("crm.deal.update", {"id": deal_id, "fields": {"STAGE_ID": "WON"}})
    b24.call("crm.deal.delete", {"id": sorted(portal_deals(emu))[7]})
    emu.reset_stats()
    report = export(b24, target_url, entities=["deal"], include=["stagehistory"])
    assert emu.stats.requests == 1, emu.stats.calls
    assert report.entities["deal"].deleted == 1
    assert report.entities["stage_history:2"].written >= 1  # the move to WON is a new history row
    assert _db_deals(target_url) == portal_deals(emu)
    stored = db_rows(target_url, "SELECT COUNT(*) FROM stage_history WHERE entity_type_id = 2")[0][0]
    assert stored == _portal_total(emu, "crm.stagehistory.list", {"entityTypeId": 2})
    (dupes,) = db_rows(
        target_url, "SELECT COUNT(*) - COUNT(DISTINCT id) FROM stage_history WHERE entity_type_id = 2"
    )[0]
    assert dupes == 0


def test_a_rerun_with_nothing_changed_writes_nothing_new_and_full_rereads(target_url: str) -> None:
    emu = Emulator.demo()
    b24 = emu.client()
    export(b24, target_url, include=[])
    again = export(b24, target_url, include=[])
    # the overlap re-reads only the rows modified in its last minutes, never the whole table
    assert all(r.read < 20 and r.deleted == 0 for r in again.entities.values()), again
    full = export(b24, target_url, include=[], full=True)
    assert full.entities["deal"].mode == "full"
    assert full.entities["deal"].read == 163
    assert db_rows(target_url, "SELECT phase, cursor, rows FROM _sync WHERE entity = 'deal'") == [
        ("done", 0, 163)
    ]


@pytest.mark.parametrize("client_kind", ["async"])
async def test_the_async_client_exports_the_same(target_url: str, client_kind: str) -> None:
    emu = Emulator.demo()
    async with emu.async_client() as ab24:
        report = await export(ab24, target_url, entities=["deal", "company"], include=["statuses"])
    assert report.entities["deal"].written == 163
    assert _db_deals(target_url) == portal_deals(emu)
    assert db_rows(target_url, "SELECT COUNT(*) FROM company")[0][0] == 39
