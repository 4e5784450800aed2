"""Funnel statistics as pure functions over plain data (no I/O): snapshot, breakdowns, lead funnel.

The inputs are small frozen records (:class:`DealRecord`, :class:`LeadRecord`, and
:class:`~._report.Stage`); :mod:`._funnel` fetches them from a portal. Stage order is the
portal's: stages in progress by ``SORT``, then the success stage, then the failure stages.

"Reached" is the cumulative count Bitrix24's funnel chart shows: for a stage in progress, the deals in it
now, in any later stage in progress, or won; for the success stage, the won deals; a failure stage counts
only itself (a lost deal's furthest stage is known only from history, see :mod:`._flow_stats`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...errors import InvalidInputError
from ._names import NOBODY, source_label
from ._report import (
    BreakdownRow,
    FunnelBreakdown,
    FunnelSnapshot,
    LeadFunnel,
    LeadSourceRow,
    Stage,
    StageRow,
)

__all__ = [
    "DealRecord",
    "LeadRecord",
    "LeadTally",
    "Period",
    "StageTally",
    "breakdown",
    "in_period",
    "lead_stats",
    "lead_stats_of",
    "order_stages",
    "ratio",
    "snapshot",
    "snapshot_of",
]

#: ``(start, end)``: start included, end excluded; dates mean the portal's local days
Period = tuple[dt.date | dt.datetime | None, dt.date | dt.datetime | None]
_RANK = {"P": 0, "S": 1, "F": 2}


@dataclass(frozen=True)
class DealRecord:
    """What the statistics need of a deal."""

    id: int
    stage_id: str
    amount: Decimal = Decimal(0)
    currency: str = ""
    category_id: int = 0
    assigned_by_id: int | None = None
    source_id: str | None = None
    created: dt.datetime | None = None
    lead_id: int | None = None


@dataclass(frozen=True)
class LeadRecord:
    """What the statistics need of a lead."""

    id: int
    status_id: str
    source_id: str | None = None
    created: dt.datetime | None = None
    assigned_by_id: int | None = None


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, ``None`` when ``whole`` is 0."""
    return part / whole if whole else None


def order_stages(stages: Iterable[Stage]) -> list[Stage]:
    """Stages in portal order: in progress by ``SORT``, then success, then failure (stable)."""
    return sorted(stages, key=lambda s: (_RANK.get(s.semantics, 0), s.sort))


def _bound(value: dt.date | dt.datetime, moment: dt.datetime) -> tuple[Any, Any]:
    """Comparable forms of a period bound and a moment (dates compare with the moment's local day)."""
    if not isinstance(value, dt.datetime):
        return value, moment.date()
    if value.tzinfo is None or moment.tzinfo is None:
        return value.replace(tzinfo=None), moment.replace(tzinfo=None)
    return value, moment


def in_period(moment: dt.datetime | None, period: Period | None) -> bool:
    """Whether ``moment`` falls in ``[start, end)`` (no period: always; no moment: only without bounds)."""
    if period is None:
        return True
    start, end = period
    if moment is None:
        return start is None and end is None
    if start is not None:
        bound, value = _bound(start, moment)
        if value < bound:
            return False
    if end is not None:
        bound, value = _bound(end, moment)
        if value >= bound:
            return False
    return True


def _add(amounts: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    amounts[currency] = amounts.get(currency, Decimal(0)) + amount


def _sorted(amounts: Mapping[str, Decimal]) -> dict[str, Decimal]:
    return dict(sorted(amounts.items()))


def _stage_rows(
    counts: Mapping[str, int], amounts: Mapping[str, dict[str, Decimal]], stages: Sequence[Stage]
) -> list[StageRow]:
    """Rows with the cumulative ``reached`` and conversions (see the module docstring)."""
    ordered = order_stages(stages)
    won = sum(counts.get(s.id, 0) for s in ordered if s.semantics == "S")
    reached: dict[str, int] = {}
    later = 0
    for stage in reversed([s for s in ordered if s.semantics == "P"]):
        later += counts.get(stage.id, 0)
        reached[stage.id] = later + won
    rows: list[StageRow] = []
    chain = [s for s in ordered if s.semantics != "F"]
    first = reached.get(chain[0].id, won) if chain else 0
    previous: int | None = None
    for stage in ordered:
        count = counts.get(stage.id, 0)
        value = reached.get(stage.id, count)
        if stage.semantics == "F":
            rows.append(StageRow(stage, count, _sorted(amounts.get(stage.id, {})), value, None, None))
            continue
        from_previous = None if previous is None else ratio(value, previous)
        rows.append(
            StageRow(
                stage, count, _sorted(amounts.get(stage.id, {})), value, from_previous, ratio(value, first)
            )
        )
        previous = value
    return rows


#: ``(stage_id, currency, deals, amount)``: the deals of one stage in one currency and their summed amount
StageTally = tuple[str, str, int, Decimal]
#: ``(status_id, source_id, leads, with_deal)``: the leads of one status and source, and how many have a deal
LeadTally = tuple[str, str, int, int]


def snapshot(
    deals: Iterable[DealRecord],
    stages: Sequence[Stage],
    *,
    category_id: int = 0,
    category_name: str = "",
    filters: Mapping[str, Any] | None = None,
) -> FunnelSnapshot:
    """Deals per stage now, amounts per currency, reached counts, conversions, won/lost/open, win rate."""
    tallies = ((deal.stage_id, deal.currency, 1, deal.amount) for deal in deals)
    return snapshot_of(tallies, stages, category_id=category_id, category_name=category_name, filters=filters)


def snapshot_of(
    tallies: Iterable[StageTally],
    stages: Sequence[Stage],
    *,
    category_id: int = 0,
    category_name: str = "",
    filters: Mapping[str, Any] | None = None,
) -> FunnelSnapshot:
    """:func:`snapshot` from deals already counted and summed by stage and currency (e.g. by SQL)."""
    kinds = {s.id: s.semantics for s in stages}
    counts: Counter[str] = Counter()
    amounts: dict[str, dict[str, Decimal]] = defaultdict(dict)
    totals: dict[str, dict[str, Decimal]] = {"P": {}, "S": {}, "F": {}}
    unknown = 0
    for stage_id, currency, number, amount in tallies:
        kind = kinds.get(stage_id)
        if kind is None:
            unknown += number
            continue
        counts[stage_id] += number
        _add(amounts[stage_id], currency, amount)
        _add(totals[kind], currency, amount)
    by_kind = Counter({kind: 0 for kind in "PSF"})
    for stage_id, count in counts.items():
        by_kind[kinds[stage_id]] += count
    return FunnelSnapshot(
        category_id=category_id,
        stages=_stage_rows(counts, amounts, stages),
        open=by_kind["P"],
        won=by_kind["S"],
        lost=by_kind["F"],
        won_amounts=_sorted(totals["S"]),
        open_amounts=_sorted(totals["P"]),
        win_rate=ratio(by_kind["S"], by_kind["S"] + by_kind["F"]),
        unknown_stage=unknown,
        filters=dict(filters or {}),
        category_name=category_name,
    )


def _month(deal: DealRecord) -> str:
    return "unknown" if deal.created is None else f"{deal.created.year:04d}-{deal.created.month:02d}"


def _responsible(deal: DealRecord) -> str:
    return "nobody" if deal.assigned_by_id is None else str(deal.assigned_by_id)


_GROUPS: dict[str, Callable[[DealRecord], str]] = {"month": _month, "responsible": _responsible}


def _default_label(by: str, key: str) -> str:
    """A group's label without a name for it: ``#id`` for a user, :data:`NOBODY`, the month itself."""
    if by != "responsible":
        return key
    return NOBODY if key == "nobody" else f"#{key}"


def breakdown(
    deals: Iterable[DealRecord],
    stages: Sequence[Stage],
    by: str,
    *,
    category_id: int = 0,
    category_name: str = "",
    labels: Mapping[str, str] | None = None,
) -> FunnelBreakdown:
    """Deals grouped by ``"responsible"`` (``ASSIGNED_BY_ID``) or ``"month"`` (of ``DATE_CREATE``).

    A row's ``key`` is the group's id (the user id as text, ``"nobody"``, ``"2026-03"``); its ``label`` is
    ``labels[key]`` (people's names), else ``#id`` for a user, :data:`NOBODY`, or the month.
    """
    key_of = _GROUPS.get(by)
    if key_of is None:
        raise InvalidInputError(f"by must be one of {sorted(_GROUPS)}, not {by!r}", field="by")
    kinds = {s.id: s.semantics for s in stages}
    groups: dict[str, list[DealRecord]] = defaultdict(list)
    for deal in deals:
        if deal.stage_id in kinds:
            groups[key_of(deal)].append(deal)
    rows: list[BreakdownRow] = []
    for key in sorted(groups, key=lambda k: (len(k), k) if by == "responsible" else k):
        members = groups[key]
        outcome = Counter(kinds[d.stage_id] for d in members)
        won_amounts: dict[str, Decimal] = {}
        for deal in members:
            if kinds[deal.stage_id] == "S":
                _add(won_amounts, deal.currency, deal.amount)
        rows.append(
            BreakdownRow(
                key=key,
                total=len(members),
                open=outcome["P"],
                won=outcome["S"],
                lost=outcome["F"],
                win_rate=ratio(outcome["S"], outcome["S"] + outcome["F"]),
                won_amounts=_sorted(won_amounts),
                by_stage=dict(Counter(d.stage_id for d in members)),
                label=(labels or {}).get(key) or _default_label(by, key),
            )
        )
    return FunnelBreakdown(
        category_id=category_id, by=by, rows=rows, stages=order_stages(stages), category_name=category_name
    )


def lead_stats(
    leads: Iterable[LeadRecord],
    statuses: Sequence[Stage],
    leads_with_deal: Iterable[int],
    source_names: Mapping[str, str] | None = None,
) -> LeadFunnel:
    """Leads per status (with reached counts) and the lead -> deal rate overall and by source.

    ``source_names``: ``SOURCE_ID`` -> name; a code missing there stays the code, an empty source is
    ``source_id=""`` named :data:`~._names.NO_SOURCE`.
    """
    with_deal = set(leads_with_deal)
    tallies = ((lead.status_id, lead.source_id or "", 1, int(lead.id in with_deal)) for lead in leads)
    return lead_stats_of(tallies, statuses, source_names)


def lead_stats_of(
    tallies: Iterable[LeadTally],
    statuses: Sequence[Stage],
    source_names: Mapping[str, str] | None = None,
) -> LeadFunnel:
    """:func:`lead_stats` from leads already counted by status and source (e.g. by SQL)."""
    kinds = {s.id: s.semantics for s in statuses}
    counts: Counter[str] = Counter()
    sources: dict[str, Counter[str]] = defaultdict(Counter)
    total = converted_to_deal = 0
    for status_id, source_id, number, with_deal in tallies:
        total += number
        counts[status_id] += number
        bucket = sources[source_id or ""]
        bucket["leads"] += number
        kind = kinds.get(status_id)
        bucket["converted"] += number if kind == "S" else 0
        bucket["junk"] += number if kind == "F" else 0
        bucket["with_deal"] += with_deal
        converted_to_deal += with_deal
    by_source = [
        LeadSourceRow(
            source_id=source,
            leads=c["leads"],
            converted=c["converted"],
            with_deal=c["with_deal"],
            junk=c["junk"],
            deal_rate=ratio(c["with_deal"], c["leads"]),
            name=source_label(source, source_names or {}),
        )
        for source, c in sorted(sources.items(), key=lambda item: (-item[1]["leads"], not item[0], item[0]))
    ]
    return LeadFunnel(
        statuses=_stage_rows(counts, {}, statuses),
        by_source=by_source,
        leads=total,
        with_deal=converted_to_deal,
        deal_rate=ratio(converted_to_deal, total),
    )
