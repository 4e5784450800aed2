"""The project progress chart with matplotlib (the ``plot`` extra), in the funnel charts' house style:
the object API on an Agg canvas, never ``pyplot`` (no global state, no window, the caller's backend kept)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_progress"]

#: the portal's colours: done green, overdue red, in progress blue, deferred grey
COLOURS = {"done": "#7BD500", "overdue": "#FF5752", "in progress": "#39A8EF", "deferred": "#A8ADB4"}


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('plot() needs matplotlib: pip install "bitrix24-toolkit[plot]"') from exc
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def plot_progress(
    names: Sequence[str], series: Mapping[str, Sequence[int]], title: str, path: str | None = None
) -> Figure:
    """Horizontal stacked bars, one per person (first on top), one colour per state; PNG at ``path``."""
    figure: Figure = _figure(8, 1.2 + 0.45 * max(len(names), 1))
    axes = figure.subplots()
    positions = list(range(len(names)))[::-1]
    lefts = [0] * len(names)
    for state, values in series.items():
        axes.barh(positions, list(values), left=lefts, label=state, color=COLOURS.get(state), height=0.7)
        lefts = [a + b for a, b in zip(lefts, values, strict=True)]
    axes.set_yticks(positions, list(names))
    axes.set_xlabel("tasks")
    axes.set_title(title, fontsize=10)
    if names:
        axes.legend(loc="lower right", fontsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    if path is not None:
        figure.savefig(path, dpi=96)
    return figure
