"""A portal value as an SQL value: ``""`` and anything unparsable become ``NULL``, never a wrong value.

Nothing here raises on a portal value: a number too large for its column (``NUMERIC(18,2)``, ``BIGINT``),
``NaN``/``Infinity``, a date or moment outside what both databases and their Python drivers read back
(UTC ``0001-01-02`` .. ``9999-12-30``) are ``NULL``. Text loses its NUL characters (U+0000: PostgreSQL text
and JSON cannot hold them; DuckDB gets the same text so both targets hold the same rows), and a lone UTF-16
surrogate, which no UTF-8 database can store, becomes U+FFFD.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._schema import EntitySchema

__all__ = [
    "child_rows",
    "clean_text",
    "convert",
    "converter",
    "money_parts",
    "parse_moment",
    "portal_time",
    "row_values",
]

_INT = re.compile(r"^[+-]?\d{1,19}$")
_DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: the moments every target stores and reads back into Python in any session time zone
_EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)


def clean_text(text: str) -> str:
    """Text every target stores: NUL characters removed, a lone surrogate as U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # the quick check: only a lone surrogate fails
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _clean_json(value: Any) -> Any:
    """A JSON-able value with clean text everywhere (keys too) and no NaN/Infinity."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(str(k)): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean_text(str(value))


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
    if number_d is None or number_d.adjusted() > 18:  # beyond BIGINT (and beyond the decimal context)
        return None
    try:
        if number_d != number_d.to_integral_value():
            return None
        number = int(number_d)
    except ArithmeticError:
        return None
    return number if -(2**63) <= number < 2**63 else None


def to_decimal(value: Any, places: int | None = None) -> Decimal | None:
    """A decimal (``"1500.50"``, ``1500.5``) or ``None``; ``places`` rounds it."""
    if _blank(value) or isinstance(value, bool) or isinstance(value, Mapping | list):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (ArithmeticError, ValueError):
        return None
    if not number.is_finite():
        return None
    if places is not None:
        if number.adjusted() >= 18 - places:
            return None  # does not fit NUMERIC(18, places)
        try:
            number = number.quantize(Decimal(1).scaleb(-places))
        except ArithmeticError:  # decimal's InvalidOperation and the like
            return None
        if len(number.as_tuple().digits) > 18:
            return None  # rounded up out of NUMERIC(18, places)
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
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        utc = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return moment if _EARLIEST <= utc <= _LATEST else None


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
    """Text (see :func:`clean_text`); a dict or list as JSON text; empty text as ``None``."""
    if _blank(value):
        return None
    if isinstance(value, str):
        text = clean_text(value)
    elif isinstance(value, Mapping | list | tuple):
        try:
            text = json.dumps(_clean_json(value), ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError, RecursionError):  # an int too long to print, nesting too deep
            return None
    elif isinstance(value, bool):
        return "Y" if value else "N"
    else:
        try:
            text = clean_text(str(value))
        except ValueError:  # an int beyond Python's printing limit
            return None
    return text or None


def money_parts(value: Any) -> tuple[Decimal | None, str | None]:
    """A money user field (``"1500.50|RUB"``) as amount and currency."""
    if _blank(value) or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, None
    try:
        amount, _, currency = str(value).partition("|")
    except ValueError:  # an int beyond Python's printing limit
        return None, None
    return to_decimal(amount, 2), (clean_text(currency.strip().upper()) or None)


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


def row_values(plan: EntitySchema, row: Mapping[str, Any], now: dt.datetime) -> list[Any]:
    """One portal row as the values of :attr:`EntitySchema.names`."""
    out: list[Any] = []
    for column in plan.columns:
        value = row.get(column.code)
        if column.part == "money":
            out.append(money_parts(value)[0])
        elif column.part == "currency":
            out.append(money_parts(value)[1])
        else:
            out.append(converter(column.sql_type)(value))
    out.append(now)
    return out


def child_rows(
    plan: EntitySchema, row: Mapping[str, Any], entity_id: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The multifield rows and the multiple-value rows of one portal row."""
    multi: list[tuple[Any, ...]] = []
    for code in plan.multifields:
        entries = row.get(code)
        if isinstance(entries, Mapping):
            entries = list(entries.values())
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, Mapping):
                continue
            value_id = to_int(entry.get("ID"))
            multi.append(
                (
                    entity_id,
                    code,
                    value_id if value_id is not None else -(n + 1),
                    to_text(entry.get("VALUE_TYPE")),
                    to_text(entry.get("VALUE")),
                )
            )
    many: list[tuple[Any, ...]] = []
    for code in plan.multiples:
        values: Sequence[Any] | Any = row.get(code)
        if isinstance(values, Mapping):
            values = list(values.values())
        if not isinstance(values, list):
            values = [] if values in (None, "", False) else [values]
        for n, value in enumerate(values):
            text = to_text(value)
            if text is not None:
                many.append((entity_id, code, n, text))
    return multi, many
