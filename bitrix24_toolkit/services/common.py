"""What every service shares: input checks, field names (attribute or API) and parsing of results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, PlainSerializer, ValidationError

from ..errors import InvalidInputError, NotAppliedError, ResponseFormatError, short_repr
from ..models.base import BitrixModel, api_name
from ..models.meta import FieldInfo
from ..models.values import _dump_yes_no
from ..protocol.envelope import APIResponse

__all__ = [
    "MAX_ID",
    "OPERATORS",
    "as_id",
    "check_filter_value",
    "dump_fields",
    "ensure_id",
    "ensure_list",
    "list_params",
    "parse_bool",
    "parse_field_map",
    "parse_int_result",
    "shown_value",
    "split_operator",
    "translate_filter",
    "translate_order",
    "translate_select",
]

M = TypeVar("M", bound=BitrixModel)

#: Filter operator prefixes (reference 5.2), longest first so that ``!=%`` is not read as ``!``.
OPERATORS = ("!=%", "!%=", "!@", "!%", "!=", ">=", "<=", "=%", "%=", "!", ">", "<", "@", "%", "=")


# ----------------------------------------------------------------------------------------- inputs
#: The largest id a portal can hold (a signed 64-bit column); anything larger is refused before sending.
MAX_ID = 2**63 - 1


def ensure_id(value: Any, name: str = "id") -> int:
    """A positive integer id (at most :data:`MAX_ID`), or :class:`InvalidInputError` before any request."""
    number = as_id(value)
    if number is None:
        shown = shown_value(value)
        raise InvalidInputError(f"{name} must be a positive integer, not {shown}", field=name)
    return number


def shown_value(value: Any, limit: int = 60) -> str:
    """A short ``repr`` for an error message (see :func:`~bitrix24_toolkit.errors.short_repr`)."""
    return short_repr(value, limit)


def as_id(value: Any) -> int | None:
    """``value`` as an id: an int or a string of ASCII digits, positive and at most :data:`MAX_ID`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 19:
            number = int(text)
            return number if 0 < number <= MAX_ID else None
    return None


def ensure_list(value: Any, name: str, what: str = "ids") -> list[Any]:
    """A list/tuple/iterable of items as a list; a str, bytes, dict or None is refused before any request."""
    if value is None or isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"{name} must be a list of {what} (such as [1, 2]), not {type(value).__name__}",
            field=name,
        )
    return list(value)


# ------------------------------------------------------------------------------------------ names
def split_operator(key: str) -> tuple[str, str]:
    """``">=DATE_CREATE"`` -> ``(">=", "DATE_CREATE")``."""
    for op in OPERATORS:
        if key.startswith(op) and len(key) > len(op):
            return op, key[len(op) :]
    return "", key


def translate_select(model: type[BaseModel], select: Iterable[str] | None) -> list[str] | None:
    """Select names as the API wants them (``stage_id`` -> ``STAGE_ID``; ``*``, ``UF_*`` kept)."""
    if select is None:
        return None
    if isinstance(select, str | bytes) or not isinstance(select, Iterable) or isinstance(select, Mapping):
        raise InvalidInputError(
            f"select must be a list of field names, not {type(select).__name__}", field="select"
        )
    names = list(select)
    for name in names:
        if not isinstance(name, str) or not name or len(name) > 200:
            raise InvalidInputError(
                f"select must hold field names (non-empty str), not {repr(name)[:60]}", field="select"
            )
    return [api_name(model, name) for name in names]


def check_filter_value(key: str, value: Any) -> None:
    """Refuse filter values the portal would misread: ``None`` and empty lists.

    An empty list (``{"@ID": []}``) reads as "match nothing" in Python, but a PHP filter with an empty array
    may drop the condition and match *everything* (unconfirmed for every method: refused as the tolerant
    choice, since a bulk delete built on it would hit every record). JSON ``null`` has no filter meaning.
    """
    if value is None:
        raise InvalidInputError(
            f"filter[{key}] is None: Bitrix24 filters have no null; use '' (or False) to match an empty "
            "field, or leave the key out",
            field=f"filter[{key}]",
        )
    if isinstance(value, list | tuple | set | frozenset) and not value:
        raise InvalidInputError(
            f"filter[{key}] is an empty list: the portal may ignore the condition and match every record; "
            "skip the call when there is nothing to look for",
            field=f"filter[{key}]",
        )


#: nesting of logic groups in a filter (``{"0": {"logic": "OR", "0": {...}}}``); real filters use 2 or 3
MAX_FILTER_DEPTH = 8


def translate_filter(
    model: type[BaseModel], flt: Mapping[str, Any] | None, _depth: int = 0
) -> dict[str, Any] | None:
    """Filter keys as the API wants them, operator prefixes kept (``>=date_create`` -> ``>=DATE_CREATE``)."""
    if flt is None:
        return None
    if not isinstance(flt, Mapping):
        raise InvalidInputError(f"filter must be a dict, not {type(flt).__name__}", field="filter")
    if _depth > MAX_FILTER_DEPTH:  # also what a filter that contains itself comes to
        raise InvalidInputError(
            f"filter groups nest deeper than {MAX_FILTER_DEPTH} levels (or the filter contains itself)",
            field="filter",
        )
    out: dict[str, Any] = {}
    for key, value in flt.items():
        if isinstance(value, Mapping) and (str(key).isdigit() or str(key).lower() == "logic"):
            out[key] = translate_filter(model, value, _depth + 1)  # crm.item.list logic groups
            continue
        if not isinstance(key, str) or not key:
            raise InvalidInputError(f"filter keys must be field names, not {key!r}"[:120], field="filter")
        check_filter_value(key, value)
        op, name = split_operator(key)
        out[op + api_name(model, name)] = _filter_value(model, name, value)
    return out


def _is_yes_no(model: type[BaseModel], name: str) -> bool:
    info = model.model_fields.get(name)
    if info is None:
        info = next((f for f in model.model_fields.values() if f.alias == name), None)
    return info is not None and any(
        isinstance(meta, PlainSerializer) and meta.func is _dump_yes_no for meta in info.metadata
    )


def _filter_value(model: type[BaseModel], name: str, value: Any) -> Any:
    """``True``/``False`` on a Y/N field filter as ``"Y"``/``"N"`` (PHP would read 1/0 and match nothing)."""
    if isinstance(value, bool) and _is_yes_no(model, name):
        return "Y" if value else "N"
    if isinstance(value, list | tuple) and _is_yes_no(model, name):
        return [("Y" if v else "N") if isinstance(v, bool) else v for v in value]
    return value


def translate_order(model: type[BaseModel], order: Mapping[str, str] | None) -> dict[str, str] | None:
    """Order keys as the API wants them; directions checked (``ASC``/``DESC``, any case)."""
    if order is None:
        return None
    if not isinstance(order, Mapping):
        raise InvalidInputError(
            f"order must be a dict such as {{'ID': 'ASC'}}, not {type(order).__name__}", field="order"
        )
    out: dict[str, str] = {}
    for key, direction in order.items():
        if not isinstance(key, str) or not key:
            raise InvalidInputError(f"order keys must be field names, not {key!r}"[:120], field="order")
        if not isinstance(direction, str) or direction.upper() not in ("ASC", "DESC"):
            raise InvalidInputError(
                f"order[{key}] must be 'ASC' or 'DESC', not {short_repr(direction)}", field=f"order[{key}]"
            )
        out[api_name(model, key)] = str(direction).upper()
    return out


def list_params(
    model: type[BaseModel],
    filter: Mapping[str, Any] | None,
    select: Iterable[str] | None,
    order: Mapping[str, str] | None,
) -> dict[str, Any]:
    """``filter``/``select``/``order`` under the API's names, absent ones left out."""
    params: dict[str, Any] = {}
    for key, value in (
        ("filter", translate_filter(model, filter)),
        ("select", translate_select(model, select)),
        ("order", translate_order(model, order)),
    ):
        if value is not None:
            params[key] = value
    return params


def dump_fields(model: type[M], fields: M | Mapping[str, Any]) -> dict[str, Any]:
    """Fields to write, under the API's names and in the portal's forms; bad values -> InvalidInputError."""
    if isinstance(fields, BitrixModel):
        return fields.to_api()
    if not isinstance(fields, Mapping):
        raise InvalidInputError(
            f"fields must be a {model.__name__} or a dict, not {type(fields).__name__}", field="fields"
        )
    try:
        return model.model_validate(dict(fields)).to_api()
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem.get("loc", ())) or "fields"
        raise InvalidInputError(
            f"{model.__name__} field {where}: {problem.get('msg')} (got {problem.get('input')!r})",
            field=where,
        ) from exc


# ------------------------------------------------------------------------------------------ parse
def parse_int_result(response: APIResponse) -> int:
    """An ``add`` result: the new id."""
    value = response.result
    if isinstance(value, Mapping) and isinstance(
        value.get("item"), Mapping
    ):  # {"item": {"id": 5}} (crm.item)
        value = value["item"]
    if isinstance(value, Mapping):  # {"id": 5} (todo)
        value = value.get("id", value.get("ID"))
    number = as_id(value)
    if number is None:  # true is no id (int(True) would be 1): the write's outcome is unknown
        shown = repr(value)[:200]
        raise ResponseFormatError(
            f"expected a new id (a positive integer), got {shown}: the record may or may not have been "
            "created; check the portal before adding it again",
            status_code=None,
            snippet=shown,
            method=None,
        )
    return number


#: What ``update``/``delete``/``set`` answers when done: ``true`` (``[]`` from ``crm.item.delete``;
#: ``1``/``"1"``/``"Y"`` from PHP code that returns its truth as a number or a flag).
_DONE: tuple[Any, ...] = (True, 1, "1", "Y", "y", "true")
#: ... and when not done.
_NOT_DONE: tuple[Any, ...] = (False, 0, "0", "N", "n", "false", "")


def parse_bool(response: APIResponse) -> bool:
    """An ``update``/``delete`` result: ``True`` for its documented success value, else a typed error.

    ``false`` raises :class:`NotAppliedError` (nothing was changed); an answer that is neither (``null``,
    an object) raises :class:`ResponseFormatError`. So a bulk write counts an item ``ok`` only when the
    portal said it was done.
    """
    value = response.result
    if value == [] or (type(value) in (bool, int, str) and value in _DONE):
        return True
    if type(value) in (bool, int, str) and value in _NOT_DONE:
        raise NotAppliedError(f"the portal answered {value!r}: the write was not applied", result=value)
    shown = repr(value)[:200]
    raise ResponseFormatError(
        f"expected true for a done write, got {shown}", status_code=None, snippet=shown, method=None
    )


def parse_field_map(response: APIResponse) -> dict[str, FieldInfo]:
    """A ``*.fields`` answer (``crm.item.fields`` wraps it in ``fields``)."""
    raw = response.result
    if isinstance(raw, Mapping) and set(raw) == {"fields"} and isinstance(raw["fields"], Mapping):
        raw = raw["fields"]
    if not isinstance(raw, Mapping):
        return {}
    return {
        str(name): FieldInfo.model_validate(info) for name, info in raw.items() if isinstance(info, Mapping)
    }
