"""Which portal a ``b24`` command talks to: yours (``BITRIX24_WEBHOOK_URL``, environment or ``.env``), else
the built-in demo portal, announced in one line on stderr so that nobody mistakes it for their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import typer

from ..client import ENV_WEBHOOK_URL, Bitrix24
from ..engine.settings import webhook_url_from_env

__all__ = ["DEMO_BANNER", "Settings", "demo_client", "open_client"]

DEMO_BANNER: Final = (
    f"demo portal: the built-in emulator, not your portal (set {ENV_WEBHOOK_URL} or put it in .env "
    "to use yours; changes here are discarded)"
)


@dataclass
class Settings:
    """Options shared by every command (``b24 --demo --timeout 30 ...``)."""

    #: use the demo portal even when a webhook URL is configured
    demo: bool = False
    #: seconds to wait for each answer (``None``: the client's default, 60 s)
    timeout: float | None = None


def settings_of(ctx: typer.Context) -> Settings:
    """The global options stored by the ``b24`` callback (defaults when a command runs on its own)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Settings) else Settings()


@contextmanager
def demo_client(timeout: float | None = None) -> Iterator[Bitrix24]:
    """A client of a fresh demo portal (the travel agency of ``Emulator.demo()``), announced on stderr."""
    from ..testing.emulator import Emulator

    typer.echo(DEMO_BANNER, err=True)
    emu = Emulator.demo()
    client: Bitrix24 = emu.client(timeout=timeout)
    with client:
        yield client


@contextmanager
def open_client(ctx: typer.Context) -> Iterator[Bitrix24]:
    """The client a command should use: the configured portal, else the demo portal."""
    settings = settings_of(ctx)
    url = None if settings.demo else webhook_url_from_env()
    if url is None:
        with demo_client(settings.timeout) as client:
            yield client
        return
    with Bitrix24.from_env(timeout=settings.timeout) as client:
        yield client
