"""The export benchmark (issue 21, item 5) in its ``--quick`` form, and the claims it measures.

``python benchmarks/export.py --quick`` runs as its own process, as a user runs it: the emulator's HTTP server
in its own process at the standard plan with 3,000 seeded deals (and their stage history), each export in
its own process into DuckDB (and a real local PostgreSQL server when its binaries are installed), the peer
fast-bitrix24, an export killed with SIGKILL and resumed, 100 changes and 10 deletions through REST and the
reruns. The claims are checked from the JSON it writes, and the JSON's checks were made against the server's
store, not against what the export reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from benchmarks.export_server import ROOT
from bitrix24_toolkit.testing.postgres_server import postgres_binaries

DEALS = 3_000


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("export")
    env = {k: v for k, v in os.environ.items() if k not in ("BITRIX24_WEBHOOK_URL", "POSTGRES_URL")}
    done = subprocess.run(
        [sys.executable, "benchmarks/export.py", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [markdown] = out.glob("*-export-quick.md")
    data: dict[str, Any] = json.loads(markdown.with_suffix(".json").read_text(encoding="utf-8"))
    data["printed"] = done.stdout
    data["markdown"] = markdown.read_text(encoding="utf-8")
    return data


def _runs(data: dict[str, Any], scenario: str) -> dict[str, dict[str, Any]]:
    """The runs of one scenario by target (each target runs each scenario once)."""
    found = [r for r in data["runs"] if r["scenario"] == scenario]
    by_target = {r["target"]: r for r in found}
    assert len(by_target) == len(found)
    return by_target


def _targets() -> set[str]:
    return {"duckdb", "postgresql"} if postgres_binaries() is not None else {"duckdb"}


def test_first_export_holds_every_deal_and_history_row_of_the_server(quick: dict[str, Any]) -> None:
    firsts = _runs(quick, "first export")
    assert set(firsts) == _targets()
    for row in firsts.values():
        check = row["check"]
        assert row["status"] == "ok"
        assert check["deals_server"] == DEALS
        assert check["history_server"] >= 2 * DEALS  # 2-4 rows per deal
        assert (check["missing"], check["extra"], check["duplicated"], check["differing"]) == (0, 0, 0, 0)
        assert (check["history_missing"], check["history_extra"], check["history_duplicated"]) == (0, 0, 0)
        assert row["rows_read"] == DEALS + check["history_server"]
        assert row["tables"]["deal"]["mode"] == "full"
        assert row["status_503"] == 0  # paced under the bucket
        # 50 rows per command, 50 commands per request: the rows need at least this many requests
        assert row["requests"] >= row["rows_read"] // 2_500
        assert row["rows_per_s"] > 0
        assert row["vs_ceiling"] == round(row["rows_per_s"] / 5_000, 2)
        assert row["peak_rss_mb"] > row["rss_before_mb"] > 10  # the exporting process measured itself


def test_a_killed_export_resumes_without_reading_a_committed_row_again(quick: dict[str, Any]) -> None:
    [killed] = [r for r in quick["runs"] if r["status"] == "killed"]
    [rerun] = [r for r in quick["runs"] if r["scenario"] == "rerun after the kill"]
    left = killed["left"]
    assert "error" not in left, left
    total = rerun["check"]["deals_server"] + rerun["check"]["history_server"]
    assert 0 < left["deals"] + left["history"] < total  # killed in the middle, after some pages committed
    assert any(phase == "full" for _, phase, _, _ in left["sync"])  # the pass was left unfinished
    assert rerun["status"] == "ok"
    assert rerun["tables"]["deal"]["mode"] == "resumed"
    assert rerun["rows_read"] == total - left["deals"] - left["history"]  # nothing committed is re-read
    assert rerun["exact"] is True
    assert rerun["check"]["duplicated"] == rerun["check"]["history_duplicated"] == 0
    assert rerun["both_requests"] == killed["requests"] + rerun["requests"]


def test_rerun_after_changes_reads_few_and_matches_the_server(quick: dict[str, Any]) -> None:
    changes = quick["changes"]
    assert (changes["updated_ok"], changes["deleted_ok"]) == (100, 10)
    reruns = _runs(quick, "rerun after 100 changes, 10 deletions")
    assert set(reruns) == _targets()
    for row in reruns.values():
        check = row["check"]
        assert row["status"] == "ok"
        assert row["tables"]["deal"]["mode"] == "incremental"
        assert row["tables"]["deal"]["deleted"] == 10
        assert check["deals_server"] == check["deals_db"] == DEALS - 10
        assert check["changed_checked"] == check["changed_equal"] == 100
        assert row["exact"] is True
        assert row["requests"] <= 8  # a handful, not the 2,500-row pages of a full read
        assert row["rows_read"] < DEALS // 10


def test_the_peer_reads_the_same_deals_into_memory(quick: dict[str, Any]) -> None:
    [peer] = [r for r in quick["runs"] if r["target"] == "none"]
    assert peer["scenario"].startswith("fast-bitrix24 get_all")
    assert peer["status"] == "ok", peer
    assert peer["check"] == {"deals_server": DEALS, "rows": DEALS, "unique": DEALS}
    assert peer["requests"] >= 1


def test_the_table_is_printed_and_written(quick: dict[str, Any]) -> None:
    header = next(line for line in quick["printed"].splitlines() if line.startswith("scenario"))
    for column in ("requests", "503", "wall s", "rows/s", "vs 5,000/s", "peak RSS MB", "exact"):
        assert column in header
    assert "| scenario | target | requests |" in quick["markdown"]
    assert "writes no database" in quick["markdown"]
    assert quick["meta"]["plan"].startswith("standard (burst 50, 2 requests/s")
    assert quick["meta"]["deals"] == DEALS
