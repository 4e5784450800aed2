"""Inbound webhook URLs: parsed and checked before any request, and never printed with their secret."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final
from urllib.parse import urlsplit

from ..errors import InvalidInputError
from .redaction import MASK, register_secret

__all__ = ["ENV_WEBHOOK_URL", "WebhookURL", "parse_webhook_url"]

ENV_WEBHOOK_URL: Final = "BITRIX24_WEBHOOK_URL"

_HOW = (
    "expected https://<portal>/rest/<user_id>/<secret>/ as shown in Bitrix24 under "
    "Developer resources -> Other -> Inbound webhook"
)
_REST_PATH = re.compile(r"^(?P<prefix>(?:/[^/]+)*?)/rest/(?P<user>[^/]+)/(?P<secret>[^/]+)/?(?P<tail>.*)$")
_SECRET_ANYWHERE = re.compile(r"/rest/[^/?#]+/([^/?#]+)")
# A path segment of 8+ characters mixing letters and digits: masked in messages even in a mistyped URL.
_SECRET_LIKE = re.compile(r"/(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{8,}(?=/|$)")
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

    @property
    def base(self) -> str:
        """The full base URL including the secret (only for building requests)."""
        return f"{self.scheme}://{self.netloc}{self.prefix}/rest/{self.user_id}/{self.secret}/"

    @property
    def redacted(self) -> str:
        """The base URL with the secret masked, safe to show."""
        return f"{self.scheme}://{self.netloc}{self.prefix}/rest/{self.user_id}/{MASK}/"

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
    shown = _masked(text, candidate)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError for a port outside 0-65535)
    except ValueError as exc:
        raise InvalidInputError(
            f"invalid Bitrix24 webhook URL {shown!r}: {exc} (check the host and port); {_HOW}",
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
    if not user.isdigit():
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
    return WebhookURL(
        scheme=parts.scheme,
        netloc=parts.netloc.lower(),
        prefix=match.group("prefix"),
        user_id=int(user),
        secret=secret,
    )


def _masked(text: str, secret: str | None) -> str:
    """The URL as we may show it: the secret, and anything that looks like one, masked."""
    if secret:
        text = text.replace(f"/{secret}", f"/{MASK}")
    return _SECRET_LIKE.sub(f"/{MASK}", text)
