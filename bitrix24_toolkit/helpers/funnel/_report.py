"""The typed results of the funnel statistics, each readable as a dict, a table, a DataFrame or a chart.

Every result has ``to_dict()`` (plain JSON-able values: amounts as floats, times as ISO strings),
``to_markdown()``, ``_repr_html_()`` (Jupyter shows the table), ``to_dataframe()`` (needs the ``pandas``
extra) and ``plot(path=None)`` (needs the ``plot`` extra; draws the chart, saves a PNG at ``path``).

Tables show names (the funnel's, the stages', people's, sources'); ``data_table()`` and the DataFrame add
the ids beside them (``stage id``, ``user id``, ``source id`` columns) for programs that join on ids. An
empty stage's amount is ``0`` in the report's main currency, never an empty cell; a rate or a time that
cannot be computed (0 of 0, no stays) reads ``–`` (``NaN`` in a DataFrame).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...errors import InvalidInputError
from ._plot import plot_bars, plot_funnel
from ._table import Table, filled

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
class FunnelSnapshot(Table):
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
    #: the funnel's name (``crm.category.list``); empty when unknown
    category_name: str = ""

    @property
    def total(self) -> int:
        """Deals counted."""
        return self.open + self.won + self.lost

    @property
    def funnel_name(self) -> str:
        """The funnel's name, ``Funnel N`` when the portal did not give one."""
        return self.category_name or f"Funnel {self.category_id}"

    def title(self) -> str:
        """A one-line caption."""
        rate = "n/a" if self.win_rate is None else f"{self.win_rate:.1%}"
        return (
            f"{self.funnel_name}: {self.total} deals, {self.open} open, {self.won} won, "
            f"{self.lost} lost, win rate {rate}"
        )

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Stage, deals now, amount, reached, conversion from the previous / first stage."""
        columns = ["stage", "deals", "amount", "reached", "from previous", "from first"]
        amounts = filled([r.amounts for r in self.stages])
        rows = [
            [
                r.stage.name,
                r.count,
                amount,
                r.reached,
                r.conversion_from_previous,
                r.conversion_from_first,
            ]
            for r, amount in zip(self.stages, amounts, strict=True)
        ]
        return columns, rows

    def ids(self) -> dict[str, list[Any]]:
        """The ``stage id`` column."""
        return {"stage id": [r.stage.id for r in self.stages]}

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
class FunnelFlow(Table):
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
    #: the funnel's name (``crm.category.list``); empty when unknown
    category_name: str = ""

    @property
    def funnel_name(self) -> str:
        """The funnel's name, ``Funnel N`` when the portal did not give one."""
        return self.category_name or f"Funnel {self.category_id}"

    def title(self) -> str:
        """A one-line caption."""
        when = "" if self.period is None else f" {self.period[0]} .. {self.period[1]}"
        return f"{self.funnel_name}, flow{when}: {self.won} won, {self.lost} lost"

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Stage, entered, moved on, conversion, median and mean days in stage."""
        columns = ["stage", "entered", "moved on", "conversion", "median days", "mean days"]
        rows = [
            [r.stage.name, r.entered, r.moved_on, r.conversion, r.median_days, r.mean_days]
            for r in self.stages
        ]
        return columns, rows

    def ids(self) -> dict[str, list[Any]]:
        """The ``stage id`` column."""
        return {"stage id": [r.stage.id for r in self.stages]}

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
    #: the source's name (``crm.status.list``, directory ``SOURCE``); the code when unknown
    name: str = ""


@dataclass
class LeadFunnel(Table):
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
        """Source (its name), leads, converted, with a deal, junk, lead -> deal rate."""
        columns = ["source", "leads", "converted", "with deal", "junk", "deal rate"]
        rows = [
            [r.name or r.source_id, r.leads, r.converted, r.with_deal, r.junk, r.deal_rate]
            for r in self.by_source
        ]
        return columns, rows

    def ids(self) -> dict[str, list[Any]]:
        """The ``source id`` column (the ``SOURCE_ID`` code, ``""`` for leads without a source)."""
        return {"source id": [r.source_id for r in self.by_source]}

    def plot(self, path: str | None = None, *, by: str = "status") -> Figure:
        """The lead funnel by status (cumulative, as the portal draws it), or with ``by="source"`` the
        leads of each source as stacked bars (with a deal, junk, other); PNG at ``path``."""
        if by == "source":
            rows = self.by_source
            series = {
                "with deal": [r.with_deal for r in rows],
                "junk": [r.junk for r in rows],
                "other": [max(r.leads - r.with_deal - r.junk, 0) for r in rows],
            }
            labels = [r.name or r.source_id for r in rows]
            return plot_bars(labels, series, self.title(), path, xlabel="source", ylabel="leads")
        if by != "status":
            raise InvalidInputError(f"by must be 'status' or 'source', not {by!r}", field="by")
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
    #: what people read: the user's name (``#id`` when unknown) or the month; ``key`` keeps the id
    label: str = ""

    @property
    def user_id(self) -> int | None:
        """The responsible user's id (``None`` for the month rows and for deals without one)."""
        return int(self.key) if self.key.isdigit() else None


@dataclass
class FunnelBreakdown(Table):
    """A funnel by responsible or by month (:func:`~bitrix24_toolkit.helpers.funnel_breakdown`)."""

    category_id: int
    by: str
    rows: list[BreakdownRow]
    stages: list[Stage]
    #: the funnel's name (``crm.category.list``); empty when unknown
    category_name: str = ""

    @property
    def funnel_name(self) -> str:
        """The funnel's name, ``Funnel N`` when the portal did not give one."""
        return self.category_name or f"Funnel {self.category_id}"

    def title(self) -> str:
        """A one-line caption."""
        return f"{self.funnel_name} by {self.by}: {len(self.rows)} groups"

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Group (a person's name or a month), totals, win rate, won amount, then one column per stage."""
        names = [s.name for s in self.stages]
        columns = [self.by, "deals", "open", "won", "lost", "win rate", "won amount", *names]
        won = filled([r.won_amounts for r in self.rows])
        rows = [
            [r.label or r.key, r.total, r.open, r.won, r.lost, r.win_rate, amount]
            + [r.by_stage.get(s.id, 0) for s in self.stages]
            for r, amount in zip(self.rows, won, strict=True)
        ]
        return columns, rows

    def ids(self) -> dict[str, list[Any]]:
        """The ``user id`` column (by responsible; ``None`` for deals without one)."""
        return {"user id": [r.user_id for r in self.rows]} if self.by == "responsible" else {}

    def plot(self, path: str | None = None) -> Figure:
        """Open, won and lost deals per group as stacked bars; PNG at ``path``."""
        series = {
            "open": [r.open for r in self.rows],
            "won": [r.won for r in self.rows],
            "lost": [r.lost for r in self.rows],
        }
        labels = [r.label or r.key for r in self.rows]
        return plot_bars(labels, series, self.title(), path, xlabel=self.by, ylabel="deals")


def _plot_stages(rows: Sequence[Any], value: Callable[[Any], int], title: str, path: str | None) -> Figure:
    """A funnel chart of the stages in progress and the success stage (failures are not part of a funnel)."""
    shown = [r for r in rows if r.stage.semantics != "F"]
    return plot_funnel(
        [r.stage.name for r in shown], [value(r) for r in shown], [r.stage.color for r in shown], title, path
    )
