"""Progress bars for long reads and bulk writes (``progress=True``), drawn by ``tqdm.auto``.

``tqdm.auto`` picks the notebook widget in Jupyter and a text bar in a terminal. The bar is created on the
first page, with the total when the portal gave one, and closed when the stream ends or is abandoned.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from ..protocol.call import Emit, Stream, relay

__all__ = ["Bar", "open_bar", "track"]

T = TypeVar("T")


class Bar(Protocol):
    """The part of a tqdm bar we use."""

    total: float | None

    def update(self, n: float = 1) -> bool | None:
        """Advance the bar."""

    def refresh(self) -> None:
        """Redraw."""

    def close(self) -> None:
        """Finish the bar."""


def open_bar(desc: str, total: int | None, unit: str) -> Bar:
    """A ``tqdm.auto`` bar (imported on first use)."""
    from tqdm.auto import tqdm

    bar: Bar = tqdm(total=total, desc=desc, unit=unit, dynamic_ncols=True, leave=True)
    return bar


def track(stream: Stream[T], desc: str, *, enabled: bool, unit: str = "rows") -> Stream[T]:
    """The same stream, advancing a progress bar by each batch of items it emits."""
    if not enabled:
        return (yield from stream)
    bar: Bar | None = None

    def advance(emit: Emit[T]) -> Emit[T]:
        nonlocal bar
        if bar is None:
            bar = open_bar(desc, emit.total, unit)
        elif emit.total is not None and bar.total != emit.total:
            bar.total = emit.total
            bar.refresh()
        bar.update(len(emit.items))
        return emit

    try:
        yield from relay(stream, advance)
    finally:
        if bar is not None:
            bar.close()
