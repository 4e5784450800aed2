"""An application inside the portal's automation: robots and workflow actions, event subscriptions.

- :class:`Robot`, :class:`RobotProperty`, :func:`register_robot`, :func:`register_activity`;
- :func:`parse_robot_request` (from :mod:`bitrix24_toolkit.events`), :func:`log_progress`, :func:`reply`;
- :func:`sync_subscriptions`: make a handler's ``event.bind`` subscriptions match a declared set.
"""

from ._robots import (
    PropertyType,
    Robot,
    RobotProperty,
    RobotRequest,
    log_progress,
    parse_robot_request,
    register_activity,
    register_robot,
    reply,
)
from ._subscriptions import SubscriptionChanges, sync_subscriptions

__all__ = [
    "PropertyType",
    "Robot",
    "RobotProperty",
    "RobotRequest",
    "SubscriptionChanges",
    "log_progress",
    "parse_robot_request",
    "register_activity",
    "register_robot",
    "reply",
    "sync_subscriptions",
]
