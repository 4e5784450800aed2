"""The error tree of bitrix24-toolkit.

Every exception the library raises derives from :class:`Bitrix24Error`::

    Bitrix24Error
    ├── InvalidInputError            (also a ValueError) bad input caught before any request
    ├── APIError                     the portal answered an error (.code .description .status_code .method)
    │   ├── AuthenticationError      wrong webhook secret, bad/expired token, app not installed
    │   │   └── TokenExpiredError    expired_token: OAuth clients refresh once and repeat the call
    │   ├── PermissionDeniedError    ACCESS_DENIED, insufficient_scope, WRONG_AUTH_TYPE, "Access denied."
    │   ├── NotFoundError            NOT_FOUND, legacy "Not found" with an empty code
    │   ├── MethodNotFoundError      ERROR_METHOD_NOT_FOUND (unknown method, or its module/scope is absent)
    │   ├── BadRequestError          validation failures: INVALID_ARG_VALUE, ERROR_CORE, batch length, ...
    │   ├── RateLimitError           QUERY_LIMIT_EXCEEDED (.retry_after)
    │   ├── OperationTimeLimitError  OPERATION_TIME_LIMIT (.reset_at)
    │   ├── OverloadError            OVERLOAD_LIMIT (blocked by support: never retried)
    │   └── ServerError              INTERNAL_SERVER_ERROR, other 5xx answers
    ├── TransportError               the request could not be completed (connection failed, reset, ...)
    │   └── RequestTimeout           no answer within the timeout
    ├── ResponseFormatError          the answer is not a Bitrix24 envelope (HTML page, truncated JSON,
    │                                JSON nested too deep, ``true`` where an id belongs)
    │   └── RedirectRefusedError     a redirect not followed (https -> http, ...): the call was not run
    ├── NotAppliedError              the portal answered a write with ``false``: nothing was changed
    ├── SharedStateError             the shared state (Redis limits, tokens) could not be reached or
    │                                read: raised before the request, so nothing was sent (``.sent``)
    ├── TokenRefreshError            (also an AuthenticationError) refused with ``expired_token`` and the
    │                                refresh failed: nothing was stored
    └── OutcomeUnknownError          a write failed in a way that may have applied it: never repeated

Every error survives a ``pickle`` round trip (multiprocessing workers, caches) with its attributes, and
with its ``__cause__`` when that is one of ours.

The mapping from the portal's ``error`` codes to these classes is one table, compared case-insensitively:
:data:`ERROR_TABLE` (code -> class) and :data:`ERROR_STATUS` (code -> HTTP status) are two views of its rows.
Legacy CRM methods answer with an empty code (``""`` or ``0``); those are classified by their description
("Not found" -> :class:`NotFoundError`, "Access denied" -> :class:`PermissionDeniedError`).

One rule for ``APIError.status_code``, whichever way the call ran: it is the HTTP status the portal answers
that error with when the call runs alone. A call sent alone keeps the status of its answer. A call inside a
``batch`` (``b24.batch``, a coalesced call of ``AsyncBitrix24``, a ``b24.deferred()`` block) has none of its
own (the batch request answers HTTP 200 whatever its calls do), so it gets :func:`status_for` its code:

=====  =====================================================================================================
HTTP   codes
=====  =====================================================================================================
401    ``expired_token``, ``invalid_token``, ``NO_AUTH_FOUND``, ``INVALID_CREDENTIALS`` (docs: 403),
       ``insufficient_scope`` (docs: 403), ``AUTHORIZATION_ERROR``, ``APPLICATION_NOT_FOUND``,
       ``ERROR_OAUTH``, ``PAYMENT_REQUIRED``, ``METHOD_CONFIRM_WAITING`` (where the docs and the SDKs'
       live tests disagree, the live status)
403    ``ACCESS_DENIED``, ``user_access_error``, ``WRONG_AUTH_TYPE``, ``ALLOWED_ONLY_INTRANET_USER``,
       ``METHOD_CONFIRM_DENIED``
404    ``ERROR_METHOD_NOT_FOUND``, ``ERROR_MANIFEST_IS_NOT_AVAILABLE``
405    ``ERROR_BATCH_METHOD_NOT_ALLOWED``
429    ``OPERATION_TIME_LIMIT``
500    ``INTERNAL_SERVER_ERROR``, ``ERROR_UNEXPECTED_ANSWER``, ``PORTAL_DELETED`` (an SDK says 410)
503    ``QUERY_LIMIT_EXCEEDED``, ``OVERLOAD_LIMIT``
400    every other code: the empty legacy code (``""``/``0``), ``NOT_FOUND``, ``INVALID_ARG_VALUE``,
       ``ERROR_CORE`` and the rest of the table, the token endpoint's ``invalid_grant``/``invalid_client``/
       ``WRONG_CLIENT``/``invalid_scope``, and codes the table does not know (the portal's default status)
=====  =====================================================================================================

So ``crm.deal.get(999)`` raises ``NotFoundError(code="", status_code=400, method="crm.deal.get")`` with the
message ``crm.deal.get failed: Not found (HTTP 400)`` alone, in a batch, coalesced or deferred; the class
of a sub-error is chosen exactly as for an answer of its own (code, then description, then that status).
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

__all__ = [
    "DEFAULT_STATUS",
    "ERROR_STATUS",
    "ERROR_TABLE",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "Bitrix24Error",
    "InvalidInputError",
    "MethodNotFoundError",
    "NotAppliedError",
    "NotFoundError",
    "OperationTimeLimitError",
    "OutcomeUnknownError",
    "OverloadError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectRefusedError",
    "RequestTimeout",
    "ResponseFormatError",
    "ServerError",
    "SharedStateError",
    "TokenExpiredError",
    "TokenRefreshError",
    "TransportError",
    "error_class_for",
    "leaves_outcome_unknown",
    "make_api_error",
    "outcome_unknown",
    "short_repr",
    "status_for",
    "with_method",
]

E = TypeVar("E", bound=BaseException)


def short_repr(value: Any, limit: int = 60) -> str:
    """A short ``repr`` for an error message: a huge int is described, never converted to text (Python
    refuses ints over 4,300 digits), a failing ``repr`` gives the type, a long one is cut."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an int of {value.bit_length()} bits"
    try:
        text = repr(value)
    except Exception:  # a failing repr, a huge int inside a container, a structure nested too deep
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else f"{text[: max(10, limit - 3)]}..."


class Bitrix24Error(Exception):
    """Base class of every error raised by bitrix24-toolkit."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without calling ``__init__`` (subclasses have keyword-only or differently shaped
        # constructors): ``args`` as they are, then every attribute; a cause of ours travels along.
        state = dict(vars(self))
        cause = self.__cause__
        if isinstance(cause, Bitrix24Error):
            state["__cause__"] = cause
        return (_rebuild_error, (type(self), self.args), state)

    def __setstate__(self, state: dict[str, Any] | None) -> None:
        state = dict(state or {})
        cause = state.pop("__cause__", None)
        vars(self).update(state)
        if cause is not None:
            self.__cause__ = cause


def _rebuild_error(cls: type[Bitrix24Error], args: tuple[Any, ...]) -> Bitrix24Error:
    error = cls.__new__(cls, *args)
    error.args = args
    return error


class InvalidInputError(Bitrix24Error, ValueError):
    """Input that cannot be sent as it is; raised before any request.

    ``field`` names the argument or field at fault when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class APIError(Bitrix24Error):
    """The portal answered a call with an error envelope."""

    #: Whether the library may repeat the call by itself (see ``docs/errors.md``).
    retryable: bool = False

    def __init__(
        self,
        *,
        code: str,
        description: str,
        status_code: int | None = None,
        method: str | None = None,
    ) -> None:
        self.code = code
        self.description = description
        self.status_code = status_code
        self.method = method
        super().__init__(self._message())

    def _message(self) -> str:
        what = f"{self.method} failed" if self.method else "Bitrix24 call failed"
        text = self.description or self.code or "unknown error"
        if self.code and self.description and self.code.lower() not in self.description.lower():
            text = f"{self.description} [{self.code}]"
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        return f"{what}: {text}{status}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, description={self.description!r}, "
            f"status_code={self.status_code!r}, method={self.method!r})"
        )


class AuthenticationError(APIError):
    """Credentials were refused: wrong webhook secret, invalid or expired token, app not installed."""


class TokenExpiredError(AuthenticationError):
    """The OAuth access token expired (``expired_token``); OAuth clients refresh it once by themselves."""


class PermissionDeniedError(APIError):
    """The credentials are valid but may not do this (scope, rights, application context)."""


class NotFoundError(APIError):
    """The object does not exist or is not visible to the caller."""


class MethodNotFoundError(APIError):
    """The REST method does not exist on this portal (or its module or scope is missing)."""


class BadRequestError(APIError):
    """The portal rejected the parameters (validation failure, bad filter field, batch too long)."""


class RateLimitError(APIError):
    """``QUERY_LIMIT_EXCEEDED``: the portal's request bucket is full. The call did not run."""

    retryable = True

    def __init__(
        self,
        *,
        code: str,
        description: str,
        status_code: int | None = None,
        method: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code=code, description=description, status_code=status_code, method=method)
        #: Seconds to wait before the next request, when known (a full standard bucket drains 1 in 0.5 s).
        self.retry_after = retry_after


class OperationTimeLimitError(APIError):
    """``OPERATION_TIME_LIMIT``: this method used up its server-time budget; wait until ``reset_at``."""

    retryable = True

    def __init__(
        self,
        *,
        code: str,
        description: str,
        status_code: int | None = None,
        method: str | None = None,
        reset_at: float | None = None,
    ) -> None:
        super().__init__(code=code, description=description, status_code=status_code, method=method)
        #: Unix time when the method's budget frees up, from the last ``time.operating_reset_at`` seen.
        self.reset_at = reset_at


class OverloadError(APIError):
    """``OVERLOAD_LIMIT``: REST is blocked for this portal by Bitrix24 support. Never retried."""


class ServerError(APIError):
    """The portal failed internally (HTTP 5xx)."""


class TransportError(Bitrix24Error):
    """The request could not be completed: connection refused or reset, TLS failure, protocol error.

    ``sent`` tells whether the request may have reached the portal (``False``: it certainly did not).
    The underlying httpx exception is kept as ``__cause__``.
    """

    def __init__(self, message: str, *, method: str | None = None, sent: bool = True) -> None:
        super().__init__(message)
        self.method = method
        self.sent = sent


class RequestTimeout(TransportError):
    """No complete answer arrived within the timeout."""


class ResponseFormatError(Bitrix24Error):
    """The answer is not a Bitrix24 JSON envelope (an HTML error page, truncated or invalid JSON)."""

    def __init__(self, message: str, *, status_code: int | None, snippet: str, method: str | None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.snippet = snippet
        self.method = method


class RedirectRefusedError(ResponseFormatError):
    """The portal answered a redirect the client will not follow; the call was not sent there.

    ``reason`` says why (``downgrade``: https to http, which would send the webhook secret or token in
    clear; ``credentials``: a user/password in the new address; ``internal``: a public portal pointing at
    a loopback/private address; ``again``: a second move). A redirect without a usable ``Location`` is a
    plain :class:`ResponseFormatError` (an unreadable answer).
    ``location`` is the target with secrets masked. A redirect answer is not a result: the portal did not
    run the call, so it is never an unknown outcome (unlike the other :class:`ResponseFormatError`).
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        status_code: int | None = None,
        location: str = "",
        method: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, snippet=location, method=method)
        self.reason = reason
        self.location = location


class NotAppliedError(Bitrix24Error):
    """The portal answered a write with ``false`` (or another documented "not done"): nothing changed."""

    def __init__(self, message: str, *, method: str | None = None, result: Any = None) -> None:
        super().__init__(message)
        self.method = method
        self.result = result


class SharedStateError(Bitrix24Error):
    """State shared by processes (``distributed.RedisLimits``, ``RedisTokenStore``) could not be used:
    Redis is down, unreachable, timing out, refused the credentials, or holds something unreadable.

    Raised before the request that needed it, so **nothing was sent** (``sent`` is always ``False``): the
    call may be repeated once the shared state works again. It is never an unknown outcome. ``what`` names
    the state (``"limits"``, ``"tokens"``); the message names the server with any password masked.
    """

    #: the request that needed the shared state was not sent
    sent: bool = False

    def __init__(self, message: str, *, what: str = "") -> None:
        super().__init__(message)
        self.what = what


class TokenRefreshError(AuthenticationError):
    """A call was refused with ``expired_token`` and refreshing the token failed (``__cause__`` says how).

    The portal refused the call before running it: **nothing was stored**, so repeating it later (with
    a working token) cannot make a duplicate. ``refresh_error`` names the failure of the refresh.
    """

    def __init__(
        self,
        *,
        code: str,
        description: str,
        status_code: int | None = None,
        method: str | None = None,
        refresh_error: str = "",
    ) -> None:
        self.refresh_error = refresh_error
        super().__init__(code=code, description=description, status_code=status_code, method=method)

    def _message(self) -> str:
        what = self.method or "the call"
        return (
            f"{what} was refused (expired_token) and refreshing the access token failed "
            f"({self.refresh_error or 'unknown error'}): nothing was stored; fix the token refresh "
            "(network, client secret, refresh token) and repeat the call"
        )


class OutcomeUnknownError(Bitrix24Error):
    """A write failed after it may have reached the portal (timeout, reset, 5xx, truncated answer).

    The library never repeats such a write (Bitrix24 has no idempotency keys: a repeat could create a
    duplicate). Check the portal before writing it again. The original error is ``__cause__``; the message
    names the method but never its parameters.
    """

    def __init__(self, message: str, *, method: str | None = None) -> None:
        super().__init__(message)
        self.method = method


# --------------------------------------------------------------------------------------------------
# One table: error code (case-insensitive) -> class and the HTTP status the portal answers it with.
# Reference section 4; the module docstring explains where the status is used.
# --------------------------------------------------------------------------------------------------
#: The status of a code the table does not know, and of the legacy empty code: a portal's REST server
#: answers 400 for an error raised without a status of its own.
DEFAULT_STATUS: Final = 400

_ROWS: Final[tuple[tuple[str, type[APIError], int], ...]] = (
    # rate and resource limits
    ("query_limit_exceeded", RateLimitError, 503),
    ("operation_time_limit", OperationTimeLimitError, 429),
    ("overload_limit", OverloadError, 503),
    # authentication
    ("expired_token", TokenExpiredError, 401),
    ("invalid_token", AuthenticationError, 401),
    ("no_auth_found", AuthenticationError, 401),
    ("invalid_credentials", AuthenticationError, 401),  # docs: 403; SDK live tests and the emulator: 401
    ("authorization_error", AuthenticationError, 401),
    ("application_not_found", AuthenticationError, 401),
    ("error_oauth", AuthenticationError, 401),
    ("payment_required", AuthenticationError, 401),
    ("invalid_grant", AuthenticationError, 400),  # token endpoint
    ("invalid_client", AuthenticationError, 400),  # token endpoint
    ("wrong_client", AuthenticationError, 400),  # token endpoint
    ("invalid_request", BadRequestError, 400),
    # permissions
    ("insufficient_scope", PermissionDeniedError, 401),  # docs: 403; SDK live tests: 401
    ("invalid_scope", PermissionDeniedError, 400),  # token endpoint
    ("access_denied", PermissionDeniedError, 403),
    ("user_access_error", PermissionDeniedError, 403),
    ("wrong_auth_type", PermissionDeniedError, 403),
    ("allowed_only_intranet_user", PermissionDeniedError, 403),
    ("method_confirm_waiting", PermissionDeniedError, 401),
    ("method_confirm_denied", PermissionDeniedError, 403),
    # not found
    ("not_found", NotFoundError, 400),
    ("owner_not_found", NotFoundError, 400),
    ("error_not_found", NotFoundError, 404),  # crm.*.userfield.get/update/delete pages
    ("error_method_not_found", MethodNotFoundError, 404),  # status (unconfirmed); the emulator: 404
    ("error_manifest_is_not_available", NotFoundError, 404),
    ("portal_deleted", NotFoundError, 500),  # docs: 500; an SDK: 410
    # validation
    ("invalid_arg_value", BadRequestError, 400),
    ("error_core", BadRequestError, 400),
    ("entity_type_not_supported", BadRequestError, 400),
    ("error_batch_length_exceeded", BadRequestError, 400),
    ("error_batch_method_not_allowed", BadRequestError, 405),
    ("error_event_not_found", BadRequestError, 400),
    ("error_activity_validation_failure", BadRequestError, 400),
    ("error_activity_already_installed", BadRequestError, 400),
    ("wrong_datetime_format", BadRequestError, 400),
    ("invalid parameters.", BadRequestError, 400),
    ("100", BadRequestError, 400),
    # server side
    ("internal_server_error", ServerError, 500),
    ("error_unexpected_answer", ServerError, 500),
)

#: error code (lower case) -> class
ERROR_TABLE: Final[dict[str, type[APIError]]] = {code: cls for code, cls, _ in _ROWS}
#: error code (lower case) -> the HTTP status the portal answers it with when the call runs alone
ERROR_STATUS: Final[dict[str, int]] = {code: status for code, _, status in _ROWS}


def status_for(code: str) -> int:
    """The HTTP status the portal answers error ``code`` with when the call runs alone (case-insensitive).

    Used for the errors of calls inside a ``batch``, which have no status of their own; empty legacy codes
    and codes outside the table give :data:`DEFAULT_STATUS`.
    """
    return ERROR_STATUS.get(code.strip().lower(), DEFAULT_STATUS)


#: Descriptions that classify legacy errors with an empty code (``""`` or ``0``), checked in order.
_EMPTY_CODE_RULES: Final[tuple[tuple[str, type[APIError]], ...]] = (
    ("not found", NotFoundError),
    ("access denied", PermissionDeniedError),
)


def error_class_for(code: str, description: str = "", status_code: int | None = None) -> type[APIError]:
    """Pick the error class for a portal error code (case-insensitive), falling back on the HTTP status."""
    key = code.strip().lower()
    if key and key != "0":
        found = ERROR_TABLE.get(key)
        if found is not None:
            return found
    else:
        lowered = description.lower()
        for needle, cls in _EMPTY_CODE_RULES:
            if needle in lowered:
                return cls
    if status_code is not None:
        if status_code == 401:
            return AuthenticationError
        if status_code == 403:
            return PermissionDeniedError
        if status_code == 429:
            return RateLimitError
        if status_code >= 500:
            return ServerError
        if status_code == 400 and key and key != "0":
            return BadRequestError
    return APIError


def make_api_error(
    code: str,
    description: str,
    *,
    status_code: int | None = None,
    method: str | None = None,
    reset_at: float | None = None,
) -> APIError:
    """Build the typed error for one portal error."""
    cls = error_class_for(code, description, status_code)
    if issubclass(cls, OperationTimeLimitError):
        return cls(
            code=code, description=description, status_code=status_code, method=method, reset_at=reset_at
        )
    return cls(code=code, description=description, status_code=status_code, method=method)


# --------------------------------------------------------------------------------------------------
# The same failure, seen by each call it concerns.
# --------------------------------------------------------------------------------------------------
def leaves_outcome_unknown(error: BaseException) -> bool:
    """Whether a call that failed with ``error`` may nevertheless have been applied by the portal.

    True for a timeout or a reset after the request was sent, a 5xx answer and an answer that is not an
    envelope; false for a request that certainly never left (``TransportError.sent`` is ``False``) and for
    every error the portal answered on purpose (validation, rights, limits).
    """
    if isinstance(error, TransportError):
        return error.sent
    if isinstance(error, RedirectRefusedError):
        return False  # a redirect is no result: the call was not run
    return isinstance(error, ResponseFormatError | ServerError)


def outcome_unknown(error: Bitrix24Error, method: str, *, detail: str | None = None) -> OutcomeUnknownError:
    """The :class:`OutcomeUnknownError` of a write ``method`` that failed with ``error`` (its ``__cause__``).

    ``detail`` replaces ``str(error)`` in the message (the client passes it with secrets masked).
    """
    text = str(error) if detail is None else detail
    unknown = OutcomeUnknownError(
        f"{method}: the outcome is unknown ({type(error).__name__}: {text}); the write may have been "
        "applied, so it was not repeated: check the portal before writing it again",
        method=method,
    )
    unknown.__cause__ = error
    return unknown


def with_method(error: E, method: str) -> E:
    """``error`` as the failure of call ``method``: a copy naming it in ``.method`` and in its message.

    When a ``batch`` request fails as a whole (a timeout, a 503 after the retries), each call in it gets the
    request's error under its own name, as if it had been sent alone; ``__cause__`` is kept. An error with
    no ``method`` attribute, or already naming ``method``, is returned as it is.
    """
    old = getattr(error, "method", None)
    if old == method or not hasattr(error, "method"):
        return error
    cls = type(error)
    clone = cls.__new__(cls)
    vars(clone).update(vars(error))
    clone.method = method
    if isinstance(clone, APIError):
        clone.args = (clone._message(),)
    else:
        prefix = f"{old}:" if old else ""
        clone.args = tuple(
            f"{method}:{arg[len(prefix) :]}"
            if prefix and isinstance(arg, str) and arg.startswith(prefix)
            else arg
            for arg in error.args
        )
    clone.__cause__ = error.__cause__
    clone.__suppress_context__ = error.__suppress_context__
    return clone
