"""The OAuth refresh as a flow both clients pump: single-flight in the process and, with a shared token
store, across processes.

Refresh tokens are single-use: when two processes refresh the same pair, the second is answered
``invalid_grant`` and, worse, whichever saves last may store a pair the portal already replaced. So before
refreshing, the flow re-reads the store (another process may have refreshed already); with a
:class:`SharedTokenStore` it takes the store's refresh lock first (a lock with an expiry, so a crashed
holder's lock frees itself), and followers wait, re-reading the store, until the holder's new pair is there.
A refresh answered ``invalid_grant`` is recovered by re-reading the store: once for any store and, with
a shared one, for up to :data:`INVALID_GRANT_WAIT` seconds (the process that won may save its pair a moment
after the portal refused ours: a holder whose lock expired during a slow refresh, a process without the lock).
A call refused ``invalid_token`` (``wait_only``: the winner's refresh revoked our access token) never
refreshes: it waits for a lock holder to save, and takes the stored pair.

A stored pair is taken only when it is of our portal (:func:`~.oauth.same_portal`; another portal's pair
is an :class:`InvalidInputError`) and not older than ours (``expires_at``). The new pair of a refresh is
saved while the lock is held, tried again until :data:`SAVE_SHARE` of ``lock_ttl`` is spent; if it still
fails the process keeps using it (``OAuth.unsaved``) and saves it before its next call or refresh
(:func:`unsaved_flow`), and the call fails with a :class:`SharedStateError` saying so.

The flow yields the refresh ``httpx.Request`` (the driver sends back the response), :class:`Pause` steps
(the driver sleeps its own way) and :class:`StoreStep` operations (the sync driver calls the store, the
async one awaits the store's coroutines when it has them: a slow Redis never blocks the event loop). A
failure of a step is thrown into the flow. :func:`run_refresh` / :func:`arun_refresh` are the drivers; they
give back a refresh lock the flow took and did not release (a failed step), at once rather than at expiry.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol, TypeAlias, runtime_checkable

import httpx

from ..errors import AuthenticationError, InvalidInputError, SharedStateError, TokenRefreshError
from .core import Pause
from .oauth import OAuth, OAuthTokens, TokenStore, same_portal

__all__ = [
    "INVALID_GRANT_WAIT",
    "REFRESH_POLL",
    "SAVE_SHARE",
    "RefreshFlow",
    "RefreshStep",
    "SharedTokenStore",
    "StoreStep",
    "arun_refresh",
    "refresh_flow",
    "run_refresh",
    "unsaved_flow",
]

logger = logging.getLogger("bitrix24_toolkit")

#: seconds between two looks at the store while another process holds the refresh lock
REFRESH_POLL: Final = 0.05
#: seconds (at most ``lock_wait``) a shared store is watched for the winner's pair after ``invalid_grant``
INVALID_GRANT_WAIT: Final = 5.0
#: share of ``lock_ttl`` (from taking the lock) a holder may spend saving its new pair, retrying
SAVE_SHARE: Final = 0.8
#: seconds between two tries of a failed save
SAVE_POLL: Final = 0.2


@runtime_checkable
class SharedTokenStore(TokenStore, Protocol):
    """A token store shared by processes that can make a refresh single-flight across them.

    It may also have the coroutines ``aload``, ``asave``, ``aacquire_refresh`` and ``arelease_refresh``:
    the async client awaits them instead of calling the blocking methods. With a ``lock_ttl`` (seconds the
    lock lives) a holder whose save fails tries again while its lock lives; without one it tries once.
    """

    #: seconds a follower waits for another process's refresh before giving up
    lock_wait: float

    def acquire_refresh(self) -> str | None:
        """Try once to take the refresh lock (never blocks): a lock id to release, or ``None`` when held."""

    def release_refresh(self, lock_id: str) -> None:
        """Release the lock taken as ``lock_id`` (a lock that expired and was taken by another is kept)."""


@dataclass(frozen=True, slots=True)
class StoreStep:
    """Asks the driver for ``store.<name>(*args)``, or ``await store.a<name>(*args)`` when it has that."""

    name: Literal["load", "save", "acquire_refresh", "release_refresh"]
    args: tuple[Any, ...] = ()


RefreshStep: TypeAlias = httpx.Request | Pause | StoreStep
RefreshFlow: TypeAlias = Generator[RefreshStep, object, None]


def _other_portal() -> InvalidInputError:
    return InvalidInputError(
        "the token store holds the pair of another portal (its member_id or client_endpoint host differs "
        "from ours): give each portal its own store key; the stored pair was not used",
        field="store",
    )


def _older(first: OAuthTokens, second: OAuthTokens) -> bool:
    """Whether ``first`` expires before ``second`` (both known)."""
    return (
        first.expires_at is not None
        and second.expires_at is not None
        and first.expires_at < second.expires_at
    )


def _adopt(oauth: OAuth, stored: object, used_token: str) -> bool:
    """Take the stored pair when another process has refreshed since ``used_token`` was sent: a pair of
    our portal, not older than ours (a store still holding a pair we replaced, e.g. a failed save)."""
    if not isinstance(stored, OAuthTokens):
        return False
    held = oauth.tokens
    if stored.access_token == used_token or stored.refresh_token == held.refresh_token:
        return False
    if not same_portal(held, stored):
        raise _other_portal()
    if oauth.unsaved is not None:
        return False  # our pair is the live one, the store's is what it replaced
    if _older(stored, held):
        return False
    oauth.adopt(stored)
    return True


def unsaved_flow(oauth: OAuth) -> Generator[RefreshStep, object, bool]:
    """Save the pair whose save failed (``OAuth.unsaved``), unless the store now holds a newer pair of our
    portal (then it is used). A store failure is logged (the next try waits), never raised; a pair of
    another portal there is an :class:`InvalidInputError` and is never overwritten."""
    tokens = oauth.unsaved
    if tokens is None:
        return True
    try:
        stored = yield StoreStep("load")
    except Exception as exc:
        return _still_unsaved(oauth, exc)
    if isinstance(stored, OAuthTokens) and stored != tokens:
        if not same_portal(stored, tokens):
            raise _other_portal()  # never overwrite it: the key is given to two portals
        if _older(tokens, stored):
            oauth.adopt(stored)  # replaced meanwhile (e.g. a reinstall seeded a newer pair)
            return True
    try:
        yield StoreStep("save", (tokens,))
    except Exception as exc:
        return _still_unsaved(oauth, exc)
    oauth.saved(tokens)
    logger.info("saved the refreshed token pair whose save had failed")
    return True


def _still_unsaved(oauth: OAuth, failure: Exception) -> bool:
    oauth.save_failed()
    logger.warning("the refreshed token pair is still not saved to the token store: %s", failure)
    return False


def _unsaved_error(failure: BaseException) -> SharedStateError:
    return SharedStateError(
        "the token refresh succeeded (the portal issued a new pair and the old refresh token is spent), "
        f"but the new pair could not be saved to the token store ({failure}): the other processes sharing "
        "the store cannot use it until it is saved; this process keeps using it and saves it before its "
        "next call. The call that needed the refresh was not repeated",
        what="tokens",
    )


def _save(oauth: OAuth, tokens: OAuthTokens, deadline: float | None) -> Generator[RefreshStep, object, None]:
    """Save the refreshed pair, trying again until ``deadline`` (monotonic); then keep it unsaved."""
    while True:
        try:
            yield StoreStep("save", (tokens,))
        except Exception as exc:
            if deadline is not None and time.monotonic() + SAVE_POLL < deadline:
                yield Pause(SAVE_POLL)
                continue
            oauth.save_failed()
            if isinstance(exc, SharedStateError):
                raise _unsaved_error(exc) from exc
            raise
        oauth.saved(tokens)
        return


def _save_deadline(shared: SharedTokenStore | None, held: tuple[str, float] | None) -> float | None:
    """Until when (monotonic) a lock holder may retry its save: :data:`SAVE_SHARE` of the lock's life."""
    ttl: object = getattr(shared, "lock_ttl", None)
    if held is None or isinstance(ttl, bool) or not isinstance(ttl, int | float) or not ttl > 0:
        return None  # no lock, or a store that does not say how long it lives: one try
    return held[1] + SAVE_SHARE * float(ttl)


def _lock_or_adopt(
    oauth: OAuth, shared: SharedTokenStore, used_token: str, *, wait_only: bool
) -> Generator[RefreshStep, object, tuple[str, float] | None]:
    """Take the shared refresh lock (its id and when it was asked for), or adopt the pair its holder saves
    meanwhile (``None``). ``wait_only`` gives the lock back at once: the caller only waits for a refresh."""
    deadline = time.monotonic() + float(shared.lock_wait)
    while True:
        asked = time.monotonic()
        lock_id = yield StoreStep("acquire_refresh")
        if isinstance(lock_id, str):
            break
        if time.monotonic() > deadline:
            if wait_only:
                return None  # nobody saved a new pair: the caller's token is really refused
            raise TokenRefreshError(
                code="expired_token",
                description="the access token expired",
                refresh_error=(
                    f"another process held the shared refresh lock for over {shared.lock_wait:g} s "
                    "and saved no new tokens"
                ),
            )
        yield Pause(REFRESH_POLL)
        if _adopt(oauth, (yield StoreStep("load")), used_token):
            return None  # the holder saved its new pair: use it
    adopted = _adopt(oauth, (yield StoreStep("load")), used_token)  # the holder may have just finished
    if wait_only or adopted:
        yield StoreStep("release_refresh", (lock_id,))
        return None
    return lock_id, asked


def refresh_flow(
    oauth: OAuth, used_token: str, timeout: httpx.Timeout, *, wait_only: bool = False
) -> RefreshFlow:
    """Refresh the token ``used_token`` was, unless a thread, task or process already did (run under the
    process's refresh lock, ``OAuth.sync_lock`` / ``OAuth.async_lock()``).

    ``wait_only`` (the token was refused ``invalid_token``: a refresh elsewhere revoked it, or it is really
    bad) never refreshes: it only takes the pair another thread, task or process put in its place, waiting
    for a refresh that holds the shared lock to save its pair.
    """
    if oauth.unsaved is not None and not (yield from unsaved_flow(oauth)):
        if oauth.tokens.access_token != used_token:
            return  # refreshed here; its pair is not shared yet but this process can use it
        raise SharedStateError(
            "the token store could not be used to save the pair this process refreshed earlier, and that "
            "pair's access token is refused now: nothing was sent to the portal",
            what="tokens",
        )
    if oauth.tokens.access_token != used_token:
        return  # another thread or task of this process refreshed while we waited for the lock
    store = oauth.store
    if _adopt(oauth, (yield StoreStep("load")), used_token):
        return  # another process refreshed and saved the new pair
    shared = store if isinstance(store, SharedTokenStore) else None
    if shared is None and wait_only:
        return
    held: tuple[str, float] | None = None
    if shared is not None:
        held = yield from _lock_or_adopt(oauth, shared, used_token, wait_only=wait_only)
        if held is None:
            return
    response = yield oauth.refresh_request(timeout)
    assert isinstance(response, httpx.Response)
    try:
        tokens = oauth.read_refresh(response)
    except AuthenticationError as exc:
        # invalid_grant: our refresh token was used already, by a process that did not hold the lock
        # (an expired lock, another store) or whose save we have not seen: the store may hold its pair
        if exc.code.lower() != "invalid_grant":
            raise
        adopted = _adopt(oauth, (yield StoreStep("load")), used_token)
        if not adopted and shared is not None:  # the winner may save a moment after the portal refused us
            watch_until = time.monotonic() + min(float(shared.lock_wait), INVALID_GRANT_WAIT)
            while not adopted and time.monotonic() < watch_until:
                yield Pause(REFRESH_POLL)
                adopted = _adopt(oauth, (yield StoreStep("load")), used_token)
        if not adopted:
            raise
    else:
        oauth.use_refreshed(tokens)  # in use at once: the old refresh token is spent
        yield from _save(oauth, tokens, _save_deadline(shared, held))
    if held is not None:
        yield StoreStep("release_refresh", (held[0],))


# -------------------------------------------------------------------------------------------- drivers
def _note(locks: list[str], step: StoreStep, answer: object) -> None:
    """Keep track of the refresh locks a flow holds."""
    if step.name == "acquire_refresh" and isinstance(answer, str):
        locks.append(answer)
    elif step.name == "release_refresh" and step.args and step.args[0] in locks:
        locks.remove(step.args[0])


def _call(store: TokenStore, step: StoreStep) -> object:
    return getattr(store, step.name)(*step.args)


def run_refresh(
    flow: Generator[RefreshStep, object, Any],
    store: TokenStore,
    transmit: Callable[[httpx.Request], httpx.Response],
    sleep: Callable[[float], None],
) -> None:
    """Pump a refresh flow in a synchronous client: store operations called, requests sent, pauses slept."""
    locks: list[str] = []
    reply: object = None
    failure: Exception | None = None
    try:
        while True:
            try:
                step = flow.send(reply) if failure is None else flow.throw(failure)
            except StopIteration:
                return
            reply, failure = None, None
            try:
                if isinstance(step, Pause):
                    sleep(step.seconds)
                elif isinstance(step, StoreStep):
                    reply = _call(store, step)
                    _note(locks, step, reply)
                else:
                    reply = transmit(step)
            except Exception as exc:
                failure = exc
    finally:
        flow.close()
        for lock_id in locks:  # a failed step: give the lock back now rather than at its expiry
            with contextlib.suppress(Exception):
                _call(store, StoreStep("release_refresh", (lock_id,)))


async def _astore(store: TokenStore, step: StoreStep) -> object:
    coroutine = getattr(store, "a" + step.name, None)
    if coroutine is None:
        return _call(store, step)
    return await coroutine(*step.args)


async def arun_refresh(
    flow: Generator[RefreshStep, object, Any],
    store: TokenStore,
    transmit: Callable[[httpx.Request], Awaitable[httpx.Response]],
    sleep: Callable[[float], Awaitable[None]],
) -> None:
    """:func:`run_refresh` for the async client: the store's coroutines awaited when it has them."""
    locks: list[str] = []
    reply: object = None
    failure: Exception | None = None
    try:
        while True:
            try:
                step = flow.send(reply) if failure is None else flow.throw(failure)
            except StopIteration:
                return
            reply, failure = None, None
            try:
                if isinstance(step, Pause):
                    await sleep(step.seconds)
                elif isinstance(step, StoreStep):
                    reply = await _astore(store, step)
                    _note(locks, step, reply)
                else:
                    reply = await transmit(step)
            except Exception as exc:
                failure = exc
    finally:
        flow.close()
        for lock_id in locks:
            with contextlib.suppress(Exception):
                await _astore(store, StoreStep("release_refresh", (lock_id,)))
