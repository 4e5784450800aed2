"""Answering a robot request: its results back to the waiting process, a line in its log (reference 9.3).

These are bare flows (run them with ``b24.run(...)``); the dispatcher sends a robot function's returned
mapping with :func:`reply`. :mod:`bitrix24_toolkit.helpers` offers both as helpers under the same names
(``reply(b24, request, ...)``, ``log_progress(b24, request, ...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidInputError
from ..protocol.call import Call, Flow
from .robot_request import RobotRequest

__all__ = ["event_token", "log_progress", "reply"]


def event_token(request: RobotRequest | str) -> str:
    """The token a robot answers with: a request's ``event_token``, or the token itself."""
    token = request.event_token if isinstance(request, RobotRequest) else request
    if not isinstance(token, str) or not token:
        raise InvalidInputError("an event token (or the RobotRequest holding it) is needed", field="request")
    return token


def reply(
    request: RobotRequest | str, *, return_values: Mapping[str, Any] | None = None, log: str | None = None
) -> Flow[bool]:
    """Hand the robot's results back to the waiting process (``bizproc.event.send``)."""
    params: dict[str, Any] = {"EVENT_TOKEN": event_token(request)}
    if return_values:
        params["RETURN_VALUES"] = dict(return_values)
    if log:
        params["LOG_MESSAGE"] = log
    return bool((yield Call("bizproc.event.send", params)))


def log_progress(request: RobotRequest | str, message: str) -> Flow[bool]:
    """Write a line to the business process log while the robot works (``bizproc.activity.log``)."""
    if not message:
        raise InvalidInputError("log_progress needs a message", field="message")
    return bool(
        (yield Call("bizproc.activity.log", {"EVENT_TOKEN": event_token(request), "LOG_MESSAGE": message}))
    )
