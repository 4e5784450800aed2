"""The emulated portal's HTTP surface: envelopes, ``time``, credentials, routing and body formats."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator import Ctx, ListResult, ManualClock, PortalError, execute, method
from bitrix24_toolkit.testing.emulator.state import PortalState

T0 = 1_705_309_200.0  # 2024-01-15 09:00:00 UTC = 12:00 +03:00


@method("test.echo", scope="basic")
def _echo(ctx: Ctx) -> Any:
    return ctx.params


@method("test.fail", scope="basic")
def _fail(ctx: Ctx) -> Any:
    raise PortalError("", "Not found", 400)


@method("test.numbers", scope="basic")
def _numbers(ctx: Ctx) -> ListResult:
    count = int(ctx.param("count", 120))
    start = int(ctx.param("start", 0) or 0)
    rows = [{"ID": str(i)} for i in range(1, count + 1)]
    if start < 0:
        return ListResult(rows[:50], total=0)
    nxt = start + 50 if start + 50 < count else None
    return ListResult(rows[start : start + 50], total=count, next=nxt, counted=count, skipped=start)


@method("test.crash", scope="basic")
def _crash(ctx: Ctx) -> Any:
    raise RuntimeError("boom")


@pytest.fixture
def emu() -> Emulator:
    return Emulator(clock=ManualClock(T0), limits="off")


@pytest.fixture
def http(emu: Emulator) -> httpx.Client:
    return httpx.Client(transport=emu.transport())


def test_success_envelope_has_full_time_block(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(emu.webhook_url + "user.current", json={})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["result"]["ID"] == "1"
    assert set(body["time"]) == {
        "start", "finish", "duration", "processing",
        "date_start", "date_finish", "operating_reset_at", "operating",
    }  # fmt: skip
    assert body["time"]["start"] == T0
    assert body["time"]["date_start"] == "2024-01-15T12:00:00+03:00"
    assert body["time"]["operating_reset_at"] == int(T0) + 600
    assert body["time"]["operating"] == pytest.approx(0.001)
    assert isinstance(body["time"]["operating_reset_at"], int)


def test_non_ascii_is_sent_unescaped(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(emu.webhook_url + "test.echo", json={"TITLE": "Сделка"})
    assert "Сделка".encode() in response.content
    assert response.json()["result"] == {"TITLE": "Сделка"}


def test_list_result_adds_total_and_next_absent_on_last_page(emu: Emulator, http: httpx.Client) -> None:
    first = http.post(emu.webhook_url + "test.numbers", json={"start": 0}).json()
    assert (first["total"], first["next"], len(first["result"])) == (120, 50, 50)
    last = http.post(emu.webhook_url + "test.numbers", json={"start": 100}).json()
    assert last["total"] == 120
    assert "next" not in last
    assert [row["ID"] for row in last["result"]] == [str(i) for i in range(101, 121)]


def test_error_envelope_has_no_time(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(emu.webhook_url + "test.fail")
    assert response.status_code == 400
    assert response.json() == {"error": "", "error_description": "Not found"}


def test_handler_crash_is_a_500(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(emu.webhook_url + "test.crash")
    assert response.status_code == 500
    assert response.json()["error"] == "INTERNAL_SERVER_ERROR"


def test_wrong_secret_is_401_invalid_credentials(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(f"https://{emu.domain}/rest/1/wrongsecret/user.current")
    assert response.status_code == 401
    assert response.json() == {
        "error": "INVALID_CREDENTIALS",
        "error_description": "Invalid request credentials",
    }


def test_unknown_method_is_404(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(emu.webhook_url + "crm.nothing.here")
    assert response.status_code == 404
    assert response.json() == {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}


def test_method_names_are_case_insensitive_and_json_suffix_is_optional(
    emu: Emulator, http: httpx.Client
) -> None:
    for name in ("USER.Current", "user.current.json", "user.current/"):
        assert http.get(emu.webhook_url + name).json()["result"]["ID"] == "1"


def test_get_with_php_query(emu: Emulator, http: httpx.Client) -> None:
    url = emu.webhook_url + "test.echo?filter%5B%3E%3DID%5D=5&select[]=ID&select[]=TITLE&start=-1"
    assert http.get(url).json()["result"] == {
        "filter": {">=ID": "5"},
        "select": ["ID", "TITLE"],
        "start": "-1",
    }


def test_form_body_merged_over_query(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(
        emu.webhook_url + "test.echo?id=1&keep=yes",
        content=b"id=2&fields%5BTITLE%5D=John%26Martin&fields[PHONE][0][VALUE]=112233",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.json()["result"] == {
        "id": "2",
        "keep": "yes",
        "fields": {"TITLE": "John&Martin", "PHONE": [{"VALUE": "112233"}]},
    }


def test_json_body_keeps_types(emu: Emulator, http: httpx.Client) -> None:
    payload = {"id": 5, "fields": {"OPPORTUNITY": 10.5, "OPENED": True, "LIST": [1, 2]}}
    assert http.post(emu.webhook_url + "test.echo", json=payload).json()["result"] == payload


def test_multipart_body_with_php_keys_and_a_file(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(
        emu.webhook_url + "test.echo",
        data={"fields[TITLE]": "Счёт", "fields[TAGS][]": "a"},
        files={"fields[FILE]": ("doc.txt", b"hello", "text/plain")},
    )
    assert response.json()["result"] == {
        "fields": {"TITLE": "Счёт", "TAGS": ["a"], "FILE": ["doc.txt", "aGVsbG8="]}
    }


def test_malformed_json_body_is_400(emu: Emulator, http: httpx.Client) -> None:
    response = http.post(
        emu.webhook_url + "test.echo", content=b"{broken", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "time" not in response.json()


def test_async_client_over_the_same_transport(emu: Emulator) -> None:
    import asyncio

    async def go() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=emu.transport()) as client:
            response = await client.post(emu.webhook_url + "profile")
            return dict(response.json())

    assert asyncio.run(go())["result"]["ADMIN"] is True


def test_execute_without_http_returns_status_and_payload() -> None:
    state = PortalState(clock=lambda: T0)
    status, payload = execute(state, "test.numbers", {"start": "-1"})
    assert status == 200
    assert payload["total"] == 0
    assert "next" not in payload
    assert "operating" in payload["time"]
    assert execute(state, "nope.nope", {}) == (
        404,
        {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"},
    )


def test_execute_result_does_not_alias_state() -> None:
    state = PortalState(clock=lambda: T0)
    params = {"fields": {"A": "1"}}
    _, payload = execute(state, "test.echo", params)
    payload["result"]["fields"]["A"] = "changed"
    assert params["fields"]["A"] == "1"


def test_emulator_call_runs_methods_directly(emu: Emulator) -> None:
    status, payload = emu.call("test.echo", {"x": 1})
    assert (status, payload["result"]) == (200, {"x": 1})
    assert json.dumps(payload)


def test_basic_methods(emu: Emulator, http: httpx.Client) -> None:
    assert "crm" in http.get(emu.webhook_url + "scope").json()["result"]
    names = http.get(emu.webhook_url + "methods").json()["result"]
    assert "batch" in names
    assert "user.current" in names
    # through a webhook app.info names its scopes and licence (rest CRestProvider::appInfo); the app answer
    # of api-reference/common/system/app-info.md is tested in tests/fidelity/test_basic.py
    assert "crm" in http.get(emu.webhook_url + "app.info").json()["result"]["SCOPE"]
    assert http.get(emu.webhook_url + "server.time").json()["result"] == "2024-01-15T12:00:00+03:00"


def test_user_current_reads_the_user_table(emu: Emulator, http: httpx.Client) -> None:
    emu.state.table("user")[1] = {"ID": 1, "NAME": "Anna", "LAST_NAME": "Smirnova", "EMAIL": "anna@x.test"}
    result = http.get(emu.webhook_url + "user.current").json()["result"]
    assert (result["ID"], result["NAME"], result["EMAIL"]) == ("1", "Anna", "anna@x.test")


def test_client_factories_when_the_client_exists(emu: Emulator) -> None:
    toolkit = pytest.importorskip("bitrix24_toolkit")
    if not hasattr(toolkit, "Bitrix24"):
        pytest.skip("bitrix24_toolkit client not available yet")
    b24 = emu.client()
    assert isinstance(b24, toolkit.Bitrix24)
    assert b24.call("user.current")["ID"] == "1"
    assert isinstance(emu.async_client(), toolkit.AsyncBitrix24)


def test_client_refreshes_oauth_tokens_against_the_emulator(emu: Emulator) -> None:
    toolkit = pytest.importorskip("bitrix24_toolkit")
    if not hasattr(toolkit, "OAuth"):
        pytest.skip("bitrix24_toolkit OAuth not available yet")
    answer = emu.issue_tokens("app.local", "app-secret")
    auth = toolkit.OAuth(
        client_id="app.local",
        client_secret="app-secret",
        tokens=toolkit.OAuthTokens.from_response(answer),
        token_url=emu.token_url,
    )
    b24 = emu.client(auth=auth)
    assert b24.call("user.current")["ID"] == "1"
    emu.expire_tokens()
    assert b24.call("user.current")["ID"] == "1"
    assert emu.stats.refreshes == 1
