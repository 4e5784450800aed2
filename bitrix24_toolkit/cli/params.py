"""Parameters typed on the command line, PHP style: ``id=5 filter[>ID]=5 select[]=ID fields:='{...}'``.

``key=value`` pairs are decoded by the one PHP decoder, :func:`~bitrix24_toolkit.protocol.decode_php_query`
(``a[]=x`` appends, ``a[b]=x`` nests, values stay strings);
``key:=JSON`` puts a JSON value (number, list, object, ``true``, ``null``) at that place instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from ..errors import InvalidInputError
from ..protocol import decode_php_query

__all__ = ["parse_filter", "parse_params", "parse_select"]

#: marks where a JSON value goes until the PHP decoder has built the structure around it
_PLACEHOLDER: Final = "\x00b24-json-{}\x00"


#: characters of the operator prefixes of filter keys (``>=``, ``!@``, ``%`` ...)
_OPERATORS: Final = "!<>=@%?"


def _split(arg: str, *, operators: bool = False) -> tuple[str, str, bool]:
    """``(key, value, is_json)`` of one ``key=value`` or ``key:=json`` argument.

    The separator is the first ``=`` outside brackets (``filter[>=DATE_CREATE]=2024-01-01``) and, with
    ``operators``, after the key's operator prefix (``>=DATE_CREATE=2024-01-01``).
    """
    start = len(arg) - len(arg.lstrip(_OPERATORS)) if operators else 0
    depth = 0
    for index in range(start, len(arg)):
        char = arg[index]
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "=" and depth == 0:
            key, value = arg[:index], arg[index + 1 :]
            is_json = key.endswith(":")
            key = key.removesuffix(":")
            if key.lstrip(_OPERATORS if operators else ""):
                return key, value, is_json
            break
    raise InvalidInputError(
        f"expected key=value or key:=JSON, got {arg!r} (e.g. id=5, filter[>ID]=5, select[]=ID)",
        field=arg,
    )


def _json_value(key: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{key}:= needs a JSON value, got {text!r} ({exc.msg}); quote strings: {key}:='\"text\"'",
            field=key,
        ) from None
    except (ValueError, RecursionError):  # nested too deep, a number over Python's digit limit
        raise InvalidInputError(
            f"{key}:= needs a JSON value of reasonable size and depth, got {text[:60]!r}", field=key
        ) from None


def _substitute(value: Any, found: dict[str, Any]) -> Any:
    if isinstance(value, str) and value in found:
        return found[value]
    if isinstance(value, dict):
        return {k: _substitute(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, found) for v in value]
    return value


def parse_params(args: Iterable[str]) -> dict[str, Any]:
    """A call's parameters from ``key=value`` / ``key:=JSON`` arguments (later keys win, ``[]`` appends)."""
    pairs: list[tuple[str, str]] = []
    found: dict[str, Any] = {}
    for arg in args:
        key, text, is_json = _split(arg)
        if is_json:
            marker = _PLACEHOLDER.format(len(found))
            found[marker] = _json_value(key, text)
            text = marker
        pairs.append((key, text))
    decoded = decode_php_query(pairs)
    result = _substitute(decoded, found)
    assert isinstance(result, dict)
    return result


def parse_filter(items: Sequence[str]) -> dict[str, Any]:
    """A filter from ``--filter`` options: ``KEY=VALUE`` (operator prefixes kept: ``>OPPORTUNITY=1000``,
    ``@ID=1,2,3`` gives a list), ``KEY:=JSON``, or one JSON object."""
    result: dict[str, Any] = {}
    for item in items:
        text = item.strip()
        if text.startswith("{"):
            result.update(_json_value("--filter", text))  # starts with "{": an object or an error
            continue
        key, value_text, is_json = _split(text, operators=True)
        if is_json:
            result[key] = _json_value(key, value_text)
        elif key.startswith(("@", "!@")):
            result[key] = [part.strip() for part in value_text.split(",") if part.strip()]
        else:
            result[key] = value_text
    return result


def parse_select(items: Sequence[str]) -> list[str] | None:
    """Field names from ``--select ID,TITLE --select STAGE_ID`` (``None`` when none were given)."""
    names = [name.strip() for item in items for name in item.split(",") if name.strip()]
    return names or None
