"""``b24 call`` (any REST method, JSON out) and ``b24 list`` (every row of a list: table, JSON or CSV)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Final

import typer

from ..client import Bitrix24
from ..errors import InvalidInputError, ResponseFormatError
from ..protocol import Stream
from ..protocol.rows import rows_of
from ..services import CrmCalls
from .output import Format, columns_of, echo, print_json, print_rows
from .params import parse_filter, parse_params, parse_select
from .portal import open_client
from .progress import Counter, counting, rows_bar

__all__ = ["FAST_ENTITIES", "call", "list_rows"]

#: entities read by keyset paging (thousands of rows in a handful of requests)
FAST_ENTITIES: Final = ("lead", "contact", "company", "deal")
#: columns a table shows when no --select was given (JSON and CSV keep every field)
TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "ID",
    "TITLE",
    "NAME",
    "LAST_NAME",
    "SUBJECT",
    "STATUS_ID",
    "STAGE_ID",
    "OPPORTUNITY",
    "ASSIGNED_BY_ID",
)
_MAX_DEFAULT_COLUMNS: Final = 8


def call(
    ctx: typer.Context,
    method: Annotated[
        str, typer.Argument(metavar="METHOD", help="REST method, e.g. crm.deal.get, user.current.")
    ],
    params: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KEY=VALUE",
            help='Parameters: key=value, filter[>ID]=5, select[]=ID, fields:=\'{"TITLE": "x"}\'.',
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Print total, next and time along with result.")
    ] = False,
) -> None:
    """Call any REST method and print its result as JSON.

    Examples:

    b24 call crm.deal.get id=5

    b24 call crm.deal.list 'filter[>OPPORTUNITY]=100000' 'select[]=ID' 'select[]=TITLE'

    b24 call crm.lead.add 'fields[TITLE]=New lead' 'fields[OPPORTUNITY]:=5000'
    """
    values = parse_params(params or [])
    with open_client(ctx) as b24:
        response = b24.call_full(method, values)  # a known list method's field names are checked first
    if not full:
        print_json(response.result)
        return
    print_json(
        {
            "result": response.result,
            "total": response.total,
            "next": response.next,
            "time": response.raw.get("time"),
        }
    )


def _order(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    order: dict[str, str] = {}
    for part in text.split(","):
        field, _, direction = part.strip().partition(":")
        direction = (direction or "asc").upper()
        if not field or direction not in ("ASC", "DESC"):
            raise InvalidInputError(f"--order takes FIELD[:asc|desc][,...], got {text!r}", field="--order")
        order[field] = direction
    return order


def _table_rows(result: Any) -> list[dict[str, Any]]:
    """Any answer as table rows: a list answer's rows, else one record, else one ``value`` cell."""
    if isinstance(result, list):
        return [r if isinstance(r, dict) else {"value": r} for r in result]
    try:
        return rows_of(result)
    except ResponseFormatError:
        return [dict(result)] if isinstance(result, Mapping) else [{"value": result}]


def _generic(
    b24: Bitrix24, method: str, params: dict[str, Any], limit: int | None, counter: Counter
) -> Iterator[dict[str, Any]]:
    """Any list method, page after page by ``start`` / ``next``."""
    start: int | None = 0
    count = 0
    while start is not None:
        response = b24.call_full(method, {**params, "start": start})
        rows = _table_rows(response.result)
        counter.advance(len(rows), response.total)
        for row in rows:
            if limit is not None and count >= limit:
                return
            count += 1
            yield row
        start = response.next


def _fast(
    b24: Bitrix24, entity: str, params: dict[str, Any], limit: int | None, counter: Counter
) -> Iterator[dict[str, Any]]:
    service = getattr(CrmCalls(), entity)
    stream: Stream[dict[str, Any]] = service.iter_all(
        filter=params.get("filter"),
        select=params.get("select"),
        order=params.get("order"),
        limit=limit,
        raw=True,
    )
    return b24.stream(counting(stream, counter))


def _method_of(entity: str) -> str:
    name = entity.strip()
    if not name or any(ch.isspace() or ch in "/?#&" for ch in name):
        raise InvalidInputError(f"not an entity or method name: {entity!r}", field="ENTITY")
    return name if "." in name else f"crm.{name}.list"


def list_rows(
    ctx: typer.Context,
    entity: Annotated[
        str,
        typer.Argument(
            metavar="ENTITY",
            help="lead, contact, company, deal (fast), another CRM entity, or a list method.",
        ),
    ],
    filter: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            "-f",
            metavar="KEY=VALUE",
            help="KEY=VALUE with operators: '>OPPORTUNITY=1000', '@ID=1,2', JSON.",
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", "-s", metavar="FIELDS", help="Fields to read: ID,TITLE,STAGE_ID."),
    ] = None,
    order: Annotated[
        str | None,
        typer.Option("--order", metavar="FIELD[:desc]", help="FIELD[:asc|desc], e.g. DATE_CREATE:desc."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, metavar="N", help="Stop after this many rows.")
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="table (plain text when piped), json, csv, or tsv for scripts."),
    ] = Format.table,
) -> None:
    """Read every matching row of a list and print it as a table, JSON, CSV or TSV (progress on stderr).

    Examples:

    b24 list deal --filter STAGE_ID=WON --select ID,TITLE,OPPORTUNITY

    b24 list lead -f '>DATE_CREATE=2024-01-01' --format csv > leads.csv

    b24 list deal -s ID,STAGE_ID --format tsv | cut -f2 | sort | uniq -c

    b24 list crm.status.list -f ENTITY_ID=STATUS
    """
    params: dict[str, Any] = {}
    flt = parse_filter(filter or [])
    fields = parse_select(select or [])
    if flt:
        params["filter"] = flt
    if fields:
        params["select"] = fields
    sort = _order(order)
    if sort:
        params["order"] = sort
    fast = entity.strip().lower() in FAST_ENTITIES
    method = f"crm.{entity.strip().lower()}.list" if fast else _method_of(entity)
    with open_client(ctx) as b24, rows_bar(method) as counter:
        if fast:
            rows = list(_fast(b24, entity.strip().lower(), params, limit, counter))
        else:
            rows = list(_generic(b24, method, params, limit, counter))
    if fmt is Format.json:
        print_json(rows)
        return
    columns = columns_of(rows, fields)
    if fmt is Format.table and not fields and len(columns) > _MAX_DEFAULT_COLUMNS:
        shown = [c for c in TABLE_COLUMNS if c in columns] or columns[:_MAX_DEFAULT_COLUMNS]
        echo(f"showing {len(shown)} of {len(columns)} fields: pick them with --select", err=True)
        columns = shown
    table_rows = [[row.get(c) for c in columns] for row in rows]
    print_rows(fmt, columns, table_rows, title=f"{method}: {len(rows)} rows", numeric=False)
