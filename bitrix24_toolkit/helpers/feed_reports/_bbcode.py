"""Reports as the portal's BB-code (pure): escaped text, ``[TABLE]`` tables, bounded size.

log-blogpost-add.md documents no markup for ``POST_MESSAGE``; the live feed renders the BB-code its editor
writes, of which only four tags are used here: ``[B]`` (bold), ``[TABLE]``, ``[TR]``, ``[TD]``.

Text from a report (titles, names, cell values) can never open a tag: every ``[`` of it is followed by a
zero-width space (U+200B), so ``[URL=...]`` or ``[/TABLE]`` in a deal title reads as itself and is not
markup. Control characters are dropped, line breaks inside a cell become spaces, a cell is cut at
:data:`MAX_CELL` characters; a table keeps at most ``max_rows`` rows and the message stays under
``max_chars`` (rows that do not fit are counted in a last line).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

__all__ = ["MAX_CELL", "Section", "escape_bbcode", "format_cell", "render_sections"]

#: characters of one cell before it is cut
MAX_CELL: Final = 300
#: what an empty or not-computable value reads
NOT_AVAILABLE: Final = "–"
_ZWSP: Final = "\u200b"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"\s*[\r\n]+\s*")
#: characters kept free for the last line ("… N more rows not shown")
_RESERVE: Final = 40


def escape_bbcode(text: str, *, one_line: bool = False) -> str:
    """``text`` with no BB-code tag it could open (``[`` -> ``[`` + U+200B) and no control characters."""
    clean = _CONTROL.sub("", str(text)).replace("\t", " ")
    if one_line:
        clean = _BREAKS.sub(" ", clean).strip()
    return clean.replace("[", "[" + _ZWSP)


def format_cell(value: Any, *, shares: bool = False) -> str:
    """A value as a cell's text (``shares``: floats 0..1 are percentages, as in the funnel reports)."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return NOT_AVAILABLE
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values, without importing pandas
        return NOT_AVAILABLE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1%}" if shares and 0 <= value <= 1 else f"{value:,.2f}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):  # amounts per currency
        return "; ".join(f"{format_cell(v, shares=shares)} {k}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return ", ".join(format_cell(v, shares=shares) for v in value)
    text = str(value)
    return text if text.strip() else ""


def _cell(value: Any, shares: bool) -> str:
    text = format_cell(value, shares=shares)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return escape_bbcode(text, one_line=True)


@dataclass(frozen=True)
class Section:
    """One table of a report: an optional caption, column names, rows of values."""

    caption: str | None
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    #: floats 0..1 are shares (the funnel reports' convention)
    shares: bool = False


@dataclass(frozen=True)
class Rendered:
    """A message and how many table rows it shows of how many."""

    text: str
    rows_shown: int
    rows_total: int


def _row(cells: Sequence[str], bold: bool = False) -> str:
    if bold:
        cells = [f"[B]{c}[/B]" for c in cells]
    return "[TR]" + "".join(f"[TD]{c}[/TD]" for c in cells) + "[/TR]"


def render_sections(
    heading: str | None, sections: Sequence[Section], *, max_rows: int, max_chars: int
) -> Rendered:
    """The message: the heading in bold, then each section's caption and table, within the bounds (the rows
    left out are counted in a last line; a section that does not fit at all is left out whole)."""
    parts: list[str] = []
    if heading:
        parts.append(f"[B]{_cell(heading, False)}[/B]")
    used = sum(len(p) + 1 for p in parts)
    total = sum(len(section.rows) for section in sections)
    shown = 0
    stopped = False
    for section in sections:
        if stopped:
            break
        head = f"[B]{_cell(section.caption, False)}[/B]\n" if section.caption else ""
        columns = [_cell(c, False) for c in section.columns]
        table = "[TABLE]" + _row(columns, bold=True)
        fixed = len(head) + len(table) + len("[/TABLE]") + 1
        budget = max_chars - used - fixed - _RESERVE
        if budget < 0:
            break
        body: list[str] = []
        for values in section.rows:
            line = _row([_cell(v, section.shares) for v in list(values)[: len(columns)]])
            if shown >= max_rows or len(line) > budget:
                stopped = True
                break
            budget -= len(line)
            body.append(line)
            shown += 1
        piece = head + table + "".join(body) + "[/TABLE]"
        parts.append(piece)
        used += len(piece) + 1
    if shown < total:
        parts.append(f"… {total - shown} more rows not shown")
    return Rendered("\n".join(parts), shown, total)
