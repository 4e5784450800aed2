"""What both clients share, with no I/O: building requests, the exchange flow, decoding, redaction.

:meth:`ClientCore.exchange` is a generator in the style of httpx's ``Auth.auth_flow``: it yields the
``httpx.Request`` to send (or :class:`NeedRefresh` when an OAuth token expired) and receives the
``httpx.Response``. The sync and async clients only pump it, so portal moves (302), token refresh and
envelope decoding are written once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import urlsplit

import httpx

from .._version import __version__
from ..errors import (
    APIError,
    AuthenticationError,
    Bitrix24Error,
    OperationTimeLimitError,
    RateLimitError,
    RedirectRefusedError,
    RequestTimeout,
    ResponseFormatError,
    SharedStateError,
    TokenExpiredError,
    TokenRefreshError,
    TransportError,
)
from ..protocol.call import Call
from ..protocol.encoding import dumps_json, encode_php_query
from ..protocol.envelope import APIResponse, decode_body, parse_envelope
from ..protocol.typed_pages import page_decoder
from .limiter import Pace, PortalLimiter
from .oauth import OAuth
from .redaction import redact
from .redirects import refused_redirect
from .webhook import WebhookURL, safe_url

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "ClientCore", "NeedRefresh", "Pace", "Pause", "Reply", "Step"]

logger = logging.getLogger("bitrix24_toolkit")

USER_AGENT: Final = f"bitrix24-toolkit/{__version__}"
#: A cloud portal cuts every request at 60 s (reference 2.1).
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
#: seconds a method blocked with ``OPERATION_TIME_LIMIT`` is taken as blocked when no reset time is known
BLOCKED_GUESS: Final = 60.0

Encoding: TypeAlias = Literal["json", "form"]
PortalMovedHook: TypeAlias = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class NeedRefresh:
    """Asks the driver to refresh the OAuth token that ``used_token`` was (single-flight).

    ``wait_only``: do not refresh, only wait for a refresh in flight to finish (a call answered
    ``invalid_token`` because another caller's refresh had just replaced its token).
    """

    used_token: str
    wait_only: bool = False


@dataclass(frozen=True, slots=True)
class Pause:
    """Asks the driver to wait before sending (the limiter booked a later slot)."""

    seconds: float


Step: TypeAlias = httpx.Request | NeedRefresh | Pause | Pace
#: what the driver sends back into the exchange: the answer to a request, the wait of a ``Pace``, or nothing
Reply: TypeAlias = httpx.Response | float | None


class ClientCore:
    """Request building and response decoding for one portal and one set of credentials."""

    def __init__(
        self,
        auth: WebhookURL | OAuth,
        *,
        timeout: httpx.Timeout,
        encoding: Encoding = "json",
        user_agent: str = USER_AGENT,
        on_portal_moved: PortalMovedHook | None = None,
        limiter: PortalLimiter | None = None,
    ) -> None:
        self.auth = auth
        #: paces requests at the portal's limits (shared per portal); ``None``: no pacing
        self.limiter = limiter
        self.timeout = timeout
        self.encoding: Encoding = encoding
        self.user_agent = user_agent
        self.on_portal_moved = on_portal_moved
        #: method -> unix time its operating budget resets, from the last ``time.operating_reset_at`` seen
        self.operating_reset_at: dict[str, float] = {}

    # ------------------------------------------------------------------------------------ describe
    @property
    def portal(self) -> str:
        """The REST base URL with secrets masked."""
        return (
            self.auth.redacted
            if isinstance(self.auth, WebhookURL)
            else safe_url(self.auth.endpoint, paths=False)
        )

    @property
    def domain(self) -> str:
        """The portal's host."""
        return self.auth.domain

    # -------------------------------------------------------------------------------------- build
    def build_request(self, call: Call[Any]) -> tuple[httpx.Request, str | None]:
        """The HTTP request for a call and the OAuth access token it uses (``None`` for webhooks)."""
        params: dict[str, Any] = dict(call.params)
        token: str | None = None
        if isinstance(self.auth, OAuth):
            token = self.auth.tokens.access_token
            params["auth"] = token
            url = self.auth.endpoint + call.method
        else:
            url = self.auth.method_url(call.method)
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        if isinstance(self.auth, WebhookURL):
            headers.update(self.auth.headers)
        if self.encoding == "form":
            body = encode_php_query(params).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = dumps_json(params)
            headers["Content-Type"] = "application/json"
        request = httpx.Request(
            "POST", url, content=body, headers=headers, extensions={"timeout": self.timeout.as_dict()}
        )
        return request, token

    # ----------------------------------------------------------------------------------- exchange
    def exchange(self, call: Call[Any]) -> Generator[Step, Reply, APIResponse]:
        """Send one call: follow a portal move once, refresh an expired OAuth token once, decode.

        The limiter is asked through :class:`Pace` steps, so a limiter that does I/O (Redis) is awaited by
        the async client rather than blocking its event loop.
        """
        yield from self._book(call.method)
        request, token = self.build_request(call)
        started = time.monotonic()
        logger.debug("-> %s", call.method)
        response = yield request
        assert isinstance(response, httpx.Response)
        if response.status_code in _REDIRECTS:
            moved = self._relocate(request, response, call.method)
            yield from self._book(call.method)  # every request the portal sees takes a slot of its bucket
            response = yield moved
            assert isinstance(response, httpx.Response)
        try:
            decoded = self.decode(call, response)
        except RateLimitError:
            if self.limiter is not None:
                yield Pace("penalize", call.method)  # another process shares the portal: pace what follows
            raise
        except OperationTimeLimitError as exc:
            if self.limiter is not None:  # the method is blocked: every client of the limiter waits for it
                reset_at = exc.reset_at if exc.reset_at is not None else time.time() + BLOCKED_GUESS
                yield Pace("block", call.method, reset_at=reset_at)
            raise
        except AuthenticationError as exc:
            if token is None or not isinstance(self.auth, OAuth):
                raise
            if isinstance(exc, TokenExpiredError):
                try:
                    yield NeedRefresh(token)
                except Bitrix24Error as failure:
                    raise self.refresh_failed(exc, failure) from failure
            elif exc.code.lower() != "invalid_token":
                raise
            else:
                yield NeedRefresh(token, wait_only=True)  # a refresh in flight may have replaced it
                if self.auth.tokens.access_token == token:
                    raise  # not refreshed meanwhile by another caller: the token is really refused
            yield from self._book(call.method)  # the repeat with the new token is a request too
            request, _ = self.build_request(call)
            response = yield request
            assert isinstance(response, httpx.Response)
            decoded = self.decode(call, response)
        if self.limiter is not None and decoded.time is not None:
            budget = decoded.time
            if budget.operating_reset_at is not None:
                yield Pace("observe", call.method, budget.operating, budget.operating_reset_at)
        logger.debug(
            "<- %s HTTP %s in %.0f ms", call.method, response.status_code, (time.monotonic() - started) * 1e3
        )
        return decoded

    def _book(self, method: str) -> Generator[Step, Reply, None]:
        """Book a slot with the limiter (``Pace``) and wait for it (``Pause``); nothing without a limiter.

        A method held by its operating budget books nothing until the hold is over (a negative answer).
        """
        if self.limiter is None:
            return
        while True:
            wait = yield Pace("reserve", method)
            if not isinstance(wait, float | int) or wait == 0:
                return
            logger.debug("%s: waiting %.2f s for the portal's limits", method, abs(wait))
            yield Pause(abs(float(wait)))
            if wait > 0:
                return  # the slot was booked: send now
            # held by the method's budget, nothing booked: book a slot now that the hold is over

    def _relocate(self, request: httpx.Request, response: httpx.Response, method: str) -> httpx.Request:
        """The same POST at the new address of a portal that moved (never turned into a GET).

        Refused (:class:`RedirectRefusedError`, nothing sent) when the move would leak the credentials: to
        ``http://`` from ``https://``, with a user/password in the address, or from a public portal to an
        internal address (loopback, private, link-local); see :mod:`.redirects`. A redirect without a
        usable ``Location`` is an unreadable answer (:class:`ResponseFormatError`), as before.
        """
        location = response.headers.get("location", "")
        refusal = refused_redirect(str(request.url), location)
        if refusal is not None:
            reason, why = refusal
            shown = safe_url(redact(location))
            if reason == "invalid":  # not a usable answer at all: as unknown as any other unreadable one
                raise ResponseFormatError(
                    f"{method}: HTTP {response.status_code} redirect without a usable Location header "
                    f"({why}), not followed",
                    status_code=response.status_code,
                    snippet=shown,
                    method=method,
                )
            raise RedirectRefusedError(
                f"{method}: the portal answered HTTP {response.status_code} with Location {shown!r}, not "
                f"followed: {why}; nothing was sent there and the call was not applied",
                reason=reason,
                status_code=response.status_code,
                location=shown,
                method=method,
            )
        target = urlsplit(str(request.url.join(location)))
        old = self.domain
        if self.on_portal_moved is not None:  # before the move: a hook that raises vetoes it
            self.on_portal_moved(old, target.netloc)
        self.auth = (
            self.auth.moved_to(target.scheme, target.netloc)
            if isinstance(self.auth, WebhookURL)
            else self._moved_oauth(self.auth, target.scheme, target.netloc)
        )
        logger.warning("Bitrix24 portal %s moved to %s; using the new address", old, target.netloc)
        new_url = request.url.copy_with(scheme=target.scheme, netloc=target.netloc.encode("ascii"))
        return httpx.Request(
            request.method,
            new_url,
            headers=request.headers,
            content=request.content,
            extensions=request.extensions,
        )

    @staticmethod
    def _moved_oauth(auth: OAuth, scheme: str, netloc: str) -> OAuth:
        auth.moved_to(scheme, netloc)
        return auth

    # ------------------------------------------------------------------------------------- decode
    def decode(self, call: Call[Any], response: httpx.Response) -> APIResponse:
        """Decode an answer into an :class:`APIResponse` or raise the typed error it carries."""
        status = response.status_code
        if status in _REDIRECTS:
            shown = safe_url(redact(response.headers.get("location", "")))
            raise RedirectRefusedError(
                f"{call.method}: the portal redirected again (HTTP {status}, to {shown!r}) after moving "
                "once, not followed (a redirect loop or a second move); the call was not applied",
                reason="again",
                status_code=status,
                location=shown,
                method=call.method,
            )
        reset_at = self.operating_reset_at.get(call.method)
        decoded = None
        if call.rows_model is not None and status == 200:  # rows read from the bytes (None: not the shape)
            decoder = page_decoder(call.rows_model)
            read = decoder.batch if call.method == "batch" else decoder.page
            decoded = read(
                response.content, status_code=status, method=call.method, redact=redact, reset_at=reset_at
            )
        if decoded is None:
            payload = decode_body(response.content, status_code=status, method=call.method, redact=redact)
            decoded = parse_envelope(
                payload, status_code=status, method=call.method, redact=redact, reset_at=reset_at
            )
        if decoded.time is not None and decoded.time.operating_reset_at is not None:
            self.operating_reset_at[call.method] = decoded.time.operating_reset_at
        return decoded

    @staticmethod
    def unusable_location(exc: Exception, method: str) -> ResponseFormatError:
        """The error of an answer whose redirect address httpx itself could not parse (never followed)."""
        detail = redact(str(exc))[:200]
        return ResponseFormatError(
            f"{method}: HTTP redirect without a usable Location header ({detail}), not followed",
            status_code=None,
            snippet=detail,
            method=method,
        )

    @staticmethod
    def refresh_failed(refused: TokenExpiredError, failure: Bitrix24Error) -> Bitrix24Error:
        """The error of a call refused with ``expired_token`` whose refresh failed with ``failure``.

        A refusal of the token endpoint (an :class:`APIError`, e.g. ``invalid_grant``) is raised as it is;
        any other failure (timeout, reset, a page that is not JSON) becomes :class:`TokenRefreshError`: the
        call itself was refused, so nothing was stored (never "may have been applied"). A shared token
        store that cannot be used (:class:`SharedStateError`: Redis down) is raised as it is too.
        """
        if isinstance(failure, APIError | SharedStateError):
            return failure
        return TokenRefreshError(
            code=refused.code,
            description=refused.description,
            status_code=refused.status_code,
            method=refused.method,
            refresh_error=f"{type(failure).__name__}: {redact(str(failure))}",
        )

    # ---------------------------------------------------------------------------------- transport
    @staticmethod
    def transport_error(exc: httpx.HTTPError, method: str) -> TransportError:
        """Our typed error for an httpx failure; ``sent=False`` when the request surely never left.

        The httpx error stays our error's ``__cause__``; its text is masked in place too, since a traceback
        prints the whole chain (some transports and proxies quote the request URL, secret included).
        """
        exc.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in exc.args)
        detail = redact(str(exc)) or type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            sent = not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            return RequestTimeout(
                f"{method}: no answer in time ({type(exc).__name__}: {detail})", method=method, sent=sent
            )
        sent = not isinstance(exc, httpx.ConnectError | httpx.UnsupportedProtocol)
        return TransportError(
            f"{method}: request failed ({type(exc).__name__}: {detail})", method=method, sent=sent
        )
