"""Funnel movement from stage history, as a pure function over :class:`StageEvent` records (no I/O).

Each deal's history rows (``crm.stagehistory.list``, reference 5.7) are read in time order as a chain of
stays: a row opens a stay in its stage (``TYPE_ID`` 1 created, 2 intermediate, 3 final, 5 funnel changed)
and closes the stay before it. For the funnel asked about:

- *entered*: distinct deals with a row into the stage inside the period (creation, moves and funnel
  changes into this funnel all count);
- *moved on*: of those, the deals that later entered a stage further along (in progress or success);
- *days in stage*: finished stays that began in the period (a stay ends with the deal's next row, in this
  funnel or, after a funnel change, in another);
- *cycle time*: from the deal's creation (its first row, in any funnel) to its first entry into the success
  stage (won) or a failure stage (lost) of this funnel inside the period;
- *moved in / out*: funnel changes (``TYPE_ID`` 5) into or out of this funnel inside the period.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._report import FlowStageRow, FunnelFlow, Stage
from ._stats import Period, in_period, order_stages, ratio

__all__ = ["StageEvent", "flow"]

_DAY = 86400.0


@dataclass(frozen=True)
class StageEvent:
    """One stage history row of a deal."""

    id: int
    deal_id: int
    type_id: int
    stage_id: str
    category_id: int
    time: dt.datetime


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


@dataclass
class _Tally:
    """What one pass over the histories collects."""

    entered: dict[str, set[int]]
    moved_on: dict[str, set[int]]
    stays: dict[str, list[float]]
    to_won: list[float]
    to_lost: list[float]
    moved_in: int = 0
    moved_out: int = 0


def _walk(
    events: list[StageEvent],
    category_id: int,
    order: dict[str, int],
    kinds: dict[str, str],
    period: Period | None,
    tally: _Tally,
) -> None:
    """Add one deal's history (sorted) to ``tally``."""
    created = events[0].time
    closed = False
    entries: list[tuple[str, int]] = []  # (stage, position in order) entered in the period
    previous: StageEvent | None = None
    for event in events:
        inside = event.category_id == category_id
        if previous is not None and previous.category_id == category_id and in_period(previous.time, period):
            tally.stays[previous.stage_id].append((event.time - previous.time).total_seconds() / _DAY)
        if event.type_id == 5 and in_period(event.time, period):
            was_inside = previous is not None and previous.category_id == category_id
            tally.moved_in += inside and not was_inside
            tally.moved_out += was_inside and not inside
        previous = event
        if not inside or event.stage_id not in order:
            continue
        position = order[event.stage_id]
        for stage_id, where in entries:
            if position > where and kinds[event.stage_id] != "F":
                tally.moved_on[stage_id].add(event.deal_id)
        if not in_period(event.time, period):
            continue
        tally.entered[event.stage_id].add(event.deal_id)
        entries.append((event.stage_id, position))
        kind = kinds[event.stage_id]
        if kind in ("S", "F") and not closed:
            closed = True
            days = (event.time - created).total_seconds() / _DAY
            (tally.to_won if kind == "S" else tally.to_lost).append(days)


def flow(
    events: Iterable[StageEvent],
    stages: Sequence[Stage],
    *,
    category_id: int = 0,
    category_name: str = "",
    period: Period | None = None,
    deal_ids: Iterable[int] | None = None,
) -> FunnelFlow:
    """Entries, stage-to-stage conversion, time in stage and cycle times (see the module docstring)."""
    ordered = order_stages(stages)
    order = {s.id: index for index, s in enumerate(ordered)}
    kinds = {s.id: s.semantics for s in ordered}
    wanted = None if deal_ids is None else set(deal_ids)
    histories: dict[int, list[StageEvent]] = defaultdict(list)
    for event in events:
        if wanted is None or event.deal_id in wanted:
            histories[event.deal_id].append(event)
    tally = _Tally(defaultdict(set), defaultdict(set), defaultdict(list), [], [])
    for history in histories.values():
        history.sort(key=lambda e: (e.time, e.id))
        _walk(history, category_id, order, kinds, period, tally)
    rows = []
    for stage in ordered:
        entered = len(tally.entered[stage.id])
        moved_on = len(tally.moved_on[stage.id] & tally.entered[stage.id])
        progress = stage.semantics == "P"
        durations = tally.stays[stage.id]
        rows.append(
            FlowStageRow(
                stage=stage,
                entered=entered,
                moved_on=moved_on if progress else 0,
                conversion=ratio(moved_on, entered) if progress else None,
                median_days=_median(durations),
                mean_days=_mean(durations),
                stays=len(durations),
            )
        )
    return FunnelFlow(
        category_id=category_id,
        stages=rows,
        won=len(tally.to_won),
        lost=len(tally.to_lost),
        median_days_to_won=_median(tally.to_won),
        median_days_to_lost=_median(tally.to_lost),
        mean_days_to_won=_mean(tally.to_won),
        mean_days_to_lost=_mean(tally.to_lost),
        moved_in=tally.moved_in,
        moved_out=tally.moved_out,
        period=None if period is None else (period[0], period[1]),
        category_name=category_name,
    )
