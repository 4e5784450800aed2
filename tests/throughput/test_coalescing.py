"""Concurrent single calls go out together: 100 gets in 2 requests, each caller with its own outcome."""

from __future__ import annotations

import asyncio

import pytest

from bitrix24_toolkit import AsyncBitrix24, errors
from bitrix24_toolkit.testing.emulator import Emulator


def seeded(count: int) -> Emulator:
    emu = Emulator(limits="off")
    for i in range(count):
        emu.call("crm.deal.add", {"fields": {"TITLE": f"Deal {i + 1}"}})
    emu.reset_stats()
    return emu


async def test_hundred_concurrent_gets_are_two_requests() -> None:
    emu = seeded(100)
    async with emu.async_client() as b24:
        deals = await asyncio.gather(*(b24.call("crm.deal.get", {"id": i}) for i in range(1, 101)))
        assert b24.coalescer is not None
        assert b24.coalescer.batch_requests == 2
    assert [d["TITLE"] for d in deals] == [f"Deal {i}" for i in range(1, 101)]
    assert emu.stats.requests == 2


async def test_each_caller_gets_its_own_error() -> None:
    emu = seeded(3)
    async with emu.async_client() as b24:
        results = await asyncio.gather(
            b24.call("crm.deal.get", {"id": 1}),
            b24.call("crm.deal.get", {"id": 404}),
            b24.crm.deal.get(3),
            b24.call("no.such.method"),
            return_exceptions=True,
        )
    assert results[0]["TITLE"] == "Deal 1"
    assert isinstance(results[1], errors.NotFoundError)
    assert results[2].title == "Deal 3"
    assert isinstance(results[3], errors.MethodNotFoundError)
    assert emu.stats.requests == 1


async def test_a_lone_call_is_sent_as_it_is() -> None:
    emu = seeded(1)
    async with emu.async_client() as b24:
        assert (await b24.call_full("crm.deal.list")).total == 1
    assert emu.stats.calls == {"crm.deal.list": 1}


async def test_switched_off_means_one_request_per_call() -> None:
    emu = seeded(5)
    async with AsyncBitrix24(emu.webhook_url, transport=emu.transport(), limits="off", coalesce=False) as b24:
        await asyncio.gather(*(b24.call("crm.deal.get", {"id": i}) for i in range(1, 6)))
    assert emu.stats.requests == 5


async def test_a_window_gathers_calls_made_a_little_apart() -> None:
    emu = seeded(4)
    async with emu.async_client(coalesce_window=0.05) as b24:

        async def later(deal_id: int) -> object:
            await asyncio.sleep(0.005 * deal_id)
            return await b24.call("crm.deal.get", {"id": deal_id})

        await asyncio.gather(*(later(i) for i in range(1, 5)))
    assert emu.stats.requests == 1


def test_sync_deferred_block() -> None:
    emu = seeded(60)
    with emu.client() as b24:
        with b24.deferred() as queue:
            wanted = [queue.call("crm.deal.get", {"id": i}) for i in range(1, 61)]
            missing = queue.run(b24.crm.deal.calls.get(999))
            assert not wanted[0].done
            with pytest.raises(RuntimeError, match="not been sent"):
                wanted[0].result()
        assert [p.result()["TITLE"] for p in wanted] == [f"Deal {i}" for i in range(1, 61)]
        with pytest.raises(errors.NotFoundError):
            missing.result()
    assert emu.stats.requests == 2


async def test_the_sync_client_returns_values_inside_a_running_loop() -> None:
    emu = seeded(120)  # as in a Jupyter cell: an event loop is running
    asyncio.get_running_loop()
    with emu.client() as b24:
        deal = b24.crm.deal.get(1)
        rows = b24.crm.deal.list_all()  # parallel ranges use threads, not the running loop
    assert deal.title == "Deal 1"
    assert len(rows) == 120
