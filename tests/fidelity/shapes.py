"""A small language for documented answer shapes, and a comparer that lists every difference.

A *spec* is one of:

- a type token (:data:`STR`, :data:`INTSTR`, :data:`INT`, ...), a callable ``value -> bool`` with a name;
- ``Obj({...}, exact=True)``: an object with exactly these keys (``exact=False``: at least these keys);
- ``ListOf(spec)``: a JSON array whose every element matches ``spec``;
- ``Opt(spec)``: ``null`` or ``spec``; ``OneOf(a, b, ...)``: any of them;
- a plain JSON value (``"Y"``, ``0``, ``None``): that exact value.

``diff(value, spec)`` returns the differences as readable lines (empty when the value matches).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ANY",
    "BOOL",
    "DATE",
    "DATETIME",
    "DECSTR",
    "DICT",
    "FLOAT",
    "INT",
    "INTSTR",
    "LIST",
    "NUM",
    "STR",
    "YN",
    "DocError",
    "ListOf",
    "MethodDoc",
    "Obj",
    "OneOf",
    "Opt",
    "Token",
    "assert_shape",
    "diff",
]


@dataclass(frozen=True)
class Token:
    """A named predicate on one JSON value."""

    name: str
    test: Callable[[Any], bool]

    def __repr__(self) -> str:
        return self.name


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([.]\d+)?([+-]\d{2}:\d{2}|Z)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DEC = re.compile(r"^-?\d+(\.\d+)?$")

ANY = Token("any", lambda v: True)
STR = Token("str", lambda v: isinstance(v, str))
#: legacy ``crm.*`` numbers: a string of digits (ids, counters)
INTSTR = Token("intstr", lambda v: isinstance(v, str) and re.fullmatch(r"-?\d+", v) is not None)
#: legacy money/quantity: a decimal number as a string ("120000.00")
DECSTR = Token("decstr", lambda v: isinstance(v, str) and _DEC.match(v) is not None)
INT = Token("int", lambda v: isinstance(v, int) and not isinstance(v, bool))
FLOAT = Token("float", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
NUM = FLOAT
BOOL = Token("bool", lambda v: isinstance(v, bool))
YN = Token("Y|N", lambda v: v in ("Y", "N"))
#: ISO 8601 with an offset, as portals send dates ("2024-04-24T10:00:00+03:00")
DATETIME = Token("datetime", lambda v: isinstance(v, str) and _DATETIME.match(v) is not None)
DATE = Token("date", lambda v: isinstance(v, str) and _DATE.match(v) is not None)
DICT = Token("object", lambda v: isinstance(v, dict))
LIST = Token("array", lambda v: isinstance(v, list))


@dataclass(frozen=True)
class Obj:
    """An object with documented keys; ``exact`` also refuses keys the page does not document."""

    keys: dict[str, Any]
    exact: bool = True
    #: keys a page documents as present only sometimes (absent is fine, present must match)
    optional: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ListOf:
    item: Any
    #: minimum length, so an empty list cannot pass a shape check by accident
    min_len: int = 0


@dataclass(frozen=True)
class Opt:
    inner: Any


@dataclass(frozen=True)
class OneOf:
    options: tuple[Any, ...]

    def __init__(self, *options: Any) -> None:
        object.__setattr__(self, "options", options)


def diff(value: Any, spec: Any, path: str = "result") -> list[str]:
    """Every way ``value`` differs from ``spec``, as ``path: what`` lines."""
    if isinstance(spec, Token):
        return [] if spec.test(value) else [f"{path}: expected {spec.name}, got {value!r:.80}"]
    if isinstance(spec, Opt):
        return [] if value is None else diff(value, spec.inner, path)
    if isinstance(spec, OneOf):
        results = [diff(value, option, path) for option in spec.options]
        if any(not r for r in results):
            return []
        return [f"{path}: matches none of {spec.options!r:.120}, got {value!r:.80}"]
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            return [f"{path}: expected array, got {value!r:.80}"]
        out = [] if len(value) >= spec.min_len else [f"{path}: expected at least {spec.min_len} items"]
        for i, item in enumerate(value):
            out += diff(item, spec.item, f"{path}[{i}]")
        return out
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            return [f"{path}: expected object, got {value!r:.80}"]
        out = []
        for key, sub in spec.keys.items():
            if key not in value:
                if key not in spec.optional:
                    out.append(f"{path}.{key}: missing")
                continue
            out += diff(value[key], sub, f"{path}.{key}")
        if spec.exact:
            extra = sorted(set(value) - set(spec.keys))
            if extra:
                out.append(f"{path}: undocumented keys {extra}")
        return out
    if callable(spec):
        return (
            [] if spec(value) else [f"{path}: fails {getattr(spec, '__name__', spec)!s}, got {value!r:.80}"]
        )
    if value != spec or type(value) is not type(spec):
        return [f"{path}: expected {spec!r}, got {value!r:.80}"]
    return []


def assert_shape(value: Any, spec: Any, path: str = "result") -> None:
    """Fail with every difference listed."""
    problems = diff(value, spec, path)
    assert not problems, "\n".join(problems)


@dataclass(frozen=True)
class DocError:
    """A documented error: code, description and HTTP status (``description=None``: any text)."""

    code: str
    description: str | None
    status: int


@dataclass(frozen=True)
class MethodDoc:
    """One method's page and what of it the emulator leaves out (empty: the page is emulated whole)."""

    page: str
    not_emulated: str = ""
