"""``b24 project``: create a typical project from a template, follow its progress, post it to the feed."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import InvalidInputError
from ..helpers import create_project, post_report, project_progress
from .commands_funnel import parse_day, save_chart
from .failures import CommandError
from .output import echo, print_json, print_table
from .portal import open_client

__all__ = ["parse_roles", "project_app"]

project_app = typer.Typer(
    name="project",
    help="Typical projects as task templates (tasks, checklists, dependencies) and their progress.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def parse_roles(values: list[str]) -> dict[str, str]:
    """``--role manager=a@b.ru`` options as ``{"manager": "a@b.ru"}`` (a user id works too)."""
    roles: dict[str, str] = {}
    for value in values:
        name, sep, who = value.partition("=")
        if not sep or not name.strip() or not who.strip():
            raise InvalidInputError(
                f"--role takes ROLE=E-MAIL or ROLE=USER_ID, got {value!r}", field="--role"
            )
        if name.strip() in roles:
            raise InvalidInputError(f"--role {name.strip()} is given twice", field="--role")
        roles[name.strip()] = who.strip()
    return roles


def _source(text: str) -> int | str:
    """A workgroup id (digits) or a project key (the tag on its tasks)."""
    return int(text) if text.isdigit() else text


@project_app.command("create")
def create(
    ctx: typer.Context,
    template: Annotated[str, typer.Argument(metavar="TEMPLATE", help="The template: a .json or .yaml file.")],
    start: Annotated[str, typer.Option("--start", metavar="DATE", help="The project's start, YYYY-MM-DD.")],
    role: Annotated[
        list[str],
        typer.Option("--role", metavar="ROLE=WHO", help="Who plays a role: an e-mail or a user id (repeat)."),
    ],
    group: Annotated[
        str | None,
        typer.Option("--group", metavar="NAME", help="Put the tasks in this workgroup (made if new)."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key", metavar="KEY", help="The project key (tags every task); default: the template's."
        ),
    ] = None,
    holiday: Annotated[
        list[str] | None,
        typer.Option(
            "--holiday", metavar="DATE", help="A day off that working days skip, YYYY-MM-DD (repeat)."
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create the tasks of TEMPLATE; a rerun with the same key creates nothing twice."""
    day = parse_day(start, "--start")
    if day is None:  # a required option: never, but the type checker cannot know
        raise InvalidInputError("--start is required", field="--start")
    holidays = [parse_day(text, "--holiday") for text in holiday or []]
    roles = parse_roles(role)
    with open_client(ctx) as b24:
        done = create_project(
            b24,
            template,
            start=day,
            roles=roles,
            group=group,
            key=key,
            holidays=[d for d in holidays if d is not None],
        )
    if json_out:
        print_json(done.to_dict())
    else:
        rows = [
            [k, task_id, "created" if k in done.created else "existing"] for k, task_id in done.tasks.items()
        ]
        print_table(["task", "id", "now"], rows, numeric=False)
        echo(done.summary())
    if not done.ok:
        raise CommandError(
            f"{len(done.failed)} write(s) failed: " + "; ".join(f"{k}: {v}" for k, v in done.failed.items()),
            hint="run the same command again to finish the project once the cause is fixed",
        )


@project_app.command("progress")
def progress(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(metavar="GROUP_OR_KEY", help="A workgroup id, or the project key (tag) of the tasks."),
    ],
    png: Annotated[
        str | None, typer.Option("--png", metavar="FILE", help="Save the chart per person to this PNG file.")
    ] = None,
    tasks: Annotated[bool, typer.Option("--tasks/--no-tasks", help="Also list every task.")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print the progress as JSON.")] = False,
) -> None:
    """Where a project's tasks are: done, overdue, in progress, deferred, per person and per task."""
    with open_client(ctx) as b24:
        found = project_progress(b24, _source(source))
    if json_out:
        print_json(found.to_dict())
        return
    echo(found.title())
    columns, rows = found.people_table()
    print_table(columns, rows)
    if tasks:
        columns, rows = found.table()
        print_table(columns, rows, numeric=False)
    if png:
        save_chart(found, png)


@project_app.command("post")
def post(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(metavar="GROUP_OR_KEY", help="A workgroup id, or the project key (tag) of the tasks."),
    ],
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to", metavar="WHO", help="Readers: UA (all), U<id>, DR<department id>, SG<group id>."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="The post's title.")] = None,
) -> None:
    """Post a project's progress to the live feed (to everyone unless --to says otherwise)."""
    readers: Any = to or ["UA"]
    with open_client(ctx) as b24:
        found = project_progress(b24, _source(source))
        posted = post_report(b24, found, title=title or f"Progress: {found.source}", to=readers)
    shown = "" if posted.complete else f" ({posted.rows_shown} of {posted.rows_total} rows)"
    echo(f"posted to the live feed as post {posted.id} for {', '.join(posted.destinations)}{shown}")
