"""The tables of the several-processes benchmark (:mod:`benchmarks.processes`): text and Markdown."""

from __future__ import annotations

from typing import Any

__all__ = ["HEAD", "markdown", "text_table"]

HEAD = (
    "section",
    "server",
    "procs",
    "limiter",
    "requests",
    "503",
    "429",
    "retries",
    "errors/worker",
    "wall s",
    "1-proc s",
    "leads once",
    "reads exact",
)


def _cells(r: dict[str, Any]) -> tuple[str, ...]:
    once = f"{r['leads_stored'] - r['leads_duplicated']}/{r['leads_expected']}"
    if r["leads_duplicated"] or r["leads_unexpected"]:
        once += f" (+{r['leads_duplicated'] + r['leads_unexpected']} dup)"
    alone = "" if r["limiter"] == "one process" or r["single_wall"] is None else f"{r['single_wall']:.1f}"
    return (
        r["section"],
        r["server"],
        str(r["processes"]),
        r["limiter"],
        str(r["requests"]),
        str(r["status_503"]),
        str(r["status_429"]),
        str(r["retries"]),
        ",".join(map(str, r["errors"])),
        f"{r['wall']:.1f}",
        alone,
        once,
        f"{r['reads_exact']}/{r['reads_expected']}",
    )


def text_table(rows: list[dict[str, Any]]) -> str:
    """The read/write table: one line per configuration."""
    lines = [HEAD, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEAD))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def markdown(result: dict[str, Any]) -> str:
    rows, meta = result["runs"], result["meta"]
    out = ["# Several processes, one portal (issue 19)", "", *(f"- {k}: {v}" for k, v in meta.items()), ""]
    out += ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    out += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    if result["oauth"]:
        out += [
            "",
            "## Expired OAuth token",
            "",
            "| store | processes | refreshes | token requests | calls ok | errors/worker |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| {r['store']} | {r['processes']} | {r['refreshes']} | {r['token_requests']} | "
            f"{r['calls_ok']}/{r['processes']} | {','.join(map(str, r['errors']))} |"
            for r in result["oauth"]
        ]
    if result["offline"]:
        out += [
            "",
            "## Offline events",
            "",
            "| run | consumers | events | processed | once | twice+ | lost | requests | 503 | wall s |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        out += [
            f"| {r['run']} | {r['consumers']} | {r['events']} | {r['processed']} | {r['once']} | "
            f"{r['repeated']} | {r['lost']} | {r['requests']} | {r['status_503']} | {r['wall']:.1f} |"
            for r in result["offline"]
        ]
    notes = [
        f"{r['section']}, {r['server']}, {r['processes']} {r['limiter']}: `{m}`"
        for r in rows
        for m in r["messages"][:3]
    ]
    notes += [f"oauth, {r['store']}: `{m}`" for r in result["oauth"] for m in r["messages"][:3]]
    if notes:
        out += [
            "",
            "First errors seen by the workers (three per configuration at most):",
            "",
            *(f"- {m}" for m in notes),
        ]
    return "\n".join(out) + "\n"
