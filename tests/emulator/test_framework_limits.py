"""Request-rate bucket, operating-time limit, cost model and statistics, all on a fake clock."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing import CostModel, Emulator, ManualClock
from bitrix24_toolkit.testing.emulator import Ctx, ListResult, method

T0 = 1_705_309_200.0


@method("test.l.rows", scope="basic")
def _rows(ctx: Ctx) -> ListResult:
    start = int(ctx.param("start", 0) or 0)
    total = 1000
    if start < 0:
        return ListResult([{"ID": str(i)} for i in range(50)], total=0)
    return ListResult(
        [{"ID": str(i)} for i in range(start, start + 50)],
        total=total,
        next=start + 50,
        counted=total,
        skipped=start,
    )


@method("test.l.write", scope="basic")
def _write(ctx: Ctx) -> Any:
    ctx.state.insert("test_writes", {"v": ctx.param("v")})
    return True


def call(emu: Emulator, name: str, **params: Any) -> httpx.Response:
    with httpx.Client(transport=emu.transport()) as client:
        return client.post(emu.webhook_url + name, json=params)


def test_standard_bucket_refuses_the_51st_request_and_does_not_run_it() -> None:
    emu = Emulator(clock=ManualClock(T0))
    statuses = [call(emu, "test.l.write", v=i).status_code for i in range(51)]
    assert statuses == [200] * 50 + [503]
    last = call(emu, "test.l.write", v="x")
    assert last.json() == {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
    assert len(emu.state.table("test_writes")) == 50
    assert emu.stats.rejected_rate == 2


def test_bucket_drains_two_per_second() -> None:
    emu = Emulator(clock=ManualClock(T0))
    for _ in range(50):
        call(emu, "scope")
    assert call(emu, "scope").status_code == 503
    emu.advance(0.5)
    assert call(emu, "scope").status_code == 200
    assert call(emu, "scope").status_code == 503
    emu.advance(5)
    assert [call(emu, "scope").status_code for _ in range(11)] == [200] * 10 + [503]


def test_enterprise_bucket_is_250_and_drains_five_per_second() -> None:
    emu = Emulator(clock=ManualClock(T0), limits="enterprise")
    assert [call(emu, "scope").status_code for _ in range(251)][-2:] == [200, 503]
    emu.advance(1)
    assert [call(emu, "scope").status_code for _ in range(6)] == [200] * 5 + [503]


def test_limits_off_and_custom() -> None:
    emu = Emulator(clock=ManualClock(T0), limits="off")
    assert all(call(emu, "scope").status_code == 200 for _ in range(300))
    emu.limits = (3, 1.0)
    assert [call(emu, "scope").status_code for _ in range(4)] == [200, 200, 200, 503]
    with pytest.raises(ValueError, match="limits"):
        Emulator(limits="premium")


def test_operating_limit_blocks_the_next_call_of_that_method_only() -> None:
    clock = ManualClock(T0)
    cost = CostModel(per_request=1.0, per_row=0, per_counted_row=0, per_skipped_row=0)
    emu = Emulator(clock=clock, limits="off", cost=cost, operating_limit=10.0)
    first = call(emu, "test.l.write", v=0).json()
    assert first["time"]["operating"] == pytest.approx(1.0)
    assert first["time"]["processing"] == pytest.approx(1.0)
    assert first["time"]["operating_reset_at"] == int(T0) + 600
    clock.advance(120)
    for i in range(10):  # 11 s in total: the call crossing the limit still runs
        body = call(emu, "test.l.write", v=i).json()
    assert body["time"]["operating"] == pytest.approx(11.0)
    assert body["time"]["operating_reset_at"] == int(T0) + 600
    blocked = call(emu, "test.l.write", v="late")
    assert blocked.status_code == 429
    assert blocked.json() == {
        "error": "OPERATION_TIME_LIMIT",
        "error_description": "Method is blocked due to operation time limit.",
    }
    assert len(emu.state.table("test_writes")) == 11
    assert call(emu, "scope").status_code == 200  # other methods keep working
    # the first minute bucket (1 s) drops out at T0+600: 10 s left, not above the limit
    clock.advance(480)
    assert call(emu, "test.l.write", v="after").status_code == 200
    assert emu.stats.rejected_operating == 1


def test_operating_limit_counts_batch_sub_calls_per_method() -> None:
    cost = CostModel(per_request=0.0, per_batch_command=1.0, per_row=0, per_counted_row=0, per_skipped_row=0)
    emu = Emulator(clock=ManualClock(T0), limits="off", cost=cost, operating_limit=5.0)
    body = call(emu, "batch", cmd={f"w{i}": f"test.l.write?v={i}" for i in range(8)}).json()["result"]
    assert len(body["result"]) == 6  # six ran (the sixth crossed 5 s), then blocked
    assert body["result_error"]["w6"]["error"] == "OPERATION_TIME_LIMIT"
    assert call(emu, "test.l.write", v=1).status_code == 429
    assert call(emu, "batch", cmd=["scope"]).status_code == 200


def test_cost_model_figures_and_stats() -> None:
    cost = CostModel(
        per_request=0.1, per_row=0.01, per_batch_command=0.05, per_counted_row=0.001, per_skipped_row=0.002
    )
    emu = Emulator(clock=ManualClock(T0), limits="off", cost=cost)
    body = call(emu, "test.l.rows", start=100).json()
    # 0.1 + 50 rows * 0.01 + 1000 counted * 0.001 + 100 skipped * 0.002
    assert body["time"]["processing"] == pytest.approx(0.1 + 0.5 + 1.0 + 0.2)
    fast = call(emu, "test.l.rows", start=-1).json()
    assert fast["time"]["processing"] == pytest.approx(0.1 + 0.5)
    batch = call(emu, "batch", cmd=["test.l.rows?start=-1", "test.l.rows?start=-1"]).json()
    assert batch["time"]["processing"] == pytest.approx(0.1 + 2 * (0.05 + 0.5))
    assert batch["result"]["result_time"][0]["processing"] == pytest.approx(0.55)
    stats = emu.stats
    assert stats.requests == 3
    assert stats.rows_returned == 200
    assert stats.rows_counted == 1000
    assert stats.rows_skipped == 100
    assert stats.server_time == pytest.approx(1.8 + 0.6 + 1.2)
    assert stats.calls == {"test.l.rows": 4, "batch": 1}
    emu.reset_stats()
    assert emu.stats.requests == 0
    assert emu.stats.as_dict()["calls"] == {}


def test_without_cost_model_processing_is_fixed_and_tiny() -> None:
    emu = Emulator(clock=ManualClock(T0), limits="off")
    times = [call(emu, "test.l.rows", start=900).json()["time"]["processing"] for _ in range(2)]
    assert times == [0.001, 0.001]


def test_cost_model_can_really_sleep() -> None:
    import time

    emu = Emulator(limits="off", cost=CostModel(per_request=0.05, per_row=0, sleep=True))
    began = time.perf_counter()
    call(emu, "scope")
    assert time.perf_counter() - began >= 0.05
