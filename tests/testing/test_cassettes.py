"""Recording (with scrubbing) and replaying cassettes through httpx transports and respx."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit.testing.cassettes import (
    AsyncRecordingTransport,
    Cassette,
    CassetteFormatError,
    CassetteMiss,
    Exchange,
    RecordingTransport,
)
from bitrix24_toolkit.testing.scrub import PLACEHOLDER_DOMAIN

PORTAL = "acme-corp.bitrix24.ru"
WEBHOOK_SECRET = "s3cr3tw3bh00kc0de"
WEBHOOK = f"https://{PORTAL}/rest/7/{WEBHOOK_SECRET}/"
ACCESS = "accesstoken0123456789"
NEW_ACCESS = "newaccesstoken987654321"
REFRESH = "refreshtoken0123456789"
NEW_REFRESH = "newrefreshtoken987654321"
CLIENT_SECRET = "clientsecretABCDEF"
MEMBER_ID = "a223c6b3710f85df22e9377d6c4f7553"
APP_TOKEN = "apptoken5185aa77"
SECRETS = (
    PORTAL,
    WEBHOOK_SECRET,
    ACCESS,
    NEW_ACCESS,
    REFRESH,
    NEW_REFRESH,
    CLIENT_SECRET,
    MEMBER_ID,
    APP_TOKEN,
)


def fake_portal(request: httpx.Request) -> httpx.Response:
    """A portal that echoes its secrets back the way real answers can."""
    path = request.url.path
    if path == "/oauth/token/":
        return httpx.Response(
            200,
            json={
                "access_token": NEW_ACCESS,
                "refresh_token": NEW_REFRESH,
                "client_endpoint": f"https://{PORTAL}/rest/",
                "server_endpoint": "https://oauth.bitrix.info/rest/",
                "domain": "oauth.bitrix.info",
                "member_id": MEMBER_ID,
                "expires_in": 3600,
            },
        )
    method = path.rsplit("/", 1)[-1]
    if method == "crm.deal.get":
        return httpx.Response(200, json={"result": {"ID": "5", "TITLE": "Deal"}, "time": {"operating": 0.1}})
    if method == "event.get":
        handler = f"https://{PORTAL}/hook/?token={APP_TOKEN}"
        return httpx.Response(
            200,
            json={
                "result": [{"event": "ONCRMDEALADD", "handler": handler, "auth_type": "0"}],
                "debug": f"called as {request.url}",
                "auth": {"domain": PORTAL, "member_id": MEMBER_ID, "application_token": APP_TOKEN},
            },
        )
    if method == "batch":
        return httpx.Response(200, json={"result": {"result": {"a": True}, "result_error": []}})
    if method == "crm.contact.list":
        return httpx.Response(
            502, text="<html><body>502 Bad Gateway</body></html>", headers={"content-type": "text/html"}
        )
    return httpx.Response(200, json={"result": True})


def record_session(cassette: Cassette) -> list[Any]:
    """Drive the fake portal through a recording transport with webhook, OAuth and token requests."""
    answers: list[Any] = []
    with httpx.Client(transport=RecordingTransport(httpx.MockTransport(fake_portal), cassette)) as client:
        answers.append(client.post(WEBHOOK + "crm.deal.get.json", json={"id": 5}).json())
        answers.append(client.post(f"https://{PORTAL}/rest/event.get", data={"auth": ACCESS}).json())
        answers.append(
            client.post(
                f"https://{PORTAL}/rest/batch",
                json={"auth": ACCESS, "halt": 0, "cmd": {"a": f"crm.deal.update?id=5&auth={ACCESS}"}},
            ).json()
        )
        token = client.get(
            "https://oauth.bitrix.info/oauth/token/",
            params={
                "grant_type": "refresh_token",
                "client_id": "app.1",
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH,
            },
        )
        answers.append(token.json())
        html = client.post(WEBHOOK + "crm.contact.list", json={})
        answers.append((html.status_code, html.text, html.headers["content-type"]))
    return answers


def replay_session(transport: httpx.BaseTransport) -> list[Any]:
    """The same calls against another base URL, other credentials, and form instead of JSON where it can."""
    answers: list[Any] = []
    base = "http://127.0.0.1:8080/rest/"
    with httpx.Client(transport=transport) as client:
        answers.append(client.post(base + "1/othersecret/crm.deal.get", data={"id": "5"}).json())
        answers.append(client.get(base + "event.get", params={"auth": "another-token"}).json())
        answers.append(
            client.post(
                base + "batch",
                json={"auth": "x", "halt": 0, "cmd": {"a": "crm.deal.update?id=5&auth=<auth>"}},
            ).json()
        )
        token = client.post(
            "https://oauth.example.test/oauth/token/",
            data={
                "grant_type": "refresh_token",
                "client_id": "app.1",
                "client_secret": "s",
                "refresh_token": "r",
            },
        )
        answers.append(token.json())
        html = client.post(base + "1/othersecret/crm.contact.list")
        answers.append((html.status_code, html.text, html.headers["content-type"]))
    return answers


def test_saved_cassette_holds_no_secret_and_replays_the_same_answers(tmp_path: Path) -> None:
    cassette = Cassette()
    recorded = record_session(cassette)
    path = cassette.save(tmp_path / "session.json")
    text = path.read_text(encoding="utf-8")

    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    assert PLACEHOLDER_DOMAIN in text
    assert "oauth.bitrix.info" in text  # the public auth server is kept
    saved = json.loads(text)
    assert saved["version"] == 1
    assert [e["method"] for e in saved["exchanges"]] == [
        "crm.deal.get",
        "event.get",
        "batch",
        "oauth/token",
        "crm.contact.list",
    ]
    assert saved["exchanges"][0]["params"] == {"id": 5}
    assert saved["exchanges"][1]["params"] == {"auth": "<auth>"}
    assert saved["exchanges"][3]["params"]["client_secret"] == "<client-secret>"
    assert saved["exchanges"][4]["body"] == {"raw": "<html><body>502 Bad Gateway</body></html>"}

    replayed = replay_session(Cassette.load(path).transport())
    assert replayed == replay_session(cassette.transport())  # the in-memory cassette was scrubbed too
    assert replayed[0] == recorded[0]  # nothing secret in it: identical to the live answer
    assert (
        replayed[1]["result"][0]["handler"] == f"https://{PLACEHOLDER_DOMAIN}/hook/?token=<application-token>"
    )
    assert replayed[1]["auth"] == {
        "domain": PLACEHOLDER_DOMAIN,
        "member_id": "<member-id>",
        "application_token": "<application-token>",
    }
    assert replayed[3]["access_token"] == "<access-token>"
    assert replayed[3]["client_endpoint"] == f"https://{PLACEHOLDER_DOMAIN}/rest/"
    assert replayed[4] == recorded[4]


def test_secret_learnt_later_is_scrubbed_from_earlier_exchanges_on_save() -> None:
    def portal(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token/":
            return httpx.Response(200, json={"access_token": NEW_ACCESS})
        return httpx.Response(200, json={"result": {"COMMENT": f"pasted {NEW_ACCESS} by mistake"}})

    cassette = Cassette()
    with httpx.Client(transport=RecordingTransport(httpx.MockTransport(portal), cassette)) as client:
        client.post(WEBHOOK + "crm.timeline.comment.get", json={"id": 1})
        client.get("https://oauth.bitrix.info/oauth/token/")
    assert NEW_ACCESS not in json.dumps(cassette.to_json())
    assert cassette.exchanges[0].body == {"result": {"COMMENT": "pasted <access-token> by mistake"}}


def test_recorded_response_is_usable_like_a_network_one() -> None:
    payload = json.dumps({"result": {"ID": "1"}}).encode()

    def gzipped(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=gzip.compress(payload),
            headers={"content-encoding": "gzip", "content-type": "application/json"},
        )

    cassette = Cassette()
    with httpx.Client(transport=RecordingTransport(httpx.MockTransport(gzipped), cassette)) as client:
        response = client.post(WEBHOOK + "crm.deal.get", json={"id": 1})
    assert response.json() == {"result": {"ID": "1"}}  # decoded once, not twice
    assert response.elapsed.total_seconds() >= 0
    assert cassette.exchanges[0].body == {"result": {"ID": "1"}}


async def test_async_recording_and_replay(tmp_path: Path) -> None:
    cassette = Cassette()
    transport = AsyncRecordingTransport(httpx.MockTransport(fake_portal), cassette)
    async with httpx.AsyncClient(transport=transport) as client:
        live = (await client.post(WEBHOOK + "crm.deal.get", json={"id": 5})).json()
    path = cassette.save(tmp_path / "async.json")
    async with httpx.AsyncClient(transport=Cassette.load(path).transport()) as client:
        replayed = (await client.post("https://any.test/rest/crm.deal.get", json={"id": 5})).json()
    assert replayed == live
    assert WEBHOOK_SECRET not in path.read_text(encoding="utf-8")


def deal_list(params: dict[str, Any], status: int, body: dict[str, Any]) -> Exchange:
    return Exchange("crm.deal.list", params, status, body)


def test_identical_requests_replay_in_recording_order() -> None:
    params = {"start": 0}
    cassette = Cassette(
        [
            deal_list(
                params, 503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
            ),
            deal_list(params, 200, {"result": [{"ID": "1"}], "total": 1}),
        ]
    )
    with httpx.Client(transport=cassette.transport(), base_url="https://p.test/rest/") as client:
        first = client.post("crm.deal.list", json=params)
        second = client.post("crm.deal.list", json=params)
        assert (first.status_code, second.status_code) == (503, 200)
        assert second.json()["result"] == [{"ID": "1"}]
        with pytest.raises(CassetteMiss, match=r"all 2 recorded answer\(s\) \(#0, #1"):
            client.post("crm.deal.list", json=params)

    with httpx.Client(
        transport=cassette.transport(allow_repeats=True), base_url="https://p.test/rest/"
    ) as client:
        statuses = [client.post("crm.deal.list", json=params).status_code for _ in range(4)]
    assert statuses == [503, 200, 200, 200]


def test_json_and_form_encodings_of_one_call_match() -> None:
    cassette = Cassette(
        [
            Exchange(
                "crm.deal.list",
                {"filter": {">ID": 5, "CLOSED": True}, "select": ["ID", "TITLE"]},
                200,
                {"result": []},
            ),
        ]
    )
    with httpx.Client(transport=cassette.transport()) as client:
        response = client.post(
            "https://p.test/rest/crm.deal.list",
            content=b"filter[%3EID]=5&filter[CLOSED]=1&select[]=ID&select[]=TITLE",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.json() == {"result": []}


def miss(cassette: Cassette, method: str, params: dict[str, Any]) -> CassetteMiss:
    with httpx.Client(transport=cassette.transport()) as client, pytest.raises(CassetteMiss) as info:
        client.post(f"https://p.test/rest/1/{WEBHOOK_SECRET}/{method}", json=params)
    return info.value


def test_miss_names_the_same_method_with_the_smallest_params_difference() -> None:
    cassette = Cassette(
        [
            deal_list({"filter": {"STAGE_ID": "NEW"}, "start": 50}, 200, {"result": []}),
            deal_list({"filter": {"STAGE_ID": "WON"}, "select": ["ID"], "start": 0}, 200, {"result": []}),
            Exchange("crm.deal.get", {"id": 410}, 200, {"result": {}}),
        ]
    )
    error = miss(cassette, "crm.deal.list", {"filter": {"STAGE_ID": "WON"}, "start": 0})
    message = str(error)
    assert isinstance(error, AssertionError)
    assert message.startswith(
        'no recorded answer for crm.deal.list {"filter": {"STAGE_ID": "WON"}, "start": "0"}'
    )
    assert (
        'nearest recorded exchange: #1 crm.deal.list {"filter": {"STAGE_ID": "WON"}, "select": ["ID"]'
        in message
    )
    assert 'select[0]: recorded "ID", asked (absent)' in message
    assert error.nearest == 1
    assert error.method == "crm.deal.list"
    assert WEBHOOK_SECRET not in message


def test_miss_of_an_unrecorded_method_names_the_closest_method_name() -> None:
    cassette = Cassette(
        [
            Exchange("crm.company.get", {"id": 1}, 200, {"result": {}}),
            deal_list({"start": 0}, 200, {"result": []}),
        ]
    )
    error = miss(cassette, "crm.deal.lst", {"start": 0})
    assert error.nearest == 1
    assert "nearest recorded exchange: #1 crm.deal.list" in str(error)
    assert "no crm.deal.lst exchange is recorded; this is the closest method name" in str(error)

    empty = miss(Cassette(), "crm.deal.get", {"id": 1})
    assert "the cassette is empty" in str(empty)
    assert empty.nearest is None


def test_router_replays_through_respx() -> None:
    cassette = Cassette([Exchange("crm.deal.get", {"id": 410}, 200, {"result": {"ID": "410"}})])
    with cassette.router():
        answer = httpx.post("https://anything.bitrix24.test/rest/crm.deal.get", json={"id": 410})
        with pytest.raises(CassetteMiss, match=r"nearest recorded exchange: #0 crm\.deal\.get"):
            httpx.post("https://anything.bitrix24.test/rest/crm.deal.get", json={"id": 411})
    assert answer.json() == {"result": {"ID": "410"}}


def test_raw_bodies_replay_verbatim_with_their_content_type(tmp_path: Path) -> None:
    truncated = '{"result":{"ID":"1","TITLE":"ООО «Ромашка»","DATE'
    cassette = Cassette(
        [
            Exchange("crm.company.get", {"id": 1}, 200, {"raw": truncated}, content_type="application/json"),
            Exchange("crm.contact.list", {}, 502, {"raw": "<html>502</html>"}),
        ]
    )
    loaded = Cassette.load(cassette.save(tmp_path / "raw.json"))
    with httpx.Client(transport=loaded.transport(), base_url="https://p.test/rest/") as client:
        cut = client.post("crm.company.get", json={"id": 1})
        html = client.post("crm.contact.list")
    assert (cut.status_code, cut.text, cut.headers["content-type"]) == (200, truncated, "application/json")
    assert (html.status_code, html.text) == (502, "<html>502</html>")
    assert html.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        cut.json()


def test_save_is_stable_and_pretty(tmp_path: Path) -> None:
    cassette = Cassette(
        [Exchange("crm.deal.get", {"id": 1, "b": {"z": 1, "a": "ё"}}, 200, {"result": "ж"}, note="n")]
    )
    first = cassette.save(tmp_path / "a.json").read_text(encoding="utf-8")
    second = Cassette.load(tmp_path / "a.json").save(tmp_path / "b.json").read_text(encoding="utf-8")
    assert first == second
    assert '"a": "ё"' in first
    assert first.index('"a"') < first.index('"z"')
    assert first.endswith("}\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"version": 2, "exchanges": []}', '"version": 1'),
        ('{"version": 1}', '"exchanges" must be a list'),
        (
            '{"version": 1, "exchanges": [{"method": "a", "params": {}, "status": 200, "body": {}}, '
            '{"method": "b"}]}',
            "exchange #1: missing key 'params'",
        ),
        (
            '{"version": 1, "exchanges": [{"method": "a", "params": {}, "status": "200", "body": {}}]}',
            "'status' must be int",
        ),
        ("{not json", "not valid JSON"),
    ],
)
def test_load_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CassetteFormatError, match=re.escape(message)):
        Cassette.load(path)


def test_client_records_an_emulated_portal_and_replays_it_anywhere(tmp_path: Path) -> None:
    toolkit = pytest.importorskip("bitrix24_toolkit")
    emulator = pytest.importorskip("bitrix24_toolkit.testing.emulator")
    emu = emulator.Emulator(limits="off")
    cassette = Cassette()
    with toolkit.Bitrix24(emu.webhook_url, transport=RecordingTransport(emu.transport(), cassette)) as b24:
        deal_id = b24.call("crm.deal.add", {"fields": {"TITLE": "Ромашка", "OPPORTUNITY": 100}})
        live = b24.call("crm.deal.get", {"id": deal_id})
    path = cassette.save(tmp_path / "client.json")
    assert emu.secret not in path.read_text(encoding="utf-8")

    replay = Cassette.load(path).transport()
    with toolkit.Bitrix24("https://elsewhere.bitrix24.test/rest/1/other/", transport=replay) as b24:
        assert b24.call("crm.deal.add", {"fields": {"TITLE": "Ромашка", "OPPORTUNITY": 100}}) == deal_id
        assert b24.call("crm.deal.get", {"id": deal_id}) == live
        with pytest.raises(CassetteMiss):  # not swallowed or wrapped by the client
            b24.call("crm.deal.get", {"id": deal_id + 1})
