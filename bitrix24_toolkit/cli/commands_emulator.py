"""``b24 emulator serve``: the offline portal over HTTP, for scripts and tools in other processes."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["emulator_app"]

emulator_app = typer.Typer(
    name="emulator", help="The built-in portal emulator.", no_args_is_help=True, rich_markup_mode=None
)


class Seed(enum.StrEnum):
    """What the served portal starts with."""

    demo = "demo"
    empty = "empty"


class Plan(enum.StrEnum):
    """Request-rate limits the served portal enforces."""

    standard = "standard"
    enterprise = "enterprise"
    off = "off"


@emulator_app.command("serve")
def serve(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port (0: a free one).")] = 0,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    seed: Annotated[
        Seed, typer.Option("--seed", help="Start with the demo data or an empty portal.")
    ] = Seed.demo,
    limits: Annotated[Plan, typer.Option("--limits", help="Request-rate limits to enforce.")] = Plan.standard,
    state: Annotated[
        Path | None,
        typer.Option("--state", metavar="FILE", help="Load the portal from FILE, save it there on exit."),
    ] = None,
) -> None:
    """Serve a portal on localhost until Ctrl+C; the first line printed is its webhook URL.

    Use it from another terminal: export BITRIX24_WEBHOOK_URL=<that URL>, then any b24 command or script.
    """
    # the emulator's own command line does the work: one implementation of serving, saving and stopping
    from ..testing.emulator.__main__ import main as serve_main

    argv = ["--port", str(port), "--host", host, "--seed", seed.value, "--limits", limits.value]
    if state is not None:
        argv += ["--state", str(state)]
    code = serve_main(argv)
    if code:
        raise typer.Exit(code)
