"""Running one (task, library) case: a fresh served emulator, the library in a worker process, checks.

The emulator serves in this process (its list calls use an id index, as a portal's would); the library runs in
a child process, so neither competes with the other for the GIL and a run past the task's time limit is
killed and recorded as ``timeout``. Requests, 503/429 and modelled server seconds come from the
emulator's statistics; duplicates and missing rows from comparing what came back (for writes: what
the portal holds) with what was expected.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bitrix24_toolkit.testing.emulator import Emulator

from .report import Result
from .tasks import Task, cost_model, deal_fields, lead_title, pick_ids

__all__ = ["ROOT", "portal", "run_case"]

ROOT = Path(__file__).resolve().parent.parent
_templates: dict[int, dict[str, Any]] = {}


def portal(task: Task, *, cost: bool) -> Emulator:
    """A fresh portal for a task: standard bucket, 480 s operating budget, ``task.deals`` deals, costs."""
    emu = Emulator(limits="standard", operating_limit=480.0)
    if task.deals:
        if task.deals not in _templates:
            builder = Emulator(limits="off", operating_limit=None)
            for number in range(1, task.deals + 1):
                builder.call("crm.deal.add", {"fields": deal_fields(number)})
            _templates[task.deals] = builder.dump()
        emu.restore(_templates[task.deals])  # rows are shared, and no task writes to deals
    emu.cost = cost_model(task) if cost else None
    emu.reset_stats()
    return emu


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


def _parse_case(task: Task, peer: str) -> list[Result]:
    if peer != "ours":
        reason = "returns decoded JSON dicts (no models): its parse cost is the json.loads row"
        return [Result(task.key, peer, "n/a", note=reason)]
    answer = _spawn({"task": task.__dict__, "peer": peer}, task.timeout)
    ours = Result(task.key, "ours", _status(answer), wall=answer.get("wall"), note=answer.get("note", ""))
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
    return [ours, path, raw]


def run_case(task: Task, peer: str, *, cost: bool = True) -> list[Result]:
    """Run one library on one task against a fresh portal; one result (two for the parse task)."""
    if not task.network:
        return _parse_case(task, peer)
    emu = portal(task, cost=cost)
    ids = pick_ids(task) if task.key in ("c", "d") else []
    spec = {"task": task.__dict__, "peer": peer, "secret": emu.secret, "ids": ids}
    with emu.serve() as url:
        answer = _spawn({**spec, "url": url}, task.timeout)
        stats = emu.stats
    result = Result(
        task.key,
        peer,
        _status(answer),
        wall=answer.get("wall"),
        requests=stats.requests,
        status_503=stats.rejected_rate,
        status_429=stats.rejected_operating,
        server_time=stats.server_time,
        note=answer.get("error") or answer.get("na") or answer.get("note", ""),
    )
    if task.key == "b":  # what the portal holds is the truth for writes
        titles = [str(row.get("TITLE")) for row in emu.state.table("lead").values()]
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
