"""The client against the emulator: results, whole responses, typed errors, encodings, flows."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import Call, errors
from bitrix24_toolkit.protocol import APIResponse
from bitrix24_toolkit.testing.emulator import Emulator
from tests.conftest import Factory, Recorder


def seed_deals(emu: Emulator, count: int) -> None:
    for i in range(1, count + 1):
        status, _ = emu.call(
            "crm.deal.add", {"fields": {"TITLE": f"Deal {i}", "STAGE_ID": "WON" if i % 3 == 0 else "NEW"}}
        )
        assert status == 200


async def test_user_current(client: Any) -> None:
    me = await client.call("user.current")
    assert me["ID"] == "1"


async def test_get_returns_the_result_value(client: Any, emu: Emulator) -> None:
    seed_deals(emu, 1)
    deal = await client.call("crm.deal.get", {"id": 1})
    assert deal["ID"] == "1"
    assert deal["TITLE"] == "Deal 1"


async def test_the_issue_filter_example(client: Any, emu: Emulator) -> None:
    seed_deals(emu, 12)
    rows = await client.call(
        "crm.deal.list",
        {
            "filter": {">ID": 5, "!STAGE_ID": "WON", "@ID": [6, 7, 8]},
            "select": ["ID", "TITLE"],
            "order": {"ID": "DESC"},
        },
    )
    assert [row["ID"] for row in rows] == ["8", "7"]
    assert set(rows[0]) == {"ID", "TITLE"}


async def test_call_full_gives_total_next_and_time(client: Any, emu: Emulator) -> None:
    seed_deals(emu, 60)
    first = await client.call_full("crm.deal.list", {"select": ["ID"]})
    assert isinstance(first, APIResponse)
    assert (len(first.result), first.total, first.next) == (50, 60, 50)
    assert first.time is not None
    assert first.time.operating_reset_at is not None
    last = await client.call_full("crm.deal.list", {"select": ["ID"], "start": 50})
    assert (len(last.result), last.total, last.next) == (10, 60, None)
    fast = await client.call_full("crm.deal.list", {"select": ["ID"], "start": -1})
    assert (len(fast.result), fast.total, fast.next) == (50, 0, None)


async def test_form_encoding_means_the_same_as_json(make_client: Factory, emu: Emulator) -> None:
    seed_deals(emu, 12)
    params = {"filter": {">=ID": 2, "!STAGE_ID": "WON", "@ID": [2, 3, 4, 5]}, "order": {"ID": "ASC"}}
    as_json = make_client(emu.webhook_url, transport=emu.transport())
    as_form = make_client(emu.webhook_url, transport=emu.transport(), encoding="form")
    assert await as_json.call("crm.deal.list", params) == await as_form.call("crm.deal.list", params)
    none_match = {"filter": {"@ID": []}}
    assert await as_form.call("crm.deal.list", none_match) == []


async def test_not_found_is_typed_and_reads_well(client: Any) -> None:
    with pytest.raises(errors.NotFoundError) as caught:
        await client.call("crm.deal.get", {"id": 999})
    assert str(caught.value) == "crm.deal.get failed: Not found (HTTP 400)"
    assert caught.value.code == ""


async def test_unknown_method(client: Any) -> None:
    with pytest.raises(errors.MethodNotFoundError) as caught:
        await client.call("crm.nothing.here")
    assert caught.value.code == "ERROR_METHOD_NOT_FOUND"
    assert caught.value.method == "crm.nothing.here"


async def test_wrong_secret_is_an_auth_error_without_the_secret(make_client: Factory, emu: Emulator) -> None:
    wrong = "wrongsecret9876"
    bad = make_client(emu.webhook_url.replace(emu.secret, wrong), transport=emu.transport())
    with pytest.raises(errors.AuthenticationError) as caught:
        await bad.call("user.current")
    exc = caught.value
    assert exc.code == "INVALID_CREDENTIALS"
    assert exc.status_code == 401
    for text in (str(exc), repr(exc), repr(bad)):
        assert wrong not in text


async def test_run_a_typed_call_and_a_flow(client: Any, emu: Emulator) -> None:
    seed_deals(emu, 3)
    title = await client.run(Call("crm.deal.get", {"id": 2}, parse=lambda r: str(r.result["TITLE"])))
    assert title == "Deal 2"

    def titles(ids: list[int]) -> Generator[Call[Any], Any, list[str]]:
        out = []
        for deal_id in ids:
            try:
                out.append((yield Call("crm.deal.get", {"id": deal_id}))["TITLE"])
            except errors.NotFoundError:
                out.append("-")
        return out

    assert await client.run(titles([1, 42, 3])) == ["Deal 1", "-", "Deal 3"]


async def test_requests_are_json_posts_with_user_agent(make_client: Factory, emu: Emulator) -> None:
    recorder = Recorder(emu.handle)
    client = make_client(emu.webhook_url, transport=recorder)
    await client.call("crm.deal.list", {"filter": {"CLOSED": True, "COMPANY_ID": None}})
    request = recorder.requests[0]
    assert request.method == "POST"
    assert request.headers["user-agent"].startswith("bitrix24-toolkit/")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"filter": {"CLOSED": 1, "COMPANY_ID": ""}}
    assert str(request.url) == emu.webhook_url + "crm.deal.list"


@pytest.mark.parametrize(
    ("kind_of_fault", "error"),
    [
        ("reset", errors.TransportError),
        ("timeout", errors.RequestTimeout),
        ("html502", errors.ResponseFormatError),
        ("truncated", errors.ResponseFormatError),
        ("error500", errors.ServerError),
        ("limit", errors.RateLimitError),
    ],
)
async def test_faults_become_typed_errors(
    client: Any, emu: Emulator, kind_of_fault: str, error: type
) -> None:
    from bitrix24_toolkit.testing.emulator.faults import FaultRule, Faults

    emu.faults = Faults(seed=1, rules=[FaultRule("user.current", **{kind_of_fault: 1.0})])
    with pytest.raises(error) as caught:
        await client.call("user.current")
    assert emu.secret not in str(caught.value)


async def test_connection_refused_is_a_transport_error_not_sent(make_client: Factory) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = make_client(
        "https://down.bitrix24.test/rest/1/abcdef123456/", transport=httpx.MockTransport(refuse)
    )
    with pytest.raises(errors.TransportError) as caught:
        await client.call("user.current")
    assert caught.value.sent is False
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert "abcdef123456" not in str(caught.value)


async def test_portal_move_repeats_the_post_once_at_the_new_address(
    make_client: Factory, emu: Emulator
) -> None:
    seed_deals(emu, 1)
    old_host, new_host = "old.bitrix24.test", emu.domain

    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.host == old_host:
            return httpx.Response(302, headers={"Location": str(request.url.copy_with(host=new_host))})
        return emu.handle(request)

    recorder = Recorder(portal)
    moves: list[tuple[str, str]] = []
    client = make_client(
        emu.webhook_url.replace(new_host, old_host),
        transport=recorder,
        on_portal_moved=lambda old, new: moves.append((old, new)),
    )
    deal = await client.call("crm.deal.update", {"id": 1, "fields": {"TITLE": "Moved"}})
    assert deal is True
    assert [(r.method, r.url.host) for r in recorder.requests] == [("POST", old_host), ("POST", new_host)]
    assert recorder.requests[0].content == recorder.requests[1].content
    assert moves == [(old_host, new_host)]
    assert client.domain == new_host
    await client.call("user.current")
    assert recorder.requests[-1].url.host == new_host  # later calls go straight to the new host
    _, stored = emu.call("crm.deal.get", {"id": 1})
    assert stored["result"]["TITLE"] == "Moved"


async def test_redirect_loop_is_reported(make_client: Factory) -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": f"https://{request.url.host}x/"})

    client = make_client("https://a.bitrix24.test/rest/1/abcdef123456/", transport=httpx.MockTransport(loop))
    with pytest.raises(errors.ResponseFormatError, match="redirected again"):
        await client.call("user.current")
