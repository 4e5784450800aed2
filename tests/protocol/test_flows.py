"""Flows are generators of calls: testable with canned results, with no HTTP at all."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from bitrix24_toolkit.errors import NotFoundError
from bitrix24_toolkit.protocol import Call, drive_flow, drive_flow_async


def deal_or_none(deal_id: int) -> Generator[Call[Any], Any, dict[str, Any] | None]:
    """A tiny flow: read a deal, tolerate its absence, then read its contact."""
    try:
        deal = yield Call("crm.deal.get", {"id": deal_id})
    except NotFoundError:
        return None
    contact = yield Call("crm.contact.get", {"id": deal["CONTACT_ID"]})
    return {"deal": deal, "contact": contact}


CANNED: dict[tuple[str, int], Any] = {
    ("crm.deal.get", 1): {"ID": "1", "CONTACT_ID": "7"},
    ("crm.contact.get", 7): {"ID": "7", "NAME": "Анна"},
}


def execute(call: Call[Any]) -> Any:
    key = (call.method, int(call.params["id"]))
    if key not in CANNED:
        raise NotFoundError(code="", description="Not found", status_code=400, method=call.method)
    return CANNED[key]


def test_flow_runs_with_canned_results() -> None:
    seen: list[str] = []

    def recording(call: Call[Any]) -> Any:
        seen.append(call.method)
        return execute(call)

    assert drive_flow(deal_or_none(1), recording) == {
        "deal": {"ID": "1", "CONTACT_ID": "7"},
        "contact": {"ID": "7", "NAME": "Анна"},
    }
    assert seen == ["crm.deal.get", "crm.contact.get"]


def test_errors_are_thrown_into_the_flow() -> None:
    assert drive_flow(deal_or_none(2), execute) is None


def test_unhandled_error_propagates() -> None:
    def strict() -> Generator[Call[Any], Any, Any]:
        return (yield Call("crm.deal.get", {"id": 404}))

    with pytest.raises(NotFoundError):
        drive_flow(strict(), execute)


async def test_same_flow_async() -> None:
    async def aexecute(call: Call[Any]) -> Any:
        return execute(call)

    assert (await drive_flow_async(deal_or_none(1), aexecute))["contact"]["NAME"] == "Анна"
    assert await drive_flow_async(deal_or_none(3), aexecute) is None


def test_call_is_frozen_and_parses() -> None:
    call = Call("crm.deal.get", {"id": 1})
    with pytest.raises(AttributeError):
        call.method = "x"  # type: ignore[misc]
    assert call.params == {"id": 1}
