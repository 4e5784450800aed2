"""The input: a departments table and an employees table, from CSV/XLSX files, dicts or DataFrames.

``source`` of :func:`sync_org_structure` is one of:

- :class:`OrgSource` ``(departments=..., employees=...)``: each a CSV or XLSX path, a list of dicts or a
  DataFrame (either may be ``None``);
- one CSV path, list of dicts or DataFrame: an employees table when it has an e-mail column, else a
  departments table;
- one XLSX path: the sheets named like ``departments``/``Подразделения`` and ``employees``/``Сотрудники``
  (or a single sheet, read as above).

With employees but no departments table, the departments are the distinct ``department`` values of the
employees (code = name = the value, all under the portal's top department): an Active Directory export.
Row numbers are those people see: in a file the header is row 1 (as Excel numbers rows), in dicts and
DataFrames rows count from 1. The ``#TYPE ...`` first line of Windows PowerShell's ``Export-Csv`` is skipped
(the header is then row 2).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InvalidInputError
from ..lead_import import SourceRow, SourceTable, detect_encoding, read_source
from ._mapping import Table, normalize_header, resolve_columns

__all__ = ["OrgSource", "Record", "Tables", "read_tables"]

_SHEETS: dict[str, Table] = {
    "departments": "departments",
    "подразделения": "departments",
    "структура": "departments",
    "employees": "employees",
    "сотрудники": "employees",
    "users": "employees",
}


@dataclass(frozen=True)
class OrgSource:
    """The two tables of an org structure (see the module docstring)."""

    departments: Any = None
    employees: Any = None


@dataclass(frozen=True)
class Record:
    """One source row as fields (empty cells left out) with its table and row number."""

    table: Table
    row: int
    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        """A field's text, ``""`` when absent."""
        return self.values.get(name, "")


@dataclass(frozen=True)
class Tables:
    """What was read: the records of each table and how."""

    departments: list[Record] | None
    employees: list[Record] | None
    notes: list[str] = field(default_factory=list)


def _xlsx(path: Path) -> dict[str, SourceTable]:
    """The sheets of an XLSX file (needs openpyxl, imported here)."""
    try:
        openpyxl: Any = importlib.import_module("openpyxl")
    except ModuleNotFoundError:
        raise ImportError(
            'reading XLSX files needs openpyxl: pip install "bitrix24-toolkit[org]"', name="openpyxl"
        ) from None
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets: dict[str, SourceTable] = {}
    try:
        for sheet in book.worksheets:
            values = list(sheet.iter_rows(values_only=True))
            if not values:
                continue
            columns = tuple("" if cell is None else str(cell).strip() for cell in values[0])
            rows = []
            for number, raw in enumerate(values[1:], start=2):
                cells = tuple(_text(cell) for cell in raw)[: len(columns)]
                cells += ("",) * (len(columns) - len(cells))
                if any(cell.strip() for cell in cells):
                    rows.append(SourceRow(number, cells))
            sheets[sheet.title] = SourceTable(columns, rows)
    finally:
        book.close()
    return sheets


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _is_xlsx(source: Any) -> bool:
    return isinstance(source, str | os.PathLike) and str(source).lower().endswith((".xlsx", ".xlsm"))


def _table_of(source: Any) -> SourceTable:
    if _is_xlsx(source):
        sheets = _xlsx(_existing(source))
        if len(sheets) != 1:
            raise InvalidInputError(
                f"{Path(source).name}: {len(sheets)} sheets; give OrgSource(departments=..., employees=...) "
                "or name the sheets 'departments' and 'employees'",
                field="source",
            )
        return next(iter(sheets.values()))
    if isinstance(source, str | os.PathLike):
        source = _existing(source).read_bytes()
    if isinstance(source, bytes | bytearray):
        return _without_type_line(bytes(source))
    return read_source(source)


def _without_type_line(data: bytes) -> SourceTable:
    """CSV bytes read as a table, the ``#TYPE ...`` line PowerShell writes before the header skipped."""
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return read_source(data)  # read_source names the encoding problem
    text = text.removeprefix("\ufeff")
    first, newline, rest = text.partition("\n")
    if not (newline and first.startswith("#TYPE")):
        return read_source(data, encoding=encoding)
    table = read_source(rest.encode("utf-8"), encoding="utf-8")  # a str would be taken for a path
    rows = [SourceRow(row.number + 1, row.cells, row.problem) for row in table.rows]
    return SourceTable(table.columns, rows, encoding, table.delimiter)


def _existing(source: Any) -> Path:
    path = Path(source)
    if not path.is_file():
        raise InvalidInputError(f"no such file: {str(path)!r}", field="source")
    return path


def _records(table: SourceTable, kind: Table, mapping: str | Mapping[str, str] | None) -> list[Record]:
    columns = resolve_columns(table.columns, kind, mapping)
    out = []
    for row in table.rows:
        values = {
            name: next((cell for cell in (row.cells[i].strip() for i in indexes) if cell), "")
            for name, indexes in columns.items()
        }  # the preferred column, else the next one with a value
        out.append(Record(kind, row.number, {k: v for k, v in values.items() if v}))
    return out


def _looks_like_employees(table: SourceTable, mapping: str | Mapping[str, str] | None) -> bool:
    try:
        found = resolve_columns(table.columns, "employees", mapping)
    except InvalidInputError:
        return False
    return "email" in found or "upn" in found


def _guess(table: SourceTable, mapping: str | Mapping[str, str] | None) -> Tables:
    if _looks_like_employees(table, mapping):
        return Tables(None, _records(table, "employees", mapping))
    return Tables(_records(table, "departments", mapping), None)


def read_tables(source: Any, mapping: str | Mapping[str, str] | None = None) -> Tables:
    """The departments and employees records of ``source`` (see the module docstring)."""
    if isinstance(source, OrgSource):
        departments = employees = None
        if source.departments is not None:
            departments = _records(_table_of(source.departments), "departments", mapping)
        if source.employees is not None:
            employees = _records(_table_of(source.employees), "employees", mapping)
        if departments is None and employees is None:
            raise InvalidInputError("OrgSource has neither departments nor employees", field="source")
        return Tables(departments, employees)
    if _is_xlsx(source):
        sheets = _xlsx(_existing(source))
        named = {_SHEETS.get(normalize_header(title)): table for title, table in sheets.items()}
        named.pop(None, None)
        if named:
            deps, emps = named.get("departments"), named.get("employees")
            return Tables(
                _records(deps, "departments", mapping) if deps is not None else None,
                _records(emps, "employees", mapping) if emps is not None else None,
            )
        if len(sheets) == 1:
            return _guess(next(iter(sheets.values())), mapping)
        raise InvalidInputError(
            f"{Path(source).name}: name its sheets 'departments' and 'employees' (it has "
            f"{', '.join(map(repr, sheets))})",
            field="source",
        )
    return _guess(_table_of(source), mapping)
