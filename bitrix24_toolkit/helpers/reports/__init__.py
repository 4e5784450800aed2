"""Reports for people: CSV files that spreadsheets open safely (cells that would run as formulas defused)."""

from ._spreadsheet import FORMULA_STARTS, safe_cell, unquote_cell, write_csv, write_rows

__all__ = ["FORMULA_STARTS", "safe_cell", "unquote_cell", "write_csv", "write_rows"]
