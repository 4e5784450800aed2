"""What a recorded exchange keeps of an HTTP request and response: method name, canonical params, body.

- **Method**: the last path segment (``/rest/1/<secret>/crm.deal.get.json`` and ``/rest/crm.deal.get`` both
  give ``crm.deal.get``); the OAuth token endpoint ``/oauth/token/`` is the pseudo-method ``oauth/token``.
- **Params**: the query string merged with the body (JSON, PHP-style form or multipart), read exactly as the
  emulated portal reads them (:func:`.emulator.http.read_params`), keys sorted.
- **Matching view**: :func:`php_view` renders params as PHP sees them (every scalar a string, ``True`` ->
  ``"1"``), so a call recorded with a JSON body matches the same call sent as a form or a query string.
- **Body**: the decoded JSON object, or ``{"raw": "<text>"}`` when the answer is not a JSON object (an HTML
  502 page, truncated JSON).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ..protocol.encoding import decode_php_query, encode_php_pairs
from .emulator.http import read_params
from .emulator.registry import PortalError

__all__ = [
    "OAUTH_TOKEN_METHOD",
    "body_of",
    "canonical",
    "method_of",
    "php_view",
    "request_params",
]

#: the pseudo-method name under which requests to the OAuth token endpoint are recorded
OAUTH_TOKEN_METHOD = "oauth/token"


def method_of(url: httpx.URL) -> str:
    """The REST method a URL calls (``.json`` suffix dropped), or ``oauth/token`` for the token endpoint."""
    segments = [segment for segment in url.path.split("/") if segment]
    if segments[-2:] == ["oauth", "token"]:
        return OAUTH_TOKEN_METHOD
    if not segments:
        return "/"
    name = segments[-1]
    return name[: -len(".json")] if name.lower().endswith(".json") else name


def canonical(value: Any) -> Any:
    """A deep copy with every mapping's keys sorted (stable output and stable comparison)."""
    if isinstance(value, dict):
        return {str(key): canonical(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def request_params(request: httpx.Request) -> dict[str, Any]:
    """The canonical params of a request whose body has been read (read as the emulated portal reads them)."""
    try:
        params = read_params(request)
    except PortalError:  # a malformed body: keep it verbatim so the exchange still records
        params = decode_php_query(request.url.query)
        params["_body"] = request.content.decode("utf-8", errors="replace")
    result: dict[str, Any] = canonical(params)
    return result


def php_view(params: dict[str, Any]) -> dict[str, Any]:
    """Params as PHP's ``parse_str`` would see them: the form that two equivalent requests share."""
    return decode_php_query(encode_php_pairs(params))


def body_of(content: bytes) -> dict[str, Any]:
    """A response body as recorded: the JSON object, or ``{"raw": text}`` for anything else."""
    text = content.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        return {"raw": text}
    return data if isinstance(data, dict) else {"raw": text}
