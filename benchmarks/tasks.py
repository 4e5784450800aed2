"""The benchmark tasks of issue 5: sizes, time limits, the portal each one needs and its expected answer."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from bitrix24_toolkit.testing.emulator.cost import CostModel

__all__ = [
    "ONLY",
    "PEERS",
    "SELECT",
    "TASKS",
    "Task",
    "cost_model",
    "deal_fields",
    "fake_args",
    "lead_title",
    "pick_ids",
]

#: the libraries compared, in table order (``ours-raw``: ours with ``raw=True``)
PEERS = ("ours", "ours-raw", "fast", "b24pysdk")
#: the tasks a variant runs (every other library runs every task)
ONLY = {"ours-raw": ("a", "e")}
#: the fields read by the list tasks
SELECT = ["ID", "TITLE", "STAGE_ID", "OPPORTUNITY"]
_STAGES = ("NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "WON", "LOSE")


@dataclass(frozen=True)
class Task:
    """One benchmark task: ``deals`` on the portal before it runs, ``size`` items it handles."""

    key: str
    title: str
    deals: int
    size: int
    timeout: float
    #: charge COUNT and OFFSET rows (the scale task)
    scale_cost: bool = False
    #: False: CPU only, no portal
    network: bool = True

    def scaled(self, factor: float) -> Task:
        """The same task with row counts multiplied by ``factor`` (at least 1)."""
        return replace(
            self,
            deals=max(1, round(self.deals * factor)) if self.deals else 0,
            size=max(1, round(self.size * factor)),
        )


TASKS: dict[str, Task] = {
    t.key: t
    for t in (
        Task("a", "read 20,000 deals", deals=20_000, size=20_000, timeout=240.0),
        Task("b", "add 2,000 leads", deals=0, size=2_000, timeout=240.0),
        Task("c", "500 deals by id", deals=20_000, size=500, timeout=90.0),
        Task("d", "100 concurrent single gets", deals=20_000, size=100, timeout=90.0),
        Task(
            "e",
            "read 100,000 deals (COUNT/OFFSET cost)",
            deals=100_000,
            size=100_000,
            timeout=360.0,
            scale_cost=True,
        ),
        Task(
            "f",
            "parse 20,000 deals: models vs raw JSON",
            deals=20_000,
            size=20_000,
            timeout=180.0,
            network=False,
        ),
        Task(
            "g",
            "stream 100,000 deals (all fields): peak RSS growth",
            deals=100_000,
            size=100_000,
            timeout=300.0,
        ),
    )
}


def fake_args(task: Task, *, cost: bool) -> list[str]:
    """The fake portal's command line for a task: its deals, the standard limits and the same cost model."""
    args = ["--seed-deals", str(task.deals)]
    if not task.network:  # CPU measurements: fetch the bodies fast, no limits
        return [*args, "--no-cost", "--burst", "0", "--operating-limit", "0"]
    if not cost:
        return [*args, "--no-cost"]
    per_scanned = 0.000002 if task.scale_cost else 0.0
    return [
        *args,
        "--per-request",
        "0.03",
        "--per-row",
        "0.0002",
        "--per-command",
        "0.005",
        "--per-scanned",
        str(per_scanned),
    ]


def cost_model(task: Task) -> CostModel:
    """30 ms per request, 0.2 ms per row, 5 ms per batch command; 2 µs per counted/skipped row for (e)."""
    per_scanned = 0.000002 if task.scale_cost else 0.0
    return CostModel(
        per_request=0.03,
        per_row=0.0002,
        per_batch_command=0.005,
        per_counted_row=per_scanned,
        per_skipped_row=per_scanned,
        sleep=True,
    )


def deal_fields(number: int) -> dict[str, object]:
    """The fields of the ``number``-th generated deal."""
    return {
        "TITLE": f"Deal {number}",
        "STAGE_ID": _STAGES[number % len(_STAGES)],
        "OPPORTUNITY": (number * 37) % 100_000 + 0.5,
        "CURRENCY_ID": "RUB",
        "COMMENTS": f"generated deal #{number}",
    }


def lead_title(number: int) -> str:
    """The title of the ``number``-th lead written by task (b)."""
    return f"Bench lead {number}"


def pick_ids(task: Task) -> list[int]:
    """The deal ids tasks (c) and (d) ask for: ``size`` distinct ids, the same in every run."""
    return random.Random(f"ids-{task.key}").sample(range(1, task.deals + 1), min(task.size, task.deals))
