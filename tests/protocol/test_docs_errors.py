"""docs/errors.md shows the error table exactly as the code has it."""

from __future__ import annotations

import re
from pathlib import Path

from bitrix24_toolkit.errors import ERROR_TABLE

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def test_documented_table_matches_the_code() -> None:
    rows = re.findall(r"^\| `([^`]+)` \| [^|]+ \| `(\w+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    documented = {code.lower(): cls for code, cls in rows}
    assert documented == {code: cls.__name__ for code, cls in ERROR_TABLE.items()}
