"""``b24 funnel``: where a deal funnel stands (or a breakdown by responsible / month, or the lead funnel by
source), table and chart. Tables show names (the funnel's, people's, sources'); CSV adds the ids beside them.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

import typer

from ..errors import InvalidInputError
from ..helpers import funnel_breakdown, funnel_snapshot, lead_funnel
from .failures import CommandError
from .output import Format, print_json, print_rows, print_table
from .portal import open_client

__all__ = ["NOT_AVAILABLE", "By", "funnel", "parse_day", "readable_rows", "save_chart"]

#: what a table cell reads when a rate or a time cannot be computed (0 of 0)
NOT_AVAILABLE = "–"


class By(enum.StrEnum):
    """Groupings of ``b24 funnel --by``."""

    responsible = "responsible"
    month = "month"


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A date typed as ``YYYY-MM-DD`` (``None`` stays ``None``)."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"{option} takes a date as YYYY-MM-DD, got {text!r}", field=option) from None


class _NotAvailable(float):
    """A rate or a time that cannot be computed: reads ``–`` in any format, and being a number it keeps
    its column right-aligned by ``print_table`` like the numbers around it."""

    def __format__(self, spec: str) -> str:
        return NOT_AVAILABLE

    def __str__(self) -> str:
        return NOT_AVAILABLE


def readable_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Table rows for people: a value that cannot be computed reads ``–``, never an empty cell."""
    blank = _NotAvailable("nan")
    return [[blank if value is None else value for value in row] for row in rows]


def save_chart(report: Any, path: str, **options: Any) -> None:
    """Draw the report's chart into a PNG file and say where (needs the ``plot`` extra)."""
    try:
        report.plot(path, **options)
    except ImportError:
        raise ImportError('charts need matplotlib: pip install "bitrix24-toolkit[plot]"') from None
    typer.echo(f"chart saved to {path}", err=True)


def funnel(
    ctx: typer.Context,
    category: Annotated[int, typer.Option("--category", "-c", min=0, help="Funnel id (0: the default).")] = 0,
    start: Annotated[
        str | None, typer.Option("--from", help="Deals created on or after this day (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Deals created before this day (YYYY-MM-DD).")
    ] = None,
    by: Annotated[
        By | None, typer.Option("--by", help="Break the funnel down by responsible or month.")
    ] = None,
    png: Annotated[
        str | None, typer.Option("--png", metavar="FILE", help="Also save the chart as PNG.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    leads: Annotated[
        bool, typer.Option("--leads", help="The lead funnel by source instead (leads created in the period).")
    ] = False,
) -> None:
    """Deals per stage now: count, amount, reached, conversions, win rate; or a breakdown with --by.

    Examples:

    b24 funnel --png funnel.png

    b24 funnel --category 1 --from 2026-01-01 --to 2026-04-01

    b24 funnel --by responsible

    b24 funnel --by month --format csv

    b24 funnel --leads
    """
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if first is not None and last is not None and last <= first:
        raise InvalidInputError("--to must be a later day than --from", field="--to")
    if leads and (by is not None or category != 0):
        raise InvalidInputError("--leads takes no --by or --category: leads have one funnel", field="--leads")
    period = (first, last) if first is not None or last is not None else None
    with open_client(ctx) as b24:
        report: Any
        if leads:
            report = lead_funnel(b24, period=period)
        elif by is None:
            report = funnel_snapshot(b24, category, period=period)
        else:
            report = funnel_breakdown(b24, category, by=by.value, period=period)
    if not leads and not report.stages:
        raise CommandError(
            f"funnel {category} has no stages: there is no such deal funnel on this portal",
            hint="list the funnels with: b24 call crm.category.list entityTypeId=2",
        )
    if fmt is Format.json:
        print_json(report.to_dict())
    elif fmt in (Format.csv, Format.tsv):
        print_rows(fmt, *report.data_table())  # names and, beside them, the ids programs join on
    else:
        columns, rows = report.table()
        print_table(columns, readable_rows(rows), title=report.title())
    if png:
        save_chart(report, png, **({"by": "source"} if leads else {}))
