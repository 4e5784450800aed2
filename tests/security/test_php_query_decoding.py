"""Class 1: decode_php_query is linear in the body and bounded (pairs, depth, key length), never a raw
error."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote, unquote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.protocol import decode_php_query, encode_php_query
from bitrix24_toolkit.protocol.encoding import PhpQueryError, QueryLimits

MB = 1_000_000
BOUND = 2.0  # seconds: generous; the real figures are in the report (tens of ms)

HOSTILE_BODIES = {
    "appended list": b"a[]=x&" * (MB // 6),
    "appended nested lists": b"a[x][]=1&" * (MB // 9),
    "distinct keys": b"&".join(b"k%d=v" % i for i in range(MB // 8)),
    "one deep key": b"a" + b"[x]" * (MB // 3) + b"=1",
    "deep empty segments": b"a" + b"[]" * (MB // 2) + b"=1",
    "unbalanced brackets": b"a" + b"[" * MB + b"=1",
    "only separators": b"&" * MB,
    "percent escapes": b"k=" + b"%D0%AF" * (MB // 6),
    "escaped key": b"%5B" * (MB // 3) + b"=1",
    "numeric keys": b"&".join(b"a[%d]=1" % (10**17 + i) for i in range(MB // 24)),
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_a_1mb_hostile_body_is_decoded_or_refused_quickly(name: str) -> None:
    body = HOSTILE_BODIES[name]
    started = time.perf_counter()
    try:
        decode_php_query(body)
    except PhpQueryError:
        pass
    assert time.perf_counter() - started < BOUND


def test_decoding_within_raised_limits_is_linear() -> None:
    """With the limits out of the way, twice the pairs cost about twice the time (was 4x: quadratic)."""
    limits = QueryLimits(max_pairs=10**6)
    timings = []
    for count in (20_000, 80_000):
        body = b"a[]=x&" * count
        started = time.perf_counter()
        result = decode_php_query(body, limits=limits)
        timings.append(time.perf_counter() - started)
        assert len(result["a"]) == count
    assert timings[1] < BOUND
    assert timings[1] < 12 * max(timings[0], 0.001)  # 4x the input: linear ~4x, quadratic 16x


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        ("a=1&" * 11, "max_pairs"),
        ("a" + "[b]" * 6 + "=1", "max_depth"),
        ("k" * 21 + "=1", "max_key_length"),
        ("%6B" * 21 + "=1", "max_key_length"),
    ],
)
def test_each_limit_is_enforced_with_a_typed_error(body: str, limit: str) -> None:
    limits = QueryLimits(max_pairs=10, max_depth=5, max_key_length=20)
    with pytest.raises(PhpQueryError) as caught:
        decode_php_query(body, limits=limits)
    assert caught.value.limit == limit
    assert isinstance(caught.value, InvalidInputError)


def test_limits_at_the_bound_are_accepted() -> None:
    limits = QueryLimits(max_pairs=10, max_depth=5, max_key_length=20)
    assert decode_php_query("a=1&" * 10, limits=limits) == {"a": "1"}
    assert decode_php_query("a" + "[b]" * 5 + "=1", limits=limits)["a"]["b"]["b"]["b"]["b"]["b"] == "1"


@pytest.mark.parametrize("bad", [0, -1, True, "8", 1.5, None])
def test_bad_limits_are_refused(bad: Any) -> None:
    with pytest.raises(InvalidInputError):
        QueryLimits(max_pairs=bad)


@pytest.mark.parametrize(
    "data",
    [
        "a=\ud800",
        [("a", 5)],
        [("a",)],
        [("\udfff", "x")],
        ["ab"],
    ],
)
def test_text_that_is_not_text_is_a_typed_error(data: Any) -> None:
    with pytest.raises(PhpQueryError):
        decode_php_query(data)


def test_strict_mode_refuses_non_ascii_digit_keys() -> None:
    strict = QueryLimits(strict=True)
    for body in ("data[²]=x", "a[١]=x", "a[0]=x&a[٠]=y", "²=1"):
        with pytest.raises(PhpQueryError):
            decode_php_query(body, limits=strict)
    assert decode_php_query("data[Имя]=x", limits=strict) == {"data": {"Имя": "x"}}


@pytest.mark.parametrize(
    "body", ["data[²]=x", "a[0]=x&a[٠]=y", "a[--1]=x&a[]=y", "a[" + "9" * 5000 + "]=1&a[]=2"]
)
def test_unicode_digits_and_odd_numbers_never_crash(body: str) -> None:
    decoded = decode_php_query(body, limits=QueryLimits(max_key_length=10_000))
    assert isinstance(decoded, dict)


def test_php_semantics_are_kept_for_valid_input() -> None:
    assert decode_php_query("a[]=x&a[]=y&a[5]=z&a[]=w") == {"a": {"0": "x", "1": "y", "5": "z", "6": "w"}}
    assert decode_php_query("a[3]=x&a[-7]=y&a[]=z") == {"a": {"3": "x", "-7": "y", "4": "z"}}
    assert decode_php_query("a[b]=1&a=2") == {"a": "2"}
    assert decode_php_query("a=2&a[b]=1") == {"a": {"b": "1"}}
    assert decode_php_query("a[b=1") == {"a[b": "1"}
    assert decode_php_query("a[][x]=1&a[][x]=2") == {"a": [{"x": "1"}, {"x": "2"}]}


# ------------------------------------------------------------------------------ the decoder before the fix
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _reference(text: str) -> dict[str, Any]:
    """The quadratic decoder this one replaced: the results must not change for valid input."""
    root: dict[str, Any] = {}
    for part in text.split("&"):
        if not part:
            continue
        raw_key, _, raw_value = part.partition("=")
        key, value = unquote_plus(raw_key), unquote_plus(raw_value)
        bracket = key.find("[")
        if bracket <= 0 or not key.endswith("]"):
            root[key] = value
            continue
        segments = _SEGMENT.findall(key[bracket:])
        if "".join(f"[{s}]" for s in segments) != key[bracket:]:
            root[key] = value
            continue
        node = root
        keys = [key[:bracket], *segments]
        for depth, k in enumerate(keys):
            if k == "":
                ints = [int(n) for n in node if n.lstrip("-").isdigit()]
                k = str(max(ints) + 1 if ints else 0)
            if depth == len(keys) - 1:
                node[k] = value
            else:
                child = node.get(k)
                if not isinstance(child, dict):
                    child = node[k] = {}
                node = child

    def listify(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        items = {k: listify(v) for k, v in value.items()}
        if items and all(k.isdigit() and not (len(k) > 1 and k[0] == "0") for k in items):
            if sorted(int(k) for k in items) == list(range(len(items))):
                return [items[str(i)] for i in range(len(items))]
        return items

    return {k: listify(v) for k, v in root.items()}


_ascii_key = st.text(alphabet="abcXYZ019-_", min_size=0, max_size=4)
_segments = st.lists(_ascii_key, max_size=4).map(lambda parts: "".join(f"[{p}]" for p in parts))
_pair = st.tuples(st.text(alphabet="abq", min_size=1, max_size=2), _segments, st.text(max_size=6))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pair, max_size=12))
def test_same_result_as_the_old_decoder_for_valid_input(pairs: list[tuple[str, str, str]]) -> None:
    text = "&".join(f"{head}{segs}={quote(value)}" for head, segs, value in pairs)
    assert decode_php_query(text) == _reference(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=200)))
def test_any_input_decodes_or_is_a_typed_error(data: bytes | str) -> None:
    for limits in (None, QueryLimits(max_pairs=5, max_depth=2, max_key_length=8, strict=True)):
        started = time.perf_counter()
        try:
            result = decode_php_query(data, limits=limits)
        except PhpQueryError:
            continue
        assert isinstance(result, dict)
        assert time.perf_counter() - started < BOUND


_structured = st.lists(
    st.tuples(
        st.sampled_from(["a", "b[", "c[]", "d[x]", "e[0]", "f[]", "[", "]", "%5B", "²", "-1", "0"]),
        st.lists(st.sampled_from(["[]", "[0]", "[1]", "[-1]", "[x]", "[", "]", "[²]", "[00]"]), max_size=6),
        st.sampled_from(["", "1", "%FF", "%ED%A0%80", "+", "%", "x&y"]),
    ),
    max_size=30,
).map(lambda items: "&".join(f"{h}{''.join(s)}={v}" for h, s, v in items))


@settings(max_examples=400, deadline=None)
@given(_structured)
def test_bracket_soup_decodes_or_is_a_typed_error(text: str) -> None:
    try:
        assert isinstance(decode_php_query(text, limits=QueryLimits(max_depth=4, strict=True)), dict)
    except PhpQueryError:
        pass


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="abcXY_", min_size=1, max_size=5),
        st.one_of(
            st.text(max_size=5),
            st.lists(st.text(max_size=3), max_size=3),
            st.dictionaries(st.text(alphabet="kq", min_size=1, max_size=3), st.text(max_size=3), max_size=3),
        ),
        max_size=5,
    )
)
def test_round_trip_through_the_encoder(params: dict[str, Any]) -> None:
    decoded = decode_php_query(encode_php_query(params))
    assert decoded == decode_php_query(encode_php_query(decoded))


def test_error_pickles_with_its_limit() -> None:
    import pickle

    error = PhpQueryError("too many", field="x", limit="max_pairs")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.field, copy.limit) == ("too many", "x", "max_pairs")
