"""What the two clients share beyond the protocol core: their settings and the read-only views of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeVar

import httpx

from ..errors import Bitrix24Error, InvalidInputError
from ..protocol.call import Call, KnownFields
from ..protocol.envelope import APIResponse, named, unreadable_result
from .core import ClientCore, Encoding, PortalMovedHook
from .fields import FieldCache
from .limiter import LimiterState, Limits, limiter_for
from .oauth import OAuth
from .redaction import redact
from .retry import RetryPolicy
from .settings import check_concurrency, check_user_agent, resolve_auth, resolve_timeout

__all__ = ["DEFAULT_CONCURRENCY", "ClientBase", "http_limits", "parallel_width"]

T = TypeVar("T")

#: Requests independent steps may have in flight by default: the standard plan's burst, so a fresh bucket
#: is spent in one go (2,000 rows of ``add_many``: 40 requests at once); the limiter paces what follows.
DEFAULT_CONCURRENCY: Final = 50


def parallel_width(calls: int, cap: int) -> int:
    """How many of ``calls`` independent requests run at once: ``min(calls, cap)``, at least 1.

    The limiter bounds what is really sent: each request books its slot before it goes, so beyond the
    bucket's room the others wait for the drain (they are never refused with 503).
    """
    return max(1, min(calls, cap))


def http_limits(concurrency: int) -> httpx.Limits:
    """Connection pool limits of a client we open: every parallel request keeps its connection alive."""
    return httpx.Limits(max_connections=max(100, concurrency), max_keepalive_connections=concurrency)


class ClientBase:
    """Settings common to :class:`~bitrix24_toolkit.Bitrix24` and :class:`~bitrix24_toolkit.AsyncBitrix24`."""

    _core: ClientCore

    def _configure(
        self,
        webhook_url: str | None,
        auth: OAuth | None,
        *,
        timeout: float | httpx.Timeout | None,
        encoding: Encoding,
        user_agent: str,
        on_portal_moved: PortalMovedHook | None,
        check_fields: bool,
        limits: Limits,
        retry: RetryPolicy | None,
        max_concurrency: int,
    ) -> None:
        if not isinstance(encoding, str) or encoding not in ("json", "form"):
            raise InvalidInputError(
                f"encoding must be 'json' or 'form', not {repr(encoding)[:40]}", field="encoding"
            )
        if on_portal_moved is not None and not callable(on_portal_moved):
            raise InvalidInputError("on_portal_moved must be a function (old, new)", field="on_portal_moved")
        if not isinstance(check_fields, bool):
            raise InvalidInputError("check_fields must be True or False", field="check_fields")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise InvalidInputError(
                f"retry must be a RetryPolicy(...), not {type(retry).__name__}", field="retry"
            )
        checked_timeout = resolve_timeout(timeout)
        agent = check_user_agent(user_agent)
        concurrency = check_concurrency(max_concurrency)
        credentials = resolve_auth(webhook_url, auth)
        self._core = ClientCore(
            credentials,
            timeout=checked_timeout,
            encoding=encoding,
            user_agent=agent,
            on_portal_moved=on_portal_moved,
            limiter=limiter_for(credentials.domain, limits),
        )
        #: when and how failed calls are repeated (see ``docs/limits.md``); ``RetryPolicy(attempts=1)``: never
        self.retry = retry if retry is not None else RetryPolicy()
        #: the cap on requests independent steps (batch chunks, ID ranges) have in flight at once; under it
        #: the limiter decides: the bucket's room at once, then one per drained slot (``docs/limits.md``)
        self.max_concurrency = concurrency
        #: check write fields against ``*.fields`` before sending (typos would be dropped silently)
        self.check_fields = check_fields
        #: this client's field descriptions of its portal (see :mod:`bitrix24_toolkit.engine.fields`)
        self.field_cache = FieldCache()

    def _value(self, call: Call[T], response: APIResponse) -> T:
        """The parsed value of an answer; field descriptions (``call.describes``) also refresh the cache.

        A parser failing on an answer of the wrong shape raises :class:`ResponseFormatError`, never a raw
        ``ValueError``/``TypeError``/``RecursionError``.
        """
        try:
            value = call.parse(response)
        except Bitrix24Error as exc:
            named(exc, call.method)
            raise
        except Exception as exc:
            raise unreadable_result(call.method, exc, redact) from exc
        if call.describes is not None:
            self.field_cache.put(call.describes, value)
        return value

    def _raw(self, method: str, params: Mapping[str, Any]) -> Call[Any]:
        """A raw call (``call``, ``call_full``, a batch's ``(method, params)`` pair, ``Deferred.call``); the
        typed clients attach the field checks of a known list method (``crm.deal.list`` ...)."""
        return Call(method, params)

    def _cached_fields(self, step: KnownFields) -> tuple[bool, Any]:
        """``(True, fields)`` when the step is answered without a request (cached, or checks off)."""
        if not self.check_fields:
            return True, None
        cached = self.field_cache.get(step.key)
        return cached is not None, cached

    @property
    def portal(self) -> str:
        """The portal's REST base URL, secrets masked."""
        return self._core.portal

    @property
    def domain(self) -> str:
        """The portal's host (updated when the portal moves)."""
        return self._core.domain

    @property
    def limits(self) -> LimiterState | None:
        """A snapshot of the pacing state shared by every client of this portal (``None``: no pacing)."""
        return self._core.limiter.snapshot() if self._core.limiter is not None else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(portal={self.portal!r})"
