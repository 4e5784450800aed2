"""A portal value as an SQL value: ``""`` and anything unparsable become ``NULL``, never a wrong value."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["convert", "converter", "money_parts", "parse_moment", "portal_time"]

_INT = re.compile(r"^[+-]?\d{1,19}$")
_DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def to_int(value: Any) -> int | None:
    """An integer (``"12"``, ``12``, ``12.0``) or ``None``."""
    if _blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**63 else None
    text = str(value).strip()
    if _INT.match(text):
        number = int(text)
        return number if -(2**63) <= number < 2**63 else None
    number_d = to_decimal(text)
    if number_d is not None and number_d == number_d.to_integral_value() and abs(number_d) < 2**63:
        return int(number_d)
    return None


def to_decimal(value: Any, places: int | None = None) -> Decimal | None:
    """A decimal (``"1500.50"``, ``1500.5``) or ``None``; ``places`` rounds it."""
    if _blank(value) or isinstance(value, bool) or isinstance(value, Mapping | list):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
        if len(number.as_tuple().digits) > 18:
            return None  # does not fit NUMERIC(18, x)
    return number


def to_float(value: Any) -> float | None:
    """A float or ``None``."""
    number = to_decimal(value)
    if number is None:
        return None
    result = float(number)
    return result if math.isfinite(result) else None


def parse_moment(value: Any) -> dt.datetime | None:
    """An ISO 8601 datetime (``2026-06-30T10:47:17+03:00``; ``dd.mm.yyyy hh:mm:ss`` too) or ``None``;
    a moment with no offset is read as UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        dotted = _DOTTED.match(text)
        try:
            if dotted:
                day, month, year, hour, minute, second = dotted.groups()
                moment = dt.datetime(
                    int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
                )
            else:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def to_date(value: Any) -> dt.date | None:
    """The calendar date of a date or datetime value (as the portal wrote it, in its own offset)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    moment = parse_moment(value)
    return None if moment is None else moment.date()


_TRUE = {"y", "1", "true", "yes"}
_FALSE = {"n", "0", "false", "no"}


def to_bool(value: Any) -> bool | None:
    """``Y``/``N``, ``1``/``0``, ``true``/``false`` or ``None``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def to_text(value: Any) -> str | None:
    """Text; a dict or list as JSON text."""
    if _blank(value):
        return None
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, bool):
        return "Y" if value else "N"
    return str(value)


def money_parts(value: Any) -> tuple[Decimal | None, str | None]:
    """A money user field (``"1500.50|RUB"``) as amount and currency."""
    if _blank(value) or not isinstance(value, str | int | float):
        return None, None
    amount, _, currency = str(value).partition("|")
    return to_decimal(amount, 2), (currency.strip().upper() or None)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "BIGINT": to_int,
    "INTEGER": lambda v: (lambda n: n if n is not None and -(2**31) <= n < 2**31 else None)(to_int(v)),
    "DOUBLE PRECISION": to_float,
    "NUMERIC(18,2)": lambda v: to_decimal(v, 2),
    "NUMERIC(18,4)": lambda v: to_decimal(v, 4),
    "DATE": to_date,
    "TIMESTAMPTZ": parse_moment,
    "BOOLEAN": to_bool,
    "TEXT": to_text,
}


def converter(sql_type: str) -> Callable[[Any], Any]:
    """The function turning a portal value into a value of this SQL type."""
    return _CONVERTERS.get(sql_type, to_text)


def convert(value: Any, sql_type: str) -> Any:
    """A portal value as a value of ``sql_type`` (``NULL`` when empty or unparsable)."""
    return converter(sql_type)(value)


def portal_time(moment: dt.datetime, like: dt.tzinfo | None) -> str:
    """A moment written the way the portal writes them (ISO 8601, in the offset it used)."""
    shown = moment.astimezone(like) if like is not None else moment.astimezone(dt.UTC)
    return shown.replace(microsecond=0).isoformat()
