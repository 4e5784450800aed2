"""The export benchmark's table: printed (fixed-width text) and written (Markdown, for results and docs)."""

from __future__ import annotations

from typing import Any

__all__ = ["CEILING", "COLUMNS", "markdown", "markdown_table", "table_rows", "text_table"]

#: the portal's read ceiling at the standard plan after the burst: 50 commands x 50 rows x 2 requests/s
CEILING = 5_000
#: the standard plan's bucket: this many requests at once, then this many a second
BURST, RATE = 50, 2.0

COLUMNS = (
    "scenario",
    "target",
    "requests",
    "503",
    "wall s",
    "plan floor s",
    "in DB s",
    "rows read",
    "rows/s",
    "vs 5,000/s",
    "peak RSS MB",
    "exact",
    "note",
)


def _n(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _note(row: dict[str, Any], changes: dict[str, Any]) -> str:
    check = row.get("check") or {}
    if row["status"] not in ("ok", "killed"):
        return f"{row['status']}: {row.get('error') or ''}".strip()
    if row["target"] == "none":
        return f"writes no database; {_n(check.get('unique'))} unique ids of {_n(check.get('deals_server'))}"
    if row["status"] == "killed":
        left = row.get("left") or {}
        return (
            f"killed after {_n(row['rows_served'])} rows served; committed: {_n(left.get('deals'))} deals, "
            f"{_n(left.get('history'))} history rows"
        )
    parts = []
    modes = sorted({t["mode"] for t in row.get("tables", {}).values()})
    if modes:
        parts.append("mode " + "/".join(modes))
    if "both_requests" in row:
        parts.append(
            f"both runs: {_n(row['both_requests'])} requests, {_n(row['both_rows_served'])} rows served"
        )
    if row["scenario"].startswith("rerun after") and "both_requests" not in row:
        deal = row.get("tables", {}).get("deal", {})
        parts.append(
            f"{_n(check.get('changed_equal'))}/{_n(check.get('changed_checked'))} changed deals equal, "
            f"{_n(deal.get('deleted'))}/{len(changes.get('deleted', []))} deletions found"
        )
    if check:
        parts.append(
            f"{_n(check.get('deals_db'))} deals, {_n(check.get('history_db'))} history rows; missing "
            f"{check.get('missing', 0) + check.get('history_missing', 0)}, duplicated "
            f"{check.get('duplicated', 0) + check.get('history_duplicated', 0)}, differing "
            f"{check.get('differing', 0)}"
        )
    return "; ".join(parts)


def floor(requests: int | None) -> float | None:
    """The least wall time the standard plan's bucket allows for this many requests (burst, then 2/s)."""
    if requests is None:
        return None
    return max(0, requests - BURST) / RATE


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    """One list of cells per run, in :data:`COLUMNS` order."""
    out = []
    for row in result["runs"]:
        ratio = row.get("vs_ceiling")
        exact = row.get("exact")
        out.append(
            [
                row["scenario"],
                row["target"],
                _n(row["requests"]),
                _n(row["status_503"]),
                _n(row["wall"]),
                _n(floor(row["requests"])),
                _n(row.get("db_seconds")),
                _n(row.get("rows_read")),
                _n(row.get("rows_per_s")),
                "-" if ratio is None else f"{ratio:.2f}x",
                _n(row.get("peak_rss_mb")),
                "-" if exact is None else "yes" if exact else "NO",
                _note(row, result.get("changes") or {}),
            ]
        )
    return out


def text_table(result: dict[str, Any]) -> str:
    """The table as fixed-width text (the note column last, unpadded)."""
    rows = table_rows(result)
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def markdown_table(result: dict[str, Any]) -> str:
    """The table in Markdown (also what ``docs/export.md``'s Measured section shows)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in table_rows(result)]
    return "\n".join(lines)


def markdown(result: dict[str, Any]) -> str:
    """The results file: the conditions, the table, the changes made before the reruns."""
    meta = result["meta"]
    changes = result.get("changes") or {}
    lines = [
        f"# Export benchmark (issue 21), {meta['started']}",
        "",
        "`python benchmarks/export.py` (see its docstring). Requests are counted by the server; peak",
        "RSS is the exporting process's (`ru_maxrss`). Other engineers' test suites ran on the same 2-CPU",
        "machine at the same time: wall times are those of a shared machine. Before every run the server's",
        "bucket is emptied (the full burst is available) and its counters are zeroed.",
        "",
        *(f"- {key}: {value}" for key, value in meta.items()),
        "",
        markdown_table(result),
        "",
        f"Before the reruns: {changes.get('updated_ok', 0)} deals updated (title, amount, stage) and "
        f"{changes.get('deleted_ok', 0)} deleted through REST ({changes.get('requests', 0)} requests, not "
        "counted in the reruns). rows/s: rows read (deals + stage history) per wall second of the export; "
        f"the ceiling is {CEILING:,} rows/s (50 commands x 50 rows x 2 requests/s once the burst of 50 "
        "is spent). "
        f"Because the burst of {BURST} requests ({BURST * 2_500:,} rows) costs no waiting, a run can pass "
        "5,000 rows/s; plan floor s is the least wall the bucket allows for the requests the run made "
        f"((requests - {BURST}) / {RATE:g}). "
        "in DB s: the part of the wall spent in database statements and commits (timed around the export's "
        "connection in the exporting process).",
        "",
    ]
    return "\n".join(lines)
