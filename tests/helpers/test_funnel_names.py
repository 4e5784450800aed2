"""Funnel reports show names where people read (people from user.get, sources from the SOURCE directory,
the funnel's own name) with the ids kept beside them, empty stages as 0, and names cost a bounded number of
requests. Expected names come from the emulator's own answers, never from the toolkit."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.helpers import (
    ensure_pipeline,
    funnel_breakdown,
    funnel_flow,
    funnel_snapshot,
    lead_funnel,
)
from bitrix24_toolkit.helpers.funnel import DealRecord, Stage, breakdown
from bitrix24_toolkit.testing.emulator import Emulator


@pytest.fixture
def demo() -> Emulator:
    return Emulator.demo(limits="off")


def _answer(emu: Emulator, method: str, params: dict[str, Any]) -> Any:
    status, body = emu.call(method, params)
    assert status == 200, body
    return body["result"]


def portal_user_names(emu: Emulator) -> dict[int, str]:
    """What user.get answers, as ``NAME LAST_NAME`` per id (read straight from the emulator)."""
    users = _answer(emu, "user.get", {})
    return {int(u["ID"]): f"{u['NAME']} {u['LAST_NAME']}".strip() for u in users}


def portal_funnel_names(emu: Emulator) -> dict[int, str]:
    categories = _answer(emu, "crm.category.list", {"entityTypeId": 2})["categories"]
    return {int(c["id"]): c["name"] for c in categories}


def portal_source_names(emu: Emulator) -> dict[str, str]:
    rows = _answer(emu, "crm.status.list", {"filter": {"ENTITY_ID": "SOURCE"}})
    return {r["STATUS_ID"]: r["NAME"] for r in rows}


def test_breakdown_by_responsible_names_the_people_user_get_returns(demo: Emulator) -> None:
    names = portal_user_names(demo)
    deals = [d for d in demo.state.table("deal").values() if int(d.get("CATEGORY_ID") or 0) == 0]
    per_user = Counter(int(d["ASSIGNED_BY_ID"]) for d in deals)
    with demo.client() as b24:
        result = funnel_breakdown(b24, 0, by="responsible")
    assert {r.user_id: (r.label, r.total) for r in result.rows} == {
        user_id: (names[user_id], count) for user_id, count in per_user.items()
    }
    assert all(r.key == str(r.user_id) for r in result.rows)  # the id stays for programs
    _, rows = result.table()
    assert [row[0] for row in rows] == [names[r.user_id or 0] for r in result.rows]
    frame = result.to_dataframe()
    assert list(frame["responsible"]) == [names[r.user_id or 0] for r in result.rows]
    assert list(frame["user id"]) == [r.user_id for r in result.rows]
    assert str(frame["user id"].dtype) == "Int64"
    assert result.title().startswith(portal_funnel_names(demo)[0] + " by responsible")


def test_a_user_the_portal_does_not_return_reads_hash_id(demo: Emulator) -> None:
    assert 4242 not in portal_user_names(demo)
    with demo.client() as b24:
        category = ensure_pipeline(b24, "Проверка", ["Новая", {"name": "Успех", "semantics": "success"}])
        deal = {"TITLE": "x", "CATEGORY_ID": category.category_id, "OPPORTUNITY": 10, "CURRENCY_ID": "RUB"}
        b24.call("crm.deal.add", {"fields": {**deal, "ASSIGNED_BY_ID": 4242}})
        b24.call("crm.deal.add", {"fields": {**deal, "ASSIGNED_BY_ID": 2}})
        result = funnel_breakdown(b24, category.category_id, by="responsible")
    labels = {r.user_id: r.label for r in result.rows}
    assert labels == {2: portal_user_names(demo)[2], 4242: "#4242"}


def test_names_cost_one_request_however_many_people(demo: Emulator) -> None:
    deals = [d for d in demo.state.table("deal").values() if int(d.get("CATEGORY_ID") or 0) == 0]
    for number, deal in enumerate(deals):  # 132 deals over 120 responsible ids, 4 of them real users
        deal["ASSIGNED_BY_ID"] = number % 120 + 1
    people = len({d["ASSIGNED_BY_ID"] for d in deals})
    assert people == 120
    with demo.client() as b24:
        before, calls_before = demo.stats.requests, demo.stats.calls.get("user.get", 0)
        by_month = funnel_breakdown(b24, 0, by="month")
        month_requests = demo.stats.requests - before
        before = demo.stats.requests
        by_user = funnel_breakdown(b24, 0, by="responsible")
        user_requests = demo.stats.requests - before
    assert sum(r.total for r in by_user.rows) == sum(r.total for r in by_month.rows)
    assert len(by_user.rows) == people
    assert user_requests == month_requests + 1  # one batch request for every name
    assert demo.stats.calls.get("user.get", 0) - calls_before == math.ceil(people / 50)  # 50 ids a call
    known = portal_user_names(demo)
    assert {r.user_id: r.label for r in by_user.rows if r.user_id in known} == {
        user_id: known[user_id] for user_id in known if any(r.user_id == user_id for r in by_user.rows)
    }
    assert sum(1 for r in by_user.rows if r.label == f"#{r.user_id}") == people - len(known)


def test_snapshot_and_flow_are_titled_with_the_funnels_name(demo: Emulator) -> None:
    names = portal_funnel_names(demo)
    with demo.client() as b24:
        before, calls = demo.stats.requests, dict(demo.stats.calls)
        default = funnel_snapshot(b24, 0)
        requests = demo.stats.requests - before
        listed = demo.stats.calls.get("crm.category.list", 0) - calls.get("crm.category.list", 0)
        # stages + the funnel's name in one batch request, then the deals (a probe and one range)
        assert listed == 1
        assert requests <= 3
        second = funnel_snapshot(b24, 1)
        flow_result = funnel_flow(b24, 1)
    assert default.category_name == names[0]
    assert default.title().startswith(f"{names[0]}: {default.total} deals")
    assert second.title().startswith(f"{names[1]}: ")
    assert flow_result.title().startswith(f"{names[1]}, flow")
    assert "Funnel" not in default.to_markdown()
    assert names[0] in default._repr_html_()


def test_lead_funnel_names_the_sources(demo: Emulator) -> None:
    names = portal_source_names(demo)
    with demo.client() as b24:
        b24.call("crm.lead.add", {"fields": {"TITLE": "без источника"}})
        b24.call("crm.lead.add", {"fields": {"TITLE": "странный код", "SOURCE_ID": "NO_SUCH_CODE"}})
        result = lead_funnel(b24)
    rows = {r.source_id: r for r in result.by_source}
    for code, row in rows.items():
        if code in names:
            assert row.name == names[code]
    assert rows["NO_SUCH_CODE"].name == "NO_SUCH_CODE"  # unknown codes stay the code
    assert rows[""].name == "(no source)"
    assert sum(1 for code in rows if code in names) >= 5
    columns, table_rows = result.table()
    assert columns[0] == "source"
    assert [row[0] for row in table_rows] == [r.name for r in result.by_source]
    frame = result.to_dataframe()
    assert list(frame["source id"]) == [r.source_id for r in result.by_source]
    assert list(frame["source"]) == [r.name for r in result.by_source]


def test_an_empty_stage_shows_zero_in_the_table_and_the_frame(demo: Emulator) -> None:
    with demo.client() as b24:
        category = ensure_pipeline(
            b24,
            "Пустые этапы",
            ["Заявка", "Предоплата", {"name": "Оплачено", "semantics": "success"}],
            remove_missing=True,
        )
        fields = {"TITLE": "одна", "CATEGORY_ID": category.category_id, "CURRENCY_ID": "RUB"}
        b24.call("crm.deal.add", {"fields": {**fields, "OPPORTUNITY": 5000}})
        snap = funnel_snapshot(b24, category.category_id)
        by_user = funnel_breakdown(b24, category.category_id)
    empty = [r for r in snap.stages if r.count == 0]
    assert empty
    assert all(r.amounts == {} for r in empty)
    markdown = snap.to_markdown()
    assert "{}" not in markdown
    assert "| 0 | 0.00 RUB | 0 |" in markdown
    assert "|  |" not in markdown
    frame = snap.to_dataframe()
    assert [float(v) for v in frame["amount RUB"]] == [5000.0 if r.count else 0.0 for r in snap.stages]
    assert not frame["amount RUB"].isna().any()
    assert list(frame["stage id"]) == [r.stage.id for r in snap.stages]
    by_user_frame = by_user.to_dataframe()
    assert list(by_user_frame["won amount"]) == [0.0]  # nothing won yet: 0, not missing
    assert "{}" not in by_user.to_markdown()


def test_the_pure_breakdown_keeps_ids_and_labels() -> None:
    stages = [Stage("NEW", "Новая", 10), Stage("WON", "Успех", 20, "S")]
    deals = [DealRecord(1, "NEW", assigned_by_id=7), DealRecord(2, "WON", assigned_by_id=None)]
    result = breakdown(deals, stages, "responsible", labels={"7": "Анна Смирнова"})
    assert [(r.key, r.user_id, r.label) for r in result.rows] == [
        ("7", 7, "Анна Смирнова"),
        ("nobody", None, "(nobody)"),
    ]
    bare = breakdown(deals, stages, "responsible")
    assert [r.label for r in bare.rows] == ["#7", "(nobody)"]
    assert bare.title() == "Funnel 0 by responsible: 2 groups"  # no name known: the id


def test_charts_are_labelled_with_names(demo: Emulator, tmp_path: Path) -> None:
    names = portal_user_names(demo)
    with demo.client() as b24:
        by_user = funnel_breakdown(b24, 0, by="responsible")
        leads = lead_funnel(b24)
    figure = by_user.plot(str(tmp_path / "people.png"))
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == [names[r.user_id or 0] for r in by_user.rows]
    assert axes.get_xlabel() == "responsible"
    assert axes.get_ylabel() == "deals"
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["open", "won", "lost"]
    sources = leads.plot(str(tmp_path / "sources.png"), by="source").axes[0]
    assert [t.get_text() for t in sources.get_xticklabels()] == [r.name for r in leads.by_source]
    heights = [p.get_height() for p in sources.patches]
    assert math.isclose(sum(heights), leads.leads)
    assert (tmp_path / "sources.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
