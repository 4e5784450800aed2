"""Class 10: bad input becomes a typed error (InvalidInputError: a ValueError) before anything is sent.

Every public entry point is tried with hostile or mistaken values: client constructors, ``call``/``batch``
params, the typed methods' ids, list options, token files, and the CLI (usage errors exit 2, never "this
is a bug"). A transport that records every request proves that nothing left.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitrix24_toolkit import AsyncBitrix24, Bitrix24, errors
from bitrix24_toolkit.cli.app import main
from bitrix24_toolkit.cli.failures import EXIT_USAGE, describe
from bitrix24_toolkit.client import JSONFileTokenStore, OAuth, OAuthTokens
from bitrix24_toolkit.protocol import Call

URL = "https://portal.bitrix24.test/rest/1/abcdef123456/"


def _self_referencing() -> dict[str, Any]:
    loop: dict[str, Any] = {"filter": {}}
    loop["filter"]["again"] = loop
    return loop


def _deep(levels: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(levels):
        node["a"] = {}
        node = node["a"]
    return root


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def b24(sent: list[httpx.Request]) -> Bitrix24:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"result": True})

    return Bitrix24(URL, transport=httpx.MockTransport(handler), limits="off", check_fields=False)


CALLS: dict[str, Callable[[Bitrix24], Any]] = {
    "get-huge-int": lambda b: b.crm.deal.get(10**5000),
    "get-64-bit-overflow": lambda b: b.crm.deal.get(2**63),
    "get-bool": lambda b: b.crm.deal.get(True),
    "get-superscript-digit": lambda b: b.crm.deal.get("²"),
    "get-5000-digit-str": lambda b: b.crm.deal.get("1" * 5000),
    "get-negative": lambda b: b.crm.deal.get(-1),
    "get-float": lambda b: b.crm.deal.get(1.5),
    "delete-none": lambda b: b.crm.deal.delete(None),
    "item-entity-huge": lambda b: b.crm.item(10**40),
    "get-many-huge": lambda b: b.crm.deal.get_many([1, 10**30]),
    "delete-many-str": lambda b: b.crm.deal.delete_many("12"),
    "update-many-bad-id": lambda b: b.crm.deal.update_many([(1, {"TITLE": "x"}), ("x", {})]),
    "params-self-referencing": lambda b: b.call("crm.deal.list", _self_referencing()),
    "params-5000-deep": lambda b: b.call("crm.deal.list", _deep(5000)),
    "params-huge-int": lambda b: b.call("crm.deal.list", {"filter": {">ID": 10**5000}}),
    "params-nan": lambda b: b.call("crm.deal.list", {"x": math.nan}),
    "params-not-a-mapping": lambda b: b.call("crm.deal.get", [1]),  # type: ignore[arg-type]
    "params-bytes": lambda b: b.call("crm.deal.get", {"id": b"1"}),
    "params-object-key": lambda b: b.call("crm.deal.get", {("a",): 1}),
    "params-lone-surrogate": lambda b: b.call("crm.deal.add", {"fields": {"TITLE": "\udcff"}}),
    "method-too-long": lambda b: b.call("crm." + "a" * 300),
    "method-newline": lambda b: b.call("crm.deal.get\n"),
    "method-path": lambda b: b.call("../../oauth/token"),
    "method-query": lambda b: b.call("crm.deal.get?auth=x"),
    "method-not-str": lambda b: b.call(5),  # type: ignore[arg-type]
    "order-list": lambda b: b.crm.deal.list(order=["ID"]),  # type: ignore[arg-type]
    "order-bad-direction": lambda b: b.crm.deal.list(order={"ID": 1}),  # type: ignore[dict-item]
    "start-str": lambda b: b.crm.deal.list(start="abc"),  # type: ignore[arg-type]
    "start-negative": lambda b: b.crm.deal.list(start=-50),
    "start-huge": lambda b: b.crm.deal.list(start=10**5000),
    "select-none": lambda b: b.crm.deal.list(select=[None]),  # type: ignore[list-item]
    "select-str": lambda b: b.crm.deal.list(select="ID"),
    "select-int": lambda b: b.crm.deal.list(select=5),  # type: ignore[arg-type]
    "filter-list": lambda b: b.crm.deal.list(filter=[1]),  # type: ignore[arg-type]
    "filter-none-key": lambda b: b.crm.deal.list(filter={None: 1}),  # type: ignore[dict-item]
    "list-all-limit-str": lambda b: b.crm.deal.list_all(limit="x"),  # type: ignore[call-overload]
    "batch-str": lambda b: b.batch("abc"),  # type: ignore[call-overload]
    "batch-params-list": lambda b: b.batch([("crm.deal.get", [1])]),  # type: ignore[list-item]
    "batch-self-referencing": lambda b: b.batch([("crm.deal.list", _self_referencing())]),
    "batch-deep": lambda b: b.batch([("crm.deal.list", _deep(3000))]),
    "add-fields-not-a-mapping": lambda b: b.crm.deal.add(["TITLE"]),  # type: ignore[arg-type]
    "add-many-str": lambda b: b.crm.deal.add_many("abc"),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("action", CALLS.values(), ids=CALLS.keys())
def test_bad_call_input_is_a_typed_error_and_nothing_is_sent(
    b24: Bitrix24, sent: list[httpx.Request], action: Callable[[Bitrix24], Any]
) -> None:
    with pytest.raises(errors.InvalidInputError) as caught:
        action(b24)
    assert isinstance(caught.value, ValueError)
    assert len(str(caught.value)) < 1000  # the message quotes a short excerpt, never the whole input
    assert sent == []


OPTIONS: dict[str, dict[str, Any]] = {
    "timeout-nan": {"timeout": math.nan},
    "timeout-inf": {"timeout": math.inf},
    "timeout-negative": {"timeout": -1},
    "timeout-zero": {"timeout": 0},
    "timeout-str": {"timeout": "5"},
    "timeout-huge-int": {"timeout": 10**5000},
    "timeout-object-nan": {"timeout": httpx.Timeout(math.nan)},
    "timeout-object-inf-read": {"timeout": httpx.Timeout(5.0, read=math.inf)},
    "user-agent-non-ascii": {"user_agent": "bitrix24-тест"},
    "user-agent-header-injection": {"user_agent": "ua\r\nX-Evil: 1"},
    "user-agent-empty": {"user_agent": ""},
    "user-agent-bytes": {"user_agent": b"ua"},
    "user-agent-huge": {"user_agent": "u" * 10_000},
    "limits-strings": {"limits": ("a", "b")},
    "limits-nan": {"limits": (math.nan, 1.0)},
    "limits-inf-rate": {"limits": (10.0, math.inf)},
    "limits-str-numbers": {"limits": ("1", 2)},
    "limits-three": {"limits": (1, 2, 3)},
    "limits-list": {"limits": [50, 2]},
    "limits-unknown-plan": {"limits": "gold"},
    "max-concurrency-str": {"max_concurrency": "8"},
    "max-concurrency-zero": {"max_concurrency": 0},
    "max-concurrency-bool": {"max_concurrency": True},
    "max-concurrency-huge": {"max_concurrency": 10**6},
    "max-concurrency-float": {"max_concurrency": 2.5},
    "encoding-unknown": {"encoding": "xml"},
    "encoding-list": {"encoding": ["json"]},
    "check-fields-str": {"check_fields": "no"},
    "retry-dict": {"retry": {"attempts": 1}},
    "on-portal-moved-str": {"on_portal_moved": "print"},
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_bad_client_options_are_typed_errors(options: dict[str, Any]) -> None:
    with pytest.raises(errors.InvalidInputError):
        Bitrix24(URL, **options)


@pytest.mark.parametrize(
    "options", [{"coalesce_window": math.nan}, {"coalesce_window": -1}, {"coalesce": "yes"}]
)
def test_bad_async_client_options_are_typed_errors(options: dict[str, Any]) -> None:
    with pytest.raises(errors.InvalidInputError):
        AsyncBitrix24(URL, **options)


@pytest.mark.parametrize(
    "url",
    [
        "https://portal.bitrix24.test/rest/²/abcdef123456/",
        "https://portal.bitrix24.test/rest/" + "1" * 5000 + "/abcdef123456/",
        "https://portal.bitrix24.test:99999/rest/1/abcdef123456/",
        "https://portal.bitrix24.test/rest/1/abc\x00def123456/",
        "https://portal.bitrix24.test/rest/1/" + "a" * 10_000 + "/",
        "https://портал.рф/rest/1/abcdef123456/",
        "ftp://portal.bitrix24.test/rest/1/abcdef123456/",
        "https://portal.bitrix24.test/rest/1/abcdef123456/?x=1",
    ],
)
def test_bad_webhook_urls_are_typed_errors(url: str) -> None:
    with pytest.raises(errors.InvalidInputError):
        Bitrix24(url)


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        '"tokens"',
        "5",
        "null",
        '{"access_token": 1, "refresh_token": "r"}',
        '{"access_token": "a"}',
        "[" * 100_000,
        "{not json",
        '{"access_token": "a", "refresh_token": "r", "expires_at": "soon"}',
    ],
)
def test_token_files_holding_anything_but_tokens_are_typed_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(errors.InvalidInputError):
        JSONFileTokenStore(path).load()
    with pytest.raises(errors.InvalidInputError):
        OAuth(client_id="app", client_secret="secret-123456", store=JSONFileTokenStore(path))


def test_token_file_with_non_utf8_bytes_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(errors.InvalidInputError):
        JSONFileTokenStore(path).load()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"client_id": 5, "client_secret": "secret-123456"},
        {"client_id": "app", "client_secret": ["secret"]},
        {"client_id": "app", "client_secret": "secret-123456", "tokens": {"access_token": "a"}},
        {"client_id": "app", "client_secret": "secret-123456", "token_url": "file:///etc/passwd"},
        {"client_id": "app", "client_secret": "secret-123456", "store": "tokens.json"},
    ],
)
def test_bad_oauth_options_are_typed_errors(kwargs: dict[str, Any]) -> None:
    tokens = OAuthTokens("access-123456", "refresh-123456", "https://portal.bitrix24.test/rest/")
    kwargs.setdefault("tokens", tokens)
    with pytest.raises(errors.InvalidInputError):
        OAuth(**kwargs)


def test_token_objects_check_their_types() -> None:
    with pytest.raises(errors.InvalidInputError):
        OAuthTokens(access_token=None, refresh_token="r")  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidInputError):
        OAuthTokens.from_dict([])  # type: ignore[arg-type]
    tokens = OAuthTokens.from_response(
        {"access_token": "a" * 8, "refresh_token": "r" * 8, "user_id": "1" * 5000, "client_endpoint": "x"}
    )
    assert tokens.user_id is None  # a 5,000-digit user id is not a user id (and no raw ValueError)


def test_calls_check_their_method_name() -> None:
    with pytest.raises(errors.InvalidInputError):
        Call("crm.deal.get/../../x")
    assert Call("catalog.productPropertyFeature.getAvailableFeaturesByProperty").method


# ------------------------------------------------------------------------------------------- the CLI
def _cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str]:
    monkeypatch.delenv("BITRIX24_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("B24_DEBUG", raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["call", "crm.deal.list", "filter:=" + "[" * 100_000],
        ["call", "crm.deal.list", "id:=" + "9" * 5000],
        ["call", "crm." + "a" * 300],
        ["call", "crm.deal.get", "id=" + "1" * 5000],
        ["list", "deal", "--no-such-option"],
        ["call", "crm.deal.list", "select[]", "x"],
    ],
    ids=["deep-json", "huge-json-number", "long-method", "huge-id-string", "unknown-option", "bad-pair"],
)
def test_cli_usage_errors_exit_2_and_never_claim_a_bug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    code, output = _cli(capsys, monkeypatch, "--demo", *argv)
    assert "this is a bug" not in output
    assert "Traceback" not in output
    assert code in (EXIT_USAGE, 1), output  # 1: the demo portal refused it (a portal answer, not a bug)
    if argv[0] != "call" or argv[1] != "crm.deal.get":
        assert code == EXIT_USAGE, output


@pytest.mark.parametrize(
    "exc",
    [
        csv.Error("field larger than field limit (131072)"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        json.JSONDecodeError("Expecting value", "x", 0),
        RecursionError("maximum recursion depth exceeded"),
        ValueError("Exceeds the limit (4300 digits) for integer string conversion"),
    ],
)
def test_cli_input_failures_are_usage_errors(exc: Exception) -> None:
    failure = describe(exc, "b24 leads import")
    assert failure.code == EXIT_USAGE
    assert "bug" not in failure.hint
