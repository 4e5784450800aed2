"""``b24 requisites``: show a company's requisites, add one (with a bank detail), show "my company"."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from ..errors import InvalidInputError
from ..helpers import add_requisite, company_details, my_companies, upsert_requisite
from .company_text import company_lines
from .output import echo, print_json
from .params import parse_params
from .portal import open_client

__all__ = ["requisites_app"]

requisites_app = typer.Typer(
    name="requisites",
    help="Requisites (INN, KPP, bank details, addresses) of companies and contacts, and of your own company.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class OwnerKind(enum.StrEnum):
    """Who a requisite belongs to."""

    company = "company"
    contact = "contact"


@requisites_app.command("show")
def show(
    ctx: typer.Context,
    company: Annotated[int, typer.Argument(metavar="COMPANY", min=1, help="Company id.")],
    json_out: JsonOption = False,
) -> None:
    """A company with every requisite, bank detail and address."""
    with open_client(ctx) as b24:
        details = company_details(b24, company)
    if json_out:
        print_json(details.to_dict())
    else:
        echo("\n".join(company_lines(details)))


@requisites_app.command("my-company")
def my_company(ctx: typer.Context, json_out: JsonOption = False) -> None:
    """Your own companies (IS_MY_COMPANY=Y) with their requisites: what invoices are issued from."""
    with open_client(ctx) as b24:
        companies = my_companies(b24)
    if json_out:
        print_json([c.to_dict() for c in companies])
        return
    if not companies:
        echo("no company is marked as yours (IS_MY_COMPANY=Y)")
    for details in companies:
        echo("\n".join(company_lines(details)))


@requisites_app.command("add")
def add(
    ctx: typer.Context,
    owner_id: Annotated[int, typer.Argument(metavar="OWNER", min=1, help="The company (or contact) id.")],
    fields: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE",
            help="Requisite fields: RQ_INN=7707083893 RQ_KPP=773601001 RQ_COMPANY_NAME=...",
        ),
    ],
    bank: Annotated[
        list[str] | None,
        typer.Option(
            "--bank", help="A bank detail field, repeatable: --bank RQ_BIK=044525225 --bank RQ_ACC_NUM=..."
        ),
    ] = None,
    owner: Annotated[OwnerKind, typer.Option("--owner", help="Whose requisite it is.")] = OwnerKind.company,
    upsert: Annotated[
        bool, typer.Option("--upsert", help="Update the owner's requisite with the same INN (+KPP) instead.")
    ] = False,
) -> None:
    """Add a requisite (INN, KPP, OGRN ... checked before sending) with an optional bank detail.

    Example:

    b24 requisites add 5 RQ_COMPANY_NAME='ООО Ромашка' RQ_INN=7736050003 RQ_KPP=773601001
    --bank RQ_BIK=044525225 --bank RQ_ACC_NUM=40702810938000012345
    """
    values = parse_params(fields)
    if not values:
        raise InvalidInputError(
            "give the requisite's fields as KEY=VALUE (e.g. RQ_INN=7707083893)", field="FIELDS"
        )
    banks = [parse_params(bank)] if bank else []
    with open_client(ctx) as b24:
        if upsert:
            saved = upsert_requisite(b24, owner.value, owner_id, values, bank_details=banks)
        else:
            saved = add_requisite(b24, owner.value, owner_id, values, bank_details=banks)
    what = "added" if saved.created else ("updated" if saved.changed else "unchanged")
    banks_text = f", bank details {saved.bank_detail_ids}" if saved.bank_detail_ids else ""
    echo(f"requisite #{saved.requisite_id} {what} for {owner.value} {owner_id}{banks_text}")
