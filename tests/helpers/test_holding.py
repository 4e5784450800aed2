"""Holding structure against the emulator: the demo portal's hotel holding, a fresh portal, both clients."""

from __future__ import annotations

import copy
import runpy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitrix24_toolkit.helpers import (
    CompanyNotFoundError,
    HoldingCycleError,
    HoldingFieldError,
    ancestors,
    clear_parent,
    ensure_parent_field,
    holding_totals,
    holding_tree,
    root_of,
    set_parent,
    subsidiaries,
)
from bitrix24_toolkit.testing.emulator import Emulator

F = "UF_CRM_HOLDING_PARENT"


@pytest.fixture
def demo(fresh_demo: Emulator) -> Emulator:
    return fresh_demo


@pytest.fixture
def demo_client(make_client: Any, demo: Emulator) -> Any:
    return make_client(demo.webhook_url, transport=demo.transport())


def raw_parent(value: Any) -> int | None:
    """An independent reading of the stored link ("12" or "CO_12")."""
    text = str(value or "").removeprefix("CO_")
    return int(text) if text.isdigit() and text != "0" else None


def holding_ids(emu: Emulator, head: int) -> set[int]:
    parents = {cid: raw_parent(row.get(F)) for cid, row in emu.state.table("company").items()}
    found, frontier = {head}, [head]
    while frontier:
        frontier = [cid for cid, p in parents.items() if p in frontier and cid not in found]
        found.update(frontier)
    return found


async def test_demo_holding_tree_with_both_clients(demo_client: Any, demo: Emulator) -> None:
    assert await demo_client.run(ensure_parent_field.flow()) == F
    before = demo.stats.requests
    tree = await demo_client.run(holding_tree.flow())
    assert demo.stats.requests - before == 1  # 39 companies and the field lookup: one request
    head = next(n for n in tree.holdings if n.title == "Гостиничная группа Восток")
    table = demo.state.table("company")
    assert table[16][F] == f"CO_{head.id}"  # the branch written in the prefixed form ...
    assert [c.id for c in head.children] == sorted(
        cid for cid, row in table.items() if raw_parent(row.get(F)) == head.id
    )  # ... is a child like the others
    assert set(head.ids) == holding_ids(demo, head.id)
    assert len(head.ids) == 6
    assert tree.ok
    assert len(tree) == len(table)
    baikal = tree.node(15)
    assert [c.title for c in baikal.children] == ["Гостевой дом Восток Листвянка"]
    assert "│   └── Гостевой дом Восток Листвянка (17)" in tree.render()

    sub = await demo_client.run(holding_tree.flow(15))
    assert [r.id for r in sub.roots] == [15]
    assert sub.node(17).depth == 1
    assert (await demo_client.run(root_of.flow(17))).id == 12
    assert [n.id for n in await demo_client.run(ancestors.flow(17))] == [15, 12]
    direct = await demo_client.run(subsidiaries.flow(12, recursive=False))
    assert [n.id for n in direct] == [13, 14, 15, 16]
    every = await demo_client.run(subsidiaries.flow(12))
    assert sorted(n.id for n in every) == [13, 14, 15, 16, 17]


def test_ensure_on_demo_finds_the_existing_field(demo: Emulator) -> None:
    count = len(demo.state.table("userfield"))
    with demo.client() as b24:
        assert ensure_parent_field(b24) == F
        assert ensure_parent_field(b24) == F
    assert len(demo.state.table("userfield")) == count


async def test_ensure_on_a_fresh_portal_creates_once(client: Any, emu: Emulator) -> None:
    assert await client.run(ensure_parent_field.flow()) == F
    assert await client.run(ensure_parent_field.flow()) == F
    fields = [row for row in emu.state.table("userfield").values() if row["ENTITY_ID"] == "CRM_COMPANY"]
    assert len(fields) == 1
    _, body = emu.call("crm.company.userfield.get", {"id": fields[0]["ID"]})
    got = body["result"]
    assert got["FIELD_NAME"] == F
    assert got["USER_TYPE_ID"] == "crm"
    assert got["XML_ID"] == "holding_parent"
    assert got["EDIT_FORM_LABEL"]["ru"] == "Головная компания"
    assert got["EDIT_FORM_LABEL"]["en"] == "Parent company"
    assert got["SETTINGS"] == {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}


async def test_links_on_a_fresh_portal(client: Any, emu: Emulator) -> None:
    with pytest.raises(HoldingFieldError, match="ensure_parent_field"):
        await client.run(holding_tree.flow())
    await client.run(ensure_parent_field.flow())
    ids = [emu.call("crm.company.add", {"fields": {"TITLE": t}})[1]["result"] for t in "ABCD"]
    a, b, c, d = ids
    assert await client.run(set_parent.flow(b, a)) is True
    assert await client.run(set_parent.flow(c, b)) is True
    assert await client.run(set_parent.flow(c, b)) is False  # already so: nothing written
    assert emu.state.table("company")[c][F] == str(b)  # company-only field: the plain id
    with pytest.raises(HoldingCycleError) as info:
        await client.run(set_parent.flow(a, c))
    assert info.value.chain == [a, c, b, a]
    assert raw_parent(emu.state.table("company")[a].get(F)) is None  # nothing written
    with pytest.raises(CompanyNotFoundError):
        await client.run(set_parent.flow(d, 999))
    with pytest.raises(CompanyNotFoundError):
        await client.run(clear_parent.flow(999))
    tree = await client.run(holding_tree.flow())
    assert tree.render(ids=False) == "A\n└── B\n    └── C"
    assert await client.run(clear_parent.flow(b)) is True
    assert await client.run(clear_parent.flow(b)) is False
    tree = await client.run(holding_tree.flow())
    assert [r.title for r in tree.holdings] == ["B"]


def test_set_parent_rewrites_the_prefixed_form(demo: Emulator) -> None:
    with demo.client() as b24:
        assert set_parent(b24, 16, 12) is True
    assert demo.state.table("company")[16][F] == "12"


def test_orphans_and_loops_in_portal_data(demo: Emulator) -> None:
    table = demo.state.table("company")
    table[13][F] = "999"  # parent deleted
    table[14][F] = "CO_18"
    table[18][F] = "14"  # 14 <-> 18
    with demo.client() as b24:
        tree = holding_tree(b24)
        assert tree.orphans == {13: 999}
        assert tree.cycles == [[14, 18]]
        assert sorted(n.id for n in tree) == sorted(table)
        assert (root_of(b24, 18)).id == 14
        with pytest.raises(HoldingCycleError):
            set_parent(b24, 14, 18)
        assert set_parent(b24, 13, 12) is True  # a link to a deleted company is simply replaced


def test_field_found_by_xml_id_under_another_code() -> None:
    emu = Emulator(limits="off")
    emu.call(
        "crm.company.userfield.add",
        {
            "fields": {
                "FIELD_NAME": "MOTHER",
                "USER_TYPE_ID": "crm",
                "XML_ID": "holding_parent",
                "SETTINGS": {"COMPANY": "Y", "CONTACT": "Y"},
            }
        },
    )
    for title in ("Head", "Branch"):
        emu.call("crm.company.add", {"fields": {"TITLE": title}})
    with emu.client() as b24:
        assert ensure_parent_field(b24) == "UF_CRM_MOTHER"
        set_parent(b24, 2, 1)
        assert emu.state.table("company")[2]["UF_CRM_MOTHER"] == "CO_1"  # two types allowed: prefixed
        assert holding_tree(b24).render() == "Head (1)\n└── Branch (2)"
        assert holding_tree(b24, field="mother").node(2).parent_id == 1


async def test_holding_totals_match_the_raw_deals(demo_client: Any, demo: Emulator) -> None:
    members = holding_ids(demo, 12)
    expected: dict[tuple[str, str], list[Decimal]] = {}
    for deal in demo.state.table("deal").values():
        if deal.get("COMPANY_ID") in members:
            key = (deal["STAGE_SEMANTIC_ID"], deal["CURRENCY_ID"])
            expected.setdefault(key, []).append(Decimal(str(deal["OPPORTUNITY"])))
    assert expected  # the demo holding buys
    before = demo.stats.requests
    totals = await demo_client.run(holding_totals.flow(12))
    assert demo.stats.requests - before == 2  # the tree, then the deals
    for semantic, bucket in (("P", totals.open), ("S", totals.won), ("F", totals.lost)):
        mine = {cur: sum(v, Decimal(0)) for (sem, cur), v in expected.items() if sem == semantic}
        assert bucket.amounts == mine
        assert bucket.count == sum(len(v) for (sem, _), v in expected.items() if sem == semantic)
    assert sorted(totals.company_ids) == sorted(members)
    branch = await demo_client.run(holding_totals.flow(15))
    assert sorted(branch.company_ids) == [15, 17]
    assert branch.count == sum(
        1 for deal in demo.state.table("deal").values() if deal.get("COMPANY_ID") in (15, 17)
    )


def test_ten_thousand_companies_cost_five_requests() -> None:
    emu = Emulator(limits="off")
    # max_concurrency=4 leaves the read no room to spread over (services/paging.py): the fewest requests
    with emu.client(max_concurrency=4) as b24:
        ensure_parent_field(b24)
        emu.call("crm.company.add", {"fields": {"TITLE": "template"}})
        table = emu.state.table("company")
        template = table.pop(1)
        for company_id in range(1, 10_001):
            row = copy.deepcopy(template)
            row.update({"ID": company_id, "TITLE": f"Company {company_id}"})
            if company_id > 1:  # a ten-way tree under company 1: 10 -> 1, 11..19 -> 1, 100..109 -> 10, ...
                row[F] = str(max(1, company_id // 10)) if company_id % 7 else f"CO_{max(1, company_id // 10)}"
            table[company_id] = row
        emu.state.counters["company"] = 10_000
        before = emu.stats.requests
        tree = holding_tree(b24)
        assert emu.stats.requests - before <= 5
    assert len(tree) == 10_000
    assert [r.id for r in tree.roots] == [1]
    assert tree.ok
    assert tree.node(1234).parent_id == 123
    assert tree.node(1234).depth == 3
    assert [n.id for n in tree.ancestors(9999)] == [999, 99, 9, 1]
    assert emu.stats.rows_skipped == 0


def test_the_example_runs_on_the_demo_portal(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.delenv("BITRIX24_WEBHOOK_URL", raising=False)
    runpy.run_path(str(Path(__file__).parents[2] / "examples" / "holding.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "│   └── Гостевой дом Восток Листвянка (17)" in out
    assert "refused: " in out
    assert "won: 3 deals" in out
