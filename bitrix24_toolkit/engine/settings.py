"""Client configuration shared by both clients: where the credentials come from."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from dotenv import dotenv_values, find_dotenv

from ..errors import InvalidInputError
from .core import DEFAULT_TIMEOUT
from .oauth import OAuth
from .webhook import ENV_WEBHOOK_URL, WebhookURL, parse_webhook_url

__all__ = ["resolve_auth", "resolve_timeout", "webhook_url_from_env"]


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
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise InvalidInputError(
            f"timeout must be a positive number of seconds, not {timeout!r}", field="timeout"
        )
    return httpx.Timeout(float(timeout), connect=min(10.0, float(timeout)))
