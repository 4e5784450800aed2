"""Reading the payload Bitrix24 POSTs to an event handler (reference 9.2), with its application token checked.

The body is ``application/x-www-form-urlencoded`` with PHP nested keys, every value a string::

    event=ONCRMDEALUPDATE&event_handler_id=185&data[FIELDS][ID]=7405&ts=1766047124
    &auth[domain]=some.bitrix24.com&auth[client_endpoint]=https://some.bitrix24.com/rest/
    &auth[member_id]=d897...&auth[application_token]=5185...&auth[access_token]=s6p6...

:func:`parse_event` decodes it (with the one PHP decoder of the library), checks ``auth[application_token]``
against the stored token in constant time and returns a typed :class:`Event`. A payload of another shape
raises :class:`~.errors.EventPayloadError`; a missing or wrong token :class:`~.errors.EventAuthError`.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ..protocol.encoding import PhpQueryError, QueryLimits, decode_php_query
from .errors import EventAuthError, EventPayloadError

__all__ = [
    "EVENT_LIMITS",
    "Event",
    "EventAuth",
    "ExpectedToken",
    "check_application_token",
    "decode_payload",
    "event_from",
    "event_name",
    "parse_auth",
    "parse_event",
    "parse_int",
]

#: the stored application token, or a function of the payload's ``auth`` giving it (several portals)
ExpectedToken = str | Callable[["EventAuth"], str | None]

#: limits of an incoming payload: a real event has ~15 pairs, a robot request a few dozen, keys are ASCII
#: and short, nested 3 levels at most (data[FIELDS][ID]); PHP itself refuses more than 1,000 variables or 64
#: levels by default; 8 levels keep a body of 1,000 deep keys cheap to refuse
EVENT_LIMITS: Final = QueryLimits(max_pairs=1000, max_depth=8, max_key_length=512, strict=True)

#: an integer as a portal writes it: ASCII digits, an optional minus, at most 18 digits (fits 64 bits)
_INT: Final = re.compile(r"-?[0-9]{1,18}")


def parse_int(value: str) -> int | None:
    """``value`` as an int when it is a plain (ASCII, at most 18-digit) integer, else ``None``."""
    return int(value) if _INT.fullmatch(value) else None


def _shown(value: str) -> str:
    """A payload value safe to put in a message (and a log line): escaped and cut short."""
    return repr(value[:40] + ("..." if len(value) > 40 else ""))


@dataclass(frozen=True)
class EventAuth:
    """The ``auth[...]`` block: which portal called, and (for applications) a token to call it back."""

    domain: str
    member_id: str
    client_endpoint: str
    server_endpoint: str
    application_token: str = field(repr=False)
    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires: int | None = None
    expires_in: int | None = None
    scope: str | None = None
    status: str | None = None
    user_id: int | None = None
    #: every ``auth[...]`` key as sent
    raw: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_tokens(self) -> bool:
        """Whether the payload carries an access token (absent for outgoing webhooks and automation)."""
        return bool(self.access_token and self.client_endpoint)


@dataclass(frozen=True)
class Event:
    """One delivered event: upper-case ``name``, ``data`` (``data["FIELDS"]["ID"]``), ``ts``, ``auth``."""

    name: str
    data: Mapping[str, Any]
    auth: EventAuth
    handler_id: int | None = None
    ts: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def fields(self) -> Mapping[str, Any]:
        """``data[FIELDS]`` (empty when the event has none)."""
        value = self.data.get("FIELDS")
        return value if isinstance(value, Mapping) else {}

    @property
    def id(self) -> int | None:
        """``data[FIELDS][ID]`` as an int, when present and numeric."""
        value = self.fields.get("ID")
        number = parse_int(value) if isinstance(value, str) else None
        return number if number is not None and number > 0 else None

    def is_(self, name: str) -> bool:
        """Whether this is the event ``name`` (compared case-insensitively, as the portal's casing varies)."""
        return self.name == name.strip().upper()


def decode_payload(
    payload: str | bytes | Mapping[str, Any], *, limits: QueryLimits | None = None
) -> dict[str, Any]:
    """The payload as nested dicts: a form body is decoded; a mapping with ``a[b]`` keys is re-nested.

    Decoding is linear in the body and bounded by ``limits`` (default :data:`EVENT_LIMITS`); anything
    malformed or beyond them is an :class:`~.errors.EventPayloadError` (answer 400).
    """
    limits = EVENT_LIMITS if limits is None else limits
    try:
        if isinstance(payload, bytes | bytearray | memoryview | str):
            return decode_php_query(
                bytes(payload) if not isinstance(payload, str) else payload, limits=limits
            )
        if isinstance(payload, Mapping):
            if any(isinstance(key, str) and "[" in key for key in payload):
                pairs = [(str(k), _flat_value(k, v)) for k, v in payload.items()]
                return decode_php_query(pairs, limits=limits)
            _check_tree(payload, limits)
            return dict(payload)
    except EventPayloadError:
        raise
    except PhpQueryError as exc:
        raise EventPayloadError(f"malformed payload: {exc}") from None
    except (ValueError, TypeError, RecursionError, UnicodeError, MemoryError) as exc:  # a safety net
        raise EventPayloadError(f"malformed payload ({type(exc).__name__})") from None
    raise EventPayloadError(
        f"an event payload is the form-encoded body (str or bytes) or its decoded mapping, "
        f"not {type(payload).__name__}"
    )


def _check_tree(tree: Mapping[str, Any], limits: QueryLimits) -> None:
    """An already decoded payload: text keys and values, nested at most ``max_depth``, no cycles."""
    stack: list[tuple[Any, int]] = [(tree, 0)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > limits.max_pairs:
            raise EventPayloadError(f"malformed payload: more than {limits.max_pairs} values")
        if isinstance(node, str):
            _check_str(node)
            continue
        if depth > limits.max_depth:
            raise EventPayloadError(f"malformed payload: nested more than {limits.max_depth} levels")
        if isinstance(node, Mapping):
            for key in node:
                if not isinstance(key, str):
                    raise EventPayloadError(f"malformed payload: key {key!r} is not text")
                _check_str(key)
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list | tuple):
            stack.extend((child, depth + 1) for child in node)
        else:
            raise EventPayloadError(f"malformed payload: a value of type {type(node).__name__} is not text")


def _check_str(text: str) -> None:
    if len(text) > 1024 * 1024:
        raise EventPayloadError("malformed payload: a value longer than 1 MiB")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise EventPayloadError("malformed payload: text that is not valid Unicode") from None


def _flat_value(key: Any, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and len(value) == 1 and isinstance(value[0], str):
        return value[0]  # framework multi-dicts rendered as lists
    raise EventPayloadError(f"payload key {_shown(str(key))} has a non-text value {type(value).__name__}")


def _text(block: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = block.get(key)
    if value is None:
        if required:
            raise EventPayloadError(f"payload has no {where}")
        return None
    if not isinstance(value, str):
        raise EventPayloadError(f"{where} must be a single text value, not {type(value).__name__}")
    return value


def _int(block: Mapping[str, Any], key: str, where: str) -> int | None:
    value = _text(block, key, where)
    if value is None or value == "":
        return None
    number = parse_int(value)
    if number is None:
        raise EventPayloadError(f"{where} must be an integer (at most 18 digits), not {_shown(value)}")
    return number


def parse_auth(decoded: Mapping[str, Any]) -> EventAuth:
    """The typed ``auth`` block of a decoded payload (no token check: see :func:`check_application_token`)."""
    block = decoded.get("auth")
    if block is None or block == "":
        raise EventAuthError("payload has no auth[...] block, so no auth[application_token]: refused")
    if not isinstance(block, Mapping):
        raise EventPayloadError("auth must be a nested auth[...] block")
    raw = {str(k): v for k, v in block.items() if isinstance(v, str)}
    return EventAuth(
        domain=_text(block, "domain", "auth[domain]") or "",
        member_id=_text(block, "member_id", "auth[member_id]") or "",
        client_endpoint=_text(block, "client_endpoint", "auth[client_endpoint]") or "",
        server_endpoint=_text(block, "server_endpoint", "auth[server_endpoint]") or "",
        application_token=_text(block, "application_token", "auth[application_token]") or "",
        access_token=_text(block, "access_token", "auth[access_token]") or None,
        refresh_token=_text(block, "refresh_token", "auth[refresh_token]") or None,
        expires=_int(block, "expires", "auth[expires]"),
        expires_in=_int(block, "expires_in", "auth[expires_in]"),
        scope=_text(block, "scope", "auth[scope]"),
        status=_text(block, "status", "auth[status]"),
        user_id=_int(block, "user_id", "auth[user_id]"),
        raw=raw,
    )


def check_application_token(auth: EventAuth, expected: ExpectedToken) -> None:
    """Compare ``auth[application_token]`` with the stored token in constant time; raise if it differs."""
    stored = expected(auth) if callable(expected) else expected
    if not stored:
        raise EventAuthError(
            f"no application token is configured for portal {_shown(auth.domain or auth.member_id or '?')}: "
            "refused"
        )
    if not isinstance(stored, str):
        raise EventAuthError(
            f"the configured application token is a {type(stored).__name__}, not a str: refused"
        )
    if not auth.application_token:
        raise EventAuthError("payload has no auth[application_token]: refused")
    given = auth.application_token.encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(given, stored.encode("utf-8", "surrogatepass")):
        raise EventAuthError("auth[application_token] does not match the stored token: refused")


def parse_event(
    payload: str | bytes | Mapping[str, Any],
    *,
    application_token: ExpectedToken,
    limits: QueryLimits | None = None,
) -> Event:
    """Decode an event payload, verify its application token and return the typed :class:`Event`."""
    decoded = decode_payload(payload, limits=limits)
    event_name(decoded)  # the shape first: a body that is no event at all is a 400, not a 403
    auth = parse_auth(decoded)
    check_application_token(auth, application_token)
    return event_from(decoded, auth)


def event_name(decoded: Mapping[str, Any]) -> str:
    """The upper-case ``event`` name of a decoded payload (:class:`~.errors.EventPayloadError` if none)."""
    name = _text(decoded, "event", "'event' name", required=True)
    if not name or not name.strip():
        raise EventPayloadError("payload has an empty 'event' name")
    if len(name) > 255 or not name.strip().isascii():
        raise EventPayloadError(f"'event' name {_shown(name)} is not an event name")
    return name.strip().upper()


def event_from(decoded: Mapping[str, Any], auth: EventAuth) -> Event:
    """The :class:`Event` of a decoded payload whose ``auth`` block was already verified."""
    name = event_name(decoded)
    data = decoded.get("data", {})
    if data == "":
        data = {}
    if not isinstance(data, Mapping):
        raise EventPayloadError("data must be a nested data[...] block (e.g. data[FIELDS][ID])")
    return Event(
        name=name,
        data=data,
        auth=auth,
        handler_id=_int(decoded, "event_handler_id", "event_handler_id"),
        ts=_int(decoded, "ts", "ts"),
        raw=decoded,
    )
