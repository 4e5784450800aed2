"""How ``b24`` fails: every error becomes an ``error:`` line and a ``hint:`` line on stderr, and an exit code.

Exit codes (also in ``docs/cli.md``):

====  =====================================================================================
0     success
1     the portal refused the call or the operation failed (not found, bad request, limits ...)
2     bad input or usage: unknown command or option, malformed ``key=value``, invalid webhook URL
3     the portal could not be reached: connection failed, timeout, an answer that is not Bitrix24's
4     credentials refused or not allowed: wrong webhook secret, expired token, missing scope or rights
130   interrupted (Ctrl+C): one line, ``interrupted``, on stderr
====  =====================================================================================

A run past ``b24 --timeout`` is a transport failure (3). A closed pipe (``b24 list deal | head -1``) ends
the command quietly with code 1. A traceback is never shown, except with ``B24_DEBUG=1`` in the environment
(for bug reports). Every text goes through :func:`~bitrix24_toolkit.engine.redaction.redact`, so a webhook
secret is never printed.
"""

from __future__ import annotations

import csv
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import typer

from .. import errors
from ..engine.redaction import redact
from .deadline import DeadlineExceeded

if TYPE_CHECKING:
    from .portal import Settings

__all__ = [
    "EXIT_AUTH",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TRANSPORT",
    "EXIT_USAGE",
    "CommandError",
    "Failure",
    "describe",
    "guarded",
    "report",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_TRANSPORT: Final = 3
EXIT_AUTH: Final = 4
EXIT_INTERRUPTED: Final = 130

#: set to ``1`` to see the traceback of an unexpected error
DEBUG_ENV: Final = "B24_DEBUG"


class CommandError(errors.Bitrix24Error):
    """A command cannot do what was asked; ``hint`` says what to do instead."""

    def __init__(self, message: str, *, hint: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.hint = hint
        self.code = code


@dataclass(frozen=True)
class Failure:
    """What to tell the user about an error: the message, a hint and the exit code."""

    message: str
    hint: str
    code: int


#: Hints by error class, most specific first (checked with isinstance, in order).
_HINTS: Final[tuple[tuple[type[Exception], int, str], ...]] = (
    (
        errors.AuthenticationError,
        EXIT_AUTH,
        "check {source}: the webhook may be deleted or its secret wrong",
    ),
    (
        errors.PermissionDeniedError,
        EXIT_AUTH,
        "give the webhook the scope this method needs (crm, user ...) or use a user with the rights",
    ),
    (
        errors.MethodNotFoundError,
        EXIT_FAILED,
        "check the method name (e.g. crm.deal.list); its module may be off on this portal",
    ),
    (errors.NotFoundError, EXIT_FAILED, "check the id: the object may be deleted or hidden from this user"),
    (
        errors.RateLimitError,
        EXIT_FAILED,
        "the portal's request limit held even after retries: wait a minute and run again",
    ),
    (
        errors.OperationTimeLimitError,
        EXIT_FAILED,
        "this method used up its server time for now: wait until the limit resets (see docs/limits.md)",
    ),
    (errors.OverloadError, EXIT_FAILED, "REST is blocked for this portal: contact Bitrix24 support"),
    (errors.ServerError, EXIT_FAILED, "the portal failed internally: try again later"),
    (
        errors.BadRequestError,
        EXIT_FAILED,
        "check the parameters: key=value, filter[>ID]=5, select[]=ID, key:='[1,2]' (see b24 call --help)",
    ),
    (errors.APIError, EXIT_FAILED, "the portal refused the call: check the method and its parameters"),
    (
        errors.RequestTimeout,
        EXIT_TRANSPORT,
        "the portal did not answer in time: try again, or pass --timeout",
    ),
    (
        errors.TransportError,
        EXIT_TRANSPORT,
        "check the portal address in {source} and your network connection",
    ),
    (
        errors.ResponseFormatError,
        EXIT_TRANSPORT,
        "the address answered, but not as a Bitrix24 portal: check {source}",
    ),
    (
        errors.OutcomeUnknownError,
        EXIT_TRANSPORT,
        "the write may have been applied: check the portal before running it again",
    ),
    (errors.InvalidInputError, EXIT_USAGE, "fix the value above; '{command} --help' shows the syntax"),
)


def _helper_hints() -> list[tuple[type[Exception], str]]:
    """Hints for the typed errors of the workflow helpers (imported on first failure only)."""
    from .. import helpers

    return [
        (helpers.LeadNotFoundError, "check the lead id: b24 list lead --select ID,TITLE,STATUS_ID"),
        (helpers.LeadAlreadyConvertedError, "nothing to do: this lead was converted before"),
        (helpers.LeadJunkError, "junk leads are not converted: move the lead back to an open status first"),
        (
            helpers.LeadConversionIncompleteError,
            "run the same command again to finish: nothing is made twice",
        ),
        (helpers.HoldingCycleError, "see the current links with: b24 holding tree"),
        (helpers.HoldingFieldError, "create the field first: b24 holding ensure-field"),
        (helpers.MyCompanyNotFoundError, "mark your company with IS_MY_COMPANY=Y (see docs/requisites.md)"),
        (helpers.PresetNotFoundError, "the portal has no such requisite preset: check its CRM settings"),
        (helpers.RequisiteWriteError, "part was saved: b24 requisites show COMPANY tells what exists"),
    ]


def _hint_for(exc: Exception, default: str) -> str:
    for cls, hint in _helper_hints():
        if isinstance(exc, cls):
            return hint
    return default


#: where the webhook URL comes from when the command did not say (no portal was opened)
DEFAULT_SOURCE: Final = "BITRIX24_WEBHOOK_URL (environment or .env)"
#: the source of the built-in demo portal (no address to check)
DEMO_SOURCE: Final = ""


def describe(exc: BaseException, command: str = "b24", source: str | None = None) -> Failure:
    """The message, hint and exit code for an error raised while running ``command`` (``b24 list`` ...).

    ``source`` names where the portal's address came from (``BITRIX24_WEBHOOK_URL (set in the
    environment)``, a ``.env`` file, an option; ``""``: the demo portal), so that a hint says what to fix.
    """
    where = source or DEFAULT_SOURCE
    if isinstance(exc, typer.TyperException):  # click's usage errors derive from it
        code = int(getattr(exc, "exit_code", EXIT_USAGE))
        ctx = getattr(exc, "ctx", None)
        path = getattr(ctx, "command_path", None) or "b24"
        return Failure(exc.format_message(), f"run '{path} --help' to see the usage", code)
    if isinstance(exc, KeyboardInterrupt | typer.Abort):
        hint = "a request in flight may have been applied: check before running it again"
        return Failure("interrupted", hint, EXIT_INTERRUPTED)
    if isinstance(exc, DeadlineExceeded):
        check = "" if source == DEMO_SOURCE else f"check the portal address in {where} and your network, or "
        return Failure(f"{command} {exc}", f"{check}pass a larger --timeout", EXIT_TRANSPORT)
    if isinstance(exc, CommandError):
        return Failure(str(exc), exc.hint, exc.code)
    if isinstance(exc, errors.Bitrix24Error):
        notes = getattr(exc, "__notes__", None)  # e.g. a *.fields read made to check a list's names
        text = f"{exc} ({'; '.join(str(n) for n in notes)[:300]})" if notes else str(exc)
        for cls, code, hint in _HINTS:
            if isinstance(exc, cls):
                return Failure(text, _hint_for(exc, hint.format(command=command, source=where)), code)
        return Failure(text, _hint_for(exc, "see docs/errors.md"), EXIT_FAILED)
    if isinstance(exc, ValueError | RecursionError | OverflowError | csv.Error):
        # input the command could not use (a CSV cell over the field limit, bad encoding, a value of the
        # wrong type or size): a usage error, not a bug of ours
        return Failure(
            f"invalid input: {type(exc).__name__}: {str(exc)[:300]}",
            f"check the values and files given to '{command}' ('{command} --help' shows the syntax)",
            EXIT_USAGE,
        )
    if isinstance(exc, ImportError):
        return Failure(str(exc), "install the extra named above, then run the command again", EXIT_FAILED)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return Failure(
            f"{exc.strerror or exc}{where}", "check the file path, its permissions or the port", EXIT_FAILED
        )
    return Failure(
        f"unexpected {type(exc).__name__}: {exc}",
        f"this is a bug in bitrix24-toolkit: rerun with {DEBUG_ENV}=1 and report the traceback",
        EXIT_FAILED,
    )


def report(failure: Failure) -> None:
    """Print a failure on stderr, secrets masked: an ``error:`` and a ``hint:`` line; one line for Ctrl+C."""
    if failure.code == EXIT_INTERRUPTED:
        from . import report_interrupt

        report_interrupt()
        return
    from .output import echo  # rich loads only when there is something to print

    echo(redact(f"error: {failure.message}"), err=True)
    echo(redact(f"hint: {failure.hint}"), err=True)


def _quiet_pipe() -> None:
    """stdout's reader went away (``| head``): send what is left nowhere, so exiting raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests): nothing buffered to flush
        pass


def guarded(run: Callable[[], Any], command: str = "b24", settings: Settings | None = None) -> int:
    """Run a command line, turning every outcome into an exit code (errors reported on stderr)."""
    try:
        value = run()
    except SystemExit as exc:  # sys.exit() somewhere below: keep its code
        return exc.code if isinstance(exc.code, int) else EXIT_FAILED
    except typer.Exit as exc:  # typer.Exit(code) from a command
        return int(exc.exit_code)
    except BrokenPipeError:
        _quiet_pipe()
        return EXIT_FAILED
    except (Exception, KeyboardInterrupt, DeadlineExceeded) as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and isinstance(exc, typer.TyperException):
            typer.echo(exc.format_message())  # a group typed without a command: its help, not an error
            return EXIT_OK
        if os.environ.get(DEBUG_ENV) and not isinstance(exc, typer.TyperException | KeyboardInterrupt):
            sys.stderr.write(redact(traceback.format_exc()))
        failure = describe(exc, command, settings.source if settings is not None else None)
        report(failure)
        return failure.code
    return value if isinstance(value, int) else EXIT_OK
