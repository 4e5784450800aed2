"""What every service shares: field names (attribute or API), field safety, and parsing of results."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, PlainSerializer, ValidationError

from ..errors import InvalidInputError, ResponseFormatError
from ..models.base import BitrixModel, api_name
from ..models.meta import FieldInfo, Page
from ..models.values import _dump_yes_no
from ..protocol.envelope import APIResponse

__all__ = [
    "OPERATORS",
    "FieldCache",
    "check_fields",
    "check_filter_value",
    "dump_fields",
    "list_params",
    "page_parser",
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
#: System fields companies and contacts may write with ``params={"IMPORT": "Y"}`` (reference 5.2).
IMPORT_FIELDS = frozenset({"DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID"})


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


# ----------------------------------------------------------------------------------- field safety
class FieldCache:
    """Per-client cache of ``*.fields`` descriptions used to check writes; ``enabled=False`` skips checks."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._data: dict[str, dict[str, FieldInfo]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, FieldInfo] | None:
        """The cached description of an entity's fields, if loaded."""
        with self._lock:
            return self._data.get(key)

    def put(self, key: str, fields: dict[str, FieldInfo]) -> None:
        """Remember an entity's fields."""
        with self._lock:
            self._data[key] = fields

    def clear(self) -> None:
        """Forget everything (after adding custom fields, for example)."""
        with self._lock:
            self._data.clear()


def check_fields(
    where: str,
    known: Mapping[str, FieldInfo],
    data: Mapping[str, Any],
    *,
    updating: bool,
    allowed: Iterable[str] = (),
    hints: Mapping[str, str] | None = None,
) -> None:
    """Refuse keys the portal would silently drop: unknown, read-only, or immutable on update."""
    allow = set(allowed)
    for key in data:
        info = known.get(key)
        if info is None:
            choices = difflib.get_close_matches(key.upper(), list(known), n=1, cutoff=0.6)
            nearest = f"; did you mean {choices[0]!r}?" if choices else ""
            raise InvalidInputError(
                f"{where}: unknown field {key!r} (the portal would silently ignore it){nearest}", field=key
            )
        if key in allow:
            continue
        hint = f" ({hints[key]})" if hints and key in hints else ""
        if info.is_read_only:
            raise InvalidInputError(f"{where}: field {key!r} is read-only{hint}", field=key)
        if updating and info.is_immutable:
            raise InvalidInputError(
                f"{where}: field {key!r} cannot be changed after creation{hint}", field=key
            )


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


def page_parser(
    parse_row: Callable[[Mapping[str, Any]], M], *, wrapper: str | None = None
) -> Callable[[APIResponse], Page[M]]:
    """A parser of list answers into a typed :class:`Page` (``wrapper``: ``items`` for ``crm.item.list``)."""

    def parse(response: APIResponse) -> Page[M]:
        rows: Any = response.result
        if wrapper is not None and isinstance(rows, Mapping):
            rows = rows.get(wrapper, [])
        if isinstance(rows, Mapping):  # PHP renders a gapped array as an object
            rows = list(rows.values())
        items = [parse_row(row) for row in (rows or []) if isinstance(row, Mapping)]
        return Page(items=items, total=response.total, next=response.next)

    return parse


def chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """Consecutive slices of at most ``size`` values."""
    return [values[i : i + size] for i in range(0, len(values), size)]
