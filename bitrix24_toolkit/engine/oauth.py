"""OAuth 2.0 for Bitrix24 applications: tokens, token stores and the refresh exchange (no I/O here).

The portal answers ``expired_token`` (HTTP 401) when the access token is over; the client then refreshes
once through the token endpoint (``https://oauth.bitrix.info/oauth/token/`` by default, configurable so
tests and the emulator can serve it), stores the new pair and repeats the call. Refreshes are
single-flight: concurrent callers that saw the same expired token wait for one refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable
from urllib.parse import quote, quote_plus, urlencode, urlsplit

import httpx

from ..errors import AuthenticationError, InvalidInputError, make_api_error
from ..protocol.envelope import decode_body
from .redaction import MASK, redact, register_secret
from .webhook import safe_url

__all__ = [
    "DEFAULT_TOKEN_URL",
    "JSONFileTokenStore",
    "MemoryTokenStore",
    "OAuth",
    "OAuthTokens",
    "TokenStore",
]

DEFAULT_TOKEN_URL: Final = "https://oauth.bitrix.info/oauth/token/"


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


@runtime_checkable
class TokenStore(Protocol):
    """Where an application keeps its token pair between runs."""

    def load(self) -> OAuthTokens | None:
        """The stored tokens, or ``None`` when there are none yet."""

    def save(self, tokens: OAuthTokens) -> None:
        """Persist a new token pair (called after every refresh)."""


class MemoryTokenStore:
    """Keeps tokens in memory (for scripts and tests)."""

    def __init__(self, tokens: OAuthTokens | None = None) -> None:
        self._tokens = tokens

    def load(self) -> OAuthTokens | None:
        """The tokens held, if any."""
        return self._tokens

    def save(self, tokens: OAuthTokens) -> None:
        """Hold new tokens."""
        self._tokens = tokens

    def __repr__(self) -> str:
        return f"MemoryTokenStore(has_tokens={self._tokens is not None})"


class JSONFileTokenStore:
    """Keeps tokens in a JSON file, written atomically (temp file + ``os.replace``) with 0600 permissions."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()

    def load(self) -> OAuthTokens | None:
        """Read the file; ``None`` when it does not exist."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except OSError as exc:  # a directory, no permission, ...
            raise InvalidInputError(
                f"token file {self.path} cannot be read ({type(exc).__name__})", field="path"
            ) from exc
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise InvalidInputError(f"token file {self.path} is not valid JSON", field="path") from exc
        if not isinstance(data, Mapping):
            raise InvalidInputError(
                f"token file {self.path} must hold a JSON object of tokens, not {type(data).__name__}",
                field="path",
            )
        try:
            return OAuthTokens.from_dict(data)
        except TypeError as exc:  # a missing key
            raise InvalidInputError(
                f"token file {self.path} lacks access_token/refresh_token", field="path"
            ) from exc

    def save(self, tokens: OAuthTokens) -> None:
        """Replace the file atomically; readers see the old or the new pair, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(tokens.to_dict(), handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def __repr__(self) -> str:
        return f"JSONFileTokenStore({str(self.path)!r})"


class OAuth:
    """OAuth credentials of a Bitrix24 application; pass as ``Bitrix24(auth=OAuth(...))``.

    ``tokens`` or a ``store`` holding them is required. ``on_refresh`` is called with each new pair after
    it has been saved to the store.
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        tokens: OAuthTokens | None = None,
        store: TokenStore | None = None,
        token_url: str = DEFAULT_TOKEN_URL,
        on_refresh: Callable[[OAuthTokens], None] | None = None,
    ) -> None:
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            raise InvalidInputError("OAuth client_id and client_secret must be str", field="client_id")
        if not client_id or not client_secret:
            raise InvalidInputError("OAuth needs client_id and client_secret", field="client_id")
        register_secret_forms(client_secret)
        if not isinstance(token_url, str) or urlsplit(token_url).scheme not in ("http", "https"):
            raise InvalidInputError(
                f"token_url must be an http(s) URL, not {safe_url(str(token_url))!r}", field="token_url"
            )
        if tokens is not None and not isinstance(tokens, OAuthTokens):
            raise InvalidInputError(
                f"tokens must be an OAuthTokens(...), not {type(tokens).__name__}", field="tokens"
            )
        if store is not None and not isinstance(store, TokenStore):
            raise InvalidInputError(
                f"store must have load() and save() (a TokenStore), not {type(store).__name__}", field="store"
            )
        self.client_id = client_id
        self._client_secret = client_secret
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        if tokens is not None:
            self.store.save(tokens)
        current = self.store.load()
        if current is not None and not isinstance(current, OAuthTokens):
            raise InvalidInputError(
                f"the token store returned {type(current).__name__}, not OAuthTokens", field="store"
            )
        if current is None:
            raise InvalidInputError(
                "OAuth needs tokens: pass tokens=OAuthTokens(...) or a store that holds them", field="tokens"
            )
        endpoint_scheme = urlsplit(current.client_endpoint).scheme if current.client_endpoint else ""
        if current.client_endpoint and endpoint_scheme not in ("http", "https"):
            raise InvalidInputError(
                f"OAuthTokens.client_endpoint must be the portal's https://<portal>/rest/ URL, not "
                f"{safe_url(current.client_endpoint)!r}",
                field="client_endpoint",
            )
        if not current.client_endpoint:
            raise InvalidInputError(
                "OAuthTokens.client_endpoint is empty: it is the portal's REST URL "
                "(https://<portal>/rest/) from the token response",
                field="client_endpoint",
            )
        self._tokens = current
        self.token_url = token_url
        self.on_refresh = on_refresh
        self.refresh_count = 0
        #: Serialises refreshes of synchronous clients; :meth:`async_lock` does it for tasks.
        self.sync_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def async_lock(self) -> asyncio.Lock:
        """The refresh lock of the running event loop (one per loop, shared by every client using us)."""
        loop = asyncio.get_running_loop()
        with self.sync_lock:
            lock = self._async_locks.get(loop)
            if lock is None:
                lock = self._async_locks[loop] = asyncio.Lock()
        return lock

    @property
    def tokens(self) -> OAuthTokens:
        """The current token pair."""
        return self._tokens

    @property
    def endpoint(self) -> str:
        """The portal's REST base URL, ending in ``/``."""
        base = self._tokens.client_endpoint
        return base if base.endswith("/") else base + "/"

    @property
    def domain(self) -> str:
        """The portal's host."""
        return urlsplit(self.endpoint).netloc

    def moved_to(self, scheme: str, netloc: str) -> None:
        """Point at the new address of a portal that moved (its answer was a 302)."""
        parts = urlsplit(self.endpoint)
        self._tokens = replace(self._tokens, client_endpoint=f"{scheme}://{netloc}{parts.path}")

    def refresh_request(self, timeout: httpx.Timeout) -> httpx.Request:
        """The token-endpoint request for a refresh (reference 1.5: GET with query parameters)."""
        query = urlencode(
            {
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "refresh_token": self._tokens.refresh_token,
            }
        )
        separator = "&" if "?" in self.token_url else "?"
        return httpx.Request(
            "GET",
            f"{self.token_url}{separator}{query}",
            headers={"Accept": "application/json"},
            extensions={"timeout": timeout.as_dict()},
        )

    def apply_refresh(self, response: httpx.Response) -> OAuthTokens:
        """Take the token endpoint's answer: store the new pair, or raise :class:`AuthenticationError`."""
        method = "oauth/token"
        data = decode_body(response.content, status_code=response.status_code, method=method, redact=redact)
        if "error" in data:
            code = str(data.get("error") or "")
            description = redact(str(data.get("error_description") or "token refresh refused"))
            error = make_api_error(code, description, status_code=response.status_code, method=method)
            if isinstance(error, AuthenticationError):
                raise error
            raise AuthenticationError(
                code=code, description=description, status_code=response.status_code, method=method
            )
        tokens = OAuthTokens.from_response(data, previous=self._tokens)
        self.store.save(tokens)
        self._tokens = tokens
        self.refresh_count += 1
        if self.on_refresh is not None:
            self.on_refresh(tokens)
        return tokens

    def __repr__(self) -> str:
        portal = safe_url(self.endpoint, paths=False)
        return f"OAuth(client_id={self.client_id!r}, client_secret={MASK!r}, portal={portal!r})"
