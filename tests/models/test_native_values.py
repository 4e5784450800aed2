"""The natively parsed value types give exactly what the Python parsers they replace gave (issue 18, item 2).

The oracle is a frozen copy of the former per-field ``BeforeValidator`` (``parse_link_id`` over
``parse_int``), kept here verbatim so a later edit of :mod:`bitrix24_toolkit.models.values` cannot move
both sides at once. Every generated input must give the same value (and type) or fail the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BeforeValidator, TypeAdapter, ValidationError, create_model

from bitrix24_toolkit.models.crm import Deal, Lead
from bitrix24_toolkit.models.values import LinkId, parse_link_id

CHECK = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ the oracle: the former parsers, frozen
def _old_is_empty(value: Any) -> bool:
    if value is None or value is False:
        return True
    return isinstance(value, str | list | dict) and not value


_OLD_INT = re.compile(r"^-?\d+$")


def _old_parse_int(value: Any) -> int | None:
    if _old_is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _OLD_INT.match(value.strip()):
        return int(value.strip())
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            pass
        else:
            if number == number.to_integral_value():
                return int(number)
    raise ValueError(f"expected a whole number, got {value!r}")


def _old_parse_link_id(value: Any) -> int | None:
    number = _old_parse_int(value)
    return None if number == 0 else number


OldLinkId = Annotated[int | None, BeforeValidator(_old_parse_link_id)]
_LINK_MARK = LinkId.__metadata__[0]
_LINKS = [name for name, info in Deal.model_fields.items() if _LINK_MARK in info.metadata]
#: ``Deal`` as it was: the same model with the former Python validator on every link field.
OldDeal = create_model(  # type: ignore[call-overload]
    "OldDeal", __base__=Deal, **{name: (OldLinkId, None) for name in _LINKS}
)


def _outcome(parse: Any, value: Any) -> tuple[str, Any]:
    """``("ok", (value, type))`` or ``("error", kind)``: a refusal is a ``ValidationError`` either way."""
    try:
        result = parse(value)
    except ValidationError:
        return ("error", "ValidationError")
    except ValueError:  # the bare parsers refuse with ValueError: the same refusal
        return ("error", "ValidationError")
    except Exception as exc:  # e.g. OverflowError for "Infinity": must stay what it was
        return ("error", type(exc).__name__)
    return ("ok", (result, type(result)))


# --------------------------------------------------------------------------------- generated inputs
_TEXT = st.text(alphabet="0123456789 -+.eE_x\t\n\u0663\u00a0,", max_size=12)
LINK_INPUTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-3, 3),
    st.integers(10**17, 10**20).map(str),
    st.floats(),
    st.decimals(),
    _TEXT,
    st.from_regex(r"-?[0-9]{1,22}", fullmatch=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)
_LINK_ADAPTER = TypeAdapter(LinkId)


@CHECK
@given(LINK_INPUTS)
@example("0")
@example("00")
@example("")
@example(" 12 ")
@example("12\n")
@example("+5")
@example("1e3")
@example("1_000")
@example("\u0663")
@example("Infinity")
@example(0.0)
@example(-0.0)
@example(Decimal(0))
@example(True)
@example(False)
@example(-7)
@example(10**30)
@example(b"12")
def test_link_id_is_the_former_parse_link_id(value: Any) -> None:
    expected = _outcome(_old_parse_link_id, value)
    assert _outcome(_LINK_ADAPTER.validate_python, value) == expected
    assert _outcome(parse_link_id, value) == expected  # the public function itself is unchanged


@CHECK
@given(st.dictionaries(st.sampled_from(["COMPANY_ID", "ASSIGNED_BY_ID", "LEAD_ID", "QUOTE_ID"]), LINK_INPUTS))
def test_deal_link_fields_parse_as_before(row: dict[str, Any]) -> None:
    def new(data: dict[str, Any]) -> Any:
        return Deal.model_validate(data).model_dump()

    def old(data: dict[str, Any]) -> Any:
        return OldDeal.model_validate(data).model_dump()

    assert _outcome(new, row) == _outcome(old, row)


_DEAL_VALUES = st.one_of(
    LINK_INPUTS, st.sampled_from(["Y", "N", "184000.00", "2024-05-23T18:18:25+02:00", ""])
)


@CHECK
@given(
    st.fixed_dictionaries(
        {"ID": st.one_of(st.integers(1, 10**6), st.integers(1, 10**6).map(str))},
        optional={
            **{Deal.model_fields[name].alias or name: LINK_INPUTS for name in _LINKS},
            "OPPORTUNITY": _DEAL_VALUES,
            "CLOSED": _DEAL_VALUES,
            "DATE_CREATE": _DEAL_VALUES,
            "TITLE": st.one_of(st.none(), st.text(max_size=5)),
            "UF_CRM_1": _DEAL_VALUES,
        },
    )
)
def test_whole_rows_give_the_same_model_dumps_and_wire_forms(row: dict[str, Any]) -> None:
    def forms(model: type[Deal]) -> Any:
        deal = model.model_validate(row)
        return deal.model_dump(), deal.to_api(), deal.model_dump(mode="json")

    new, old = _outcome(lambda _: forms(Deal), None), _outcome(lambda _: forms(OldDeal), None)
    if new[0] == "ok":  # the dumps are plain data: compare them, not the (differently named) classes
        new, old = ("ok", new[1][0]), ("ok", old[1][0] if old[0] == "ok" else old)
    assert new == old


def test_the_portal_forms_of_a_link() -> None:
    row = {
        "ID": "7",
        "COMPANY_ID": "12",
        "CONTACT_ID": "0",
        "LEAD_ID": None,
        "QUOTE_ID": "",
        "ASSIGNED_BY_ID": 5,
        "CREATED_BY_ID": 0,
        "MODIFY_BY_ID": False,
        "MOVED_BY_ID": " 3 ",
        "DATE_CREATE": "2024-05-23T18:18:25+02:00",
    }
    deal = Deal.model_validate(row)
    assert (deal.company_id, deal.contact_id, deal.lead_id, deal.quote_id) == (12, None, None, None)
    users = (deal.assigned_by_id, deal.created_by_id, deal.modify_by_id, deal.moved_by_id)
    assert users == (5, None, None, 3)
    assert deal.date_create == dt.datetime(2024, 5, 23, 16, 18, 25, tzinfo=dt.UTC)
    assert deal.to_api()["COMPANY_ID"] == 12
    assert deal.model_dump()["company_id"] == 12
    schema = Deal.model_json_schema()["properties"]["COMPANY_ID"]
    assert schema["anyOf"] == [{"type": "integer"}, {"type": "null"}]


@pytest.mark.parametrize("bad", ["x", "12a", True, 1.5, [1], {"a": 1}])
def test_a_bad_link_is_a_validation_error_naming_the_field(bad: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Lead.model_validate({"COMPANY_ID": bad})
    assert caught.value.errors()[0]["loc"] == ("COMPANY_ID",)
    assert "whole number" in str(caught.value)
