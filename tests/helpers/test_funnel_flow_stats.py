"""Funnel flow from hand-made stage history; expected numbers are worked out by hand in the comments.

Funnel 0: NEW -> WORK -> INVOICE -> WON, failures LOSE and APOLOGY. Times are days after T0.

- deal 1 (A): NEW d0 (created), WORK d2, INVOICE d5, WON d6
- deal 2 (B): NEW d1, WORK d1.5, LOSE d4.5
- deal 3 (C): NEW d3, INVOICE d4 (skips WORK), still open
- deal 4 (D): created in funnel 1 at d0, moved into funnel 0 at WORK d2 (TYPE_ID 5), WON d10
- deal 5 (E): NEW d2, moved out to funnel 1 at d3 (TYPE_ID 5), won there at d4
- deal 6 (F): NEW d0, WORK d1, back to NEW d2, WORK d3, WON d4
"""

from __future__ import annotations

import datetime as dt

import pytest

from bitrix24_toolkit.helpers import Stage
from bitrix24_toolkit.helpers.funnel import StageEvent, flow

T0 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
STAGES = [
    Stage("NEW", "New", 10, "P"),
    Stage("WORK", "Work", 20, "P"),
    Stage("INVOICE", "Invoice", 30, "P"),
    Stage("WON", "Won", 40, "S"),
    Stage("LOSE", "Lost", 50, "F"),
    Stage("APOLOGY", "Why", 60, "F"),
]

_PLAN = [
    (1, 1, "NEW", 0, 0),
    (1, 2, "WORK", 0, 2),
    (1, 2, "INVOICE", 0, 5),
    (1, 3, "WON", 0, 6),
    (2, 1, "NEW", 0, 1),
    (2, 2, "WORK", 0, 1.5),
    (2, 3, "LOSE", 0, 4.5),
    (3, 1, "NEW", 0, 3),
    (3, 2, "INVOICE", 0, 4),
    (4, 1, "C1:NEW", 1, 0),
    (4, 5, "WORK", 0, 2),
    (4, 3, "WON", 0, 10),
    (5, 1, "NEW", 0, 2),
    (5, 5, "C1:NEW", 1, 3),
    (5, 3, "C1:WON", 1, 4),
    (6, 1, "NEW", 0, 0),
    (6, 2, "WORK", 0, 1),
    (6, 2, "NEW", 0, 2),
    (6, 2, "WORK", 0, 3),
    (6, 3, "WON", 0, 4),
]
# history ids are given in reverse so that the function has to sort by time itself
EVENTS = [
    StageEvent(100 - n, deal, type_id, stage, category, T0 + dt.timedelta(days=days))
    for n, (deal, type_id, stage, category, days) in enumerate(_PLAN)
]


def test_whole_history() -> None:
    result = flow(EVENTS, STAGES)
    rows = {r.stage.id: r for r in result.stages}
    # entered: NEW A,B,C,E,F; WORK A,B,D,F; INVOICE A,C; WON A,D,F; LOSE B
    assert [r.entered for r in result.stages] == [5, 4, 2, 3, 1, 0]
    # moved on: NEW -> A,B,C,F (E left the funnel) = 4/5; WORK -> A,D,F (B was lost) = 3/4; INVOICE -> A = 1/2
    assert [r.moved_on for r in result.stages[:3]] == [4, 3, 1]
    assert [r.conversion for r in result.stages[:3]] == pytest.approx([0.8, 0.75, 0.5])
    assert rows["WON"].conversion is None
    assert rows["LOSE"].conversion is None
    # NEW stays: A 2, B 0.5, C 1, E 1 (ends with the funnel change), F 1 and 1 -> median 1, mean 6.5/6
    assert rows["NEW"].stays == 6
    assert rows["NEW"].median_days == pytest.approx(1.0)
    assert rows["NEW"].mean_days == pytest.approx(6.5 / 6)
    # WORK stays: A 3, B 3, D 8, F 1 and 1 -> median 3, mean 16/5
    assert (rows["WORK"].median_days, rows["WORK"].mean_days) == pytest.approx((3.0, 3.2))
    # INVOICE: A 1; C is still there (an unfinished stay does not count)
    assert (rows["INVOICE"].stays, rows["INVOICE"].median_days) == pytest.approx((1, 1.0))
    assert rows["WON"].median_days is None
    # won: A 6 days, D 10 (from its creation in funnel 1), F 4 -> median 6, mean 20/3; lost: B 3.5
    assert (result.won, result.lost) == (3, 1)
    assert result.median_days_to_won == pytest.approx(6.0)
    assert result.mean_days_to_won == pytest.approx(20 / 3)
    assert result.median_days_to_lost == pytest.approx(3.5)
    # funnel changes: D came in, E went out
    assert (result.moved_in, result.moved_out) == (1, 1)


def test_period_counts_only_events_inside_it() -> None:
    period = (T0 + dt.timedelta(days=2), T0 + dt.timedelta(days=6))  # [d2, d6)
    result = flow(EVENTS, STAGES, period=period)
    rows = {r.stage.id: r for r in result.stages}
    # entered in [d2, d6): NEW C,E,F; WORK A,D,F; INVOICE A,C; WON F (A's d6 is excluded); LOSE B
    assert [r.entered for r in result.stages] == [3, 3, 2, 1, 1, 0]
    # moved on (later moves count even after the period): NEW C,F = 2/3; WORK A,D,F = 3/3; INVOICE A = 1/2
    assert [r.conversion for r in result.stages[:3]] == pytest.approx([2 / 3, 1.0, 0.5])
    # stays begun in the period: NEW C 1, E 1, F 1; WORK A 3, D 8, F 1 -> median 3, mean 4
    assert (rows["NEW"].median_days, rows["NEW"].stays) == pytest.approx((1.0, 3))
    assert (rows["WORK"].median_days, rows["WORK"].mean_days) == pytest.approx((3.0, 4.0))
    # closed in the period: F won after 4 days, B lost after 3.5
    assert (result.won, result.lost) == (1, 1)
    assert (result.median_days_to_won, result.median_days_to_lost) == pytest.approx((4.0, 3.5))
    assert (result.moved_in, result.moved_out) == (1, 1)
    assert result.period == period


def test_date_period_and_chosen_deals() -> None:
    # deals 1 and 2 only: entered NEW 2, WORK 2, INVOICE 1, WON 1, LOSE 1
    result = flow(EVENTS, STAGES, deal_ids=[1, 2])
    assert [r.entered for r in result.stages] == [2, 2, 1, 1, 1, 0]
    # a date period covers whole local days: March 1 (d0) only -> A and F created, D came from funnel 1
    one_day = flow(EVENTS, STAGES, period=(dt.date(2026, 3, 1), dt.date(2026, 3, 2)))
    assert [r.entered for r in one_day.stages] == [2, 0, 0, 0, 0, 0]


def test_the_other_funnel() -> None:
    # funnel 1 sees D created (then leaving) and E arriving and winning
    stages = [
        Stage("C1:NEW", "New", 10, "P"),
        Stage("C1:WON", "Won", 20, "S"),
        Stage("C1:LOSE", "L", 30, "F"),
    ]
    result = flow(EVENTS, stages, category_id=1)
    assert [r.entered for r in result.stages] == [2, 1, 0]
    # E: created d2 in funnel 0, won in funnel 1 at d4 -> 2 days
    assert (result.won, result.median_days_to_won) == pytest.approx((1, 2.0))
    assert (result.moved_in, result.moved_out) == (1, 1)
    # C1:NEW stays: D d0 -> d2 (leaves), E d3 -> d4 -> both 2 and 1
    assert result.stages[0].mean_days == pytest.approx(1.5)
