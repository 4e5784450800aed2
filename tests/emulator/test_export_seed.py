"""``seed_deals`` (100,000 deals for the export benchmark, straight into the store) and the range filters'
fast path (one parse of the filter value per scan) giving the same answers as the general comparison."""

from __future__ import annotations

import collections
import datetime as dt
import time
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bitrix24_toolkit.testing.emulator.portal import Emulator
from bitrix24_toolkit.testing.emulator.query import Condition, _check, compile_filter
from bitrix24_toolkit.testing.emulator.seed import seed_deals


def ok(emu: Emulator, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    status, body = emu.call(method, params or {})
    assert status == 200, (method, body)
    assert "error" not in body, (method, body)
    return body


def test_seeded_deals_look_like_added_ones_with_consistent_history() -> None:
    emu = Emulator(limits="off")
    ok(emu, "crm.deal.add", {"fields": {"TITLE": "made by REST"}})
    made = emu.state.table("deal")[1]
    ids = seed_deals(emu, 500, seed=7)
    assert ids == list(range(2, 502))
    deals = emu.state.table("deal")
    assert all(set(deals[i]) == set(made) for i in ids)  # every key crm.deal.add stores
    history: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
    for row in emu.state.table("stagehistory").values():
        history[row["OWNER_ID"]].append(row)
    for deal_id in ids:
        deal, rows = deals[deal_id], sorted(history[deal_id], key=lambda r: r["ID"])
        assert 2 <= len(rows) <= 4
        assert rows[0]["TYPE_ID"] == 1
        assert rows[0]["STAGE_ID"] == "NEW"
        assert rows[0]["CREATED_TIME"] == deal["DATE_CREATE"]
        assert rows[-1]["STAGE_ID"] == deal["STAGE_ID"]
        assert rows[-1]["CREATED_TIME"] == deal["DATE_MODIFY"] == deal["MOVED_TIME"]
        assert deal["CLOSED"] == ("Y" if deal["STAGE_SEMANTIC_ID"] in ("S", "F") else "N")
        assert [r["TYPE_ID"] for r in rows[1:]] == [
            3 if r["STAGE_SEMANTIC_ID"] != "P" else 2 for r in rows[1:]
        ]
    created = [dt.datetime.fromisoformat(deals[i]["DATE_CREATE"]) for i in ids]
    assert created == sorted(created)  # ids grow with the creation time
    newest = max(dt.datetime.fromisoformat(deals[i]["DATE_MODIFY"]) for i in ids)
    assert newest <= emu.state.now() - dt.timedelta(days=7)
    # the same seed makes the same portal; another seed another one
    again = Emulator(limits="off")
    seed_deals(again, 500, seed=7)
    assert [r["STAGE_ID"] for r in again.state.table("deal").values()] == [deals[i]["STAGE_ID"] for i in ids]
    other = Emulator(limits="off")
    seed_deals(other, 500, seed=8)
    assert [r["OPPORTUNITY"] for r in other.state.table("deal").values()] != [
        deals[i]["OPPORTUNITY"] for i in ids
    ]


def test_seeded_deals_are_read_by_rest_like_any_other() -> None:
    emu = Emulator(limits="off")
    seed_deals(emu, 120, history=False)
    assert emu.state.table("stagehistory") == {}
    with emu.serve(port=0) as url, httpx.Client(timeout=10) as http:
        page = http.post(
            url + "crm.deal.list", json={"filter": {">ID": 100}, "select": ["ID", "STAGE_ID"]}
        ).json()
    assert page["total"] == 20
    assert [int(r["ID"]) for r in page["result"]] == list(range(101, 121))
    stages = {
        r["STATUS_ID"] for r in ok(emu, "crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE"}})["result"]
    }
    assert {r["STAGE_ID"] for r in page["result"]} <= stages


def test_seed_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        seed_deals(Emulator(), -1)
    with pytest.raises(ValueError, match="funnel 9"):
        seed_deals(Emulator(), 1, category_id=9)


def test_100000_deals_with_history_seed_fast() -> None:
    emu = Emulator(limits="off")
    started = time.perf_counter()
    seed_deals(emu, 100_000)
    seconds = time.perf_counter() - started
    assert len(emu.state.table("deal")) == 100_000
    assert 200_000 <= len(emu.state.table("stagehistory")) <= 400_000
    assert seconds < 20, seconds
    answer = ok(emu, "crm.deal.list", {"filter": {">=ID": 40_001, "<=ID": 60_000}, "select": ["ID"]})
    assert answer["total"] == 20_000


_STORED = st.one_of(
    st.none(),
    st.just(""),
    st.integers(-5, 50),
    st.booleans(),
    st.sampled_from(
        [
            "7",
            "12.5",
            "abc",
            "2024-05-29",
            "2024-05-29T19:26:40+03:00",
            "2024-05-29T16:26:40Z",
            "2024-05-29T19:26:41",
            "2024-05-30T01:00:00+05:30",
            "2024-05-2",
        ]
    ),
    st.lists(st.integers(0, 20), max_size=3),
)
_EXPECTED = st.one_of(
    st.integers(-5, 50),
    st.sampled_from(["10", "2024-05-29T16:26:40+00:00", "2024-05-29T19:26:40", "2024-05-29", "abc", "1.5"]),
)


@settings(max_examples=400, deadline=None)
@given(stored=_STORED, expected=_EXPECTED, op=st.sampled_from([">", ">=", "<", "<="]))
def test_range_filters_fast_path_agrees_with_the_general_comparison(
    stored: Any, expected: Any, op: str
) -> None:
    predicate = compile_filter({f"{op}F": expected})
    assert predicate({"F": stored}) == _check(stored, Condition(op, "F", expected))


def test_keyset_pages_of_a_big_table_follow_every_insert_and_delete() -> None:
    # tables of 2,000+ rows keep their sorted ids between pages (listing._sorted_keys): every write shows
    emu = Emulator(limits="off")
    seed_deals(emu, 3_000, history=False)

    def page_after(cursor: int) -> list[int]:
        params = {"filter": {">ID": cursor}, "order": {"ID": "ASC"}, "select": ["ID"], "start": -1}
        return [int(r["ID"]) for r in ok(emu, "crm.deal.list", params)["result"]]

    assert page_after(2_990) == list(range(2_991, 3_001))
    ok(emu, "crm.deal.delete", {"id": 2_995})
    assert page_after(2_990) == [2_991, 2_992, 2_993, 2_994, 2_996, 2_997, 2_998, 2_999, 3_000]
    new = ok(emu, "crm.deal.add", {"fields": {"TITLE": "after the scan began"}})["result"]
    ok(emu, "crm.deal.delete", {"id": 2_991})  # one in, one out: the same size, another last id
    assert page_after(2_990) == [2_992, 2_993, 2_994, 2_996, 2_997, 2_998, 2_999, 3_000, new]
    snapshot = emu.dump()
    ok(emu, "crm.deal.delete", {"id": 3_000})
    emu.restore(snapshot)  # new table objects, same ids
    assert page_after(2_990)[-2:] == [3_000, new]
    answer = ok(emu, "crm.deal.list", {"filter": {">=ID": 2_001, "<=ID": 3_000}, "select": ["ID"]})
    assert answer["total"] == 998
