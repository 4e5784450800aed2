"""Funnel statistics: where deals are, how they moved, breakdowns and the lead funnel.

- the helpers :func:`funnel_snapshot`, :func:`funnel_flow`, :func:`funnel_breakdown`, :func:`lead_funnel`
  read a portal in a few bounded requests and return typed results (tables, DataFrames, charts);
- the pure functions behind them, over small records and without a portal: :func:`snapshot`,
  :func:`breakdown`, :func:`lead_stats` (over :class:`DealRecord`, :class:`LeadRecord`, :class:`Stage`)
  and :func:`flow` (over :class:`StageEvent`).
"""

from ._flow_stats import StageEvent, flow
from ._funnel import funnel_breakdown, funnel_flow, funnel_snapshot, lead_funnel
from ._report import (
    BreakdownRow,
    FlowStageRow,
    FunnelBreakdown,
    FunnelFlow,
    FunnelSnapshot,
    LeadFunnel,
    LeadSourceRow,
    Stage,
    StageRow,
)
from ._stats import DealRecord, LeadRecord, Period, breakdown, lead_stats, snapshot

__all__ = [
    "BreakdownRow",
    "DealRecord",
    "FlowStageRow",
    "FunnelBreakdown",
    "FunnelFlow",
    "FunnelSnapshot",
    "LeadFunnel",
    "LeadRecord",
    "LeadSourceRow",
    "Period",
    "Stage",
    "StageEvent",
    "StageRow",
    "breakdown",
    "flow",
    "funnel_breakdown",
    "funnel_flow",
    "funnel_snapshot",
    "lead_funnel",
    "lead_stats",
    "snapshot",
]
