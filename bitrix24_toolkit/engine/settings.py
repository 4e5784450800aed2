"""Client configuration shared by both clients: where the credentials come from."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import httpx
from dotenv import dotenv_values, find_dotenv

from ..errors import InvalidInputError, short_repr
from .core import DEFAULT_TIMEOUT
from .oauth import OAuth
from .webhook import ENV_WEBHOOK_URL, WebhookURL, parse_webhook_url

__all__ = [
    "MAX_CONCURRENCY",
    "check_concurrency",
    "check_user_agent",
    "resolve_auth",
    "resolve_timeout",
    "webhook_url_from_env",
]

#: The most requests a client keeps in flight; more only fills the portal's limiter queue.
MAX_CONCURRENCY = 64


def resolve_auth(webhook_url: str | None, auth: OAuth | None) -> WebhookURL | OAuth:
    """Pick the credentials: explicit OAuth, an explicit URL, else ``BITRIX24_WEBHOOK_URL``."""
    if auth is not None:
        if webhook_url is not None:
            raise InvalidInputError("pass either webhook_url or auth, not both", field="auth")
        if not isinstance(auth, OAuth):
            raise InvalidInputError(
                f"auth must be an OAuth(...) object, not {type(auth).__name__}", field="auth"
            )
        return auth
    if webhook_url is None:
        webhook_url = os.environ.get(ENV_WEBHOOK_URL)
    elif isinstance(webhook_url, OAuth):
        raise InvalidInputError("pass OAuth credentials as auth=OAuth(...), not positionally", field="auth")
    return parse_webhook_url(webhook_url)


def webhook_url_from_env(path: str | os.PathLike[str] | None = None) -> str | None:
    """``BITRIX24_WEBHOOK_URL`` from the environment, else from a ``.env`` file (found upwards if no path)."""
    value = os.environ.get(ENV_WEBHOOK_URL)
    if value:
        return value
    if path is None:
        found = find_dotenv(usecwd=True)
        if not found:
            return None
        path = found
    elif not Path(path).is_file():
        raise InvalidInputError(f"no .env file at {os.fspath(path)!r}", field="path")
    return dotenv_values(path).get(ENV_WEBHOOK_URL) or None


def resolve_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """A timeout object from seconds (``None`` keeps the default: 60 s, 10 s to connect)."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        for name, value in timeout.as_dict().items():
            if value is not None and not _seconds_ok(value):
                raise InvalidInputError(
                    f"timeout {name} must be a positive number of seconds (finite), not {short_repr(value)}",
                    field="timeout",
                )
        return timeout
    if not _seconds_ok(timeout):
        raise InvalidInputError(
            f"timeout must be a positive number of seconds (finite), not {short_repr(timeout)}",
            field="timeout",
        )
    return httpx.Timeout(float(timeout), connect=min(10.0, float(timeout)))


def _seconds_ok(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        seconds = float(value)
    except OverflowError:
        return False
    return math.isfinite(seconds) and seconds > 0


def check_user_agent(value: Any) -> str:
    """A ``User-Agent`` header value: printable ASCII (no CR/LF: no header injection), at most 256 long."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(
            f"user_agent must be a non-empty str, not {type(value).__name__}", field="user_agent"
        )
    if len(value) > 256 or not value.isascii() or not value.isprintable():
        raise InvalidInputError(
            "user_agent must be printable ASCII of at most 256 characters (HTTP headers are ASCII; no "
            f"line breaks): {value[:60]!r}",
            field="user_agent",
        )
    return value


def check_concurrency(value: Any, name: str = "max_concurrency") -> int:
    """A number of requests in flight: an int from 1 to :data:`MAX_CONCURRENCY`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CONCURRENCY:
        raise InvalidInputError(
            f"{name} must be an int from 1 to {MAX_CONCURRENCY}, not {repr(value)[:40]}", field=name
        )
    return value
