"""Funnel and bar charts with matplotlib (the ``plot`` extra).

Figures are built with the object API (``matplotlib.figure.Figure`` on an Agg canvas), never through
``pyplot``: no global state, no GUI window, nothing changed in the caller's backend; Jupyter shows a
returned figure once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_bars", "plot_funnel"]

_DEFAULT_COLOUR = "#39A8EF"


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('plot() needs matplotlib: pip install "bitrix24-toolkit[plot]"') from exc
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def _finish(figure: Figure, path: str | None) -> Figure:
    figure.tight_layout()
    if path is not None:
        figure.savefig(path, dpi=96)
    return figure


def plot_funnel(
    labels: Sequence[str],
    values: Sequence[int],
    colors: Sequence[str | None],
    title: str,
    path: str | None = None,
) -> Figure:
    """Centred horizontal bars, widest on top, labelled with the count and the share of the first bar."""
    figure = _figure(8, 0.6 + 0.55 * max(len(labels), 1))
    axes = figure.subplots()
    top = max(values, default=0) or 1
    first = values[0] if values else 0
    positions = list(range(len(labels)))[::-1]
    for y, label, value, colour in zip(positions, labels, values, colors, strict=True):
        axes.barh(y, value, left=(top - value) / 2, height=0.8, color=colour or _DEFAULT_COLOUR)
        share = f" ({value / first:.0%})" if first else ""
        axes.text(top / 2, y, f"{label}: {value}{share}", ha="center", va="center", fontsize=9)
    axes.set_xlim(0, top)
    axes.set_yticks([])
    axes.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=10)
    return _finish(figure, path)


_PALETTE = {
    "open": "#39A8EF",
    "won": "#7BD500",
    "lost": "#FF5752",
    "with deal": "#7BD500",
    "junk": "#FF5752",
    "other": "#39A8EF",
}


def plot_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[int]],
    title: str,
    path: str | None = None,
    *,
    xlabel: str = "",
    ylabel: str = "",
) -> Figure:
    """Stacked vertical bars, one stack per label (names as people read them), one colour per series.

    Bars stand at positions 0..n-1 with the labels as tick texts, so two equal labels stay two bars.
    """
    figure = _figure(max(6, 0.6 * len(labels) + 2), 4)
    axes = figure.subplots()
    positions = list(range(len(labels)))
    bottoms = [0] * len(labels)
    for name, values in series.items():
        axes.bar(positions, list(values), bottom=bottoms, label=name, color=_PALETTE.get(name))
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    axes.set_xticks(positions, list(labels), rotation=45, ha="right", rotation_mode="anchor")
    axes.set_title(title, fontsize=10)
    if xlabel:
        axes.set_xlabel(xlabel)
    if ylabel:
        axes.set_ylabel(ylabel)
    axes.legend()
    return _finish(figure, path)
