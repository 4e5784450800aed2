"""The typed results of the funnel statistics, each readable as a dict, a table, a DataFrame or a chart.

Every result has ``to_dict()`` (plain JSON-able values: amounts as floats, times as ISO strings),
``to_markdown()``, ``_repr_html_()`` (Jupyter shows the table), ``to_dataframe()`` (needs the ``pandas``
extra) and ``plot(path=None)`` (needs the ``plot`` extra; draws the chart, saves a PNG at ``path``).
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._plot import plot_bars, plot_funnel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "BreakdownRow",
    "FlowStageRow",
    "FunnelBreakdown",
    "FunnelFlow",
    "FunnelSnapshot",
    "LeadFunnel",
    "LeadSourceRow",
    "Stage",
    "StageRow",
]


def plain(value: Any) -> Any:
    """A JSON-able copy: dataclasses -> dicts, Decimal -> float, datetimes -> ISO strings."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:,.1f}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dict):
        return "; ".join(f"{_cell(v)} {k}" for k, v in value.items())
    return str(value)


class _Table:
    """Rendering shared by the results: subclasses give a title, column names and rows."""

    def title(self) -> str:
        """A one-line caption."""
        raise NotImplementedError

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Column names and rows of typed values (percentages as 0..1 floats)."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-able values."""
        out = plain(self)
        assert isinstance(out, dict)
        return out

    def to_markdown(self) -> str:
        """A Markdown table with a caption."""
        columns, rows = self.table()
        lines = [f"**{self.title()}**", "", "| " + " | ".join(columns) + " |"]
        lines.append("|" + "|".join("---" for _ in columns) + "|")
        lines += ["| " + " | ".join(_cell(v).replace("|", "/") for v in row) + " |" for row in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        columns, rows = self.table()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
        )
        caption = html.escape(self.title())
        return (
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    def to_dataframe(self) -> Any:
        """The table as a ``pandas.DataFrame`` (amounts as floats, one column per currency)."""
        try:
            pd = importlib.import_module("pandas")  # optional extra, imported only here
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError('to_dataframe() needs pandas: pip install "bitrix24-toolkit[pandas]"') from exc
        columns, rows = self.table()
        flat_rows: list[dict[str, Any]] = []
        for row in rows:
            flat: dict[str, Any] = {}
            for name, value in zip(columns, row, strict=True):
                if isinstance(value, dict):
                    flat.update({f"{name} {k}": float(v) for k, v in value.items()})
                else:
                    flat[name] = float(value) if isinstance(value, Decimal) else value
            flat_rows.append(flat)
        return pd.DataFrame(flat_rows)


@dataclass(frozen=True)
class Stage:
    """A funnel stage or a lead status: ``semantics`` ``P`` in progress, ``S`` success, ``F`` failure."""

    id: str
    name: str
    sort: int = 0
    semantics: str = "P"
    color: str | None = None


@dataclass
class StageRow:
    """A stage in a snapshot: deals in it now, their amounts, the cumulative count and conversions."""

    stage: Stage
    count: int
    amounts: dict[str, Decimal]
    #: deals in this stage or any later stage in progress, plus the won ones (failure stages: itself)
    reached: int
    conversion_from_previous: float | None
    conversion_from_first: float | None


@dataclass
class FunnelSnapshot(_Table):
    """Where the deals of a funnel are now (:func:`~bitrix24_toolkit.helpers.funnel_snapshot`)."""

    category_id: int
    stages: list[StageRow]
    open: int
    won: int
    lost: int
    won_amounts: dict[str, Decimal]
    open_amounts: dict[str, Decimal]
    #: won / (won + lost); ``None`` when nothing is closed
    win_rate: float | None
    #: deals whose stage is not in the funnel's directory (left out of the stages)
    unknown_stage: int = 0
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Deals counted."""
        return self.open + self.won + self.lost

    def title(self) -> str:
        """A one-line caption."""
        rate = "n/a" if self.win_rate is None else f"{self.win_rate:.1%}"
        return (
            f"Funnel {self.category_id}: {self.total} deals, {self.open} open, {self.won} won, "
            f"{self.lost} lost, win rate {rate}"
        )

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Stage, deals now, amount, reached, conversion from the previous / first stage."""
        columns = ["stage", "deals", "amount", "reached", "from previous", "from first"]
        rows = [
            [
                r.stage.name,
                r.count,
                r.amounts,
                r.reached,
                r.conversion_from_previous,
                r.conversion_from_first,
            ]
            for r in self.stages
        ]
        return columns, rows

    def plot(self, path: str | None = None) -> Figure:
        """The funnel chart (stages in progress and the success stage, by ``reached``); PNG at ``path``."""
        return _plot_stages(self.stages, lambda r: r.reached, self.title(), path)


@dataclass
class FlowStageRow:
    """A stage over a period: deals that entered it, went further, and how long stays lasted (days)."""

    stage: Stage
    entered: int
    moved_on: int
    conversion: float | None
    median_days: float | None
    mean_days: float | None
    #: finished stays the times are computed from
    stays: int


@dataclass
class FunnelFlow(_Table):
    """How deals moved through a funnel, from history (:func:`~bitrix24_toolkit.helpers.funnel_flow`)."""

    category_id: int
    stages: list[FlowStageRow]
    won: int
    lost: int
    median_days_to_won: float | None
    median_days_to_lost: float | None
    mean_days_to_won: float | None
    mean_days_to_lost: float | None
    #: funnel changes (history ``TYPE_ID`` 5) into and out of this funnel
    moved_in: int = 0
    moved_out: int = 0
    period: tuple[Any, Any] | None = None

    def title(self) -> str:
        """A one-line caption."""
        when = "" if self.period is None else f" {self.period[0]} .. {self.period[1]}"
        return f"Funnel {self.category_id} flow{when}: {self.won} won, {self.lost} lost"

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Stage, entered, moved on, conversion, median and mean days in stage."""
        columns = ["stage", "entered", "moved on", "conversion", "median days", "mean days"]
        rows = [
            [r.stage.name, r.entered, r.moved_on, r.conversion, r.median_days, r.mean_days]
            for r in self.stages
        ]
        return columns, rows

    def plot(self, path: str | None = None) -> Figure:
        """Deals that entered each stage in the period, as a funnel chart; PNG at ``path``."""
        return _plot_stages(self.stages, lambda r: r.entered, self.title(), path)


@dataclass
class LeadSourceRow:
    """Leads of one source: how many, how many became deals, how many were junk."""

    source_id: str
    leads: int
    converted: int
    with_deal: int
    junk: int
    #: with_deal / leads
    deal_rate: float | None


@dataclass
class LeadFunnel(_Table):
    """Lead statuses and the lead -> deal conversion (:func:`~bitrix24_toolkit.helpers.lead_funnel`)."""

    statuses: list[StageRow]
    by_source: list[LeadSourceRow]
    leads: int
    with_deal: int
    deal_rate: float | None

    def title(self) -> str:
        """A one-line caption."""
        rate = "n/a" if self.deal_rate is None else f"{self.deal_rate:.1%}"
        return f"Leads: {self.leads}, {self.with_deal} turned into deals ({rate})"

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Source, leads, converted, with a deal, junk, lead -> deal rate."""
        columns = ["source", "leads", "converted", "with deal", "junk", "deal rate"]
        rows = [[r.source_id, r.leads, r.converted, r.with_deal, r.junk, r.deal_rate] for r in self.by_source]
        return columns, rows

    def plot(self, path: str | None = None) -> Figure:
        """The lead funnel by status (cumulative, as the portal draws it); PNG at ``path``."""
        shown = [r for r in self.statuses if r.stage.semantics != "F"]
        return plot_funnel(
            [r.stage.name for r in shown],
            [r.reached for r in shown],
            [r.stage.color for r in shown],
            self.title(),
            path,
        )


@dataclass
class BreakdownRow:
    """One group (a responsible user or a month): deals by outcome and by stage."""

    key: str
    total: int
    open: int
    won: int
    lost: int
    win_rate: float | None
    won_amounts: dict[str, Decimal]
    by_stage: dict[str, int]


@dataclass
class FunnelBreakdown(_Table):
    """A funnel by responsible or by month (:func:`~bitrix24_toolkit.helpers.funnel_breakdown`)."""

    category_id: int
    by: str
    rows: list[BreakdownRow]
    stages: list[Stage]

    def title(self) -> str:
        """A one-line caption."""
        return f"Funnel {self.category_id} by {self.by}: {len(self.rows)} groups"

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Group, totals, win rate, won amount, then one column per stage."""
        names = [s.name for s in self.stages]
        columns = [self.by, "deals", "open", "won", "lost", "win rate", "won amount", *names]
        rows = [
            [r.key, r.total, r.open, r.won, r.lost, r.win_rate, r.won_amounts]
            + [r.by_stage.get(s.id, 0) for s in self.stages]
            for r in self.rows
        ]
        return columns, rows

    def plot(self, path: str | None = None) -> Figure:
        """Open, won and lost deals per group as stacked bars; PNG at ``path``."""
        series = {
            "open": [r.open for r in self.rows],
            "won": [r.won for r in self.rows],
            "lost": [r.lost for r in self.rows],
        }
        return plot_bars([r.key for r in self.rows], series, self.title(), path)


def _plot_stages(rows: Sequence[Any], value: Callable[[Any], int], title: str, path: str | None) -> Figure:
    """A funnel chart of the stages in progress and the success stage (failures are not part of a funnel)."""
    shown = [r for r in rows if r.stage.semantics != "F"]
    return plot_funnel(
        [r.stage.name for r in shown], [value(r) for r in shown], [r.stage.color for r in shown], title, path
    )
