"""``mypy --strict`` on a user's script sees precise return types, sync and async."""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")
ARGS = ["--strict", "--no-incremental", "--python-version", "3.11"]


def test_user_script_type_checks_strictly() -> None:
    script = Path(__file__).with_name("user_script.py")
    stdout, stderr, status = api.run([*ARGS, str(script)])
    assert status == 0, stdout + stderr


def test_a_wrong_expectation_is_caught(tmp_path: Path) -> None:
    code = (
        "from typing import assert_type\n"
        "from bitrix24_toolkit import Bitrix24\n"
        "from bitrix24_toolkit.models import Lead\n"
        "def f(b24: Bitrix24) -> None:\n"
        "    assert_type(b24.crm.deal.get(5), Lead)\n"
    )
    script = tmp_path / "wrong.py"
    script.write_text(code, encoding="utf-8")
    stdout, _, status = api.run([*ARGS, str(script)])
    assert status == 1
    assert 'Expression is of type "Deal", not "Lead"' in stdout
