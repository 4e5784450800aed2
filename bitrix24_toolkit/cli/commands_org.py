"""``b24 org``: load the company structure from HR data (``org sync``) and show it (``org tree``)."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InvalidInputError
from ..helpers import OrgEntry, OrgReport, OrgSource, org_tree, sync_org_structure
from .failures import EXIT_FAILED
from .output import Format, echo, print_json, print_rows
from .portal import open_client

__all__ = ["org_app"]

org_app = typer.Typer(
    name="org",
    help="Company structure: departments, heads and employees from 1C:ZUP, Active Directory or a CSV.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_COLUMNS = ("kind", "row", "key", "name", "action", "status", "id", "reasons", "error")
#: warnings printed under the table (the rest are counted)
_SHOWN_WARNINGS = 10


class Mapping(enum.StrEnum):
    """Column presets of typical exports."""

    zup = "zup"
    ad = "ad"


def _read_ids(path: Path | None) -> dict[str, int] | None:
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            f"--ids {path}: not a JSON file of code -> id ({exc})", field="--ids"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"--ids {path}: expected a JSON object of code -> id", field="--ids")
    return data


def _action(entry: OrgEntry) -> str:
    status = entry.status
    return entry.action if status in ("planned", "done", "unchanged") else f"{entry.action} ({status})"


def _why(entry: OrgEntry) -> str:
    return entry.error if entry.error else "; ".join(entry.reasons)


def _print(report: OrgReport, fmt: Format, everything: bool) -> None:
    entries = report.entries if everything else report.changes
    rows = [[entry.to_dict()[name] for name in _COLUMNS] for entry in entries]
    if fmt is Format.json:
        print_json(
            {
                "summary": report.summary(),
                "dry_run": report.dry_run,
                "requests": report.requests,
                "writes": report.writes,
                "entries": [dict(zip(_COLUMNS, row, strict=True)) for row in rows],
                "warnings": [str(w) for w in report.warnings],
                "department_ids": report.department_ids,
            }
        )
        return
    if fmt is not Format.table:
        print_rows(fmt, _COLUMNS, rows)
        return
    for kind, title in (("department", "departments"), ("employee", "employees")):
        mine = [entry for entry in entries if entry.kind == kind]
        if mine:
            print_rows(
                fmt,
                ("row", title[:-1] if kind == "department" else "e-mail", "action", "reasons"),
                [[e.row, e.key if kind == "employee" else e.name, _action(e), _why(e)] for e in mine],
                title=title,
            )
    if not entries:
        echo("nothing to change: the portal matches the source")
    for warning in report.warnings[:_SHOWN_WARNINGS]:
        echo(f"warning: {warning}", err=True)
    if len(report.warnings) > _SHOWN_WARNINGS:
        echo(
            f"... and {len(report.warnings) - _SHOWN_WARNINGS} more warnings (--format json lists all)",
            err=True,
        )
    echo(report.summary())


@org_app.command("sync")
def sync(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Departments CSV/XLSX (or one employees file, or an XLSX with both sheets).",
        ),
    ],
    employees: Annotated[
        Path | None, typer.Option("--employees", metavar="FILE", help="The employees CSV/XLSX.")
    ] = None,
    mapping: Annotated[
        Mapping | None, typer.Option("--mapping", help="Column names of a typical export (default: any).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan, write nothing.")] = False,
    deactivate_missing: Annotated[
        bool,
        typer.Option("--deactivate-missing", help="Deactivate (ACTIVE=N) employees missing from the file."),
    ] = False,
    ids: Annotated[
        Path | None,
        typer.Option(
            "--ids",
            metavar="FILE",
            help="JSON of department code -> portal id: read if it exists, written after the run.",
        ),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Also list unchanged rows.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Make the portal's departments and employees match the file: nothing is ever deleted.

    Examples:

    b24 org sync departments.csv --employees employees.csv --mapping zup --dry-run

    b24 org sync staff.xlsx --ids org-ids.json --deactivate-missing
    """
    source: Any = OrgSource(departments=file, employees=employees) if employees is not None else file
    known = _read_ids(ids)
    with open_client(ctx) as b24:
        report = sync_org_structure(
            b24,
            source,
            dry_run=dry_run,
            deactivate_missing=deactivate_missing,
            mapping=mapping.value if mapping is not None else None,
            ids=known,
        )
    if ids is not None and not dry_run:
        ids.write_text(
            json.dumps(report.department_ids, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    _print(report, fmt, everything)
    if report.failed:
        raise typer.Exit(EXIT_FAILED)


@org_app.command("tree")
def tree(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Print the department tree with each head and the number of active employees."""
    with open_client(ctx) as b24:
        found = org_tree(b24)
    if fmt is Format.table:
        echo(found.render() or "no departments")
        return
    rows = found.to_rows()
    columns = ("id", "parent", "level", "name", "head", "head_email", "employees")
    print_rows(fmt, columns, [[row[name] for name in columns] for row in rows])
