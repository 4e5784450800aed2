"""Reading every row: exactly N unique rows in id order, few requests, no COUNT after the probe."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.engine.limiter import Limiter
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.limits import ManualClock


def clone_deals(emu: Emulator, count: int, *, start: int = 1, step: int = 1) -> list[int]:
    """``count`` deals with ids ``start, start+step, ...``: one real add, then copies (fast)."""
    if count == 0:
        return []
    emu.call("crm.deal.add", {"fields": {"TITLE": "template", "OPPORTUNITY": 1}})
    table = emu.state.table("deal")
    template = table.pop(1)
    ids = [start + i * step for i in range(count)]
    for number, deal_id in enumerate(ids):
        row = copy.deepcopy(template)
        row.update({"ID": deal_id, "TITLE": f"Deal {deal_id}", "OPPORTUNITY": number % 1000})
        table[deal_id] = row
    emu.state.counters["deal"] = ids[-1]
    return ids


@pytest.mark.parametrize("count", [0, 1, 49, 50, 51, 2499, 2500, 2501, 10007])
def test_every_row_once_in_order(count: int) -> None:
    emu = Emulator(limits="off")
    ids = clone_deals(emu, count)
    with emu.client() as b24:
        rows = b24.crm.deal.list_all(select=["ID", "TITLE"])
    assert [d.id for d in rows] == ids
    assert [d.title for d in rows[:1]] == [f"Deal {i}" for i in ids[:1]]
    assert emu.stats.rows_skipped == 0  # no OFFSET anywhere
    assert emu.stats.rows_counted <= count  # one COUNT, in the probe
    assert emu.stats.requests <= 1 + _spread(count, room=50) + 1


def _pages(count: int) -> int:
    """Pages left after the probe's first page."""
    return max(0, -(-(count - 50) // 50))


def _spread(count: int, *, room: int) -> int:
    """Requests after the probe: the fewest full ones, or up to half the room (10+ pages each)."""
    pages = _pages(count)
    if pages == 0:
        return 0
    return max(-(-pages // 50), min(room // 2, -(-pages // 10)))


@pytest.mark.parametrize(("concurrency", "ranges"), [(1, 3), (8, 4), (50, 13)])
def test_a_read_spreads_over_the_room_it_has(concurrency: int, ranges: int) -> None:
    """6,500 rows (129 pages after the probe): 3 full requests with one slot, up to half the room else."""
    emu = Emulator(limits="off")
    ids = clone_deals(emu, 6_500)
    with emu.client(max_concurrency=concurrency) as b24:
        rows = b24.crm.deal.list_all(select=["ID"])
    assert [d.id for d in rows] == ids
    assert emu.stats.calls["batch"] in (1 + ranges, 2 + ranges)  # a dense range may need one more round


def test_a_drained_bucket_gets_the_fewest_full_requests() -> None:
    """With the standard bucket nearly spent, the read does not spread: 3 full requests, not 13."""
    clock = ManualClock()
    emu = Emulator(limits="off")
    ids = clone_deals(emu, 6_500)
    limiter = Limiter.plan("standard", clock=clock)
    for _ in range(46):
        limiter.reserve()
    with emu.client(limits=limiter) as b24:
        rows = b24.crm.deal.list_all(select=["ID"])
    assert [d.id for d in rows] == ids
    assert emu.stats.calls["batch"] in (4, 5)


@pytest.mark.parametrize("count", [0, 51, 2501])
async def test_same_with_the_async_client(count: int) -> None:
    emu = Emulator(limits="off")
    ids = clone_deals(emu, count)
    async with emu.async_client() as ab24:
        rows = [d.id async for d in ab24.crm.deal.iter_all()]
    assert rows == ids


def test_sparse_and_uneven_ids() -> None:
    emu = Emulator(limits="off")
    ids = [*clone_deals(emu, 3000, start=7, step=3), 9500, 50000, 50001, 1000000]
    table = emu.state.table("deal")
    for extra in ids[-4:]:
        table[extra] = {**table[7], "ID": extra}
    with emu.client() as b24:
        rows = b24.crm.deal.list_all(select=["ID"])
    assert [d.id for d in rows] == ids


def test_filters_and_limits_are_kept() -> None:
    emu = Emulator(limits="off")
    clone_deals(emu, 3000)
    with emu.client() as b24:
        small = b24.crm.deal.list_all(filter={">=opportunity": 990}, select=["ID", "OPPORTUNITY"])
        capped = b24.crm.deal.list_all(limit=120)
        window = b24.crm.deal.list_all(filter={">ID": 100, "<=ID": 2650}, select=["ID"])
    assert [d.id for d in small] == [i for i in range(1, 3001) if (i - 1) % 1000 >= 990]
    assert [d.id for d in capped] == list(range(1, 121))
    assert [d.id for d in window] == list(range(101, 2651))


def test_rows_deleted_during_the_scan_never_cause_duplicates() -> None:
    emu = Emulator(limits="off")
    clone_deals(emu, 6000)
    table = emu.state.table("deal")
    with emu.client() as b24:
        stream = b24.crm.deal.iter_all(select=["ID"])
        seen = [next(stream).id]
        for deal_id in list(range(2, 4000, 3)):  # a third of what is ahead disappears mid-scan
            table.pop(deal_id, None)
        seen += [d.id for d in stream]
    assert len(seen) == len(set(seen))
    assert seen == sorted(seen)
    assert set(range(4000, 6001)) <= set(seen)  # rows nobody touched are all there


def test_other_orders_use_batched_offset_pages() -> None:
    emu = Emulator(limits="off")
    clone_deals(emu, 260)
    with emu.client() as b24:
        rows = b24.crm.deal.list_all(order={"OPPORTUNITY": "DESC"}, select=["ID", "OPPORTUNITY"])
    assert len(rows) == 260
    assert len({d.id for d in rows}) == 260
    assert [d.opportunity for d in rows] == sorted((d.opportunity for d in rows), reverse=True)
    assert emu.stats.requests == 2  # the first page, then the other five pages in one batch


def test_100000_rows_under_the_standard_bucket_without_a_503() -> None:
    clock = ManualClock()
    emu = Emulator(limits="standard", clock=clock)
    ids = clone_deals(emu, 100_000)

    def sleep(seconds: float) -> None:
        clock.advance(seconds)

    limiter = Limiter(50, 2.0, clock=clock, wall_clock=clock)
    with Bitrix24(
        emu.webhook_url, transport=emu.transport(), limits=limiter, retry=RetryPolicy(sleep=sleep)
    ) as b24:
        seen: Any = [d.id for d in b24.crm.deal.iter_all(select=["ID"])]
    assert seen == ids
    assert emu.stats.rejected_rate == 0
    assert emu.stats.requests <= 42  # 1 probe + 40 ranges of 2,500 rows (+ at most one top-up)
