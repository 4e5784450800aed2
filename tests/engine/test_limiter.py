"""Pacing at the portal's limits: no 503 at full speed, and recovery when another process shares it."""

from __future__ import annotations

import asyncio
import time

import pytest

from bitrix24_toolkit import Bitrix24
from bitrix24_toolkit.engine.limiter import Limiter, Pace, apace, limiter_for, pace
from bitrix24_toolkit.engine.retry import RetryPolicy
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.limits import ManualClock


def paced_client(emu: Emulator, clock: ManualClock, limiter: Limiter) -> Bitrix24:
    def sleep(seconds: float) -> None:
        clock.advance(seconds)

    return Bitrix24(
        emu.webhook_url, transport=emu.transport(), limits=limiter, retry=RetryPolicy(sleep=sleep)
    )


@pytest.mark.parametrize(("plan", "burst", "rate"), [("standard", 50, 2.0), ("enterprise", 250, 5.0)])
def test_full_speed_never_meets_query_limit_exceeded(plan: str, burst: int, rate: float) -> None:
    clock = ManualClock()
    emu = Emulator(limits=plan, clock=clock)
    limiter = Limiter(burst, rate, clock=clock, wall_clock=clock)
    calls = burst * 3
    with paced_client(emu, clock, limiter) as b24:
        for _ in range(calls):
            b24.call("user.current")
    assert emu.stats.rejected_rate == 0
    state = limiter.snapshot()
    # the first burst goes at once, the rest at the drain rate
    assert state.waited_seconds == pytest.approx((calls - (burst - 1)) / rate, abs=1.0)


def test_a_second_process_on_the_portal_causes_backoff_then_pacing() -> None:
    clock = ManualClock()
    emu = Emulator(limits="standard", clock=clock)
    for _ in range(45):  # another process already used most of the portal's bucket
        assert emu.respond(_request(emu)).response is not None
    limiter = Limiter(50, 2.0, clock=clock, wall_clock=clock)
    with paced_client(emu, clock, limiter) as b24:
        for _ in range(60):
            b24.call("user.current")
    rejected = emu.stats.rejected_rate
    assert 1 <= rejected <= 2  # it met the shared bucket once, then took it as full and paced itself
    assert limiter.snapshot().penalties == rejected


def _request(emu: Emulator) -> object:
    import httpx

    return httpx.Request("POST", emu.webhook_url + "profile", json={})


def test_operating_budget_pauses_the_method_until_reset() -> None:
    clock = ManualClock()
    limiter = Limiter(50, 2.0, operating_budget=10.0, clock=clock, wall_clock=clock)
    limiter.observe("crm.deal.list", 9.5, clock() + 120)
    # held by its budget: negative (nothing booked; reserve again after the wait)
    assert limiter.reserve("crm.deal.list") == pytest.approx(-120)
    assert limiter.snapshot().level == 0  # the held request took no slot
    assert limiter.reserve("crm.deal.get") == 0  # other methods keep going
    clock.advance(121)  # the reset: the method books a slot again
    assert limiter.reserve("crm.deal.list") == 0
    assert limiter.snapshot().methods["crm.deal.list"].operating == 9.5


def test_one_limiter_per_portal_and_plan() -> None:
    first = limiter_for("a.bitrix24.test", "standard")
    assert first is limiter_for("a.bitrix24.test", "standard")
    assert first is not limiter_for("b.bitrix24.test", "standard")
    assert limiter_for("a.bitrix24.test", "off") is None
    custom = limiter_for("a.bitrix24.test", (10, 1))
    assert custom is not None
    assert (custom.burst, custom.rate) == (10, 1)
    with pytest.raises(InvalidInputError, match="unknown limits"):
        limiter_for("a.bitrix24.test", "premium")


def test_clients_of_one_portal_share_the_bucket() -> None:
    one = Bitrix24("https://shared.bitrix24.test/rest/1/abcdef123456/")
    two = Bitrix24("https://shared.bitrix24.test/rest/1/abcdef123456/")
    assert one.limits is not None
    assert two.limits is not None
    assert one._core.limiter is two._core.limiter
    assert Bitrix24("https://shared.bitrix24.test/rest/1/abcdef123456/", limits="off").limits is None


def test_a_limiter_without_block_still_works_on_an_operation_time_limit() -> None:
    """A PortalLimiter written before ``block`` existed: the exchange's block step is skipped, not a crash."""
    class Older:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def reserve(self, method: str | None = None) -> float:
            return 0.0

        def penalize(self) -> None:
            self.seen.append("penalize")

        def observe(self, method: str, operating: float | None, reset_at: float | None) -> None:
            self.seen.append("observe")

    older = Older()
    assert pace(older, Pace("block", "crm.deal.list", reset_at=2e9)) == 0.0  # type: ignore[arg-type]
    assert asyncio.run(apace(older, Pace("block", "crm.deal.list", reset_at=2e9))) == 0.0  # type: ignore[arg-type]
    assert older.seen == []
    local = Limiter(50, 2.0)
    pace(local, Pace("block", "crm.deal.list", reset_at=time.time() + 30))
    assert local.reserve("crm.deal.list") < -25  # held, nothing booked
    assert local.reserve("crm.lead.list") == 0
