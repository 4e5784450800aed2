"""The converters and the column names under any input (hypothesis): a converter never raises, and what it
returns fits its column in both databases; column names are unique, safe, and independent of the order
the portal lists its fields in."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bitrix24_toolkit.helpers.db_export._columns import RESERVED, assign_columns, column_parts
from bitrix24_toolkit.helpers.db_export._values import convert, money_parts, to_text

_SQL_TYPES = (
    "BIGINT",
    "INTEGER",
    "DOUBLE PRECISION",
    "NUMERIC(18,2)",
    "NUMERIC(18,4)",
    "DATE",
    "TIMESTAMPTZ",
    "BOOLEAN",
    "TEXT",
)
_NUMBERS = st.from_regex(r"\A[+-]?\d{1,30}(\.\d{1,30})?([eE][+-]?\d{1,25})?\Z") | st.sampled_from(
    [
        "NaN",
        "-nan",
        "sNaN",
        "Infinity",
        "-inf",
        "1e400",
        "1e-400",
        "1" * 5000,
        "9" * 19,
        "-9223372036854775809",
    ]
)
_MOMENTS = st.from_regex(
    r"\A\d{1,6}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?\Z"
) | st.sampled_from(
    [
        "0000-00-00 00:00:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31",
        "31.02.2026",
        "01.01.0001 00:00:00",
    ]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | _NUMBERS
    | _MOMENTS
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)
_EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def _fits(sql_type: str, value: Any) -> bool:
    """Whether ``value`` is ``None`` or a value of ``sql_type`` both databases store and read back."""
    if value is None:
        return True
    if sql_type == "BIGINT":
        return type(value) is int and -(2**63) <= value < 2**63
    if sql_type == "INTEGER":
        return type(value) is int and -(2**31) <= value < 2**31
    if sql_type == "DOUBLE PRECISION":
        return type(value) is float and math.isfinite(value)
    if sql_type.startswith("NUMERIC"):
        places = int(sql_type[-2])
        return (
            isinstance(value, Decimal)
            and value.is_finite()
            and value.as_tuple().exponent == -places
            and len(value.as_tuple().digits) <= 18
        )
    if sql_type == "DATE":
        return type(value) is dt.date
    if sql_type == "TIMESTAMPTZ":
        return (
            isinstance(value, dt.datetime)
            and value.utcoffset() is not None
            and _EARLIEST <= value.astimezone(dt.UTC) < _LATEST
        )
    if sql_type == "BOOLEAN":
        return type(value) is bool
    return _clean(value)


def _clean(text: Any) -> bool:
    """Text PostgreSQL stores: no NUL, valid UTF-8 (no lone surrogate), not empty."""
    return (
        isinstance(text, str)
        and text != ""
        and "\x00" not in text
        and not re.search("[\ud800-\udfff]", text)
        and text.encode("utf-8") is not None
    )


@settings(max_examples=400, deadline=None)
@given(value=_VALUES)
def test_every_converter_returns_a_value_its_column_holds_or_none(value: Any) -> None:
    for sql_type in _SQL_TYPES:
        assert _fits(sql_type, convert(value, sql_type)), (sql_type, value)
    amount, currency = money_parts(value)
    assert _fits("NUMERIC(18,2)", amount)
    assert currency is None or _clean(currency)


@settings(max_examples=200, deadline=None)
@given(value=st.lists(_SCALARS, max_size=5) | st.dictionaries(st.text(), _SCALARS, max_size=5))
def test_json_text_is_valid_json_without_nul_for_postgresql(value: Any) -> None:
    text = to_text(value)
    if text is None:
        return
    assert _clean(text)
    assert "\\u0000" not in text  # PostgreSQL's jsonb refuses the escaped NUL too
    json.loads(text)


def test_the_edges_of_each_type() -> None:
    assert convert("9999999999999999.99", "NUMERIC(18,2)") == Decimal("9999999999999999.99")
    assert convert("9999999999999999.995", "NUMERIC(18,2)") is None  # rounds out of NUMERIC(18,2)
    assert convert("-0.001", "NUMERIC(18,2)") == Decimal("0.00")
    assert convert(str(2**63 - 1), "BIGINT") == 2**63 - 1
    assert convert(str(2**63), "BIGINT") is None
    assert convert("1e3", "BIGINT") == 1000
    assert convert("1e400", "DOUBLE PRECISION") is None
    assert convert("0001-01-02T00:00:00+00:00", "TIMESTAMPTZ") == dt.datetime(1, 1, 2, tzinfo=dt.UTC)
    assert convert("0001-01-01T23:00:00+00:00", "TIMESTAMPTZ") is None  # no room for a session offset
    assert convert("0001-01-01", "DATE") == dt.date(1, 1, 1)
    assert convert("a\x00b\ud83d", "TEXT") == "ab\ufffd"
    assert convert("\x00", "TEXT") is None
    assert money_parts("1e30|usd\x00") == (None, "USD")


_CODES = st.lists(
    st.text(alphabet="ABC_-xé9", min_size=1, max_size=8)
    | st.sampled_from(["ID", "Id", "_SYNCED_AT", "A" * 70]),
    max_size=12,
    unique=True,
)


@settings(max_examples=300, deadline=None)
@given(codes=_CODES, money=st.data())
def test_column_names_are_unique_safe_and_independent_of_the_order(codes: list[str], money: Any) -> None:
    wanted = {code: money.draw(st.booleans()) for code in codes if code != "ID"}
    names = assign_columns(wanted, {})
    shuffled = money.draw(st.permutations(list(wanted.items())))
    assert assign_columns(dict(shuffled), {}) == names
    taken = [part for code, base in names.items() for part in column_parts(base, wanted[code])]
    assert len(taken) == len(set(taken))
    assert not set(taken) & RESERVED
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", name) and len(name) <= 63 for name in taken)
    # the next run keeps every name, whatever joins (a money field wanting an existing name included)
    kept = {code: (base, wanted[code]) for code, base in names.items()}
    again = assign_columns({**wanted, "UF_NEW": True, "uf new": False}, kept)
    assert {code: again[code] for code in names} == names
