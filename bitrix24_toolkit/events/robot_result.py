"""Sending a robot function's returned mapping back to the waiting business process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from ..client.async_client import AsyncBitrix24
from ..engine.redaction import SecretFilter
from ..errors import InvalidInputError
from .robot_reply import reply
from .robot_request import RobotRequest

__all__ = ["send_robot_result"]

log = logging.getLogger(__name__)
log.addFilter(SecretFilter())  # a parent logger's filter does not see its children's records


def send_robot_result(b24: Any, request: RobotRequest, result: Any) -> Any:
    """Send a robot function's returned mapping with ``bizproc.event.send`` (when the process waits)."""
    if result is None:
        return _nothing(b24)
    if not isinstance(result, Mapping):
        raise InvalidInputError(
            f"robot {request.code!r}: return a mapping of return values or None, not {type(result).__name__}",
            field="result",
        )
    if not request.use_subscription:
        log.info("robot %s: the process does not wait (use_subscription N); result not sent", request.code)
        return _nothing(b24)
    return b24.run(reply(request, return_values=result))


def _nothing(b24: Any) -> Any:
    if isinstance(b24, AsyncBitrix24):
        return asyncio.sleep(0)
    return None
