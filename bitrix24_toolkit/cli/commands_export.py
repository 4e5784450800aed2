"""``b24 export TARGET``: the CRM into DuckDB or PostgreSQL, incrementally (see ``docs/export.md``)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..helpers import export as export_crm
from .output import Format, echo, print_json, print_rows, print_table
from .portal import open_client

__all__ = ["export"]

#: the names the options take (the helper checks them and keeps the defaults)
ENTITIES = ("deal", "lead", "contact", "company")
INCLUDES = ("stagehistory", "activities", "productrows", "statuses", "categories", "users")
_COLUMNS = ("table", "mode", "read", "written", "deleted", "added columns", "removed fields")


def export(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="TARGET",
            help="duckdb:///crm.duckdb (a file here), duckdb:////abs/crm.duckdb or postgresql://user:pw@host/db",
        ),
    ],
    entity: Annotated[
        list[str] | None,
        typer.Option("--entity", "-e", help=f"An entity to export (repeat it): {', '.join(ENTITIES)}."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option("--include", "-i", help=f"An extra table set (repeat it): {', '.join(INCLUDES)}."),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Read everything again (not only what changed).")
    ] = False,
    no_deletions: Annotated[
        bool, typer.Option("--no-deletions", help="Skip the check for rows deleted on the portal.")
    ] = False,
    schema: Annotated[
        str | None, typer.Option("--schema", help="Put the tables in this schema (created if missing).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Export deals, leads, contacts, companies and more into DuckDB or PostgreSQL; a rerun reads only what
    changed and resumes an interrupted export.

    Examples:

    b24 export duckdb:///crm.duckdb

    b24 export duckdb:///crm.duckdb --entity deal --include stagehistory

    b24 export postgresql://analyst@localhost/crm --full
    """
    with open_client(ctx) as b24:
        report = export_crm(
            b24,
            target,
            entities=entity if entity else ENTITIES,
            include=include if include is not None else INCLUDES,
            full=full,
            deletions=not no_deletions,
            schema=schema,
        )
    for name, reason in report.skipped.items():  # the portal does not offer it to this webhook or app
        echo(f"warning: {name} skipped ({reason}): grant the webhook that scope or leave it out", err=True)
    none = "-" if fmt is Format.table else ""
    rows = [
        [
            r.entity,
            r.mode,
            r.read,
            r.written,
            r.deleted,
            ", ".join(r.added_columns) or none,
            ", ".join(r.removed_columns) or none,
        ]
        for r in report.entities.values()
    ]
    if fmt is Format.json:
        print_json(
            {
                "target": report.target,
                "seconds": report.seconds,
                "tables": [dict(zip(_COLUMNS, row, strict=True)) for row in rows],
                "skipped": report.skipped,
            }
        )
    elif fmt is not Format.table:
        print_rows(fmt, _COLUMNS, rows)
    else:
        print_table(_COLUMNS, rows, title=f"Export to {report.target} in {report.seconds:.1f} s")
