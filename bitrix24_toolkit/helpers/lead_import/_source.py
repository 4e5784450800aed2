"""Reading lead rows from a CSV file, an iterable of dicts or a pandas DataFrame (no I/O with the portal).

CSV files come from Excel and CRMs in UTF-8 (with or without a BOM) or Windows-1251, with ``;`` or ``,``
between cells. The encoding is detected with charset-normalizer, the delimiter with :class:`csv.Sniffer`;
both can be given instead. Every row keeps its number as people see it: for a CSV file the header is row
1 and the first record row 2 (as Excel numbers them); for dicts and DataFrames rows count from 1.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InvalidInputError
from ..reports import unquote_cell
from ._extra import leads_extra

__all__ = ["SourceRow", "SourceTable", "detect_delimiter", "detect_encoding", "read_source"]

#: the encodings Russian exports come in, preferred when the detector lists them among its candidates
_PREFERRED = ("cp1251",)
_CYRILLIC = frozenset({"cp1251", "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5"})
_DELIMITERS = ";,\t|"


@dataclass(frozen=True)
class SourceRow:
    """One input row: its number (see the module docstring) and one cell text per column."""

    number: int
    cells: tuple[str, ...]
    #: a problem found while reading (e.g. more cells than the header has)
    problem: str | None = None


@dataclass(frozen=True)
class SourceTable:
    """The rows of a source and how it was read."""

    columns: tuple[str, ...]
    rows: list[SourceRow] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def detect_encoding(data: bytes) -> str:
    """The encoding of CSV bytes: a BOM or valid UTF-8 wins; otherwise charset-normalizer's guess,
    preferring Windows-1251 when it is among the candidates (short Russian samples fool any detector)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    with leads_extra():
        from charset_normalizer import from_bytes
    results = from_bytes(data)
    candidates = [match.encoding for match in results]
    for preferred in _PREFERRED:
        if preferred in candidates:
            return preferred
    best = results.best()
    if best is not None and best.encoding in _CYRILLIC:
        return str(best.encoding)
    return "cp1251"  # the usual non-UTF-8 export here; it decodes almost any byte string


def detect_delimiter(text: str) -> str:
    """The cell delimiter of CSV text (``;``, ``,``, tab or ``|``), by :class:`csv.Sniffer` with a
    fallback to the most frequent candidate in the header line."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text.strip() else ""
        counts = {candidate: header.count(candidate) for candidate in _DELIMITERS}
        best = max(counts, key=lambda candidate: counts[candidate])
        return best if counts[best] else ","


def _cell(value: Any) -> str:
    """A cell as text: ``None``/NaN -> ``""``, ``79991234567.0`` -> ``"79991234567"``, lists joined, the
    ``'`` a report put before a formula-like cell removed."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(text for text in (_cell(item) for item in value) if text)
    text = str(value)
    if text in ("nan", "NaT", "<NA>") and type(value).__module__.startswith("pandas"):
        return ""
    return unquote_cell(text)  # a cell of a report this library wrote, read back by the caller


def _records(reader: Any) -> Iterator[list[str]]:
    """The reader's records; a broken line (a cell over the csv module's field limit, a NUL byte) is an
    :class:`InvalidInputError` naming the line, not a raw ``csv.Error``."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInputError(
                f"the CSV file is unreadable at line {reader.line_num}: {exc}", field="source"
            ) from None
        yield record


def _from_csv_text(text: str, delimiter: str | None, encoding: str | None) -> SourceTable:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InvalidInputError("the CSV file is empty", field="source")
    used = delimiter or detect_delimiter(text)
    reader = _records(csv.reader(io.StringIO(text, newline=""), delimiter=used))
    header = next(reader)
    columns = tuple(name.strip() for name in header)
    rows: list[SourceRow] = []
    for index, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines and ";;;;" tails of Excel exports
        problem = None
        if len(record) > len(columns):
            extra = record[len(columns) :]
            if any(cell.strip() for cell in extra):
                problem = (
                    f"{len(record)} cells but the header has {len(columns)} "
                    f"(an unquoted {used!r} inside a value?)"
                )
            record = record[: len(columns)]
        # a report this library wrote defused formula-like cells with a leading "'": read them as they were
        record = [unquote_cell(cell) for cell in record]
        cells = tuple(record) + ("",) * (len(columns) - len(record))
        rows.append(SourceRow(index, cells, problem))
    return SourceTable(columns, rows, encoding, used)


def _from_records(records: Iterable[Any]) -> SourceTable:
    columns: dict[str, None] = {}
    items: list[tuple[int, Mapping[str, Any]]] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise InvalidInputError(
                f"row {number}: expected a dict of column -> value, not {type(record).__name__}",
                field="source",
            )
        columns.update(dict.fromkeys(str(key).strip() for key in record))
        items.append((number, {str(key).strip(): value for key, value in record.items()}))
    names = tuple(columns)
    rows = []
    for number, record in items:
        cells = tuple(_cell(record.get(name)) for name in names)
        if any(cell.strip() for cell in cells):
            rows.append(SourceRow(number, cells))
    return SourceTable(names, rows)


def _is_dataframe(source: Any) -> bool:
    return type(source).__module__.startswith("pandas") and hasattr(source, "to_dict")


def read_source(source: Any, *, encoding: str | None = None, delimiter: str | None = None) -> SourceTable:
    """Rows from a CSV path, CSV bytes, an open file, an iterable of dicts or a pandas DataFrame."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise InvalidInputError(f"no such CSV file: {str(path)!r}", field="source")
        source = path.read_bytes()
    elif hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        used = encoding or detect_encoding(data)
        try:
            text = data.decode(used)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InvalidInputError(
                f"the CSV file cannot be read as {used}: {exc}", field="encoding"
            ) from exc
        return _from_csv_text(text, delimiter, used)
    if isinstance(source, str):  # text read from an open text file
        return _from_csv_text(source, delimiter, encoding)
    if _is_dataframe(source):
        return _from_records(source.to_dict("records"))
    if isinstance(source, Mapping) or not isinstance(source, Iterable):
        raise InvalidInputError(
            "source must be a CSV path, CSV bytes, an open file, an iterable of dicts or a DataFrame, "
            f"not {type(source).__name__}",
            field="source",
        )
    return _from_records(source)
