"""A rerun takes a handful of HTTP requests (issue 21, item 5), and the database still equals the portal.

Where they go: the first request holds every entity's fields and newest modification, the first page of
every pass (asked ahead with the multiple fields the last run saw) and the first round of every deletion
check; the second the rest of the pages, the product rows and the later deletion rounds, packed into full
``batch`` requests of 50 commands (``_gather``). Requests are counted by the emulator (``emu.stats``).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.helpers import export
from bitrix24_toolkit.helpers.db_export._gather import Elastic, gather
from bitrix24_toolkit.protocol.batch import Batch
from bitrix24_toolkit.protocol.call import Call, Flow, collect
from bitrix24_toolkit.services.crm_kinds import DealCalls
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator import seed_deals

from ._support import db_rows, portal_deals


def _ok(answer: tuple[int, Any]) -> Any:
    status, payload = answer
    assert status == 200, payload
    return payload


def _db_deals(target: str) -> dict[int, tuple[Any, ...]]:
    rows = db_rows(
        target,
        "SELECT id, title, stage_id, opportunity, currency_id, category_id, date_modify, closed FROM deal",
    )
    return {int(r[0]): tuple(r[1:]) for r in rows}


def _history_ids(emu: Emulator) -> set[int]:
    return {int(r["ID"]) for r in emu.state.table("stagehistory").values() if int(r["ENTITY_TYPE_ID"]) == 2}


def _logged(emu: Emulator) -> list[list[str]]:
    """Record the methods of every HTTP request (a batch: its commands' methods)."""
    import json

    log: list[list[str]] = []
    real = emu.handle

    def handle(request: Any) -> Any:
        name = request.url.path.rstrip("/").split("/")[-1]
        if name.startswith("batch"):
            log.append([cmd.split("?")[0] for cmd in json.loads(request.content)["cmd"].values()])
        else:
            log.append([name])
        return real(request)

    emu.handle = handle  # type: ignore[method-assign]
    return log


@pytest.mark.parametrize("seed", [21, 5])
def test_a_rerun_after_100_changes_and_10_deletions_of_10000_deals_takes_three_requests(
    tmp_path: Path, seed: int
) -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 10_000)
    target = "duckdb:///" + str(tmp_path / "crm.duckdb")
    b24 = emu.client()
    export(b24, target, entities=["deal"], include=["stagehistory"])
    emu.advance(3600)
    picked = random.Random(seed).sample(sorted(emu.state.table("deal")), 110)
    for deal_id in picked[:100]:
        _ok(
            emu.call(
                "crm.deal.update", {"id": deal_id, "fields": {"TITLE": f"c{deal_id}", "STAGE_ID": "WON"}}
            )
        )
    for deal_id in picked[100:]:
        _ok(emu.call("crm.deal.delete", {"id": deal_id}))
    emu.reset_stats()
    log = _logged(emu)
    report = export(emu.client(), target, entities=["deal"], include=["stagehistory"])
    assert emu.stats.requests == len(log) <= 3, log
    assert all(len(commands) <= 50 for commands in log)
    assert report.entities["deal"].deleted == 10
    assert report.entities["deal"].mode == "incremental"
    assert 100 <= report.entities["deal"].read < 1000  # the changes and the overlap, never the table
    assert _db_deals(target) == portal_deals(emu)
    assert {r[0] for r in db_rows(target, "SELECT id FROM stage_history")} == _history_ids(emu)


def test_every_entity_and_include_reruns_in_three_requests(tmp_path: Path) -> None:
    """3 changed and 1 deleted in each entity (a company and a contact among them: their links are read
    again): three requests; without the deleted company and contact, two."""
    for with_links in (True, False):
        emu = Emulator.demo()
        target = "duckdb:///" + str(tmp_path / f"crm{with_links}.duckdb")
        export(emu.client(), target)
        emu.advance(3600)
        for entity, field in (
            ("deal", "TITLE"),
            ("lead", "TITLE"),
            ("contact", "COMMENTS"),
            ("company", "COMMENTS"),
            ("activity", "SUBJECT"),
        ):
            ids = sorted(
                int(r["ID"]) for r in _ok(emu.call(f"crm.{entity}.list", {"select": ["ID"]}))["result"]
            )
            for row_id in ids[3:6]:
                _ok(emu.call(f"crm.{entity}.update", {"id": row_id, "fields": {field: "changed"}}))
            if with_links or entity not in ("company", "contact"):
                _ok(emu.call(f"crm.{entity}.delete", {"id": ids[10]}))
        emu.reset_stats()
        log = _logged(emu)
        report = export(emu.client(), target)
        assert emu.stats.requests <= (3 if with_links else 2), log
        for entity in ("deal", "lead", "contact", "company", "activity"):
            (count,) = db_rows(target, f"SELECT COUNT(*) FROM {entity}")[0]
            assert count == _ok(emu.call(f"crm.{entity}.list", {}))["total"], entity
            assert report.entities[entity].deleted == (
                1 if with_links or entity in ("deal", "lead", "activity") else 0
            )
        assert _db_deals(target) == portal_deals(emu)


# ------------------------------------------------------------------------------------------ the sharing
def _stream_ids(flt: dict[str, Any]) -> Flow[list[int]]:
    rows = yield from collect(DealCalls().iter_all(filter=flt, select=["ID"], raw=True, check=False))
    return [int(row["ID"]) for row in rows]


def test_chained_pages_of_several_flows_share_one_request_with_their_references_renamed() -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 1200, history=False)
    b24 = emu.client()
    alone = [b24.run(_stream_ids({">ID": 100})), b24.run(_stream_ids({">ID": 700, "<=ID": 1000}))]
    emu.reset_stats()
    log = _logged(emu)
    both = emu.client().run(gather([_stream_ids({">ID": 100}), _stream_ids({">ID": 700, "<=ID": 1000})]))
    assert both == alone
    assert both[0] == list(range(101, 1201))
    assert both[1] == list(range(701, 1001))
    # the probes of both (first page and last id) in one request, then both chains (21 + 5 pages) in one
    assert emu.stats.requests == len(log) == 2, log
    assert [len(commands) for commands in log] == [4, 26]


def test_an_error_of_one_call_goes_to_its_flow_only() -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 10, history=False)

    def good() -> Flow[Any]:
        return (yield Call("crm.deal.list", {"select": ["ID"]}, read_only=True))

    def bad() -> Flow[str]:
        try:
            yield Call("crm.deal.get", {"id": 999_999}, read_only=True)
        except Exception as exc:  # the portal's "not found", as when sent alone
            return type(exc).__name__
        return "no error"

    emu.reset_stats()
    values = emu.client().run(gather([good(), bad()]))
    assert emu.stats.requests == 1
    assert len(values[0]) == 10
    assert values[1] != "no error"


def test_an_elastic_step_gets_the_room_the_others_leave() -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 5, history=False)
    asked: list[int] = []

    def plan(room: int) -> list[Call[Any]]:
        asked.append(room)
        return [Call("crm.deal.get", {"id": 1}, read_only=True) for _ in range(room)]

    def other() -> Flow[Any]:
        return (yield Batch([Call("crm.deal.get", {"id": 2}, read_only=True) for _ in range(30)]))

    def elastic() -> Flow[Any]:
        return (yield Elastic([Call("crm.deal.get", {"id": 3}, read_only=True)], 45, plan))

    emu.reset_stats()
    batch, mine = emu.client().run(gather([other(), elastic()]))
    assert emu.stats.requests == 1
    assert asked == [19]  # 50 - 30 - 1
    assert len(batch) == 30
    assert len(mine) == 20
    assert [o.value["ID"] for o in mine] == ["3"] + ["1"] * 19
    # alone, it fills its own request
    asked.clear()
    assert len(emu.client().run(elastic())) == 46
    assert asked == [45]
