"""Class 5: answers that lie. Every undecodable answer is a ResponseFormatError (never a raw RecursionError,
ValueError or ValidationError); a bulk call always returns its per-item report; an item is ``ok`` only with
the portal's id or its documented success value (``true`` is no id, ``false`` is no success).

Includes property-based fuzzing (hypothesis) of the JSON envelope and batch decoders with time bounds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitrix24_toolkit import errors
from bitrix24_toolkit.protocol import APIResponse, Call
from bitrix24_toolkit.protocol.batch import BatchChunk
from bitrix24_toolkit.protocol.envelope import decode_body, parse_envelope
from bitrix24_toolkit.services.common import parse_bool, parse_int_result

URL = "https://portal.bitrix24.test/rest/1/abcdef123456/"
Answer = Callable[[str, dict[str, Any]], Any]


def _method(request: httpx.Request) -> str:
    return request.url.path.rsplit("/", 1)[-1]


def _portal(answer: Answer) -> httpx.MockTransport:
    """A portal whose answers come from ``answer(method, body)``: bytes as they are, else JSON."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        value = answer(_method(request), body)
        if isinstance(value, bytes):
            return httpx.Response(200, content=value, headers={"content-type": "application/json"})
        return httpx.Response(200, json=value)

    return httpx.MockTransport(handler)


def _batch_answer(per_call: Callable[[str], Any]) -> Answer:
    """A batch answer giving each command ``per_call(key)`` as its result."""

    def answer(method: str, body: dict[str, Any]) -> Any:
        assert method == "batch"
        keys = list(body["cmd"])
        return {"result": {"result": {k: per_call(k) for k in keys}, "result_error": []}}

    return answer


def _nested(depth: int) -> bytes:
    return b'{"result":' + b"[" * depth + b"]" * depth + b"}"


# ------------------------------------------------------------------------------------- deep nesting
@pytest.mark.parametrize("depth", [150, 5_000, 100_000])
async def test_deeply_nested_answer_is_a_response_format_error(make_client: Any, depth: int) -> None:
    client = make_client(URL, transport=_portal(lambda m, b: _nested(depth)))
    with pytest.raises(errors.ResponseFormatError, match="nested"):
        await client.call("crm.deal.get", {"id": 1})


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deeply_nested_body_is_refused_by_the_decoder(depth: int) -> None:
    started = time.perf_counter()
    with pytest.raises(errors.ResponseFormatError):
        decode_body(_nested(depth), status_code=200, method="x")
    assert time.perf_counter() - started < 2.0


async def test_bulk_report_survives_a_deeply_nested_batch_answer(make_client: Any) -> None:
    client = make_client(URL, transport=_portal(lambda m, b: _nested(100_000)), check_fields=False)
    report = await client.crm.deal.add_many([{"TITLE": "a"}, {"TITLE": "b"}])
    assert len(report) == 2
    assert [item.outcome for item in report] == ["unknown", "unknown"]  # written or not: check first
    assert all(isinstance(item.error, errors.Bitrix24Error) for item in report)


async def test_bulk_report_survives_a_nested_item_answer(make_client: Any) -> None:
    deep = b"[" * 3000 + b"]" * 3000
    body = b'{"result":{"result":{"c0":7,"c1":' + deep + b',"c2":8},"result_error":[]}}'
    client = make_client(URL, transport=_portal(lambda m, b: body), check_fields=False)
    report = await client.crm.deal.add_many([{"TITLE": "a"}, {"TITLE": "b"}, {"TITLE": "c"}])
    assert [item.outcome for item in report] == ["unknown", "unknown", "unknown"]


async def test_bulk_report_keeps_the_good_items_next_to_a_bad_one(make_client: Any) -> None:
    odd = _batch_answer(lambda key: {"c0": 7, "c1": {"id": [1]}, "c2": "8"}[key])
    client = make_client(URL, transport=_portal(odd), check_fields=False)
    report = await client.crm.deal.add_many([{"TITLE": "a"}, {"TITLE": "b"}, {"TITLE": "c"}])
    assert [item.outcome for item in report] == ["ok", "unknown", "ok"]
    assert report.values == [7, 8]


async def test_unparsable_record_is_a_response_format_error(make_client: Any) -> None:
    client = make_client(URL, transport=_portal(lambda m, b: {"result": [1, 2, 3]}))
    with pytest.raises(errors.ResponseFormatError) as caught:
        await client.crm.deal.get(1)
    assert caught.value.method == "crm.deal.get"


# ---------------------------------------------------------------------------------------- true/false
@pytest.mark.parametrize("lie", [True, False, None, 0, -5, 1.5, "abc", "1" * 5000, [], {"id": True}])
def test_an_add_answer_that_is_no_id_is_refused(lie: Any) -> None:
    with pytest.raises(errors.ResponseFormatError):
        parse_int_result(APIResponse(result=lie))


async def test_add_answered_true_does_not_return_id_1(make_client: Any) -> None:
    client = make_client(URL, transport=_portal(lambda m, b: {"result": True}), check_fields=False)
    with pytest.raises(errors.ResponseFormatError, match=r"crm\.deal\.add"):
        await client.crm.deal.add({"TITLE": "x"})


async def test_add_many_answered_true_reports_no_ids(make_client: Any) -> None:
    client = make_client(URL, transport=_portal(_batch_answer(lambda key: True)), check_fields=False)
    report = await client.crm.deal.add_many([{"TITLE": "a"}, {"TITLE": "b"}])
    assert report.values == []
    assert [item.outcome for item in report] == ["unknown", "unknown"]


@pytest.mark.parametrize("value", [False, 0, "0", "N", ""])
async def test_update_and_delete_many_count_false_as_not_applied(make_client: Any, value: Any) -> None:
    client = make_client(URL, transport=_portal(_batch_answer(lambda key: value)), check_fields=False)
    updated = await client.crm.deal.update_many({1: {"TITLE": "a"}, 2: {"TITLE": "b"}})
    deleted = await client.crm.deal.delete_many([1, 2])
    for report in (updated, deleted):
        assert report.ok == []
        assert [item.outcome for item in report] == ["error", "error"]
        assert all(isinstance(item.error, errors.NotAppliedError) for item in report)


@pytest.mark.parametrize("value", [None, {"x": 1}, "maybe", 2.5])
async def test_update_answers_that_are_neither_are_unknown(make_client: Any, value: Any) -> None:
    client = make_client(URL, transport=_portal(_batch_answer(lambda key: value)), check_fields=False)
    report = await client.crm.deal.update_many({1: {"TITLE": "a"}})
    assert [item.outcome for item in report] == ["unknown"]


def test_documented_success_values_are_ok() -> None:
    for value in (True, [], 1, "1", "Y"):
        assert parse_bool(APIResponse(result=value)) is True
    with pytest.raises(errors.NotAppliedError):
        parse_bool(APIResponse(result=False))


async def test_single_update_answered_false_raises_not_applied(make_client: Any) -> None:
    client = make_client(URL, transport=_portal(lambda m, b: {"result": False}), check_fields=False)
    with pytest.raises(errors.NotAppliedError, match=r"crm\.deal\.update"):
        await client.crm.deal.update(1, {"TITLE": "x"})


# ------------------------------------------------------------------------------------ other lies
@pytest.mark.parametrize(
    "body",
    [
        b'{"result": 1, "total": "' + b"9" * 5000 + b'"}',
        b'{"result": ' + b"9" * 5000 + b"}",
        b'{"result": 1, "next": 1e999}',
        b'{"result": {}, "time": {"operating_reset_at": "' + b"9" * 5000 + b'"}}',
        b"\xff\xfe\x00garbage",
        b'{"error": {"code": [1, 2]}, "error_description": {"a": 1}}',
    ],
)
async def test_odd_envelopes_never_raise_raw_errors(make_client: Any, body: bytes) -> None:
    client = make_client(URL, transport=_portal(lambda m, b: body))
    try:
        await client.call("crm.deal.get", {"id": 1})
    except errors.Bitrix24Error:
        pass


# --------------------------------------------------------------------------------------- fuzzing
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)
_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(st.binary(max_size=2000) | _json.map(lambda v: json.dumps(v).encode()))
def test_fuzz_envelope_decoding_gives_a_response_or_a_typed_error(body: bytes) -> None:
    started = time.perf_counter()
    try:
        payload = decode_body(body, status_code=200, method="crm.deal.get")
        parse_envelope(payload, status_code=200, method="crm.deal.get")
    except errors.Bitrix24Error:
        pass
    assert time.perf_counter() - started < 1.0


_ENVELOPE_KEYS = st.sampled_from(["result", "result_error", "result_total", "result_next", "result_time"])


@_FUZZ
@given(st.dictionaries(_ENVELOPE_KEYS, _json, max_size=5) | _json)
def test_fuzz_batch_answers_always_give_one_outcome_per_call(result: Any) -> None:
    calls = [
        ("c0", Call("crm.deal.add", {}, parse=parse_int_result)),
        ("c1", Call("crm.deal.update", {}, parse=parse_bool)),
        ("c2", Call("crm.deal.get", {}, read_only=True)),
    ]
    outcomes = BatchChunk(calls).parse(APIResponse(result=result))
    assert list(outcomes) == ["c0", "c1", "c2"]
    for outcome in outcomes.values():
        assert outcome.ok or isinstance(outcome.error, errors.Bitrix24Error)
        if outcome.ok and outcome.method == "crm.deal.add":
            assert type(outcome.value) is int
            assert outcome.value > 0


def test_a_1_mb_hostile_answer_decodes_within_bounds() -> None:
    hostile = _nested(500_000)  # about 1 MB of brackets
    started = time.perf_counter()
    with pytest.raises(errors.ResponseFormatError):
        decode_body(hostile, status_code=200, method="x")
    assert time.perf_counter() - started < 2.0


def test_a_1_mb_answer_of_many_small_containers_is_refused_quickly() -> None:
    hostile = b'{"result":[' + b",".join([b"[" * 150 + b"]" * 150] * 3300) + b"]}"
    started = time.perf_counter()
    with pytest.raises(errors.ResponseFormatError):
        decode_body(hostile, status_code=200, method="x")
    assert time.perf_counter() - started < 2.0


def test_a_large_honest_answer_still_decodes() -> None:
    rows = [{"ID": str(i), "TITLE": "[x] {y}" * 20, "PHONE": [{"VALUE": "+7"}]} for i in range(2500)]
    payload = decode_body(json.dumps({"result": rows}).encode(), status_code=200, method="crm.deal.list")
    assert len(payload["result"]) == 2500
