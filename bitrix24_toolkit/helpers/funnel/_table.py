"""Rendering shared by the funnel results: a title, columns and rows as Markdown, HTML, a DataFrame.

An empty amount cell becomes ``0`` in the report's main currency; a value that cannot be computed reads
:data:`NOT_AVAILABLE`; :meth:`Table.data_table` adds the id columns programs join on.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any

__all__ = ["NOT_AVAILABLE", "Table", "filled", "main_currency", "plain"]


def plain(value: Any) -> Any:
    """A JSON-able copy: dataclasses -> dicts, Decimal -> float, datetimes -> ISO strings."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


#: what a rate or a time reads when it cannot be computed (0 of 0, no stays)
NOT_AVAILABLE = "–"


def _cell(value: Any) -> str:
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:,.1f}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dict):
        return "; ".join(f"{_cell(v)} {k}" for k, v in value.items())
    return str(value)


def main_currency(amounts: Sequence[Mapping[str, Decimal]]) -> str | None:
    """The currency most rows have an amount in (ties: alphabetical); ``None`` when no row has any."""
    seen = Counter(currency for row in amounts for currency in row)
    if not seen:
        return None
    return min(seen, key=lambda c: (-seen[c], c))


def filled(amounts: Sequence[Mapping[str, Decimal]]) -> list[Mapping[str, Decimal] | Decimal]:
    """Amount cells: an empty one becomes ``0`` in the main currency (``Decimal(0)`` when there is none)."""
    currency = main_currency(amounts)
    zero = Decimal(0) if currency is None else {currency: Decimal("0.00")}
    return [row if row else zero for row in amounts]


class Table:
    """Rendering shared by the results: subclasses give a title, column names and rows."""

    def title(self) -> str:
        """A one-line caption."""
        raise NotImplementedError

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Column names and rows of typed values (percentages as 0..1 floats)."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-able values."""
        out = plain(self)
        assert isinstance(out, dict)
        return out

    def to_markdown(self) -> str:
        """A Markdown table with a caption."""
        columns, rows = self.table()
        lines = [f"**{self.title()}**", "", "| " + " | ".join(columns) + " |"]
        lines.append("|" + "|".join("---" for _ in columns) + "|")
        lines += ["| " + " | ".join(_cell(v).replace("|", "/") for v in row) + " |" for row in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        columns, rows = self.table()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
        )
        caption = html.escape(self.title())
        return (
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    def to_dataframe(self) -> Any:
        """The table as a ``pandas.DataFrame`` (amounts as floats, one column per currency)."""
        try:
            pd = importlib.import_module("pandas")  # optional extra, imported only here
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError('to_dataframe() needs pandas: pip install "bitrix24-toolkit[pandas]"') from exc
        columns, rows = self.data_table()
        flat_rows: list[dict[str, Any]] = []
        money: dict[str, None] = {}
        for row in rows:
            flat: dict[str, Any] = {}
            for name, value in zip(columns, row, strict=True):
                if isinstance(value, dict):
                    split = {f"{name} {k}": float(v) for k, v in value.items()}
                    money.update(dict.fromkeys(split))
                    flat.update(split)
                else:
                    flat[name] = float(value) if isinstance(value, Decimal) else value
            flat_rows.append(flat)
        frame = pd.DataFrame(flat_rows)
        for name in money:  # no amount in a currency is an amount of 0, not a missing value
            frame[name] = frame[name].fillna(0.0)
        for name in self.ids():
            if name in frame:
                frame[name] = frame[name].astype("Int64" if name == "user id" else "string")
        return frame

    def ids(self) -> dict[str, list[Any]]:
        """The id columns for programs, one value per row of :meth:`table` (none by default)."""
        return {}

    def data_table(self) -> tuple[list[str], list[list[Any]]]:
        """:meth:`table` with the :meth:`ids` columns appended (what the DataFrame and CSV hold)."""
        columns, rows = self.table()
        extra = self.ids()
        values = list(zip(*extra.values(), strict=True)) if extra else [() for _ in rows]
        return [*columns, *extra], [[*row, *more] for row, more in zip(rows, values, strict=True)]
