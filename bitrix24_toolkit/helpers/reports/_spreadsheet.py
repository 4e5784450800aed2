"""CSV files meant for spreadsheets: cells that Excel or LibreOffice would run as formulas are defused.

A report repeats what a source file or a portal said (a lead's name, a comment, a phone number), so any
cell may come from an attacker. A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
return or a line feed (also after spaces) is taken as a formula by spreadsheets (CSV injection);
:func:`safe_cell` prefixes such a cell with ``'``, the defence OWASP recommends. Spreadsheets show that
quote when they open a CSV file (``'+7 999 123-45-67``); :func:`~bitrix24_toolkit.helpers.import_leads`
drops it again when a report is imported back. Numbers (``int``, ``float``, ``Decimal``) are written as
numbers: a number is never a formula.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ...errors import InvalidInputError

__all__ = ["FORMULA_STARTS", "safe_cell", "unquote_cell", "write_csv", "write_rows"]

#: first characters that make a spreadsheet evaluate a cell
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading ``'`` when a spreadsheet would run it as a formula."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)  # -5 is a number, not a formula
    text = "" if value is None else str(value)
    # whitespace before the sign does not stop Excel either ("  =1+1")
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def unquote_cell(text: str) -> str:
    """A cell read back from a file this module wrote: the defusing ``'`` removed."""
    if text.startswith("'") and text[1:].lstrip(" ").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def write_rows(handle: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]], **options: Any) -> None:
    """Write a header and rows to an open text handle, every cell through :func:`safe_cell`."""
    writer = csv.writer(handle, **options)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def write_csv(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> Path:
    """Save a spreadsheet-safe CSV file (``;`` and UTF-8 with a BOM open in Excel); returns the path."""
    target = Path(path)
    # written beside the target and moved over it at the end: a failure leaves no half-written file
    handle = tempfile.NamedTemporaryFile(
        "w", encoding=encoding, newline="", dir=target.parent, prefix=f".{target.name}.", delete=False
    )
    try:
        with handle:
            write_rows(handle, header, rows, delimiter=delimiter)
        os.replace(handle.name, target)
    except UnicodeEncodeError as exc:
        os.unlink(handle.name)
        bad = exc.object[exc.start : exc.end]
        raise InvalidInputError(
            f"a cell holds {bad!r}, which {encoding!r} cannot encode: write the file as UTF-8 (the default)",
            field="encoding",
        ) from None
    except BaseException:
        os.unlink(handle.name)
        raise
    return target
