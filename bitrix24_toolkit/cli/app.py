"""The ``b24`` typer application: global options, the commands, and one error handler for all of them.

Every command runs inside :class:`B24Group.main`, which turns any error (portal errors, bad input, usage
mistakes, Ctrl+C, a run past ``--timeout``) into lines on stderr and a documented exit code
(:mod:`.failures`). Help is click's plain text (no frames, flags without a value placeholder, wrapped to the
terminal's width).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any, Final

import typer
from typer.core import TyperGroup

from .._version import __version__
from .commands_call import call, list_rows
from .commands_emulator import emulator_app
from .commands_export import export
from .commands_funnel import funnel
from .commands_holding import holding_app
from .commands_leads import leads_app
from .commands_org import org_app
from .commands_projects import project_app
from .commands_requisites import requisites_app
from .deadline import command_deadline
from .failures import guarded
from .helptext import plain_help
from .portal import Settings, settings_of

__all__ = ["B24Group", "app", "main"]

#: plain help text everywhere: rich's panels draw frames and show ``<bool>`` after every flag
HELP_MARKUP: Final = None


class B24Group(TyperGroup):
    """The root command group: runs the command line with our error handling instead of click's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_help(self)  # every command's help wraps at spaces only

    def main(  # type: ignore[override]  # click's signature, with the outcome always an exit code
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Run the command line; exit with (or, when not standalone, return) its exit code.

        The context is made and invoked here rather than by click's ``main``, which would turn Ctrl+C into
        a silent exit 130 (typer) or an ``Aborted!`` line: every outcome goes through :func:`guarded`.
        """
        argv = list(args) if args is not None else sys.argv[1:]
        settings = Settings()

        def run() -> Any:
            with self.make_context(prog_name or "b24", list(argv), obj=settings, **extra) as ctx:
                return self.invoke(ctx)

        code = guarded(run, self.command_path_of(argv), settings)
        if standalone_mode:
            raise SystemExit(code)
        return code

    def command_path_of(self, args: Sequence[str] | None) -> str:
        """The command being run, for hints: ``b24 holding tree`` for ``--demo holding tree 5``."""
        words = ["b24"]
        command: Any = self
        for arg in args if args is not None else sys.argv[1:]:
            commands = getattr(command, "commands", None)
            if not isinstance(commands, dict):
                break
            if arg in commands:
                words.append(arg)
                command = commands[arg]
        return " ".join(words)


app = typer.Typer(
    cls=B24Group,
    name="b24",
    help=(
        "Bitrix24 from the terminal. Uses BITRIX24_WEBHOOK_URL (environment or .env); "
        "without it, every command runs on the built-in demo portal. Start with: b24 demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=HELP_MARKUP,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bitrix24-toolkit {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    ctx: typer.Context,
    demo: Annotated[
        bool, typer.Option("--demo", help="Use the built-in demo portal even if a webhook URL is set.")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.1,
            metavar="SECONDS",
            help="Stop the whole command after this long, retries and waits included "
            "(default: no overall limit, 60 s for each answer).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Bitrix24 from the terminal."""
    settings = ctx.ensure_object(Settings)
    settings.demo = demo
    settings.timeout = timeout
    if timeout is not None:
        ctx.with_resource(command_deadline(timeout))


@app.command("demo")
def demo(
    ctx: typer.Context,
    png: Annotated[
        str, typer.Option("--png", metavar="FILE", help="Where to save the funnel chart.")
    ] = "funnel.png",
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Save the funnel chart.")] = True,
) -> None:
    """Tour the built-in demo portal: my company, the holding, a lead conversion, the funnel."""
    from .demo import run_demo

    settings_of(ctx).source = ""  # the built-in portal: no address to check when it is slow
    run_demo(png if chart else None)


app.command("call")(call)
app.command("list")(list_rows)
app.command("funnel")(funnel)
app.command("export")(export)
app.add_typer(holding_app)
app.add_typer(requisites_app)
app.add_typer(leads_app)
app.add_typer(org_app)
app.add_typer(emulator_app)
app.add_typer(project_app)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``b24`` command line and return its exit code (:func:`bitrix24_toolkit.cli.main` adds the
    start-up guard: Ctrl+C while importing, a missing ``cli`` extra, a fast ``--version``)."""
    command = typer.main.get_command(app)
    assert isinstance(command, B24Group)
    return command.main(argv, prog_name="b24", standalone_mode=False)
