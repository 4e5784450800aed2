"""Code that runs inside a company's automation: event handlers and robots (reference section 9).

- :func:`parse_event` reads an event or outgoing-webhook payload and checks its application token;
  :func:`parse_robot_request` reads what a robot (automation rule) receives.
- :class:`Dispatcher` routes payloads to your functions (``@dispatcher.on("ONCRMDEALUPDATE")``,
  ``@dispatcher.robot("code")``) with a client for the calling portal, from any web framework;
  :func:`asgi_app` / :func:`wsgi_app` are ready apps built on it.
- :class:`OfflineConsumer` / :class:`AsyncOfflineConsumer` drain the offline event queue
  (``event.offline.*``) with the same dispatcher's functions, from a pool of workers.
- ``events.on(...)``, ``events.robot(...)`` and ``events.configure(...)`` use a module-level
  :data:`default_dispatcher`, which ``asgi_app()`` / ``wsgi_app()`` serve when given no dispatcher.

See ``docs/automation.md``.
"""

from __future__ import annotations

from ..protocol.encoding import QueryLimits
from .apps import ASGIApp, WSGIApp, asgi_app, wsgi_app
from .dispatcher import Delivery, Dispatcher
from .errors import EventAuthError, EventError, EventPayloadError
from .offline import AsyncOfflineConsumer, OfflineConsumer, OfflineEvent, OfflineRun, reserved_batches
from .payload import EVENT_LIMITS, Event, EventAuth, ExpectedToken, decode_payload, parse_event
from .robot_request import RobotRequest, parse_robot_request

__all__ = [
    "EVENT_LIMITS",
    "ASGIApp",
    "AsyncOfflineConsumer",
    "Delivery",
    "Dispatcher",
    "Event",
    "EventAuth",
    "EventAuthError",
    "EventError",
    "EventPayloadError",
    "ExpectedToken",
    "OfflineConsumer",
    "OfflineEvent",
    "OfflineRun",
    "QueryLimits",
    "RobotRequest",
    "WSGIApp",
    "asgi_app",
    "configure",
    "decode_payload",
    "default_dispatcher",
    "on",
    "parse_event",
    "parse_robot_request",
    "reserved_batches",
    "robot",
    "wsgi_app",
]

#: the dispatcher behind ``events.on``, ``events.robot`` and ``asgi_app()``/``wsgi_app()`` without arguments
default_dispatcher = Dispatcher()
on = default_dispatcher.on
robot = default_dispatcher.robot
configure = default_dispatcher.configure
