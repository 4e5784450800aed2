"""A rich progress bar on stderr for long reads (hidden when stderr is not a terminal)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..protocol.call import Emit, Stream, relay

__all__ = ["Counter", "counting", "rows_bar"]

T = TypeVar("T")


class Counter(Protocol):
    """What a stream reports to: rows received and, once known, how many will come."""

    def advance(self, rows: int, total: int | None) -> None:
        """Count ``rows`` more rows; ``total`` when the portal said."""


class _Bar:
    def __init__(self, progress: Progress, label: str) -> None:
        self._progress = progress
        self._task = progress.add_task(label, total=None)

    def advance(self, rows: int, total: int | None) -> None:
        if total is not None:
            self._progress.update(self._task, total=total)
        self._progress.advance(self._task, rows)


@contextmanager
def rows_bar(label: str) -> Iterator[Counter]:
    """A progress bar counting rows, drawn on stderr while the block runs and removed after it."""
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        yield _Bar(progress, label)


def counting(stream: Stream[T], counter: Counter) -> Stream[T]:
    """The same stream, reporting each page of items it emits to ``counter``."""

    def report(emit: Emit[T]) -> Emit[T]:
        counter.advance(len(emit.items), emit.total)
        return emit

    return relay(stream, report)
