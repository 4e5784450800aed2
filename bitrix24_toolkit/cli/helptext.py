"""``--help`` as plain text that fits the terminal and never breaks a word (``--no-deal``, ``e-mail``).

click wraps help at hyphens; here every ``-`` is held as a non-breaking hyphen (U+2011, one column too)
while click wraps, and turned back into ``-`` in the finished text. Applied to every command of the tree
by :func:`plain_help` (each command's ``context_class``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

import typer

__all__ = ["HelpContext", "plain_help"]

_HYPHEN: Final = "-"
_HELD: Final = "\u2011"

_Formatter: Any = typer.Context.formatter_class


#: Python type names typer shows as metavars (``<int range>``, ``<list[str]>``) and what a person reads
_TYPE_NAMES: Final = {
    "int": "N",
    "int range": "N",
    "integer": "N",
    "float": "NUMBER",
    "float range": "NUMBER",
    "str": "TEXT",
    "text": "TEXT",
    "list[str]": "TEXT",
    "path": "PATH",
    "file": "FILE",
}
_TYPE_NAME: Final = re.compile(r"<([a-z][a-z \[\]]*)>")


def _readable(match: re.Match[str]) -> str:
    return _TYPE_NAMES.get(match.group(1), match.group(0))


def _hold(text: str) -> str:
    return text.replace(_HYPHEN, _HELD)


class _NoHyphenBreaks(_Formatter):  # type: ignore[misc]  # click's HelpFormatter (typer vendors click)
    """click's help formatter, wrapping at spaces only."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _hold(args), prefix)

    def write_text(self, text: str) -> None:
        super().write_text(_hold(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(_TYPE_NAME.sub(_readable, first), _hold(second)) for first, second in rows]
        super().write_dl(rows, col_max, col_spacing)

    def getvalue(self) -> str:
        return str(super().getvalue()).replace(_HELD, _HYPHEN)


class HelpContext(typer.Context):
    """The context of every ``b24`` command: help from :class:`_NoHyphenBreaks`."""

    formatter_class = _NoHyphenBreaks


def plain_help(command: Any) -> None:
    """Give ``command`` and every command under it the :class:`HelpContext`."""
    command.context_class = HelpContext
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
