"""``b24 leads convert``: turn one lead, or every lead matching a filter, into contact, company and deal."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from ..errors import InvalidInputError
from ..helpers import ConversionResult, LeadAlreadyConvertedError, convert_lead, convert_leads
from .failures import EXIT_FAILED
from .output import echo, print_json
from .params import parse_filter
from .portal import open_client

__all__ = ["leads_app", "result_lines"]

leads_app = typer.Typer(
    name="leads",
    help="Leads: conversion into contact, company and deal.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class CompanyChoice(enum.StrEnum):
    """Whether conversion makes a company: ``auto`` when the lead names one."""

    auto = "auto"
    yes = "yes"
    no = "no"


def result_lines(result: ConversionResult) -> list[str]:
    """What a conversion produced, one object a line."""
    lines = [f"lead #{result.lead_id} converted:"]
    lines += [f"  {obj.describe()}" for obj in result.objects]
    if result.product_rows:
        lines.append(f"  {result.product_rows} product rows copied to the deal")
    if result.closed:
        lines.append("  the lead is closed as converted")
    return lines


def _plain(result: ConversionResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "lead_id": result.lead_id,
        **{o.kind: {"id": o.id, "via": o.via} for o in result.objects},
        "product_rows": result.product_rows,
        "closed": result.closed,
    }


@leads_app.command("convert")
def convert(
    ctx: typer.Context,
    lead: Annotated[
        int | None, typer.Argument(metavar="LEAD", min=1, help="The lead id (or use --filter).")
    ] = None,
    filter: Annotated[
        list[str] | None,
        typer.Option("--filter", "-f", help="Convert every matching lead: STATUS_ID=NEW, '@ID=1,2,3' ..."),
    ] = None,
    company: Annotated[
        CompanyChoice, typer.Option("--company", help="Make a company too.")
    ] = CompanyChoice.auto,
    contact: Annotated[bool, typer.Option("--contact/--no-contact", help="Make (or find) a contact.")] = True,
    deal: Annotated[bool, typer.Option("--deal/--no-deal", help="Make a deal.")] = True,
    category: Annotated[int, typer.Option("--category", min=0, help="The deal's funnel id.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Convert leads, reusing duplicates and earlier results: running it twice creates nothing twice.

    Examples:

    b24 leads convert 42

    b24 leads convert --filter STATUS_ID=IN_PROCESS --no-deal
    """
    if (lead is None) == (not filter):
        raise InvalidInputError("give either a lead id or --filter (not both)", field="LEAD")
    options: dict[str, Any] = {
        "contact": contact,
        "company": {"auto": "auto", "yes": True, "no": False}[company.value],
        "deal": deal,
        "deal_category": category,
    }
    with open_client(ctx) as b24:
        if lead is not None:
            try:
                result = convert_lead(b24, lead, **options)
            except LeadAlreadyConvertedError as exc:  # rerunning a conversion is not a failure
                echo(str(exc))
                return
        else:
            report = convert_leads(b24, parse_filter(filter or []), **options)
    if lead is not None:
        if json_out:
            print_json(_plain(result))
        else:
            echo("\n".join(result_lines(result)))
        return
    if json_out:
        print_json(
            [
                {"lead_id": r.lead_id, "status": r.status, "reason": r.reason, "result": _plain(r.result)}
                for r in report
            ]
        )
        return
    for item in report:
        if item.status == "converted" and item.result is not None:
            echo("\n".join(result_lines(item.result)))
        else:
            why = f" ({item.reason})" if item.reason else ""
            echo(f"lead #{item.lead_id}: {item.status}{why}" + (f": {item.error}" if item.error else ""))
    echo(report.summary())
    if report.failed or report.partial:
        raise typer.Exit(EXIT_FAILED)
