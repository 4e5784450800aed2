"""``from_api(data, strict=True)``: keys a model does not know (custom fields excepted) are refused.

The check runs in Python around a normal (native) validation, never inside it, so the everyday path pays
nothing for it. The refusal is the ``ValidationError`` a ``mode="before"`` model validator raising
``ValueError("unknown fields for Lead: FOO")`` in every model gave: a model with unknown keys is refused
as a whole (one error at its path: ``()`` for the model itself, ``("PHONE", 0)`` for a nested one, and
nothing from inside it), in the order pydantic reports the other fields' errors.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

__all__ = ["known_names", "refuse_unknown"]

Loc = tuple[str | int, ...]
Accepts = Callable[[type[BaseModel], str], bool]
Refused = tuple[Loc, Any, type[BaseModel], list[str]]
_KNOWN_ERRORS = frozenset(typing.get_args(ErrorType))


def known_names(cls: type[BaseModel]) -> set[str]:
    """The attribute names and API names (aliases) of a model's declared fields."""
    names: set[str] = set()
    for attribute, info in cls.model_fields.items():
        names.add(attribute)
        if info.alias:
            names.add(info.alias)
    return names


def refuse_unknown(
    cls: type[BaseModel], data: Any, validate: Callable[[], BaseModel], accepts: Accepts
) -> BaseModel:
    """``validate()`` (the model parsed from ``data``) unless a key of ``data`` or of a nested model's input
    is unknown and not accepted (``accepts(model, key)``: a custom field)."""
    refused = list(_refused(cls, data, (), accepts))
    if refused and refused[0][0] == ():
        raise _error(cls, [_line(refused[0])])  # the model itself: refused before any field is read
    try:
        result = validate()
    except ValidationError as exc:
        if not refused:
            raise
        kept = [e for e in exc.errors() if not any(e["loc"][: len(r[0])] == r[0] for r in refused)]
        lines = [_relayed(e) for e in kept] + [_line(r) for r in refused]
        lines.sort(key=lambda line: _position(cls, line["loc"]))
        raise _error(cls, lines) from None
    if refused:
        raise _error(cls, [_line(r) for r in refused])
    return result


def _unknown(cls: type[BaseModel], data: Mapping[Any, Any], accepts: Accepts) -> list[str]:
    known = known_names(cls)
    return [str(key) for key in data if key not in known and not accepts(cls, str(key))]


def _refused(cls: type[BaseModel], data: Any, loc: Loc, accepts: Accepts) -> Iterator[Refused]:
    """The inputs of ``cls`` and of the models nested in it (by their declared types) with unknown keys."""
    if not isinstance(data, Mapping):
        return
    keys = _unknown(cls, data, accepts)
    if keys:
        yield loc, data, cls, keys
        return  # a model refused as a whole reports nothing inside it
    for name, info in cls.model_fields.items():
        key = info.alias if info.alias is not None and info.alias in data else name
        if key in data:
            yield from _inside(info.annotation, data[key], (*loc, key), accepts)


def _inside(annotation: Any, data: Any, loc: Loc, accepts: Accepts) -> Iterator[Refused]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _refused(annotation, data, loc, accepts)
    elif origin in (Union, types.UnionType):
        models = [arg for arg in args if arg is not type(None)]
        if len(models) == 1:
            yield from _inside(models[0], data, loc, accepts)
    elif origin in (list, tuple, set, frozenset) and args and isinstance(data, list | tuple):
        for index, item in enumerate(data):
            yield from _inside(args[0], item, (*loc, index), accepts)
    elif origin is dict and len(args) == 2 and isinstance(data, Mapping):
        for key, item in data.items():
            yield from _inside(args[1], item, (*loc, key), accepts)


def _position(cls: type[BaseModel] | None, loc: Loc) -> tuple[int, ...]:
    """Where pydantic reports an error at ``loc``: declared fields in order, then extras; items in order."""
    place: list[int] = []
    for part in loc:
        if isinstance(part, int):
            place.append(part)
            continue
        fields = list(cls.model_fields.items()) if cls is not None else []
        index = next((i for i, (n, f) in enumerate(fields) if part in (n, f.alias)), len(fields))
        place.append(index)
        cls = _model_of(fields[index][1].annotation) if index < len(fields) else None
    return tuple(place)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    found = [m for m in map(_model_of, typing.get_args(annotation)) if m is not None]
    return found[0] if len(found) == 1 else None


def _line(refused: Refused) -> InitErrorDetails:
    loc, given, model, keys = refused
    error = ValueError(f"unknown fields for {model.__name__}: {', '.join(keys)}")
    return {"type": "value_error", "loc": loc, "input": given, "ctx": {"error": error}}


def _relayed(error: ErrorDetails) -> InitErrorDetails:
    line: InitErrorDetails = {
        "type": error["type"]
        if error["type"] in _KNOWN_ERRORS
        else PydanticCustomError(error["type"], error["msg"]),
        "loc": error["loc"],
        "input": error["input"],
    }
    if "ctx" in error and error["type"] in _KNOWN_ERRORS:
        line["ctx"] = error["ctx"]
    return line


def _error(cls: type[BaseModel], lines: list[InitErrorDetails]) -> ValidationError:
    return ValidationError.from_exception_data(cls.__pydantic_validator__.title, lines)
