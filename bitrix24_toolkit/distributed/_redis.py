"""Connections to Redis for the shared state (limits, tokens): lazy import, short timeouts, one error.

``redis`` (redis-py) is the optional extra ``pip install "bitrix24-toolkit[redis]"``; it is imported on
first use, so ``import bitrix24_toolkit.distributed`` works without it. Every failure of Redis (refused,
unreachable, timing out, wrong password, an error answer) becomes :class:`~bitrix24_toolkit.errors.
SharedStateError` through :func:`shared_state_error`, with the URL's password masked. A password in the URL
is also registered with :mod:`~bitrix24_toolkit.engine.redaction`, so no log line of ours shows it.

:class:`Connections` holds one sync client and one asyncio client per event loop for a URL, and makes new
ones in a child process (``os.fork()``: Celery prefork, gunicorn), so no socket is shared with the parent.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote, urlsplit

from ..engine.redaction import MASK, redact, register_secret
from ..errors import InvalidInputError, SharedStateError

if TYPE_CHECKING:
    import redis
    import redis.asyncio

logger = logging.getLogger("bitrix24_toolkit")

__all__ = [
    "DEFAULT_TIMEOUT",
    "INSTALL_HINT",
    "SCHEMES",
    "Connections",
    "Outage",
    "check_url",
    "connect",
    "connect_async",
    "is_redis_error",
    "mask_url",
    "require_redis",
    "shared_state_error",
    "url_secrets",
]

INSTALL_HINT: Final = 'pip install "bitrix24-toolkit[redis]"'
#: URL schemes redis-py understands
SCHEMES: Final = ("redis", "rediss", "unix")
_PASSWORD_QUERY: Final = re.compile(r"(?i)((?:^|&)password=)([^&]*)")
#: seconds to connect and to wait for an answer: Redis answers in a millisecond, so a slow one is down
DEFAULT_TIMEOUT: Final = 2.0


def require_redis() -> None:
    """Check that the ``redis`` extra is installed (:class:`InvalidInputError` naming the command if not)."""
    _redis_module()


def _redis_module() -> Any:
    try:
        import redis
    except ImportError:
        raise InvalidInputError(
            f"the shared state needs the redis package: {INSTALL_HINT}", field="url"
        ) from None
    return redis


def mask_url(url: str) -> str:
    """``url`` with its password (user info, or a ``password=`` query value) replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return MASK if "@" in url or "password" in url.lower() else url
    prefix = ""
    if "@" in rest:
        # the last '@' of the whole text: a password with an unencoded '/', '?' or '#' is masked too (an
        # '@' inside the query masks more than needed, never less)
        userinfo, _, rest = rest.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        user = user if "/" not in user and "?" not in user else ""
        prefix = (f"{user}:{MASK}" if colon and user else f":{MASK}" if colon else MASK) + "@"
    place, question, query = rest.partition("?")
    if query:
        query = _PASSWORD_QUERY.sub(rf"\1{MASK}", query)
    return f"{scheme}://{prefix}{place}{question}{query}"


def check_url(url: object) -> str:
    """Validate a Redis URL (``redis://``, ``rediss://`` or ``unix://``) and register its password."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInputError(
            f"a Redis URL is a str such as 'redis://localhost:6379/0', not {type(url).__name__}",
            field="url",
        )
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme not in SCHEMES:
        raise InvalidInputError(
            f"a Redis URL starts with redis://, rediss:// or unix://, not {mask_url(url)[:60]!r}",
            field="url",
        )
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise InvalidInputError(f"unreadable Redis URL {mask_url(url)!r}", field="url") from None
    if scheme != "unix" and not parts.hostname:
        raise InvalidInputError(f"the Redis URL {mask_url(url)!r} names no host", field="url")
    for secret in url_secrets(url):
        register_secret(secret)
    return url


def _options(timeout: float) -> dict[str, Any]:
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "health_check_interval": 30,
    }


def connect(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> redis.Redis:
    """A redis-py client of ``url`` (connects lazily) with short socket timeouts and one retry."""
    module = _redis_module()
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    client: redis.Redis = module.Redis.from_url(
        url, retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 1), **_options(timeout)
    )
    return client


def connect_async(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> redis.asyncio.Redis:
    """A ``redis.asyncio`` client of ``url`` for the running event loop (connects lazily)."""
    _redis_module()
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff

    client: redis.asyncio.Redis = aioredis.Redis.from_url(
        url, retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 1), **_options(timeout)
    )
    return client


def is_redis_error(error: BaseException) -> bool:
    """Whether ``error`` is a failure of Redis or of the connection to it."""
    if isinstance(error, OSError | asyncio.TimeoutError):
        return True
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - only reached with redis installed
        return False
    return isinstance(error, RedisError)


def shared_state_error(
    error: BaseException, url: str, what: str, *, outcome: str = "nothing was sent to the portal"
) -> SharedStateError:
    """The :class:`SharedStateError` for a Redis failure; the password never appears in its text.

    ``outcome`` ends the message: what the failure left undone (a failed save says the pair was not saved,
    since it comes after a refresh that was sent)."""
    detail = redact(str(error)) or "no detail"
    secrets = url_secrets(url)
    for secret in secrets:
        detail = detail.replace(secret, MASK)
    text = (
        f"the shared {what} on Redis {mask_url(url)} could not be used ({type(error).__name__}: "
        f"{detail[:200]}); {outcome}"
    )
    failure = SharedStateError(text, what=what)
    if not any(secret in str(error) for secret in secrets):  # a cause that shows a secret is dropped
        failure.__cause__ = error
    failure.__suppress_context__ = True
    return failure


def url_secrets(url: str) -> list[str]:
    """The secrets a Redis URL carries: its password (user info or ``password=`` query), raw and decoded."""
    found: list[str] = []
    place, _, query = url.partition("://")[2].partition("?")
    if "@" in place:
        userinfo = place.rpartition("@")[0]
        user, colon, password = userinfo.partition(":")
        found.append(password if colon else user)
    found.extend(match.group(2) for match in _PASSWORD_QUERY.finditer(query))
    return sorted({text for raw in found if raw for text in (raw, unquote(raw))}, key=len, reverse=True)


async def _close_with_loop(client: redis.asyncio.Redis) -> AsyncIterator[None]:
    """Kept suspended for the loop's life: ``asyncio.run`` (or a ``Runner``) closes its async generators
    before closing the loop, which closes the client's connections in time (no unclosed-socket warnings)."""
    try:
        yield
    finally:
        await client.aclose()


class Connections:
    """One sync client and one asyncio client per event loop of a Redis URL; new ones after a fork."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._sync: redis.Redis | None = None
        self._async: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[redis.asyncio.Redis, AsyncIterator[None]]
        ] = weakref.WeakKeyDictionary()

    def _check_pid(self) -> None:
        """In a child process, forget the parent's clients (their sockets are the parent's)."""
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._sync = None
            self._async = weakref.WeakKeyDictionary()

    def sync(self) -> redis.Redis:
        """The sync client of this process (thread-safe: redis-py pools its connections)."""
        with self._lock:
            self._check_pid()
            if self._sync is None:
                self._sync = connect(self.url, timeout=self.timeout)
            return self._sync

    async def for_loop(self) -> redis.asyncio.Redis:
        """The asyncio client of the running event loop (one per loop, closed when the loop is)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._check_pid()
            entry = self._async.get(loop)
            if entry is not None:
                return entry[0]
            client = connect_async(self.url, timeout=self.timeout)
            closer = _close_with_loop(client)
            self._async[loop] = (client, closer)
        await closer.__anext__()  # started on this loop: the loop now finalizes it at shutdown
        return client

    def close(self) -> None:
        """Close the sync client's connections (the asyncio ones close with their loops, or ``aclose``)."""
        with self._lock:
            client, self._sync = self._sync, None
        if client is not None and os.getpid() == self._pid:
            client.close()

    async def aclose(self) -> None:
        """Close the running loop's asyncio client now."""
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._async.pop(loop, None)
        if entry is not None:
            closer = entry[1]
            await closer.aclose()  # type: ignore[attr-defined]  # runs its finally: client.aclose()

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, "timeout": self.timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["url"], timeout=state["timeout"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"Connections({mask_url(self.url)!r})"


class Outage:
    """Whether a Redis is taken as down (a fallback in use): it is tried again every ``retry_after``
    seconds, by one caller while the others keep to the fallback; one WARNING per outage, one INFO after."""

    def __init__(self, url: str, what: str, retry_after: float) -> None:
        self.url = url
        self.what = what
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._down_until: float | None = None

    def use_local(self) -> bool:
        """True while Redis is taken as down; once its pause is over, this caller tries it again."""
        with self._lock:
            if self._down_until is None:
                return False
            now = time.monotonic()
            if now < self._down_until:
                return True
            self._down_until = now + self.retry_after  # this caller probes; the others stay local meanwhile
            return False

    def failed(self, error: BaseException) -> None:
        """Redis failed: the fallback is used until the next attempt."""
        with self._lock:
            first = self._down_until is None
            self._down_until = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "shared %s: Redis %s failed (%s); each process keeps its own until Redis answers again "
                "(tried every %g s): the portal may see several processes' sum",
                self.what,
                mask_url(self.url),
                type(error).__name__,
                self.retry_after,
            )
        else:
            logger.debug("shared %s: Redis %s still failing (%s)", self.what, mask_url(self.url), error)

    def recovered(self) -> None:
        """Redis answered: the shared state is used again."""
        if self._down_until is None:  # the common case, read without the lock
            return
        with self._lock:
            was_down, self._down_until = self._down_until is not None, None
        if was_down:
            logger.info("shared %s: Redis %s answers again", self.what, mask_url(self.url))
