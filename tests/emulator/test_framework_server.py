"""The loopback HTTP server, the command line and saving/loading a portal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator import Ctx, method


@method("test.s.add", scope="basic")
def _add(ctx: Ctx) -> Any:
    return ctx.state.insert("test_server_rows", {"TITLE": ctx.param("title")})


def test_served_portal_answers_plain_httpx() -> None:
    emu = Emulator(limits="off")
    with emu.serve() as url, httpx.Client() as client:
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith(f"/rest/{emu.user_id}/{emu.secret}/")
        body = client.post(url + "user.current", json={}).json()
        assert body["result"]["ID"] == "1"
        assert "operating" in body["time"]
        form = client.post(url + "test.s.add", data={"title": "Ёлка"})
        assert form.json()["result"] == 1
        wrong = client.get(url.replace(emu.secret, "bad") + "scope")
        assert wrong.status_code == 401
        missing = client.get(url + "no.method")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/json; charset=utf-8"
    assert emu.state.table("test_server_rows")[1]["TITLE"] == "Ёлка"


def test_served_portal_handles_parallel_requests() -> None:
    from concurrent.futures import ThreadPoolExecutor

    emu = Emulator(limits="off")
    with emu.serve() as url:

        def add(i: int) -> int:
            with httpx.Client() as client:
                return int(client.post(url + "test.s.add", json={"title": str(i)}).json()["result"])

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(add, range(40)))
    assert sorted(ids) == list(range(1, 41))


def test_served_token_endpoint() -> None:
    emu = Emulator(limits="off")
    tokens = emu.issue_tokens("app", "secret")
    with emu.serve() as url, httpx.Client() as client:
        base = url.split("/rest/")[0]
        params = {"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret"}
        response = client.get(
            base + "/oauth/token/", params={**params, "refresh_token": tokens["refresh_token"]}
        )
        assert response.status_code == 200
        fresh = response.json()["access_token"]
        assert client.post(base + "/rest/scope", json={"auth": fresh}).status_code == 200


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    emu = Emulator(limits="off", secret="othersecret", user_id=3)
    emu.call("test.s.add", {"title": "Kept"})
    tokens = emu.issue_tokens("app", "secret", user_id=3)
    path = tmp_path / "portal.json"
    emu.save(path)
    restored = Emulator.load(path, limits="off")
    assert restored.webhook_url == emu.webhook_url
    assert restored.state.table("test_server_rows") == {1: {"TITLE": "Kept", "ID": 1}}
    assert restored.call("test.s.add", {"title": "Next"})[1]["result"] == 2
    with httpx.Client(transport=restored.transport()) as client:
        assert (
            client.post(restored.client_endpoint + "scope", json={"auth": tokens["access_token"]}).status_code
            == 200
        )
    with pytest.raises(ValueError, match="not a saved"):
        Emulator().restore({"state": {}})


def test_demo_needs_the_demo_module_or_says_so() -> None:
    import importlib.util

    if importlib.util.find_spec("bitrix24_toolkit.testing.emulator.demo") is None:
        with pytest.raises(RuntimeError, match=r"demo\.py"):
            Emulator.demo(limits="off")
    else:
        assert isinstance(Emulator.demo(limits="off"), Emulator)


def _run_cli(*args: str) -> tuple[str, subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bitrix24_toolkit.testing.emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc.stdout.readline().strip(), proc


def test_command_line_prints_the_url_first_and_saves_state(tmp_path: Path) -> None:
    state = tmp_path / "cli.json"
    url, proc = _run_cli("--seed", "empty", "--limits", "off", "--state", str(state))
    try:
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/rest/1/emulatorsecret1/")
        with httpx.Client() as client:
            assert (
                client.post(url + "test.s.add", json={"title": "x"}).status_code == 404
            )  # test method not there
            assert client.get(url + "user.current").json()["result"]["ID"] == "1"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "saved portal" in err
    assert state.exists()
    url2, proc2 = _run_cli("--state", str(state))
    try:
        with httpx.Client() as client:
            assert client.get(url2 + "scope").status_code == 200
    finally:
        proc2.terminate()
        proc2.communicate(timeout=10)
