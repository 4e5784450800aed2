"""Reading lead sources: encodings and delimiters of Russian exports, row numbers, dicts, DataFrames."""

from __future__ import annotations

from pathlib import Path

import pytest

from bitrix24_toolkit import errors
from bitrix24_toolkit.helpers.lead_import import (
    detect_encoding,
    normalize_email,
    normalize_phone,
    read_source,
)

TEXT = "Имя;Телефон;Комментарий\nПётр;8 999 123-45-67;«ёлка», да\n;;\nАнна;+7 912 000-11-22;\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("cp1251"), "cp1251"),
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        ("Имя\nЮля\n".encode("cp1251"), "cp1251"),  # too short for any detector: cp1251 is assumed
    ],
)
def test_encodings_of_russian_exports(data: bytes, encoding: str) -> None:
    assert detect_encoding(data) == encoding
    table = read_source(data)
    assert table.columns[0] == "Имя"  # no BOM left in the first header


def test_cp1251_semicolon_file_rows_keep_excel_numbers(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(TEXT.encode("cp1251"))
    table = read_source(path)
    assert (table.encoding, table.delimiter) == ("cp1251", ";")
    assert table.columns == ("Имя", "Телефон", "Комментарий")
    # the header is row 1, the blank ";;" line 3 is dropped but keeps the numbering
    assert [(row.number, row.cells) for row in table.rows] == [
        (2, ("Пётр", "8 999 123-45-67", "«ёлка», да")),
        (4, ("Анна", "+7 912 000-11-22", "")),
    ]


def test_comma_delimiter_quotes_and_extra_cells() -> None:
    data = b'Name,Phone\n"Smith, John",+79991234567\nAnn,+79120001122,oops\nBob\n'
    table = read_source(data)
    assert table.delimiter == ","
    first, second, third = table.rows
    assert first.cells == ("Smith, John", "+79991234567")
    assert first.problem is None
    assert second.problem is not None
    assert "3 cells but the header has 2" in second.problem
    assert third.cells == ("Bob", "")  # short rows are padded


def test_dicts_and_dataframes() -> None:
    pandas = pytest.importorskip("pandas")
    rows = [
        {"NAME": "Пётр", "PHONE": 79991234567.0},
        {"NAME": None, "PHONE": float("nan")},
        {"EMAIL": "a@b.ru"},
    ]
    table = read_source(rows)
    assert table.columns == ("NAME", "PHONE", "EMAIL")
    assert [(row.number, row.cells) for row in table.rows] == [
        (1, ("Пётр", "79991234567", "")),
        (3, ("", "", "a@b.ru")),
    ]
    frame = pandas.DataFrame(rows)
    assert [row.cells for row in read_source(frame).rows] == [row.cells for row in table.rows]


def test_bad_sources_are_refused() -> None:
    with pytest.raises(errors.InvalidInputError, match="no such CSV file"):
        read_source("/nonexistent/leads.csv")
    with pytest.raises(errors.InvalidInputError, match="empty"):
        read_source(b"  \n")
    with pytest.raises(errors.InvalidInputError, match="row 2: expected a dict"):
        read_source([{"a": 1}, "b"])
    with pytest.raises(errors.InvalidInputError, match="source must be"):
        read_source(42)


def test_phone_and_email_normalisation() -> None:
    assert normalize_phone("8 (999) 123-45-67") == "+79991234567"
    assert normalize_phone("+7 912 000 11 22") == "+79120001122"
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    for bad in ("12345", "телефон", "+7 999"):
        with pytest.raises(ValueError, match="phone"):
            normalize_phone(bad)
    assert normalize_email("Petr@Example.RU") == "Petr@example.ru"
    with pytest.raises(ValueError, match="not a valid e-mail"):
        normalize_email("anna@example")
