"""Envelope decoding and the error table (reference sections 1.3, 1.4 and 4)."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.protocol import APIResponse, decode_body, parse_envelope

# (code, HTTP status, expected class): every row of reference section 4.
ERROR_ROWS = [
    ("QUERY_LIMIT_EXCEEDED", 503, errors.RateLimitError),
    ("OPERATION_TIME_LIMIT", 429, errors.OperationTimeLimitError),
    ("OVERLOAD_LIMIT", 503, errors.OverloadError),
    ("expired_token", 401, errors.TokenExpiredError),
    ("invalid_token", 401, errors.AuthenticationError),
    ("NO_AUTH_FOUND", 401, errors.AuthenticationError),
    ("INVALID_CREDENTIALS", 401, errors.AuthenticationError),
    ("INVALID_CREDENTIALS", 403, errors.AuthenticationError),
    ("insufficient_scope", 403, errors.PermissionDeniedError),
    ("insufficient_scope", 401, errors.PermissionDeniedError),
    ("ACCESS_DENIED", 403, errors.PermissionDeniedError),
    ("user_access_error", 403, errors.PermissionDeniedError),
    ("WRONG_AUTH_TYPE", 403, errors.PermissionDeniedError),
    ("ALLOWED_ONLY_INTRANET_USER", 403, errors.PermissionDeniedError),
    ("METHOD_CONFIRM_WAITING", 401, errors.PermissionDeniedError),
    ("METHOD_CONFIRM_DENIED", 403, errors.PermissionDeniedError),
    ("AUTHORIZATION_ERROR", 401, errors.AuthenticationError),
    ("APPLICATION_NOT_FOUND", 401, errors.AuthenticationError),
    ("ERROR_OAUTH", 401, errors.AuthenticationError),
    ("PAYMENT_REQUIRED", 401, errors.AuthenticationError),
    ("ERROR_METHOD_NOT_FOUND", 404, errors.MethodNotFoundError),
    ("INVALID_REQUEST", 400, errors.BadRequestError),
    ("INVALID_ARG_VALUE", 400, errors.BadRequestError),
    ("ERROR_CORE", 400, errors.BadRequestError),
    ("NOT_FOUND", 400, errors.NotFoundError),
    ("ENTITY_TYPE_NOT_SUPPORTED", 400, errors.BadRequestError),
    ("ERROR_BATCH_LENGTH_EXCEEDED", 400, errors.BadRequestError),
    ("ERROR_BATCH_METHOD_NOT_ALLOWED", 405, errors.BadRequestError),
    ("INTERNAL_SERVER_ERROR", 500, errors.ServerError),
    ("ERROR_UNEXPECTED_ANSWER", 500, errors.ServerError),
    ("PORTAL_DELETED", 500, errors.NotFoundError),
    ("PORTAL_DELETED", 410, errors.NotFoundError),
    ("ERROR_MANIFEST_IS_NOT_AVAILABLE", 404, errors.NotFoundError),
    ("ERROR_EVENT_NOT_FOUND", 400, errors.BadRequestError),
    ("ERROR_ACTIVITY_VALIDATION_FAILURE", 400, errors.BadRequestError),
    ("ERROR_ACTIVITY_ALREADY_INSTALLED", 400, errors.BadRequestError),
    ("Invalid parameters.", 400, errors.BadRequestError),
    ("100", 400, errors.BadRequestError),
    ("OWNER_NOT_FOUND", 400, errors.NotFoundError),
    ("WRONG_DATETIME_FORMAT", 400, errors.BadRequestError),
]


@pytest.mark.parametrize(("code", "status", "cls"), ERROR_ROWS)
def test_every_code_of_the_table_maps_to_its_class(code: str, status: int, cls: type) -> None:
    payload = {"error": code, "error_description": "some text"}
    with pytest.raises(cls) as caught:
        parse_envelope(payload, status_code=status, method="crm.deal.list")
    exc = caught.value
    assert type(exc) is cls
    assert exc.code == code
    assert exc.status_code == status
    assert exc.method == "crm.deal.list"


@pytest.mark.parametrize("code", ["query_limit_exceeded", "Query_Limit_Exceeded", "QUERY_LIMIT_EXCEEDED"])
def test_codes_compare_case_insensitively(code: str) -> None:
    with pytest.raises(errors.RateLimitError):
        parse_envelope({"error": code, "error_description": ""}, status_code=503)


@pytest.mark.parametrize(
    ("empty_code", "description", "cls"),
    [
        ("", "Not found", errors.NotFoundError),
        (0, "Not found", errors.NotFoundError),
        ("", "The Requisite with ID '57' is not found", errors.NotFoundError),
        ("", "Company is not found", errors.NotFoundError),
        ("", "Access denied.", errors.PermissionDeniedError),
        (0, "Access denied.", errors.PermissionDeniedError),
        ("", "Parameter 'fields' must be array.", errors.APIError),
        ("", "ENTITY_ID is not defined or invalid.", errors.APIError),
    ],
)
def test_empty_code_legacy_errors_are_classified_by_description(
    empty_code: object, description: str, cls: type
) -> None:
    with pytest.raises(errors.APIError) as caught:
        parse_envelope({"error": empty_code, "error_description": description}, status_code=400, method="m.x")
    assert type(caught.value) is cls
    assert caught.value.description == description


def test_message_reads_like_the_contract() -> None:
    with pytest.raises(errors.NotFoundError) as caught:
        parse_envelope(
            {"error": "", "error_description": "Not found"}, status_code=400, method="crm.deal.get"
        )
    assert str(caught.value) == "crm.deal.get failed: Not found (HTTP 400)"
    assert isinstance(caught.value, errors.Bitrix24Error)


def test_error_as_object_rest_v3() -> None:
    payload = {"error": {"code": "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION", "message": "Not there"}}
    with pytest.raises(errors.APIError) as caught:
        parse_envelope(payload, status_code=400, method="main.x")
    assert caught.value.code == "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION"
    assert caught.value.description == "Not there"
    assert isinstance(caught.value, errors.BadRequestError)


def test_a_200_answer_carrying_error_is_an_error() -> None:
    with pytest.raises(errors.PermissionDeniedError):
        parse_envelope({"error": "ACCESS_DENIED", "error_description": "Access denied!"}, status_code=200)


def test_explicit_null_error_next_to_result_is_success() -> None:
    assert parse_envelope({"result": 5, "error": None}, status_code=200).result == 5


def test_unknown_codes_fall_back_on_status() -> None:
    cases = {401: errors.AuthenticationError, 403: errors.PermissionDeniedError, 502: errors.ServerError}
    for status, cls in cases.items():
        with pytest.raises(cls):
            parse_envelope({"error": "SOMETHING_NEW", "error_description": "?"}, status_code=status)
    with pytest.raises(errors.BadRequestError):
        parse_envelope({"error": "SOMETHING_NEW", "error_description": "?"}, status_code=400)


def test_success_envelope_with_time_paging_and_iso_reset() -> None:
    payload = json.loads(
        """{"result": [{"ID": "1"}], "next": 50, "total": 654,
            "time": {"start": 1705764932.998683, "finish": 1705764937.173995, "duration": 4.175,
                     "processing": 3.3, "date_start": "2024-01-20T18:35:32+01:00",
                     "date_finish": "2024-01-20T18:35:37+01:00",
                     "operating_reset_at": 1705765533, "operating": 3.3076241016387939}}"""
    )
    decoded = parse_envelope(payload, status_code=200)
    assert isinstance(decoded, APIResponse)
    assert (decoded.total, decoded.next) == (654, 50)
    assert decoded.time is not None
    assert decoded.time.operating_reset_at == 1705765533.0
    assert decoded.time.operating == pytest.approx(3.3076241)
    iso = parse_envelope({"result": 1, "time": {"operating_reset_at": "2024-01-20T18:35:32+01:00"}})
    expected = dt.datetime(2024, 1, 20, 17, 35, 32, tzinfo=dt.UTC).timestamp()
    assert iso.time is not None
    assert iso.time.operating_reset_at == expected
    bare = parse_envelope({"result": True})
    assert (bare.total, bare.next, bare.time) == (None, None, None)


def test_last_page_has_no_next_and_start_minus_one_has_total_zero() -> None:
    assert parse_envelope({"result": [], "total": 0}).next is None
    assert parse_envelope({"result": [{"ID": "1"}], "total": "1"}).total == 1


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "HTML page"),
        (b'{"result": [{"ID": "1"}, {"ID"', 200, "truncated JSON"),
        (b"", 500, "empty body"),
        (b"[1, 2]", 200, "JSON list"),
    ],
)
def test_non_envelope_bodies_raise_response_format_error(body: bytes, status: int, needle: str) -> None:
    with pytest.raises(errors.ResponseFormatError) as caught:
        decode_body(body, status_code=status, method="crm.deal.list")
    exc = caught.value
    assert needle in str(exc)
    assert exc.status_code == status
    assert f"HTTP {status}" in str(exc)
    assert len(exc.snippet) <= 203


def test_envelope_without_result_or_error() -> None:
    with pytest.raises(errors.ResponseFormatError, match="neither 'result' nor 'error'"):
        parse_envelope({"time": {}}, status_code=200, method="x.y")


def test_operation_time_limit_carries_reset_at() -> None:
    with pytest.raises(errors.OperationTimeLimitError) as caught:
        parse_envelope(
            {"error": "OPERATION_TIME_LIMIT", "error_description": "blocked"},
            status_code=429,
            reset_at=1700.0,
        )
    assert caught.value.reset_at == 1700.0
    assert caught.value.retryable


def test_errors_pickle_and_repr() -> None:
    exc = errors.make_api_error("NOT_FOUND", "Element not found", status_code=400, method="crm.item.get")
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is errors.NotFoundError
    assert (again.code, again.description, again.status_code, again.method) == (
        "NOT_FOUND",
        "Element not found",
        400,
        "crm.item.get",
    )
    assert "NotFoundError(code='NOT_FOUND'" in repr(exc)


def test_invalid_input_error_is_a_value_error() -> None:
    assert issubclass(errors.InvalidInputError, ValueError)
    assert issubclass(errors.InvalidInputError, errors.Bitrix24Error)
    assert issubclass(errors.RequestTimeout, errors.TransportError)
