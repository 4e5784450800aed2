"""``b24`` output fits the terminal (issue 17): at 80 columns (down to 60) no line is longer than the width
and no word is split, Cyrillic included; piped output is plain text; ``--format tsv`` is for scripts;
flags show no ``<bool>`` in ``--help``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from rich.cells import cell_len

from bitrix24_toolkit.cli.app import app, main
from bitrix24_toolkit.cli.layout import fit_columns, wrap_line
from bitrix24_toolkit.cli.output import tsv_line
from bitrix24_toolkit.testing.emulator import Emulator

from .conftest import Invoke, Run

pytestmark = pytest.mark.usefixtures("fast_demo")

#: what a terminal would draw: ANSI codes and the box-drawing characters of frames
ANSI = re.compile(r"\x1b\[")
FRAMES = re.compile(r"[┏┓┗┛┃━┡┩╇┳┻┣┫╋┌┐┘┬┴┼╭╮╯╰]")

COMMANDS = [
    ["list", "deal"],
    ["list", "deal", "-s", "ID,TITLE,STAGE_ID,OPPORTUNITY,CURRENCY_ID,COMPANY_ID,CONTACT_ID,DATE_CREATE"],
    ["list", "lead", "-s", "ID,TITLE,NAME,LAST_NAME,PHONE,EMAIL,COMPANY_TITLE"],
    ["list", "company", "--limit", "40"],
    ["list", "crm.status.list", "-f", "ENTITY_ID=DEAL_STAGE"],
    ["funnel"],
    ["funnel", "--by", "responsible"],
    ["funnel", "--by", "month"],
    ["holding", "tree", "--all"],
    ["requisites", "my-company"],
    ["requisites", "show", "12"],
    ["leads", "convert", "198"],
    ["leads", "convert", "--filter", "STATUS_ID=IN_PROCESS", "--no-deal"],
    ["call", "crm.nothing.here"],
    ["list", "deal", "-f", "NOPE"],
]
HELP = [
    [],
    ["call"],
    ["list"],
    ["funnel"],
    ["demo"],
    ["holding"],
    ["holding", "tree"],
    ["holding", "set-parent"],
    ["holding", "ensure-field"],
    ["requisites"],
    ["requisites", "show"],
    ["requisites", "my-company"],
    ["requisites", "add"],
    ["leads"],
    ["leads", "convert"],
    ["emulator"],
    ["emulator", "serve"],
]


def too_wide(text: str, width: int) -> list[str]:
    """The lines of ``text`` longer than ``width`` terminal cells."""
    return [line for line in text.splitlines() if cell_len(line) > width]


def tokens(text: str) -> set[str]:
    return set(text.split())


def at(b24: Invoke, width: int, *args: str) -> Run:
    return b24(*args, env={"COLUMNS": str(width)})


# ------------------------------------------------------------------------------------ width, words
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_command_fits_80_and_60_columns_without_splitting_words(b24: Invoke, args: list[str]) -> None:
    wide = at(b24, 400, *args)
    for width in (80, 60):
        run = at(b24, width, *args)
        assert run.code == wide.code, run.text
        assert too_wide(run.stdout, width) == []
        assert too_wide(run.stderr, width) == []
        # a word cut in two would leave a piece that the wide output does not have
        assert tokens(run.stdout) <= tokens(wide.stdout)
        assert not ANSI.search(run.text)


def plain_words(text: str) -> set[str]:
    return {word.removesuffix("...") for word in tokens(text)}


def _help_words() -> set[str]:
    """Every word of every command's help text, as written (the reference for whole words)."""
    words: set[str] = set()
    stack = [typer.main.get_command(app)]
    while stack:
        command = stack.pop()
        words |= plain_words(command.help or "")
        stack += list(getattr(command, "commands", {}).values())
    return words


HELP_WORDS = _help_words()


def help_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int, *args: str
) -> str:
    """``b24 ARGS --help`` at this width (run in-process without CliRunner, which forces 80 columns)."""
    monkeypatch.setenv("COLUMNS", str(width))
    capsys.readouterr()
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("args", HELP, ids=lambda a: " ".join(a) or "b24")
def test_help_fits_and_flags_take_no_value(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    wide = help_text(capsys, monkeypatch, 400, *args)
    assert "--help" in wide
    for width in (80, 60):
        text = help_text(capsys, monkeypatch, width, *args)
        assert too_wide(text, width) == []
        # click shortens a command's summary in a list, at a word and with "...": whole words still
        assert plain_words(text) <= plain_words(wide) | HELP_WORDS, "a word was split"
        assert not FRAMES.search(text)
        assert "<bool>" not in text
        assert "BOOLEAN" not in text


def test_flags_are_listed_as_flags(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = help_text(capsys, monkeypatch, 80, "leads", "convert")
    assert re.search(r"^  --json\s+Print JSON", text, re.M)
    assert re.search(r"^  --deal / --no-deal\s+Make a deal", text, re.M)
    assert "--no-deal" in help_text(capsys, monkeypatch, 60, "leads", "convert")  # not cut at its hyphen
    assert re.search(r"^  --demo\s+Use the built-in", help_text(capsys, monkeypatch, 80), re.M)


def test_a_funnel_too_wide_for_the_terminal_leaves_out_columns_and_says_which(b24: Invoke) -> None:
    wide = at(b24, 400, "funnel", "--by", "responsible")
    narrow = at(b24, 80, "funnel", "--by", "responsible")
    header = wide.stdout.splitlines()[1]
    assert "Бронирование" in header  # every stage is a column when there is room
    assert "columns left out" not in wide.stderr
    assert "columns left out to fit 80 columns" in narrow.stderr
    assert "--format tsv" in narrow.stderr
    assert "Бронирование" in narrow.stderr  # named among the columns left out
    # the first columns stay, whole: names of people, counts, amounts
    assert "responsible" in narrow.stdout
    assert "won amount" in " ".join(narrow.stdout.split())


def test_long_cyrillic_names_wrap_between_words(b24: Invoke) -> None:
    run = at(b24, 60, "list", "lead", "-s", "ID,TITLE,NAME,LAST_NAME,PHONE,EMAIL,COMPANY_TITLE")
    lines = run.stdout.splitlines()
    assert any(line.startswith("1 ") for line in lines)
    assert "Калининград," in run.stdout  # the long word of lead 1 kept whole


def test_the_demo_fits_80_and_60_columns_as_a_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BITRIX24_WEBHOOK_URL", "B24_DEBUG")}
    env.update(PYTHONIOENCODING="utf-8", FORCE_COLOR="1")  # piped: no colours even when forced

    def demo(width: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bitrix24_toolkit", "demo", "--no-chart"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**env, "COLUMNS": str(width)},
            cwd=tmp_path,
            timeout=120,
        )

    wide = demo(300)
    assert wide.returncode == 0, wide.stderr
    for width in (80, 60):
        done = demo(width)
        assert done.returncode == 0, done.stderr
        assert too_wide(done.stdout + done.stderr, width) == []
        timeless = [line for line in done.stdout.splitlines() if not line.startswith("done:")]
        assert tokens("\n".join(timeless)) <= tokens(wide.stdout)
        assert not ANSI.search(done.stdout + done.stderr)
        assert not FRAMES.search(done.stdout)  # sections and the funnel table without frames
        assert "Бронирование" in done.stdout
        assert "└── Отель Восток Алтай (16)" in done.stdout  # the tree keeps its lines


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_in_a_terminal_tables_have_frames_and_still_fit(tmp_path: Path) -> None:
    import pty

    env = {k: v for k, v in os.environ.items() if k not in ("BITRIX24_WEBHOOK_URL", "B24_DEBUG", "NO_COLOR")}
    env.update(COLUMNS="80", PYTHONIOENCODING="utf-8", TERM="xterm")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bitrix24_toolkit", "funnel"],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0, done.stderr
    raw = b"".join(chunks).decode("utf-8")
    assert ANSI.search(raw)  # colours in a terminal
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", raw).replace("\r", "")
    assert FRAMES.search(text)
    assert too_wide(text, 80) == []
    assert "Бронирование" in text


# ------------------------------------------------------------------------------------------ pieces
def test_wrap_line_keeps_words_indents_and_tree_lines() -> None:
    line = "│   └── Гостевой дом Восток Листвянка на берегу озера Байкал (17)"
    lines = wrap_line(line, 30)
    assert all(cell_len(part) <= 30 for part in lines)
    assert " ".join(part.strip(" │└─") for part in lines).split() == line.strip(" │└─").split()
    assert lines[1].startswith("│         ")  # continued under the node, the parent's line kept
    assert wrap_line("  a short line", 30) == ["  a short line"]
    assert wrap_line("x" * 40, 30) == ["x" * 40]  # a single word wider than the line is left whole


def test_fit_columns_gives_each_column_its_longest_word() -> None:
    cells = [["stage", "deals"], ["Анализ причины отказа", "5"], ["Бронирование", "7"]]
    layout = fit_columns(cells, unbreakable=[False, True], width=24, overhead=-2, per_column=2)
    assert layout.shown == [0, 1]
    assert layout.widths[0] >= len("Бронирование")
    assert sum(layout.widths) + 2 <= 24
    cramped = fit_columns(cells, unbreakable=[False, True], width=14, overhead=-2, per_column=2)
    assert cramped.shown == [0]  # "deals" has no room next to the longest word: left out


# --------------------------------------------------------------------------------------------- tsv
def test_tsv_is_a_header_and_tab_separated_rows(b24: Invoke, raw_demo: Emulator) -> None:
    run = b24("list", "lead", "-s", "ID,TITLE,PHONE,OPPORTUNITY", "--format", "tsv", "--limit", "5")
    assert run.code == 0, run.text
    lines = run.stdout.splitlines()
    assert lines[0].split("\t") == ["ID", "TITLE", "PHONE", "OPPORTUNITY"]
    leads = raw_demo.state.table("lead")
    first = lines[1].split("\t")
    assert first[0] == "1"
    assert first[1] == leads[1]["TITLE"]
    assert first[2] == ", ".join(p["VALUE"] for p in leads[1]["PHONE"])  # no spreadsheet quote: for scripts
    assert len(lines) == 6
    assert all(line.count("\t") == 3 for line in lines)


def test_tsv_escapes_tabs_newlines_and_backslashes(b24: Invoke) -> None:
    emu = Emulator(limits="off")
    emu.call("crm.deal.add", {"fields": {"TITLE": "a\tb\nc\\d", "OPPORTUNITY": 100}})
    with emu.serve() as url:
        run = b24("list", "deal", "-s", "ID,TITLE", "--format", "tsv", env={"BITRIX24_WEBHOOK_URL": url})
    assert run.code == 0, run.text
    assert run.stdout.splitlines() == ["ID\tTITLE", "1\ta\\tb\\nc\\\\d"]
    assert tsv_line([None, True, 1.5, {"RUB": Decimal("1000.50")}]) == ("\tyes\t1.5\t1000.50 RUB")


def test_piped_tables_are_plain_text(b24: Invoke) -> None:
    run = b24("list", "deal", "-s", "ID,TITLE,STAGE_ID", "--limit", "3", env={"FORCE_COLOR": "1"})
    assert run.code == 0, run.text
    assert not ANSI.search(run.stdout)
    assert not FRAMES.search(run.stdout)
    assert run.stdout.splitlines()[1].split() == ["ID", "TITLE", "STAGE_ID"]
    assert all(line == line.rstrip() for line in run.stdout.splitlines())


@pytest.fixture(scope="module")
def raw_demo() -> Emulator:
    """A demo portal to compare the output with its raw rows."""
    return Emulator.demo(limits="off")
