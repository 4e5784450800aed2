"""The benchmark's index fast path answers crm.*.list exactly as the emulator's own handler does."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import fast_lists
from bitrix24_toolkit.testing.emulator import Emulator

QUERIES: list[dict[str, Any]] = [
    {},
    {"start": 50},
    {"start": 100, "select": ["ID", "TITLE"]},
    {"start": -1, "filter": {">ID": 40}, "order": {"ID": "ASC"}, "select": ["ID", "TITLE", "STAGE_ID"]},
    {"start": -1, "filter": {">ID": "40"}, "order": {"id": "asc"}},
    {"start": -1, "filter": {">ID": ""}, "order": {"ID": "ASC"}},
    {"start": -1, "filter": {"<ID": ""}},
    {"filter": {">=ID": 10, "<=ID": 70}, "order": {"ID": "DESC"}, "start": 50},
    {"filter": {"<ID": 30, ">ID": 3}},
    {"filter": {"@ID": [5, 7, 9, 200, 4]}, "select": ["ID", "TITLE"]},
    {"filter": {"@ID": ["5", "11"], ">ID": 6}},
    {"filter": {"ID": 12}},
    {"filter": {"ID": [13, 14]}, "order": {"ID": "DESC"}},
    {"filter": {"NOSUCH": 1}, "order": {"NOSUCH": "ASC"}},
    {"filter": "", "order": ""},
]
SLOW: list[dict[str, Any]] = [
    {"filter": {"TITLE": "Deal 7"}},
    {"order": {"TITLE": "DESC"}, "start": 50},
    {"filter": {"!ID": 5}},
    {"order": {"ID": "SIDEWAYS"}},
]


def _portal() -> Emulator:
    emu = Emulator(limits="off", operating_limit=None)
    for i in range(1, 121):
        emu.call("crm.deal.add", {"fields": {"TITLE": f"Deal {i}", "OPPORTUNITY": i}})
    for gone in (6, 8, 50, 51):
        emu.call("crm.deal.delete", {"id": gone})
    return emu


@pytest.mark.parametrize(("params", "fast"), [(q, True) for q in QUERIES] + [(q, False) for q in SLOW])
def test_fast_path_matches_the_emulator(params: dict[str, Any], fast: bool) -> None:
    emu = _portal()
    emu.reset_stats()
    expected = emu.call("crm.deal.list", params)
    calls = emu.stats.as_dict()
    with fast_lists.installed():
        emu.reset_stats()
        before = dict(fast_lists.COUNTS)
        got = emu.call("crm.deal.list", params)
        fast_stats = emu.stats.as_dict()
        took_fast = fast_lists.COUNTS["fast"] > before["fast"]
    assert took_fast is fast
    assert got[0] == expected[0]
    assert {k: v for k, v in got[1].items() if k != "time"} == {
        k: v for k, v in expected[1].items() if k != "time"
    }
    for key in ("rows_returned", "rows_counted", "rows_skipped"):
        assert fast_stats[key] == calls[key]


def test_index_follows_new_rows() -> None:
    emu = _portal()
    with fast_lists.installed():
        before = emu.call("crm.deal.list", {"filter": {">ID": 110}, "start": -1})[1]["result"]
        emu.call("crm.deal.add", {"fields": {"TITLE": "late"}})
        after = emu.call("crm.deal.list", {"filter": {">ID": 110}, "start": -1})[1]["result"]
    assert [r["ID"] for r in after] == [r["ID"] for r in before] + ["121"]
