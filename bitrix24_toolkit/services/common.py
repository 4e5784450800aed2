"""What every service shares: input checks, field names (attribute or API) and parsing of results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, PlainSerializer, ValidationError

from ..errors import InvalidInputError, ResponseFormatError
from ..models.base import BitrixModel, api_name
from ..models.meta import FieldInfo
from ..models.values import _dump_yes_no
from ..protocol.envelope import APIResponse

__all__ = [
    "OPERATORS",
    "check_filter_value",
    "dump_fields",
    "ensure_id",
    "ensure_list",
    "list_params",
    "parse_bool",
    "parse_field_map",
    "parse_int_result",
    "split_operator",
    "translate_filter",
    "translate_order",
    "translate_select",
]

M = TypeVar("M", bound=BitrixModel)

#: Filter operator prefixes (reference 5.2), longest first so that ``!=%`` is not read as ``!``.
OPERATORS = ("!=%", "!%=", "!@", "!%", "!=", ">=", "<=", "=%", "%=", "!", ">", "<", "@", "%", "=")


# ----------------------------------------------------------------------------------------- inputs
def ensure_id(value: Any, name: str = "id") -> int:
    """A positive integer id, or :class:`InvalidInputError` before any request."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInputError(f"{name} must be a positive integer, not {value!r}", field=name)
    try:
        number = int(value)
    except ValueError:
        raise InvalidInputError(f"{name} must be a positive integer, not {value!r}", field=name) from None
    if number <= 0:
        raise InvalidInputError(f"{name} must be a positive integer, not {value!r}", field=name)
    return number


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
    if isinstance(select, str):
        raise InvalidInputError("select must be a list of field names, not a str", field="select")
    return [api_name(model, name) for name in select]


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


def translate_filter(model: type[BaseModel], flt: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Filter keys as the API wants them, operator prefixes kept (``>=date_create`` -> ``>=DATE_CREATE``)."""
    if flt is None:
        return None
    if not isinstance(flt, Mapping):
        raise InvalidInputError(f"filter must be a dict, not {type(flt).__name__}", field="filter")
    out: dict[str, Any] = {}
    for key, value in flt.items():
        if isinstance(value, Mapping) and (str(key).isdigit() or str(key).lower() == "logic"):
            out[key] = translate_filter(model, value)  # crm.item.list logic groups
            continue
        check_filter_value(str(key), value)
        op, name = split_operator(str(key))
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
    out: dict[str, str] = {}
    for key, direction in order.items():
        if str(direction).upper() not in ("ASC", "DESC"):
            raise InvalidInputError(
                f"order[{key}] must be 'ASC' or 'DESC', not {direction!r}", field=f"order[{key}]"
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
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ResponseFormatError(
            f"expected a new id, got {value!r}", status_code=None, snippet=repr(value)[:200], method=None
        ) from None


def parse_bool(response: APIResponse) -> bool:
    """An ``update``/``delete`` result: ``true`` (``[]`` from ``crm.item.delete`` counts as done)."""
    value = response.result
    return bool(value) or value == []


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
