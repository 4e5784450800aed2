"""Reading list answers from bytes (``PageDecoder``) gives the usual decoding's answer, rows already typed.

The reference is the usual path, step by step: ``decode_body`` (``json.loads`` and its checks),
``parse_envelope`` (error envelopes, ``total``/``next`` bounds, ``time``), ``rows_of`` and the model per
row; for a ``batch``, each command's rows. Generated bodies (pages of portal rows of every form, error
envelopes, odd shapes, JSON the usual path refuses) must either be declined (``None``: the caller then
decodes as usual) or give exactly the usual answer; the plain pages the portal sends must never be declined.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitrix24_toolkit.errors import Bitrix24Error
from bitrix24_toolkit.models.crm import Deal, Lead
from bitrix24_toolkit.protocol.envelope import MAX_CONTAINERS, MAX_DEPTH, decode_body, parse_envelope
from bitrix24_toolkit.protocol.rows import rows_of
from bitrix24_toolkit.protocol.typed_pages import PageDecoder
from tests.models.test_parse_equivalence import MODELS, _plain, rows

CHECK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_TIME = {"start": 1.5, "finish": 1.6, "duration": 0.1, "date_start": "2026-01-02T10:00:00+03:00"}


def _usual(body: bytes, model: Any, batch: bool) -> tuple[str, Any]:
    """What the usual decoding gives: the answer with each page's rows parsed, or the error's class."""
    try:
        answer = parse_envelope(decode_body(body, status_code=200, method="crm.deal.list"), method="m")
        if batch:
            pages = {
                k: [model.model_validate(r) for r in rows_of(v)] for k, v in answer.result["result"].items()
            }
            rest = {k: v for k, v in answer.result.items() if k != "result"}
            return ("ok", (_plain(pages), rest, answer.total, answer.next, answer.time))
        return (
            "ok",
            (
                _plain([model.model_validate(r) for r in rows_of(answer.result)]),
                answer.total,
                answer.next,
                answer.time,
            ),
        )
    except (Bitrix24Error, ValueError) as exc:
        return ("error", type(exc).__name__)


def _fast(body: bytes, model: Any, batch: bool) -> tuple[str, Any] | None:
    decoder = PageDecoder(model)
    try:
        answer = (decoder.batch if batch else decoder.page)(body, method="m")
    except Bitrix24Error as exc:
        return ("error", type(exc).__name__)
    if answer is None:
        return None
    if batch:
        rest = {k: v for k, v in answer.result.items() if k != "result"}
        return ("ok", (_plain(answer.result["result"]), rest, answer.total, answer.next, answer.time))
    return ("ok", (_plain(answer.result), answer.total, answer.next, answer.time))


def _same(body: bytes, model: Any, *, batch: bool = False) -> bool:
    """The decoder declined (``False``) or gave the usual answer (``True``; asserted)."""
    fast = _fast(body, model, batch)
    if fast is None:
        return False
    assert fast == _usual(body, model, batch)
    return True


_EXTRA_KEYS = st.dictionaries(
    st.sampled_from(["total", "next", "time", "error", "error_description", "other"]),
    st.one_of(st.integers(-1, 10**9), st.just(_TIME), st.none(), st.text(max_size=3), st.just("50")),
    max_size=3,
)


@CHECK
@given(
    st.sampled_from(MODELS[:4]).flatmap(lambda m: st.tuples(st.just(m), st.lists(rows(m), max_size=4))),
    _EXTRA_KEYS,
    st.sampled_from(["", " ", "x", "]", "\n"]),
)
def test_a_page_read_from_bytes_is_the_usual_answer(case: Any, extra: dict[str, Any], tail: str) -> None:
    model, page = case
    body = json.dumps({"result": page, **extra}).encode()
    _same(body, model)
    _same(body + tail.encode(), model)
    _same(body.replace(b"[", b"{", 1), model)


@CHECK
@given(
    st.dictionaries(st.sampled_from(["p0", "p1", "p2"]), st.lists(rows(Lead), max_size=3), max_size=3),
    st.dictionaries(st.sampled_from(["p3"]), st.just({"error": "ERROR_CORE", "error_description": "x"})),
    st.booleans(),
)
def test_a_batch_of_pages_read_from_bytes_is_the_usual_answer(
    pages: dict[str, Any], errors: dict[str, Any], arrays: bool
) -> None:
    inner = {
        "result": pages if pages or not arrays else [],
        "result_error": errors or [],
        "result_total": {key: 120 for key in pages} or [],
        "result_next": {key: 50 for key in pages},
        "result_time": {key: _TIME for key in pages},
    }
    _same(json.dumps({"result": inner, "time": _TIME}).encode(), Lead, batch=True)


def test_the_portals_plain_pages_are_read_from_bytes() -> None:
    from benchmarks.fake_rows import deal_row, lead_row

    deals = {"result": [deal_row(n) for n in range(1, 51)], "total": 20000, "next": 50, "time": _TIME}
    assert _same(json.dumps(deals).encode(), Deal)
    leads = [lead_row(n) for n in range(1, 51)]
    inner = {
        "result": {"p0": leads, "p1": []},
        "result_error": [],
        "result_total": {"p0": 60, "p1": 60},
        "result_next": {"p0": 50},
        "result_time": {"p0": _TIME, "p1": _TIME},
    }
    assert _same(json.dumps({"result": inner, "time": _TIME}).encode(), Lead, batch=True)


@pytest.mark.parametrize(
    "body",
    [
        b'{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}',
        b'{"result":[{"ID":"1"}],"error":"x"}',
        b'{"result":[{"ID":"abc"}]}',
        b'{"result":{"items":[{"ID":"1"}]}}',
        b'{"result":[1,{"ID":"2"}]}',
        b'{"result":[{"ID":"1","TITLE":"\\ud800"}]}',
        b'{"result":[{"ID":"1","TITLE":"\xff"}]}',
        b'{"result":[{"ID":"1","UF_A":' + b"9" * 5000 + b"}]}",
        b'\xef\xbb\xbf{"result":[]}',
        b"<html>502</html>",
        b"",
    ],
)
def test_what_the_decoder_declines_the_usual_path_decides(body: bytes) -> None:
    assert _fast(body, Deal, False) is None


@pytest.mark.parametrize("depth", [MAX_DEPTH - 4, MAX_DEPTH - 3, MAX_DEPTH - 2, MAX_DEPTH + 20])
@pytest.mark.parametrize("where", ["extra", "time", "multifield"])
def test_nesting_is_refused_exactly_where_the_usual_path_refuses_it(depth: int, where: str) -> None:
    deep: Any = []
    for _ in range(depth):
        deep = [deep]
    row: dict[str, Any] = {"ID": "1"}
    envelope: dict[str, Any] = {"result": [row], "time": _TIME}
    if where == "extra":
        row["UF_CRM_DEEP"] = deep
    elif where == "time":
        envelope["time"] = {"deep": deep}
    else:
        row["PHONE"] = [{"ID": "1", "VALUE": "+7", "UF_NOTE": deep}]
    body = json.dumps(envelope).encode()
    usual = _usual(body, Lead, False)
    read = _same(body, Lead)
    assert read == (usual[0] == "ok")  # read from bytes exactly when the usual path accepts it


@pytest.mark.parametrize("brackets", [MAX_CONTAINERS - 10, MAX_CONTAINERS + 10])
def test_long_answers_are_counted_as_the_usual_path_counts_them(brackets: int) -> None:
    long_text = {"result": [{"ID": "1", "COMMENTS": "[" * brackets}], "time": _TIME}  # brackets in a string
    many = {"result": [{"ID": "1", "UF_CRM_LIST": [[] for _ in range(brackets)]}], "time": _TIME}
    for envelope in (long_text, many):
        body = json.dumps(envelope).encode()
        assert len(body) > MAX_CONTAINERS
        usual = _usual(body, Deal, False)
        assert _same(body, Deal) == (usual[0] == "ok")
        assert (usual[0] == "ok") == (brackets < MAX_CONTAINERS)
