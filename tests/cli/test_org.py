"""``b24 org sync`` and ``b24 org tree`` against the emulator's HTTP server (BITRIX24_WEBHOOK_URL set)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitrix24_toolkit.testing import Emulator

from .conftest import Invoke, assert_clean_failure

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
WRITES = ("department.add", "department.update", "user.add", "user.update")


@pytest.fixture
def portal() -> Iterator[tuple[Emulator, dict[str, str]]]:
    emu = Emulator(limits=None)
    with emu.serve() as url:
        yield emu, {"BITRIX24_WEBHOOK_URL": url}


def _writes(emu: Emulator) -> int:
    return sum(emu.stats.calls.get(name, 0) for name in WRITES)


def test_sync_then_again_then_the_tree(
    b24: Invoke, portal: tuple[Emulator, dict[str, str]], tmp_path: Path
) -> None:
    emu, env = portal
    args = ["org", "sync", str(DATA / "org_departments.csv"), "--employees", str(DATA / "org_employees.csv")]
    planned = b24(*args, "--mapping", "zup", "--dry-run", env=env)
    assert planned.code == 0, planned.text
    assert _writes(emu) == 0
    assert "dry run, nothing written: departments: 8 create; employees: 13 invite" in planned.stdout
    assert "Филиал «Казань»" in planned.stdout
    assert "warning: departments row 9: department '00-008' has no head" in planned.stderr

    ids = tmp_path / "ids.json"
    done = b24(*args, "--mapping", "zup", "--ids", str(ids), env=env)
    assert done.code == 0, done.text
    assert "departments: 8 create; employees: 13 invite" in done.stdout
    assert sorted(json.loads(ids.read_text(encoding="utf-8"))) == [f"00-00{i}" for i in range(1, 9)]
    for line in done.stdout.splitlines():
        assert len(line) <= 80, line

    emu.reset_stats()
    again = b24(*args, "--ids", str(ids), env=env)  # the headers are found without --mapping too
    assert again.code == 0, again.text
    assert "nothing to change: the portal matches the source" in again.stdout
    assert _writes(emu) == 0

    tree = b24("org", "tree", env=env)
    assert tree.code == 0, tree.text
    lines = tree.stdout.splitlines()
    kazan = next(line for line in lines if "Филиал «Казань»" in line)
    visa = next(line for line in lines if "Визовый центр" in line)
    assert kazan.startswith("    ")
    assert "Тимур Галиев (1 employee)" in kazan
    assert visa.startswith("      ")
    assert visa.endswith("no head (1 employee)")
    rows = list(csv.DictReader(b24("org", "tree", "--format", "csv", env=env).stdout.splitlines()))
    assert {row["name"]: row["level"] for row in rows}["Отдел продаж туров (Казань)"] == "3"


def test_a_bad_file_is_refused_with_its_rows_and_exit_code_2(
    b24: Invoke, portal: tuple[Emulator, dict[str, str]], tmp_path: Path
) -> None:
    emu, env = portal
    bad = tmp_path / "deps.csv"
    bad.write_text("code;name;parent\nA;Alpha;C\nB;Beta;A\nC;Gamma;B\nD;Delta;X\n", encoding="utf-8")
    run = b24("org", "sync", str(bad), env=env)
    assert_clean_failure(run, 2)
    assert "departments row 2: the parents make a cycle: A -> C -> B -> A" in run.stderr
    assert "departments row 5: parent 'X' is not a department code" in run.stderr
    assert emu.stats.requests == 0


def test_json_output_lists_every_entry(b24: Invoke, portal: tuple[Emulator, dict[str, str]]) -> None:
    _, env = portal
    run = b24(
        "org",
        "sync",
        str(DATA / "org_departments.csv"),
        "--employees",
        str(DATA / "org_employees.csv"),
        "--dry-run",
        "--all",
        "--format",
        "json",
        env=env,
    )
    assert run.code == 0, run.text
    data = json.loads(run.stdout)
    assert data["dry_run"] is True
    assert data["writes"] == 0
    assert len(data["entries"]) == 21
    assert {e["status"] for e in data["entries"]} == {"planned"}
