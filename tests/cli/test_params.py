"""Parameters typed on the command line become the structures the REST API expects."""

from __future__ import annotations

import pytest

from bitrix24_toolkit.cli.params import parse_filter, parse_params, parse_select
from bitrix24_toolkit.errors import InvalidInputError


def test_plain_nested_and_list_keys_follow_php() -> None:
    params = parse_params(["id=5", "filter[>ID]=5", "filter[STAGE_ID]=WON", "select[]=ID", "select[]=TITLE"])
    assert params == {"id": "5", "filter": {">ID": "5", "STAGE_ID": "WON"}, "select": ["ID", "TITLE"]}


def test_json_values_keep_their_types_at_any_depth() -> None:
    params = parse_params(
        [
            "fields[TITLE]=New lead",
            "fields[OPPORTUNITY]:=5000",
            'fields[PHONE]:=[{"VALUE": "+7900"}]',
            "x:=null",
        ]
    )
    assert params == {
        "fields": {"TITLE": "New lead", "OPPORTUNITY": 5000, "PHONE": [{"VALUE": "+7900"}]},
        "x": None,
    }


def test_a_json_object_can_be_the_whole_value() -> None:
    assert parse_params(['filter:={"@ID": [1, 2]}', "order[ID]=DESC"]) == {
        "filter": {"@ID": [1, 2]},
        "order": {"ID": "DESC"},
    }


def test_values_may_contain_equals_signs_and_spaces() -> None:
    assert parse_params(["fields[COMMENTS]=a=b c"]) == {"fields": {"COMMENTS": "a=b c"}}


def test_operators_with_equals_signs_stay_in_the_key() -> None:
    assert parse_params(["filter[>=DATE_CREATE]=2026-01-01", "filter[!=STAGE_ID]=WON"]) == {
        "filter": {">=DATE_CREATE": "2026-01-01", "!=STAGE_ID": "WON"}
    }
    assert parse_filter([">=DATE_CREATE=2026-01-01", "<=OPPORTUNITY:=5000", "=%TITLE=Тур%"]) == {
        ">=DATE_CREATE": "2026-01-01",
        "<=OPPORTUNITY": 5000,
        "=%TITLE": "Тур%",
    }


@pytest.mark.parametrize("arg", ["id", "=5", ":=5", "filter[a=5"])
def test_an_argument_without_key_and_value_is_refused(arg: str) -> None:
    with pytest.raises(InvalidInputError, match="expected key=value"):
        parse_params([arg])


def test_bad_json_is_refused_with_the_key() -> None:
    with pytest.raises(InvalidInputError, match=r"fields:= needs a JSON value"):
        parse_params(['fields:={"TITLE": '])


def test_filters_keep_operators_and_split_in_lists() -> None:
    assert parse_filter([">OPPORTUNITY=1000", "@ID=1, 2,3", "!@STAGE_ID=WON,LOSE", "CATEGORY_ID:=1"]) == {
        ">OPPORTUNITY": "1000",
        "@ID": ["1", "2", "3"],
        "!@STAGE_ID": ["WON", "LOSE"],
        "CATEGORY_ID": 1,
    }
    assert parse_filter(['{"STAGE_ID": "WON"}', "ASSIGNED_BY_ID=3"]) == {
        "STAGE_ID": "WON",
        "ASSIGNED_BY_ID": "3",
    }
    with pytest.raises(InvalidInputError, match="needs a JSON value"):
        parse_filter(['{"STAGE_ID": '])


@pytest.mark.parametrize("arg", ["STAGE_ID", ">=", ">==5", "=5"])
def test_a_filter_without_field_and_value_is_refused(arg: str) -> None:
    with pytest.raises(InvalidInputError, match="expected key=value"):
        parse_filter([arg])


def test_select_accepts_commas_and_repeats() -> None:
    assert parse_select(["ID,TITLE", " STAGE_ID ", ""]) == ["ID", "TITLE", "STAGE_ID"]
    assert parse_select([]) is None
