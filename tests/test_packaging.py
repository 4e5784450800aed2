"""The package as an index and a new user see it: metadata, extras, the README's commands, a lean import.

Offline and fast: ``pyproject.toml``, ``README.md``, ``LICENSE`` and ``.ci/run`` are read as text; the lean
import runs in a subprocess whose import system refuses every optional extra's packages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parents[1]
PYPROJECT: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT: dict[str, Any] = PYPROJECT["project"]
EXTRAS: dict[str, list[str]] = PROJECT["optional-dependencies"]
README = (REPO / "README.md").read_text(encoding="utf-8")
NAME = PROJECT["name"]
#: the extras a library user may add to the runtime dependencies (the rest are for developers)
USER_EXTRAS = ("cli", "leads", "pandas", "plot")


def requirement_name(requirement: str) -> str:
    """The normalised distribution name of a requirement string (``"Typer>=0.12"`` -> ``"typer"``)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"not a requirement: {requirement!r}"
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def expand(extra: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The distribution names an extra installs, following ``bitrix24-toolkit[other,...]`` references."""
    assert extra in EXTRAS, f"extra {extra!r} is referenced but not defined"
    assert extra not in seen, f"extra {extra!r} refers to itself"
    names: set[str] = set()
    for requirement in EXTRAS[extra]:
        if requirement_name(requirement) == NAME:
            inner = re.search(r"\[([^\]]*)\]", requirement)
            assert inner, f"{requirement!r} names no extra"
            for other in inner.group(1).split(","):
                names |= expand(other.strip(), seen | {extra})
        else:
            names.add(requirement_name(requirement))
    return names


def fenced_blocks(text: str, language: str) -> list[list[str]]:
    """The lines of each fenced code block of one language."""
    return [block.splitlines() for block in re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)]


def readme_commands() -> list[str]:
    """The commands of the README's first shell block (comments cut off)."""
    blocks = fenced_blocks(README, "bash")
    assert blocks, "the README starts with a shell block of commands"
    commands = [line.split("  #", 1)[0].strip() for line in blocks[0]]
    return [command for command in commands if command]


def ci_commands() -> list[str]:
    """The lines of ``.ci/run`` (no comments); ``readme 'COMMAND'`` (run as written, in a shell of its own)
    stands as ``COMMAND``."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    return [re.sub(r"^readme '(.*)'$", r"\1", command) for command in commands]


# ------------------------------------------------------------------------------------------------ metadata


def test_license_is_an_spdx_expression_with_its_file() -> None:
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 bitrix24-toolkit developers" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    # setuptools deprecates license classifiers next to an SPDX expression
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]
    # PEP 639 (license expressions, license-files) needs setuptools 77
    requires = PYPROJECT["build-system"]["requires"]
    setuptools = [r for r in requires if requirement_name(r) == "setuptools"]
    assert setuptools, requires
    minimum = re.search(r">=\s*(\d+)", setuptools[0])
    assert minimum, setuptools
    assert int(minimum.group(1)) >= 77, setuptools


def test_the_package_ships_its_type_marker_and_only_itself() -> None:
    assert (REPO / "bitrix24_toolkit" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["bitrix24_toolkit"]
    # tests, tools and benchmarks stay out of the wheel
    assert PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"] == ["bitrix24_toolkit*"]


def test_project_urls_are_absolute() -> None:
    urls = PROJECT["urls"]
    assert set(urls) >= {"Documentation", "Source", "Issues"}
    for url in urls.values():
        assert url.startswith("https://"), url


def test_runtime_dependencies_are_what_a_library_user_needs() -> None:
    runtime = {requirement_name(r) for r in PROJECT["dependencies"]}
    assert runtime == {"httpx", "anyio", "pydantic", "tenacity", "python-dotenv", "tqdm"}
    for extra in USER_EXTRAS:
        assert not expand(extra) & runtime, f"the {extra} extra repeats a runtime dependency"
    assert expand("cli") == {"typer", "rich"}
    assert expand("leads") == {"phonenumbers", "email-validator", "charset-normalizer"}


def test_extras_are_present_and_dev_holds_everything_ci_runs() -> None:
    assert set(EXTRAS) >= {"cli", "leads", "pandas", "plot", "docs", "test", "bench", "dev"}
    assert {"mkdocs", "mkdocs-material"} <= expand("docs")
    # the tests of the CLI, lead import, DataFrames and charts need their extras (nothing skips them)
    for extra in USER_EXTRAS:
        assert expand(extra) <= expand("test"), extra
    assert {"pytest", "pytest-asyncio", "respx", "hypothesis"} <= expand("test")
    dev = expand("dev")
    for extra in EXTRAS:
        assert expand(extra) <= dev, f"dev lacks what the {extra} extra installs: {expand(extra) - dev}"
    # what .ci/run calls after installing the dev extra
    assert {"ruff", "mypy", "import-linter", "nbclient", "ipykernel"} <= dev


# ------------------------------------------------------------------------------------------------ README


def test_the_readmes_commands_are_what_ci_runs() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    first, second = commands
    # the first command makes a fresh environment, installs only the main job's needs and runs it
    assert first == 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[cli]" && b24 demo'
    assert second.startswith(". .venv/bin/activate && "), second
    assert second.endswith("&& python -m pytest"), second
    for command in commands:
        extras = re.search(r'"\.\[([^\]]*)\]"', command)
        assert extras, f"{command!r} names its extras"
        for extra in extras.group(1).split(","):
            assert extra in EXTRAS, f"{command!r} names an undefined extra {extra!r}"
    ci = ci_commands()
    for command in commands:
        assert command in ci, f".ci/run does not run the README's command {command!r}"
    at_first, at_second = ci.index(first), ci.index(second)
    assert at_first < at_second
    # nothing is installed before the first command (a clean clone has no .venv)
    assert not any(line.startswith(("pip ", "python3 -m venv", ". ")) for line in ci[:at_first])
    # the tests, docs, lint and types run with the second command's environment
    assert ci.index('echo "== lint and types"') > at_second


def test_readme_links_work_outside_the_repository() -> None:
    source = PROJECT["urls"]["Source"].rstrip("/")
    inline = re.findall(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)", README)
    references = re.findall(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)", README, flags=re.MULTILINE)
    html = re.findall(r"""(?:href|src)\s*=\s*["']([^"']+)""", README)
    links = inline + references + html
    assert len(links) >= 10, "the README links its docs pages"
    relative = [link for link in links if not re.match(r"https?://", link)]
    assert relative == [], f"relative links break on the package index: {relative}"
    for link in links:
        if link.startswith(source + "/blob/"):
            path = link.removeprefix(source + "/blob/main/")
            assert (REPO / path).is_file(), f"{link} points at no file of this repository"
    used = {match for match in re.findall(r"\]\[([^\]]+)\]", README)}
    defined = set(re.findall(r"^\s{0,3}\[([^\]]+)\]:", README, flags=re.MULTILINE))
    assert used <= defined, f"reference links without a target: {used - defined}"


# ------------------------------------------------------------------------------------------------ lean import


def optional_modules() -> list[str]:
    """Top-level modules of every distribution the user extras add (typer, rich, phonenumbers, pandas...)."""
    by_dist: dict[str, set[str]] = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            by_dist.setdefault(requirement_name(dist), set()).add(module)
    wanted = set().union(*(expand(extra) for extra in USER_EXTRAS))
    modules = {module for dist in wanted for module in by_dist.get(dist, set())}
    # named too, so the check holds where an extra is not installed at all
    modules |= {"typer", "rich", "phonenumbers", "email_validator", "charset_normalizer", "pandas"}
    modules |= {"matplotlib"}
    return sorted(module for module in modules if not module.startswith("_"))


LEAN_SCRIPT = r"""
import importlib.abc, json, sys

FORBIDDEN = set(json.loads(sys.argv[1]))
attempts = []


def importer():
    # the file whose import statement is being run: the first frame outside the import system
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
        frame = frame.f_back
    return frame.f_code.co_filename if frame is not None else "?"


class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in FORBIDDEN:
            attempts.append([name, importer()])
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


assert not FORBIDDEN & set(sys.modules), FORBIDDEN & set(sys.modules)
sys.meta_path.insert(0, Refuse())

import bitrix24_toolkit
import bitrix24_toolkit.events
import bitrix24_toolkit.helpers
from bitrix24_toolkit.helpers import import_leads
from bitrix24_toolkit.helpers.lead_import import normalize_phone
from bitrix24_toolkit.testing import Emulator

emu = Emulator.demo()
with emu.client() as b24:
    deals = b24.crm.deal.list_all()
    before = emu.stats.requests
    errors = []
    for attempt in (lambda: normalize_phone("8 (999) 123-45-67"),
                    lambda: import_leads(b24, [{"TITLE": "x", "PHONE": "8 (999) 123-45-67"}])):
        try:
            attempt()
        except ImportError as exc:
            errors.append(str(exc))
    after = emu.stats.requests
print(json.dumps({"deals": len(deals), "errors": errors, "sent": after - before, "attempts": attempts,
                  "loaded": sorted(FORBIDDEN & {m.partition(".")[0] for m in sys.modules})}))
"""


def test_the_core_imports_and_runs_with_the_runtime_dependencies_alone() -> None:
    forbidden = optional_modules()
    assert {"typer", "rich", "phonenumbers", "pandas"} <= set(forbidden)
    done = subprocess.run(
        [sys.executable, "-c", LEAN_SCRIPT, json.dumps(forbidden)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["deals"] == 163
    assert outcome["loaded"] == []
    # lead import without its extra: a clear error naming the extra, before any request is sent
    assert len(outcome["errors"]) == 2, outcome
    for message in outcome["errors"]:
        assert 'pip install "bitrix24-toolkit[leads]"' in message
    assert "phonenumbers" in outcome["errors"][0]
    assert outcome["sent"] == 0
    # the package's only attempts to import an optional package were the lead import's, refused above
    # (httpx itself tries rich for its own command line, and gets on without it)
    package = REPO / "bitrix24_toolkit"
    ours = {name.partition(".")[0] for name, at in outcome["attempts"] if Path(at).is_relative_to(package)}
    assert ours, outcome["attempts"]
    assert ours <= {"phonenumbers", "email_validator", "charset_normalizer"}, outcome["attempts"]


@pytest.mark.parametrize("module", ["phonenumbers", "email_validator", "charset_normalizer"])
def test_a_missing_lead_package_is_an_import_error_naming_the_extra(module: str) -> None:
    from bitrix24_toolkit.helpers.lead_import._extra import leads_extra

    with pytest.raises(ImportError, match=r"bitrix24-toolkit\[leads\]") as caught:
        with leads_extra():
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)
    assert caught.value.name == module
    # any other missing module passes through unchanged
    with pytest.raises(ModuleNotFoundError, match="No module named 'dns'"), leads_extra():
        raise ModuleNotFoundError("No module named 'dns'", name="dns")
