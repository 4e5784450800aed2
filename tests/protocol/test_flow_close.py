"""A flow whose executor fails with something other than a Bitrix24Error is closed at once: its
``finally`` blocks run before the exception reaches the caller (a database closed, a lock released)."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from bitrix24_toolkit.protocol.call import Call, drive_flow, drive_flow_async


def _flow(log: list[str]) -> Generator[Any, Any, int]:
    try:
        yield Call("crm.deal.get", {"id": 1})
        yield Call("crm.deal.get", {"id": 2})
        return 1
    finally:
        log.append("closed")


class Boom(Exception):
    pass


def test_an_executor_error_closes_the_flow() -> None:
    log: list[str] = []

    def execute(step: Any) -> Any:
        raise Boom("the executor broke")

    with pytest.raises(Boom):
        drive_flow(_flow(log), execute)
    assert log == ["closed"]


def test_an_interrupt_closes_the_flow() -> None:
    log: list[str] = []
    calls: list[Any] = []

    def execute(step: Any) -> Any:
        calls.append(step)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return {}

    with pytest.raises(KeyboardInterrupt):
        drive_flow(_flow(log), execute)
    assert log == ["closed"]


def test_a_cancelled_async_flow_is_closed() -> None:
    log: list[str] = []

    async def execute(step: Any) -> Any:
        await asyncio.sleep(10)

    async def main() -> None:
        task = asyncio.ensure_future(drive_flow_async(_flow(log), execute))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert log == ["closed"]


def test_a_finished_flow_gives_its_value() -> None:
    log: list[str] = []
    assert drive_flow(_flow(log), lambda step: {}) == 1
    assert log == ["closed"]
