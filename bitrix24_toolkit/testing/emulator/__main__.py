"""Serve the emulator over HTTP: ``python -m bitrix24_toolkit.testing.emulator --port 8080 --seed demo``.

The first line printed is the webhook URL; the process serves until interrupted (Ctrl+C or SIGTERM),
then saves the portal to ``--state FILE`` if given.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from .portal import DEFAULT_SECRET, Emulator
from .server import IDLE_TIMEOUT, MAX_BODY, MAX_CONNECTIONS


def _limits(text: str) -> str | tuple[float, float]:
    if "," in text:
        burst, rate = text.split(",", 1)
        return (float(burst), float(rate))
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the emulator server until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bitrix24_toolkit.testing.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", choices=["demo", "empty"], default="empty", help="initial data")
    parser.add_argument("--limits", default="standard", help="standard | enterprise | off | BURST,RATE")
    parser.add_argument("--state", type=Path, help="load the portal from FILE if it exists, save on exit")
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument("--user-id", type=int, default=1)
    parser.add_argument(
        "--max-body", type=int, default=MAX_BODY, help="largest request body in bytes (413 beyond)"
    )
    parser.add_argument(
        "--idle-timeout", type=float, default=IDLE_TIMEOUT, help="seconds before a silent client is dropped"
    )
    parser.add_argument(
        "--max-connections", type=int, default=MAX_CONNECTIONS, help="open connections at once (503 beyond)"
    )
    args = parser.parse_args(argv)

    options = {"limits": _limits(args.limits), "secret": args.secret, "user_id": args.user_id}
    if args.state is not None and args.state.exists():
        emu = Emulator.load(args.state, **options)
    elif args.seed == "demo":
        try:
            emu = Emulator.demo(**options)
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return 2
    else:
        emu = Emulator(**options)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server_limits = {
        "max_body": args.max_body,
        "idle_timeout": args.idle_timeout,
        "max_connections": args.max_connections,
    }
    with emu.serve(port=args.port, host=args.host, **server_limits) as url:
        print(url, flush=True)
        print(f"OAuth token endpoint: {url.split('/rest/')[0]}/oauth/token/", file=sys.stderr, flush=True)
        while not stop.wait(0.2):
            pass
    if args.state is not None:
        emu.save(args.state)
        print(f"saved portal to {args.state}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
