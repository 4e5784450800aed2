"""``post_report``: a report as a live-feed post (log.blogpost.add), formatted in BB-code.

A report is any of:

- a funnel result (:func:`funnel_snapshot`, :func:`funnel_flow`, :func:`funnel_breakdown`,
  :func:`lead_funnel`) or any object with ``title()`` and ``table()`` (columns, rows);
- a :class:`ProjectProgress` (its people table, then its task table);
- a ``pandas.DataFrame``; a list of dicts (the columns are their keys); a list of lists with ``columns=``;
- a text (posted as it is, escaped).

``to`` names who may read the post (log-blogpost-add.md ``DEST``): ``"UA"`` everyone, ``"U<id>"`` a user
(an int is a user id too), ``"DR<id>"`` a department with its sub-departments, ``"SG<id>"`` a workgroup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ...errors import InvalidInputError, short_repr
from ...protocol.call import Call, Flow
from ...protocol.envelope import APIResponse
from ..base import helper
from ._bbcode import Section, escape_bbcode, render_sections

__all__ = ["PostedReport", "destinations", "post_report", "report_message"]

_DEST = re.compile(r"^(UA|U[1-9]\d{0,9}|DR[1-9]\d{0,9}|SG[1-9]\d{0,9})$")
#: columns of one table at most (a wider one is cut: a post is read on a phone too)
MAX_COLUMNS: Final = 20
#: the post's title as the feed shows it
MAX_TITLE: Final = 255
#: bounds of ``max_rows`` and ``max_chars``
ROWS_LIMIT: Final = 1000
CHARS_LIMIT: Final = 200_000


@dataclass(frozen=True)
class PostedReport:
    """A report posted to the live feed: its post id, what was sent, and how many rows it shows."""

    id: int
    title: str
    message: str
    destinations: list[str] = field(default_factory=list)
    rows_shown: int = 0
    rows_total: int = 0

    @property
    def complete(self) -> bool:
        """Every row of the report is in the post."""
        return self.rows_shown == self.rows_total


def destinations(to: str | int | Sequence[str | int]) -> list[str]:
    """The ``DEST`` codes of ``to`` (``"UA"``, ``"U5"`` or ``5``, ``"DR3"``, ``"SG7"``), checked."""
    items = [to] if isinstance(to, str | int) else list(to) if isinstance(to, Sequence) else None
    if not items:
        raise InvalidInputError(
            f"to must name readers: 'UA', 'U<id>' (or a user id), 'DR<id>', 'SG<id>', not {short_repr(to)}",
            field="to",
        )
    codes: list[str] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool) and 0 < item < 10**10:
            code = f"U{item}"
        elif isinstance(item, str) and _DEST.match(item.strip().upper()):
            code = item.strip().upper()
        else:
            raise InvalidInputError(
                f"to: {short_repr(item)} is no destination ('UA', 'U<id>', 'DR<id>', 'SG<id>' or a user id)",
                field="to",
            )
        codes.append(code)
    return list(dict.fromkeys(codes))


def _is_frame(report: Any) -> bool:
    return hasattr(report, "columns") and hasattr(report, "itertuples") and hasattr(report, "index")


def _frame_section(frame: Any) -> Section:
    if any(name is not None for name in getattr(frame.index, "names", [None])):
        frame = frame.reset_index()  # a named index is data (a DataFrame of people by id)
    columns = [str(c) for c in frame.columns][:MAX_COLUMNS]
    rows = [list(row)[:MAX_COLUMNS] for row in frame.itertuples(index=False, name=None)]
    return Section(None, columns, rows)


def _rows_section(rows: Sequence[Any], columns: Sequence[str] | None) -> Section:
    if all(isinstance(row, Mapping) for row in rows):
        names = list(columns) if columns is not None else list(dict.fromkeys(k for row in rows for k in row))
        names = [str(n) for n in names][:MAX_COLUMNS]
        return Section(None, names, [[row.get(n) for n in names] for row in rows])
    if columns is None:
        raise InvalidInputError("rows of lists need columns= (the column names)", field="columns")
    if not all(isinstance(row, Sequence) and not isinstance(row, str | bytes) for row in rows):
        raise InvalidInputError("rows must all be dicts or all be lists", field="report")
    names = [str(n) for n in columns][:MAX_COLUMNS]
    return Section(None, names, [list(row)[: len(names)] for row in rows])


def _sections(report: Any, columns: Sequence[str] | None) -> tuple[str | None, list[Section]]:
    """The report's own caption and its tables."""
    if callable(getattr(report, "table", None)) and callable(getattr(report, "title", None)):
        names, rows = report.table()
        caption = str(report.title())
        people = getattr(report, "people_table", None)
        if callable(people):  # a project progress: who has what, then the tasks
            p_names, p_rows = people()
            return caption, [
                Section("By responsible", p_names, p_rows),
                Section("Tasks", names, rows),
            ]
        return caption, [Section(None, list(names)[:MAX_COLUMNS], rows, shares=True)]
    if _is_frame(report):
        return None, [_frame_section(report)]
    if isinstance(report, Sequence) and not isinstance(report, str | bytes):
        return None, [_rows_section(report, columns)]
    raise InvalidInputError(
        f"cannot post a {type(report).__name__}: pass a funnel or project report, a DataFrame, rows or text",
        field="report",
    )


def _bounds(max_rows: Any, max_chars: Any) -> None:
    for name, value, top in (("max_rows", max_rows, ROWS_LIMIT), ("max_chars", max_chars, CHARS_LIMIT)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise InvalidInputError(
                f"{name} must be a whole number 1..{top:,}, not {short_repr(value)}", field=name
            )
    if max_chars < 500:
        raise InvalidInputError(
            "max_chars must be at least 500 (a table's frame needs room)", field="max_chars"
        )


def report_message(
    report: Any, *, columns: Sequence[str] | None = None, max_rows: int = 50, max_chars: int = 20_000
) -> tuple[str, int, int]:
    """The BB-code message of a report, the rows it shows and the rows the report has (no request)."""
    _bounds(max_rows, max_chars)
    if isinstance(report, str):
        text = escape_bbcode(report)
        if not text.strip():
            raise InvalidInputError("the report text is empty", field="report")
        return (text if len(text) <= max_chars else text[: max_chars - 1] + "…"), 0, 0
    caption, sections = _sections(report, columns)
    rendered = render_sections(caption, sections, max_rows=max_rows, max_chars=max_chars)
    return rendered.text, rendered.rows_shown, rendered.rows_total


def _post_id(response: APIResponse) -> int:
    return int(str(response.result))


@helper
def post_report(
    report: Any,
    *,
    title: str,
    to: str | int | Sequence[str | int] = ("UA",),
    columns: Sequence[str] | None = None,
    max_rows: int = 50,
    max_chars: int = 20_000,
    important: bool = False,
) -> Flow[PostedReport]:
    """Post a funnel, project progress, table or text to the live feed in BB-code (log.blogpost.add)."""
    if not isinstance(title, str) or not title.strip():
        raise InvalidInputError("title must be a non-empty text (the post's title)", field="title")
    dest = destinations(to)
    message, shown, total = report_message(report, columns=columns, max_rows=max_rows, max_chars=max_chars)
    clean_title = escape_bbcode(title.strip()[:MAX_TITLE], one_line=True)
    params: dict[str, Any] = {"POST_TITLE": clean_title, "POST_MESSAGE": message, "DEST": dest}
    if important:
        params["IMPORTANT"] = "Y"
    post_id: int = yield Call("log.blogpost.add", params, parse=_post_id)
    return PostedReport(post_id, clean_title, message, dest, shown, total)
