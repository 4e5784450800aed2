"""Generates the client namespaces (``b24.crm.deal.get(...)``) from the call factories.

Each REST method is defined once, as a method of a ``*Calls`` factory that returns a ``Call``, a flow or
a stream. The namespaces that users touch are thin bindings with precise types: the sync one returns the
value, the async one an awaitable (or an async iterator for streams). Writing both by hand would be two
copies that drift, so they are generated: run ``python -m tools.codegen`` after
changing a factory; a test fails while the generated files are stale.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType

from .apidoc import REST_NAME, render_api_doc
from .introspect import Member, factories, members, union_parts

__all__ = ["REST_NAME", "factories", "main", "members", "render", "render_api_doc"]

_ROOT = Path(__file__).resolve().parents[2]
_CLIENT = _ROOT / "bitrix24_toolkit" / "client"
_TARGETS = {"sync": _CLIENT / "sync_api.py", "async": _CLIENT / "async_api.py"}
_API_DOC = _ROOT / "docs" / "api.md"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _api_name(factory: str, mode: str) -> str:
    base = factory.removesuffix("Calls") + "API"
    return base if mode == "sync" else "Async" + base


def _rename_factories(text: str, mode: str) -> str:
    return _IDENT.sub(
        lambda m: _api_name(m.group(0), mode) if m.group(0).endswith("Calls") else m.group(0), text
    )


def _class_source(cls: type, mode: str) -> tuple[str, set[str]]:
    api = _api_name(cls.__name__, mode)
    client = "SyncEngine" if mode == "sync" else "AsyncEngine"
    doc = (inspect.getdoc(cls) or cls.__name__).splitlines()[0]
    lines = [
        f"class {api}:",
        f'    """{doc}"""',
        "",
        f"    def __init__(self, client: {client}, calls: {cls.__name__}) -> None:",
        "        self._client = client",
        "        #: the call factories behind this namespace (build ``Call`` objects for batches and flows)",
        "        self.calls = calls",
    ]
    used: set[str] = {cls.__name__}
    for member in members(cls):
        used |= set(_IDENT.findall(member.annotations + " " + member.returns))
        call = f"self.calls.{member.name}({member.forward})"
        lines.append("")
        if member.kind == "child":
            child = _rename_factories(member.returns, mode)
            lines += [
                "    @cached_property",
                f"    def {member.name}(self) -> {child}:",
                f'        """{member.doc}"""',
                f"        return {child}(self._client, self.calls.{member.name})",
            ]
        elif member.kind == "namespace":
            child = _rename_factories(member.returns, mode)
            lines += [
                f"    def {member.name}({member.args}) -> {child}:",
                f'        """{member.doc}"""',
                f"        return {child}(self._client, {call})",
            ]
        elif member.overloads:
            lines += _overloaded(member, call, mode)
            used |= {"overload", "cast", "Any"}
        elif member.kind == "stream":
            iterator = "Iterator" if mode == "sync" else "AsyncIterator"
            lines += [
                f"    def {member.name}({member.args}) -> {iterator}[{member.returns}]:",
                f'        """{member.doc}"""',
                f"        return self._client.stream({call})",
            ]
        elif mode == "sync":
            lines += [
                f"    def {member.name}({member.args}) -> {member.returns}:",
                f'        """{member.doc}"""',
                f"        return self._client.run({call})",
            ]
        else:
            lines += [
                f"    async def {member.name}({member.args}) -> {member.returns}:",
                f'        """{member.doc}"""',
                f"        return await self._client.run({call})",
            ]
    return "\n".join(lines), used


def _overloaded(member: Member, call: str, mode: str) -> list[str]:
    """``@overload`` variants plus an implementation returning their union."""
    iterator = "Iterator" if mode == "sync" else "AsyncIterator"
    asynchronous = mode == "async" and member.kind == "call"
    prefix = "async def" if asynchronous else "def"

    def shown(inner: str) -> str:
        return f"{iterator}[{inner}]" if member.kind == "stream" else inner

    lines: list[str] = []
    for args, inner in member.overloads:
        lines += ["    @overload", f"    {prefix} {member.name}({args}) -> {shown(inner)}: ..."]
    union = " | ".join(
        dict.fromkeys(shown(part) for _, inner in member.overloads for part in union_parts(inner))
    )
    runner = "stream" if member.kind == "stream" else "run"
    awaited = "await " if asynchronous else ""
    lines += [
        f"    {prefix} {member.name}({member.args}) -> {union}:",
        f'        """{member.doc}"""',
        f'        return cast("{union}", {awaited}self._client.{runner}(cast(Any, {call})))',
    ]
    return lines


def _defined_names(module: ModuleType) -> set[str]:
    tree = ast.parse(inspect.getsource(module))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _isort_key(name: str) -> tuple[int, str]:
    """isort's order by type: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def _import_lines(names: set[str], classes: list[type]) -> tuple[list[str], list[str]]:
    sources: dict[str, set[str]] = {}
    modules = list(
        {
            k.__module__: sys.modules[k.__module__]
            for c in classes
            for k in c.__mro__
            if k.__module__.startswith("bitrix24_toolkit.")
        }.values()
    )
    for name in sorted(names):
        if name == "builtins":
            sources.setdefault("", set()).add(name)
            continue
        if hasattr(builtins, name) or name in ("None", "self"):
            continue
        where = None
        for module in modules:
            if name in _defined_names(module):
                where = module.__name__
                break
            obj = vars(module).get(name)
            if obj is not None:
                origin = getattr(obj, "__module__", None)
                if origin and getattr(sys.modules.get(origin), name, None) is obj:
                    where = origin
                    break
        if where is None and name in ("Iterator", "AsyncIterator"):
            where = "collections.abc"
        if name in ("TYPE_CHECKING", "overload", "cast"):
            where = "typing"
        if where is None:
            raise LookupError(f"cannot find where {name!r} comes from")
        sources.setdefault(where, set()).add(name)
    stdlib: list[str] = []
    local: list[str] = []
    for source, imported in sorted(sources.items()):
        if source == "":
            stdlib.append("import builtins")
            continue
        line = f"from {{}} import {', '.join(sorted(imported, key=_isort_key))}"
        if source.startswith("bitrix24_toolkit."):
            relative = source.replace("bitrix24_toolkit.client.", ".").replace("bitrix24_toolkit.", "..")
            text = line.format(relative)
            if len(text) > 110:  # isort's wrapped form, as ruff expects
                wrapped = ",\n".join(f"    {n}" for n in sorted(imported, key=_isort_key))
                text = f"from {relative} import (\n{wrapped},\n)"
            local.append(text)
        else:
            stdlib.append(line.format(source))
    local.sort(key=lambda text: (not text.startswith("from .."), text))
    return stdlib, local


def render(mode: str) -> str:
    """The source of ``sync_api.py`` (``mode="sync"``) or ``async_api.py``."""
    classes = factories()
    bodies: list[str] = []
    used: set[str] = set()
    for cls in classes:
        body, names = _class_source(cls, mode)
        bodies.append(body)
        used |= names
    used -= {"Call", "Flow", "Stream"}
    used.add("TYPE_CHECKING")
    used.add("Iterator" if mode == "sync" else "AsyncIterator")
    client = "SyncEngine" if mode == "sync" else "AsyncEngine"
    client_module = "..engine.sync_engine" if mode == "sync" else "..engine.async_engine"
    stdlib, local = _import_lines(used, classes)
    header = [
        f'"""{"Synchronous" if mode == "sync" else "Asynchronous"} client namespaces (``b24.crm.deal`` ...): '
        'GENERATED from the call factories."""',
        "",
        "# GENERATED FILE: written by `python -m tools.codegen` from the call factories in",
        "# bitrix24_toolkit/services/. Do not edit by hand: a test fails while it is stale.",
        "",
        "from __future__ import annotations",
        "",
        *sorted([*stdlib, "from functools import cached_property"], key=lambda t: (t.startswith("from"), t)),
        "",
        *local,
        "",
        "if TYPE_CHECKING:",
        f"    from {client_module} import {client}",
        "",
        f"__all__ = {sorted(_api_name(c.__name__, mode) for c in classes)!r}",
    ]
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(bodies) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` only compare) the generated binding modules."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    outputs = [(path, render(mode)) for mode, path in _TARGETS.items()]
    outputs.append((_API_DOC, render_api_doc()))
    for path, text in outputs:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if text != current:
            stale.append(path.name)
            if not check:
                path.write_text(text, encoding="utf-8")
    if stale:
        print(("stale: " if check else "wrote: ") + ", ".join(stale))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
