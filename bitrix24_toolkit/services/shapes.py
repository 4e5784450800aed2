"""Reading the wrapper objects of the newer CRM methods (``{"item": ...}``, ``{"categories": [...]}``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ResponseFormatError
from ..protocol.envelope import APIResponse
from ..protocol.rows import rows_of

__all__ = ["unwrap", "unwrap_rows"]


def _bad(expected: str, raw: Any) -> ResponseFormatError:
    snippet = repr(raw)[:200]
    return ResponseFormatError(
        f"expected {expected}, got {snippet}", status_code=None, snippet=snippet, method=None
    )


def unwrap(response: APIResponse, key: str) -> Mapping[str, Any]:
    """The object under ``key`` (``{"item": {...}}`` -> ``{...}``); anything else is a format error."""
    raw = response.result
    inner = raw.get(key) if isinstance(raw, Mapping) else None
    if not isinstance(inner, Mapping):
        raise _bad(f"{{{key!r}: {{...}}}}", raw)
    return inner


def unwrap_rows(response: APIResponse, key: str | None = None) -> list[dict[str, Any]]:
    """The rows of a list answer (see :func:`~bitrix24_toolkit.protocol.rows.rows_of`)."""
    return rows_of(response.result, key)
