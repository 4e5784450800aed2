"""Reports meant for spreadsheets (issue 16, class 8) and CSV sources that break the csv module (class 10)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bitrix24_toolkit import helpers
from bitrix24_toolkit.errors import InvalidInputError
from bitrix24_toolkit.helpers import safe_cell
from bitrix24_toolkit.testing import Emulator

HOSTILE = ['=HYPERLINK("http://x")', "+7 999 123-45-67", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_formula_cells_are_defused(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Иван", "1000", "", "a=b", "ООО «Ромашка»", None, 5])
def test_plain_cells_are_kept(cell: object) -> None:
    assert safe_cell(cell) == ("" if cell is None else str(cell))


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_lead_import_report_defuses_cells_and_keeps_outcome_columns(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "Name;Phone;status;row\n=cmd|' /C calc'!A0;+79991234567;VIP;7\n",
        encoding="utf-8",
    )
    with Emulator(limits="off").client() as b24:
        report = helpers.import_leads(b24, source, mapping={"Name": "NAME", "Phone": "PHONE"})
    record = report.to_dicts()[0]
    assert record["status"] == "created"
    assert record["row"] == 2
    assert record["status (source)"] == "VIP"
    assert record["row (source)"] == "7"
    rows = _read(report.to_csv(tmp_path / "report.csv"))
    assert rows[0][:4] == ["row", "status", "lead_id", "reasons"]
    assert rows[0][4:] == ["Name", "Phone", "status (source)", "row (source)"]
    assert rows[1][1] == "created"
    assert rows[1][4] == "'=cmd|' /C calc'!A0"
    assert rows[1][5] == "'+79991234567"
    assert rows[1][6:] == ["VIP", "7"]


def test_history_csv_defuses_cells(tmp_path: Path) -> None:
    emu = Emulator(limits="off")
    with emu.client() as b24:
        deal_id = b24.crm.deal.add({"TITLE": "=1+1"})
        history = helpers.history(b24, ("deal", deal_id))
        path = history.to_csv(tmp_path / "history.csv")
    assert all(not cell.startswith("=") for row in _read(path) for cell in row)


def test_cell_over_the_csv_field_limit_is_a_typed_error(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    source.write_text('Name;Phone\n"' + "x" * (csv.field_size_limit() + 10) + '";1\n', encoding="utf-8")
    with Emulator(limits="off").client() as b24, pytest.raises(InvalidInputError, match="line"):
        helpers.import_leads(b24, source, mapping={"Name": "NAME"})


def test_numbers_stay_numbers_and_reimported_reports_lose_the_quote(tmp_path: Path) -> None:
    from decimal import Decimal

    assert safe_cell(-5) == "-5"
    assert safe_cell(Decimal("-1500.00")) == "-1500.00"
    assert safe_cell("-5") == "'-5"  # text is defused whatever it looks like
    source = tmp_path / "leads.csv"
    source.write_text('Name;Comments\n-Ирина-;=HYPERLINK("http://x")\n', encoding="utf-8")
    emu = Emulator(limits="off")
    with emu.client() as b24:
        report = helpers.import_leads(b24, source, mapping={"Name": "NAME", "Comments": "COMMENTS"})
        path = report.to_csv(tmp_path / "report.csv")
        again = helpers.import_leads(
            b24, path, mapping={"Name": "NAME", "Comments": "COMMENTS"}, dedupe="create"
        )
        rows = [{"Name": r[4], "Comments": r[5]} for r in _read(path)[1:]]
        third = helpers.import_leads(
            b24, rows, mapping={"Name": "NAME", "Comments": "COMMENTS"}, dedupe="create"
        )
    assert again.ok
    assert third.ok
    names = {row["NAME"] for row in emu.state.table("lead").values()}
    comments = {row["COMMENTS"] for row in emu.state.table("lead").values()}
    assert names == {"-Ирина-"}
    assert comments == {'=HYPERLINK("http://x")'}


def test_to_csv_is_atomic_and_an_unencodable_cell_is_a_typed_error(tmp_path: Path) -> None:
    from bitrix24_toolkit.helpers import ImportReport, ImportRow

    path = tmp_path / "r.csv"
    path.write_text("previous report\n", encoding="utf-8")
    report = ImportReport(rows=[ImportRow(2, "created", 1, (), {"name": "Ирина 😀"})], columns=("name",))
    with pytest.raises(InvalidInputError, match="cp1251"):
        report.to_csv(path, encoding="cp1251")
    assert path.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]
