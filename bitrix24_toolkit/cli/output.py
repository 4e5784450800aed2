"""Printing results: JSON (plain when piped, highlighted in a terminal), rich tables and CSV."""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from ..engine.redaction import redact
from ..helpers import write_rows

__all__ = ["Format", "cell", "columns_of", "print_csv", "print_json", "print_table", "stdout", "to_json"]


class Format(enum.StrEnum):
    """Output formats of the listing commands."""

    table = "table"
    json = "json"
    csv = "csv"


def stdout() -> Console:
    """A console on the current stdout (created per use: tests swap the streams)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


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


def print_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None, numeric: bool = True
) -> None:
    """A rich table on stdout (numbers right-aligned when ``numeric``)."""
    materialised = [list(row) for row in rows]
    table = Table(title=title, title_justify="left", show_lines=False)
    for index, name in enumerate(columns):
        values = [row[index] for row in materialised if index < len(row)]
        present = [v for v in values if v is not None]
        right = numeric and bool(present) and all(isinstance(v, int | float | Decimal) for v in present)
        money = bool(present) and all(isinstance(v, Mapping) and _is_money(v) for v in present)
        table.add_column(
            name,
            justify="right" if right or money else "left",
            overflow="fold",
            no_wrap=money,
            min_width=min(len(name), 14),
        )
    for row in materialised:
        table.add_row(*(redact(cell(v, lines=True)) for v in row))
    stdout().print(table)


def print_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV with a header row on stdout (UTF-8, Excel-friendly quoting)."""
    cells = ([_csv_cell(v) for v in row] for row in rows)
    write_rows(sys.stdout, columns, cells, lineterminator="\n")  # formula-like cells defused for spreadsheets


def _csv_cell(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value  # numbers stay numbers (a negative amount is no formula)
    return redact(str(value)) if isinstance(value, str) else redact(cell(value))
