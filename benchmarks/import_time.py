"""How long ``import bitrix24_toolkit`` takes in a fresh interpreter (goal: at most 0.3 s, 2 cores).

python benchmarks/import_time.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys

RUNS = 7
CODE = "import time; t = time.perf_counter(); import bitrix24_toolkit; print(time.perf_counter() - t)"


def main() -> int:
    """Print the import time of the package and of ``b24.crm`` (which loads models and services)."""
    rows = []
    for label, code in (
        ("import bitrix24_toolkit", CODE),
        (
            "first use of b24.crm",
            "import time; t = time.perf_counter(); import bitrix24_toolkit as b; "
            "b.Bitrix24('https://x.bitrix24.test/rest/1/abcdef123456/').crm.deal; "
            "print(time.perf_counter() - t)",
        ),
    ):
        times = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(RUNS)
        ]
        rows.append((label, min(times), statistics.median(times)))
    print(f"{'what':<28} {'best s':>8} {'median s':>9}")
    for label, best, median in rows:
        print(f"{label:<28} {best:>8.3f} {median:>9.3f}")
    goal = rows[0][1] <= 0.3
    print(f"goal (import <= 0.3 s): {'met' if goal else 'MISSED'}")
    return 0 if goal else 1


if __name__ == "__main__":
    raise SystemExit(main())
