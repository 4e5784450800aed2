"""Streaming is streaming: ``iter_all()`` reads at most a window ahead of its consumer (issue 18, item 3).

The portal counts the rows it returned (``emu.stats.rows_returned``); a consumer that checks it after
each row sees how far the stream has read ahead. Bounded read-ahead is what keeps memory flat whatever
the row count; pulling nothing makes the stream ask for nothing (back-pressure).
"""

from __future__ import annotations

import pytest

from bitrix24_toolkit import AsyncBitrix24
from bitrix24_toolkit.services.paging import PAGE_SIZE, STREAM_WINDOW_ROWS
from bitrix24_toolkit.testing.emulator import Emulator

from .test_paging import clone_deals

ROWS = 2 * STREAM_WINDOW_ROWS + 5_000  # more than two windows
#: the window, plus the probe's first page and the page being consumed
AHEAD = STREAM_WINDOW_ROWS + 2 * PAGE_SIZE


@pytest.fixture(scope="module")
def big() -> Emulator:
    emu = Emulator(limits="off")
    clone_deals(emu, ROWS)
    return emu


@pytest.mark.parametrize(
    ("raw", "order"),
    [(False, None), (True, None), (True, {"ID": "DESC"})],
    ids=["keyset-typed", "keyset-raw", "offset-raw"],
)
def test_the_stream_never_reads_more_than_a_window_ahead(
    big: Emulator, raw: bool, order: dict[str, str] | None
) -> None:
    big.reset_stats()
    consumed = ahead = 0
    with big.client() as b24:
        for _ in b24.crm.deal.iter_all(select=["ID", "TITLE"], order=order, raw=raw):
            consumed += 1
            ahead = max(ahead, big.stats.rows_returned - consumed)
    assert consumed == ROWS
    assert ahead <= AHEAD, f"read {ahead} rows ahead of the consumer"
    assert ahead >= PAGE_SIZE  # it does read ahead: whole requests, not a row at a time


def test_a_consumer_that_stops_stops_the_reading(big: Emulator) -> None:
    big.reset_stats()
    with big.client() as b24:
        stream = b24.crm.deal.iter_all(select=["ID"])
        first = [next(stream) for _ in range(10)]
        requests = big.stats.requests
        assert big.stats.rows_returned <= AHEAD
        del stream
    assert [d.id for d in first] == list(range(1, 11))
    assert big.stats.requests == requests


async def test_the_async_stream_is_bounded_too(big: Emulator) -> None:
    big.reset_stats()
    consumed = ahead = 0
    async with AsyncBitrix24(big.webhook_url, transport=big.transport(), limits="off") as b24:
        async for _ in b24.crm.deal.iter_all(select=["ID"], raw=True):
            consumed += 1
            ahead = max(ahead, big.stats.rows_returned - consumed)
    assert consumed == ROWS
    assert ahead <= AHEAD
