"""The benchmark harness runs end to end at a tiny scale (no cost model, only bitrix24-toolkit).

By default against the independent fake portal, started in its own process for every case; ``--server
emulator`` keeps the project's emulator for comparison.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import run as bench
from benchmarks.report import COLUMNS, Result, check_targets
from benchmarks.tasks import TASKS


def test_tiny_run_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench.main(["--scale", "0.01", "--no-cost", "--peers", "ours", "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    header = next(line for line in printed.splitlines() if line.startswith("task "))
    assert all(column in header for column in COLUMNS)

    [markdown] = tmp_path.glob("*.md")
    data = json.loads(markdown.with_suffix(".json").read_text(encoding="utf-8"))
    rows = {(r["task"], r["peer"]): r for r in data["results"]}
    parse_rows = {"raw", "ours raw=True", "ours list_all() e2e", "ours list_all(raw=True) e2e"}
    stream_rows = {"ours iter_all()", "ours iter_all(raw=True)", "ours list_all()"}
    assert set(rows) == (
        {(key, "ours") for key in TASKS if key != "g"}
        | {("f", peer) for peer in parse_rows}
        | {("g", peer) for peer in stream_rows}
    )
    for (key, peer), row in rows.items():
        if peer in parse_rows:
            continue
        assert row["status"] == "ok", row
        assert (row["duplicates"], row["missing"]) == (0, 0)
        assert row["peak_rss_mb"] > 10  # the worker measured itself
        if TASKS[key].network:
            assert row["requests"] >= 1
            assert row["status_503"] == 0
            assert row["max_in_flight"] >= 1  # the fake portal counts what it serves at once
    assert rows[("g", "ours list_all()")]["rss_growth_mb"] is not None
    assert rows[("a", "ours")]["rows"] == 200  # 20,000 deals at scale 0.01
    assert rows[("b", "ours")]["rows"] == 20  # leads the portal holds afterwards
    assert "| task | library | status |" in markdown.read_text(encoding="utf-8")
    assert {t["task"] for t in data["targets"]} == set(TASKS)
    assert data["meta"]["server"].startswith("independent fake portal")


def test_the_emulator_server_is_kept_for_comparison(tmp_path: Path) -> None:
    argv = ["--scale", "0.01", "--no-cost", "--peers", "ours", "--tasks", "a,b", "--server", "emulator"]
    assert bench.main([*argv, "--out", str(tmp_path)]) == 0
    [markdown] = tmp_path.glob("*-emulator.md")
    data = json.loads(markdown.with_suffix(".json").read_text(encoding="utf-8"))
    rows = {(r["task"], r["peer"]): r for r in data["results"]}
    assert rows[("a", "ours")]["rows"] == 200
    assert rows[("b", "ours")]["rows"] == 20
    assert rows[("a", "ours")]["max_in_flight"] is None  # the emulator does not count it
    assert data["meta"]["server"].startswith("our emulator")


def test_targets_compare_with_the_peers() -> None:
    results = [
        Result("a", "ours", "ok", wall=1.0, requests=10, status_503=0, status_429=0),
        Result("a", "fast", "ok", wall=2.0, requests=12, status_503=0, status_429=0),
        Result("e", "ours", "timeout", wall=30.0, requests=900, status_503=0, status_429=0),
        Result("e", "b24pysdk", "ok", wall=33.0, requests=41, status_503=0, status_429=0, server_time=33.0),
    ]
    verdicts = {(t.task, t.text): t.met for t in check_targets(results)}
    assert verdicts[("a", "wall <= 0.8x fast")] is True
    assert verdicts[("a", "requests within the burst (50)")] is True
    assert verdicts[("e", "completes, no 429")] is False
    assert verdicts[("e", "wall <= 0.3x b24pysdk")] is False
