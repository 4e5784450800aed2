"""The ``b24`` command (also ``python -m bitrix24_toolkit``): the library from a terminal.

``b24 demo`` tours the built-in demo portal; ``b24 call``, ``b24 list``, ``b24 funnel``, ``b24 holding``,
``b24 requisites``, ``b24 leads`` and ``b24 emulator serve`` reach the rest. Reference: ``docs/cli.md``.

This module stays tiny on purpose: :func:`main` is the console script, so everything it imports before it
can catch Ctrl+C (or print ``--version``) is imported here, outside any handler. The typer application,
httpx and pydantic load inside :func:`main`; a missing ``cli`` extra (typer, rich) is one clear line.
"""

from __future__ import annotations

import os
import signal
import sys
import types

from .._version import __version__

#: ``typing.TYPE_CHECKING`` without importing typing: every import here runs before Ctrl+C is handled
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType
    from typing import Any, Final

    import typer

    app: typer.Typer

__all__ = ["EXTRA_MISSING", "INTERRUPTED", "app", "main"]

#: the one line printed on stderr when Ctrl+C stops a command (exit code 130)
INTERRUPTED: Final = "interrupted"
#: printed instead of a traceback when typer or rich is not installed (exit code 1)
EXTRA_MISSING: Final = "the b24 command needs the cli extra: pip install 'bitrix24-toolkit[cli]'"
#: the packages of the ``cli`` extra (click comes with typer)
_EXTRA_MODULES: Final = frozenset({"typer", "rich", "click"})
#: global options that take a value (skipped when looking for ``--version``)
_VALUED: Final = frozenset({"--timeout"})


class _Interrupts:
    """Ctrl+C while ``b24`` runs: the first raises KeyboardInterrupt; a second one ends the process at once.

    Whoever reports the interrupt calls :meth:`report`, which prints the ``interrupted`` line only once, so
    one Ctrl+C (or two) always gives exactly one line, whichever code sees it first.
    """

    def __init__(self) -> None:
        self.reported = False
        self.seen = False

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if self.seen:  # a second Ctrl+C, e.g. while a connection closes: stop now
            self.report()
            os._exit(130)
        self.seen = True
        raise KeyboardInterrupt

    def report(self) -> None:
        if self.reported:
            return
        self.reported = True
        # a terminal shows "^C" without a newline: start the line after it
        lead = "\n" if _isatty(sys.stderr) else ""
        try:
            sys.stderr.write(f"{lead}{INTERRUPTED}\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # stderr closed: the exit code still tells
            pass


#: the handler of the running ``main`` (``None`` outside it, e.g. in tests that invoke the app directly)
_active: _Interrupts | None = None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


def report_interrupt() -> None:
    """Print the ``interrupted`` line on stderr (once per run of :func:`main`)."""
    if _active is not None:
        _active.report()
    else:
        _Interrupts().report()


def _wants_version(args: Sequence[str]) -> bool:
    """Whether the global options (before the command) ask for ``--version``."""
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--version":
            return True
        if arg in _VALUED:
            skip = True
        elif not arg.startswith("-") or arg in ("--", "-h", "--help"):
            return False
    return False


def _missing_extra(exc: ImportError) -> bool:
    name = (exc.name or "").partition(".")[0]
    return name in _EXTRA_MODULES


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``b24`` console script and ``python -m bitrix24_toolkit``; returns the exit code."""
    global _active
    args = list(sys.argv[1:] if argv is None else argv)
    interrupts = _Interrupts()
    previous: Any = None
    try:
        if _wants_version(args):  # no typer, no httpx: a version in milliseconds
            sys.stdout.write(f"bitrix24-toolkit {__version__}\n")
            return 0
        try:
            previous = signal.signal(signal.SIGINT, interrupts.handler)
        except ValueError:  # not the main thread: Python's own handling stays
            previous = None
        _active = interrupts
        try:
            from .app import main as run
        except ImportError as exc:
            if not _missing_extra(exc):
                raise
            sys.stderr.write(EXTRA_MISSING + "\n")
            return 1
        return run(args)
    except KeyboardInterrupt:  # while importing, or anything the command's handler did not see
        interrupts.report()
        return 130
    finally:
        _active = None
        if previous is not None:
            # the console script exits next: after a Ctrl+C, one more press during the interpreter's
            # shutdown must not print a traceback; a caller in-process gets its own handler back
            stopping = argv is None and (interrupts.seen or interrupts.reported)
            signal.signal(signal.SIGINT, signal.SIG_IGN if stopping else previous)


def __getattr__(name: str) -> Any:
    """``app`` (the typer application) is imported on first use."""
    if name == "app":
        from .app import app as typer_app

        globals()["app"] = typer_app
        return typer_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """This package, whose ``app`` stays the typer application once the submodule ``app`` is imported.

    (Importing ``bitrix24_toolkit.cli.app`` makes Python set the package's attribute ``app`` to the
    submodule; the eager ``from .app import app`` used to set it back.)
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "app" and isinstance(value, types.ModuleType):
            value = value.app
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
