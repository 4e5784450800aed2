"""The one PHP-style encoder: form bodies, query strings and batch commands mean the same thing."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from urllib.parse import unquote

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.protocol import (
    decode_php_query,
    dumps_json,
    encode_php_pairs,
    encode_php_query,
    normalize,
)


class Stage(enum.Enum):
    WON = "WON"


def pairs(params: dict[str, object]) -> list[tuple[str, str]]:
    return encode_php_pairs(params)


def test_nested_filter_with_operator_prefixes() -> None:
    encoded = pairs(
        {
            "filter": {">=DATE_CREATE": "2024-01-01", "!STATUS_ID": "JUNK", "@ID": [6, 7]},
            "order": {"ID": "DESC"},
        }
    )
    assert encoded == [
        ("filter[>=DATE_CREATE]", "2024-01-01"),
        ("filter[!STATUS_ID]", "JUNK"),
        ("filter[@ID][0]", "6"),
        ("filter[@ID][1]", "7"),
        ("order[ID]", "DESC"),
    ]


def test_select_list_and_start() -> None:
    assert encode_php_query({"select": ["ID", "TITLE"], "start": -1}) == (
        "select[0]=ID&select[1]=TITLE&start=-1"
    )


def test_empty_list_and_dict_keep_their_key() -> None:
    assert pairs({"filter": {"@ID": []}, "select": [], "params": {}}) == [
        ("filter[@ID][]", ""),
        ("select[]", ""),
        ("params[]", ""),
    ]


def test_none_is_sent_as_empty_value_never_dropped() -> None:
    assert pairs({"filter": {"COMPANY_ID": None}}) == [("filter[COMPANY_ID]", "")]
    assert json.loads(dumps_json({"filter": {"COMPANY_ID": None}})) == {"filter": {"COMPANY_ID": ""}}


def test_scalars_datetime_decimal_enum_bool() -> None:
    moment = dt.datetime(2024, 5, 23, 18, 18, 25, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    encoded = dict(
        pairs(
            {
                "at": moment,
                "day": dt.date(2024, 1, 2),
                "sum": Decimal("15000.50"),
                "tiny": Decimal("1E-7"),
                "stage": Stage.WON,
                "yes": True,
                "no": False,
                "ratio": 0.1,
            }
        )
    )
    assert encoded == {
        "at": "2024-05-23T18:18:25+03:00",
        "day": "2024-01-02",
        "sum": "15000.50",
        "tiny": "0.0000001",
        "stage": "WON",
        "yes": "1",
        "no": "0",
        "ratio": "0.1",
    }


def test_json_body_uses_the_same_normalisation() -> None:
    body = json.loads(dumps_json({"yes": True, "sum": Decimal("1.10"), "ids": (1, 2), "tags": {"b", "a"}}))
    assert body == {"yes": 1, "sum": "1.10", "ids": [1, 2], "tags": ["a", "b"]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("John&Martin", "John%26Martin"),
        ("a?b", "a%3Fb"),
        ("100%", "100%25"),
        ("[x]", "%5Bx%5D"),
        ("#1", "%231"),
        ("Привет", "%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"),
        ("a b+c", "a%20b%2Bc"),
    ],
)
def test_special_characters_are_escaped(value: str, expected: str) -> None:
    assert encode_php_query({"fields": {"TITLE": value}}) == f"fields[TITLE]={expected}"


def test_operator_prefix_inside_key_is_escaped_and_decodes_back() -> None:
    query = encode_php_query({"filter": {">=PRICE": 15, "%TITLE": "x&y", "!=%NAME": "a%"}})
    assert query.startswith("filter[%3E%3DPRICE]=15&")
    assert decode_php_query(query) == {"filter": {">=PRICE": "15", "%TITLE": "x&y", "!=%NAME": "a%"}}


def test_round_trip_through_decoder() -> None:
    params = {
        "fields": {"TITLE": "ООО «Ромашка» & Co", "PHONE": [{"VALUE": "+7 999", "VALUE_TYPE": "WORK"}]},
        "select": ["ID", "UF_*"],
        "filter": {"@ID": [1, 2, 3], "!STAGE_ID": "WON"},
    }
    decoded = decode_php_query(encode_php_query(params))
    assert decoded == {
        "fields": {"TITLE": "ООО «Ромашка» & Co", "PHONE": [{"VALUE": "+7 999", "VALUE_TYPE": "WORK"}]},
        "select": ["ID", "UF_*"],
        "filter": {"@ID": ["1", "2", "3"], "!STAGE_ID": "WON"},
    }


def test_decoder_php_semantics() -> None:
    assert decode_php_query("select[]=ID&select[]=TITLE") == {"select": ["ID", "TITLE"]}
    assert decode_php_query("a[1]=x&a[3]=y") == {"a": {"1": "x", "3": "y"}}  # gapped: stays a map
    assert decode_php_query("data[FIELDS][ID]=7405&ts=1766047124") == {
        "data": {"FIELDS": {"ID": "7405"}},
        "ts": "1766047124",
    }
    assert decode_php_query("filter[@ID][]=") == {"filter": {"@ID": [""]}}
    assert decode_php_query("a=1&a=2") == {"a": "2"}  # PHP: the last one wins
    assert decode_php_query(b"x=%D0%AF+%2B") == {"x": "Я +"}
    assert decode_php_query([("k[0]", "v")]) == {"k": ["v"]}


def test_decoder_keeps_malformed_keys_literally() -> None:
    assert decode_php_query("a[b=1") == {"a[b": "1"}


def test_unsupported_values_raise_typed_errors_naming_the_path() -> None:
    with pytest.raises(InvalidInputError, match=r"params\[fields\]\[X\]"):
        normalize({"fields": {"X": object()}})
    with pytest.raises(InvalidInputError, match="bytes"):
        normalize({"file": b"raw"})
    with pytest.raises(InvalidInputError, match="nan"):
        normalize({"x": float("nan")})


def test_unicode_query_is_valid_percent_encoding() -> None:
    query = encode_php_query({"q": "тур в Сочи"})
    assert query.isascii()
    assert unquote(query) == "q=тур в Сочи"
