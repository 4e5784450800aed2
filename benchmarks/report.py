"""Benchmark results: one row per (task, library), our ratios to the peers, the issue's targets, output."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["COLUMNS", "Result", "Target", "check_targets", "markdown", "ratios", "text_table", "write"]

COLUMNS = (
    "task",
    "library",
    "status",
    "wall s",
    "HTTP requests",
    "503/429",
    "rows",
    "dup/missing",
    "modelled server s",
    "max in flight",
    "peak RSS MB",
    "our ratio",
    "note",
)


@dataclass
class Result:
    """What one library did on one task (``None``: not measured)."""

    task: str
    peer: str
    status: str  # ok | wrong | error | timeout | n/a
    wall: float | None = None
    requests: int | None = None
    status_503: int | None = None
    status_429: int | None = None
    rows: int | None = None
    duplicates: int | None = None
    missing: int | None = None
    server_time: float | None = None
    #: most requests the server was handling at once
    max_in_flight: int | None = None
    #: the worker process's peak resident set, and (task g) its growth during the task
    peak_rss_mb: float | None = None
    rss_growth_mb: float | None = None
    note: str = ""


@dataclass
class Target:
    """One target of the issue and whether this run met it (``None``: could not be judged)."""

    task: str
    text: str
    met: bool | None
    detail: str


def _find(results: list[Result], task: str, peer: str) -> Result | None:
    return next((r for r in results if r.task == task and r.peer == peer), None)


def ratios(results: list[Result], task: str) -> dict[str, float]:
    """Our wall time divided by each other library's (those that completed the task)."""
    ours = _find(results, task, "ours")
    if ours is None or ours.wall is None or ours.status not in ("ok", "wrong"):
        return {}
    out = {}
    for other in results:
        if other.task == task and not other.peer.startswith("ours") and other.status == "ok" and other.wall:
            out[other.peer] = ours.wall / other.wall
    return out


def _wall_target(results: list[Result], task: str, peer: str, limit: float) -> Target:
    text = f"wall <= {limit:g}x {peer}"
    ours, other = _find(results, task, "ours"), _find(results, task, peer)
    if ours is None or other is None:
        return Target(task, text, None, "not run")
    if other.status != "ok" or other.wall is None:
        return Target(task, text, None, f"{peer}: {other.status}")
    if ours.status != "ok" or ours.wall is None:
        return Target(task, text, False, f"ours: {ours.status}")
    ratio = ours.wall / other.wall
    return Target(task, text, ratio <= limit, f"{ratio:.2f}x")


def _ours_check(
    results: list[Result], task: str, text: str, test: Callable[[Result], bool], show: Callable[[Result], str]
) -> Target:
    ours = _find(results, task, "ours")
    if ours is None:
        return Target(task, text, None, "not run")
    if ours.status in ("n/a",):
        return Target(task, text, None, ours.status)
    return Target(task, text, ours.status == "ok" and test(ours), show(ours))


def _server_target(results: list[Result]) -> Target:
    text = "modelled server time <= 1.1x b24pysdk"
    ours, sdk = _find(results, "e", "ours"), _find(results, "e", "b24pysdk")
    if ours is None or sdk is None or sdk.status != "ok" or not sdk.server_time:
        return Target("e", text, None, "b24pysdk did not complete")
    if ours.status != "ok" or ours.server_time is None:
        return Target("e", text, False, f"ours: {ours.status}")
    ratio = ours.server_time / sdk.server_time
    return Target("e", text, ratio <= 1.1, f"{ratio:.2f}x")


def _requests_target(results: list[Result], task: str, limit: int, text: str = "requests <= fast") -> Target:
    def test(r: Result) -> bool:
        return (r.requests or 0) <= limit

    def show(r: Result) -> str:
        return f"{r.requests} vs {limit}"

    return _ours_check(results, task, text, test, show)


#: the standard plan's bucket: a read may spread over it (the issue bounds the requests of (b) only)
_BURST = 50


def check_targets(results: list[Result]) -> list[Target]:
    """The issue's targets, judged on this run (only for tasks that ran)."""
    tasks = {r.task for r in results}
    out: list[Target] = []
    for task in ("a", "b"):
        if task in tasks:
            out.append(_wall_target(results, task, "fast", 0.8))
            out.append(
                _ours_check(
                    results, task, "no 503", lambda r: r.status_503 == 0, lambda r: f"{r.status_503} x 503"
                )
            )
            fast = _find(results, task, "fast")
            if task == "a":
                out.append(_requests_target(results, task, _BURST, "requests within the burst (50)"))
            elif fast is None or fast.status != "ok" or fast.requests is None:
                out.append(
                    Target(task, "requests <= fast", None, "fast: " + (fast.status if fast else "not run"))
                )
            else:
                out.append(_requests_target(results, task, fast.requests))
    if "b" in tasks:
        out.append(
            _ours_check(
                results,
                "b",
                "requests <= rows / 50 (no extra call)",
                lambda r: (r.requests or 0) <= -(-(r.rows or 0) // 50),
                lambda r: f"{r.requests} for {r.rows} rows",
            )
        )
    if "c" in tasks:
        out.append(
            _ours_check(results, "c", "one request", lambda r: r.requests == 1, lambda r: f"{r.requests}")
        )
    if "d" in tasks:
        out.append(
            _ours_check(
                results,
                "d",
                "at most 3 requests",
                lambda r: (r.requests or 0) <= 3,
                lambda r: f"{r.requests}",
            )
        )
        out.extend(_wall_target(results, "d", peer, 0.1) for peer in ("fast", "b24pysdk"))
    if "e" in tasks:
        out.append(
            _ours_check(
                results,
                "e",
                "completes, no 429",
                lambda r: r.status_429 == 0,
                lambda r: f"{r.status_429} x 429",
            )
        )
        out.append(_wall_target(results, "e", "b24pysdk", 0.3))
        out.append(_server_target(results))
    if "f" in tasks:
        out.append(_wall_target(results, "f", "raw", 2.0))
        out.append(_e2e_target(results))
    if "g" in tasks:
        out.extend(_stream_target(results, label) for label in ("ours iter_all()", "ours iter_all(raw=True)"))
    return out


def _e2e_target(results: list[Result]) -> Target:
    text = "typed list_all() <= 1.3x list_all(raw=True) end to end"
    typed, raw = (
        _find(results, "f", "ours list_all() e2e"),
        _find(results, "f", "ours list_all(raw=True) e2e"),
    )
    if typed is None or raw is None or not typed.wall or not raw.wall:
        return Target("f", text, None, "not run")
    ratio = typed.wall / raw.wall
    return Target("f", text, ratio <= 1.3, f"{ratio:.2f}x")


def _stream_target(results: list[Result], label: str) -> Target:
    text = f"{label.removeprefix('ours ')} RSS growth <= 25% of list_all()"
    streamed, held = _find(results, "g", label), _find(results, "g", "ours list_all()")
    if streamed is None or held is None or streamed.rss_growth_mb is None or not held.rss_growth_mb:
        return Target("g", text, None, "not run")
    if streamed.status != "ok":
        return Target("g", text, False, f"{label}: {streamed.status}")
    share = streamed.rss_growth_mb / held.rss_growth_mb
    detail = f"{streamed.rss_growth_mb:.0f} MB vs {held.rss_growth_mb:.0f} MB ({share:.0%})"
    return Target("g", text, share <= 0.25, detail)


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.4f}"


def _rss(result: Result) -> str:
    if result.peak_rss_mb is None:
        return "-"
    if result.rss_growth_mb is None:
        return f"{result.peak_rss_mb:.0f}"
    return f"{result.peak_rss_mb:.0f} (+{result.rss_growth_mb:.0f})"


def _cells(result: Result, results: list[Result]) -> list[str]:
    ratio = ", ".join(f"{p} {v:.2f}x" for p, v in ratios(results, result.task).items())
    pair = "-" if result.status_503 is None else f"{result.status_503}/{result.status_429}"
    dup = "-" if result.duplicates is None else f"{result.duplicates}/{result.missing}"
    return [
        result.task,
        result.peer,
        result.status,
        _num(result.wall),
        "-" if result.requests is None else str(result.requests),
        pair,
        "-" if result.rows is None else str(result.rows),
        dup,
        _num(result.server_time),
        "-" if result.max_in_flight is None else str(result.max_in_flight),
        _rss(result),
        ratio if result.peer == "ours" else "",
        result.note,
    ]


def text_table(results: list[Result], targets: list[Target]) -> str:
    """A plain-text table plus the targets, for the terminal."""
    rows = [list(COLUMNS)] + [_cells(r, results) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    ]
    lines.insert(1, "-" * (sum(widths) + 2 * len(widths) + 4))
    lines.append("")
    lines.extend(_target_lines(targets))
    return "\n".join(lines)


def _target_lines(targets: list[Target]) -> list[str]:
    verdict = {True: "MET", False: "MISSED", None: "n/a"}
    return [f"({t.task}) {t.text}: {verdict[t.met]} ({t.detail})" for t in targets]


def markdown(results: list[Result], targets: list[Target], header: str) -> str:
    """The table and targets as markdown."""
    lines = [header, "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for result in results:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in _cells(result, results)) + " |")
    lines += ["", "Targets:", ""]
    lines += [f"- {line}" for line in _target_lines(targets)]
    return "\n".join(lines) + "\n"


def write(
    directory: Path, stem: str, results: list[Result], targets: list[Target], meta: dict[str, Any]
) -> Path:
    """Write ``<stem>.md`` and ``<stem>.json`` under ``directory``; return the markdown path."""
    directory.mkdir(parents=True, exist_ok=True)
    header = f"# Benchmark {stem}\n\n" + "\n".join(f"- {k}: {v}" for k, v in meta.items())
    path = directory / f"{stem}.md"
    path.write_text(markdown(results, targets, header), encoding="utf-8")
    payload = {
        "meta": meta,
        "results": [asdict(r) for r in results],
        "targets": [asdict(t) for t in targets],
    }
    (directory / f"{stem}.json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return path
