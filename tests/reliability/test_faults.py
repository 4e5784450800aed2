"""Under the fault mix and a second process on the bucket: nothing lost, nothing duplicated, the truth told.

Every figure here comes from the seeded emulator and a virtual clock: the suite never really waits.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.services.bulk import BulkResult
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.faults import FaultRule
from bitrix24_toolkit.testing.emulator.limits import ManualClock
from tests.reliability.harness import AMBIGUOUS, APPLIED, Exchange, FaultyPortal
from tests.throughput.test_paging import clone_deals

ROWS = 20_000
LEADS = 2_000
#: seeds of the read runs under the issue's mix
READ_SEEDS = range(1, 7)
KINDS = ("limit", "error500", "html502", "reset", "timeout", "truncated")


@pytest.fixture(autouse=True)
def seeded_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backoff jitter draws from a seeded generator, so a seed always gives the same run."""
    monkeypatch.setattr("bitrix24_toolkit.engine.retry.random", random.Random(11))


@pytest.fixture(scope="module")
def deals() -> tuple[Emulator, ManualClock, list[int]]:
    """20,000 deals with ids 5, 8, 11, ... (gaps everywhere), loaded once: reads do not change them."""
    clock = ManualClock()
    emu = Emulator(limits="standard", clock=clock)
    return emu, clock, clone_deals(emu, ROWS, start=5, step=3)


def check_rows(rows: list[dict[str, Any]], ids: list[int]) -> None:
    got = [int(row["ID"]) for row in rows]
    assert len(got) == len(ids)  # 0 lost
    assert len(set(got)) == len(got)  # 0 duplicated
    assert got == ids  # order kept
    assert all(row["TITLE"] == f"Deal {row['ID']}" for row in rows)  # each row intact


def read_all(portal: FaultyPortal) -> list[dict[str, Any]]:
    with portal.client(max_concurrency=1) as b24:
        return b24.crm.deal.list_all(select=["ID", "TITLE"], raw=True)


def test_reading_20000_rows_under_the_fault_mix_loses_and_repeats_nothing(
    deals: tuple[Emulator, ManualClock, list[int]],
) -> None:
    emu, clock, ids = deals
    requests = faults = bucket_refusals = 0
    for seed in READ_SEEDS:
        portal = FaultyPortal(seed, loaded=(emu, clock))
        check_rows(read_all(portal), ids)
        figures = portal.figures()
        requests += figures["requests"]
        faults += sum(figures["faults"].values())
        bucket_refusals += figures["bucket_503"]
    assert faults > 0
    assert requests > 9 * len(READ_SEEDS)  # 9 requests without faults: the extra ones are retries
    assert bucket_refusals > 0  # the second process made the shared bucket refuse the client too


@pytest.mark.parametrize("kind", KINDS)
def test_reading_20000_rows_when_a_quarter_of_requests_fail_one_way(
    deals: tuple[Emulator, ManualClock, list[int]], kind: str
) -> None:
    emu, clock, ids = deals
    portal = FaultyPortal(3, rule=FaultRule("*", **{kind: 0.25}), loaded=(emu, clock))
    check_rows(read_all(portal), ids)
    assert portal.figures()["faults"].get(kind, 0) >= 1


async def test_reading_under_faults_with_the_async_client(
    deals: tuple[Emulator, ManualClock, list[int]],
) -> None:
    emu, clock, ids = deals
    for seed in (21, 22):
        portal = FaultyPortal(seed, loaded=(emu, clock))
        async with portal.async_client() as ab24:
            rows = [row async for row in ab24.crm.deal.iter_all(select=["ID", "TITLE"], raw=True)]
        check_rows(rows, ids)


def check_bulk(portal: FaultyPortal, titles: list[str], result: BulkResult) -> None:
    """Compare a bulk add's outcomes with the portal's own table and with what each request met."""
    assert [item.key["TITLE"] for item in result] == titles  # one outcome per input, in order
    table = portal.emu.state.table("lead")
    stored = Counter(str(row["TITLE"]) for row in table.values())
    assert not stored or max(stored.values()) == 1  # nothing created twice
    id_of = {str(row["TITLE"]): lead_id for lead_id, row in table.items()}

    sent: dict[str, list[Exchange]] = {}
    for exchange in portal.exchanges:
        for title in exchange.titles:
            sent.setdefault(title, []).append(exchange)
    assert set(sent) == set(titles)  # every item was sent
    for attempts in sent.values():  # only a refusal that ran nothing is ever repeated
        assert all(e.fault == "limit" or e.bucket_rejected for e in attempts[:-1])
    last = {title: attempts[-1] for title, attempts in sent.items()}
    ambiguous = {t for t, e in last.items() if e.fault in AMBIGUOUS}
    applied = {t for t, e in last.items() if e.fault in APPLIED or (e.fault is None and e.status == 200)}

    outcome = {item.key["TITLE"]: item for item in result}
    assert {t for t, item in outcome.items() if item.outcome == "unknown"} == ambiguous
    assert set(stored) == applied  # the portal holds exactly what ran
    for title, item in outcome.items():
        if item.outcome == "ok":
            assert id_of[title] == item.value  # every ok item is there, with its id
        if title not in id_of:
            assert item.outcome != "ok"  # nothing absent is called written
        else:
            assert item.outcome in ("ok", "unknown")
        if item.outcome == "unknown":
            assert isinstance(item.error, errors.OutcomeUnknownError)
        if item.outcome == "error":  # refused every time: the bucket stayed full
            assert isinstance(item.error, errors.RateLimitError)


def lead_titles() -> list[str]:
    return [f"Lead {number:04d}" for number in range(LEADS)]


@pytest.mark.parametrize("threads", [1, 8])
def test_adding_2000_leads_under_faults_creates_each_at_most_once(threads: int) -> None:
    portal = FaultyPortal(seed=5 + threads)
    titles = lead_titles()
    with portal.client(max_concurrency=threads) as b24:
        result = b24.crm.lead.add_many([{"TITLE": title} for title in titles])
    check_bulk(portal, titles, result)
    figures = portal.figures()
    assert result.unknown  # the mix did hit some chunks ambiguously ...
    assert len(result.ok) >= LEADS * 0.8  # ... and most went through
    assert sum(figures["faults"].values()) > 0


async def test_adding_2000_leads_under_faults_with_the_async_client() -> None:
    portal = FaultyPortal(seed=31)
    titles = lead_titles()
    async with portal.async_client() as ab24:
        result = await ab24.crm.lead.add_many([{"TITLE": title} for title in titles])
    check_bulk(portal, titles, result)


async def test_coalesced_single_calls_under_faults_each_get_a_value_or_a_typed_error() -> None:
    portal = FaultyPortal(seed=41)
    clone_deals(portal.emu, 300)
    async with portal.async_client() as ab24:
        deals = await asyncio.gather(*(ab24.call("crm.deal.get", {"id": i}) for i in range(1, 301)))
        adds = await asyncio.gather(
            *(ab24.call("crm.lead.add", {"fields": {"TITLE": f"single {i}"}}) for i in range(150)),
            return_exceptions=True,
        )
    assert [int(deal["ID"]) for deal in deals] == list(range(1, 301))  # reads in a batch are retried
    table = portal.emu.state.table("lead")
    stored = Counter(str(row["TITLE"]) for row in table.values())
    assert not stored or max(stored.values()) == 1
    for number, answer in enumerate(adds):
        title = f"single {number}"
        if isinstance(answer, BaseException):
            assert isinstance(answer, errors.OutcomeUnknownError | errors.RateLimitError), repr(answer)
        else:
            assert table[int(answer)]["TITLE"] == title
    assert any(isinstance(a, errors.OutcomeUnknownError) for a in adds)


def test_a_batch_of_plain_reads_is_retried_like_a_read() -> None:
    """``b24.batch([("crm.deal.get", ...)])``: calls with no read/write mark are classified by their names."""
    portal = FaultyPortal(seed=51, rule=FaultRule("batch", error500=0.5), other_burst=0)
    clone_deals(portal.emu, 10)
    with portal.client() as b24:
        for _ in range(6):
            outcomes = b24.batch([("crm.deal.get", {"id": i}) for i in range(1, 11)])
            assert [int(o.unwrap()["ID"]) for o in outcomes] == list(range(1, 11))
    assert portal.figures()["faults"].get("error500", 0) >= 1  # failures met, and retried
