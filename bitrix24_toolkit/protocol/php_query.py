"""Decoding PHP-style query strings (``parse_str``) in linear time, within limits.

The one decoder of form bodies and query strings: event and robot payloads, the emulator's HTTP server
and the CLI's ``key=value`` parameters all use it (re-exported by :mod:`.encoding`). Its cost is linear in
the input: each pair is split once, each bracket segment is looked at once, and the next free list index
of every nested map is tracked as keys arrive (PHP's ``nNextFreeElement``) rather than searched for.
:class:`QueryLimits` bounds the work and the memory (pairs, bracket depth, key length); input beyond
them, or that is not text, is a :class:`PhpQueryError` (an
:class:`~bitrix24_toolkit.errors.InvalidInputError`), never a raw ``ValueError``/``RecursionError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import unquote_plus

from ..errors import InvalidInputError

__all__ = ["DEFAULT_LIMITS", "PhpQueryError", "QueryLimits", "decode_php_query"]

#: the deepest ``max_depth`` a :class:`QueryLimits` may set (the result is built recursively)
MAX_DEPTH_CEILING: Final = 256


class PhpQueryError(InvalidInputError):
    """A query string or form body that cannot be decoded, or exceeds its :class:`QueryLimits`."""

    def __init__(self, message: str, *, field: str | None = None, limit: str | None = None) -> None:
        super().__init__(message, field=field)
        #: the limit exceeded (``max_pairs``, ``max_depth``, ``max_key_length``), or None for bad text
        self.limit = limit

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (str(self), self.field, self.limit))


def _rebuild(message: str, field: str | None, limit: str | None) -> PhpQueryError:
    return PhpQueryError(message, field=field, limit=limit)


@dataclass(frozen=True)
class QueryLimits:
    """Bounds of :func:`decode_php_query`; input beyond any of them is a :class:`PhpQueryError`."""

    #: most ``key=value`` pairs (PHP's ``max_input_vars``; Bitrix24 portals run with 10,000)
    max_pairs: int = 100_000
    #: most bracket segments in one key (``a[b][c]`` has 2; PHP's ``max_input_nesting_level`` is 64)
    max_depth: int = 64
    #: longest key, in characters after percent-decoding
    max_key_length: int = 4096
    #: refuse keys a portal never sends and Python and PHP read differently: a key or bracket segment of
    #: non-ASCII digits (``data[²]``, ``a[١]``: ``str.isdigit()`` says yes, ``int()`` and PHP say no)
    strict: bool = False

    def __post_init__(self) -> None:
        for name in ("max_pairs", "max_depth", "max_key_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(
                    f"QueryLimits.{name} must be a positive int, not {value!r}", field=name
                )
        if self.max_depth > MAX_DEPTH_CEILING:
            raise InvalidInputError(
                f"QueryLimits.max_depth must be at most {MAX_DEPTH_CEILING}, not {self.max_depth}",
                field="max_depth",
            )
        if not isinstance(self.strict, bool):
            raise InvalidInputError("QueryLimits.strict must be a bool", field="strict")


#: the limits used when none are given: generous for any real request
DEFAULT_LIMITS: Final = QueryLimits()

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
#: keys that count as integers for the next free index (PHP: beyond 64 bits a key stays a string)
_INT_KEY = re.compile(r"-?[0-9]{1,18}")
_LIST_KEY = re.compile(r"0|[1-9][0-9]{0,17}")


class _Node(dict[str, Any]):
    """A nested map while decoding, with PHP's next free index (``a[]=`` appends there)."""

    __slots__ = ("next_index",)

    def __init__(self) -> None:
        super().__init__()
        self.next_index: int | None = None

    def put(self, key: str, value: Any) -> None:
        """Set ``key``, moving the next free index past it when it is an integer key."""
        self[key] = value
        if key.isascii() and (key.isdigit() or key[1:].isdigit()) and _INT_KEY.fullmatch(key):
            number = int(key) + 1
            if self.next_index is None or number > self.next_index:
                self.next_index = number

    def append_key(self) -> str:
        """The key ``[]`` stands for here (the next free index), moving the index past it."""
        index = 0 if self.next_index is None else self.next_index
        self.next_index = index + 1
        return str(index)


def _preview(text: str) -> str:
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def decode_php_query(
    data: str | bytes | Iterable[tuple[str, str]], *, limits: QueryLimits | None = None
) -> dict[str, Any]:
    """Parse a PHP-style query string (or pairs) into nested dicts and lists, like PHP's ``parse_str``.

    ``a[]=x&a[]=y`` gives a list; maps whose keys are exactly ``0..n-1`` become lists (as PHP's
    ``json_encode`` would render them); all scalar values stay strings. Linear in the input; bounded by
    ``limits`` (default :data:`DEFAULT_LIMITS`): beyond them, or for input that is not text, it raises
    :class:`PhpQueryError`.
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    if isinstance(data, bytes | bytearray | memoryview):
        data = _text_of(bytes(data), limits)
    if isinstance(data, str):
        pairs: Iterable[tuple[str, str]] = _split_query(data, limits)
    else:
        pairs = _checked_pairs(data, limits)
    root = _Node()
    for raw_key, value in pairs:
        _assign(root, raw_key, value, limits)
    return {key: _listify(value) for key, value in root.items()}


def _text_of(data: bytes, limits: QueryLimits) -> str:
    return data.decode("utf-8", errors="replace")


def _check_text(text: str, what: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise PhpQueryError(
                f"{what} holds a character that is not valid Unicode (a lone surrogate at {exc.start})"
            ) from None


def _split_query(text: str, limits: QueryLimits) -> Iterable[tuple[str, str]]:
    _check_text(text, "the query")
    parts = text.split("&")
    if len(parts) - parts.count("") > limits.max_pairs:  # refused before any per-pair work
        raise PhpQueryError(f"more than {limits.max_pairs} parameters", limit="max_pairs")
    raw_limit = 3 * limits.max_key_length  # a %XX escape is three characters for one
    for part in parts:
        if not part:
            continue
        raw_key, _, raw_value = part.partition("=")
        if len(raw_key) > raw_limit:
            raise _too_long(raw_key, limits)
        yield _unquote(raw_key), _unquote(raw_value)


def _unquote(text: str) -> str:
    if "%" in text or "+" in text:
        return unquote_plus(text)  # invalid UTF-8 in %XX escapes becomes U+FFFD, as in the body
    return text


def _checked_pairs(pairs: Iterable[tuple[str, str]], limits: QueryLimits) -> Iterable[tuple[str, str]]:
    for count, pair in enumerate(pairs, 1):
        if count > limits.max_pairs:
            raise PhpQueryError(f"more than {limits.max_pairs} parameters", limit="max_pairs")
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise PhpQueryError(f"parameter {count} is not a (key, value) pair")
        key, value = pair
        if not isinstance(key, str) or not isinstance(value, str):
            raise PhpQueryError(f"parameter {count}: keys and values are text, not {type(value).__name__}")
        _check_text(key, "a key")
        _check_text(value, f"the value of {_preview(key)}")
        yield key, value


def _too_long(key: str, limits: QueryLimits) -> PhpQueryError:
    return PhpQueryError(
        f"key {_preview(key)} is longer than {limits.max_key_length} characters", limit="max_key_length"
    )


def _assign(root: _Node, raw_key: str, value: str, limits: QueryLimits) -> None:
    if len(raw_key) > limits.max_key_length:
        raise _too_long(raw_key, limits)
    bracket = raw_key.find("[")
    if bracket <= 0 or not raw_key.endswith("]"):
        if limits.strict and not raw_key.isascii() and (raw_key.isdigit() or raw_key.isnumeric()):
            raise PhpQueryError(f"key {_preview(raw_key)} is made of non-ASCII digits")
        root.put(raw_key, value)
        return
    tail = raw_key[bracket:]
    segments = _SEGMENT.findall(tail)
    if len("".join(segments)) + 2 * len(segments) != len(tail):
        root.put(raw_key, value)  # not a well-formed PHP key: keep it literally
        return
    if len(segments) > limits.max_depth:
        raise PhpQueryError(
            f"key {_preview(raw_key)} is nested {len(segments)} levels deep, more than {limits.max_depth}",
            limit="max_depth",
        )
    node = root
    keys = [raw_key[:bracket], *segments]
    if limits.strict and not raw_key.isascii():
        for key in keys:
            if not key.isascii() and (key.isdigit() or key.isnumeric()):
                raise PhpQueryError(f"key {_preview(raw_key)} has a segment of non-ASCII digits {key!r}")
    last = len(keys) - 1
    for depth, key in enumerate(keys):
        if key == "":
            key = node.append_key()
            if depth == last:
                node[key] = value
                return
            fresh = node[key] = _Node()
            node = fresh
        elif depth == last:
            node.put(key, value)
        else:
            child = node.get(key)
            if not isinstance(child, _Node):
                child = _Node()
                node.put(key, child)
            node = child


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {key: _listify(item) for key, item in value.items()}
    if items and all(_LIST_KEY.fullmatch(key) for key in items):
        if sorted(int(key) for key in items) == list(range(len(items))):
            return [items[str(i)] for i in range(len(items))]
    return items
