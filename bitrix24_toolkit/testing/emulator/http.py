"""HTTP plumbing of the emulated portal: URL routing, request parameters and JSON responses.

Parameters are read the way PHP fills ``$_REQUEST``: the query string first, then the body (JSON,
``application/x-www-form-urlencoded`` or ``multipart/form-data``), body keys overriding query keys at the
top level. Form and multipart keys use PHP brackets (``fields[TITLE]``) and are decoded with
:func:`~bitrix24_toolkit.protocol.encoding.decode_php_query`; a multipart file part becomes
``[filename, base64 content]`` (Bitrix's ``fileData`` form).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httpx

from ...protocol.encoding import decode_php_query
from ...protocol.php_query import QueryLimits
from .registry import PortalError

__all__ = [
    "FORM_LIMITS",
    "JSON_TYPE",
    "MAX_JSON_DEPTH",
    "MAX_JSON_VALUES",
    "MAX_PARTS",
    "Route",
    "html_response",
    "json_body",
    "json_response",
    "read_params",
    "route",
]

JSON_TYPE = "application/json; charset=utf-8"

_WEBHOOK = re.compile(r"^/rest/(\d+)/([^/]+)/([^/]+?)/?$")
_OAUTH = re.compile(r"^/rest/([^/]+?)/?$")
_TOKEN = re.compile(r"^/oauth/token/?$")


@dataclass(frozen=True)
class Route:
    """Where a request goes: ``kind`` is ``webhook``, ``oauth``, ``token`` or ``unknown``."""

    kind: str
    method: str = ""
    user_id: int | None = None
    secret: str | None = None


def _method_name(raw: str) -> str:
    name = raw.lower()
    return name[: -len(".json")] if name.endswith(".json") else name


def route(path: str) -> Route:
    """Classify a URL path."""
    if _TOKEN.match(path):
        return Route("token")
    found = _WEBHOOK.match(path)
    if found:
        return Route("webhook", _method_name(found.group(3)), int(found.group(1)), found.group(2))
    found = _OAUTH.match(path)
    if found:
        return Route("oauth", _method_name(found.group(1)))
    return Route("unknown")


def _multipart(content_type: str, body: bytes) -> list[tuple[str, str]]:
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if boundary is None:
        raise PortalError("INVALID_REQUEST", "Malformed multipart body", 400)
    if body.count(b"--" + boundary.group(1).encode("latin-1", "replace")) > MAX_PARTS + 1:
        raise PortalError("INVALID_REQUEST", f"More than {MAX_PARTS} parts in the multipart body", 400)
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    pairs: list[tuple[str, str]] = []
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise PortalError("INVALID_REQUEST", "Malformed multipart body", 400)
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        raw = data if isinstance(data, bytes) else b""
        filename = part.get_filename()
        if filename:
            pairs.append((f"{name}[0]", filename))
            pairs.append((f"{name}[1]", base64.b64encode(raw).decode("ascii")))
        else:
            pairs.append((name, raw.decode("utf-8", errors="replace")))
    return pairs


#: PHP's ``json_decode`` depth: a body nested deeper is refused as malformed
MAX_JSON_DEPTH = 512
#: most values (objects, arrays, strings, numbers) in a JSON body; far above any real request (a batch of 50
#: adds with 100 fields each is 5,000), far below what makes decoding cost seconds
MAX_JSON_VALUES = 250_000
#: most parts of a multipart body
MAX_PARTS = 1_000
#: form and query-string bounds: Bitrix24 portals run PHP with ``max_input_vars`` 10,000; REST parameters
#: nest a few levels (``fields[PHONE][0][VALUE]``), so 16 levels (PHP allows 64) keep a hostile body of deep
#: keys cheap; the same budget covers all the commands of one ``batch``
FORM_LIMITS = QueryLimits(max_pairs=10_000, max_depth=16, max_key_length=1024)


def read_params(request: httpx.Request) -> dict[str, Any]:
    """All parameters of a request (query string merged with the body); a malformed or oversized body is a
    400 ``INVALID_REQUEST`` :class:`PortalError`, never a crash."""
    try:
        return _read_params(request)
    except PortalError:
        raise
    except (ValueError, RecursionError, UnicodeError, MemoryError):
        raise PortalError("INVALID_REQUEST", "Malformed request parameters", 400) from None


def _malformed(what: str = "JSON body") -> PortalError:
    return PortalError("INVALID_REQUEST", f"Malformed {what}", 400)


def _no_constants(name: str) -> Any:
    raise _malformed()  # NaN, Infinity: not JSON, and PHP's json_decode refuses them too


def _check_json(value: Any) -> None:
    """One pass over a decoded body: depth, number of values, and no lone surrogate in any string (they
    cannot be stored or answered as UTF-8)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_JSON_VALUES:
            raise PortalError("INVALID_REQUEST", "Too many values in the JSON body", 400)
        if isinstance(item, str):
            if not item.isascii():
                item.encode("utf-8")  # UnicodeEncodeError for a lone surrogate -> 400 in read_params
        elif isinstance(item, dict):
            if depth > MAX_JSON_DEPTH:
                raise _malformed()
            for key, child in item.items():
                if not key.isascii():
                    key.encode("utf-8")
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            if depth > MAX_JSON_DEPTH:
                raise _malformed()
            stack.extend((child, depth + 1) for child in item)


def _json(body: bytes) -> Any:
    # a cheap bound first: every value but the first follows a comma (commas inside strings count too: a
    # body with 250,000 commas is no real request), so a body of a million tiny values is never decoded
    if body.count(b",") > MAX_JSON_VALUES:
        raise PortalError("INVALID_REQUEST", "Too many values in the JSON body", 400)
    try:
        decoded = json.loads(body, parse_constant=_no_constants)
    except PortalError:
        raise
    except (ValueError, RecursionError):
        raise _malformed() from None
    _check_json(decoded)
    return decoded


def _read_params(request: httpx.Request) -> dict[str, Any]:
    params = decode_php_query(request.url.query, limits=FORM_LIMITS)
    body = request.content
    if not body:
        return params
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    data: dict[str, Any]
    if kind == "application/json" or (not kind and body.lstrip()[:1] in (b"{", b"[")):
        decoded = _json(body)
        if isinstance(decoded, list):  # positional parameters of a few old methods
            decoded = {str(index): value for index, value in enumerate(decoded)}
        data = decoded if isinstance(decoded, dict) else {}
    elif kind == "multipart/form-data":
        data = decode_php_query(_multipart(content_type, body), limits=FORM_LIMITS)
    else:
        data = decode_php_query(body, limits=FORM_LIMITS)
    params.update(data)
    return params


def json_body(payload: Any) -> bytes:
    """A payload serialised as the portal does (UTF-8, non-ASCII kept)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(status: int, payload: Any, *, body: bytes | None = None) -> httpx.Response:
    """A JSON response (``body`` overrides the serialised payload, e.g. for truncation)."""
    content = json_body(payload) if body is None else body
    return httpx.Response(status, headers={"content-type": JSON_TYPE}, content=content)


_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def html_response(status: int = 502, text: str = _BAD_GATEWAY) -> httpx.Response:
    """An HTML error page as a proxy in front of the portal sends it."""
    return httpx.Response(status, headers={"content-type": "text/html"}, content=text.encode())
