"""The ``b24`` command (also ``python -m bitrix24_toolkit``).

For now it has one command, ``b24 demo``: a short tour of the built-in demo portal. The full command line
(``call``, ``list``, ``funnel``, ``emulator serve`` ...) grows here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b24", description="Bitrix24 from the terminal.")
    parser.add_argument("--version", action="version", version=f"bitrix24-toolkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="tour the built-in demo portal (no portal needed)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``b24`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo()
    _parser().print_help()
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
