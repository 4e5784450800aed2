"""``RedisTokenStore``: one OAuth token pair shared by every process of an application, kept in Redis.

Refresh tokens are single-use, so processes that share a portal must share its pair and refresh it one at
a time. The store keeps the pair as one JSON value under ``key`` (``SET`` replaces it atomically: a reader
sees the old pair or the new one) and offers the refresh lock the engine's
:func:`~bitrix24_toolkit.engine.refresh.refresh_flow` takes (:class:`~bitrix24_toolkit.engine.refresh.
SharedTokenStore`): ``SET key:refresh-lock <random id> NX PX lock_ttl``, released by a Lua
compare-and-delete, so a holder whose lock expired and was taken by another process never deletes the
new holder's lock, and a crashed holder's lock frees itself after ``lock_ttl``.

:meth:`RedisTokenStore.seed` is what ``OAuth(tokens=..., store=...)`` calls at start-up: it stores the
given pair only when the store is empty or holds a pair that expires earlier, so a worker started with the
install-time pair never overwrites a newer one another process refreshed.

It also refuses to seed over the pair of another portal (another ``member_id``, or another host when one
is unknown): :class:`~bitrix24_toolkit.errors.InvalidInputError`, since that is a key given to two portals.

Each operation has a coroutine twin on ``redis.asyncio`` (``aload``, ``asave``, ``aacquire_refresh``,
``arelease_refresh``), one connection per event loop: the async client's refresh awaits them and never
blocks its loop on Redis.

Secrets: ``repr()``, errors and log lines never show a token, nor the Redis password (masked as ``***``);
Redis down, unreachable or refusing the password, and a corrupt stored value (named by its key, never
shown), are :class:`~bitrix24_toolkit.errors.SharedStateError`: nothing was sent to the portal (a failed
:meth:`~RedisTokenStore.save` says the pair was not saved: it follows a refresh that was sent).
"""

from __future__ import annotations

import json
import logging
import math
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, TypeVar

from ..engine.oauth import OAuthTokens, same_portal
from ..errors import Bitrix24Error, InvalidInputError, SharedStateError
from ._redis import Connections, check_url, is_redis_error, mask_url, shared_state_error

__all__ = ["LOCK_SUFFIX", "RedisTokenStore"]

logger = logging.getLogger("bitrix24_toolkit.distributed")

#: appended to ``key`` for the refresh lock
LOCK_SUFFIX: Final = ":refresh-lock"

_T = TypeVar("_T")

#: delete the lock only when it still holds our id (a lock that expired and was retaken is another's)
_RELEASE: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""

#: store ARGV[1] unless the key holds a pair expiring at least as late (ARGV[2]: its expires_at, or '')
_SEED: Final = """
local current = redis.call('GET', KEYS[1])
if not current then
    redis.call('SET', KEYS[1], ARGV[1])
    return {1, ARGV[1]}
end
local given = tonumber(ARGV[2])
if given then
    local ok, stored = pcall(cjson.decode, current)
    if ok and type(stored) == 'table' and type(stored['expires_at']) == 'number'
            and given > stored['expires_at'] then
        redis.call('SET', KEYS[1], ARGV[1])
        return {1, ARGV[1]}
    end
end
return {0, current}
"""


def _seconds(value: object, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidInputError(f"{name} must be a positive number of seconds, not {value!r}", field=name)
    return float(value)


class RedisTokenStore:
    """A :class:`~bitrix24_toolkit.engine.oauth.TokenStore` in Redis shared by processes, with a
    cross-process refresh lock; pass as ``OAuth(..., store=RedisTokenStore(url, key=...))``.

    ``key`` holds the pair (one key per portal and application, e.g. ``"b24:tokens:portal.bitrix24.com"``);
    ``lock_ttl`` is how long a refresh may hold the lock (longer than a token request takes: a crashed
    holder blocks the others that long); ``lock_wait`` how long a process waits for another's refresh
    (at least ``lock_ttl``, so a crashed holder's lock expires before the followers give up).
    """

    def __init__(self, url: str, *, key: str, lock_ttl: float = 30.0, lock_wait: float = 45.0) -> None:
        check_url(url)
        if not isinstance(key, str) or not key.strip():
            raise InvalidInputError(
                f"key must be a non-empty str (the Redis key of the token pair), not {key!r}"[:120],
                field="key",
            )
        self.lock_ttl = _seconds(lock_ttl, "lock_ttl")
        self.lock_wait = _seconds(lock_wait, "lock_wait")
        if self.lock_wait < self.lock_ttl:
            raise InvalidInputError(
                f"lock_wait ({self.lock_wait:g} s) must be at least lock_ttl ({self.lock_ttl:g} s): a "
                "follower has to outwait the lock of a crashed holder",
                field="lock_wait",
            )
        self.url = url
        self.key = key
        self.lock_key = key + LOCK_SUFFIX
        self._connections = Connections(url)

    # ------------------------------------------------------------------------------------ plumbing
    def _failure(self, exc: Exception, what: str) -> Exception:
        """A failure of Redis as :class:`SharedStateError` (password masked); anything else as it is."""
        if isinstance(exc, Bitrix24Error) or not is_redis_error(exc):
            return exc
        outcome = "the pair was not saved" if what == "save" else "nothing was sent to the portal"
        return shared_state_error(exc, self.url, f"tokens ({what} {self.key!r})", outcome=outcome)

    def _run(self, what: str, action: Callable[[Any], _T]) -> _T:
        """Run ``action(client)``; a failure of Redis becomes :class:`SharedStateError` (password masked)."""
        try:
            return action(self._connections.sync())
        except Exception as exc:
            failure = self._failure(exc, what)
            if failure is exc:
                raise
            raise failure from None

    async def _arun(self, what: str, action: Callable[[Any], Awaitable[_T]]) -> _T:
        """:meth:`_run` on the running event loop's ``redis.asyncio`` client."""
        try:
            return await action(await self._connections.for_loop())
        except Exception as exc:
            failure = self._failure(exc, what)
            if failure is exc:
                raise
            raise failure from None

    @staticmethod
    def _script(source: str, keys: list[str], args: list[Any]) -> Callable[[Any], Any]:
        """An action running a Lua script by its SHA (``EVALSHA``; loaded again on ``NOSCRIPT``); on an
        asyncio client it returns the coroutine."""

        def run(client: Any) -> Any:
            return client.register_script(source)(keys=keys, args=args, client=client)

        return run

    def _corrupt(self, why: str) -> SharedStateError:
        return SharedStateError(
            f"the token pair stored in Redis under {self.key!r} ({mask_url(self.url)}) {why}: save a valid "
            "pair there (OAuthTokens.to_dict() as JSON); nothing was sent to the portal",
            what="tokens",
        )

    def _decode(self, raw: object) -> OAuthTokens:
        """The pair stored as ``raw``; anything unreadable is an error naming the key, never the value."""
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            data = json.loads(text)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            raise self._corrupt("is not valid JSON") from None
        if not isinstance(data, Mapping):
            raise self._corrupt(f"is a JSON {type(data).__name__}, not an object of tokens") from None
        try:
            return OAuthTokens.from_dict(data)
        except TypeError:  # a missing key
            raise self._corrupt("lacks access_token/refresh_token") from None
        except InvalidInputError as exc:  # a field of the wrong type: name the field, never its value
            raise self._corrupt(f"has an invalid {exc.field or 'field'}") from None

    @staticmethod
    def _encode(tokens: OAuthTokens) -> str:
        if not isinstance(tokens, OAuthTokens):
            raise InvalidInputError(
                f"a token store saves OAuthTokens(...), not {type(tokens).__name__}", field="tokens"
            )
        return json.dumps(tokens.to_dict(), ensure_ascii=False, separators=(",", ":"))

    # ----------------------------------------------------------------------------------- TokenStore
    def load(self) -> OAuthTokens | None:
        """The stored pair (Redis ``GET``), or ``None`` when there is none yet."""
        raw = self._run("load", lambda client: client.get(self.key))
        return None if raw is None else self._decode(raw)

    def save(self, tokens: OAuthTokens) -> None:
        """Replace the stored pair atomically (Redis ``SET``): readers see the old or the new pair."""
        value = self._encode(tokens)
        self._run("save", lambda client: client.set(self.key, value))
        logger.debug("saved a new token pair under %r", self.key)

    async def aload(self) -> OAuthTokens | None:
        """:meth:`load` awaited on ``redis.asyncio`` (Redis ``GET``)."""
        raw = await self._arun("load", lambda client: client.get(self.key))
        return None if raw is None else self._decode(raw)

    async def asave(self, tokens: OAuthTokens) -> None:
        """:meth:`save` awaited on ``redis.asyncio`` (Redis ``SET``)."""
        value = self._encode(tokens)
        await self._arun("save", lambda client: client.set(self.key, value))
        logger.debug("saved a new token pair under %r", self.key)

    def seed(self, tokens: OAuthTokens) -> OAuthTokens:
        """Store ``tokens`` unless a pair expiring at least as late is stored (atomic, Lua); the pair held.

        ``OAuth(tokens=..., store=...)`` calls it at start-up, so a worker started with an old pair adopts
        the newer one another process refreshed instead of overwriting it. A pair without ``expires_at``
        is stored only into an empty store. A stored pair of another portal is never replaced:
        :class:`InvalidInputError` (one key given to two portals).
        """
        value = self._encode(tokens)
        held = self.load()
        if held is not None and not same_portal(tokens, held):
            raise InvalidInputError(
                f"the token pair stored under {self.key!r} is of another portal (its member_id or "
                "client_endpoint host differs from the tokens given): give each portal its own key",
                field="key",
            )
        expires = "" if tokens.expires_at is None else repr(float(tokens.expires_at))
        stored, held = self._run("seed", self._script(_SEED, [self.key], [value, expires]))
        if int(stored):
            logger.debug("seeded the token pair under %r", self.key)
            return tokens
        logger.debug("kept the newer token pair already under %r", self.key)
        return self._decode(held)

    # ----------------------------------------------------------------------------- SharedTokenStore
    def _lock_action(self, lock_id: str) -> Callable[[Any], Any]:
        ttl_ms = max(1, round(self.lock_ttl * 1000))
        return lambda client: client.set(self.lock_key, lock_id, nx=True, px=ttl_ms)

    def _taken(self, taken: object, lock_id: str) -> str | None:
        if taken:
            logger.debug("took the refresh lock %r", self.lock_key)
            return lock_id
        return None

    def acquire_refresh(self) -> str | None:
        """Try once to take the refresh lock (``SET NX PX lock_ttl``): its id, or ``None`` when held."""
        lock_id = secrets.token_hex(16)
        return self._taken(self._run("lock", self._lock_action(lock_id)), lock_id)

    async def aacquire_refresh(self) -> str | None:
        """:meth:`acquire_refresh` awaited on ``redis.asyncio``."""
        lock_id = secrets.token_hex(16)
        return self._taken(await self._arun("lock", self._lock_action(lock_id)), lock_id)

    def release_refresh(self, lock_id: str) -> None:
        """Release the lock taken as ``lock_id`` (Lua compare-and-delete: a lock retaken by another process
        after ours expired is kept). When Redis cannot be reached the lock is left to expire."""
        try:
            deleted = self._run("unlock", self._script(_RELEASE, [self.lock_key], [lock_id]))
        except Bitrix24Error as exc:
            self._not_released(exc)
            return
        self._released(deleted)

    async def arelease_refresh(self, lock_id: str) -> None:
        """:meth:`release_refresh` awaited on ``redis.asyncio``."""
        try:
            deleted = await self._arun("unlock", self._script(_RELEASE, [self.lock_key], [lock_id]))
        except Bitrix24Error as exc:
            self._not_released(exc)
            return
        self._released(deleted)

    def _not_released(self, exc: Bitrix24Error) -> None:
        logger.warning("could not release the refresh lock %r (it expires by itself): %s", self.lock_key, exc)

    def _released(self, deleted: object) -> None:
        if not deleted:
            logger.warning(
                "the refresh lock %r had expired (a refresh took over lock_ttl=%g s) and was not released",
                self.lock_key,
                self.lock_ttl,
            )

    # ----------------------------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close this process's connections to Redis."""
        self._connections.close()

    async def aclose(self) -> None:
        """Close the running event loop's connection to Redis (it also closes with its loop)."""
        await self._connections.aclose()

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, "key": self.key, "lock_ttl": self.lock_ttl, "lock_wait": self.lock_wait}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["url"], key=state["key"], lock_ttl=state["lock_ttl"], lock_wait=state["lock_wait"]
        )

    def __repr__(self) -> str:
        return (
            f"RedisTokenStore({mask_url(self.url)!r}, key={self.key!r}, lock_ttl={self.lock_ttl:g}, "
            f"lock_wait={self.lock_wait:g})"
        )
