"""Relative deadlines of a project template: a small grammar and working-day arithmetic (pure, no portal).

A deadline expression is an anchor, optionally moved by an amount of days or weeks::

    deadline := anchor [ ("+" | "-") amount unit ]
    anchor   := "start"              the project's start date
              | "after:" KEY         the deadline of the task KEY (an earlier one in the plan)
    amount   := a whole number (0 .. 3650)
    unit     := "day" | "days"                        calendar days
              | "working day" | "working days"        Monday to Friday, skipping ``holidays``
              | "workday" | "workdays"                (the same)
              | "week" | "weeks"                      7 calendar days each

Words are case-insensitive and spaces are free: ``start + 10 working days``, ``after:design+3 workdays``,
``start``. A working-day count steps over Saturdays, Sundays and the given holidays; ``+ 0 working days``
is the anchor itself. Calendar days and weeks are plain date arithmetic (a result may fall on a weekend).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["Deadline", "add_working_days", "parse_deadline", "resolve_deadline"]

Unit = Literal["days", "working days", "weeks"]

_UNITS: Final[dict[str, Unit]] = {
    "day": "days",
    "days": "days",
    "working day": "working days",
    "working days": "working days",
    "workday": "working days",
    "workdays": "working days",
    "week": "weeks",
    "weeks": "weeks",
}
_KEY = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
_EXPRESSION = re.compile(
    rf"^\s*(?:(?P<start>start)|after\s*:\s*(?P<key>{_KEY}))\s*"
    r"(?:(?P<sign>[+-])\s*(?P<amount>\d{1,4})\s*(?P<unit>[a-z]+(?:\s+[a-z]+)?)\s*)?$",
    re.IGNORECASE,
)
#: the largest shift an expression may carry (ten years of days)
MAX_AMOUNT: Final = 3650


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline expression: the anchor (``None``: the start; else a task key) and a shift."""

    after: str | None
    amount: int = 0
    unit: Unit = "days"

    def __str__(self) -> str:
        anchor = "start" if self.after is None else f"after:{self.after}"
        if not self.amount:
            return anchor
        sign = "+" if self.amount > 0 else "-"
        return f"{anchor} {sign} {abs(self.amount)} {self.unit}"


def parse_deadline(text: str) -> Deadline:
    """Parse ``"start + 10 working days"``; raise ``ValueError`` with the reason when it is no expression."""
    if not isinstance(text, str):
        raise ValueError(
            f"a deadline must be a text such as 'start + 10 working days', not {type(text).__name__}"
        )
    found = _EXPRESSION.match(text)
    if found is None:
        raise ValueError(
            f"cannot read deadline {text[:80]!r}: expected 'start', 'start + N days|working days|weeks' or "
            "'after:KEY + N ...'"
        )
    amount = 0
    unit: Unit = "days"
    if found["sign"] is not None:
        word = " ".join(found["unit"].lower().split())
        if word not in _UNITS:
            raise ValueError(
                f"cannot read deadline {text[:80]!r}: unknown unit {found['unit']!r} "
                "(days, working days, weeks)"
            )
        unit = _UNITS[word]
        amount = int(found["amount"])
        if amount > MAX_AMOUNT:
            raise ValueError(f"deadline {text[:80]!r} is more than {MAX_AMOUNT} {unit} away")
        if found["sign"] == "-":
            amount = -amount
    return Deadline(after=found["key"], amount=amount, unit=unit)


def _working(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: dt.date, count: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """``day`` moved by ``count`` working days (Monday-Friday, not in ``holidays``); 0 gives ``day``."""
    step = 1 if count >= 0 else -1
    left = abs(count)
    while left:
        day += dt.timedelta(days=step)
        if _working(day, holidays):
            left -= 1
    return day


def resolve_deadline(deadline: Deadline, anchor: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    """The date ``deadline`` names when its anchor is ``anchor``."""
    if deadline.unit == "working days":
        return add_working_days(anchor, deadline.amount, holidays)
    days = deadline.amount * (7 if deadline.unit == "weeks" else 1)
    return anchor + dt.timedelta(days=days)
