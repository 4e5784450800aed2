"""The several-processes benchmark (issue 19) in its ``--quick`` form, and the claims it measures.

``python benchmarks/processes.py --quick`` runs as its own process, as a user runs it: a real redis-server,
the independent fake portal in its own process (standard plan), 6 worker processes with per-process limiters
and then with ``RedisLimits``, 4 processes on an expired OAuth token, 2 offline consumers (one killed with
SIGKILL in the middle of a batch). The claims are checked from the JSON it writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.fake_process import ROOT


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("processes")
    env = {k: v for k, v in os.environ.items() if k not in ("BITRIX24_WEBHOOK_URL", "REDIS_URL")}
    done = subprocess.run(
        [sys.executable, "benchmarks/processes.py", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [markdown] = out.glob("*-processes-quick.md")
    data: dict[str, Any] = json.loads(markdown.with_suffix(".json").read_text(encoding="utf-8"))
    data["printed"] = done.stdout
    data["markdown"] = markdown.read_text(encoding="utf-8")
    return data


def _row(data: dict[str, Any], limiter: str) -> dict[str, Any]:
    [row] = [r for r in data["runs"] if r["section"] == "check" and r["limiter"] == limiter]
    return row


def test_redis_limits_keep_six_processes_under_the_bucket_with_exact_data(quick: dict[str, Any]) -> None:
    shared = _row(quick, "RedisLimits")
    assert shared["server"] == "fake portal"
    assert shared["processes"] == 6
    # 6 x (7 batches of leads + the read): past the burst, so the portal would refuse some unless paced
    assert shared["requests"] > 50
    assert shared["status_503"] == 0
    assert shared["status_429"] == 0
    assert shared["errors"] == [0] * 6
    assert shared["crashed"] == 0
    assert shared["leads_expected"] == shared["leads_stored"] == 6 * 350  # every title exactly once
    assert shared["leads_duplicated"] == shared["leads_missing"] == shared["leads_unexpected"] == 0
    assert shared["reads_exact"] == shared["reads_expected"] == 6  # row count and id set of the server's
    assert shared["deals"] == 300
    assert shared["exact"] is True


def test_per_process_limiters_are_measured_beside_it(quick: dict[str, Any]) -> None:
    alone = _row(quick, "per-process")
    assert alone["processes"] == 6
    assert alone["leads_expected"] == 6 * 350
    # what the portal saw is reported whatever it was: the requests include every retried 503
    assert alone["requests"] >= alone["status_503"] + 54
    header = next(line for line in quick["printed"].splitlines() if line.startswith("section"))
    for column in ("requests", "503", "errors/worker", "wall s", "leads once", "reads exact"):
        assert column in header
    assert "| check | fake portal | 6 | per-process |" in quick["markdown"]
    assert "| check | fake portal | 6 | RedisLimits |" in quick["markdown"]


def test_one_refresh_for_processes_on_an_expired_token(quick: dict[str, Any]) -> None:
    shared, separate = quick["oauth"]
    assert shared["store"] == "RedisTokenStore"
    assert shared["refreshes"] == 1
    assert shared["token_requests"] == 1
    assert shared["calls_ok"] == shared["processes"] == 4
    assert shared["errors"] == [0] * 4
    # per-process stores: the first refresh revokes the pair the others hold
    assert separate["store"].startswith("per-process")
    assert separate["calls_ok"] < separate["processes"]


def test_offline_consumers_process_each_event_once_and_lose_none_when_one_is_killed(
    quick: dict[str, Any],
) -> None:
    clean, killed = quick["offline"]
    assert clean["events"] == 400
    assert clean["consumers"] == 2
    assert clean["once"] == 400
    assert clean["repeated"] == clean["lost"] == clean["unexpected"] == 0
    assert clean["queue_left"] == {"queued": 0, "reserved": 0, "errors": 0}
    assert killed["killed"] is True
    assert killed["crashed"] == [1]
    assert killed["lost"] == 0
    assert killed["unexpected"] == 0
    # the only events handled twice are those the killed consumer handled and never cleared
    assert 0 < killed["victim_uncleared"] < killed["batch"]
    assert killed["repeated"] == killed["victim_uncleared"]
    assert killed["queue_left"] == {"queued": 0, "reserved": 0, "errors": 0}


def test_results_are_written_beside_the_table(quick: dict[str, Any]) -> None:
    assert quick["meta"]["servers"].startswith("fake portal")
    assert Path(quick["meta"]["redis"]).name.startswith("redis-server")
    assert "## Expired OAuth token" in quick["markdown"]
    assert "## Offline events" in quick["markdown"]
