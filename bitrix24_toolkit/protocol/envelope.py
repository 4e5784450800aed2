"""Decoding Bitrix24 response envelopes into a value or a typed error. No I/O.

Success: ``{"result": ..., "total": 654, "next": 50, "time": {...}}``; error:
``{"error": "CODE", "error_description": "..."}`` where the code may be ``""``, ``0`` or, in REST v3,
an object. A 200 response that carries ``error`` is an error too. Anything that is not such an envelope
(an HTML 502 page, truncated JSON) becomes :class:`~bitrix24_toolkit.errors.ResponseFormatError`.
The error of one call inside a ``batch`` answer (an entry of ``result_error``) is read by the same code
(:func:`batch_sub_error`), so it is the error that call gets when sent alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import APIError, NotAppliedError, ResponseFormatError, make_api_error, status_for

__all__ = [
    "APIResponse",
    "TimeInfo",
    "batch_sub_error",
    "decode_body",
    "error_fields",
    "error_from_payload",
    "named",
    "parse_envelope",
    "too_deep",
    "unreadable_result",
]

#: the largest ``total``/``next`` believed: far above any portal's table, far below a page plan that
#: would exhaust memory (an answer saying ``total: 10**17`` is refused, not paged through)
MAX_TOTAL = 100_000_000

_SNIPPET = 200
E = TypeVar("E", bound=Exception)
#: Deepest nesting accepted in an answer: real ones stay under 20 levels; deeper is hostile or broken (and
#: would exhaust the recursion of whatever reads it next).
MAX_DEPTH = 100
#: Most ``[``/``{`` an answer may hold (counted in the raw bytes, strings included). A page of 50 rows, or
#: a batch of 50 such pages, holds well under 50,000; a hostile megabyte of ``[[],[],...]`` holds 500,000,
#: and building that many containers costs seconds of CPU (mostly the garbage collector).
MAX_CONTAINERS = 250_000


@dataclass(frozen=True, slots=True)
class TimeInfo:
    """The ``time`` block of a response; every key is optional (``operating*`` are cloud-only)."""

    start: float | None = None
    finish: float | None = None
    duration: float | None = None
    processing: float | None = None
    date_start: str | None = None
    date_finish: str | None = None
    operating: float | None = None
    operating_reset_at: float | None = None

    @classmethod
    def from_raw(cls, raw: Any) -> TimeInfo | None:
        """Parse a ``time`` object leniently; ``None`` when absent or not an object."""
        if not isinstance(raw, Mapping):
            return None
        return cls(
            start=_as_float(raw.get("start")),
            finish=_as_float(raw.get("finish")),
            duration=_as_float(raw.get("duration")),
            processing=_as_float(raw.get("processing")),
            date_start=_as_str(raw.get("date_start")),
            date_finish=_as_str(raw.get("date_finish")),
            operating=_as_float(raw.get("operating")),
            operating_reset_at=_as_timestamp(raw.get("operating_reset_at")),
        )


@dataclass(frozen=True, slots=True)
class APIResponse:
    """A decoded successful answer: the ``result`` plus the paging and timing keys when present."""

    result: Any
    total: int | None = None
    next: int | None = None
    time: TimeInfo | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] == "-" else text
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(text)
    return None


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _as_timestamp(value: Any) -> float | None:
    """``operating_reset_at`` is a unix int in most answers and an ISO string in at least one doc example."""
    number = _as_float(value)
    if number is not None:
        return number
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return None


def snippet_of(text: str, redact: Callable[[str], str] | None = None) -> str:
    """A short one-line excerpt of a body for error messages (secrets removed when ``redact`` is given)."""
    flat = " ".join(text.split())
    if redact is not None:
        flat = redact(flat)
    return flat if len(flat) <= _SNIPPET else flat[:_SNIPPET] + "..."


def decode_body(
    body: bytes,
    *,
    status_code: int | None,
    method: str | None,
    redact: Callable[[str], str] | None = None,
) -> Mapping[str, Any]:
    """Parse a JSON object body or raise :class:`ResponseFormatError` naming the status and a snippet."""
    text = body.decode("utf-8", errors="replace")
    try:
        if body.count(b"[") + body.count(b"{") > MAX_CONTAINERS:
            raise RecursionError  # refused unparsed, like an answer nested too deep
        data = json.loads(text) if text.strip() else None
    except RecursionError:
        data, kind = None, "JSON nested too deep (or with too many nested values)"
    except ValueError:  # also numbers over Python's digit limit
        data = None
        kind = "an HTML page" if text.lstrip()[:1] == "<" else "invalid or truncated JSON"
    else:
        kind = "an empty body" if data is None else f"JSON {type(data).__name__}, not an object"
        if isinstance(data, dict) and too_deep(data):
            data, kind = None, f"JSON nested deeper than {MAX_DEPTH} levels"
    if isinstance(data, dict):
        return data
    status = f"HTTP {status_code}" if status_code is not None else "a response"
    who = method or "Bitrix24"
    snippet = snippet_of(text, redact)
    raise ResponseFormatError(
        f"{who}: {status} with {kind} instead of a Bitrix24 JSON envelope: {snippet!r}",
        status_code=status_code,
        snippet=snippet,
        method=method,
    )


def unreadable_result(
    method: str | None, error: BaseException, redact: Callable[[str], str] | None = None
) -> ResponseFormatError:
    """The :class:`ResponseFormatError` of an answer whose ``result`` a parser could not read.

    A parser that meets an answer of the wrong shape (a ``ValidationError``, ``TypeError``, ``KeyError``,
    a ``RecursionError`` on hostile nesting) must not escape as a raw exception: it would lose a bulk
    call's per-item report. ``error`` becomes the ``__cause__`` at the call site.
    """
    detail = snippet_of(f"{type(error).__name__}: {error}", redact)
    return ResponseFormatError(
        f"{method or 'Bitrix24'}: the answer's result has an unexpected shape ({detail})",
        status_code=None,
        snippet=detail,
        method=method,
    )


def named(error: E, method: str) -> E:
    """``error`` raised by a parser (which knows no method name) named after the call it parsed."""
    if isinstance(error, ResponseFormatError | NotAppliedError) and error.method is None:
        error.method = method
        if error.args and isinstance(error.args[0], str):
            error.args = (f"{method}: {error.args[0]}", *error.args[1:])
    return error


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether decoded JSON nests deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((item, depth + 1) for item in node.values() if isinstance(item, dict | list))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node if isinstance(item, dict | list))
    return False


def error_from_payload(
    payload: Mapping[str, Any],
    *,
    status_code: int | None,
    method: str | None,
    redact: Callable[[str], str] | None = None,
    reset_at: float | None = None,
) -> APIError | None:
    """The typed error a payload carries, or ``None`` when it is a success envelope."""
    if "error" not in payload:
        return None
    if payload["error"] is None and "result" in payload and payload.get("error_description") is None:
        return None  # {"result": ..., "error": null}: a success with an explicit null error
    code, description = error_fields(payload, redact)
    return make_api_error(code, description, status_code=status_code, method=method, reset_at=reset_at)


def error_fields(payload: Mapping[str, Any], redact: Callable[[str], str] | None = None) -> tuple[str, str]:
    """``(code, description)`` of an error envelope as text: the code may be ``""``, ``0`` or, in REST v3,
    an object ``{"code": ..., "message": ...}``; a missing part is ``""``."""
    raw_error = payload.get("error")
    description = payload.get("error_description")
    if isinstance(raw_error, Mapping):  # REST v3: {"error": {"code": "...", "message": "..."}}
        code = raw_error.get("code")
        description = description or raw_error.get("message") or raw_error.get("description")
    else:
        code = raw_error
    code_text = "" if code is None or isinstance(code, bool) else str(code)
    description_text = "" if description is None else str(description)
    if redact is not None:
        description_text = redact(description_text)
        code_text = redact(code_text)
    return code_text, description_text


def batch_sub_error(raw: Any, *, method: str, redact: Callable[[str], str] | None = None) -> APIError:
    """The typed error of one call of a ``batch`` (its ``result_error`` entry), named after that call.

    The fields are read as for an answer of its own. The batch request answered HTTP 200 whatever its calls
    did, so ``status_code`` is the status the portal gives the code when the call runs alone
    (:func:`~bitrix24_toolkit.errors.status_for`), and the class is chosen with it: alone, in a batch,
    coalesced or deferred, a call fails with the same class, code, status, method and message.
    """
    if isinstance(raw, Mapping):
        code, description = error_fields(raw, redact)
    else:  # not an error object: keep whatever text the portal sent
        code, description = "", "" if raw is None else str(raw)
        if redact is not None:
            description = redact(description)
    return make_api_error(code, description, status_code=status_for(code), method=method)


def parse_envelope(
    payload: Mapping[str, Any],
    *,
    status_code: int | None = None,
    method: str | None = None,
    redact: Callable[[str], str] | None = None,
    reset_at: float | None = None,
) -> APIResponse:
    """Turn a decoded envelope into an :class:`APIResponse` or raise its typed :class:`APIError`."""
    error = error_from_payload(
        payload, status_code=status_code, method=method, redact=redact, reset_at=reset_at
    )
    if error is not None:
        raise error
    if "result" not in payload:
        snippet = snippet_of(json.dumps(payload, ensure_ascii=False)[:400], redact)
        raise ResponseFormatError(
            f"{method or 'Bitrix24'}: the answer has neither 'result' nor 'error': {snippet!r}",
            status_code=status_code,
            snippet=snippet,
            method=method,
        )
    total, next_start = _as_int(payload.get("total")), _as_int(payload.get("next"))
    for name, value in (("total", total), ("next", next_start)):
        if value is not None and not 0 <= value <= MAX_TOTAL:
            raise ResponseFormatError(
                f"{method or 'Bitrix24'}: the answer's {name!r} is {value}, which no portal holds "
                f"(0..{MAX_TOTAL:,}): not paged on",
                status_code=status_code,
                snippet=f"{name}={value}",
                method=method,
            )
    return APIResponse(
        result=payload["result"],
        total=total,
        next=next_start,
        time=TimeInfo.from_raw(payload.get("time")),
        raw=payload,
    )
