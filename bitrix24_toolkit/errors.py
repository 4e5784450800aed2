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
    ├── ResponseFormatError          the answer is not a Bitrix24 envelope (HTML page, truncated JSON)
    └── OutcomeUnknownError          a write failed in a way that may have applied it: never repeated

The mapping from the portal's ``error`` codes to these classes is one table, :data:`ERROR_TABLE`, compared
case-insensitively. Legacy CRM methods answer with an empty code (``""`` or ``0``); those are classified by
their description ("Not found" -> :class:`NotFoundError`, "Access denied" -> :class:`PermissionDeniedError`).
"""

from __future__ import annotations

from typing import Any, Final

__all__ = [
    "ERROR_TABLE",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "Bitrix24Error",
    "InvalidInputError",
    "MethodNotFoundError",
    "NotFoundError",
    "OperationTimeLimitError",
    "OutcomeUnknownError",
    "OverloadError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeout",
    "ResponseFormatError",
    "ServerError",
    "TokenExpiredError",
    "TransportError",
    "error_class_for",
    "make_api_error",
]


class Bitrix24Error(Exception):
    """Base class of every error raised by bitrix24-toolkit."""


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

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructor: teach pickle (multiprocessing, caches) how to rebuild us.
        return (_rebuild_api_error, (type(self), self.code, self.description, self.status_code, self.method))


def _rebuild_api_error(
    cls: type[APIError], code: str, description: str, status_code: int | None, method: str | None
) -> APIError:
    return cls(code=code, description=description, status_code=status_code, method=method)


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
# One table: error code (case-insensitive) -> class. Reference section 4.
# --------------------------------------------------------------------------------------------------
ERROR_TABLE: Final[dict[str, type[APIError]]] = {
    # rate and resource limits
    "query_limit_exceeded": RateLimitError,
    "operation_time_limit": OperationTimeLimitError,
    "overload_limit": OverloadError,
    # authentication
    "expired_token": TokenExpiredError,
    "invalid_token": AuthenticationError,
    "no_auth_found": AuthenticationError,
    "invalid_credentials": AuthenticationError,
    "authorization_error": AuthenticationError,
    "application_not_found": AuthenticationError,
    "error_oauth": AuthenticationError,
    "payment_required": AuthenticationError,
    "invalid_grant": AuthenticationError,
    "invalid_client": AuthenticationError,
    "wrong_client": AuthenticationError,
    "invalid_request": BadRequestError,
    # permissions
    "insufficient_scope": PermissionDeniedError,
    "invalid_scope": PermissionDeniedError,
    "access_denied": PermissionDeniedError,
    "user_access_error": PermissionDeniedError,
    "wrong_auth_type": PermissionDeniedError,
    "allowed_only_intranet_user": PermissionDeniedError,
    "method_confirm_waiting": PermissionDeniedError,
    "method_confirm_denied": PermissionDeniedError,
    # not found
    "not_found": NotFoundError,
    "owner_not_found": NotFoundError,
    "error_method_not_found": MethodNotFoundError,
    "error_manifest_is_not_available": NotFoundError,
    "portal_deleted": NotFoundError,
    # validation
    "invalid_arg_value": BadRequestError,
    "error_core": BadRequestError,
    "entity_type_not_supported": BadRequestError,
    "error_batch_length_exceeded": BadRequestError,
    "error_batch_method_not_allowed": BadRequestError,
    "error_event_not_found": BadRequestError,
    "error_activity_validation_failure": BadRequestError,
    "error_activity_already_installed": BadRequestError,
    "wrong_datetime_format": BadRequestError,
    "invalid parameters.": BadRequestError,
    "100": BadRequestError,
    # server side
    "internal_server_error": ServerError,
    "error_unexpected_answer": ServerError,
}

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
