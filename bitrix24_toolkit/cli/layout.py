"""Fitting output to the terminal: the width, lines wrapped at word boundaries, table column widths.

The width is ``COLUMNS`` when set, else the terminal's, else 80 (piped output too, so that
``COLUMNS=80 b24 demo | awk ...`` sees the same lines as the terminal). Words are never split: a text line
wraps at spaces (a continuation keeps the line's indent and tree lines, plus two spaces); a table gives each
column at least its longest word and, when even that does not fit, leaves out columns from the right and
says which on stderr. Only a single word wider than the whole line is broken (folded), there is no other way.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from rich.cells import cell_len

__all__ = ["Layout", "fit_columns", "is_plain", "line_width", "wrap_line"]

#: narrower than this, nothing useful fits: wrap as if the terminal were this wide
MIN_WIDTH: Final = 20
#: a line's indent and tree-drawing prefix (``│   └── ``), kept on its continuation lines
_PREFIX: Final = re.compile(r"^[ \t│├└─]*")
_CONTINUE: Final = str.maketrans({"├": "│", "└": " ", "─": " ", "\t": " "})


def line_width() -> int:
    """Columns available for a line: ``COLUMNS``, else the terminal's width, else 80."""
    columns = shutil.get_terminal_size((80, 24)).columns
    return max(MIN_WIDTH, columns if columns > 0 else 80)


def is_plain(stream: Any = None) -> bool:
    """Whether output goes to a pipe or file (plain text: no colours, no frames), not a terminal."""
    target = stream if stream is not None else sys.stdout
    try:
        return not bool(target.isatty())
    except (AttributeError, OSError, ValueError):
        return True


def wrap_line(line: str, width: int) -> list[str]:
    """One line as lines of at most ``width`` cells, broken at spaces only (never inside a word)."""
    line = line.rstrip()
    if cell_len(line) <= width:
        return [line]
    prefix = _PREFIX.match(line)
    lead = prefix.group(0) if prefix else ""
    follow = lead.translate(_CONTINUE) + "  "
    if cell_len(follow) > width // 2:  # a deep tree on a narrow terminal: keep what room there is
        follow = "  "
    words = line[len(lead) :].split(" ")
    lines: list[str] = []
    current = lead
    current_len = cell_len(lead)
    start = True  # nothing but the prefix on the current line yet
    for word in words:
        if not word:
            continue
        size = cell_len(word)
        if not start and current_len + 1 + size > width:
            lines.append(current)
            current, current_len, start = follow, cell_len(follow), True
        if start:
            current += word
            current_len += size
            start = False
        else:
            current += " " + word
            current_len += 1 + size
    lines.append(current)
    return lines


def _words(text: str) -> list[str]:
    return [word for line in text.splitlines() for word in line.split()]


@dataclass(frozen=True)
class Layout:
    """Which columns a table shows and how wide each is (``widths`` lines up with ``shown``)."""

    shown: list[int]
    widths: list[int]
    #: columns that would split a word even alone on the line (their longest word is folded)
    folded: frozenset[int]

    def hidden(self, count: int) -> list[int]:
        """The indexes of the columns left out."""
        return [index for index in range(count) if index not in self.shown]


def fit_columns(
    cells: Sequence[Sequence[str]],
    *,
    unbreakable: Sequence[bool],
    width: int,
    overhead: int,
    per_column: int,
) -> Layout:
    """Column widths for a table of texts (``cells[0]`` is the header row) in ``width`` cells.

    ``overhead + per_column * n`` cells go to frames and padding for ``n`` columns; ``unbreakable``
    columns (amounts, numbers) never wrap. Columns keep at least their longest word; the rest of the room
    goes to the columns whose text is longest, up to what they need.
    """
    count = len(cells[0]) if cells else 0
    natural = [0] * count
    minimum = [0] * count
    longest = [0] * count  # of the values' lines (an unbreakable value needs all of it)
    for number, row in enumerate(cells):
        for index, text in enumerate(row[:count]):
            lines = text.splitlines() or [""]
            natural[index] = max(natural[index], *(cell_len(line) for line in lines))
            minimum[index] = max(minimum[index], 1, *(cell_len(word) for word in _words(text)))
            if number:
                longest[index] = max(longest[index], *(cell_len(line) for line in lines))
    for index in range(count):
        if unbreakable[index]:  # the header may still wrap at its spaces
            minimum[index] = max(minimum[index], longest[index])
    shown = list(range(count))

    def room(columns: int) -> int:
        return width - overhead - per_column * columns

    while len(shown) > 1 and sum(minimum[i] for i in shown) > room(len(shown)):
        shown.pop()
    available = max(1, room(len(shown)))
    widths = {i: min(minimum[i], available) for i in shown}
    folded = frozenset(i for i in shown if minimum[i] > available)
    spare = available - sum(widths.values())
    while spare > 0:
        wanting = [i for i in shown if widths[i] < natural[i]]
        if not wanting:
            break
        need = sum(natural[i] - widths[i] for i in wanting)
        if need <= spare:
            for i in wanting:
                widths[i] = natural[i]
            break
        given = 0
        for i in wanting:  # in proportion to what each still needs, at least one cell each
            share = max(1, (natural[i] - widths[i]) * spare // need)
            share = min(share, natural[i] - widths[i], spare - given)
            widths[i] += share
            given += share
            if given >= spare:
                break
        spare -= given
    return Layout(shown, [widths[i] for i in shown], folded)
