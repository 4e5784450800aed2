"""Printing results: JSON (plain when piped, highlighted in a terminal), tables, CSV and TSV, and text lines.

Everything fits the width of :func:`~.layout.line_width` (``COLUMNS``, the terminal, else 80) without
splitting a word. In a terminal a table has frames and colours; piped (or in a file) it is plain text: no
colour codes, no box-drawing characters, columns separated by spaces and no trailing blanks. ``--format
tsv`` is the form for scripts: a header and one line per row, tab-separated, with tabs, newlines and
backslashes inside values escaped as ``\\t``, ``\\n``, ``\\r`` and ``\\\\``.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from ..engine.redaction import redact
from ..helpers import write_rows
from .layout import fit_columns, is_plain, line_width, wrap_line

__all__ = [
    "Format",
    "cell",
    "columns_of",
    "echo",
    "print_csv",
    "print_json",
    "print_rows",
    "print_table",
    "print_tsv",
    "section",
    "stdout",
    "to_json",
    "tsv_line",
]


class Format(enum.StrEnum):
    """Output formats of the commands that print a table."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def stdout() -> Console:
    """A console on the current stdout at the line width (created per use: tests swap the streams).

    Piped, it writes no colour codes even with ``FORCE_COLOR`` set: plain text for grep and awk.
    """
    if is_plain(sys.stdout):
        return Console(
            file=sys.stdout,
            width=line_width(),
            highlight=False,
            soft_wrap=False,
            force_terminal=False,
            color_system=None,
        )
    return Console(file=sys.stdout, width=line_width(), highlight=False, soft_wrap=False)


def echo(text: str = "", *, err: bool = False) -> None:
    """Print text, each line wrapped at spaces to the line width (indents and tree lines kept)."""
    width = line_width()
    lines = [part for line in text.split("\n") for part in wrap_line(line, width)]
    typer.echo("\n".join(lines), err=err)


def section(title: str) -> None:
    """A section heading after a blank line: a rule in a terminal, the title alone when piped."""
    if is_plain(sys.stdout):
        echo()
        echo(title)
        return
    console = stdout()
    console.print()
    console.rule(title, align="left", style="cyan")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return str(value)


def to_json(value: Any) -> str:
    """Indented JSON, Cyrillic kept readable, secrets masked."""
    return redact(json.dumps(value, ensure_ascii=False, indent=2, default=_default))


def print_json(value: Any) -> None:
    """JSON on stdout: highlighted in a terminal, plain text when piped (so ``| jq`` works)."""
    text = to_json(value)
    if sys.stdout.isatty():
        stdout().print_json(text)
    else:
        sys.stdout.write(text + "\n")


def _is_money(value: Mapping[Any, Any]) -> bool:
    return bool(value) and all(isinstance(v, Decimal) for v in value.values())


def cell(value: Any, *, lines: bool = False) -> str:
    """One value as text: multifields as their values, money with separators, ratios as percents.

    ``lines``: amounts in several currencies one per line (tables) instead of ``; ``-separated (CSV).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:,.1f}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, list):
        if all(isinstance(v, Mapping) and "VALUE" in v for v in value):
            return ", ".join(str(v["VALUE"]) for v in value)
        return ", ".join(cell(v) for v in value)
    if isinstance(value, Mapping):
        if _is_money(value):
            return ("\n" if lines else "; ").join(f"{v:,.2f} {k}" for k, v in value.items())
        return json.dumps(value, ensure_ascii=False, default=_default)
    return str(value)


def columns_of(rows: Iterable[Mapping[str, Any]], wanted: Sequence[str] | None = None) -> list[str]:
    """The columns to show: the selected fields that came back (case-insensitively), else every key seen."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    if not wanted or "*" in wanted:
        return list(seen)
    by_upper = {key.upper(): key for key in seen}
    picked = [by_upper.get(name.upper(), name) for name in wanted if not name.upper().startswith("UF_*")]
    return [name for name in picked if name in seen] or list(seen)


#: cells of frame and padding around a table of n columns: ``overhead + per_column * n``
_FRAMED: Final = (1, 3)  # "│ a │ b │": one edge, then per column two blanks and a bar
_PLAIN: Final = (-2, 2)  # "a  b": two blanks between columns, none at the edges


def print_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None, numeric: bool = True
) -> None:
    """A table on stdout that fits the line width (numbers right-aligned when ``numeric``).

    A terminal gets frames; a pipe plain columns. Columns that cannot fit even with every word on a line
    of its own are left out from the right, and a line on stderr names them.
    """
    materialised = [list(row) for row in rows]
    texts = [[redact(cell(v, lines=True)) for v in row] for row in materialised]
    right: list[bool] = []
    unbreakable: list[bool] = []
    for index in range(len(columns)):
        present = [row[index] for row in materialised if index < len(row) and row[index] is not None]
        number = bool(present) and all(
            isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in present
        )
        money = bool(present) and all(isinstance(v, Mapping) and _is_money(v) for v in present)
        right.append((numeric and number) or money)
        unbreakable.append(number or money)
    plain = is_plain(sys.stdout)
    width = line_width()
    overhead, per_column = _PLAIN if plain else _FRAMED
    headers = [str(name) for name in columns]
    layout = fit_columns(
        [headers, *([*row, *[""] * (len(headers) - len(row))][: len(headers)] for row in texts)],
        unbreakable=unbreakable,
        width=width,
        overhead=overhead,
        per_column=per_column,
    )
    table = Table(
        box=None if plain else box.HEAVY_HEAD,
        padding=(0, 1),
        pad_edge=not plain,
        show_edge=not plain,
        header_style="bold" if not plain else "",
    )
    for index, size in zip(layout.shown, layout.widths, strict=True):
        table.add_column(
            headers[index],
            justify="right" if right[index] else "left",
            width=size,  # at least the longest word (and whole amounts): lines wrap between words
            overflow="fold" if index in layout.folded else "ellipsis",
        )
    for row in texts:
        table.add_row(*(row[index] if index < len(row) else "" for index in layout.shown))
    if title:
        echo(title)
    console = stdout()
    if plain:
        with console.capture() as captured:
            console.print(table)
        sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    else:
        console.print(table)
    hidden = layout.hidden(len(headers))
    if hidden:
        names = ", ".join(headers[index] for index in hidden)
        echo(
            f"{len(hidden)} of {len(headers)} columns left out to fit {width} columns: {names} "
            "(a wider terminal, or --format tsv / csv, shows them all)",
            err=True,
        )


def print_rows(
    fmt: Format,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    numeric: bool = True,
) -> None:
    """Rows in the chosen format: a table (``title`` above it), CSV, TSV, or JSON records by column."""
    if fmt is Format.csv:
        print_csv(columns, rows)
    elif fmt is Format.tsv:
        print_tsv(columns, rows)
    elif fmt is Format.json:
        print_json([dict(zip(columns, row, strict=False)) for row in rows])
    else:
        print_table(columns, rows, title=title, numeric=numeric)


_TSV_ESCAPES: Final = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)  # numbers as numbers: no thousands separators, no percent signs
    if isinstance(value, Mapping) and _is_money(value):
        return "; ".join(f"{v} {k}" for k, v in value.items())
    return cell(value)


def tsv_line(values: Iterable[Any]) -> str:
    """One TSV line (no newline): each value as text, tabs, newlines and backslashes escaped."""
    return "\t".join(redact(_tsv_cell(v)).translate(_TSV_ESCAPES) for v in values)


def print_tsv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Tab-separated values on stdout: a header line, then one line per row (for grep, cut, awk)."""
    sys.stdout.write(tsv_line(columns) + "\n")
    for row in rows:
        sys.stdout.write(tsv_line(row) + "\n")


def print_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV with a header row on stdout (UTF-8, Excel-friendly quoting)."""
    cells = ([_csv_cell(v) for v in row] for row in rows)
    write_rows(sys.stdout, columns, cells, lineterminator="\n")  # formula-like cells defused for spreadsheets


def _csv_cell(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value  # numbers stay numbers (a negative amount is no formula)
    return redact(str(value)) if isinstance(value, str) else redact(cell(value))
