"""Class 10: every public error survives a pickle round trip with its attributes (multiprocessing workers).

Covers every error class exported by ``bitrix24_toolkit.errors``, the helpers', the events' and the
protocol's; a cause of ours travels along. A new public error class without an instance here fails
:func:`test_every_public_error_class_is_covered`.
"""

from __future__ import annotations

import inspect
import pickle
from typing import Any

import pytest

from bitrix24_toolkit import errors, events, helpers
from bitrix24_toolkit.cli.failures import CommandError
from bitrix24_toolkit.protocol.batch import NotRunError


def _api(cls: type[errors.APIError], **extra: Any) -> errors.APIError:
    return cls(
        code="SOME_CODE", description="some description", status_code=400, method="crm.deal.add", **extra
    )


def _instances() -> list[errors.Bitrix24Error]:
    made: list[Any] = [
        errors.Bitrix24Error("plain"),
        errors.InvalidInputError("bad id", field="id"),
        _api(errors.APIError),
        _api(errors.AuthenticationError),
        _api(errors.TokenExpiredError),
        _api(errors.PermissionDeniedError),
        _api(errors.NotFoundError),
        _api(errors.MethodNotFoundError),
        _api(errors.BadRequestError),
        _api(errors.RateLimitError, retry_after=2.5),
        _api(errors.OperationTimeLimitError, reset_at=1_700_000_000.0),
        _api(errors.OverloadError),
        _api(errors.ServerError),
        errors.TokenRefreshError(
            code="expired_token",
            description="expired",
            status_code=401,
            method="crm.deal.add",
            refresh_error="RequestTimeout: oauth/token: no answer",
        ),
        errors.TransportError("crm.deal.add: reset", method="crm.deal.add", sent=False),
        errors.RequestTimeout("crm.deal.add: timeout", method="crm.deal.add", sent=True),
        errors.ResponseFormatError("html", status_code=502, snippet="<html>", method="crm.deal.get"),
        errors.RedirectRefusedError(
            "not followed", reason="downgrade", status_code=302, location="http://x/", method="user.current"
        ),
        errors.NotAppliedError("false", method="crm.deal.update", result=False),
        errors.SharedStateError("the shared limits on Redis could not be used", what="limits"),
        errors.outcome_unknown(errors.RequestTimeout("t", method="crm.deal.add"), "crm.deal.add"),
        NotRunError("crm.deal.add"),
        CommandError("cannot", hint="do this", code=2),
        events.EventPayloadError("bad body"),
        events.EventAuthError("bad token"),
    ]
    for name in helpers.__all__:
        cls = getattr(helpers, name)
        if inspect.isclass(cls) and issubclass(cls, errors.Bitrix24Error):
            made.append(_helper_error(cls))
    return made


def _helper_error(cls: type[errors.Bitrix24Error]) -> errors.Bitrix24Error:
    """An instance of a helper's error class, built from its signature with plain values."""
    if issubclass(cls, helpers.LeadConversionError):
        return cls(7, "could not convert", cause=_api(errors.BadRequestError))
    if cls.__name__ == "CompanyNotFoundError":
        return cls(12, role="parent")  # type: ignore[call-arg]
    try:
        signature = inspect.signature(cls)
    except ValueError:  # the plain Exception constructor
        return cls(f"{cls.__name__} for the pickling test")
    arguments: dict[str, Any] = {}
    positional: list[Any] = []
    for parameter in signature.parameters.values():
        if parameter.default is not inspect.Parameter.empty or parameter.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            continue
        value: Any = [] if parameter.name == "errors" else f"{parameter.name}-value"
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            arguments[parameter.name] = value
        else:
            positional.append(value)
    try:
        return cls(*positional, **arguments)
    except Exception:  # a constructor that wants richer values: the message form every class accepts
        error = cls.__new__(cls)
        Exception.__init__(error, "built for the pickling test")
        return error


def _state(error: BaseException) -> dict[str, Any]:
    return {key: repr(value) for key, value in vars(error).items()}


@pytest.mark.parametrize("error", _instances(), ids=lambda e: type(e).__name__)
def test_errors_survive_pickling_with_their_attributes(error: errors.Bitrix24Error) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert _state(copy) == _state(error)
    assert isinstance(copy, errors.Bitrix24Error)


def test_retry_after_and_causes_travel() -> None:
    limit = pickle.loads(pickle.dumps(_api(errors.RateLimitError, retry_after=3.0)))
    assert isinstance(limit, errors.RateLimitError)
    assert limit.retry_after == 3.0
    assert limit.retryable
    unknown = pickle.loads(
        pickle.dumps(errors.outcome_unknown(errors.RequestTimeout("t", method="m.add"), "m.add"))
    )
    assert isinstance(unknown.__cause__, errors.RequestTimeout)
    assert unknown.method == "m.add"


def test_lead_conversion_errors_keep_lead_and_cause() -> None:
    original = helpers.LeadConversionIncompleteError(5, "step failed", cause=_api(errors.ServerError))
    copy = pickle.loads(pickle.dumps(original))
    assert copy.lead_id == 5
    assert copy.reason == "incomplete"
    assert isinstance(copy.cause, errors.ServerError)
    assert str(copy) == "lead 5: step failed"


def test_errors_cross_a_process_boundary() -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        error = pool.apply(_raise_in_worker)
    assert isinstance(error, errors.RateLimitError)
    assert error.retry_after == 1.5


def _raise_in_worker() -> errors.Bitrix24Error:
    return errors.RateLimitError(code="QUERY_LIMIT_EXCEEDED", description="slow down", retry_after=1.5)


def test_every_public_error_class_is_covered() -> None:
    covered = {type(error) for error in _instances()}
    public = {
        getattr(errors, name)
        for name in errors.__all__
        if inspect.isclass(getattr(errors, name)) and issubclass(getattr(errors, name), BaseException)
    }
    assert public <= covered, public - covered
