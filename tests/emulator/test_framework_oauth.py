"""OAuth on the emulated portal: tokens on ``/rest/<method>``, expiry, the refresh endpoint."""

from __future__ import annotations

import httpx
import pytest

from bitrix24_toolkit.testing import Emulator, ManualClock

T0 = 1_705_309_200.0


@pytest.fixture
def emu() -> Emulator:
    return Emulator(clock=ManualClock(T0), limits="off")


@pytest.fixture
def http(emu: Emulator) -> httpx.Client:
    return httpx.Client(transport=emu.transport())


def test_issued_tokens_have_the_reference_shape(emu: Emulator) -> None:
    tokens = emu.issue_tokens("app.1", "s3cret", user_id=7)
    assert set(tokens) == {
        "access_token", "client_endpoint", "domain", "expires", "expires_in", "member_id",
        "refresh_token", "scope", "server_endpoint", "status", "user_id",
    }  # fmt: skip
    assert tokens["client_endpoint"] == f"https://{emu.domain}/rest/"
    assert tokens["expires"] == int(T0) + 3600
    assert tokens["expires_in"] == 3600
    assert tokens["user_id"] == 7
    assert tokens["access_token"] != tokens["refresh_token"]


def test_access_token_in_query_or_body(emu: Emulator, http: httpx.Client) -> None:
    token = emu.issue_tokens("app.1", "s3cret", user_id=3)["access_token"]
    assert (
        http.get(emu.client_endpoint + "user.current", params={"auth": token}).json()["result"]["ID"] == "3"
    )
    body = http.post(emu.client_endpoint + "user.current.json", json={"auth": token}).json()
    assert body["result"]["ID"] == "3"
    form = http.post(emu.client_endpoint + "profile", data={"auth": token})
    assert form.status_code == 200


def test_missing_or_unknown_token(emu: Emulator, http: httpx.Client) -> None:
    missing = http.post(emu.client_endpoint + "user.current")
    assert (missing.status_code, missing.json()["error"]) == (401, "NO_AUTH_FOUND")
    unknown = http.post(emu.client_endpoint + "user.current", json={"auth": "nope"})
    assert (unknown.status_code, unknown.json()["error"]) == (401, "invalid_token")


def test_expired_tokens(emu: Emulator, http: httpx.Client) -> None:
    token = emu.issue_tokens("app.1", "s3cret")["access_token"]
    emu.expire_tokens()
    response = http.post(emu.client_endpoint + "user.current", json={"auth": token})
    assert response.status_code == 401
    assert response.json() == {
        "error": "expired_token",
        "error_description": "The access token provided has expired.",
    }
    fresh = emu.issue_tokens("app.1", "s3cret")["access_token"]
    assert http.post(emu.client_endpoint + "scope", json={"auth": fresh}).status_code == 200
    emu.advance(3600)
    assert http.post(emu.client_endpoint + "scope", json={"auth": fresh}).json()["error"] == "expired_token"


def test_refresh_gives_a_new_pair_and_invalidates_the_old_one(emu: Emulator, http: httpx.Client) -> None:
    old = emu.issue_tokens("app.1", "s3cret")
    emu.expire_tokens()
    query = {"grant_type": "refresh_token", "client_id": "app.1", "client_secret": "s3cret"}
    response = http.get(emu.token_url, params={**query, "refresh_token": old["refresh_token"]})
    assert response.status_code == 200
    new = response.json()
    assert new["refresh_token"] != old["refresh_token"]
    assert http.post(emu.client_endpoint + "scope", json={"auth": new["access_token"]}).status_code == 200
    again = http.post(emu.token_url, data={**query, "refresh_token": old["refresh_token"]})
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    assert emu.stats.refreshes == 1


def test_refresh_with_bad_client(emu: Emulator, http: httpx.Client) -> None:
    tokens = emu.issue_tokens("app.1", "s3cret")
    params = {"grant_type": "refresh_token", "client_id": "app.1", "client_secret": "wrong"}
    response = http.get(emu.token_url, params={**params, "refresh_token": tokens["refresh_token"]})
    assert response.json()["error"] == "invalid_client"
    assert "time" not in response.json()


def test_tokens_are_deterministic_per_seed() -> None:
    first = Emulator(seed=5).issue_tokens("a", "b")["access_token"]
    assert Emulator(seed=5).issue_tokens("a", "b")["access_token"] == first
    assert Emulator(seed=6).issue_tokens("a", "b")["access_token"] != first
