"""Which portal a ``b24`` command talks to: yours (``BITRIX24_WEBHOOK_URL``, environment or ``.env``), else
the built-in demo portal, announced in one line on stderr so that nobody mistakes it for their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import typer
from dotenv import find_dotenv

from ..client import ENV_WEBHOOK_URL, Bitrix24, RetryPolicy
from ..engine.settings import webhook_url_from_env
from .output import echo

__all__ = ["DEMO_BANNER", "Settings", "cli_retry", "demo_client", "open_client", "url_source"]

DEMO_BANNER: Final = (
    f"demo portal: the built-in emulator, not your portal (set {ENV_WEBHOOK_URL} or put it in .env "
    "to use yours; changes here are discarded)"
)


@dataclass
class Settings:
    """Options shared by every command (``b24 --demo --timeout 30 ...``)."""

    #: use the demo portal even when a webhook URL is configured
    demo: bool = False
    #: seconds the whole command may take, each answer included (``None``: no overall limit, 60 s an answer)
    timeout: float | None = None
    #: where the portal's webhook URL came from, for hints (``None``: no portal opened yet; ``""``: the demo)
    source: str | None = None


def settings_of(ctx: typer.Context) -> Settings:
    """The global options stored by the ``b24`` callback (defaults when a command runs on its own)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Settings) else Settings()


@contextmanager
def demo_client(timeout: float | None = None) -> Iterator[Bitrix24]:
    """A client of a fresh demo portal (the travel agency of ``Emulator.demo()``), announced on stderr."""
    from ..testing.emulator import Emulator

    echo(DEMO_BANNER, err=True)
    emu = Emulator.demo()
    client: Bitrix24 = emu.client(timeout=timeout)
    with client:
        yield client


def url_source() -> str:
    """Where ``BITRIX24_WEBHOOK_URL`` is set: the environment, or the ``.env`` file that holds it."""
    if os.environ.get(ENV_WEBHOOK_URL):
        return f"{ENV_WEBHOOK_URL} (set in the environment)"
    found = find_dotenv(usecwd=True)
    return f"{ENV_WEBHOOK_URL} in {found}" if found else ENV_WEBHOOK_URL


def cli_retry(timeout: float | None) -> RetryPolicy:
    """The command's retry policy: a failed connection is tried once more, all retries end by ``timeout``."""
    if timeout is None:
        return RetryPolicy(connect_retries=1)
    return RetryPolicy(connect_retries=1, max_total_wait=timeout)


@contextmanager
def open_client(ctx: typer.Context) -> Iterator[Bitrix24]:
    """The client a command should use: the configured portal, else the demo portal."""
    settings = settings_of(ctx)
    url = None if settings.demo else webhook_url_from_env()
    if url is None:
        settings.source = ""
        with demo_client(settings.timeout) as client:
            yield client
        return
    settings.source = url_source()
    with Bitrix24(url, timeout=settings.timeout, retry=cli_retry(settings.timeout)) as client:
        yield client
