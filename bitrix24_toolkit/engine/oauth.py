"""OAuth 2.0 for Bitrix24 applications: token stores and the refresh exchange (no network I/O here); the
token pair itself is :class:`~.token_pair.OAuthTokens`.

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
from dataclasses import replace
from pathlib import Path
from typing import Final, Protocol, runtime_checkable
from urllib.parse import urlencode, urlsplit

import httpx

from ..errors import AuthenticationError, InvalidInputError, make_api_error
from ..protocol.envelope import decode_body
from .redaction import MASK, redact
from .token_pair import OAuthTokens, register_secret_forms, same_portal
from .webhook import safe_url

__all__ = [
    "DEFAULT_TOKEN_URL",
    "JSONFileTokenStore",
    "MemoryTokenStore",
    "OAuth",
    "OAuthTokens",
    "TokenStore",
    "register_secret_forms",
    "same_portal",
]

DEFAULT_TOKEN_URL: Final = "https://oauth.bitrix.info/oauth/token/"
#: seconds between two tries to save a refreshed pair whose save failed (doubling up to the second figure)
UNSAVED_RETRY: Final = (1.0, 30.0)


@runtime_checkable
class TokenStore(Protocol):
    """Where an application keeps its token pair between runs.

    A store shared by processes may also have ``seed(tokens) -> OAuthTokens`` (save unless a pair that
    expires at least as late is held; return the pair held): :class:`OAuth` uses it at start-up.
    """

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
    it has been saved to the store. A refreshed pair whose save failed is used by this process and kept as
    :attr:`unsaved` until a later save succeeds (the engines try again before their next call or refresh).

    ``tokens`` given with a ``store`` are saved into it, unless the store has a ``seed(tokens)`` method
    (a store shared by processes, such as ``distributed.RedisTokenStore``): then the store keeps the pair
    it holds when that one expires at least as late, and the client uses whichever pair the store kept.
    So every worker may start with the install-time pair without overwriting a newer pair another process
    refreshed and saved (refresh tokens are single-use: the older pair is dead). A stored pair of another
    portal (another ``member_id``, or when one is unknown another host) is refused with
    :class:`InvalidInputError`: each portal needs its own store (key).
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
        seed = getattr(self.store, "seed", None)
        if tokens is not None and callable(seed):
            current = seed(tokens)  # a shared store: never clobber a newer pair (see above)
            if isinstance(current, OAuthTokens) and not same_portal(tokens, current):
                raise InvalidInputError(
                    f"the token store {type(self.store).__name__} holds the pair of another portal (its "
                    "member_id or client_endpoint host differs from the tokens given): give each portal "
                    "its own store key",
                    field="store",
                )
        else:
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
        self._unsaved: OAuthTokens | None = None
        self._unsaved_retry_at = 0.0
        self._unsaved_backoff = 0.0
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

    @property
    def unsaved(self) -> OAuthTokens | None:
        """The pair this process refreshed whose save to the store failed (it is in use), else ``None``."""
        return self._unsaved

    def save_due(self) -> bool:
        """Whether an :attr:`unsaved` pair is waiting and its next save may be tried now."""
        return self._unsaved is not None and time.monotonic() >= self._unsaved_retry_at

    def adopt(self, tokens: OAuthTokens) -> None:
        """Use a pair another process refreshed and saved (read back from a shared store)."""
        self._tokens = tokens
        self._unsaved = None

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
        tokens = self.read_refresh(response)
        self.use_refreshed(tokens)  # first: the old refresh token is spent, a failed save must not lose it
        self.store.save(tokens)
        self.saved(tokens)
        return tokens

    def read_refresh(self, response: httpx.Response) -> OAuthTokens:
        """The new pair of a token endpoint's answer, or :class:`AuthenticationError` (nothing changes)."""
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
        return OAuthTokens.from_response(data, previous=self._tokens)

    def use_refreshed(self, tokens: OAuthTokens) -> None:
        """Use a pair just refreshed (the old refresh token is spent), :attr:`unsaved` until :meth:`saved`."""
        self._tokens = self._unsaved = tokens
        self._unsaved_retry_at, self._unsaved_backoff = 0.0, 0.0  # the first retry: at the next call
        self.refresh_count += 1

    def saved(self, tokens: OAuthTokens) -> None:
        """``tokens`` are in the store now: no longer :attr:`unsaved`; ``on_refresh`` is called."""
        if self._unsaved is tokens:
            self._unsaved = None
        if self.on_refresh is not None:
            self.on_refresh(tokens)

    def save_failed(self) -> None:
        """Saving the :attr:`unsaved` pair failed: the next call tries again, then after 1 s, 2 s ... 30 s."""
        self._unsaved_retry_at = time.monotonic() + self._unsaved_backoff
        self._unsaved_backoff = min(max(UNSAVED_RETRY[0], self._unsaved_backoff * 2), UNSAVED_RETRY[1])

    def __repr__(self) -> str:
        portal = safe_url(self.endpoint, paths=False)
        return f"OAuth(client_id={self.client_id!r}, client_secret={MASK!r}, portal={portal!r})"
