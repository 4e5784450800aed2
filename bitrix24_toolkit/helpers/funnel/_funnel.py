"""Funnel statistics of a portal: one flow of bounded reads, then the pure functions of
:mod:`._stats` and :mod:`._flow_stats`.

Reads: the stage directory (``crm.status.list``) and the funnel's name (``crm.category.list``) in one batch,
the deals with only the fields needed (``crm.deal.list`` by keyset: 2,500 deals a request), for
:func:`funnel_flow` the deal stage history (``crm.stagehistory.list``, also by keyset), and for names one
more batch (``user.get``: 50 users a call, 2,500 a request). 20,000 deals with their history take a few
dozen requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ...errors import InvalidInputError
from ...models.directory import StageHistoryItem, Status
from ...models.values import parse_datetime
from ...protocol.batch import Batch, Outcome
from ...protocol.call import Flow, collect
from ...services import CrmCalls
from ...services.directory import ensure_category_id
from ..base import helper
from ._flow_stats import StageEvent, flow
from ._names import funnel_name, source_names, user_names, value_or
from ._report import FunnelBreakdown, FunnelFlow, FunnelSnapshot, LeadFunnel, Stage
from ._stats import DealRecord, LeadRecord, Period, breakdown, lead_stats, snapshot

__all__ = ["funnel_breakdown", "funnel_flow", "funnel_snapshot", "lead_funnel"]

_DEAL_FIELDS = (
    "ID",
    "STAGE_ID",
    "CATEGORY_ID",
    "OPPORTUNITY",
    "CURRENCY_ID",
    "ASSIGNED_BY_ID",
    "SOURCE_ID",
    "DATE_CREATE",
    "LEAD_ID",
)
_LEAD_FIELDS = ("ID", "STATUS_ID", "SOURCE_ID", "DATE_CREATE", "ASSIGNED_BY_ID")
_HISTORY_FIELDS = (
    "ID",
    "TYPE_ID",
    "OWNER_ID",
    "CREATED_TIME",
    "CATEGORY_ID",
    "STAGE_ID",
    "STAGE_SEMANTIC_ID",
)

Ids = int | Iterable[int] | None
Codes = str | Iterable[str] | None


def stage_of(row: Status) -> Stage:
    """A directory row as a :class:`Stage` (``semantics`` ``P``/``S``/``F``)."""
    return Stage(
        id=str(row.status_id),
        name=row.name or str(row.status_id),
        sort=row.sort or 0,
        semantics=row.semantics or "P",
        color=row.color,
    )


def _int(value: Any) -> int | None:
    try:
        return None if value in (None, "", "0", 0) else int(value)
    except (TypeError, ValueError):
        return None


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def deal_record(row: Mapping[str, Any]) -> DealRecord:
    """A raw ``crm.deal.list`` row (strings, as the portal sends them) as a :class:`DealRecord`."""
    return DealRecord(
        id=int(row["ID"]),
        stage_id=str(row.get("STAGE_ID") or ""),
        amount=_money(row.get("OPPORTUNITY")),
        currency=str(row.get("CURRENCY_ID") or ""),
        category_id=_int(row.get("CATEGORY_ID")) or 0,
        assigned_by_id=_int(row.get("ASSIGNED_BY_ID")),
        source_id=row.get("SOURCE_ID") or None,
        created=parse_datetime(row.get("DATE_CREATE")),
        lead_id=_int(row.get("LEAD_ID")),
    )


def lead_record(row: Mapping[str, Any]) -> LeadRecord:
    """A raw ``crm.lead.list`` row as a :class:`LeadRecord`."""
    return LeadRecord(
        id=int(row["ID"]),
        status_id=str(row.get("STATUS_ID") or ""),
        source_id=row.get("SOURCE_ID") or None,
        created=parse_datetime(row.get("DATE_CREATE")),
        assigned_by_id=_int(row.get("ASSIGNED_BY_ID")),
    )


def stage_event(item: StageHistoryItem) -> StageEvent | None:
    """A history row as a :class:`StageEvent` (``None`` when it lacks a time or a stage)."""
    if item.created_time is None or not item.stage_id or item.owner_id is None:
        return None
    return StageEvent(
        id=item.id or 0,
        deal_id=item.owner_id,
        type_id=item.type_id or 0,
        stage_id=item.stage_id,
        category_id=item.category_id or 0,
        time=item.created_time,
    )


def _bound(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise InvalidInputError(f"a period bound must be a date or a datetime, not {value!r}", field="period")


def _as_list(value: Any, name: str) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, str | int):
        return [value]
    try:
        return list(value)
    except TypeError:
        raise InvalidInputError(f"{name} must be a value or a list of values", field=name) from None


def _deal_filter(
    category_id: int | None, period: Period | None, responsible: Ids, source: Codes
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``crm.deal.list`` filter and the same choices for the report."""
    flt: dict[str, Any] = {}
    chosen: dict[str, Any] = {}
    if category_id is not None:
        flt["CATEGORY_ID"] = category_id
    if period is not None:
        start, end = period
        if start is not None:
            flt[">=DATE_CREATE"] = _bound(start)
        if end is not None:
            flt["<DATE_CREATE"] = _bound(end)
        chosen["period"] = [start, end]
    users = _as_list(responsible, "responsible")
    if users is not None:
        flt["@ASSIGNED_BY_ID"] = chosen["responsible"] = users
    sources = _as_list(source, "source")
    if sources is not None:
        flt["@SOURCE_ID"] = chosen["source"] = sources
    return flt, chosen


def _funnel_directory(category_id: int) -> Flow[tuple[list[Stage], str]]:
    """A funnel's stages and name in one batch request (crm.status.list, crm.category.list)."""
    crm = CrmCalls()
    outcomes: list[Outcome[Any]] = yield Batch([crm.status.deal_stages(category_id), crm.category(2).list()])
    stages, categories = outcomes
    return [stage_of(s) for s in stages.unwrap()], funnel_name(value_or(categories, []), category_id)


def _stages_and_deals(
    category_id: int, period: Period | None, responsible: Ids, source: Codes
) -> Flow[tuple[list[Stage], str, list[DealRecord], dict[str, Any]]]:
    crm = CrmCalls()
    flt, chosen = _deal_filter(category_id, period, responsible, source)
    stages, name = yield from _funnel_directory(category_id)
    rows = yield from collect(crm.deal.iter_all(filter=flt, select=_DEAL_FIELDS, raw=True))
    return stages, name, [deal_record(r) for r in rows], chosen


@helper
def funnel_snapshot(
    category_id: int = 0,
    *,
    period: Period | None = None,
    responsible: Ids = None,
    source: Codes = None,
) -> Flow[FunnelSnapshot]:
    """Where a funnel's deals are now: per stage, reached, conversions, won/lost/open, win rate.

    ``period`` = ``(start, end)`` on ``DATE_CREATE`` (end excluded); ``responsible``: user id(s);
    ``source``: ``SOURCE_ID`` code(s); titled with the funnel's name (crm.status.list, crm.category.list,
    crm.deal.list).
    """
    category_id = ensure_category_id(category_id)
    stages, name, deals, chosen = yield from _stages_and_deals(category_id, period, responsible, source)
    return snapshot(deals, stages, category_id=category_id, category_name=name, filters=chosen)


@helper
def funnel_breakdown(
    category_id: int = 0,
    *,
    by: str = "responsible",
    period: Period | None = None,
    responsible: Ids = None,
    source: Codes = None,
) -> Flow[FunnelBreakdown]:
    """A funnel's deals by ``"responsible"`` (named with user.get) or ``"month"`` of creation
    (crm.status.list, crm.category.list, crm.deal.list, user.get).

    Each row's ``key`` is the group's id, its ``label`` the person's name (``#id`` for a user ``user.get``
    does not return) or the month.
    """
    category_id = ensure_category_id(category_id)
    if by not in ("responsible", "month"):
        raise InvalidInputError(f"by must be 'responsible' or 'month', not {by!r}", field="by")
    stages, name, deals, _ = yield from _stages_and_deals(category_id, period, responsible, source)
    labels: dict[str, str] = {}
    if by == "responsible":
        kinds = {s.id for s in stages}
        people = yield from user_names(d.assigned_by_id for d in deals if d.stage_id in kinds)
        labels = {str(user_id): label for user_id, label in people.items()}
    return breakdown(deals, stages, by, category_id=category_id, category_name=name, labels=labels)


@helper
def funnel_flow(
    category_id: int = 0,
    *,
    period: Period | None = None,
    responsible: Ids = None,
    source: Codes = None,
) -> Flow[FunnelFlow]:
    """Deals that entered each stage in ``period`` (event time, end excluded), conversion, days in stage,
    cycle times to won/lost, funnel changes (crm.status.list, crm.category.list, crm.stagehistory.list,
    crm.deal.list).

    ``responsible``/``source`` pick deals by their current ``ASSIGNED_BY_ID``/``SOURCE_ID``.
    """
    category_id = ensure_category_id(category_id)
    crm = CrmCalls()
    stages, name = yield from _funnel_directory(category_id)
    deal_ids: list[int] | None = None
    if responsible is not None or source is not None:
        flt, _ = _deal_filter(None, None, responsible, source)
        rows = yield from collect(crm.deal.iter_all(filter=flt, select=["ID"], raw=True))
        deal_ids = [int(r["ID"]) for r in rows]
    items = yield from collect(crm.stagehistory.iter_all(2, select=_HISTORY_FIELDS))
    events = [e for e in (stage_event(i) for i in items) if e is not None]
    return flow(events, stages, category_id=category_id, category_name=name, period=period, deal_ids=deal_ids)


@helper
def lead_funnel(
    *,
    period: Period | None = None,
    responsible: Ids = None,
    source: Codes = None,
) -> Flow[LeadFunnel]:
    """Leads per status and the lead -> deal conversion, overall and by source, sources named
    (crm.status.list: STATUS and SOURCE in one batch, crm.lead.list, crm.deal.list).

    ``period`` is on the leads' ``DATE_CREATE`` (end excluded).
    """
    crm = CrmCalls()
    flt, _ = _deal_filter(None, period, responsible, source)
    outcomes: list[Outcome[Any]] = yield Batch([crm.status.stages("STATUS"), crm.status.stages("SOURCE")])
    statuses, sources = outcomes[0].unwrap(), value_or(outcomes[1], [])
    leads = yield from collect(crm.lead.iter_all(filter=flt, select=_LEAD_FIELDS, raw=True))
    deals = yield from collect(crm.deal.iter_all(filter={">LEAD_ID": 0}, select=["ID", "LEAD_ID"], raw=True))
    with_deal = {lead_id for lead_id in (_int(d.get("LEAD_ID")) for d in deals) if lead_id}
    return lead_stats(
        [lead_record(r) for r in leads], [stage_of(s) for s in statuses], with_deal, source_names(sources)
    )
