"""The hand-built fixtures in tests/fixtures load, carry notes, hold no secret, and replay as recorded."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing.cassettes import Cassette
from bitrix24_toolkit.testing.scrub import CREDENTIAL_KEYS, OAUTH_SERVER, PLACEHOLDER_DOMAIN
from bitrix24_toolkit.testing.wire import OAUTH_TOKEN_METHOD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted(FIXTURES.glob("*.json"))
# a webhook path with a real-looking code; scrubbed ones read /rest/<id>/<webhook-secret>/
SECRET_PATH = re.compile(r"/rest/\d+/(?!<)[^/\s\"]+/")
URL_HOST = re.compile(r"https?://([^/\s\"?#:]+)")


def test_every_area_has_a_fixture_file() -> None:
    names = {path.stem for path in FILES}
    assert {"envelopes", "batch", "crm", "requisites", "oauth", "paging"} <= names


@pytest.fixture(params=FILES, ids=[path.stem for path in FILES])
def fixture_file(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_file_loads_and_every_exchange_is_complete(fixture_file: Path) -> None:
    data = json.loads(fixture_file.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["exchanges"], "an empty fixture file"
    for exchange in data["exchanges"]:
        assert isinstance(exchange["method"], str)
        assert isinstance(exchange["params"], dict)
        assert isinstance(exchange["status"], int)
        assert isinstance(exchange["body"], dict)
        assert exchange["note"].strip(), "every fixture exchange says which reference section it comes from"
    assert len(Cassette.load(fixture_file).exchanges) == len(data["exchanges"])


def test_file_holds_no_secret(fixture_file: Path) -> None:
    text = fixture_file.read_text(encoding="utf-8")
    assert not SECRET_PATH.search(text)
    hosts = set(URL_HOST.findall(text))
    assert hosts <= {PLACEHOLDER_DOMAIN, OAUTH_SERVER}, hosts
    for key, value in credential_values(json.loads(text)):
        assert value.startswith(("<", "fake-")), f"{key}={value!r} looks like a real credential"


def credential_values(data: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key.lower() in CREDENTIAL_KEYS and isinstance(value, str):
                found.append((key, value))
            found.extend(credential_values(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(credential_values(item))
    return found


def test_file_replays_every_exchange_in_order(fixture_file: Path) -> None:
    cassette = Cassette.load(fixture_file)
    with httpx.Client(transport=cassette.transport()) as client:
        for exchange in cassette.exchanges:
            if exchange.method == OAUTH_TOKEN_METHOD:
                url = "https://oauth.bitrix.info/oauth/token/"
            else:
                url = f"https://{PLACEHOLDER_DOMAIN}/rest/1/<webhook-secret>/{exchange.method}"
            response = client.post(url, json=exchange.params)
            assert response.status_code == exchange.status
            if exchange.is_raw:
                assert response.text == exchange.body["raw"]
            else:
                assert response.json() == exchange.body
