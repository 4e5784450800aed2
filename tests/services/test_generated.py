"""The generated namespaces and docs/api.md are in step with the call factories; imports stay light.

The import time itself is measured by ``benchmarks/import_time.py`` (speed goals live in benchmarks).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools import codegen

ROOT = Path(__file__).resolve().parents[2]


def test_generated_bindings_are_current() -> None:
    assert (ROOT / "bitrix24_toolkit/client/sync_api.py").read_text(encoding="utf-8") == codegen.render(
        "sync"
    ), "run: python -m tools.codegen"
    assert (ROOT / "bitrix24_toolkit/client/async_api.py").read_text(encoding="utf-8") == codegen.render(
        "async"
    )


def test_api_doc_is_current() -> None:
    assert (ROOT / "docs/api.md").read_text(encoding="utf-8") == codegen.render_api_doc()


def test_every_public_factory_method_names_its_rest_method() -> None:
    for cls in codegen.factories():
        for member in codegen.members(cls):
            if member.kind in ("call", "stream"):
                assert codegen.REST_NAME.search(member.doc), f"{cls.__name__}.{member.name}: {member.doc!r}"


def test_import_does_not_build_models() -> None:
    code = (
        "import sys, bitrix24_toolkit; print([m for m in sys.modules if m == 'pydantic' "
        "or m.startswith(('bitrix24_toolkit.models', 'bitrix24_toolkit.services'))])"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"  # models and services (and pydantic) load on first use of b24.crm
