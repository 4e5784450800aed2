"""``b24 holding``: the parent-company tree, the "Parent company" field, and linking a subsidiary."""

from __future__ import annotations

from typing import Annotated

import typer

from ..helpers import clear_parent, ensure_parent_field, holding_tree, set_parent
from .output import echo, print_json
from .portal import open_client

__all__ = ["holding_app"]

holding_app = typer.Typer(
    name="holding",
    help="Holding structure: companies linked by the company field 'Parent company'.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@holding_app.command("tree")
def tree(
    ctx: typer.Context,
    root: Annotated[
        int | None, typer.Argument(metavar="ROOT", min=1, help="Show only the tree under this company id.")
    ] = None,
    all_companies: Annotated[
        bool, typer.Option("--all", help="Also list companies outside any holding.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the tree as JSON.")] = False,
) -> None:
    """Print the holding tree (orphan links and loops are reported under it)."""
    with open_client(ctx) as b24:
        found = holding_tree(b24, root)
    if json_out:
        print_json(found.to_dict(all_companies=all_companies))
        return
    echo(found.render(all_companies=all_companies) or "no holdings: no company has a parent company")


@holding_app.command("ensure-field")
def ensure_field(ctx: typer.Context) -> None:
    """Create the company field 'Parent company' if the portal has none; print its code."""
    with open_client(ctx) as b24:
        code = ensure_parent_field(b24)
    echo(code)


@holding_app.command("set-parent")
def set_parent_command(
    ctx: typer.Context,
    company: Annotated[int, typer.Argument(metavar="COMPANY", min=1, help="The subsidiary's company id.")],
    parent: Annotated[
        int, typer.Argument(metavar="PARENT", min=0, help="The parent company's id (0: remove the link).")
    ],
) -> None:
    """Make PARENT the parent company of COMPANY (refused if it would close a loop)."""
    with open_client(ctx) as b24:
        if parent == 0:
            changed = clear_parent(b24, company)
            done = f"company {company} has no parent company now"
        else:
            changed = set_parent(b24, company, parent)
            done = f"company {company} is now a subsidiary of company {parent}"
    echo(done if changed else f"{done.replace(' now', '')} already: nothing changed")
