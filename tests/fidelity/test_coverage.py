"""Every emulated method has its official page recorded, a fidelity test calling it, a row in the docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bitrix24_toolkit.testing import Emulator
from bitrix24_toolkit.testing.emulator.registry import REGISTRY

from .table import current, documented_methods, render

HERE = Path(__file__).parent


def _emulated() -> set[str]:
    Emulator()  # registers every built-in method
    # other test modules register throw-away ``test.*`` methods in the same process
    return {name for name in REGISTRY if not name.startswith("test.")}


def test_every_emulated_method_has_its_page() -> None:
    missing = sorted(_emulated() - set(documented_methods()))
    assert not missing, f"no official page recorded for {missing}"


def test_every_documented_method_is_emulated() -> None:
    unknown = sorted(set(documented_methods()) - _emulated())
    assert not unknown, f"facts list methods the emulator lacks: {unknown}"


def test_pages_are_paths_in_the_docs_repository() -> None:
    for name, doc in documented_methods().items():
        assert re.fullmatch(r"api-reference/[a-z0-9/_.-]+\.md", doc.page), (name, doc.page)


def test_every_method_is_called_by_a_fidelity_test() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py"))
    uncalled = [name for name in documented_methods() if f'"{name}"' not in text]
    assert not uncalled, f"no fidelity test calls {uncalled}"


def test_docs_table_is_current() -> None:
    assert current() == render(), "run: python -m tests.fidelity.table"


def test_table_command_checks() -> None:
    root = HERE.parents[1]
    done = subprocess.run([sys.executable, "-m", "tests.fidelity.table", "--check"], cwd=root, check=False)
    assert done.returncode == 0
