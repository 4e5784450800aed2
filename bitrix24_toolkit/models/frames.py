"""Rows to a ``pandas.DataFrame`` with real dtypes (pandas is the optional ``pandas`` extra, imported lazily).

A column's kind comes from the model's annotation (``Money`` -> decimal, ``DateTime`` -> datetime ...) or,
for custom fields and rows without a model, from a ``*.fields`` description (``double``, ``datetime``,
``char``/``boolean``, ``integer``/``user``/``crm_*`` links, ``crm_multifield``). The dtypes:

========================  ==========================================================================
kind                      column
========================  ==========================================================================
money / decimals          ``float64`` (``money="decimal"``: Python ``Decimal`` objects, dtype object)
datetimes                 ``datetime64[ns, tz]``: the instant kept; tz is the one offset every value has
                          (``+03:00``), else UTC, or ``tz=`` (``"Europe/Moscow"``)
dates                     ``datetime64[ns]`` (a calendar day has no instant)
Y/N flags                 pandas ``boolean`` (missing: ``<NA>``)
ids and whole numbers     nullable ``Int64``
multifields (``PHONE``)   ``PHONE``: the first ``VALUE``; ``PHONE_all``: every entry as a dict
========================  ==========================================================================

Other columns (text, lists, nested objects) are left to pandas. Labels of a ``*.fields`` description
(``listLabel``/``formLabel``/``title``) land in ``df.attrs["labels"]`` (column -> label).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import math
import types
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from ..errors import InvalidInputError, short_repr
from .crm import CrmEntity, Multifield
from .item_keys import item_to_legacy
from .meta import FieldInfo
from .values import parse_date, parse_datetime, parse_decimal, parse_int, parse_yes_no

__all__ = ["ALL_SUFFIX", "column_kinds", "to_dataframe"]

#: the suffix of the column that keeps every entry of a multifield (``PHONE_all``)
ALL_SUFFIX: Final = "_all"
_EXTRA: Final = 'to_dataframe() needs pandas: pip install "bitrix24-toolkit[pandas]"'

Kind = Literal["decimal", "datetime", "date", "bool", "int", "multi", "other"]

#: ``*.fields`` types (reference 5.3 and the user-field types) -> column kind
FIELD_TYPE_KINDS: Final[dict[str, Kind]] = {
    "double": "decimal",
    "float": "decimal",
    "integer": "int",
    "int": "int",
    "user": "int",
    "employee": "int",
    "enumeration": "int",
    "crm_company": "int",
    "crm_contact": "int",
    "crm_lead": "int",
    "crm_deal": "int",
    "crm_quote": "int",
    "crm_category": "int",
    "location": "int",
    "datetime": "datetime",
    "date": "date",
    "char": "bool",
    "boolean": "bool",
    "crm_multifield": "multi",
}


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")  # the optional extra, imported only when used
    except ImportError as exc:
        raise ImportError(_EXTRA) from exc


# ------------------------------------------------------------------------------------------ kinds
def _annotation_kind(annotation: Any) -> Kind:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) != 1:
            return "other"
        annotation = args[0]
    if annotation is Decimal:
        return "decimal"
    if annotation is dt.datetime:
        return "datetime"
    if annotation is dt.date:
        return "date"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if typing.get_origin(annotation) is list and typing.get_args(annotation) == (Multifield,):
        return "multi"
    return "other"


@functools.cache
def column_kinds(model: type[BaseModel]) -> dict[str, Kind]:
    """The kind of every declared field of a model, under its API name, ``ID`` first."""
    kinds = {
        (info.alias or name): _annotation_kind(info.annotation) for name, info in model.model_fields.items()
    }
    first = [name for name in ("ID", "id") if name in kinds]
    return {**{name: kinds[name] for name in first}, **kinds}


def _descriptions(fields: Any) -> tuple[dict[str, Kind], dict[str, str]]:
    """Kinds and labels of a ``*.fields`` description, under its names and their legacy ``upper_name``."""
    if fields is None:
        return {}, {}
    if not isinstance(fields, Mapping):
        raise InvalidInputError(
            f"fields must be a *.fields description (a dict such as b24.crm.deal.fields()), not "
            f"{type(fields).__name__}",
            field="fields",
        )
    kinds: dict[str, Kind] = {}
    labels: dict[str, str] = {}
    for name, raw in fields.items():
        try:
            info = raw if isinstance(raw, FieldInfo) else FieldInfo.model_validate(raw)
        except ValidationError as exc:
            raise InvalidInputError(
                f"fields[{name}]: not a field description ({exc.errors()[0]['msg']})", field="fields"
            ) from exc
        kind = (
            "other" if info.is_multiple and info.type != "crm_multifield" else FIELD_TYPE_KINDS.get(info.type)
        )
        for key in dict.fromkeys([str(name), info.upper_name or str(name)]):
            kinds[key] = kind or "other"
            if info.label:
                labels[key] = info.label
    return kinds, labels


# ------------------------------------------------------------------------------------------- rows
def _parse(model: type[BaseModel], row: Mapping[str, Any], index: int) -> BaseModel:
    data: Mapping[str, Any] = row
    if issubclass(model, CrmEntity) and any(not str(key).isupper() for key in row):
        data = item_to_legacy(model.entity_type_id, row)  # a raw crm.item row: camelCase names
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem.get("loc", ())) or "row"
        raise InvalidInputError(
            f"rows[{index}] is no {model.__name__}: {where}: {problem.get('msg')} "
            f"(got {short_repr(problem.get('input'))})",
            field=where,
        ) from exc


def _records(rows: list[Any], model: type[BaseModel] | None, typed_by_fields: bool) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        if isinstance(row, BaseModel):
            records.append(row.model_dump(by_alias=True))
        elif isinstance(row, Mapping):
            if model is not None:
                records.append(_parse(model, row, index).model_dump(by_alias=True))
            elif typed_by_fields:
                records.append({str(key): value for key, value in row.items()})
            else:
                raise InvalidInputError(
                    "raw rows need model= or fields= to get real types (e.g. model=Deal or "
                    "fields=b24.crm.deal.fields()); list_all() results know their model",
                    field="rows",
                )
        else:
            raise InvalidInputError(
                f"rows[{index}] must be a model or a dict, not {type(row).__name__}", field="rows"
            )
    return records


# ---------------------------------------------------------------------------------------- columns
def _checked(column: str, values: list[Any], parse: typing.Callable[[Any], Any]) -> list[Any]:
    out = []
    for value in values:
        try:
            out.append(parse(value))
        except ValueError as exc:
            raise InvalidInputError(f"column {column}: {exc}", field=column) from exc
    return out


def _zone(values: list[dt.datetime | None], tz: dt.tzinfo | None) -> dt.tzinfo:
    if tz is not None:
        return tz
    offsets = {value.utcoffset() for value in values if value is not None and value.tzinfo is not None}
    only = offsets.pop() if len(offsets) == 1 else None
    return dt.timezone(only) if only is not None else dt.UTC


def _datetimes(pd: Any, values: list[dt.datetime | None], tz: dt.tzinfo | None) -> Any:
    zone = _zone(values, tz)
    aware = [None if v is None else (v if v.tzinfo is not None else v.replace(tzinfo=zone)) for v in values]
    moments = pd.to_datetime(pd.Series(aware, dtype=object), utc=True)
    return moments.dt.tz_convert(zone).dt.as_unit("ns")


def _first_value(entries: list[dict[str, Any]]) -> Any:
    return next((entry.get("VALUE") for entry in entries if entry.get("VALUE")), None)


def _entries(column: str, value: Any) -> list[dict[str, Any]]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return [
            (item if isinstance(item, Multifield) else Multifield.model_validate(item)).model_dump(
                by_alias=True
            )
            for item in items
        ]
    except ValidationError as exc:
        raise InvalidInputError(
            f"column {column}: not a multifield list ({short_repr(value)})", field=column
        ) from exc


def _columns(
    pd: Any, column: str, kind: Kind, values: list[Any], money: str, tz: dt.tzinfo | None
) -> dict[str, Any]:
    """The column (two for a multifield) of one field."""
    if kind == "decimal":
        numbers = _checked(column, values, parse_decimal)
        if money == "decimal":
            return {column: pd.Series(numbers, dtype=object)}
        return {column: pd.Series([math.nan if n is None else float(n) for n in numbers], dtype="float64")}
    if kind == "datetime":
        return {column: _datetimes(pd, _checked(column, values, parse_datetime), tz)}
    if kind == "date":
        days = _checked(column, values, parse_date)
        return {column: pd.to_datetime(pd.Series(days, dtype=object)).astype("datetime64[ns]")}
    if kind == "bool":
        return {column: pd.Series(pd.array(_checked(column, values, parse_yes_no), dtype="boolean"))}
    if kind == "int":
        return {column: pd.Series(pd.array(_checked(column, values, parse_int), dtype="Int64"))}
    if kind == "multi":
        lists = [_entries(column, value) for value in values]
        return {
            column: pd.Series([_first_value(entries) for entries in lists], dtype=object),
            column + ALL_SUFFIX: pd.Series(lists, dtype=object),
        }
    return {column: pd.Series(values, dtype=object) if not values else pd.Series(values)}


def _loose(kind: Kind, values: list[Any]) -> Kind:
    """A description's ``char`` may be any one-letter code, not only Y/N: such a column stays as sent."""
    if kind != "bool":
        return kind
    try:
        [parse_yes_no(value) for value in values]
    except ValueError:
        return "other"
    return kind


def _zone_of(tz: Any) -> dt.tzinfo | None:
    if tz is None or isinstance(tz, dt.tzinfo):
        return tz
    if isinstance(tz, str) and tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInputError(f"tz: unknown time zone {short_repr(tz)}", field="tz") from exc
    raise InvalidInputError(f"tz must be a time zone name or a tzinfo, not {short_repr(tz)}", field="tz")


def to_dataframe(
    rows: Iterable[BaseModel | Mapping[str, Any]],
    *,
    model: type[BaseModel] | None = None,
    fields: Mapping[str, FieldInfo | Mapping[str, Any]] | None = None,
    money: Literal["float", "decimal"] = "float",
    tz: str | dt.tzinfo | None = None,
) -> Any:
    """Rows (models, or raw dicts typed by ``model``/``fields``) as a ``pandas.DataFrame`` with real dtypes.

    Columns carry the API's names (``OPPORTUNITY``, ``UF_CRM_*``); raw ``crm.item`` rows are renamed to the
    same legacy names as their models. ``fields`` (a ``*.fields`` description) types custom fields and
    fills ``df.attrs["labels"]``. An empty input gives the model's columns, no rows.
    """
    pd = _pandas()
    if isinstance(rows, BaseModel | Mapping | str | bytes) or not isinstance(rows, Iterable):
        raise InvalidInputError(
            f"rows must be a list of models or dicts (such as list_all()), not {type(rows).__name__}",
            field="rows",
        )
    if money not in ("float", "decimal"):
        raise InvalidInputError(f"money must be 'float' or 'decimal', not {short_repr(money)}", field="money")
    if model is not None and not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise InvalidInputError(
            f"model must be a model class such as Deal, not {short_repr(model)}", field="model"
        )
    zone = _zone_of(tz)
    if model is None and isinstance(rows, list):  # a list_all() result knows its model
        model = getattr(rows, "model", None)
    rows = list(rows)
    if model is None:
        model = next((type(row) for row in rows if isinstance(row, BaseModel)), None)
    described, labels = _descriptions(fields)
    records = _records(rows, model, fields is not None)
    declared = column_kinds(model) if model is not None else {}
    names = dict.fromkeys(declared)
    for record in records:
        names.update(dict.fromkeys(record))
    columns: dict[str, Any] = {}
    for name in names:
        values = [record.get(name) for record in records]
        kind = declared.get(name) or _loose(described.get(name, "other"), values)
        columns.update(_columns(pd, name, kind, values, money, zone))
    frame = pd.DataFrame(columns) if columns else pd.DataFrame()
    shown: dict[str, str] = {}
    for column in frame.columns:
        label = labels.get(column) or labels.get(column.removesuffix(ALL_SUFFIX))  # PHONE_all: PHONE's
        if label:
            shown[column] = label
    frame.attrs["labels"] = shown
    return frame
