"""The sans-I/O protocol layer: calls, flows, PHP-style encoding and envelope decoding."""

from .call import (
    Call,
    Emit,
    Flow,
    Stream,
    collect,
    drive_flow,
    drive_flow_async,
    drive_stream,
    drive_stream_async,
    result_of,
    validate_method,
)
from .encoding import decode_php_query, dumps_json, encode_php_pairs, encode_php_query, normalize
from .envelope import APIResponse, TimeInfo, decode_body, error_from_payload, parse_envelope

__all__ = [
    "APIResponse",
    "Call",
    "Emit",
    "Flow",
    "Stream",
    "TimeInfo",
    "collect",
    "decode_body",
    "decode_php_query",
    "drive_flow",
    "drive_flow_async",
    "drive_stream",
    "drive_stream_async",
    "dumps_json",
    "encode_php_pairs",
    "encode_php_query",
    "error_from_payload",
    "normalize",
    "parse_envelope",
    "result_of",
    "validate_method",
]
