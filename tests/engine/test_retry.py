"""The retry table, call by call, against the emulator's fault injection (tests never sleep)."""

from __future__ import annotations

from typing import Any

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.engine.retry import RetryPolicy, is_read_method
from bitrix24_toolkit.testing.emulator import Emulator
from bitrix24_toolkit.testing.emulator.faults import FaultRule, Faults
from tests.conftest import Factory

# fault kind -> (retried for reads, what a write raises)
TABLE = {
    "limit": (True, None),  # the call did not run: retried for writes too
    "error500": (True, errors.OutcomeUnknownError),
    "html502": (True, errors.OutcomeUnknownError),
    "reset": (True, errors.OutcomeUnknownError),
    "timeout": (True, errors.OutcomeUnknownError),
    "truncated": (True, errors.OutcomeUnknownError),
}


def flaky(emu: Emulator, method: str, kind: str, failures: int) -> None:
    """``method`` fails ``failures`` times with ``kind``, then works."""
    emu.faults = Faults(seed=1, rules=[FaultRule(method, **{kind: 1.0})])
    original = emu.faults.decide
    left = {"n": failures}

    def decide(name: str) -> str | None:
        if left["n"] > 0 and name == method:
            left["n"] -= 1
            return original(name)
        return None

    emu.faults.decide = decide  # type: ignore[method-assign]


@pytest.mark.parametrize("kind", sorted(TABLE))
async def test_reads_are_retried_after_every_fault(client: Any, emu: Emulator, kind: str) -> None:
    flaky(emu, "user.current", kind, failures=2)
    assert (await client.call("user.current"))["ID"] == "1"
    assert emu.stats.calls.get("user.current", 0) >= 1


@pytest.mark.parametrize("kind", sorted(TABLE))
async def test_writes_are_retried_only_when_they_did_not_run(client: Any, emu: Emulator, kind: str) -> None:
    flaky(emu, "crm.lead.add", kind, failures=1)
    expected = TABLE[kind][1]
    if expected is None:
        assert await client.call("crm.lead.add", {"fields": {"TITLE": "x"}}) == 1
    else:
        with pytest.raises(expected) as caught:
            await client.call("crm.lead.add", {"fields": {"TITLE": "secret-title"}})
        assert caught.value.method == "crm.lead.add"
        assert "secret-title" not in str(caught.value)  # params are never in the message
        assert isinstance(caught.value.__cause__, errors.Bitrix24Error)
    applied = len(emu.call("crm.lead.list", {})[1]["result"])
    assert applied == (1 if kind in ("limit", "timeout", "truncated") else 0)  # never twice


async def test_permission_and_validation_errors_are_never_retried(client: Any, emu: Emulator) -> None:
    with pytest.raises(errors.NotFoundError):
        await client.call("crm.deal.get", {"id": 42})
    assert emu.stats.calls["crm.deal.get"] == 1
    with pytest.raises(errors.MethodNotFoundError):
        await client.call("no.such.method")
    assert emu.stats.requests == 2


async def test_overload_is_never_retried(make_client: Factory) -> None:
    import httpx

    calls = []

    def blocked(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            503, json={"error": "OVERLOAD_LIMIT", "error_description": "REST API is blocked"}
        )

    b24 = make_client("https://x.bitrix24.test/rest/1/abcdef123456/", transport=httpx.MockTransport(blocked))
    with pytest.raises(errors.OverloadError):
        await b24.call("user.current")
    assert len(calls) == 1


async def test_operation_time_limit_waits_for_the_reset(make_client: Factory) -> None:
    emu = Emulator(limits="off", operating_limit=0.0025)
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)
        emu.advance(seconds)

    def sync_sleep(seconds: float) -> None:
        waits.append(seconds)
        emu.advance(seconds)

    b24 = make_client(
        emu.webhook_url, transport=emu.transport(), retry=RetryPolicy(sleep=sync_sleep, async_sleep=no_sleep)
    )
    for _ in range(4):  # 0.001 s each: the fourth crosses 0.0025 s, the portal then blocks the method
        await b24.call("crm.lead.list")
    assert emu.stats.rejected_operating >= 1
    assert waits
    assert max(waits) > 60


def test_read_method_table() -> None:
    for method in (
        "crm.deal.get",
        "crm.deal.list",
        "crm.item.fields",
        "user.current",
        "crm.duplicate.findbycomm",
    ):
        assert is_read_method(method)
    for method in ("crm.deal.add", "crm.deal.update", "batch", "crm.lead.productrows.set", "some.new.method"):
        assert not is_read_method(method)


def test_attempts_are_bounded() -> None:
    emu = Emulator(limits="off")
    emu.faults = Faults(seed=1, rules=[FaultRule("user.current", error500=1.0)])
    with (
        emu.client(retry=RetryPolicy(attempts=3, sleep=lambda s: None)) as b24,
        pytest.raises(errors.ServerError),
    ):
        b24.call("user.current")
    assert emu.stats.faults["error500"] == 3
