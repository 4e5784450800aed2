"""The native parse (issue 18, item 2) gives exactly what the former Python pre-pass gave (dicts, bytes).

The oracle is the former base model, frozen here verbatim: a ``mode="before"`` model validator mapping every
``""`` to ``None`` (and refusing unknown keys when the context says ``strict``), in front of the same field
types. Each model under test gets an old twin built field by field from its own declarations (nested models
get theirs too), so both sides see the same types and only the ``""`` handling differs in how it is done.
Hypothesis builds portal rows of every form the portal sends (ids and numbers as strings, ``""``, ``"0"``
links, ``Y``/``N``, dates with offsets, money, ``PHONE``/``EMAIL`` multifields, ``UF_*`` extras) plus wrong
values: every row must give the same values, types, set fields, extras and wire forms, or the same errors,
whether it is validated as a dict, from its JSON text, or as a page of rows from bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import types
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model, model_validator
from pydantic.alias_generators import to_camel

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.models.base import BitrixModel, CamelModel
from bitrix24_toolkit.models.crm import Company, Contact, CrmFile, Deal, Lead, Multifield
from bitrix24_toolkit.models.values import LinkId

CHECK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODELS: tuple[type[BitrixModel], ...] = (Deal, Lead, Contact, Company, Multifield, CrmFile)


# ------------------------------------------------------------------------- the oracle: the former base
def _old_upper(name: str) -> str:
    return name.upper()


def _old_known_names(cls: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for attribute, info in cls.model_fields.items():
        names.add(attribute)
        if info.alias:
            names.add(info.alias)
    return names


class _OldBase(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=_old_upper,
        arbitrary_types_allowed=False,
        protected_namespaces=(),
    )

    custom_prefixes: ClassVar[tuple[str, ...]] = ("UF_",)

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any, info: Any) -> Any:
        if type(data) is not dict and not isinstance(data, Mapping):  # a dict skips the ABC check
            return data
        if "" in data.values():
            data = {key: (None if value == "" else value) for key, value in data.items()}
        context = getattr(info, "context", None)
        if isinstance(context, Mapping) and context.get("strict"):
            known = _old_known_names(cls)
            unknown = [
                key for key in data if key not in known and not str(key).startswith(cls.custom_prefixes)
            ]
            if unknown:
                raise ValueError(f"unknown fields for {cls.__name__}: {', '.join(map(str, unknown))}")
        return data


class _OldCamel(_OldBase):
    model_config = ConfigDict(alias_generator=to_camel)


def _swap(annotation: Any) -> Any:
    """The annotation with every BitrixModel in it replaced by its old twin."""
    if isinstance(annotation, type) and issubclass(annotation, BitrixModel):
        return old_model(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None or not args:
        return annotation
    swapped = tuple(_swap(arg) for arg in args)
    if origin in (Union, types.UnionType):
        return functools.reduce(operator.or_, swapped)
    return origin[swapped]


@functools.cache
def old_model(cls: type[BitrixModel]) -> type[BaseModel]:
    """``cls`` as it parsed before: the same fields on the former base (named ``Old<Name>``)."""
    fields: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        annotation = _swap(info.annotation)
        if info.metadata:
            annotation = Annotated.__class_getitem__((annotation, *info.metadata))  # type: ignore[attr-defined]
        fields[name] = (annotation, Field(default=info.default, alias=info.alias))
    base = _OldCamel if issubclass(cls, CamelModel) else _OldBase
    return create_model(  # type: ignore[no-any-return,call-overload]
        f"Old{cls.__name__}", __base__=base, __doc__=cls.__doc__, **fields
    )


# --------------------------------------------------------------------------------- comparing outcomes
def _plain(value: Any) -> Any:
    """A value with its exact type spelled out (``Decimal("1.0")`` is not ``Decimal("1.00")``)."""
    if isinstance(value, BaseModel):
        fields = {name: _plain(getattr(value, name)) for name in type(value).model_fields}
        extra = {key: _plain(item) for key, item in (value.model_extra or {}).items()}
        name = type(value).__name__.removeprefix("Old")
        return ("model", name, fields, extra, sorted(value.model_fields_set))
    if isinstance(value, list | tuple):
        return [type(value).__name__, [_plain(item) for item in value]]
    if isinstance(value, dict):
        return ["dict", [(key, _plain(item)) for key, item in value.items()]]
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat(), value.utcoffset())
    return (type(value).__name__, repr(value))


def _errors(exc: ValidationError) -> list[tuple[Any, ...]]:
    return [
        (e["type"], e["loc"], e["msg"].replace("Old", ""), repr(e["input"]))
        for e in exc.errors(include_url=False)
    ]


def _outcome(parse: Any) -> tuple[str, Any]:
    try:
        model = parse()
    except ValidationError as exc:
        return ("error", _errors(exc))
    models = model if isinstance(model, list) else [model]
    wire = [m.model_dump(by_alias=True, exclude_unset=True, mode="json") for m in models]
    return ("ok", (_plain(model), wire, [m.model_dump() for m in models]))


# ------------------------------------------------------------------------------ the portal's forms
_TEXT = st.one_of(st.just(""), st.text(max_size=6), st.sampled_from(["NEW", "RUB", "Deal 7", " "]))
_NUMBER_TEXT = st.one_of(
    st.integers(-(10**6), 10**20).map(str),
    st.sampled_from(["0", "00", "-0", " 7 ", "12.0", "1e3", "+5", "1_000", "12a", "0.00", "15000.00"]),
)
_JUNK = st.one_of(
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["a", "ID"]), st.integers(), max_size=1),
)
_NUMBERS = st.one_of(st.none(), st.just(""), _NUMBER_TEXT, st.integers(-5, 10**12), _JUNK)
_FLAGS = st.one_of(
    st.none(),
    st.sampled_from(["Y", "N", "y", "n", "", "1", "0", "true", "no", "maybe", "YES"]),
    st.integers(-1, 2),
    st.booleans(),
    _JUNK,
)
_DATES = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(
        [
            "2024-05-23T18:18:25+02:00",
            "2026-01-02T10:00:00+03:00",
            "2024-05-23T18:18:25Z",
            "2024-05-23T18:18:25",
            "2024-05-23",
            "1990-05-01T00:00:00+03:00",
            "23.05.2024",
            "2024-13-01T00:00:00+03:00",
            "soon",
        ]
    ),
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=3))])).map(
        lambda moment: moment.isoformat()
    ),
    st.integers(0, 2_000_000_000),
    _JUNK,
)
_MONEY = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["15000.00", "0.00", "184000.00", "1,5", "-3.10", "1e3", "abc", "00.10"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**9), 10**9),
    _JUNK,
)
_ANY = st.one_of(_TEXT, _NUMBERS, _FLAGS, _DATES)
_MULTI_ITEM = st.fixed_dictionaries(
    {},
    optional={
        "ID": _NUMBERS,
        "VALUE_TYPE": st.one_of(st.sampled_from(["WORK", "HOME", ""]), _ANY),
        "VALUE": st.one_of(st.sampled_from(["+79990001122", "a@example.com", ""]), _ANY),
        "TYPE_ID": st.one_of(st.sampled_from(["PHONE", "EMAIL", ""]), _ANY),
        "UF_NOTE": _ANY,
        "EXTRA": _ANY,
    },
)
_MULTI = st.one_of(st.none(), st.just(""), st.just([]), st.lists(_MULTI_ITEM, max_size=3), _JUNK)
_FILE = st.one_of(
    st.none(),
    st.just(""),
    st.fixed_dictionaries(
        {}, optional={"id": _NUMBERS, "showUrl": _TEXT, "downloadUrl": _TEXT, "other": _ANY}
    ),
    _JUNK,
)
_IDS = st.one_of(st.none(), st.just(""), st.lists(st.one_of(st.integers(0, 99), _NUMBER_TEXT), max_size=3))
_EXTRAS = st.one_of(
    _ANY, st.just(False), st.lists(_TEXT, max_size=2), st.dictionaries(_TEXT, _TEXT, max_size=2)
)


def _values_for(cls: type[BitrixModel], name: str) -> st.SearchStrategy[Any]:
    info = cls.model_fields[name]
    text = repr(info.annotation)
    if LinkId.__metadata__[0] in info.metadata:
        return st.one_of(_NUMBERS, st.sampled_from(["0", 0, "", None]))
    if "Multifield" in text:
        return _MULTI
    if "CrmFile" in text:
        return _FILE
    if "list[int]" in text:
        return _IDS
    if "datetime" in text or "date" in text:
        return _DATES
    if "Decimal" in text:
        return _MONEY
    if "bool" in text:
        return _FLAGS
    if "int" in text:
        return _NUMBERS
    return st.one_of(_TEXT, st.none(), _JUNK)


@st.composite
def rows(draw: st.DrawFn, cls: type[BitrixModel]) -> dict[str, Any]:
    """A row of ``cls`` as the portal sends it: some of its fields (by API name, now and then by attribute
    name), each in one of the forms its type comes in, plus custom and unknown keys."""
    row: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if draw(st.integers(0, 3)) == 0:
            continue
        key = name if info.alias is None or draw(st.integers(0, 9)) == 0 else info.alias
        row[key] = draw(_values_for(cls, name))
    for key in draw(st.lists(st.sampled_from(["UF_CRM_1721244482250", "UF_CRM_HOLDING", "NEW_KEY"]))):
        row[key] = draw(_EXTRAS)
    return row


_ROWS = st.sampled_from(MODELS).flatmap(lambda cls: st.tuples(st.just(cls), rows(cls)))


# ---------------------------------------------------------------------------------------- the checks
@CHECK
@given(_ROWS)
@example(
    (
        Deal,
        {
            "ID": "7",
            "TITLE": "",
            "OPPORTUNITY": "",
            "DATE_CLOSED": "",
            "CLOSEDATE": "",
            "COMPANY_ID": "0",
            "CLOSED": "",
            "UF_CRM_1": "",
        },
    )
)
@example((Lead, {"PHONE": [{"ID": "", "VALUE": "", "VALUE_TYPE": "WORK"}], "EMAIL": "", "HAS_PHONE": ""}))
@example((Deal, {"PROBABILITY": "abc", "OPPORTUNITY": "x", "CLOSED": "maybe", "TITLE": 5}))
def test_a_row_parses_as_it_did(case: tuple[type[BitrixModel], dict[str, Any]]) -> None:
    cls, row = case
    old = _outcome(lambda: old_model(cls).model_validate(row))
    assert _outcome(lambda: cls.model_validate(row)) == old
    assert _outcome(lambda: cls(**row)) == old


def _same_from_bytes(new: tuple[str, Any], old: tuple[str, Any]) -> None:
    """Parsed from bytes: the same values, or a refusal both ways (its wording may say "array" for "list":
    a reader of bytes falls back to the decoded dict for the exact error)."""
    assert new[0] == old[0]
    if new[0] == "ok":
        assert new == old


@CHECK
@given(_ROWS)
def test_json_text_and_pages_of_bytes_parse_as_the_decoded_dict_did(
    case: tuple[type[BitrixModel], dict[str, Any]],
) -> None:
    cls, row = case
    text = json.dumps(row)
    _same_from_bytes(
        _outcome(lambda: cls.model_validate_json(text)),
        _outcome(lambda: old_model(cls).model_validate(json.loads(text))),
    )
    page = json.dumps([row, {}, row]).encode()
    _same_from_bytes(
        _outcome(lambda: TypeAdapter(list[cls]).validate_json(page)),  # type: ignore[valid-type]
        _outcome(lambda: TypeAdapter(list[old_model(cls)]).validate_python(json.loads(page))),  # type: ignore[misc]
    )


def _strict(cls: type[BitrixModel], row: dict[str, Any]) -> tuple[str, Any]:
    """``from_api(row, strict=True)`` as an outcome (its refusal is the ``ValidationError`` it wraps)."""
    try:
        return _outcome(lambda: cls.from_api(row, strict=True))
    except InvalidInputError as exc:
        cause = exc.__cause__
        return ("error", _errors(cause) if isinstance(cause, ValidationError) else repr(exc))


@CHECK
@given(_ROWS)
@example((Lead, {"PHONE": [{"ID": "1", "FOO": 2}], "BAR": 1}))
@example((Contact, {"LINK": [{"VALUE_TYPE": "", "EXTRA": "", "ID": []}], "ID": "x", "EMAIL": [{"ID": "y"}]}))
def test_strict_parsing_refuses_what_it_refused(case: tuple[type[BitrixModel], dict[str, Any]]) -> None:
    cls, row = case
    assert _strict(cls, row) == _outcome(lambda: old_model(cls).model_validate(row, context={"strict": True}))


def test_the_fake_portals_rows_parse_as_they_did() -> None:
    from benchmarks.fake_rows import deal_row, lead_row

    deals = [deal_row(n) for n in range(1, 60)]
    leads = [lead_row(n) for n in range(1, 60)]
    for cls, page in ((Deal, deals), (Lead, leads)):
        body = json.dumps(page).encode()
        expected = _outcome(lambda: [old_model(cls).model_validate(row) for row in page])  # noqa: B023
        assert _outcome(lambda: [cls.model_validate(row) for row in page]) == expected  # noqa: B023
        assert _outcome(lambda: TypeAdapter(list[cls]).validate_json(body)) == expected  # noqa: B023


def _untitled_like(new: Any, old: Any) -> Any:
    """``new`` without the field titles ``old`` lacks (pydantic titles a nested model's field once its
    schema is wrapped; the titles are labels, every type and constraint is compared)."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {
            key: _untitled_like(value, old.get(key))
            for key, value in new.items()
            if not (key == "title" and "title" not in old and "$ref" in json.dumps(new))
        }
    return new


@pytest.mark.parametrize("cls", MODELS)
def test_json_schemas_are_unchanged(cls: type[BitrixModel]) -> None:
    for mode in ("validation", "serialization"):
        old = json.loads(json.dumps(old_model(cls).model_json_schema(mode=mode)).replace("Old", ""))  # type: ignore[arg-type]
        new = cls.model_json_schema(mode=mode)  # type: ignore[arg-type]
        assert _untitled_like(new, old) == old


def test_a_subclass_with_its_own_fields_reads_empty_as_none_too() -> None:
    class Custom(Deal):
        rating: int | None = None
        label: str = "none"
        tags: list[str] | None = None
        when: dt.date | None = None
        price: Decimal | None = None

    empty = dict.fromkeys(["RATING", "TAGS", "WHEN", "PRICE", "UF_A"], "")
    custom = Custom.model_validate(empty)
    assert (custom.rating, custom.tags, custom.when, custom.price, custom["UF_A"]) == (None,) * 5
    with pytest.raises(ValidationError) as caught:
        Custom.model_validate({"LABEL": ""})  # "" reads as None, which a plain str refuses (as before)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("LABEL",), "string_type")]
