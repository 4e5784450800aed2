"""Property-based tests: the PHP encoder/decoder round trip, the envelope decoder on anything, paging ends."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitrix24_toolkit import errors
from bitrix24_toolkit.events import parse_event
from bitrix24_toolkit.protocol.batch import BatchChunk
from bitrix24_toolkit.protocol.call import Call
from bitrix24_toolkit.protocol.encoding import decode_php_query, dumps_json, encode_php_query
from bitrix24_toolkit.protocol.envelope import APIResponse, decode_body, parse_envelope
from bitrix24_toolkit.testing.emulator import Emulator

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = st.from_regex(r"[A-Za-z_][A-Za-zА-я0-9_>=<!@%]{0,7}", fullmatch=True)
SCALARS = st.one_of(st.text(max_size=12), st.integers(-(10**12), 10**12), st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)
PARAMS = st.dictionaries(KEYS, VALUES, max_size=5)


def as_decoded(value: Any) -> Any:
    """What PHP's parse_str gives back for an encoded value (the encoder's documented normalisation)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | str):
        return str(value)
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    if not items:
        return [""]  # an empty container is sent as key[]= so that the key survives
    if [str(k) for k, _ in items] == [str(i) for i in range(len(items))]:
        return [as_decoded(v) for _, v in items]  # 0..n-1 keys: a list
    return {str(k): as_decoded(v) for k, v in items}


@FAST
@given(PARAMS)
def test_form_encoding_round_trips_through_parse_str(params: dict[str, Any]) -> None:
    decoded = decode_php_query(encode_php_query(params))
    assert decoded == {key: as_decoded(value) for key, value in params.items()}


@FAST
@given(PARAMS)
def test_json_and_form_bodies_say_the_same(params: dict[str, Any]) -> None:
    via_json = json.loads(dumps_json(params))
    assert decode_php_query(encode_php_query(via_json)) == decode_php_query(encode_php_query(params))


def only_typed_errors(action: Any) -> Any:
    """Run ``action``; anything it raises must be one of the library's typed errors."""
    try:
        return action()
    except errors.Bitrix24Error as exc:
        return exc


@FAST
@given(st.binary(max_size=200), st.sampled_from([200, 400, 401, 403, 404, 500, 502, 503]))
def test_any_bytes_give_a_response_or_a_typed_error(body: bytes, status: int) -> None:
    def run() -> Any:
        payload = decode_body(body, status_code=status, method="crm.deal.get")
        return parse_envelope(payload, status_code=status, method="crm.deal.get")

    result = only_typed_errors(run)
    assert isinstance(result, APIResponse) or str(result)  # a value, or an error with a readable message


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
ENVELOPE_KEYS = st.sampled_from(["result", "error", "error_description", "total", "next", "time"])


@FAST
@given(st.dictionaries(ENVELOPE_KEYS, JSON, max_size=6), st.sampled_from([200, 400, 500]))
def test_any_json_envelope_gives_a_response_or_a_typed_error(payload: dict[str, Any], status: int) -> None:
    body = json.dumps(payload).encode()
    result = only_typed_errors(
        lambda: parse_envelope(
            decode_body(body, status_code=status, method="m"), status_code=status, method="m"
        )
    )
    if "error" in payload and not (payload["error"] is None and "result" in payload):
        if "error_description" not in payload or payload["error"] is not None:
            assert isinstance(result, errors.APIError)  # an error key is never taken for a success


@FAST
@given(JSON)
def test_any_batch_answer_gives_one_outcome_per_call(answer: Any) -> None:
    chunk = BatchChunk([(f"c{i}", Call("crm.deal.get", {"id": i + 1})) for i in range(3)])
    outcomes = only_typed_errors(lambda: chunk.parse(APIResponse(result=answer)))
    assert isinstance(outcomes, dict)
    assert list(outcomes) == ["c0", "c1", "c2"]
    for outcome in outcomes.values():
        assert outcome.error is None or isinstance(outcome.error, errors.Bitrix24Error)


EVENT_KEYS = st.sampled_from(
    [
        "event",
        "event[]",
        "ts",
        "event_handler_id",
        "data",
        "data[FIELDS][ID]",
        "data[]",
        "auth",
        "auth[]",
        "auth[application_token]",
        "auth[domain]",
        "auth[expires]",
        "auth[user_id]",
        "auth[application_token][x]",
    ]
)
EVENT_VALUES = st.one_of(
    st.sampled_from(["app-token-123456", "ONCRMDEALADD", "7", "-1", ""]), st.text(max_size=6)
)
FORM_BODIES = st.lists(st.tuples(EVENT_KEYS, EVENT_VALUES), max_size=8).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)
)


@FAST
@given(st.one_of(st.text(max_size=200), FORM_BODIES))
def test_any_event_body_gives_an_event_or_a_typed_error(body: str) -> None:
    only_typed_errors(lambda: parse_event(body, application_token="app-token-123456"))


@SLOW
@given(
    ids=st.lists(st.integers(1, 60_000), max_size=700, unique=True).map(sorted),
    limit=st.one_of(st.none(), st.integers(0, 800)),
)
def test_paging_returns_exactly_the_ids_in_order(ids: list[int], limit: int | None) -> None:
    emu = Emulator(limits="off")
    table = emu.state.table("deal")
    for deal_id in ids:
        table[deal_id] = {"ID": deal_id, "TITLE": f"Deal {deal_id}", "CATEGORY_ID": 0}
    emu.state.counters["deal"] = max(ids, default=0)
    with emu.client() as b24:
        got = [int(row["ID"]) for row in b24.crm.deal.list_all(select=["ID"], raw=True, limit=limit)]
    assert got == (ids if limit is None else ids[:limit])


@SLOW
@given(ids=st.lists(st.integers(1, 5_000), max_size=180, unique=True))
def test_offset_paging_by_another_field_returns_every_row_once(ids: list[int]) -> None:
    emu = Emulator(limits="off")
    table = emu.state.table("deal")
    for deal_id in ids:
        table[deal_id] = {"ID": deal_id, "TITLE": f"Deal {deal_id % 97:02d}", "CATEGORY_ID": 0}
    with emu.client() as b24:
        rows = b24.crm.deal.list_all(select=["ID", "TITLE"], raw=True, order={"TITLE": "ASC"})
    got = [int(row["ID"]) for row in rows]
    assert sorted(got) == sorted(ids)  # every row, none twice
    assert [row["TITLE"] for row in rows] == sorted(row["TITLE"] for row in rows)
