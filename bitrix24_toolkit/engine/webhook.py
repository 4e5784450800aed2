"""Inbound webhook URLs: parsed and checked before any request, and never printed with their secret."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field, replace
from typing import Final
from urllib.parse import unquote, urlsplit

from ..errors import InvalidInputError
from .redaction import MASK, register_secret

__all__ = ["ENV_WEBHOOK_URL", "WebhookURL", "parse_webhook_url", "safe_url"]

ENV_WEBHOOK_URL: Final = "BITRIX24_WEBHOOK_URL"

_HOW = (
    "expected https://<portal>/rest/<user_id>/<secret>/ as shown in Bitrix24 under "
    "Developer resources -> Other -> Inbound webhook"
)
_REST_PATH = re.compile(r"^(?P<prefix>(?:/[^/]+)*?)/rest/(?P<user>[^/]+)/(?P<secret>[^/]+)/?(?P<tail>.*)$")
_SECRET_ANYWHERE = re.compile(r"/rest/[^/?#]+/([^/?#]+)")
# A path segment of 6+ code characters (with or without a digit; percent-escapes too): masked in messages
# even in a mistyped URL, where we cannot tell the secret from the rest. ``rest`` is the one word kept.
_SECRET_LIKE = re.compile(r"/(?!rest(?:/|$|[?#]))(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2}){6,}(?=/|$|[?#])")
_USERINFO = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*:)?//(?P<user>[^/?#@]*)@")
#: a URL's scheme and slashes, however mistyped (``https://``, ``https:/``, ``//``, none)
_LEAD = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*:)?/*")
_QUERY_VALUE = re.compile(r"=[^&#]*")
_SECRET = re.compile(r"^[A-Za-z0-9_-]+$")
_METHOD_TAIL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/?$")


@dataclass(frozen=True, slots=True)
class WebhookURL:
    """A checked inbound webhook address; ``str()`` and ``repr()`` show ``***`` for the secret."""

    scheme: str
    netloc: str
    prefix: str
    user_id: int
    secret: str
    #: a ``user:password@`` part of the given URL (a box portal behind basic auth): sent as an
    #: ``Authorization`` header, never in the URL, never shown
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    @property
    def base(self) -> str:
        """The full base URL including the secret (only for building requests)."""
        return f"{self.scheme}://{self.netloc}{self.prefix}/rest/{self.user_id}/{self.secret}/"

    @property
    def redacted(self) -> str:
        """The base URL with the secret masked, safe to show."""
        user = f"{self.username}:{MASK}@" if self.username or self.password else ""
        return f"{self.scheme}://{user}{self.netloc}{self.prefix}/rest/{self.user_id}/{MASK}/"

    @property
    def headers(self) -> dict[str, str]:
        """Extra request headers: basic auth when the URL had a ``user:password@`` part."""
        if not (self.username or self.password):
            return {}
        pair = f"{self.username}:{self.password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}

    @property
    def domain(self) -> str:
        """The portal's host (with port when one is given)."""
        return self.netloc

    def method_url(self, method: str) -> str:
        """The URL of a REST method on this webhook."""
        return self.base + method

    def moved_to(self, scheme: str, netloc: str) -> WebhookURL:
        """The same webhook on a portal that changed its address."""
        return replace(self, scheme=scheme, netloc=netloc)

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return f"WebhookURL({self.redacted!r})"


def parse_webhook_url(url: object) -> WebhookURL:
    """Parse and check an inbound webhook URL, raising :class:`InvalidInputError` that says how to fix it."""
    if url is None or (isinstance(url, str) and not url.strip()):
        raise InvalidInputError(
            f"no Bitrix24 webhook URL: pass Bitrix24('https://<portal>/rest/<user_id>/<secret>/'), "
            f"set {ENV_WEBHOOK_URL} (also read from .env by Bitrix24.from_env()), or pass auth=OAuth(...)",
            field="webhook_url",
        )
    if not isinstance(url, str):
        raise InvalidInputError(
            f"the webhook URL must be a str, not {type(url).__name__}", field="webhook_url"
        )
    text = url.strip()
    anywhere = _SECRET_ANYWHERE.search(text)
    candidate = anywhere.group(1) if anywhere else None
    register_secret(candidate)  # first, so that no message below can show the secret
    if candidate and "%" in candidate:
        register_secret(unquote(candidate))
    shown = _masked(text, candidate)
    if len(text) > 2048 or not text.isprintable():
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown[:200]!r}: too long or with control characters; {_HOW}",
            field="webhook_url",
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError for a port outside 0-65535)
        username, password = parts.username, parts.password
    except ValueError:
        raise InvalidInputError(
            # not the parser's own words: they quote the text after the last ':' (a password's start)
            f"invalid Bitrix24 webhook URL {shown!r}: the host or port cannot be read (check the host and "
            f"port; a password with '/', '?', '#' or '@' must be percent-encoded); {_HOW}",
            field="webhook_url",
        ) from None
    match = _REST_PATH.match(parts.path or "")
    if parts.scheme not in ("http", "https"):
        hint = "add https:// in front" if not parts.scheme or "." in parts.scheme else "use https://"
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: {hint}; {_HOW}", field="webhook_url"
        )
    if not parts.hostname:
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: no portal host; {_HOW}", field="webhook_url"
        )
    if parts.query or parts.fragment:
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: remove the '?...'/'#...' part; {_HOW}",
            field="webhook_url",
        )
    if not match:
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: the path has no /rest/<user_id>/<secret>/; {_HOW}",
            field="webhook_url",
        )
    user, secret, tail = match.group("user"), match.group("secret"), match.group("tail")
    if tail:
        if _METHOD_TAIL.match(tail):
            method = tail.rstrip("/").removesuffix(".json")
            raise InvalidInputError(
                f"invalid Bitrix24 webhook URL {shown!r}: it ends with the method name {method!r}; "
                f"pass only the base URL ending in /rest/{user}/<secret>/ and the method to call()",
                field="webhook_url",
            )
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: unexpected text after the secret; {_HOW}",
            field="webhook_url",
        )
    if not (user.isascii() and user.isdigit()):
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: the user id {user!r} must be a number; {_HOW}",
            field="webhook_url",
        )
    if not _SECRET.match(secret):
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: the secret has characters a webhook code never has; "
            f"{_HOW}",
            field="webhook_url",
        )
    if len(user) > 18:
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: the user id is too long; {_HOW}", field="webhook_url"
        )
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    if not host.isascii():
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: write the host in ASCII (its xn-- form); {_HOW}",
            field="webhook_url",
        )
    password = unquote(password or "")
    register_secret(password)
    return WebhookURL(
        scheme=parts.scheme,
        netloc=host,
        prefix=match.group("prefix"),
        user_id=int(user),
        secret=secret,
        username=unquote(username or ""),
        password=password,
    )


def _masked(text: str, secret: str | None) -> str:
    """The URL as we may show it: the secret, and anything that looks like one, masked."""
    if secret:
        text = text.replace(f"/{secret}", f"/{MASK}")
    return safe_url(text)


def safe_url(text: str, *, paths: bool = True) -> str:
    """``text`` (a URL, maybe mistyped) fit to show: no password, no secret-like path segment, no query value.

    Every path segment of 6 or more code characters is masked (``rest`` excepted), since in a mistyped
    URL the secret cannot be told from the rest; the host stays, so the message still says which portal.
    ``paths=False`` masks only the password (for addresses whose path holds no secret).
    """
    text = text.replace("\\", "/")  # https:\\host\rest\1\secret\ is read as slashes by people, so here too
    lead = _LEAD.match(text)
    rest = text[lead.end() :] if lead else text
    if "@" in rest:  # a user name and password: everything up to the last "@" goes (passwords hold / # ? @)
        text = f"{lead.group('head') or '' if lead else ''}//{MASK}@{rest[rest.rindex('@') + 1 :]}"
    if not paths:
        return text
    start = text.find("//")
    path_at = text.find("/", start + 2) if start >= 0 else text.find("/")
    if path_at < 0:
        return text
    head, tail = text[:path_at], text[path_at:]
    tail = _SECRET_LIKE.sub(f"/{MASK}", tail)
    query_at = tail.find("?")
    if query_at >= 0:
        tail = tail[:query_at] + _QUERY_VALUE.sub(f"={MASK}", tail[query_at:])
    return head + tail
