"""``b24 export TARGET``: on a served emulator (BITRIX24_WEBHOOK_URL set) and on the demo portal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from bitrix24_toolkit.testing import Emulator

from .conftest import Invoke, assert_clean_failure


@pytest.fixture
def portal() -> Iterator[tuple[Emulator, dict[str, str]]]:
    emu = Emulator.demo(limits=None)
    with emu.serve() as url:
        yield emu, {"BITRIX24_WEBHOOK_URL": url}


def _count(path: Path, sql: str) -> int:
    with duckdb.connect(str(path)) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_export_then_a_rerun_after_a_change(
    b24: Invoke, portal: tuple[Emulator, dict[str, str]], tmp_path: Path
) -> None:
    emu, env = portal
    first = b24("export", "duckdb:///crm.duckdb", "--entity", "deal", "--include", "stagehistory", env=env)
    assert first.code == 0, first.text
    assert "Export to duckdb:///crm.duckdb" in first.stdout
    deal_line = next(line for line in first.stdout.splitlines() if line.lstrip("│ ").startswith("deal"))
    assert "full" in deal_line
    assert "163" in deal_line
    assert _count(tmp_path / "crm.duckdb", "SELECT COUNT(*) FROM deal") == 163

    emu.call("crm.deal.update", {"id": 3, "fields": {"TITLE": "Renamed"}})
    emu.call("crm.deal.delete", {"id": 4})
    emu.reset_stats()
    again = b24(
        "export", "duckdb:///crm.duckdb", "-e", "deal", "-i", "stagehistory", "--format", "json", env=env
    )
    assert again.code == 0, again.text
    tables = {t["table"]: t for t in json.loads(again.stdout)["tables"]}
    assert tables["deal"]["mode"] == "incremental"
    assert tables["deal"]["deleted"] == 1
    assert emu.stats.requests <= 5
    assert _count(tmp_path / "crm.duckdb", "SELECT COUNT(*) FROM deal") == 162
    assert _count(tmp_path / "crm.duckdb", "SELECT COUNT(*) FROM deal WHERE title = 'Renamed'") == 1


def test_no_deletions_and_csv(b24: Invoke, portal: tuple[Emulator, dict[str, str]], tmp_path: Path) -> None:
    emu, env = portal
    assert b24("export", "duckdb:///crm.duckdb", "-e", "company", "-i", "statuses", env=env).code == 0
    emu.call("crm.company.delete", {"id": 5})
    run = b24(
        "export",
        "duckdb:///crm.duckdb",
        "-e",
        "company",
        "-i",
        "statuses",
        "--no-deletions",
        "--format",
        "csv",
        env=env,
    )
    assert run.code == 0, run.text
    assert run.stdout.splitlines()[0] == "table,mode,read,written,deleted,added columns,removed fields"
    assert "company,incremental," in run.stdout
    assert "'" not in run.stdout
    assert _count(tmp_path / "crm.duckdb", "SELECT COUNT(*) FROM company") == 39  # kept: no deletion pass


def test_on_the_demo_portal_without_a_configured_one(b24: Invoke, tmp_path: Path) -> None:
    run = b24("export", "duckdb:///demo.duckdb", "-e", "lead", "-i", "users")
    assert run.code == 0, run.text
    assert "demo portal" in run.stderr
    assert _count(tmp_path / "demo.duckdb", "SELECT COUNT(*) FROM lead") == 300
    assert _count(tmp_path / "demo.duckdb", "SELECT COUNT(*) FROM users") == 40


@pytest.mark.parametrize(
    "args",
    [
        ["sqlite:///x.db"],
        ["duckdb:///x.duckdb", "--entity", "deals"],
        ["duckdb:///x.duckdb", "--include", "everything"],
    ],
)
def test_bad_input_fails_cleanly_before_any_request(
    b24: Invoke, portal: tuple[Emulator, dict[str, str]], args: list[str], tmp_path: Path
) -> None:
    emu, env = portal
    emu.reset_stats()
    run = b24("export", *args, env=env)
    assert_clean_failure(run, 2)
    assert emu.stats.requests == 0
    assert not (tmp_path / "x.duckdb").exists()


def test_the_password_of_a_postgresql_target_is_never_printed(
    b24: Invoke, portal: tuple[Emulator, dict[str, str]]
) -> None:
    _, env = portal
    run = b24("export", "postgresql://analyst:Top5ecretPw@127.0.0.1:1/crm", env=env)
    assert run.code != 0
    assert "Top5ecretPw" not in run.text
    assert "analyst:***@127.0.0.1:1" in run.text
