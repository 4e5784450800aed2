"""Typed errors of incoming event and robot payloads."""

from __future__ import annotations

from ..errors import Bitrix24Error

__all__ = ["EventAuthError", "EventError", "EventPayloadError"]


class EventError(Bitrix24Error):
    """Base class of the errors raised while reading an incoming event or robot request."""


class EventPayloadError(EventError, ValueError):
    """The payload is not an event or robot request of the documented shape (answer it with HTTP 400)."""


class EventAuthError(EventError):
    """``auth[application_token]`` is missing or does not match the stored one (answer it with HTTP 403)."""
