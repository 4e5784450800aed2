"""Running one (task, library) case: a fresh server, the library in a worker process, checks.

The server is, by default, the independent fake portal (:mod:`benchmarks.fake_portal`) in its own
process, started fresh for every case; ``server="emulator"`` serves this project's emulator in this
process instead (for comparison). The library runs in a child process, so neither competes with the other
for the GIL, and a run past the task's time limit is killed and recorded as ``timeout``. Requests,
503/429, max requests in flight, rows and modelled server seconds come from the server's statistics;
duplicates and missing rows from comparing what came back (for writes: what the portal holds) with what
was expected; peak RSS from the worker itself.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fake_process import FakePortalProcess
from .report import Result
from .streaming import MODES
from .tasks import Task, cost_model, deal_fields, fake_args, lead_title, pick_ids

__all__ = ["ROOT", "SERVERS", "Served", "portal", "run_case", "served"]

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("fake", "emulator")
_templates: dict[int, dict[str, Any]] = {}


@dataclass
class Served:
    """A running server for one case: its webhook URL and secret, its statistics, the leads it holds."""

    url: str
    secret: str
    stats: Callable[[], dict[str, Any]]
    titles: Callable[[], list[str]]


def portal(task: Task, *, cost: bool) -> Any:
    """A fresh emulator portal for a task: standard bucket, 480 s operating budget, ``task.deals`` deals."""
    from bitrix24_toolkit.testing.emulator import Emulator

    network = task.network
    emu = Emulator(limits="standard" if network else "off", operating_limit=480.0 if network else None)
    if task.deals:
        if task.deals not in _templates:
            builder = Emulator(limits="off", operating_limit=None)
            for number in range(1, task.deals + 1):
                builder.call("crm.deal.add", {"fields": deal_fields(number)})
            _templates[task.deals] = builder.dump()
        emu.restore(_templates[task.deals])  # rows are shared, and no task writes to deals
    emu.cost = cost_model(task) if cost and network else None
    emu.reset_stats()
    return emu


def _emulator_stats(emu: Any) -> dict[str, Any]:
    stats = emu.stats
    return {
        "requests": stats.requests,
        "status_503": stats.rejected_rate,
        "status_429": stats.rejected_operating,
        "server_time": stats.server_time,
        "max_in_flight": None,
    }


def _fake_stats(process: FakePortalProcess) -> dict[str, Any]:
    stats = process.stats()
    return {**stats, "status_429": stats["status_429"] + stats["commands_429"]}


@contextlib.contextmanager
def served(task: Task, *, cost: bool, server: str = "fake") -> Iterator[Served]:
    """A fresh server for ``task``: the fake portal process (default) or the emulator served here."""
    if server == "fake":
        with FakePortalProcess(*fake_args(task, cost=cost)) as process:

            def titles() -> list[str]:
                return [str(title) for _, title in process.leads()]

            yield Served(process.url, process.secret, lambda: _fake_stats(process), titles)
        return
    if server != "emulator":
        raise ValueError(f"unknown server {server!r}; choose from {', '.join(SERVERS)}")
    emu = portal(task, cost=cost)
    with emu.serve() as url:
        yield Served(
            url,
            emu.secret,
            lambda: _emulator_stats(emu),
            lambda: [str(row.get("TITLE")) for row in emu.state.table("lead").values()],
        )


def _spawn(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run the worker on ``spec``; its answer, ``{"timeout": True}`` or ``{"error": ...}``."""
    with tempfile.TemporaryDirectory(prefix="b24bench-") as tmp:
        spec_path, answer_path = Path(tmp, "spec.json"), Path(tmp, "answer.json")
        spec_path.write_text(json.dumps({**spec, "answer": str(answer_path)}), encoding="utf-8")
        command = [sys.executable, "-m", "benchmarks.worker", str(spec_path)]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:  # subprocess.run has killed the worker
            return {"timeout": True, "wall": timeout}
        if not answer_path.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            return {"error": f"worker died: {tail[0][:300]}"}
        answer: dict[str, Any] = json.loads(answer_path.read_text(encoding="utf-8"))
        return answer


def _status(answer: dict[str, Any]) -> str:
    if answer.get("timeout"):
        return "timeout"
    if "na" in answer:
        return "n/a"
    if "error" in answer:
        return "error"
    return "ok"


def _compare(result: Result, got: list[int], expected: set[int]) -> None:
    result.rows = len(got)
    result.duplicates = len(got) - len(set(got))
    result.missing = len(expected - set(got))
    extra = len(set(got) - expected)
    if extra:
        result.note = f"{result.note}; {extra} unexpected".lstrip("; ")
    if result.status == "ok" and (result.duplicates or result.missing or extra):
        result.status = "wrong"


def _parse_case(task: Task, *, server: str) -> list[Result]:
    with served(task, cost=False, server=server) as srv:
        answer = _spawn({"task": task.__dict__, "peer": "ours", "url": srv.url}, task.timeout)
    ours = Result(task.key, "ours", _status(answer), wall=answer.get("wall"), note=answer.get("note", ""))
    ours.peak_rss_mb = answer.get("peak_rss_mb")
    if ours.status != "ok":
        ours.note = answer.get("error", ours.note)
        return [ours]
    _compare(ours, answer["ids"], set(range(1, task.size + 1)))
    raw = Result(
        task.key, "raw", "ok", wall=answer["raw_wall"], rows=task.size, note="json.loads of each page"
    )
    if answer.get("raw_path_wall") is None:
        path = Result(task.key, "ours raw=True", "n/a", note="no raw= parameter on list_all")
    else:
        ratio = answer["raw_path_wall"] / answer["raw_wall"]
        note = f"list_all(raw=True) path: {ratio:.2f}x raw decode"
        path = Result(
            task.key, "ours raw=True", "ok", wall=answer["raw_path_wall"], rows=task.size, note=note
        )
    typed_e2e, raw_e2e = answer["e2e_typed_wall"], answer["e2e_raw_wall"]
    rows = answer.get("e2e_rows")
    end = [
        Result(
            task.key,
            "ours list_all() e2e",
            "ok",
            wall=typed_e2e,
            rows=rows,
            note=f"{typed_e2e / raw_e2e:.2f}x raw=True; no cost model",
        ),
        Result(task.key, "ours list_all(raw=True) e2e", "ok", wall=raw_e2e, rows=rows, note="no cost model"),
    ]
    return [ours, path, raw, *end]


def _stream_case(task: Task, *, cost: bool, server: str) -> list[Result]:
    results = []
    for mode, label in MODES.items():
        with served(task, cost=cost, server=server) as srv:
            spec = {"task": task.__dict__, "peer": "ours", "mode": mode, "url": srv.url}
            answer = _spawn(spec, task.timeout)
            stats = srv.stats()
        result = _result(task, label, answer, stats)
        if result.peak_rss_mb is not None and answer.get("rss_before_mb") is not None:
            result.rss_growth_mb = result.peak_rss_mb - answer["rss_before_mb"]
        if "ids" in answer:
            _compare(result, answer["ids"], set(range(1, task.deals + 1)))
        results.append(result)
    return results


def _result(task: Task, peer: str, answer: dict[str, Any], stats: dict[str, Any]) -> Result:
    return Result(
        task.key,
        peer,
        _status(answer),
        wall=answer.get("wall"),
        requests=stats.get("requests"),
        status_503=stats.get("status_503"),
        status_429=stats.get("status_429"),
        server_time=stats.get("server_time"),
        max_in_flight=stats.get("max_in_flight"),
        peak_rss_mb=answer.get("peak_rss_mb"),
        note=answer.get("error") or answer.get("na") or answer.get("note", ""),
    )


def run_case(task: Task, peer: str, *, cost: bool = True, server: str = "fake") -> list[Result]:
    """Run one library on one task against a fresh server; one result (several for tasks f and g)."""
    if task.key == "f":
        return _parse_case(task, server=server)
    if task.key == "g":
        return _stream_case(task, cost=cost, server=server)
    ids = pick_ids(task) if task.key in ("c", "d") else []
    with served(task, cost=cost, server=server) as srv:
        spec = {"task": task.__dict__, "peer": peer, "secret": srv.secret, "ids": ids, "url": srv.url}
        answer = _spawn(spec, task.timeout)
        stats = srv.stats()
        titles = srv.titles() if task.key == "b" else []
    result = _result(task, peer, answer, stats)
    if task.key == "b":  # what the portal holds is the truth for writes
        wanted = {lead_title(i) for i in range(task.size)}
        result.rows = len(titles)
        result.duplicates = len(titles) - len(set(titles))
        result.missing = len(wanted - set(titles))
        if result.status == "ok" and (result.duplicates or result.missing):
            result.status = "wrong"
    elif "ids" in answer:
        expected = set(ids) if ids else set(range(1, task.deals + 1))
        _compare(result, answer["ids"], expected)
    return [result]
