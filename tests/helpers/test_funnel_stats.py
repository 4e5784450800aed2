"""Snapshot, breakdown and lead statistics over hand-made data; every expected number is worked out by hand
in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import Stage
from bitrix24_toolkit.helpers.funnel import DealRecord, LeadRecord, breakdown, lead_stats, snapshot
from bitrix24_toolkit.helpers.funnel._stats import in_period, order_stages

MSK = dt.timezone(dt.timedelta(hours=3))

# given out of order on purpose: LOSE has the smallest SORT but failures always come last
STAGES = [
    Stage("LOSE", "Lost", 5, "F"),
    Stage("WON", "Won", 40, "S"),
    Stage("INVOICE", "Invoice", 30, "P"),
    Stage("NEW", "New", 10, "P"),
    Stage("APOLOGY", "Why", 60, "F"),
    Stage("WORK", "Work", 20, "P"),
]


def _deal(deal_id: int, stage: str, amount: str, currency: str, user: int | None, created: str) -> DealRecord:
    return DealRecord(
        id=deal_id,
        stage_id=stage,
        amount=Decimal(amount),
        currency=currency,
        assigned_by_id=user,
        created=dt.datetime.fromisoformat(created),
    )


DEALS = [
    _deal(1, "NEW", "100", "RUB", 1, "2026-01-05T10:00:00+03:00"),
    _deal(2, "NEW", "50", "USD", 2, "2026-01-06T10:00:00+03:00"),
    _deal(3, "WORK", "200", "RUB", 1, "2026-01-07T10:00:00+03:00"),
    _deal(4, "INVOICE", "300", "RUB", 2, "2026-01-08T10:00:00+03:00"),
    _deal(5, "INVOICE", "10", "USD", None, "2026-01-31T23:30:00+03:00"),
    # 1 a.m. on Feb 1 in Moscow is still January 31 in UTC: the month is the portal's local one
    _deal(6, "WON", "1000", "RUB", 1, "2026-02-01T01:00:00+03:00"),
    _deal(7, "WON", "20", "USD", 2, "2026-02-02T10:00:00+03:00"),
    _deal(8, "WON", "500", "RUB", None, "2026-02-03T10:00:00+03:00"),
    _deal(9, "LOSE", "70", "RUB", 1, "2026-02-04T10:00:00+03:00"),
    _deal(10, "APOLOGY", "5", "RUB", None, "2026-02-05T10:00:00+03:00"),
    _deal(11, "GHOST", "999", "RUB", 1, "2026-02-06T10:00:00+03:00"),  # a stage the funnel lacks
]


def test_stages_come_in_portal_order() -> None:
    assert [s.id for s in order_stages(STAGES)] == ["NEW", "WORK", "INVOICE", "WON", "LOSE", "APOLOGY"]


def test_snapshot_counts_amounts_and_cumulative_reach() -> None:
    snap = snapshot(DEALS, STAGES, category_id=3)
    rows = {r.stage.id: r for r in snap.stages}
    assert [r.stage.id for r in snap.stages] == ["NEW", "WORK", "INVOICE", "WON", "LOSE", "APOLOGY"]
    # counts now: NEW 2, WORK 1, INVOICE 2, WON 3, LOSE 1, APOLOGY 1; deal 11 is outside the funnel
    assert [r.count for r in snap.stages] == [2, 1, 2, 3, 1, 1]
    assert snap.unknown_stage == 1
    # reached: INVOICE 2 + won 3 = 5; WORK 1 + 2 + 3 = 6; NEW 2 + 1 + 2 + 3 = 8; WON 3; failures themselves
    assert [r.reached for r in snap.stages] == [8, 6, 5, 3, 1, 1]
    # from previous: -, 6/8, 5/6, 3/5; from first: 8/8, 6/8, 5/8, 3/8; failures have none
    assert rows["NEW"].conversion_from_previous is None
    assert rows["WORK"].conversion_from_previous == pytest.approx(0.75)
    assert rows["INVOICE"].conversion_from_previous == pytest.approx(5 / 6)
    assert rows["WON"].conversion_from_previous == pytest.approx(0.6)
    assert [r.conversion_from_first for r in snap.stages[:4]] == pytest.approx([1.0, 0.75, 0.625, 0.375])
    assert rows["LOSE"].conversion_from_first is None
    # amounts per currency: NEW 100 RUB + 50 USD; won 1000 + 500 RUB, 20 USD; open 100+200+300 RUB, 50+10 USD
    assert rows["NEW"].amounts == {"RUB": Decimal(100), "USD": Decimal(50)}
    assert snap.won_amounts == {"RUB": Decimal(1500), "USD": Decimal(20)}
    assert snap.open_amounts == {"RUB": Decimal(600), "USD": Decimal(60)}
    # open 5, won 3, lost 2 -> win rate 3 / 5
    assert (snap.open, snap.won, snap.lost, snap.total) == (5, 3, 2, 10)
    assert snap.win_rate == pytest.approx(0.6)
    assert snap.category_id == 3


def test_empty_funnel_has_no_rates() -> None:
    snap = snapshot([], STAGES)
    assert snap.win_rate is None
    assert [r.reached for r in snap.stages] == [0, 0, 0, 0, 0, 0]
    assert all(r.conversion_from_first is None for r in snap.stages)


def test_breakdown_by_responsible() -> None:
    result = breakdown(DEALS, STAGES, "responsible")
    rows = {r.key: r for r in result.rows}
    assert list(rows) == ["1", "2", "nobody"]
    # user 1: deals 1 (NEW), 3 (WORK), 6 (WON 1000 RUB), 9 (LOSE) -> 2 open, 1 won, 1 lost, rate 1/2
    one = rows["1"]
    assert (one.total, one.open, one.won, one.lost, one.win_rate) == (4, 2, 1, 1, 0.5)
    assert one.won_amounts == {"RUB": Decimal(1000)}
    assert one.by_stage == {"NEW": 1, "WORK": 1, "WON": 1, "LOSE": 1}
    # user 2: deals 2 (NEW), 4 (INVOICE), 7 (WON 20 USD) -> rate 1/1
    assert (rows["2"].open, rows["2"].won, rows["2"].lost, rows["2"].win_rate) == (2, 1, 0, 1.0)
    # nobody: 5 (INVOICE), 8 (WON 500 RUB), 10 (APOLOGY)
    assert (rows["nobody"].open, rows["nobody"].won, rows["nobody"].lost) == (1, 1, 1)


def test_breakdown_by_local_month_with_labels() -> None:
    result = breakdown(DEALS, STAGES, "month", labels={"2026-01": "January"})
    rows = {r.label: r for r in result.rows}
    # deals 1-5 (January, all open); 6-10 (February: 3 won, 2 lost -> 3/5); keys stay the months
    assert list(rows) == ["January", "2026-02"]
    assert [r.key for r in result.rows] == ["2026-01", "2026-02"]
    assert (rows["January"].total, rows["January"].open, rows["January"].win_rate) == (5, 5, None)
    assert (rows["2026-02"].won, rows["2026-02"].lost, rows["2026-02"].win_rate) == (3, 2, 0.6)


def test_breakdown_refuses_an_unknown_grouping() -> None:
    with pytest.raises(InvalidInputError):
        breakdown(DEALS, STAGES, "weekday")


LEAD_STATUSES = [
    Stage("JUNK", "Junk", 40, "F"),
    Stage("NEW", "New", 10, "P"),
    Stage("CONVERTED", "Good", 30, "S"),
    Stage("IN_PROCESS", "Working", 20, "P"),
]


def test_lead_funnel_by_status_and_source() -> None:
    leads = [
        LeadRecord(1, "NEW", "WEB"),
        LeadRecord(2, "IN_PROCESS", "WEB"),
        LeadRecord(3, "CONVERTED", "WEB"),
        LeadRecord(4, "CONVERTED", "CALL"),
        LeadRecord(5, "JUNK", "CALL"),
        LeadRecord(6, "JUNK", None),
        LeadRecord(7, "CONVERTED", "CALL"),  # converted to a contact only: no deal
    ]
    result = lead_stats(leads, LEAD_STATUSES, leads_with_deal=[3, 4, 99])
    # statuses: NEW 1, IN_PROCESS 1, CONVERTED 3, JUNK 2; reached NEW 1+1+3, IN_PROCESS 1+3, CONVERTED 3
    assert [(r.stage.id, r.count, r.reached) for r in result.statuses] == [
        ("NEW", 1, 5),
        ("IN_PROCESS", 1, 4),
        ("CONVERTED", 3, 3),
        ("JUNK", 2, 2),
    ]
    # 2 of 7 leads have a deal (lead 99 is not among them)
    assert (result.leads, result.with_deal) == (7, 2)
    assert result.deal_rate == pytest.approx(2 / 7)
    # by source, most leads first, then by code: CALL 3 (2 converted, 1 with deal, 1 junk), WEB 3, none 1
    assert [(r.source_id, r.leads, r.converted, r.with_deal, r.junk) for r in result.by_source] == [
        ("CALL", 3, 2, 1, 1),
        ("WEB", 3, 1, 1, 0),
        ("", 1, 0, 0, 1),
    ]
    # without a directory the codes are the names; no source reads "(no source)"
    assert [r.name for r in result.by_source] == ["CALL", "WEB", "(no source)"]
    named = lead_stats(leads, LEAD_STATUSES, [3, 4], source_names={"WEB": "Веб-сайт"})
    assert [r.name for r in named.by_source] == ["CALL", "Веб-сайт", "(no source)"]
    assert [r.deal_rate for r in result.by_source] == pytest.approx([1 / 3, 1 / 3, 0.0])


def test_period_bounds() -> None:
    late = dt.datetime(2026, 2, 1, 1, 0, tzinfo=MSK)  # January 31 22:00 UTC
    assert in_period(late, (dt.date(2026, 2, 1), dt.date(2026, 3, 1)))  # dates: the moment's own day
    assert not in_period(late, (None, dt.date(2026, 2, 1)))  # end excluded
    utc_start = dt.datetime(2026, 1, 31, 22, 0, tzinfo=dt.UTC)
    assert in_period(late, (utc_start, None))  # the same instant: start included
    assert not in_period(late, (None, utc_start))
    assert in_period(late, (dt.datetime(2026, 2, 1, 0, 30), None))  # naive: compared as local wall time
    assert in_period(None, None)
    assert not in_period(None, (dt.date(2026, 1, 1), None))
