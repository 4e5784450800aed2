"""Generates the client namespaces (``b24.crm.deal.get(...)``) from the call factories.

Each REST method is defined once, as a method of a ``*Calls`` factory that returns a ``Call``, a flow or
a stream. The namespaces that users touch are thin bindings with precise types: the sync one returns the
value, the async one an awaitable (or an async iterator for streams). Writing both by hand would be two
copies that drift, so they are generated: run ``python -m bitrix24_toolkit.services.codegen`` after
changing a factory; a test fails while the generated files are stale.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import inspect
import pkgutil
import re
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

__all__ = ["factories", "main", "render", "render_api_doc"]

_HERE = Path(__file__).resolve().parent
_TARGETS = {"sync": _HERE / "sync_api.py", "async": _HERE / "async_api.py"}
_API_DOC = _HERE.parent.parent / "docs" / "api.md"
_ROOTS = (("b24.crm", "CrmCalls"), ("b24.user", "UserCalls"))
_REST = re.compile(r"\(([^()]*)\)\.?$")
_SKIP_MODULES = {"codegen", "sync_api", "async_api"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def factories() -> list[type]:
    """Every concrete ``*Calls`` factory class of the services package, in a stable order."""
    package = importlib.import_module(__package__ or "bitrix24_toolkit.services")
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _SKIP_MODULES:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and name.endswith("Calls")
                and obj.__module__ == module.__name__
                and not getattr(obj, "__parameters__", ())
            ):
                found[name] = obj
    return [found[name] for name in sorted(found)]


@dataclass
class _Member:
    name: str
    kind: str  # "call" | "stream" | "namespace" | "child"
    args: str
    annotations: str
    forward: str
    returns: str
    doc: str
    #: ``(args, inner return type)`` of each ``@overload`` of the factory method, in order
    overloads: list[tuple[str, str]] = field(default_factory=list)


def _type_map(cls: type) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            params = getattr(origin, "__parameters__", ())
            for param, arg in zip(params, typing.get_args(base), strict=False):
                mapping[param.__name__] = arg.__name__ if isinstance(arg, type) else str(arg)
    return mapping


def _function_nodes(owner: type, name: str) -> list[ast.FunctionDef]:
    source = inspect.getsource(sys.modules[owner.__module__])
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == owner.__name__:
            found = [item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == name]
            if found:
                return found
    raise LookupError(f"{owner.__name__}.{name} not found in source")


def _is_overload(node: ast.FunctionDef) -> bool:
    return any(ast.unparse(d) in ("overload", "typing.overload") for d in node.decorator_list)


def _function_node(owner: type, name: str) -> ast.FunctionDef:
    """The implementation (the definition that is not an ``@overload``)."""
    nodes = _function_nodes(owner, name)
    return next((n for n in reversed(nodes) if not _is_overload(n)), nodes[-1])


def _forward(args: ast.arguments) -> str:
    parts = [a.arg for a in (*args.posonlyargs, *args.args) if a.arg != "self"]
    if args.vararg:
        parts.append(f"*{args.vararg.arg}")
    parts += [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
    if args.kwarg:
        parts.append(f"**{args.kwarg.arg}")
    return ", ".join(parts)


def _annotation_text(args: ast.arguments) -> str:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    texts = [ast.unparse(a.annotation) for a in every if a.annotation is not None]
    texts += [ast.unparse(d) for d in [*args.defaults, *args.kw_defaults] if d is not None]
    return " ".join(texts)


def _substitute(text: str, mapping: dict[str, str]) -> str:
    return _IDENT.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def _members(cls: type) -> list[_Member]:
    mapping = _type_map(cls)
    rest = getattr(cls, "rest_name", "")
    members: list[_Member] = []
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        owner = next(k for k in cls.__mro__ if name in vars(k))
        attr = vars(owner)[name]
        if isinstance(attr, property | functools.cached_property):
            node = _function_node(owner, name)
            returns = _substitute(ast.unparse(node.returns) if node.returns else "Any", mapping)
            doc = (inspect.getdoc(attr) or "").splitlines()[0].replace("{rest}", rest)
            members.append(_Member(name, "child", "self", "", "", returns, doc))
            continue
        if not inspect.isfunction(attr):
            continue
        node = _function_node(owner, name)
        doc = (inspect.getdoc(attr) or "").splitlines()[0].replace("{rest}", rest)
        variants = [n for n in _function_nodes(owner, name) if _is_overload(n)]
        overloads = []
        for variant in variants:
            _, inner = _split_return(
                _substitute(ast.unparse(variant.returns) if variant.returns else "Any", mapping)
            )
            overloads.append((_substitute(ast.unparse(variant.args), mapping), inner))
        first = variants[0] if variants else node
        returns = _substitute(ast.unparse(first.returns) if first.returns else "Any", mapping)
        args = _substitute(ast.unparse(node.args), mapping)
        annotations = _substitute(
            " ".join([_annotation_text(node.args), *(_annotation_text(v.args) for v in variants)]), mapping
        )
        forward = _forward(node.args)
        kind, inner = _split_return(returns)
        if kind in ("call", "stream"):
            members.append(_Member(name, kind, args, annotations, forward, inner, doc, overloads))
        elif kind == "namespace":
            members.append(_Member(name, "namespace", args, annotations, forward, returns, doc))
    return members


def _union_parts(text: str) -> list[str]:
    """The members of a top-level ``A | B`` union (brackets respected)."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "[("
        depth -= char in "])"
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _split_return(returns: str) -> tuple[str, str]:
    """``Call[X]``/``Flow[X]`` -> ("call", X); ``Stream[X]`` -> ("stream", X); ``XCalls`` -> namespace.

    A union of such types (``Stream[A] | Stream[B]``) gives the union of their insides.
    """
    parts = _union_parts(returns)
    if len(parts) > 1:
        split = [_split_return(part) for part in parts]
        kinds = {kind for kind, _ in split}
        if len(kinds) == 1:
            return kinds.pop(), " | ".join(dict.fromkeys(inner for _, inner in split))
        return "other", returns
    head = returns.split("[", 1)[0]
    if head in ("Call", "Flow"):
        return "call", returns[len(head) + 1 : -1]
    if head == "Stream":
        return "stream", returns[len(head) + 1 : -1]
    if head.endswith("Calls"):
        return "namespace", returns
    return "other", returns


def _api_name(factory: str, mode: str) -> str:
    base = factory.removesuffix("Calls") + "API"
    return base if mode == "sync" else "Async" + base


def _rename_factories(text: str, mode: str) -> str:
    return _IDENT.sub(
        lambda m: _api_name(m.group(0), mode) if m.group(0).endswith("Calls") else m.group(0), text
    )


def _class_source(cls: type, mode: str) -> tuple[str, set[str]]:
    api = _api_name(cls.__name__, mode)
    client = "Bitrix24" if mode == "sync" else "AsyncBitrix24"
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
    for member in _members(cls):
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


def _overloaded(member: _Member, call: str, mode: str) -> list[str]:
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
        dict.fromkeys(shown(part) for _, inner in member.overloads for part in _union_parts(inner))
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
    modules = [sys.modules[c.__module__] for c in classes]
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
            relative = source.replace("bitrix24_toolkit.services.", ".").replace("bitrix24_toolkit.", "..")
            local.append(line.format(relative))
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
    client = "Bitrix24" if mode == "sync" else "AsyncBitrix24"
    client_module = "..client.sync_client" if mode == "sync" else "..client.async_client"
    stdlib, local = _import_lines(used, classes)
    header = [
        f'"""{"Synchronous" if mode == "sync" else "Asynchronous"} client namespaces, generated from the '
        'call factories."""',
        "",
        "# Generated by `python -m bitrix24_toolkit.services.codegen`: do not edit by hand.",
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


def _doc_rows(path: str, cls: type, by_name: dict[str, type], rows: list[tuple[str, str, str, str]]) -> None:
    for member in _members(cls):
        rest = _REST.search(member.doc)
        rest_name = rest.group(1) if rest else ""
        params = ", ".join(
            part.split(":")[0].split("=")[0].strip()
            for part in _split_args(member.args)
            if part.split(":")[0].strip() != "self"
        )
        if member.kind == "child":
            child = by_name.get(member.returns)
            if child is not None:
                _doc_rows(f"{path}.{member.name}", child, by_name, rows)
        elif member.kind == "namespace":
            child = by_name.get(member.returns.split("[", 1)[0])
            if child is not None:
                _doc_rows(f"{path}.{member.name}({params})", child, by_name, rows)
        else:
            returns = f"Iterator[{member.returns}]" if member.kind == "stream" else member.returns
            rows.append((path, rest_name, f"{path}.{member.name}({params})", returns))


def _split_args(args: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in args:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def render_api_doc() -> str:
    """``docs/api.md``: one line per method: REST name -> Python call -> return type."""
    classes = factories()
    by_name = {cls.__name__: cls for cls in classes}
    rows: list[tuple[str, str, str, str]] = []
    for path, root in _ROOTS:
        _doc_rows(path, by_name[root], by_name, rows)
    lines = [
        "# API index",
        "",
        "Every REST method the typed namespaces cover: the REST name, the Python call and what it returns",
        "with `Bitrix24`. With `AsyncBitrix24` the same call is awaited (streams are `async for` iterators).",
        "Any other method is one `b24.call(method, params)` away. Generated by",
        "`python -m bitrix24_toolkit.services.codegen`; a test keeps it in step with the code.",
        "",
    ]
    section = None
    for path, rest, call, returns in rows:
        top = ".".join(path.split("(")[0].split(".")[:3])
        if top != section:
            section = top
            lines += [f"## `{top}`", "", "| REST method | Python | returns |", "|---|---|---|"]
        lines.append(f"| `{rest}` | `{call}` | `{returns.replace('builtins.', '')}` |")
    out: list[str] = []
    for line in lines:  # a blank line before each new section heading
        if line.startswith("## ") and out and out[-1] != "":
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


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
