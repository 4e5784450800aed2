"""An OAuth token pair (:class:`OAuthTokens`) and what is checked about it: its fields, the answer of the
token endpoint it is read from, and whether two pairs are of one portal (:func:`same_portal`). No I/O."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from ..errors import AuthenticationError, InvalidInputError
from .redaction import register_secret

__all__ = ["OAuthTokens", "register_secret_forms", "same_portal"]


@dataclass(frozen=True)
class OAuthTokens:
    """An access/refresh token pair and the portal it belongs to. ``repr()`` masks both tokens."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    #: The portal's REST base, e.g. ``https://portal.bitrix24.com/rest/`` (from the token response).
    client_endpoint: str = ""
    #: Unix time when the access token expires, when known.
    expires_at: float | None = None
    member_id: str | None = field(default=None, repr=False)
    scope: str | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        for name in ("access_token", "refresh_token"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InvalidInputError(f"OAuthTokens.{name} must be a non-empty str", field=name)
        if not isinstance(self.client_endpoint, str):
            raise InvalidInputError("OAuthTokens.client_endpoint must be a str", field="client_endpoint")
        if self.expires_at is not None and (
            isinstance(self.expires_at, bool) or not isinstance(self.expires_at, int | float)
        ):
            raise InvalidInputError("OAuthTokens.expires_at must be a number or None", field="expires_at")
        for name in ("member_id", "scope"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise InvalidInputError(f"OAuthTokens.{name} must be a str or None", field=name)
        if self.user_id is not None and (isinstance(self.user_id, bool) or not isinstance(self.user_id, int)):
            raise InvalidInputError("OAuthTokens.user_id must be an int or None", field="user_id")
        register_secret_forms(self.access_token)
        register_secret_forms(self.refresh_token)
        register_secret_forms(self.member_id)

    @classmethod
    def from_response(cls, data: Mapping[str, Any], *, previous: OAuthTokens | None = None) -> OAuthTokens:
        """Build tokens from a token-endpoint answer (``domain`` there is the auth server: not used)."""
        access = data.get("access_token")
        refresh = data.get("refresh_token")
        if not isinstance(access, str) or not isinstance(refresh, str) or not access or not refresh:
            raise AuthenticationError(
                code="invalid_response",
                description="the token endpoint answered without access_token/refresh_token",
                method="oauth/token",
            )
        expires = data.get("expires")
        expires_in = data.get("expires_in")
        expires_at: float | None = None
        if isinstance(expires, int | float) and not isinstance(expires, bool):
            expires_at = float(expires)
        elif isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
            expires_at = time.time() + float(expires_in)
        endpoint = str(data.get("client_endpoint") or (previous.client_endpoint if previous else ""))
        if previous is not None and _downgraded(previous.client_endpoint, endpoint):
            endpoint = previous.client_endpoint  # never let a token answer move the portal to http://
        user = data.get("user_id")
        return cls(
            access_token=access,
            refresh_token=refresh,
            client_endpoint=endpoint,
            expires_at=expires_at,
            member_id=str(data["member_id"]) if data.get("member_id") else _keep(previous, "member_id"),
            scope=str(data["scope"]) if data.get("scope") else _keep(previous, "scope"),
            user_id=_small_int(user),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (for token stores)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OAuthTokens:
        """The reverse of :meth:`to_dict`; anything else is :class:`InvalidInputError`."""
        if not isinstance(data, Mapping):
            raise InvalidInputError(
                f"stored tokens must be a JSON object, not {type(data).__name__}", field="tokens"
            )
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def register_secret_forms(secret: str | None) -> None:
    """Register ``secret`` and its percent-encoded forms (as they appear in a query string or a log line)."""
    if not secret:
        return
    for form in {secret, quote(secret, safe=""), quote_plus(secret, safe="")}:
        register_secret(form)


def same_portal(a: OAuthTokens, b: OAuthTokens) -> bool:
    """Whether two pairs are of one portal: the same ``member_id`` when both are known (a portal that moved
    keeps it), else the same host of ``client_endpoint`` (an empty endpoint proves nothing)."""
    if a.member_id and b.member_id:
        return a.member_id == b.member_id
    first, second = _host(a.client_endpoint), _host(b.client_endpoint)
    return first is None or second is None or first == second


def _host(endpoint: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(endpoint)
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower())
    except ValueError:
        return (endpoint.lower(), None)
    return (parts.hostname, port) if parts.hostname else None


def _downgraded(old: str, new: str) -> bool:
    return old.lower().startswith("https://") and not new.lower().startswith("https://")


def _small_int(value: Any) -> int | None:
    """A user id from a token answer: a plain int or a short string of ASCII digits, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**63 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _keep(previous: OAuthTokens | None, name: str) -> str | None:
    value = getattr(previous, name, None) if previous is not None else None
    return value if isinstance(value, str) else None
