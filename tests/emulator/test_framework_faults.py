"""Seeded fault injection: every kind, whether the call ran, determinism per seed."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing import Emulator, FaultRule, Faults, ManualClock
from bitrix24_toolkit.testing.emulator import Ctx, method

T0 = 1_705_309_200.0


@method("test.f.add", scope="basic")
def _add(ctx: Ctx) -> Any:
    return ctx.state.insert("test_fault_rows", {"v": ctx.param("v")})


def make(**rates: float) -> Emulator:
    return Emulator(
        clock=ManualClock(T0), limits="off", faults=Faults(seed=1, rules=[FaultRule("test.f.*", **rates)])
    )


def post(emu: Emulator, name: str = "test.f.add") -> httpx.Response:
    with httpx.Client(transport=emu.transport()) as client:
        return client.post(emu.webhook_url + name, json={"v": 1})


def rows(emu: Emulator) -> int:
    return len(emu.state.table("test_fault_rows"))


def test_limit_fault_is_a_503_and_not_applied() -> None:
    emu = make(limit=1.0)
    response = post(emu)
    assert (response.status_code, response.json()["error"]) == (503, "QUERY_LIMIT_EXCEEDED")
    assert rows(emu) == 0


def test_error500_fault() -> None:
    emu = make(error500=1.0)
    response = post(emu)
    assert (response.status_code, response.json()["error"]) == (500, "INTERNAL_SERVER_ERROR")
    assert rows(emu) == 0


def test_html_502_page() -> None:
    emu = make(html502=1.0)
    response = post(emu)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):  # not JSON
        response.json()
    assert rows(emu) == 0


def test_reset_raises_from_the_transport_and_is_not_applied() -> None:
    emu = make(reset=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        post(emu)
    assert rows(emu) == 0


def test_timeout_raises_after_the_write_was_applied() -> None:
    emu = make(timeout=1.0)
    with pytest.raises(httpx.ReadTimeout):
        post(emu)
    assert rows(emu) == 1
    assert emu.stats.faults == {"timeout": 1}


def test_truncated_json_is_applied() -> None:
    emu = make(truncated=1.0)
    response = post(emu)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert response.text.startswith('{"result":')
    assert rows(emu) == 1


def test_rules_match_by_glob_only() -> None:
    emu = make(error500=1.0)
    assert post(emu, "scope").status_code == 200


def _pattern(seed: int) -> list[str]:
    emu = Emulator(
        clock=ManualClock(T0),
        limits="off",
        faults=Faults(seed=seed, rules=[FaultRule("*", error500=0.3, html502=0.2)]),
    )
    return [str(post(emu, "scope").status_code) for _ in range(40)]


def test_faults_are_deterministic_per_seed() -> None:
    first, again, other = _pattern(7), _pattern(7), _pattern(8)
    assert first == again
    assert first != other
    assert {"200", "500", "502"} <= set(first)


def test_faults_can_be_switched_at_runtime() -> None:
    emu = make(error500=1.0)
    assert post(emu).status_code == 500
    emu.faults = None
    assert post(emu).status_code == 200
    emu.faults = Faults.everywhere(seed=3, limit=1.0)
    assert post(emu, "scope").status_code == 503


def test_reset_over_a_real_server_closes_the_socket() -> None:
    emu = make(reset=1.0)
    with emu.serve() as url, httpx.Client() as client:
        with pytest.raises(httpx.TransportError):
            client.post(url + "test.f.add", json={"v": 1})
        assert client.post(url + "scope").status_code == 200
    assert rows(emu) == 0


def test_timeout_over_a_real_server_applies_then_hangs() -> None:
    emu = make(timeout=1.0)
    assert emu.faults is not None
    emu.faults.delay = 1.0
    with emu.serve() as url, httpx.Client(timeout=0.3) as client, pytest.raises(httpx.ReadTimeout):
        client.post(url + "test.f.add", json={"v": 1})
    assert rows(emu) == 1
