"""The ``batch`` method: response shape (PHP arrays), references, halt, limits of the command list."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from bitrix24_toolkit.protocol.encoding import encode_php_query
from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator import Ctx, ListResult, ManualClock, PortalError, method

T0 = 1_705_309_200.0


@method("test.b.echo", scope="basic")
def _echo(ctx: Ctx) -> Any:
    return ctx.params


@method("test.b.fail", scope="basic")
def _fail(ctx: Ctx) -> Any:
    raise PortalError("ERROR_CORE", "Validation failed", 400)


@method("test.b.rows", scope="basic")
def _rows(ctx: Ctx) -> ListResult:
    after = int(ctx.param("after", 0) or 0)
    rows = [{"ID": str(i), "TITLE": f"Row {i}"} for i in range(after + 1, min(after + 50, 130) + 1)]
    return ListResult(rows, total=130 - after, next=50 if after + 50 < 130 else None)


@method("test.b.items", scope="basic")
def _items(ctx: Ctx) -> dict[str, Any]:
    return {"items": [{"id": i} for i in range(1, 51)]}


@pytest.fixture
def emu() -> Emulator:
    return Emulator(clock=ManualClock(T0), limits="off")


def batch(emu: Emulator, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    with httpx.Client(transport=emu.transport()) as client:
        response = client.post(emu.webhook_url + "batch", json=body)
    return response.status_code, response.json()


def test_object_cmd_success_shape(emu: Emulator) -> None:
    status, body = batch(emu, {"cmd": {"me": "user.current", "rows": "test.b.rows?after=0"}})
    assert status == 200
    result = body["result"]
    assert set(result) == {"result", "result_error", "result_total", "result_next", "result_time"}
    assert result["result"]["me"]["ID"] == "1"
    assert len(result["result"]["rows"]) == 50
    assert result["result_error"] == []
    assert result["result_total"] == {"rows": 130}
    assert result["result_next"] == {"rows": 50}
    assert set(result["result_time"]) == {"me", "rows"}
    assert "operating" not in result["result_time"]["me"]
    assert "operating_reset_at" not in result["result_time"]["me"]
    assert "operating" in body["time"]


def test_errors_do_not_change_status_and_empty_collections_are_lists(emu: Emulator) -> None:
    status, body = batch(emu, {"cmd": {"bad": "test.b.fail?x=1"}})
    assert status == 200
    assert body["result"] == {
        "result": [],
        "result_error": {"bad": {"error": "ERROR_CORE", "error_description": "Validation failed"}},
        "result_total": [],
        "result_next": [],
        "result_time": [],
    }


def test_list_cmd_gives_arrays_and_a_gap_gives_an_object(emu: Emulator) -> None:
    _, body = batch(emu, {"cmd": ["user.current", "scope"]})
    assert isinstance(body["result"]["result"], list)
    assert isinstance(body["result"]["result_time"], list)
    _, gapped = batch(emu, {"cmd": ["test.b.fail", "scope"]})
    assert gapped["result"]["result"] == {"1": gapped["result"]["result"]["1"]}
    assert "crm" in gapped["result"]["result"]["1"]
    # the error map is keyed exactly {0}: PHP renders it as a one-element JSON array
    assert gapped["result"]["result_error"] == [
        {"error": "ERROR_CORE", "error_description": "Validation failed"}
    ]


def test_halt_stops_at_first_error_later_commands_absent(emu: Emulator) -> None:
    cmd = {"a": "scope", "b": "test.b.fail", "c": "user.current"}
    _, halted = batch(emu, {"halt": 1, "cmd": cmd})
    assert list(halted["result"]["result"]) == ["a"]
    assert list(halted["result"]["result_error"]) == ["b"]
    assert "c" not in halted["result"]["result_time"]
    _, halted_true = batch(emu, {"halt": "true", "cmd": cmd})
    assert "c" not in halted_true["result"]["result"]
    _, full = batch(emu, {"halt": 0, "cmd": cmd})
    assert list(full["result"]["result"]) == ["a", "c"]


def test_references_substitute_earlier_results(emu: Emulator) -> None:
    cmd = {
        "me": "user.current",
        "echo": "test.b.echo?filter[ASSIGNED_BY_ID]=$result[me][ID]&title=Dept $result[me][UF_DEPARTMENT][0]",
    }
    _, body = batch(emu, {"cmd": cmd})
    assert body["result"]["result"]["echo"] == {"filter": {"ASSIGNED_BY_ID": "1"}, "title": "Dept 1"}


def test_references_into_lists_and_wrappers_and_missing_keys(emu: Emulator) -> None:
    cmd = {
        "page1": "test.b.rows?after=0",
        "page2": "test.b.rows?after=$result[page1][49][ID]",
        "items": "test.b.items",
        "echo": "test.b.echo?last=$result[items][items][49][id]"
        "&missing=$result[page1][99][ID]&t=$result_total[page1]",
    }
    _, body = batch(emu, {"cmd": cmd})
    result = body["result"]
    assert result["result"]["page2"][0]["ID"] == "51"
    assert result["result"]["echo"] == {"last": "50", "missing": "", "t": "130"}


def test_url_encoded_reference_in_a_form_batch(emu: Emulator) -> None:
    first = "test.b.rows?" + encode_php_query({"after": 0})
    second = "test.b.echo?" + encode_php_query({"filter": {">ID": "$result[0][49][ID]"}})
    assert "%24result" in second
    form = f"halt=0&cmd[0]={quote(first, safe='')}&cmd[1]={quote(second, safe='')}"
    with httpx.Client(transport=emu.transport()) as client:
        response = client.post(
            emu.webhook_url + "batch",
            content=form.encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.json()["result"]["result"][1] == {"filter": {">ID": "50"}}


def test_more_than_50_commands_is_400(emu: Emulator) -> None:
    status, body = batch(emu, {"cmd": {f"c{i}": "scope" for i in range(51)}})
    assert status == 400
    assert body == {"error": "ERROR_BATCH_LENGTH_EXCEEDED", "error_description": "Max batch length exceeded"}
    assert batch(emu, {"cmd": {f"c{i}": "scope" for i in range(50)}})[0] == 200


def test_nested_batch_is_refused_for_that_command_only(emu: Emulator) -> None:
    _, body = batch(emu, {"cmd": {"inner": "batch?cmd[0]=scope", "ok": "scope"}})
    assert body["result"]["result_error"]["inner"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"
    assert "ok" in body["result"]["result"]


def test_unknown_command_method_is_a_sub_error(emu: Emulator) -> None:
    _, body = batch(emu, {"cmd": {"x": "no.such.method?a=1"}})
    assert body["result"]["result_error"]["x"]["error"] == "ERROR_METHOD_NOT_FOUND"


def test_batch_costs_one_request_but_counts_sub_calls(emu: Emulator) -> None:
    emu.limits = (2, 0.0)
    assert batch(emu, {"cmd": {f"c{i}": "scope" for i in range(50)}})[0] == 200
    assert emu.stats.requests == 1
    assert emu.stats.calls["scope"] == 50
    assert emu.stats.calls["batch"] == 1
    assert batch(emu, {"cmd": ["scope"]})[0] == 200
    assert batch(emu, {"cmd": ["scope"]})[0] == 503
