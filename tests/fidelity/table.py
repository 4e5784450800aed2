"""The fidelity table of ``docs/testing.md``, built from ``tests/fidelity/facts``.

``python -m tests.fidelity.table`` rewrites it (``--check`` only compares)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from . import facts
from .shapes import MethodDoc

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
BEGIN, END = "<!-- fidelity-table:begin -->", "<!-- fidelity-table:end -->"
PAGES = "https://github.com/bitrix24/b24restdocs/blob/main/"


def documented_methods() -> dict[str, MethodDoc]:
    """Every method of every facts module, by name."""
    out: dict[str, MethodDoc] = {}
    for info in sorted(pkgutil.iter_modules(facts.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{facts.__name__}.{info.name}")
        for name, doc in getattr(module, "METHODS", {}).items():
            assert name not in out, f"{name} listed twice"
            out[name] = doc
    return dict(sorted(out.items()))


def render() -> str:
    rows = ["| method | official page | not emulated |", "|---|---|---|"]
    for name, doc in documented_methods().items():
        page = f"[{doc.page.removeprefix('api-reference/')}]({PAGES}{doc.page})"
        rows.append(f"| `{name}` | {page} | {doc.not_emulated.replace('|', '/') or '—'} |")
    return "\n".join([BEGIN, *rows, END])


def current() -> str:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    return text[start : end + len(END)] if start >= 0 and end >= 0 else ""


def main(argv: list[str]) -> int:
    table = render()
    if "--check" in argv:
        return 0 if current() == table else 1
    text = DOC.read_text(encoding="utf-8")
    old = current()
    DOC.write_text(
        text.replace(old, table) if old else text.rstrip("\n") + "\n\n" + table + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
