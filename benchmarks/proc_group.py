"""Starting N worker processes (``multiprocessing``, spawn) at one signal and collecting what each reports."""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Group", "run_group"]


@dataclass
class Group:
    """What a group of workers did: their reports by index, the crashed ones, the wall time of the work."""

    reports: dict[int, dict[str, Any]] = field(default_factory=dict)
    crashed: dict[int, str] = field(default_factory=dict)
    wall: float = 0.0

    def errors(self, count: int) -> list[int]:
        """Errors per worker, in index order (a crashed worker counts one)."""
        return [
            1 if i in self.crashed else len(self.reports.get(i, {}).get("errors", [])) for i in range(count)
        ]

    def messages(self) -> list[str]:
        """Every error text, with its worker."""
        texts = [f"w{i}: {text}" for i, text in sorted(self.crashed.items())]
        for i, report in sorted(self.reports.items()):
            texts.extend(f"w{i}: {text}" for text in report.get("errors", []))
        return texts


def run_group(
    target: Callable[..., None],
    specs: list[dict[str, Any]],
    *,
    timeout: float,
    started: Callable[[dict[int, Any]], None] | None = None,
) -> Group:
    """Run ``target(spec, start_event, queue)`` in one spawned process per spec, all released at once.

    The clock starts when every worker is ready (imports and client set-up are not the work) and stops at
    the last ``done``. A worker past ``timeout`` seconds is killed and counted as crashed. ``started`` is
    called with ``{index: Process}`` once the work has begun (the offline benchmark kills one of them).
    """
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    out = context.Queue()
    processes = {spec["index"]: context.Process(target=target, args=(spec, start, out)) for spec in specs}
    for process in processes.values():
        process.start()
    group = Group()
    ready: set[int] = set()
    deadline = time.monotonic() + 180
    while len(ready | set(group.reports) | set(group.crashed)) < len(processes):
        _receive(out, ready, group)
        _reap(processes, ready, group, out)
        if time.monotonic() > deadline:
            for index in set(processes) - ready:
                group.crashed[index] = "did not start in time"
            break
    began = time.perf_counter()
    start.set()
    if started is not None:
        started(processes)
    deadline = time.monotonic() + timeout
    finished = began
    while len(group.reports) + len(group.crashed) < len(processes):
        if _receive(out, ready, group):
            finished = time.perf_counter()
        _reap(processes, ready, group, out)
        if time.monotonic() > deadline:
            for index, process in processes.items():
                if index not in group.reports and index not in group.crashed:
                    process.kill()
                    group.crashed[index] = f"killed after {timeout:g} s"
            finished = time.perf_counter()
            break
    group.wall = finished - began
    for process in processes.values():
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
    out.close()
    return group


def _receive(out: Any, ready: set[int], group: Group) -> bool:
    """Take one message (waiting up to 0.1 s); whether it was a ``done``."""
    try:
        message = out.get(timeout=0.1)
    except queue.Empty:
        return False
    if message[0] == "ready":
        ready.add(message[1])
        return False
    group.reports[message[1]] = message[2]
    return True


def _reap(processes: dict[int, Any], ready: set[int], group: Group, out: Any) -> None:
    """Workers that exited without a ``done`` (after draining what they sent) crashed."""
    for index, process in processes.items():
        if process.exitcode is None or index in group.reports or index in group.crashed:
            continue
        while _receive(out, ready, group) or not out.empty():
            pass
        if index not in group.reports:
            group.crashed[index] = f"exit code {process.exitcode}"
