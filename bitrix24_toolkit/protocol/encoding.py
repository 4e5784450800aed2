"""PHP-style parameter encoding: one encoder for JSON bodies, form bodies, query strings and batch ``cmd``.

Bitrix24 is PHP; its form and query parameters follow ``http_build_query`` / ``parse_str`` semantics:
nested keys in brackets (``filter[>=DATE_CREATE]``), lists as numeric indices. Everything goes through
:func:`normalize` first, so one filter means the same thing in a JSON body, a form body and a batch
command:

==================  =====================================================
Python value        sent as
==================  =====================================================
``True``/``False``  ``1`` / ``0`` (PHP has no booleans in forms; use ``"Y"``/``"N"`` for CRM flags)
``None``            empty string (the key is kept: a dropped filter key widens the filter)
``[]`` / ``{}``     form: ``key[]=`` (an empty value, so the key survives); JSON: ``[]``
``datetime``        ISO 8601, with its offset when it has one
``date``/``time``   ISO 8601
``Decimal``         its exact decimal string
``Enum``            its value (normalised again)
tuple, set          list (sets sorted for a stable encoding)
==================  =====================================================

:func:`decode_php_query` is the reverse (events, robots and the emulator need it).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from ..errors import InvalidInputError
from .php_query import PhpQueryError, QueryLimits, decode_php_query

__all__ = [
    "PhpQueryError",
    "QueryLimits",
    "decode_php_query",
    "dumps_json",
    "encode_php_pairs",
    "encode_php_query",
    "normalize",
]

# Characters left unescaped inside keys: brackets make the PHP structure readable in logs and batch
# commands; the operator prefixes of filter keys (``>=``, ``!``, ``@``, ``%``) are escaped like any value.
_KEY_SAFE = "[]"
_VALUE_SAFE = ""


#: Deepest nesting of parameters accepted (real filters and fields stay under 10 levels); deeper, or a
#: structure that contains itself, is :class:`InvalidInputError` before anything is sent.
MAX_PARAM_DEPTH = 32
#: PHP integers are 64-bit: a larger int would arrive as an imprecise float (or not at all).
_INT_LIMIT = 2**63


def normalize(value: Any, *, path: str = "params") -> Any:
    """Turn Python values into the JSON/PHP primitives Bitrix24 understands (see the module table)."""
    return _normalize(value, path, 0, set())


def _normalize(value: Any, path: str, depth: int, open_ids: set[int]) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, str):
        return _utf8(value, path)
    if isinstance(value, int):
        if not -_INT_LIMIT <= value < _INT_LIMIT:
            raise InvalidInputError(
                f"{path}: an integer of {value.bit_length()} bits does not fit a PHP integer (64 bits); "
                "pass it as a str",
                field=path,
            )
        return int(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInputError(f"{path}: {value!r} cannot be sent to Bitrix24", field=path)
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInputError(f"{path}: {value!r} cannot be sent to Bitrix24", field=path)
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return _normalize(value.value, path, depth, open_ids)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return _container(value, path, depth, open_ids)
    if isinstance(value, bytes):
        raise InvalidInputError(
            f"{path}: bytes cannot be sent as a parameter; decode it to str (or base64 for files)", field=path
        )
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # pydantic models: the API's names, only what was set
        return _normalize(dump(by_alias=True, exclude_unset=True, mode="json"), path, depth, open_ids)
    raise InvalidInputError(
        f"{path}: value of type {type(value).__name__} cannot be sent to Bitrix24 "
        "(use str, int, float, Decimal, bool, None, date/datetime, Enum, list or dict)",
        field=path,
    )


def _container(value: Any, path: str, depth: int, open_ids: set[int]) -> Any:
    """A dict, list or set normalised: at most :data:`MAX_PARAM_DEPTH` deep, never containing itself."""
    if depth >= MAX_PARAM_DEPTH:
        raise InvalidInputError(
            f"{path[:120]}: parameters nested deeper than {MAX_PARAM_DEPTH} levels", field="params"
        )
    marker = id(value)
    if marker in open_ids:
        raise InvalidInputError(f"{path[:120]}: the parameters contain themselves", field="params")
    open_ids.add(marker)
    try:
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                skey = _key_text(key, path)
                out[skey] = _normalize(item, f"{path}[{skey}]", depth + 1, open_ids)
            return out
        if isinstance(value, list | tuple):
            return [_normalize(item, f"{path}[{i}]", depth + 1, open_ids) for i, item in enumerate(value)]
        items = [_normalize(item, f"{path}[]", depth + 1, open_ids) for item in value]
        return sorted(items, key=lambda v: (type(v).__name__, str(v)))
    finally:
        open_ids.discard(marker)


def _utf8(text: str, path: str) -> str:
    """``text`` unchanged, or :class:`InvalidInputError` when it cannot be sent as UTF-8 (lone surrogates)."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidInputError(
                f"{path}: the text has a character that is not valid Unicode ({exc.object[exc.start]!r} at "
                f"position {exc.start}), usually left by a wrong decoding: decode the source with "
                "errors='replace' or fix its encoding",
                field=path,
            ) from None
    return text


def _key_text(key: Any, path: str) -> str:
    if isinstance(key, bool):
        raise InvalidInputError(f"{path}: a bool cannot be a parameter key", field=path)
    if isinstance(key, enum.Enum):
        key = key.value
    if isinstance(key, str):
        return _utf8(key, path)
    if isinstance(key, int):
        return str(key)
    raise InvalidInputError(f"{path}: key {key!r} must be a str or int", field=path)


def dumps_json(params: Mapping[str, Any] | None) -> bytes:
    """Encode parameters as a compact UTF-8 JSON body, normalised like the form encoder."""
    return json.dumps(normalize(params or {}), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_php_pairs(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Flatten parameters into ``(key, value)`` pairs with PHP bracket keys; no key is ever dropped."""
    pairs: list[tuple[str, str]] = []
    for key, value in normalize(params or {}).items():
        _flatten(key, value, pairs)
    return pairs


def _flatten(prefix: str, value: Any, pairs: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        if not value:
            pairs.append((f"{prefix}[]", ""))
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, pairs)
    elif isinstance(value, list):
        if not value:
            pairs.append((f"{prefix}[]", ""))
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, pairs)
    elif isinstance(value, float):
        pairs.append((prefix, repr(value)))
    else:
        pairs.append((prefix, str(value)))


def encode_php_query(params: Mapping[str, Any] | None) -> str:
    """Encode parameters as a PHP ``http_build_query`` string (form bodies, query strings, batch commands)."""
    return "&".join(
        f"{quote(key, safe=_KEY_SAFE)}={quote(value, safe=_VALUE_SAFE)}"
        for key, value in encode_php_pairs(params)
    )
