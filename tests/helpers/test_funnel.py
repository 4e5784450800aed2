"""Funnel statistics fetched from the emulator: cross-checked against the raw demo data with a few lines of
independent code, run with both clients, and bounded in requests on 20,000 deals with their history."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.helpers import funnel_breakdown, funnel_flow, funnel_snapshot, lead_funnel
from bitrix24_toolkit.testing.emulator import Emulator


@pytest.fixture(scope="module")
def demo() -> Emulator:
    return Emulator.demo(limits="off")


def _stages(emu: Emulator, directory: str) -> list[dict[str, Any]]:
    rows = [r for r in emu.state.table("status").values() if r["ENTITY_ID"] == directory]
    rank = {None: 0, "": 0, "S": 1, "F": 2}
    return sorted(rows, key=lambda r: (rank[r["SEMANTICS"]], int(r["SORT"])))


def _independent_snapshot(deals: list[dict[str, Any]], stages: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts, sums and 'reached' recomputed from raw rows (no toolkit code)."""
    counts = Counter(d["STAGE_ID"] for d in deals)
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for d in deals:
        sums[d["STAGE_ID"]][d["CURRENCY_ID"]] += Decimal(str(d["OPPORTUNITY"]))
    won = sum(counts[s["STATUS_ID"]] for s in stages if s["SEMANTICS"] == "S")
    process = [s for s in stages if not s["SEMANTICS"]]
    reached = {
        s["STATUS_ID"]: sum(counts[t["STATUS_ID"]] for t in process[i:]) + won for i, s in enumerate(process)
    }
    return {"counts": counts, "sums": sums, "reached": reached, "won": won}


def test_snapshot_matches_the_raw_demo_deals(demo: Emulator) -> None:
    stages = _stages(demo, "DEAL_STAGE")
    deals = [d for d in demo.state.table("deal").values() if int(d.get("CATEGORY_ID") or 0) == 0]
    expected = _independent_snapshot(deals, stages)
    with demo.client() as b24:
        snap = funnel_snapshot(b24, 0)
    assert [r.stage.id for r in snap.stages] == [s["STATUS_ID"] for s in stages]
    for row in snap.stages:
        assert row.count == expected["counts"][row.stage.id]
        assert row.amounts == {k: v for k, v in expected["sums"][row.stage.id].items() if v or row.count}
        if row.stage.semantics == "P":
            assert row.reached == expected["reached"][row.stage.id]
    assert snap.won == expected["won"]
    assert snap.total == len(deals)


def test_snapshot_filters_match_the_raw_demo_deals(demo: Emulator) -> None:
    stages = _stages(demo, "DEAL_STAGE_1")
    deals = [
        d
        for d in demo.state.table("deal").values()
        if int(d.get("CATEGORY_ID") or 0) == 1
        and "2026-03-01" <= d["DATE_CREATE"][:10] < "2026-06-01"
        and d["SOURCE_ID"] in ("EMAIL", "CALL", "WEB")
    ]
    expected = _independent_snapshot(deals, stages)
    with demo.client() as b24:
        snap = funnel_snapshot(
            b24, 1, period=(dt.date(2026, 3, 1), dt.date(2026, 6, 1)), source=["EMAIL", "CALL", "WEB"]
        )
    assert {r.stage.id: r.count for r in snap.stages if r.count} == dict(expected["counts"])
    assert snap.total == len(deals) > 0
    assert snap.filters["source"] == ["EMAIL", "CALL", "WEB"]


def test_flow_matches_the_raw_demo_history(demo: Emulator) -> None:
    history = sorted(
        (r for r in demo.state.table("stagehistory").values() if r["ENTITY_TYPE_ID"] == 2),
        key=lambda r: (r["CREATED_TIME"], r["ID"]),
    )
    entered: dict[str, set[int]] = defaultdict(set)
    first_final: dict[int, str] = {}
    for r in history:
        if r["CATEGORY_ID"] == 0:
            entered[r["STAGE_ID"]].add(r["OWNER_ID"])
            if r["STAGE_SEMANTIC_ID"] in ("S", "F"):
                first_final.setdefault(r["OWNER_ID"], r["STAGE_SEMANTIC_ID"])
    moves = [r for r in history if r["TYPE_ID"] == 5]
    with demo.client() as b24:
        result = funnel_flow(b24, 0)
    assert {r.stage.id: r.entered for r in result.stages} == {
        s["STATUS_ID"]: len(entered[s["STATUS_ID"]]) for s in _stages(demo, "DEAL_STAGE")
    }
    assert result.won == Counter(first_final.values())["S"]
    assert result.lost == Counter(first_final.values())["F"]
    assert result.moved_out == sum(1 for r in moves if r["CATEGORY_ID"] != 0) > 0
    assert result.median_days_to_won is not None
    assert result.median_days_to_won > 0


def test_lead_funnel_matches_the_raw_demo_leads(demo: Emulator) -> None:
    leads = list(demo.state.table("lead").values())
    with_deal = {d["LEAD_ID"] for d in demo.state.table("deal").values() if d.get("LEAD_ID")}
    with demo.client() as b24:
        result = lead_funnel(b24)
    assert result.leads == len(leads)
    assert result.with_deal == sum(1 for lead in leads if lead["ID"] in with_deal)
    web = next(r for r in result.by_source if r.source_id == "WEB")
    assert web.leads == sum(1 for lead in leads if lead["SOURCE_ID"] == "WEB")
    assert {r.stage.id: r.count for r in result.statuses} == dict(
        Counter(lead["STATUS_ID"] for lead in leads)
    )


def test_breakdowns_match_the_raw_demo_deals(demo: Emulator) -> None:
    deals = [d for d in demo.state.table("deal").values() if int(d.get("CATEGORY_ID") or 0) == 0]
    with demo.client() as b24:
        users = funnel_breakdown(b24, 0, by="responsible")
        months = funnel_breakdown(b24, 0, by="month", responsible=2)
    assert {r.key: r.total for r in users.rows} == {
        str(k): v for k, v in Counter(d["ASSIGNED_BY_ID"] for d in deals).items()
    }
    mine = Counter(d["DATE_CREATE"][:7] for d in deals if d["ASSIGNED_BY_ID"] == 2)
    assert {r.key: r.total for r in months.rows} == dict(mine)


async def test_both_clients_give_the_same_snapshot(make_client: Any, demo: Emulator) -> None:
    client = make_client(demo.webhook_url, transport=demo.transport())
    snap = await client.run(funnel_snapshot.flow(0, responsible=[2, 3]))
    deals = [
        d
        for d in demo.state.table("deal").values()
        if int(d.get("CATEGORY_ID") or 0) == 0 and d["ASSIGNED_BY_ID"] in (2, 3)
    ]
    assert snap.total == len(deals)


def test_results_render_as_tables_dicts_frames_and_charts(demo: Emulator, tmp_path: Path) -> None:
    with demo.client() as b24:
        snap = funnel_snapshot(b24)
        flow_result = funnel_flow(b24, period=(dt.date(2026, 3, 1), None))
    markdown = snap.to_markdown()
    assert markdown.splitlines()[2] == "| stage | deals | amount | reached | from previous | from first |"
    assert len(markdown.splitlines()) == 4 + len(snap.stages)
    assert "<table>" in snap._repr_html_()
    assert "</tbody>" in flow_result._repr_html_()
    data = json.loads(json.dumps(snap.to_dict()))
    assert data["won"] == snap.won
    assert data["stages"][0]["stage"]["id"] == snap.stages[0].stage.id
    frame = snap.to_dataframe()
    assert list(frame["deals"]) == [r.count for r in snap.stages]
    assert frame["amount RUB"].sum() == pytest.approx(
        float(sum(r.amounts.get("RUB", 0) for r in snap.stages))
    )
    png = tmp_path / "funnel.png"
    figure = snap.plot(str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bars = figure.axes[0].patches
    shown = [r for r in snap.stages if r.stage.semantics != "F"]
    assert [round(b.get_width()) for b in bars] == [r.reached for r in shown]
    assert flow_result.plot() is not None


# ------------------------------------------------------------------------------------- 20,000 deals
_STAGES = ("NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE", "APOLOGY")
_KIND = {"WON": "S", "LOSE": "F", "APOLOGY": "F"}


def seed_many(emu: Emulator, count: int) -> int:
    """``count`` deals spread evenly over the 8 default stages, each with NEW -> PREPARATION -> its stage
    in the history (copied rows, as ``tests/throughput/test_paging.py::clone_deals`` does); returns rows."""
    emu.call("crm.deal.add", {"fields": {"TITLE": "template", "OPPORTUNITY": 1}})
    deals, history = emu.state.table("deal"), emu.state.table("stagehistory")
    template = deals.pop(1)
    history.clear()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    next_id = 0
    for deal_id in range(1, count + 1):
        stage = _STAGES[deal_id % 8]
        deals[deal_id] = {
            **template,
            "ID": deal_id,
            "STAGE_ID": stage,
            "STAGE_SEMANTIC_ID": _KIND.get(stage, "P"),
        }
        path = (
            ["NEW"]
            if stage == "NEW"
            else ["NEW", "PREPARATION"]
            if stage == "PREPARATION"
            else ["NEW", "PREPARATION", stage]
        )
        for step, code in enumerate(path):
            next_id += 1
            history[next_id] = {
                "ID": next_id,
                "ENTITY_TYPE_ID": 2,
                "TYPE_ID": 1 if step == 0 else 3 if code in _KIND else 2,
                "OWNER_ID": deal_id,
                "CREATED_TIME": (start + dt.timedelta(hours=deal_id % 500 + step * 24)).isoformat(),
                "CATEGORY_ID": 0,
                "STAGE_ID": code,
                "STAGE_SEMANTIC_ID": _KIND.get(code, "P"),
            }
    emu.state.counters["deal"] = count
    emu.state.counters["stagehistory"] = next_id
    return next_id


def test_twenty_thousand_deals_with_history_in_a_few_dozen_requests() -> None:
    emu = Emulator(limits="off")
    rows = seed_many(emu, 20_000)
    assert rows > 50_000
    # max_concurrency=4 leaves a read no room to spread over (services/paging.py): the fewest full requests
    with emu.client(max_concurrency=4) as b24:
        before = emu.stats.requests
        snap = funnel_snapshot(b24)
        snapshot_requests = emu.stats.requests - before
        before = emu.stats.requests
        result = funnel_flow(b24)
        flow_requests = emu.stats.requests - before
    # 2,500 deals per stage; reached NEW = every deal but the 5,000 lost ones
    assert [r.count for r in snap.stages] == [2500] * 8
    assert snap.stages[0].reached == 15_000
    # every deal was created in NEW; 17,500 went on to PREPARATION; 2,500 were won
    assert [r.entered for r in result.stages[:2]] == [20_000, 17_500]
    assert result.won == 2500
    assert snapshot_requests <= 12
    assert flow_requests <= 30
    assert snapshot_requests + flow_requests <= 40
    # the default client spreads each read over up to half its room (25 of 50 here), never past the burst
    with emu.client() as b24:
        before = emu.stats.requests
        assert [r.count for r in funnel_snapshot(b24).stages] == [2500] * 8
        assert emu.stats.requests - before <= 1 + 25 + 2
