"""An app's token reaches only the scopes it was granted (error-codes.md, system errors: 403
``insufficient_scope``); webhooks here carry every scope."""

from __future__ import annotations

import httpx

from bitrix24_toolkit.testing import Emulator


def _call(emu: Emulator, token: str, method: str) -> httpx.Response:
    with httpx.Client(transport=emu.transport()) as http:
        base = emu.webhook_url.split("/rest/")[0]
        return http.post(f"{base}/rest/{method}", json={"auth": token})


def test_a_method_outside_the_granted_scopes_is_refused() -> None:
    emu = Emulator(limits="off")
    token = emu.issue_tokens("app.crm.only", "s", scope="crm")["access_token"]
    refused = _call(emu, token, "user.get")
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "insufficient_scope",
        "error_description": "The request requires higher privileges than provided by the webhook token",
    }
    assert _call(emu, token, "crm.deal.list").status_code == 200
    assert _call(emu, token, "server.time").status_code == 200  # the common scope is open to all
    assert _call(emu, token, "scope").json()["result"] == ["crm"]


def test_user_basic_opens_the_user_methods_and_batch_refuses_per_command() -> None:
    emu = Emulator(limits="off")
    token = emu.issue_tokens("app.basic", "s", scope="user_basic")["access_token"]
    assert _call(emu, token, "user.current").status_code == 200
    with httpx.Client(transport=emu.transport()) as http:
        base = emu.webhook_url.split("/rest/")[0]
        body = {"auth": token, "cmd": {"u": "user.current", "d": "crm.deal.list"}}
        answer = http.post(f"{base}/rest/batch", json=body).json()["result"]
    assert "u" in answer["result"]
    assert answer["result_error"]["d"]["error"] == "insufficient_scope"


def test_webhooks_keep_every_scope() -> None:
    emu = Emulator(limits="off")
    with emu.client() as b24:
        assert b24.call("user.get", {"ID": 1})
        assert b24.call("crm.deal.list", {}) == []
